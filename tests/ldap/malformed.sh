#!/bin/sh
# malformed.sh: entries that someone wrote wrong are refused with a message naming the
# entry's DN, the attribute and the value, never half-read: missing attributes, bad
# values, dangling references, a rule listed twice, a rule of another policy.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/ldap/slapd.sh"
slapd_start || { tap_fail "slapd starts"; tap_done; exit 1; }
. "$top_srcdir/tests/ldap/ldap_env.sh"
C="cn=IP Security,$SLAPD_BASE"
slapd_modify "$top_srcdir/schema/fleet-sample.ldif" >/dev/null ||
	{ tap_fail "the sample fleet loads"; tap_done; exit 1; }
expect_rc 0 "the sample policies load" ippd static show policy name="Fleet Baseline"
P1="cn=ipsecpolPolicy{6C0F6C1E-3F3A-4D4E-9C5B-1A2B3C4D5E01},$C"
P2="cn=ipsecpolPolicy{6C0F6C1E-3F3A-4D4E-9C5B-1A2B3C4D5E31},$C"
R1="cn=ipsecpolRule{6C0F6C1E-3F3A-4D4E-9C5B-1A2B3C4D5E03},$C"
R2="cn=ipsecpolRule{6C0F6C1E-3F3A-4D4E-9C5B-1A2B3C4D5E33},$C"
L1="cn=ipsecpolFilterList{6C0F6C1E-3F3A-4D4E-9C5B-1A2B3C4D5E11},$C"
A1="cn=ipsecpolFilterAction{6C0F6C1E-3F3A-4D4E-9C5B-1A2B3C4D5E21},$C"
MM1="cn=ipsecpolMainMode{6C0F6C1E-3F3A-4D4E-9C5B-1A2B3C4D5E02},$C"

# broken DESC DN ATTR OLD NEW [WANT...]: replace ATTR's values by NEW (OLD restores),
# then loading the policy fails with exit 2 and a message holding the DN and each WANT.
broken() {
	desc=$1 dn=$2 attr=$3 old=$4 new=$5; shift 5
	printf 'dn: %s\nchangetype: modify\nreplace: %s\n%s\n' "$dn" "$attr" "$new" > "$T/m.ldif"
	if ! slapd_modify "$T/m.ldif" >/dev/null 2>"$T/m.err"; then
		tap_fail "$desc: the server took the change"; tap_diag "$(cat "$T/m.err")"; return
	fi
	out=$(ippd static show policy name="Fleet Baseline" 2>&1); rc=$?
	ok=yes
	[ $rc -eq 2 ] || ok=no
	for w in "$dn" "$@"; do
		case $out in *"$w"*) ;; *) ok=no;; esac
	done
	[ $ok = yes ] && tap_ok "$desc" || { tap_fail "$desc (exit $rc)"; tap_diag "$out"; }
	printf 'dn: %s\nchangetype: modify\nreplace: %s\n%s\n' "$dn" "$attr" "$old" > "$T/m.ldif"
	slapd_modify "$T/m.ldif" >/dev/null
}
F0='ipsecpolFilter: {0}src=me dst=10.10.0.0/16 proto=0 sport=0 dport=0 mirrored=yes desc=management
ipsecpolFilter: {1}src=me dst=10.20.0.5 proto=6 sport=0 dport=22 mirrored=yes desc=jump host ssh'
broken "a filter with host bits under its prefix" "$L1" ipsecpolFilter "$F0" \
    'ipsecpolFilter: {0}src=me dst=10.10.0.1/16 proto=0 sport=0 dport=0 mirrored=yes desc=x' \
    ipsecpolFilter "10.10.0.1/16"
broken "a filter with a port out of range" "$L1" ipsecpolFilter "$F0" \
    'ipsecpolFilter: {0}src=me dst=any proto=6 sport=0 dport=70000 mirrored=yes desc=x' \
    ipsecpolFilter "dport"
broken "a filter with a missing field" "$L1" ipsecpolFilter "$F0" \
    'ipsecpolFilter: {0}src=me dst=any proto=6 dport=22 mirrored=yes desc=x' \
    ipsecpolFilter "sport="
