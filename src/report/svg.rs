//! Minimal self-contained SVG charts for `reprint eval`: line charts and histograms, no
//! scripts, no external resources. Labels are escaped.
//!
//! Every chart titles both axes. Each series of a line chart has its own colour, dash pattern
//! and marker shape (hollow, so that coinciding points stay visible), and the legend shows all
//! three, so series that lie on top of each other (four figures at 1.0) can still be told
//! apart. Ticks sit on given values (a sweep's values), on round numbers, or on whole numbers
//! for counts. Elements carry classes (`x-tick`, `y-tick`, `x-title`, `y-title`, `series`,
//! `marker`, `threshold-marker`) so tests can check what a chart shows.

use std::fmt::Write;

const W: f64 = 640.0;
const H: f64 = 400.0;
const L: f64 = 70.0;
const R: f64 = 170.0;
const T: f64 = 50.0;
const B: f64 = 56.0;
const COLOURS: [&str; 6] = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf"];
/// Dash pattern of each series (`stroke-dasharray`; none for the first).
const DASHES: [Option<&str>; 6] =
    [None, Some("8 4"), Some("2 3"), Some("10 3 2 3"), Some("5 5"), Some("1 6")];
/// Marker shape of each series.
const MARKERS: [Marker; 6] = [
    Marker::Circle,
    Marker::Square,
    Marker::TriangleUp,
    Marker::Diamond,
    Marker::TriangleDown,
    Marker::Cross,
];
/// Marker size (half width) of each series: decreasing, so that markers of series that
/// coincide nest inside each other instead of hiding each other.
const MARKER_SIZES: [f64; 6] = [7.0, 5.8, 4.7, 3.7, 2.9, 2.1];
/// Line width of each series: decreasing, so that a line drawn over another leaves its edges
/// visible.
const LINE_WIDTHS: [f64; 6] = [4.0, 3.2, 2.6, 2.0, 1.6, 1.2];
/// Width of one character of a tick label, in pixels (12 px sans-serif digits), and the
/// space kept between two labels: closer ticks are drawn without every label.
const CHAR_WIDTH: f64 = 6.5;
const LABEL_GAP: f64 = 6.0;

/// The shape drawn at each point of a series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marker {
    Circle,
    Square,
    TriangleUp,
    Diamond,
    TriangleDown,
    Cross,
}

impl Marker {
    fn name(self) -> &'static str {
        match self {
            Marker::Circle => "circle",
            Marker::Square => "square",
            Marker::TriangleUp => "triangle-up",
            Marker::Diamond => "diamond",
            Marker::TriangleDown => "triangle-down",
            Marker::Cross => "cross",
        }
    }

    /// Path data of the shape centred on `(x, y)`, `r` from the centre to its sides.
    fn path(self, x: f64, y: f64, r: f64) -> String {
        match self {
            Marker::Circle => {
                format!(
                    "M{:.1} {y:.1} a{r} {r} 0 1 0 {:.1} 0 a{r} {r} 0 1 0 {:.1} 0",
                    x - r,
                    2.0 * r,
                    -2.0 * r
                )
            }
            Marker::Square => {
                format!("M{:.1} {:.1} h{:.1} v{:.1} h{:.1} Z", x - r, y - r, 2.0 * r, 2.0 * r, -2.0 * r)
            }
            Marker::TriangleUp => {
                format!("M{x:.1} {:.1} L{:.1} {:.1} L{:.1} {:.1} Z", y - 1.3 * r, x + r, y + r, x - r, y + r)
            }
            Marker::Diamond => {
                let d = 1.3 * r;
                format!(
                    "M{x:.1} {:.1} L{:.1} {y:.1} L{x:.1} {:.1} L{:.1} {y:.1} Z",
                    y - d,
                    x + d,
                    y + d,
                    x - d
                )
            }
            Marker::TriangleDown => {
                format!("M{x:.1} {:.1} L{:.1} {:.1} L{:.1} {:.1} Z", y + 1.3 * r, x + r, y - r, x - r, y - r)
            }
            Marker::Cross => format!(
                "M{:.1} {:.1} L{:.1} {:.1} M{:.1} {:.1} L{:.1} {:.1}",
                x - r,
                y - r,
                x + r,
                y + r,
                x - r,
                y + r,
                x + r,
                y - r
            ),
        }
    }
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match super::markup_entity(c) {
            Some(entity) => out.push_str(entity),
            None => out.push(c),
        }
    }
    out
}

