#!/bin/sh
# The whole path: the CLI writes a policy into the directory and assigns it to a host
# entry, reading the directory settings from an ipsecpold.conf; the agent of that host
# enforces it at the next refresh; the CLI changes one filter and the agent follows.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/ldap/agent-lib.sh"

dir_setup
dir_conf lab1
agent_start || { echo "Bail out! agent did not start"; exit 1; }
tap_check "start: Lab Open from ou=Labs" is_labopen

# The administrator's configuration: the agent's keys, bound as the directory's admin.
sed -e "s|^ldap_bind_dn = .*|ldap_bind_dn = $SLAPD_ROOTDN|" \
    -e "s|^ldap_bind_password_file = .*|ldap_bind_password_file = $SLAPD_ROOTPW_FILE|" \
    "$tmp/conf" >"$tmp/admin.conf"
adm() { ip netns exec "$ns" "$CLI" --config "$tmp/admin.conf" "$@"; }
tap_check "ipsecpol -w DS writes a policy into the directory" \
	adm -w DS -p "Cli Policy" -r "Block db" -f "0+10.77.0.5:5432:TCP" -n BLOCK
tap_check "ipsecpol assigns it to the host entry cn=lab2" \
	adm --domain static set assignment policy="Cli Policy" dn="cn=lab2,ou=Labs,$SLAPD_BASE"
has() { ip -n "$ns" xfrm policy | grep -q "$1"; }
dir_conf lab2
kill -HUP "$apid"
tap_check "the agent of lab2 enforces the CLI's policy" \
	wait_for 5 sh -c "ip -n $ns xfrm policy | grep -q 'dst 10.77.0.5/32.*' && ip -n $ns xfrm policy | grep -q 'dport 5432'"
tap_check "status: policy 'Cli Policy' from the directory" \
	sh -c "test '$(status policy)' = 'Cli Policy' && test '$(status source_kind)' = directory"

tap_check "ipsecpol changes the rule's filter (port 5433)" \
	adm -w DS -p "Cli Policy" -r "Block db" -f "0+10.77.0.5:5433:TCP" -n BLOCK
"$CLI" --agent-socket "$SOCK" refresh >/dev/null 2>&1
tap_check "after ipsecpol refresh the agent enforces the new filter" \
	sh -c "ip -n $ns xfrm policy | grep -q 'dport 5433'"
agent_stop
tap_done
