#!/bin/sh
# ike-acq: traffic before our IKE module has its plan, with real ESP.  B runs ours with
# its plan; A's module is held in its certificate load (its ike_ca_file is a named pipe,
# which open(2) waits on), already subscribed to the kernel's events, while its agent has
# installed the policy and sent the plan.  A pings B then, as the CI run of ike-cert.sh did
# 0.6 s after "sent IKE plan": the kernel keeps a larval SA for the pair and sends one
# ACQUIRE.  Once the load ends, the module must negotiate for that ACQUIRE and the ping get
# through in seconds: refused, the larval SA would drop the pair's traffic for 30 s.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/vm/ikelab.sh"

o=$(ike_ours_built) || ike_bail "our programs are built" "$o"
ike_setup ikaq
ike_cell_vars transport cbc nopfs
acq_ca=$ike_dir/a-ca.pipe
mkfifo "$acq_ca" || ike_bail "make the named pipe $acq_ca"
tap_cleanup "timeout 2 sh -c ': >$acq_ca' 2>/dev/null"

if o=$(ike_ours_policy "$ike_b" b "$IKE_PSK" 2>&1) && ike_ours_start "$ike_b"; then
	tap_ok "B runs ours with its plan"
else
	ike_bail "B runs ours with its plan" "$o" "$(tail -n 20 "$ike_dir/$ike_b/agent.log")"
fi
acq_sent() { grep -q 'sent IKE plan' "$ike_dir/$ike_a/agent.log"; }
o=$(ike_ours_policy "$ike_a" a "$IKE_PSK" 2>&1) ||
	ike_bail "A's store" "$o"
ike_conf_extra="ike_ca_file = $acq_ca" ike_ours_launch "$ike_a"
if ike_wait 20 acq_sent && ! ike_ours_planned "$ike_a"; then
	tap_ok "A's agent sent the plan; A's module, loading its certificates, has none"
else
	ike_bail "A's agent sent the plan; A's module, loading its certificates, has none" \
		"$(tail -n 20 "$ike_dir/$ike_a/agent.log")"
fi

t0=$(ike_now)
if ike_ping1 "$ike_a" "$cell_b" "$cell_a"; then
	tap_fail "the first ping is not answered (no SA yet)"
else
	tap_ok "the first ping is not answered (no SA yet)"
fi
if ip -n "$ike_a" xfrm state list src "$cell_a" dst "$cell_b" | grep -q 'spi 0x00000000'; then
	tap_ok "the kernel keeps a larval SA for A -> B"
else
	tap_fail "the kernel keeps a larval SA for A -> B"
	tap_diag "$(ip -n "$ike_a" xfrm state)"
fi
# The certificate load ends (the pipe is no CA file: certificate authentication is off,
# the PSK rule is not affected).
timeout 10 sh -c ": >$acq_ca"
t1=$(ike_now)
if ike_wait "$IKE_NEG_SECS" ike_ping1 "$ike_a" "$cell_b" "$cell_a"; then
	t2=$(ike_now)
	if [ $((t2 - t0)) -lt 30000 ]; then
		tap_ok "the ping gets through $((t2 - t1)) ms after the load, before the larval SA's 30 s"
	else
		tap_fail "the ping gets through only after $((t2 - t0)) ms (the larval SA's 30 s)"
	fi
else
	tap_fail "the ping gets through"
	tap_diag "A:" "$(tail -n 20 "$ike_dir/$ike_a/agent.log")"
fi
if awk '/ACQUIRE .* held until a plan has reqid/ { h = NR }
	/ipsecpol-iked.*: plan [0-9]+ in force: / && h && !p { p = NR }
	/held ACQUIRE .* served by plan [0-9]+ after [0-9]+ ms: negotiating/ && p { s = NR }
	END { exit !(h && p && s) }' "$ike_dir/$ike_a/agent.log"; then
	tap_ok "A's module held the ACQUIRE, then served it with the plan"
else
	tap_fail "A's module held the ACQUIRE, then served it with the plan"
	tap_diag "$(grep -i 'acquire\|in force' "$ike_dir/$ike_a/agent.log")"
fi
ike_check_sas "A -> B after an early ACQUIRE"
tap_done
