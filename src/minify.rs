//! Minification of the stylesheets and scripts a theme ships (issue 24): takes a file's output
//! path and bytes, gives smaller bytes that mean the same to a browser (comments and needless
//! white space gone), or the bytes as they are with a warning naming the file when the
//! minifier cannot read them. Never fails a build, never panics on a theme's file.
//!
//! The one module that uses the `minifier` crate (no dependency of its own): swapping it for
//! another minifier is a change to this file. Pure: no file system, no global state.

use crate::diagnostics::{Diagnostic, Location};

/// What a file is, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A stylesheet (`.css`).
    Css,
    /// A script (`.js`).
    Js,
}

impl Kind {
    /// The kind of `path`, or `None` for a file that is not minified: another type, or one
    /// already minified by its authors (`x.min.js`, `x.min.css`).
    pub fn of(path: &str) -> Option<Kind> {
        let name = path.rsplit('/').next().unwrap_or(path);
        if name.ends_with(".min.css") || name.ends_with(".min.js") {
            return None;
        }
        if name.ends_with(".css") {
            Some(Kind::Css)
        } else if name.ends_with(".js") {
            Some(Kind::Js)
        } else {
            None
        }
    }
}

/// A minified file: its bytes, and the warning when they are the original's.
#[derive(Debug)]
pub struct Minified {
    /// What to publish: the minified text, or the original bytes.
    pub bytes: Vec<u8>,
    /// Why the original is published (`file` is the file's location as the author knows it).
    pub warning: Option<Diagnostic>,
}

/// Minifies `bytes` of the file at `path` (its kind by [`Kind::of`]); `file` names it in the
/// warning (`themes/loa/static/style.css`). Bytes the minifier would make longer are kept.
pub fn minify(path: &str, file: &str, bytes: Vec<u8>) -> Minified {
    let Some(kind) = Kind::of(path) else { return Minified { bytes, warning: None } };
    let text = match std::str::from_utf8(&bytes) {
        Ok(t) => t,
        Err(e) => return kept(bytes, file, &format!("không phải UTF-8 ({e})")),
    };
    // The minifier is a tokenizer of its own: a theme's unusual file must not take the build
    // down with it, so a panic in it is a failure like any other.
    let result = std::panic::catch_unwind(|| match kind {
        Kind::Css => minifier::css::minify(text).map(|m| m.to_string()),
        Kind::Js => js(text),
    });
    match result {
        Ok(Ok(small)) if small.trim().is_empty() && !text.trim().is_empty() => {
            kept(bytes, file, "bộ rút gọn trả về tệp rỗng")
        }
        // White space around the whole (left by a leading comment) means nothing. A leading
        // copyright or licence notice stays: the licence of the file asks for it in copies.
        Ok(Ok(small)) => {
            let small = small.trim();
            let small = match notice(text, kind) {
                Some(n) if !small.starts_with(n) => format!("{n}\n{small}"),
                _ => small.to_string(),
            };
            if small.len() < bytes.len() {
                Minified { bytes: small.into_bytes(), warning: None }
            } else {
                Minified { bytes, warning: None }
            }
        }
        Ok(Err(why)) => kept(bytes, file, why),
        Err(_) => kept(bytes, file, "bộ rút gọn gặp lỗi nội bộ"),
    }
}

/// The comment the file opens with (`/* … */`, or a run of `//` lines in a script), when it is
/// a copyright or licence notice (it names a copyright, a licence or `@preserve`).
fn notice(text: &str, kind: Kind) -> Option<&str> {
    let body = text.trim_start_matches('\u{feff}').trim_start();
    let start = text.len() - body.len();
    let len = if body.starts_with("/*") {
        body.find("*/")? + 2
    } else if kind == Kind::Js && body.starts_with("//") {
        // Every line from here that is a `//` comment (or blank).
        let mut end = 0;
        for line in body.split_inclusive('\n') {
            let t = line.trim();
            if !(t.starts_with("//") || t.is_empty()) {
                break;
            }
            end += line.len();
        }
        body[..end].trim_end().len()
    } else {
        return None;
    };
    let comment = &text[start..start + len];
    let lower = comment.to_lowercase();
    ["copyright", "licence", "license", "@preserve", "(c)"]
        .iter()
        .any(|w| lower.contains(w))
        .then_some(comment)
}

