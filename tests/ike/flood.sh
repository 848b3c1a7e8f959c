#!/bin/sh
# Denial of service on the host: the responder R (store, agent, IKE module in a namespace,
# half-open limits 256 in total and 8 per peer from ipsecpold.conf) is flooded from
# namespace F with Main Mode first messages from the 65534 forged addresses of
# 10.70.0.0/16 (routed to F, which drops R's answers), at a high rate for the whole test,
# while a real initiator (ours, in namespace A) negotiates with it.  A's Main Mode must
# complete; R's half-open table stays within its limit; what the limits did is counted
# in `ipsecpol status` and `dynamic show stats`; R's module keeps a bounded memory.  Then
# one forged source alone, over its per-peer share.  The host kernel has no ESP: the
# exchange is observed as an established Main Mode (as in pair.sh).
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/ike/netns-lib.sh"

# Sanitizer builds: a small quarantine, so that freed memory is not counted as growth.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=4"
export ASAN_OPTIONS

HALF_OPEN_MAX=256
HALF_OPEN_PEER_MAX=8
FLOOD_RATE=${IPP_FLOOD_RATE:-20000}

IPP_NETNS_KEEP=${IPP_NETNS_KEEP:-$IPP_FLOOD_KEEP}
netns_init flood
FLOOD=$top_builddir/tests/ike/ikeflood
[ -x "$FLOOD" ] || { echo "Bail out! $FLOOD not built"; exit 1; }

# host NAME FILTER [CONF LINES]: a namespace's store and configuration.
flood_host() { host "$1" "Flood $1" "$2" 'flood secret' "$3"; }
status() { show "$1" --json status; }
ikestat() { show "$1" --json dynamic show stats | jq -r ".stats[\"$2\"]"; }

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

netns a
netns r
netns f
ip link add "flA$$" netns "ipp-a-$$" type veth peer name "flR$$" netns "ipp-r-$$" &&
	ip link add "flF$$" netns "ipp-f-$$" type veth peer name "flS$$" netns "ipp-r-$$" ||
	{ echo "Bail out! cannot create the veth pairs"; exit 1; }
ip -n "ipp-a-$$" addr add 10.68.0.1/24 dev "flA$$"
ip -n "ipp-r-$$" addr add 10.68.0.2/24 dev "flR$$"
ip -n "ipp-r-$$" addr add 10.69.0.1/24 dev "flS$$"
ip -n "ipp-f-$$" addr add 10.69.0.2/24 dev "flF$$"
for l in "a flA$$" "r flR$$" "r flS$$" "f flF$$"; do
	set -- $l
	ip -n "ipp-$1-$$" link set "$2" up
done
# The forged sources live behind F, which does not forward: R's answers die there.
ip -n "ipp-r-$$" route add 10.70.0.0/16 via 10.69.0.2

flood_host a "0+10.68.0.2"
flood_host r "0+10.0.0.0/255.0.0.0" "ike_half_open_max = $HALF_OPEN_MAX
ike_half_open_peer_max = $HALF_OPEN_PEER_MAX"
start a
start r
waitlog 15 a "plan [0-9]* in force: policy 'Flood a'" &&
	waitlog 15 r "plan [0-9]* in force: policy 'Flood r'"
tap_check "both modules have their plans" \
	sh -c "grep -q \"in force: policy 'Flood a'\" $tmp/a/log &&
	       grep -q \"in force: policy 'Flood r'\" $tmp/r/log"

st=$(status r)
tap_check "R's status shows the configured limits" jqs "$st" \
	".ike.half_open.max == $HALF_OPEN_MAX and
	 .ike.half_open.peer_max == $HALF_OPEN_PEER_MAX and .ike.half_open.current == 0"
iked_r=$(echo "$st" | jq -r '.ike.pid')
tap_check "R's module runs with -l half_open_max=$HALF_OPEN_MAX" \
	sh -c "tr '\\0' ' ' </proc/$iked_r/cmdline | grep -q 'half_open_max=$HALF_OPEN_MAX'"
rss0=$(rss_kb "$iked_r")

ip netns exec "ipp-f-$$" "$FLOOD" -d 10.69.0.1 -s 10.70.0.0/16 -r "$FLOOD_RATE" -t 120 >"$tmp/flood.out" 2>&1 &
flood=$!
tap_cleanup "kill $flood"
full() { status r | jqe ".ike.half_open.current == $HALF_OPEN_MAX"; }
tap_check "the flood fills R's half-open table to its limit" until_ok 30 full

