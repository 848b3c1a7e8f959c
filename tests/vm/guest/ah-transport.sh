#!/bin/sh
# ah-transport: as esp-transport, with AH hmac(sha256) SAs.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/vm/lib.sh"

a=10.61.2.1 b=10.61.2.2 t=ah:transport:12
vm_pair vmaha vmahb $a $b || { tap_fail "veth pair"; tap_done; exit 1; }
vm_hex 32
ab=$(vm_sa_op $a $b ah transport 12 0x00001201 --auth "hmac(sha256):$hex:128")
ba=$(vm_sa_op $b $a ah transport 12 0x00001202 --auth "hmac(sha256):$hex:128")
tap_check "install AH transport SAs and policies in A" vm_commit vmaha "$ab
$ba
$(vm_pol_op $a $b out $t)
$(vm_pol_op $b $a in $t)"
tap_check "install AH transport SAs and policies in B" vm_commit vmahb "$ab
$ba
$(vm_pol_op $b $a out $t)
$(vm_pol_op $a $b in $t)"
vm_traffic_checks "ah transport" vmaha vmahb $b $a $b $a ah 0x00001201 0x00001202
tap_done
