# ldap_env.sh: what the directory store's shell tests share.  Source after tap.sh and
# slapd.sh, after slapd_start.
IPSECPOL=$top_builddir/cli/ipsecpol
[ -x "$IPSECPOL" ] || tap_skip_all "$IPSECPOL was not built"
command -v jq >/dev/null || tap_skip_all "jq is not installed (tools/deps test)"
T=$SLAPD_DIR
IPSECPOL_STORE=$T/local.db
IPSECPOL_AGENT_SOCKET=$T/no-agent.sock
IPSECPOL_CONFIG=$T/no-ipsecpold.conf
export IPSECPOL_STORE IPSECPOL_AGENT_SOCKET IPSECPOL_CONFIG
# The directory as its administrator (the root DN) reaches it.
DIR="--ldap-uri $SLAPD_URI --ldap-base $SLAPD_BASE --bind-dn $SLAPD_ROOTDN --bind-password-file $SLAPD_ROOTPW_FILE"
ipp() { "$IPSECPOL" "$@"; }
ippd() { "$IPSECPOL" $DIR "$@"; }
# What differs between two stores by nature: where they are and when things changed.
mask_text() { grep -v '^Store  *:\|Last Modified  *:'; }
mask_json() { jq 'walk(if type == "object" then del(.changed) else . end)'; }
# expect_rc WANT DESC CMD...
expect_rc() {
	want=$1 desc=$2; shift 2
	out=$("$@" 2>&1); got=$?
	if [ "$got" -eq "$want" ]; then tap_ok "$desc"; else
		tap_fail "$desc (exit $got, wanted $want)"; tap_diag "$out"; fi
}
# same DESC FILE1 FILE2
same() {
	if cmp -s "$2" "$3"; then tap_ok "$1"; else
		tap_fail "$1"; tap_diag "$(diff "$2" "$3" | head -20)"; fi
}
