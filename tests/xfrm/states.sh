#!/bin/sh
# kernel-xfrm SAs against a kernel with ESP/AH (the VM lab runs this; the host kernel has no
# ESP, so there it skips): every algorithm family, ESN, NAT-T, lifetimes, update, ALLOCSPI
# then update, ping through ESP between two namespaces with counters read back, ACQUIRE,
# soft and hard EXPIRE, and a batch of SAs.  iproute2 is the independent reader.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/xfrm/lib.sh"

xfrm_setup
for m in xfrm_user esp4 esp6 ah4 xfrm_ipcomp ipcomp deflate authenc authencesn echainiv seqiv \
    gcm ctr ghash-generic veth; do
	modprobe "$m" 2>/dev/null
done
K16=00112233445566778899aabbccddeeff
K32=$K16$K16
esp="--enc cbc(aes):$K16 --auth hmac(sha256):$K32:128"
probe=$(X state-add --src 10.0.0.1 --dst 10.0.0.2 --proto esp --spi 0x100 $esp 2>&1)
case $probe in
*"error=-93 "*) tap_skip_all "the kernel has no ESP (the VM lab runs this test)" ;;
esac
X state-flush

# sa_has DESC SPI FRAGMENT...: the library's state-get line for SPI holds every fragment.
sa_has() {
	desc=$1 spi=$2; shift 2
	line=$(X state-get --dst 10.0.0.2 --proto "${proto:-esp}" --spi "$spi" 2>&1)
	for f in "$@"; do
		case $line in *"$f"*) ;; *) tap_fail "$desc"; tap_diag "$line" "wanted: $f"; return ;; esac
	done
	tap_ok "$desc"
}

# ip_sa SPI: iproute2's view of one SA, whitespace folded.
ip_sa() { ip -n "$ns" xfrm state get src 10.0.0.1 dst 10.0.0.2 proto "${proto:-esp}" spi "$1" | tr -s ' \t\n' ' '; }

tap_check "ESP cbc(aes) + hmac(sha256)" X state-add --src 10.0.0.1 --dst 10.0.0.2 \
	--proto esp --spi 0x101 --mode transport --reqid 1 $esp
sa_has "keys and truncation read back" 0x101 "enc cbc(aes):$K16" "auth hmac(sha256):$K32:128"
tap_check "iproute2 sees the same keys" sh -c 'case "$1" in
	*"auth-trunc hmac(sha256) 0x'$K32' 128"*"enc cbc(aes) 0x'$K16'"*) ;; *) exit 1 ;; esac' - "$(ip_sa 0x101)"
err=$(X state-add --src 10.0.0.1 --dst 10.0.0.2 --proto esp --spi 0x101 $esp 2>&1)
tap_check "the same SA twice gives -EEXIST" sh -c 'case "$1" in *"error=-17 "*) ;; *) exit 1 ;; esac' - "$err"

tap_check "AEAD rfc4106(gcm(aes)) with ESN and a 128-packet window" X state-add \
	--src 10.0.0.1 --dst 10.0.0.2 --proto esp --spi 0x102 --reqid 2 \
	--aead "rfc4106(gcm(aes)):${K16}01020304:128" --replay 128 --esn
sa_has "AEAD, ESN and window read back" 0x102 "replay 128 esn 1" \
	"aead rfc4106(gcm(aes)):${K16}01020304:128"
tap_check "iproute2 sees ESN" sh -c 'case "$1" in *"flag esn"*"replay_window 128"*) ;;
	*) exit 1 ;; esac' - "$(ip_sa 0x102)"

tap_check "AH hmac(sha1) 96" X state-add --src 10.0.0.1 --dst 10.0.0.2 --proto ah \
	--spi 0x103 --reqid 3 --auth "hmac(sha1):${K16}00112233:96"
proto=ah sa_has "AH reads back" 0x103 "proto ah" "auth hmac(sha1):${K16}00112233:96"

