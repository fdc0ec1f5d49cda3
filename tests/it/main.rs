//! Integration tests: one binary, modules by topic. CLI tests run the real `reprint` binary in
//! a temporary directory; real-data tests read `../shared/data/` and skip with a message when
//! it is absent.

mod bad_input;
mod cli;
mod common;
mod dedup;
mod flags;
mod generate;
mod golden;
mod html;
mod index;
mod inputs;
mod meta;
mod parquet;
mod plots;
mod real_data;
mod relations;
mod reliability;
mod stage;
mod view;
