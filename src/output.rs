//! Where a build's output files go: the `Sink` every stage that makes files writes to, and the
//! values that describe a whole output. At the bottom of the tree: the stages that make files
//! (render, the search index) and the ones that store them (write's staging folder, memory for
//! `check` and `serve`) both depend on it, and it depends on nothing. Whether bytes land on
//! disk or in memory is the caller's choice of sink.

use std::collections::BTreeMap;
use std::path::PathBuf;

/// Everything a build produces, before it is written.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct BuildOutput {
    /// Output path (`bai-viet/x/index.html`) → bytes.
    pub files: BTreeMap<String, Bytes>,
    /// Output path → file to copy as is (static files, bundle assets).
    pub copies: BTreeMap<String, PathBuf>,
    /// The output paths among `copies` whose file is loa's own in its cache (a made image: named
    /// by its content, never changed in place once written, checked before each build): the
    /// output may share it (a hard link) instead of holding a copy of its bytes. Each with the
    /// file's state as its cache checked it in this build: the write stage needs no other look
    /// at the cache's file.
    pub linked: BTreeMap<String, FileState>,
}

/// What says a file is as it was: device, inode, size, modification time in nanoseconds.
pub type FileState = (u64, u64, u64, i128);

/// The bytes of one output file, shared (not copied) between the sink and `loa serve`'s cache
/// of rendered outputs.
pub type Bytes = std::sync::Arc<Vec<u8>>;

/// Where rendered files go as soon as they are rendered: the staging folder of `loa build`
/// (`write::Staging`), or memory for `check` and `serve` (`MemorySink`).
pub trait Sink: Sync {
    /// Stores one output file (`bai-viet/x/index.html`). An error is an I/O problem of the
    /// sink (disk full…), reported as is.
    fn put(&self, path: &str, bytes: Bytes) -> Result<(), String>;
}

/// Keeps every output file in memory.
#[derive(Debug, Default)]
pub struct MemorySink(std::sync::Mutex<BTreeMap<String, Bytes>>);

impl MemorySink {
    /// The files stored.
    pub fn into_files(self) -> BTreeMap<String, Bytes> {
        self.0.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Sink for MemorySink {
    fn put(&self, path: &str, bytes: Bytes) -> Result<(), String> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(path.to_string(), bytes);
        Ok(())
    }
}