tap_check "tunnel mode with byte and time limits" X state-add --src 10.0.0.1 \
	--dst 10.0.0.2 --proto esp --spi 0x104 --mode tunnel --reqid 4 --enc "cbc(aes):$K32" \
	--auth "hmac(sha512):$K32$K32:256" --soft-bytes 1000 --hard-bytes 2000 \
	--soft-secs 100 --hard-secs 200
sa_has "tunnel and limits read back" 0x104 "mode tunnel" "bytes-limit 1000/2000" \
	"secs-limit 100/200"
tap_check "update replaces the limits" X state-update --src 10.0.0.1 --dst 10.0.0.2 \
	--proto esp --spi 0x104 --mode tunnel --reqid 4 --enc "cbc(aes):$K32" \
	--auth "hmac(sha512):$K32$K32:256" --hard-secs 300
sa_has "the updated SA" 0x104 "secs-limit 0/300"

tap_check "NAT-T UDP encapsulation" X state-add --src 10.0.0.1 --dst 10.0.0.2 --proto esp \
	--spi 0x105 --reqid 5 $esp --encap 4500:4501
tap_check "iproute2 sees the encapsulation" sh -c 'case "$1" in
	*"encap type espinudp sport 4500 dport 4501"*) ;; *) exit 1 ;; esac' - "$(ip_sa 0x105)"

spi=$(X allocspi --src 10.0.0.1 --dst 10.0.0.2 --proto esp --reqid 9 --min 0x200 --max 0x2ff)
tap_check "ALLOCSPI in range" sh -c 'case "$1" in 0x000002??) ;; *) exit 1 ;; esac' - "$spi"
tap_check "the larval SA filled by update" X state-update --src 10.0.0.1 --dst 10.0.0.2 \
	--proto esp --spi "$spi" --reqid 9 $esp
sa_has "filled SA reads back" "$spi" "reqid 9" "enc cbc(aes):$K16"

err=$(X state-add --src 10.0.0.1 --dst 10.0.0.2 --proto esp --spi 0x199 \
	--enc "cbc(aes):0011" --auth "hmac(sha256):$K32:128" 2>&1)
tap_check "a bad key size is the kernel's -EINVAL" sh -c 'case "$1" in *"error=-22 "*) ;;
	*) exit 1 ;; esac' - "$err"
err=$(X state-del --dst 10.0.0.2 --proto esp --spi 0x999 2>&1)
tap_check "deleting a missing SA is the kernel's -ESRCH" sh -c 'case "$1" in
	*"error=-3 "*) ;; *) exit 1 ;; esac' - "$err"
tap_check "IPv6 ESP in tunnel mode" X state-add --src 2001:db8::1 --dst 2001:db8::2 \
	--proto esp --spi 0x106 --mode tunnel --reqid 6 $esp
tap_check "iproute2 sees the IPv6 SA" sh -c 'ip -n "$1" xfrm state get src 2001:db8::1 \
	dst 2001:db8::2 proto esp spi 0x106 | grep -q "mode tunnel"' - "$ns"
# Transport mode: in tunnel mode the kernel adds an IPIP SA of its own beside it.
tap_check "IPComp deflate" X state-add --src 10.0.0.1 --dst 10.0.0.2 --proto comp \
	--spi 0x4000 --reqid 7 --comp deflate
proto=comp sa_has "IPComp reads back" 0x4000 "proto comp" "comp deflate"
tap_check "state-dump lists 8 SAs" test "$(X state-dump | wc -l)" -eq 8
X state-flush
tap_check "flush empties the SAD" test -z "$(ip -n "$ns" xfrm state)"

