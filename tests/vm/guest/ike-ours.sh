#!/bin/sh
# ike-ours: ours against ours.  Two hosts, each running ipsecpold from its own local store
# with a preshared-key variant of Windows' examples: A assigns "Server (Request Security)",
# B "Secure Server (Require Security)"; only the authentication changes (PSK instead of
# Kerberos, in the rule and the default response rule).  Their "All ICMP Traffic" rule
# permits ICMP, so the traffic is TCP: the first SYN triggers the negotiation, then the
# connection carries data, through ESP both ways.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/vm/ikelab.sh"

o=$(ike_ours_built) || ike_bail "our programs are built (ike/ipsecpol-iked comes with issue #7)" "$o"
ike_setup ikoa

# example NS POLICY: NS's store, seeded with the examples, POLICY made PSK and assigned.
example() {
	ike_ours_cli "$1" static set rule name="All IP Traffic" policy="$2" psk="$IKE_PSK" &&
	ike_ours_cli "$1" static set defaultrule policy="$2" psk="$IKE_PSK" &&
	ike_ours_cli "$1" static set policy name="$2" assign=yes
}
for x in "$ike_a:Server (Request Security)" "$ike_b:Secure Server (Require Security)"; do
	ns=${x%%:*} pol=${x#*:}
	if o=$(example "$ns" "$pol" 2>&1) && ike_ours_start "$ns"; then
		tap_ok "$ns runs ipsecpold with a PSK variant of \"$pol\""
	else
		ike_bail "$ns runs ipsecpold with a PSK variant of \"$pol\"" "$o" \
			"$(tail -n 20 "$ike_dir/$ns/agent.log")"
	fi
done
# Transport mode between the hosts' addresses.
ike_cell_vars transport cbc nopfs
cell_kalg='cbc(des3_ede)'	# the examples' first offer, ESP[3DES,SHA1]

# tcp_once FROM-NS TO-NS DST PORT WORD: a listener in TO-NS takes one connection; FROM-NS
# sends WORD to it (busybox nc retries nothing: the first SYN may be held back during the
# negotiation, TCP resends it).  True when the listener received WORD.
tcp_once() {
	rm -f "$ike_dir/tcp.in"
	nsenter --net="/run/netns/$2" timeout "$IKE_NEG_SECS" busybox nc -l -p "$4" >"$ike_dir/tcp.in" 2>&1 &
	lp=$!
	ike_wait 5 sh -c "nsenter --net=/run/netns/$2 cat /proc/net/tcp | grep -q ':$(printf %04X "$4") 00000000:0000 0A'"
	echo "$5" | vm_in "$1" timeout "$IKE_NEG_SECS" busybox nc -w "$IKE_NEG_SECS" "$3" "$4" >/dev/null 2>&1
	wait $lp
	grep -q "^$5\$" "$ike_dir/tcp.in"
}

t0=$(ike_now)
if tcp_once "$ike_a" "$ike_b" "$cell_b" 5001 first-from-a; then
	tap_ok "A's first TCP connection to B gets through ($(($(ike_now) - t0)) ms)"
else
	tap_fail "A's first TCP connection to B gets through"
	tap_diag "A:" "$(tail -n 20 "$ike_dir/$ike_a/agent.log")" "B:" "$(tail -n 20 "$ike_dir/$ike_b/agent.log")"
fi
ike_check_sas "Server -> Secure Server"
p_ab=$(ike_sa_packets "$ike_b" "$cell_a" "$cell_b") p_ba=$(ike_sa_packets "$ike_a" "$cell_b" "$cell_a")
if [ "$p_ab" -ge 3 ] && [ "$p_ba" -ge 2 ]; then
	tap_ok "the connection went through ESP (B received $p_ab packets on A->B, A $p_ba on B->A)"
else
	tap_fail "the connection did not go through ESP (B received '$p_ab' on A->B, A '$p_ba' on B->A)"
	tap_diag "$(ike_states "$ike_a")" "$(ike_states "$ike_b")"
fi
# The other way round, over the same SAs.
if tcp_once "$ike_b" "$ike_a" "$cell_a" 5002 back-from-b; then
	tap_ok "B's TCP connection to A gets through"
else
	tap_fail "B's TCP connection to A gets through"
fi
p2=$(ike_sa_packets "$ike_a" "$cell_b" "$cell_a")
if [ "$p2" -gt "$p_ba" ]; then tap_ok "it went through ESP too ($p_ba -> $p2 packets)"
else tap_fail "it did not go through ESP ($p_ba -> $p2 packets)"; fi
# Both sides list the SAs.
ike_ours_show "Server" "$ike_a" "$cell_b"
ike_ours_show "Secure Server" "$ike_b" "$cell_a"
tap_done
