#!/bin/sh
# kill -9 of the agent, then a restart: a watcher polling the kernel never sees a negotiate
# or block policy missing, nor a duplicate; the new agent reconciles with a kernel dump and
# re-adds nothing; a foreign policy is untouched throughout.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/agent/lib.sh"

agent_setup
S() { "$ST" "$DB" "$@" || echo "Bail out! storetool $*"; }
S create
S list L-block "me=10.66.0.0/16"
S action A-block block
S rule "Secure Server (Require Security)" block-rule L-block A-block
S assign "Secure Server (Require Security)"
ip -n "$ns" xfrm policy add src 203.0.113.1/32 dst 203.0.113.2/32 dir in priority 7 action block

agent_start || { echo "Bail out! agent did not start"; exit 1; }
want=$(kcount)
tap_check "applied: 26 + 2 block + 1 foreign policies ($want)" test "$want" = 29

# The watcher: every snapshot must hold every negotiate/block policy (by selector and
# direction) and no selector twice.
kpol | grep -e 'tmpl' -e 'action block' | sed 's/ tmpl.*//' | sort >"$tmp/required"
cat >"$tmp/watch.sh" <<EOW
while [ ! -e "$tmp/watch.stop" ]; do
	ip -n "$ns" xfrm policy list | awk '/^src/ { if (r != "") print r; r = \$0; next }
		{ r = r " " \$0 } END { if (r != "") print r }' | tr -s ' \t' '  ' |
		sed -e 's/ priority [0-9]*//' -e 's/ reqid [0-9]*/ reqid R/g' \
		    -e 's/ ptype main//' -e 's/ *\$//' | sort >"$tmp/snap"
	sed 's/ tmpl.*//' "$tmp/snap" | sort | uniq -d | sed 's/^/DUPLICATE /' >>"$tmp/watch.bad"
	sed 's/ tmpl.*//' "$tmp/snap" | sort | comm -23 "$tmp/required" - |
		sed 's/^/MISSING /' >>"$tmp/watch.bad"
	echo x >>"$tmp/watch.n"
done
EOW
: >"$tmp/watch.bad"
sh "$tmp/watch.sh" &
wpid=$!
tap_cleanup "kill $wpid"
tap_cleanup "touch $tmp/watch.stop"
sleep 0.3

kill -9 "$apid"
wait "$apid" 2>/dev/null
tap_check "after kill -9 the policies stay in the kernel" test "$(kcount)" = 29
sleep 0.2
agent_start || tap_fail "agent restarts"
tap_check "the new agent found its 28 policies in the kernel" \
	grep -q "found 28 policies of ours" "$tmp/log"
tap_check "reconciled: nothing added, updated or deleted" \
	test "$(status last_add)/$(status last_update)/$(status last_delete)" = 0/0/0
tap_check "reconciled: one netlink operation (the dump)" test "$(status nl_total)" = 1
tap_check "after restart: still exactly 29 policies" test "$(kcount)" = 29

# A change after the restart is a diff against the dump.
nl0=$(status nl_total)
S filter-add L-block "me=10.67.0.0/16"
wait_for 3 sh -c "ip -n $ns xfrm policy | grep -q 'dst 10.67.0.0/16'"
sleep 0.5
tap_check "change after restart: 2 netlink operations" test "$(( $(status nl_total) - nl0 ))" = 2
tap_check "change after restart: logged as 2 adds" \
	grep -qF "(2 added, 0 updated, 0 deleted)" "$tmp/log"
sleep 0.3
touch "$tmp/watch.stop"
wait "$wpid"
n=$(wc -l <"$tmp/watch.n")
tap_check "the watcher took snapshots throughout ($n)" test "$n" -ge 5
if [ -s "$tmp/watch.bad" ]; then
	tap_fail "no snapshot missed a negotiate or block policy or held a duplicate"
	tap_diag "$(sort -u "$tmp/watch.bad" | head -20)"
else
	tap_ok "no snapshot missed a negotiate or block policy or held a duplicate"
fi
agent_stop
tap_check "the foreign policy is untouched" \
	sh -c "ip -n $ns xfrm policy | grep -A1 'src 203.0.113.1/32 dst 203.0.113.2/32' | grep -q 'dir in action block priority 7 '"
tap_check "only the foreign policy is left after stop" test "$(kcount)" = 1
tap_done
