# tap.sh: TAP helpers for shell tests.  Source it, call ok/fail/check, end with tap_done.
# Cleanup: register commands with tap_cleanup "cmd"; they run on exit, even on failure.
tap_n=0
tap_failed=0
tap_cleanups=""

tap_ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
tap_fail() {
	tap_n=$((tap_n + 1)); tap_failed=$((tap_failed + 1)); echo "not ok $tap_n - $*"
}
tap_diag() { printf '%s\n' "$@" | sed 's/^/# /'; }
# check DESCRIPTION COMMAND...: one test point from a command's exit status.
tap_check() {
	_tap_desc=$1; shift
	if _tap_out=$("$@" 2>&1); then tap_ok "$_tap_desc"; else tap_fail "$_tap_desc"; tap_diag "$_tap_out"; fi
}
# tap_skip_all REASON: the whole file is skipped (only for a missing optional component).
tap_skip_all() { echo "1..0 # SKIP $*"; exit 0; }
tap_cleanup() { tap_cleanups="$1
$tap_cleanups"; }
tap_run_cleanups() {
	printf '%s\n' "$tap_cleanups" | while IFS= read -r c; do
		[ -n "$c" ] && eval "$c" >/dev/null 2>&1
	done
	tap_cleanups=""
}
trap 'tap_run_cleanups' EXIT
trap 'exit 130' INT TERM
tap_done() { echo "1..$tap_n"; tap_run_cleanups; [ "$tap_failed" -eq 0 ]; }
