//! The `loa` command line: flags → options → library call → exit code.
//!
//! Exit codes: 0 success; 1 errors in the site (content, config, templates); 2 usage or
//! environment errors (bad flag, unsafe output folder).

mod cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// mimalloc: a build allocates and frees millions of small strings and template values from
/// two threads; glibc malloc was about a sixth of a 10,000-article build's CPU time.
#[global_allocator]
static ALLOCATOR: loa::allocator::Mimalloc = loa::allocator::Mimalloc;

/// loa: build a Vietnamese outreach site from Markdown.
#[derive(Debug, Parser)]
#[command(name = "loa", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the site into the output folder (public/ by default).
    Build(cmd::build::BuildArgs),
    /// Run every check of a build without writing anything; print every diagnostic.
    Check(cmd::check::CheckArgs),
    /// Create a page (`loa new bai-viet "Tiêu đề"`) or a whole site (`loa new site DIR`).
    New(cmd::new::NewArgs),
    /// Preview the site: build in memory, serve it, rebuild and reload the browser on every save.
    Serve(cmd::serve::ServeArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Build(args) => {
            loa::allocator::no_huge_pages();
            loa::allocator::return_freed_memory_soon();
            loa::dispose::process_ends_with_build();
            args.run()
        }
        Command::Check(args) => {
            loa::allocator::no_huge_pages();
            loa::allocator::return_freed_memory_soon();
            loa::dispose::process_ends_with_build();
            args.run()
        }
        Command::New(args) => args.run(),
        Command::Serve(args) => {
            loa::allocator::keep_freed_memory();
            args.run()
        }
    };
    ExitCode::from(code)
}