/// Where an axis puts its ticks.
#[derive(Debug, Clone, PartialEq)]
pub enum Ticks {
    /// At these values (a sweep's values), labelled as the shortest decimal; the axis runs
    /// from the first to the last (its given range is not used).
    At(Vec<f64>),
    /// At round numbers (1, 2 or 5 times a power of ten) over the range.
    Round,
    /// At whole numbers (counts) from 0; the range is widened to the last tick.
    Whole,
}

/// One axis of a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// Axis title.
    pub title: String,
    /// Values at the two ends.
    pub range: (f64, f64),
    /// Where the ticks are.
    pub ticks: Ticks,
}

impl Axis {
    /// An axis titled `title` over `range`.
    pub fn new(title: &str, range: (f64, f64), ticks: Ticks) -> Self {
        Axis { title: title.to_owned(), range, ticks }
    }

    /// The tick values and labels, and the range widened to hold them (whole-number ticks end
    /// on a tick; an empty range is widened so that values can be placed).
    fn resolve(&self) -> (Vec<(f64, String)>, (f64, f64)) {
        let (lo, hi) = self.range;
        let (lo, hi) = if hi > lo { (lo, hi) } else { (lo - 0.5, lo + 0.5) };
        match &self.ticks {
            Ticks::At(values) => {
                let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
                v.sort_by(f64::total_cmp);
                v.dedup();
                let ticks = v.iter().map(|&x| (x, shortest(x))).collect();
                // The axis spans the values: from the first to the last.
                let range = match (v.first(), v.last()) {
                    (Some(&a), Some(&b)) if b > a => (a, b),
                    (Some(&a), _) => (a - 0.05, a + 0.05),
                    _ => (lo, hi),
                };
                (ticks, range)
            }
            Ticks::Round => {
                let step = round_step((hi - lo) / 5.0);
                let decimals = (-step.log10().floor()).max(0.0) as usize;
                let first = (lo / step - 1e-9).ceil() as i64;
                let last = (hi / step + 1e-9).floor() as i64;
                let ticks =
                    (first..=last).map(|k| k as f64 * step).map(|x| (x, format!("{x:.decimals$}"))).collect();
                (ticks, (lo, hi))
            }
            Ticks::Whole => {
                let step = round_step(hi.max(1.0) / 5.0).max(1.0);
                let top = (hi / step).ceil().max(1.0) * step;
                let n = (top / step).round() as i64;
                let ticks = (0..=n).map(|k| k as f64 * step).map(|x| (x, format!("{x:.0}"))).collect();
                (ticks, (0.0, top))
            }
        }
    }
}

/// The shortest decimal of `x` to six places (`0.35`, `1`, `0.3`).
fn shortest(x: f64) -> String {
    let r = (x * 1e6).round() / 1e6;
    format!("{}", if r == 0.0 { 0.0 } else { r })
}

/// The round step (1, 2 or 5 times a power of ten) nearest above `raw`.
fn round_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let p = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * p).find(|&s| s >= raw * (1.0 - 1e-9)).unwrap_or(10.0 * p)
}

fn map(v: f64, (lo, hi): (f64, f64), (a, b): (f64, f64)) -> f64 {
    if hi == lo {
        a
    } else {
        a + (v - lo) / (hi - lo) * (b - a)
    }
}

