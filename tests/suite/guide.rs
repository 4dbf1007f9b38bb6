//! The user guide in Vietnamese (`docs/huong-dan/`) against the code, so that the two cannot
//! drift apart:
//!
//! 1. every diagnostic code the sources emit has its section in `sua-loi.md` (a heading with
//!    the code in backticks), and every code with a section is still emitted;
//! 2. every repository path the guide names (in backticks or as a link target) exists;
//! 3. every `loa` command written in the guide (in a `sh` block, or in backticks) names a
//!    command and flags the real binary accepts;
//! 4. the guide's examples build.
//!
//! The examples' convention. A fenced block whose info string is `md PATH` or `yaml loa.yaml`
//! is a file of a site: ```` ```md content/bai-viet/vi-du.md ```` (GitHub uses only the first
//! word, the language, to colour it). Optional words after the path:
//! - `with=PATH,PATH` creates those files too (small placeholder bytes; a small real image for
//!   an image the example shows, `content/bai-viet/le-ky-ket/anh-1.jpg`);
//! - `expect=CODE` marks an example that shows a mistake: it must produce that diagnostic code.
//!
//! The examples of one guide file without `expect=` are written in order into one new site
//! (`loa new site`; a `loa.yaml` example replaces the whole file), which must build with
//! `--drafts` without an error or a warning. The examples of one file with the same `expect=`
//! code are written, after that file's good examples (so a mistake can lean on a section or a
//! document shown right before it, or replace a good file by a broken one), into a new site of
//! their own, where `loa check --strict --drafts --format json` must report that code.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::harness::{run, write};

/// The repository root.
fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The guide's folder, relative to the repository.
const GUIDE: &str = "docs/huong-dan";

/// The guide's files: (file name, text), sorted by name.
fn guide() -> Vec<(String, String)> {
    let dir = repo().join(GUIDE);
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{GUIDE}: {e}"))
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .map(|n| {
            let text = std::fs::read_to_string(dir.join(&n)).expect("read guide");
            (n, text)
        })
        .collect();
    out.sort();
    assert!(out.iter().any(|(n, _)| n == "sua-loi.md"), "no {GUIDE}/sua-loi.md");
    out
}

/// A fenced code block of a guide file.
#[derive(Debug)]
struct Fence {
    /// Its 1-based line (the opening fence).
    line: usize,
    /// Spaces before its opening fence.
    indent: usize,
    /// The info string's words (`md`, `content/x.md`, `expect=…`).
    info: Vec<String>,
    /// Its lines, between the fences.
    body: String,
}

/// The fenced blocks of a Markdown text, and the text outside them (fenced lines blanked, so
/// that line numbers stay).
fn split_fences(text: &str) -> (Vec<Fence>, String) {
    let mut fences = Vec::new();
    let mut prose = String::new();
    let mut open: Option<(String, Fence)> = None;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        match open.take() {
            None => {
                let marker: String = trimmed.chars().take_while(|&c| c == '`' || c == '~').collect();
                if marker.len() >= 3 && marker.chars().all(|c| c == marker.chars().next().unwrap_or('`')) {
                    let info = trimmed[marker.len()..].split_whitespace().map(str::to_string).collect();
                    let indent = line.len() - trimmed.len();
                    open = Some((marker, Fence { line: i + 1, indent, info, body: String::new() }));
                    prose.push('\n');
                } else {
                    prose.push_str(line);
                    prose.push('\n');
                }
            }
            Some((marker, mut fence)) => {
                prose.push('\n');
                if trimmed.starts_with(&marker)
                    && trimmed.trim_end().chars().all(|c| c == marker.as_bytes()[0] as char)
                {
                    fences.push(fence);
                } else {
                    // The fence's own indentation is not part of the text (a fence in a list item).
                    let indent = line.len() - line.trim_start_matches(' ').len();
                    fence.body.push_str(&line[indent.min(fence.indent)..]);
                    fence.body.push('\n');
                    open = Some((marker, fence));
                }
            }
        }
    }
    assert!(open.is_none(), "a fenced block is not closed");
    (fences, prose)
}

