#!/bin/sh
# ike-strongswan-init: ours initiates to strongSwan's charon (IKEv1, PSK, Main Mode and
# Quick Mode).  Ours runs as in production: ipsecpold on a local store made with the CLI,
# supervising ipsecpol-iked; the first ping hits the agent's negotiate policy, the kernel
# sends ACQUIRE and the module negotiates.  The matrix of issue #7 (transport and tunnel,
# PFS or not, AES-CBC, AES-GCM, 3DES; see cells below); IPPVM_IKE_CELLS="transport.cbc.nopfs
# ..." runs the cells given.  After the
# first cell, `ipsecpol dynamic show mmsas|qmsas` must list the SAs.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/vm/ikelab.sh"

o=$(ike_ours_built) || ike_bail "our programs are built (ike/ipsecpol-iked comes with issue #7)" "$o"
ike_setup ikia
ike_swan_start "$ike_b" || ike_bail "charon starts in $ike_b" "$(ike_log "$ike_b")"

# By default each mode, PFS or not and each cipher at least once, IPv6 once (4 cells, the
# VM time of make check); IPPVM_IKE_FULL=1: the twelve cells of mode x PFS x cipher.
cells="transport.cbc.nopfs tunnel.gcm.pfs transport.3des.pfs transport.cbc.nopfs.6"
[ "${IPPVM_IKE_FULL:-}" = 1 ] && cells="transport.cbc.nopfs transport.cbc.pfs
	transport.gcm.nopfs transport.gcm.pfs transport.3des.nopfs transport.3des.pfs
	tunnel.cbc.nopfs tunnel.cbc.pfs tunnel.gcm.nopfs tunnel.gcm.pfs tunnel.3des.nopfs
	tunnel.3des.pfs transport.cbc.nopfs.6"
cells=${IPPVM_IKE_CELLS:-$cells}
first=1
for c in $cells; do
	# shellcheck disable=SC2046
	ike_ours_swan_cell ours $(echo "$c" | tr . ' ')
	if [ $first = 1 ]; then
		first=0
		ike_ours_show "$label" "$ike_a" "$cell_b"
	fi
	ike_ours_swan_end
done
tap_done
