#!/bin/sh
# acquire: traffic that hits an outbound policy with an ESP template and no SA makes the
# kernel send ACQUIRE; our library's listener receives it, and so does iproute2's.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/vm/lib.sh"

a=10.61.5.1 b=10.61.5.2
vm_pair vmacqa vmacqb $a $b || { tap_fail "veth pair"; tap_done; exit 1; }
tap_check "install an ESP policy with no SA" \
	x vmacqa policy-add --src $a --dst $b --dir out --proto 1 --tmpl esp:transport:15
lib=$(mktemp) ipm=$(mktemp)
tap_cleanup "rm -f $lib $ipm"
x vmacqa monitor --count 1 --timeout 20 >"$lib" 2>&1 &
mpid=$!
timeout 20 ip -n vmacqa xfrm monitor acquire >"$ipm" 2>&1 &
ipid=$!
tap_cleanup "kill $mpid $ipid"
# Both listeners must be subscribed before the packet goes out: count XFRM sockets.
i=0
while [ $i -lt 50 ] && [ "$(vm_in vmacqa cat /proc/net/netlink |
    awk '$2 == 6 && $3 != 0 && $4 != "00000000"' | wc -l)" -lt 2 ]; do
	sleep 0.1; i=$((i + 1))
done
if vm_ping vmacqa $b 1; then tap_fail "ping passed in the clear despite the policy"
else tap_ok "ping without an SA is held back"; fi
wait $mpid
rc=$?
line=$(grep '^acquire' "$lib" | head -n 1)
# xfrmtool names the template's reqid and protocol; the iproute2 translation has no reqid.
want="dst=$b"
[ "$x_backend" = xfrmtool ] && want="$want proto=esp reqid=15"
have=1
for w in $want; do
	case " $line" in *" $w"[/\ ]*|*" $w") ;; *) have=0 ;; esac
done
if [ $rc -eq 0 ] && [ -n "$line" ] && [ $have = 1 ]; then
	tap_ok "our listener received ACQUIRE with $want: $line"
else
	tap_fail "our listener received no ACQUIRE with $want (exit $rc)"; tap_diag "$(cat "$lib")"
fi
i=0
while [ $i -lt 50 ] && ! grep -q "sel src $a/32 dst $b/32" "$ipm"; do sleep 0.1; i=$((i + 1)); done
if grep -q '^acquire proto esp' "$ipm" && grep -q "sel src $a/32 dst $b/32" "$ipm"; then
	tap_ok "iproute2 received the same ACQUIRE (proto esp, $a -> $b)"
else
	tap_fail "iproute2 received no ACQUIRE"; tap_diag "$(cat "$ipm")"
fi
if ip -n vmacqa xfrm state list dst $b | grep -q 'reqid 15 '; then
	tap_ok "the kernel holds a larval state with the template's reqid 15"
else
	tap_fail "no larval state for reqid 15"; tap_diag "$(ip -n vmacqa xfrm state)"
fi
tap_done
