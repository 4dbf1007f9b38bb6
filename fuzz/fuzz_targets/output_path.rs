//! `write::safe_relative`: an accepted output key never leaves the output folder once joined.
#![no_main]

use std::path::{Component, Path};

use libfuzzer_sys::fuzz_target;

fuzz_target!(|key: &str| {
    if let Some(rel) = loa::write::safe_relative(key) {
        assert!(rel.components().all(|c| matches!(c, Component::Normal(_))));
        let root = Path::new("/srv/out");
        assert!(root.join(rel).starts_with(root));
    }
});
