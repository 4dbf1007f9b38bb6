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
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc.h's `mi_option_e` (the Rust bindings do not name it).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Keeps freed memory in the process instead of giving it back to the system after a second:
/// `loa serve` rebuilds allocate and free the same few hundred MiB again and again, and on a
/// 10,000-article site the kernel zeroing the pages it handed back cost a third of a rebuild.
fn keep_freed_memory() {
    // SAFETY: sets an integer option of the allocator; no pointer is involved.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) }
}

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
        Command::Build(args) => args.run(),
        Command::Check(args) => args.run(),
        Command::New(args) => args.run(),
        Command::Serve(args) => {
            keep_freed_memory();
            args.run()
        }
    };
    ExitCode::from(code)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_purge_delay_option_is_the_one_set() {
        // SAFETY: reads an integer option.
        let default = unsafe { libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY) };
        assert_eq!(default, 1000, "mimalloc v3 (options.c) gives purge_delay a default of 1000 ms");
        super::keep_freed_memory();
        // SAFETY: as above.
        assert_eq!(unsafe { libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY) }, -1);
    }
}
