//! Links and images checked against the made site: every link to a place of the site that is
//! not a source file (`/bai-viet/x/`, `../tin-cu/`, `anh.jpg`, `#muc`, a page's `image:`) must
//! lead to something the build made or copied, and its `#anchor` to a heading of that page.
//!
//! Takes what the Markdown stage recorded ([`LinkIndex`], taken from the bodies before
//! rendering frees them) and the paths of every output and copied file; gives an error at the
//! link's line and column for each miss, with the closest existing address as the hint. Pure.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::config::{MenuEntry, MenuLink};
use crate::content::Site;
use crate::diagnostics::{Diagnostic, Diagnostics, Location, did_you_mean};
use crate::markdown::{LinkTargets, LocalLink, Rendered};

/// The links to check, by the page or section they are on, and the heading ids of every page
/// and section by URL path (`/bai-viet/x/`).
#[derive(Debug, Default)]
pub struct LinkIndex {
    /// (URL path of the page they are on, without the base path: `/bai-viet/x/`, links).
    links: Vec<(String, Vec<LocalLink>)>,
    /// Front-matter images: (page URL path, the image as written, where).
    images: Vec<(String, String, Location)>,
    /// URL path of each page and section with headings → its heading ids.
    ids: Vec<(String, Ids)>,
}

/// A body's heading ids: taken out of it, or the body itself when the memo holds it too (a
/// rebuild of `loa serve` then copies nothing: the ids are only read for linked anchors).
#[derive(Debug)]
enum Ids {
    Taken(Vec<String>),
    Shared(Arc<Rendered>),
}

impl Ids {
    fn get(&self) -> &[String] {
        match self {
            Ids::Taken(ids) => ids,
            Ids::Shared(r) => &r.heading_ids,
        }
    }
}

impl LinkIndex {
    /// Takes the local links and heading ids out of the rendered bodies (where nothing else
    /// holds a body; else copies the links and shares the body), with the pages' front-matter
    /// images.
    pub fn take(site: &Site, pages: &mut [Arc<Rendered>], sections: &mut [Arc<Rendered>]) -> LinkIndex {
        let mut index = LinkIndex::default();
        let owners = site
            .pages
            .iter()
            .map(|p| &p.path)
            .zip(pages.iter_mut())
            .chain(site.sections.iter().map(|s| &s.path).zip(sections.iter_mut()));
        for (path, r) in owners {
            let (links, ids) = match Arc::get_mut(r) {
                Some(r) => {
                    let ids = std::mem::take(&mut r.heading_ids);
                    (std::mem::take(&mut r.local_links), (!ids.is_empty()).then_some(Ids::Taken(ids)))
                }
                None => (r.local_links.clone(), (!r.heading_ids.is_empty()).then(|| Ids::Shared(r.clone()))),
            };
            if !links.is_empty() {
                index.links.push((path.clone(), links));
            }
            if let Some(ids) = ids {
                index.ids.push((path.clone(), ids));
            }
        }
        for p in &site.pages {
            if let Some(img) = &p.image {
                index.images.push((p.path.clone(), img.clone(), p.key_lines.locate(&p.file, "image")));
            }
        }
        index
    }
}

/// The entries of `menu:` in loa.yaml: an `@/` entry must name a file of the site (else an
/// error here, with the closest file); the places of the site they lead to (`/tim-kiem/`, an
/// anchor of a page) join `index`, checked with the pages' links.
pub fn menu(index: &mut LinkIndex, entries: &[MenuEntry], targets: &LinkTargets) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let mut links = Vec::new();
    for e in entries {
        let (written, path, anchor) = match &e.link {
            MenuLink::External(_) => continue,
            MenuLink::Site(p) => {
                let (rest, anchor) = match p.split_once('#') {
                    Some((r, a)) => (r, Some(a.to_string())),
                    None => (p.as_str(), None),
                };
                (p.clone(), rest.split('?').next().unwrap_or(rest).to_string(), anchor)
            }
            MenuLink::Content { file, anchor } => match targets.urls.get(file) {
                Some(url) if url == "#" => continue,
                Some(url) => match anchor {
                    Some(a) => (format!("@/{file}#{a}"), url.clone(), Some(a.clone())),
                    None => continue,
                },
                None => {
                    let hint = match did_you_mean(file, targets.urls.keys().map(String::as_str)) {
                        Some(s) => format!("có phải ý bạn là `@/{s}`? Đường dẫn tính từ thư mục content/"),
                        None => "đường dẫn tính từ thư mục content/: `@/van-ban/` cho một chuyên mục, `@/gioi-thieu.md` cho một trang".to_string(),
                    };
                    diags.push(
                        Diagnostic::error(
                            "broken-link",
                            e.location.clone(),
                            format!(
                                "`menu`: mục `{}` dẫn tới `@/{file}`, không có tệp đó trong content/",
                                e.label
                            ),
                        )
                        .with_hint(hint),
                    );
                    continue;
                }
            },
        };
        links.push(LocalLink { written, path, anchor, image: false, location: e.location.clone() });
    }
    if !links.is_empty() {
        index.links.push(("/".to_string(), links));
    }
    diags
}

