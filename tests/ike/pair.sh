#!/bin/sh
# Ours against ours on the host: two namespaces, each with its own store, agent and IKE
# module, a preshared-key rule that requires ESP with the other.  The first ping makes A's
# module negotiate with B's: Main Mode completes on both sides (the responder found its
# rule through its kernel's policies and its key by the peer's address).  The host kernel
# has no ESP, so installing the SAs fails: both sides say so, nothing is left installed,
# and the ping never passes in the clear.  Real SAs and traffic: the VM lab.
. "$top_srcdir/tests/lib/tap.sh"

[ "$(id -u)" = 0 ] || tap_skip_all "needs root to create network namespaces"
command -v ip >/dev/null || tap_skip_all "iproute2 (ip) not installed"
command -v jq >/dev/null || tap_skip_all "jq not installed"
if command -v ping >/dev/null; then PING=ping
elif command -v busybox >/dev/null; then PING="busybox ping"
else tap_skip_all "no ping (iputils-ping or busybox) installed"; fi
AGENT=$top_builddir/agent/ipsecpold
IKED=$top_builddir/ike/ipsecpol-iked
IPSECPOL=$top_builddir/cli/ipsecpol
for p in "$AGENT" "$IKED" "$IPSECPOL"; do
	[ -x "$p" ] || { echo "Bail out! $p not built"; exit 1; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ipp-ikepair.XXXXXX")
tap_cleanup "rm -rf $tmp"
chmod 0755 "$tmp"

# host NAME ADDR PEER: a namespace with its store and configuration.
host() {
	mkdir -m 0700 "$tmp/$1" "$tmp/$1/run"
	ip netns add "ipp-$1-$$" || { echo "Bail out! cannot create namespace"; exit 1; }
	tap_cleanup "ip netns del ipp-$1-$$"
	ip -n "ipp-$1-$$" link set lo up
	"$IPSECPOL" --store "$tmp/$1/local.db" -w REG -p "Pair $1" -r peer -f "0+$3" \
		-n 'ESP[AES128,SHA1]' -a 'PRESHARE:pair secret' -x >/dev/null ||
		{ echo "Bail out! cannot write the store of $1"; exit 1; }
	cat >"$tmp/$1/conf" <<EOC
local_store = $tmp/$1/local.db
control_socket = $tmp/$1/run/ctl.sock
iked = $IKED
iked_socket = $tmp/$1/run/iked.sock
pidfile = $tmp/$1/run/ipsecpold.pid
debounce_ms = 100
EOC
}

start() {
	ip netns exec "ipp-$1-$$" "$AGENT" -d -f "$tmp/$1/conf" >>"$tmp/$1/log" 2>&1 &
	eval "pid_$1=$!"
	tap_cleanup "kill $!"
}

show() { h=$1; shift; "$IPSECPOL" --agent-socket "$tmp/$h/run/ctl.sock" "$@"; }

waitlog() {
	i=0
	while [ $i -lt $(($1 * 20)) ]; do
		grep -q "$3" "$tmp/$2/log" 2>/dev/null && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

host a 10.67.0.1 10.67.0.2
host b 10.67.0.2 10.67.0.1
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
	sh -c "echo '$mm_a' | jq -e '.mmsas | map(select(.peer == \"10.67.0.2\" and
	    .state == \"established\" and .role == \"initiator\" and
	    .authentication == \"psk\")) | length == 1'"
tap_check "B: Main Mode with A established, as responder" \
	sh -c "echo '$mm_b' | jq -e '.mmsas | map(select(.peer == \"10.67.0.1\" and
	    .state == \"established\" and .role == \"responder\")) | length == 1'"
tap_check "both sides agree on the cookies" \
	test "$(echo "$mm_a" | jq -r '.mmsas[0].icookie + .mmsas[0].rcookie')" = \
	    "$(echo "$mm_b" | jq -r '.mmsas[0].icookie + .mmsas[0].rcookie')"
tap_check "Quick Mode reached the kernel on A, which has no ESP: logged" \
	grep -q "cannot install the SAs of child .*(the kernel has no ESP/AH)" "$tmp/a/log"
tap_check "no SA with keys is left on either side" \
	sh -c "! ip -n ipp-a-$$ xfrm state | grep -q 'enc \|auth-trunc \|aead ' &&
	       ! ip -n ipp-b-$$ xfrm state | grep -q 'enc \|auth-trunc \|aead '"
tap_check "no quick-mode SA bundle listed on A" \
	sh -c "test \$($IPSECPOL --agent-socket $tmp/a/run/ctl.sock --json dynamic show qmsas | jq '.qmsas | length') = 0"
tap_check "the preshared key is in no log" sh -c "! grep -q 'pair secret' $tmp/a/log $tmp/b/log"
tap_done
