//! # reprint
//!
//! Finds near-duplicate and overlapping texts in a corpus and groups them into clusters.
//!
//! The pipeline, in module order: [`corpus`] reads documents; [`normalize`] folds spelling
//! variants while keeping offsets into the original text; [`shingle`] cuts word or character
//! n-grams; [`sketch`] computes MinHash or SimHash signatures; [`lsh`] proposes candidate
//! pairs; [`verify`] scores them exactly; [`overlap`] finds the passages two documents share, as
//! ranges of the original texts; [`cluster`] groups linked pairs; [`report`] writes
//! versioned JSON. [`config`] validates the parameters once; [`pipeline`] ties the stages together; [`dedup`] decides what a clean corpus keeps; [`eval`] scores clusterings against labels; [`index`] keeps a corpus on disk and matches new documents against it.
//!
//! ```
//! use reprint::pipeline::{Params, CandidateMode};
//! use reprint::normalize::{Normalizer, Profile};
//! use reprint::shingle::Shingler;
//! use reprint::verify::score;
//!
//! let config = Params { candidates: CandidateMode::Exact, ..Params::default() }.resolve().unwrap();
//! let normalizer = Normalizer::new(config.normalize);
//! let shingler = Shingler::new(config.shingle, config.seed);
//! let set = |text: &str| {
//!     let mut s = Vec::new();
//!     shingler.set_into(&normalizer.normalize(text), &mut s);
//!     s
//! };
//! // Hamza seats, harakat and Arabic-Indic digits do not hide a reprint.
//! let a = set("فر ١٠٣٧ جنديا أفغانيا إلى طاجيكستان بعد اشتباكات مع حركة طالبان");
//! let b = set("فر 1037 جنديا افغانيا الى طاجيكستان بعد اشتباكات مع حركة طالبان");
//! assert_eq!(score(&a, &b).jaccard, 1.0);
//! ```

#![warn(missing_docs)]

pub mod cluster;
pub mod config;
pub mod corpus;
pub mod dedup;
pub mod eval;
pub mod index;
pub mod lsh;
pub mod normalize;
pub mod overlap;
pub mod packed;
pub mod pipeline;
pub mod prefetch;
pub mod relation;
pub mod report;
pub mod shingle;
pub mod sketch;
pub mod stage;
pub mod verify;
