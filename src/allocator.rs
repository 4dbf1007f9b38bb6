//! The global allocator of the `loa` binary (and of the examples that time it): mimalloc.
//!
//! Takes: the standard library's allocation calls. Gives: mimalloc blocks. Must not: be used
//! by the library itself (its tests run under the system allocator); `main.rs` installs it
//! and sets mimalloc's options.

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
}
