//! [`Packed`]: a document's slice of a buffer it shares with the documents read in the same
//! batch.
//!
//! Reading keeps two things per document that later stages drop all at once: the MinHash
//! signature (after the candidates) and the winnowing fingerprints (after the passage index).
//! Held in a vector each, they lie on the allocator's pages among each other's blocks, and
//! dropping one kind frees no page while the other stays: the memory stays in the process.
//! Packed into one buffer per batch and kind, a kind dropped frees whole buffers, which the
//! system gets back.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// A slice of a shared buffer; empty by default. Reads as a `[T]`.
#[derive(Clone)]
pub struct Packed<T> {
    buf: Option<Arc<[T]>>,
    start: u32,
    len: u32,
}

impl<T> Default for Packed<T> {
    fn default() -> Self {
        Packed { buf: None, start: 0, len: 0 }
    }
}

impl<T> Deref for Packed<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        match &self.buf {
            Some(buf) => &buf[self.start as usize..(self.start + self.len) as usize],
            None => &[],
        }
    }
}

impl<'a, T> IntoIterator for &'a Packed<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<T: fmt::Debug> fmt::Debug for Packed<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T: PartialEq> PartialEq for Packed<T> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl<T: Eq> Eq for Packed<T> {}

impl<T> From<Vec<T>> for Packed<T> {
    /// A buffer of its own.
    fn from(v: Vec<T>) -> Self {
        if v.is_empty() {
            return Packed::default();
        }
        let len = u32::try_from(v.len()).expect("a packed slice holds fewer than 2^32 items");
        Packed { buf: Some(Arc::from(v)), start: 0, len }
    }
}

impl<T: Copy> Packed<T> {
    /// One packed slice for each of `parts`, reading as it does, all in one buffer they share.
    /// Empty parts hold no buffer. Panics past 2^32 items in all.
    pub fn pack(parts: &[Vec<T>]) -> Vec<Packed<T>> {
        let total: usize = parts.iter().map(Vec::len).sum();
        u32::try_from(total).expect("a packed buffer holds fewer than 2^32 items");
        let buf: Option<Arc<[T]>> = (total > 0).then(|| parts.concat().into());
        let mut start = 0u32;
        parts
            .iter()
            .map(|p| {
                let (at, len) = (start, p.len() as u32);
                start += len;
                match buf.as_ref().filter(|_| len > 0) {
                    Some(buf) => Packed { buf: Some(Arc::clone(buf)), start: at, len },
                    None => Packed::default(),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_parts_read_as_before_and_share_one_buffer() {
        let before: Vec<Vec<u64>> = vec![vec![1, 2, 3], Vec::new(), vec![4], vec![5, 6]];
        let mut parts = Packed::pack(&before);
        let after: Vec<Vec<u64>> = parts.iter().map(|p| p.to_vec()).collect();
        assert_eq!(after, before);
        let bufs: Vec<*const u64> = parts.iter().filter_map(|p| p.buf.as_ref()).map(|b| b.as_ptr()).collect();
        assert_eq!(bufs.len(), 3, "an empty part holds no buffer");
        assert!(bufs.iter().all(|&b| b == bufs[0]), "the parts share one buffer");
        assert_eq!(Arc::strong_count(parts[0].buf.as_ref().unwrap()), 3);
        // Dropping all but one keeps the buffer for the last.
        let last = parts.pop().unwrap();
        drop(parts);
        assert_eq!(&*last, &[5, 6]);
        assert_eq!(Arc::strong_count(last.buf.as_ref().unwrap()), 1);
        assert_eq!(format!("{last:?}"), "[5, 6]");
        assert_eq!(last, Packed::from(vec![5, 6]));
        assert_ne!(last, Packed::default());
    }
}
