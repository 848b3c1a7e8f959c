#!/bin/sh
# IKE supervision against the stand-in: the plan arrives when the module connects and
# again when the policy changes; a crash is logged and the module restarted after 1 s,
# then 2 s, with the plan sent again.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/agent/lib.sh"

agent_setup
"$ST" "$DB" create
"$ST" "$DB" assign "Secure Server (Require Security)"
agent_start || { echo "Bail out! agent did not start"; exit 1; }
wait_for 3 grep -q "^end gen=1" "$tmp/ike.rec"

tap_check "the module was started with the IKE socket" grep -q "^start pid=" "$tmp/ike.rec"
tap_check "plan 1 begins with its rule count" grep -q "^begin gen=1 rules=1$" "$tmp/ike.rec"
tap_check "main mode: the policy, 4 main-mode offers (Windows defaults), default response rule" \
	grep -q "^main policy=Secure Server (Require Security) mm_offers=4 offers=[1-9][0-9]* auth=1$" "$tmp/ike.rec"
tap_check "one negotiate rule with its reqid, offers and Kerberos" \
	grep -q "^rule reqid=[1-9][0-9]* name=All IP Traffic offers=[1-9][0-9]* auth=1$" "$tmp/ike.rec"
reqid=$(sed -n 's/^rule reqid=\([0-9]*\) .*/\1/p' "$tmp/ike.rec" | head -1)
tap_check "the plan's reqid ($reqid) is the kernel templates' reqid" \
	sh -c "ip -n $ns xfrm policy | grep -q 'reqid $reqid '"
tap_check "plan 1 ends" grep -q "^end gen=1 rules=1$" "$tmp/ike.rec"
pid1=$(status ike_pid)
tap_check "status names the module's pid" test "$pid1" -gt 0

# A policy change sends a new plan.
"$ST" "$DB" list L-neg "me=10.1.2.3"
"$ST" "$DB" action A-neg negotiate
"$ST" "$DB" rule "Secure Server (Require Security)" extra L-neg A-neg
wait_for 3 grep -q "^end gen=[0-9]* rules=2$" "$tmp/ike.rec"
tap_check "a policy change sends a new plan with both rules" grep -q "^end gen=[2-9][0-9]* rules=2$" "$tmp/ike.rec"

# Crash: restart after 1 s, plan again; crash again: 2 s.
plans=$(grep -c '^end gen=.* rules=2$' "$tmp/ike.rec")
t0=$(date +%s%N)
kill -USR1 "$pid1"
wait_for 4 sh -c "test \$(grep -c '^start pid=' $tmp/ike.rec) = 2"
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
tap_check "crash: a new module runs after about 1 s ($ms ms)" test "$ms" -ge 900 -a "$ms" -lt 3000
tap_check "crash logged with the signal and the delay" \
	grep -q "IKE module .* was killed by signal 6 after .* s; restarting in 1 s" "$tmp/log"
tap_check "restart logged" grep -q "restarting IKE module .* (restart 1)" "$tmp/log"
wait_for 3 sh -c "test \$(grep -c '^end gen=.* rules=2$' $tmp/ike.rec) -gt $plans"
tap_check "the new module gets the whole plan again" \
	sh -c "sed -n '/^start/h; /^start/!H; \${x;p}' $tmp/ike.rec | grep -q '^end gen=.* rules=2$'"
pid2=$(status ike_pid)
tap_check "status: a new pid and 1 restart" test "$pid2" != "$pid1" -a "$(status ike_restarts)" = 1
kill -USR1 "$pid2"
wait_for 5 sh -c "test \$(grep -c '^start pid=' $tmp/ike.rec) = 3"
tap_check "second crash: restarting in 2 s (exponential backoff)" \
	grep -q "restarting in 2 s" "$tmp/log"
tap_check "status: 2 restarts" test "$(status ike_restarts)" = 2
agent_stop
tap_check "stop ends the module" sh -c "! kill -0 $(sed -n 's/^start pid=//p' "$tmp/ike.rec" | tail -1) 2>/dev/null"
tap_done
