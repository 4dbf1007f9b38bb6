//! The keys of a YAML block and their lines, read without parsing the YAML: one scanner
//! (`keys`) and the views built on it.
//!
//! Takes: a YAML block (a page's front matter or loa.yaml), as text.
//! Gives: every block-mapping key in order, with its dotted path, line, column, indentation
//! and the mapping it belongs to (`Key`); and the three views the parse stage and the config
//! use: `top_level_key_lines` and `nested_key_lines` (lines for diagnostics raised after
//! parsing) and `duplicate_keys` (keys written twice in one mapping, which serde_yaml does not
//! position).
//! Must not: parse values or raise diagnostics (the callers do); look into flow collections
//! (`{a: 1}`, `[a, b]`) or block scalars (`|`, `>`); import the stage entry. It runs on every
//! page (`nested_key_lines`): one pass over the lines, one string per key.
//!
//! `prescan_yaml` walks the lines once more for what is not about keys (characters, brackets,
//! aliases), and `quick` keeps its own loop over the few lines it accepts.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

/// One block-mapping key of a YAML block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key<'a> {
    /// Its dotted path from the top (`campaign.audiences.gia-dinh`). A list item adds no
    /// segment: the keys of `faq:`'s items are `faq.q` and `faq.a`.
    pub path: String,
    /// The key as written, without its quotes.
    pub key: &'a str,
    /// 1-based line in the block.
    pub line: usize,
    /// 1-based column where the key starts, after the indentation and the `- ` of list items
    /// (of its opening quote, if quoted).
    pub column: usize,
    /// Spaces before the line's first character (a `-` for a list item's first key).
    pub indent: usize,
    /// The block mapping it belongs to: keys with the same number are siblings.
    pub mapping: usize,
    /// Its whole line.
    pub text: &'a str,
}

/// Every block-mapping key of `yaml`, in order.
///
/// A key is a line's first `word:` followed by the end of the line, a space or a tab, the word
/// made of letters, digits, `_` and `-` (in quotes or not). Its mapping is known by indentation;
/// a list item (`- `) starts a new mapping, whose keys continue on the lines below at the
/// indentation of the first. A key whose value starts a block scalar (`|`, `>`) has the lines
/// indented deeper than it skipped. Comments and blank lines are skipped; lines of flow
/// collections or quoted scalars that span lines are read like any other.
pub fn keys(yaml: &str) -> Keys<'_> {
    Keys {
        lines: yaml.lines().enumerate(),
        scopes: vec![Scope { indent: 0, id: 0, len: 0, last: None }],
        path: String::new(),
        opened: 0,
        block_scalar: None,
    }
}

/// The scanner of [`keys`].
#[derive(Debug)]
pub struct Keys<'a> {
    lines: std::iter::Enumerate<std::str::Lines<'a>>,
    /// The mappings open at the current line, outermost first, each deeper than the one
    /// before (the top-level one is never closed).
    scopes: Vec<Scope<'a>>,
    /// The path of the innermost open mapping: each open mapping's path is the start of it.
    path: String,
    /// How many mappings were opened (the last one's number).
    opened: usize,
    /// The column of the key whose block scalar is being skipped.
    block_scalar: Option<usize>,
}

/// A block mapping open at the current line.
#[derive(Debug)]
struct Scope<'a> {
    /// Where its keys start.
    indent: usize,
    /// Its number ([`Key::mapping`]).
    id: usize,
    /// The length of its path (the path of the key whose value it is, empty at the top) in
    /// [`Keys::path`].
    len: usize,
    /// Its latest key: a mapping opened deeper is that key's value.
    last: Option<&'a str>,
}

impl<'a> Keys<'a> {
    /// Closes the mappings whose keys start deeper than `indent`.
    fn close_deeper(&mut self, indent: usize) {
        while self.scopes.last().is_some_and(|s| s.indent > indent) {
            self.scopes.pop();
        }
        if let Some(s) = self.scopes.last() {
            self.path.truncate(s.len);
        }
    }

    /// Opens a mapping whose keys start at `indent`, as the value of the latest key of the
    /// innermost mapping open (or as an item of the list that is that value).
    fn open(&mut self, indent: usize) {
        if let Some(key) = self.scopes.last().and_then(|s| s.last) {
            if !self.path.is_empty() {
                self.path.push('.');
            }
            self.path.push_str(key);
        }
        self.opened += 1;
        self.scopes.push(Scope { indent, id: self.opened, len: self.path.len(), last: None });
    }
}

impl<'a> Iterator for Keys<'a> {
    type Item = Key<'a>;

