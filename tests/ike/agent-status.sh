#!/bin/sh
# `ipsecpol status` asks the IKE module for its half-open figures and waits at most 500 ms
# (AGENT_IKE_STATUS_TIMEOUT_MS) for them.  tests/ldap/agent-outage.sh once measured that
# wait in full: its module is the agent tests' stand-in, which answered no show request
# at all, so every status there cost the whole wait.  Here:
# - the stand-in answers as the real module does: status carries its figures (the limits
#   of ipsecpold.conf, passed as -l) well within the wait, and dynamic show is answered;
# - a new plan sent just before the status request (a dynamic rule added; the module is
#   still reading or applying the plan when the request comes) costs no figures, with
#   the stand-in and with the real module, twenty times in a row;
# - a module that answers nothing: status still answers, without the figures, after the
#   500 ms the agent says it waited.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/agent/lib.sh"

command -v jq >/dev/null || tap_skip_all "jq not installed"
IKED=$top_builddir/ike/ipsecpol-iked
IPSECPOL=$top_builddir/cli/ipsecpol
for p in "$IKED" "$IPSECPOL"; do
	[ -x "$p" ] || { echo "Bail out! $p not built"; exit 1; }
done

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
ipp() { "$IPSECPOL" --agent-socket "$SOCK" "$@"; }
# jq -e that fails on empty input (jq 1.6 -e itself succeeds there).
jqs() { [ -n "$1" ] && printf '%s\n' "$1" | jq -en "input | ($2)" >/dev/null; }
figures() { jqs "$(ipp --json status)" '.ike.half_open.max == 100 and .ike.half_open.peer_max == 7'; }

# races NAME: 20 rounds of a dynamic rule (a new plan) then status at once; the rounds
# whose status had no half-open figures.
races() {
	bad=0
	for i in $(seq 1 20); do
		ctl dyn-add negotiate "me=10.9.$1.$i" >/dev/null
		figures || bad=$((bad + 1))
	done
	echo "$bad"
}

agent_setup
"$ST" "$DB" create
"$ST" "$DB" assign "Secure Server (Require Security)"
agent_conf "ike_half_open_max = 100" "ike_half_open_peer_max = 7"

# ---- the stand-in, answering
agent_start || { echo "Bail out! agent did not start"; exit 1; }
wait_for 3 grep -q "^end gen=1" "$tmp/ike.rec"
t0=$(now_ms)
st=$(ipp --json status)
dt=$(( $(now_ms) - t0 ))
tap_check "status carries the module's half-open figures (limits 100 and 7 from ipsecpold.conf)" \
	jqs "$st" '.ike.half_open == {"current": 0, "peak": 0, "max": 100, "peer_max": 7,
	    "evicted": 0, "refused": 0}'
tap_check "status did not wait out the 500 ms ($dt ms)" test "$dt" -lt 500
tap_check "the requests reached the module, in status's own sequence range (from 2^31)" \
	awk -F'seq=' '/^show type=74 / { n++; if ($2 < 2147483648) bad++ }
	    END { exit !(n > 0 && !bad) }' "$tmp/ike.rec"
tap_check "no status went without the module's figures" \
	sh -c "! grep -q 'no half-open figures' $tmp/log"
tap_check "dynamic show mmsas and qmsas: answered, none" sh -c "
	ipp() { $IPSECPOL --agent-socket $SOCK \"\$@\"; }
	test \"\$(ipp --json dynamic show mmsas | jq -c .mmsas)\$(ipp --json dynamic show qmsas | jq -c .qmsas)\" = '[][]'"
tap_check "dynamic show stats: the module's plans" \
	jqs "$(ipp --json dynamic show stats)" '.stats.plans >= 1'
n=$(races 1)
tap_check "a plan just sent: status still has the figures (stand-in; $n of 20 without)" \
	test "$n" = 0
tap_check "the stand-in got the 20 plans" \
	test "$(grep -c '^end gen=' "$tmp/ike.rec")" -ge 21
agent_stop

# ---- the real module
STANDIN=$IKED
agent_conf "ike_half_open_max = 100" "ike_half_open_peer_max = 7"
l0=$(wc -l <"$tmp/log")
agent_start || { echo "Bail out! agent did not start with the real module"; exit 1; }
wait_for 10 grep -q "plan [0-9]* in force: policy 'Secure Server" "$tmp/log"
tap_check "real module: status carries its figures" figures
n=$(races 2)
tap_check "real module: a plan just sent, status still has the figures ($n of 20 without)" \
	test "$n" = 0
tap_check "real module: it took every plan" \
	jqs "$(ipp --json dynamic show stats)" '.stats.plans >= 21 and .stats["plans refused"] == 0'
tap_check "real module: no status went without the figures" \
	sh -c "! tail -n +$((l0 + 1)) $tmp/log | grep -q 'no half-open figures'"
agent_stop
tap_check "real module: clean stop" grep -q 'IKE module stopped' "$tmp/log"

# ---- a module that answers nothing
STANDIN=$top_builddir/tests/agent/ike-standin
agent_conf "ike_half_open_max = 100" "ike_half_open_peer_max = 7"
IKE_STANDIN_SILENT=1
export IKE_STANDIN_SILENT
agent_start || { echo "Bail out! agent did not start with a silent module"; exit 1; }
unset IKE_STANDIN_SILENT
wait_for 3 sh -c "test \$(grep -c '^end gen=1 ' $tmp/ike.rec) -ge 2"
t0=$(now_ms)
st=$(ipp --json status)
dt=$(( $(now_ms) - t0 ))
tap_check "silent module: status answers, without figures" \
	jqs "$st" '.ike.running and (.ike | has("half_open") | not)'
tap_check "silent module: status waited its 500 ms for the figures ($dt ms)" \
	test "$dt" -ge 500
tap_check "silent module: logged with the wait it really had" \
	grep -q "status: no half-open figures from the IKE module: the IKE module did not answer within 500 ms" "$tmp/log"
agent_stop
tap_check "no sanitizer report" sh -c "! grep -q 'Sanitizer\|runtime error' $tmp/log"
tap_done
