#!/bin/sh
# ike-dpd: dead peer detection (RFC 3706) with DPD delay 2 s, timeout 10 s, action clear.
# Ours in A against strongSwan in B (charon with dpd_delay 2 s), then ours against ours:
# after a negotiation both ends stay idle and ask each other (R-U-THERE answered both
# ways), so nobody is declared dead; then B's IKE daemon is stopped (SIGSTOP: its kernel
# SAs stay, it just no longer answers) and A must remove its SAs with B no sooner than the
# timeout and no later than delay + timeout (plus slack for the emulated CPU).  After B
# continues, traffic negotiates again.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/vm/ikelab.sh"

o=$(ike_ours_built) || ike_bail "our programs are built" "$o"
ike_setup ikd
# shellcheck disable=SC2034 # read by ike_ours_start
ike_conf_extra="ike_dpd_delay = 2
ike_dpd_timeout = 10
ike_dpd_action = clear"
ike_cell_vars transport cbc nopfs

# live LABEL: A and B asked each other and answered; then, idle for longer than
# delay + timeout, A declares nobody dead and keeps its SAs.
live() {
	if ike_wait 30 ike_dpd_ge "$ike_a" "R-U-THERE-ACK received" 1 &&
	   ike_wait 30 ike_dpd_ge "$ike_a" "R-U-THERE received" 1; then
		tap_ok "$1: the idle peers ask each other and answer (A: $(ike_dpd_stat "$ike_a" "R-U-THERE sent") sent, $(ike_dpd_stat "$ike_a" "R-U-THERE-ACK received") answered, $(ike_dpd_stat "$ike_a" "R-U-THERE received") received)"
	else
		tap_fail "$1: the idle peers ask each other and answer"
		tap_diag "$(ike_ours_cli "$ike_a" dynamic show stats 2>&1 | grep -i 'r-u-there\|dead')" \
			"$(grep -i 'dpd\|R-U-THERE' "$ike_dir/$ike_a/agent.log" | tail -n 10)"
	fi
	if ike_wait 14 ike_dpd_ge "$ike_a" "dead peers" 1; then
		tap_fail "$1: a live idle peer is declared dead"
		tap_diag "$(grep -i 'dead' "$ike_dir/$ike_a/agent.log" | tail -n 5)"
	else
		tap_ok "$1: a live peer idle for 14 s (> delay + timeout) is not declared dead"
	fi
	if [ "$(ike_nsas "$ike_a")" -ge 2 ]; then
		tap_ok "$1: A still holds its SAs with B"
	else
		tap_fail "$1: A still holds its SAs with B"
		tap_diag "$(ike_states "$ike_a")"
	fi
}

