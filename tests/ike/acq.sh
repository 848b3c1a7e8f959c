#!/bin/sh
# Traffic before the IKE module has its plan (two namespaces, our agent and module in each,
# preshared key).  The agent installs its kernel policies, starts the module and sends it
# the plan; the module reads the plan only after loading its certificates.  A packet in
# between makes the kernel send an ACQUIRE for a reqid the module does not know yet and
# keep a larval state that blocks the pair, asking no second time, for xfrm_acq_expires
# (30 s).  The module must hold that ACQUIRE and negotiate as soon as the plan is in force.
#
# The window is made with a real slow certificate load: A's ike_ca_file is a named pipe,
# so the module, already subscribed to the kernel's events and connected to the agent (the
# plan waits in its socket), stays in open(2) until the test opens the pipe's other end.
# The ping goes out exactly where the CI run's did: after the agent's "sent IKE plan".
# The host kernel has no ESP: a negotiation that reaches the kernel install is the end
# (pair.sh); real traffic through such a window is tests/vm/guest/ike-acq.sh.
#
# Then an ACQUIRE no plan will ever serve (a policy of someone else's with reqid 7777):
# it is given up after IKED_ACQ_HOLD_MS (5 s), its larval state removed, and the next
# packet asks again at once instead of 30 s later.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/ike/netns-lib.sh"

netns_init ikeacq
A=ipp-a-$$
B=ipp-b-$$

netns a
netns b
host b "Acq b" "0+10.71.0.1" 'acq secret'
mkfifo "$tmp/a.ca"
host a "Acq a" "0+10.71.0.2" 'acq secret' "ike_ca_file = $tmp/a.ca"
# Whatever happens, the module must not stay blocked in the pipe (cleanup kills it too).
tap_cleanup "timeout 2 sh -c ': >$tmp/a.ca' 2>/dev/null"
ip link add "iqA$$" netns "$A" type veth peer name "iqB$$" netns "$B" ||
	{ echo "Bail out! cannot create the veth pair"; exit 1; }
ip -n "$A" addr add 10.71.0.1/24 dev "iqA$$"
ip -n "$B" addr add 10.71.0.2/24 dev "iqB$$"
ip -n "$A" link set "iqA$$" up
ip -n "$B" link set "iqB$$" up

start b
waitlog 10 b "plan [0-9]* in force: policy 'Acq b', 1 negotiate rules"
tap_check "B's module has its plan" grep -q "in force: policy 'Acq b'" "$tmp/b/log"

start a
waitlog 10 a "sent IKE plan [0-9]* (1 negotiate rules)"
tap_check "A's agent installed its policy and sent the plan" \
	sh -c "grep -q 'sent IKE plan [0-9]* (1 negotiate rules)' $tmp/a/log &&
	       ip -n $A xfrm policy list dir out | grep -q 'dst 10.71.0.2/32'"
tap_check "A's module is still loading its certificates: no plan in force" \
	sh -c "! grep -q 'plan [0-9]* in force' $tmp/a/log"

# The first packet: the kernel makes a larval state and sends its one ACQUIRE.
ip netns exec "$A" $PING -c 1 -W 1 10.71.0.2 >/dev/null 2>&1
tap_check "the kernel holds a larval state for A -> B" \
	sh -c "ip -n $A xfrm state list src 10.71.0.1 dst 10.71.0.2 | grep -q 'spi 0x00000000'"

# The certificate load ends (an unusable CA file: certificate authentication is off, the
# preshared-key rule is unaffected); the module reads the ACQUIRE, then the plan.
t0=$(date +%s)
timeout 5 sh -c ": >$tmp/a.ca"
waitlog 5 a "plan [0-9]* in force"
mm_up() {
	jqs "$(show a --json dynamic show mmsas 2>/dev/null)" \
	    '.mmsas | map(select(.peer == "10.71.0.2" and .state == "established")) | length == 1'
}
until_ok 8 mm_up
mm=$(show a --json dynamic show mmsas)
t1=$(date +%s)
tap_check "A: Main Mode with B established, as initiator" \
	jqs "$mm" '.mmsas | map(select(.peer == "10.71.0.2" and .state == "established" and
	    .role == "initiator")) | length == 1'