# ---- traffic between two namespaces through SAs and policies of the library
nb=$ns-b
ip netns add "$nb" && tap_cleanup "ip netns del $nb"
ip link add va netns "$ns" type veth peer name vb netns "$nb"
ip -n "$ns" addr add 10.0.0.1/24 dev va && ip -n "$ns" link set va up
ip -n "$nb" addr add 10.0.0.2/24 dev vb && ip -n "$nb" link set vb up
ip -n "$nb" link set lo up
for n in "$ns" "$nb"; do
	ip netns exec "$n" "$tool" state-add --src 10.0.0.1 --dst 10.0.0.2 --proto esp \
		--spi 0x1001 --reqid 1 $esp
	ip netns exec "$n" "$tool" state-add --src 10.0.0.2 --dst 10.0.0.1 --proto esp \
		--spi 0x1002 --reqid 1 $esp
done
X policy-add --src 10.0.0.1 --dst 10.0.0.2 --dir out --tmpl esp:transport:1
X policy-add --src 10.0.0.2 --dst 10.0.0.1 --dir in --tmpl esp:transport:1
ip netns exec "$nb" "$tool" policy-add --src 10.0.0.2 --dst 10.0.0.1 --dir out --tmpl esp:transport:1
ip netns exec "$nb" "$tool" policy-add --src 10.0.0.1 --dst 10.0.0.2 --dir in --tmpl esp:transport:1
ping=ping
command -v ping >/dev/null || ping="busybox ping"
tap_check "ping passes through ESP" ip netns exec "$ns" $ping -c 3 -W 2 10.0.0.2
sa_has "the outbound SA counted the packets" 0x1001 "packets=3"
tap_check "the peer's inbound SA counted them too" sh -c 'ip netns exec "$1" "$2" state-get \
	--dst 10.0.0.2 --proto esp --spi 0x1001 | grep -q "packets=3$"' - "$nb" "$tool"

# ---- events
ip netns exec "$ns" "$tool" monitor --count 1 --timeout 10 >"$ns.acq" 2>"$ns.mon" &
mon=$!
tap_cleanup "kill $mon; rm -f $ns.acq $ns.mon $ns.exp $ns.mon2 $ns.batch"
n=0
until grep -q ready "$ns.mon" 2>/dev/null || [ $n -ge 50 ]; do sleep 0.1; n=$((n + 1)); done
X policy-add --src 10.0.0.1 --dst 10.0.0.3 --dir out --tmpl esp:transport:42
ip netns exec "$ns" $ping -c 1 -W 1 10.0.0.3 >/dev/null 2>&1
wait $mon
tap_check "ACQUIRE for a policy without SA" grep -q \
	"^acquire src=10.0.0.1 dst=10.0.0.3 proto=esp reqid=42 " "$ns.acq"

ip netns exec "$ns" "$tool" monitor --count 2 --timeout 20 >"$ns.exp" 2>"$ns.mon2" &
mon=$!
n=0
until grep -q ready "$ns.mon2" 2>/dev/null || [ $n -ge 50 ]; do sleep 0.1; n=$((n + 1)); done
X state-add --src 10.0.0.1 --dst 10.0.0.9 --proto esp --spi 0x3001 --reqid 7 $esp \
	--soft-secs 2 --hard-secs 4
wait $mon
tap_check "soft EXPIRE" grep -q "^expire soft spi=0x00003001 proto=esp " "$ns.exp"
tap_check "hard EXPIRE" grep -q "^expire hard spi=0x00003001 proto=esp " "$ns.exp"

# ---- a batch of SAs: the duplicate is reported by its index
for i in 1 2 3 4 5 1; do
	echo "state-add --src 10.0.0.1 --dst 10.0.0.5 --proto esp --spi 0x500$i --reqid 1 $esp"
done >"$ns.batch"
echo "state-del --dst 10.0.0.5 --proto esp --spi 0x5002" >>"$ns.batch"
res=$(ip netns exec "$ns" "$tool" batch <"$ns.batch")
tap_check "batch of SAs: op 5 (the duplicate) failed alone" test "$res" = \
	"op 5: error=-17 (File exists)
batch ops=7 failed=1 rejected=0"
tap_check "four SAs of the batch remain" \
	test "$(ip -n "$ns" xfrm state | grep -c 'dst 10.0.0.5')" -eq 4

tap_done
