//! `loa build`.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use loa::build::{BuildOptions, build};
use loa::config::Overrides;
use loa::write::{check_output_dir, write_output};

use super::{EXIT_SITE, EXIT_USAGE, load_config, print_diagnostics, site_root};

/// Flags of `loa build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Site folder (holding loa.yaml); default: the current folder.
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// Output folder; default: `output_dir` in loa.yaml, else public/.
    #[arg(long, value_name = "DIR")]
    output_dir: Option<PathBuf>,
    /// Override `base_url` of loa.yaml (e.g. for a preview deployment).
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    drafts: bool,
    /// Print the time of each stage.
    #[arg(long)]
    verbose: bool,
    /// Build the site as it will be at this moment (2026-01-31 or 2026-01-31T08:00; UTC+7),
    /// for previewing scheduled pages and campaign status.
    #[arg(long, value_name = "DATE", value_parser = super::parse_at)]
    at: Option<loa::vi::dates::DateTime>,
}

impl BuildArgs {
    /// Builds and writes; returns the exit code.
    pub fn run(&self) -> u8 {
        let start = Instant::now();
        let root = site_root(self.root.as_deref());
        let overrides = Overrides { output_dir: self.output_dir.clone(), base_url: self.base_url.clone() };
        let config = match load_config(&root, &overrides) {
            Ok(c) => c,
            Err(code) => return code,
        };
        // Refuse a dangerous output folder before doing any work.
        let out = match check_output_dir(&config.root, &config.output_dir) {
            Ok(out) => out,
            Err(e) => {
                eprintln!("lỗi: {e}");
                eprintln!(
                    "  gợi ý: đặt `output_dir` trong loa.yaml hoặc dùng --output-dir với một thư mục riêng cho trang đã dựng"
                );
                return EXIT_USAGE;
            }
        };
        let built = match build(&config, BuildOptions { drafts: self.drafts, at: self.at }) {
            Ok(b) => b,
            Err(diags) => {
                print_diagnostics(&diags);
                eprintln!(
                    "Không dựng được trang; thư mục {} giữ nguyên như trước.",
                    shown(&config.root, &out)
                );
                return EXIT_SITE;
            }
        };
        print_diagnostics(&built.warnings);
        let t = Instant::now();
        let stats = match write_output(&out, &built.output) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("lỗi: {e:#}");
                eprintln!(
                    "  gợi ý: kiểm tra dung lượng đĩa và quyền ghi; thư mục {} giữ nguyên như trước",
                    shown(&config.root, &out)
                );
                return EXIT_SITE;
            }
        };
        if self.verbose {
            for (stage, d) in built.timings.iter().chain([("write", t.elapsed())].iter()) {
                eprintln!("  {stage:<10} {:>8.1} ms", d.as_secs_f64() * 1000.0);
            }
        }
        println!(
            "Đã dựng {} trang ({} tệp), sao chép {} tệp vào {} trong {:.2} s.",
            built.pages,
            stats.written,
            stats.copied,
            shown(&config.root, &out),
            start.elapsed().as_secs_f64()
        );
        if let Some(line) = super::next_change_line(built.next_change) {
            println!("{line}");
        }
        0
    }
}

fn shown(root: &std::path::Path, out: &std::path::Path) -> String {
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    match out.strip_prefix(&root) {
        Ok(rel) => format!("{}/", rel.display()),
        Err(_) => out.display().to_string(),
    }
}
