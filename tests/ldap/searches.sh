#!/bin/sh
# searches.sh: fetching a policy takes the same number of LDAP searches whatever its
# size, as counted by slapd itself (loglevel stats: one SRCH line per search).
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/ldap/slapd.sh"
slapd_start || { tap_fail "slapd starts"; tap_done; exit 1; }
. "$top_srcdir/tests/ldap/ldap_env.sh"
ippd --empty static set store location=domain 2>/dev/null

# 300 rules with a list each: past the batch of 256 GUIDs that one search fetches by GUID.
sizes="1 10 100 300"
for n in $sizes; do
	awk -v rules=$n -v filters=1 -f "$top_srcdir/tests/ldap/gen_big.awk" |
		sed "s/Big/Big$n/g" > "$T/p$n.txt"
	ippd static importpolicy file="$T/p$n.txt" || tap_fail "policy of $n rules imports"
done
counts=""
for n in $sizes; do
	before=$(slapd_searches)
	ippd --json static show policy name="Big$n" > "$T/out$n.json" ||
		tap_fail "policy of $n rules loads"
	sleep 0.2	# the log line of the last search may trail the answer
	c=$(( $(slapd_searches) - before ))
	counts="$counts $c"
	got=$(jq '[.policies[0].rules[]] | length' "$T/out$n.json")
	[ "$got" = "$n" ] && tap_ok "policy of $n rules: all $n rules come back ($c searches)" ||
		tap_fail "policy of $n rules: $got rules came back"
done
tap_diag "searches per fetch:$counts"
first=${counts# }; first=${first%% *}
same=yes
for c in $counts; do [ "$c" = "$first" ] || same=no; done
[ $same = yes ] && tap_ok "the number of searches does not grow with the policy ($first)" ||
	tap_fail "searches grow with the size:$counts"
[ "$first" -le 5 ] && tap_ok "a fetch is at most 5 searches, connecting included" ||
	tap_fail "a fetch takes $first searches"
tap_done
