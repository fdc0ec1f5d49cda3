//! A linked pair as bytes: the record the report's file of links and the overlaps a row holds
//! ahead (`pipeline::ahead`) keep, every float by its bits.

use crate::overlap::{Alignment, Passage};
use crate::verify::{LinkedBy, Relation, Scores, SetAside, VerifiedPair};
use std::io::{self, Read};

fn relation_code(r: Relation) -> u8 {
    match r {
        Relation::Overlap => 0,
        Relation::Story => 1,
        Relation::Duplicate => 2,
    }
}

fn linked_by_code(l: LinkedBy) -> u8 {
    match l {
        LinkedBy::Jaccard => 0,
        LinkedBy::Passage => 1,
        LinkedBy::Both => 2,
    }
}

/// The record of `p` (as it is in memory, every float by its bits) into `b`, in place of what
/// `b` held: [`decode`] gives it back equal.
pub fn encode(p: &VerifiedPair, b: &mut Vec<u8>) {
    b.clear();
    let u32s = |b: &mut Vec<u8>, xs: &[u32]| xs.iter().for_each(|x| b.extend_from_slice(&x.to_le_bytes()));
    let u64s = |b: &mut Vec<u8>, xs: &[u64]| xs.iter().for_each(|x| b.extend_from_slice(&x.to_le_bytes()));
    u32s(b, &[p.a, p.b]);
    let s = &p.scores;
    let bits = [s.jaccard, s.containment_a_in_b, s.containment_b_in_a].map(f64::to_bits);
    u64s(b, &bits);
    u64s(b, &[s.shared as u64]);
    let (aside, by) = match p.set_aside {
        None => (0, 0),
        Some(SetAside::Roundup(d)) => (1, d),
        Some(SetAside::Hub(d)) => (2, d),
        Some(SetAside::Cut) => (3, 0),
    };
    b.extend_from_slice(&[
        linked_by_code(p.linked_by),
        relation_code(p.relation),
        p.alignment.is_some() as u8,
        aside,
    ]);
    u32s(b, &[by]);
    if let Some(al) = &p.alignment {
        u64s(b, &[al.coverage_a, al.coverage_b, al.coverage_shorter].map(f64::to_bits));
        let words =
            [al.own_words_a, al.own_words_b, al.words_a, al.words_b, al.figures_replaced, al.passages.len()];
        u64s(b, &words.map(|x| x as u64));
        for x in &al.passages {
            u32s(b, &[x.a.0, x.a.1, x.b.0, x.b.1, x.a_tokens.0, x.a_tokens.1, x.b_tokens.0, x.b_tokens.1]);
            u64s(b, &[x.words as u64, x.exact.to_bits()]);
        }
    }
}

