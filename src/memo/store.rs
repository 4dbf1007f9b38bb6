//! One store of the reuse layer: the results the last build kept, keyed by fingerprints of
//! their inputs, and the results this build uses (which become the next build's).
//!
//! Takes: keys and the functions that make values. Gives: the kept value or a new one.
//! Must not: know what its values are, or touch the file system (`disk.rs` keeps stores on disk).

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

/// One kind of reused result: what the last build kept, and what this build uses.
#[derive(Debug)]
pub struct Store<T> {
    /// False for a store the caller does not keep ([`super::Memo::persistent`]'s others):
    /// `make()`.
    pub(super) active: bool,
    /// What the last good build used, by key: what this build may reuse.
    pub(super) previous: Mutex<HashMap<u64, T>>,
    /// What this build has used so far, by key: the next build's `previous` if it succeeds.
    pub(super) current: Mutex<HashMap<u64, T>>,
    /// Values this build took from `previous`.
    hits: std::sync::atomic::AtomicUsize,
    /// `hits` of the last finished build.
    last_hits: std::sync::atomic::AtomicUsize,
}

impl<T> Default for Store<T> {
    fn default() -> Self {
        Store {
            active: true,
            previous: Mutex::new(HashMap::new()),
            current: Mutex::new(HashMap::new()),
            hits: Default::default(),
            last_hits: Default::default(),
        }
    }
}

impl<T: Clone> Store<T> {
    /// The value for `key`: from the last build if it had it, else `make()`. Either way it is
    /// kept for the next build.
    pub fn get_or(&self, key: u64, make: impl FnOnce() -> T) -> T {
        let hit = self.previous.lock().unwrap_or_else(PoisonError::into_inner).get(&key).cloned();
        if hit.is_some() {
            self.hits.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        let value = hit.unwrap_or_else(make);
        self.current.lock().unwrap_or_else(PoisonError::into_inner).insert(key, value.clone());
        value
    }

    /// [`Store::get_or`] for a fallible `make`: a failure is returned and not kept.
    pub fn try_get_or<E>(&self, key: u64, make: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
        self.try_get_checked_or(key, |_| true, make)
    }

    /// [`Store::try_get_or`] where the last build's value is taken only when `still(value)`
    /// (it read something the key does not cover, and that is the same).
    pub fn try_get_checked_or<E>(
        &self,
        key: u64,
        still: impl FnOnce(&T) -> bool,
        make: impl FnOnce() -> Result<T, E>,
    ) -> Result<T, E> {
        let hit = self
            .previous
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
            .cloned()
            .filter(|v| still(v));
        let value = match hit {
            Some(v) => {
                self.hits.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                v
            }
            None => make()?,
        };
        self.current.lock().unwrap_or_else(PoisonError::into_inner).insert(key, value.clone());
        Ok(value)
    }

    /// Ends a build: what it used becomes what the next build can reuse.
    pub(super) fn rotate(&self)
    where
        T: Send + 'static,
    {
        let used = std::mem::take(&mut *self.current.lock().unwrap_or_else(PoisonError::into_inner));
        let old = std::mem::replace(&mut *self.previous.lock().unwrap_or_else(PoisonError::into_inner), used);
        crate::dispose::later(old);
        self.end_build();
    }

    /// Forgets what the current build kept (it failed): the last good build's entries stay.
    pub(super) fn discard(&self) {
        self.current.lock().unwrap_or_else(PoisonError::into_inner).clear();
        self.end_build();
    }

    /// Keeps every entry of the last build for the next one, as if this build had used them
    /// (a load that reused the last build's texts without looking them up).
    pub(super) fn keep_previous(&self) {
        let previous = self.previous.lock().unwrap_or_else(PoisonError::into_inner).clone();
        let mut current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        for (k, v) in previous {
            current.entry(k).or_insert(v);
        }
    }

    fn end_build(&self) {
        let hits = self.hits.swap(0, std::sync::atomic::Ordering::Relaxed);
        self.last_hits.store(hits, std::sync::atomic::Ordering::Relaxed);
    }

    /// How many values the last finished build took from the build before it.
    pub fn reused(&self) -> usize {
        self.last_hits.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Entries the last finished build kept.
    pub fn len(&self) -> usize {
        self.previous.lock().unwrap_or_else(PoisonError::into_inner).len()
    }

    /// True when the last finished build kept nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
