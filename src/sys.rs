//! The one module that calls the C library (`libc`): small safe functions with the unsafe
//! calls inside, for what the standard library does not give.
//!
//! Takes paths, open files, sockets and signal handlers; gives `io::Result`s carrying the
//! system's errno, and the errno values (`errno`) and signal numbers (`SIGINT`, `SIGTERM`) the
//! callers tell apart. Where a call does not exist (another system than Linux, or not unix),
//! each function says what it does instead. Must not: import anything of the crate (it is at
//! the bottom of the tree), nor decide what an error means for a build (whether to fall back
//! on two renames, to shed a connection): the callers do.

#[cfg(unix)]
use std::ffi::c_int;
use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;
use std::time::Duration;

/// The errno values the callers tell apart (compared with `io::Error::raw_os_error`).
#[cfg(unix)]
pub mod errno {
    pub use libc::{EBUSY, EINVAL, EMFILE, ENFILE, ENOSYS, ENOTSUP, EXDEV};
}

/// A path as a C string (an error for a path holding a NUL byte).
#[cfg(target_os = "linux")]
fn c_path(path: &Path) -> Result<std::ffi::CString, std::ffi::NulError> {
    use std::os::unix::ffi::OsStrExt as _;
    std::ffi::CString::new(path.as_os_str().as_bytes())
}

/// Opens `path` as `options` say, never through a symlink (`O_NOFOLLOW`: a symlink at `path`
/// fails with `ELOOP`) and closed on exec (`O_CLOEXEC`). Without unix: as `options` say.
pub fn open_no_follow(options: &OpenOptions, path: &Path) -> io::Result<File> {
    open_with(options, path, false)
}

/// As [`open_no_follow`], and without waiting (`O_NONBLOCK`): a FIFO found at `path` does not
/// block the open until someone writes to it.
pub fn open_no_follow_nonblocking(options: &OpenOptions, path: &Path) -> io::Result<File> {
    open_with(options, path, true)
}

fn open_with(options: &OpenOptions, path: &Path, nonblocking: bool) -> io::Result<File> {
    #[cfg_attr(not(unix), allow(unused_mut))]
    let mut options = options.clone();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        let extra = if nonblocking { libc::O_NONBLOCK } else { 0 };
        options.custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC | extra);
    }
    #[cfg(not(unix))]
    let _ = nonblocking;
    options.open(path)
}

/// Takes `flock(LOCK_EX)` on `file` (a lock of its open file description: another open of the
/// same file, even in this process, is refused). With `wait`, blocks until it is free and
/// gives true; without, gives false at once when another holds it. Without unix: true.
pub fn lock_exclusive(file: &File, wait: bool) -> io::Result<bool> {
    #[cfg(unix)]
    {
        use std::os::unix::io::AsRawFd as _;
        let how = if wait { libc::LOCK_EX } else { libc::LOCK_EX | libc::LOCK_NB };
        // SAFETY: flock(2) on a descriptor owned by `file`, alive for the call; no pointer.
        if unsafe { libc::flock(file.as_raw_fd(), how) } == 0 {
            return Ok(true);
        }
        let e = io::Error::last_os_error();
        if e.raw_os_error() == Some(libc::EWOULDBLOCK) { Ok(false) } else { Err(e) }
    }
    #[cfg(not(unix))]
    {
        let _ = (file, wait);
        Ok(true)
    }
}

/// Exchanges the two paths in one step (`renameat2(RENAME_EXCHANGE)`: both stay, each under
/// the other's name). The system's error as it is (`EINVAL`, `ENOSYS`, `ENOTSUP` where the
/// file system or kernel has no exchange; `EBUSY`, `EXDEV` across mounts). Without Linux: an
/// `Unsupported` error.
pub fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        let (a, b) = (c_path(a).map_err(io::Error::other)?, c_path(b).map_err(io::Error::other)?);
        // SAFETY: two valid NUL-terminated C strings, alive for the call; renameat2(2) only
        // reads them.
        let rc = unsafe {
            libc::renameat2(libc::AT_FDCWD, a.as_ptr(), libc::AT_FDCWD, b.as_ptr(), libc::RENAME_EXCHANGE)
        };
        if rc == 0 { Ok(()) } else { Err(io::Error::last_os_error()) }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (a, b);
        Err(io::Error::from(io::ErrorKind::Unsupported))
    }
}

