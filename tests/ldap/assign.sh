#!/bin/sh
# assign.sh: which policy a host gets from the directory: its own entry's assignment, else
# the nearest entry's above it, else the default at the base; and reassignment.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/ldap/slapd.sh"
slapd_start || { tap_fail "slapd starts"; tap_done; exit 1; }
. "$top_srcdir/tests/ldap/ldap_env.sh"
B=$SLAPD_BASE
slapd_modify "$top_srcdir/schema/fleet-sample.ldif" >/dev/null ||
	{ tap_fail "the sample fleet loads"; tap_done; exit 1; }

# in_force DESC HOSTARG POLICY LEVEL FROM
in_force() {
	out=$(ippd --json static show assignment "$2" 2>&1)
	got=$(printf '%s' "$out" | jq -r '[.assignment.policy, .assignment.level, .assignment.from] | join("|")' 2>/dev/null)
	if [ "$got" = "$3|$4|$5" ]; then tap_ok "$1"; else
		tap_fail "$1"; tap_diag "wanted $3|$4|$5" "got $got" "$out"; fi
}
in_force "a host without assignment above it gets the base default" host=srv1 \
    "Fleet Baseline" base "$B"
in_force "a host in an OU gets the OU's policy over the default" host=lab1 \
    "Lab Open" ou "ou=Labs,$B"
in_force "a sub-OU's assignment wins over its parent OU's" host=sec1 \
    "Fleet Baseline" ou "ou=Secure,ou=Labs,$B"
in_force "a host entry's own assignment wins over its OU's" host=lab2 \
    "Fleet Baseline" host "cn=lab2,ou=Labs,$B"
in_force "a host given by DN resolves the same" "dn=cn=lab1,ou=Labs,$B" \
    "Lab Open" ou "ou=Labs,$B"
out=$(ippd static show assignment host=lab1)
case $out in *"Reason"*"nearest entry above the host"*) tap_ok "the text names the reason";;
*) tap_fail "reason text"; tap_diag "$out";; esac

# Reassignment.
expect_rc 0 "assign another policy to the OU" \
    ippd static set assignment policy="Fleet Baseline" dn="ou=Labs,$B"
in_force "the OU's hosts follow the new assignment" host=lab1 "Fleet Baseline" ou "ou=Labs,$B"
expect_rc 0 "assign by GUID to the host entry" \
    ippd static set assignment policy="{6C0F6C1E-3F3A-4D4E-9C5B-1A2B3C4D5E31}" dn="cn=lab1,ou=Labs,$B"
in_force "the host's new assignment wins" host=lab1 "Lab Open" host "cn=lab1,ou=Labs,$B"
expect_rc 0 "remove the host's assignment" ippd static delete assignment dn="cn=lab1,ou=Labs,$B"
in_force "the host falls back to its OU" host=lab1 "Fleet Baseline" ou "ou=Labs,$B"
expect_rc 0 "remove the OU's assignment" ippd static delete assignment dn="ou=Labs,$B"
in_force "the host falls back to the base default" host=lab1 "Fleet Baseline" base "$B"
expect_rc 0 "the base default changes with set policy assign=yes" \
    ippd static set policy name="Lab Open" assign=yes
in_force "hosts without closer assignments follow the default" host=srv1 "Lab Open" base "$B"
in_force "hosts with closer assignments do not" host=sec1 "Fleet Baseline" ou "ou=Secure,ou=Labs,$B"
ldapsearch -x -LLL -H "$SLAPD_URI" -b "ou=Labs,$B" -s base objectClass | grep -qi ipsecpolAssignment &&
	tap_fail "unassigning left the auxiliary class" || tap_ok "unassigning removes the auxiliary class too"
expect_rc 2 "a policy assigned to an OU cannot be deleted" ippd static delete policy name="Fleet Baseline"

# Refusals.
expect_rc 2 "an unknown host is an error" ippd static show assignment host=nohost
expect_rc 2 "a DN outside the base is refused" \
    ippd static set assignment policy="Lab Open" dn="ou=Elsewhere,dc=other"
expect_rc 2 "an unknown policy is refused" \
    ippd static set assignment policy="No Such" dn="ou=Labs,$B"
expect_rc 3 "the local store has no OU assignments" \
    ipp static set assignment policy="Lab Open" dn="ou=Labs,$B"
printf 'dn: ou=Servers,%s\nchangetype: modify\nadd: objectClass\nobjectClass: ipsecpolAssignment\n-\nadd: ipsecpolAssignedPolicy\nipsecpolAssignedPolicy: cn=somewhere,%s\n' "$B" "$B" > "$T/bad.ldif"
slapd_modify "$T/bad.ldif" >/dev/null
out=$(ippd static show assignment host=srv1 2>&1); rc=$?
case "$rc:$out" in 2:*"ou=Servers,$B"*"ipsecpolAssignedPolicy"*"is not the DN of a policy"*)
	tap_ok "a malformed assignment is refused naming the entry and attribute";;
*) tap_fail "malformed assignment ($rc)"; tap_diag "$out";; esac
printf 'dn: ou=Servers,%s\nchangetype: modify\nreplace: ipsecpolAssignedPolicy\nipsecpolAssignedPolicy: cn=ipsecpolPolicy{00000000-0000-0000-0000-000000000000},cn=IP Security,%s\n' "$B" "$B" > "$T/dangling.ldif"
slapd_modify "$T/dangling.ldif" >/dev/null
out=$(ippd static show assignment host=srv1 2>&1); rc=$?
case "$rc:$out" in 2:*"ou=Servers,$B"*"does not exist"*) tap_ok "a dangling assignment is refused naming the entry";;
*) tap_fail "dangling assignment ($rc)"; tap_diag "$out";; esac
printf 'dn: cn=srv1,ou=Labs,%s\nchangetype: add\nobjectClass: device\ncn: srv1\n' "$B" > "$T/dup.ldif"
slapd_modify "$T/dup.ldif" >/dev/null
out=$(ippd static show assignment host=srv1 2>&1); rc=$?
case "$rc:$out" in 2:*"2 host entries"*) tap_ok "a host name found twice is refused, naming both";;
*) tap_fail "duplicate host ($rc)"; tap_diag "$out";; esac
expect_rc 0 "unassign the base default" ippd static set policy name="Lab Open" assign=no
out=$(ippd --json static show assignment dn="cn=lab1,ou=Labs,$B")
[ "$(printf '%s' "$out" | jq -r .assignment.level)" = none ] &&
	tap_ok "with nothing assigned on the way up, the host has no policy" ||
	{ tap_fail "no assignment"; tap_diag "$out"; }
tap_done
