#!/bin/sh
# The real IKE module under the real agent, in two namespaces joined by a veth pair
# (host A runs ipsecpold and ipsecpol-iked, host B only watches with ikepeer; the host
# kernel has XFRM policies but no ESP, so no SA is ever made here: the VM lab does that).
# - the agent starts the module, which connects, takes the plan and drops its privileges;
# - a ping under a require rule gives an ACQUIRE, the module sends Main Mode message 1 to
#   the peer, and the ping itself never reaches the peer in the clear;
# - malformed UDP to port 500 is counted and dropped, the module keeps running;
# - kill -9: the agent restarts the module, which negotiates again;
# - dynamic show mmsas/qmsas/stats through the agent; PSKs never shown.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/agent/lib.sh"

IKED=$top_builddir/ike/ipsecpol-iked
PEER=$top_builddir/tests/ike/ikepeer
IPSECPOL=$top_builddir/cli/ipsecpol
for p in "$IKED" "$PEER" "$IPSECPOL"; do
	[ -x "$p" ] || { echo "Bail out! $p not built"; exit 1; }
done

# ping, or BusyBox's (Debian's minimal images lack iputils).
if command -v ping >/dev/null; then PING=ping
elif command -v busybox >/dev/null; then PING="busybox ping"
else tap_skip_all "no ping (iputils-ping or busybox) installed"; fi

agent_setup
nsb=ipp-ikepeer-$$
ip netns add "$nsb" || { echo "Bail out! cannot create namespace $nsb"; exit 1; }
tap_cleanup "ip netns del $nsb"
ip -n "$nsb" link set lo up
ip link add "ikA$$" netns "$ns" type veth peer name "ikB$$" netns "$nsb" ||
	{ echo "Bail out! cannot create the veth pair"; exit 1; }
ip -n "$ns" addr add 10.66.0.1/24 dev "ikA$$"
ip -n "$nsb" addr add 10.66.0.2/24 dev "ikB$$"
ip -n "$ns" link set "ikA$$" up
ip -n "$nsb" link set "ikB$$" up
# The kernel asks again for held traffic only when its larval SA expires (30 s by
# default): short here, so the restarted module is asked again within the test.
ip netns exec "$ns" sysctl -qw net.core.xfrm_acq_expires=2 ||
	{ echo "Bail out! cannot set xfrm_acq_expires in $ns"; exit 1; }

# The store: one rule that requires ESP with the peer, with a preshared key.
"$IPSECPOL" --store "$DB" -w REG -p "IKE test" -r peer -f '0+10.66.0.2' \
	-n 'ESP[AES128,SHA1]' -a 'PRESHARE:not-to-be-shown' -x >/dev/null ||
	{ echo "Bail out! cannot write the store"; exit 1; }
STANDIN=$IKED
agent_conf
ipp() { "$IPSECPOL" --agent-socket "$SOCK" "$@"; }

agent_start || { echo "Bail out! agent did not come up"; exit 1; }
wait_for 5 grep -q "plan [0-9]* in force: policy 'IKE test', 1 negotiate rules" "$tmp/log"
tap_check "the module connects and takes the plan (1 negotiate rule)" \
	grep -q "plan [0-9]* in force: policy 'IKE test', 1 negotiate rules" "$tmp/log"
pid1=$(status ike_pid)
tap_check "the agent reports the module's pid" test "${pid1:-0}" -gt 0
tap_check "the module binds UDP port 500 in the agent's namespace" \
	sh -c "ip netns exec $ns ss -uanp | grep -q ':500 .*pid=$pid1'"
tap_check "the module keeps CAP_NET_ADMIN only" \
	sh -c "grep -q '^CapEff:[[:space:]]*0000000000001000$' /proc/$pid1/status &&
	       grep -q '^CapPrm:[[:space:]]*0000000000001000$' /proc/$pid1/status &&
	       grep -q '^CapBnd:[[:space:]]*0000000000001000$' /proc/$pid1/status"
tap_check "and no new privileges" grep -q '^NoNewPrivs:[[:space:]]*1$' /proc/$pid1/status
ipp dynamic show stats >"$tmp/stats" 2>&1
tap_check "dynamic show stats: one plan taken, none refused" \
	sh -c "grep -q '^plans  *: 1$' $tmp/stats && grep -q '^plans refused  *: 0$' $tmp/stats"

# No IKE on the peer: a ping under the require rule.
ip netns exec "$nsb" "$PEER" listen 10.66.0.2 6 >"$tmp/peer1" 2>&1 &
ppid=$!
tap_cleanup "kill $ppid"
wait_for 3 grep -q listening "$tmp/peer1"
tap_check "a ping under a require rule gets no answer" \
	sh -c "! ip netns exec $ns $PING -c 2 -W 1 10.66.0.2"
