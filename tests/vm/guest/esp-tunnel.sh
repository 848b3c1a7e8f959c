#!/bin/sh
# esp-tunnel: two namespaces whose inner networks (10.62.1.0/24, 10.62.2.0/24) reach each
# other through a tunnel-mode ESP SA (AES-GCM) between their veth addresses; traffic between
# the outer addresses stays outside the tunnel.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/vm/lib.sh"

a=10.61.3.1 b=10.61.3.2 ia=10.62.1.1 ib=10.62.2.1 na=10.62.1.0/24 nb=10.62.2.0/24
vm_pair vmtuna vmtunb $a $b &&
	printf 'addr add %s/32 dev lo\nroute add %s via %s src %s\n' $ia $nb $b $ia |
		ip -n vmtuna -batch - &&
	printf 'addr add %s/32 dev lo\nroute add %s via %s src %s\n' $ib $na $a $ib |
		ip -n vmtunb -batch - ||
	{ tap_fail "namespaces with inner networks"; tap_done; exit 1; }
vm_hex 20
ab=$(vm_sa_op $a $b esp tunnel 13 0x00001301 --aead "rfc4106(gcm(aes)):$hex:128")
ba=$(vm_sa_op $b $a esp tunnel 13 0x00001302 --aead "rfc4106(gcm(aes)):$hex:128")
tap_check "install ESP tunnel SAs and policies in A" vm_commit vmtuna "$ab
$ba
$(vm_pol_op $na $nb out esp:tunnel:13:$a-$b)
$(vm_pol_op $nb $na in esp:tunnel:13:$b-$a)"
tap_check "install ESP tunnel SAs and policies in B" vm_commit vmtunb "$ab
$ba
$(vm_pol_op $nb $na out esp:tunnel:13:$b-$a)
$(vm_pol_op $na $nb in esp:tunnel:13:$a-$b)"
tap_check "ping between the outer addresses passes in the clear" vm_ping vmtuna $b 2
p=$(ip_packets vmtuna $b esp 0x00001301)
if [ "$p" = 0 ]; then tap_ok "traffic outside the selectors stays out of the tunnel"
else tap_fail "the tunnel SA counted '$p' packets of traffic outside its policy"; fi
vm_traffic_checks "esp tunnel" vmtuna vmtunb $ib $ia $b $a esp 0x00001301 0x00001302
tap_done
