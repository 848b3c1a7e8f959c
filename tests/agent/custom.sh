#!/bin/sh
# A custom policy with every action (permit, block, negotiate, inpass, tunnel) and filter
# shape (host, subnet, range, me, any, one-way, mirrored, protocol, ports, IPv4, IPv6)
# leaves exactly the expected policies in the kernel.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/agent/lib.sh"

agent_setup
# A local address for the tunnel's near end.
ip -n "$ns" addr add 192.0.2.8/32 dev lo

S() { "$ST" "$DB" "$@" || echo "Bail out! storetool $*"; }
S create
S list L-permit "192.0.2.1=any:udp:53" "2001:db8::/64=me:tcp:0:22"
S list L-block "me>10.3.0.0/24"
S list L-neg "10.4.0.0-10.4.0.5=me" "me=10.2.0.0/16:tcp:0:80"
S list L-tun-out "10.5.0.0/24>10.6.0.0/24"
S list L-tun-in "10.6.0.0/24>10.5.0.0/24"
S list L-inpass "me=198.51.100.7:icmp"
S action A-permit permit
S action A-block block
S action A-neg negotiate
S action A-inpass inpass
S policy Custom
S rule Custom r1 L-permit A-permit
S rule Custom r2 L-block A-block
S rule Custom r3 L-neg A-neg
S rule Custom r4 L-tun-out A-neg 192.0.2.9
S rule Custom r5 L-tun-in A-neg 192.0.2.8
S rule Custom r6 L-inpass A-inpass
S assign Custom

esp="proto esp reqid R mode transport"
custom_set() {
	ike_exempt
	# permit, neither side me, mirrored: out and in, both ways
	echo "src 192.0.2.1/32 dst 0.0.0.0/0 proto udp sport 53 dir out"
	echo "src 192.0.2.1/32 dst 0.0.0.0/0 proto udp sport 53 dir in"
	echo "src 0.0.0.0/0 dst 192.0.2.1/32 proto udp dport 53 dir out"
	echo "src 0.0.0.0/0 dst 192.0.2.1/32 proto udp dport 53 dir in"
	# permit, IPv6 subnet to me, destination port
	echo "src 2001:db8::/64 dst ::/0 proto tcp dport 22 dir in"
	echo "src ::/0 dst 2001:db8::/64 proto tcp sport 22 dir out"
	# block, one-way from me
	echo "src 0.0.0.0/0 dst 10.3.0.0/24 dir out action block"
	# negotiate: a range as its exact prefixes, and a subnet with a port
	for r in 10.4.0.0/30 10.4.0.4/31; do
		echo "src $r dst 0.0.0.0/0 dir in tmpl src 0.0.0.0 dst 0.0.0.0 $esp"
		echo "src 0.0.0.0/0 dst $r dir out tmpl src 0.0.0.0 dst 0.0.0.0 $esp"
	done
	echo "src 0.0.0.0/0 dst 10.2.0.0/16 proto tcp dport 80 dir out tmpl src 0.0.0.0 dst 0.0.0.0 $esp"
	echo "src 10.2.0.0/16 dst 0.0.0.0/0 proto tcp sport 80 dir in tmpl src 0.0.0.0 dst 0.0.0.0 $esp"
	# tunnel: out through the far end, in and fwd from it
	echo "src 10.5.0.0/24 dst 10.6.0.0/24 dir out tmpl src 192.0.2.8 dst 192.0.2.9 proto esp reqid R mode tunnel"
	echo "src 10.6.0.0/24 dst 10.5.0.0/24 dir in tmpl src 192.0.2.9 dst 192.0.2.8 proto esp reqid R mode tunnel"
	echo "src 10.6.0.0/24 dst 10.5.0.0/24 dir fwd tmpl src 192.0.2.9 dst 192.0.2.8 proto esp reqid R mode tunnel"
	# inpass: inbound template optional
	echo "src 0.0.0.0/0 dst 198.51.100.7/32 proto icmp dir out tmpl src 0.0.0.0 dst 0.0.0.0 $esp"
	echo "src 198.51.100.7/32 dst 0.0.0.0/0 proto icmp dir in tmpl src 0.0.0.0 dst 0.0.0.0 $esp level use"
}

agent_start || { echo "Bail out! agent did not start"; exit 1; }
expect_kpol "custom policy: every action and filter shape" custom_set
tap_check "no apply error" test -z "$(status last_error)"
tap_check "priorities lie in the agent's band" sh -c \
	"ip -n $ns xfrm policy | awk '/priority/ { for (i = 1; i < NF; i++) if (\$i == \"priority\") p = \$(i + 1); if (p < 1048576 || p >= 1048576 + 46276) exit 1 }'"
tap_check "one reqid per negotiate rule: 4 distinct" test "$(ip -n "$ns" xfrm policy | sed -n 's/.*reqid \([0-9]*\).*/\1/p' | sort -u | wc -l)" = 4
ctl show >"$tmp/show" 2>&1
tap_check "show lists every installed policy with its origin" \
	test "$(grep -c "| policy 'Custom' rule" "$tmp/show")" = 18 -a \
	"$(grep -c "| exemption IKE" "$tmp/show")" = 8
agent_stop
tap_done
