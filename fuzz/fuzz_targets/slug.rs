//! `slugify` and `fold`: idempotent, blind to NFC/NFD, slugs only `[a-z0-9-]`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|s: &str| {
    let slug = loa::vi::slugify(s);
    assert_eq!(loa::vi::slugify(&slug), slug);
    assert_eq!(loa::vi::slugify(&loa::vi::nfc(s)), slug);
    assert!(slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
    let f = loa::vi::fold(s);
    assert_eq!(loa::vi::fold(&f), f);
    assert_eq!(loa::vi::fold(&loa::vi::nfc(s)), f);
});
