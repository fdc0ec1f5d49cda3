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

# set_aside_outputs DIR: moves DIR (earlier outputs) to DIR.old, where remove_set_aside removes
# it once the timed runs are over: renaming frees no inode, so the runs do not create their
# files among thousands freed just before (see remove_outputs). The SaudiNewsNet peer table
# timed right after removing its previous outputs (about 80,000 files; remove_outputs's wait
# did not help) had reprint's report pages take 1.2-2.3 s instead of 0.3-0.7 s in all three
# rounds; with them set aside, in the first round only (hence its untimed round).
set_aside_outputs() {
    remove_outputs "$1.old"
    if [[ -e "$1" ]]; then mv "$1" "$1.old"; fi
}

# remove_set_aside DIR: removes what set_aside_outputs moved aside, after the timed runs.
remove_set_aside() {
    rm -rf "$1.old"
}