/// `STATX_ATTR_MOUNT_ROOT` of `path`, not following a symlink there (Linux 5.8 and later;
/// also true for a bind mount of a folder of the same file system), or `None` where the
/// kernel does not tell, the path cannot be read, or without Linux.
pub fn is_mount_root(path: &Path) -> Option<bool> {
    #[cfg(target_os = "linux")]
    {
        let path = c_path(path).ok()?;
        // SAFETY: `statx` is plain data, valid when zeroed.
        let mut stx: libc::statx = unsafe { std::mem::zeroed() };
        // SAFETY: a valid C string and a live, exclusively borrowed `statx` for the kernel to
        // fill, both alive for the call.
        let rc = unsafe {
            libc::statx(
                libc::AT_FDCWD,
                path.as_ptr(),
                libc::AT_SYMLINK_NOFOLLOW,
                libc::STATX_BASIC_STATS,
                &mut stx,
            )
        };
        let flag = libc::STATX_ATTR_MOUNT_ROOT as u64;
        (rc == 0 && stx.stx_attributes_mask & flag != 0).then_some(stx.stx_attributes & flag != 0)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = path;
        None
    }
}

/// One socket to wait on with [`poll_readable`]; `None` is left out. Laid out as a `pollfd`,
/// for poll(2).
#[cfg(unix)]
#[repr(transparent)]
pub struct PollFd(libc::pollfd);

#[cfg(unix)]
impl PollFd {
    /// Watches `socket` for reading (`POLLIN`); `None`: a place that is never ready.
    pub fn new(socket: Option<&impl std::os::fd::AsRawFd>) -> PollFd {
        // A negative descriptor is ignored by poll(2).
        let fd = socket.map_or(-1, std::os::fd::AsRawFd::as_raw_fd);
        PollFd(libc::pollfd { fd, events: libc::POLLIN, revents: 0 })
    }

    /// True when reading it will not block (data, end of stream or an error).
    pub fn ready(&self) -> bool {
        self.0.fd >= 0 && self.0.revents != 0
    }
}

/// Waits until one of `fds` is ready or `timeout` passes (`None`: no timeout), rounded up to
/// the millisecond (a deadline a fraction of a millisecond away is not spun on). Interrupted
/// by a signal: `Ok`, as a timeout.
#[cfg(unix)]
pub fn poll_readable(fds: &mut [PollFd], timeout: Option<Duration>) -> io::Result<()> {
    let ms = timeout.map_or(-1, |t| i32::try_from(t.as_micros().div_ceil(1000)).unwrap_or(i32::MAX));
    let len = libc::nfds_t::try_from(fds.len()).unwrap_or(libc::nfds_t::MAX);
    // SAFETY: `PollFd` is a transparent `pollfd`; the pointer and length describe `fds`, a live
    // slice borrowed mutably for the call, and poll(2) writes only the `revents` fields.
    let n = unsafe { libc::poll(fds.as_mut_ptr().cast::<libc::pollfd>(), len, ms) };
    if n >= 0 {
        return Ok(());
    }
    let e = io::Error::last_os_error();
    if e.kind() == io::ErrorKind::Interrupted { Ok(()) } else { Err(e) }
}

/// Without poll(2): one socket to try; `None` is left out.
#[cfg(not(unix))]
pub struct PollFd(bool);

#[cfg(not(unix))]
impl PollFd {
    /// A place for `socket`; `None`: never ready.
    pub fn new<T>(socket: Option<&T>) -> PollFd {
        PollFd(socket.is_some())
    }

    /// Every socket is tried (reads and accepts do not block).
    pub fn ready(&self) -> bool {
        self.0
    }
}

/// Without poll(2): sleeps 10 ms (or `timeout` if shorter), after which every socket is tried.
#[cfg(not(unix))]
pub fn poll_readable(_fds: &mut [PollFd], timeout: Option<Duration>) -> io::Result<()> {
    std::thread::sleep(timeout.map_or(Duration::from_millis(10), |t| t.min(Duration::from_millis(10))));
    Ok(())
}

/// Turns transparent huge pages off for this process (`prctl(PR_SET_THP_DISABLE)`, inherited
/// by its children). Without Linux: nothing, `Ok`.
pub fn disable_huge_pages() -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: PR_SET_THP_DISABLE takes plain integers and only sets a flag of this process.
        let rc = unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) };
        if rc == 0 { Ok(()) } else { Err(io::Error::last_os_error()) }
    }
    #[cfg(not(target_os = "linux"))]
    Ok(())
}

