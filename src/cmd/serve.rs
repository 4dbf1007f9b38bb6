//! `loa serve`: the live preview. Flags → `ServeOptions`; prints what the server reports.
//!
//! Exit codes: 2 when the port is in use or the address cannot be bound (before any build),
//! 1 when there is no loa.yaml at all (not a site folder), 0 on Ctrl-C. Never writes or
//! deletes anything: the site is built in memory.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::Args;
use loa::serve::watch::Change;
use loa::serve::{Event, ServeError, ServeOptions, Server};

use super::{EXIT_SITE, EXIT_USAGE, print_diagnostics, site_root};

/// Flags of `loa serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Thư mục của trang (nơi có loa.yaml); mặc định: thư mục hiện tại.
    #[arg(long, value_name = "THƯ_MỤC")]
    root: Option<PathBuf>,
    /// Địa chỉ lắng nghe; mặc định 127.0.0.1 (chỉ máy này); 0.0.0.0 để xem từ điện thoại cùng
    /// mạng.
    #[arg(long, value_name = "ĐỊA_CHỈ", default_value = "127.0.0.1")]
    bind: String,
    /// Cổng lắng nghe; mặc định 1111 (0: một cổng trống bất kỳ).
    #[arg(long, short = 'p', value_name = "SỐ", default_value_t = 1111, value_parser = super::parse_port)]
    port: u16,
    /// Hiện cả các bài có `draft: true` (bản nháp).
    #[arg(long)]
    drafts: bool,
    /// Mở trang trong trình duyệt mặc định.
    #[arg(long)]
    open: bool,
    /// Kiểm tra thay đổi định kỳ thay vì dùng sự kiện của hệ thống tệp (ổ mạng, WSL).
    #[arg(long)]
    poll: bool,
    /// In thời gian và bộ nhớ của từng bước mỗi lần dựng lại.
    #[arg(long)]
    verbose: bool,
}

impl ServeArgs {
    /// Serves until Ctrl-C; returns the exit code.
    pub fn run(&self) -> u8 {
        let root = site_root(self.root.as_deref());
        let bind: IpAddr = match self.bind.as_str() {
            "localhost" => IpAddr::from([127, 0, 0, 1]),
            other => match other.trim_start_matches('[').trim_end_matches(']').parse() {
                Ok(ip) => ip,
                Err(_) => {
                    tell!("lỗi: địa chỉ --bind `{other}` không hợp lệ");
                    tell!("  gợi ý: dùng một địa chỉ IP, ví dụ --bind 127.0.0.1 hoặc --bind 0.0.0.0");
                    return EXIT_USAGE;
                }
            },
        };
        // Not a site folder at all: say so rather than serve an error page for it. A broken
        // loa.yaml is different: the server starts and shows its errors in the browser.
        if !root.join(loa::config::CONFIG_FILE).is_file() {
            return match loa::config::Config::load(&root, &loa::config::Overrides::default()) {
                Err(d) => {
                    print_diagnostics(&d);
                    EXIT_SITE
                }
                Ok(_) => EXIT_SITE,
            };
        }
        let opts = ServeOptions { root, bind, port: self.port, drafts: self.drafts, poll: self.poll };
        let server = match Server::bind(opts) {
            Ok(s) => s,
            Err(e) => {
                tell!("lỗi: {e}");
                if let ServeError::PortInUse(addr) = &e {
                    tell!(
                        "  gợi ý: dừng chương trình đang dùng cổng đó, hoặc dùng --port để chọn cổng khác, ví dụ --port {}",
                        addr.port().wrapping_add(1).max(1024)
                    );
                } else {
                    tell!("  gợi ý: kiểm tra --bind (một địa chỉ của máy này) và --port");
                }
                return EXIT_USAGE;
            }
        };
        signals::exit_zero_on_interrupt();
        let (open, verbose) = (self.open, self.verbose);
        let report = move |event: Event| print_event(event, open, verbose);
        match server.run(&report) {
            Ok(()) => 0,
            Err(e) => {
                tell!("lỗi: {e}");
                tell!("  gợi ý: kiểm tra --bind và --port rồi chạy lại");
                EXIT_USAGE
            }
        }
    }
}

