//! `loa check`: the build without writing, plus the content checks of `loa::check`: the gate
//! CI runs before `loa build` publishes.
//!
//! Exit codes: 0 no error (and, with `--strict`, no warning); 1 errors in the site, loa.yaml
//! included (a gate that failed), or warnings under `--strict`; 2 bad flags.

use std::path::PathBuf;

use clap::Args;
use loa::build::{BuildOptions, build};
use loa::check::record::Commit;
use loa::config::Overrides;
use loa::content::approval::{ApprovalRecord, ApprovalState};

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
        let config = loa::config::Config::load(&root, &Overrides::default());
        let result = match &config {
            // Built in memory and dropped: `check` writes nothing.
            Ok(config) => build(config, opts, &loa::output::MemorySink::default(), &loa::memo::Memo::off()),
            Err(diags) => Err(diags.clone()),
        };
        let (mut diags, next, pages, approvals) = match result {
            Ok(b) => (b.diagnostics, b.next_change, Some(b.pages), b.approvals),
            Err(d) => (d, None, None, Vec::new()),
        };
        let commits = match (&config, approvals.is_empty()) {
            (Ok(c), false) => loa::check::record::commits(&c.root, &approvals).map(|(found, warnings)| {
                diags.extend(warnings);
                found
            }),
            _ => None,
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
                "approvals": approvals_json(&approvals, commits.as_deref()),
            });
            say!("{json:#}");
            return if ok { 0 } else { EXIT_SITE };
        }
        print_approvals(&approvals, commits.as_deref());
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

/// The pages by approval state, with who approved and when (and the commit, in git).
fn print_approvals(approvals: &[ApprovalRecord], commits: Option<&[Option<Commit>]>) {
    if approvals.is_empty() {
        return;
    }
    say!("Duyệt bài:");
    for state in ApprovalState::ALL {
        let pages: Vec<(usize, &ApprovalRecord)> =
            approvals.iter().enumerate().filter(|(_, a)| a.state == state).collect();
        if pages.is_empty() {
            continue;
        }
        let records: Vec<&ApprovalRecord> = pages.iter().map(|(_, a)| *a).collect();
        say!("  {} ({}):", state.label(), loa::content::approval::count_label(&records));
        for (i, a) in pages {
            let mut line = format!("    {} – {}", a.file, a.title);
            if a.section {
                line.push_str(" (chuyên mục)");
            }
            if let Some(by) = &a.by {
                line.push_str(&format!(" – duyệt: {by}"));
                if let Some(at) = a.at {
                    line.push_str(&format!(" {}", at.fmt_short()));
                }
            }
            match commits.map(|c| c[i].as_ref()) {
                Some(Some(c)) => {
                    line.push_str(&format!(" (commit {} của {})", &c.hash[..c.hash.len().min(10)], c.author))
                }
                Some(None) if a.by.is_some() => line.push_str(" (chưa commit)"),
                _ => {}
            }
            say!("{line}");
        }
    }
}

/// The approvals as JSON: one object a page.
fn approvals_json(approvals: &[ApprovalRecord], commits: Option<&[Option<Commit>]>) -> serde_json::Value {
    approvals
        .iter()
        .enumerate()
        .map(|(i, a)| {
            serde_json::json!({
                "file": a.file,
                "title": a.title,
                "path": a.path,
                "state": a.state,
                "label": a.state.label(),
                "section": a.section,
                "by": a.by,
                "at": a.at.map(|t| t.to_rfc3339()),
                "commit": commits.and_then(|c| c[i].as_ref()),
            })
        })
        .collect()
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
