//! Write stage: the only stage that writes. Checks the output folder is safe to own, builds
//! into a staging folder, and swaps it in only when everything was written.
//!
//! Takes a `BuildOutput` and the output path; gives the number of files written and copied.
//! A failed or interrupted build leaves the previous output exactly as it was. It never deletes
//! a folder that does not carry loa's marker file (unless `--force` says so, and then it keeps
//! the folder's dotfiles: `.git`, `.gitignore`, `CNAME`-like hidden files). Must not be called
//! by `check` or `serve`, which never write.
//!
//! `safety` checks the output path, `lock` holds the locks, `staging` writes (through `fs`,
//! which never follows a link, and `manifest`) and `swap` swaps; `names` are loa's own names
//! in the output. This module holds the entry point and re-exports what the rest of the crate
//! uses; no file of `write/` imports it.

mod fs;
#[cfg(all(test, unix))]
mod link_tests;
mod lock;
mod manifest;
mod names;
mod safety;
mod staging;
mod swap;

use std::path::Path;

use anyhow::Result;
use rayon::prelude::*;

use crate::output::BuildOutput;

pub use lock::{BuildLock, LOCK_FILE, LockError, OutputLock, process_alive};
pub use names::{MARKER, safe_relative};
pub use safety::{UnsafeOutput, check_output_dir, check_output_dir_with};
pub use staging::{Staging, WriteStats, abort_staging, clean_stale, spare_path};

/// Writes a whole `BuildOutput` (files and copies) through a `Staging` and swaps it in. The
/// previous output's top-level dotfiles (`.git`, `.gitignore`, …) are kept.
pub fn write_output(out: &Path, output: &BuildOutput) -> Result<WriteStats> {
    let staging = Staging::open(out)?;
    let written = output.files.par_iter().try_for_each(|(key, bytes)| {
        crate::output::Sink::put(&staging, key, bytes.clone()).map_err(|e| anyhow::anyhow!(e))
    });
    match written {
        Ok(()) => staging.commit(&output.copies, &output.linked),
        Err(e) => {
            staging.abort();
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn force_keeps_dotfiles_and_replaces_the_rest() {
        let tmp = tempfile::tempdir().expect("tmp");
        let out = tmp.path().join("public");
        std::fs::create_dir_all(out.join(".git")).expect("mkdir");
        std::fs::write(out.join(".git/HEAD"), "ref\n").expect("write");
        std::fs::write(out.join(".gitignore"), "x\n").expect("write");
        std::fs::write(out.join("old.html"), "old\n").expect("write");
        assert!(check_output_dir(tmp.path(), &out).is_err());
        assert!(check_output_dir_with(tmp.path(), &out, true).is_ok());
        let mut output = BuildOutput::default();
        output.files.insert("index.html".into(), crate::output::Bytes::new(b"new".to_vec()));
        write_output(&out, &output).expect("write");
        assert_eq!(std::fs::read_to_string(out.join(".git/HEAD")).expect("kept"), "ref\n");
        assert!(out.join(".gitignore").is_file());
        assert!(!out.join("old.html").exists());
        assert!(out.join(MARKER).is_file());
        assert_eq!(std::fs::read(out.join("index.html")).expect("new"), b"new");
    }
}
