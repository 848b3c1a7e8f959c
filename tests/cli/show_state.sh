#!/bin/sh
# show and the world around it: committed state only while another process writes,
# preshared keys redacted unless root asks, help and -h on every command, the bash
# completion generated from the command table.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/cli/cli_env.sh"

ipp -w REG -p Watched -r r -f '0+*' -n 'ESP[AES128,SHA256]' -a 'PRESHARE:s3cret key' >/dev/null &&
	tap_ok "made a policy with a preshared key" || tap_fail "made a policy"

# ---- committed state: another process holds an open write transaction ----
fifo=$T/fifo
mkfifo "$fifo"
# The probe below takes the write lock for a moment too: the writer waits for it (.timeout)
# instead of failing its BEGIN at once, and -bail makes a failed statement end it.
sqlite3 -bail -cmd '.timeout 10000' "$IPSECPOL_STORE" < "$fifo" > "$T/writer.out" 2>&1 &
writer=$!
tap_cleanup "kill $writer"
exec 3> "$fifo"
echo "BEGIN IMMEDIATE; UPDATE policy SET name = 'Uncommitted' WHERE name = 'Watched';" >&3
# Wait until the writer really holds its lock (a second writer is refused).
i=0
while sqlite3 "$IPSECPOL_STORE" "BEGIN IMMEDIATE; ROLLBACK;" >/dev/null 2>&1 && [ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1))
done
[ $i -lt 100 ] && kill -0 $writer 2>/dev/null && tap_ok "another process holds an open write transaction" ||
	{ tap_fail "the writer never took its lock"; tap_diag "$(cat "$T/writer.out")"; }
jcheck "while another process's transaction is open, show sees the committed name" \
	'[.policies[].name] | (index("Watched") != null) and (index("Uncommitted") == null)' static show policy all
echo "COMMIT;" >&3
exec 3>&-
wait $writer
jcheck "once it commits, show sees its change" '[.policies[].name] | index("Uncommitted") != null' static show policy all
ipp static set policy name=Uncommitted newname=Renamed &&
jcheck "after another process commits, show sees the change" '[.policies[].name] | index("Renamed") != null' static show policy all

# ---- secrets ----
out=$(ipp static show policy name=Renamed)
case $out in *"s3cret"*) tap_fail "text show leaks the key";; *'psk "<redacted>"'*) tap_ok "text show redacts the key";;
*) tap_fail "text show: no redacted psk"; tap_diag "$out";; esac
jcheck "JSON show redacts the key" '.policies[0].rules[0].auth[0].key == "<redacted>"' static show policy name=Renamed
if [ "$(id -u)" -eq 0 ]; then
	jcheck "root with --show-secrets sees the key" '.policies[0].rules[0].auth[0].key == "s3cret key"' \
		--show-secrets static show policy name=Renamed
	out=$(ipp --show-secrets static show rule all policy=Renamed)
	case $out in *'psk "s3cret key"'*) tap_ok "root sees the key in text too";; *) tap_fail "root text key"; tap_diag "$out";; esac
	chmod 755 "$T"; chmod 644 "$IPSECPOL_STORE"
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$IPSECPOL" --show-secrets static show all 2>&1); rc=$?
	[ $rc -eq 5 ] && tap_ok "a non-root user asking for secrets gets exit 5" || { tap_fail "non-root --show-secrets exit $rc"; tap_diag "$out"; }
	case $out in *"only root"*) tap_ok "and is told why";; *) tap_fail "non-root message"; tap_diag "$out";; esac
	chmod 700 "$T"; chmod 600 "$IPSECPOL_STORE"
else
	tap_ok "# SKIP root-only checks (not root)"
	expect_rc 5 "a non-root user asking for secrets gets exit 5" ipp --show-secrets static show all
fi
perm=$(stat -c %a "$IPSECPOL_STORE")
[ "$perm" = 600 ] && tap_ok "the store file is 0600" || tap_fail "store mode $perm"
rm -f "$T/new.db"
ipp --store "$T/new.db" static add filterlist name=x && perm=$(stat -c %a "$T/new.db")
[ "$perm" = 600 ] && tap_ok "a new store is created 0600" || tap_fail "new store mode $perm"
jcheck "a new store holds the examples" '[.policies[].name] == ["Client (Respond Only)","Secure Server (Require Security)","Server (Request Security)"]' \
	--store "$T/new.db" static show all
rm -f "$T/empty.db"
ipp --store "$T/empty.db" --empty static add filterlist name=x
jcheck "--empty makes a store without the examples" '.policies == null and [.filterlists[].name] == ["x"]' \
	--store "$T/empty.db" static show all

# ---- help ----
expect_rc 0 "ipsecpol help" ipp help
expect_rc 0 "ipsecpol help static" ipp help static
expect_rc 0 "ipsecpol -?" ipp -?
expect_rc 1 "no arguments is a usage error" ipp
cmds=$(ipp help static | awk '/^  [a-z]/ { print $1 " " $2 }')
n=0
while read -r verb obj; do
	case $verb in exportpolicy|importpolicy) obj=;; esac
	n=$((n + 1))
	# shellcheck disable=SC2086
	out=$("$IPSECPOL" static $verb $obj -h 2>&1); rc=$?
	case $out in "usage: ipsecpol static $verb${obj:+ $obj}"*) [ $rc -eq 0 ] && tap_ok "-h: $verb $obj" || tap_fail "-h exit: $verb $obj";;
	*) tap_fail "-h: $verb $obj"; tap_diag "$out";; esac
done <<EOC
$cmds
EOC
[ "$n" -ge 20 ] && tap_ok "help lists $n static commands" || tap_fail "help lists only $n commands"
out=$(ipp static add filter -h)
case $out in *"srcaddr=TEXT"*"[mirrored=yes|no]"*"[dstport=0..65535]"*) tap_ok "-h lists tags with their value forms";;
*) tap_fail "-h tag forms"; tap_diag "$out";; esac
out=$(ipp -w REG -h)
case $out in *"-w REG -p POLICY"*) tap_ok "-h on ipsecpol.exe options";; *) tap_fail "exe -h"; tap_diag "$out";; esac

# ---- bash completion ----
ipp complete-bash > "$T/comp.bash"
bash -n "$T/comp.bash" && tap_ok "the completion script is valid bash" || tap_fail "completion syntax"
comp() {
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _ipsecpol; printf "%s\n" "${COMPREPLY[@]}"' \
		x "$T/comp.bash" "$@"
}
[ "$(comp ipsecpol static de)" = "delete" ] && tap_ok "completes a verb" || tap_fail "verb completion"
[ "$(comp ipsecpol static add filtera | tr '\n' ' ')" = "filteraction " ] && tap_ok "completes an object" ||
	tap_fail "object completion"
got=$(comp ipsecpol --store x static add filter src | tr '\n' ' ')
[ "$got" = "srcaddr= srcmask= srcport= " ] && tap_ok "completes tags from the table" || { tap_fail "tag completion"; tap_diag "$got"; }
n2=$(grep -c '^	"' "$T/comp.bash")
[ "$n2" -eq "$n" ] && tap_ok "one completion arm per command ($n2)" || tap_fail "completion has $n2 arms, help $n"
tap_done