/// The inline code spans of prose (one or two backticks), with their lines.
fn code_spans(prose: &str) -> Vec<(usize, String)> {
    let re = regex::Regex::new(r"``(.+?)``|`([^`]+)`").expect("regex");
    let mut out = Vec::new();
    for (i, line) in prose.lines().enumerate() {
        for c in re.captures_iter(line) {
            let span = c.get(1).or_else(|| c.get(2)).map_or("", |m| m.as_str()).trim();
            out.push((i + 1, span.to_string()));
        }
    }
    out
}

/// The targets of the Markdown links of prose (`[text](target)`), with their lines.
fn link_targets(prose: &str) -> Vec<(usize, String)> {
    let re = regex::Regex::new(r"\]\(([^)\s]+)\)").expect("regex");
    let code = regex::Regex::new(r"`[^`]*`").expect("regex");
    let mut out = Vec::new();
    for (i, line) in prose.lines().enumerate() {
        // Code spans are not links.
        let line = code.replace_all(line, "");
        for c in re.captures_iter(&line) {
            out.push((i + 1, c[1].to_string()));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// 1. Diagnostic codes.

/// Rust source without comments and without `#[cfg(test)]` modules; string literals are kept
/// as written.
fn rust_code(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    // Pass 1: comments out.
    let mut code: Vec<char> = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        if let Some(end) = literal_end(&chars, i) {
            code.extend_from_slice(&chars[i..end]);
            i = end;
        } else if chars[i] == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else {
            code.push(chars[i]);
            i += 1;
        }
    }
    // Pass 2: `#[cfg(test)] mod name { … }` out, braces counted outside literals.
    let mut out = String::with_capacity(code.len());
    let mut i = 0;
    let attr: Vec<char> = "#[cfg(test)]".chars().collect();
    while i < code.len() {
        if code[i..].starts_with(&attr) {
            let mut j = i + attr.len();
            while j < code.len() && code[j].is_whitespace() {
                j += 1;
            }
            let rest: String = code[j..code.len().min(j + 8)].iter().collect();
            if rest.starts_with("mod ") || rest.starts_with("pub mod ") {
                while j < code.len() && code[j] != '{' && code[j] != ';' {
                    j += 1;
                }
                if code.get(j) == Some(&'{') {
                    let mut depth = 0;
                    while j < code.len() {
                        if let Some(end) = literal_end(&code, j) {
                            j = end;
                            continue;
                        }
                        match code[j] {
                            '{' => depth += 1,
                            '}' => depth -= 1,
                            _ => {}
                        }
                        j += 1;
                        if depth == 0 {
                            break;
                        }
                    }
                }
                i = j;
                continue;
            }
        }
        if let Some(end) = literal_end(&code, i) {
            out.extend(&code[i..end]);
            i = end;
        } else {
            out.push(code[i]);
            i += 1;
        }
    }
    out
}

/// Where the string or char literal starting at `i` ends (one past it), if one starts there:
/// `"…"`, `r"…"`, `r#"…"#`, `b"…"`, `'x'`, `'\n'` (not a lifetime, `'a`).
fn literal_end(c: &[char], i: usize) -> Option<usize> {
    let ident = |k: usize| k > 0 && (c[k - 1].is_alphanumeric() || c[k - 1] == '_');
    match c[i] {
        '"' => {
            let mut j = i + 1;
            while j < c.len() && c[j] != '"' {
                j += if c[j] == '\\' { 2 } else { 1 };
            }
            Some((j + 1).min(c.len()))
        }
        'r' | 'b' if !ident(i) => {
            let mut j = i + 1;
            if c[i] == 'b' && c.get(j) == Some(&'r') {
                j += 1;
            }
            let hashes = c[j..].iter().take_while(|&&h| h == '#').count();
            if c.get(j + hashes) != Some(&'"') {
                return None;
            }
            if c[i] == 'b' && hashes == 0 && c.get(i + 1) == Some(&'"') {
                return literal_end(c, i + 1);
            }
            j += hashes + 1;
            let close: Vec<char> = std::iter::once('"').chain(std::iter::repeat_n('#', hashes)).collect();
            while j < c.len() && !c[j..].starts_with(&close) {
                j += 1;
            }
            Some((j + close.len()).min(c.len()))
        }
        '\'' if c.get(i + 1) == Some(&'\\') => {
            let mut j = i + 2;
            while j < c.len() && c[j] != '\'' {
                j += 1;
            }
            Some((j + 1).min(c.len()))
        }
        '\'' if c.get(i + 2) == Some(&'\'') => Some(i + 3),
        _ => None,
    }
}

/// Every diagnostic code `src/` emits → the files that emit it. A constructor whose code is
/// not a string literal fails the test: the scan would not see its codes.
fn emitted_codes() -> BTreeMap<String, BTreeSet<String>> {
    let call = regex::Regex::new(r"Diagnostic::(?:error|warning|global)\(\s*").expect("regex");
    let literal = regex::Regex::new(r#"^"([a-z][a-z0-9-]*)""#).expect("regex");
    let assigned = regex::Regex::new(r#"\.code\s*=\s*"([a-z][a-z0-9-]*)""#).expect("regex");
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let src = repo().join("src");
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.expect("walk src");
        if entry.path().extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = entry.path().strip_prefix(repo()).expect("prefix").to_string_lossy().replace('\\', "/");
        let code = rust_code(&std::fs::read_to_string(entry.path()).expect("read"));
        for m in call.find_iter(&code) {
            let after = &code[m.end()..];
            if rel == "src/diagnostics.rs" && after.starts_with("code,") {
                continue; // the constructors themselves
            }
            let c = literal.captures(after).unwrap_or_else(|| {
                panic!(
                    "{rel}: a diagnostic whose code is not a string literal ({}…): teach tests/suite/guide.rs to find its codes",
                    &after[..after.len().min(40)]
                )
            });
            out.entry(c[1].to_string()).or_default().insert(rel.clone());
        }
        for c in assigned.captures_iter(&code) {
            out.entry(c[1].to_string()).or_default().insert(rel.clone());
        }
    }
    out
}

/// The codes `sua-loi.md` has a section for: the backticked words of its headings.
fn documented_codes(text: &str) -> BTreeMap<String, usize> {
    let (_, prose) = split_fences(text);
    let word = regex::Regex::new(r"`([a-z][a-z0-9-]*)`").expect("regex");
    let mut out = BTreeMap::new();
    for (i, line) in prose.lines().enumerate() {
        if line.starts_with('#') {
            for c in word.captures_iter(line) {
                let previous = out.insert(c[1].to_string(), i + 1);
                assert!(previous.is_none(), "sua-loi.md:{}: `{}` has two sections", i + 1, &c[1]);
            }
        }
    }
    out
}

#[test]
fn every_diagnostic_code_has_a_section_in_sua_loi_and_every_section_a_code() {
    let emitted = emitted_codes();
    assert!(emitted.len() > 40, "the scan of src/ found only {} codes: {emitted:?}", emitted.len());
    let text = std::fs::read_to_string(repo().join(GUIDE).join("sua-loi.md")).expect("sua-loi.md");
    let documented = documented_codes(&text);
    let missing: Vec<String> = emitted
        .iter()
        .filter(|(c, _)| !documented.contains_key(*c))
        .map(|(c, f)| format!("{c} ({f:?})"))
        .collect();
    assert!(missing.is_empty(), "codes emitted by src/ without a section in {GUIDE}/sua-loi.md: {missing:?}");
    let stale: Vec<String> = documented
        .iter()
        .filter(|(c, _)| !emitted.contains_key(*c))
        .map(|(c, l)| format!("sua-loi.md:{l}: `{c}`"))
        .collect();
    assert!(stale.is_empty(), "sections of codes src/ no longer emits: {stale:?}");
}

#[test]
fn the_code_scan_sees_through_comments_tests_and_line_breaks() {
    let src = "fn a() {\n    Diagnostic::error(\n        \"lien-ket\",\n        at,\n    );\n    // Diagnostic::error(\"ghi-chu\", at, \"\");\n    let s = \"{\"; d.code = \"ma-khac\";\n}\n#[cfg(test)]\nmod tests {\n    fn t() { let _ = ('}', \"}\"); Diagnostic::error(\"x\", at, \"\"); }\n}\nfn b() { Diagnostic::warning(\"sau-test\", at, \"\"); }\n";
    let code = rust_code(src);
    assert!(code.contains("\"lien-ket\""), "{code}");
    assert!(!code.contains("ghi-chu"), "{code}");
    assert!(!code.contains("\"x\""), "{code}");
    assert!(code.contains("\"sau-test\""), "{code}");
    assert!(code.contains("\"ma-khac\""), "{code}");
}

// ---------------------------------------------------------------------------------------------
// 2. Repository paths.

/// The files the guide's examples write: they are not in the repository, and need not be.
fn example_paths(guide: &[(String, String)]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut add = |path: &str| {
        // The file, and the folders it is in (`content/bai-viet/le-ky-ket/`).
        out.insert(path.to_string());
        out.extend(path.match_indices('/').map(|(i, _)| path[..=i].to_string()));
    };
    for (_, text) in guide {
        // The theme page's convention: "Tệp `content/…`:" before the example's fence.
        for line in text.lines() {
            if let Some(path) = line.trim().strip_prefix("Tệp `").and_then(|r| r.strip_suffix("`:")) {
                add(path);
            }
        }
        for e in examples(text) {
            for path in std::iter::once(&e.path).chain(&e.with) {
                add(path);
            }
        }
    }
    out
}

/// A repository path as the guide writes it in backticks: `content/…`, `docs/…`,
/// `.github/…`, `themes/…`, `tests/…`, `src/…` or a file of the root.
fn repository_path(span: &str) -> Option<&str> {
    const ROOTS: [&str; 6] = ["content/", "docs/", ".github/", "themes/", "tests/", "src/"];
    const FILES: [&str; 4] = ["loa.yaml", "README.md", "Cargo.toml", "BENCHMARKS.md"];
    let path = span.split_once('#').map_or(span, |(p, _)| p);
    let ok = (ROOTS.iter().any(|r| path.starts_with(r)) || FILES.contains(&path))
        && !path.contains(char::is_whitespace)
        && !path.contains(['*', '<', '>', '…']);
    ok.then_some(path)
}

#[test]
fn every_repository_path_the_guide_names_exists() {
    let guide = guide();
    let made = example_paths(&guide);
    let root = repo();
    let mut wrong = Vec::new();
    let mut seen = 0;
    for (name, text) in &guide {
        let (_, prose) = split_fences(text);
        for (line, span) in code_spans(&prose) {
            let Some(path) = repository_path(&span) else { continue };
            seen += 1;
            if !root.join(path).exists() && !made.contains(path) {
                wrong.push(format!("{name}:{line}: `{span}`"));
            }
        }
        for (line, target) in link_targets(&prose) {
            if target.contains("://") || target.starts_with('#') || target.starts_with("mailto:") {
                continue;
            }
            seen += 1;
            let file = target.split_once('#').map_or(target.as_str(), |(p, _)| p);
            let resolved = root.join(GUIDE).join(file);
            if !resolved.exists() {
                wrong.push(format!("{name}:{line}: link ({target})"));
            }
        }
    }
    assert!(seen > 20, "the guide names only {seen} paths: is the scan broken?");
    assert!(wrong.is_empty(), "paths named in {GUIDE}/ that do not exist in the repository: {wrong:#?}");
}

// ---------------------------------------------------------------------------------------------
// 3. Command lines.

/// The `loa` commands of the guide: (file, line, the words after `loa`).
fn commands(guide: &[(String, String)]) -> Vec<(String, usize, Vec<String>)> {
    let mut out = Vec::new();
    let mut add = |name: &str, line: usize, text: &str| {
        // `cd trang && loa serve | tee x`: each command of the line on its own.
        for part in text.split("&&").flat_map(|p| p.split(['|', ';'])) {
            let part = part.split(" #").next().unwrap_or("").trim();
            let part = part.split(" >").next().unwrap_or("").trim();
            let mut words = shell_words(part).into_iter();
            let Some(first) = words.next() else { continue };
            let words: Vec<String> = words.collect();
            // `loa 0.1.0` (what `loa --version` prints) and `loa không ghi đè` (a message) are
            // not commands: a command's first word is a flag or a lowercase ASCII name.
            let command = words.first().is_none_or(|w| {
                w.starts_with('-')
                    || (w.starts_with(|c: char| c.is_ascii_lowercase())
                        && w.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
            });
            if ["loa", "loa.exe", "./loa", ".\\loa.exe", ".\\loa"].contains(&first.as_str()) && command {
                out.push((name.to_string(), line, words));
            }
        }
    };
    for (name, text) in guide {
        let (fences, prose) = split_fences(text);
        for f in &fences {
            let lang = f.info.first().map_or("", String::as_str);
            if !["sh", "bash", "console", "shell", "powershell", "bat", "cmd"].contains(&lang) {
                continue;
            }
            for (i, l) in f.body.lines().enumerate() {
                let l = l.trim_start();
                let l = ["$ ", "> ", "PS> "].iter().find_map(|p| l.strip_prefix(p)).unwrap_or(l);
                add(name, f.line + 1 + i, l);
            }
        }
        for (line, span) in code_spans(&prose) {
            add(name, line, &span);
        }
    }
    out
}

/// Words of a command line, with `"…"` and `'…'` quoting.
fn shell_words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quote = None;
    let mut any = false;
    for c in line.chars() {
        match (quote, c) {
            (None, '"' | '\'') => {
                quote = Some(c);
                any = true;
            }
            (Some(q), c) if c == q => quote = None,
            (None, c) if c.is_whitespace() => {
                if any {
                    out.push(std::mem::take(&mut word));
                    any = false;
                }
            }
            (_, c) => {
                word.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(word);
    }
    out
}

/// The help text of `loa` (`sub` empty) or of `loa sub`, or `None` when that command does not
/// exist.
fn help(dir: &Path, sub: &str) -> Option<String> {
    let args: Vec<&str> = if sub.is_empty() { vec!["--help"] } else { vec![sub, "--help"] };
    let out = run(dir, &args);
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn every_command_line_in_the_guide_names_a_command_and_flags_loa_accepts() {
    let guide = guide();
    let tmp = tempfile::tempdir().expect("tmp");
    let cmds = commands(&guide);
    assert!(cmds.len() > 20, "the guide has only {} loa commands: is the scan broken?", cmds.len());
    let mut helps: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut wrong = Vec::new();
    let mut checked = BTreeSet::new();
    for (name, line, words) in &cmds {
        let sub = words.first().filter(|w| !w.starts_with('-')).cloned().unwrap_or_default();
        let help = helps.entry(sub.clone()).or_insert_with(|| help(tmp.path(), &sub));
        let Some(help) = help else {
            wrong.push(format!("{name}:{line}: `loa {}`: no command `{sub}`", words.join(" ")));
            continue;
        };
        for w in words.iter().filter(|w| w.starts_with('-') && w.len() > 1) {
            let flag = w.split('=').next().unwrap_or(w);
            let known = if flag.starts_with("--") {
                help.split(|c: char| c.is_whitespace() || c == ',').any(|t| t == flag)
            } else {
                help.contains(&format!("{flag}, "))
            };
            checked.insert(format!("{sub} {flag}"));
            if !known {
                wrong.push(format!(
                    "{name}:{line}: `loa {}`: `loa {sub}` has no flag `{flag}`",
                    words.join(" ")
                ));
            }
        }
    }
    assert!(checked.len() > 8, "only {} flags checked: {checked:?}", checked.len());
    assert!(wrong.is_empty(), "commands in {GUIDE}/ that loa does not accept: {wrong:#?}");
}

// ---------------------------------------------------------------------------------------------
// 4. Examples.

/// An example file of the guide (see the module's comment).
#[derive(Debug)]
struct Example {
    /// The guide file's line of its opening fence.
    line: usize,
    /// Where it goes in a site.
    path: String,
    /// Other files the example needs, created with placeholder bytes.
    with: Vec<String>,
    /// The code it must produce; `None` for an example that builds cleanly.
    expect: Option<String>,
    /// Its text.
    body: String,
}

/// The examples of one guide file, in order.
fn examples(text: &str) -> Vec<Example> {
    let (fences, _) = split_fences(text);
    let mut out = Vec::new();
    for f in fences {
        let (Some(lang), Some(path)) = (f.info.first(), f.info.get(1)) else { continue };
        let is_example = (lang == "md" && path.starts_with("content/") && path.ends_with(".md"))
            || (lang == "yaml" && path == "loa.yaml");
        if !is_example {
            continue;
        }
        assert!(!path.contains(".."), "line {}: example path {path}", f.line);
        let mut e =
            Example { line: f.line, path: path.clone(), with: Vec::new(), expect: None, body: f.body };
        for word in &f.info[2..] {
            if let Some(list) = word.strip_prefix("with=") {
                e.with.extend(
                    list.split(',').filter(|p| !p.is_empty() && !p.contains("..")).map(str::to_string),
                );
            } else if let Some(code) = word.strip_prefix("expect=") {
                e.expect = Some(code.to_string());
            } else {
                panic!("line {}: unknown word `{word}` in the info string of an example", f.line);
            }
        }
        out.push(e);
    }
    out
}

/// A new site made by `loa new site`, in a temp folder: (the temp folder, the site).
fn new_site() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = run(tmp.path(), &["new", "site", "trang"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let site = tmp.path().join("trang");
    (tmp, site)
}

/// A small real image for a `with=` file named like one (loa publishes only images it can
/// read).
fn placeholder_image(path: &str) -> Option<Vec<u8>> {
    let format = image::ImageFormat::from_path(path).ok()?;
    let mut out = std::io::Cursor::new(Vec::new());
    image::RgbImage::from_pixel(64, 48, image::Rgb([200, 120, 40])).write_to(&mut out, format).ok()?;
    Some(out.into_inner())
}

/// Writes examples into a site.
fn put(site: &Path, examples: &[&Example]) {
    for e in examples {
        write(site, &e.path, &e.body);
        for w in &e.with {
            match placeholder_image(w) {
                Some(bytes) => {
                    let path = site.join(w);
                    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
                    std::fs::write(path, bytes).expect("write");
                }
                None => write(site, w, "loa guide example placeholder\n"),
            }
        }
    }
}

#[test]
fn the_guide_examples_build_and_the_mistakes_it_shows_give_their_code() {
    let guide = guide();
    let emitted = emitted_codes();
    let mut total = 0;
    let mut mistakes = 0;
    for (name, text) in &guide {
        let all = examples(text);
        total += all.len();
        let good: Vec<&Example> = all.iter().filter(|e| e.expect.is_none()).collect();
        if !good.is_empty() {
            let (_tmp, site) = new_site();
            put(&site, &good);
            let out = run(&site, &["build", "--drafts"]);
            let stderr = String::from_utf8_lossy(&out.stderr);
            let lines: Vec<usize> = good.iter().map(|e| e.line).collect();
            assert!(
                out.status.success() && !stderr.contains("lỗi:") && !stderr.contains("cảnh báo:"),
                "{name}: the examples at lines {lines:?} do not build cleanly ({:?}):\n{stderr}",
                out.status.code()
            );
        }
        let mut by_code: BTreeMap<&str, Vec<&Example>> = BTreeMap::new();
        for e in &all {
            if let Some(code) = &e.expect {
                by_code.entry(code.as_str()).or_default().push(e);
            }
        }
        for (code, group) in by_code {
            mistakes += 1;
            assert!(
                emitted.contains_key(code),
                "{name}:{}: expect={code} is not a code of src/",
                group[0].line
            );
            let (_tmp, site) = new_site();
            put(&site, &good);
            put(&site, &group);
            let out = run(&site, &["check", "--strict", "--drafts", "--format", "json"]);
            let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
                panic!(
                    "{name}:{}: loa check --format json: {e}\n{}",
                    group[0].line,
                    String::from_utf8_lossy(&out.stderr)
                )
            });
            let codes: Vec<&str> = json["diagnostics"]
                .as_array()
                .expect("diagnostics")
                .iter()
                .filter_map(|d| d["code"].as_str())
                .collect();
            assert!(
                codes.contains(&code),
                "{name}:{}: the example should give `{code}`, loa check gave {codes:?}",
                group[0].line
            );
        }
    }
    assert!(total > 15, "the guide has only {total} examples: is the scan broken?");
    assert!(mistakes > 10, "the guide shows only {mistakes} mistakes with expect=");
}
