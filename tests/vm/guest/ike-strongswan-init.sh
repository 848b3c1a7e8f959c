#!/bin/sh
# ike-strongswan-init: ours initiates to strongSwan's charon (IKEv1, PSK, Main Mode and
# Quick Mode).  Ours runs as in production: ipsecpold on a local store made with the CLI,
# supervising ipsecpol-iked; the first ping hits the agent's negotiate policy, the kernel
# sends ACQUIRE and the module negotiates.  Half of the matrix of issue #7 (transport and
# tunnel, PFS or not, AES-CBC, AES-GCM, 3DES); ike-strongswan-resp.sh has the other half
# the other way round, so each cell runs in one direction.  IPPVM_IKE_FULL=1 runs all
# twelve cells here.  After the first cell, `ipsecpol dynamic show` must list the SAs.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/vm/ikelab.sh"

o=$(ike_ours_built) || ike_bail "our programs are built (ike/ipsecpol-iked comes with issue #7)" "$o"
ike_setup ikia
ike_swan_start "$ike_b" || ike_bail "charon starts in $ike_b" "$(ike_log "$ike_b")"

cells="transport.cbc.nopfs transport.gcm.pfs transport.3des.nopfs
	tunnel.cbc.pfs tunnel.gcm.nopfs tunnel.3des.pfs transport.cbc.pfs.6"
[ "${IPPVM_IKE_FULL:-}" = 1 ] && cells="$cells transport.cbc.pfs transport.gcm.nopfs
	transport.3des.pfs tunnel.cbc.nopfs tunnel.gcm.pfs tunnel.3des.nopfs"
first=1
for c in $cells; do
	# shellcheck disable=SC2046
	ike_ours_swan_cell ours $(echo "$c" | tr . ' ')
	if [ $first = 1 ]; then
		first=0
		ds=$(ike_ours_cli "$ike_a" dynamic show 2>&1)
		if printf '%s\n' "$ds" | grep -i 'main.mode' >/dev/null &&
		   printf '%s\n' "$ds" | grep -i 'quick.mode' >/dev/null &&
		   printf '%s\n' "$ds" | grep -F "$cell_b" | grep -i 'aes' >/dev/null; then
			tap_ok "$label: ipsecpol dynamic show lists the main-mode and quick-mode SAs with $cell_b"
		else
			tap_fail "$label: ipsecpol dynamic show lists the main-mode and quick-mode SAs with $cell_b"
			tap_diag "$ds"
		fi
	fi
	ike_ours_swan_end
done
tap_done
