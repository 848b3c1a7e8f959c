# agent-lib.sh: the agent against a real slapd.  Source after tap.sh.
#
# The agent must run in a private network namespace (it programs XFRM), and it must reach
# the directory on 127.0.0.1: so slapd runs in that namespace too.  slapd.sh starts
# $SLAPD_BIN and calls the ldap* client tools by name; wrappers put both into the
# namespace.  Nothing is faked: a real slapd, real TCP, real TLS, the real agent.

. "$top_srcdir/tests/agent/lib.sh"

# dir_setup [tls]: namespace, agent files, slapd in the namespace with the sample fleet.
dir_setup() {
	agent_setup
	mkdir -p "$tmp/bin"
	cat >"$tmp/bin/slapd-in-ns" <<EOF
#!/bin/sh
exec ip netns exec $ns /usr/sbin/slapd "\$@"
EOF
	for t in ldapsearch ldapadd ldapmodify ldapdelete; do
		cat >"$tmp/bin/$t" <<EOF
#!/bin/sh
exec ip netns exec $ns /usr/bin/$t "\$@"
EOF
	done
	chmod 0755 "$tmp/bin"/*
	PATH=$tmp/bin:$PATH
	SLAPD_BIN=$tmp/bin/slapd-in-ns
	. "$top_srcdir/tests/ldap/slapd.sh"
	slapd_start "$@" || { echo "Bail out! slapd did not start"; exit 1; }
	slapd_add "$top_srcdir/schema/fleet-sample.ldif" >"$tmp/fleet.out" 2>&1 ||
		{ cat "$tmp/fleet.out"; echo "Bail out! cannot load the sample fleet"; exit 1; }
	CACHE=$tmp/cache/directory.cache
	CLI=$top_builddir/cli/ipsecpol
	# A local store with a policy of its own, to tell it from the directory's.  It
	# leaves loopback alone: the agent reaches slapd there.
	for a in create "list L me=10.99.0.1" "action A-block block" "policy P" \
	    "rule P r L A-block" "assign P"; do
		# shellcheck disable=SC2086
		"$ST" "$DB" $a >/dev/null || { echo "Bail out! storetool $a"; exit 1; }
	done
}

# dir_conf HOST [LINES...]: the agent's configuration for the directory as HOST.
dir_conf() {
	_host=$1; shift
	agent_conf "ldap_uri = $SLAPD_URI" "ldap_base = $SLAPD_BASE" \
	    "host_identity = $_host" "ldap_bind = simple" \
	    "ldap_bind_dn = $SLAPD_READER_DN" "ldap_bind_password_file = $SLAPD_READER_PW_FILE" \
	    "cache = $CACHE" "ldap_timeout = 3" "retry_interval = 5" "$@"
}

DN_BASELINE="cn=ipsecpolPolicy{6C0F6C1E-3F3A-4D4E-9C5B-1A2B3C4D5E01},cn=IP Security,dc=example,dc=test"
DN_LABOPEN="cn=ipsecpolPolicy{6C0F6C1E-3F3A-4D4E-9C5B-1A2B3C4D5E31},cn=IP Security,dc=example,dc=test"
DN_TELNET="cn=ipsecpolFilterList{6C0F6C1E-3F3A-4D4E-9C5B-1A2B3C4D5E12},cn=IP Security,dc=example,dc=test"

# What each sample policy puts in the kernel, as a grep pattern of `ip xfrm policy`.
is_baseline() { ip -n "$ns" xfrm policy | grep -q "10.10.0.0/16" &&
	! ip -n "$ns" xfrm policy | grep -q "dport 23 \|10.99.0.1/32"; }
is_labopen() { ip -n "$ns" xfrm policy | grep -q "dport 23 " &&
	! ip -n "$ns" xfrm policy | grep -q "10.10.0.0/16\|10.99.0.1/32"; }
# The local store's policy P: block 10.99.0.1.
is_local() { ip -n "$ns" xfrm policy | grep -q "10.99.0.1/32" &&
	! ip -n "$ns" xfrm policy | grep -q "10.10.0.0/16\|dport 23 "; }

# The telnet filter's port: a change of one filter value only.
set_telnet_port() {
	cat >"$tmp/mod.ldif" <<EOF
dn: $DN_TELNET
changetype: modify
replace: ipsecpolFilter
ipsecpolFilter: {0}src=any dst=me proto=6 sport=0 dport=$1 mirrored=yes desc=
EOF
	slapd_modify "$tmp/mod.ldif" >/dev/null
}

# assign_at DN POLICY-DN: replaces the assignment on an entry that has one.
assign_at() {
	cat >"$tmp/assign.ldif" <<EOF
dn: $1
changetype: modify
replace: ipsecpolAssignedPolicy
ipsecpolAssignedPolicy: $2
EOF
	slapd_modify "$tmp/assign.ldif" >/dev/null
}