/// A script without its comments and the white space inside its lines. Line breaks stay (runs
/// of them made one): a script that leans on automatic semicolon insertion (`x = function
/// () {…}` then `return` on the next line, as the vendored qrcode.js does) keeps its meaning,
/// which `minifier::js::minify`, joining every line, does not.
fn js(text: &str) -> Result<String, &'static str> {
    use minifier::js::{ReservedChar, Token, Tokens};
    let line_break = |t: &Token<'_>| t.get_char() == Some(ReservedChar::Backline);
    let tokens = minifier::js::clean_tokens_except(minifier::js::tokenize(text)?, |t| !line_break(t));
    let mut kept: Vec<Token<'_>> = Vec::new();
    for t in tokens {
        if line_break(&t) && kept.last().is_none_or(&line_break) {
            continue;
        }
        kept.push(t);
    }
    Ok(Tokens::from(kept).to_string())
}

fn kept(bytes: Vec<u8>, file: &str, why: &str) -> Minified {
    let warning = Diagnostic::warning(
        "minify",
        Location::file(file),
        format!("không rút gọn được `{file}` ({why}); loa dùng nguyên bản"),
    )
    .with_hint("kiểm tra cú pháp của tệp (ngoặc `{ }`, chú thích `/* */`, chuỗi trong dấu nháy)");
    Minified { bytes, warning: Some(warning) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small(path: &str, text: &str) -> String {
        let m = minify(path, path, text.as_bytes().to_vec());
        assert!(m.warning.is_none(), "{path}: {:?}", m.warning);
        String::from_utf8(m.bytes).expect("utf-8")
    }

    /// The theme's real files, as loa carries them.
    fn theme_file(rel: &str) -> String {
        let (_, bytes) = crate::theme::all_files().iter().find(|(n, _)| *n == rel).expect(rel);
        String::from_utf8(bytes.to_vec()).expect("utf-8")
    }

    /// The text with every run of white space made one space and comments dropped: what a
    /// minifier may change. Used to check that nothing else changed.
    fn tokens(css: &str) -> String {
        let mut out = String::new();
        let mut rest = css;
        while let Some(i) = rest.find("/*") {
            out.push_str(&rest[..i]);
            rest = rest[i..].find("*/").map_or("", |j| &rest[i + j + 2..]);
        }
        out.push_str(rest);
        out.chars().filter(|c| !c.is_whitespace()).collect()
    }

    #[test]
    fn kinds_come_from_the_name_and_minified_files_are_left_alone() {
        assert_eq!(Kind::of("style.css"), Some(Kind::Css));
        assert_eq!(Kind::of("vendor/qrcode.js"), Some(Kind::Js));
        assert_eq!(Kind::of("vendor/x.min.js"), None);
        assert_eq!(Kind::of("a.min.css"), None);
        assert_eq!(Kind::of("fonts/a.woff2"), None);
        assert_eq!(Kind::of("js/readme.txt"), None);
        let png = minify("og.png", "og.png", vec![0x89, b'P', b'N', b'G']);
        assert_eq!(png.bytes, [0x89, b'P', b'N', b'G']);
        assert!(png.warning.is_none());
    }

    #[test]
    fn the_theme_stylesheet_shrinks_and_keeps_every_rule() {
        let css = theme_file("static/style.css");
        let out = small("style.css", &css);
        assert!(out.len() * 100 < css.len() * 85, "{} → {} bytes", css.len(), out.len());
        assert!(!out.contains("/*") && !out.contains('\n'), "{out}");
        assert_eq!(out.trim(), out, "white space around the whole is dropped");
        // Only white space and comments went: the rules, selectors and values are all there.
        assert_eq!(tokens(&out), tokens(&css));
        for kept in
            ["@media print", "unicode-range:U+0102-0103", "url(fonts/be-vietnam-pro-latin-400-normal.woff2)"]
        {
            assert!(out.contains(kept), "{kept} lost");
        }
    }

    #[test]
    fn the_theme_scripts_shrink_and_still_parse() {
        for rel in ["search.js", "print.js", "share.js", "copy-link.js", "video.js", "vendor/qrcode.js"] {
            let js = theme_file(&format!("static/{rel}"));
            let out = small(rel, &js);
            assert!(out.len() < js.len(), "{rel}: {} → {} bytes", js.len(), out.len());
            // Past the licence notice the file may open with, no comment is left.
            let code: Vec<&str> = out.lines().skip_while(|l| l.starts_with("//")).collect();
            assert!(!code.join("\n").contains("\n//") && !out.contains("/**"), "{rel}: comments left");
            // Still a script: node parses it, where node is installed (the browser test runs
            // the minified scripts on the built site).
            if let Some(node) = crate::testing::on_path("node") {
                let dir = tempfile::tempdir().expect("tmp");
                let file = dir.path().join("x.js");
                std::fs::write(&file, &out).expect("write");
                let check =
                    std::process::Command::new(node).arg("--check").arg(&file).output().expect("node");
                assert!(check.status.success(), "{rel}: {}", String::from_utf8_lossy(&check.stderr));
            }
        }
    }

    #[test]
    fn a_script_that_leans_on_semicolon_insertion_keeps_its_meaning() {
        // Joined onto one line the first would be `…}return f`, a syntax error; comments and
        // blank lines still go.
        let out = small("a.js", "var f = function () {\n  return 1\n}\nreturn f\n");
        assert!(out.contains("}\nreturn f"), "{out:?}");
        let out = small("a.js", "var a = b\n\n\n// c\n(c || d).run()\n");
        assert_eq!(out, "var a=b\n(c||d).run()", "one line break kept of four, no comment");
        assert!(out.contains("a=b\n("), "{out:?}");
    }

    #[test]
    fn a_leading_licence_notice_is_kept_other_comments_go() {
        let js = theme_file("static/vendor/qrcode.js");
        let out = small("vendor/qrcode.js", &js);
        assert!(out.starts_with("//---"), "{}", &out[..200]);
        for kept in ["Copyright (c) 2009 Kazuhiko Arase", "Licensed under the MIT license"] {
            assert!(out[..1000].contains(kept), "{kept} lost");
        }
        let out = small("a.css", "/*! (c) Nhóm biên tập, MIT */\n/* trang */\na { color: red; }\n");
        assert_eq!(out, "/*! (c) Nhóm biên tập, MIT */\na{color:red;}");
        let out = small("a.js", "// Giao diện của trang.\n// In tờ rơi.\nvar a = 1;\n");
        assert_eq!(out, "var a=1;");
        // The theme's stylesheet opens with a note on the fonts, not a notice: it goes.
        assert!(!small("style.css", &theme_file("static/style.css")).contains("/*"));
    }

    #[test]
    fn strings_and_urls_keep_their_spaces() {
        let out = small("a.css", "a::before {\n  content: \"a  /* b */  c\";\n}\n");
        assert!(out.contains("\"a  /* b */  c\""), "{out}");
        let out = small("a.js", "var s = 'x  // y';\n// comment\nvar t = 1;\n");
        assert!(out.contains("'x  // y'") && !out.contains("comment"), "{out}");
    }

    #[test]
    fn a_file_the_minifier_cannot_read_is_shipped_as_it_is_with_a_warning() {
        for (path, text) in [("themes/x/static/bad.css", "a { color: red; } }"), ("bad.css", "a { b: \"open")]
        {
            let m = minify(path, "themes/x/static/bad.css", text.as_bytes().to_vec());
            assert_eq!(m.bytes, text.as_bytes(), "the original is shipped");
            let w = m.warning.expect("a warning");
            assert_eq!(w.code, "minify");
            assert!(!w.is_error());
            assert!(w.message.contains("themes/x/static/bad.css"), "{}", w.message);
            assert_eq!(w.location.as_ref().map(|l| l.file.as_str()), Some("themes/x/static/bad.css"));
        }
        let latin1 = minify("a.js", "a.js", vec![b'v', 0xe0, b'r']);
        assert_eq!(latin1.bytes, [b'v', 0xe0, b'r']);
        assert!(latin1.warning.is_some_and(|w| w.message.contains("UTF-8")));
    }
}
