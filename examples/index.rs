//! Times the search index alone: builds SITE in memory with the index left out, then builds the
//! index of its search documents RUNS times and prints each time, the fastest, the number of
//! files and their total size (the same bytes every run: the index is deterministic).
//!
//! `cargo run --release --example index -- SITE [RUNS]`

use loa::build::{BuildOptions, build};
use loa::config::{Config, Overrides};

/// The allocator of the `loa` binary, so that the figures are those of `loa build`.
#[global_allocator]
static ALLOCATOR: loa::allocator::Mimalloc = loa::allocator::Mimalloc;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(root) = args.get(1) else {
        eprintln!("usage: index SITE [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(5);
    let config = Config::load(std::path::Path::new(root), &Overrides::default()).unwrap_or_else(|e| fail(&e));
    let opts = BuildOptions { defer_search: true, ..BuildOptions::default() };
    let built = build(&config, opts, &loa::output::MemorySink::default(), &loa::memo::Memo::off())
        .unwrap_or_else(|e| fail(&e));
    let Some(docs) = built.search else {
        eprintln!("index: the build gave no search documents");
        std::process::exit(1);
    };
    drop(built.output);
    let (mut best, mut best_cpu) = (f64::INFINITY, f64::INFINITY);
    for k in 0..runs {
        let (t, cpu) = (std::time::Instant::now(), cpu_ms());
        let files = loa::search::build_index(&docs);
        let (ms, cpu) = (t.elapsed().as_secs_f64() * 1000.0, cpu_ms() - cpu);
        best = best.min(ms);
        best_cpu = best_cpu.min(cpu);
        let bytes: usize = files.values().map(Vec::len).sum();
        let meta = files.get("tim-kiem/index/meta.json").map(|m| String::from_utf8_lossy(m).into_owned());
        let version = meta.as_deref().and_then(|m| m.split("\"v\":\"").nth(1)).and_then(|v| v.get(..8));
        println!(
            "run {k}: {ms:.0} ms, CPU {cpu:.0} ms, {} files, {bytes} bytes, v {}",
            files.len(),
            version.unwrap_or("?")
        );
    }
    println!("fastest of {runs}: {best:.0} ms, least CPU {best_cpu:.0} ms, {} documents", docs.len());
}

/// CPU time of this process so far (user and system, all threads), from `/proc/self/stat`
/// (Linux; 0 elsewhere), in ms at the clock-tick resolution (10 ms).
fn cpu_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses): utime and stime are 14 and 15.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<f64> = rest.split_whitespace().map(|f| f.parse().unwrap_or(0.0)).collect();
    fields.get(11..13).map_or(0.0, |t| (t[0] + t[1]) * 10.0)
}

/// Prints the diagnostics of a failed build (as `loa build` would) and exits.
fn fail(diags: &loa::diagnostics::Diagnostics) -> ! {
    for d in diags.iter() {
        eprintln!("{d}");
    }
    std::process::exit(1);
}
