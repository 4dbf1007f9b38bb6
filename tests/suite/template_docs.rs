//! `docs/huong-dan/giao-dien.md`, the template API for theme authors, kept in step with the code
//! (issue 23: users do not have `src/render/context.rs`): every field of every view a template
//! can read has a row in its struct's table and every row is a field; every filter and function
//! loa registers is documented and every documented one is registered; every template the code
//! renders and every variable it passes is in the guide's table; and the guide's examples build
//! (the templates render what the guide says, the broken ones fail with the errors it shows).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::harness::{run, write};

const GUIDE: &str = "docs/huong-dan/giao-dien.md";
const CONTEXT: &str = "src/render/context.rs";

fn read(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// A file's code before its `#[cfg(test)]` module.
fn without_tests(text: &str) -> &str {
    text.split("#[cfg(test)]").next().unwrap_or(text)
}

/// Every `.rs` file under `src/`: path relative to the repository, text.
fn sources() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(root.join("src")).sort_by_file_name() {
        let entry = entry.expect("walk src");
        if entry.path().extension().is_some_and(|e| e == "rs") {
            let rel =
                entry.path().strip_prefix(root).expect("under root").to_string_lossy().replace('\\', "/");
            out.push((rel.clone(), read(&rel)));
        }
    }
    out
}

/// A struct as templates see it.
#[derive(Debug)]
struct View {
    /// Field names as serialized (serde renames applied, skipped fields left out), with the
    /// Rust type of each.
    fields: Vec<(String, String)>,
    /// Derives `Serialize`, or has an `impl Serialize for` it in the same file.
    serialized: bool,
}

/// Every `pub struct` of `text` with its fields (`pub name: Type,` lines) and serde attributes.
fn structs(text: &str) -> BTreeMap<String, View> {
    let code = without_tests(text);
    let mut out = BTreeMap::new();
    let mut attrs: Vec<&str> = Vec::new();
    let mut lines = code.lines();
    while let Some(line) = lines.next() {
        let t = line.trim();
        if t.starts_with("#[") {
            attrs.push(t);
            continue;
        }
        if t.starts_with("///") || t.starts_with("//") {
            continue;
        }
        let Some(rest) = t.strip_prefix("pub struct ") else {
            attrs.clear();
            continue;
        };
        let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        let derived = attrs.iter().any(|a| a.starts_with("#[derive(") && a.contains("Serialize"));
        attrs.clear();
        let mut fields = Vec::new();
        let mut field_attrs: Vec<&str> = Vec::new();
        if t.ends_with('{') {
            for line in lines.by_ref() {
                let f = line.trim();
                if line.starts_with('}') {
                    break;
                }
                if f.starts_with("#[") {
                    field_attrs.push(f);
                    continue;
                }
                let Some(decl) = f.strip_prefix("pub ") else { continue };
                let Some((field, ty)) = decl.split_once(':') else { continue };
                let serde: Vec<&str> =
                    field_attrs.drain(..).filter_map(|a| a.strip_prefix("#[serde(")).collect();
                let skipped = serde.iter().any(|a| {
                    a.split([',', ')']).map(str::trim).any(|x| x == "skip" || x == "skip_serializing")
                });
                if skipped {
                    continue;
                }
                let renamed = serde.iter().find_map(|a| {
                    let after = a.split("rename = \"").nth(1)?;
                    after.split('"').next().map(str::to_string)
                });
                let ty = ty.trim().trim_end_matches(',').to_string();
                fields.push((renamed.unwrap_or_else(|| field.trim().to_string()), ty));
            }
        }
        let by_hand = code.contains(&format!("impl Serialize for {name}"))
            || code.contains(&format!("impl serde::Serialize for {name}"));
        out.insert(name, View { fields, serialized: derived || by_hand });
    }
    out
}

/// Capitalized names in a Rust type (`Option<Vec<LinkView>>` → `Option`, `Vec`, `LinkView`).
fn type_names(ty: &str) -> Vec<String> {
    ty.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .map(str::to_string)
        .collect()
}

/// Types of the standard library and of dependencies that fields use, and loa's fingerprint
/// wrappers (`Derived`, `Printed`: templates see the value they wrap): not views of loa.
const NOT_VIEWS: &[&str] = &["String", "Vec", "Option", "Arc", "Value", "Derived", "Printed", "Box"];

/// `PageView` is serialized as the card's fields then its own: its `card` field is no key of
/// `page` (the card's fields are, from `PageCard`'s table).
const FLATTENED: (&str, &str) = ("PageView", "card");

