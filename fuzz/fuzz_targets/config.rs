//! Any loa.yaml text: `Config::parse` never panics, and its errors point into loa.yaml.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let root = std::path::Path::new("/site");
    if let Err(diags) = loa::config::Config::parse(text, root, &Default::default()) {
        for d in diags.iter() {
            if let Some(loc) = &d.location {
                assert!(loc.file == "loa.yaml" || loc.file == "--base-url");
            }
        }
    }
});
