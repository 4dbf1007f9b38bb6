//! `menu:` in loa.yaml: the site's navigation written by hand (label, where it leads, order),
//! instead of the default list of sections and top-level pages.
//!
//! Takes the entries as written and the text of loa.yaml (for positions); gives the validated
//! entries, or an error at the line of each bad one. Where an `@/` entry leads is known only
//! once the site is assembled: `validate::links::menu` checks it, the render stage resolves it.

use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Diagnostics, Location};

/// The file the entries are written in.
const FILE: &str = "loa.yaml";

/// One entry of `menu:` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMenuEntry {
    label: Option<String>,
    link: Option<String>,
    order: Option<i64>,
}

/// One entry of the menu, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MenuEntry {
    /// The text shown.
    pub label: String,
    /// Where it leads.
    pub link: MenuLink,
    /// Where its `link:` is written.
    pub location: Location,
}

/// Where a menu entry leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MenuLink {
    /// A page or section by its source file, content-relative (`van-ban/_index.md`), with an
    /// optional `#anchor`: written `@/van-ban/_index.md`, `@/van-ban/` or `@/` (home).
    Content {
        /// The source file, content-relative.
        file: String,
        /// The anchor without `#`.
        anchor: Option<String>,
    },
    /// A path of the site (`/tim-kiem/`), without the base path: the made site must have it.
    Site(String),
    /// Another site (`https://…`, `mailto:…`, `tel:…`), as written.
    External(String),
}

impl MenuLink {
    /// Reads a `link:` value; the error says what to write instead.
    fn parse(link: &str) -> Result<MenuLink, (String, String)> {
        let link = link.trim();
        if let Some(rest) = link.strip_prefix("@/") {
            let (path, anchor) = match rest.split_once('#') {
                Some((p, a)) => (p, Some(a.to_string()).filter(|a| !a.is_empty())),
                None => (rest, None),
            };
            let file = if path.is_empty() || path.ends_with('/') {
                format!("{path}_index.md")
            } else if path.ends_with(".md") {
                path.to_string()
            } else {
                return Err((
                    format!(
                        "`{link}`: đường dẫn `@/` phải tới một tệp .md hoặc một thư mục (kết thúc bằng `/`)"
                    ),
                    format!("viết `@/{path}/` cho chuyên mục, hoặc `@/{path}.md` cho một trang"),
                ));
            };
            return Ok(MenuLink::Content { file, anchor });
        }
        if crate::url::is_dangerous(link) {
            return Err((
                format!("`{link}`: liên kết này có thể chạy mã trong trình duyệt"),
                "dùng `@/…` cho trang trong content/, `/…` cho đường dẫn của trang, hoặc `https://…`"
                    .to_string(),
            ));
        }
        if link.starts_with('/') && !link.starts_with("//") {
            return Ok(MenuLink::Site(link.to_string()));
        }
        let lower = link.to_ascii_lowercase();
        let external = ["https://", "http://", "mailto:", "tel:"].iter().any(|s| lower.starts_with(s));
        if external && link.len() > lower.find(':').map_or(0, |i| i + 1) {
            return Ok(MenuLink::External(link.to_string()));
        }
        let hint = if link.is_empty() {
            "ví dụ `link: \"@/van-ban/\"` (một chuyên mục), `link: \"@/gioi-thieu.md\"` (một trang) hoặc `link: https://…`".to_string()
        } else if link.starts_with("//") || !link.contains(':') {
            // What the entry can be written as, each a valid link: a folder ends with `/`.
            let t = link.trim_start_matches('/');
            let folder = if t.ends_with('/') { t.to_string() } else { format!("{t}/") };
            if t.ends_with(".md") {
                format!("viết `@/{t}` (tệp trong content/)")
            } else if t.contains('.') {
                format!("viết `/{t}` (một tệp của trang web)")
            } else {
                format!(
                    "viết `@/{folder}` (chuyên mục trong content/) hoặc `/{folder}` (đường dẫn của trang)"
                )
            }
        } else {
            "liên kết ra ngoài bắt đầu bằng `https://`, `http://`, `mailto:` hoặc `tel:`".to_string()
        };
        Err((format!("`menu`: không hiểu liên kết `{link}`"), hint))
    }
}