/// A chart's frame: title (and subtitle), axes with ticks, grid and titles. Returns the SVG
/// so far and the two resolved ranges.
fn frame(title: &str, subtitle: Option<&str>, x: &Axis, y: &Axis) -> (String, (f64, f64), (f64, f64)) {
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"{W}\" height=\"{H}\" fill=\"white\"/>\n<text class=\"title\" x=\"{}\" y=\"20\" text-anchor=\"middle\" font-size=\"14\">{}</text>\n",
        (L + W - R) / 2.0,
        esc(title)
    );
    if let Some(sub) = subtitle {
        let _ = writeln!(
            s,
            "<text class=\"subtitle\" x=\"{}\" y=\"37\" text-anchor=\"middle\" font-size=\"11\" fill=\"#555\">{}</text>",
            (L + W - R) / 2.0,
            esc(sub)
        );
    }
    let (x_ticks, x_range) = x.resolve();
    let (y_ticks, y_range) = y.resolve();
    let (x0, y0, x1, y1) = (L, H - B, W - R, T);
    // Labels of ticks too close for their text are thinned to every n-th; the marks stay.
    let every = |ticks: &[(f64, String)], length: f64, vertical: bool| {
        let room = length / ticks.len().saturating_sub(1).max(1) as f64;
        let widest = ticks.iter().map(|(_, l)| l.chars().count()).max().unwrap_or(0) as f64;
        let need = if vertical { 14.0 } else { widest * CHAR_WIDTH + LABEL_GAP };
        (need / room).ceil().max(1.0) as usize
    };
    let x_every = every(&x_ticks, x1 - x0, false);
    for (k, (v, label)) in x_ticks.iter().enumerate() {
        let px = map(*v, x_range, (x0, x1));
        let _ = writeln!(s, "<path d=\"M{px:.1} {y0} V{:.1}\" stroke=\"black\"/>", y0 + 5.0);
        if k % x_every == 0 {
            let _ = writeln!(
                s,
                "<text class=\"x-tick\" x=\"{px:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                y0 + 18.0,
                esc(label)
            );
        }
    }
    let y_every = every(&y_ticks, y0 - y1, true);
    for (k, (v, label)) in y_ticks.iter().enumerate() {
        let py = map(*v, y_range, (y0, y1));
        let _ = writeln!(s, "<path d=\"M{x0} {py:.1} H{x1}\" stroke=\"#e4e4e4\"/>");
        let _ = writeln!(s, "<path d=\"M{:.1} {py:.1} H{x0}\" stroke=\"black\"/>", x0 - 5.0);
        if k % y_every == 0 {
            let _ = writeln!(
                s,
                "<text class=\"y-tick\" x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
                x0 - 8.0,
                py + 4.0,
                esc(label)
            );
        }
    }
    let _ = writeln!(s, "<path d=\"M{x0} {y1} V{y0} H{x1}\" stroke=\"black\" fill=\"none\"/>");
    let _ = writeln!(
        s,
        "<text class=\"x-title\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text><text class=\"y-title\" x=\"18\" y=\"{}\" text-anchor=\"middle\" transform=\"rotate(-90 18 {})\">{}</text>",
        (x0 + x1) / 2.0,
        H - 14.0,
        esc(&x.title),
        (y0 + y1) / 2.0,
        (y0 + y1) / 2.0,
        esc(&y.title)
    );
    (s, x_range, y_range)
}

/// A named series of a line chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend name.
    pub name: String,
    /// Points `(x, y)` in order.
    pub points: Vec<(f64, f64)>,
    /// Whether each point gets a marker (a measured series) or only the line is drawn (a
    /// curve computed at many points).
    pub markers: bool,
}

impl Series {
    /// A series with a marker at every point.
    pub fn measured(name: &str, points: Vec<(f64, f64)>) -> Self {
        Series { name: name.to_owned(), points, markers: true }
    }
}

/// A line chart of named series over shared axes, with an optional vertical marker line
/// `(x, label)` (labelled at its foot, where an S-curve past its threshold leaves room).
pub fn line_chart(
    title: &str,
    subtitle: Option<&str>,
    x: &Axis,
    y: &Axis,
    series: &[Series],
    marker: Option<(f64, &str)>,
) -> String {
    let (mut s, x_range, y_range) = frame(title, subtitle, x, y);
    if let Some((mx, label)) = marker {
        let px = map(mx, x_range, (L, W - R));
        let _ = writeln!(
            s,
            "<g class=\"threshold-marker\" data-x=\"{}\"><path d=\"M{px:.1} {} V{T}\" stroke=\"#444\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/><text x=\"{:.1}\" y=\"{}\" font-size=\"11\" fill=\"#444\">{}</text></g>",
            shortest(mx),
            H - B,
            px + 4.0,
            H - B - 8.0,
            esc(label)
        );
    }
    for (k, sr) in series.iter().enumerate() {
        let colour = COLOURS[k % COLOURS.len()];
        let dash = DASHES[k % DASHES.len()];
        let shape = MARKERS[k % MARKERS.len()];
        let (size, width) = (MARKER_SIZES[k % MARKER_SIZES.len()], LINE_WIDTHS[k % LINE_WIDTHS.len()]);
        let dash_attr = dash.map(|d| format!(" stroke-dasharray=\"{d}\"")).unwrap_or_default();
        let pts: Vec<(f64, f64)> = sr
            .points
            .iter()
            .map(|&(px, py)| (map(px, x_range, (L, W - R)), map(py, y_range, (H - B, T))))
            .collect();
        let d: Vec<String> = pts
            .iter()
            .enumerate()
            .map(|(i, (px, py))| format!("{}{px:.1} {py:.1}", if i == 0 { "M" } else { "L" }))
            .collect();
        let _ = writeln!(
            s,
            "<g class=\"series\" data-name=\"{}\" data-marker=\"{}\" stroke=\"{colour}\">",
            esc(&sr.name),
            if sr.markers { shape.name() } else { "none" }
        );
        let _ =
            writeln!(s, "<path d=\"{}\" stroke-width=\"{width}\" fill=\"none\"{dash_attr}/>", d.join(" "));
        if sr.markers {
            for &(px, py) in &pts {
                let _ = writeln!(
                    s,
                    "<path class=\"marker\" d=\"{}\" fill=\"none\" stroke-width=\"1.4\"/>",
                    shape.path(px, py, size)
                );
            }
        }
        s.push_str("</g>\n");
        // Legend: a sample of the line with its dash pattern and marker, the name, and the
        // series' range of values (what coinciding lines hide).
        let (lx, ly) = (W - R + 12.0, T + 8.0 + 30.0 * k as f64);
        let _ = write!(
            s,
            "<g class=\"legend\" stroke=\"{colour}\"><path d=\"M{lx} {ly} h30\" stroke-width=\"{width}\"{dash_attr}/>"
        );
        if sr.markers {
            let _ = write!(
                s,
                "<path d=\"{}\" fill=\"none\" stroke-width=\"1.4\"/>",
                shape.path(lx + 15.0, ly, size)
            );
        }
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" stroke=\"none\">{}</text><text class=\"legend-range\" x=\"{}\" y=\"{}\" stroke=\"none\" font-size=\"10\" fill=\"#555\">{}</text></g>",
            lx + 38.0,
            ly + 4.0,
            esc(&sr.name),
            lx + 38.0,
            ly + 16.0,
            esc(&value_range(&sr.points))
        );
    }
    s.push_str("</svg>\n");
    s
}

