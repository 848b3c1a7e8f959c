#!/bin/sh
# ipsecpol(8) documents what the program does: every static command of the command table,
# every exit code of cli/cli.h, every environment variable the program reads.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/cli/cli_env.sh"
man=$top_srcdir/man/ipsecpol.8.in
[ -r "$man" ] || tap_skip_all "no man page source"

ipp help static | awk '/^  [a-z]/ { print $1 " " $2 }' > "$T/cmds"
while read -r verb obj; do
	case $verb in exportpolicy|importpolicy) obj=;; esac
	if grep -q "^\.It Cm $verb${obj:+ $obj}\( \|$\)" "$man"; then tap_ok "man page documents: $verb $obj"
	else tap_fail "man page lacks: $verb $obj"; fi
done < "$T/cmds"

# The agent commands of "help agent" and the global options of --help.
ipp help agent | sed -n 's/^.*ipsecpol \[[^]]*\]\( \[--json\]\)\{0,1\} \([a-z][a-z =]*\).*/\2/p' |
	sed 's/ *$//' > "$T/acmds"
[ "$(wc -l < "$T/acmds")" -ge 5 ] && tap_ok "help agent lists $(wc -l < "$T/acmds") commands" ||
	tap_fail "help agent lists the agent commands"
while read -r cmd; do
	if grep -q "^\.It Cm $cmd\( \|$\)" "$man"; then tap_ok "man page documents: $cmd"
	else tap_fail "man page lacks: $cmd"; fi
done < "$T/acmds"
for o in $(ipp --help | sed -n 's/^  \(--[a-z-]*\).*/\1/p'); do
	grep -qF "$(printf '.It Fl \\%s' "${o#-}")" "$man" && tap_ok "man page documents $o" || tap_fail "man page lacks $o"
done

sed -n 's/^	IPP_EXIT_[A-Z]* = \([0-9]*\),.*/\1/p' "$top_srcdir/cli/cli.h" > "$T/codes"
[ "$(wc -l < "$T/codes")" -ge 6 ] && tap_ok "cli.h defines $(wc -l < "$T/codes") exit codes" || tap_fail "exit codes in cli.h"
sed -n '/^\.Sh EXIT STATUS/,/^\.Sh /p' "$man" | sed -n 's/^\.It \([0-9]*\)$/\1/p' > "$T/mancodes"
cmp -s "$T/codes" "$T/mancodes" && tap_ok "the man page's EXIT STATUS lists exactly the codes of cli.h" ||
	{ tap_fail "exit code tables differ"; tap_diag "code: $(cat "$T/codes" | tr '\n' ' ')" "man: $(cat "$T/mancodes" | tr '\n' ' ')"; }
for v in $(grep -ho 'getenv("[A-Z_]*")' "$top_srcdir"/cli/*.c | sed 's/getenv("\(.*\)")/\1/' | sort -u); do
	grep -q "^\.It Ev $v" "$man" && tap_ok "ENVIRONMENT documents $v" || tap_fail "ENVIRONMENT lacks $v"
done
tap_done
