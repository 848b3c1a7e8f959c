#!/bin/sh
# The three Windows example policies, assigned one at a time, leave exactly the expected
# policies in the kernel; a foreign policy survives start, apply and stop; stop removes
# what the agent installed; SIGHUP rereads the store; -n checks a configuration.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/agent/lib.sh"

agent_setup
"$ST" "$DB" create || { echo "Bail out! cannot create the store"; exit 1; }

# A policy of someone else, inside what would be any-to-any traffic.
ip -n "$ns" xfrm policy add src 198.51.100.1/32 dst 198.51.100.2/32 dir out priority 100 \
	action block
foreign="src 198.51.100.1/32 dst 198.51.100.2/32 dir out action block"

tap_check "-n accepts the test configuration" "$AGENT" -n -f "$tmp/conf"

agent_start || { echo "Bail out! agent did not start"; exit 1; }
exempt_foreign() { ike_exempt; echo "$foreign"; }
expect_kpol "nothing assigned: only the IKE exemption, foreign policy kept" exempt_foreign
tap_check "status says no policy is assigned" sh -c "$CT $SOCK status | grep -q 'reason=.*no policy is assigned'"

# Negotiate all IP traffic (ESP, inbound optional: both examples accept clear inbound and
# answer secured) and permit ICMP, in IPv4 and IPv6.
server_set() {
	ike_exempt
	echo "$foreign"
	echo "src 0.0.0.0/0 dst 0.0.0.0/0 dir out tmpl src 0.0.0.0 dst 0.0.0.0 proto esp reqid R mode transport"
	echo "src 0.0.0.0/0 dst 0.0.0.0/0 dir in tmpl src 0.0.0.0 dst 0.0.0.0 proto esp reqid R mode transport level use"
	echo "src ::/0 dst ::/0 dir out tmpl src :: dst :: proto esp reqid R mode transport"
	echo "src ::/0 dst ::/0 dir in tmpl src :: dst :: proto esp reqid R mode transport level use"
	for f in "0.0.0.0/0 dst 0.0.0.0/0" "::/0 dst ::/0"; do
		echo "src $f proto icmp dir out"
		echo "src $f proto icmp dir in"
	done
}

for p in "Server (Request Security)" "Secure Server (Require Security)" "Client (Respond Only)"; do
	"$ST" "$DB" assign "$p"
	kill -HUP "$apid"
	wait_for 3 sh -c "$CT $SOCK status | grep -qF 'policy=$p'"
	case $p in
	Client*) expect_kpol "$p: the default response rule only, so the IKE exemption" \
		exempt_foreign ;;
	*) expect_kpol "$p: ESP for all IP, ICMP permitted, v4 and v6" server_set ;;
	esac
done
tap_check "SIGHUP reread logged with its reason" grep -q "reading the policy source (SIGHUP)" "$tmp/log"
tap_check "the source decision is logged with its reason" \
	grep -q "source: local store $DB: policy 'Client (Respond Only)' is assigned" "$tmp/log"

"$ST" "$DB" assign "Secure Server (Require Security)"
kill -HUP "$apid"
wait_for 3 sh -c "$CT $SOCK status | grep -qF 'policy=Secure Server'"
agent_stop
expect_kpol "stop removes every policy of ours and only those" echo "$foreign"
tap_check "stop is logged" grep -q "removed our 26 policies" "$tmp/log"

# Fail closed: keep the policy in force after exit.
agent_conf "keep_policy_on_exit = yes"
agent_start
n=$(kcount)
agent_stop
tap_check "keep_policy_on_exit leaves the 26 policies and the foreign one ($n)" test "$(kcount)" = 27

# ... and a restart adopts them without duplicates, then stop (no keep) removes them.
agent_conf
agent_start
tap_check "restart over kept policies: no duplicates" test "$(kcount)" = 27
tap_check "restart over kept policies: nothing re-added" test "$(status last_add)" = 0
agent_stop
expect_kpol "the foreign policy survives start, apply and stop" echo "$foreign"

# Daemon mode: background, pidfile, SIGTERM.
IKE_STANDIN_RECORD=$tmp/ike.rec ip netns exec "$ns" "$AGENT" -f "$tmp/conf"
rc=$?
tap_check "daemon mode returns at once with status 0 ($rc)" test $rc = 0
wait_for 3 test -s "$tmp/run/ipsecpold.pid"
dpid=$(cat "$tmp/run/ipsecpold.pid" 2>/dev/null)
tap_cleanup "kill -9 $dpid"
tap_check "pidfile names the running daemon" kill -0 "$dpid"
wait_for 3 "$CT" "$SOCK" status
tap_check "the daemon applies the policy" test "$(kcount)" = 27
kill -TERM "$dpid"
wait_for 3 sh -c "! kill -0 $dpid"
tap_check "SIGTERM stops the daemon and removes its pidfile" test ! -e "$tmp/run/ipsecpold.pid"
tap_check "daemon stop removed its policies" test "$(kcount)" = 1
tap_done
