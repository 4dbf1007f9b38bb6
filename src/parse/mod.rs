//! Parse stage: bytes of a source file → decoded text → front matter + body → `Parsed`.
//!
//! Takes the raw bytes read by `load`; gives the validated front matter with file-absolute
//! positions, or every problem in the file. Pure: no file system access.
//!
//! This file is the stage's entry (`parse_file`, `parse_shared`, the keys each kind of file
//! accepts). Its steps live beside it and none of them imports it: `decode` (encoding checks:
//! BOM, UTF-16, invalid UTF-8, CRLF, NFC), `split` (front matter and body), `keys` (the keys
//! of the YAML and their lines), `yaml` (the limits and checks applied before serde_yaml, with
//! `keys`, and the translation of its errors into diagnostics), `i18n` (a theme's or a site's
//! language file) and `quick` (a page's front
//! matter in the plain subset most pages use, read without serde_yaml within the limits of
//! `yaml`).

use crate::content::{KeyLines, Matter, PageMatter, Parsed, SectionMatter};
use crate::diagnostics::Diagnostics;

mod decode;
mod i18n;
mod keys;
mod quick;
mod split;
mod yaml;

pub use decode::{decode_borrowed, decode_text};
pub use i18n::i18n_file;
pub use keys::{duplicate_keys, nested_key_lines, top_level_key_lines};
pub use split::{Split, split_front_matter};
pub use yaml::{MAX_ALIASES, MAX_FRONT_MATTER, MAX_NESTING, prescan_yaml, yaml_error};

use yaml::{dangerous_urls, escaped_controls};

/// Keys accepted in a page's front matter (for did-you-mean hints).
#[rustfmt::skip]
pub const PAGE_KEYS: &[&str] = &[
    "title", "date", "updated", "summary", "author", "tags", "taxonomies", "audiences", "campaigns", "draft", "publish_at",
    "expire_at", "campaign", "document", "explains", "faq", "glossary", "slug", "aliases", "image", "image_alt",
    "template", "extra", "bulletin", "approval",
];

/// Keys accepted in a section's `_index.md`.
pub const SECTION_KEYS: &[&str] =
    &["title", "kind", "paginate_by", "summary", "template", "draft", "extra", "bulletin"];

/// Parses a whole source file. `is_section` is true for `_index.md`.
pub fn parse_file(text: &str, file: &str, is_section: bool) -> Result<Parsed, Diagnostics> {
    parse_shared(&text.into(), file, is_section)
}

/// [`parse_file`] of a shared text: the body shares it.
pub fn parse_shared(text: &std::sync::Arc<str>, file: &str, is_section: bool) -> Result<Parsed, Diagnostics> {
    let split = split_front_matter(text, file)?;
    let offset = split.yaml_line - 1;
    // Most pages' front matter is in a plain subset read without serde_yaml (and without the
    // checks that guard serde_yaml, which that subset cannot fail).
    let quick = if is_section { None } else { quick::page_matter(split.yaml) };
    let slow = quick.is_none();
    if slow {
        prescan_yaml(split.yaml, file, offset)?;
    }
    let yaml = if split.yaml.trim().is_empty() { "{}" } else { split.yaml };
    let key_lines = KeyLines::new(
        nested_key_lines(split.yaml).into_iter().map(|(k, l)| (k, l + offset)).collect(),
        split.yaml,
        offset,
    );
    let matter = if let Some(m) = quick {
        Matter::Page(Box::new(m))
    } else if is_section {
        Matter::Section(
            serde_yaml::from_str::<SectionMatter>(yaml)
                .map_err(|e| yaml_error(&e, yaml, file, offset, SECTION_KEYS))?,
        )
    } else {
        Matter::Page(Box::new(
            serde_yaml::from_str::<PageMatter>(yaml)
                .map_err(|e| yaml_error(&e, yaml, file, offset, PAGE_KEYS))?,
        ))
    };
    if slow && split.yaml.contains('\\') {
        escaped_controls(yaml, file, offset, &key_lines)?;
    }
    if let Matter::Page(m) = &matter {
        dangerous_urls(m, split.yaml, offset, &key_lines, file)?;
    }
    Ok(Parsed {
        file: file.to_string(),
        matter,
        key_lines,
        body: {
            // The body is the end of the text.
            let start = text.len() - split.body.len();
            crate::content::TextTail::suffix(text.clone(), start).unwrap_or_else(|| split.body.into())
        },
        body_line: split.body_line,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn line_of(err: &Diagnostics) -> (usize, usize) {
        let l = err.0[0].location.as_ref().expect("located");
        (l.line, l.column)
    }

    #[test]
    fn the_body_shares_the_file_text() {
        let text: std::sync::Arc<str> = "---\ntitle: Khuyến học\n---\nXã hội học tập\n".into();
        let p = parse_shared(&text, "f", false).expect("parses");
        assert_eq!(&*p.body, "Xã hội học tập\n");
        assert_eq!(p.body.as_ptr(), text[text.len() - p.body.len()..].as_ptr(), "not a copy");
        assert_eq!(p.body_line, 4);
        assert!(crate::content::TextTail::suffix(text.clone(), 16).is_none(), "inside ế");
        assert_eq!(&*crate::content::TextTail::suffix(text.clone(), text.len()).expect("the end"), "");
    }

    #[test]
    fn title_scalars() {
        let ok = |s: &str| parse_file(&format!("---\ntitle: {s}\n---\n"), "f", false);
        assert!(ok("no").is_ok(), "`no` is a string in YAML 1.2");
        assert!(ok("2022").is_ok());
        assert!(ok("1.0").is_err());
        assert!(ok("[1, 2]").is_err());
    }
}
