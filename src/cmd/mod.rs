//! Subcommands: each turns its flags into library calls and prints the results.

/// `println!` for the terminal: the text goes through `loa::diagnostics::for_terminal`, so a
/// control character in a file name, a front-matter key or any other text from the site is
/// printed as `\u{1b}`, never sent raw; a closed stdout (`loa serve | head`) is not an error.
/// A system error the library wrote into the text in English (`… (os error 2)`) is said in
/// Vietnamese (`oserror::in_text`), wherever it came from: a diagnostic, a lock, the server.
/// Every line the binary prints for people goes through this or `tell!`.
macro_rules! say {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let text = format!($($t)*);
        let text = $crate::cmd::oserror::in_text(&text);
        let _ = writeln!(std::io::stdout(), "{}", loa::diagnostics::for_terminal(&text));
    }};
}

/// `eprintln!` for the terminal, as `say!` does for stdout.
macro_rules! tell {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let text = format!($($t)*);
        let text = $crate::cmd::oserror::in_text(&text);
        let _ = writeln!(std::io::stderr(), "{}", loa::diagnostics::for_terminal(&text));
    }};
}

pub mod approve;
pub mod build;
pub mod check;
pub mod new;
pub mod oserror;
pub mod serve;
pub mod usage;

use std::path::{Path, PathBuf};

use loa::config::{Config, Overrides};
use loa::diagnostics::Diagnostics;

/// Exit code for errors in the site.
pub const EXIT_SITE: u8 = 1;
/// Exit code for usage or environment errors.
pub const EXIT_USAGE: u8 = 2;

/// The site root: `--root` or the current folder, made absolute.
pub fn site_root(root: Option<&Path>) -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    match root {
        Some(r) if r.is_absolute() => r.to_path_buf(),
        Some(r) => cwd.join(r),
        None => cwd,
    }
}

/// Loads the config, printing its diagnostics on failure.
///
/// Exit codes: a folder without loa.yaml is not a site (1, as `serve` does); a loa.yaml that is
/// malformed, has an unknown key or names a missing theme is a configuration error (2:
/// RELIABILITY D4 and E7), so CI can tell "fix the setup" from "fix an article".
pub fn load_config(root: &Path, overrides: &Overrides) -> Result<Config, u8> {
    Config::load(root, overrides).map_err(|d| {
        print_diagnostics(&d);
        config_exit_code(root)
    })
}

/// The exit code of a failed `Config::load` (see `load_config`).
pub fn config_exit_code(root: &Path) -> u8 {
    if root.join(loa::config::CONFIG_FILE).is_file() { EXIT_USAGE } else { EXIT_SITE }
}

/// Parses `--at` (a date or date-time; UTC+7 when no offset).
pub fn parse_at(s: &str) -> Result<loa::vi::dates::DateTime, String> {
    loa::vi::dates::parse(s).map_err(|e| format!("{}\n  gợi ý: {}", e.message, e.hint))
}

/// Parses `--port`: a whole number from 0 to 65535 (clap's own parser says why in English).
pub fn parse_port(s: &str) -> Result<u16, String> {
    s.parse().map_err(|_| "cần một số nguyên từ 0 đến 65535".to_string())
}

/// Parses a number of seconds (`--external-timeout`).
pub fn parse_seconds(s: &str) -> Result<u64, String> {
    s.parse().map_err(|_| "cần một số giây nguyên, ví dụ 5".to_string())
}

/// The line that tells a CI schedule when to rebuild.
pub fn next_change_line(next: Option<loa::vi::dates::DateTime>) -> Option<String> {
    next.map(|t| format!("lần thay đổi tiếp theo: {} ({})", t.to_rfc3339(), t.fmt_header()))
}

/// Prints diagnostics to stderr, followed by a count.
pub fn print_diagnostics(d: &Diagnostics) {
    for diag in d.iter() {
        tell!("{diag}");
    }
    let (e, w) = (d.error_count(), d.warning_count());
    if e > 0 {
        tell!("{e} lỗi, {w} cảnh báo.");
    }
}
