//! Taxonomies in the assemble stage: every page's terms gathered per taxonomy, terms that
//! differ only in Unicode form, case or tone placement (`Đảng ủy`/`Đảng uỷ`) merged into one
//! (named by the spelling most pages use; every spelling has its tone marks in the site's
//! `tone_style` when it has one), each term's pages newest first, terms in Vietnamese order.

use std::collections::BTreeMap;

use crate::config::{Config, ToneStyle};
use crate::content::{DocId, Document, Taxonomy, Term};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::vi::tone::{Placement, place_tones};

/// Groups the pages' terms: spellings that differ only in Unicode form, case or tone placement
/// (`Đảng ủy`/`Đảng uỷ`) are one term; terms are sorted in Vietnamese order. Two different
/// terms with one slug (`học`/`hóc`) are an error.
pub(super) fn collect_taxonomies(
    config: &Config,
    pages: &[Document],
    diags: &mut Diagnostics,
) -> Vec<Taxonomy> {
    let mut out = Vec::new();
    for name in &config.taxonomies {
        // key → (spelling → count, pages)
        let mut groups: BTreeMap<String, (BTreeMap<String, usize>, Vec<DocId>)> = BTreeMap::new();
        // Each spelling's key, computed once (a site repeats a few tags over thousands of pages).
        let mut keys: std::collections::HashMap<&str, String> = std::collections::HashMap::new();
        for (id, p) in DocId::all(pages.len()).zip(pages) {
            for t in p.terms.iter().filter(|t| &t.taxonomy == name) {
                let key = keys.entry(&t.name).or_insert_with(|| {
                    crate::vi::tone_key(t.name.split_whitespace().collect::<Vec<_>>().join(" ").as_str())
                });
                let g = match groups.get_mut(key.as_str()) {
                    Some(g) => g,
                    None => groups.entry(key.clone()).or_default(),
                };
                *g.0.entry(t.name.clone()).or_insert(0) += 1;
                // Pages come in id order: a page already listed is the last one.
                if g.1.last() != Some(&id) {
                    g.1.push(id);
                }
            }
        }
        let mut terms: Vec<Term> = groups
            .into_values()
            .map(|(spellings, pages)| {
                let name = display_name(spellings);
                Term { slug: crate::vi::slug::term_slug(&name), name, pages }
            })
            .collect();
        terms.sort_by(|a, b| crate::vi::collate(&a.name, &b.name).then_with(|| a.name.cmp(&b.name)));
        // A term on the path of another is an error here; it is left out, so that the outputs
        // the two would share are not reported again (as two pages writing one file).
        let mut colliding: Vec<String> = Vec::new();
        for pair in terms.windows(2) {
            if let Some(other) = terms
                .iter()
                .find(|t| t.slug == pair[1].slug && t.name != pair[1].name && t.name == pair[0].name)
            {
                let p = &pages[pair[1].pages[0]];
                // At the term as this page spells it (the term's name is the most used spelling).
                let key = crate::vi::tone_key(&pair[1].name);
                let written = p
                    .terms
                    .iter()
                    .find(|t| &t.taxonomy == name && crate::vi::tone_key(&t.name) == key)
                    .map_or(pair[1].name.as_str(), |t| t.name.as_str());
                diags.push(
                    Diagnostic::error(
                        "term-collision",
                        p.key_lines.locate_value(
                            &p.file,
                            if name == "tags" { "tags" } else { "taxonomies" },
                            0,
                            written,
                        ),
                        format!(
                            "thẻ `{}` và `{}` có cùng đường dẫn /{name}/{}/",
                            other.name, pair[1].name, other.slug
                        ),
                    )
                    .with_hint("đổi tên một trong hai thẻ cho khác biệt khi bỏ dấu"),
                );
                colliding.push(pair[1].name.clone());
            }
        }
        terms.retain(|t| !colliding.contains(&t.name));
        out.push(Taxonomy { name: name.clone(), terms });
    }
    out
}

/// The name a term is shown by: the spelling most pages use (ties: the first in Vietnamese
/// order, then byte-wise). Under a `tone_style`, every spelling is already in it
/// ([`in_tone_style`]).
fn display_name(spellings: BTreeMap<String, usize>) -> String {
    spellings
        .into_iter()
        .min_by(|a, b| b.1.cmp(&a.1).then_with(|| crate::vi::collate(&a.0, &b.0)).then_with(|| a.0.cmp(&b.0)))
        .map(|(name, _)| name)
        .unwrap_or_default()
}

/// A term as a page writes it, its tone marks placed in the site's `tone_style` when loa.yaml
/// sets one (`Đảng uỷ` is `Đảng ủy` under `tone_style: old`), so that the site shows one
/// spelling of a term in its page lists, term pages and feeds.
pub(super) fn in_tone_style(name: String, style: Option<ToneStyle>) -> String {
    match style {
        None => name,
        Some(ToneStyle::Old) => place_tones(&name, Placement::Old),
        Some(ToneStyle::New) => place_tones(&name, Placement::New),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spellings(list: &[(&str, usize)]) -> BTreeMap<String, usize> {
        list.iter().map(|(s, n)| (s.to_string(), *n)).collect()
    }

    #[test]
    fn a_term_is_named_by_the_spelling_most_pages_use_in_the_site_tone_style() {
        let merged = spellings(&[("Đảng uỷ", 2), ("Đảng ủy", 1), ("ĐẢNG ỦY", 1)]);
        assert_eq!(display_name(merged), "Đảng uỷ");
        // A tie: the first in Vietnamese order.
        assert_eq!(display_name(spellings(&[("đảng uỷ", 1), ("Đảng uỷ", 1)])), "đảng uỷ");
        assert_eq!(in_tone_style("Đảng uỷ".into(), None), "Đảng uỷ");
        assert_eq!(in_tone_style("Đảng uỷ".into(), Some(ToneStyle::Old)), "Đảng ủy");
        assert_eq!(in_tone_style("ĐẢNG ỦY".into(), Some(ToneStyle::New)), "ĐẢNG UỶ");
        assert_eq!(in_tone_style("Sức khỏe".into(), Some(ToneStyle::Old)), "Sức khỏe");
    }
}
