//! Handing memory the process no longer uses back to the operating system.

/// Returns the free memory of every malloc arena to the system: called once start-up is
/// done, so what start-up alone needed (the migrations, the command registration's payload,
/// READY's) stops counting against the process. Later allocations take fresh pages as they
/// would have. Only glibc's allocator keeps such memory; elsewhere this does nothing.
pub fn give_back_free() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        extern "C" {
            fn malloc_trim(pad: usize) -> std::os::raw::c_int;
        }
        // SAFETY: malloc_trim takes no pointers and may be called at any time from any
        // thread; it only releases pages malloc holds free.
        unsafe {
            malloc_trim(0);
        }
    }
}
