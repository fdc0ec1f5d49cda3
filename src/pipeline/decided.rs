//! The passage stage's second half on pairs decided elsewhere ([`super::run_decided`]): the
//! copies of a text linked as stars and the corpus-wide decisions of [`super::relate`] taken in
//! the same order.

use super::decide::{Absorbed, Decided};
use super::{id_ranks, identical, without_passages, Doc, Docs, Held, OverlapSink, RelationCounts};
use crate::config::Config;
use crate::verify::VerifiedPair;

/// The story links, the relation counts and the held pairs of `decided` (pairs of global
/// document numbers), as [`super::relate`] would give them for the same decisions.
pub fn relate_decided(
    docs: &[Doc],
    identical_to: &[u32],
    mut decided: Vec<Decided>,
    config: &Config,
    sink: &mut dyn OverlapSink,
) -> (Vec<VerifiedPair>, RelationCounts, Held) {
    let stars = identical::star_links(docs, identical_to, config);
    let rank = id_ranks(docs);
    let rules = config.relations();
    let Some(params) = config.passages else {
        let verified = decided.into_iter().map(|d| d.pair).collect();
        return without_passages(verified, stars, &rank, &rules);
    };
    // The order in which relate decides pairs: increasing key.
    decided.sort_unstable_by_key(|d| super::decide::key(&rank, d.pair.a, d.pair.b));
    let mut absorbed = Absorbed::new(RelationCounts::default());
    for d in decided {
        absorbed.take(d, &Docs::held(docs), &rank, sink);
    }
    absorbed.conclude(stars, &rank, config.prune_composites, &params, &rules)
}
