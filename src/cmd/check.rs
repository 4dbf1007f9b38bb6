//! `loa check`: the build without writing.

use std::path::PathBuf;

use clap::Args;
use loa::build::{BuildOptions, build};
use loa::config::Overrides;

use super::{EXIT_SITE, load_config, print_diagnostics, site_root};

/// Flags of `loa check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Site folder (holding loa.yaml); default: the current folder.
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// Also check pages marked `draft: true`.
    #[arg(long)]
    drafts: bool,
}

impl CheckArgs {
    /// Runs the pipeline, prints every diagnostic; returns the exit code.
    pub fn run(&self) -> u8 {
        let root = site_root(self.root.as_deref());
        let config = match load_config(&root, &Overrides::default()) {
            Ok(c) => c,
            Err(code) => return code,
        };
        match build(&config, BuildOptions { drafts: self.drafts }) {
            Ok(built) => {
                print_diagnostics(&built.warnings);
                println!("Không có lỗi: {} trang, {} cảnh báo.", built.pages, built.warnings.warning_count());
                0
            }
            Err(diags) => {
                print_diagnostics(&diags);
                EXIT_SITE
            }
        }
    }
}
