#!/bin/sh
# The directory goes away and comes back: a dead (stopped) or hanging (SIGSTOPped) slapd
# never blocks the agent beyond ldap_timeout and the policy in force stays; a change of
# one filter only is detected and applied at SIGHUP and at `ipsecpol refresh`; an agent
# started while the directory is down applies the cache, and the directory's new policy
# at the next refresh once it is back.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/ldap/agent-lib.sh"

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
has() { ip -n "$ns" xfrm policy | grep -q "$1"; }

dir_setup
dir_conf lab1
agent_start || { echo "Bail out! agent did not start"; exit 1; }
tap_check "start: Lab Open from the directory" is_labopen
before=$(kpol)

# Dead directory mid-run.
slapd_stop
t0=$(now_ms)
ctl refresh >"$tmp/r1.out" 2>&1
dt=$(( $(now_ms) - t0 ))
tap_check "dead directory: refresh answers within the timeout (${dt} ms)" test "$dt" -lt 3500
tap_check "dead directory: the refresh reports why" grep -q "cannot be read" "$tmp/r1.out"
tap_check "dead directory: logged, keeping the last applied policy" \
	grep -q "keeping the last applied policy 'Lab Open': directory $SLAPD_URI cannot be read" "$tmp/log"
tap_check "dead directory: kernel unchanged" test "$(kpol)" = "$before"
tap_check "dead directory: status last_error says so" \
	sh -c "$CT $SOCK status | grep -q 'last_error=directory $SLAPD_URI cannot be read'"

# Hanging directory: connects, never answers.
slapd_run || { echo "Bail out! slapd did not restart"; exit 1; }
slapd_pause
ctl refresh >/dev/null 2>&1 &
rpid=$!
sleep 0.3
t0=$(now_ms)
ctl status >"$tmp/st.out" 2>&1
dt=$(( $(now_ms) - t0 ))
tap_check "hanging directory: status answers within timeout + 2 s (${dt} ms)" \
	sh -c "test $dt -lt 5000 && grep -q '^source=' '$tmp/st.out'"
wait "$rpid"
tap_check "hanging directory: the fetch is stopped at ldap_timeout, logged" \
	grep -q "did not answer within 3 s (ldap_timeout): the fetch was stopped" "$tmp/log"
# The fetch thread's connection was shut down at the deadline: it ends, nothing lingers.
tap_check "hanging directory: the fetch's thread has ended" wait_for 2 sh -c "test \$(ls /proc/$apid/task | wc -l) -eq 1"
tap_check "hanging directory: kernel unchanged" test "$(kpol)" = "$before"
tap_check "hanging directory: the agent still answers" ctl status
slapd_resume

# Back, with one filter changed (not the policy, not the list's name): SIGHUP.
set_telnet_port 2323
t0=$(now_ms)
kill -HUP "$apid"
if wait_for 5 has "dport 2323 "; then
	tap_ok "a changed filter only: applied at SIGHUP ($(( $(now_ms) - t0 )) ms)"
else
	tap_fail "a changed filter only: applied at SIGHUP"; tap_diag "$(tail -5 "$tmp/log")"
fi
tap_check "the old filter's policies are gone" sh -c "! ip -n $ns xfrm policy | grep -q 'dport 23 '"
tap_check "status: last error cleared, source directory" \
	sh -c "test -z '$(status last_error)' && test '$(status source_kind)' = directory"
change1=$(status last_change)

# Nothing changed: nothing applied.
applies=$(status applies)
sleep 1
ctl refresh >/dev/null 2>&1
tap_check "unchanged policy: not applied again, logged" \
	sh -c "test $(status applies) = $applies && grep -q 'the policy is unchanged' '$tmp/log'"
tap_check "unchanged policy: last change stays" test "$(status last_change)" = "$change1"

# Another filter change, picked up by ipsecpol refresh.
set_telnet_port 2424
"$CLI" --agent-socket "$SOCK" refresh >"$tmp/r2.out" 2>&1
tap_check "ipsecpol refresh: the changed filter is applied" has "dport 2424 "
tap_check "ipsecpol refresh: says so" grep -q "reread its policy source" "$tmp/r2.out"
after=$(kpol)

# The directory down when the agent starts: the cache.
agent_stop
slapd_stop
agent_start || { echo "Bail out! agent did not start"; exit 1; }
tap_check "directory down at start: the cached policy is in the kernel" \
	test "$(kpol)" = "$after"
tap_check "directory down at start: status source kind cache" test "$(status source_kind)" = cache
tap_check "directory down at start: the decision is logged" \
	grep -q "source: cache $CACHE: directory $SLAPD_URI cannot be read (.*); applying its cached copy of policy 'Lab Open' ($DN_LABOPEN) fetched at 20" "$tmp/log"
tap_check "directory down at start: status shows the cache's fetch time" \
	test "$(status last_fetch)" -gt 0

# Back again with a new filter: the next refresh applies it.
slapd_run || { echo "Bail out! slapd did not restart"; exit 1; }
set_telnet_port 2525
ctl refresh >/dev/null 2>&1
tap_check "directory back: the new policy is applied at the refresh" has "dport 2525 "
tap_check "directory back: source kind directory again" test "$(status source_kind)" = directory
tap_check "directory back: the cache holds the new policy" grep -q "dport=2525\| 2525 " "$CACHE"
agent_stop
tap_done
