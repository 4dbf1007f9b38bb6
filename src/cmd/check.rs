//! `loa check`: the build without writing.

use std::path::PathBuf;

use clap::Args;
use loa::build::{BuildOptions, build};
use loa::config::Overrides;

use super::{EXIT_SITE, print_diagnostics, site_root};

/// Flags of `loa check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Site folder (holding loa.yaml); default: the current folder.
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// Also check pages marked `draft: true`.
    #[arg(long)]
    drafts: bool,
    /// Check the site as it will be at this moment (UTC+7 when no offset).
    #[arg(long, value_name = "DATE", value_parser = super::parse_at)]
    at: Option<loa::vi::dates::DateTime>,
    /// Output format: `human` (default) or `json` (one object: diagnostics, counts, next change).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

/// How `check` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// `path:line:col: lỗi: …` lines on stderr.
    Human,
    /// One JSON object on stdout.
    Json,
}

impl CheckArgs {
    /// Runs the pipeline, prints every diagnostic; returns the exit code.
    pub fn run(&self) -> u8 {
        let root = site_root(self.root.as_deref());
        let result = match loa::config::Config::load(&root, &Overrides::default()) {
            Ok(config) => build(&config, BuildOptions { drafts: self.drafts, at: self.at }),
            Err(diags) => Err(diags),
        };
        if self.format == Format::Json {
            let (diags, next, ok) = match &result {
                Ok(b) => (&b.warnings, b.next_change, true),
                Err(d) => (d, None, false),
            };
            let json = serde_json::json!({
                "ok": ok,
                "errors": diags.error_count(),
                "warnings": diags.warning_count(),
                "diagnostics": diags.iter().map(diagnostic_json).collect::<Vec<_>>(),
                "next_change": next.map(|t| t.to_rfc3339()),
            });
            println!("{json:#}");
            return if ok { 0 } else { EXIT_SITE };
        }
        match result {
            Ok(built) => {
                print_diagnostics(&built.warnings);
                println!("Không có lỗi: {} trang, {} cảnh báo.", built.pages, built.warnings.warning_count());
                if let Some(line) = super::next_change_line(built.next_change) {
                    println!("{line}");
                }
                0
            }
            Err(diags) => {
                print_diagnostics(&diags);
                EXIT_SITE
            }
        }
    }
}

/// One diagnostic as a flat JSON object (severity, file, line, column, code, message, hint).
fn diagnostic_json(d: &loa::diagnostics::Diagnostic) -> serde_json::Value {
    let loc = d.location.as_ref();
    serde_json::json!({
        "severity": d.severity,
        "file": loc.map(|l| l.file.as_str()),
        "line": loc.map(|l| l.line).filter(|&l| l > 0),
        "column": loc.map(|l| l.column).filter(|&c| c > 0),
        "code": d.code,
        "message": d.message,
        "hint": d.hint,
    })
}