/// Every struct whose values reach templates: the serialized structs of `context.rs`, and the
/// structs elsewhere in `src/` that their fields hold (`TocEntry`, `GlossaryItem`), with their
/// fields as templates see them.
fn views() -> BTreeMap<String, Vec<String>> {
    let context = read(CONTEXT);
    assert!(
        context.contains("card.value().fields(&mut st)"),
        "{CONTEXT}: `PageView` no longer writes the card's fields into `page`: update FLATTENED and the guide"
    );
    let mut found: BTreeMap<String, View> =
        structs(&context).into_iter().filter(|(_, v)| v.serialized).collect();
    let all_sources = sources();
    let mut queue: Vec<String> =
        found.values().flat_map(|v| &v.fields).flat_map(|(_, t)| type_names(t)).collect();
    while let Some(ty) = queue.pop() {
        if found.contains_key(&ty) || NOT_VIEWS.contains(&ty.as_str()) {
            continue;
        }
        let Some((file, view)) = all_sources.iter().find_map(|(file, text)| {
            let mut s = structs(text);
            s.remove(&ty).map(|v| (file, v))
        }) else {
            continue;
        };
        assert!(view.serialized, "{file}: `{ty}` reaches templates but is not serialized");
        queue.extend(view.fields.iter().flat_map(|(_, t)| type_names(t)));
        found.insert(ty, view);
    }
    found
        .into_iter()
        .map(|(name, v)| {
            let fields = v
                .fields
                .into_iter()
                .map(|(f, _)| f)
                .filter(|f| (name.as_str(), f.as_str()) != FLATTENED)
                .collect();
            (name, fields)
        })
        .collect()
}

/// The guide's struct tables: for each heading `### … (`Name`)`, the first cells of its table
/// rows (`| `field` | …`), in order.
fn documented_views(guide: &str) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in guide.lines() {
        if line.starts_with('#') {
            current = line
                .strip_prefix("### ")
                .and_then(|h| h.trim_end().strip_suffix("`)"))
                .and_then(|h| h.rsplit_once("(`"))
                .map(|(_, name)| name.to_string());
            if let Some(name) = &current {
                assert!(out.insert(name.clone(), Vec::new()).is_none(), "{GUIDE}: two tables for `{name}`");
            }
            continue;
        }
        let (Some(name), Some(row)) = (&current, line.strip_prefix("| `")) else { continue };
        if let Some((field, _)) = row.split_once("` |") {
            out.get_mut(name).expect("current").push(field.to_string());
        }
    }
    out
}

#[test]
fn every_field_of_every_view_has_a_row_in_the_guide_and_every_row_is_a_field() {
    let code = views();
    let guide = documented_views(&read(GUIDE));
    assert!(code.len() >= 28, "too few views found in {CONTEXT}: {:?}", code.keys());
    for (name, fields) in &code {
        let Some(rows) = guide.get(name) else {
            panic!(
                "{GUIDE} has no table for `{name}` (a heading ending in (`{name}`)); its fields: {fields:?}"
            );
        };
        for f in fields {
            assert!(rows.contains(f), "{GUIDE}: the table of `{name}` has no row for its field `{f}`");
        }
        for r in rows {
            assert!(
                fields.contains(r),
                "{GUIDE}: the table of `{name}` documents `{r}`, which it does not have"
            );
        }
        let unique: BTreeSet<&String> = rows.iter().collect();
        assert_eq!(unique.len(), rows.len(), "{GUIDE}: a field of `{name}` has two rows: {rows:?}");
    }
    for name in guide.keys() {
        assert!(code.contains_key(name), "{GUIDE} documents `{name}`, which no template sees");
    }
    // A field written by hand (`PageCard`, `PageView`) is written under its own name.
    let context = read(CONTEXT);
    for name in ["PageCard", "PageView"] {
        for f in &code[name] {
            assert!(
                context.contains(&format!("serialize_field(\"{f}\"")),
                "{CONTEXT}: `{name}.{f}` not written"
            );
        }
    }
    // Keys added to card values outside the structs (`card_html`) are documented too.
    let env = read("src/render/env.rs");
    for piece in without_tests(&env).split("map.insert(\"").skip(1) {
        let key = piece.split('"').next().unwrap_or("");
        assert!(
            read(GUIDE).contains(&format!("`{key}`")),
            "{GUIDE} does not mention `{key}` (src/render/env.rs)"
        );
    }
}

/// `(kind, name)` of every `register_filter("name"` and `register_function("name"` of `src/`,
/// outside tests.
fn registered() -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (_, text) in sources() {
        for kind in ["filter", "function", "test"] {
            let call = format!("register_{kind}(\"");
            for piece in without_tests(&text).split(&call).skip(1) {
                out.insert((kind.to_string(), piece.split('"').next().unwrap_or("").to_string()));
            }
        }
    }
    out
}

