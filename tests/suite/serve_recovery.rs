//! `loa serve` recovering from broken builds (RELIABILITY C-SERVE, A1, D1, E7): a front
//! matter, template or loa.yaml error keeps the last good site with an overlay naming the file
//! and line, until the fix removes it; a site that never built serves its errors.

use std::path::Path;

use crate::harness::{minimal_site, write};
use crate::serve::{EVENTS, MOT, Served, generation, strip_injected};

fn break_and_fix(site: &Path, srv: &Served, file: &str, broken: &str, fixed: &str, want_location: &str) {
    let original_page = srv.page("/bai-viet/mot/");
    assert!(!original_page.contains("loa-overlay"));
    let g = generation(&srv.status());
    write(site, file, broken);
    let s = srv.after(g);
    assert_eq!(s["ok"], false, "{s:#}");
    let errors = s["errors"].as_array().expect("errors");
    assert!(!errors.is_empty(), "{s:#}");
    let e = &errors[0];
    let loc = format!("{}:{}", e["file"].as_str().unwrap_or(""), e["line"]);
    assert!(loc.starts_with(want_location), "error at {loc}, want {want_location}: {s:#}");
    assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()));
    // The last good page is still served, with the overlay naming the file and line.
    let page = srv.page("/bai-viet/mot/");
    assert!(page.contains("id=\"loa-overlay\""), "no overlay: {page}");
    assert!(page.contains(want_location), "overlay lacks {want_location}: {page}");
    assert!(page.contains("gợi ý") || e["hint"].is_null(), "overlay lacks the hint");
    assert_eq!(
        strip_injected(page.as_bytes()),
        strip_injected(original_page.as_bytes()),
        "last good page changed"
    );
    // Other pages carry the overlay too.
    assert!(srv.page("/").contains("id=\"loa-overlay\""));

    let g = generation(&s);
    write(site, file, fixed);
    let s = srv.after(g);
    assert_eq!(s["ok"], true, "{s:#}");
    assert_eq!(s["errors"].as_array().map(Vec::len), Some(0));
    assert!(!srv.page("/bai-viet/mot/").contains("loa-overlay"), "overlay left after the fix");
}

#[test]
fn front_matter_error_shows_the_overlay_until_fixed() {
    let site = minimal_site();
    let srv = Served::start(site.path(), &[]);
    srv.ready();
    break_and_fix(
        site.path(),
        &srv,
        MOT,
        "---\ntitle: Một\ndate: [2022\n---\nNội dung.\n",
        "---\ntitle: Một\ndate: 2022-09-15\n---\nĐã sửa xong.\n",
        "content/bai-viet/mot.md:3",
    );
    assert!(srv.page("/bai-viet/mot/").contains("Đã sửa xong."));
}

#[test]
fn template_error_shows_the_overlay_until_fixed() {
    let site = minimal_site();
    let srv = Served::start(site.path(), &[]);
    srv.ready();
    let good = std::fs::read_to_string(site.path().join("templates/page.html")).expect("read");
    break_and_fix(
        site.path(),
        &srv,
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block t %}{{ page.title {% endblock %}",
        &good,
        "templates/page.html:2",
    );
}

#[test]
fn config_error_shows_the_overlay_until_fixed() {
    let site = minimal_site();
    let srv = Served::start(site.path(), &[]);
    srv.ready();
    let good = std::fs::read_to_string(site.path().join("loa.yaml")).expect("read");
    break_and_fix(site.path(), &srv, "loa.yaml", &format!("{good}them: loa\n"), &good, "loa.yaml:3");
}

#[test]
fn a_site_that_never_built_serves_its_errors_then_recovers() {
    let site = minimal_site();
    write(site.path(), MOT, "---\ntitle: Một\ndate: hôm qua\n---\nx\n");
    let srv = Served::start(site.path(), &[]);
    let s = srv.ready();
    assert_eq!(s["ok"], false);
    assert_eq!(s["has_site"], false);
    for path in ["/", "/bai-viet/mot/", "/khong-co/"] {
        let r = srv.get(path);
        assert_eq!(r.status, 500, "{path}");
        let text = r.text();
        assert!(text.contains("id=\"loa-error-page\""), "{text}");
        assert!(text.contains("content/bai-viet/mot.md:3"), "{text}");
        assert!(text.contains(EVENTS), "no reload script: {text}");
    }
    write(site.path(), MOT, "---\ntitle: Một\ndate: 2022-09-15\n---\nx\n");
    srv.after(generation(&s));
    assert!(srv.page("/bai-viet/mot/").contains("<title>Một</title>"));
}

#[test]
fn status_reports_errors_with_positions_as_json() {
    let site = minimal_site();
    let srv = Served::start(site.path(), &[]);
    let g = generation(&srv.ready());
    write(site.path(), MOT, "---\ntitle: Một\ndate: 2022-09-15\ntitel: x\n---\nx\n");
    let s = srv.after(g);
    let e = &s["errors"][0];
    assert_eq!(e["file"], "content/bai-viet/mot.md");
    assert_eq!(e["line"], 4);
    assert!(e["column"].as_u64().is_some());
    assert!(e["hint"].as_str().is_some_and(|h| h.contains("title")), "{s:#}");
    assert!(s["built_at"].as_str().is_some_and(|t| t.ends_with('Z')));
}
