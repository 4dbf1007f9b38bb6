//! The layout of `src/` keeps its rules (docs/ARCHITECTURE.md, "Rules the layout keeps"):
//! no two files import each other, directly or through others; the model and the text rules
//! import no stage; only the recipe and `loa serve` know about reuse between builds; output
//! goes through the sink at the bottom of the tree; no file is over 600 lines without a
//! reason written at its top.
//!
//! The import graph is read from the sources: every `crate::…`, `super::…` and child-module
//! path outside comments, strings and `#[cfg(test)]` modules, resolved to the file of the
//! longest module it names.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module of the crate: `["render", "page"]` for `src/render/page.rs`.
type Module = Vec<String>;

/// Every module file under `src/` (but `main.rs`, `lib.rs` and the binary's `cmd/`).
fn modules() -> BTreeMap<Module, PathBuf> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.expect("walk src");
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = path.strip_prefix(&src).expect("under src").with_extension("");
        let mut parts: Module = rel.iter().map(|c| c.to_string_lossy().into_owned()).collect();
        if parts.last().is_some_and(|p| p == "mod") {
            parts.pop();
        }
        if parts == ["lib"] || parts == ["main"] || parts.first().is_some_and(|p| p == "cmd") {
            continue;
        }
        out.insert(parts, path.to_path_buf());
    }
    out
}

/// The code of a file without comments, string and char literals, and test modules.
fn code(text: &str) -> String {
    // From the first `#[cfg(test)]` that opens a module (the tests) to the end.
    let tests = text.match_indices("\n#[cfg(test)]\n").map(|(i, _)| i).find(|&i| {
        text[i..].lines().nth(2).is_some_and(|l| l.trim_start().starts_with("mod ") || l.contains(" mod "))
    });
    let text = tests.map_or(text, |i| &text[..i]);
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
            }
            b'r' if b.get(i + 1) == Some(&b'#')
                || (b.get(i + 1) == Some(&b'"') && (i == 0 || !b[i - 1].is_ascii_alphanumeric())) =>
            {
                // A raw string: r"…" or r#"…"#.
                let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
                let close: Vec<u8> = std::iter::once(b'"').chain(std::iter::repeat_n(b'#', hashes)).collect();
                i += 2 + hashes;
                while i < b.len() && !b[i..].starts_with(&close) {
                    i += 1;
                }
                i += close.len();
                out.push_str("\"\"");
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                out.push_str("\"\"");
            }
            b'\'' if b.get(i + 2) == Some(&b'\'') || (b.get(i + 1) == Some(&b'\\')) => {
                // A char literal ('x', '\n', '\u{1b}'); lifetimes ('a) have no closing quote.
                i += 1;
                while i < b.len() && b[i] != b'\'' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            c => {
                out.push(char::from(c));
                i += 1;
            }
        }
    }
    // Multi-byte characters were pushed byte by byte; only ASCII paths matter here.
    out.chars().filter(char::is_ascii).collect()
}

/// The paths a file names: `crate::a::b`, `super::x`, `self::x`, `child::y`, with `use` groups
/// (`a::{b, c::d}`) expanded, each as absolute module segments.
fn paths(module: &Module, children: &BTreeSet<String>, code: &str) -> Vec<Module> {
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut i = 0;
    while i < bytes.len() {
        if !ident(bytes[i]) || (i > 0 && (ident(bytes[i - 1]) || bytes[i - 1] == b':')) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && ident(bytes[i]) {
            i += 1;
        }
        let first = &code[start..i];
        if !code[i..].starts_with("::") {
            continue;
        }
        let base: Module = match first {
            "crate" => Vec::new(),
            "super" => module[..module.len().saturating_sub(1)].to_vec(),
            "self" => module.clone(),
            child if children.contains(child) => {
                let mut m = module.clone();
                m.push(child.to_string());
                m
            }
            _ => continue,
        };
        // The rest of the path, with one level of braces expanded.
        let rest_start = i + 2;
        let mut j = rest_start;
        while j < bytes.len() && (ident(bytes[j]) || bytes[j] == b':') {
            j += 1;
        }
        let rest: Vec<&str> = code[rest_start..j].split("::").filter(|s| !s.is_empty()).collect();
        let mut prefix = base.clone();
        prefix.extend(rest.iter().map(|s| s.to_string()));
        if bytes.get(j) == Some(&b'{') {
            let end = code[j..].find('}').map_or(code.len(), |k| j + k);
            for item in code[j + 1..end].split(',') {
                let item = item.split(" as ").next().unwrap_or("").trim();
                let mut m = prefix.clone();
                if item != "self" {
                    m.extend(
                        item.split("::")
                            .map(str::trim)
                            .filter(|s| !s.is_empty() && *s != "{")
                            .map(String::from),
                    );
                }
                out.push(m);
            }
            i = end;
        } else {
            out.push(prefix);
            i = j;
        }
    }
    out
}

/// File → files it imports.
fn graph() -> BTreeMap<Module, BTreeSet<Module>> {
    let modules = modules();
    let mut graph = BTreeMap::new();
    for (module, path) in &modules {
        let text = std::fs::read_to_string(path).expect("read source");
        // Child modules (`pub mod page;` in `render/mod.rs`, `mod quick;` in `parse/mod.rs`) are named without a prefix.
        let children: BTreeSet<String> = modules
            .keys()
            .filter(|m| m.len() == module.len() + 1 && m.starts_with(module))
            .map(|m| m[m.len() - 1].clone())
            .collect();
        let mut targets = BTreeSet::new();
        for p in paths(module, &children, &code(&text)) {
            let hit = (1..=p.len()).rev().map(|n| p[..n].to_vec()).find(|m| modules.contains_key(m));
            if let Some(t) = hit.filter(|t| t != module) {
                targets.insert(t);
            }
        }
        graph.insert(module.clone(), targets);
    }
    graph
}

