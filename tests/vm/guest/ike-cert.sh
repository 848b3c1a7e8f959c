#!/bin/sh
# ike-cert: Main Mode authenticated by certificates between ours (A: ipsecpold +
# ipsecpol-iked) and strongSwan's charon (B), with a CA and host certificates made by
# tests/ike/certgen.sh: ours initiating with RSA, strongSwan initiating to ours with ECDSA
# (P-256), each with a ping through ESP; then strongSwan presenting a certificate of another
# CA, which ours refuses (no SA, a log line naming the certificate and the reason).
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/vm/ikelab.sh"

o=$(ike_ours_built) || ike_bail "our programs are built" "$o"
ike_setup ikct
# The first SA of an algorithm in a fresh guest costs the kernel 8-30 s (crypto modules are
# loaded through modprobe), longer than a larval SA lives: pay it here, outside the test.
ip netns add ikctw && tap_cleanup "ip netns del ikctw 2>/dev/null"
ip -n ikctw xfrm state add src 192.0.2.9 dst 192.0.2.10 proto esp spi 0x100 mode transport \
	enc 'cbc(aes)' 0x00112233445566778899aabbccddeeff \
	auth-trunc 'hmac(sha1)' 0x00112233445566778899aabbccddeeff00112233 96 2>/dev/null
ip netns del ikctw 2>/dev/null
ike_cert_pki || ike_bail "certgen.sh makes the lab's PKI" "$(cat "$ike_dir/certgen.out")"
ike_swan_start "$ike_b" || ike_bail "charon starts in $ike_b" "$(ike_log "$ike_b")"
ike_cell_vars transport cbc nopfs
cell_salg=AES_CBC-128/HMAC_SHA1_96

# cert_cell LABEL FROM OURS_CERT SWAN_CERT: one negotiation started by a ping from FROM.
cert_cell() {
	label=$1
	start=none
	[ "$2" = b ] && start=trap
	if ! ike_cert_swan_load "$ike_b" "$4" "$3" "$start" >"$ike_dir/load.out" 2>&1; then
		tap_fail "$label: strongSwan loads certificate $4"
		tap_diag "$(cat "$ike_dir/load.out")"
		return 1
	fi
	if ! ike_cert_ours "$ike_a" "$3"; then
		tap_fail "$label: our agent starts with certificate $3"
		tap_diag "$(tail -n 20 "$ike_dir/$ike_a/agent.log")"
		return 1
	fi
	if ike_traffic "$label" "$2"; then
		case $(ike_swan "$ike_b" --list-sas 2>&1) in
		*"$cell_salg"*) tap_ok "$label: strongSwan lists the CHILD_SA" ;;
		*) tap_fail "$label: strongSwan lists the CHILD_SA"
		   tap_diag "$(ike_swan "$ike_b" --list-sas 2>&1)" ;;
		esac
		if grep -q "IKE SA established with $ike_b4 (ID C=CH, O=ipsecpol test, CN=$4)" \
		    "$ike_dir/$ike_a/agent.log"; then
			tap_ok "$label: ours logs the peer's certificate subject as its ID"
		else
			tap_fail "$label: ours logs the peer's certificate subject as its ID"
			tap_diag "$(grep 'Main Mode\|IKE SA' "$ike_dir/$ike_a/agent.log" | tail -n 5)"
		fi
		if grep -q "authentication of 'C=CH, O=ipsecpol test, CN=$3' with .* successful" \
		    "$ike_dir/$ike_b/charon.log"; then
			tap_ok "$label: strongSwan verified our signature"
		else
			tap_fail "$label: strongSwan verified our signature"
			tap_diag "$(grep 'authentication' "$ike_dir/$ike_b/charon.log" | tail -n 5)"
		fi
	else
		tap_diag "ours:" "$(tail -n 25 "$ike_dir/$ike_a/agent.log")" \
			"strongSwan:" "$(grep -v 'packet\|^ *[0-9]*: ' "$ike_dir/$ike_b/charon.log" | tail -n 25)"
	fi
}

cert_end() {
	ike_swan_rotate "$ike_b"
	ike_ours_stop "$ike_a"
	ike_swan_reset "$ike_b"
	ike_flush
}

cert_cell "ours->strongSwan, RSA certificates" a rsa-a rsa-b
cert_end
cert_cell "strongSwan->ours, ECDSA P-256 certificates" b ec-a ec-b
cert_end

# strongSwan presents a certificate of the other CA: ours refuses it.
label="ours->strongSwan, a certificate from another CA"
if ike_cert_swan_load "$ike_b" other-a rsa-a none >"$ike_dir/load.out" 2>&1 &&
   ike_cert_ours "$ike_a" rsa-a; then
	vm_in "$ike_a" busybox ping -q -c 1 -W 1 $ike_b4 >/dev/null 2>&1
	if ike_wait 30 grep -q "certificate 'C=CH, O=ipsecpol test, CN=other-a': refused: wrong CA" \
	    "$ike_dir/$ike_a/agent.log"; then
		tap_ok "$label: ours refuses it and logs the subject and the reason"
	else
		tap_fail "$label: ours refuses it and logs the subject and the reason"
		tap_diag "$(tail -n 20 "$ike_dir/$ike_a/agent.log")"
	fi
	n=$(ike_nsas "$ike_a")
	if [ "$n" = 0 ] && ! ike_ping1 "$ike_a" $ike_b4 $ike_a4; then
		tap_ok "$label: no SA, no traffic"
	else
		tap_fail "$label: no SA, no traffic ($n SAs)"
		tap_diag "$(ike_states "$ike_a")"
	fi
else
	tap_fail "$label: both sides load their configuration"
	tap_diag "$(cat "$ike_dir/load.out")" "$(tail -n 20 "$ike_dir/$ike_a/agent.log")"
fi
cert_end
tap_done