tap_check "within 5 s of the end of the certificate load (not 30 s)" test $((t1 - t0)) -le 5
echo "# Main Mode after $((t1 - t0)) s"
waitlog 5 a "cannot install the SAs"
tap_check "Quick Mode reached A's kernel (which has no ESP)" \
	grep -q "cannot install the SAs of child" "$tmp/a/log"
tap_check "the ACQUIRE was held, then served by the plan" \
	awk '/ACQUIRE 10\.71\.0\.1 -> 10\.71\.0\.2 .*held until a plan has reqid/ { h = NR }
	     /: plan [0-9]+ in force: / && h && !p { p = NR }
	     /held ACQUIRE 10\.71\.0\.1 -> 10\.71\.0\.2 .*served by plan [0-9]+ after [0-9]+ ms: negotiating/ && p { s = NR }
	     END { exit !(h && p && s && h < p && p < s) }' "$tmp/a/log"
tap_check "no ACQUIRE refused for want of the rule" \
	sh -c "! grep -q 'no rule with that reqid in the plan' $tmp/a/log"
st=$(show a --json dynamic show stats)
tap_check "counters: 1 held, 1 served, none waiting" \
	jqs "$st" '.stats["acquires held"] == 1 and .stats["held acquires served"] == 1 and
	    .stats["acquires waiting"] == 0'

# A policy that is not the agent's, for a reqid no plan has.
ip -n "$A" xfrm policy add src 10.71.0.1/32 dst 10.71.0.3/32 dir out priority 10 \
	tmpl proto esp mode transport reqid 7777
tap_cleanup "ip -n $A xfrm policy del src 10.71.0.1/32 dst 10.71.0.3/32 dir out 2>/dev/null"
ip netns exec "$A" $PING -c 12 -i 1 -W 1 10.71.0.3 >/dev/null 2>&1 &
ping_pid=$!
tap_cleanup "kill $ping_pid 2>/dev/null"
waitlog 3 a "ACQUIRE 10.71.0.1 -> 10.71.0.3 .*held until a plan has reqid 7777"
tap_check "an ACQUIRE for reqid 7777 is held" \
	grep -q "ACQUIRE 10.71.0.1 -> 10.71.0.3 .*held until a plan has reqid 7777" "$tmp/a/log"
waitlog 8 a "reqid 7777, seq [0-9]*) given up after"
tap_check "given up after about 5 s, its larval state removed" \
	grep -q "held ACQUIRE 10.71.0.1 -> 10.71.0.3 (reqid 7777, seq [0-9]*) given up after [5-9][0-9][0-9][0-9] ms: no plan has reqid 7777; its larval state is removed" "$tmp/a/log"
# The next ping (a second later) asks again: a second hold, well before the 30 s.
until_ok 3 sh -c "[ \$(grep -c 'ACQUIRE 10.71.0.1 -> 10.71.0.3 .*held until a plan has reqid 7777' $tmp/a/log) -ge 2 ]"
tap_check "the next packet made the kernel ask again" \
	sh -c "[ \$(grep -c 'ACQUIRE 10.71.0.1 -> 10.71.0.3 .*held until a plan has reqid 7777' $tmp/a/log) -ge 2 ]"
kill "$ping_pid" 2>/dev/null
wait "$ping_pid" 2>/dev/null
tap_check "counters: a hold given up" \
	jqs "$(show a --json dynamic show stats)" '.stats["held acquires given up"] >= 1'

kill -TERM "$pid_a" "$pid_b"
wait "$pid_a" "$pid_b"
tap_check "no larval state of a held ACQUIRE outlives the module" \
	sh -c "! ip -n $A xfrm state list src 10.71.0.1 dst 10.71.0.3 | grep -q 'spi'"
tap_check "both stop cleanly, no sanitizer report" \
	sh -c "grep -q 'IKE module stopped' $tmp/a/log && grep -q 'IKE module stopped' $tmp/b/log &&
	       ! grep -q 'Sanitizer\|runtime error' $tmp/a/log $tmp/b/log"
tap_check "the preshared key is in no log" sh -c "! grep -q 'acq secret' $tmp/a/log $tmp/b/log"
tap_done