fn show(m: &Module) -> String {
    m.join("/")
}

/// Every group of files that import each other (directly or through others), each as a path
/// through the group: strongly connected components of more than one file (Tarjan).
fn cycles(graph: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<Module>> {
    struct Walk<'g> {
        graph: &'g BTreeMap<Module, BTreeSet<Module>>,
        index: BTreeMap<&'g Module, usize>,
        low: BTreeMap<&'g Module, usize>,
        stack: Vec<&'g Module>,
        found: Vec<Vec<Module>>,
    }
    impl<'g> Walk<'g> {
        fn visit(&mut self, m: &'g Module) {
            let i = self.index.len();
            self.index.insert(m, i);
            self.low.insert(m, i);
            self.stack.push(m);
            for t in self.graph.get(m).into_iter().flatten() {
                let Some((t, _)) = self.graph.get_key_value(t) else { continue };
                if !self.index.contains_key(t) {
                    self.visit(t);
                    let low = self.low[t].min(self.low[m]);
                    self.low.insert(m, low);
                } else if self.stack.contains(&t) {
                    let low = self.index[t].min(self.low[m]);
                    self.low.insert(m, low);
                }
            }
            if self.low[m] == self.index[m] {
                let at = self.stack.iter().position(|s| *s == m).unwrap_or(0);
                let group: Vec<Module> = self.stack.drain(at..).cloned().collect();
                if group.len() > 1 {
                    self.found.push(group);
                }
            }
        }
    }
    let mut w =
        Walk { graph, index: BTreeMap::new(), low: BTreeMap::new(), stack: Vec::new(), found: Vec::new() };
    for m in graph.keys() {
        if !w.index.contains_key(m) {
            w.visit(m);
        }
    }
    w.found
}

#[test]
fn no_file_imports_itself_through_others() {
    let graph = graph();
    assert!(graph.len() > 40, "the graph was not read: {} files", graph.len());
    assert!(
        graph[&vec!["render".to_string(), "page".to_string()]]
            .contains(&vec!["render".to_string(), "env".to_string()]),
        "the reader of imports misses `super::env::Env`"
    );
    let found = cycles(&graph);
    let shown: Vec<String> =
        found.iter().map(|c| c.iter().map(show).collect::<Vec<_>>().join(", ")).collect();
    assert!(found.is_empty(), "files that import each other:\n{}", shown.join("\n"));
}

#[test]
fn the_cycle_finder_finds_a_cycle() {
    let m = |s: &str| s.split('/').map(String::from).collect::<Module>();
    let mut g = BTreeMap::new();
    g.insert(m("a"), BTreeSet::from([m("b")]));
    g.insert(m("b"), BTreeSet::from([m("c/d")]));
    g.insert(m("c/d"), BTreeSet::from([m("a")]));
    g.insert(m("e"), BTreeSet::from([m("a")]));
    assert_eq!(cycles(&g), vec![vec![m("a"), m("b"), m("c/d")]]);
    g.insert(m("c/d"), BTreeSet::new());
    assert!(cycles(&g).is_empty());
}

/// Files allowed to import a module, by the module's first segment.
const ONLY_FROM: &[(&str, &[&str])] = &[
    // Reuse between builds is a layer around the stages: the recipe wraps them, `loa serve`
    // owns the memo.
    ("memo", &["build", "serve"]),
    // The recipe is called by the commands and `loa serve`, never by a stage.
    ("build", &["serve"]),
    ("serve", &[]),
];

#[test]
fn only_the_recipe_and_serve_know_about_reuse() {
    for (module, targets) in graph() {
        for t in targets {
            let Some((_, allowed)) = ONLY_FROM.iter().find(|(m, _)| *m == t[0]) else { continue };
            assert!(
                module[0] == t[0] || allowed.contains(&module[0].as_str()),
                "{} imports {}: only {:?} may",
                show(&module),
                show(&t),
                allowed
            );
        }
    }
}

/// Modules at the bottom of the tree: they import nothing of the pipeline.
const BOTTOM: &[&str] = &[
    "content",
    "vi",
    "diagnostics",
    "output",
    "fingerprint",
    "names",
    "url",
    "scan",
    "dispose",
    "sys",
    "theme",
    "testing",
];

#[test]
fn the_model_and_the_text_rules_import_no_stage() {
    for (module, targets) in graph() {
        if !BOTTOM.contains(&module[0].as_str()) {
            continue;
        }
        for t in targets {
            assert!(
                BOTTOM.contains(&t[0].as_str()),
                "{} (bottom of the tree) imports {}",
                show(&module),
                show(&t)
            );
        }
    }
}

#[test]
fn no_file_is_over_600_lines_without_a_reason_at_its_top() {
    for path in modules().values() {
        let text = std::fs::read_to_string(path).expect("read");
        let lines = text.lines().count();
        let head: String = text.lines().take_while(|l| l.starts_with("//!")).collect::<Vec<_>>().join("\n");
        assert!(
            lines <= 600 || head.contains("Longer than 600 lines:"),
            "{} has {lines} lines; split it by responsibility, or say why not at its top (`//! Longer than 600 lines: …`)",
            path.display()
        );
    }
}