/// Reads back one pair [`encode`] wrote; an error names `file` when the bytes are not such a
/// pair.
pub fn decode(r: &mut impl Read, file: &str) -> io::Result<VerifiedPair> {
    fn u32_(r: &mut impl Read) -> io::Result<u32> {
        let mut x = [0u8; 4];
        r.read_exact(&mut x)?;
        Ok(u32::from_le_bytes(x))
    }
    fn u64_(r: &mut impl Read) -> io::Result<u64> {
        let mut x = [0u8; 8];
        r.read_exact(&mut x)?;
        Ok(u64::from_le_bytes(x))
    }
    let f64_ = |r: &mut _| u64_(r).map(f64::from_bits);
    let bad = || io::Error::new(io::ErrorKind::InvalidData, format!("{file} is corrupt"));
    let (a, b) = (u32_(r)?, u32_(r)?);
    let scores = Scores {
        jaccard: f64_(r)?,
        containment_a_in_b: f64_(r)?,
        containment_b_in_a: f64_(r)?,
        shared: u64_(r)? as usize,
    };
    let mut codes = [0u8; 4];
    r.read_exact(&mut codes)?;
    let by = u32_(r)?;
    let set_aside = match codes[3] {
        0 => None,
        1 => Some(SetAside::Roundup(by)),
        2 => Some(SetAside::Hub(by)),
        3 => Some(SetAside::Cut),
        _ => return Err(bad()),
    };
    let linked_by = match codes[0] {
        0 => LinkedBy::Jaccard,
        1 => LinkedBy::Passage,
        2 => LinkedBy::Both,
        _ => return Err(bad()),
    };
    let relation = match codes[1] {
        0 => Relation::Overlap,
        1 => Relation::Story,
        2 => Relation::Duplicate,
        _ => return Err(bad()),
    };
    let alignment = match codes[2] {
        0 => None,
        1 => {
            let (coverage_a, coverage_b, coverage_shorter) = (f64_(r)?, f64_(r)?, f64_(r)?);
            let mut words = [0usize; 6];
            for w in &mut words {
                *w = u64_(r)? as usize;
            }
            let mut passages = Vec::with_capacity(words[5].min(1 << 16));
            for _ in 0..words[5] {
                let mut x = [0u32; 8];
                for v in &mut x {
                    *v = u32_(r)?;
                }
                passages.push(Passage {
                    a: (x[0], x[1]),
                    b: (x[2], x[3]),
                    a_tokens: (x[4], x[5]),
                    b_tokens: (x[6], x[7]),
                    words: u64_(r)? as usize,
                    exact: f64_(r)?,
                });
            }
            Some(Alignment {
                passages,
                coverage_a,
                coverage_b,
                coverage_shorter,
                own_words_a: words[0],
                own_words_b: words[1],
                figures_replaced: words[4],
                words_a: words[2],
                words_b: words[3],
            })
        }
        _ => return Err(bad()),
    };
    Ok(VerifiedPair { a, b, scores, linked_by, alignment, relation, set_aside })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(alignment: Option<Alignment>) -> VerifiedPair {
        VerifiedPair {
            a: 7,
            b: u32::MAX,
            scores: Scores {
                jaccard: 0.1 + 0.2,
                containment_a_in_b: f64::MIN_POSITIVE,
                containment_b_in_a: 1.0,
                shared: usize::MAX >> 1,
            },
            linked_by: LinkedBy::Both,
            alignment,
            relation: Relation::Duplicate,
            set_aside: None,
        }
    }

    #[test]
    fn pairs_read_back_equal() {
        let passage = |k: u32| Passage {
            a: (k, k + 300),
            b: (u32::MAX - 9, u32::MAX),
            a_tokens: (k, k + 51),
            b_tokens: (3, 54),
            words: 51,
            exact: 1.0 / 3.0,
        };
        let al = Alignment {
            passages: vec![passage(0), passage(1_000_000)],
            coverage_a: 2.0 / 3.0,
            coverage_b: 0.15,
            coverage_shorter: 0.15,
            own_words_a: 1,
            own_words_b: 2,
            figures_replaced: 5,
            words_a: 3,
            words_b: 4,
        };
        let mut empty = al.clone();
        empty.passages.clear();
        let mut story = pair(None);
        story.relation = Relation::Story;
        story.linked_by = LinkedBy::Jaccard;
        let mut overlap = pair(Some(empty));
        overlap.relation = Relation::Overlap;
        overlap.linked_by = LinkedBy::Passage;
        overlap.set_aside = Some(SetAside::Roundup(u32::MAX - 1));
        let hub = VerifiedPair { set_aside: Some(SetAside::Hub(7)), ..overlap.clone() };
        let cut = VerifiedPair { set_aside: Some(SetAside::Cut), ..overlap.clone() };
        let pairs = [pair(Some(al)), story, overlap, hub, cut];
        let (mut bytes, mut one) = (Vec::new(), Vec::new());
        for p in &pairs {
            encode(p, &mut one);
            bytes.extend_from_slice(&one);
        }
        let mut r = bytes.as_slice();
        for p in &pairs {
            assert_eq!(&decode(&mut r, "a test").expect("read"), p);
        }
        assert!(r.is_empty(), "every byte read");
        encode(&pairs[0], &mut one);
        assert!(decode(&mut &one[..one.len() - 1], "a test").is_err(), "a cut record is an error");
    }
}
