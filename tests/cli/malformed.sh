#!/bin/sh
# The malformed corpus (malformed.txt): every line is refused with its documented exit
# code and a message, and the store is byte for byte what it was (sqlite3 .dump, and the
# file's bytes).  The store holds the examples and an assigned policy.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/cli/cli_env.sh"

ipp -w REG -p Assigned -r r -f '0+*::TCP' -n 'ESP[AES128,SHA256]' -a 'PRESHARE:corpus-secret' -x >/dev/null ||
	{ tap_fail "seeding the store"; tap_done; exit 1; }
tap_ok "seeded the store"
n=0
while IFS= read -r line; do
	case $line in '#'*|'') continue;; esac
	want=${line%%	*}
	args=${line#*	}
	n=$((n + 1))
	before=$(dump "$IPSECPOL_STORE"; sha256sum < "$IPSECPOL_STORE")
	eval "set -- $args"
	err=$("$IPSECPOL" "$@" 2>&1 >/dev/null); got=$?
	after=$(dump "$IPSECPOL_STORE"; sha256sum < "$IPSECPOL_STORE")
	if [ "$got" -ne "$want" ]; then
		tap_fail "exit $want: $args (exit $got)"; tap_diag "$err"; continue
	fi
	case $err in
	"ipsecpol: "?*) ;;
	*) tap_fail "message: $args"; tap_diag "$err"; continue;;
	esac
	case $err in
	*corpus-secret*) tap_fail "a message shows a preshared key: $args"; continue;;
	esac
	if printf '%s' "$err" | LC_ALL=C grep -q '[[:cntrl:]]'; then
		tap_fail "the message carries control characters: $args"; continue
	fi
	if [ "$before" != "$after" ]; then tap_fail "store changed by: $args"; continue; fi
	tap_ok "exit $want, store unchanged: $args"
done < "$top_srcdir/tests/cli/malformed.txt"
[ "$n" -ge 150 ] && tap_ok "the corpus has $n lines (at least 150)" || tap_fail "corpus has only $n lines"

# A failed write on a store that did not exist leaves no store behind.
rm -f "$T/fresh.db"
expect_rc 2 "failing first write on a new store" ipp --store "$T/fresh.db" static add rule name=r policy=none filterlist=x filteraction=y
[ ! -e "$T/fresh.db" ] && tap_ok "no store was left behind" || tap_fail "a store was left behind"
expect_rc 2 "show on a missing store" ipp --store "$T/fresh.db" static show all
[ ! -e "$T/fresh.db" ] && tap_ok "show created no store" || tap_fail "show created a store"

# The message names the offending token and what was expected (issue's example).
out=$(ipp -w REG -p x -r r -f '10.0.0.0/255.0.255.0+*' 2>&1)
[ "$out" = "ipsecpol: filterspec '10.0.0.0/255.0.255.0+*': mask 255.0.255.0 is not contiguous" ] &&
	tap_ok "filterspec message as documented" || { tap_fail "filterspec message"; tap_diag "$out"; }
out=$(ipp static add policy name=x mmpfs=maybe 2>&1)
case $out in *mmpfs*maybe*yes*no*) tap_ok "boolean message names tag, value and yes/no";;
*) tap_fail "boolean message"; tap_diag "$out";; esac
out=$(ipp static add policy name=x colour=blue 2>&1)
case $out in *"'colour' is unknown (valid: name, description"*) tap_ok "unknown tag lists the valid ones";;
*) tap_fail "unknown tag message"; tap_diag "$out";; esac
tap_done