    fn next(&mut self) -> Option<Key<'a>> {
        while let Some((i, text)) = self.lines.next() {
            let mut body = text.trim_start_matches(' ');
            let indent = text.len() - body.len();
            let mut at = indent;
            if let Some(k) = self.block_scalar {
                if body.is_empty() || at > k {
                    continue;
                }
                self.block_scalar = None;
            }
            if body.is_empty() || body.starts_with('#') {
                continue;
            }
            // `- key: v`: each list item opens a mapping of its own.
            while let Some(rest) = body.strip_prefix("- ").or_else(|| (body == "-").then_some("")) {
                self.close_deeper(at);
                let content = rest.trim_start_matches(' ');
                at += body.len() - content.len();
                self.open(at);
                body = content;
            }
            self.close_deeper(at);
            if self.scopes.last().is_none_or(|s| s.indent < at) {
                self.open(at);
            }
            let Some((key, after)) = key_of(body) else { continue };
            if after.trim_start().starts_with(['|', '>']) {
                self.block_scalar = Some(at);
            }
            let Some(scope) = self.scopes.last_mut() else { continue };
            scope.last = Some(key);
            // The characters before `at` are spaces and `-`: as many columns as bytes.
            return Some(Key {
                path: join(&self.path, key),
                key,
                line: i + 1,
                column: at + 1,
                indent,
                mapping: scope.id,
                text,
            });
        }
        None
    }
}

/// The key a line's content starts with, and what follows its colon.
fn key_of(body: &str) -> Option<(&str, &str)> {
    let colon = body.find(':')?;
    let key = body[..colon].trim().trim_matches(['"', '\'']);
    let after = &body[colon + 1..];
    let valid = !key.is_empty()
        && (after.is_empty() || after.starts_with([' ', '\t']))
        && key.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-');
    valid.then_some((key, after))
}

/// `parent.key`, or `key` at the top.
fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() { key.to_string() } else { format!("{parent}.{key}") }
}

/// Top-level keys of a YAML block with their 1-based lines (relative to the block): the keys
/// that start their line. A line that starts with a tab or a `-` (a key such as `-x:`) is
/// not read.
pub fn top_level_key_lines(yaml: &str) -> Vec<(String, usize)> {
    keys(yaml)
        .filter(|k| k.column == 1 && !k.text.starts_with(['\t', '-']))
        .map(|k| (k.path, k.line))
        .collect()
}

/// Block-mapping keys with their 1-based lines (relative to the block), as dotted paths
/// (`campaign.audiences.gia-dinh`), but those on a line whose content starts with `-`: the
/// first key of a list item (`- q: …`) is not listed, so a value inside it is located at the
/// list's key; the item's other keys are (`faq.a`). Keys inside flow mappings are not listed.
pub fn nested_key_lines(yaml: &str) -> Vec<(String, usize)> {
    keys(yaml).filter(|k| !k.text[k.indent..].starts_with('-')).map(|k| (k.path, k.line)).collect()
}

