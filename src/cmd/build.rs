//! `loa build`.
//!
//! Exit codes: 0 built; 1 errors in the content or templates, or the output could not be
//! written (public/ is then as before); 2 unsafe output folder, invalid loa.yaml, or another
//! build holding the site's lock or the output folder's; 130 on Ctrl-C (SIGINT), 143 on
//! SIGTERM, with public/ old or complete-new and the staging folder removed.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use loa::build::{BuildOptions, build};
use loa::config::Overrides;
use loa::write::{BuildLock, LockError, OutputLock, Staging, check_output_dir_with};

use super::{EXIT_SITE, EXIT_USAGE, load_config, oserror, print_diagnostics, site_root};

/// Flags of `loa build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Thư mục của trang (nơi có loa.yaml); mặc định: thư mục hiện tại.
    #[arg(long, value_name = "THƯ_MỤC")]
    root: Option<PathBuf>,
    /// Thư mục xuất; mặc định: `output_dir` trong loa.yaml, nếu không có thì public/.
    #[arg(long, value_name = "THƯ_MỤC")]
    output_dir: Option<PathBuf>,
    /// Dùng địa chỉ này thay cho `base_url` của loa.yaml (ví dụ khi đăng một bản xem trước).
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Dựng cả các bài có `draft: true` (bản nháp).
    #[arg(long)]
    drafts: bool,
    /// In thời gian của từng bước dựng.
    #[arg(long)]
    verbose: bool,
    /// Dựng trang như vào thời điểm này (2026-01-31 hoặc 2026-01-31T08:00, giờ Việt Nam), để
    /// xem trước bài hẹn giờ và trạng thái chiến dịch.
    #[arg(long, value_name = "NGÀY", value_parser = super::parse_at)]
    at: Option<loa::vi::dates::DateTime>,
    /// Thay cả thư mục xuất không do loa tạo (ví dụ một public/ làm bằng tay), giữ lại các tệp
    /// bắt đầu bằng dấu chấm (.git, .gitignore, …).
    #[arg(long)]
    force: bool,
}

/// How long a build waits for another build of the same site to finish writing.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