/// Validates the entries written under `menu:` (`text` is loa.yaml), in display order: by
/// `order` (smaller first), the entries without one after them, each group as written.
pub fn entries(raw: Vec<RawMenuEntry>, text: &str) -> Result<Vec<MenuEntry>, Diagnostics> {
    let items = item_lines(text);
    let mut diags = Diagnostics::new();
    let mut out: Vec<(Option<i64>, MenuEntry)> = Vec::new();
    for (n, entry) in raw.into_iter().enumerate() {
        let label = entry.label.as_deref().map(str::trim).unwrap_or_default();
        let link = entry.link.as_deref().unwrap_or_default();
        let (first, end) = (items.get(n).copied(), items.get(n + 1).copied());
        let at_entry =
            || first.map_or_else(|| Location::file(FILE), |(line, col)| Location::at(FILE, line, col));
        if label.is_empty() {
            diags.push(
                Diagnostic::error(
                    "config",
                    at_entry(),
                    format!("`menu`: mục thứ {} thiếu `label:` (chữ hiện trên thanh điều hướng)", n + 1),
                )
                .with_hint("ví dụ `- {label: Văn bản, link: \"@/van-ban/\"}`"),
            );
        }
        let location = first
            .and_then(|(line, _)| find_value(text, line, end.map(|(l, _)| l), link))
            .map_or_else(at_entry, |(line, col)| Location::at(FILE, line, col));
        match MenuLink::parse(link) {
            Ok(link) if !label.is_empty() => {
                out.push((entry.order, MenuEntry { label: label.to_string(), link, location }));
            }
            Ok(_) => {}
            Err((message, hint)) => {
                let message = if link.is_empty() {
                    format!("`menu`: mục `{label}` thiếu `link:` (nơi mục dẫn tới)")
                } else {
                    message
                };
                diags.push(Diagnostic::error("config", location, message).with_hint(hint));
            }
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    // A stable sort: entries of one order, and those without, keep their written order.
    out.sort_by_key(|(order, _)| (order.is_none(), order.unwrap_or(0)));
    Ok(out.into_iter().map(|(_, e)| e).collect())
}

/// The (line, column) of the `-` of each item of the top-level `menu:` list, 1-based.
fn item_lines(text: &str) -> Vec<(usize, usize)> {
    let mut items = Vec::new();
    let mut inside = false;
    let mut indent = None;
    for (i, line) in text.lines().enumerate() {
        let content = line.trim_start();
        let depth = line.len() - content.len();
        if depth == 0 && !content.is_empty() && !content.starts_with(['#', '-']) {
            if inside {
                break;
            }
            inside = content
                .strip_prefix("menu:")
                .is_some_and(|rest| rest.trim().is_empty() || rest.trim_start().starts_with('#'));
            continue;
        }
        if inside && content.starts_with('-') && indent.is_none_or(|d| d == depth) {
            indent = Some(depth);
            items.push((i + 1, depth + 1));
        }
    }
    items
}

/// Where `value` is written on lines `from..until` (1-based, `until` excluded), as (line,
/// column): after the `link:` key when it is on that line.
fn find_value(text: &str, from: usize, until: Option<usize>, value: &str) -> Option<(usize, usize)> {
    if value.is_empty() {
        return None;
    }
    let lines =
        text.lines().enumerate().skip(from - 1).take(until.map_or(usize::MAX, |u| u.saturating_sub(from)));
    for (i, line) in lines {
        let start = line.find("link:").map_or(0, |k| k + 5);
        if let Some(pos) = line[start..].find(value) {
            return Some((i + 1, line[..start + pos].chars().count() + 1));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(yaml: &str) -> Result<Vec<MenuEntry>, Diagnostics> {
        #[derive(Deserialize)]
        struct Doc {
            menu: Vec<RawMenuEntry>,
        }
        let doc: Doc = serde_yaml::from_str(yaml).expect("yaml");
        entries(doc.menu, yaml)
    }

    #[test]
    fn links_are_content_files_site_paths_or_other_sites() {
        let m = read(
            "menu:\n  - {label: A, link: \"@/van-ban/\"}\n  - {label: B, link: \"@/gioi-thieu.md#lien-he\"}\n  - {label: C, link: \"@/\"}\n  - {label: D, link: /tim-kiem/}\n  - {label: E, link: \"https://x.vn/a\"}\n",
        )
        .expect("valid");
        let links: Vec<&MenuLink> = m.iter().map(|e| &e.link).collect();
        assert_eq!(
            links,
            [
                &MenuLink::Content { file: "van-ban/_index.md".into(), anchor: None },
                &MenuLink::Content { file: "gioi-thieu.md".into(), anchor: Some("lien-he".into()) },
                &MenuLink::Content { file: "_index.md".into(), anchor: None },
                &MenuLink::Site("/tim-kiem/".into()),
                &MenuLink::External("https://x.vn/a".into()),
            ]
        );
        assert_eq!(m[3].location, Location::at(FILE, 5, 22));
    }

    #[test]
    fn order_puts_entries_first_and_the_rest_keep_written_order() {
        let m = read(
            "menu:\n  - label: Ba\n    link: /c/\n  - label: Hai\n    link: /b/\n    order: 2\n  - label: Bốn\n    link: /d/\n  - label: Một\n    link: /a/\n    order: -1\n",
        )
        .expect("valid");
        let labels: Vec<&str> = m.iter().map(|e| e.label.as_str()).collect();
        assert_eq!(labels, ["Một", "Hai", "Ba", "Bốn"]);
    }

    #[test]
    fn bad_entries_are_errors_at_their_lines_with_what_to_write() {
        let e = read(
            "menu:\n  - label: Văn bản\n    link: van-ban\n  - link: /a/\n  - label: X\n    link: \"javascript:alert(1)\"\n  - label: Y\n  - label: Z\n    link: \"@/van-ban\"\n",
        )
        .expect_err("invalid");
        let got: Vec<(usize, &str, &str)> = e
            .iter()
            .map(|d| {
                (
                    d.location.as_ref().map_or(0, |l| l.line),
                    d.message.as_str(),
                    d.hint.as_deref().unwrap_or(""),
                )
            })
            .collect();
        assert_eq!(got.len(), 5, "{got:#?}");
        assert!(
            got[0].0 == 3 && got[0].2.contains("`@/van-ban/`") && got[0].2.contains("`/van-ban/`"),
            "{got:?}"
        );
        assert!(got[1].0 == 4 && got[1].1.contains("thiếu `label:`"), "{got:?}");
        assert!(got[2].0 == 6 && got[2].1.contains("chạy mã"), "{got:?}");
        assert!(got[3].0 == 7 && got[3].1.contains("mục `Y` thiếu `link:`"), "{got:?}");
        assert!(got[4].0 == 9 && got[4].2.contains("`@/van-ban/`"), "{got:?}");
    }
}
