//! Sizes on the command line (binary only): `--align-memory 2G`, `--text-memory 64M`,
//! `--max-doc-bytes 1M`. A whole number of bytes, optionally followed by `K`, `M`, `G` or `T`
//! (powers of 1024, either case), as ripgrep's `--max-filesize` takes them; `--help` shows a
//! default in the largest of those units that holds it exactly.

use std::fmt;
use std::str::FromStr;

/// A number of bytes given on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bytes(pub usize);

/// The units, largest first: their letter and how many bytes one is.
const UNITS: [(char, usize); 4] = [('T', 1 << 40), ('G', 1 << 30), ('M', 1 << 20), ('K', 1 << 10)];

impl FromStr for Bytes {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let expected = || {
            format!("expected a whole number of bytes, optionally followed by K, M, G or T (powers of 1024), as in 512M; got `{s}`")
        };
        let (digits, unit) = match s.char_indices().last() {
            Some((i, c)) if c.is_ascii_alphabetic() => {
                let unit = UNITS.iter().find(|(u, _)| u.eq_ignore_ascii_case(&c)).ok_or_else(expected)?;
                (&s[..i], unit.1)
            }
            _ => (s, 1),
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(expected());
        }
        let too_large = || format!("`{s}` is more bytes than this machine can count ({})", usize::MAX);
        let n: usize = digits.parse().map_err(|_| too_large())?;
        n.checked_mul(unit).map(Bytes).ok_or_else(too_large)
    }
}

impl fmt::Display for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match UNITS.iter().find(|&&(_, size)| self.0 != 0 && self.0.is_multiple_of(size)) {
            Some(&(unit, size)) => write!(f, "{}{unit}", self.0 / size),
            None => write!(f, "{}", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<usize, String> {
        s.parse::<Bytes>().map(|b| b.0)
    }

    #[test]
    fn sizes_are_bytes_or_powers_of_1024() {
        assert_eq!(parse("0"), Ok(0));
        assert_eq!(parse("1"), Ok(1));
        assert_eq!(parse("536870912"), Ok(536_870_912));
        assert_eq!(parse("1K"), Ok(1024));
        assert_eq!(parse("3k"), Ok(3072));
        assert_eq!(parse("512M"), Ok(536_870_912));
        assert_eq!(parse("16m"), Ok(16 * 1024 * 1024));
        assert_eq!(parse("2G"), Ok(2 * 1024 * 1024 * 1024));
        assert_eq!(parse("1t"), Ok(1 << 40));
        assert_eq!(parse("0G"), Ok(0));
        assert_eq!(parse(&usize::MAX.to_string()), Ok(usize::MAX));
    }

    #[test]
    fn anything_else_is_an_error_that_says_what_is_expected() {
        for bad in ["", "K", "2GB", "2 G", " 2G", "1.5G", "-1", "+1", "2X", "G2", "0x10", "١٠"] {
            let err = parse(bad).unwrap_err();
            assert!(
                err.contains("K, M, G or T (powers of 1024)") && err.contains(&format!("`{bad}`")),
                "{bad:?}: {err}"
            );
        }
        for big in ["18446744073709551616", "16777216T", "99999999999999999999K"] {
            let err = parse(big).unwrap_err();
            assert!(err.contains("more bytes than this machine can count"), "{big}: {err}");
        }
    }

    #[test]
    fn a_size_shows_in_the_largest_unit_that_holds_it_and_reads_back() {
        let shown = |n: usize| Bytes(n).to_string();
        assert_eq!(shown(0), "0");
        assert_eq!(shown(1000), "1000");
        assert_eq!(shown(1024), "1K");
        assert_eq!(shown(1536), "1536");
        assert_eq!(shown(16 << 20), "16M");
        assert_eq!(shown(512 << 20), "512M");
        assert_eq!(shown(128 << 20), "128M");
        assert_eq!(shown(3 << 30), "3G");
        assert_eq!(shown(5 << 40), "5T");
        for n in [0, 1, 1023, 1024, 1025, 1536, 16 << 20, (1 << 30) + 1, 3 << 30, usize::MAX] {
            assert_eq!(parse(&shown(n)), Ok(n), "{n}");
        }
    }
}
