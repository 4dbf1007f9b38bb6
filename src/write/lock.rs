//! Locks: one build writes a site at a time, and one build writes an output folder at a time.
//!
//! Takes the site root or the output path; gives a held lock, released when dropped: the site's
//! `.loa.lock` (holding the PID of the build that writes), and the output folder's lock
//! (`flock(2)` on `.public.loa-lock` beside the folder, or `.loa-lock` inside it when it is a
//! mount point), which covers the folder with its staging and spare folders whichever site is
//! built into it. Must not touch the output folder's contents.

use std::io::{Read as _, Seek as _, Write as _};
use std::path::{Path, PathBuf};

/// The lock file of a site root: one build writes at a time.
pub const LOCK_FILE: &str = ".loa.lock";

/// A held build lock; removed when dropped.
#[derive(Debug)]
pub struct BuildLock {
    path: PathBuf,
}

/// Why the lock could not be taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockError {
    /// Another live process holds it.
    Held {
        /// Its process id.
        pid: u32,
    },
    /// Another build holds the output folder's lock.
    OutputHeld {
        /// Its process id, when the lock file tells it.
        pid: Option<u32>,
        /// The lock file's name (`.public.loa-lock`).
        lock: String,
    },
    /// The lock file could not be created.
    Io(String),
}

impl std::fmt::Display for LockError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LockError::Held { pid } => {
                write!(f, "một lệnh loa build khác (pid {pid}) đang ghi trang này ({LOCK_FILE})")
            }
            LockError::OutputHeld { pid, lock } => {
                let pid = pid.map_or_else(|| "không rõ".to_string(), |p| p.to_string());
                write!(f, "một lệnh loa build khác (pid {pid}) đang ghi thư mục xuất này ({lock})")
            }
            LockError::Io(e) => write!(f, "không tạo được tệp khóa: {e}"),
        }
    }
}

impl BuildLock {
    /// Takes `<root>/.loa.lock`, waiting up to `wait` for a live holder; a lock left by a dead
    /// process is taken over.
    pub fn acquire(root: &Path, wait: std::time::Duration) -> Result<BuildLock, LockError> {
        let path = root.join(LOCK_FILE);
        let start = std::time::Instant::now();
        loop {
            match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut f) => {
                    let _ = writeln!(f, "{}", std::process::id());
                    return Ok(BuildLock { path });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let holder =
                        std::fs::read_to_string(&path).ok().and_then(|t| t.trim().parse::<u32>().ok());
                    match holder {
                        Some(pid) if process_alive(pid) && pid != std::process::id() => {
                            if start.elapsed() >= wait {
                                return Err(LockError::Held { pid });
                            }
                        }
                        // Dead holder, or a lock being written right now (no PID yet): a
                        // half-written file older than a moment is stale too.
                        None if start.elapsed() < std::time::Duration::from_millis(200) => {}
                        _ => {
                            let _ = std::fs::remove_file(&path);
                            continue;
                        }
                    }
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                Err(e) => return Err(LockError::Io(e.to_string())),
            }
        }
    }

    /// Where the lock file is.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for BuildLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The held lock of an output folder. The kernel releases it when the process ends, however
/// it ends; dropping it also removes the file (while still holding it, see `acquire`).
#[derive(Debug)]
pub struct OutputLock {
    path: PathBuf,
    _file: std::fs::File,
}

impl OutputLock {
    /// Where the lock of `out` is: `.<name>.loa-lock` beside it, or `.loa-lock` inside it when
    /// it is a mount point (its parent may be read-only or another file system).
    pub fn path_for(out: &Path) -> PathBuf {
        if super::fs::is_mount_point(out) {
            return out.join(super::names::INSIDE_LOCK);
        }
        let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        out.with_file_name(format!(".{name}.loa-lock"))
    }

