#!/bin/sh
# ike-inpass: Windows' "accept unsecured communication, but always respond using IPsec"
# (ipsecpol -n ... INPASS) against strongSwan.  strongSwan's charon in B only responds (no
# policy of its own until an SA exists), so B's first pings reach A in clear text:
#  - with a plain negotiate rule, A drops them (its inbound policy requires ESP);
#  - with INPASS, A accepts them, and its reply raises an ACQUIRE: ours negotiates with
#    charon as initiator, and from then on the traffic flows through ESP both ways.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/vm/ikelab.sh"

o=$(ike_ours_built) || ike_bail "our programs are built" "$o"
ike_setup ikip
ike_swan_start "$ike_b" || ike_bail "charon starts in $ike_b" "$(ike_log "$ike_b")"
ike_cell_vars transport cbc nopfs

# icmp NS FIELD: a counter of the Icmp line of NS's /proc/net/snmp (InEchos, OutEchoReps).
icmp() {
	vm_in "$1" awk -v f="$2" '$1 == "Icmp:" && !h { for (i = 1; i <= NF; i++) c[$i] = i; h = 1; next }
		$1 == "Icmp:" { print $c[f] }' /proc/net/snmp
}

# policy INPASS-WORD: A's store: one negotiate rule for B, with INPASS when given.
policy() {
	ike_ours_cli "$ike_a" --empty -w REG -p "IKE lab" -r peer -f "0+$cell_b" \
		-n "$ours_qm" $1 -a "PRESHARE:$IKE_PSK" -1s "$ours_mm" -x
}

# clear_pings LABEL: three clear pings from B (no SA anywhere); sets $in_delta, the echo
# requests A's stack took in, and $rep_delta, the echo replies B got back.
clear_pings() {
	i0=$(icmp "$ike_a" InEchos) r0=$(icmp "$ike_b" InEchoReps)
	vm_in "$ike_b" busybox ping -q -c 3 -i 0.3 -W 1 -w 3 "$cell_a" >/dev/null 2>&1
	i1=$(icmp "$ike_a" InEchos) r1=$(icmp "$ike_b" InEchoReps)
	in_delta=$((i1 - i0)) rep_delta=$((r1 - r0))
}

ike_swan_load "$ike_b" b "$IKE_PSK" >"$ike_dir/load.out" 2>&1 ||
	ike_bail "strongSwan loads the responder connection" "$(cat "$ike_dir/load.out")"

# 1. A plain negotiate rule: clear inbound is dropped.
o=$(policy "" 2>&1) || ike_bail "our store with a negotiate rule" "$o"
ike_ours_start "$ike_a" || ike_bail "our agent starts" "$(tail -n 20 "$ike_dir/$ike_a/agent.log")"
clear_pings
if [ "$in_delta" -eq 0 ] && [ "$rep_delta" -eq 0 ]; then
	tap_ok "negotiate rule: B's clear pings are dropped by A (0 echo requests taken in)"
else
	tap_fail "negotiate rule: B's clear pings are dropped by A ($in_delta taken in, $rep_delta replies)"
fi
ike_ours_stop "$ike_a"
ike_swan_reset "$ike_b"
ike_flush
ike_swan_load "$ike_b" b "$IKE_PSK" >"$ike_dir/load.out" 2>&1 ||
	ike_bail "strongSwan reloads the responder connection" "$(cat "$ike_dir/load.out")"

# 2. INPASS: clear inbound is taken in, no reply leaves in clear, the reply negotiates.
o=$(policy INPASS 2>&1) || ike_bail "our store with an INPASS rule" "$o"
if ike_ours_cli "$ike_a" static show filteraction all 2>&1 | grep -q 'AllowUnsecuredIn *: *[Yy]es'; then
	tap_ok "the filter action shows AllowUnsecuredIn: Yes"
else
	tap_fail "the filter action shows AllowUnsecuredIn: Yes"
	tap_diag "$(ike_ours_cli "$ike_a" static show filteraction all 2>&1)"
fi
ike_ours_start "$ike_a" || ike_bail "our agent starts" "$(tail -n 20 "$ike_dir/$ike_a/agent.log")"
b0=$(icmp "$ike_b" InEchoReps)
clear_pings
if [ "$in_delta" -ge 1 ]; then
	tap_ok "INPASS: A takes in B's clear echo requests ($in_delta)"
else
	tap_fail "INPASS: A takes in B's clear echo requests (0 of 3)"
fi
if ike_wait 30 grep -q 'ACQUIRE .*negotiating' "$ike_dir/$ike_a/agent.log"; then
	tap_ok "INPASS: A's reply raises an ACQUIRE and ours negotiates as initiator"
else
	tap_fail "INPASS: A's reply raises an ACQUIRE and ours negotiates as initiator"
	tap_diag "$(tail -n 20 "$ike_dir/$ike_a/agent.log")"
fi
ike_traffic "INPASS, strongSwan responding" b
# Every echo reply B got in this part came through ESP: B's inbound SA counted at least as
# many packets (A sends B nothing else over ESP), so none left A in clear text.
reps=$(($(icmp "$ike_b" InEchoReps) - b0))
esp=$(ike_sa_packets "$ike_b" "$cell_a" "$cell_b")
if [ "$reps" -ge 1 ] && [ "$reps" -le "$esp" ]; then
	tap_ok "INPASS: every echo reply B got came through ESP ($reps replies, $esp ESP packets)"
else
	tap_fail "INPASS: every echo reply B got came through ESP ($reps replies, $esp ESP packets)"
fi
if ike_swan_child_ok "$ike_b"; then
	tap_ok "INPASS: strongSwan lists the CHILD_SA with bytes in and out"
else
	tap_fail "INPASS: strongSwan lists the CHILD_SA with bytes in and out"
	tap_diag "$ike_out"
fi
ike_ours_stop "$ike_a"
ike_swan_reset "$ike_b"
ike_flush
tap_done
