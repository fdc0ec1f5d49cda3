//! The figures of a document (the digits in its words) and the places where two aligned
//! documents state different ones: the same words around another number are another fact (a
//! price of another session, the claims of another week), not a copy.
//!
//! Digits are read whatever script they are written in (ASCII, Arabic-Indic, Extended Arabic-Indic,
//! fullwidth). A *number* is a run of digits, or several joined by one character that is not a
//! space or a letter, `ر` aside (`1,277`, `15.8`, `8ر15`, `30/10/1436`, `08:30`; `750.000م2` is two
//! numbers). An English number word standing alone is the number it names (`seven ships`, `Pay
//! April One`, `two billion`; not `twenty-five`, `two hundred`, `one and a half`, whose parts
//! are not read). The figures of an edit on each side are one figure written in two ways ([`same`]) when
//! they are the same runs but for the leading zeros of a number (`08:30` and `8.30`; `2.50` is not
//! `25.0`, `2.05` is not `2.5`), a time's zero minutes aside (`7` and `7:00`); or their digits one
//! after another are equal once leading zeros are dropped, split only into groups of three, or of
//! two after a colon (`1,277` and `1 277`, `0800` and `08:00`; `2.5` is not `25`, `2.50` is not
//! `250`); or they are the same runs in another order (`15.8` and `8ر15` or `8.15`: in
//! right-to-left text a number's parts are often written in reverse; `30/10/1436` and
//! `1436/10/30`), leading zeros counting but in a date (`2.05` is not `5.2`); or one, written with
//! a separator and of at least two digits, is the other cut or rounded half up to its digits
//! (`26.7` and `26.729`, `26.73` and `26.729`, `5.60` and `5.6`: the same figure rounded; `26.8`
//! is not `26.729`, `12` is not `120`, and `54` is not read as `53.7` rounded), as many digits
//! on both sides when it is an integer written in full (`2,500,000` and `2,531,400` or
//! `2,460,000`; `2,500,000` is not `25,000,000`, `1.500` is not `15,000`); or the numbers of
//! one side are among those of the other (`26 July` and `10 Shawwal 1436 (26 July 2015)`,
//! `7 أيام` and `سبعة أيام`: a figure added, none replaced). A scale word
//! after a number (`آلاف`, `مليون`, `million`…, in the next word or the rest of the number's word)
//! is the zeros it stands for: `3 آلاف` is `3000`, `2.5 million` is `2,500,000` and not `2.5
//! billion`; rounded, such a figure has as many digits as the other (`26.7 million` and
//! `26,729,709`, `54 million` and `53.7 million`; not `25,000,000` for `2.5 million`).

mod scan;

use super::runs::Run;
use super::Sequence;
use scan::{digit, digit_bytes, number_words, scale_of, scale_word};

/// Digits one after another: how many, and their value (modulo 2⁶⁴: figures of more than 19
/// digits are compared by their value's last 64 bits).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Digits {
    /// Number of digits, leading zeros included.
    pub count: u32,
    /// Their value, wrapping.
    pub value: u64,
}

impl Digits {
    /// `self` followed by `next`.
    fn then(self, next: Digits) -> Digits {
        let shift = 10u64.wrapping_pow(next.count);
        Digits {
            count: self.count + next.count,
            value: self.value.wrapping_mul(shift).wrapping_add(next.value),
        }
    }

    /// The same digits without their leading zeros.
    fn trimmed(self) -> Digits {
        if self.count > 19 {
            return self;
        }
        Digits { count: self.value.checked_ilog10().map_or(0, |l| l + 1), value: self.value }
    }

    /// Whether `self` (at least two digits, none past the 19th) begins `longer`, which has
    /// more: `longer` cut to as many digits.
    fn begins(self, longer: Digits) -> bool {
        self.shorter_of(longer).is_some_and(|cut| longer.value / cut == self.value)
    }

    /// Whether `self` is `longer` cut ([`Digits::begins`]) or rounded half up to as many
    /// digits (`267` and `26729`, `54` and `537`; `53` is `537` cut, `52` is neither). Only
    /// for digits whose places are alike: a decimal against a decimal of the same integer
    /// part, or figures with their zeros (`6-1/2` is not `6-1/16` rounded).
    fn rounds(self, longer: Digits) -> bool {
        self.begins(longer)
            || self.shorter_of(longer).is_some_and(|cut| {
                (u128::from(longer.value) + u128::from(cut / 2)) / u128::from(cut) == u128::from(self.value)
            })
    }

    /// The power of ten that cuts `longer` to as many digits as `self`, when `self` has at
    /// least two and fewer than `longer`, which has none past the 19th.
    fn shorter_of(self, longer: Digits) -> Option<u64> {
        ((2..longer.count).contains(&self.count) && longer.count <= 19)
            .then(|| 10u64.pow(longer.count - self.count))
    }
}

