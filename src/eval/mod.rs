//! Scoring a clustering against labels: pairwise precision, recall and F1 over within-cluster
//! pairs, adjusted Rand index, normalized mutual information; and, given labelled pairs, how
//! many true pairs end up together and how many negative pairs are merged.
//!
//! Every document not in a labelled cluster is a singleton; every document not in a predicted
//! cluster is a singleton. All figures come from one contingency table, so they agree.
//!
//! One file per concern: `metrics` (the contingency table and the figures from it), `labels`
//! (reading labels and labelled pairs), `figures` (scoring one run), `lsh` (LSH against the
//! exact join), `sweep` (parameter sweeps), `csv` (one row per setting), `rescore` (scoring an
//! earlier run's clusters.json).

mod csv;
mod figures;
mod labels;
mod lsh;
mod metrics;
mod rescore;
mod sweep;

pub use csv::to_csv;
pub use figures::{figures, Figures, Truth, PAIR_BANDS};
pub use labels::{read_labels, read_pairs, LabelledPair};
pub use lsh::{candidate_rate_by_jaccard, lsh_vs_exact, CandidateRate, LshFigures};
pub use metrics::{agreement, pair_outcome, predicted_labels, roc_auc, Agreement, BandRecall, PairOutcome};
pub use rescore::{rescore_clusters_file, RescoreError, Rescored};
pub use sweep::{
    apply, check_axes, settings, sweep, SweepAxis, SweepError, SweepResult, MAX_SETTINGS, SWEEPABLE,
};
