//! Which files are copied as is, and where they land: bundle assets beside their page, other
//! files under `content/` beside their section, static files at their own path.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

use crate::config::Config;
use crate::content::Site;
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::load::Loaded;
use crate::render::{Bytes, Sink};

/// Output path → source file, for every copied file. Pure over the load and assemble results.
pub fn copies(site: &Site, loaded: &Loaded) -> BTreeMap<String, PathBuf> {
    let mut out = BTreeMap::new();
    for a in &loaded.static_files {
        out.insert(a.rel.clone(), a.from.clone());
    }
    for a in &loaded.content_assets {
        let file = format!("content/{}", a.rel);
        let bundle = site
            .pages
            .iter()
            .filter_map(|p| p.bundle_dir.as_ref().map(|d| (d, p)))
            .filter(|(d, _)| file.starts_with(&format!("{d}/")))
            .max_by_key(|(d, _)| d.len());
        let target = match bundle {
            Some((dir, p)) => format!("{}{}", p.path.trim_start_matches('/'), &file[dir.len() + 1..]),
            None => {
                let (dir, name) = a.rel.rsplit_once('/').unwrap_or(("", &a.rel));
                let section = site.sections.iter().find(|s| s.dir == dir);
                let prefix = match section {
                    Some(s) => s.path.trim_start_matches('/').to_string(),
                    None => dir
                        .split('/')
                        .filter(|s| !s.is_empty())
                        .map(|s| format!("{}/", crate::vi::slugify(s)))
                        .collect(),
                };
                format!("{prefix}{name}")
            }
        };
        out.insert(target, a.from.clone());
    }
    out
}

/// Passes rendered files on to a sink, noting each one a copied file would replace (a bundle's
/// `index.html`, `static/index.html`, `static/atom.xml`): the copy is written last and would
/// win without a word.
pub struct CopyGuard<'a> {
    inner: &'a dyn Sink,
    copies: &'a BTreeMap<String, PathBuf>,
    hits: Mutex<Vec<String>>,
}

impl<'a> CopyGuard<'a> {
    /// Guards `inner` against `copies`.
    pub fn new(inner: &'a dyn Sink, copies: &'a BTreeMap<String, PathBuf>) -> Self {
        CopyGuard { inner, copies, hits: Mutex::new(Vec::new()) }
    }

    /// An error for every rendered file a copy would replace, naming both sources. A site's
    /// own `static/robots.txt` is the one exception: it replaces the generated one on purpose.
    pub fn replaced(self, config: &Config, site: &Site) -> Diagnostics {
        let mut hits = self.hits.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
        hits.sort();
        let mut diags = Diagnostics::new();
        for key in hits {
            let from = &self.copies[&key];
            if key == "robots.txt" && from.starts_with(config.root.join("static")) {
                continue;
            }
            let copy = from.strip_prefix(&config.root).unwrap_or(from).to_string_lossy().replace('\\', "/");
            let url = format!("/{}", key.strip_suffix("index.html").unwrap_or(&key));
            let source = site
                .pages
                .iter()
                .find(|p| p.path == url)
                .map(|p| p.file.clone())
                .or_else(|| site.sections.iter().find(|s| s.path == url).and_then(|s| s.file.clone()));
            let what = match source {
                Some(file) => format!("trang của `{file}`"),
                None => format!("tệp `{key}` do loa tạo ra"),
            };
            diags.push(
                Diagnostic::error(
                    "route-collision",
                    Location::file(&copy),
                    format!("`{copy}` và {what} cùng ghi ra `/{key}`; tệp sao chép sẽ thay thế trang"),
                )
                .with_hint("đổi tên hoặc xóa một trong hai tệp: mỗi địa chỉ chỉ có một tệp"),
            );
        }
        diags
    }
}

impl Sink for CopyGuard<'_> {
    fn put(&self, path: &str, bytes: Bytes) -> Result<(), String> {
        if self.copies.contains_key(path) {
            self.hits.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(path.to_string());
        }
        self.inner.put(path, bytes)
    }
}