/// How a run of digits follows the run before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Join {
    /// It begins a number: the first run, or one not joined to the run before it by a single
    /// character other than a space or a letter (`750.000م2` is `750.000` and `2`).
    Begins = 0,
    /// Joined by a colon (`08:30`).
    Colon = 1,
    /// Joined by another character (`1,277`, `15.8`, `30/10/1436`), or by `ر`, the decimal
    /// mark of much Arabic press (`8ر15`).
    Other = 2,
    /// Not digits: the scale word after a number, in the next word (`3 آلاف`, `2.5 million`)
    /// or in the rest of the number's word (`120مليار`, `1.4m`), as the zeros it stands for
    /// (three, six or nine).
    Scale = 3,
}

impl Join {
    /// How a run joined to the one before it by the text `between` follows it.
    fn between(between: &str) -> Join {
        let mut cs = between.chars();
        match (cs.next(), cs.next()) {
            (Some(':'), None) => Join::Colon,
            (Some(c), None) if !c.is_whitespace() && (c == 'ر' || !c.is_alphabetic()) => Join::Other,
            _ => Join::Begins,
        }
    }

    /// The join stored as `code` ([`Join`] as `u8`).
    pub fn from_code(code: u8) -> Option<Join> {
        [Join::Begins, Join::Colon, Join::Other, Join::Scale].get(usize::from(code)).copied()
    }
}

/// Runs of digits one after another, trimmed.
fn joined(runs: &[Digits]) -> Digits {
    runs.iter().fold(Digits::default(), |d, &r| d.then(r)).trimmed()
}

/// Whether `small` is a multiset inside `large` (both sorted).
fn among<T: PartialEq>(small: &[T], large: &[T]) -> bool {
    let mut rest = large.iter();
    small.iter().all(|x| rest.by_ref().any(|y| y == x))
}

/// Whether the digit runs `x` and `y` of an edit's two sides (with how each follows the one
/// before it in `xs`, `ys`) are one figure written in two ways (see the module's documentation).
pub fn same((x, xs): (&[Digits], &[Join]), (y, ys): (&[Digits], &[Join])) -> bool {
    let scale = (xs.contains(&Join::Scale), ys.contains(&Join::Scale));
    if scale == (false, false) {
        return same_runs((x, xs), (y, ys), true);
    }
    // A scale word is the zeros it stands for (`3 آلاف` is `3000`, `2.5 مليون` is
    // `2,500,000`; `2.5 million` is not `2.5 billion`, nor `25,000,000`); so the rule for a
    // figure rounded reads the figure with its zeros and asks for as many digits on both
    // sides (`26.7 million` is `26,729,709` rounded).
    let (sx, sy) = (scaled(x, xs), scaled(y, ys));
    let (jx, jy) = (joined(&sx.0), joined(&sy.0));
    if same_runs((&sx.0, &sx.1), (&sy.0, &sy.1), false)
        || (scale.0 && rounded(jx, jy, written(x, xs)))
        || (scale.1 && rounded(jy, jx, written(y, ys)))
    {
        return true;
    }
    // The same scale words after figures written two ways (`15.6 مليون` and `6.15 مليون`).
    let bare = |runs: &[Digits], joins: &[Join]| -> (Vec<Digits>, Vec<Join>, Vec<u32>) {
        let mut b = (Vec::new(), Vec::new(), Vec::new());
        for (&r, &j) in runs.iter().zip(joins) {
            if j == Join::Scale {
                b.2.push(r.count);
            } else {
                b.0.push(r);
                b.1.push(j);
            }
        }
        b.2.sort_unstable();
        b
    };
    let (bx, by) = (bare(x, xs), bare(y, ys));
    bx.2 == by.2 && same_runs((&bx.0, &bx.1), (&by.0, &by.1), true)
}

/// Whether the runs of one number (with their joins) are an integer written in full with a
/// separator of thousands: two groups of three digits or more after the first run
/// (`2,500,000`), or one that ends in a zero (`30.000`, `2,500`); not a decimal (`26.7`,
/// `5.60`, `1.277`).
fn in_full(runs: &[Digits], joins: &[Join]) -> bool {
    let grouped = runs.iter().zip(joins).skip(1).all(|(r, &j)| r.count == 3 && j == Join::Other);
    grouped && (runs.len() > 2 || runs.len() == 2 && runs[1].value.is_multiple_of(10))
}

/// The digits written of digit runs `runs` (with their joins `joins`): a scale word's zeros
/// aside.
fn written(runs: &[Digits], joins: &[Join]) -> u32 {
    runs.iter().zip(joins).filter(|&(_, &j)| j != Join::Scale).map(|(r, _)| r.count).sum()
}

/// Whether `figure`, written with a scale word or an integer written in full, is `other`
/// rounded: as many digits, and those before its own trailing zeros (at least two, and no
/// fewer than the `least` written: `15.00 million` states four) are `other`'s cut or rounded
/// half up to as many ([`Digits::rounds`]).
fn rounded(figure: Digits, other: Digits, least: u32) -> bool {
    let mut kept = figure;
    while kept.count > least.max(1) && kept.count <= 19 && kept.value.is_multiple_of(10) && kept.value > 0 {
        kept = Digits { count: kept.count - 1, value: kept.value / 10 };
    }
    figure.count == other.count && kept.count >= 2 && kept.rounds(other)
}

