//! `eval.csv`: one line per evaluated setting.

use super::Figures;

/// The rows as CSV: one line per setting, a header first.
pub fn to_csv(rows: &[Figures]) -> String {
    let axes: Vec<String> = rows.first().map(|r| r.setting.keys().cloned().collect()).unwrap_or_default();
    let mut out = String::new();
    let mut header: Vec<String> = axes.clone();
    header.extend(
        [
            "documents",
            "candidate_pairs",
            "verified_pairs",
            "passage_links",
            "linked_pairs",
            "clusters",
            "precision",
            "recall",
            "f1",
            "ari",
            "nmi",
            "low_jaccard_recall",
            "negatives_merged",
            "lsh_recall",
            "seconds",
        ]
        .map(str::to_owned),
    );
    out.push_str(&header.join(","));
    out.push('\n');
    let f = |x: Option<f64>| x.map(|v| format!("{v:.6}")).unwrap_or_default();
    for r in rows {
        let mut cells: Vec<String> =
            axes.iter().map(|a| r.setting.get(a).cloned().unwrap_or_default()).collect();
        let low = r.pairs.as_ref().and_then(|p| p.recall_by_jaccard.first()).map(|b| {
            if b.pairs == 0 {
                1.0
            } else {
                b.together as f64 / b.pairs as f64
            }
        });
        let neg = r.pairs.as_ref().map(|p| {
            if p.negative_pairs == 0 {
                0.0
            } else {
                p.negative_pairs_merged as f64 / p.negative_pairs as f64
            }
        });
        cells.extend([
            r.documents.to_string(),
            r.candidate_pairs.to_string(),
            r.verified_pairs.to_string(),
            r.passage_links.to_string(),
            r.linked_pairs.to_string(),
            r.clusters.to_string(),
            f(r.labels.map(|a| a.precision)),
            f(r.labels.map(|a| a.recall)),
            f(r.labels.map(|a| a.f1)),
            f(r.labels.map(|a| a.ari)),
            f(r.labels.map(|a| a.nmi)),
            f(low),
            f(neg),
            f(r.lsh.as_ref().map(|l| l.recall)),
            format!("{:.4}", r.seconds),
        ]);
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}
