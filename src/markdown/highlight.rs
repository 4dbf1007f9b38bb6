//! Syntax highlighting of fenced code with syntect, emitting CSS classes (`hl-…`), never
//! inline colours: the theme ships the stylesheet. The syntax set is loaded once, lazily, on
//! the first code block of a build (sites without code never pay for it).

use std::sync::LazyLock;

use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use super::html::escape;

static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(SyntaxSet::load_defaults_newlines);

/// Blocks larger than this are not highlighted (escaped only): highlighting cost grows with the
/// longest line, and an 800 KB one-line block should not hold up a build.
const MAX_HIGHLIGHT: usize = 128 * 1024;

/// Highlighted blocks of one build, keyed by a hash of (language, code): a snippet repeated
/// across pages (an install command, a config example) is highlighted once.
#[derive(Debug, Default)]
pub struct HighlightCache {
    done: std::sync::Mutex<std::collections::HashMap<u64, Option<std::sync::Arc<str>>>>,
}

impl HighlightCache {
    /// `highlight`, through the cache.
    pub fn get(&self, code: &str, lang: &str) -> Option<std::sync::Arc<str>> {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (lang, code).hash(&mut h);
        let key = h.finish();
        if let Some(hit) = self.done.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return hit;
        }
        let html: Option<std::sync::Arc<str>> = highlight(code, lang).map(Into::into);
        if let Ok(mut m) = self.done.lock() {
            m.insert(key, html.clone());
        }
        html
    }
}

/// Highlighted HTML (spans with `hl-` classes) for `code` in language `lang`, or `None` when
/// the language is unknown or the block is too large (the caller escapes it as plain text).
pub fn highlight(code: &str, lang: &str) -> Option<String> {
    if lang.is_empty() || code.len() > MAX_HIGHLIGHT {
        return None;
    }
    let ss = &*SYNTAXES;
    let syntax = ss.find_syntax_by_token(lang)?;
    let mut generator =
        ClassedHTMLGenerator::new_with_class_style(syntax, ss, ClassStyle::SpacedPrefixed { prefix: "hl-" });
    for line in LinesWithEndings::from(code) {
        generator.parse_html_for_line_which_includes_newline(line).ok()?;
    }
    Some(generator.finalize())
}

/// A fenced or indented code block as HTML: highlighted through `cache` when its language is
/// known, escaped otherwise; the language (escaped) named on `<pre>` and `<code>`.
pub(super) fn code_block(code: &str, lang: &str, cache: &HighlightCache) -> String {
    let body = cache.get(code, lang).map_or_else(|| escape(code), |h| h.to_string());
    if lang.is_empty() {
        format!("<pre class=\"code\"><code>{body}</code></pre>\n")
    } else {
        let l = escape(lang);
        format!("<pre class=\"code\" data-lang=\"{l}\"><code class=\"language-{l}\">{body}</code></pre>\n")
    }
}

/// True when fenced code in `lang` is highlighted (syntect knows the language).
pub fn is_known_language(lang: &str) -> bool {
    SYNTAXES.find_syntax_by_token(lang).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::tests::md;

    #[test]
    fn known_language_gets_classes_not_colours() {
        let h = highlight("fn main() {}\n", "rust").expect("rust is known");
        assert!(h.contains("class=\"hl-"), "{h}");
        assert!(!h.contains("style="), "{h}");
    }

    #[test]
    fn unknown_language_is_none() {
        assert!(highlight("x", "no-such-language").is_none());
    }

    #[test]
    fn code_fence_language_is_escaped() {
        let r = md("```\"><script>\nx\n```\n");
        assert!(!r.html.contains("<script>"), "{}", r.html);
        assert!(r.html.contains("&quot;&gt;&lt;script&gt;"), "{}", r.html);
    }
}