/// Digit runs `runs` (with their joins `joins`) with each scale word after a number of one
/// run, or of two whose second has at most three digits (`3`, `2.5`, `26.75`), written as the
/// groups of three zeros it stands for (`3 آلاف`: `3,000`; `2.5 million`: `2,500,000`), and
/// dropped after any other number.
fn scaled(runs: &[Digits], joins: &[Join]) -> (Vec<Digits>, Vec<Join>) {
    let zeros = |n: u32| (0..n).map(|_| (Digits { count: 3, value: 0 }, Join::Other));
    let mut out: (Vec<Digits>, Vec<Join>) =
        (Vec::with_capacity(runs.len() + 3), Vec::with_capacity(runs.len() + 3));
    // Where the number being read begins in `out`.
    let mut number = 0;
    for (&r, &j) in runs.iter().zip(joins) {
        match j {
            Join::Scale => {
                let groups = r.count / 3;
                match out.0.len() - number {
                    1 => out.extend(zeros(groups)),
                    2 if out.1[number + 1] == Join::Other && out.0[number + 1].count <= 3 && groups >= 1 => {
                        let last = &mut out.0[number + 1];
                        *last = Digits { count: 3, value: last.value * 10u64.pow(3 - last.count) };
                        out.extend(zeros(groups - 1));
                    }
                    _ => {}
                }
            }
            _ => {
                if j == Join::Begins {
                    number = out.0.len();
                }
                out.0.push(r);
                out.1.push(j);
            }
        }
    }
    out
}

/// [`same`] of digit runs without scale words; `rounding`: whether a figure written with a
/// separator may be the other rounded.
fn same_runs((x, xs): (&[Digits], &[Join]), (y, ys): (&[Digits], &[Join]), rounding: bool) -> bool {
    if laid_out_alike((x, xs), (y, ys)) {
        return true;
    }
    if xs.contains(&Join::Colon) || ys.contains(&Join::Colon) {
        let (mx, my) = (minutes_dropped(x, xs), minutes_dropped(y, ys));
        if laid_out_alike((&mx.0, &mx.1), (&my.0, &my.1)) {
            return true;
        }
    }
    let (jx, jy) = (joined(x), joined(y));
    // Joined, the runs after the first of the side with more runs must be groups: of three
    // digits (`2,000` is `2000`; `2.5` is not `25`), or of two after a colon (`08:00` is
    // `0800`; `2.50` is not `250`).
    let grouped = |(runs, joins): (&[Digits], &[Join])| {
        runs.iter().zip(joins).skip(1).all(|(r, &j)| r.count == 3 || (r.count == 2 && j == Join::Colon))
    };
    if jx == jy && x.len() != y.len() && grouped(if x.len() > y.len() { (x, xs) } else { (y, ys) }) {
        return true;
    }
    // Rounded, the shorter is written with a separator (`26.7`; `12` is not `120` rounded);
    // an integer written in full keeps its number of digits (`2,500,000` is `2,531,400`
    // rounded, not `25,000,000`); rounded half up only a decimal against a decimal of the
    // same integer part (`26.73` and `26.729`; `6-1/2` is not `6-1/16`).
    let decimal = |runs: &[Digits], joins: &[Join]| runs.len() == 2 && joins[1] == Join::Other;
    let alike = decimal(x, xs) && decimal(y, ys) && x[0] == y[0];
    let rounds = |(runs, joins): (&[Digits], &[Join]), j: Digits, other: Digits| {
        runs.len() > 1
            && if in_full(runs, joins) {
                rounded(j, other, 0)
            } else if alike {
                j.rounds(other)
            } else {
                j.begins(other)
            }
    };
    if rounding && (rounds((x, xs), jx, jy) || rounds((y, ys), jy, jx)) {
        return true;
    }
    // The same runs in another order: in right-to-left text a number's parts are often
    // written in reverse (`8ر15` and `6.15` for `15.8`, `1/4` for `4-1`), and a date's parts
    // in either order; leading zeros count only in a number of two parts (`2.05` is not
    // `5.2`), not in a date's (`01/07/2015` is `2015/7/1`).
    let dated = |joins: &[Join]| joins.windows(2).any(|w| w[0] != Join::Begins && w[1] != Join::Begins);
    let trim = dated(xs) || dated(ys);
    let sorted = |runs: &[Digits]| {
        let mut v: Vec<Digits> = runs.iter().map(|&r| if trim { r.trimmed() } else { r }).collect();
        v.sort_unstable();
        v
    };
    if sorted(x) == sorted(y) {
        return true;
    }
    let (nx, ny) = (numbers(x, xs), numbers(y, ys));
    among(&nx, &ny) || among(&ny, &nx)
}

