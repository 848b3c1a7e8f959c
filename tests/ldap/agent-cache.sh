#!/bin/sh
# The cache when the directory is down: a sound one is applied; a damaged one (a flipped
# byte, truncated, a wrong checksum, a changed policy with a fixed-up checksum, a wrong
# mode, another host's) is refused with a logged error and the local policy applies.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/ldap/agent-lib.sh"

dir_setup
dir_conf lab1
agent_start || { echo "Bail out! agent did not start"; exit 1; }
tap_check "a fetch writes the cache" test -s "$CACHE"
agent_stop
cp "$CACHE" "$tmp/good.cache"
slapd_stop
size=$(stat -c %s "$tmp/good.cache")

# try NAME EXPECTED-LOG-TEXT: starts the agent on $CACHE as prepared; local policy expected.
try() {
	: >"$tmp/log"
	agent_start || { tap_fail "$1: agent started"; return; }
	if is_local && test "$(status source_kind)" = local &&
	    grep -q "error: cache $CACHE.*$2" "$tmp/log"; then
		tap_ok "$1: refused with a logged error, the local policy applies"
	else
		tap_fail "$1: refused with a logged error, the local policy applies"
		tap_diag "$(cat "$tmp/log")"
	fi
	agent_stop
}
install_cache() { cp "$1" "$CACHE" && chmod 0600 "$CACHE"; }

install_cache "$tmp/good.cache"
agent_start || { echo "Bail out! agent did not start"; exit 1; }
tap_check "a sound cache: Lab Open in the kernel, source kind cache" \
	sh -c "ip -n $ns xfrm policy | grep -q 'dport 23 ' && test '$(status source_kind)' = cache"
agent_stop

cp "$tmp/good.cache" "$tmp/flip.cache"
printf 'X' | dd of="$tmp/flip.cache" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
tap_check "the flipped copy differs" sh -c "! cmp -s '$tmp/good.cache' '$tmp/flip.cache'"
install_cache "$tmp/flip.cache"
try "a flipped byte" "checksum mismatch"

head -c $((size - 40)) "$tmp/good.cache" >"$tmp/trunc.cache"
install_cache "$tmp/trunc.cache"
try "truncated" "truncated"

sed '$ s/^sha256 .*/sha256 0000000000000000000000000000000000000000000000000000000000000000/' \
	"$tmp/good.cache" >"$tmp/sum.cache"
install_cache "$tmp/sum.cache"
try "a wrong checksum" "checksum mismatch"

# The policy text changed and the file checksum made to fit: the inner digest catches it.
sed -e '$d' -e 's/^filter "" "any" "me" TCP 0 23 1$/filter "" "any" "me" TCP 0 24 1/' \
	"$tmp/good.cache" >"$tmp/body"
tap_check "the policy text was changed for the next test" sh -c "! cmp -s '$tmp/body' '$tmp/good.cache' && grep -q ' 24 1$' '$tmp/body'"
{ cat "$tmp/body"; printf 'sha256 %s\n' "$(sha256sum <"$tmp/body" | cut -d' ' -f1)"; } \
	>"$tmp/digest.cache"
install_cache "$tmp/digest.cache"
try "a changed policy with a matching checksum" "digest does not match"

install_cache "$tmp/good.cache"
chmod 0644 "$CACHE"
try "mode 0644" "mode 0600"

install_cache "$tmp/good.cache"
dir_conf lab2
try "another host's cache" "holds the policy of host lab1"
tap_done
