//! The original byte ranges of a document's tokens, packed: a sequence holds one for every
//! word of every document the passage stage aligns, so at five bytes a token instead of eight
//! the ranges take five eighths of the memory.

/// A length that does not fit a byte: the token's length is in [`Tokens::long`].
const LONG: u8 = u8::MAX;

/// The byte ranges `[start, end)` of a document's tokens in its original text, in token order.
/// Tokens may overlap (a character that folds into two words gives two tokens over its bytes),
/// so each keeps its own start; lengths under 255 bytes (nearly every word) take one byte.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tokens {
    starts: Vec<u32>,
    /// `end - start`, or [`LONG`] when the length is in `long`.
    lens: Vec<u8>,
    /// `(token, end - start)` of the tokens whose length is [`LONG`] or more, in token order.
    long: Vec<(u32, u32)>,
}

impl Tokens {
    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// Whether there are no tokens.
    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// The byte range of token `i`. Panics when `i` is out of range.
    pub fn get(&self, i: usize) -> (u32, u32) {
        let start = self.starts[i];
        let len = match self.lens[i] {
            LONG => {
                let at = self.long.partition_point(|&(t, _)| (t as usize) < i);
                self.long[at].1
            }
            len => u32::from(len),
        };
        (start, start + len)
    }

    /// The byte ranges in token order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        let mut long = self.long.iter();
        self.starts.iter().zip(&self.lens).map(move |(&start, &len)| match len {
            LONG => (start, start + long.next().map_or(0, |&(_, len)| len)),
            len => (start, start + u32::from(len)),
        })
    }

    /// No tokens, with room for `n`.
    pub fn with_capacity(n: usize) -> Self {
        Tokens { starts: Vec::with_capacity(n), lens: Vec::with_capacity(n), long: Vec::new() }
    }

    /// Appends the token `[start, end)`; `end` is at least `start`.
    pub fn push(&mut self, (start, end): (u32, u32)) {
        debug_assert!(end >= start, "a token ends before it starts");
        let len = end.saturating_sub(start);
        match u8::try_from(len) {
            Ok(short) if short < LONG => self.lens.push(short),
            _ => {
                self.long.push((self.starts.len() as u32, len));
                self.lens.push(LONG);
            }
        }
        self.starts.push(start);
    }
}

impl FromIterator<(u32, u32)> for Tokens {
    /// The tokens of byte ranges `[start, end)` with `end` at least `start`.
    fn from_iter<I: IntoIterator<Item = (u32, u32)>>(ranges: I) -> Self {
        let ranges = ranges.into_iter();
        let mut tokens = Tokens::with_capacity(ranges.size_hint().0);
        ranges.for_each(|r| tokens.push(r));
        tokens
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn packed_ranges_read_back_as_they_were_given(
            ranges in prop::collection::vec((0u32..1 << 20, prop_oneof![0u32..300, 0u32..70_000]), 0..200),
        ) {
            let ranges: Vec<(u32, u32)> = ranges.into_iter().map(|(s, len)| (s, s + len)).collect();
            let tokens: Tokens = ranges.iter().copied().collect();
            prop_assert_eq!(tokens.len(), ranges.len());
            prop_assert_eq!(tokens.iter().collect::<Vec<_>>(), ranges.clone());
            for (i, &r) in ranges.iter().enumerate() {
                prop_assert_eq!(tokens.get(i), r);
            }
        }
    }

    #[test]
    fn lengths_at_the_edge_of_a_byte_are_kept() {
        let ranges = [(0, 254), (10, 265), (300, 300), (300, 556), (7, 7 + 100_000), (9, 10)];
        let tokens: Tokens = ranges.iter().copied().collect();
        assert_eq!(tokens.iter().collect::<Vec<_>>(), ranges);
        assert_eq!((0..ranges.len()).map(|i| tokens.get(i)).collect::<Vec<_>>(), ranges);
        // Only the lengths of 255 bytes and more are kept apart.
        assert_eq!(tokens.long, vec![(1, 255), (3, 256), (4, 100_000)]);
    }
}
