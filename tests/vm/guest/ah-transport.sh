#!/bin/sh
# ah-transport: as esp-transport, with AH hmac(sha256) SAs.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/vm/lib.sh"

a=10.61.2.1 b=10.61.2.2
vm_pair vmaha vmahb $a $b || { tap_fail "veth pair"; tap_done; exit 1; }
tap_check "install AH transport SAs" vm_sa_pair vmaha vmahb $a $b ah transport 12 \
	0x00001201 0x00001202 --auth "hmac(sha256):$(vm_hex 32):128"
tap_check "install policies in A" vm_policy_pair vmaha $a $b ah:transport:12 ah:transport:12
tap_check "install policies in B" vm_policy_pair vmahb $b $a ah:transport:12 ah:transport:12
vm_traffic_checks "ah transport" vmaha vmahb $b $a $b $a ah 0x00001201 0x00001202
tap_done