/// Whether digit runs `x` and `y` (with their joins `xs`, `ys`) are the same runs: equal, but
/// for the leading zeros of runs that begin a number on both sides (`08:30` and `8.30`; `2.50`
/// is not `25.0`, `2.05` is not `2.5`).
fn laid_out_alike((x, xs): (&[Digits], &[Join]), (y, ys): (&[Digits], &[Join])) -> bool {
    x.len() == y.len()
        && x.iter().zip(xs).zip(y.iter().zip(ys)).all(|((&a, &ja), (&b, &jb))| {
            if ja == Join::Begins && jb == Join::Begins {
                a.trimmed() == b.trimmed()
            } else {
                a == b
            }
        })
}

/// Digit runs `runs` (with their joins `joins`) without the zero minutes of a time (`7:00` is
/// `7`).
fn minutes_dropped(runs: &[Digits], joins: &[Join]) -> (Vec<Digits>, Vec<Join>) {
    runs.iter()
        .zip(joins)
        .filter(|&(r, &j)| !(j == Join::Colon && r.count == 2 && r.value == 0))
        .map(|(&r, &j)| (r, j))
        .unzip()
}

/// The numbers of digit runs `runs` (with how each follows the one before it in `joins`),
/// sorted, each as its runs, the first without leading zeros and a time's zero minutes dropped
/// (`2.5` is not `25`, `2.50` is not `25.0`; `08:00` is `8`).
fn numbers(runs: &[Digits], joins: &[Join]) -> Vec<Vec<Digits>> {
    if joins.contains(&Join::Scale) {
        let (runs, joins) = scaled(runs, joins);
        return numbers(&runs, &joins);
    }
    let mut v = Vec::new();
    let mut from = 0;
    for i in 1..=runs.len() {
        if i == runs.len() || joins[i] == Join::Begins {
            let (mut number, _) = minutes_dropped(&runs[from..i], &joins[from..i]);
            number[0] = number[0].trimmed();
            v.push(number);
            from = i;
        }
    }
    v.sort_unstable();
    v
}

/// Most words a figure's ends are widened by ([`Figures::around`]).
const WHOLE: usize = 4;

/// The runs of digits of a document's words, in order, with the word each is in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figures {
    /// Token index of each run, never decreasing.
    pub(super) at: Vec<u32>,
    /// Its digits.
    pub(super) digits: Vec<Digits>,
    /// How it follows the run before it.
    pub(super) joins: Vec<Join>,
}

impl Figures {
    /// The figures of a text whose tokens are the byte ranges `tokens` (on character
    /// boundaries), in order.
    pub fn of(text: &str, tokens: impl Iterator<Item = (u32, u32)>) -> Figures {
        let mut figures = Figures::default();
        // Most words hold no digit: only those that do are read character by character.
        let digits = digit_bytes(text.as_bytes());
        // Number words standing alone (`seven ships`, `two billion`), not part of a longer
        // number (`twenty-five`, `two hundred`).
        let words = number_words(text);
        if digits.is_empty() && words.is_empty() {
            return figures;
        }
        let (mut next_digit, mut next_word) = (0, 0);
        // Where the last run ended, in bytes of `text`.
        let mut last_end: Option<usize> = None;
        for (i, (start, end)) in tokens.enumerate() {
            while next_digit < digits.len() && digits[next_digit] < start {
                next_digit += 1;
            }
            while next_word < words.len() && words[next_word].0 < start {
                next_word += 1;
            }
            let (start, end) = (start as usize, end as usize);
            let past_digits = next_digit == digits.len();
            if past_digits || digits[next_digit] as usize >= end {
                if let Some(&(_, _, value)) =
                    words.get(next_word).filter(|w| (w.0 as usize, w.1 as usize) == (start, end))
                {
                    figures.at.push(i as u32);
                    figures.digits.push(Digits { count: value.ilog10() + 1, value });
                    figures.joins.push(Join::Begins);
                    last_end = Some(end);
                    continue;
                }
                // A scale word right after a word that ends in a number.
                let follows = figures.at.last().is_some_and(|&t| t as usize + 1 == i)
                    && figures.joins.last() != Some(&Join::Scale);
                if let Some(zeros) =
                    last_end.filter(|_| follows).and_then(|e| scale_word(text, e, (start, end)))
                {
                    figures.push_scale(i, zeros);
                }
                if past_digits && next_word == words.len() {
                    break;
                }
                continue;
            }
            let Some(word) = text.get(start..end) else { continue };
            let mut run: Option<(usize, Digits)> = None;
            let push =
                |figures: &mut Figures, from: usize, to: usize, d: Digits, last: &mut Option<usize>| {
                    let join = last.and_then(|e| text.get(e..from)).map_or(Join::Begins, Join::between);
                    figures.at.push(i as u32);
                    figures.digits.push(d);
                    figures.joins.push(join);
                    *last = Some(to);
                };
            for (off, c) in word.char_indices() {
                let at = start + off;
                match (digit(c), run) {
                    (Some(v), r) => {
                        let (from, d) = r.unwrap_or((at, Digits::default()));
                        run = Some((from, d.then(Digits { count: 1, value: v })));
                    }
                    (None, Some((from, d))) => {
                        push(&mut figures, from, at, d, &mut last_end);
                        run = None;
                        // The rest of the word a scale word (`120مليار`, `1.4m`).
                        if let Some(zeros) = scale_of(&word[off..], true) {
                            figures.push_scale(i, zeros);
                            break;
                        }
                    }
                    (None, None) => {}
                }
            }
            if let Some((from, d)) = run {
                push(&mut figures, from, end, d, &mut last_end);
            }
        }
        figures
    }

