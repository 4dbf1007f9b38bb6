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

/// `mi_option_purge_delay` in mimalloc.h's `mi_option_e` (the Rust bindings do not name it).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
/// `mi_option_allow_thp` in the same enum.
const MI_OPTION_ALLOW_THP: libmimalloc_sys::mi_option_t = 43;

/// Keeps freed memory in the process instead of giving it back to the system after a second:
/// `loa serve` rebuilds allocate and free the same few hundred MiB again and again, and on a
/// 10,000-article site the kernel zeroing the pages it handed back cost a third of a rebuild.
fn keep_freed_memory() {
    // SAFETY: sets an integer option of the allocator; no pointer is involved.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) }
}

/// Gives freed memory back to the system after 100 ms instead of mimalloc's 1 s: a build frees
/// the sources, then the Markdown, on its way, and holding them made its peak memory a tenth
/// higher (measured on the 10,000-article corpus). Not sooner: rendering goes in steps of
/// about 13 ms (a chunk of pages beside the search index's chunk of tokens), and memory given
/// back after 10 ms was mostly taken again by the next step, a page fault for every 4 KiB
/// (10,000 articles, medians of 6: 90 k faults against 71 k, 1.215 s against 1.185 s, peak
/// 215 against 219 MiB).
fn return_freed_memory_soon() {
    // SAFETY: as in `keep_freed_memory`.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 100) }
}

/// Turns transparent huge pages off for this process (`loa build`, `loa check`). mimalloc asks
/// for them on its arenas, and where the system grants them on request (`madvise`, the usual
/// setting) every first touch of a 2 MiB page had the kernel zero all of it: on the
/// 10,000-article corpus that was a quarter of the build's processor time (system time
/// 1.1–1.5 s → 0.4 s) and 50 MiB more memory. `loa serve` keeps them: it keeps its memory
/// between rebuilds, pays for the zeroing once, and its rebuilds were 40 ms faster with them.
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and only sets a flag of this process.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
    // SAFETY: as in `keep_freed_memory`. (Also stops mimalloc's `madvise` on new arenas.)
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_ALLOW_THP, 0) }
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
        Command::Build(args) => {
            no_huge_pages();
            return_freed_memory_soon();
            loa::cache::process_ends_with_build();
            args.run()
        }
        Command::Check(args) => {
            no_huge_pages();
            return_freed_memory_soon();
            loa::cache::process_ends_with_build();
            args.run()
        }
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
        super::return_freed_memory_soon();
        // SAFETY: as above.
        assert_eq!(unsafe { libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY) }, 100);
    }

    #[test]
    fn huge_pages_are_turned_off() {
        // SAFETY: reads an integer option.
        let default = unsafe { libmimalloc_sys::mi_option_get(super::MI_OPTION_ALLOW_THP) };
        assert_eq!(default, 1, "mimalloc v3 gives allow_thp (index 43) a default of 1");
        super::no_huge_pages();
        // SAFETY: as above.
        assert_eq!(unsafe { libmimalloc_sys::mi_option_get(super::MI_OPTION_ALLOW_THP) }, 0);
        #[cfg(target_os = "linux")]
        // SAFETY: PR_GET_THP_DISABLE reads a flag of this process.
        assert_eq!(unsafe { libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0) }, 1);
    }
}
