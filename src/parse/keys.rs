//! Keys of a YAML block and their lines, read without parsing the YAML.
//!
//! Takes: a YAML block (a page's front matter or loa.yaml), as text.
//! Gives: the lines of its keys (`top_level_key_lines`, `nested_key_lines`), for diagnostics
//! raised after parsing, and the keys written twice in one mapping (`duplicate_keys`), which
//! serde_yaml does not position.
//! Must not: parse values or raise diagnostics (the callers do), or import the stage entry.

/// Top-level keys of a YAML block with their 1-based lines (relative to the block).
pub fn top_level_key_lines(yaml: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for (i, line) in yaml.lines().enumerate() {
        if line.starts_with([' ', '\t', '#', '-']) || line.is_empty() {
            continue;
        }
        if let Some(colon) = line.find(':') {
            let key = line[..colon].trim().trim_matches(['"', '\'']);
            let after = &line[colon + 1..];
            if !key.is_empty()
                && (after.is_empty() || after.starts_with([' ', '\t']))
                && key.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-')
            {
                out.push((key.to_string(), i + 1));
            }
        }
    }
    out
}

/// Every block-mapping key with its 1-based line (relative to the block), as a dotted path
/// (`campaign.audiences.gia-dinh`). Keys inside lists and flow mappings are not listed.
pub fn nested_key_lines(yaml: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut stack: Vec<(usize, String)> = Vec::new();
    for (i, line) in yaml.lines().enumerate() {
        let body = line.trim_start_matches(' ');
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let indent = line.len() - body.len();
        while stack.last().is_some_and(|(ind, _)| *ind >= indent) {
            stack.pop();
        }
        if body.starts_with('-') {
            continue;
        }
        let Some(colon) = body.find(':') else { continue };
        let key = body[..colon].trim().trim_matches(['"', '\'']);
        let after = &body[colon + 1..];
        if key.is_empty()
            || !(after.is_empty() || after.starts_with([' ', '\t']))
            || !key.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        {
            continue;
        }
        let path = match stack.last() {
            Some((_, parent)) => format!("{parent}.{key}"),
            None => key.to_string(),
        };
        out.push((path.clone(), i + 1));
        stack.push((indent, path));
    }
    out
}

/// Keys written twice in one block mapping, at any depth (serde_yaml reports a duplicate field
/// without a position, and keeps the last value of a free-form map such as `extra:`):
/// (key, line, column, first line), lines relative to the block. List items are mappings of
/// their own; block scalars (`|`, `>`) are skipped; flow mappings (`{a: 1}`) are not looked into.
pub fn duplicate_keys(yaml: &str) -> Vec<(String, usize, usize, usize)> {
    let mut out = Vec::new();
    // Open mappings: (indent of their keys, key → first line).
    let mut scopes: Vec<(usize, std::collections::HashMap<String, usize>)> =
        vec![(0, std::collections::HashMap::new())];
    let mut block_scalar: Option<usize> = None;
    for (i, raw) in yaml.lines().enumerate() {
        let mut body = raw.trim_start_matches(' ');
        let mut indent = raw.len() - body.len();
        if let Some(k) = block_scalar {
            if body.is_empty() || indent > k {
                continue;
            }
            block_scalar = None;
        }
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        // `- key: v`: each list item opens a mapping of its own.
        while let Some(rest) = body.strip_prefix("- ").or_else(|| (body == "-").then_some("")) {
            scopes.retain(|(ind, _)| *ind <= indent);
            let content = rest.trim_start_matches(' ');
            indent += body.len() - content.len();
            scopes.push((indent, std::collections::HashMap::new()));
            body = content;
        }
        scopes.retain(|(ind, _)| *ind <= indent);
        if scopes.last().is_none_or(|(ind, _)| *ind < indent) {
            scopes.push((indent, std::collections::HashMap::new()));
        }
        let Some(colon) = body.find(':') else { continue };
        let key = body[..colon].trim().trim_matches(['"', '\'']);
        let after = &body[colon + 1..];
        if key.is_empty()
            || !(after.is_empty() || after.starts_with([' ', '\t']))
            || !key.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        {
            continue;
        }
        if after.trim_start().starts_with(['|', '>']) {
            block_scalar = Some(indent);
        }
        let column = raw[..indent].chars().count() + 1;
        if let Some((_, keys)) = scopes.last_mut() {
            match keys.get(key) {
                Some(&first) => out.push((key.to_string(), i + 1, column, first)),
                None => {
                    keys.insert(key.to_string(), i + 1);
                }
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
}
