//! Fixture sites with expected output trees, and invalid sites with expected diagnostics.

use crate::harness::{check_invalid, check_site, sites_dir};

macro_rules! sites {
    ($($name:ident => $dir:literal),* $(,)?) => {
        $( #[test] fn $name() { check_site($dir); } )*
        const SITES: &[&str] = &[$($dir),*];
    };
}

macro_rules! invalid {
    ($($name:ident => $dir:literal),* $(,)?) => {
        mod invalid {
            use super::check_invalid;
            $( #[test] fn $name() { check_invalid($dir); } )*
        }
        const INVALID: &[&str] = &[$($dir),*];
    };
}

sites! {
    basic => "basic",
    drafts_included_with_flag => "drafts",
    base_url_with_path => "base-path",
}

invalid! {
    malformed_yaml => "malformed-yaml",
    unknown_front_matter_key => "unknown-key",
    unclosed_front_matter => "unclosed-front-matter",
    bad_date => "bad-date",
    missing_internal_link => "missing-link",
    missing_anchor => "missing-anchor",
    template_syntax_error => "template-syntax",
    template_unknown_variable => "template-variable",
    route_collision => "route-collision",
    unknown_audience => "unknown-audience",
    config_unknown_key => "config-unknown-key",
    missing_theme => "missing-theme",
    several_errors_reported_together => "several-errors",
}

/// Every fixture folder has a test, so a new fixture cannot be silently skipped.
#[test]
fn every_fixture_is_listed() {
    let dirs = |p: std::path::PathBuf| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(p)
            .expect("read")
            .flatten()
            .filter(|e| e.path().is_dir())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n != "invalid")
            .collect();
        v.sort();
        v
    };
    let mut sites: Vec<String> = SITES.iter().map(|s| s.to_string()).collect();
    sites.sort();
    assert_eq!(dirs(sites_dir()), sites);
    let mut invalid: Vec<String> = INVALID.iter().map(|s| s.to_string()).collect();
    invalid.sort();
    assert_eq!(dirs(sites_dir().join("invalid")), invalid);
}
