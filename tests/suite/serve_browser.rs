//! `loa serve` in headless Chromium: edit a page's Markdown and see the new text without a
//! manual reload; break the front matter and see the overlay with the file and line; fix it
//! and see the overlay go. Driven by `tests/browser/live_reload.mjs` (playwright-core on the
//! system Chromium, installed by `.ci/run`). Skipped with a note when Chromium, node or the
//! npm packages are missing on a developer machine; a failure when `CI=true`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::minimal_site;
use crate::serve::Served;

/// Longest the browser script may run.
const BROWSER_TIMEOUT: Duration = Duration::from_secs(180);

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

fn on_path(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?.to_str()?.split(':').map(|d| Path::new(d).join(program)).find(|p| p.is_file())
}

/// What is missing to run the browser test, if anything.
fn missing() -> Option<String> {
    let chromium =
        std::env::var_os("LOA_CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    if !chromium.is_file() {
        return Some(format!("{} not found (apt-get install chromium)", chromium.display()));
    }
    if on_path("node").is_none() {
        return Some("node not found".into());
    }
    if !browser_dir().join("node_modules/playwright-core/package.json").is_file() {
        return Some("tests/browser/node_modules missing (run `npm ci` in tests/browser)".into());
    }
    None
}

#[test]
fn browser_follows_edits_and_shows_then_clears_the_error_overlay() {
    if let Some(what) = missing() {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "browser test cannot run on CI: {what}");
        eprintln!("skipped browser test: {what}");
        return;
    }
    let _browser = crate::harness::browser_lock();
    let site = minimal_site();
    let srv = Served::start(site.path(), &[]);
    srv.ready();
    let url = format!("http://127.0.0.1:{}/bai-viet/mot/", srv.port);
    let file = site.path().join("content/bai-viet/mot.md");
    let mut child = Command::new("node")
        .arg(browser_dir().join("live_reload.mjs"))
        .arg(&url)
        .arg(&file)
        .current_dir(browser_dir())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn node");
    let start = Instant::now();
    let status = loop {
        if let Ok(Some(status)) = child.try_wait() {
            break status;
        }
        if start.elapsed() > BROWSER_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("browser test timed out; server stderr:\n{}", srv.stderr());
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let out = child.wait_with_output().expect("output");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        status.success(),
        "browser test failed\nstdout:\n{stdout}\nstderr:\n{stderr}\nserver stderr:\n{}",
        srv.stderr()
    );
    for step in [
        "the edit appeared by itself",
        "the overlay shows content/bai-viet/mot.md:3",
        "the overlay went away",
    ] {
        assert!(stdout.contains(step), "missing step {step}:\n{stdout}");
    }
}
