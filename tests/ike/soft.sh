#!/bin/sh
# Soft associations on the host: namespace A runs the agent and the IKE module (short
# retransmissions, -l retrans_*) with two negotiate rules, one soft (ipseccmd -soft, -1e 10) for peer
# B and one that requires security for peer C.  Neither peer runs IKE.  The host kernel has
# XFRM policies and ACQUIRE but no ESP, which is all this needs: nothing here is ever
# encrypted.  Soft: after Main Mode got no answer, A talks to B in the clear, through
# allow policies one step ahead of the rule's, which the kernel removes at their expiry.
# Require: C never receives a clear packet.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/ike/netns-lib.sh"

netns_init ikesoft
for n in a b c; do netns $n; done
A=ipp-a-$$ B=ipp-b-$$ C=ipp-c-$$
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

# The module with short retransmissions: 200 ms, then 400, 800: Main Mode gives up at 1.4 s.
printf '#!/bin/sh\nexec %s -l retrans_first_ms=200 -l retrans_tries=2 "$@"\n' "$IKED" >"$tmp/iked"
chmod 0755 "$tmp/iked"
HOST_IKED=$tmp/iked host_conf a
S="$IPSECPOL --store $tmp/a/local.db"
$S -w REG -p Soft -r soft -f 0+10.68.1.2 -n 'ESP[AES128,SHA1]' -a 'PRESHARE:soft secret' \
	-soft -1e 10 >/dev/null &&
$S -w REG -p Soft -r require -f 0+10.68.2.2 -n 'ESP[AES128,SHA1]' \
	-a 'PRESHARE:soft secret' -x >/dev/null ||
	{ echo "Bail out! cannot write the store"; exit 1; }
tap_check "the store has the policy's soft association expiry (-1e 10)" \
	jqs "$($S --json static show policy name=Soft)" '.policies[0].main_mode.soft_expire_s == 10'

start a
pid=$pid_a

# echoes NS: echo requests the namespace's kernel received (clear ones: no ESP here).
echoes() { ip netns exec $1 awk '$1 == "Icmp:" && !h { for (i = 1; i <= NF; i++) c[$i] = i; h = 1; next }
	$1 == "Icmp:" { print $c["InEchos"] }' /proc/net/snmp; }
stat() { show a --json dynamic show stats | jq -r ".stats[\"$1\"]"; }
allowances() { ip -n $A xfrm policy list src "$1/32" dst "$2/32" | grep -c '^src'; }

waitlog 10 a "plan [0-9]* in force: policy 'Soft', 2 negotiate rules"
tap_check "the module has the plan" grep -q "in force: policy 'Soft', 2 negotiate" "$tmp/a/log"

# ---- soft
tap_check "B: the first ping waits for IKE and does not pass" \
	sh -c "! ip netns exec $A $PING -c 1 -W 1 10.68.1.2"
tap_check "B: no clear packet reached B while Main Mode ran" test "$(echoes $B)" = 0
waitlog 10 a "soft association 10.68.1.1 <-> 10.68.1.2"
tap_check "B never answered IKE: soft association made, 10 s" \
	grep -q "rule 'soft': soft association 10.68.1.1 <-> 10.68.1.2 in the clear for 10 s" "$tmp/a/log"
tap_check "B: ping passes in the clear right away" \
	ip netns exec $A $PING -c 2 -W 1 10.68.1.2
tap_check "B: the echo requests arrived in the clear" test "$(echoes $B)" -ge 2
# The listing now, while the allowance is young (its checks come below): a loaded
# machine with the sanitizers can take most of the 10 s over the checks before them.
reqid=$(ip -n $A xfrm policy list dst 10.68.1.2/32 dir out | awk '/^src 0.0.0.0\/0/ { s = 1 }
	s && /reqid/ { for (i = 1; i <= NF; i++) if ($i == "reqid") { print $(i + 1); exit } }')
ss1=$(show a --json dynamic show softsas)
left1=$(printf '%s\n' "$ss1" | jq -r '.softsas[0].expires_in_s // empty')
sleep 1.1
left2=$(show a --json dynamic show softsas | jq -r '.softsas[0].expires_in_s // empty')
qm1=$(show a --json dynamic show qmsas)
show a dynamic show softsas >"$tmp/softsas.txt"
show a dynamic show qmsas >"$tmp/qmsas.txt"
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

# ---- the listing: dynamic show softsas, and qmsas (entries marked soft, no offer)
tap_check "softsas: one, B's host pair, rule 'soft' (reqid $reqid), 10 s expiry, $left1 s left" \
	jqs "$ss1" ".softsas | length == 1 and (.[0] | .soft and .me == \"10.68.1.1\" and
	    .peer == \"10.68.1.2\" and .role == \"initiator\" and .rule == \"soft\" and
	    .reqid == ${reqid:-0} and .mode == \"transport\" and .offer == [] and
	    .lifetime_s == 10 and .expires_in_s >= 1 and .expires_in_s <= 10 and
	    .age_s + .expires_in_s >= 9 and .age_s + .expires_in_s <= 11)"
tap_check "softsas: the selector narrowed to the hosts, protocol and ports of the rule's (any)" \
	jqs "$ss1" '.softsas[0] | .local_traffic == {"address": "10.68.1.1", "prefix": 32,
	    "protocol": 0, "port": 0} and .remote_traffic == {"address": "10.68.1.2",
	    "prefix": 32, "protocol": 0, "port": 0}'
tap_check "softsas: installed now, by the UTC clock" jqs "$ss1" "
	.softsas[0].installed_utc | fromdateiso8601 | . >= $(date +%s) - 15 and . <= $(date +%s)"
