#!/bin/sh
# ike-supervise: the agent supervises the real IKE module.  Ours (A) negotiates with
# strongSwan (B); `kill -9` of ipsecpol-iked: the agent restarts it and hands it the plan;
# after both sides' SAs are flushed, new traffic negotiates again with the new module.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/vm/ikelab.sh"

o=$(ike_ours_built) || ike_bail "our programs are built (ike/ipsecpol-iked comes with issue #7)" "$o"
ike_setup iksu
ike_swan_start "$ike_b" || ike_bail "charon starts in $ike_b" "$(ike_log "$ike_b")"

ike_ours_swan_cell ours transport cbc nopfs
spis1=$(ike_states "$ike_a" | awk '{ print $4 }' | sort | tr '\n' ' ')
pid1=$(ike_ours_iked_pid "$ike_a")
if [ -n "$pid1" ] && kill -0 "$pid1" 2>/dev/null; then
	tap_ok "the agent reports the module's pid ($pid1)"
else
	ike_bail "the agent reports the module's pid ('$pid1')" "$(ike_ours_cli "$ike_a" status 2>&1)"
fi
plans=$(grep -c 'sent IKE plan' "$ike_dir/$ike_a/agent.log")
kill -9 "$pid1"
new_pid() {
	p=$(ike_ours_iked_pid "$ike_a")
	[ -n "$p" ] && [ "$p" != "$pid1" ]
}
if ike_wait 15 new_pid; then
	pid2=$(ike_ours_iked_pid "$ike_a")
	tap_ok "the agent restarted the module (pid $pid1 -> $pid2)"
else
	tap_fail "the agent did not restart the module within 15 s"
	tap_diag "$(tail -n 15 "$ike_dir/$ike_a/agent.log")"
fi
if grep -q "IKE module .* was killed by signal 9" "$ike_dir/$ike_a/agent.log"; then
	tap_ok "the agent logged the kill with its signal"
else
	tap_fail "the agent logged no 'killed by signal 9'"
fi
replanned() {
	[ "$(grep -c 'sent IKE plan' "$ike_dir/$ike_a/agent.log")" -gt "$plans" ]
}
if ike_wait 15 replanned; then tap_ok "the new module got the plan"
else tap_fail "the new module got no plan within 15 s"; fi

# Forget the old SAs on both sides, then negotiate again from new traffic.
ike_swan "$ike_b" --terminate --ike lab --force --timeout 2 >/dev/null 2>&1
ike_flush
ike_traffic "after the restart" a
spis2=$(ike_states "$ike_a" | awk '{ print $4 }' | sort | tr '\n' ' ')
if [ -n "$spis2" ] && [ "$spis2" != "$spis1" ]; then
	tap_ok "the new module negotiated new SAs ($spis2)"
else
	tap_fail "no new SAs after the restart (before: $spis1; after: $spis2)"
fi
ike_ours_swan_end
tap_done
