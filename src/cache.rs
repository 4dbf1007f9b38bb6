//! Results of the last build, reused by the next one (`loa serve`): parsed files keyed by
//! their text, rendered bodies keyed by their Markdown and everything it links to. Each build reads what the previous build
//! stored and stores what it used, so the cache never holds more than one build's worth.
//!
//! Keys are 64-bit hashes of the inputs (a collision would serve a stale page until the next
//! edit; with 64 bits over a few tens of thousands of entries that is not a practical risk).
//! Holds no file system: plain maps behind mutexes, and the last loaded templates.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use crate::content::Parsed;
use crate::markdown::Rendered;

/// One kind of cached result: what the last build stored, and what this build uses.
#[derive(Debug)]
pub struct Store<T> {
    previous: Mutex<HashMap<u64, T>>,
    current: Mutex<HashMap<u64, T>>,
    hits: std::sync::atomic::AtomicUsize,
    last_hits: std::sync::atomic::AtomicUsize,
}

impl<T> Default for Store<T> {
    fn default() -> Self {
        Store {
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

    /// Like [`Store::get_or`] for a fallible `make`: a failure is returned and not stored.
    pub fn try_get_or<E>(&self, key: u64, make: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
        let hit = self.previous.lock().unwrap_or_else(PoisonError::into_inner).get(&key).cloned();
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
    fn rotate(&self)
    where
        T: Send + 'static,
    {
        let used = std::mem::take(&mut *self.current.lock().unwrap_or_else(PoisonError::into_inner));
        let old = std::mem::replace(&mut *self.previous.lock().unwrap_or_else(PoisonError::into_inner), used);
        crate::dispose::later(old);
        self.end_build();
    }

    /// Forgets what the current build stored (it failed): the last good build's entries stay.
    fn discard(&self) {
        self.current.lock().unwrap_or_else(PoisonError::into_inner).clear();
        self.end_build();
    }

    /// Keeps every entry of the last build for the next one, as if this build had used them
    /// (the load reused the last build's texts without looking them up).
    pub fn keep_previous(&self) {
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

    /// Entries the last finished build stored.
    pub fn len(&self) -> usize {
        self.previous.lock().unwrap_or_else(PoisonError::into_inner).len()
    }

    /// True when the last finished build stored nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Everything a build can reuse from the build before it.
#[derive(Debug, Default)]
pub struct BuildCache {
    /// Markdown files' texts, keyed by path and metadata (`load::stable_key`).
    pub sources: Store<Option<crate::content::Source>>,
    /// Parsed files, keyed by path and text.
    /// (Shared: a hit costs one copy, into the build, not two.)
    pub parsed: Store<std::sync::Arc<Result<Parsed, crate::diagnostics::Diagnostics>>>,
    /// Rendered bodies, keyed by body, options and the link/citation registries.
    pub rendered: Store<std::sync::Arc<Rendered>>,
    /// Rendered output files, keyed by template, global context and views.
    pub outputs: Store<crate::render::Bytes>,
    /// What the last load found (files and texts), for a load told which files changed since.
    pub last_load: Mutex<Option<crate::load::Loaded>>,
    /// The files changed since the last load, when the caller knows them all (`loa serve`'s
    /// watcher compares a hash of every watched file); taken by the next load.
    pub changed: Mutex<Option<KnownChanges>>,
    /// The templates the last build loaded, reused while no template, theme file or `loa.yaml`
    /// changed (reading them is 5 ms, 30 ms after the machine has idled).
    pub templates: Mutex<Option<crate::render::templates::Templates>>,
}

/// Files changed since the last load, as far as the caller knows.
#[derive(Debug, Clone, Default)]
pub struct KnownChanges {
    /// Files whose content changed (absolute paths).
    pub modified: Vec<std::path::PathBuf>,
    /// Files were added or removed (the folders must be walked again).
    pub added_or_removed: bool,
}

impl BuildCache {
    /// Tells the next load which files changed since the last one: it then reads only those,
    /// instead of walking the folders and checking every file (10,000 `stat`s: 20 ms, and
    /// 100 ms after the machine has been idle for a few seconds).
    pub fn expect_changes(&self, changes: KnownChanges) {
        *self.changed.lock().unwrap_or_else(PoisonError::into_inner) = Some(changes);
    }

    /// The last build's templates, when the known changes cannot have touched them (only files
    /// outside `templates/` and `themes/`, and not `loa.yaml`, changed).
    pub fn unchanged_templates(&self) -> Option<crate::render::templates::Templates> {
        let changed = self.changed.lock().unwrap_or_else(PoisonError::into_inner);
        let known = changed.as_ref().filter(|c| !c.added_or_removed && !c.modified.is_empty())?;
        let touches = |p: &std::path::Path| {
            p.file_name().is_some_and(|n| n == crate::config::CONFIG_FILE)
                || p.components().any(|c| c.as_os_str() == "templates" || c.as_os_str() == "themes")
        };
        if known.modified.iter().any(|p| touches(p)) {
            return None;
        }
        self.templates.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Called when a build succeeded: its entries replace the old ones.
    pub fn rotate(&self) {
        self.sources.rotate();
        self.parsed.rotate();
        self.rendered.rotate();
        self.outputs.rotate();
    }

    /// Called when a build failed: the last good build's entries stay.
    pub fn discard(&self) {
        self.sources.discard();
        self.parsed.discard();
        self.rendered.discard();
        self.outputs.discard();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reuses_only_the_last_builds_entries() {
        let store: Store<String> = Store::default();
        let made = std::cell::Cell::new(0);
        let get = |k: u64| {
            store.get_or(k, || {
                made.set(made.get() + 1);
                format!("v{k}")
            })
        };
        assert_eq!(get(1), "v1");
        store.rotate();
        assert_eq!(get(1), "v1");
        assert_eq!(made.get(), 1, "second build reused the first's value");
        store.rotate();
        store.rotate();
        assert_eq!(get(1), "v1");
        assert_eq!(made.get(), 2, "an entry unused by one build is dropped");
    }
}
