# cli_env.sh: what the shell tests of the ipsecpol program share.  Source after tap.sh.
IPSECPOL=$top_builddir/cli/ipsecpol
[ -x "$IPSECPOL" ] || { echo "1..0 # SKIP $IPSECPOL was not built"; exit 0; }
command -v jq >/dev/null || tap_skip_all "jq is not installed (tools/deps test)"
command -v sqlite3 >/dev/null || tap_skip_all "sqlite3 is not installed (tools/deps test)"
T=$(mktemp -d "${TMPDIR:-/tmp}/ipsecpol-test.XXXXXX")
tap_cleanup "rm -rf '$T'"
# Tests never touch the configured store or a running agent.
IPSECPOL_STORE=$T/store.db
IPSECPOL_AGENT_SOCKET=$T/no-agent.sock
IPSECPOL_CONFIG=$T/no-ipsecpold.conf
export IPSECPOL_STORE IPSECPOL_AGENT_SOCKET IPSECPOL_CONFIG
unset IPSECPOL_TEST
ipp() { "$IPSECPOL" "$@"; }
# dump DB: every table and row of a store, to compare before and after a command.
dump() { if [ -e "$1" ]; then sqlite3 "$1" .dump; else echo "(no store)"; fi; }
# expect_rc WANT DESC CMD...: one test point: the command exits WANT.
expect_rc() {
	want=$1 desc=$2; shift 2
	out=$("$@" 2>&1); got=$?
	if [ "$got" -eq "$want" ]; then tap_ok "$desc"; else
		tap_fail "$desc (exit $got, wanted $want)"; tap_diag "$out"; fi
}
# jcheck DESC JQ-EXPR [ARGS for ipsecpol --json]: the JSON output satisfies the expression.
jcheck() {
	desc=$1 expr=$2; shift 2
	if out=$("$IPSECPOL" --json "$@" 2>&1) &&
	    printf '%s' "$out" | jq -en "input | ($expr)" >/dev/null 2>&1; then tap_ok "$desc"; else
		tap_fail "$desc"; tap_diag "jq: $expr" "$(printf '%s' "$out" | head -40)"; fi
}
