#!/bin/sh
# allocspi: XFRM_MSG_ALLOCSPI through our library returns SPIs inside the requested range,
# unique per destination, each backed by a larval state iproute2 can see, until the range
# is used up.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/vm/lib.sh"

ns=vmspi dst=10.61.4.1
vm_ns $ns || { tap_fail "create namespace $ns"; tap_done; exit 1; }

# A range of 16: sixteen allocations (distinct sources, so sixteen larval states) must
# return sixteen distinct SPIs from it, and a seventeenth must fail.
spis=""
bad=""
i=10
while [ $i -lt 26 ]; do
	s=$(x $ns allocspi --src 10.61.4.$i --dst $dst --proto esp --min 0x100 --max 0x10f 2>&1)
	case $s in
	0x00000[1][0][0-9a-f]) spis="$spis $s" ;;
	*) bad="$bad [10.61.4.$i: '$s']" ;;
	esac
	i=$((i + 1))
done
if [ -z "$bad" ]; then tap_ok "16 SPIs allocated in 0x100..0x10f, printed as 0x%08x"
else tap_fail "allocations outside the range or failed:$bad"; fi
u=$(echo $spis | tr ' ' '\n' | sort -u | wc -l)
if [ "$u" -eq 16 ]; then tap_ok "the 16 SPIs are distinct"
else tap_fail "only $u distinct SPIs:$spis"; fi
seen=$(ip -n $ns xfrm state list dst $dst proto esp | sed -n 's/.* spi \(0x[0-9a-f]*\).*/\1/p' |
	sort | tr '\n' ' ')
want=$(echo $spis | tr ' ' '\n' | sort | tr '\n' ' ')
if [ "$seen" = "$want" ]; then tap_ok "iproute2 sees a larval state for each SPI"
else tap_fail "iproute2 sees SPIs '$seen', allocated '$want'"; fi
if s=$(x $ns allocspi --src 10.61.4.99 --dst $dst --proto esp --min 0x100 --max 0x10f 2>&1); then
	tap_fail "allocation from an exhausted range succeeded ($s)"
else
	tap_ok "allocation from an exhausted range fails"
fi
s=$(x $ns allocspi --src 10.61.4.1 --dst 10.61.4.2 --proto esp --min 0xc0ffee --max 0xc0ffee)
if [ "$s" = 0x00c0ffee ]; then tap_ok "a one-SPI range returns that SPI"
else tap_fail "a one-SPI range 0xc0ffee returned '$s'"; fi
tap_done