fn print_event(event: Event, open: bool, verbose: bool) {
    match event {
        Event::Listening { url, lan } => {
            say!("Đang phục vụ trang tại {url}");
            if !lan.is_empty() {
                for u in &lan {
                    say!("  trong mạng nội bộ: {u}");
                }
                tell!(
                    "cảnh báo: trang đang được phục vụ cho cả mạng mà không cần đăng nhập: ai cùng mạng cũng xem được bản xem trước"
                );
                tell!(
                    "  gợi ý: chỉ dùng --bind 0.0.0.0 trong mạng tin cậy; mặc định là 127.0.0.1 (chỉ máy này)"
                );
            }
            say!("Trang tự tải lại khi lưu tệp. Nhấn Ctrl+C để dừng.");
            if open {
                open_browser(&url);
            }
        }
        Event::Building => {}
        Event::Built {
            generation,
            pages,
            files,
            elapsed,
            warnings,
            changes,
            stages: (timings, cpu, memory),
        } => {
            print_all(&warnings);
            let what = describe(&changes);
            say!(
                "Đã dựng{} (lần {generation}): {pages} trang, {files} tệp trong {:.0} ms.",
                what,
                elapsed.as_secs_f64() * 1000.0
            );
            if verbose {
                for line in super::build::stage_lines(&timings, &cpu, &memory) {
                    say!("{line}");
                }
            }
        }
        Event::Failed { diagnostics, has_site, .. } => {
            print_all(&diagnostics);
            if has_site {
                tell!(
                    "Không dựng được trang; trình duyệt vẫn hiện bản dựng tốt gần nhất, kèm danh sách lỗi."
                );
            } else {
                tell!("Không dựng được trang; trình duyệt hiện danh sách lỗi cho đến khi sửa xong.");
            }
        }
        Event::Unchanged | Event::Superseded => {}
        Event::Scheduled => say!("Đến giờ hẹn đăng hoặc gỡ bài: dựng lại trang."),
        Event::Rescanned => {
            tell!("cảnh báo: bộ theo dõi tệp bị tràn sự kiện; đã đọc lại toàn bộ trang");
        }
        Event::Polling { fallback: Some(why) } => {
            tell!(
                "cảnh báo: không theo dõi được tệp bằng sự kiện của hệ thống ({why}); chuyển sang kiểm tra định kỳ"
            );
            tell!(
                "  gợi ý: tăng giới hạn inotify: sudo sysctl fs.inotify.max_user_watches=524288 fs.inotify.max_user_instances=512, rồi chạy lại loa serve"
            );
        }
        Event::Polling { fallback: None } => say!("Kiểm tra thay đổi định kỳ (--poll)."),
        Event::WatchError(e) => tell!("cảnh báo: lỗi theo dõi tệp: {e}"),
    }
}

/// Like `print_diagnostics`, through `err!`.
fn print_all(d: &loa::diagnostics::Diagnostics) {
    for diag in d.iter() {
        tell!("{diag}");
    }
    let (e, w) = (d.error_count(), d.warning_count());
    if e > 0 {
        tell!("{e} lỗi, {w} cảnh báo.");
    }
}

fn describe(changes: &[Change]) -> String {
    match changes {
        [] => String::new(),
        [one] => {
            let name = one.path().file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let verb = match one {
                Change::Added(_) => "thêm",
                Change::Modified(_) => "sửa",
                Change::Removed(_) => "xóa",
            };
            format!(" lại sau khi {verb} {name}")
        }
        many => format!(" lại sau {} tệp thay đổi", many.len()),
    }
}

/// Opens the URL with `xdg-open` when there is one; a missing opener is not an error.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") { "open" } else { "xdg-open" };
    let spawned = std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if spawned.is_err() {
        tell!("cảnh báo: không mở được trình duyệt ({opener} không có); hãy mở {url}");
    }
}

/// Ctrl-C (and SIGTERM) end `serve` with exit code 0: there is nothing to clean up, since it
/// never writes to disk.
#[cfg(unix)]
mod signals {
    use std::os::raw::c_int;

    extern "C" fn stop(_: c_int) {
        // write(2) and _exit(2) only: async-signal-safe; the message is a static string.
        loa::sys::write_raw(1, "\nĐã dừng loa serve.\n".as_bytes());
        loa::sys::exit_now(0);
    }

    /// Installs the handler.
    pub fn exit_zero_on_interrupt() {
        // SAFETY: `stop` only calls async-signal-safe functions.
        let _ = unsafe { loa::sys::on_interrupt(stop) };
    }
}

#[cfg(not(unix))]
mod signals {
    /// The default Ctrl-C handling ends the process; nothing to clean up.
    pub fn exit_zero_on_interrupt() {}
}