/// Every link of `index` that leads nowhere in the made site: `outputs` are the paths of the
/// files the build made and copied (`bai-viet/x/index.html`, `anh/a.jpg`); `base_path` is the
/// site's path under its domain (`/tin/` or `/`), which a link may carry.
pub fn check(index: &LinkIndex, outputs: &HashSet<String>, base_path: &str) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let mut missing: Vec<(String, bool, String, Location)> = Vec::new();
    // The heading ids by URL path, gathered only when a link has an anchor to check.
    let mut ids: Option<HashMap<&str, &[String]>> = None;
    let links = index.links.iter().flat_map(|(owner, links)| links.iter().map(move |l| (owner, l)));
    for (owner, l) in links {
        let Some(key) = resolve(owner, &l.path, base_path) else {
            missing.push((l.written.clone(), l.image, String::new(), l.location.clone()));
            continue;
        };
        match found(&key, outputs) {
            Some(hit) => {
                let ids = l.anchor.as_ref().and_then(|_| {
                    let by_path = ids.get_or_insert_with(|| {
                        index.ids.iter().map(|(p, ids)| (p.as_str(), ids.get())).collect()
                    });
                    let page = format!("/{}", hit.strip_suffix("index.html")?);
                    by_path.get(page.as_str()).copied()
                });
                if let (Some(anchor), Some(ids)) = (&l.anchor, ids)
                    && !ids.contains(anchor)
                {
                    let known: Vec<&str> = ids.iter().map(String::as_str).collect();
                    let hint = match did_you_mean(anchor, known.iter().copied()) {
                        Some(s) => format!("có phải ý bạn là `#{s}`?"),
                        None => format!("các mục có trong trang: {}", known.join(", ")),
                    };
                    diags.push(
                        Diagnostic::error(
                            "broken-anchor",
                            l.location.clone(),
                            format!("liên kết `{}`: trang không có mục `#{anchor}`", l.written),
                        )
                        .with_hint(hint),
                    );
                }
            }
            None => missing.push((l.written.clone(), l.image, key, l.location.clone())),
        }
    }
    for (owner, img, at) in &index.images {
        if is_external(img) {
            continue;
        }
        match resolve(owner, img.split(['?', '#']).next().unwrap_or(""), base_path) {
            Some(key) if found(&key, outputs).is_some() => {}
            key => missing.push((img.clone(), true, key.unwrap_or_default(), at.clone())),
        }
    }
    if missing.is_empty() {
        return diags;
    }
    // The addresses a miss could have meant: pages by their URL, files by their path.
    let addresses: Vec<String> =
        outputs.iter().map(|k| format!("/{}", k.strip_suffix("index.html").unwrap_or(k))).collect();
    for (written, image, key, at) in missing {
        let wanted = format!("/{}", key.strip_suffix("index.html").unwrap_or(&key));
        let close =
            (!key.is_empty()).then(|| did_you_mean(&wanted, addresses.iter().map(String::as_str))).flatten();
        if image {
            let hint = match close {
                Some(s) => format!(
                    "có phải ý bạn là `{s}`? Đặt ảnh cạnh bài (thư mục của bài, index.md) hoặc trong static/"
                ),
                None => "đặt ảnh cạnh bài (thư mục của bài, index.md) hoặc trong static/, rồi sửa đường dẫn"
                    .to_string(),
            };
            diags.push(
                Diagnostic::error(
                    "missing-image",
                    at,
                    format!("ảnh `{written}` không tồn tại (trang sẽ có ảnh hỏng)"),
                )
                .with_hint(hint),
            );
        } else {
            let hint = match close {
                Some(s) => format!("có phải ý bạn là `{s}`?"),
                // A file (a video, a document to download) rather than a page.
                None if is_file_path(&written) => {
                    "đặt tệp cạnh bài (thư mục của bài, index.md) hoặc trong static/, rồi sửa đường dẫn".to_string()
                }
                None => "kiểm tra đường dẫn; liên kết tới một bài nên viết theo tệp nguồn, ví dụ `@/bai-viet/ten-bai.md`".to_string(),
            };
            diags.push(
                Diagnostic::error(
                    "broken-link",
                    at,
                    format!("liên kết `{written}` không dẫn tới trang hay tệp nào của trang web"),
                )
                .with_hint(hint),
            );
        }
    }
    diags
}

/// A link to a file (`video.mp4`, `/tai-lieu/a.pdf`): its last segment has an extension, and it
/// is not a page's source (`.md`, `.html`).
fn is_file_path(written: &str) -> bool {
    let path = written.split(['?', '#']).next().unwrap_or("");
    let last = path.rsplit('/').next().unwrap_or("");
    last.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty()
            && !ext.is_empty()
            && !matches!(ext.to_ascii_lowercase().as_str(), "md" | "html" | "htm")
    })
}

/// A URL of another site or another scheme (`https://…`, `//cdn…`, `data:…`).
fn is_external(url: &str) -> bool {
    url.starts_with("//") || url.split(['/', '?', '#']).next().is_some_and(|first| first.contains(':'))
}