# The real initiator: pings trigger ACQUIREs on A (again when an attempt fails).
ip netns exec "ipp-a-$$" $PING -i 0.5 -c 240 -W 1 10.68.0.2 >/dev/null 2>&1 &
pinger=$!
tap_cleanup "kill $pinger"
t0=$(date +%s)
a_est() {
	show a --json dynamic show mmsas | jqe '.mmsas | map(select(.peer == "10.68.0.2" and
	    .state == "established" and .role == "initiator")) | length == 1'
}
tap_check "A's Main Mode with R completes under the flood (within 60 s)" until_ok 60 a_est
echo "# Main Mode under the flood after $(($(date +%s) - t0)) s"
tap_check "R: Main Mode with A established, as responder" \
	jqs "$(show r --json dynamic show mmsas)" '.mmsas | map(select(.peer == "10.68.0.1" and
	    .state == "established" and .role == "responder")) | length == 1'

# Bounded while the flood goes on: samples over 10 s.
rss1=$(rss_kb "$iked_r")
max=0
bad=0
i=0
while [ $i -lt 10 ]; do
	cur=$(status r | jq -r '.ike.half_open.current')
	[ "$cur" -le "$HALF_OPEN_MAX" ] 2>/dev/null || bad=$((bad + 1))
	[ "$cur" -gt "$max" ] 2>/dev/null && max=$cur
	sleep 1
	i=$((i + 1))
done
rss2=$(rss_kb "$iked_r")
echo "# half-open at most $max of $HALF_OPEN_MAX; VmRSS ${rss0} kB idle, ${rss1} kB, then ${rss2} kB 10 s later"
tap_check "R's half-open stays within its limit during the flood" test "$bad" = 0
st=$(status r)
tap_check "R's status: peak at the limit, exchanges evicted" jqs "$st" \
	".ike.half_open.peak == $HALF_OPEN_MAX and .ike.half_open.evicted > 1000"
evicted=$(ikestat r 'half-open evicted')
tap_check "R's statistics count the evictions ($evicted)" test "$evicted" -gt 1000
tap_check "status text has the half-open line" \
	sh -c "$IPSECPOL --agent-socket $tmp/r/run/ctl.sock status |
	    grep -q '^IKE Half-Open *: [0-9]* now, $HALF_OPEN_MAX peak, limit $HALF_OPEN_MAX (8 per peer)'"
tap_check "R's module memory is bounded (no growth under a steady flood, < 16 MB over idle)" \
	sh -c "test $rss2 -le $((rss1 + 4096)) && test $rss2 -le $((rss0 + 16384))"
tap_check "the flood was reported, not logged per packet" \
	sh -c "n=\$(grep -c 'half-open limits ($HALF_OPEN_MAX in total, $HALF_OPEN_PEER_MAX per peer) reached' $tmp/r/log);
	       test \$n -ge 1 && test \$n -le 12"
kill "$flood" 2>/dev/null
wait "$flood" 2>/dev/null
echo "# flood: $(cat "$tmp/flood.out")"
rx=$(ikestat r 'datagrams received')
echo "# R received $rx datagrams, shed $(ikestat r 'first messages shed') first messages from full batches"
tap_check "the flood reached R (over 10000 datagrams)" test "$rx" -gt 10000

# One forged source over its share: at most 8 of its exchanges at once, the rest evicted.
ev0=$(ikestat r 'half-open evicted')
ip netns exec "ipp-f-$$" "$FLOOD" -d 10.69.0.1 -s 10.70.99.99/32 -r 2000 -t 4 >"$tmp/flood1.out" 2>&1 &
flood=$!
tap_cleanup "kill $flood"
one_source() {
	show r --json dynamic show mmsas |
	    jqe ".mmsas | map(select(.peer == \"10.70.99.99\")) | length == $HALF_OPEN_PEER_MAX"
}
tap_check "one source holds exactly its per-peer share" until_ok 10 one_source
wait "$flood"
echo "# one source: $(cat "$tmp/flood1.out")"
ev1=$(ikestat r 'half-open evicted')
tap_check "and the rest of it was evicted ($ev0, then $ev1)" \
	test "$((${ev1:-0} - ${ev0:-0}))" -gt 1000

kill "$pinger" 2>/dev/null
kill -TERM "$pid_a" "$pid_r"
wait "$pid_a" "$pid_r"
tap_check "both stop cleanly, no sanitizer report" \
	sh -c "grep -q 'IKE module stopped' $tmp/a/log && grep -q 'IKE module stopped' $tmp/r/log &&
	       ! grep -q 'Sanitizer\|runtime error' $tmp/a/log $tmp/r/log"
tap_done
