#!/bin/sh
# esp-transport: two namespaces joined by veth, transport-mode ESP SAs and policies
# installed through our library; ping passes through ESP and the SA counters grow.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/vm/lib.sh"

a=10.61.1.1 b=10.61.1.2 t=esp:transport:11
vm_pair vmespa vmespb $a $b || { tap_fail "veth pair"; tap_done; exit 1; }
vm_hex 16; ek=$hex
vm_hex 32; ak=$hex
alg="--enc cbc(aes):$ek --auth hmac(sha256):$ak:128"
ab=$(vm_sa_op $a $b esp transport 11 0x00001101 $alg)
ba=$(vm_sa_op $b $a esp transport 11 0x00001102 $alg)
tap_check "install ESP transport SAs and policies in A" vm_commit vmespa "$ab
$ba
$(vm_pol_op $a $b out $t)
$(vm_pol_op $b $a in $t)"
tap_check "install ESP transport SAs and policies in B" vm_commit vmespb "$ab
$ba
$(vm_pol_op $b $a out $t)
$(vm_pol_op $a $b in $t)"
vm_traffic_checks "esp transport" vmespa vmespb $b $a $b $a esp 0x00001101 0x00001102
tap_done