/// Whether transparent huge pages are off for this process (`prctl(PR_GET_THP_DISABLE)`), or
/// `None` where the system does not tell (without Linux).
pub fn huge_pages_disabled() -> Option<bool> {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: PR_GET_THP_DISABLE takes plain integers and only reads a flag of this process.
        let rc = unsafe { libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0) };
        (rc >= 0).then_some(rc == 1)
    }
    #[cfg(not(target_os = "linux"))]
    None
}

/// The CPU time this process has used so far, user and system, all threads
/// (`getrusage(RUSAGE_SELF)`), or `None` where the system does not tell (without unix).
pub fn cpu_time() -> Option<Duration> {
    #[cfg(unix)]
    {
        // SAFETY: `usage` is a plain C struct that getrusage(2) fills; zeroes are a valid value.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: the pointer is to a live, writable `rusage`; RUSAGE_SELF reads this process.
        if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
            return None;
        }
        let micros = |t: libc::timeval| {
            Duration::from_secs(u64::try_from(t.tv_sec).unwrap_or(0))
                + Duration::from_micros(u64::try_from(t.tv_usec).unwrap_or(0))
        };
        Some(micros(usage.ru_utime) + micros(usage.ru_stime))
    }
    #[cfg(not(unix))]
    None
}

/// Ctrl-C.
#[cfg(unix)]
pub const SIGINT: c_int = libc::SIGINT;
/// The polite request to end (`kill`, a service manager).
#[cfg(unix)]
pub const SIGTERM: c_int = libc::SIGTERM;

/// Installs `handler` for `SIGINT` and `SIGTERM` (`signal(2)`: it stays installed, and system
/// calls it interrupts are restarted where they can be). The system's error, if any, is the
/// last one's.
///
/// # Safety
///
/// `handler` runs in the middle of whatever the process was doing: it may only do what is
/// async-signal-safe (store to an atomic, [`write_raw`], [`exit_now`]); no allocation, no lock,
/// no `println!`.
#[cfg(unix)]
pub unsafe fn on_interrupt(handler: extern "C" fn(c_int)) -> io::Result<()> {
    let mut result = Ok(());
    for sig in [SIGINT, SIGTERM] {
        // SAFETY: `handler` is a valid function of the C ABI for the process's lifetime, and
        // async-signal-safe by this function's contract; signal(2) takes it as an address.
        if unsafe { libc::signal(sig, handler as libc::sighandler_t) } == libc::SIG_ERR {
            result = Err(io::Error::last_os_error());
        }
    }
    result
}

/// Writes `bytes` to the descriptor `fd` in one write(2), async-signal-safe (no allocation, no
/// lock): a signal handler's last words. A short write or an error is ignored.
#[cfg(unix)]
pub fn write_raw(fd: c_int, bytes: &'static [u8]) {
    // SAFETY: the pointer and length describe a static slice; write(2) only reads it. A bad
    // descriptor is an error (EBADF), not undefined behaviour.
    unsafe {
        libc::write(fd, bytes.as_ptr().cast(), bytes.len());
    }
}

