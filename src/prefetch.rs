//! Asking for memory ahead of reading it: where the next reads are known but scattered (table
//! look-ups, the sequences of the next pairs to align), their waits for memory overlap instead
//! of coming one after another.

/// Asks for the cache line holding `x` ahead of reading it (nothing elsewhere than x86-64).
/// Any address will do: a prefetch reads nothing and never faults.
#[inline(always)]
pub fn prefetch<T>(x: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: prefetching reads nothing and never faults, whatever the address.
    #[allow(unused_unsafe)]
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>(x.cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = x;
}

/// Asks for every cache line of `s`, a line (64 bytes) apart from its start.
#[inline(always)]
pub fn prefetch_all<T>(s: &[T]) {
    let step = (64 / std::mem::size_of::<T>().max(1)).max(1);
    for at in (0..s.len()).step_by(step) {
        prefetch(s.as_ptr().wrapping_add(at));
    }
}
