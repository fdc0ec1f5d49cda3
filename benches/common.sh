# Shared by the benchmark scripts (sourced): errors, --help from a script's header comment,
# checks of common arguments and tools.

die() { echo "error: $*" >&2; exit 1; }

# usage SCRIPT: the comment block at the top of SCRIPT (after the shebang), without the "# ".
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$1"; }

# need_runs N: N is a positive whole number (the value of --runs).
need_runs() { [[ "$1" =~ ^[1-9][0-9]*$ ]] || die "--runs must be a positive whole number, got '$1'"; }

# need_time: GNU time, which measures wall time and peak memory.
need_time() { [[ -x /usr/bin/time ]] || die "/usr/bin/time not found (Debian: apt-get install time)"; }
