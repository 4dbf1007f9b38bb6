//! Routes in the assemble stage: slugs (Vietnamese folding, no separators or `..`), alias
//! paths that stay inside the site, section paths from folder names, and the check that no two
//! files land on one URL.

use std::collections::BTreeMap;

use crate::content::{Document, Section, SectionId};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};

/// Validates an explicit `slug:` and folds it. Never returns a value with `/`, `\` or `..`.
pub fn check_slug(raw: &str) -> Result<String, String> {
    if raw.contains(['/', '\\', ':']) || raw.contains("..") {
        return Err(format!("slug `{raw}` không được chứa `/`, `\\`, `:` hay `..`"));
    }
    let slug = crate::vi::slugify(raw);
    if slug.is_empty() {
        return Err(format!("slug `{raw}` không có chữ hoặc số"));
    }
    Ok(slug)
}

/// An alias as a clean site path (`/a/b/`), or `None` when it is unsafe.
pub(super) fn alias_path(a: &str) -> Option<String> {
    let trimmed = a.trim().trim_matches('/');
    if trimmed.is_empty() || a.contains(['\\', ':', '?', '#']) {
        return None;
    }
    let segs: Vec<&str> = trimmed.split('/').collect();
    if segs.iter().any(|s| s.is_empty() || *s == "." || *s == "..") {
        return None;
    }
    Some(format!("/{}/", segs.join("/")))
}

/// The file path relative to `content/`, a translation's language taken out
/// (`bai-viet/x.en.md` → `bai-viet/x.md`): a translation lands on its original's route.
pub(super) fn content_rel(file: &str) -> String {
    crate::content::translation::split_language(file.strip_prefix("content/").unwrap_or(file)).0
}

/// `a/b/c.md` → `a/b`; `c.md` → ``.
pub(super) fn parent_dir(rel: &str) -> String {
    rel.rsplit_once('/').map(|(d, _)| d.to_string()).unwrap_or_default()
}

/// URL path of a section folder: each folder name folded to a slug.
pub(super) fn dir_path(dir: &str) -> String {
    let mut p = String::from("/");
    for seg in dir.split('/').filter(|s| !s.is_empty()) {
        p.push_str(&crate::vi::slugify(seg));
        p.push('/');
    }
    p
}

pub(super) fn nearest_section(dirs: &[String], dir: &str) -> SectionId {
    let mut d = dir.to_string();
    loop {
        if let Some(i) = dirs.iter().position(|s| *s == d) {
            return SectionId(i);
        }
        if d.is_empty() {
            return SectionId(0);
        }
        d = parent_dir(&d);
    }
}

pub(super) fn check_routes(sections: &[Section], pages: &[Document], diags: &mut Diagnostics) {
    let home_file = "content/_index.md".to_string();
    let routes = sections
        .iter()
        .map(|s| (s.path.as_str(), s.file.as_ref().unwrap_or(&home_file), None))
        .chain(pages.iter().map(|p| {
            (p.path.as_str(), &p.file, p.key_lines.keys.iter().find(|(k, _)| k == "slug").map(|(_, l)| *l))
        }))
        .chain(pages.iter().flat_map(|p| p.aliases.iter().map(move |a| (a.as_str(), &p.file, None))));
    // Each path's first file, with the line of its `slug:` when it has one.
    let mut first: BTreeMap<&str, (&String, Option<usize>)> = BTreeMap::new();
    let shown = |file: &str, line: Option<usize>| match line {
        Some(l) => format!("{file}:{l}"),
        None => file.to_string(),
    };
    for (path, file, slug_line) in routes {
        if let Some(&(other, other_line)) = first.get(path) {
            if other != file {
                let loc = match slug_line {
                    Some(l) => Location::at(file.as_str(), l, 1),
                    None => Location::file(file.as_str()),
                };
                diags.push(
                    Diagnostic::error(
                        "route-collision",
                        loc,
                        format!("trùng đường dẫn {path} với {}", shown(other, other_line)),
                    )
                    .with_hint(format!("đặt `slug:` khác cho một trong hai tệp ({other} hoặc {file})")),
                );
            }
        } else {
            first.insert(path, (file, slug_line));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_slugs_are_refused() {
        for bad in ["../../etc/x", "/abs", "a\\b", "C:x", ";)"] {
            assert!(check_slug(bad).is_err(), "{bad}");
        }
        assert_eq!(check_slug("Kết luận 49").as_deref(), Ok("ket-luan-49"));
    }

    #[test]
    fn aliases_must_stay_inside_the_site() {
        assert_eq!(alias_path("tin-cu/a").as_deref(), Some("/tin-cu/a/"));
        assert_eq!(alias_path("/../x"), None);
        assert_eq!(alias_path("//"), None);
    }

    #[test]
    fn section_paths_fold_folder_names() {
        assert_eq!(dir_path("Bài viết/Tin mới"), "/bai-viet/tin-moi/");
        assert_eq!(crate::content::output_file("/a/b/"), "a/b/index.html");
        assert_eq!(crate::content::output_file("/"), "index.html");
        for path in ["/", "/a/", "/a/b/trang/2/", "/thuat-ngu/"] {
            assert_eq!(crate::content::output_path(&crate::content::output_file(path)), path);
        }
        assert_eq!(crate::content::output_path("404.html"), "/404.html");
        assert_eq!(crate::content::output_path("a/xindex.html"), "/a/xindex.html");
    }
}
