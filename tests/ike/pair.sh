#!/bin/sh
# Ours against ours on the host: two namespaces, each with its own store, agent and IKE
# module, a preshared-key rule that requires ESP with the other.  The first ping makes A's
# module negotiate with B's: Main Mode completes on both sides (the responder found its
# rule through its kernel's policies and its key by the peer's address).  The host kernel
# has no ESP, so installing the SAs fails: both sides say so, nothing is left installed,
# and the ping never passes in the clear.  Real SAs and traffic: the VM lab.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/ike/netns-lib.sh"

netns_init ikepair

# pair NAME PEER: a namespace with its store (a rule that requires ESP with PEER).
pair() {
	netns "$1"
	host "$1" "Pair $1" "0+$2" 'pair secret'
}

pair a 10.67.0.2
pair b 10.67.0.1
ip link add "ipA$$" netns "ipp-a-$$" type veth peer name "ipB$$" netns "ipp-b-$$" ||
	{ echo "Bail out! cannot create the veth pair"; exit 1; }
ip -n "ipp-a-$$" addr add 10.67.0.1/24 dev "ipA$$"
ip -n "ipp-b-$$" addr add 10.67.0.2/24 dev "ipB$$"
ip -n "ipp-a-$$" link set "ipA$$" up
ip -n "ipp-b-$$" link set "ipB$$" up
start a
start b
waitlog 10 a "plan [0-9]* in force: policy 'Pair a', 1 negotiate rules" &&
	waitlog 10 b "plan [0-9]* in force: policy 'Pair b', 1 negotiate rules"
tap_check "both modules have their plans" \
	sh -c "grep -q \"in force: policy 'Pair a'\" $tmp/a/log && grep -q \"in force: policy 'Pair b'\" $tmp/b/log"

tap_check "the first ping does not pass (no ESP in this kernel)" \
	sh -c "! ip netns exec ipp-a-$$ $PING -c 2 -W 1 10.67.0.2"
waitlog 10 a "cannot install the SAs"
mm_a=$(show a --json dynamic show mmsas)
mm_b=$(show b --json dynamic show mmsas)
tap_check "A: Main Mode with B established, as initiator, preshared key" \
	jqs "$mm_a" '.mmsas | map(select(.peer == "10.67.0.2" and
	    .state == "established" and .role == "initiator" and
	    .authentication == "psk")) | length == 1'
tap_check "B: Main Mode with A established, as responder" \
	jqs "$mm_b" '.mmsas | map(select(.peer == "10.67.0.1" and
	    .state == "established" and .role == "responder")) | length == 1'
cookies() { printf '%s\n' "$1" | jq -r '.mmsas[0] | .icookie + .rcookie // empty'; }
ck_a=$(cookies "$mm_a")
ck_b=$(cookies "$mm_b")
tap_check "both sides agree on the cookies" test -n "$ck_a" -a "$ck_a" = "$ck_b"
tap_check "Quick Mode reached the kernel on A, which has no ESP: logged" \
	grep -q "cannot install the SAs of child .*(the kernel has no ESP/AH)" "$tmp/a/log"
tap_check "no SA with keys is left on either side" \
	sh -c "! ip -n ipp-a-$$ xfrm state | grep -q 'enc \|auth-trunc \|aead ' &&
	       ! ip -n ipp-b-$$ xfrm state | grep -q 'enc \|auth-trunc \|aead '"
tap_check "no quick-mode SA bundle listed on A" \
	jqs "$(show a --json dynamic show qmsas)" '.qmsas | length == 0'
tap_check "the preshared key is in no log" sh -c "! grep -q 'pair secret' $tmp/a/log $tmp/b/log"
kill -TERM "$pid_a" "$pid_b"
wait "$pid_a" "$pid_b"
tap_check "both stop cleanly, no sanitizer report" \
	sh -c "grep -q 'IKE module stopped' $tmp/a/log && grep -q 'IKE module stopped' $tmp/b/log &&
	       ! grep -q 'Sanitizer\|runtime error' $tmp/a/log $tmp/b/log"
tap_done
