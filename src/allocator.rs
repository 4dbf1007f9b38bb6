//! The global allocator of the `loa` binary (and of the examples that time it): mimalloc.
//!
//! Takes: the standard library's allocation calls, and the binary's choice of memory policy.
//! Gives: mimalloc blocks, and mimalloc's options set for `loa build` or `loa serve`. Must not:
//! be used by the library itself (its tests run under the system allocator); `main.rs`
//! installs the allocator and picks the options.

/// mimalloc's plain calls for alignments every mimalloc block has, its aligned calls for the
/// rest. (The `mimalloc` crate calls `mi_malloc_aligned` for everything. Past 1 KiB, for a
/// size that is not a power of two, mimalloc v3 then takes a slow path that allocates
/// `size + align - 1`: a String or Vec of 1–64 KiB, the bodies and pages of a build.)
pub struct Mimalloc;

/// The alignment of every block `mi_malloc` gives: block sizes are multiples of 8 bytes and
/// pages start at a multiple of 16 (mimalloc v3, `arena.c`, `mi_page_block_start`).
const PLAIN_ALIGN: usize = 8;

// SAFETY: every pointer given out comes from mimalloc with the layout's size and an
// alignment at least the layout's (see `PLAIN_ALIGN`); `dealloc` and `realloc` get only such
// pointers, which mimalloc frees and resizes whichever call made them.
unsafe impl std::alloc::GlobalAlloc for Mimalloc {
    #[inline]
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        // SAFETY: mimalloc's allocation calls take any size and a power-of-two alignment.
        unsafe {
            if layout.align() <= PLAIN_ALIGN {
                libmimalloc_sys::mi_malloc(layout.size()).cast()
            } else {
                libmimalloc_sys::mi_malloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        // SAFETY: as in `alloc`.
        unsafe {
            if layout.align() <= PLAIN_ALIGN {
                libmimalloc_sys::mi_zalloc(layout.size()).cast()
            } else {
                libmimalloc_sys::mi_zalloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: std::alloc::Layout) {
        // SAFETY: `ptr` came from this allocator (the caller's contract), so from mimalloc.
        unsafe { libmimalloc_sys::mi_free(ptr.cast()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as in `dealloc`; the new block keeps the layout's alignment as in `alloc`.
        unsafe {
            if layout.align() <= PLAIN_ALIGN {
                libmimalloc_sys::mi_realloc(ptr.cast(), new_size).cast()
            } else {
                libmimalloc_sys::mi_realloc_aligned(ptr.cast(), new_size, layout.align()).cast()
            }
        }
    }
}

/// `mi_option_purge_delay` in mimalloc.h's `mi_option_e` (the Rust bindings do not name it).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
/// `mi_option_allow_thp` in the same enum.
const MI_OPTION_ALLOW_THP: libmimalloc_sys::mi_option_t = 43;

/// Keeps freed memory in the process instead of giving it back to the system after a second:
/// `loa serve` rebuilds allocate and free the same few hundred MiB again and again, and on a
/// 10,000-article site the kernel zeroing the pages it handed back cost a third of a rebuild.
pub fn keep_freed_memory() {
    // SAFETY: sets an integer option of the allocator; no pointer is involved.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) }
}

/// Gives freed memory back to the system after 100 ms instead of mimalloc's 1 s: a build frees
/// the sources, then the Markdown, on its way, and holding them raises its peak memory. Not
/// much sooner: rendering goes in steps of some milliseconds (a chunk of pages beside the
/// search index's chunk of tokens), and memory given back sooner is mostly taken again by the
/// next step, a page fault for every 4 KiB. (The measurements: benches/results/HISTORY.md.)
pub fn return_freed_memory_soon() {
    // SAFETY: as in `keep_freed_memory`.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 100) }
}

/// Turns transparent huge pages off for this process (`loa build`, `loa check`). mimalloc asks
/// for them on its arenas, and where the system grants them on request (`madvise`, the usual
/// setting) every first touch of a 2 MiB page has the kernel zero all of it, which costs a
/// large share of a build's processor time and memory it never uses. `loa serve` keeps them:
/// it keeps its memory between rebuilds, pays for the zeroing once, and rebuilds faster.
pub fn no_huge_pages() {
    // A system without the setting (not Linux, or a kernel before 3.15) keeps its pages.
    let _ = crate::sys::disable_huge_pages();
    // SAFETY: as in `keep_freed_memory`. (Also stops mimalloc's `madvise` on new arenas.)
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_ALLOW_THP, 0) }
}

#[cfg(test)]
mod tests {
    /// Every block the allocator gives has the layout's alignment and keeps its bytes through
    /// `realloc`, for the sizes around mimalloc's size classes and alignments 1 to 4 KiB.
    #[test]
    fn blocks_are_aligned_and_keep_their_bytes() {
        use std::alloc::{GlobalAlloc, Layout};
        let a = super::Mimalloc;
        let sizes = (1..=64).chain((65..=9000).step_by(37)).chain([65_535, 65_536, 1 << 20, (1 << 20) + 3]);
        for size in sizes {
            for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
                let layout = Layout::from_size_align(size, align).expect("layout");
                // SAFETY: a non-zero size; each block is written within its size, read back,
                // resized with the same layout and freed once.
                unsafe {
                    let zeroed = a.alloc_zeroed(layout);
                    assert!(!zeroed.is_null());
                    assert_eq!(zeroed as usize % align, 0, "alloc_zeroed({size}, {align})");
                    assert!(std::slice::from_raw_parts(zeroed, size).iter().all(|&b| b == 0));
                    a.dealloc(zeroed, layout);
                    let p = a.alloc(layout);
                    assert!(!p.is_null());
                    assert_eq!(p as usize % align, 0, "alloc({size}, {align})");
                    for i in 0..size {
                        *p.add(i) = (i % 251) as u8;
                    }
                    let grown = a.realloc(p, layout, size * 2 + 5);
                    assert_eq!(grown as usize % align, 0, "realloc({size}, {align})");
                    assert!((0..size).all(|i| *grown.add(i) == (i % 251) as u8), "realloc({size}, {align})");
                    a.dealloc(grown, Layout::from_size_align(size * 2 + 5, align).expect("layout"));
                }
            }
        }
    }

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
        assert_eq!(crate::sys::huge_pages_disabled(), Some(true));
    }
}
