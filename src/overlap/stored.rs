//! A sequence's bytes as the run keeps them in a temporary file ([`Sequence::encode`]): its
//! parts as they are held (packed token ranges, positions, hashes, figures), little-endian,
//! behind a checksum, so that reading one back costs a copy instead of normalizing, hashing and
//! sorting its text again.

use super::positions::Positions;
use super::{Digits, Figures, Join, Sequence, Tokens};

impl Sequence {
    /// Appends the sequence's bytes to `out` (read back by [`Sequence::decode`]).
    pub fn encode(&self, out: &mut Vec<u8>) {
        let start = out.len();
        out.extend_from_slice(&[0; 8]);
        put_u32(out, self.k as u32);
        out.push(u8::from(self.unique));
        self.tokens.encode(out);
        match &self.order {
            Positions::Short(p) => {
                out.push(0);
                put_len(out, p.len());
                p.iter().for_each(|x| out.extend_from_slice(&x.to_le_bytes()));
            }
            Positions::Long(p) => {
                out.push(1);
                put_u32s(out, p);
            }
        }
        put_len(out, self.sorted.len());
        self.sorted.iter().for_each(|x| out.extend_from_slice(&x.to_le_bytes()));
        put_u32s(out, &self.figures.at);
        put_len(out, self.figures.digits.len());
        for d in &self.figures.digits {
            put_u32(out, d.count);
            out.extend_from_slice(&d.value.to_le_bytes());
        }
        put_bytes(out, &self.figures.joins.iter().map(|&j| j as u8).collect::<Vec<u8>>());
        let sum = xxhash_rust::xxh3::xxh3_64(&out[start + 8..]);
        out[start..start + 8].copy_from_slice(&sum.to_le_bytes());
    }

    /// The sequence [`Sequence::encode`] wrote as `bytes`; `None` when they are not such bytes
    /// (a checksum that does not match, a length past the end, bytes left over).
    pub fn decode(bytes: &[u8]) -> Option<Sequence> {
        let (sum, rest) = bytes.split_first_chunk::<8>()?;
        if u64::from_le_bytes(*sum) != xxhash_rust::xxh3::xxh3_64(rest) {
            return None;
        }
        let mut r = In(rest);
        let k = r.u32()? as usize;
        let unique = match r.u8()? {
            0 => false,
            1 => true,
            _ => return None,
        };
        let tokens = Tokens::decode(&mut r)?;
        let order = match r.u8()? {
            0 => Positions::Short(r.array::<2>()?.map(u16::from_le_bytes).collect()),
            1 => Positions::Long(r.u32s()?),
            _ => return None,
        };
        let sorted: Vec<u64> = r.array::<8>()?.map(u64::from_le_bytes).collect();
        let at = r.u32s()?;
        let digits = r
            .array::<12>()?
            .map(|c| {
                let (count, value) = c.split_at(4);
                Digits {
                    count: u32::from_le_bytes(count.try_into().expect("4 bytes")),
                    value: u64::from_le_bytes(value.try_into().expect("8 bytes")),
                }
            })
            .collect();
        let joins = r.bytes()?.into_iter().map(Join::from_code).collect::<Option<Vec<Join>>>()?;
        let figures = Figures { at, digits, joins };
        let n = match &order {
            Positions::Short(p) => p.len(),
            Positions::Long(p) => p.len(),
        };
        let fits = r.0.is_empty() && n == sorted.len() && figures.fits(tokens.len());
        fits.then_some(Sequence { tokens, k, order, sorted, unique, figures })
    }
}

/// Appends `x`, little-endian.
pub(super) fn put_u32(out: &mut Vec<u8>, x: u32) {
    out.extend_from_slice(&x.to_le_bytes());
}

/// Appends a length.
pub(super) fn put_len(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(&(n as u64).to_le_bytes());
}

/// Appends the length of `xs`, then each.
pub(super) fn put_u32s(out: &mut Vec<u8>, xs: &[u32]) {
    put_len(out, xs.len());
    xs.iter().for_each(|&x| put_u32(out, x));
}

/// Appends the length of `xs`, then each pair.
pub(super) fn put_pairs(out: &mut Vec<u8>, xs: &[(u32, u32)]) {
    put_len(out, xs.len());
    for &(a, b) in xs {
        put_u32(out, a);
        put_u32(out, b);
    }
}

/// Appends the length of `xs`, then the bytes.
pub(super) fn put_bytes(out: &mut Vec<u8>, xs: &[u8]) {
    put_len(out, xs.len());
    out.extend_from_slice(xs);
}

/// The bytes still to read.
pub(super) struct In<'a>(&'a [u8]);

impl<'a> In<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head)
    }

    pub(super) fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    pub(super) fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn len(&mut self) -> Option<usize> {
        usize::try_from(u64::from_le_bytes(self.take(8)?.try_into().ok()?)).ok()
    }

    /// A length `n`, then `n` items of `N` bytes each.
    fn array<const N: usize>(&mut self) -> Option<impl Iterator<Item = [u8; N]> + 'a> {
        let n = self.len()?;
        let bytes = self.take(n.checked_mul(N)?)?;
        Some(bytes.chunks_exact(N).map(|c| c.try_into().expect("chunks of N bytes")))
    }

    pub(super) fn u32s(&mut self) -> Option<Vec<u32>> {
        Some(self.array::<4>()?.map(u32::from_le_bytes).collect())
    }

    pub(super) fn pairs(&mut self) -> Option<Vec<(u32, u32)>> {
        Some(
            self.array::<8>()?
                .map(|c| {
                    let (a, b) = c.split_at(4);
                    (u32::from_le_bytes(a.try_into().unwrap()), u32::from_le_bytes(b.try_into().unwrap()))
                })
                .collect(),
        )
    }

    pub(super) fn bytes(&mut self) -> Option<Vec<u8>> {
        let n = self.len()?;
        Some(self.take(n)?.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::overlap::tests::seq;
    use proptest::prelude::*;

    proptest! {
        /// Any text's sequence reads back equal to itself, and a changed byte or a byte more or
        /// less is never read as a sequence.
        #[test]
        fn a_sequence_reads_back_equal_and_damage_is_refused(
            words in proptest::collection::vec("[a-e]{1,3}|جند|١٠٣٧|0?[0-9]{1,3}|[x-z]{300}", 0..200),
            flip in any::<prop::sample::Index>(),
        ) {
            let s = seq(&words.join(" "));
            let mut bytes = Vec::new();
            s.encode(&mut bytes);
            prop_assert_eq!(Sequence::decode(&bytes), Some(s.clone()));
            let mut damaged = bytes.clone();
            let at = flip.index(damaged.len());
            damaged[at] ^= 0x10;
            prop_assert_eq!(Sequence::decode(&damaged), None);
            prop_assert_eq!(Sequence::decode(&bytes[..bytes.len() - 1]), None);
            bytes.push(0);
            prop_assert_eq!(Sequence::decode(&bytes), None);
        }
    }

    /// Positions past 65,536 shingles (four bytes each) read back too.
    #[test]
    fn a_long_sequence_reads_back_equal() {
        let text: Vec<String> = (0..70_000).map(|i| format!("w{i}")).collect();
        let s = seq(&text.join(" "));
        assert!(matches!(s.order, Positions::Long(_)));
        let mut bytes = Vec::new();
        s.encode(&mut bytes);
        assert_eq!(Sequence::decode(&bytes), Some(s));
    }
}
