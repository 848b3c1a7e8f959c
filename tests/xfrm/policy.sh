#!/bin/sh
# kernel-xfrm policies in a private network namespace, with iproute2 as the independent
# reader: what the library writes, `ip xfrm policy` must show, and what iproute2 writes, the
# library must read back.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/xfrm/lib.sh"

xfrm_setup

# ---- every shape, written by the library, read by iproute2

X policy-add --src 10.0.0.1 --dst 10.0.0.2 --dir out
ip_has "v4 host pair, out" "src 10.0.0.1/32 dst 10.0.0.2/32" "dir out priority 0 ptype" \
	"priority 0"

X policy-add --src 10.1.0.0/16 --dst 10.2.0.0/24 --proto tcp --sport 80 --dport 443 \
	--dir in --prio 500
ip_has "v4 subnets, tcp ports, priority, in" \
	"src 10.1.0.0/16 dst 10.2.0.0/24 proto tcp sport 80 dport 443" "dir in" "priority 500"

X policy-add --src 2001:db8:1::/48 --dst 2001:db8:2::1 --proto udp --dport 500 --dir fwd
ip_has "v6, udp destination port only, fwd" \
	"src 2001:db8:1::/48 dst 2001:db8:2::1/128 proto udp dport 500" "dir fwd"

X policy-add --src 10.3.0.1 --dst 10.3.0.2 --dir out --action block --prio 10
ip_has "block" "src 10.3.0.1/32 dst 10.3.0.2/32" "dir out action block" "priority 10"

X policy-add --src 10.4.0.1 --dst 10.4.0.2 --dir out --dev lo
ip_has "interface" "src 10.4.0.1/32 dst 10.4.0.2/32 dev lo" "dir out"

X policy-add --src 10.5.0.1 --dst 10.5.0.2 --dir out --mark 0x10/0xff
ip_has "mark" "src 10.5.0.1/32 dst 10.5.0.2/32" "mark 0x10/0xff"

X policy-add --src 10.6.0.1 --dst 10.6.0.2 --proto icmp --sport 3 --dport 1 --dir out
ip_has "icmp type and code" "src 10.6.0.1/32 dst 10.6.0.2/32 proto icmp type 3 code 1"

X policy-add --src 10.7.0.1 --dst 10.7.0.2 --dir out --tmpl esp:transport:5
ip_has "ESP transport template" "src 10.7.0.1/32 dst 10.7.0.2/32" \
	"tmpl src 0.0.0.0 dst 0.0.0.0 proto esp reqid 5 mode transport"

X policy-add --src 10.8.0.0/24 --dst 10.9.0.0/24 --dir out \
	--tmpl esp:tunnel:7:192.0.2.1-192.0.2.2
ip_has "ESP tunnel template" "src 10.8.0.0/24 dst 10.9.0.0/24" \
	"tmpl src 192.0.2.1 dst 192.0.2.2 proto esp reqid 7 mode tunnel"

X policy-add --src 10.9.0.0/24 --dst 10.8.0.0/24 --dir in \
	--tmpl ah:transport:1 --tmpl esp:tunnel:2:192.0.2.2-192.0.2.1:optional \
	--tmpl comp:transport:3
ip_has "three templates, optional tunnel, in" "src 10.9.0.0/24 dst 10.8.0.0/24" \
	"proto ah reqid 1 mode transport" \
	"tmpl src 192.0.2.2 dst 192.0.2.1 proto esp reqid 2 mode tunnel level use" \
	"proto comp reqid 3 mode transport"

# The local end of a tunnel may be left to the kernel (it picks it by route).
X policy-add --src 10.8.1.0/24 --dst 10.9.1.0/24 --dir out \
	--tmpl esp:tunnel:8:0.0.0.0-192.0.2.2
ip_has "ESP tunnel template with a wildcard local end" "src 10.8.1.0/24 dst 10.9.1.0/24" \
	"tmpl src 0.0.0.0 dst 192.0.2.2 proto esp reqid 8 mode tunnel"