/// Ends the process at once with `code` (`_exit(2)`, async-signal-safe): no destructor, no
/// `atexit` handler, no flushing of Rust's buffered output.
#[cfg(unix)]
pub fn exit_now(code: c_int) -> ! {
    // SAFETY: _exit(2) takes an integer and does not return; ending without running
    // destructors is allowed (as `std::process::exit`).
    unsafe { libc::_exit(code) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn open_no_follow_refuses_a_symlink_with_eloop_and_opens_a_file() {
        let tmp = tempfile::tempdir().expect("tmp");
        let (file, link) = (tmp.path().join("tep"), tmp.path().join("lien"));
        std::fs::write(&file, "nội dung").expect("write");
        std::os::unix::fs::symlink(&file, &link).expect("symlink");
        let mut read = OpenOptions::new();
        read.read(true);
        for open in [open_no_follow, open_no_follow_nonblocking] {
            let e = open(&read, &link).expect_err("through a symlink");
            assert_eq!(e.raw_os_error(), Some(libc::ELOOP));
            let text = std::io::read_to_string(open(&read, &file).expect("a file")).expect("read");
            assert_eq!(text, "nội dung");
        }
        // Creating at a symlink's name does not create its target.
        let mut create = OpenOptions::new();
        create.write(true).create(true).truncate(false);
        let dangling = tmp.path().join("treo");
        std::os::unix::fs::symlink(tmp.path().join("dich"), &dangling).expect("symlink");
        assert_eq!(open_no_follow(&create, &dangling).unwrap_err().raw_os_error(), Some(libc::ELOOP));
        assert!(!tmp.path().join("dich").exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_nonblocking_open_of_a_fifo_does_not_wait_for_a_writer() {
        let tmp = tempfile::tempdir().expect("tmp");
        let fifo = tmp.path().join("ong");
        let c = std::ffi::CString::new(fifo.to_str().expect("utf-8")).expect("c");
        // SAFETY: a valid C string, alive for the call.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let mut read = OpenOptions::new();
        read.read(true);
        assert!(open_no_follow_nonblocking(&read, &fifo).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn lock_exclusive_refuses_a_second_open_file_without_waiting_and_waits_when_asked() {
        let tmp = tempfile::tempdir().expect("tmp");
        let path = tmp.path().join(".khoa");
        let open = || OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path);
        let holder = open().expect("open");
        assert!(lock_exclusive(&holder, false).expect("first"));
        // Another open file description of the same file, in the same process.
        let other = open().expect("open");
        let start = std::time::Instant::now();
        assert!(!lock_exclusive(&other, false).expect("second"));
        assert!(start.elapsed() < Duration::from_secs(1));
        // Waiting: taken once the holder closes its file.
        let release = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            drop(holder);
        });
        assert!(lock_exclusive(&other, true).expect("waited"));
        release.join().expect("thread");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn exchange_swaps_two_folders_and_reports_a_missing_one() {
        let tmp = tempfile::tempdir().expect("tmp");
        let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
        for (dir, text) in [(&a, "A"), (&b, "B")] {
            std::fs::create_dir(dir).expect("mkdir");
            std::fs::write(dir.join("index.html"), text).expect("write");
        }
        exchange(&a, &b).expect("exchange");
        assert_eq!(std::fs::read_to_string(a.join("index.html")).expect("a"), "B");
        assert_eq!(std::fs::read_to_string(b.join("index.html")).expect("b"), "A");
        let e = exchange(&a, &tmp.path().join("khong-co")).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
        assert_eq!(std::fs::read_to_string(a.join("index.html")).expect("a"), "B");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_root_is_a_mount_root_and_a_temporary_folder_is_not() {
        let tmp = tempfile::tempdir().expect("tmp");
        // `None` only where the kernel does not tell (before Linux 5.8): then for both.
        match is_mount_root(Path::new("/")) {
            Some(root) => {
                assert!(root);
                assert_eq!(is_mount_root(tmp.path()), Some(false));
            }
            None => assert_eq!(is_mount_root(tmp.path()), None),
        }
        assert_eq!(is_mount_root(&tmp.path().join("khong-co")), None);
    }

    #[cfg(unix)]
    #[test]
    fn poll_readable_tells_which_socket_has_data() {
        use std::io::Write as _;
        use std::os::unix::net::UnixStream;
        let (mut a, b) = UnixStream::pair().expect("pair");
        let (_c, d) = UnixStream::pair().expect("pair");
        let mut fds = [PollFd::new(Some(&b)), PollFd::new(None::<&UnixStream>), PollFd::new(Some(&d))];
        poll_readable(&mut fds, Some(Duration::ZERO)).expect("poll");
        assert!(fds.iter().all(|f| !f.ready()));
        a.write_all(b"x").expect("write");
        let mut fds = [PollFd::new(Some(&b)), PollFd::new(None::<&UnixStream>), PollFd::new(Some(&d))];
        poll_readable(&mut fds, Some(Duration::from_secs(5))).expect("poll");
        assert_eq!(fds.iter().map(PollFd::ready).collect::<Vec<_>>(), [true, false, false]);
    }

    #[cfg(unix)]
    #[test]
    fn write_raw_writes_the_bytes() {
        use std::io::Read as _;
        use std::os::fd::AsRawFd as _;
        let (a, mut b) = std::os::unix::net::UnixStream::pair().expect("pair");
        write_raw(a.as_raw_fd(), "\nĐã dừng.\n".as_bytes());
        drop(a);
        let mut got = String::new();
        b.read_to_string(&mut got).expect("read");
        assert_eq!(got, "\nĐã dừng.\n");
    }

    #[cfg(unix)]
    #[test]
    fn the_signal_numbers_are_the_usual_ones() {
        // The exit codes of an interrupted build are 128 + these (130, 143).
        assert_eq!((SIGINT, SIGTERM), (2, 15));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn huge_pages_are_turned_off_for_the_process() {
        assert!(huge_pages_disabled().is_some());
        disable_huge_pages().expect("prctl");
        assert_eq!(huge_pages_disabled(), Some(true));
    }
}
