#!/bin/sh
# esp-tunnel: two namespaces whose inner networks (10.62.1.0/24, 10.62.2.0/24) reach each
# other through a tunnel-mode ESP SA between their veth addresses; traffic between the
# outer addresses stays outside the tunnel.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/vm/lib.sh"

a=10.61.3.1 b=10.61.3.2 ia=10.62.1.1 ib=10.62.2.1 na=10.62.1.0/24 nb=10.62.2.0/24
vm_pair vmtuna vmtunb $a $b &&
	ip -n vmtuna addr add $ia/32 dev lo && ip -n vmtunb addr add $ib/32 dev lo &&
	ip -n vmtuna route add $nb via $b src $ia && ip -n vmtunb route add $na via $a src $ib ||
	{ tap_fail "namespaces with inner networks"; tap_done; exit 1; }
tap_check "install ESP tunnel SAs" vm_sa_pair vmtuna vmtunb $a $b esp tunnel 13 \
	0x00001301 0x00001302 --aead "rfc4106(gcm(aes)):$(vm_hex 20):128"
tap_check "install tunnel policies in A" vm_policy_pair vmtuna $na $nb \
	esp:tunnel:13:$a-$b esp:tunnel:13:$b-$a
tap_check "install tunnel policies in B" vm_policy_pair vmtunb $nb $na \
	esp:tunnel:13:$b-$a esp:tunnel:13:$a-$b
tap_check "ping between the outer addresses passes in the clear" vm_ping vmtuna $b 2
p=$(ip_packets vmtuna $b esp 0x00001301)
if [ "$p" = 0 ]; then tap_ok "traffic outside the selectors stays out of the tunnel"
else tap_fail "the tunnel SA counted $p packets of traffic outside its policy"; fi
vm_traffic_checks "esp tunnel" vmtuna vmtunb $ib $ia $b $a esp 0x00001301 0x00001302
tap_done
