#!/bin/sh
# ipsecpol against a real ipsecpold in a private namespace (iked = none): ipsecpol.exe's
# dynamic mode ([spec] block, (spec) pass, -n negotiate, -u), status, refresh, dynamic
# show/delete, --json, exit codes 4 (no agent) and 5 (not root), dynamic rules gone after
# a restart, and a static change to the assigned policy applied by the agent within 2 s.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/cli/cli_env.sh"
. "$top_srcdir/tests/agent/lib.sh"

agent_setup
cat >"$tmp/conf" <<EOC
local_store = $DB
control_socket = $SOCK
iked = none
pidfile = $tmp/run/ipsecpold.pid
debounce_ms = 100
EOC
export IPSECPOL_AGENT_SOCKET=$SOCK IPSECPOL_STORE=$DB
ipp static set policy name="Secure Server (Require Security)" assign=yes >/dev/null 2>&1
agent_start || { echo "Bail out! agent did not start"; exit 1; }
# permits PATTERN: a kernel policy matching it that neither blocks nor negotiates.
permits() { kpol | grep -e "$1" | grep -v -e 'action block' -e 'tmpl' | grep -q .; }
nstatic=$(kcount)
tap_check "the assigned example is in the kernel ($nstatic policies)" test "$nstatic" -gt 8

