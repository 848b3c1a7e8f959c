#!/bin/sh
# The control socket: root only (file mode and SO_PEERCRED), status, show, refresh, dynamic
# rules (add, list, delete, flush; gone after a restart), malformed and unknown requests.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/agent/lib.sh"

agent_setup
command -v setpriv >/dev/null || tap_skip_all "setpriv (util-linux) not installed"
"$ST" "$DB" create
"$ST" "$DB" assign "Client (Respond Only)"
agent_start || { echo "Bail out! agent did not start"; exit 1; }

tap_check "socket is mode 0600, owned by root" test "$(stat -c %a:%u "$SOCK")" = 600:0
tap_check "status answers" sh -c "$CT $SOCK status | grep -q '^policy=Client (Respond Only)$'"

# Non-root: the socket's mode refuses it first ...
nobody() { setpriv --reuid 65534 --regid 65534 --clear-groups "$@"; }
chmod 0711 "$tmp" "$tmp/run"
tap_check "non-root cannot connect (mode 0600)" sh -c "! nobody_out=\$(setpriv --reuid 65534 --regid 65534 --clear-groups $CT $SOCK status 2>&1)"
# ... and with the mode opened by mistake, SO_PEERCRED still refuses it.
chmod 0666 "$SOCK"
if out=$(nobody "$CT" "$SOCK" status 2>&1); then
	tap_fail "non-root is refused by SO_PEERCRED"
else
	tap_ok "non-root is refused by SO_PEERCRED"
fi
tap_check "the refusal is logged with the uid" grep -q "refused a control connection from uid 65534" "$tmp/log"
chmod 0600 "$SOCK"
chmod 0700 "$tmp/run"

# Dynamic rules, beside the static policy.
id1=$(ctl dyn-add block "me=10.9.9.9")
id2=$(ctl dyn-add negotiate "me=10.9.9.10:tcp:0:80")
tap_check "dynamic add returns ids ($id1, $id2)" test -n "$id1" -a -n "$id2" -a "$id1" != "$id2"
tap_check "dynamic rules are in the kernel (18 + 2 + 2)" test "$(kcount)" = 22
tap_check "block rule: out and in" sh -c "ip -n $ns xfrm policy | grep -c 'dst 10.9.9.9/32' | grep -q 1 && ip -n $ns xfrm policy | grep -q 'src 10.9.9.9/32'"
tap_check "negotiate rule carries an ESP template" sh -c "ip -n $ns xfrm policy | grep -A3 'dst 10.9.9.10/32 proto tcp dport 80' | grep -q 'proto esp'"
ctl dyn-list >"$tmp/dl"
tap_check "dynamic list shows both" test "$(grep -c '^rule ' "$tmp/dl")" = 2
tap_check "dynamic list shows the filter" grep -q "me=10.9.9.10:6:0:80" "$tmp/dl"
tap_check "status counts the dynamic rules" test "$(status dynamic)" = 2
ctl show >"$tmp/show"
tap_check "show names the dynamic rule as the origin" grep -q "policy 'dynamic' rule 'dynamic-$id1'" "$tmp/show"
ctl dyn-del "$id1"
tap_check "dynamic delete removes its policies only" test "$(kcount)" = 20
tap_check "deleting an unknown rule is refused" sh -c "! $CT $SOCK dyn-del 999"
ctl dyn-del 999 2>"$tmp/err"
tap_check "with a message naming it" grep -q "dynamic rule 999 does not exist" "$tmp/err"
ctl dyn-add block "me=10.9.9.11:any:0:80" 2>"$tmp/err"
tap_check "an invalid dynamic rule is refused with the validator's reason" \
	grep -q "dynamic rule: .*port" "$tmp/err"
ctl dyn-flush
tap_check "dynamic flush leaves the static policy" test "$(kcount)" = 18
ctl dyn-add block "me=10.9.9.12" >/dev/null
agent_stop
agent_start
tap_check "dynamic rules vanish with the agent" test "$(status dynamic)/$(kcount)" = 0/18

# Malformed and unknown requests: refused, the agent lives on.
ctl raw 00000000 >/dev/null 2>&1
ctl raw 4950504302000001000000070000000000 >/dev/null 2>&1
tap_check "a malformed message is logged and the connection closed" \
	grep -q "control client sent a malformed message" "$tmp/log"
out=$(ctl raw 49505043010000630000000900000000 2>&1)
tap_check "an unknown request type gets an error reply ($out)" sh -c "echo '$out' | grep -q 'reply [1-9]'"
tap_check "the agent still answers" "$CT" "$SOCK" status
ctl refresh
tap_check "refresh rereads the source" grep -q "reading the policy source (refresh requested)" "$tmp/log"
agent_stop
tap_done