    /// Adds the scale word at token `token`, standing for `zeros` zeros ([`Join::Scale`]).
    fn push_scale(&mut self, token: usize, zeros: u32) {
        self.at.push(token as u32);
        self.digits.push(Digits { count: zeros, value: 0 });
        self.joins.push(Join::Scale);
    }

    /// Whether the parts fit together: each run at a token, in order.
    pub(super) fn fits(&self, tokens: usize) -> bool {
        self.at.len() == self.digits.len()
            && self.at.len() == self.joins.len()
            && self.at.windows(2).all(|w| w[0] <= w[1])
            && self.at.last().is_none_or(|&t| (t as usize) < tokens)
    }

    /// Tokens `[first, last)` widened to the whole figures at their ends: the tokens that
    /// hold digits just before and just after (a number split into words at its separators,
    /// `1,277,000`, is at most four such words on either side).
    pub fn around(&self, (first, last): (usize, usize)) -> (usize, usize) {
        let holds = |t: usize| self.at.binary_search(&(t as u32)).is_ok();
        let mut lo = first;
        while lo > 0 && first - lo < WHOLE && holds(lo - 1) {
            lo -= 1;
        }
        let mut hi = last;
        while hi - last < WHOLE && holds(hi) {
            hi += 1;
        }
        (lo, hi)
    }

    /// Whether every number of the digit runs `runs` (with how each follows the one before it
    /// in `joins`) is a number of the document too.
    pub fn holds_all(&self, (runs, joins): (&[Digits], &[Join])) -> bool {
        let mine = numbers(&self.digits, &self.joins);
        numbers(runs, joins).iter().all(|n| mine.binary_search(n).is_ok())
    }

    /// The indices `[from, to)` of the digit runs of tokens `[first, last)`.
    fn runs_within(&self, (first, last): (usize, usize)) -> (usize, usize) {
        let from = self.at.partition_point(|&t| (t as usize) < first);
        (from, self.at.partition_point(|&t| (t as usize) < last).max(from))
    }

    /// Whether tokens `[first, last)` hold digits.
    pub fn any_within(&self, range: (usize, usize)) -> bool {
        let (from, to) = self.runs_within(range);
        from < to
    }

    /// The digit runs of tokens `[first, last)`, in order, with how each follows the one
    /// before it (the first begins a number; a scale word whose number is outside the range is
    /// left out).
    pub fn within(&self, range: (usize, usize)) -> (&[Digits], Vec<Join>) {
        let (mut from, to) = self.runs_within(range);
        while from < to && self.joins[from] == Join::Scale {
            from += 1;
        }
        let mut joins = self.joins[from..to].to_vec();
        if let Some(j) = joins.first_mut() {
            *j = Join::Begins;
        }
        (&self.digits[from..to], joins)
    }
}

