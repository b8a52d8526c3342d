//! Allocator settings: glibc's allocator for a build, mimalloc for `serve`.
//!
//! A build is short-lived: glibc's allocator, tuned by [`tune`], starts at no cost, and
//! mimalloc's arenas cost a small site's fresh build 2–4 ms of system time (session 23,
//! `docs/performance.md`). `serve` lives long and rebuilds in place: there a third of a
//! save's CPU was glibc's `malloc` and `free`, and with mimalloc a one-claim save at
//! 10,000 articles / 20,000 claims took 12–27% less time. So the process starts on glibc's
//! allocator, and [`for_a_server`] turns new allocations over to mimalloc.

/// On musl (the static Linux release binaries), mimalloc: musl's own allocator made a
/// fresh 10,000-article build 2.5 times slower than glibc's, on two threads.
#[cfg(target_env = "musl")]
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[global_allocator]
static ALLOC: switch::Switch = switch::Switch;

/// Lets glibc's allocator grow its heaps in large steps and keep what it freed.
///
/// A large build allocates and frees millions of small strings on two threads. By
/// default glibc grows a thread's heap 128 KB at a time, one `mprotect` call each, and
/// trims freed memory back to the system: at 10,000 articles that was 40,000 system
/// calls a rebuild. A build is a short-lived process, so holding on to freed memory
/// costs nothing; a small build never reaches the padding. Elsewhere this does nothing.
pub fn tune() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator parameters; it is called before any thread
    // is started.
    unsafe {
        libc::mallopt(libc::M_TOP_PAD, 64 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 256 << 20);
    }
}

/// From now on, memory is allocated by mimalloc (on Linux with glibc; elsewhere this does
/// nothing): for a long-lived process. What was allocated before is still freed by glibc.
/// On Linux, mimalloc keeps the memory freed from then on (see [`keep_freed`]).
pub fn for_a_server() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    switch::turn();
    #[cfg(all(target_os = "linux", any(target_env = "gnu", target_env = "musl")))]
    keep_freed();
}

/// mimalloc's `mi_option_purge_delay`, by its place in `mi_option_e` (mimalloc.h, the same
/// in mimalloc 2 and 3; libmimalloc-sys names no constant for it).
#[cfg(all(target_os = "linux", any(target_env = "gnu", target_env = "musl")))]
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Tells mimalloc never to give the memory it freed back to the system. By default it
/// does so a second after the free; a save in `serve` frees the last version's claims,
/// keys and lists, and the next save then took all of that memory anew from the system,
/// page fault by page fault: a seventh of a save's CPU at 10,000 articles / 20,000 claims
/// (perf), its median 123-128 ms against 100-105 ms kept, in turns. The cost is the
/// resident size, which stays at its peak (870-890 MB against 820 MB there; issue 18
/// allows 1 GB), as glibc's does for builds (see [`tune`]).
#[cfg(all(target_os = "linux", any(target_env = "gnu", target_env = "musl")))]
fn keep_freed() {
    // SAFETY: sets one of mimalloc's options, which it reads on each purge; -1 is the
    // value its header documents for "no purging at all".
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, -1) }
}

/// An allocator that starts as the system's (glibc's) and can be turned over to mimalloc
/// once, for good. Each block is freed or resized by the allocator that made it:
/// mimalloc knows its own pages (`mi_is_in_heap_region`, a lookup in its page map), and
/// before the switch no block is mimalloc's, so a build pays one relaxed load a call.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod switch {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::ffi::c_void;
    use std::sync::atomic::{AtomicBool, Ordering::Relaxed};

    static ON: AtomicBool = AtomicBool::new(false);

    /// See the module's doc.
    pub struct Switch;

    /// Turns new allocations over to mimalloc, without transparent huge pages: mimalloc
    /// asks for them, and with them `serve` at 10,000 articles / 20,000 claims peaked at
    /// 960–996 MB against 795–823 MB without, its saves no faster (issue 18 asks for
    /// 1 GB at most). The process's setting, not mimalloc's option: that one is read
    /// when mimalloc starts, which may be before this.
    pub fn turn() {
        // SAFETY: prctl with PR_SET_THP_DISABLE only sets a flag of this process; its
        // failure (an old kernel) leaves huge pages as they were.
        unsafe {
            libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
        }
        ON.store(true, Relaxed);
    }

    /// Whether `ptr` was allocated by mimalloc. Before the switch none was, and
    /// mimalloc's page map is not even looked at.
    pub(super) fn mine(ptr: *mut u8) -> bool {
        // SAFETY: a query of mimalloc's page map for any address; it reads no memory at
        // `ptr`.
        ON.load(Relaxed) && unsafe { libmimalloc_sys::mi_is_in_heap_region(ptr as *const c_void) }
    }

    // SAFETY: every block is freed and resized by the allocator that made it (`mine`),
    // and each of the two meets `GlobalAlloc`'s contract for its own blocks.
    unsafe impl GlobalAlloc for Switch {
        #[inline]
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            if ON.load(Relaxed) { unsafe { mimalloc::MiMalloc.alloc(layout) } } else { unsafe { System.alloc(layout) } }
        }

        #[inline]
        unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
            if ON.load(Relaxed) {
                unsafe { mimalloc::MiMalloc.alloc_zeroed(layout) }
            } else {
                unsafe { System.alloc_zeroed(layout) }
            }
        }

        #[inline]
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            if mine(ptr) {
                unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) }
            } else {
                unsafe { System.dealloc(ptr, layout) }
            }
        }

        #[inline]
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            if mine(ptr) {
                unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) }
            } else {
                unsafe { System.realloc(ptr, layout, new_size) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    /// Blocks made before the switch are freed and grown by glibc after it, and blocks
    /// made after it by mimalloc, on any thread. (The switch is for good, and tests share
    /// a process: after this test the others allocate with mimalloc too, which is what
    /// `serve`'s own tests need anyway.)
    #[test]
    fn blocks_from_before_the_switch_are_freed_by_the_allocator_that_made_them() {
        let before: Vec<Vec<u8>> = (0..1000).map(|n| vec![n as u8; n % 300 + 1]).collect();
        let mut grown = vec![1u8; 10];
        super::for_a_server();
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        {
            use super::switch::mine;
            assert!(!mine(grown.as_mut_ptr()), "made by glibc before the switch");
            assert!(mine(vec![0u8; 64].as_mut_ptr()), "made by mimalloc after it");
        }
        let after: Vec<Vec<u8>> = (0..1000).map(|n| vec![n as u8; n % 300 + 1]).collect();
        grown.resize(100_000, 2);
        assert_eq!((grown[9], grown[10]), (1, 2));
        let freed_elsewhere = std::thread::spawn(move || {
            let sum: usize = before.iter().chain(&after).map(|v| v.len()).sum();
            drop((before, after));
            sum
        });
        assert_eq!(freed_elsewhere.join().unwrap(), 2 * (0..1000).map(|n| n % 300 + 1).sum::<usize>());
        #[cfg(all(target_os = "linux", any(target_env = "gnu", target_env = "musl")))]
        {
            // SAFETY: reads one of mimalloc's options.
            let delay = unsafe { libmimalloc_sys::mi_option_get(super::PURGE_DELAY) };
            assert_eq!(delay, -1, "freed memory is kept");
        }
    }
}