impl BuildArgs {
    /// Builds and writes; returns the exit code.
    pub fn run(&self) -> u8 {
        let start = Instant::now();
        interrupt::install();
        let root = site_root(self.root.as_deref());
        let overrides = Overrides { output_dir: self.output_dir.clone(), base_url: self.base_url.clone() };
        let config = match load_config(&root, &overrides) {
            Ok(c) => c,
            Err(code) => return code,
        };
        // Refuse a dangerous output folder before doing any work.
        let refused = |e: loa::write::UnsafeOutput| {
            tell!("lỗi: {e}");
            tell!(
                "  gợi ý: đặt `output_dir` trong loa.yaml hoặc dùng --output-dir với một thư mục riêng cho trang đã dựng"
            );
            EXIT_USAGE
        };
        let out = match check_output_dir_with(&config.root, &config.output_dir, self.force) {
            Ok(out) => out,
            Err(e) => return refused(e),
        };
        // One build writes a site at a time, and one build writes an output folder at a time
        // (two sites may share one): a second one waits, then names the holder.
        let lock = match BuildLock::acquire(&config.root, LOCK_WAIT) {
            Ok(l) => l,
            Err(e @ LockError::Io(_)) => return cannot_lock(&e),
            Err(e) => {
                tell!("lỗi: {e}");
                tell!(
                    "  gợi ý: chờ lệnh kia xong rồi chạy lại; nếu không còn lệnh nào chạy, xóa tệp {}",
                    loa::write::LOCK_FILE
                );
                return EXIT_USAGE;
            }
        };
        interrupt::set_locks(&[lock.path()]);
        let out_lock = match OutputLock::acquire(&out, LOCK_WAIT) {
            Ok(l) => l,
            Err(e @ LockError::Io(_)) => {
                interrupt::clear_lock();
                return cannot_lock(&e);
            }
            Err(e) => {
                interrupt::clear_lock();
                tell!("lỗi: {e}");
                tell!("  gợi ý: chờ lệnh kia xong rồi chạy lại (khóa tự mở khi lệnh kia kết thúc)");
                return EXIT_USAGE;
            }
        };
        interrupt::set_locks(&[lock.path(), out_lock.path()]);
        // The folder may have changed while this build waited for the locks.
        if let Err(e) = check_output_dir_with(&config.root, &config.output_dir, self.force) {
            interrupt::clear_lock();
            return refused(e);
        }
        let unchanged =
            || tell!("Không dựng được trang; thư mục {} giữ nguyên như trước.", shown(&config.root, &out));
        // Pages stream into the staging folder as they are rendered.
        let staging = match Staging::open_keeping(&out, &config.output.keep) {
            Ok(s) => s,
            Err(e) => {
                interrupt::clear_lock();
                tell!("lỗi: {}", oserror::chain(&e));
                tell!("  gợi ý: kiểm tra dung lượng đĩa và quyền ghi");
                unchanged();
                return EXIT_SITE;
            }
        };
        // What a build can reuse from the last one, keyed by content (`.loa-cache/memo/`).
        let memo = loa::memo::Memo::persistent(config.root.join(loa::memo::DISK_DIR));
        let built = match build(
            &config,
            BuildOptions { drafts: self.drafts, at: self.at, ..BuildOptions::default() },
            &staging,
            &memo,
        ) {
            Ok(b) => b,
            Err(diags) => {
                staging.abort();
                interrupt::clear_lock();
                print_diagnostics(&diags);
                unchanged();
                return EXIT_SITE;
            }
        };
        print_diagnostics(&built.diagnostics);
        let t = Instant::now();
        let changed = staging.changed();
        let written = staging.commit(&built.output.copies, &built.output.linked);
        interrupt::clear_lock();
        drop(out_lock);
        drop(lock);
        let stats = match written {
            Ok(s) => s,
            Err(e) => {
                tell!("lỗi: {}", oserror::chain(&e));
                tell!(
                    "  gợi ý: kiểm tra dung lượng đĩa và quyền ghi; thư mục {} giữ nguyên như trước",
                    shown(&config.root, &out)
                );
                return EXIT_SITE;
            }
        };
        for w in &stats.warnings {
            tell!("{w}");
        }
        if self.verbose {
            // Rendered files are written while the render stage runs; "write" is the rest
            // (copies, stale files, manifest, swap).
            // The cache is read on its own thread, beside the first stages.
            let mut timings: Vec<_> = memo.read_time().map(|t| ("cache-read", t)).into_iter().collect();
            timings.extend(built.timings.iter().copied());
            timings.push(("write", t.elapsed()));
            for line in stage_lines(&timings, &built.cpu, &built.memory) {
                tell!("{line}");
            }
            if let Some(peak) = loa::build::memory_kib("VmHWM:") {
                tell!("  bộ nhớ tối đa {} MiB", peak / 1024);
            }
            tell!("  {changed} tệp thay đổi được ghi; các tệp khác giữ nguyên từ lần dựng trước");
            if let Some(s) = memo.stores() {
                tell!(
                    "  bản tin: {} trang dùng lại từ {}, {} trang làm mới",
                    s.bulletins.reused(),
                    loa::memo::DISK_DIR,
                    s.bulletins.len().saturating_sub(s.bulletins.reused())
                );
                tell!(
                    "  đoạn trích tìm kiếm: {} trang dùng lại, {} trang làm mới",
                    s.excerpts.reused(),
                    s.excerpts.len().saturating_sub(s.excerpts.reused())
                );
            }
        }
        say!(
            "Đã dựng {} trang ({} tệp), sao chép {} tệp vào {} trong {:.2} s.",
            built.pages,
            stats.written,
            stats.copied,
            shown(&config.root, &out),
            start.elapsed().as_secs_f64()
        );
        if let Some(line) = super::next_change_line(built.next_change) {
            say!("{line}");
        }
        0
    }
}