/// Calls `found` with the token ranges, in A and in B, of each place where one figure replaces
/// another: after a run, a nearest run that follows it in both documents with at most
/// `max_gap` words between them on each side (nearest by the words between, on both sides
/// together), when those words (at least one on one side) hold figures in both documents and
/// the figures differ ([`same`]), unless each document states the other's figures too (a
/// list of like sentences the two order differently). The words before the first run and
/// after the last are such a place too when both documents begin (end) within `max_gap` words
/// of it (`Record April 14` and `Record April 15` at the end of two notices): the first run is
/// the one with the fewest words before it on both sides together, the last the one with the
/// fewest after. The ranges are the words between, widened to the whole figures at their ends.
/// The same places whichever document is A: `runs` are in A's order, but each run's
/// successors, and the first and last runs, are chosen by a measure of both sides.
pub(super) fn edits(
    a: &Sequence,
    b: &Sequence,
    runs: &[Run],
    max_gap: usize,
    mut found: impl FnMut((usize, usize), (usize, usize)),
) {
    if a.figures.at.is_empty() || b.figures.at.is_empty() {
        return;
    }
    let k = a.k.max(1);
    // The place of an edit of words `(first, last)` in A and in B, when it replaces figures.
    let replaced = |(ea, sa): (usize, usize), (eb, sb): (usize, usize)| {
        if !a.figures.any_within((ea, sa)) || !b.figures.any_within((eb, sb)) {
            return None;
        }
        // A figure the edit only ends or begins (`5.60` and `5.6` share the `5`) is read
        // whole on both sides.
        let (wa, wb) = (a.figures.around((ea, sa)), b.figures.around((eb, sb)));
        let (x, xs) = a.figures.within(wa);
        let (y, ys) = b.figures.within(wb);
        // Figures written two ways are asked first: most edits' are, and asking whether each
        // document states the other's reads all of both documents' numbers.
        let one_figure = same((x, &xs), (y, &ys));
        let stated_by_both = || b.figures.holds_all((x, &xs)) && a.figures.holds_all((y, &ys));
        (!one_figure && !stated_by_both()).then_some((wa, wb))
    };
    // The edges: the words before the first run and after the last, when each side has at
    // most `max_gap` of them (and one side at least one). Runs equally near an edge are all
    // read; the place counts once.
    let (words_a, words_b) = (a.words(), b.words());
    let ends = |r: &Run| (r.i + r.len + k - 1, r.j + r.len + k - 1);
    // A run another run shares shingles with, in either document, does not place an edge: a
    // phrase that repeats (`billion at the end of`) matches out of the order of the text.
    let apart = |x: usize, y: usize, len_x: usize, len_y: usize| x + len_x <= y || y + len_y <= x;
    let alone = |r: &Run| {
        runs.iter()
            .all(|s| std::ptr::eq(s, r) || (apart(r.i, s.i, r.len, s.len) && apart(r.j, s.j, r.len, s.len)))
    };
    let head = |r: &Run| (r.i <= max_gap && r.j <= max_gap && alone(r)).then_some(r.i + r.j);
    let tail = |r: &Run| {
        let (ea, eb) = ends(r);
        let (ta, tb) = (words_a.saturating_sub(ea), words_b.saturating_sub(eb));
        (ta <= max_gap && tb <= max_gap && alone(r)).then_some(ta + tb)
    };
    if let Some(first) = runs.iter().filter_map(head).min().filter(|&n| n > 0) {
        let place = runs.iter().filter(|r| head(r) == Some(first)).find_map(|r| replaced((0, r.i), (0, r.j)));
        if let Some((wa, wb)) = place {
            found(wa, wb);
        }
    }
    // The runs that may follow a run, with the words between them on each side.
    let after = |ea: usize, eb: usize| {
        let from = runs.partition_point(|s| s.i < ea);
        runs[from..]
            .iter()
            .take_while(move |s| s.i - ea <= max_gap)
            .filter(move |s| s.j >= eb && s.j - eb <= max_gap && s.i + s.j > ea + eb)
    };
    for r in runs {
        let (ea, eb) = ends(r);
        let Some(nearest) = after(ea, eb).map(|s| s.i - ea + s.j - eb).min() else { continue };
        // Successors equally near are all read (which comes first depends on which document
        // is A); the place counts once.
        let place = after(ea, eb)
            .filter(|s| s.i - ea + s.j - eb == nearest)
            .find_map(|s| replaced((ea, s.i), (eb, s.j)));
        if let Some((wa, wb)) = place {
            found(wa, wb);
        }
    }
    if let Some(last) = runs.iter().filter_map(tail).min().filter(|&n| n > 0) {
        let place = runs.iter().filter(|r| tail(r) == Some(last)).find_map(|r| {
            let (ea, eb) = ends(r);
            replaced((ea, words_a), (eb, words_b))
        });
        if let Some((wa, wb)) = place {
            found(wa, wb);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The figures of `text` split at spaces.
    fn figures(text: &str) -> Figures {
        let mut tokens = Vec::new();
        let mut at = 0;
        for w in text.split(' ') {
            tokens.push((at as u32, (at + w.len()) as u32));
            at += w.len() + 1;
        }
        Figures::of(text, tokens.into_iter())
    }

    /// Whether the figures among the words of `x` and of `y` are the same.
    fn same(x: &str, y: &str) -> bool {
        let (fx, fy) = (figures(x), figures(y));
        let ((dx, sx), (dy, sy)) = (fx.within((0, usize::MAX)), fy.within((0, usize::MAX)));
        super::same((dx, &sx), (dy, &sy))
    }

    #[test]
    fn ways_of_writing_one_figure_are_one_figure() {
        assert!(same("1 277", "1277"));
        assert!(same("1,277", "١٢٧٧"));
        assert!(same("2,000", "2000"));
        assert!(same("08", "8"));
        assert!(same("08:00", "8:00"));
        assert!(same("1436هـ", "۱۴۳۶"));
        assert!(same("０7", "7"));
        assert!(same("15.8", "8ر15"));
        assert!(same("30 /10 / 1436هـ", "1436/10/30هـ"));
        assert!(same("26.7 مليون", "26,729,709"));
        assert!(same("5.60", "5.6"));
        assert!(same("26 يوليو", "10شوال 1436هـ (26يوليو 2015م)"));
        assert!(same("7 أيام مقابل 99", "سبعة أيام مقابل 99"));
        assert!(same("0800", "08:00"));
        assert!(same("1350", "13:50"));
        assert!(same("6:47 صباحا", "0647"));
        assert!(same("من 7 إلى 8.30 مساء", "من 7:00 إلى 08:30مساء"));
        assert!(same("01/07/2015", "2015/7/1"));
        assert!(same("2.05", "05.2"));
        assert!(same("15٫8", "8٫15"));
        assert!(same("15.6 مليون", "6.15 مليون"));
        assert!(same("B777-300ER", "300ER-B777"));
        // Rounded half up as well as cut.
        assert!(same("26.73", "26.729"));
        assert!(same("5.6", "5.55"));
        assert!(same("54 مليون", "53.7 مليون"));
        assert!(same("بقيمة 54 مليون ريال", "بقيمة 53,712,000 ريال"));
        assert!(same("2,500,000", "2,460,000"));
    }

    #[test]
    fn a_scale_word_is_the_zeros_it_stands_for() {
        assert!(same("3 آلاف", "3000"));
        assert!(same("3 آلاف جندي", "3,000 جندي"));
        assert!(same("30.000", "30 ألف"));
        assert!(same("30 ألفاً", "٣٠٠٠٠"));
        assert!(same("2.5 مليون", "2,500,000"));
        assert!(same("1.25 مليار", "1,250,000,000"));
        assert!(same("7 million", "7,000,000"));
        assert!(same("4.2 bln", "4,200,000,000"));
        // Rounded: as many digits with the scale word's zeros.
        assert!(same("26.7 مليون", "26,729,709"));
        assert!(same("26.7 million", "26.7 مليون"));
        // Other figures stay other figures, with the scale word's zeros.
        assert!(!same("3 آلاف", "3"));
        assert!(!same("3 آلاف", "4000"));
        assert!(!same("3 آلاف", "300"));
        assert!(!same("2.5 مليون", "2,400,000"));
        assert!(!same("2.5 مليون", "25,000,000"));
        assert!(!same("2.5 million", "2.5 billion"));
        assert!(!same("2.5 billion", "2,500,000"));
        assert!(!same("26.7 مليون", "2,672,970"));
        assert!(!same("312 ألفاً و709", "311 ألفًا و297"));
        assert!(!same("1.2345 million", "1,234,000"));
        // Only a scale word right after the number counts.
        assert!(!same("3 جنود آلاف", "3000 جنود"));
        assert!(!same("3هـ آلاف", "3000"));
        // A scale word in the number's word, or after a bracket.
        assert!(same("120مليار", "120 مليار"));
        assert!(same("بـ 10ملايين", "10,000,000"));
        assert!(same("1.4 million", "1.4m"));
        assert!(same("£2bn", "2 billion"));
        assert!(same("(5ر557) مليون", "5.557 ملايين"));
        assert!(!same("1.4m", "1.4 billion"));
    }

    #[test]
    fn a_scale_word_is_read_after_the_last_number_and_only_after_a_number() {
        let f = figures("قتل 3 آلاف");
        assert_eq!(f.joins, vec![Join::Begins, Join::Scale]);
        assert_eq!(f.at, vec![1, 2]);
        assert!(f.fits(3));
        let f = figures("ألف جندي و 2 ألف ألف");
        assert_eq!(f.joins, vec![Join::Begins, Join::Scale]);
        // An edit of the scale word only is about figures: widened to its number.
        let f = figures("3 آلاف x");
        assert!(f.any_within((1, 2)));
        assert_eq!(f.around((1, 2)), (0, 2));
        assert_eq!(f.within((1, 3)).0.len(), 0);
        assert_eq!(f.within((0, 3)).0.len(), 2);
    }

    #[test]
    fn other_figures_are_other_figures() {
        assert!(!same("1,277", "1,276"));
        assert!(!same("12", "120"));
        assert!(!same("2.5", "25"));
        assert!(!same("2.5 billion", "1.5 billion"));
        assert!(!same("6-3/16", "6-1/4"));
        assert!(!same("312 ألفاً و709", "311 ألفًا و297"));
        assert!(!same("55", "25"));
        // A one-digit figure beginning another is not taken for it rounded.
        assert!(!same("1", "12"));
        // An integer written in full is rounded to as many digits.
        assert!(!same("2,500,000", "25,000,000"));
        assert!(!same("1.500", "15,000"));
        assert!(!same("2,500", "25,000"));
        assert!(same("2,500,000", "2,531,400"));
        assert!(same("30.400", "30,412"));
        // A letter other than `ر` ends a number: a unit after it is another number.
        assert!(same("750.000م2", "(750.000) م مربع"));
        assert!(same("بمساحة 5184م2", "بمساحة 5184 م"));
        assert!(!same("750.000م2", "(750.002) م مربع"));
        // A number is not among the numbers of the other side when it is part of one.
        assert!(!same("price to 50 cts", "price to 50.75 cts"));
        // Joined digits alike, laid out otherwise.
        assert!(!same("2.50", "25.0"));
        assert!(!same("2.05", "2.5"));
        assert!(!same("2.50", "250"));
        assert!(!same("at 2.50 and 7", "at 25.0 and 7"));
        // Rounded to the nearest or cut, and only then.
        assert!(!same("26.8", "26.729"));
        assert!(!same("6-1/2", "6-1/16"));
        assert!(!same("26.73", "2.6729"));
        assert!(!same("52 مليون", "53.7 مليون"));
        assert!(!same("55 مليون", "53.7 مليون"));
        assert!(!same("2,500,000", "2,440,000"));
        // Zeros written after a separator are digits stated, not rounding.
        assert!(!same("15.00 mln", "14.50 mln"));
        assert!(!same("15.00 mln", "15.04 mln"));
        assert!(same("15.00 mln", "15,004,000"));
        // An integer is not read as a decimal rounded: `1,277` may be a thousand and more.
        assert!(!same("54", "53.7"));
        // Parts in another order keep their leading zeros but in a date.
        assert!(!same("2.05", "5.2"));
        // Minutes are dropped only when they are zero.
        assert!(!same("7", "7:30"));
        assert!(!same("7 to 9", "7:30 to 9"));
    }

    #[test]
    fn an_english_number_word_standing_alone_is_a_figure() {
        assert!(same("seven ships", "7 ships"));
        assert!(same("Pay April One", "Pay April 1"));
        assert!(same("nine.", "9."));
        assert!(!same("seven ships", "six ships"));
        assert!(!same("six pct", "6-1/8 pct"));
        assert!(!same("Three", "15"));
        // With the scale word after it.
        assert!(same("one billion dlrs", "1,000,000,000 dlrs"));
        assert!(!same("one billion dlrs", "two billion dlrs"));
        assert!(!same("two billion dlrs", "1.5 billion dlrs"));
        // Read after `and` too, but not as part of a longer number.
        assert_eq!(figures("loading and six ships").digits, vec![Digits { count: 1, value: 6 }]);
        for longer in [
            "twenty-five",
            "twenty five",
            "two hundred",
            "one and a half",
            "a hundred and five",
            "two point five",
            "one third",
        ] {
            assert!(figures(longer).at.is_empty(), "{longer}");
        }
        // Only whole words, in any case.
        assert_eq!(figures("SEVEN").digits, vec![Digits { count: 1, value: 7 }]);
        assert!(figures("someone often tennis").at.is_empty());
    }

    proptest::proptest! {
        /// One figure written two ways is so whichever side is read first, every figure is
        /// itself, and a number's leading zero changes nothing. `y` is `x` or other digits
        /// split into runs anew, in this order or reversed (so that the rules for digits
        /// regrouped, rounded and reordered are reached), joined by the separators figures are
        /// written with, spaces among them.
        #[test]
        fn same_is_symmetric_and_reflexive(
            x in "[0-9]{1,4}([.,:/ ر٫-][0-9]{1,4}){0,3}",
            other in "[0-9]{1,12}",
            cuts in proptest::collection::vec((1usize..12, "[.,:/ ر٫-]"), 0..4),
            reversed in proptest::bool::ANY,
            own_digits in proptest::bool::ANY,
        ) {
            let digits: String = if own_digits {
                x.chars().filter(char::is_ascii_digit).collect()
            } else {
                other
            };
            let mut parts: Vec<&str> = Vec::new();
            let mut at = 0;
            let mut cuts: Vec<(usize, String)> =
                cuts.into_iter().filter(|(c, _)| *c < digits.len()).collect();
            cuts.sort();
            cuts.dedup_by_key(|c| c.0);
            let mut y = String::new();
            for (cut, _) in &cuts {
                parts.push(&digits[at..*cut]);
                at = *cut;
            }
            parts.push(&digits[at..]);
            if reversed {
                parts.reverse();
            }
            for (i, part) in parts.iter().enumerate() {
                if i > 0 {
                    y.push_str(&cuts[i - 1].1);
                }
                y.push_str(part);
            }
            proptest::prop_assert_eq!(same(&x, &y), same(&y, &x), "{} / {}", x, y);
            proptest::prop_assert!(same(&x, &x));
            let zero = format!("0{}", x);
            proptest::prop_assert!(same(&x, &zero), "{} / {}", x, zero);
        }
    }

    #[test]
    fn within_reads_only_the_range() {
        let f = figures("a 1 b 2/3 c 4");
        assert_eq!(f.at, vec![1, 3, 3, 5]);
        assert_eq!(f.joins, vec![Join::Begins, Join::Begins, Join::Other, Join::Begins]);
        assert!(f.within((0, 1)).0.is_empty());
        assert_eq!(f.within((1, 2)).0, &[Digits { count: 1, value: 1 }]);
        assert_eq!(f.within((2, 4)).0.len(), 2);
        assert!(f.within((4, 1)).0.is_empty());
        assert!(f.fits(6) && !f.fits(5));
        assert_eq!(f.around((2, 3)), (1, 4));
    }
}
