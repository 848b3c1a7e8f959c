#!/bin/sh
# esp-transport: two namespaces joined by veth, transport-mode ESP SAs and policies
# installed through our library; ping passes through ESP and the SA counters grow.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/vm/lib.sh"

a=10.61.1.1 b=10.61.1.2
vm_pair vmespa vmespb $a $b || { tap_fail "veth pair"; tap_done; exit 1; }
alg="--enc cbc(aes):$(vm_hex 16) --auth hmac(sha256):$(vm_hex 32):128"
# shellcheck disable=SC2086
tap_check "install ESP transport SAs" vm_sa_pair vmespa vmespb $a $b esp transport 11 \
	0x00001101 0x00001102 $alg
tap_check "install policies in A" vm_policy_pair vmespa $a $b esp:transport:11 esp:transport:11
tap_check "install policies in B" vm_policy_pair vmespb $b $a esp:transport:11 esp:transport:11
vm_traffic_checks "esp transport" vmespa vmespb $b $a $b $a esp 0x00001101 0x00001102
tap_done
