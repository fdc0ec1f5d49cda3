//! The original byte ranges of a document's tokens, packed: a sequence holds one for every
//! word of every document the passage stage aligns, so at about two bytes a token instead of
//! eight the ranges take a quarter of the memory.

/// A length or a step that does not fit a byte: the value is kept apart.
const LONG: u8 = u8::MAX;

/// Every `MARK`-th token keeps its start whole; the others keep the step from the token
/// before, so finding a start reads at most `MARK - 1` steps.
const MARK: usize = 32;

/// The byte ranges `[start, end)` of a document's tokens in its original text, in token order.
/// Tokens may overlap (a character that folds into two words gives two tokens over its bytes),
/// so each keeps its own start. A start is the step from the start before (under 255 bytes for
/// nearly every word), and every 32nd start is kept whole; lengths under 255 bytes take
/// one byte. Steps and lengths that do not fit a byte (or a start before the one before it) are
/// kept apart.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tokens {
    /// The start of tokens `0, MARK, 2 * MARK, …`.
    marks: Vec<u32>,
    /// `start - previous start` (0 for a marked token), or [`LONG`] when the start is in `far`.
    steps: Vec<u8>,
    /// `(token, start)` of the tokens whose step is [`LONG`], in token order.
    far: Vec<(u32, u32)>,
    /// `end - start`, or [`LONG`] when the length is in `long`.
    lens: Vec<u8>,
    /// `(token, end - start)` of the tokens whose length is [`LONG`] or more, in token order.
    long: Vec<(u32, u32)>,
    /// The start of the last token (what the next step is from).
    last: u32,
}

/// The value of token `i` kept apart in `list` (it has one).
fn apart(list: &[(u32, u32)], i: usize) -> u32 {
    list[list.partition_point(|&(t, _)| (t as usize) < i)].1
}

impl Tokens {
    /// Appends the ranges as they are held (see [`super::stored`]).
    pub(super) fn encode(&self, out: &mut Vec<u8>) {
        use super::stored::{put_bytes, put_pairs, put_u32, put_u32s};
        put_u32s(out, &self.marks);
        put_bytes(out, &self.steps);
        put_pairs(out, &self.far);
        put_bytes(out, &self.lens);
        put_pairs(out, &self.long);
        put_u32(out, self.last);
    }

    /// The ranges [`Tokens::encode`] wrote, or `None` when their parts do not fit together.
    pub(super) fn decode(r: &mut super::stored::In) -> Option<Tokens> {
        let (marks, steps, far, lens, long, last) =
            (r.u32s()?, r.bytes()?, r.pairs()?, r.bytes()?, r.pairs()?, r.u32()?);
        let fits = lens.len() == steps.len() && marks.len() == steps.len().div_ceil(MARK);
        fits.then_some(Tokens { marks, steps, far, lens, long, last })
    }

    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// Whether there are no tokens.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// The start of token `i`, given the start of token `i - 1` (any value for a marked token).
    fn start_after(&self, i: usize, previous: u32) -> u32 {
        match self.steps[i] {
            _ if i.is_multiple_of(MARK) => self.marks[i / MARK],
            LONG => apart(&self.far, i),
            step => previous + u32::from(step),
        }
    }

    /// The byte range of token `i`, whose start is `start`.
    fn range(&self, i: usize, start: u32) -> (u32, u32) {
        let len = match self.lens[i] {
            LONG => apart(&self.long, i),
            len => u32::from(len),
        };
        (start, start + len)
    }

    /// The start of token `i`: the steps from the last marked token. Panics when `i` is out
    /// of range.
    fn start(&self, i: usize) -> u32 {
        assert!(i < self.len(), "token {i} of {}", self.len());
        (i - i % MARK..=i).fold(0, |start, t| self.start_after(t, start))
    }

    /// The byte range of token `i`. Panics when `i` is out of range.
    pub fn get(&self, i: usize) -> (u32, u32) {
        self.range(i, self.start(i))
    }

    /// The byte ranges of tokens `from..to` (`to` at most [`Tokens::len`]), in token order.
    pub fn slice(&self, from: usize, to: usize) -> impl Iterator<Item = (u32, u32)> + '_ {
        let mut start = if from < to { self.start(from) } else { 0 };
        (from..to).map(move |i| {
            if i > from {
                start = self.start_after(i, start);
            }
            self.range(i, start)
        })
    }

    /// The byte ranges in token order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.slice(0, self.len())
    }

    /// No tokens, with room for `n`.
    pub fn with_capacity(n: usize) -> Self {
        Tokens {
            marks: Vec::with_capacity(n.div_ceil(MARK)),
            steps: Vec::with_capacity(n),
            far: Vec::new(),
            lens: Vec::with_capacity(n),
            long: Vec::new(),
            last: 0,
        }
    }

    /// Appends the token `[start, end)`; `end` is at least `start`.
    pub fn push(&mut self, (start, end): (u32, u32)) {
        debug_assert!(end >= start, "a token ends before it starts");
        let i = self.len();
        if i.is_multiple_of(MARK) {
            self.marks.push(start);
            self.steps.push(0);
        } else {
            match start.checked_sub(self.last).map(u8::try_from) {
                Some(Ok(step)) if step < LONG => self.steps.push(step),
                _ => {
                    self.far.push((i as u32, start));
                    self.steps.push(LONG);
                }
            }
        }
        let len = end.saturating_sub(start);
        match u8::try_from(len) {
            Ok(short) if short < LONG => self.lens.push(short),
            _ => {
                self.long.push((i as u32, len));
                self.lens.push(LONG);
            }
        }
        self.last = start;
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

        #[test]
        fn ranges_in_reading_order_read_back_from_any_token(
            words in prop::collection::vec((0u32..300, 0u32..300), 0..200),
            from in 0usize..200,
            to in 0usize..200,
        ) {
            // Words one after another with gaps, some of them too long for a byte.
            let mut at = 0;
            let ranges: Vec<(u32, u32)> = words
                .iter()
                .map(|&(gap, len)| {
                    at += gap;
                    (at, at + len)
                })
                .collect();
            let tokens: Tokens = ranges.iter().copied().collect();
            prop_assert_eq!(tokens.iter().collect::<Vec<_>>(), ranges.clone());
            let (from, to) = (from.min(ranges.len()), to.min(ranges.len()));
            let want: Vec<(u32, u32)> = ranges.get(from..to).unwrap_or(&[]).to_vec();
            prop_assert_eq!(tokens.slice(from, to).collect::<Vec<_>>(), want);
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
        // So are the starts a byte does not reach from the start before: 300 is 290 bytes on
        // from 10, and 7 is before 300.
        assert_eq!(tokens.far, vec![(2, 300), (4, 7)]);
        assert_eq!(tokens.steps, vec![0, 10, LONG, 0, LONG, 2]);
    }
}
