#!/bin/sh
# ike-rekey: child SAs with 30 s lifetimes under a continuous ping for 3 minutes, ours
# against strongSwan and ours against ours at the same time (two labs, side by side).  The
# SAs are rekeyed before they expire, so traffic does not stop: at most one ping is lost per
# rekey, the outbound SPI changes at least 5 times, and replaced SAs do not pile up.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/vm/ikelab.sh"

LIFE=30
SECS=${IPPVM_REKEY_SECS:-180}
NPING=$((SECS * 2))

o=$(ike_ours_built) || ike_bail "our programs are built" "$o"
ike_cell_vars transport cbc nopfs

# Lab 1: ours in A, strongSwan in B (its child lives 30 s too; it rekeys at 28 s, ours
# at 22 or 23 s, so ours rekeys the children it initiated).
ike_setup rks
s_a=$ike_a s_b=$ike_b
ike_swan_start "$s_b" || ike_bail "charon starts in $s_b" "$(ike_log "$s_b")"
if o=$(ike_ours_policy "$s_a" a "$IKE_PSK" 2>&1) &&
   o=$(ike_swan_load "$s_b" b "$IKE_PSK" 2>&1) && o=$(ike_swan_life "$s_b" $LIFE 28 2>&1) &&
   ike_ours_start_life "$s_a" $LIFE; then
	tap_ok "ours ($s_a, child SAs capped at $LIFE s) and strongSwan ($s_b, life_time ${LIFE}s) run"
else
	ike_bail "ours and strongSwan run with $LIFE s child SAs" "$o" "$(tail -n 20 "$ike_dir/$s_a/agent.log")"
fi

# Lab 2: ours on both sides.
ike_setup rko
o_a=$ike_a o_b=$ike_b
for x in "$o_a:a" "$o_b:b"; do
	ns=${x%%:*}
	if o=$(ike_ours_policy "$ns" "${x#*:}" "$IKE_PSK" 2>&1) && ike_ours_start_life "$ns" $LIFE; then
		tap_ok "ours runs in $ns with $LIFE s child SAs"
	else
		ike_bail "ours runs in $ns with $LIFE s child SAs" "$o" "$(tail -n 20 "$ike_dir/$ns/agent.log")"
	fi
done

# The first SAs, from A (ours) in both labs.
for ns in "$s_a" "$o_a"; do
	t0=$(ike_now)
	if ike_wait "$IKE_NEG_SECS" ike_ping1 "$ns" "$cell_b" "$cell_a"; then
		tap_ok "$ns: the first ping is answered after $(($(ike_now) - t0)) ms"
	else
		ike_bail "$ns: the first ping is answered" "$(tail -n 20 "$ike_dir/$ns/agent.log")"
	fi
done

# Both pings run together; the SPIs of A's outbound SA are sampled meanwhile.
for ns in "$s_a" "$o_a"; do
	ike_spi_watch "$ns" "$cell_a" "$cell_b" "$ike_dir/$ns.spis"
	vm_in "$ns" busybox ping -q -i 0.5 -c $NPING -I "$cell_a" "$cell_b" >"$ike_dir/$ns.ping" 2>&1 &
	eval "ping_$ns=\$!"
	tap_cleanup "kill $! 2>/dev/null"
done
for ns in "$s_a" "$o_a"; do
	eval "wait \$ping_$ns"
done
ike_spi_stop

# check LABEL A B: the ping in lab A..B lost at most one packet per SPI change, the SPI
# changed at least 5 times, and at the end neither side holds more than two bundles.
check() {
	set -- "$1" "$2" "$3" $(ike_ping_sum "$ike_dir/$2.ping")
	spis=$(sort -u "$ike_dir/$2.spis" | grep -c .)
	changes=$((spis - 1))
	if [ -n "${5:-}" ] && [ "$4" -ge $((NPING - 2)) ] && [ $(($4 - $5)) -le "$changes" ]; then
		tap_ok "$1: $5 of $4 pings answered over ${SECS} s across $changes SPI changes"
	else
		tap_fail "$1: ${5:-?} of ${4:-?} pings answered across $changes SPI changes (at most one loss per change)"
		tap_diag "$(cat "$ike_dir/$2.ping")" "$(grep -i 'rekey\|delet\|expir' "$ike_dir/$2/agent.log" | tail -n 30)"
	fi
	if [ "$changes" -ge 5 ]; then
		tap_ok "$1: the outbound SA was replaced $changes times ($(sort -u "$ike_dir/$2.spis" | tr '\n' ' '))"
	else
		tap_fail "$1: the outbound SA was replaced only $changes times (at least 5 expected)"
		tap_diag "$(sort -u "$ike_dir/$2.spis")" "$(tail -n 30 "$ike_dir/$2/agent.log")"
	fi
	na=$(ike_nsas "$2") nb=$(ike_nsas "$3")
	if [ "$na" -le 4 ] && [ "$nb" -le 4 ] && [ "$na" -ge 2 ] && [ "$nb" -ge 2 ]; then
		tap_ok "$1: replaced SAs were deleted (now $na SAs in $2, $nb in $3)"
	else
		tap_fail "$1: $na SAs in $2, $nb in $3 (2 to 4 expected: the current bundle, and the last one's grace period)"
		tap_diag "$(ike_states "$2")" "$(ike_states "$3")"
	fi
}
check "ours->strongSwan" "$s_a" "$s_b"
check "ours->ours" "$o_a" "$o_b"

# Who rekeyed: our logs say so; strongSwan's says it installed the new SAs.
# A initiated the first SAs and rekeys; B rekeys only when A did not in time, and after a
# collision (both at once) the surviving twin may be B's, which B then rekeys.
n=$(grep -c 'rekeyed: replaced by' "$ike_dir/$o_a/agent.log")
m=$(grep -c 'rekeyed: replaced by' "$ike_dir/$o_b/agent.log")
if [ $((n + m)) -ge 5 ] && [ "$n" -ge 1 ]; then
	tap_ok "ours->ours: the engines logged $((n + m)) rekeys (A $n, B $m)"
else
	tap_fail "ours->ours: the engines logged $((n + m)) rekeys (A $n, B $m; at least 5, A first)"
fi
n=$(grep -c 'rekeyed: replaced by' "$ike_dir/$s_a/agent.log")
m=$(grep -c 'CHILD_SA lab{[0-9]*} established' "$ike_dir/$s_b/charon.log")
if [ $((n + 0)) -ge 5 ] && [ "$m" -ge 6 ]; then
	tap_ok "ours->strongSwan: ours logged $n rekeys, strongSwan established $m CHILD_SAs"
else
	tap_fail "ours->strongSwan: ours logged $n rekeys, strongSwan established $m CHILD_SAs"
	tap_diag "$(grep -i 'CHILD_SA\|delet' "$ike_dir/$s_b/charon.log" | tail -n 20)"
fi
# No rekey ran into a hard expiry.
if grep -q 'reached its hard lifetime' "$ike_dir/$s_a/agent.log" "$ike_dir/$o_a/agent.log" "$ike_dir/$o_b/agent.log"; then
	tap_fail "a child SA reached its hard lifetime (a rekey came too late)"
	tap_diag "$(grep -h 'reached its hard lifetime' "$ike_dir/$s_a/agent.log" "$ike_dir/$o_a/agent.log" "$ike_dir/$o_b/agent.log")"
else
	tap_ok "no child SA reached its hard lifetime: every one was replaced in time"
fi
tap_done
