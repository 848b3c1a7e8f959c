#!/bin/sh
# The agent follows its store: a committed change is applied within 2 s as a diff (counted
# in netlink operations), unassigning removes the policy, and a corrupt or missing store
# keeps the last applied policy and says why.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/agent/lib.sh"

agent_setup
S() { "$ST" "$DB" "$@" || echo "Bail out! storetool $*"; }
S create
S list L "me=10.8.0.1" "me=10.8.0.3:tcp:0:443"
S action A-block block
S policy P
S rule P r L A-block
S assign P

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
has() { ip -n "$ns" xfrm policy | grep -q "$1"; }

agent_start || { echo "Bail out! agent did not start"; exit 1; }
tap_check "initial policy: 18 exemption + 4 block policies" test "$(kcount)" = 22

# Netlink operations are counted across every apply a commit causes (a slow commit may
# wake the agent twice; an apply with nothing to change sends nothing).
quiet() { sleep 0.5; }
nl0=$(status nl_total)
t0=$(now_ms)
S filter-add L "me=10.8.0.2"
if wait_for 2 has "dst 10.8.0.2/32"; then
	tap_ok "an added filter is in the kernel $(( $(now_ms) - t0 )) ms after the commit"
else
	tap_fail "an added filter is in the kernel within 2 s of the commit"
fi
quiet
tap_check "filter added: 2 netlink operations (out and in)" \
	test "$(( $(status nl_total) - nl0 ))" = 2
tap_check "filter added: logged as 2 adds" grep -qF "(2 added, 0 updated, 0 deleted)" "$tmp/log"
nl0=$(status nl_total)

t0=$(now_ms)
S filter-mod L "me=10.8.0.1" "me=10.8.0.9"
if wait_for 2 has "dst 10.8.0.9/32"; then
	tap_ok "a changed filter is in the kernel $(( $(now_ms) - t0 )) ms after the commit"
else
	tap_fail "a changed filter is in the kernel within 2 s of the commit"
fi
wait_for 2 sh -c "! ip -n $ns xfrm policy | grep -q 'dst 10.8.0.1/32'"
quiet
n=$(( $(status nl_total) - nl0 ))
tap_check "filter changed: $n netlink operations (at most 4: 2 adds, then 2 deletes)" \
	test "$n" -le 4
tap_check "the old filter's policies are gone, the others stay" \
	sh -c "test $(kcount) = 24 && ip -n $ns xfrm policy | grep -q 'dst 10.8.0.3/32'"
tap_check "the change was logged as a diff" grep -qF "(2 added, 0 updated, 2 deleted)" "$tmp/log"

# Corrupt store: keep the last policy, log why.
cp "$DB" "$tmp/good.db"
before=$(kpol)
printf 'this is not an sqlite database, only garbage of some length to replace it\n%.0s' \
	1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 >"$DB"
wait_for 3 sh -c "$CT $SOCK status | grep -q 'last_error=.\+'"
tap_check "corrupt store: the error is reported in status" \
	sh -c "$CT $SOCK status | grep -q 'last_error=local store $DB'"
tap_check "corrupt store: logged, keeping the last applied policy 'P'" \
	grep -q "keeping the last applied policy 'P': local store $DB" "$tmp/log"
tap_check "corrupt store: kernel unchanged" test "$(kpol)" = "$before"

# Missing store: same.
rm -f "$DB"
ctl refresh >/dev/null 2>&1
tap_check "missing store: logged with the reason" \
	grep -q "keeping the last applied policy 'P': local store $DB cannot be read: No such file" "$tmp/log"
tap_check "missing store: kernel unchanged" test "$(kpol)" = "$before"
ctl refresh 2>"$tmp/refresh.err"
tap_check "refresh fails with the reason" grep -q "cannot be read" "$tmp/refresh.err"

# Back again, then unassign: no ipsecpol policy but the exemption.
cp "$tmp/good.db" "$DB"
wait_for 3 test -z "$(status last_error)"
tap_check "restored store: error cleared, same policy" test "$(kpol)" = "$before"
S unassign
wait_for 3 test "$(kcount)" = 18
tap_check "unassigned: only the exemptions remain" test "$(kcount)" = 18
tap_check "unassigned: logged as a decision with its reason" \
	grep -q "source: none: no directory configured; no policy is assigned in local store" "$tmp/log"

# SIGHUP rereads the configuration: another store, and a bad file is refused.
DB=$tmp/other.db
"$ST" "$DB" create
"$ST" "$DB" assign "Secure Server (Require Security)"
agent_conf
kill -HUP "$apid"
wait_for 3 test "$(kcount)" = 26
tap_check "SIGHUP: the new local_store is read and applied" \
	sh -c "$CT $SOCK status | grep -q 'source=local store $DB'"
echo "frob = 1" >>"$tmp/conf"
kill -HUP "$apid"
wait_for 3 grep -q "keeping the running configuration" "$tmp/log"
tap_check "SIGHUP with a bad file: logged with file and line, configuration kept" \
	grep -q "$tmp/conf:8: unknown key 'frob'.*; keeping the running configuration" "$tmp/log"
tap_check "SIGHUP with a bad file: the policy stays" test "$(kcount)" = 26
agent_stop
tap_done
