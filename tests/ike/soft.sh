#!/bin/sh
# Soft associations on the host: namespace A runs the agent and the IKE module (short
# retransmissions, -l retrans_*) with two negotiate rules, one soft (ipseccmd -soft, -1e 10) for peer
# B and one that requires security for peer C.  Neither peer runs IKE.  The host kernel has
# XFRM policies and ACQUIRE but no ESP, which is all this needs: nothing here is ever
# encrypted.  Soft: after Main Mode got no answer, A talks to B in the clear, through
# allow policies one step ahead of the rule's, which the kernel removes at their expiry.
# Require: C never receives a clear packet.
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

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ipp-ikesoft.XXXXXX")
tap_cleanup "rm -rf $tmp"
chmod 0755 "$tmp"
A=ipp-sa-$$ B=ipp-sb-$$ C=ipp-sc-$$
for n in $A $B $C; do
	ip netns add $n || { echo "Bail out! cannot create namespace $n"; exit 1; }
	tap_cleanup "ip netns del $n"
	ip -n $n link set lo up
done
# link NS PEERNS NET: A's NET.1 faces PEERNS's NET.2.
link() {
	ip link add "sA$2$$" netns $A type veth peer name "s$2$$" netns $1 ||
		{ echo "Bail out! cannot create a veth pair"; exit 1; }
	ip -n $A addr add "$3.1/24" dev "sA$2$$"
	ip -n $1 addr add "$3.2/24" dev "s$2$$"
	ip -n $A link set "sA$2$$" up
	ip -n $1 link set "s$2$$" up
}
link $B b 10.68.1
link $C c 10.68.2

S="$IPSECPOL --store $tmp/local.db"
$S -w REG -p Soft -r soft -f 0+10.68.1.2 -n 'ESP[AES128,SHA1]' -a 'PRESHARE:soft secret' \
	-soft -1e 10 >/dev/null &&
$S -w REG -p Soft -r require -f 0+10.68.2.2 -n 'ESP[AES128,SHA1]' \
	-a 'PRESHARE:soft secret' -x >/dev/null ||
	{ echo "Bail out! cannot write the store"; exit 1; }
tap_check "the store has the policy's soft association expiry (-1e 10)" \
	sh -c "$S --json static show policy name=Soft | jq -e '.policies[0].main_mode.soft_expire_s == 10'"

# The module with short retransmissions: 200 ms, then 400, 800: Main Mode gives up at 1.4 s.
printf '#!/bin/sh\nexec %s -l retrans_first_ms=200 -l retrans_tries=2 "$@"\n' "$IKED" >"$tmp/iked"
chmod 0755 "$tmp/iked"
mkdir -m 0700 "$tmp/run"
cat >"$tmp/conf" <<EOC
local_store = $tmp/local.db
control_socket = $tmp/run/ctl.sock
iked = $tmp/iked
iked_socket = $tmp/run/iked.sock
pidfile = $tmp/run/ipsecpold.pid
debounce_ms = 100
EOC
ip netns exec $A "$AGENT" -d -f "$tmp/conf" >>"$tmp/log" 2>&1 &
pid=$!
tap_cleanup "kill $pid"

waitlog() {
	i=0
	while [ $i -lt $(($1 * 20)) ]; do
		grep -q "$2" "$tmp/log" 2>/dev/null && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}