/// The lines of the guide's section whose heading starts with `heading`, up to the next heading
/// of the same or a higher level.
fn section<'a>(guide: &'a str, heading: &str) -> Vec<&'a str> {
    let level =
        |l: &str| l.split(' ').next().filter(|h| !h.is_empty() && h.chars().all(|c| c == '#')).map(str::len);
    let own = level(heading).expect("a heading");
    let mut lines = guide.lines().skip_while(|l| !l.starts_with(heading));
    let first = lines.next().unwrap_or_else(|| panic!("{GUIDE}: no section `{heading}`"));
    let mut out = vec![first];
    out.extend(lines.take_while(|l| level(l).is_none_or(|n| n > own)));
    out
}

#[test]
fn every_filter_and_function_loa_registers_is_documented_and_no_other() {
    let guide = read(GUIDE);
    let code: BTreeSet<String> = registered().into_iter().map(|(_, n)| n).collect();
    assert!(code.contains("vi_date"), "{code:?}");
    let documented: BTreeSet<String> = section(&guide, "## Bộ lọc và hàm của loa")
        .iter()
        .filter_map(|l| l.strip_prefix("### `")?.split('`').next().map(str::to_string))
        .collect();
    assert_eq!(code, documented, "{GUIDE}: `### `name`` under \"## Bộ lọc và hàm của loa\" ≠ registered");
    // The error for an unknown filter lists loa's filters: all of them.
    let templates = read("src/render/templates.rs");
    let listed =
        templates.split("các bộ lọc của loa: ").nth(1).and_then(|s| s.split(')').next()).unwrap_or("");
    for (kind, name) in registered() {
        if kind == "filter" {
            assert!(listed.contains(&name), "the unknown-filter message ({listed}) does not name `{name}`");
        }
    }
    // Every format of `vi_date` has a row, and every row is a format.
    let vi_date =
        without_tests(&templates).split("pub fn vi_date").nth(1).expect("vi_date").split("\n}\n").next();
    let formats: BTreeSet<String> = vi_date
        .expect("body")
        .lines()
        .filter_map(|l| l.trim().strip_prefix('"')?.split_once("\" =>").map(|(f, _)| f.to_string()))
        .collect();
    let rows: BTreeSet<String> = date_rows(&guide).into_iter().map(|(f, _)| f).collect();
    assert!(formats.contains("short"), "{formats:?}");
    assert_eq!(formats, rows, "{GUIDE}: the formats of `vi_date`");
}

/// The `vi_date` table: (format, documented output for `"2022-09-15"`).
fn date_rows(guide: &str) -> Vec<(String, String)> {
    section(guide, "### `vi_date`")
        .iter()
        .filter_map(|l| {
            let mut cells = l.strip_prefix("| `")?.split(" | ");
            let format = cells.next()?.strip_suffix('`')?.to_string();
            let output = cells.next()?.strip_prefix('`')?.strip_suffix('`')?.to_string();
            Some((format, output))
        })
        .collect()
}

#[test]
fn every_template_the_code_renders_and_every_variable_it_passes_is_in_the_guide() {
    let guide = read(GUIDE);
    let table = section(&guide, "## Mẫu nào dựng trang nào");
    let rows: BTreeSet<String> =
        table.iter().filter_map(|l| l.strip_prefix("| `")?.split('`').next().map(str::to_string)).collect();
    let mut templates = BTreeSet::new();
    let mut variables = BTreeSet::from(["site".to_string()]);
    for (file, text) in sources() {
        if !(file.starts_with("src/render/") || file == "src/content/kind.rs") {
            continue;
        }
        let code = without_tests(&text);
        for (end, _) in code.match_indices(".html\"") {
            let name = &code[code[..end].rfind('"').map_or(0, |k| k + 1)..end + 5];
            // A template's name, not the extension alone (`autoescape_on([".html", …])`).
            if !name.starts_with('.') && name.chars().all(|c| c.is_ascii_alphanumeric() || "_.".contains(c)) {
                templates.insert(name.to_string());
            }
        }
        for call in [".with(\"", ".listing(\""] {
            for piece in code.split(call).skip(1) {
                variables.insert(piece.split('"').next().unwrap_or("").to_string());
            }
        }
    }
    assert!(templates.contains("article.html") && templates.contains("404.html"), "{templates:?}");
    assert_eq!(
        templates, rows,
        "{GUIDE}: the rows of \"Mẫu nào dựng trang nào\" ≠ the templates loa renders"
    );
    // The table's rows, not the notes under it.
    let text: String = table.iter().filter(|l| l.starts_with("| `")).map(|l| format!("{l}\n")).collect();
    for v in &variables {
        assert!(
            text.contains(&format!("`{v}`")),
            "{GUIDE}: \"Mẫu nào dựng trang nào\" does not name the variable `{v}`"
        );
    }
}

