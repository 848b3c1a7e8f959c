#!/bin/sh
# ike-fail: negotiations that must fail, and fail cleanly, between ours (A) and strongSwan
# (B): a Quick Mode proposal mismatch and a Main Mode proposal mismatch (charon initiates,
# so ours knows both sides' offers: its log must name them), then a wrong preshared key
# each way.  After each: no SA with an SPI on either side, and traffic that the policy
# says to protect is not answered in the clear.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/vm/ikelab.sh"

o=$(ike_ours_built) || ike_bail "our programs are built (ike/ipsecpol-iked comes with issue #7)" "$o"
ike_setup ikfa
who=fail
ike_swan_start "$ike_b" || ike_bail "charon starts in $ike_b" "$(ike_log "$ike_b")"

# fail_setup LABEL OURS-PSK SWAN-PSK START: ours on its store, charon loaded; the cell's
# proposals may have been changed after ike_cell_vars.
fail_setup() {
	ike_ours_stop "$ike_a"
	: >"$ike_dir/$ike_a/agent.log"
	o=$(ike_ours_policy "$ike_a" a "$2" 2>&1) &&
	o=$(ike_swan_load "$ike_b" b "$3" "$4" 2>&1) &&
	ike_ours_start "$ike_a" && return 0
	tap_fail "$1: set up"
	tap_diag "$o" "$(tail -n 20 "$ike_dir/$ike_a/agent.log")"
	return 1
}

# no_sa LABEL: neither side holds an SA with an SPI, and a ping each way goes unanswered.
no_sa() {
	na=$(ike_nsas "$ike_a") nb=$(ike_nsas "$ike_b")
	if [ "$na" = 0 ] && [ "$nb" = 0 ]; then
		tap_ok "$1: no SA installed on either side"
	else
		tap_fail "$1: SAs installed: ours $na, strongSwan $nb"
		tap_diag "$(ike_states "$ike_a")" "$(ike_states "$ike_b")"
	fi
	if ike_ping1 "$ike_a" "$cell_b" "$cell_a" || ike_ping1 "$ike_b" "$cell_a" "$cell_b"; then
		tap_fail "$1: a ping between the hosts was answered (in the clear?)"
	else
		tap_ok "$1: pings between the hosts go unanswered"
	fi
}

# ours_log_names LABEL ERE1 ERE2: one line of our log matches both (case-insensitive).
ours_log_names() {
	if grep -i -E "$2" "$ike_dir/$ike_a/agent.log" | grep -q -i -E "$3"; then
		tap_ok "$1: our log names both sides' offers"
		tap_diag "$(grep -i -E "$2" "$ike_dir/$ike_a/agent.log" | grep -i -E "$3" | head -n 2)"
	else
		tap_fail "$1: our log has no line naming both sides' offers (/$2/ and /$3/)"
		tap_diag "$(tail -n 15 "$ike_dir/$ike_a/agent.log")"
	fi
}

# swan_initiate_fails LABEL: charon's initiation fails (it gives up or is refused).
swan_initiate_fails() {
	if ike_swan "$ike_b" --initiate --child lab --timeout "$IKE_NEG_SECS" >"$ike_dir/init.out" 2>&1; then
		tap_fail "$1: strongSwan's initiation succeeded"
	else
		tap_ok "$1: strongSwan's initiation fails"
	fi
	tap_diag "$(grep -E 'NO_PROPOSAL|no .*proposal|AUTHENTICATION_FAILED|failed|giving up' \
		"$ike_dir/init.out" "$ike_dir/$ike_b/charon.log" 2>/dev/null | grep -v '^ *[0-9]*:' | head -n 4)"
}

# 1. Quick Mode: ours offers AES-128/SHA-1, charon 3DES/SHA-256 only.
ike_cell_vars transport cbc nopfs
swan_esp=3des-sha256
label="quick mode mismatch (ours AES128/SHA1, strongSwan 3DES/SHA256)"
if fail_setup "$label" "$IKE_PSK" "$IKE_PSK" none; then
	swan_initiate_fails "$label"
	ours_log_names "$label" 'aes' '3des|3des_cbc|des3'
	no_sa "$label"
fi
ike_ours_swan_end

# 2. Main Mode: ours offers AES128-SHA1-14, charon 3DES-SHA256-MODP3072 only.
ike_cell_vars transport cbc nopfs
swan_ike=3des-sha256-modp3072
label="main mode mismatch (ours AES128-SHA1-14, strongSwan 3DES-SHA256-MODP3072)"
if fail_setup "$label" "$IKE_PSK" "$IKE_PSK" none; then
	swan_initiate_fails "$label"
	ours_log_names "$label" 'aes' '3des|3des_cbc|des3'
	no_sa "$label"
fi
ike_ours_swan_end

# 3. Wrong PSK, charon initiating.
ike_cell_vars transport cbc nopfs
label="wrong PSK, strongSwan initiating"
if fail_setup "$label" "$IKE_PSK" "$IKE_BADPSK" none; then
	swan_initiate_fails "$label"
	no_sa "$label"
fi
ike_ours_swan_end

# 4. Wrong PSK, ours initiating (a ping sends ACQUIRE): charon must refuse; wait until it
# said so in its log, then look for SAs.
ike_cell_vars transport cbc nopfs
label="wrong PSK, ours initiating"
if fail_setup "$label" "$IKE_BADPSK" "$IKE_PSK" none; then
	ike_ping1 "$ike_a" "$cell_b" "$cell_a"
	if ike_wait "$IKE_NEG_SECS" grep -q -i -E 'decrypt|integrity|verification of|authentication of .* failed|invalid HASH' \
	    "$ike_dir/$ike_b/charon.log"; then
		tap_ok "$label: strongSwan refuses the peer"
	else
		tap_fail "$label: strongSwan logged no refusal within $IKE_NEG_SECS s"
		tap_diag "$(grep -v '^[0-9]* [0-9]*\[NET\] *[0-9]*:' "$ike_dir/$ike_b/charon.log" | tail -n 15)"
	fi
	no_sa "$label"
fi
ike_ours_swan_end
tap_done
