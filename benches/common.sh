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
# filesystem reuses their inodes. On ext4 without a journal (this machine's disk) the inode
# allocator does not reuse an inode freed in the last 60 s, or in the last 360 s while the
# block of the inode table that holds it is dirty (`recently_deleted` in fs/ext4/ialloc.c),
# and creating files dirties those blocks; each new file's search starts at the group's first
# free inode and reads the block of every recently freed one on its way. So a run that writes
# the report's 10,000 pages within six minutes of deleting 10,000 files takes seconds longer
# (SaudiNewsNet: html stage 2.7-3.6 s instead of 0.6 s): it would time that, not reprint.
remove_outputs() {
    local any=0 d
    for d in "$@"; do
        if [[ -e "$d" ]]; then any=1; rm -rf "$d"; fi
    done
    [[ "$any" == 1 ]] || return 0
    sync
    echo "== waiting 361 s after removing earlier outputs (see benches/common.sh)"
    sleep 361
}

# set_aside_outputs DIR: moves DIR (earlier outputs) to DIR.old, where remove_set_aside removes
# it once the timed runs are over: renaming frees no inode, so the runs do not create their
# files among thousands freed just before (see remove_outputs), and the benchmark does not
# wait six minutes. The SaudiNewsNet peer table timed right after removing its previous
# outputs (about 80,000 files; a wait of 31 s did not help, too short) had reprint's report
# pages take 1.2-2.3 s instead of 0.3-0.7 s in all three rounds; with them set aside, in the
# first round only (hence its untimed round).
set_aside_outputs() {
    remove_outputs "$1.old"
    if [[ -e "$1" ]]; then mv "$1" "$1.old"; fi
}

# remove_set_aside DIR: removes what set_aside_outputs moved aside, after the timed runs.
remove_set_aside() {
    rm -rf "$1.old"
}
