#!/usr/bin/env bash
# Bounded fuzzing of the input-facing parts — the normalizer, the JSON Lines, CSV and JSON array readers, the
# passage aligner, and the validation of every numeric flag (random and extreme values, then
# a comparison under each accepted configuration) — through their property tests with many more cases than `cargo test`
# runs. (cargo-fuzz needs a nightly toolchain, which this project's machines do not have;
# proptest gives the same randomized search on stable, with shrinking, and failures are saved
# in proptest-regressions/ and replayed by every later `cargo test`.)
#
#   bash scripts/fuzz.sh [SECONDS_PER_TARGET]     (default 120)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-120}
targets=(
  "normalize::tests::token_ranges_are_char_boundaries_and_monotone"
  "normalize::tests::fast_path_agrees_with_uax29"
  "corpus::record::tests::parse_line_never_panics"
  "corpus::record::tests::parse_line_on_json_like_lines"
  "corpus::lines::tests::capped_reader_splits_like_read_until"
  "corpus::table::tests::rows_come_back_with_their_lines"
  "corpus::array::tests::arbitrary_arrays_never_panic"
  "corpus::array::tests::written_arrays_come_back_whole"
  "overlap::tests::alignment_invariants"
  "config::tests::validation_never_panics"
)
cargo test --release --lib --no-run --quiet
failed=0
for t in "${targets[@]}"; do
  start=$(date +%s)
  # PROPTEST_CASES is large; the time limit ends the run. A timeout means no failure was found
  # in the time given.
  if PROPTEST_CASES=100000000 timeout "$secs" cargo test --release --lib --quiet -- --exact "$t" >/tmp/fuzz.$$.log 2>&1; then
    status="finished"
  else
    rc=$?
    if [ "$rc" = 124 ]; then status="ran ${secs}s, no failure"; else status="FAILED"; failed=$((failed + 1)); cat /tmp/fuzz.$$.log; fi
  fi
  echo "fuzz: $t: $status ($(( $(date +%s) - start ))s)"
done
rm -f /tmp/fuzz.$$.log
echo "fuzz: ${#targets[@]} targets, $failed failed"
exit $((failed > 0))
