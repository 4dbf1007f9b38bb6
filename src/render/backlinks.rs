//! Who cites what: for each citable document, the pages that mention it or explain it, with
//! the clause when one is named. Made once per build from the Markdown stage's mentions; read
//! by the document pages (each clause lists the pages that cite it).

use crate::content::DocId;
use crate::markdown::cite::Mention;

/// Who cites what: for each citable document (index in the registry), the pages that mention
/// it or explain it, with the clause when one is named. Built once per build.
#[derive(Debug, Default)]
pub struct Backlinks {
    /// `by_target[t]` = (page, clause) pairs, pages newest first.
    pub by_target: Vec<Vec<(DocId, Option<String>)>>,
}

impl Backlinks {
    /// Collects the mentions of every page, plus what each explainer explains.
    pub fn new(
        env_pages: &[crate::content::Document],
        mentions: &[Vec<Mention>],
        cites: &crate::markdown::cite::Citations,
        site: &crate::content::Site,
    ) -> Self {
        let mut by_target: Vec<Vec<(DocId, Option<String>)>> = vec![Vec::new(); cites.targets().len()];
        let mut order: Vec<DocId> = DocId::all(env_pages.len()).collect();
        site.sort_newest_first(&mut order);
        for &i in &order {
            let p = &env_pages[i];
            let mut add = |t: usize, clause: Option<String>| {
                if !by_target[t].contains(&(i, clause.clone())) {
                    by_target[t].push((i, clause));
                }
            };
            for (t, clause) in &mentions[i] {
                add(*t, clause.clone());
            }
            if let Some(e) = p.meta.explains()
                && let Some(t) = cites.find_code(&e.document)
            {
                add(t, None);
                for c in &e.clauses {
                    add(t, Some(c.clone()));
                }
            }
        }
        Backlinks { by_target }
    }
}
