#!/bin/sh
# The agent enforces the policy the directory assigns to its host: host entry over its
# OU over the parent OU over the base default; a reassignment is picked up at the next
# refresh; the directory's policy overrides the local one; the cache is written 0600.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/ldap/agent-lib.sh"

dir_setup
dir_conf lab1
agent_start || { echo "Bail out! agent did not start"; tail -20 "$tmp/log"; exit 1; }

tap_check "lab1 (ou=Labs assigns Lab Open): Lab Open is in the kernel" is_labopen
tap_check "status: source kind directory" test "$(status source_kind)" = directory
tap_check "status: the policy DN" test "$(status policy_dn)" = "$DN_LABOPEN"
tap_check "status: policy name" test "$(status policy)" = "Lab Open"
tap_check "status: last fetch and last change are set" \
	sh -c "test $(status last_fetch) -gt 0 && test $(status last_change) -gt 0"
tap_check "the decision is logged with its reason" \
	grep -q "source: directory $SLAPD_URI: policy 'Lab Open' ($DN_LABOPEN) is assigned to host lab1" "$tmp/log"
tap_check "directory policy overrides local policy (said so, and P is not in the kernel)" \
	sh -c "grep -q 'directory policy overrides local policy' '$tmp/log' && \
	    ! ip -n $ns xfrm policy | grep -q 10.99.0.1/32"
tap_check "the cache is written, mode 0600" test "$(stat -c %a "$CACHE")" = 600
tap_check "the cache names the source and the policy DN" \
	sh -c "grep -qF 'uri \"$SLAPD_URI\"' '$CACHE' && grep -qF 'policy-dn \"$DN_LABOPEN\"' '$CACHE'"
tap_check "no temporary file is left beside the cache" \
	test "$(ls "$tmp/cache" | wc -l)" = 1

# Precedence, host by host (SIGHUP rereads the configuration and the directory).
precedence() {	# HOST CHECK DESCRIPTION
	dir_conf "$1"
	kill -HUP "$apid"
	if wait_for 5 "$2" && wait_for 2 sh -c "$CT $SOCK status | grep -q 'reason=.*host $1 '"
	then tap_ok "$3"; else tap_fail "$3"; tap_diag "$(tail -5 "$tmp/log")"; fi
}
precedence srv1 is_baseline "srv1 (nothing on ou=Servers): the base default Fleet Baseline"
precedence lab2 is_baseline "lab2 (own assignment over ou=Labs): Fleet Baseline"
precedence sec1 is_baseline "sec1 (ou=Secure over parent ou=Labs): Fleet Baseline"
precedence lab1 is_labopen "lab1 again: Lab Open from ou=Labs"
precedence "cn=lab1,ou=Labs,$SLAPD_BASE" is_labopen "host identity as a DN: Lab Open"

# Reassignment at the OU, picked up by a refresh.
assign_at "ou=Labs,$SLAPD_BASE" "$DN_BASELINE"
tap_check "before the refresh the old policy stays" is_labopen
"$CLI" --agent-socket "$SOCK" refresh >"$tmp/refresh.out" 2>&1
tap_check "ipsecpol refresh: the reassigned Fleet Baseline is applied" is_baseline
tap_check "status: the new policy DN" test "$(status policy_dn)" = "$DN_BASELINE"

# Nothing assigned anywhere on the way up: the local policy applies, as on Windows.
cat >"$tmp/unassign.ldif" <<EOL
dn: ou=Labs,$SLAPD_BASE
changetype: modify
delete: ipsecpolAssignedPolicy
-
delete: objectClass
objectClass: ipsecpolAssignment

dn: $SLAPD_BASE
changetype: modify
delete: ipsecpolAssignedPolicy
-
delete: objectClass
objectClass: ipsecpolAssignment
EOL
slapd_modify "$tmp/unassign.ldif" >"$tmp/unassign.out" 2>&1 ||
	tap_diag "ldapmodify:" "$(cat "$tmp/unassign.out")"
ctl refresh >/dev/null 2>&1
if is_local; then tap_ok "nothing assigned: the local policy applies"; else
	tap_fail "nothing assigned: the local policy applies"; tap_diag "$(tail -3 "$tmp/log")"; fi
tap_check "nothing assigned: status source kind local" test "$(status source_kind)" = local
tap_check "nothing assigned: logged, and the cache removed" \
	sh -c "grep -q 'assigns no policy to host .*lab1.*the local policy applies (its cache $CACHE is removed)' '$tmp/log' && ! test -e '$CACHE'"

# The CLI shows the new status fields, text and JSON.
"$CLI" --agent-socket "$SOCK" status >"$tmp/st.txt" 2>&1
tap_check "ipsecpol status shows source kind and last fetch" \
	sh -c "grep -q '^Source Kind *: local' '$tmp/st.txt' && grep -q '^Last Fetch (UTC) *: 20' '$tmp/st.txt'"
"$CLI" --agent-socket "$SOCK" --json status >"$tmp/st.json" 2>&1
tap_check "ipsecpol --json status has source_kind, policy_dn, last_fetch, last_change" \
	sh -c "grep -q '\"source_kind\": \"local\"' '$tmp/st.json' && grep -q '\"policy_dn\"' '$tmp/st.json' && grep -q '\"last_fetch\": [1-9]' '$tmp/st.json' && grep -q '\"last_change\": [1-9]' '$tmp/st.json'"
agent_stop
tap_done
