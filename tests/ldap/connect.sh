#!/bin/sh
# connect.sh: how the store reaches the directory: ldap://, StartTLS and ldaps:// verified
# against the test CA, a server certificate from another CA refused, ldapi:// with SASL
# EXTERNAL, simple binds, the config file, and timeouts against a hanging server.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/ldap/slapd.sh"
command -v openssl >/dev/null || tap_skip_all "openssl is not installed (tools/deps test)"
slapd_start tls || { tap_fail "slapd starts with TLS"; tap_done; exit 1; }
. "$top_srcdir/tests/ldap/ldap_env.sh"
B=$SLAPD_BASE
ROOT="--ldap-base $B --bind-dn $SLAPD_ROOTDN --bind-password-file $SLAPD_ROOTPW_FILE"
tls_count() { grep -c 'TLS established' "$SLAPD_LOG"; }

expect_rc 0 "plain ldap:// works" ipp --ldap-uri "$SLAPD_URI" $ROOT static set store location=domain

n=$(tls_count)
expect_rc 0 "StartTLS with the test CA verifies" \
    ipp --ldap-uri "$SLAPD_URI" --starttls --ldap-ca-file "$SLAPD_CA" $ROOT static show all
[ "$(tls_count)" -gt "$n" ] && tap_ok "and the server saw a TLS session" || tap_fail "no TLS session"
n=$(tls_count)
expect_rc 0 "ldaps:// with the test CA verifies" \
    ipp --ldap-uri "$SLAPD_LDAPS_URI" --ldap-ca-file "$SLAPD_CA" $ROOT static show all
[ "$(tls_count)" -gt "$n" ] && tap_ok "and the server saw a TLS session" || tap_fail "no TLS session"

# refused DESC CMD...: exit 2, a message about the certificate, nothing read.
refused() {
	desc=$1; shift
	out=$(LDAPCONF=/dev/null "$@" 2>&1); rc=$?
	case "$rc:$out" in
	2:*ertificate*|2:*TLS*|2:*tls*) tap_ok "$desc"; tap_diag "$out";;
	*) tap_fail "$desc (exit $rc)"; tap_diag "$out";;
	esac
}
refused "ldaps:// with a server certificate from another CA is refused" \
    ipp --ldap-uri "$SLAPD_LDAPS_URI" --ldap-ca-file "$SLAPD_WRONG_CA" $ROOT static show all
refused "StartTLS with a server certificate from another CA is refused" \
    ipp --ldap-uri "$SLAPD_URI" --starttls --ldap-ca-file "$SLAPD_WRONG_CA" $ROOT static show all
refused "without a CA file the system's CAs do not vouch for the test server" \
    ipp --ldap-uri "$SLAPD_LDAPS_URI" $ROOT static show all
expect_rc 2 "StartTLS with ldaps:// is refused" \
    ipp --ldap-uri "$SLAPD_LDAPS_URI" --starttls --ldap-ca-file "$SLAPD_CA" $ROOT static show all

expect_rc 0 "ldapi:// with SASL EXTERNAL reads" \
    ipp --ldap-uri "$SLAPD_LDAPI_URI" --ldap-base "$B" --sasl-external static show all
expect_rc 0 "and writes" ipp --ldap-uri "$SLAPD_LDAPI_URI" --ldap-base "$B" --sasl-external \
    static add filterlist name=ViaLdapi

R="--ldap-uri $SLAPD_URI --ldap-base $B --bind-dn $SLAPD_READER_DN --bind-password-file $SLAPD_READER_PW_FILE"
expect_rc 0 "a read-only user can read" ipp $R static show filterlist name=ViaLdapi
out=$(ipp $R static add filterlist name=NotAllowed 2>&1); rc=$?
case "$rc:$out" in 2:*"nsufficient access"*) tap_ok "and is refused writing, with the server's reason";;
*) tap_fail "reader write ($rc)"; tap_diag "$out";; esac
printf 'wrong' > "$T/badpw"; chmod 600 "$T/badpw"
out=$(ipp --ldap-uri "$SLAPD_URI" --ldap-base "$B" --bind-dn "$SLAPD_READER_DN" \
    --bind-password-file "$T/badpw" static show all 2>&1); rc=$?