/// Keys written twice in one block mapping, at any depth (serde_yaml reports a duplicate field
/// without a position, and keeps the last value of a free-form map such as `extra:`):
/// (key, line, column, first line), lines relative to the block. List items are mappings of
/// their own; block scalars (`|`, `>`) are skipped; flow mappings (`{a: 1}`) are not looked into.
pub fn duplicate_keys(yaml: &str) -> Vec<(String, usize, usize, usize)> {
    let mut first: HashMap<(usize, &str), usize> = HashMap::new();
    let mut out = Vec::new();
    for k in keys(yaml) {
        match first.entry((k.mapping, k.key)) {
            Entry::Occupied(e) => out.push((k.key.to_string(), k.line, k.column, *e.get())),
            Entry::Vacant(e) => {
                e.insert(k.line);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_file;
    use crate::parse::tests::line_of;

    #[test]
    fn duplicate_keys_name_both_lines() {
        let e = parse_file("---\ntitle: a\ndate: 2022-01-01\ntitle: b\n---\n", "f", false).unwrap_err();
        assert_eq!(line_of(&e).0, 4);
        assert!(e.0[0].message.contains("dòng 2"), "{e}");
    }

    #[test]
    fn nested_duplicate_keys_are_found_but_not_across_list_items_or_in_block_scalars() {
        let yaml = "title: a\nextra:\n  a: 1\n  b:\n    a: 2\n  a: 3\nfaq:\n  - q: x\n    a: y\n  - q: z\n    a: w\nsummary: |\n  k: 1\n  k: 2\n";
        let d = duplicate_keys(yaml);
        assert_eq!(d, vec![("a".to_string(), 6, 3, 3)]);
        let e = parse_file(&format!("---\n{yaml}---\n"), "f", false).unwrap_err();
        assert_eq!(line_of(&e), (7, 3));
        assert!(e.0[0].message.contains("dòng 4"), "{e}");
    }
    #[test]
    fn nested_keys_have_dotted_paths() {
        let k = nested_key_lines(
            "title: a\ncampaign:\n  starts: x\n  audiences:\n    gia-dinh:\n      headline: h\ntags: [a]\n",
        );
        let paths: Vec<&str> = k.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            [
                "title",
                "campaign",
                "campaign.starts",
                "campaign.audiences",
                "campaign.audiences.gia-dinh",
                "campaign.audiences.gia-dinh.headline",
                "tags"
            ]
        );
        assert_eq!(k[4].1, 5);
    }

    fn owned(k: &[(&str, usize)]) -> Vec<(String, usize)> {
        k.iter().map(|(p, l)| (p.to_string(), *l)).collect()
    }

    #[test]
    fn the_scanner_knows_list_items_block_scalars_and_comments() {
        let yaml = "title: T\nfaq:\n  - q: Hỏi\n    a: Đáp\n  - q: Hỏi 2\n# ghi chú: x\nsummary: |\n  k: 1\n\n  k: 2\nextra:\n  \"ma-so\": 1\n";
        let found: Vec<(String, &str, usize, usize, usize, usize)> =
            keys(yaml).map(|k| (k.path, k.key, k.line, k.column, k.indent, k.mapping)).collect();
        let expected = [
            ("title", "title", 1, 1, 0, 0),
            ("faq", "faq", 2, 1, 0, 0),
            ("faq.q", "q", 3, 5, 2, 1),
            ("faq.a", "a", 4, 5, 4, 1),
            ("faq.q", "q", 5, 5, 2, 2),
            ("summary", "summary", 7, 1, 0, 0),
            ("extra", "extra", 11, 1, 0, 0),
            ("extra.ma-so", "ma-so", 12, 3, 2, 3),
        ];
        let expected: Vec<(String, &str, usize, usize, usize, usize)> =
            expected.iter().map(|&(p, k, l, c, i, m)| (p.to_string(), k, l, c, i, m)).collect();
        assert_eq!(found, expected);
    }

    /// Where `nested_key_lines` once kept a stack of keys by indentation of its own, blind to
    /// list items and block scalars, and `duplicate_keys` knew both: the paths now follow the
    /// structure `duplicate_keys` saw.
    #[test]
    fn nested_key_lines_follow_list_items_and_skip_block_scalars() {
        // Lines inside a block scalar are text: before, `summary.k` was listed twice.
        assert_eq!(
            nested_key_lines("summary: |\n  k: 1\n  k: 2\ntitle: T\n"),
            owned(&[("summary", 1), ("title", 4)])
        );
        // A list written at its key's indentation still belongs to the key: before, the
        // items' other keys were `a` and `extra.b`.
        assert_eq!(
            nested_key_lines("faq:\n- q: x\n  a: y\nextra:\n  y:\n  - a: 1\n    b: 2\n"),
            owned(&[("faq", 1), ("faq.a", 3), ("extra", 4), ("extra.y", 5), ("extra.y.b", 7)])
        );
        // Keys under an item's first key have that key in their path: before, `faq.vi`.
        assert_eq!(
            nested_key_lines("faq:\n  - q:\n      vi: Hỏi\n    a: Đáp\n"),
            owned(&[("faq", 1), ("faq.q.vi", 3), ("faq.a", 4)])
        );
    }

    /// The rules of their own that the three views keep, as before.
    #[test]
    fn the_views_keep_their_own_rules_for_lines_starting_with_a_tab_or_a_dash() {
        let yaml = "title: T\n\tx: 1\n-x: 1\nfaq:\n  - q: a\n    a: b\n";
        // Only keys that start their line are top-level keys.
        assert_eq!(top_level_key_lines(yaml), owned(&[("title", 1), ("faq", 4)]));
        // A line whose content starts with `-` is not listed: neither the key `-x` nor a list
        // item's first key; the item's other keys are.
        assert_eq!(nested_key_lines(yaml), owned(&[("title", 1), ("x", 2), ("faq", 4), ("faq.a", 6)]));
        // Every key counts as a duplicate (a tab is an error of its own, in `prescan_yaml`).
        assert_eq!(
            duplicate_keys("title: T\n\tx: 1\n\tx: 2\n-x: 1\n-x: 2\n"),
            [("x".to_string(), 3, 1, 2), ("-x".to_string(), 5, 1, 4)]
        );
    }
}
