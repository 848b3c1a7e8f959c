#!/bin/sh
# allocspi: XFRM_MSG_ALLOCSPI through our library returns SPIs inside the requested range,
# unique per destination, each backed by a larval state iproute2 can see; a one-SPI range
# yields that SPI and an inverted range is refused.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/vm/lib.sh"

ns=vmspi dst=10.61.4.1
vm_ns $ns || { tap_fail "create namespace $ns"; tap_done; exit 1; }

# Eight allocations from distinct sources (eight larval states) toward one destination.
# (The kernel probes the range at random, so filling a range exactly is not promised.)
spis="" bad=""
for i in 10 11 12 13 14 15 16 17; do
	s=$(x $ns allocspi --src 10.61.4.$i --dst $dst --proto esp --min 0x200 --max 0x2ff 2>&1)
	case $s in
	0x000002[0-9a-f][0-9a-f]) spis="$spis $s" ;;
	*) bad="$bad [10.61.4.$i: '$s']" ;;
	esac
done
if [ -z "$bad" ]; then tap_ok "8 SPIs allocated in 0x200..0x2ff, printed as 0x%08x"
else tap_fail "allocations outside the range or failed:$bad"; fi
u=$(echo $spis | tr ' ' '\n' | sort -u | wc -l)
if [ "$u" -eq 8 ]; then tap_ok "the 8 SPIs are distinct"
else tap_fail "only $u distinct SPIs:$spis"; fi
seen=$(ip -n $ns xfrm state list dst $dst proto esp |
	sed -n 's/.* spi \(0x[0-9a-f]*\).*/\1/p' | sort | tr '\n' ' ')
want=$(echo $spis | tr ' ' '\n' | sort | tr '\n' ' ')
if [ "$seen" = "$want" ]; then tap_ok "iproute2 sees a larval state for each SPI"
else tap_fail "iproute2 sees SPIs '$seen', allocated '$want'"; fi
s=$(x $ns allocspi --src 10.61.4.1 --dst 10.61.4.2 --proto esp --min 0xc0ffee --max 0xc0ffee)
if [ "$s" = 0x00c0ffee ]; then tap_ok "a one-SPI range returns that SPI"
else tap_fail "a one-SPI range 0xc0ffee returned '$s'"; fi
if s=$(x $ns allocspi --src 10.61.4.1 --dst 10.61.4.3 --proto esp --min 0x300 --max 0x2ff 2>&1)
then tap_fail "an inverted range 0x300..0x2ff was accepted ($s)"
else tap_ok "an inverted range is refused"; fi
tap_done
