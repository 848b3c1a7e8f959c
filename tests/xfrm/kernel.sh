#!/bin/sh
# kernel-xfrm against the host kernel beyond policies: SPD thresholds, SPI allocation and
# the larval SAs it leaves, and events (policy expiry; SA events need ESP: see tests/vm).
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/xfrm/lib.sh"

xfrm_setup

# ---- SPD hash thresholds, read back by iproute2
X spd-set --v4 24:16 --v6 64:56
spd=$(ip -s -s -n "$ns" xfrm policy count)
tap_check "iproute2 sees the IPv4 thresholds" \
	sh -c 'printf "%s\n" "$1" | grep -q "IPv4 thresholds: local 24 remote 16"' - "$spd"
tap_check "iproute2 sees the IPv6 thresholds" \
	sh -c 'printf "%s\n" "$1" | grep -q "IPv6 thresholds: local 64 remote 56"' - "$spd"
X policy-add --src 10.0.0.1 --dst 10.0.0.2 --dir out
X policy-add --src 10.0.0.1 --dst 10.0.0.3 --dir fwd
info=$(X spd-get)
tap_check "the library reads counts and thresholds" \
	sh -c 'case "$1" in "in 0 out 1 fwd 1 buckets "*" v4 24:16 v6 64:56") ;; *) exit 1 ;; esac' \
	- "$info"
tap_diag "spd-get: $info"

# ---- ALLOCSPI and the larval SA it creates
spi=$(X allocspi --src 10.0.0.1 --dst 10.0.0.2 --proto esp --reqid 7 --min 0x1000 --max 0x1000)
tap_check "allocspi returns the only SPI of the range" test "$spi" = 0x00001000
tap_check "iproute2 sees the larval SA" \
	sh -c 'ip -n "$1" xfrm state | grep -q "proto esp spi 0x00001000 reqid 7 mode transport"' \
	- "$ns"
st=$(X state-get --dst 10.0.0.2 --proto esp --spi 0x1000)
tap_check "state-get reads it back with counters" test "$st" = \
	"src 10.0.0.1 dst 10.0.0.2 proto esp spi 0x00001000 mode transport reqid 7 replay 0 esn 0 flags 0x0 secs-limit 0/30 bytes=0 packets=0"
spi=$(X allocspi --src 10.0.0.1 --dst 10.0.0.2 --proto esp --min 0x1000 --max 0x1000)
tap_check "a taken range gives no SPI" test -z "$spi"
spi=$(X allocspi --src 10.0.0.1 --dst 10.0.0.5 --proto ah --min 0x2000 --max 0x2fff)
tap_check "AH SPI from a wider range" sh -c 'case "$1" in 0x00002???) ;; *) exit 1 ;; esac' - "$spi"
tap_check "state-dump lists SAs" test "$(X state-dump | grep -c 'spi 0x0000[12]')" -eq 2
X state-del --dst 10.0.0.2 --proto esp --spi 0x1000
tap_check "state-del removes it for iproute2" \
	sh -c '! ip -n "$1" xfrm state | grep -q "spi 0x00001000"' - "$ns"
X state-flush
tap_check "state-flush empties the SAD" test -z "$(ip -n "$ns" xfrm state)"

# ---- events: a policy with short lifetimes expires soft, then hard
ip netns exec "$ns" "$tool" monitor --count 2 --timeout 15 >"$ns.ev" 2>"$ns.mon" &
mon=$!
tap_cleanup "kill $mon; rm -f $ns.ev $ns.mon"
n=0
until grep -q ready "$ns.mon" 2>/dev/null || [ $n -ge 50 ]; do sleep 0.1; n=$((n + 1)); done
X policy-add --src 10.5.0.1 --dst 10.5.0.2 --dir out --soft-secs 1 --hard-secs 2
wait $mon
rc=$?
tap_check "monitor exits 0 after its two events" test $rc -eq 0
tap_check "soft policy expiry first" sh -c 'sed -n 1p "$1" |
	grep -qx "polexpire soft dir=out index=[0-9]* src=10.5.0.1/32 dst=10.5.0.2/32"' - "$ns.ev"
tap_check "then hard" sh -c 'sed -n 2p "$1" | grep -q "^polexpire hard dir=out .* src=10.5.0.1/32"' - "$ns.ev"
ip_lacks "a hard-expired policy is gone" "src 10.5.0.1/32"
ip netns exec "$ns" "$tool" monitor --count 1 --timeout 1 >/dev/null 2>&1
tap_check "monitor exits 1 on timeout" test $? -eq 1

tap_done