# status
ipp status >"$tmp/status" 2>&1
tap_check "status names the policy" grep -q '^Policy *: Secure Server (Require Security)$' "$tmp/status"
tap_check "status names the local store as the source" grep -q "^Source *: local store $DB" "$tmp/status"
tap_check "status says the IKE module is not running" grep -q '^IKE Module *: not running' "$tmp/status"
jcheck "status --json: policy, source, counts, ike" \
	".schema == 1 and .policy == \"Secure Server (Require Security)\" and
	 (.source | startswith(\"local store\")) and .counts.installed == $nstatic and
	 .counts.dynamic == 0 and .ike.running == false and .last_apply > 0 and
	 (.last_apply_utc | test(\"Z$\"))" status

# Dynamic mode: block, pass, negotiate, mixed in one run.
out=$(ipp -f '[10.9.9.1+*]' '(0:80+*::TCP)' '10.9.9.3+10.9.9.4' -n 'ESP[AES256,SHA256]' \
	-a 'PRESHARE:"dyn secret"' 2>&1)
tap_check "one run adds one rule per action (block, permit, negotiate)" \
	test "$(printf '%s\n' "$out" | grep -c '^dynamic rule [0-9]* added')" = 3
tap_check "the [spec] filter blocks in the kernel" sh -c \
	"ip -n $ns xfrm policy | grep -A2 'dst 10.9.9.1/32' | grep -q 'action block'"
tap_check "the (spec) filter passes TCP 80 in the kernel" permits 'proto tcp sport 80 dir out'
tap_check "both ways (mirrored)" permits 'proto tcp dport 80 dir in'
tap_check "the plain filter negotiates ESP" sh -c \
	"ip -n $ns xfrm policy | grep -A4 'src 10.9.9.3/32 dst 10.9.9.4/32' | grep -q 'proto esp'"
tap_check "status counts three dynamic rules" test "$(status dynamic)" = 3
ipp dynamic show >"$tmp/show" 2>&1
tap_check "dynamic show lists the rules by action" sh -c \
	"grep -q '(dynamic-[0-9]*): block' $tmp/show && grep -q '): permit' $tmp/show && grep -q '): negotiate' $tmp/show"
tap_check "dynamic show lists the kernel policies with their origins" \
	grep -q "origin  policy 'dynamic' rule 'dynamic-" "$tmp/show"
tap_check "dynamic show names the static policy as an origin too" \
	grep -q "origin  policy 'Secure Server (Require Security)'" "$tmp/show"
tap_check "dynamic show never shows the preshared key" sh -c "! grep -q 'dyn secret' $tmp/show"
tap_check "dynamic show shows the auth kind" grep -q "auth    psk" "$tmp/show"
jcheck "dynamic show --json: three rules, kernel policies with origins" \
	'(.rules | length) == 3 and ([.rules[].filteraction.action] | sort) ==
	 ["block","negotiate","permit"] and (.kernel | length) > 0 and
	 (.kernel | all(has("policy") and has("origin")))' dynamic show
tap_check "dynamic show --json hides the key" sh -c \
	"! $IPSECPOL --json dynamic show | grep -q 'dyn secret'"
jcheck "dynamic show rule --json has no kernel part" 'has("kernel") | not' dynamic show rule

# Delete one, then -u.
id=$(ipp --json dynamic show rule | jq '.rules[] | select(.filteraction.action == "block") | .id')
expect_rc 0 "dynamic delete rule id=$id" ipp dynamic delete rule id="$id"
tap_check "the block policies left the kernel" sh -c "! ip -n $ns xfrm policy | grep -q 'dst 10.9.9.1/32'"
expect_rc 2 "deleting an unknown rule fails (exit 2)" ipp dynamic delete rule id=999
ipp dynamic delete rule id=999 2>"$tmp/err"
tap_check "with the agent's message" grep -q "dynamic rule 999 does not exist" "$tmp/err"
expect_rc 1 "dynamic delete rule id=x is a usage error" ipp dynamic delete rule id=x
expect_rc 0 "-u deletes every dynamic rule" ipp -u
tap_check "only the static policy is left" test "$(kcount)/$(status dynamic)" = "$nstatic/0"
ipp -f '[10.9.9.5+*]' >/dev/null
expect_rc 0 "dynamic delete all" ipp dynamic delete all
tap_check "after delete all, the static policy only" test "$(kcount)" = "$nstatic"

# Refusals that change nothing.
expect_rc 1 "-confirm without a terminal is refused" sh -c "$IPSECPOL -f '[10.9.9.6+*]' -confirm </dev/null"
if command -v script >/dev/null; then
	# script(1) gives ipsecpol a terminal; the answer comes through it.
	echo n | script -qec "$IPSECPOL -f '[10.9.9.6+*]' -confirm" /dev/null >"$tmp/conf.out" 2>&1
	rc=$?
	tap_check "-confirm answered n exits 2 ($rc)" test "$rc" = 2
	tap_check "after asking and saying why" sh -c \
		"grep -q 'add 1 dynamic rule to the policy agent' $tmp/conf.out && grep -q 'not confirmed' $tmp/conf.out"
	tap_check "... and the agent has no rule" test "$(status dynamic)" = 0
	echo y | script -qec "$IPSECPOL -f '[10.9.9.6+*]' -confirm" /dev/null >"$tmp/conf.out" 2>&1
	tap_check "-confirm answered y adds the rule" sh -c \
		"grep -q 'dynamic rule [0-9]* added (block)' $tmp/conf.out && ip -n $ns xfrm policy | grep -q 'dst 10.9.9.6/32'"
	ipp -u >/dev/null
fi
expect_rc 1 "-f DEFAULT needs static mode" ipp -f DEFAULT
expect_rc 3 "-1s in dynamic mode is refused" ipp -f '[10.9.9.7+*]' -1s 3DES-SHA-2
tap_check "none of them added a rule" test "$(status dynamic)" = 0

# refresh
expect_rc 0 "refresh" ipp refresh
tap_check "the agent logged the refresh" grep -q "refresh requested" "$tmp/log"

# The agent's own refusal is exit 2, not "not running": a store it cannot read.
mv "$DB" "$DB.away"
ipp refresh >"$tmp/refresh" 2>&1; rc=$?
tap_check "refresh with the store gone: exit 2 ($rc)" test "$rc" = 2
tap_check "with the agent's reason" grep -q "refresh: .*$DB" "$tmp/refresh"
tap_check "the agent keeps the policy it applied" test "$(kcount)" = "$nstatic"
mv "$DB.away" "$DB"
expect_rc 0 "refresh with the store back" ipp refresh

# Not root: exit 5.
if command -v setpriv >/dev/null; then
	chmod 0711 "$tmp" "$tmp/run"
	nobody() { setpriv --reuid 65534 --regid 65534 --clear-groups "$@"; }
	nobody "$IPSECPOL" --agent-socket "$SOCK" status >"$tmp/nobody" 2>&1; rc=$?
	tap_check "non-root is refused with exit 5 ($rc)" test "$rc" = 5
	tap_check "saying only root may talk to the agent" grep -q 'only root' "$tmp/nobody"
	chmod 0666 "$SOCK"
	out=$(nobody "$IPSECPOL" --agent-socket "$SOCK" -f '[10.9.9.8+*]' 2>&1); rc=$?
	tap_check "past the socket's mode, SO_PEERCRED refuses it: exit 5 ($rc)" test "$rc" = 5
	chmod 0600 "$SOCK"
	chmod 0700 "$tmp/run"
fi

# A static change to the assigned policy, through the CLI, applied within 2 s.
ipp -w REG -p "Secure Server (Require Security)" -r SSH -n PASS -f '0:22+*::TCP' >/dev/null
tap_check "a static -w REG change reaches the kernel within 2 s" \
	wait_for 2 permits 'proto tcp sport 22 dir out'
ipp static add filterlist name=Mail >/dev/null
ipp static add filter filterlist=Mail srcaddr=me dstaddr=192.0.2.25 protocol=TCP dstport=25 >/dev/null
ipp static add rule name=Mail policy="Secure Server (Require Security)" filterlist=Mail \
	filteraction=Permit >/dev/null
tap_check "a netsh-style change reaches the kernel within 2 s" \
	wait_for 2 sh -c "ip -n $ns xfrm policy | grep -q 'dst 192.0.2.25/32 proto tcp dport 25'"
ipp -w REG -p "Secure Server (Require Security)" -y >/dev/null
ipp static set policy name="Client (Respond Only)" assign=yes >/dev/null
tap_check "set policy assign=yes switches the kernel within 2 s" \
	wait_for 2 sh -c "$IPSECPOL status | grep -q '^Policy *: Client (Respond Only)$' &&
	    ! ip -n $ns xfrm policy | grep -q 'proto tcp sport 22'"

# Dynamic rules vanish with the agent.
ipp -f '[10.9.9.9+*]' >/dev/null
tap_check "a dynamic rule before the restart" sh -c "ip -n $ns xfrm policy | grep -q 'dst 10.9.9.9/32'"
agent_stop
ipp status >"$tmp/status" 2>&1; rc=$?
tap_check "agent down: exit 4 ($rc)" test "$rc" = 4
tap_check "agent down: the documented message" \
	grep -q "the policy agent is not running (control socket $SOCK" "$tmp/status"
expect_rc 4 "agent down: -f exits 4" ipp -f '[10.9.9.9+*]'
expect_rc 4 "agent down: -u exits 4" ipp -u
expect_rc 4 "agent down: dynamic show exits 4" ipp dynamic show
agent_start || { echo "Bail out! agent did not restart"; exit 1; }
tap_check "dynamic rules vanish with the agent" sh -c \
	"test \"\$($IPSECPOL --json status | jq .counts.dynamic)\" = 0 && ! ip -n $ns xfrm policy | grep -q 'dst 10.9.9.9/32'"
agent_stop
tap_done