/// A lock file that could not be created (a read-only disk, no permission): nothing to wait
/// for, the folder must be made writable.
fn cannot_lock(e: &LockError) -> u8 {
    tell!("lỗi: {e}");
    tell!("  gợi ý: kiểm tra quyền ghi và dung lượng của thư mục trang và thư mục chứa thư mục xuất");
    EXIT_USAGE
}

fn shown(root: &std::path::Path, out: &std::path::Path) -> String {
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    match out.strip_prefix(&root) {
        Ok(rel) => format!("{}/", rel.display()),
        Err(_) => out.display().to_string(),
    }
}

/// Ctrl-C and SIGTERM during a build: a watcher thread (not the signal handler, which may only
/// set a flag) removes the staging folder, or waits for a swap in progress to finish, removes
/// the lock file, and exits 130 (143 for SIGTERM) within a moment.
#[cfg(unix)]
mod interrupt {
    use std::os::raw::c_int;
    use std::path::{Path, PathBuf};
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicI32, Ordering};
    use std::time::Duration;

    use loa::sys::SIGTERM;

    static SIGNAL: AtomicI32 = AtomicI32::new(0);
    static LOCKS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

    extern "C" fn on_signal(sig: c_int) {
        // Only an atomic store: async-signal-safe.
        SIGNAL.store(sig, Ordering::SeqCst);
    }

    /// Installs the handlers and the watcher thread.
    pub fn install() {
        // SAFETY: `on_signal` only stores to an atomic, which is async-signal-safe.
        let _ = unsafe { loa::sys::on_interrupt(on_signal) };
        std::thread::spawn(|| {
            loop {
                let sig = SIGNAL.load(Ordering::SeqCst);
                if sig != 0 {
                    stop(sig);
                }
                std::thread::sleep(Duration::from_millis(10));
            }
        });
    }

    /// Remembers the lock files to remove on interruption (the output folder's lock is still
    /// held then, so removing its file is safe).
    pub fn set_locks(paths: &[&Path]) {
        *LOCKS.lock().unwrap_or_else(std::sync::PoisonError::into_inner) =
            paths.iter().map(|p| p.to_path_buf()).collect();
    }

    /// The locks were released normally.
    pub fn clear_lock() {
        LOCKS.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clear();
    }

    fn stop(sig: c_int) -> ! {
        let staging = loa::write::abort_staging();
        for lock in std::mem::take(&mut *LOCKS.lock().unwrap_or_else(std::sync::PoisonError::into_inner)) {
            let _ = std::fs::remove_file(lock);
        }
        let what = if staging.is_some() { "đã xóa thư mục tạm; " } else { "" };
        tell!("\nĐã dừng loa build; {what}thư mục xuất giữ nguyên bản trước hoặc là bản mới hoàn chỉnh.");
        std::process::exit(if sig == SIGTERM { 143 } else { 130 });
    }
}

#[cfg(not(unix))]
mod interrupt {
    /// The default Ctrl-C handling ends the process; a stale staging folder is removed by the
    /// next build.
    pub fn install() {}
    pub fn set_locks(_: &[&std::path::Path]) {}
    pub fn clear_lock() {}
}

/// `--verbose`'s lines: each stage's time, the CPU time of every thread in it, and the
/// resident memory when it ended, where known (the write's CPU is not counted).
pub(super) fn stage_lines(
    timings: &[(&'static str, std::time::Duration)],
    cpu: &[(&'static str, std::time::Duration)],
    memory: &[(&'static str, u64)],
) -> Vec<String> {
    timings
        .iter()
        .map(|(stage, d)| {
            let rss = memory.iter().find(|m| m.0 == *stage);
            let rss = rss.map(|(_, kib)| format!("  {:>6} MiB", kib / 1024)).unwrap_or_default();
            let cpu = cpu.iter().find(|c| c.0 == *stage);
            let cpu =
                cpu.map(|(_, c)| format!("  CPU {:>8.1} ms", c.as_secs_f64() * 1000.0)).unwrap_or_default();
            format!("  {stage:<10} {:>8.1} ms{cpu}{rss}", d.as_secs_f64() * 1000.0)
        })
        .collect()
}
