#!/bin/sh
# ike-delete: DELETE both ways, against strongSwan and against ours.  When our module stops
# cleanly it deletes its SAs with the peer, so the peer's SAs go too; when the peer deletes
# (swanctl --terminate, or our peer stopping), our SAs leave the kernel and
# `ipsecpol dynamic show qmsas`/`mmsas`.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/vm/ikelab.sh"

o=$(ike_ours_built) || ike_bail "our programs are built" "$o"
ike_cell_vars transport cbc nopfs

# up LABEL FROM-NS SRC DST: the first ping FROM-NS SRC -> DST is answered (SAs are up).
up() {
	if ike_wait "$IKE_NEG_SECS" ike_ping1 "$2" "$4" "$3"; then
		tap_ok "$1: SAs up, ping $3 -> $4 answered"
		return 0
	fi
	tap_fail "$1: SAs up, ping $3 -> $4 answered"
	tap_diag "$(tail -n 20 "$ike_dir/$2/agent.log" 2>/dev/null)"
	return 1
}

# none_in NS: no ESP/AH SA with an SPI in NS.
none_in() {
	[ "$(ike_nsas "$1")" = 0 ]
}

# gone_ours LABEL NS PEER: within 10 s NS's kernel has no SA, and its agent lists no quick
# mode SA with PEER.
gone_ours() {
	if ike_wait 10 none_in "$2"; then
		tap_ok "$1: $2's kernel holds no SA any more"
	else
		tap_fail "$1: $2's kernel still holds SAs"
		tap_diag "$(ike_states "$2")" "$(grep -i 'delet' "$ike_dir/$2/agent.log" | tail -n 10)"
	fi
	qm=$(ike_ours_cli "$2" dynamic show qmsas 2>&1)
	if printf '%s\n' "$qm" | grep -q "^Peer *: $3\$"; then
		tap_fail "$1: ipsecpol dynamic show qmsas in $2 still lists a quick mode with $3"
		tap_diag "$qm"
	else
		tap_ok "$1: ipsecpol dynamic show qmsas in $2 lists no quick mode with $3"
	fi
}

# --- ours (A) and strongSwan (B) ---
ike_setup ikds
s_a=$ike_a s_b=$ike_b
ike_swan_start "$s_b" || ike_bail "charon starts in $s_b" "$(ike_log "$s_b")"
o=$(ike_ours_policy "$s_a" a "$IKE_PSK" 2>&1) && o=$(ike_swan_load "$s_b" b "$IKE_PSK" 2>&1) &&
	ike_ours_start "$s_a" || ike_bail "ours and strongSwan configured" "$o"
up "ours->strongSwan" "$s_a" "$cell_a" "$cell_b"

# Ours stops: its DELETEs remove strongSwan's CHILD_SA and IKE SA, and its kernel SAs.
ike_ours_stop "$s_a"
if ike_wait 10 sh -c "! STRONGSWAN_CONF=$ike_dir/$s_b/strongswan.conf swanctl --list-sas --uri unix://$ike_dir/$s_b/charon.vici | grep -q 'lab: #'"; then
	tap_ok "ours stops: strongSwan has no SA with us any more"
else
	tap_fail "ours stops: strongSwan still lists SAs with us"
	tap_diag "$(ike_swan "$s_b" --list-sas 2>&1)"
fi
if grep -q 'received DELETE for ESP CHILD_SA' "$ike_dir/$s_b/charon.log" &&
   grep -q 'received DELETE for IKE_SA' "$ike_dir/$s_b/charon.log"; then
	tap_ok "ours stops: strongSwan received our DELETE for the CHILD_SA and the IKE SA"
else
	tap_fail "ours stops: strongSwan did not log our DELETEs"
	tap_diag "$(grep -i 'delet' "$ike_dir/$s_b/charon.log" | tail -n 10)"
fi
if ike_wait 10 none_in "$s_b"; then tap_ok "ours stops: strongSwan's kernel holds no SA"
else tap_fail "ours stops: strongSwan's kernel still holds SAs"; tap_diag "$(ike_states "$s_b")"; fi

