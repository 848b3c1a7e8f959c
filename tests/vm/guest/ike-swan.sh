#!/bin/sh
# ike-swan: the IKE lab's own check, strongSwan against strongSwan.  The same namespaces,
# proposals, traffic and counter checks as the interop tests with ours, so that a failure
# there is ours and not the lab's: A's charon holds a trap policy and the first ping
# triggers the negotiation (as ours does from ACQUIRE); then B initiates with swanctl.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/vm/ikelab.sh"

ike_setup iks
ike_swan_start "$ike_a" || ike_bail "charon starts in $ike_a" "$(ike_log "$ike_a")"
ike_swan_start "$ike_b" || ike_bail "charon starts in $ike_b" "$(ike_log "$ike_b")"
tap_ok "two charons run, one per namespace"

# swan_cell INITIATOR WORDS...: one cell; INITIATOR a (trap + ping) or b (swanctl).
swan_cell() {
	who=$1
	shift
	ike_cell_vars "$@"
	label="strongSwan $who->$(echo "$who" | tr ab ba), $cell_name"
	if [ "$who" = a ]; then
		ike_swan_load "$ike_a" a "$IKE_PSK" trap >/dev/null &&
		ike_swan_load "$ike_b" b "$IKE_PSK" >/dev/null
	else
		ike_swan_load "$ike_a" a "$IKE_PSK" >/dev/null &&
		ike_swan_load "$ike_b" b "$IKE_PSK" >/dev/null &&
		ike_swan "$ike_b" --initiate --child lab --timeout "$IKE_NEG_SECS" >/dev/null
	fi
	rc=$?
	if [ $rc = 0 ]; then tap_ok "$label: configured and started"
	else tap_fail "$label: configured and started"; tap_diag "$(tail -n 30 "$ike_dir/$ike_b/charon.log")"; fi
	ike_traffic "$label" "$who"
	if ike_swan_child_ok "$ike_a" && ike_swan_child_ok "$ike_b"; then
		tap_ok "$label: both charons list the CHILD_SA with bytes in and out"
	else
		tap_fail "$label: both charons list the CHILD_SA with bytes in and out"
		tap_diag "$ike_out"
	fi
	case $(ike_swan "$ike_a" --list-sas 2>&1) in
	*"$cell_salg"*) tap_ok "$label: strongSwan names the ESP proposal $cell_salg" ;;
	*) tap_fail "$label: strongSwan names the ESP proposal $cell_salg"
	   tap_diag "$(ike_swan "$ike_a" --list-sas 2>&1)" ;;
	esac
	cn=$(echo "$cell_name" | tr " " -)
	ike_capture "$ike_a" "swan-$who-$cn-a"
	ike_capture "$ike_b" "swan-$who-$cn-b"
	ike_swan_rotate "$ike_a"
	ike_swan_rotate "$ike_b"
	ike_swan_reset "$ike_a"
	ike_swan_reset "$ike_b"
	ike_flush
}

swan_cell a transport 3des pfs 6
swan_cell b tunnel gcm pfs
tap_done
