//! The hostile-input catalogue of issue 21, content and terminal part: what a hostile author
//! can put in `content/`, `static/` or front matter. One test per case, named after what it
//! checks; each failed on the main of 2026-12-06. (The output folder and `loa serve` cases
//! are in `hostile_output.rs` and `hostile_serve.rs`.)

use crate::catalogue::{PAGE, builds, run, site_with};
use crate::harness::write;

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

/// Case 7: a front-matter key such as `"\e]0;PWNED\a\e[2J\e[31mRED": 1` or a file name holding
/// ESC sent raw control bytes to the terminal from `build`, `check` and `serve` (retitling the
/// window, clearing the screen). Every human-readable line now shows them as `\u{1b}`.
#[test]
fn control_characters_from_keys_and_file_names_never_reach_the_terminal_raw() {
    let site =
        site_with("---\ntitle: X\ndate: 2022-09-15\n\"\\e]0;PWNED\\a\\e[2J\\e[31mRED\": 1\n---\nNội dung.\n");
    write(site.path(), "content/bai-viet/\u{1b}[31mdo\u{7}.md", "---\ntitle: Đỏ\ndate: hôm qua\n---\nx\n");
    let raw = |s: &str| s.chars().any(|c| c.is_control() && c != '\n' && c != '\t');
    let build = run(site.path(), &["build"]);
    assert_eq!(build.code, Some(1), "{}", build.stderr);
    let check = run(site.path(), &["check"]);
    assert_eq!(check.code, Some(1), "{}", check.stderr);
    let served = crate::serve::Served::start(site.path(), &[]);
    served.wait_until("the failed first build", |s| s["errors"].as_array().is_some_and(|e| e.len() >= 2));
    // The terminal lines are printed before the status changes; give the pipe a moment.
    std::thread::sleep(std::time::Duration::from_millis(200));
    for (what, text) in [
        ("build", build.stderr + &build.stdout),
        ("check", check.stderr + &check.stdout),
        ("serve", served.stderr() + &served.stdout()),
    ] {
        assert!(!raw(&text), "{what} printed a raw control character:\n{text:?}");
        assert!(text.contains("\\u{1b}]0;PWNED\\u{7}\\u{1b}[2J"), "{what} lost the key:\n{text}");
        assert!(
            text.contains("content/bai-viet/\\u{1b}[31mdo\\u{7}.md"),
            "{what} lost the file name:\n{text}"
        );
    }
}
