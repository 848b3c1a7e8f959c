#!/bin/sh
# ike-strongswan-resp: strongSwan's charon initiates to ours (IKEv1, PSK): a ping from
# charon's side hits its trap policy; ours answers as responder, picking the rule whose
# filters match charon's Quick Mode IDs.  The matrix of issue #7, see cells below
# (IPPVM_IKE_CELLS: the cells given).
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/vm/ikelab.sh"

o=$(ike_ours_built) || ike_bail "our programs are built (ike/ipsecpol-iked comes with issue #7)" "$o"
ike_setup ikra
ike_swan_start "$ike_b" || ike_bail "charon starts in $ike_b" "$(ike_log "$ike_b")"

# By default each mode, PFS or not and each cipher at least once, the other combinations
# than ike-strongswan-init.sh's (3 cells); IPPVM_IKE_FULL=1: all twelve and IPv6.
cells="transport.gcm.nopfs tunnel.3des.nopfs tunnel.cbc.pfs"
[ "${IPPVM_IKE_FULL:-}" = 1 ] && cells="transport.cbc.nopfs transport.cbc.pfs
	transport.gcm.nopfs transport.gcm.pfs transport.3des.nopfs transport.3des.pfs
	tunnel.cbc.nopfs tunnel.cbc.pfs tunnel.gcm.nopfs tunnel.gcm.pfs tunnel.3des.nopfs
	tunnel.3des.pfs transport.gcm.pfs.6"
cells=${IPPVM_IKE_CELLS:-$cells}
for c in $cells; do
	# shellcheck disable=SC2046
	ike_ours_swan_cell swan $(echo "$c" | tr . ' ')
	ike_ours_swan_end
done
tap_done