/// The output path a link on the page at `owner` (`/bai-viet/x/`) leads to: `path` as written
/// (site path, relative path, or empty for the page itself), percent-decoded, the base path
/// taken off, `.` and `..` resolved. `None` when `..` leaves the site.
fn resolve(owner: &str, path: &str, base_path: &str) -> Option<String> {
    let path = percent_decode(path);
    let joined = if path.is_empty() {
        owner.to_string()
    } else if path.starts_with('/') {
        let base = base_path.trim_end_matches('/');
        match path.strip_prefix(base).filter(|r| !base.is_empty() && (r.is_empty() || r.starts_with('/'))) {
            Some(rest) => rest.to_string(),
            None => path,
        }
    } else {
        format!("{owner}{path}")
    };
    let trailing = joined.ends_with('/') || joined.is_empty();
    let mut parts: Vec<&str> = Vec::new();
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut key = parts.join("/");
    if trailing && !key.is_empty() {
        key.push('/');
    }
    Some(key)
}

/// The output that answers `key`: the file itself, the folder's `index.html`, or the page of a
/// folder written without its `/` (the server redirects it).
fn found(key: &str, outputs: &HashSet<String>) -> Option<String> {
    let candidates = if key.is_empty() || key.ends_with('/') {
        vec![format!("{key}index.html")]
    } else {
        vec![key.to_string(), format!("{key}/index.html")]
    };
    candidates.into_iter().find(|c| outputs.contains(c))
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(v) = b
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    crate::vi::nfc(&String::from_utf8_lossy(&out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outputs() -> HashSet<String> {
        [
            "index.html",
            "bai-viet/a/index.html",
            "bai-viet/b/index.html",
            "anh/le trao.jpg",
            "bai-viet/a/anh.jpg",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }

    #[test]
    fn links_resolve_against_the_page_the_site_and_the_base_path() {
        assert_eq!(resolve("/bai-viet/a/", "anh.jpg", "/").as_deref(), Some("bai-viet/a/anh.jpg"));
        assert_eq!(resolve("/bai-viet/a/", "../b/", "/").as_deref(), Some("bai-viet/b/"));
        assert_eq!(resolve("/bai-viet/a/", "", "/").as_deref(), Some("bai-viet/a/"));
        assert_eq!(resolve("/a/", "/tin/bai-viet/b/", "/tin/").as_deref(), Some("bai-viet/b/"));
        assert_eq!(resolve("/a/", "/anh/le%20tra%CC%89o.jpg", "/").as_deref(), Some("anh/le trảo.jpg"));
        assert_eq!(resolve("/a/", "../../../x", "/"), None);
        let out = outputs();
        assert_eq!(found("bai-viet/b/", &out).as_deref(), Some("bai-viet/b/index.html"));
        assert_eq!(found("bai-viet/b", &out).as_deref(), Some("bai-viet/b/index.html"));
        assert_eq!(found("bai-viet/a/anh.jpg", &out).as_deref(), Some("bai-viet/a/anh.jpg"));
        assert_eq!(found("bai-viet/c/", &out), None);
    }

    #[test]
    fn misses_are_errors_at_the_link_with_the_closest_address() {
        let at = |l| Location::at("content/bai-viet/a.md", l, 3);
        let link = |path: &str, anchor: Option<&str>, image, line| LocalLink {
            written: path.to_string(),
            path: path.to_string(),
            anchor: anchor.map(str::to_string),
            image,
            location: at(line),
        };
        let mut index = LinkIndex::default();
        index.links.push((
            "/bai-viet/a/".to_string(),
            vec![
                link("/bai-viet/b/", Some("muc-1"), false, 5),
                link("/bai-viet/khong-co/", None, false, 6),
                link("/bai-viet/bb/", None, false, 7),
                link("anh.jpg", None, true, 8),
                link("anh-khac.jpg", None, true, 9),
                link("", Some("muc-2"), false, 10),
            ],
        ));
        index.ids.push(("/bai-viet/b/".into(), Ids::Taken(vec!["muc-1".into()])));
        index.ids.push((
            "/bai-viet/a/".into(),
            Ids::Shared(Arc::new(Rendered { heading_ids: vec!["muc-1".into()], ..Rendered::default() })),
        ));
        let d = check(&index, &outputs(), "/");
        let got: Vec<(usize, &str, &str)> = d
            .iter()
            .map(|d| (d.location.as_ref().map_or(0, |l| l.line), d.code, d.hint.as_deref().unwrap_or("")))
            .collect();
        assert_eq!(got.len(), 4, "{d}");
        assert!(got.iter().any(|(l, c, _)| *l == 6 && *c == "broken-link"), "{d}");
        assert!(
            got.iter().any(|(l, c, h)| *l == 7 && *c == "broken-link" && h.contains("/bai-viet/b/")),
            "{d}"
        );
        assert!(got.iter().any(|(l, c, _)| *l == 9 && *c == "missing-image"), "{d}");
        assert!(got.iter().any(|(l, c, h)| *l == 10 && *c == "broken-anchor" && h.contains("#muc-1")), "{d}");
    }
}
