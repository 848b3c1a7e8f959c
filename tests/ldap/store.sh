#!/bin/sh
# store.sh: the directory store gives the same results as the local store.  The same
# export script is imported into an empty local store and into an empty directory, and
# "show all" prints the same text and JSON (where and when aside).
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/ldap/slapd.sh"
slapd_start || { tap_fail "slapd starts"; tap_done; exit 1; }
. "$top_srcdir/tests/ldap/ldap_env.sh"

# compare NAME SCRIPT: import SCRIPT into both empty stores; show all agrees.  A script
# without GUIDs goes through a local store's export first, so both get the same GUIDs.
compare() {
	rm -f "$T/$1.db" "$T/$1.gen.db"
	if ! grep -q 'guid=' "$2"; then
		ipp --store "$T/$1.gen.db" --empty static importpolicy file="$2" &&
		ipp --store "$T/$1.gen.db" static exportpolicy file="$T/$1.export" ||
			tap_fail "$1: the generated script imports and exports"
		set -- "$1" "$T/$1.export"
	fi
	expect_rc 0 "$1: the script imports into an empty local store" \
	    ipp --store "$T/$1.db" --empty static importpolicy file="$2"
	expect_rc 0 "$1: and into the directory" ippd --empty static importpolicy file="$2"
	ipp --store "$T/$1.db" static show all | mask_text > "$T/$1.local.txt"
	ippd static show all | mask_text > "$T/$1.dir.txt"
	same "$1: show all prints the same" "$T/$1.local.txt" "$T/$1.dir.txt"
	ipp --store "$T/$1.db" --json static show all | mask_json > "$T/$1.local.json"
	ippd --json static show all | mask_json > "$T/$1.dir.json"
	same "$1: show all --json prints the same" "$T/$1.local.json" "$T/$1.dir.json"
	ippd static exportpolicy file="$T/$1.dir.export"
	ipp --store "$T/$1.db" static exportpolicy file="$T/$1.local.export"
	same "$1: both export the same script" "$T/$1.local.export" "$T/$1.dir.export"
	ippd static delete all >/dev/null 2>&1
}

# The three Windows example policies, as a new local store holds them.
ipp --store "$T/examples.db" static set store location=local 2>/dev/null
ipp --store "$T/examples.db" static exportpolicy file="$T/examples.txt"
compare examples "$T/examples.txt"
grep -q 'Secure Server (Require Security)' "$T/examples.dir.txt" &&
	tap_ok "examples: the directory holds the Secure Server policy" ||
	tap_fail "examples: Secure Server missing"

# A generated larger policy: 40 rules, 25 filters each, keys and certificates.
awk -v rules=40 -v filters=25 -f "$top_srcdir/tests/ldap/gen_big.awk" > "$T/big.txt"
compare big "$T/big.txt"
[ "$(jq '[.policies[].rules[]] | length' "$T/big.dir.json")" -eq 40 ] &&
	tap_ok "big: 40 rules came back" || tap_fail "big: rule count"

# The random stores of the CLI's round-trip test.
for seed in 1 2 3 5 8; do
	awk -v seed=$seed -f "$top_srcdir/tests/cli/gen_policy.awk" > "$T/gen$seed.txt"
	compare "seed$seed" "$T/gen$seed.txt"
done

# A new directory gets the examples, as a new local store does.
ldapdelete -x -r -H "$SLAPD_URI" -D "$SLAPD_ROOTDN" -y "$SLAPD_ROOTPW_FILE" \
    "cn=IP Security,$SLAPD_BASE"
ippd static set store location=domain 2>/dev/null
ippd static show all | mask_text > "$T/seeded.dir.txt"
ipp --store "$T/examples.db" static show all | mask_text > "$T/seeded.local.txt"
# Rule GUIDs of the examples are random per store; the rest must agree.
sed '/GUID/d' "$T/seeded.dir.txt" > "$T/a"; sed '/GUID/d' "$T/seeded.local.txt" > "$T/b"
same "a new directory is seeded with the examples, as a new local store" "$T/a" "$T/b"

# The netsh-style commands, one at a time, through -w DS and set store.
ippd static delete all >/dev/null 2>&1
expect_rc 0 "ipsecpol.exe -w DS creates a policy in the directory" \
    ippd -w DS -p "Exe Policy" -r "Block telnet" -f "0+*:23:TCP" -n BLOCK
expect_rc 0 "-w DS:example.test takes the base from the domain" \
    ipp --ldap-uri "$SLAPD_URI" --bind-dn "$SLAPD_ROOTDN" --bind-password-file "$SLAPD_ROOTPW_FILE" \
    -w DS:example.test -p "Exe Policy" -r "Block ftp" -f "0+*:21:TCP" -n BLOCK
jcheck() {
	if out=$(ippd --json "$@" 2>&1) && printf '%s' "$out" | jq -en "input | ($JQ)" >/dev/null; then
		tap_ok "$DESC"; else tap_fail "$DESC"; tap_diag "$out"; fi
}
DESC="the directory holds both -w DS rules" JQ='[.policies[] | select(.name == "Exe Policy") | .rules[].name] == ["Block telnet", "Block ftp"]' \
    jcheck static show policy name="Exe Policy"
DESC="a policy written without a soft expiry reads as the default, 300 s" \
    JQ='.policies[0].main_mode.soft_expire_s == 300' jcheck static show policy name="Exe Policy"
expect_rc 0 "ipseccmd -1e sets the soft association expiry in the directory" \
    ippd -w DS -p "Exe Policy" -r "Block telnet" -f "0+*:23:TCP" -n BLOCK -soft -1e 45
DESC="the directory holds -1e 45" JQ='.policies[0].main_mode.soft_expire_s == 45' \
    jcheck static show policy name="Exe Policy"
expect_rc 0 "netsh softsaexpirationtime= in the directory" \
    ippd static set policy name="Exe Policy" softsaexpirationtime=600
DESC="the directory holds softsaexpirationtime=600" JQ='.policies[0].main_mode.soft_expire_s == 600' \
    jcheck static show policy name="Exe Policy"
expect_rc 1 "-w REG with --ldap-uri is refused" ippd -w REG -p X -r Y -f "0+*" -n BLOCK
expect_rc 0 "assign in the directory" ippd static set policy name="Exe Policy" assign=yes
DESC="the assigned policy shows as assigned" JQ='.policies[0].assigned == true' \
    jcheck static show policy name="Exe Policy"
expect_rc 2 "an assigned policy cannot be deleted" ippd static delete policy name="Exe Policy"
out=$(ippd static show store)
case $out in *"Store: domain"*"Assigned policy: Exe Policy"*) tap_ok "show store names the directory";;
*) tap_fail "show store"; tap_diag "$out";; esac
tap_done
