//! Minimal self-contained SVG charts for `reprint eval`: line charts and histograms, no
//! scripts, no external resources. Labels are escaped.

use std::fmt::Write;

const W: f64 = 640.0;
const H: f64 = 400.0;
const L: f64 = 60.0;
const R: f64 = 150.0;
const T: f64 = 40.0;
const B: f64 = 50.0;
const COLOURS: [&str; 6] = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf"];

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

fn frame(title: &str, x_label: &str, y_label: &str, x: (f64, f64), y: (f64, f64)) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"{W}\" height=\"{H}\" fill=\"white\"/>\n<text x=\"{}\" y=\"22\" text-anchor=\"middle\" font-size=\"14\">{}</text>\n",
        (L + W - R) / 2.0,
        esc(title)
    );
    let (x0, y0, x1, y1) = (L, H - B, W - R, T);
    let _ = writeln!(s, "<path d=\"M{x0} {y1} V{y0} H{x1}\" stroke=\"black\" fill=\"none\"/>");
    for k in 0..=5 {
        let f = k as f64 / 5.0;
        let (px, py) = (x0 + f * (x1 - x0), y0 - f * (y0 - y1));
        let _ = writeln!(
            s,
            "<text x=\"{px}\" y=\"{}\" text-anchor=\"middle\">{:.2}</text><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{:.2}</text><path d=\"M{x0} {py} H{x1}\" stroke=\"#eee\"/>",
            y0 + 16.0,
            x.0 + f * (x.1 - x.0),
            x0 - 6.0,
            py + 4.0,
            y.0 + f * (y.1 - y.0)
        );
    }
    let _ = writeln!(
        s,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text><text x=\"16\" y=\"{}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {})\">{}</text>",
        (x0 + x1) / 2.0,
        H - 12.0,
        esc(x_label),
        (y0 + y1) / 2.0,
        (y0 + y1) / 2.0,
        esc(y_label)
    );
    s
}

fn map(v: f64, (lo, hi): (f64, f64), (a, b): (f64, f64)) -> f64 {
    if hi == lo {
        a
    } else {
        a + (v - lo) / (hi - lo) * (b - a)
    }
}

/// A line chart of named series over shared axes; y runs over `y_range`.
pub fn line_chart(
    title: &str,
    x_label: &str,
    y_label: &str,
    series: &[(String, Vec<(f64, f64)>)],
    y_range: (f64, f64),
) -> String {
    let xs: Vec<f64> = series.iter().flat_map(|(_, p)| p.iter().map(|q| q.0)).collect();
    let x_range = (
        xs.iter().copied().fold(f64::INFINITY, f64::min),
        xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    );
    let x_range = if x_range.0.is_finite() { x_range } else { (0.0, 1.0) };
    let mut s = frame(title, x_label, y_label, x_range, y_range);
    for (k, (name, points)) in series.iter().enumerate() {
        let colour = COLOURS[k % COLOURS.len()];
        let d: Vec<String> = points
            .iter()
            .enumerate()
            .map(|(i, &(x, y))| {
                let (px, py) = (map(x, x_range, (L, W - R)), map(y, y_range, (H - B, T)));
                format!("{}{px:.1} {py:.1}", if i == 0 { "M" } else { "L" })
            })
            .collect();
        let _ =
            writeln!(s, "<path d=\"{}\" stroke=\"{colour}\" stroke-width=\"2\" fill=\"none\"/>", d.join(" "));
        for &(x, y) in points {
            let _ = writeln!(
                s,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.5\" fill=\"{colour}\"/>",
                map(x, x_range, (L, W - R)),
                map(y, y_range, (H - B, T))
            );
        }
        let ly = T + 10.0 + 18.0 * k as f64;
        let _ = writeln!(
            s,
            "<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"3\" fill=\"{colour}\"/><text x=\"{}\" y=\"{}\">{}</text>",
            W - R + 10.0,
            ly - 4.0,
            W - R + 26.0,
            ly,
            esc(name)
        );
    }
    s.push_str("</svg>\n");
    s
}

/// A histogram of `(lo, hi, count)` bins.
pub fn histogram(title: &str, x_label: &str, bins: &[(f64, f64, usize)]) -> String {
    let x_range = (bins.first().map_or(0.0, |b| b.0), bins.last().map_or(1.0, |b| b.1));
    let max = bins.iter().map(|b| b.2).max().unwrap_or(0).max(1) as f64;
    let mut s = frame(title, x_label, "pairs", x_range, (0.0, max));
    for &(lo, hi, n) in bins {
        let (x0, x1) = (map(lo, x_range, (L, W - R)), map(hi, x_range, (L, W - R)));
        let y = map(n as f64, (0.0, max), (H - B, T));
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
/// swept, and with `--exact` the S-curve against the measured candidate rate and the histogram
/// of pair similarities.
pub fn eval_plots(
    rows: &[crate::eval::Figures],
    axes: &[crate::eval::SweepAxis],
    candidate_rate: Option<&crate::eval::CandidateRate>,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if axes.iter().any(|a| a.name == "threshold") {
        let x = |r: &crate::eval::Figures| r.setting.get("threshold").and_then(|v| v.parse::<f64>().ok());
        let mut series: Vec<(String, Vec<(f64, f64)>)> = Vec::new();
        let mut add = |name: &str, get: &dyn Fn(&crate::eval::Figures) -> Option<f64>| {
            let pts: Vec<(f64, f64)> = rows.iter().filter_map(|r| Some((x(r)?, get(r)?))).collect();
            if !pts.is_empty() {
                series.push((name.to_owned(), pts));
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
            out.push((
                "eval_threshold.svg".to_owned(),
                line_chart("Figures vs threshold", "threshold", "score", &series, (0.0, 1.0)),
            ));
        }
    }
    if let Some(crate::eval::CandidateRate { banding, bins: rate, .. }) = candidate_rate {
        let hist: Vec<(f64, f64, usize)> = rate.iter().map(|&(lo, hi, n, _)| (lo, hi, n)).collect();
        let measured: Vec<(f64, f64)> = rate
            .iter()
            .filter(|b| b.2 > 0)
            .map(|&(lo, hi, n, k)| ((lo + hi) / 2.0, k as f64 / n as f64))
            .collect();
        let lo = rate.first().map_or(0.0, |b| b.0);
        let theory: Vec<(f64, f64)> = (0..=50)
            .map(|i| lo + (1.0 - lo) * i as f64 / 50.0)
            .map(|s| (s, banding.probability(s)))
            .collect();
        let title = format!("Candidate probability: {} bands x {} rows", banding.bands, banding.rows);
        out.push((
            "eval_scurve.svg".to_owned(),
            line_chart(
                &title,
                "exact Jaccard",
                "share proposed",
                &[("S-curve".into(), theory), ("measured".into(), measured)],
                (0.0, 1.0),
            ),
        ));
        out.push(("eval_jaccard_hist.svg".to_owned(), histogram("Pairs by exact Jaccard", "Jaccard", &hist)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_are_wellformed_and_escaped() {
        let c = line_chart("P <&> R", "t", "v", &[("a<b".into(), vec![(0.1, 0.5), (0.2, 0.7)])], (0.0, 1.0));
        assert!(c.starts_with("<svg") && c.trim_end().ends_with("</svg>"));
        assert!(c.contains("P &lt;&amp;&gt; R") && c.contains("a&lt;b"));
        assert!(!c.contains("<script"));
        let h = histogram("h", "x", &[(0.0, 0.5, 3), (0.5, 1.0, 0)]);
        assert_eq!(h.matches("<rect x=").count(), 2);
    }
}