tap_check "qmsas: the same entry among the quick-mode SAs, marked soft" \
	jqs "$qm1" '[.qmsas[] | select(.soft)] | length == 1 and
	    .[0].peer == "10.68.1.2" and .[0].rule == "soft" and .[0].offer == []'
tap_check "softsas text: peer, rule, traffic, no offer, time left" sh -c "
	grep -q '^Peer  *: 10.68.1.2$' $tmp/softsas.txt &&
	grep -q '^Rule  *: soft (reqid ${reqid:-0}), transport$' $tmp/softsas.txt &&
	grep -q '^Remote Traffic  *: 10.68.1.2/32 proto ANY port 0$' $tmp/softsas.txt &&
	grep -q '^Offer  *: none: soft association, clear text' $tmp/softsas.txt &&
	grep -q '^Expires  *: [0-9]* s left of 10 s$' $tmp/softsas.txt"
tap_check "qmsas text: the soft entry" grep -q '^Offer  *: none: soft association' "$tmp/qmsas.txt"
tap_check "softsas: the expiry counts down ($left1 s, 1.1 s later $left2 s)" \
	test -n "$left1" -a -n "$left2" -a "${left2:-0}" -le $((${left1:-0} - 1)) -a "${left2:-0}" -ge 1
i=0
while [ $i -lt 400 ] && [ "$(allowances 10.68.1.1 10.68.1.2)" != 0 ]; do sleep 0.05; i=$((i + 1)); done
tap_check "B: the kernel removed the allowance at its expiry" \
	test "$(allowances 10.68.1.1 10.68.1.2)$(allowances 10.68.1.2 10.68.1.1)" = 00
tap_check "B: no larval SA of the ACQUIRE was left to black-hole the flow" \
	sh -c "! ip -n $A xfrm state | grep -q 10.68.1.2"
# The module ends its own record at its expiry, which may come up to a second after the
# kernel's (the kernel's policy timer runs on whole seconds): wait up to 3 s for it.
i=0
while [ $i -lt 60 ] && n=$(stat 'soft associations')/$(stat 'soft associations expired') &&
    [ "$n" != 0/1 ]; do sleep 0.05; i=$((i + 1)); done
tap_check "status: the expired allowance is no longer listed ($n)" test "$n" = 0/1
tap_check "softsas and qmsas: gone after the expiry" sh -c "
	test \"\$($IPSECPOL --agent-socket $tmp/a/run/ctl.sock --json dynamic show softsas |
	    jq -c .softsas)\$($IPSECPOL --agent-socket $tmp/a/run/ctl.sock --json dynamic show qmsas |
	    jq -c .qmsas)\" = '[][]'"
tap_check "softsas text: none" sh -c "
	$IPSECPOL --agent-socket $tmp/a/run/ctl.sock dynamic show softsas | grep -q '^  none$'"

# ---- require
n0=$(echoes $C)
tap_check "C: ping does not pass" sh -c "! ip netns exec $A $PING -c 3 -W 1 10.68.2.2"
waitlog 10 a "Main Mode as initiator with 10.68.2.2 failed: no answer"
tap_check "C never answered IKE: Main Mode failed" \
	grep -q "Main Mode as initiator with 10.68.2.2 failed: no answer" "$tmp/a/log"
tap_check "C: still no ping after the failure" sh -c "! ip netns exec $A $PING -c 2 -W 1 10.68.2.2"
tap_check "C: not a single clear echo request reached C" test "$(echoes $C)" = "$n0"
tap_check "C: no allowance, no soft association logged" sh -c "
	test $(allowances 10.68.2.1 10.68.2.2) = 0 && ! grep -q 'soft association 10.68.2' $tmp/a/log"

# ---- a new plan removes the allowances
ip netns exec $A $PING -c 1 -W 1 10.68.1.2 >/dev/null 2>&1
i=0
while [ $i -lt 100 ] && [ "$(allowances 10.68.1.1 10.68.1.2)" = 0 ]; do sleep 0.05; i=$((i + 1)); done
tap_check "B: a second allowance after the first expired" test "$(allowances 10.68.1.1 10.68.1.2)" = 1
$S static set policy name=Soft softsaexpirationtime=30 >/dev/null
waitlog 10 a "removed 1 soft association: a new plan is in force"
tap_check "a new plan removes the allowance at once" sh -c "
	grep -q 'removed 1 soft association: a new plan is in force' $tmp/a/log &&
	test \$(ip -n $A xfrm policy list src 10.68.1.1/32 dst 10.68.1.2/32 | grep -c '^src') = 0"
ip netns exec $A $PING -c 1 -W 1 10.68.1.2 >/dev/null 2>&1
waitlog 10 a "soft association 10.68.1.1 <-> 10.68.1.2 in the clear for 30 s"
tap_check "the next one takes the new expiry (netsh softsaexpirationtime=30)" \
	ip -n $A xfrm policy list src 10.68.1.1/32 dst 10.68.1.2/32 dir out | grep -q 'expire add:.* hard 30(sec)'

kill -TERM $pid
wait $pid
[ $tap_failed = 0 ] || tap_diag "$(tail -40 $tmp/a/log)"
tap_check "the module removed its allowances when it stopped" \
	test "$(allowances 10.68.1.1 10.68.1.2)$(allowances 10.68.1.2 10.68.1.1)" = 00
tap_check "clean stop, no sanitizer report, no key in the log" sh -c "
	grep -q 'IKE module stopped' $tmp/a/log && ! grep -q 'Sanitizer\|runtime error' $tmp/a/log &&
	! grep -q 'soft secret' $tmp/a/log"
tap_done
