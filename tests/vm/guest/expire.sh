#!/bin/sh
# expire: an SA with a soft lifetime of 2 s and a hard one of 6 s makes the kernel send a
# soft EXPIRE, then a hard one, to our library's listener; the hard one removes the SA.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/vm/lib.sh"

ns=vmexp src=10.61.6.1 dst=10.61.6.2 spi=0x00001601
vm_ns $ns || { tap_fail "create namespace $ns"; tap_done; exit 1; }
vm_hex 16; ek=$hex
vm_hex 20; ak=$hex
alg="--enc cbc(aes):$ek --auth hmac(sha1):$ak:96"
# The kernel stamps an SA's add time when it starts building it, and the first SA of an
# algorithm combination instantiates and self-tests the crypto (seconds under TCG): warm up
# with an untimed SA, or the hard lifetime may be gone before the first timer tick.
# shellcheck disable=SC2086
x $ns state-add --src $src --dst $dst --proto esp --spi 0x00001600 --mode transport \
	--reqid 16 $alg && x $ns state-flush ||
	tap_fail "warm-up SA with the same algorithms"
ev=$(mktemp)
tap_cleanup "rm -f $ev"
# Each event line is stamped with its arrival time, to check it did not come early.
x $ns monitor --count 2 --timeout 30 2>&1 |
	while IFS= read -r l; do echo "$(date +%s) $l"; done >"$ev" &
mpid=$!
tap_cleanup "kill $mpid"
vm_wait_listener $ns || tap_diag "no XFRM listener seen in $ns; going on"
t0=$(date +%s)
tap_check "install an SA with soft 2 s and hard 6 s lifetimes" \
	x $ns state-add --src $src --dst $dst --proto esp --spi $spi --mode transport --reqid 16 \
	$alg --soft-secs 2 --hard-secs 6
wait $mpid
soft=$(grep -m1 " expire soft spi=$spi" "$ev" | cut -d' ' -f1)
hard=$(grep -m1 " expire hard spi=$spi" "$ev" | cut -d' ' -f1)
first=$(sed -n 's/^[0-9]* \(expire .*\)/\1/p' "$ev" | head -n 1)
if [ -n "$soft" ]; then tap_ok "soft EXPIRE arrived after $((soft - t0)) s"
else tap_fail "no soft EXPIRE for $spi"; tap_diag "$(cat "$ev")"; fi
if [ -n "$hard" ]; then tap_ok "hard EXPIRE arrived after $((hard - t0)) s"
else tap_fail "no hard EXPIRE for $spi"; tap_diag "$(cat "$ev")"; fi
case $first in
"expire soft spi=$spi"*) tap_ok "soft came first" ;;
*) tap_fail "the first event was '$first', expected the soft EXPIRE" ;;
esac
# Late is fine under a loaded emulator; early is a bug.  Stamps have 1 s resolution.
if [ -n "$soft" ] && [ $((soft - t0)) -ge 1 ] && [ -n "$hard" ] && [ $((hard - t0)) -ge 5 ]
then tap_ok "neither EXPIRE came before its lifetime"
else tap_fail "an EXPIRE came early (soft +$((${soft:-0} - t0)) s, hard +$((${hard:-0} - t0)) s)"; fi
if ip -n $ns xfrm state get dst $dst proto esp spi $spi >/dev/null 2>&1; then
	tap_fail "the SA is still there after its hard EXPIRE"
else
	tap_ok "the hard EXPIRE removed the SA (iproute2 no longer finds it)"
fi
tap_done
