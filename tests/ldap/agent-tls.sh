#!/bin/sh
# TLS to the directory: ldaps:// and StartTLS with the test CA (made by the harness with
# openssl) work; with another CA configured the server's certificate is refused, the
# refusal is logged clearly and the policy in force stays.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/ldap/agent-lib.sh"

dir_setup tls
# The harness's ldap.conf trusts the test CA for the client tools; the agent must not
# lean on it: it reads no ldap.conf of ours.
: >"$LDAPCONF"

dir_conf lab1 "ldap_ca_file = $SLAPD_CA"
sed -i "s|^ldap_uri = .*|ldap_uri = $SLAPD_LDAPS_URI|" "$tmp/conf"
agent_start || { echo "Bail out! agent did not start"; exit 1; }
tap_check "ldaps:// with the right CA: the directory policy is applied" is_labopen
tap_check "ldaps://: source kind directory" test "$(status source_kind)" = directory
before=$(kpol)

dir_conf lab2 "ldap_ca_file = $SLAPD_WRONG_CA"
sed -i "s|^ldap_uri = .*|ldap_uri = $SLAPD_LDAPS_URI|" "$tmp/conf"
kill -HUP "$apid"
wait_for 5 grep -q "keeping the last applied policy 'Lab Open'" "$tmp/log"
tap_check "ldaps:// with a wrong CA: refused, the policy in force stays" test "$(kpol)" = "$before"
tap_check "ldaps:// with a wrong CA: the refusal is logged clearly" \
	grep -qi "keeping the last applied policy 'Lab Open': directory $SLAPD_LDAPS_URI cannot be read: .*certificate" "$tmp/log"
grep "keeping the last applied policy 'Lab Open'" "$tmp/log" | tail -1 | sed 's/^/# /'

dir_conf lab2 "ldap_ca_file = $SLAPD_CA" "ldap_starttls = yes"
kill -HUP "$apid"
tap_check "StartTLS with the right CA: lab2's Fleet Baseline is applied" wait_for 5 is_baseline

dir_conf lab1 "ldap_ca_file = $SLAPD_WRONG_CA" "ldap_starttls = yes"
: >"$tmp/log.mark"
kill -HUP "$apid"
wait_for 5 sh -c "grep -c 'keeping the last applied policy' '$tmp/log' | grep -q 2"
tap_check "StartTLS with a wrong CA: refused with a clear error, the policy stays" \
	sh -c "is_baseline() { ip -n $ns xfrm policy | grep -q 10.10.0.0/16; }; is_baseline && grep -qi \"keeping the last applied policy 'Fleet Baseline': .*certificate\" '$tmp/log'"
agent_stop
tap_done