    /// Takes the lock of the output folder `out`, waiting up to `wait` for another build to
    /// release it. Creates the folder's parent if needed (nothing else).
    pub fn acquire(out: &Path, wait: std::time::Duration) -> Result<OutputLock, LockError> {
        let path = Self::path_for(out);
        let io = |e: std::io::Error| LockError::Io(format!("{}: {e}", path.display()));
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        let start = std::time::Instant::now();
        loop {
            // Never through a symlink planted at the lock's name.
            if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
                std::fs::remove_file(&path).map_err(io)?;
            }
            let mut file = open_nofollow(&path).map_err(io)?;
            // Without waiting: true when taken, false when another holds it.
            if crate::sys::lock_exclusive(&file, false).map_err(io)? {
                // The last holder removes the file while holding it: a lock taken on a file
                // that is no longer at `path` locks nothing; take the new one.
                if !same_file(&file, &path) {
                    continue;
                }
                let pid = std::process::id();
                let written = file.set_len(0).and_then(|()| file.write_all(format!("{pid}\n").as_bytes()));
                written.map_err(io)?;
                return Ok(OutputLock { path, _file: file });
            }
            if start.elapsed() >= wait {
                let mut text = String::new();
                let _ = file.rewind().and_then(|_| file.read_to_string(&mut text));
                let lock = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                return Err(LockError::OutputHeld { pid: text.trim().parse().ok(), lock });
            }
            drop(file);
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }

    /// Where the lock file is.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        // Removed while still held (the file closes after this): a build waiting on it finds
        // its lock on a removed file and opens the new one.
        let _ = std::fs::remove_file(&self.path);
    }
}

fn open_nofollow(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o644);
    }
    crate::sys::open_no_follow(&options, path)
}

/// True when the open `file` is the one at `path` now.
fn same_file(file: &std::fs::File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        match (file.metadata(), std::fs::symlink_metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (file, path);
        true
    }
}

/// True when a process with this id exists.
pub fn process_alive(pid: u32) -> bool {
    #[cfg(target_os = "linux")]
    {
        Path::new(&format!("/proc/{pid}")).exists()
    }
    #[cfg(not(target_os = "linux"))]
    {
        // Without /proc, assume alive: a stale lock is then reported with its PID.
        let _ = pid;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_is_exclusive_and_taken_over_from_dead_holders() {
        let tmp = tempfile::tempdir().expect("tmp");
        let lock = BuildLock::acquire(tmp.path(), std::time::Duration::ZERO).expect("first");
        assert!(tmp.path().join(LOCK_FILE).is_file());
        drop(lock);
        assert!(!tmp.path().join(LOCK_FILE).exists());
        // PID 1 is alive (init); a PID beyond pid_max is not.
        std::fs::write(tmp.path().join(LOCK_FILE), "1\n").expect("write");
        let e = BuildLock::acquire(tmp.path(), std::time::Duration::from_millis(100)).unwrap_err();
        assert_eq!(e, LockError::Held { pid: 1 });
        std::fs::write(tmp.path().join(LOCK_FILE), "4999999\n").expect("write");
        assert!(BuildLock::acquire(tmp.path(), std::time::Duration::ZERO).is_ok());
    }

    #[test]
    fn output_lock_is_exclusive_names_its_holder_and_is_removed_when_released() {
        let tmp = tempfile::tempdir().expect("tmp");
        let out = tmp.path().join("ra/public");
        let lock = OutputLock::acquire(&out, std::time::Duration::ZERO).expect("first");
        assert_eq!(lock.path(), tmp.path().join("ra/.public.loa-lock"));
        assert_eq!(std::fs::read_to_string(lock.path()).expect("pid"), format!("{}\n", std::process::id()));
        // flock(2) locks are per open file: a second open in this process is refused too.
        let e = OutputLock::acquire(&out, std::time::Duration::from_millis(120)).unwrap_err();
        assert_eq!(
            e,
            LockError::OutputHeld { pid: Some(std::process::id()), lock: ".public.loa-lock".into() }
        );
        drop(lock);
        assert!(!tmp.path().join("ra/.public.loa-lock").exists());
        // A lock file left by a dead process (no flock held) is simply taken.
        std::fs::write(tmp.path().join("ra/.public.loa-lock"), "4999999\n").expect("write");
        assert!(OutputLock::acquire(&out, std::time::Duration::ZERO).is_ok());
    }
}