/// The range of a series' values as the legend shows it: `0.997 to 1.000`, or one value.
fn value_range(points: &[(f64, f64)]) -> String {
    let lo = points.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
    let hi = points.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
    match (lo.is_finite(), format!("{lo:.3}"), format!("{hi:.3}")) {
        (false, _, _) => String::new(),
        (true, a, b) if a == b => format!("{a} throughout"),
        (true, a, b) => format!("{a} to {b}"),
    }
}

/// A histogram of `(lo, hi, count)` bins, counts on a whole-number axis.
pub fn histogram(title: &str, x_title: &str, y_title: &str, bins: &[(f64, f64, usize)]) -> String {
    let x_range = (bins.first().map_or(0.0, |b| b.0), bins.last().map_or(1.0, |b| b.1));
    let max = bins.iter().map(|b| b.2).max().unwrap_or(0) as f64;
    let x = Axis::new(x_title, x_range, Ticks::Round);
    let y = Axis::new(y_title, (0.0, max), Ticks::Whole);
    let (mut s, x_range, y_range) = frame(title, None, &x, &y);
    for &(lo, hi, n) in bins {
        let (x0, x1) = (map(lo, x_range, (L, W - R)), map(hi, x_range, (L, W - R)));
        let y = map(n as f64, y_range, (H - B, T));
        let _ = writeln!(
            s,
            "<rect x=\"{x0:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{}\" stroke=\"white\"><title>{lo:.2}–{hi:.2}: {n}</title></rect>",
            (x1 - x0).max(0.5),
            (H - B - y).max(0.0),
            COLOURS[0]
        );
    }
    s.push_str("</svg>\n");
    s
}