case "$rc:$out" in 2:*"nvalid credentials"*) tap_ok "a wrong password is refused";;
*) tap_fail "wrong password ($rc)"; tap_diag "$out";; esac
cp "$SLAPD_READER_PW_FILE" "$T/openpw"; chmod 644 "$T/openpw"
out=$(ipp --ldap-uri "$SLAPD_URI" --ldap-base "$B" --bind-dn "$SLAPD_READER_DN" \
    --bind-password-file "$T/openpw" static show all 2>&1); rc=$?
case "$rc:$out" in 2:*"readable by others"*) tap_ok "a password file others can read is refused";;
*) tap_fail "open password file ($rc)"; tap_diag "$out";; esac
{ cat "$SLAPD_READER_PW_FILE"; echo; } > "$T/nlpw"; chmod 600 "$T/nlpw"
expect_rc 0 "a password file's trailing newline is not part of the password" \
    ipp --ldap-uri "$SLAPD_URI" --ldap-base "$B" --bind-dn "$SLAPD_READER_DN" \
    --bind-password-file "$T/nlpw" static show all

# The agent's configuration file names the directory.
cat > "$T/ipsecpold.conf" <<EOC
# other keys belong to the agent
exempt = 3
ldap_uri = $SLAPD_LDAPS_URI
ldap_base = $B
ldap_bind = simple
ldap_bind_dn = $SLAPD_READER_DN
ldap_bind_password_file = $SLAPD_READER_PW_FILE
ldap_ca_file = $SLAPD_CA
ldap_timeout = 2
EOC
expect_rc 0 "--config with the ldap_* keys reaches the directory" \
    ipp --config "$T/ipsecpold.conf" --domain static show filterlist name=ViaLdapi
sed "s|^ldap_bind_dn = .*|ldap_bind_dn = $SLAPD_ROOTDN|; s|^ldap_bind_password_file = .*|ldap_bind_password_file = $SLAPD_ROOTPW_FILE|" \
    "$T/ipsecpold.conf" > "$T/admin.conf"
expect_rc 0 "-w DS writes through the same settings" \
    ipp --config "$T/admin.conf" -w DS -p "Conf Policy" -r "No telnet" -f "0+*:23:TCP" -n BLOCK
expect_rc 0 "and the policy is in the directory" \
    ipp --ldap-uri "$SLAPD_URI" $ROOT static show rule name="No telnet" policy="Conf Policy"
expect_rc 2 "a config without ldap_uri and no --ldap-uri is an error" \
    ipp --config /dev/null --domain static show all
printf 'ldap_bind = sometimes\n' > "$T/bad.conf"
out=$(ipp --config "$T/bad.conf" --domain static show all 2>&1); rc=$?
case "$rc:$out" in 2:*"bad.conf:1"*) tap_ok "a bad directory key is refused naming FILE:LINE";;
*) tap_fail "bad key ($rc)"; tap_diag "$out";; esac

# A hanging directory (SIGSTOP: it accepts, never answers) costs the timeout, no more.
slapd_pause
start=$(date +%s)
out=$(ipp --config "$T/ipsecpold.conf" --domain static show all 2>&1); rc=$?
took=$(( $(date +%s) - start ))
slapd_resume
[ $rc -eq 2 ] && [ $took -le 6 ] && tap_ok "a hanging ldaps:// directory fails after the timeout (${took}s)" ||
	{ tap_fail "hanging ldaps:// directory: exit $rc after ${took}s"; tap_diag "$out"; }
slapd_pause
start=$(date +%s)
out=$(ipp --ldap-uri "$SLAPD_URI" $ROOT --starttls --ldap-ca-file "$SLAPD_CA" --config "$T/ipsecpold.conf" static show all 2>&1); rc=$?
took=$(( $(date +%s) - start ))
slapd_resume
[ $rc -eq 2 ] && [ $took -le 6 ] && tap_ok "a hanging ldap:// directory fails after the timeout (${took}s)" ||
	{ tap_fail "hanging ldap:// directory: exit $rc after ${took}s"; tap_diag "$out"; }
slapd_stop
start=$(date +%s)
out=$(ipp --config "$T/ipsecpold.conf" --domain static show all 2>&1); rc=$?
took=$(( $(date +%s) - start ))
case "$rc:$out" in 2:*"did not answer"*) tap_ok "a dead directory fails at once, saying so (${took}s)";;
*) tap_fail "dead directory ($rc, ${took}s)"; tap_diag "$out";; esac
tap_done
