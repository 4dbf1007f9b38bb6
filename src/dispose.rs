//! Freeing large values off the critical path: on a thread of their own (`loa serve`, where
//! a large site's structures take tens of milliseconds to free), or not at all when the
//! process ends with its build (`loa build`, `loa check`), since the system then takes back
//! all of the memory at once. What is left undropped holds memory only: no files, locks or
//! threads.

/// Set once by a command whose process ends with its build (`loa build`, `loa check`).
static ENDS_WITH_BUILD: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Tells [`later`] that the process ends after this build: the system takes back all of
/// its memory at once then, so freeing a large site's structures piece by piece first is work
/// no one needs (and takes processor time from the writing that runs alongside). What is left undropped holds memory only: no files, locks
/// or threads.
pub fn process_ends_with_build() {
    ENDS_WITH_BUILD.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Drops `value` on a thread of its own (a large site's structures take tens of milliseconds
/// to free, which `loa serve` would otherwise add to every reload), or not at all when the
/// process is about to end (see [`process_ends_with_build`]).
pub fn later<T: Send + 'static>(value: T) {
    if ENDS_WITH_BUILD.load(std::sync::atomic::Ordering::Relaxed) {
        std::mem::forget(value);
        return;
    }
    // When no thread can be started, the closure (and the value with it) is dropped here.
    let _ = std::thread::Builder::new().name("loa-drop".into()).spawn(move || drop(value));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_process_that_ends_with_its_build_does_not_free_piece_by_piece() {
        // (The flag stays set for the rest of this test process: values given to
        // `drop_later` by other tests are then left for the process's end, which is harmless.)
        let kept = std::sync::Arc::new(());
        process_ends_with_build();
        later(std::sync::Arc::clone(&kept));
        // A drop on another thread would have happened well within this time.
        std::thread::sleep(std::time::Duration::from_millis(200));
        assert_eq!(std::sync::Arc::strong_count(&kept), 2, "the value was dropped");
    }
}
