//! loa: a static-site generator for Vietnamese outreach content.
//!
//! ```text
//! loa.yaml ─► Config
//! content/ ─load─► Vec<Source> ─parse─► Vec<Parsed> ─assemble─► Site
//! Site ─markdown (rayon)─► Vec<Rendered>        (indexed like Site::pages; Documents never mutate)
//! (Site, Rendered) ─validate─► Diagnostics      (links, anchors)
//! (Site, Rendered, Templates) ─render (rayon)─► BuildOutput { files, copies }
//! BuildOutput ─write─► public/                  (the only stage that writes)
//! ```
//! The library never prints; the binary (`src/main.rs`, `src/cmd/`) does.

#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod allocator;
pub mod assemble;
pub mod assets;
pub mod build;
pub mod bulletin;
pub mod check;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod dispose;
pub mod fingerprint;
pub mod i18n;
pub mod load;
pub mod markdown;
pub mod media;
pub mod memo;
pub mod minify;
pub mod names;
pub mod output;
pub mod parse;
pub mod render;
pub mod scaffold;
pub mod scan;
pub mod search;
pub mod serve;
pub mod sys;
pub mod theme;
pub mod url;
pub mod validate;
pub mod vi;
pub mod write;

#[cfg(test)]
mod testing;