/// The charts of an `eval` run, as (file name, SVG): figures against the threshold when it is
/// swept (ticks on the swept values), and with `--exact` the S-curve of the measured setting
/// against its candidate rate (its threshold marked) and the histogram of pair similarities.
pub fn eval_plots(
    rows: &[crate::eval::Figures],
    axes: &[crate::eval::SweepAxis],
    candidate_rate: Option<&crate::eval::CandidateRate>,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(axis) = axes.iter().find(|a| a.name == "threshold") {
        let x = |r: &crate::eval::Figures| r.setting.get("threshold").and_then(|v| v.parse::<f64>().ok());
        let mut series: Vec<Series> = Vec::new();
        let mut add = |name: &str, get: &dyn Fn(&crate::eval::Figures) -> Option<f64>| {
            let pts: Vec<(f64, f64)> = rows.iter().filter_map(|r| Some((x(r)?, get(r)?))).collect();
            if !pts.is_empty() {
                series.push(Series::measured(name, pts));
            }
        };
        add("precision", &|r| r.labels.map(|a| a.precision));
        add("recall", &|r| r.labels.map(|a| a.recall));
        add("F1", &|r| r.labels.map(|a| a.f1));
        add("ARI", &|r| r.labels.map(|a| a.ari));
        add("LSH recall", &|r| r.lsh.as_ref().map(|l| l.recall));
        add("low-J pair recall", &|r| {
            r.pairs
                .as_ref()
                .and_then(|p| p.recall_by_jaccard.first())
                .filter(|b| b.pairs > 0)
                .map(|b| b.together as f64 / b.pairs as f64)
        });
        if !series.is_empty() {
            let values: Vec<f64> = axis.values.iter().filter_map(|v| v.parse().ok()).collect();
            let x_axis = Axis::new("threshold (Jaccard, --threshold)", (0.0, 0.0), Ticks::At(values));
            let y_axis = Axis::new("score (0 to 1)", (0.0, 1.0), Ticks::Round);
            let others: Vec<&str> =
                axes.iter().filter(|a| a.name != "threshold").map(|a| a.name.as_str()).collect();
            let subtitle = (!others.is_empty())
                .then(|| format!("one point per setting; also swept: {}", others.join(", ")));
            out.push((
                "eval_threshold.svg".to_owned(),
                line_chart(
                    "Figures against the threshold",
                    subtitle.as_deref(),
                    &x_axis,
                    &y_axis,
                    &series,
                    None,
                ),
            ));
        }
    }
    if let Some(rate) = candidate_rate {
        let banding = rate.banding;
        let hist: Vec<(f64, f64, usize)> = rate.bins.iter().map(|&(lo, hi, n, _)| (lo, hi, n)).collect();
        let measured: Vec<(f64, f64)> = rate
            .bins
            .iter()
            .filter(|b| b.2 > 0)
            .map(|&(lo, hi, n, k)| ((lo + hi) / 2.0, k as f64 / n as f64))
            .collect();
        let lo = rate.bins.first().map_or(0.0, |b| b.0);
        let theory: Vec<(f64, f64)> = (0..=50)
            .map(|i| lo + (1.0 - lo) * i as f64 / 50.0)
            .map(|s| (s, banding.probability(s)))
            .collect();
        let threshold = shortest(rate.threshold);
        let title = format!(
            "LSH candidates at threshold {threshold}: {} bands x {} rows",
            banding.bands, banding.rows
        );
        let subtitle = (rows.len() > 1).then(|| {
            let setting: Vec<String> = rate.setting.iter().map(|(k, v)| format!("{k}={v}")).collect();
            format!("measured at {}, the first of {} settings", setting.join(", "), rows.len())
        });
        let x_axis = Axis::new("exact Jaccard of the pair (bins of 0.05)", (lo, 1.0), Ticks::Round);
        let y_axis = Axis::new("share of pairs proposed", (0.0, 1.0), Ticks::Round);
        let series = [
            Series { name: "S-curve (theory)".into(), points: theory, markers: false },
            Series::measured("measured", measured),
        ];
        out.push((
            "eval_scurve.svg".to_owned(),
            line_chart(
                &title,
                subtitle.as_deref(),
                &x_axis,
                &y_axis,
                &series,
                Some((rate.threshold, &format!("threshold {threshold}"))),
            ),
        ));
        out.push((
            "eval_jaccard_hist.svg".to_owned(),
            histogram(
                &format!("Pairs by exact Jaccard (exact join, Jaccard >= {})", shortest(lo)),
                "exact Jaccard of the pair (bins of 0.05)",
                "pairs (count)",
                &hist,
            ),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text of every element of class `class`.
    fn texts(svg: &str, class: &str) -> Vec<String> {
        let open = format!("class=\"{class}\"");
        svg.split(&open)
            .skip(1)
            .map(|rest| {
                let body = &rest[rest.find('>').unwrap() + 1..];
                body[..body.find('<').unwrap()].to_owned()
            })
            .collect()
    }

    /// The value of `attr` on every element of class `class`.
    fn attrs(svg: &str, class: &str, attr: &str) -> Vec<String> {
        let open = format!("class=\"{class}\"");
        let key = format!(" {attr}=\"");
        svg.split(&open)
            .skip(1)
            .filter_map(|rest| {
                let tag = &rest[..rest.find('>').unwrap()];
                let v = &tag[tag.find(&key)? + key.len()..];
                Some(v[..v.find('"').unwrap()].to_owned())
            })
            .collect()
    }

    #[test]
    fn charts_are_wellformed_and_escaped() {
        let x = Axis::new("t <x>", (0.0, 1.0), Ticks::Round);
        let y = Axis::new("v & w", (0.0, 1.0), Ticks::Round);
        let c = line_chart(
            "P <&> R",
            None,
            &x,
            &y,
            &[Series::measured("a<b", vec![(0.1, 0.5), (0.2, 0.7)])],
            None,
        );
        assert!(c.starts_with("<svg") && c.trim_end().ends_with("</svg>"));
        assert!(c.contains("P &lt;&amp;&gt; R") && c.contains("a&lt;b"));
        assert_eq!(texts(&c, "x-title"), ["t &lt;x&gt;"]);
        assert_eq!(texts(&c, "y-title"), ["v &amp; w"]);
        assert!(!c.contains("<script"));
        let h = histogram("h", "x", "pairs", &[(0.0, 0.5, 3), (0.5, 1.0, 0)]);
        assert_eq!(h.matches("<rect x=").count(), 2);
    }

    #[test]
    fn round_and_whole_ticks() {
        let (t, r) = Axis::new("", (0.1, 1.0), Ticks::Round).resolve();
        let labels: Vec<&str> = t.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, ["0.2", "0.4", "0.6", "0.8", "1.0"]);
        assert_eq!(r, (0.1, 1.0));
        // Counts: whole numbers from 0, the axis ending on the last tick.
        let (t, r) = Axis::new("", (0.0, 172.0), Ticks::Whole).resolve();
        let labels: Vec<&str> = t.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, ["0", "50", "100", "150", "200"]);
        assert_eq!(r, (0.0, 200.0));
        let (t, r) = Axis::new("", (0.0, 3.0), Ticks::Whole).resolve();
        assert_eq!(t.iter().map(|(_, l)| l.as_str()).collect::<Vec<_>>(), ["0", "1", "2", "3"]);
        assert_eq!(r, (0.0, 3.0));
        let (t, _) = Axis::new("", (0.0, 0.0), Ticks::Whole).resolve();
        assert_eq!(t.iter().map(|(_, l)| l.as_str()).collect::<Vec<_>>(), ["0", "1"]);
    }

    #[test]
    fn histogram_count_ticks_are_whole_numbers() {
        let h =
            histogram("h", "Jaccard", "pairs (count)", &[(0.1, 0.15, 21), (0.15, 0.2, 172), (0.2, 0.25, 34)]);
        assert_eq!(texts(&h, "y-tick"), ["0", "50", "100", "150", "200"]);
        assert_eq!(texts(&h, "x-tick"), ["0.10", "0.15", "0.20", "0.25"]);
        assert_eq!(texts(&h, "y-title"), ["pairs (count)"]);
    }

    #[test]
    fn series_differ_in_dash_and_marker_and_all_reach_the_legend() {
        let x = Axis::new("threshold", (0.0, 0.0), Ticks::At(vec![0.3, 0.35, 0.4]));
        let y = Axis::new("score", (0.0, 1.0), Ticks::Round);
        let same = vec![(0.3, 1.0), (0.35, 1.0), (0.4, 1.0)];
        let series: Vec<Series> = ["precision", "recall", "F1", "ARI", "LSH recall", "low-J"]
            .iter()
            .map(|n| Series::measured(n, same.clone()))
            .collect();
        let c = line_chart("t", None, &x, &y, &series, None);
        assert_eq!(texts(&c, "x-tick"), ["0.3", "0.35", "0.4"]);
        let markers = attrs(&c, "series", "data-marker");
        assert_eq!(markers, ["circle", "square", "triangle-up", "diamond", "triangle-down", "cross"]);
        let dashes: Vec<Option<&str>> = c
            .split("class=\"series\"")
            .skip(1)
            .map(|g| {
                let path = &g[g.find("<path").unwrap()..];
                let tag = &path[..path.find("/>").unwrap()];
                tag.find("stroke-dasharray=\"")
                    .map(|i| &tag[i + 18..i + 18 + tag[i + 18..].find('"').unwrap()])
            })
            .collect();
        assert_eq!(dashes, DASHES.to_vec());
        assert_eq!(c.matches("class=\"marker\"").count(), 6 * 3);
        let legend: Vec<String> = c
            .split("class=\"legend\"")
            .skip(1)
            .map(|g| g[g.find("stroke=\"none\">").unwrap() + 14..g.find("</text>").unwrap()].to_owned())
            .collect();
        assert_eq!(legend, ["precision", "recall", "F1", "ARI", "LSH recall", "low-J"]);
    }
}