/// The fenced block after line `i`: its lines.
fn block_after<'a>(lines: &[&'a str], i: usize) -> Vec<&'a str> {
    let open = (i + 1..lines.len()).find(|&k| lines[k].starts_with("```")).expect("a fenced block");
    lines[open + 1..].iter().take_while(|l| !l.starts_with("```")).copied().collect()
}

/// The name between the first pair of backticks in `line`, when `line` starts with `prefix`
/// and ends with `suffix`.
fn marked<'a>(line: &'a str, prefix: &str, suffix: &str) -> Option<&'a str> {
    if !line.trim_end().ends_with(suffix) {
        return None;
    }
    line.strip_prefix(prefix)?.split('`').next()
}

/// Each line of `expected` is in `got`; `…` in a line stands for any text.
fn assert_lines_in(expected: &[&str], got: &str, what: &str) {
    for line in expected.iter().filter(|l| !l.trim().is_empty()) {
        let mut at = 0;
        for part in line.split('…').map(str::trim).filter(|p| !p.is_empty()) {
            match got[at..].find(part) {
                Some(k) => at += k + part.len(),
                None => panic!("{what}: no `{part}` (of the guide's line `{line}`) in:\n{got}"),
            }
        }
    }
}

/// A site made by `loa new site`.
fn new_site() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = run(tmp.path(), &["new", "site", "trang"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let site = tmp.path().join("trang");
    (tmp, site)
}

#[test]
fn the_guides_examples_build_and_render_what_it_says() {
    let guide = read(GUIDE);
    let lines: Vec<&str> = guide.lines().collect();
    let (_tmp, site) = new_site();
    let mut written = 0;
    for (i, line) in lines.iter().enumerate() {
        if let Some(file) = marked(line, "Tệp `", "`:") {
            write(&site, file, &(block_after(&lines, i).join("\n") + "\n"));
            written += 1;
        }
    }
    assert!(written >= 2, "{GUIDE}: no example files (`Tệp `…`:` before a fenced block)");
    // The documented outputs of `vi_date`, rendered by the 404 page (which sees only `site`).
    let dates = date_rows(&guide);
    let probe: String = dates
        .iter()
        .map(|(f, _)| format!("[{f}: {{{{ \"2022-09-15\" | vi_date(format=\"{f}\") }}}}]\n"))
        .collect();
    write(&site, "templates/404.html", &probe);
    let out = run(&site, &["build"]);
    assert!(
        out.status.success(),
        "the guide's example does not build:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut checked = 0;
    for (i, line) in lines.iter().enumerate() {
        let Some(at) = line.find("Kết quả trong `") else { continue };
        let Some(file) = marked(&line[at..], "Kết quả trong `", "` có:") else { continue };
        let got = std::fs::read_to_string(site.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_lines_in(&block_after(&lines, i), &got, file);
        checked += 1;
    }
    assert!(checked >= 2, "{GUIDE}: no example outputs (`Kết quả trong `…` có:` before a fenced block)");
    let page404 = std::fs::read_to_string(site.join("public/404.html")).expect("404");
    for (f, want) in &dates {
        assert!(
            page404.contains(&format!("[{f}: {want}]")),
            "vi_date(format=\"{f}\"): not `{want}`:\n{page404}"
        );
    }
}

#[test]
fn the_guides_broken_templates_fail_with_the_errors_it_shows() {
    let guide = read(GUIDE);
    let lines: Vec<&str> = guide.lines().collect();
    let mut checked = 0;
    for (i, line) in lines.iter().enumerate() {
        let Some(file) = marked(line, "Mẫu hỏng `", "`:") else { continue };
        let report =
            (i + 1..lines.len()).find(|&k| lines[k].starts_with("`loa build` báo")).expect("its report");
        let (_tmp, site) = new_site();
        write(&site, file, &(block_after(&lines, i).join("\n") + "\n"));
        let out = run(&site, &["build"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert_lines_in(&block_after(&lines, report), &stderr, "stderr");
        checked += 1;
    }
    assert!(checked >= 2, "{GUIDE}: no broken examples (`Mẫu hỏng `…`:`)");
}

/// A heading's anchor as GitHub makes it: lowercase, letters, digits, `-` and `_` kept, spaces
/// as `-`, anything else dropped.
fn anchor(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

#[test]
fn the_guides_links_lead_to_its_headings() {
    let guide = read(GUIDE);
    let anchors: BTreeSet<String> = guide
        .lines()
        .filter(|l| l.starts_with('#'))
        .map(|l| anchor(l.trim_start_matches('#').trim()))
        .collect();
    let mut links = 0;
    for piece in guide.split("](#").skip(1) {
        let target = piece.split(')').next().unwrap_or("");
        assert!(anchors.contains(target), "{GUIDE}: the link `#{target}` leads to no heading");
        links += 1;
    }
    assert!(links > 10, "{links}");
}
