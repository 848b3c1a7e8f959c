#!/bin/sh
# ipsecpold.conf(5): -n accepts a good file; every kind of bad line fails at start (with
# or without -n) naming the file, the line and the reason.  No root needed.
. "$top_srcdir/tests/lib/tap.sh"

AGENT=$top_builddir/agent/ipsecpold
[ -x "$AGENT" ] || { echo "Bail out! $AGENT not built"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ipp-agent-conf.XXXXXX")
tap_cleanup "rm -rf $tmp"

cat >"$tmp/good" <<EOF
# every key
local_store = /var/lib/ipsecpol/local.db
cache = /var/cache/ipsecpol/directory.db
control_socket = /run/ipsecpol/ipsecpold.sock   # trailing comment
iked = none
iked_socket = /run/ipsecpol/iked.sock
pidfile = /run/ipsecpol/ipsecpold.pid
exempt = 0
keep_policy_on_exit = yes
lan_interfaces = eth0, eth1
dialup_interfaces = ppp0
priority_base = 2000000
reqid_base = 5000
ipv4_only = no
debounce_ms = 50

EOF
tap_check "-n accepts a file with every key" "$AGENT" -n -f "$tmp/good"

# bad LINE-CONTENT EXPECTED-MESSAGE: the line goes third in an otherwise good file.
bad() {
	printf '# test\nexempt = 1\n%s\n' "$1" >"$tmp/bad"
	for mode in -n -d; do
		out=$("$AGENT" $mode -f "$tmp/bad" 2>&1)
		rc=$?
		case $out in
		*"$tmp/bad:3: $2"*)
			if [ $rc = 1 ]; then tap_ok "$mode: '$1' -> $2"; else
				tap_fail "$mode: '$1' exits 1"; tap_diag "exit $rc"; fi ;;
		*) tap_fail "$mode: '$1' -> $2"; tap_diag "$out" ;;
		esac
	done
}
bad "frobnicate = 1" "unknown key 'frobnicate'"
bad "exempt = 1" "key 'exempt' given twice"
bad "local_store relative" "expected 'key = value', found 'local_store relative'"
bad "local_store = relative/path" "'relative/path' is not an absolute path for key 'local_store'"
bad "iked = ike" "'ike' is not an absolute path or 'none' for key 'iked'"
bad "keep_policy_on_exit = maybe" "'maybe' is not yes or no for key 'keep_policy_on_exit'"
bad "debounce_ms = 99999" "'99999' is not a number from 0 to 1500 for key 'debounce_ms'"
bad "priority_base = -1" "'-1' is not a number from 1 to"
bad "pidfile =" "key 'pidfile' has no value"
bad "lan_interfaces = eth0 a/b" "'a/b' is not an interface name"

out=$("$AGENT" -n -f "$tmp/missing" 2>&1)
case $out in
*"$tmp/missing: cannot open: No such file"*) tap_ok "a missing file is named with the reason" ;;
*) tap_fail "a missing file is named with the reason"; tap_diag "$out" ;;
esac
printf 'lan_interfaces = eth0\ndialup_interfaces = eth0\n' >"$tmp/both"
out=$("$AGENT" -n -f "$tmp/both" 2>&1)
case $out in
*"interface 'eth0' is both lan and dialup"*) tap_ok "an interface both lan and dialup is refused" ;;
*) tap_fail "an interface both lan and dialup is refused"; tap_diag "$out" ;;
esac
tap_done
