//! What a scaffold needs to know of the site it is added to: its sections and their kinds,
//! and its document pages (code, other names, clause ids), read from `content/`.
//!
//! Takes the content folder; gives a [`SiteIndex`]. Reads files and parses their front matter
//! the way the build does, but reports nothing: a file that cannot be read or parsed is passed
//! over (the build reports it). Must not write.

use std::path::{Path, PathBuf};

use crate::content::{Kind, Matter};

/// A document page of the site, as an explainer's scaffold names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteDocument {
    /// Its code (`49-KL/TW`).
    pub code: String,
    /// Its other names.
    pub aliases: Vec<String>,
    /// Its clause ids, in order.
    pub clauses: Vec<String>,
    /// Whether the page is a draft.
    pub draft: bool,
}

/// What a scaffold needs to know of the site: its sections (folder under `content/`, kind) and
/// its documents, in path order. Files that cannot be read or parsed are passed over (the
/// build reports them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteIndex {
    /// Sections, by folder relative to `content/` (the home page left out).
    pub sections: Vec<(String, Kind)>,
    /// Document pages.
    pub documents: Vec<SiteDocument>,
}

impl SiteIndex {
    /// Reads the sections and documents under `content`.
    pub fn read(content: &Path) -> SiteIndex {
        let mut files: Vec<(String, PathBuf)> = walkdir::WalkDir::new(content)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
            .filter_map(|e| {
                let rel = e.path().strip_prefix(content).ok()?.to_string_lossy().replace('\\', "/");
                Some((rel, e.into_path()))
            })
            .collect();
        files.sort();
        let mut index = SiteIndex::default();
        for (rel, path) in &files {
            if let Some(dir) = rel.strip_suffix("/_index.md") {
                let kind = match read_parsed(path, rel, true).map(|p| p.matter) {
                    Some(Matter::Section(m)) => m.kind.unwrap_or(Kind::Article),
                    _ => Kind::Article,
                };
                index.sections.push((dir.to_string(), kind));
            }
        }
        for (rel, path) in &files {
            let is_document = index
                .sections
                .iter()
                .filter(|(dir, _)| rel.starts_with(&format!("{dir}/")))
                .max_by_key(|(dir, _)| dir.len())
                .is_some_and(|(_, kind)| *kind == Kind::Document);
            if !is_document || rel.ends_with("/_index.md") {
                continue;
            }
            let Some(parsed) = read_parsed(path, rel, false) else { continue };
            if let Matter::Page(m) = parsed.matter
                && let Some(d) = m.document
            {
                index.documents.push(SiteDocument {
                    code: d.code.0.trim().to_string(),
                    aliases: d.aliases,
                    clauses: crate::assemble::clause_ids(&parsed.body),
                    draft: m.draft,
                });
            }
        }
        index
    }
}

/// A source file read and parsed, or `None`.
fn read_parsed(path: &Path, rel: &str, is_section: bool) -> Option<crate::content::Parsed> {
    let bytes = std::fs::read(path).ok()?;
    let text = crate::parse::decode_text(&bytes, rel).ok()?;
    crate::parse::parse_file(&text, rel, is_section).ok()
}
