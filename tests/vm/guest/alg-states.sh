#!/bin/sh
# alg-states: a state of every algorithm family the IKE module uses is added through our
# library and read back by iproute2 with the same algorithm, key and ICV/truncation length;
# delete and flush remove them; a key of the wrong length is refused.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/vm/lib.sh"

ns=vmalg src=10.61.0.1 dst=10.61.0.2
vm_ns $ns || { tap_fail "create namespace $ns"; tap_done; exit 1; }

# All combinations go to the kernel in one library batch (a process start costs a lot
# under an emulated CPU); one iproute2 dump is then checked against each of them.
# ops holds the batch lines, checks "SPI<TAB>NAME<TAB>EXPECTED-LINE" rows.
tab=$(printf '\t')
ops="" checks="" spi=4096 count=0

# state NAME PROTO EXPECTED-LINE... -- XFRMTOOL-ALG-ARGS...: one algorithm combination.
state() {
	name=$1 proto=$2; shift 2
	spi=$((spi + 1)); hspi=$(printf '0x%08x' $spi); count=$((count + 1))
	while [ "$1" != -- ]; do checks="$checks$hspi$tab$name$tab$1
"; shift; done
	shift
	ops="${ops}state-add --src $src --dst $dst --proto $proto --spi $hspi --mode transport --reqid 1 $*
"
}

# Key bytes and the truncation the IKE module uses for each hash (RFC 2404, RFC 4868).
hashes="sha1:20:96 sha256:32:128 sha384:48:192 sha512:64:256"
for aes in 128 192 256; do
	vm_hex $((aes / 8)); ek=$hex
	for h in $hashes; do
		hn=${h%%:*} r=${h#*:}; hb=${r%%:*}; tb=${r#*:}
		vm_hex "$hb"; ak=$hex
		state "esp cbc(aes)-$aes hmac($hn)-$tb" esp \
			"enc cbc(aes) 0x$ek" "auth-trunc hmac($hn) 0x$ak $tb" -- \
			--enc "cbc(aes):$ek" --auth "hmac($hn):$ak:$tb"
	done
done
vm_hex 24; ek=$hex
for h in sha1:20:96 sha256:32:128; do
	hn=${h%%:*} r=${h#*:}; hb=${r%%:*}; tb=${r#*:}
	vm_hex "$hb"; ak=$hex
	state "esp cbc(des3_ede) hmac($hn)-$tb" esp \
		"enc cbc(des3_ede) 0x$ek" "auth-trunc hmac($hn) 0x$ak $tb" -- \
		--enc "cbc(des3_ede):$ek" --auth "hmac($hn):$ak:$tb"
done
# RFC 4106 keys carry a 4-byte salt after the AES key.
for aes in 128 256; do
	vm_hex $((aes / 8 + 4)); k=$hex
	state "esp rfc4106(gcm(aes))-$aes icv-128" esp \
		"aead rfc4106(gcm(aes)) 0x$k 128" -- --aead "rfc4106(gcm(aes)):$k:128"
done
for h in sha1:20:96 sha256:32:128; do
	hn=${h%%:*} r=${h#*:}; hb=${r%%:*}; tb=${r#*:}
	vm_hex "$hb"; ak=$hex
	state "esp ecb(cipher_null) hmac($hn)-$tb" esp \
		"enc ecb(cipher_null)" "auth-trunc hmac($hn) 0x$ak $tb" -- \
		--enc "ecb(cipher_null):" --auth "hmac($hn):$ak:$tb"
done
for h in $hashes; do
	hn=${h%%:*} r=${h#*:}; hb=${r%%:*}; tb=${r#*:}
	vm_hex "$hb"; ak=$hex
	state "ah hmac($hn)-$tb" ah "auth-trunc hmac($hn) 0x$ak $tb" -- --auth "hmac($hn):$ak:$tb"
done

if out=$(printf '%s' "$ops" | x_batch $ns 2>&1); then
	tap_ok "$count states of every algorithm family added in one batch"
else
	tap_fail "batch of $count states"; tap_diag "$out"
fi

# The dump, flattened to "SPI<TAB>LINE" rows, holds each expected line under its SPI.
dump=$(ip -n $ns xfrm state list | awk '
	/^src / { next }
	/ spi 0x/ { for (i = 1; i < NF; i++) if ($i == "spi") spi = $(i + 1) }
	{ sub(/^[ \t]+/, ""); sub(/[ \t]+$/, ""); print spi "\t" $0 }')
last="" missing=""
report() {
	[ -n "$last" ] || return 0
	if [ -z "$missing" ]; then tap_ok "$last: read back by iproute2 with the same key"
	else tap_fail "$last: not read back as added"; tap_diag "$missing"; fi
	missing=""
}
while IFS="$tab" read -r hspi name line; do
	[ -n "$hspi" ] || continue
	[ "$name" = "$last" ] || { report; last=$name; }
	case "
$dump
" in
	*"
$hspi$tab$line
"*) ;;
	*) missing="$missing
expected under spi $hspi: $line" ;;
	esac
done <<EOT
$checks
EOT
report

if x $ns state-del --src $src --dst $dst --proto esp --spi 0x00001001 &&
    ! ip -n $ns xfrm state get dst $dst proto esp spi 0x00001001 >/dev/null 2>&1; then
	tap_ok "state-del removes one state"
else
	tap_fail "state-del did not remove esp 0x00001001"
fi
n=$(ip -n $ns xfrm state list | grep -c '^src')
tap_check "state-flush" x $ns state-flush
m=$(ip -n $ns xfrm state list | grep -c '^src')
if [ "$n" -eq $((count - 1)) ] && [ "$m" -eq 0 ]; then
	tap_ok "$n states before the flush, none after"
else
	tap_fail "$n states before the flush (expected $((count - 1))), $m after (expected 0)"
fi

# The kernel, not only the tool, must refuse a key AES cannot take.
vm_hex 15; ek=$hex
vm_hex 20; ak=$hex
if x $ns state-add --src $src --dst $dst --proto esp --spi 0x00003000 --mode transport \
    --reqid 1 --enc "cbc(aes):$ek" --auth "hmac(sha1):$ak:96" >/dev/null 2>&1; then
	tap_fail "cbc(aes) with a 15-byte key is refused"
else
	tap_ok "cbc(aes) with a 15-byte key is refused"
fi
n=$(ip -n $ns xfrm state list | grep -c '^src')
if [ "$n" -eq 0 ]; then tap_ok "the refused state was not left behind"
else tap_fail "$n states left behind"; fi
tap_done
