#!/bin/sh
# Export and import: the Windows example policies and randomly generated stores (a fixed
# list of seeds for gen_policy.awk) are exported, imported into an empty store, exported
# again; the two scripts must be identical, and so must "show all --json" of both stores
# (times aside).  Then an import that fails on its last line changes nothing.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/cli/cli_env.sh"

unchanged_json() { ipp --store "$1" --json static show all | sed 's/"changed": "[^"]*"/"changed": ""/'; }

# roundtrip NAME STORE: export STORE, import into an empty store, export again, compare.
roundtrip() {
	name=$1 a=$2 b=$T/$1.b.db
	rm -f "$b"
	if ! ipp --store "$a" static exportpolicy file="$T/$name.1" 2> "$T/err" ||
	    ! ipp --store "$b" --empty static importpolicy file="$T/$name.1" 2>> "$T/err" ||
	    ! ipp --store "$b" static exportpolicy file="$T/$name.2" 2>> "$T/err"; then
		tap_fail "$name: export/import/export"; tap_diag "$(cat "$T/err")"; return
	fi
	if cmp -s "$T/$name.1" "$T/$name.2"; then tap_ok "$name: the scripts are identical"; else
		tap_fail "$name: the scripts differ"; tap_diag "$(diff "$T/$name.1" "$T/$name.2" | head -20)"; fi
	if [ "$(unchanged_json "$a")" = "$(unchanged_json "$b")" ]; then
		tap_ok "$name: the stores show the same (GUIDs and assignment included)"; else
		tap_fail "$name: the stores differ"; fi
}

# The examples, as a new store seeds them.
ipp --store "$T/examples.db" static set store location=local 2>/dev/null
roundtrip examples "$T/examples.db"
n=$(grep -c '^ipsecpol static add policy' "$T/examples.1")
[ "$n" -eq 3 ] && tap_ok "examples: three policies exported" || tap_fail "examples: $n policies"
perm=$(stat -c %a "$T/examples.1")
[ "$perm" = 600 ] && tap_ok "the exported script is 0600" || tap_fail "exported script mode $perm"
# The examples with objects of both syntaxes added, and an assignment.
cp "$T/examples.db" "$T/mixed.db"
ipp --store "$T/mixed.db" -w REG -p "Mixed" -r "Web" -f '0:443+*::TCP' '{2001:db8::1}+*' -n 'ESP[AES256,SHA256]PFS19' \
	-a 'PRESHARE:a "quoted" key' 'CERT:CN=Root' KERBEROS -1s AES256-SHA256-19 -1k 1Q/3600S -1p -x &&
ipp --store "$T/mixed.db" static add rule name=Extra policy=Mixed filterlist="All IP Traffic" filteraction="Require Security" \
	tunnel=203.0.113.9 conntype=dialup activate=no 2>/dev/null
ipp --store "$T/mixed.db" static add rule name=Extra policy=Mixed filterlist="All ICMP Traffic" filteraction=Permit conntype=dialup activate=no
roundtrip mixed "$T/mixed.db"
grep -q 'assign=yes' "$T/mixed.1" && tap_ok "mixed: the assignment is exported" || tap_fail "mixed: no assignment"
grep -q 'psk="a \\"quoted\\" key"' "$T/mixed.1" && tap_ok "mixed: the key survives quoting" || {
	tap_fail "mixed: key quoting"; tap_diag "$(grep psk "$T/mixed.1")"; }

# Random stores.
for seed in 1 2 3 5 8 13 21 34 55 89 144 233 377 610 987 1597; do
	awk -v seed=$seed -f "$top_srcdir/tests/cli/gen_policy.awk" > "$T/gen$seed.txt"
	rm -f "$T/gen$seed.db"
	if ! ipp --store "$T/gen$seed.db" --empty static importpolicy file="$T/gen$seed.txt" 2> "$T/err"; then
		tap_fail "seed $seed: the generated script imports"; tap_diag "$(cat "$T/err")"; continue
	fi
	roundtrip "seed$seed" "$T/gen$seed.db"
done

# All or nothing: a script whose last line fails leaves the store as it was.
cp "$T/examples.db" "$T/atomic.db"
before=$(dump "$T/atomic.db")
{ cat "$T/seed1.1"; echo 'ipsecpol static add policy name="Client (Respond Only)"'; } | sed 's/^\(ipsecpol static add filterlist name="List\)/\1X/' > "$T/bad.txt"
lines=$(wc -l < "$T/bad.txt")
out=$(ipp --store "$T/atomic.db" static importpolicy file="$T/bad.txt" 2>&1); rc=$?
[ $rc -eq 2 ] && tap_ok "a failing import exits 2" || { tap_fail "failing import exit $rc"; tap_diag "$out"; }
case $out in *"bad.txt:$lines: "*) tap_ok "the message names the failing line ($lines)";;
*) tap_fail "line number in the message"; tap_diag "$out";; esac
[ "$before" = "$(dump "$T/atomic.db")" ] && tap_ok "the store is unchanged after the failed import" ||
	tap_fail "the failed import changed the store"
printf 'ipsecpol static add filterlist name=ok\nipsecpol static importpolicy file=%s\n' "$T/bad.txt" > "$T/nested.txt"
expect_rc 2 "an imported script cannot import another" ipp --store "$T/atomic.db" static importpolicy file="$T/nested.txt"
printf '# comment\n\nnetsh ipsec static add filterlist name=FromNetsh\n  ipsecpol static add filteraction name=Indented action=block\n' > "$T/forms.txt"
expect_rc 0 "import takes comments, blank lines and netsh ipsec static lines" \
	ipp --store "$T/atomic.db" static importpolicy file="$T/forms.txt"
jcheck "and they made their objects" '([.filterlists[].name] | index("FromNetsh")) != null and ([.filteractions[].name] | index("Indented")) != null' \
	--store "$T/atomic.db" static show all
printf 'static add filterlist name=x\n' > "$T/noprefix.txt"
expect_rc 2 "a line without 'ipsecpol static' is refused" ipp --store "$T/atomic.db" static importpolicy file="$T/noprefix.txt"

# Descriptions may hold newlines, tabs, quotes and backslashes: quoted values span lines.
rm -f "$T/nl.db" "$T/nl2.db"
ipp --store "$T/nl.db" --empty static add filterlist name=nl description="$(printf 'one\ntwo\tthree \\"q\\" \\ end')"
roundtrip newline "$T/nl.db"
printf '# a "quote in a comment\nipsecpol static add filterlist name=a description="x\ny"\n\nipsecpol static add policy name=""\n' > "$T/lines.txt"
out=$(ipp --store "$T/nl2.db" --empty static importpolicy file="$T/lines.txt" 2>&1)
case $out in *"lines.txt:5: policy name is empty"*) tap_ok "line numbers count the lines inside quoted values";;
*) tap_fail "line numbers with quoted newlines"; tap_diag "$out";; esac
tap_done
