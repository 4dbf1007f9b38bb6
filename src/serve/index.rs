//! The search index of a served site, built after the reload: on a thread of its own, once
//! the site has been still for [`INDEX_DELAY`], given up when a newer build starts, and kept
//! when the next build's documents are the same.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::server::{Hub, Snapshot};

/// How long the site must stay still after a reload before its search index is built: the
/// index takes a few times longer than the rebuild on a large site, and while an editor keeps
/// saving, each reload should not share the processor with the index of the last one.
pub const INDEX_DELAY: Duration = Duration::from_millis(1000);

/// The search index being built (or built) for one served snapshot.
pub(super) struct IndexJob {
    /// The snapshot it is for (the index files go into it when nothing newer is served).
    pub(super) site: Arc<Snapshot>,
    /// Its documents.
    pub(super) docs: Arc<Vec<crate::search::SearchDoc>>,
    /// Fingerprint of `docs`, once the index thread has computed it: the next build reuses the
    /// index when its documents are the same.
    pub(super) fingerprint: Arc<std::sync::OnceLock<u64>>,
    /// Set once the index files are in the served snapshot.
    pub(super) done: Arc<std::sync::atomic::AtomicBool>,
}

/// Builds the search index of `site` on a thread of its own; its files go into the served
/// snapshot when it is still `site`. Gives up when another build starts (`build_serial`
/// moves). When the documents have the fingerprint `indexed` (those of the index `site`
/// already holds, carried over from the last snapshot), that index stays and nothing is built.
pub(super) fn spawn(
    site: Arc<Snapshot>,
    docs: Arc<Vec<crate::search::SearchDoc>>,
    indexed: Option<u64>,
    build_serial: &Arc<AtomicU64>,
    shared: &Arc<Hub>,
) -> IndexJob {
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let fingerprint = Arc::new(std::sync::OnceLock::new());
    let job = IndexJob {
        site: Arc::clone(&site),
        docs: Arc::clone(&docs),
        fingerprint: Arc::clone(&fingerprint),
        done: Arc::clone(&done),
    };
    let serial = build_serial.load(Ordering::SeqCst);
    let counter = Arc::clone(build_serial);
    let shared_for_failure = Arc::clone(shared);
    let shared = Arc::clone(shared);
    shared.indexing.fetch_add(1, Ordering::SeqCst);
    let spawned = std::thread::Builder::new().name("loa-index".into()).spawn(move || {
        let cancelled = || counter.load(Ordering::SeqCst) != serial;
        // Hashing the documents takes a few milliseconds: here, not before the reload.
        let print = *fingerprint.get_or_init(|| crate::fingerprint::of(&*docs));
        if indexed == Some(print) {
            done.store(true, Ordering::SeqCst);
            shared.indexing.fetch_sub(1, Ordering::SeqCst);
            return;
        }
        // An editor saving again and again gets the next reload first: the index waits
        // until the site has been still for a moment.
        let waited = Instant::now();
        while waited.elapsed() < INDEX_DELAY && !cancelled() {
            std::thread::sleep(Duration::from_millis(20));
        }
        if !cancelled()
            && let Some(files) = crate::search::build_index_unless(&docs, &cancelled)
            && shared.replace_index(&site, files)
        {
            done.store(true, Ordering::SeqCst);
        }
        shared.indexing.fetch_sub(1, Ordering::SeqCst);
    });
    if spawned.is_err() {
        // No thread to spare: the last index stays served until the next build.
        shared_for_failure.indexing.fetch_sub(1, Ordering::SeqCst);
    }
    job
}

/// The search index files of a snapshot.
pub(super) fn index_files(site: &Snapshot) -> impl Iterator<Item = (&String, &crate::render::Bytes)> {
    site.files.iter().filter(|(k, _)| crate::search::is_index_file(k))
}
