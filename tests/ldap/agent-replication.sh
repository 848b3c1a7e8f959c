#!/bin/sh
# Replication: the agent reads a syncrepl consumer; the CLI writes at the provider.  A
# policy written and assigned at the provider, and every later change to it, reaches the
# consumer and, at the next refresh, the agent's kernel policies.  The consumer is a real
# replica: it refers a direct write to the provider and keeps its data unchanged.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/ldap/agent-lib.sh"

dir_setup
slapd_provider_enable || { echo "Bail out! cannot enable syncprov on the provider"; exit 1; }
slapd_consumer_start || { echo "Bail out! the consumer slapd did not start"; exit 1; }
tap_check "the consumer catches up with the provider (same contextCSN)" \
	wait_for 10 slapd_consumer_synced

# The agent of lab2 reads the consumer as the reader; the administrator writes at the
# provider as its root DN.
dir_conf lab2
sed -e "s|^ldap_bind_dn = .*|ldap_bind_dn = $SLAPD_ROOTDN|" \
    -e "s|^ldap_bind_password_file = .*|ldap_bind_password_file = $SLAPD_ROOTPW_FILE|" \
    "$tmp/conf" >"$tmp/admin.conf"
sed -i "s|^ldap_uri = .*|ldap_uri = $SLAPD_CONSUMER_URI|" "$tmp/conf"
adm() { ip netns exec "$ns" "$CLI" --config "$tmp/admin.conf" "$@"; }

# consumer ATTR FILTER: every value of ATTR under the base on the consumer.  Anonymous:
# the only binds as the reader are the agent's.
consumer() {
	ldapsearch -x -LLL -o ldif-wrap=no -H "$SLAPD_CONSUMER_URI" -b "$SLAPD_BASE" "$2" "$1" |
	    sed -n "s/^$1: //p"
}
consumer_has() { consumer "$1" "$2" | grep -q "$3"; }
LAB2="cn=lab2,ou=Labs,$SLAPD_BASE"

tap_check "ipsecpol -w DS writes a policy at the provider" \
	adm -w DS -p "Cli Policy" -r "Block db" -f "0+10.77.0.5:5432:TCP" -n BLOCK
tap_check "ipsecpol assigns it to cn=lab2 at the provider" \
	adm --domain static set assignment policy="Cli Policy" dn="$LAB2"
CLI_DN=$(ldapsearch -x -LLL -o ldif-wrap=no -H "$SLAPD_URI" -D "$SLAPD_ROOTDN" \
    -y "$SLAPD_ROOTPW_FILE" -b "$SLAPD_BASE" "(ipsecpolName=Cli Policy)" 1.1 |
    sed -n 's/^dn: //p')
tap_check "the provider holds the new policy" test -n "$CLI_DN"
tap_check "the policy and the assignment reach the consumer" \
	wait_for 10 consumer_has ipsecpolAssignedPolicy "(cn=lab2)" "^$CLI_DN\$"

agent_start || { echo "Bail out! agent did not start"; tail -20 "$tmp/log"; exit 1; }
has() { ip -n "$ns" xfrm policy | grep -q "$1"; }
tap_check "the agent reading the consumer enforces the CLI's policy" \
	wait_for 5 sh -c "ip -n $ns xfrm policy | grep -q 'dst 10.77.0.5/32' && ip -n $ns xfrm policy | grep -q 'dport 5432 '"
tap_check "the agent names the consumer as its source" \
	grep -q "source: directory $SLAPD_CONSUMER_URI: policy 'Cli Policy' ($CLI_DN) is assigned to host lab2" "$tmp/log"
tap_check "status: policy 'Cli Policy' from the directory" \
	sh -c "test '$(status policy)' = 'Cli Policy' && test '$(status source_kind)' = directory"

# A change at the provider: the rule's filter, port 5432 -> 5433.
tap_check "ipsecpol changes the rule's filter at the provider (port 5433)" \
	adm -w DS -p "Cli Policy" -r "Block db" -f "0+10.77.0.5:5433:TCP" -n BLOCK
tap_check "the new filter reaches the consumer" \
	wait_for 10 consumer_has ipsecpolFilter "(objectClass=ipsecpolFilterList)" "5433"
tap_check "before the refresh the agent keeps port 5432" has "dport 5432 "
"$CLI" --agent-socket "$SOCK" refresh >"$tmp/refresh.out" 2>&1
tap_check "after ipsecpol refresh the agent enforces port 5433, not 5432" \
	sh -c "ip -n $ns xfrm policy | grep -q 'dport 5433 ' && ! ip -n $ns xfrm policy | grep -q 'dport 5432 '"

# A reassignment at the provider: cn=lab2 gets the Fleet Baseline.
assign_at "$LAB2" "$DN_BASELINE"
tap_check "the reassignment reaches the consumer" \
	wait_for 10 consumer_has ipsecpolAssignedPolicy "(cn=lab2)" "^$DN_BASELINE\$"
kill -HUP "$apid"
tap_check "after SIGHUP the agent enforces the Fleet Baseline" wait_for 5 is_baseline
tap_check "status: the Fleet Baseline's DN" test "$(status policy_dn)" = "$DN_BASELINE"

tap_check "the agent bound as the reader at the consumer and never at the provider" \
	sh -c "grep -qiF 'BIND dn=\"$SLAPD_READER_DN\"' '$SLAPD_CONSUMER_LOG' && \
	    ! grep -qiF 'BIND dn=\"$SLAPD_READER_DN\"' '$SLAPD_LOG'"

# The consumer is a replica: a write there is referred to the provider, and changes nothing.
cat >"$tmp/direct.ldif" <<EOF
dn: $LAB2
changetype: modify
replace: ipsecpolAssignedPolicy
ipsecpolAssignedPolicy: $CLI_DN
EOF
ldapmodify -x -H "$SLAPD_CONSUMER_URI" -D "$SLAPD_READER_DN" -y "$SLAPD_READER_PW_FILE" \
    -f "$tmp/direct.ldif" >"$tmp/direct.out" 2>&1
rc=$?
if [ "$rc" = 10 ] && grep -qF "$SLAPD_URI" "$tmp/direct.out"; then
	tap_ok "a direct write to the consumer is referred to the provider"
else
	tap_fail "a direct write to the consumer is referred to the provider"
	tap_diag "ldapmodify exit $rc:" "$(cat "$tmp/direct.out")"
fi
tap_check "the consumer still holds the provider's assignment" \
	consumer_has ipsecpolAssignedPolicy "(cn=lab2)" "^$DN_BASELINE\$"
agent_stop
tap_done