X policy-add --src 2001:db8::1 --dst 2001:db8::2 --dir out \
	--tmpl esp:tunnel:4:2001:db8:ffff::1-2001:db8:ffff::2
ip_has "v6 tunnel template" "src 2001:db8::1/128 dst 2001:db8::2/128" \
	"tmpl src 2001:db8:ffff::1 dst 2001:db8:ffff::2 proto esp reqid 4 mode tunnel"

X policy-add --src 10.10.0.1 --dst 10.10.0.2 --dir out --soft-secs 100 --hard-secs 200 \
	--hard-bytes 5000 --soft-packets 7
IPS=-s ip_has "lifetimes" "src 10.10.0.1/32 dst 10.10.0.2/32" "limit: soft (INF)(bytes), hard 5000(bytes)" \
	"limit: soft 7(packets), hard (INF)(packets)" "expire add: soft 100(sec), hard 200(sec)"

X policy-add --src 10.11.0.1 --dst 10.11.0.2 --dir out --index 801
IPS=-s ip_has "an index chosen by the caller" "src 10.11.0.1/32 dst 10.11.0.2/32" "index 801 "

tap_check "library and iproute2 count the same policies" \
	test "$(X policy-dump | wc -l)" -eq "$(ip_count)"
tap_check "14 policies in all" test "$(ip_count)" -eq 14

# ---- written by iproute2, read by the library

ip -n "$ns" xfrm policy add src 10.20.0.0/16 dst 10.21.0.1/32 proto udp sport 53 dir out \
	priority 7 mark 3 mask 0xf tmpl src 192.0.2.9 dst 192.0.2.10 proto esp mode tunnel reqid 9
out=$(X policy-get --src 10.20.0.0/16 --dst 10.21.0.1 --proto udp --sport 53 --dir out \
	--mark 3/0xf | sed 's/ index [0-9]*//')
tap_check "library reads what iproute2 wrote" test "$out" = \
	"src 10.20.0.0/16 dst 10.21.0.1/32 proto 17 sport 53/0xffff dir out action allow prio 7 mark 0x3/0xf tmpl esp:tunnel:9:192.0.2.9-192.0.2.10"
ip -n "$ns" xfrm policy add src 2001:db8:5::/64 dst ::/0 dir in action block priority 3
out=$(X policy-dump | grep '^src 2001:db8:5::/64' | sed 's/ index [0-9]*//')
tap_check "library dump has iproute2's v6 block policy" test "$out" = \
	"src 2001:db8:5::/64 dst ::/0 dir in action block prio 3"

# ---- update, delete, flush

X policy-update --src 10.0.0.1 --dst 10.0.0.2 --dir out --prio 42 --tmpl esp:transport:8
ip_has "update replaces priority and templates" "src 10.0.0.1/32 dst 10.0.0.2/32" \
	"priority 42" "proto esp reqid 8 mode transport"
ip_lacks "update leaves no old copy" "src 10.0.0.1/32 dst 10.0.0.2/32" "priority 0 "
X policy-update --src 10.30.0.1 --dst 10.30.0.2 --dir in
ip_has "update creates a missing policy" "src 10.30.0.1/32 dst 10.30.0.2/32" "dir in"

X policy-del --src 10.1.0.0/16 --dst 10.2.0.0/24 --proto tcp --sport 80 --dport 443 --dir in
ip_lacks "delete by selector" "src 10.1.0.0/16 dst 10.2.0.0/24"
idx=$(X policy-get --src 10.3.0.1 --dst 10.3.0.2 --dir out | sed 's/.* index \([0-9]*\).*/\1/')
X policy-del --dir out --index "$idx"
ip_lacks "delete by index" "src 10.3.0.1/32 dst 10.3.0.2/32"
X policy-del --src 10.5.0.1 --dst 10.5.0.2 --dir out --mark 0x10/0xff
ip_lacks "delete with mark" "src 10.5.0.1/32 dst 10.5.0.2/32"

X policy-flush
tap_check "flush empties the SPD" test "$(ip_count)" -eq 0
tap_check "library dump of an empty SPD" test -z "$(X policy-dump)"

tap_done
