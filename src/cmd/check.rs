//! `loa check`: the build without writing, plus the content checks of `loa::check`: the gate
//! CI runs before `loa build` publishes.
//!
//! Exit codes: 0 no error (and, with `--strict`, no warning); 1 errors in the site, loa.yaml
//! included (a gate that failed), or warnings under `--strict`; 2 bad flags.

use std::path::PathBuf;

use clap::Args;
use loa::build::{BuildOptions, build};
use loa::config::Overrides;

use super::{EXIT_SITE, print_diagnostics, site_root};

/// Flags of `loa check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Thư mục của trang (nơi có loa.yaml); mặc định: thư mục hiện tại.
    #[arg(long, value_name = "THƯ_MỤC")]
    root: Option<PathBuf>,
    /// Kiểm tra cả các bài có `draft: true` (bản nháp).
    #[arg(long)]
    drafts: bool,
    /// Kiểm tra trang như vào thời điểm này (2026-01-31 hoặc 2026-01-31T08:00, giờ Việt Nam
    /// nếu không ghi múi giờ).
    #[arg(long, value_name = "NGÀY", value_parser = super::parse_at)]
    at: Option<loa::vi::dates::DateTime>,
    /// Cách in kết quả: `human` (mặc định: từng dòng cho người đọc) hoặc `json` (một đối tượng
    /// JSON: các lỗi và cảnh báo, số lượng, lần thay đổi tiếp theo).
    #[arg(long, value_name = "DẠNG", value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Tính cả cảnh báo là lỗi (mã thoát 1), và cảnh báo thêm khối mã viết bằng ngôn ngữ không
    /// nhận ra.
    #[arg(long)]
    strict: bool,
    /// Kiểm tra cả liên kết tới trang web khác (mặc định tắt vì cần mạng; mỗi liên kết chờ tối
    /// đa --external-timeout giây).
    #[arg(long)]
    external: bool,
    /// Số giây chờ một liên kết bên ngoài; mặc định 5.
    #[arg(long, value_name = "GIÂY", default_value_t = 5, value_parser = super::parse_seconds)]
    external_timeout: u64,
}

/// How `check` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Các dòng `tệp:dòng:cột: lỗi: …` trên stderr.
    Human,
    /// Một đối tượng JSON trên stdout.
    Json,
}

impl CheckArgs {
    /// Runs the pipeline and the content checks, prints every diagnostic; returns the exit code.
    pub fn run(&self) -> u8 {
        let root = site_root(self.root.as_deref());
        let check = loa::check::CheckOptions {
            drafts: self.drafts,
            now: self.at.unwrap_or_else(loa::build::now),
            strict: self.strict,
            external: self.external,
            external_timeout: std::time::Duration::from_secs(self.external_timeout.max(1)),
        };
        let opts =
            BuildOptions { drafts: self.drafts, at: self.at, check: Some(check), ..BuildOptions::default() };
        let result = match loa::config::Config::load(&root, &Overrides::default()) {
            // Built in memory and dropped: `check` writes nothing.
            Ok(config) => build(&config, opts, &loa::output::MemorySink::default(), &loa::memo::Memo::off()),
            Err(diags) => Err(diags),
        };
        let (mut diags, next, pages) = match result {
            Ok(b) => (b.diagnostics, b.next_change, Some(b.pages)),
            Err(d) => (d, None, None),
        };
        diags.sort();
        let failed_warnings = self.strict && diags.warning_count() > 0;
        let ok = !(diags.has_errors() || failed_warnings);
        if self.format == Format::Json {
            let json = serde_json::json!({
                "ok": ok,
                "errors": diags.error_count(),
                "warnings": diags.warning_count(),
                "diagnostics": diags.iter().map(diagnostic_json).collect::<Vec<_>>(),
                "next_change": next.map(|t| t.to_rfc3339()),
            });
            say!("{json:#}");
            return if ok { 0 } else { EXIT_SITE };
        }
        print_diagnostics(&diags);
        match pages {
            Some(n) if ok => {
                say!("Không có lỗi: {n} trang, {} cảnh báo.", diags.warning_count());
                if let Some(line) = super::next_change_line(next) {
                    say!("{line}");
                }
                0
            }
            _ => {
                if self.strict && !diags.has_errors() {
                    tell!("--strict: {} cảnh báo được tính là lỗi.", diags.warning_count());
                }
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
