//! The SVG plots of `reprint eval`: ticks on the sweep's values, whole-number counts, the
//! threshold of the measured setting marked, every axis titled, series told apart.

use crate::common::{reprint, root};

/// The text of every element of class `class` in `svg`.
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

/// The value of attribute `attr` of every element of class `class`.
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

/// Runs `reprint eval seeds --labels … --exact --sweep SWEEP` and reads the three plots.
fn plots(sweep: &str) -> [String; 3] {
    let dir = tempfile::tempdir().unwrap();
    reprint()
        .current_dir(root())
        .args(["eval", "seeds", "--labels", "tests/fixtures/seeds_labels.jsonl", "--exact", "-q"])
        .args(["--sweep", sweep, "--out"])
        .arg(dir.path())
        .assert()
        .success();
    ["eval_threshold.svg", "eval_scurve.svg", "eval_jaccard_hist.svg"]
        .map(|f| std::fs::read_to_string(dir.path().join(f)).unwrap())
}

#[test]
fn threshold_plot_ticks_are_the_sweep_values_and_series_are_told_apart() {
    let [threshold, _, _] = plots("threshold=0.3:0.6:0.1");
    assert_eq!(texts(&threshold, "x-tick"), ["0.3", "0.4", "0.5", "0.6"]);
    assert_eq!(texts(&threshold, "y-tick"), ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]);
    assert_eq!(texts(&threshold, "x-title"), ["threshold (Jaccard, --threshold)"]);
    assert_eq!(texts(&threshold, "y-title"), ["score (0 to 1)"]);
    // precision, recall, F1, ARI (labels) and LSH recall (--exact): five series, each with
    // its own marker and dash pattern, and all five in the legend.
    let names = attrs(&threshold, "series", "data-name");
    assert_eq!(names, ["precision", "recall", "F1", "ARI", "LSH recall"]);
    let markers = attrs(&threshold, "series", "data-marker");
    assert_eq!(markers, ["circle", "square", "triangle-up", "diamond", "triangle-down"]);
    let dashes: Vec<String> = threshold
        .split("class=\"series\"")
        .skip(1)
        .map(|g| {
            let line = &g[g.find("<path").unwrap()..];
            let tag = &line[..line.find("/>").unwrap()];
            tag.split("stroke-dasharray=\"")
                .nth(1)
                .map_or("solid".to_owned(), |d| d[..d.find('"').unwrap()].to_owned())
        })
        .collect();
    let mut distinct = dashes.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 5, "{dashes:?}");
    assert_eq!(threshold.matches("class=\"legend\"").count(), 5);
    // Every seed figure is 1 at every threshold: the legend says so for each series.
    assert_eq!(texts(&threshold, "legend-range"), vec!["1.000 throughout"; 5]);
}

#[test]
fn scurve_names_the_setting_it_measured_and_marks_its_threshold() {
    let [_, scurve, hist] = plots("threshold=0.4,0.6");
    assert_eq!(texts(&scurve, "title"), ["LSH candidates at threshold 0.4: 27 bands x 2 rows"]);
    assert_eq!(texts(&scurve, "subtitle"), ["measured at threshold=0.4, the first of 2 settings"]);
    assert_eq!(attrs(&scurve, "threshold-marker", "data-x"), ["0.4"]);
    assert_eq!(texts(&scurve, "x-title"), ["exact Jaccard of the pair (bins of 0.05)"]);
    assert_eq!(texts(&scurve, "y-title"), ["share of pairs proposed"]);
    // The histogram counts pairs: whole-number ticks from 0, and titled axes.
    let counts = texts(&hist, "y-tick");
    assert_eq!(counts.first().map(String::as_str), Some("0"));
    assert!(counts.len() >= 2 && counts.iter().all(|c| c.parse::<u64>().is_ok()), "{counts:?}");
    assert_eq!(texts(&hist, "y-title"), ["pairs (count)"]);
    assert_eq!(texts(&hist, "x-title"), ["exact Jaccard of the pair (bins of 0.05)"]);
}

#[test]
fn a_single_setting_has_no_claim_about_other_settings() {
    let [_, scurve, _] = plots("threshold=0.5");
    assert_eq!(texts(&scurve, "title"), ["LSH candidates at threshold 0.5: 35 bands x 3 rows"]);
    assert!(texts(&scurve, "subtitle").is_empty());
    assert_eq!(attrs(&scurve, "threshold-marker", "data-x"), ["0.5"]);
}
