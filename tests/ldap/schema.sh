#!/bin/sh
# schema.sh: the schema in both forms agrees, loads into a real slapd, and the sample fleet
# loads against it; the server enforces what the schema promises.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/ldap/slapd.sh"
S=$top_srcdir/schema

tap_check "ipsecpol.ldif is what schema2ldif.awk makes of ipsecpol.schema" \
    sh -c "awk -v name=ipsecpol -f '$S/schema2ldif.awk' '$S/ipsecpol.schema' |
	cmp - '$S/ipsecpol.ldif'"
arc=2.25.45522669077575001398866834149785204125
tap_check "the OID arc is the UUID in the header, as a 128-bit decimal" \
    sh -c "grep -q 223f58de-fc5d-42ce-ba82-8790cc37f59d '$S/ipsecpol.schema' &&
	[ \$(grep -c \"( $arc\\.\" '$S/ipsecpol.schema') -eq \$(grep -c '^[ao][a-z]* (' '$S/ipsecpol.schema') ]"
if command -v python3 >/dev/null; then
	tap_check "the arc's number is the UUID's value" sh -c "[ $arc = 2.25.\$(python3 -c \
	    'import uuid; print(uuid.UUID(\"223f58de-fc5d-42ce-ba82-8790cc37f59d\").int)') ]"
fi
tap_check "every OID is used once" sh -c "grep -o '( $arc[.0-9]*' '$S/ipsecpol.schema' |
	sort | uniq -d | grep -q . && exit 1 || exit 0"
tap_check "every attribute type has an equality rule" sh -c "[ \$(grep -c '^attributetype' \
	'$S/ipsecpol.schema') -eq \$(grep -c 'EQUALITY' '$S/ipsecpol.schema') ]"

slapd_start || { tap_fail "slapd starts with the schema"; tap_done; exit; }
tap_ok "slapd starts with the schema"
tap_check "the sample fleet loads" ldapmodify -x -H "$SLAPD_URI" -D "$SLAPD_ROOTDN" \
    -y "$SLAPD_ROOTPW_FILE" -f "$S/fleet-sample.ldif"
search() { ldapsearch -x -LLL -o ldif-wrap=no -H "$SLAPD_URI" -b "$SLAPD_BASE" "$@"; }
tap_check "policies are found by name (equality on ipsecpolName)" \
    sh -c "[ \$(ldapsearch -x -LLL -H '$SLAPD_URI' -b '$SLAPD_BASE' \
	'(ipsecpolName=Fleet Baseline)' dn | grep -c '^dn:') -eq 1 ]"
tap_check "objects are found by GUID whatever the case (ipsecpolID)" \
    sh -c "ldapsearch -x -LLL -H '$SLAPD_URI' -b '$SLAPD_BASE' \
	'(ipsecpolID={6c0f6c1e-3f3a-4d4e-9c5b-1a2b3c4d5e31})' dn | grep -q 'Policy{6C0F'"
tap_check "assignments are found by policy DN (ipsecpolAssignedPolicy)" \
    sh -c "[ \$(ldapsearch -x -LLL -H '$SLAPD_URI' -b '$SLAPD_BASE' \
	'(ipsecpolAssignedPolicy=cn=ipsecpolPolicy{6C0F6C1E-3F3A-4D4E-9C5B-1A2B3C4D5E01},cn=ip security,dc=example,dc=test)' \
	dn | grep -c '^dn:') -eq 3 ]"
tap_check "rules are found by owner (ipsecpolOwner)" \
    sh -c "ldapsearch -x -LLL -H '$SLAPD_URI' -b '$SLAPD_BASE' \
	'(&(objectClass=ipsecpolRule)(ipsecpolOwner=cn=ipsecpolPolicy{6C0F6C1E-3F3A-4D4E-9C5B-1A2B3C4D5E31},cn=IP Security,dc=example,dc=test))' \
	ipsecpolName | grep -q 'No telnet'"
out=$(search "(ipsecpolName=Management)" ipsecpolFilter)
case $out in
*"{0}src=me dst=10.10.0.0/16"*"{1}src=me dst=10.20.0.5"*) tap_ok "ordered values keep their order";;
*) tap_fail "ordered values keep their order"; tap_diag "$out";;
esac

# What the server must refuse.
T=$SLAPD_DIR/neg.ldif
refuse() {
	desc=$1; shift
	printf '%s\n' "$@" > "$T"
	if slapd_modify "$T" >/dev/null 2>&1; then tap_fail "refused: $desc"; else
		tap_ok "refused: $desc"; fi
}
C="cn=IP Security,$SLAPD_BASE"
refuse "a policy without a main mode" "dn: cn=p1,$C" "changetype: add" \
    "objectClass: ipsecpolPolicy" "cn: p1" "ipsecpolID: {00000000-0000-0000-0000-000000000001}" \
    "ipsecpolName: p1" "ipsecpolPollMinutes: 1" "ipsecpolDefaultRuleActive: TRUE"
refuse "a second assigned policy on one entry" "dn: ou=Labs,$SLAPD_BASE" "changetype: modify" \
    "add: ipsecpolAssignedPolicy" "ipsecpolAssignedPolicy: cn=x,$C"
refuse "a polling interval that is not a number" \
    "dn: cn=ipsecpolPolicy{6C0F6C1E-3F3A-4D4E-9C5B-1A2B3C4D5E31},$C" "changetype: modify" \
    "replace: ipsecpolPollMinutes" "ipsecpolPollMinutes: soon"
refuse "an assignment that is not a DN" "dn: ou=Servers,$SLAPD_BASE" "changetype: modify" \
    "add: objectClass" "objectClass: ipsecpolAssignment" "-" "add: ipsecpolAssignedPolicy" \
    "ipsecpolAssignedPolicy: not a dn"
tap_done