# echoes NS: echo requests the namespace's kernel received (clear ones: no ESP here).
echoes() { ip netns exec $1 awk '$1 == "Icmp:" && !h { for (i = 1; i <= NF; i++) c[$i] = i; h = 1; next }
	$1 == "Icmp:" { print $c["InEchos"] }' /proc/net/snmp; }
stat() { $IPSECPOL --agent-socket "$tmp/run/ctl.sock" --json dynamic show stats |
	jq -r ".stats[\"$1\"]"; }
allowances() { ip -n $A xfrm policy list src "$1/32" dst "$2/32" | grep -c '^src'; }

waitlog 10 "plan [0-9]* in force: policy 'Soft', 2 negotiate rules"
tap_check "the module has the plan" grep -q "in force: policy 'Soft', 2 negotiate" "$tmp/log"

# ---- soft
tap_check "B: the first ping waits for IKE and does not pass" \
	sh -c "! ip netns exec $A $PING -c 1 -W 1 10.68.1.2"
tap_check "B: no clear packet reached B while Main Mode ran" test "$(echoes $B)" = 0
waitlog 10 "soft association 10.68.1.1 <-> 10.68.1.2"
tap_check "B never answered IKE: soft association made, 10 s" \
	grep -q "rule 'soft': soft association 10.68.1.1 <-> 10.68.1.2 in the clear for 10 s" "$tmp/log"
tap_check "B: ping passes in the clear right away" \
	ip netns exec $A $PING -c 2 -W 1 10.68.1.2
tap_check "B: the echo requests arrived in the clear" test "$(echoes $B)" -ge 2
tap_check "B: out and in allowances, host pair only, no template, hard expiry 10 s" sh -c "
	ip -n $A -s xfrm policy list src 10.68.1.1/32 dst 10.68.1.2/32 dir out | grep -q 'expire add:.* hard 10(sec)' &&
	ip -n $A -s xfrm policy list src 10.68.1.2/32 dst 10.68.1.1/32 dir in | grep -q 'expire add:.* hard 10(sec)' &&
	! ip -n $A xfrm policy list src 10.68.1.1/32 dst 10.68.1.2/32 | grep -q tmpl"
rule_prio=$(ip -n $A xfrm policy list dst 10.68.1.2/32 dir out | awk '/^src 0.0.0.0\/0/ { s = 1 }
	s && /priority/ { for (i = 1; i <= NF; i++) if ($i == "priority") { print $(i + 1); exit } }')
soft_prio=$(ip -n $A xfrm policy list src 10.68.1.1/32 dst 10.68.1.2/32 dir out | awk '
	/priority/ { for (i = 1; i <= NF; i++) if ($i == "priority") { print $(i + 1); exit } }')
tap_check "B: the allowance is one priority step ahead of the rule ($soft_prio, $rule_prio)" \
	test -n "$rule_prio" -a "$soft_prio" = "$((rule_prio - 1))"
n=$(stat 'soft associations')/$(stat 'soft associations made')
tap_check "status: one soft association, one made ($n)" \
	test "$n" = 1/1
i=0
while [ $i -lt 400 ] && [ "$(allowances 10.68.1.1 10.68.1.2)" != 0 ]; do sleep 0.05; i=$((i + 1)); done
tap_check "B: the kernel removed the allowance at its expiry" \
	test "$(allowances 10.68.1.1 10.68.1.2)$(allowances 10.68.1.2 10.68.1.1)" = 00
tap_check "B: no larval SA of the ACQUIRE was left to black-hole the flow" \
	sh -c "! ip -n $A xfrm state | grep -q 10.68.1.2"
n=$(stat 'soft associations')/$(stat 'soft associations expired')
tap_check "status: the expired allowance is no longer listed ($n)" test "$n" = 0/1

# ---- require
n0=$(echoes $C)
tap_check "C: ping does not pass" sh -c "! ip netns exec $A $PING -c 3 -W 1 10.68.2.2"
waitlog 10 "Main Mode as initiator with 10.68.2.2 failed: no answer"
tap_check "C never answered IKE: Main Mode failed" \
	grep -q "Main Mode as initiator with 10.68.2.2 failed: no answer" "$tmp/log"
tap_check "C: still no ping after the failure" sh -c "! ip netns exec $A $PING -c 2 -W 1 10.68.2.2"
tap_check "C: not a single clear echo request reached C" test "$(echoes $C)" = "$n0"
tap_check "C: no allowance, no soft association logged" sh -c "
	test $(allowances 10.68.2.1 10.68.2.2) = 0 && ! grep -q 'soft association 10.68.2' $tmp/log"

# ---- a new plan removes the allowances
ip netns exec $A $PING -c 1 -W 1 10.68.1.2 >/dev/null 2>&1
i=0
while [ $i -lt 100 ] && [ "$(allowances 10.68.1.1 10.68.1.2)" = 0 ]; do sleep 0.05; i=$((i + 1)); done
tap_check "B: a second allowance after the first expired" test "$(allowances 10.68.1.1 10.68.1.2)" = 1
$S static set policy name=Soft softsaexpirationtime=30 >/dev/null
waitlog 10 "removed 1 soft association: a new plan is in force"
tap_check "a new plan removes the allowance at once" sh -c "
	grep -q 'removed 1 soft association: a new plan is in force' $tmp/log &&
	test \$(ip -n $A xfrm policy list src 10.68.1.1/32 dst 10.68.1.2/32 | grep -c '^src') = 0"
ip netns exec $A $PING -c 1 -W 1 10.68.1.2 >/dev/null 2>&1
waitlog 10 "soft association 10.68.1.1 <-> 10.68.1.2 in the clear for 30 s"
tap_check "the next one takes the new expiry (netsh softsaexpirationtime=30)" \
	ip -n $A xfrm policy list src 10.68.1.1/32 dst 10.68.1.2/32 dir out | grep -q 'expire add:.* hard 30(sec)'

kill -TERM $pid
wait $pid
[ $tap_failed = 0 ] || tap_diag "$(tail -40 $tmp/log)"
tap_check "the module removed its allowances when it stopped" \
	test "$(allowances 10.68.1.1 10.68.1.2)$(allowances 10.68.1.2 10.68.1.1)" = 00
tap_check "clean stop, no sanitizer report, no key in the log" sh -c "
	grep -q 'IKE module stopped' $tmp/log && ! grep -q 'Sanitizer\|runtime error' $tmp/log &&
	! grep -q 'soft secret' $tmp/log"
tap_done