# dead LABEL PID: B's daemon PID stops; A declares B dead between 9 s and 20 s later (by
# A's own log clock: this shell's polls run late on a loaded host), removes its SAs with B,
# logs and counts the decision; then PID continues and a ping negotiates again.
dead() {
	kill -STOP "$2"
	t0=$(date +%s%3N)
	gone=0
	ike_wait 25 ike_dpd_none "$ike_a" "$cell_b" && gone=1
	td=$(sed -n "s/^ipsecpol-iked\[\([0-9]*\)\.\([0-9]\{3\}\)\].*dead peer detection: $cell_b .*declared dead.*/\1\2/p" \
	    "$ike_dir/$ike_a/agent.log" | tail -n 1)
	dt=$(( ${td:-0} - t0 ))
	if [ -n "$td" ] && [ "$dt" -ge 9000 ]; then
		tap_ok "$1: A keeps its SAs with B for 9 s after B stopped answering (declared dead after $dt ms)"
	else
		tap_fail "$1: A declared B dead only ${dt} ms after B stopped (before the 10 s timeout)"
	fi
	if [ "$gone" = 1 ] && [ -n "$td" ] && [ "$dt" -le 20000 ]; then
		tap_ok "$1: A removed its SAs with B $dt ms after B stopped (delay 2 s + timeout 10 s)"
	else
		tap_fail "$1: A did not remove its SAs with B within 20 s (declared dead: ${td:+$dt ms}${td:-never})"
		tap_diag "$(ike_states "$ike_a")" "$(grep -i 'dead\|R-U-THERE' "$ike_dir/$ike_a/agent.log" | tail -n 10)"
	fi
	if grep -q "dead peer detection: $cell_b .*declared dead; action clear" "$ike_dir/$ike_a/agent.log" &&
	   [ "$(ike_dpd_stat "$ike_a" "dead peers")" = 1 ] &&
	   ! ike_ours_cli "$ike_a" dynamic show qmsas 2>&1 | grep -q "^Peer *: $cell_b\$"; then
		tap_ok "$1: the decision is logged with B's address, counted, and the SAs left dynamic show"
	else
		tap_fail "$1: the decision is logged with B's address, counted, and the SAs left dynamic show"
		tap_diag "$(grep -i 'dead' "$ike_dir/$ike_a/agent.log" | tail -n 5)" \
			"$(ike_ours_cli "$ike_a" dynamic show stats 2>&1 | grep -i dead)"
	fi
	kill -CONT "$2"
	t0=$(ike_now)
	if ike_wait "$IKE_NEG_SECS" ike_ping1 "$ike_a" "$cell_b" "$cell_a"; then
		tap_ok "$1: once B answers again, a ping negotiates anew ($(($(ike_now) - t0)) ms)"
	else
		tap_fail "$1: once B answers again, a ping negotiates anew"
		tap_diag "$(tail -n 20 "$ike_dir/$ike_a/agent.log")"
	fi
}

# ---- ours (A) against strongSwan (B) ----
label="ours->strongSwan"
ike_swan_start "$ike_b" || ike_bail "charon starts in $ike_b" "$(ike_log "$ike_b")"
o=$(ike_ours_policy "$ike_a" a "$IKE_PSK" 2>&1) || ike_bail "$label: our store" "$o"
o=$(ike_dpd_swan_load "$ike_b" b 2 10 2>&1) || ike_bail "$label: strongSwan loads DPD settings" "$o"
ike_ours_start "$ike_a" ||
	ike_bail "$label: our agent starts" "$(tail -n 20 "$ike_dir/$ike_a/agent.log")"
ike_traffic "$label" a || ike_bail "$label: negotiated" "$(tail -n 20 "$ike_dir/$ike_a/agent.log")"
if grep -q 'received DPD vendor ID' "$ike_dir/$ike_b/charon.log"; then
	tap_ok "$label: strongSwan received our DPD vendor ID"
else
	tap_fail "$label: strongSwan received our DPD vendor ID"
	tap_diag "$(grep -i 'vendor' "$ike_dir/$ike_b/charon.log" | head -n 5)"
fi
live "$label"
eval "charon=\$ike_charon_$ike_b"
# shellcheck disable=SC2154 # set by ike_swan_start
dead "$label" "$charon"
ike_ours_stop "$ike_a"
kill "$charon" 2>/dev/null
ike_flush

# ---- ours against ours ----
label="ours->ours"
for s in a b; do
	eval "ns=\$ike_$s"
	o=$(ike_ours_policy "$ns" "$s" "$IKE_PSK" 2>&1) && ike_ours_start "$ns" ||
		ike_bail "$label: $ns runs ipsecpold" "$o" "$(tail -n 20 "$ike_dir/$ns/agent.log")"
done
ike_traffic "$label" a || ike_bail "$label: negotiated" "$(tail -n 20 "$ike_dir/$ike_a/agent.log")"
live "$label"
if ike_dpd_ge "$ike_b" "R-U-THERE-ACK received" 1 && ike_dpd_ge "$ike_b" "R-U-THERE received" 1; then
	tap_ok "$label: B asked and answered too"
else
	tap_fail "$label: B asked and answered too"
	tap_diag "$(ike_ours_cli "$ike_b" dynamic show stats 2>&1 | grep -i 'r-u-there\|dead')"
fi
iked_b=$(ike_ours_iked_pid "$ike_b")
[ -n "$iked_b" ] || ike_bail "$label: B's IKE module pid from ipsecpol status"
dead "$label" "$iked_b"
tap_done
