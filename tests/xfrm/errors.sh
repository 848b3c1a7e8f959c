#!/bin/sh
# kernel-xfrm error paths and batches, in a private namespace, checked with iproute2.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/xfrm/lib.sh"

xfrm_setup

# expect_err DESC ERRNO ARGS...: xfrmtool exits 1 and names that negative errno.
expect_err() {
	desc=$1 want=$2; shift 2
	err=$(ip netns exec "$ns" "$tool" "$@" 2>&1)
	rc=$?
	case "$rc:$err" in
	1:*"error=$want "*) tap_ok "$desc" ;;
	*) tap_fail "$desc"; tap_diag "exit $rc, wanted error=$want: $err" ;;
	esac
}

X policy-add --src 10.0.0.1 --dst 10.0.0.2 --dir out --tmpl esp:transport:1
expect_err "adding the same policy twice gives -EEXIST" -17 \
	policy-add --src 10.0.0.1 --dst 10.0.0.2 --dir out --tmpl esp:transport:2
ip_has "the first policy stays as it was" "src 10.0.0.1/32 dst 10.0.0.2/32" "reqid 1 "
expect_err "deleting a missing policy gives -ENOENT" -2 \
	policy-del --src 10.0.0.9 --dst 10.0.0.2 --dir out
expect_err "getting a missing policy gives -ENOENT" -2 \
	policy-get --src 10.0.0.1 --dst 10.0.0.2 --dir in
expect_err "deleting by a missing index gives -ENOENT" -2 policy-del --dir out --index 8001

# Malformed objects never reach the kernel.  The kernel takes host bits and we do not,
# which shows the refusal is ours; it refuses prefix 33 too, so that case is also covered
# without a kernel by check_xfrm_codec.
expect_err "prefix 33 on IPv4 is refused" -22 policy-add --src 10.1.0.1/33 --dst 10.1.0.2 --dir out
expect_err "host bits beyond the prefix are refused" -22 \
	policy-add --src 10.1.0.1/24 --dst 10.1.0.2 --dir out
ip -n "$ns" xfrm policy add src 10.1.0.1/24 dst 10.1.0.2 dir out
ip_has "while the kernel itself would take them" "src 10.1.0.1/24 dst 10.1.0.2/32"
expect_err "a port without a protocol is refused" -22 \
	policy-add --src 10.1.0.3 --dst 10.1.0.4 --dport 80 --dir out
expect_err "a port outside its mask is refused" -22 \
	policy-add --src 10.1.0.3 --dst 10.1.0.4 --proto tcp --dport 81 --dport-mask 0xff00 --dir out
expect_err "an outbound tunnel without a remote end is refused" -22 \
	policy-add --src 10.1.0.5 --dst 10.1.0.6 --dir out --tmpl esp:tunnel:1:192.0.2.1-0.0.0.0
expect_err "an optional tunnel on an outbound policy is refused" -22 \
	policy-add --src 10.1.0.3 --dst 10.1.0.4 --dir out --tmpl esp:tunnel:1:192.0.2.1-192.0.2.2:optional
expect_err "an index of another direction is refused" -22 \
	policy-del --dir out --index 8000
ip_lacks "nothing of the refused policies arrived" "src 10.1.0.3/32"
expect_err "SPD thresholds beyond 32 bits on IPv4 are refused" -22 spd-set --v4 33:32 --v6 128:128

# ---- batches: each result maps back to its operation
X policy-flush
res=$(ip netns exec "$ns" "$tool" batch <<'OPS'
policy-add --src 10.2.0.1 --dst 10.2.0.2 --dir out
policy-add --src 10.2.0.3 --dst 10.2.0.4 --dir out --tmpl esp:transport:3
policy-add --src 10.2.0.1/33 --dst 10.2.0.2 --dir out
policy-add --src 10.2.0.1 --dst 10.2.0.2 --dir out
policy-del --src 10.2.9.9 --dst 10.2.0.2 --dir out
policy-add --src 10.2.0.5 --dst 10.2.0.6 --dir in --action block
OPS
)
rc=$?
tap_check "a batch with failures exits 1" test $rc -eq 1
tap_check "the duplicate add is op 2 with -EEXIST" \
	sh -c 'printf "%s\n" "$1" | grep -qx "op 2: error=-17 (File exists)"' - "$res"
tap_check "the missing delete is op 3 with -ENOENT" \
	sh -c 'printf "%s\n" "$1" | grep -qx "op 3: error=-2 (No such file or directory)"' - "$res"
tap_check "the malformed line was refused before queueing, taking no index" \
	sh -c 'printf "%s\n" "$1" | grep -qx "batch ops=5 failed=2 rejected=1"' - "$res"
tap_check "operations around the failures were applied" test "$(ip_count)" -eq 3
ip_has "the block policy after the failures is in" "src 10.2.0.5/32 dst 10.2.0.6/32" "action block"

# The first sends carry 8, 16 and 32 operations: duplicates on both sides of each edge
# (ops 7|8, 23|24, 55|56) must still be reported by their own index.
X policy-flush
i=0
while [ $i -lt 60 ]; do
	case $i in
	7 | 8 | 23 | 24 | 55 | 56) echo "policy-add --src 10.5.0.1 --dst 10.6.0.1 --dir out" ;;
	*) echo "policy-add --src 10.5.0.$((i + 2)) --dst 10.6.0.1 --dir out" ;;
	esac
	i=$((i + 1))
done >"$ns.edge"
tap_cleanup "rm -f $ns.edge"
res=$(ip netns exec "$ns" "$tool" batch <"$ns.edge")
tap_check "duplicates at the send edges: ops 8, 23, 24, 55, 56 failed, op 7 went in" \
	test "$(printf '%s\n' "$res" | tr '\n' ' ')" = \
	"op 8: error=-17 (File exists) op 23: error=-17 (File exists) op 24: error=-17 (File exists) op 55: error=-17 (File exists) op 56: error=-17 (File exists) batch ops=60 failed=5 rejected=0 "
tap_check "the other 55 are in" test "$(ip_count)" -eq 55

# Large enough to take several sendmsg calls; the duplicate sits in a later one.
X policy-flush
i=0
while [ $i -lt 3000 ]; do
	echo "policy-add --src 10.3.$((i / 256)).$((i % 256)) --dst 10.4.0.1 --dir out --tmpl esp:transport:$i"
	[ $i -eq 2500 ] && echo "policy-add --src 10.3.0.10 --dst 10.4.0.1 --dir out"
	i=$((i + 1))
done >"$ns.ops"
tap_cleanup "rm -f $ns.ops"
res=$(ip netns exec "$ns" "$tool" batch <"$ns.ops")
tap_check "3001 operations: only op 2501 failed, with -EEXIST" test "$res" = \
	"op 2501: error=-17 (File exists)
batch ops=3001 failed=1 rejected=0"
tap_check "iproute2 sees all 3000 policies" test "$(ip_count)" -eq 3000
ip_has "the last one carries its own reqid" "src 10.3.11.183/32 dst 10.4.0.1/32" "reqid 2999 "
sed 's/policy-add/policy-del/; s/ --tmpl.*//' "$ns.ops" | sed '2502d' >"$ns.del"
tap_cleanup "rm -f $ns.del"
res=$(ip netns exec "$ns" "$tool" batch <"$ns.del")
tap_check "3000 deletes in one batch" test "$res" = "batch ops=3000 failed=0 rejected=0"
tap_check "the SPD is empty again" test "$(ip_count)" -eq 0

tap_done
