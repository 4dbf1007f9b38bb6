//! Integration tests: the real `loa` binary on fixture sites (see ARCHITECTURE §8).
//!
//! `tests/sites/<case>/` is a site plus `expected/`, the exact output tree; an optional `args`
//! file holds extra flags. `tests/sites/invalid/<case>/` is a broken site plus
//! `expected.stderr` (the exact diagnostics) and optional `expected.code` (default 1).
//! Set `LOA_BLESS=1` to rewrite the expected files from the current output (then review the diff).

mod approval;
mod bulletin;
mod catalogue;
mod ci_cache;
mod cli;
mod editor;
mod editor_small;
mod guide;
mod harness;
mod hostile_content;
mod hostile_output;
mod hostile_serve;
mod i18n;
mod images;
mod install;
mod languages;
mod layout;
mod memo;
mod metadata;
mod output_safety;
mod properties;
mod scaffold;
mod search_js;
mod serve;
mod serve_browser;
mod serve_http;
mod serve_recovery;
mod serve_watch;
mod sites;
mod template_docs;
mod theme;
