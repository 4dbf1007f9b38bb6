//! Which files are copied as is, and where they land: bundle assets beside their page, other
//! files under `content/` beside their section, static files at their own path.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::content::Site;
use crate::load::Loaded;

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

/// The static files of the theme carried by loa that the site uses (it names the theme and
/// has no copy of it), but those its own `static/` replaces: output path, bytes. They are
/// written like made files, not copied.
pub fn builtin_static(config: &crate::config::Config, loaded: &Loaded) -> Vec<(String, &'static [u8])> {
    if !config.builtin_theme() {
        return Vec::new();
    }
    crate::theme::files_under("static/")
        .filter(|(rel, _)| !loaded.static_files.iter().any(|a| a.rel == *rel))
        .map(|(rel, bytes)| (rel.to_string(), bytes))
        .collect()
}
