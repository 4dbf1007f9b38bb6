//! Which files are copied as is, and where they land: bundle assets beside their page, other
//! files under `content/` beside their section, static files at their own path; and which
//! static files of the theme loa writes itself: the theme carried inside loa, and the theme's
//! stylesheets and scripts minified (`crate::minify`). Reads the theme's files, writes none.

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

/// The theme's static files that loa writes itself instead of copying, output path → bytes:
/// those of the theme carried by loa ([`builtin_static`]), and the stylesheets and scripts
/// (`.css`, `.js`, not `.min.*`) of the site's theme folder, minified and taken out of
/// `copies`. A site's own `static/` files are copied as they are. Gives a warning for each
/// file the minifier could not read (that file is written as it is).
pub fn theme_static(
    config: &crate::config::Config,
    loaded: &Loaded,
    copies: &mut BTreeMap<String, PathBuf>,
) -> (Vec<(String, Vec<u8>)>, crate::diagnostics::Diagnostics) {
    let mut warnings = crate::diagnostics::Diagnostics::new();
    let mut made = Vec::new();
    let mut add = |rel: String, file: String, bytes: Vec<u8>| {
        let m = crate::minify::minify(&rel, &file, bytes);
        if let Some(w) = m.warning {
            warnings.push(w);
        }
        made.push((rel, m.bytes));
    };
    for (rel, bytes) in builtin_static(config, loaded) {
        let file = format!("static/{rel} (giao diện loa có sẵn)");
        add(rel, file, bytes.to_vec());
    }
    if let Some(static_dir) = config.theme_dir().map(|d| d.join("static")) {
        let ours: Vec<(String, PathBuf)> = copies
            .iter()
            .filter(|(rel, from)| from.starts_with(&static_dir) && crate::minify::Kind::of(rel).is_some())
            .map(|(rel, from)| (rel.clone(), from.clone()))
            .collect();
        for (rel, from) in ours {
            // A file that cannot be read stays a copy: copying it reports the error.
            let Ok(bytes) = std::fs::read(&from) else { continue };
            copies.remove(&rel);
            let file = from.strip_prefix(&config.root).unwrap_or(&from).to_string_lossy().replace('\\', "/");
            add(rel, file, bytes);
        }
    }
    (made, warnings)
}

/// The stylesheet `style.css` as published (minified when it is the theme's), ready to go
/// inside a page's `<style>`: its relative `url()`s made site URLs under `base_path` (they
/// were relative to `/style.css`, they would be relative to the page), and `</` written
/// `<\/` so that no text of it can close the element. `None` when the site has no
/// `style.css`.
pub fn inline_style(
    made: &[(String, Vec<u8>)],
    copies: &BTreeMap<String, PathBuf>,
    base_path: &str,
) -> Option<String> {
    let bytes = match made.iter().find(|(rel, _)| rel == "style.css") {
        Some((_, bytes)) => bytes.clone(),
        None => std::fs::read(copies.get("style.css")?).ok()?,
    };
    let css = String::from_utf8(bytes).ok()?;
    Some(rebase_urls(&css, base_path).replace("</", "<\\/"))
}

/// What `site.style` holds in a preview (`loa serve`) instead of the stylesheet: an `@import`
/// of the published `style.css`, whose relative `url()`s then need no rebasing.
pub fn import_style(base_path: &str) -> String {
    format!("@import url(\"{base_path}/style.css\");")
}

/// `url(x)` → `url(<base_path>/x)` for every relative reference `x` (not `/…`, `#…`, `data:`
/// or another scheme), quoted or not.
fn rebase_urls(css: &str, base_path: &str) -> String {
    let mut out = String::with_capacity(css.len() + 64);
    let mut rest = css;
    while let Some(i) = rest.find("url(") {
        let (head, tail) = rest.split_at(i + 4);
        out.push_str(head);
        let quote = tail.chars().next().filter(|c| *c == '"' || *c == '\'');
        let inner = &tail[quote.map_or(0, char::len_utf8)..];
        let scheme = inner.find(':').is_some_and(|c| {
            inner[..c].chars().all(|ch| ch.is_ascii_alphanumeric() || "+-.".contains(ch)) && c > 0
        });
        if let Some(q) = quote {
            out.push(q);
        }
        if !(inner.starts_with('/') || inner.starts_with('#') || scheme) {
            out.push_str(base_path);
            out.push('/');
        }
        rest = inner;
    }
    out.push_str(rest);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inlined_styles_point_their_relative_urls_at_the_site() {
        let css = "@font-face{src:url(fonts/a.woff2)}b{background:url('img/x.png')}\
                   c{background:url(\"/abs.png\")}d{background:url(data:image/png;base64,AA)}\
                   e{background:url(https://x.vn/a.png)}f{mask:url(#m)}";
        let made = vec![("style.css".to_string(), css.as_bytes().to_vec())];
        let out = inline_style(&made, &BTreeMap::new(), "/tin-tuc").expect("style");
        for want in [
            "url(/tin-tuc/fonts/a.woff2)",
            "url('/tin-tuc/img/x.png')",
            "url(\"/abs.png\")",
            "url(data:image/png;base64,AA)",
            "url(https://x.vn/a.png)",
            "url(#m)",
        ] {
            assert!(out.contains(want), "{want} in {out}");
        }
        assert_eq!(
            inline_style(&made, &BTreeMap::new(), "").expect("style").matches("url(fonts/").count(),
            0
        );
        assert!(inline_style(&[], &BTreeMap::new(), "").is_none());
    }

    #[test]
    fn an_inlined_style_cannot_close_its_element() {
        let made = vec![("style.css".to_string(), b"a::after{content:\"</style><script>\"}".to_vec())];
        let out = inline_style(&made, &BTreeMap::new(), "").expect("style");
        assert!(!out.contains("</"), "{out}");
        assert!(out.contains("<\\/style>"), "{out}");
    }
}
