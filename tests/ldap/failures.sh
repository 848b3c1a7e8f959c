#!/bin/sh
# failures.sh: a failed write leaves the directory as it was; a directory that dies in the
# middle of a write leaves nothing half-referenced.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/ldap/slapd.sh"
slapd_start || { tap_fail "slapd starts"; tap_done; exit 1; }
. "$top_srcdir/tests/ldap/ldap_env.sh"
. "$top_srcdir/tests/ldap/refcheck.sh"
ippd static set store location=domain 2>/dev/null
awk -v rules=5 -v filters=3 -f "$top_srcdir/tests/ldap/gen_big.awk" > "$T/big.txt"
ippd static importpolicy file="$T/big.txt" || tap_fail "the starting policy imports"

# unchanged DESC WANT_RC CMD...: the command fails with WANT_RC and the dump is the same.
unchanged() {
	desc=$1 want=$2; shift 2
	before=$(slapd_dump)
	out=$("$@" 2>&1); rc=$?
	after=$(slapd_dump)
	if [ "$rc" -eq "$want" ] && [ "$before" = "$after" ]; then tap_ok "$desc"; else
		tap_fail "$desc (exit $rc, wanted $want)"; tap_diag "$out"
		tap_diag "$(printf '%s\n' "$before" > "$T/b"; printf '%s\n' "$after" > "$T/a";
		    diff "$T/b" "$T/a" | head -10)"
	fi
}
unchanged "a bad address is refused before the directory is touched" 2 \
    ippd static add filter filterlist="Big List 1" srcaddr=10.0.0.1/8 dstaddr=me
unchanged "a duplicate filter list name is refused" 2 \
    ippd static add filterlist name="Big List 1"
unchanged "a duplicate policy name is refused" 2 ippd static add policy name=Big
unchanged "a rule naming a missing filter list is refused" 2 \
    ippd static add rule name=R policy=Big filterlist=Nope filteraction="Big Block"
unchanged "a duplicate rule name in a policy is refused (any case)" 2 \
    ippd static add rule name="big rule 1" policy=Big filterlist="Big List 2" filteraction="Big Block"
unchanged "a filter list in use cannot be deleted" 2 ippd static delete filterlist name="Big List 2"
unchanged "a filter action in use cannot be deleted" 2 ippd static delete filteraction name="Big ESP"
unchanged "deleting a filter that is not there is refused" 2 \
    ippd static delete filter filterlist="Big List 1" srcaddr=me dstaddr=192.0.2.99
# A write that the front refuses after the backend wrote: a filter that makes a tunnel
# rule invalid (mirrored filters in a tunnel rule) is undone.
expect_rc 0 "a tunnel rule's filter list" ippd static add filterlist name=TunList
expect_rc 0 "with an unmirrored filter" ippd static add filter filterlist=TunList \
    srcaddr=10.1.0.0 srcmask=16 dstaddr=10.2.0.0 dstmask=16 mirrored=no
expect_rc 0 "a tunnel rule" ippd static add rule name=Tun policy=Big filterlist=TunList \
    filteraction="Big ESP" tunnel=192.0.2.1
unchanged "a filter that would make a tunnel rule invalid is undone" 2 \
    ippd static add filter filterlist=TunList srcaddr=10.3.0.0 srcmask=16 dstaddr=10.4.0.0 dstmask=16 mirrored=yes

# A whole import is one transaction: its last line fails, everything before is undone
# (adds deleted, changes restored, deletes re-added).
{
	echo 'ipsecpol static add filterlist name="New List"'
	echo 'ipsecpol static add filter filterlist="New List" srcaddr=me dstaddr=192.0.2.7'
	echo 'ipsecpol static add policy name=Fresh'
	echo 'ipsecpol static add rule name=Fresh1 policy=Fresh filterlist="New List" filteraction="Big Permit"'
	echo 'ipsecpol static set filterlist name="Big List 1" description="changed"'
	echo 'ipsecpol static delete rule name="Big Rule 2" policy=Big'
	echo 'ipsecpol static set policy name=Big pollinginterval=90 mmsecmethods="AES128-SHA256-19"'
	echo 'ipsecpol static delete filter filterlist="Big List 3" srcaddr=me dstaddr=10.0.0.6 protocol=TCP srcport=0 dstport=7'
	echo 'ipsecpol static set policy name=Big assign=yes'
	echo 'ipsecpol static add policy name=Fresh'
} > "$T/undo.txt"
unchanged "a failed import undoes its adds, changes and deletes" 2 \
    ippd static importpolicy file="$T/undo.txt"
[ -z "$(refs_dangling)" ] && tap_ok "nothing is half-referenced after the undo" ||
	{ tap_fail "dangling after undo"; tap_diag "$(refs_dangling)"; }

# The directory dies in the middle of a large import: whatever got written is whole.
awk -v rules=60 -v filters=2 -f "$top_srcdir/tests/ldap/gen_big.awk" |
	sed 's/"Big/"Huge/g; s/=Big /=Huge /g; s/policy=Big/policy=Huge/' > "$T/huge.txt"
for cut in 15 80 200; do
	adds0=$(grep -c ' ADD dn=\| MOD dn=\| DEL dn=' "$SLAPD_LOG")
	ippd static importpolicy file="$T/huge.txt" > "$T/cut.out" 2>&1 &
	pid=$!
	n=0
	while [ $(( $(grep -c ' ADD dn=\| MOD dn=\| DEL dn=' "$SLAPD_LOG") - adds0 )) -lt $cut ] &&
	    [ $n -lt 600 ] && kill -0 $pid 2>/dev/null; do sleep 0.02; n=$((n + 1)); done
	slapd_kill
	wait $pid; rc=$?
	[ $rc -ne 0 ] && tap_ok "cut after $cut writes: the import fails" ||
		tap_fail "cut after $cut writes: the import did not fail"
	grep -q "did not answer\|Can't contact" "$T/cut.out" &&
		tap_ok "cut after $cut writes: the error says the directory is gone" ||
		{ tap_fail "cut after $cut writes: message"; tap_diag "$(cat "$T/cut.out")"; }
	slapd_run || { tap_fail "slapd restarts"; break; }
	d=$(refs_dangling)
	[ -z "$d" ] && tap_ok "cut after $cut writes: nothing is half-referenced" ||
		{ tap_fail "cut after $cut writes: dangling references"; tap_diag "$d"; }
	expect_rc 0 "cut after $cut writes: every policy still loads" ippd static show all
	# Leftovers are whole objects; clean them for the next round.
	ippd static delete all >/dev/null 2>&1
done
tap_done
