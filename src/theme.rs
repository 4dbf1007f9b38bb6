//! The default theme, carried inside the binary: a site that says `theme: loa` and has no
//! `themes/loa/` folder uses this one, so upgrading loa upgrades its theme. A site that wants
//! to change the theme as a whole writes a copy with `loa new theme` (then the copy is used);
//! `templates/` and `static/` override it file by file either way. Pure data.

include!(concat!(env!("OUT_DIR"), "/theme_files.rs"));

/// The name of the theme carried inside the binary.
pub const BUILTIN: &str = "loa";

/// The built-in theme's files under `dir` (`templates/`, `static/`): the path below `dir` and
/// the bytes.
pub fn files_under(dir: &str) -> impl Iterator<Item = (&'static str, &'static [u8])> + use<'_> {
    THEME_FILES.iter().filter_map(move |(rel, bytes)| Some((rel.strip_prefix(dir)?, *bytes)))
}

/// Every file of the built-in theme: path inside the theme folder, bytes.
pub fn all_files() -> &'static [(&'static str, &'static [u8])] {
    THEME_FILES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_theme_has_its_templates_and_static_files() {
        let templates: Vec<&str> = files_under("templates/").map(|(n, _)| n).collect();
        for t in ["base.html", "article.html", "index.html", "section.html", "404.html"] {
            assert!(templates.contains(&t), "{t}: {templates:?}");
        }
        assert!(files_under("static/").any(|(n, _)| n == "style.css"));
        assert_eq!(all_files().len(), files_under("").count());
    }
}