# strongSwan deletes: the CHILD_SA first, then the IKE SA.
ike_ours_start "$s_a" || ike_bail "ours starts again in $s_a" "$(tail -n 20 "$ike_dir/$s_a/agent.log")"
up "ours->strongSwan again" "$s_a" "$cell_a" "$cell_b"
ike_swan "$s_b" --terminate --child lab --timeout 10 >/dev/null 2>&1
gone_ours "strongSwan terminates the CHILD_SA" "$s_a" "$cell_b"
if grep -q 'deleted by the peer' "$ike_dir/$s_a/agent.log"; then
	tap_ok "strongSwan terminates the CHILD_SA: our log says the peer deleted it"
else
	tap_fail "strongSwan terminates the CHILD_SA: our log does not say the peer deleted it"
	tap_diag "$(tail -n 15 "$ike_dir/$s_a/agent.log")"
fi
ike_swan "$s_b" --terminate --ike lab --timeout 10 >/dev/null 2>&1
mm_gone() {
	! ike_ours_cli "$1" dynamic show mmsas 2>&1 | grep -q "^Peer *: $2\$"
}
if ike_wait 10 mm_gone "$s_a" "$cell_b"; then
	tap_ok "strongSwan terminates the IKE SA: ipsecpol dynamic show mmsas lists none"
else
	tap_fail "strongSwan terminates the IKE SA: ipsecpol dynamic show mmsas still lists it"
	tap_diag "$(ike_ours_cli "$s_a" dynamic show mmsas 2>&1)"
fi

# Our rule leaves the policy (unassigned): the module deletes its SAs with strongSwan.
up "ours->strongSwan a third time" "$s_a" "$cell_a" "$cell_b"
if o=$(ike_ours_cli "$s_a" -w REG -p "IKE lab" -y 2>&1) && o=$(ike_ours_cli "$s_a" refresh 2>&1); then
	tap_ok "the policy is unassigned and the agent refreshed"
else
	tap_fail "the policy is unassigned and the agent refreshed"
	tap_diag "$o"
fi
if ike_wait 15 sh -c "! STRONGSWAN_CONF=$ike_dir/$s_b/strongswan.conf swanctl --list-sas --uri unix://$ike_dir/$s_b/charon.vici | grep -q 'lab{'"; then
	tap_ok "rule removed: strongSwan has no CHILD_SA with us any more"
else
	tap_fail "rule removed: strongSwan still lists a CHILD_SA with us"
	tap_diag "$(ike_swan "$s_b" --list-sas 2>&1)" "$(tail -n 15 "$ike_dir/$s_a/agent.log")"
fi
gone_ours "rule removed" "$s_a" "$cell_b"
if grep -q 'belongs to a rule the new plan does not have' "$ike_dir/$s_a/agent.log"; then
	tap_ok "rule removed: our log says why the SAs went"
else
	tap_fail "rule removed: our log does not say why the SAs went"
fi
ike_ours_stop "$s_a"

# --- ours on both sides ---
ike_setup ikdo
o_a=$ike_a o_b=$ike_b
for x in "$o_a:a" "$o_b:b"; do
	ns=${x%%:*}
	o=$(ike_ours_policy "$ns" "${x#*:}" "$IKE_PSK" 2>&1) && ike_ours_start "$ns" ||
		ike_bail "ours runs in $ns" "$o" "$(tail -n 20 "$ike_dir/$ns/agent.log")"
done
up "ours A->B" "$o_a" "$cell_a" "$cell_b"
ike_ours_stop "$o_b"
gone_ours "B (responder) stops" "$o_a" "$cell_b"
ike_ours_start "$o_b" || ike_bail "ours starts again in $o_b"
up "ours B->A" "$o_b" "$cell_b" "$cell_a"
ike_ours_stop "$o_a"
gone_ours "A (responder) stops" "$o_b" "$cell_a"
tap_done
