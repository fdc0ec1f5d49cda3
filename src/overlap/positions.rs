//! The shingle positions of a sequence in join order, at two bytes each where they fit.

/// Shingle positions in a sequence's join order: two bytes each for a document of at most
/// 65,536 shingles (nearly every one), four beyond. The sequences of every document still to be
/// aligned are held at once, and the positions were a third of their size per shingle.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Positions {
    Short(Vec<u16>),
    Long(Vec<u32>),
}

impl Default for Positions {
    fn default() -> Self {
        Positions::Short(Vec::new())
    }
}

impl Positions {
    /// The `n` positions `order` gives, each below `n`.
    pub(super) fn new(order: impl Iterator<Item = u32>, n: usize) -> Positions {
        if n <= 1 << 16 {
            Positions::Short(order.map(|i| i as u16).collect())
        } else {
            Positions::Long(order.collect())
        }
    }

    /// The position at `x` in join order.
    pub(super) fn get(&self, x: usize) -> u32 {
        match self {
            Positions::Short(p) => u32::from(p[x]),
            Positions::Long(p) => p[x],
        }
    }
}