wait_for 3 grep -q "^isakmp" "$tmp/peer1"
wait "$ppid"
tap_check "the ACQUIRE made the module send Main Mode message 1 (ISAKMP, identity protection, SA first, no responder cookie)" \
	grep -q "^isakmp exchange=2 np=1 rcookie_zero=1" "$tmp/peer1"
tap_check "not one echo request reached the peer in the clear" \
	sh -c "! grep -q '^icmp-echo' $tmp/peer1"
tap_check "the module logged the ACQUIRE with the rule's reqid" \
	grep -q "ACQUIRE 10.66.0.1 -> 10.66.0.2 (reqid [0-9]*, seq [0-9]*): negotiating" "$tmp/log"
ipp dynamic show mmsas >"$tmp/mm" 2>&1
tap_check "dynamic show mmsas: the Main Mode with the peer, negotiating" \
	sh -c "grep -q '^Peer  *: 10.66.0.2$' $tmp/mm && grep -q 'negotiating, initiator' $tmp/mm"
ipp --json dynamic show mmsas >"$tmp/mm.json" 2>&1
tap_check "dynamic show mmsas --json" \
	sh -c "jq -en 'input | .mmsas[0].peer == \"10.66.0.2\" and .mmsas[0].role == \"initiator\"' $tmp/mm.json"
ipp dynamic show qmsas >"$tmp/qm" 2>&1
tap_check "dynamic show qmsas: none (no peer answered)" grep -q "^  none$" "$tmp/qm"
tap_check "no output shows the preshared key" \
	sh -c "! grep -q not-to-be-shown $tmp/mm $tmp/mm.json $tmp/qm $tmp/stats $tmp/log"

# Malformed datagrams: counted, dropped, nothing else changes.
before=$(ipp dynamic show stats | sed -n 's/^malformed  *: //p')
for i in 1 2 3; do
	ip netns exec "$nsb" "$PEER" send 10.66.0.1 500 "this is not ISAKMP $i"
done
ip netns exec "$nsb" "$PEER" send 10.66.0.1 500 "short"
sleep 0.3
after=$(ipp dynamic show stats | sed -n 's/^malformed  *: //p')
tap_check "4 malformed datagrams counted ($before -> $after)" test "$after" -eq $((before + 4))
tap_check "the module still runs" kill -0 "$pid1"
tap_check "and still has the one Main Mode" sh -c "ipp() { $IPSECPOL --agent-socket $SOCK \"\$@\"; };
	test \$(ipp --json dynamic show mmsas | jq '.mmsas | length') = 1"

# kill -9: the agent starts a new module, which negotiates again.
kill -9 "$pid1"
wait_for 5 sh -c "test \$($CT $SOCK status | sed -n 's/^ike_pid=//p') -gt 0 &&
	test \$($CT $SOCK status | sed -n 's/^ike_pid=//p') != $pid1"
pid2=$(status ike_pid)
tap_check "kill -9: the agent restarted the module (pid $pid1 -> $pid2)" \
	test "${pid2:-0}" -gt 0 -a "$pid2" != "$pid1"
wait_for 5 sh -c "test \$(grep -c 'plan [0-9]* in force' $tmp/log) -ge 2"
tap_check "the new module has the plan" \
	sh -c "test \$(grep -c \"plan [0-9]* in force: policy 'IKE test'\" $tmp/log) -ge 2"
ip netns exec "$nsb" "$PEER" listen 10.66.0.2 6 >"$tmp/peer2" 2>&1 &
ppid=$!
wait_for 3 grep -q listening "$tmp/peer2"
sleep 2
ip netns exec "$ns" $PING -c 2 -W 1 10.66.0.2 >/dev/null 2>&1
wait_for 3 grep -q "^isakmp" "$tmp/peer2"
wait "$ppid"
tap_check "new traffic negotiates again with the new module" \
	grep -q "^isakmp exchange=2 np=1 rcookie_zero=1" "$tmp/peer2"
tap_check "still nothing in the clear" sh -c "! grep -q '^icmp-echo' $tmp/peer2"

# The agent stops: the module stops with it.
agent_stop
tap_check "the module ends with the agent" sh -c "! kill -0 $pid2 2>/dev/null"
tap_check "it logged its clean stop" grep -q "IKE module stopped" "$tmp/log"

# Without a module the show commands say so.
STANDIN=none
agent_conf
mv "$tmp/log" "$tmp/log.1"
agent_start || { echo "Bail out! agent did not come up again"; exit 1; }
out=$(ipp dynamic show mmsas 2>&1); rc=$?
tap_check "iked = none: dynamic show mmsas fails with exit 3 and says why" \
	sh -c "test $rc -eq 3 && echo '$out' | grep -q 'no IKE module is configured'"
agent_stop
tap_check "no sanitizer report from the agent or the modules" \
	sh -c "! grep -q 'Sanitizer\|runtime error' $tmp/log $tmp/log.1"
tap_done
