//! Locks: one build writes a site at a time.
//!
//! Takes the site root; gives a held lock (`.loa.lock`, holding the PID of the build that
//! writes), released when dropped. Must not touch the output folder.

use std::io::Write as _;
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
    /// The lock file could not be created.
    Io(String),
}

impl std::fmt::Display for LockError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LockError::Held { pid } => {
                write!(f, "một lệnh loa build khác (pid {pid}) đang ghi trang này ({LOCK_FILE})")
            }
            LockError::Io(e) => write!(f, "không tạo được {LOCK_FILE}: {e}"),
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
}
