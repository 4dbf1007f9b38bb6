//! Times `loa serve`'s rebuild stage by stage: builds SITE once, then appends a sentence to FILE
//! (a path under SITE) and rebuilds with the memo on (reusing the last build), EDITS times.
//!
//! `cargo run --release --example rebuild -- SITE content/articles/x.md [EDITS]`

use std::io::Write;

use loa::build::{BuildOptions, Built, build};
use loa::config::{Config, Overrides};
use loa::memo::{KnownChanges, Memo};

/// The allocator of the `loa` binary, so that the figures are those of `loa serve`.
#[global_allocator]
static ALLOCATOR: loa::allocator::Mimalloc = loa::allocator::Mimalloc;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(root), Some(file)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: rebuild SITE FILE [EDITS]");
        std::process::exit(2);
    };
    let edits: usize = args.get(3).and_then(|n| n.parse().ok()).unwrap_or(5);
    let root = std::path::Path::new(root);
    let config = Config::load(root, &Overrides::default()).unwrap_or_else(|e| fail(&e));
    // As `loa serve` rebuilds once a site is served: the search index is left for later.
    let opts = BuildOptions { defer_search: true, ..BuildOptions::default() };
    let memo = Memo::on();
    let rebuild = |memo: &Memo| -> Built {
        let sink = loa::output::MemorySink::default();
        build(&config, opts, &sink, memo).unwrap_or_else(|e| fail(&e))
    };
    let t = std::time::Instant::now();
    rebuild(&memo);
    println!("first build: {:.0} ms", t.elapsed().as_secs_f64() * 1000.0);
    for k in 0..edits {
        let appended = std::fs::OpenOptions::new()
            .append(true)
            .open(root.join(file))
            .and_then(|mut f| writeln!(f, "\nCâu thêm số {k} để đo thời gian dựng lại."));
        if let Err(e) = appended {
            eprintln!("rebuild: cannot append to {file}: {e}");
            std::process::exit(2);
        }
        // As `loa serve`'s watcher does: the load is told which file changed.
        let modified = vec![root.canonicalize().unwrap_or_else(|_| root.to_path_buf()).join(file)];
        memo.expect_changes(KnownChanges { modified, added_or_removed: false });
        let t = std::time::Instant::now();
        let built = rebuild(&memo);
        let total = t.elapsed().as_secs_f64() * 1000.0;
        let stages: Vec<String> =
            built.timings.iter().map(|(s, d)| format!("{s} {:.0}", d.as_secs_f64() * 1000.0)).collect();
        println!(
            "rebuild {k}: {total:.0} ms ({}); outputs reused {} of {}",
            stages.join(", "),
            memo.stores().map_or(0, |s| s.outputs.reused()),
            memo.stores().map_or(0, |s| s.outputs.len())
        );
    }
}

/// Prints the diagnostics of a failed build (as `loa build` would) and exits.
fn fail(diags: &loa::diagnostics::Diagnostics) -> ! {
    for d in diags.iter() {
        eprintln!("{d}");
    }
    std::process::exit(1);
}
