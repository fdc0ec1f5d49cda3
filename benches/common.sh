# Shared by the benchmark scripts (sourced): errors, --help from a script's header comment,
# checks of common arguments and tools.

die() { echo "error: $*" >&2; exit 1; }

# usage SCRIPT: the comment block at the top of SCRIPT (after the shebang), without the "# ".
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$1"; }

# need_runs N: N is a positive whole number (the value of --runs).
need_runs() { [[ "$1" =~ ^[1-9][0-9]*$ ]] || die "${2:---runs} must be a positive whole number, got '$1'"; }

# need_time: GNU time, which measures wall time and peak memory.
need_time() { [[ -x /usr/bin/time ]] || die "/usr/bin/time not found (Debian: apt-get install time)"; }

# remove_outputs DIR...: removes earlier outputs, then, if it removed anything, waits until the
# filesystem may reuse their inodes. On ext4 without a journal (this machine's disk), creating
# thousands of files within dirty_expire_centisecs (30 s) of deleting thousands is 5-10 times
# slower (the allocator skips recently freed inodes, reading each one's block): a run timed
# right after the previous benchmark's outputs were deleted would time that, not reprint.
# After removing gigabytes (a scale benchmark's outputs) the first seconds-long run was still
# slow after this wait (SaudiNewsNet: html stage 7.0 s instead of 1.5 s), so short runs go last.
remove_outputs() {
    local any=0 d
    for d in "$@"; do
        if [[ -e "$d" ]]; then any=1; rm -rf "$d"; fi
    done
    [[ "$any" == 1 ]] || return 0
    sync
    local wait=$(( $(cat /proc/sys/vm/dirty_expire_centisecs 2>/dev/null || echo 3000) / 100 + 1 ))
    echo "== waiting ${wait} s after removing earlier outputs (see benches/common.sh)"
    sleep "$wait"
}