broken "an unknown cipher in an offer" "$A1" ipsecpolQMOffer \
    'ipsecpolQMOffer: {0}proto=esp ah-hash=NONE cipher=AES256 auth=SHA256 life-s=3600 life-kb=100000 pfs=yes pfs-group=14' \
    'ipsecpolQMOffer: {0}proto=esp ah-hash=NONE cipher=ROT13 auth=SHA256 life-s=3600 life-kb=100000 pfs=yes pfs-group=14' \
    ipsecpolQMOffer ROT13
broken "an unknown action" "$A1" ipsecpolAction 'ipsecpolAction: negotiate' 'ipsecpolAction: maybe' \
    ipsecpolAction maybe
broken "a polling interval out of range" "$P1" ipsecpolPollMinutes 'ipsecpolPollMinutes: 60' \
    'ipsecpolPollMinutes: 0' ipsecpolPollMinutes
broken "an unknown authentication method" "$R1" ipsecpolAuth \
    'ipsecpolAuth: {0}cert certmap=no excludecaname=no ca=CN=Fleet Root CA,O=Example
ipsecpolAuth: {1}kerberos' 'ipsecpolAuth: {0}ntlm' ipsecpolAuth ntlm
broken "a dangling filter list reference" "$R1" ipsecpolFilterListRef \
    "ipsecpolFilterListRef: $L1" \
    "ipsecpolFilterListRef: cn=ipsecpolFilterList{00000000-0000-0000-0000-0000000000AA},$C" \
    ipsecpolFilterListRef "dangling"
broken "a reference outside the container" "$R1" ipsecpolFilterActionRef \
    "ipsecpolFilterActionRef: $A1" "ipsecpolFilterActionRef: cn=evil,$SLAPD_BASE" \
    ipsecpolFilterActionRef "cn=evil"
broken "a dangling main mode" "$P1" ipsecpolMainModeRef "ipsecpolMainModeRef: $MM1" \
    "ipsecpolMainModeRef: cn=ipsecpolMainMode{00000000-0000-0000-0000-0000000000BB},$C" \
    ipsecpolMainModeRef dangling
broken "a rule listed twice" "$P1" ipsecpolRuleRef "ipsecpolRuleRef: {0}$R1" \
    "ipsecpolRuleRef: {0}$R1
ipsecpolRuleRef: {1}$R1" "twice"
broken "a rule of another policy" "$P1" ipsecpolRuleRef "ipsecpolRuleRef: {0}$R1" \
    "ipsecpolRuleRef: {0}$R2" "owned by another policy"
broken "a GUID that does not match the entry's name" "$MM1" ipsecpolID \
    'ipsecpolID: {6C0F6C1E-3F3A-4D4E-9C5B-1A2B3C4D5E02}' \
    'ipsecpolID: {6C0F6C1E-3F3A-4D4E-9C5B-1A2B3C4D5E99}' ipsecpolID "does not match"
# A bad preshared key is refused without the key in the message.
long=$(head -c 1100 /dev/zero | tr '\0' 'K')
printf 'dn: %s\nchangetype: modify\nreplace: ipsecpolAuth\nipsecpolAuth: {0}psk key=S3CRET%s\n' "$R1" "$long" > "$T/psk.ldif"
slapd_modify "$T/psk.ldif" >/dev/null
out=$(ippd static show policy name="Fleet Baseline" 2>&1); rc=$?
case "$rc:$out" in
*S3CRET*) tap_fail "a bad preshared key is echoed in the message"; tap_diag "$(printf '%s' "$out" | cut -c1-200)";;
2:*"$R1"*"<redacted>"*) tap_ok "a bad preshared key is refused, the key redacted from the message";;
*) tap_fail "bad preshared key ($rc)"; tap_diag "$out";;
esac
printf 'dn: %s\nchangetype: modify\nreplace: ipsecpolAuth\nipsecpolAuth: {0}kerberos\n' "$R1" > "$T/psk.ldif"
slapd_modify "$T/psk.ldif" >/dev/null
printf 'dn: %s\nchangetype: modify\ndelete: ipsecpolMMOffer\n' "$MM1" > "$T/d.ldif"
slapd_modify "$T/d.ldif" >/dev/null
expect_rc 0 "a main mode without offers loads (it means Windows' defaults, as in the model)" \
    ippd static show policy name="Fleet Baseline"
expect_rc 0 "after every repair the policy loads again" ippd static show policy name="Lab Open"
tap_done
