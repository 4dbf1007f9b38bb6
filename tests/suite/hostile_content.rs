//! The hostile-input catalogue of issue 21, content and terminal part: what a hostile author
//! can put in `content/`, `static/` or front matter. One test per case, named after what it
//! checks; each failed on the main of 2026-12-06. (The output folder and `loa serve` cases
//! are in `hostile_output.rs` and `hostile_serve.rs`.)

use crate::catalogue::{PAGE, builds, run, site_with};

/// Case 1: `{… onfocus=…}` on a heading ran a script in every reader's browser, with
/// `markdown.unsafe_html` off and `check --strict` silent. Only `#id` and `.class` (letters,
/// digits, `-`, `_`) survive; every other attribute is dropped with a warning at its column.
#[test]
fn heading_attributes_other_than_id_and_class_are_dropped_with_a_warning_at_their_column() {
    let site = site_with(
        "---\ntitle: X\ndate: 2022-09-15\n---\n## A {#a autofocus=1 tabindex=0 onfocus=alert(document.domain)}\n\nB {.ok onmouseover=alert(1) .x\"y}\n---\n\n### C {#c onclick=alert(2)}\n",
    );
    let r = builds(site.path());
    let html = std::fs::read_to_string(site.path().join("public/bai-viet/x/index.html")).expect("page");
    for bad in ["onfocus", "onmouseover", "onclick", "autofocus", "tabindex", "alert"] {
        assert!(!html.contains(bad), "{bad} reached the page:\n{html}");
    }
    assert!(html.contains("<h2 id=\"a\">A</h2>"), "{html}");
    assert!(html.contains("<h2 id=\"b\" class=\"ok\">B</h2>"), "{html}");
    assert!(html.contains("<h3 id=\"c\">C</h3>"), "{html}");
    for (attr, at) in
        [("onfocus", "5:33"), ("autofocus", "5:10"), ("onmouseover", "7:8"), ("onclick", "10:11")]
    {
        let line = format!("{PAGE}:{at}: ");
        assert!(
            r.stderr.lines().any(|l| l.starts_with(&line) && l.contains(&format!("`{attr}`"))),
            "no warning for {attr} at {line}:\n{}",
            r.stderr
        );
    }
    assert!(r.stderr.contains("`.x\"y`"), "{}", r.stderr);
    // The gate sees it too.
    let strict = run(site.path(), &["check", "--strict"]);
    assert_eq!(strict.code, Some(1), "check --strict passed a heading with onfocus:\n{}", strict.stderr);
    assert!(strict.stderr.contains("onfocus"), "{}", strict.stderr);
}
