#!/bin/sh
# ike-many: the setup of the IKE benchmark (tests/bench/ike) at a small N, so that it
# cannot rot: A starts N exchanges at once, one Main Mode per address of B (ike_many_* in
# tests/vm/ikelab.sh).  Ours against ours: every exchange ends with an SA pair per address
# on both sides, both list N established Main Modes (B's all come from A's one address:
# A's INITIAL-CONTACT to a new address of B must not make B drop the others), and traffic
# passes through ESP.  Then strongSwan against strongSwan in the same shape, which is the
# benchmark's yardstick.
#   IPPVM_IKE_MANY=N   exchanges (default 10)
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/vm/ikelab.sh"

n=${IPPVM_IKE_MANY:-10}
o=$(ike_ours_built) || ike_bail "our programs are built" "$o"
ike_many_setup ikm "$n"
first=$(head -n 1 "$ike_dir/many.addrs") last=$(tail -n 1 "$ike_dir/many.addrs")

# established NS: the number of established Main Modes NS's module lists.
established() {
	ike_ours_cli "$1" dynamic show mmsas 2>&1 | grep -c '^State *: established'
}

if ike_many_run ours "$n" "$IKE_NEG_SECS"; then
	tap_ok "ours: $n exchanges at once give $((2 * n)) keyed SAs on each side ($many_ms ms)"
else
	tap_fail "ours: $n exchanges at once give $((2 * n)) keyed SAs on each side (A $many_na, B $many_nb after $many_ms ms)"
	tap_diag "A:" "$(grep -v ACQUIRE "$ike_dir/$ike_a/agent.log" | tail -n 15)" \
		"B:" "$(tail -n 15 "$ike_dir/$ike_b/agent.log")"
fi
for ns in "$ike_a" "$ike_b"; do
	p=$(ike_many_pairs "$ns")
	if [ "$p" = "$n" ]; then tap_ok "ours: $ns has an ESP SA each way for each of the $n addresses"
	else tap_fail "ours: $ns has an ESP SA each way for each of the $n addresses (only $p)"; fi
	m=$(established "$ns")
	if [ "$m" = "$n" ]; then tap_ok "ours: $ns lists $n established Main Modes"
	else tap_fail "ours: $ns lists $n established Main Modes ($m)"; fi
done
for dst in $first $last; do
	p0=$(ike_sa_packets "$ike_b" "$ike_a4" "$dst")
	if vm_ping "$ike_a" "$dst" 3 "$ike_a4" &&
	   [ "$(ike_sa_packets "$ike_b" "$ike_a4" "$dst")" -ge $((p0 + 3)) ]; then
		tap_ok "ours: pings $ike_a4 -> $dst are answered and went through ESP"
	else
		tap_fail "ours: pings $ike_a4 -> $dst are answered and went through ESP"
		tap_diag "$(ike_states "$ike_b" | grep -F "$dst")"
	fi
done
ike_many_stop

if ike_many_run swan "$n" "$IKE_NEG_SECS"; then
	tap_ok "strongSwan: $n exchanges at once give $((2 * n)) keyed SAs on each side ($many_ms ms)"
else
	tap_fail "strongSwan: $n exchanges at once give $((2 * n)) keyed SAs on each side (A $many_na, B $many_nb after $many_ms ms)"
	tap_diag "$(tail -n 20 "$ike_dir/$ike_b/charon.log")"
fi
for ns in "$ike_a" "$ike_b"; do
	p=$(ike_many_pairs "$ns")
	if [ "$p" = "$n" ]; then tap_ok "strongSwan: $ns has an ESP SA each way for each of the $n addresses"
	else tap_fail "strongSwan: $ns has an ESP SA each way for each of the $n addresses (only $p)"; fi
done
ike_many_stop
tap_done
