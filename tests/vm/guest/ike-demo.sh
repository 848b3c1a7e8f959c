#!/bin/sh
# ike-demo: the README's main job, and a VM-lab test of it (tools/demo boots the VM with
# this script alone; the lab runs it with the others, so the demo cannot rot).
#
# Two hosts, alpha (192.0.2.1) and beta (192.0.2.2): network namespaces joined by a veth
# pair.  Each runs ipsecpold from its own local store, supervising ipsecpol-iked.  alpha's
# policy is written with ipsecpol.exe options, beta's with netsh-style `static add`
# commands; both require ESP for all traffic between the two (AES-GCM-256, else AES-128-CBC
# with HMAC-SHA-256, PFS), authenticated by a preshared key, with a main mode of AES-256,
# SHA-256 and ECP-256 (else MODP-2048).  alpha's first ping makes the kernel send an
# ACQUIRE; alpha's ipsecpol-iked runs Main Mode and Quick Mode with beta's; the pings then
# flow through ESP.  What the demo claims is checked: every claim is a TAP point.
#
# Output: each command as "[host] $ command", its output indented below; TAP points
# ("ok N - ..."), which tools/demo shows as [ok] / [FAILED].
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/vm/ikelab.sh"

demo_a=alpha demo_b=beta
demo_psk="demo key 4b7e, change me"
demo_t0=$(ike_now)
PATH=$top_builddir/cli:$top_builddir/agent:$top_builddir/ike:$PATH

# demo_step TEXT: a heading.
demo_step() {
	printf '\n==> %s\n' "$*"
}

# demo_quote WORD: WORD as a shell would need it typed.
demo_quote() {
	case $1 in
	'' | *[!A-Za-z0-9_./:=+,@%-]*) printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")" ;;
	*) printf '%s' "$1" ;;
	esac
}

# demo_show HOST COMMAND...: prints "[HOST] $ COMMAND" as typed.
demo_show() {
	h_=$1
	shift
	printf '[%s] $' "$h_"
	for w_ in "$@"; do
		printf ' '
		demo_quote "$w_"
	done
	printf '\n'
}

# on HOST COMMAND...: shows COMMAND and runs it on HOST (in its namespace, with its store
# and agent socket), its output indented.  The status is COMMAND's.
on() {
	demo_show "$@"
	on_quiet "$@" >"$ike_dir/on.out" 2>&1
	rc_=$?
	sed 's/^/    /' "$ike_dir/on.out"
	return $rc_
}

# on_quiet HOST COMMAND...: COMMAND on HOST, not shown.
on_quiet() {
	h_=$1
	shift
	IPSECPOL_STORE=$ike_dir/$h_/local.db IPSECPOL_AGENT_SOCKET=$ike_dir/$h_/run/ctl.sock \
		nsenter --net="/run/netns/$h_" "$@"
}

# demo_sas HOST: the ESP SAs of HOST, without the keys: the command shown is the command run.
demo_sas() {
	on "$1" sh -c "ip -s xfrm state | grep -e '^src' -e 'proto esp' -e '(packets)'"
}

# demo_log HOST: the IKE module's lines on HOST's key exchange, from the agent's log.
demo_log() {
	grep -e 'ACQUIRE' -e 'IKE SA established' -e 'Quick Mode with .*established' \
		"$ike_dir/$1/agent.log" | sed 's/^/    /'
}

# demo_order HOST PATTERN...: the log of HOST has a line for each PATTERN, in that order.
demo_order() {
	f_=$ike_dir/$1/agent.log
	shift
	awk -v pats="$(printf '%s\n' "$@")" '
		BEGIN { n = split(pats, p, "\n"); i = 1 }
		i <= n && index($0, p[i]) { i++ }
		END { exit i <= n }' "$f_"
}

o=$(ike_ours_built) || ike_bail "ipsecpol, ipsecpold and ipsecpol-iked are built" "$o"
# tools/demo boots the VM for this script alone; the lab's batch loaded these already.
[ -d /sys/module/esp4 ] || modprobe -a xfrm_user esp4 veth authenc echainiv seqiv gcm ctr \
	ghash-generic cbc aes_generic sha256_generic hmac ||
	ike_bail "the kernel modules for ESP load"

demo_step "two hosts: network namespaces $demo_a (192.0.2.1) and $demo_b (192.0.2.2) joined by a veth pair"
vm_pair "$demo_a" "$demo_b" "$ike_a4" "$ike_b4" || ike_bail "create the namespaces $demo_a and $demo_b"
mkdir -p "$ike_dir/$demo_a" "$ike_dir/$demo_b"
echo "Each host keeps its local store and sockets in $ike_dir/HOST/ (a real host uses"
echo "/var/lib/ipsecpol/local.db and /run/ipsecpol/): IPSECPOL_STORE and IPSECPOL_AGENT_SOCKET point there."

demo_step "$demo_a: the policy, written with ipsecpol.exe options"
if on "$demo_a" ipsecpol -w REG -p Demo -r "$demo_b" -f "0+$ike_b4" \
    -n 'ESP[AES256GCM16]PFS' 'ESP[AES128,SHA256]PFS' -a "PRESHARE:$demo_psk" \
    -1s AES256-SHA256-19 AES128-SHA256-14 -x; then
	tap_ok "$demo_a: policy Demo written and assigned with ipsecpol.exe options"
else
	ike_bail "$demo_a: policy Demo written and assigned with ipsecpol.exe options"
fi

demo_step "$demo_b: the same policy, written with netsh-style static commands"
demo_b_policy() {
	on "$demo_b" ipsecpol static add policy name=Demo mmsecmethods="AES256-SHA256-19 AES128-SHA256-14" &&
	on "$demo_b" ipsecpol static add filterlist name="$demo_a" &&
	on "$demo_b" ipsecpol static add filter filterlist="$demo_a" srcaddr=me dstaddr="$ike_a4" protocol=ANY &&
	on "$demo_b" ipsecpol static add filteraction name="Require ESP" action=negotiate qmpfs=yes \
		qmsecmethods="ESP[AES256GCM16] ESP[AES128,SHA256]" &&
	on "$demo_b" ipsecpol static add rule name="$demo_a" policy=Demo filterlist="$demo_a" \
		filteraction="Require ESP" psk="$demo_psk" &&
	on "$demo_b" ipsecpol static set policy name=Demo assign=yes
}
if demo_b_policy; then
	tap_ok "$demo_b: policy Demo written and assigned with netsh-style commands"
else
	ike_bail "$demo_b: policy Demo written and assigned with netsh-style commands"
fi

demo_step "the policy as netsh shows it ($demo_b), and a rule as JSON ($demo_a; the key is redacted)"
on "$demo_b" ipsecpol static show policy name=Demo format=table
on "$demo_a" ipsecpol --json static show rule name="$demo_b" policy=Demo
qa=$(on_quiet "$demo_a" ipsecpol static show filteraction rule="$demo_b" 2>&1 | grep -i 'ESP\[')
qb=$(on_quiet "$demo_b" ipsecpol static show filteraction rule="$demo_a" 2>&1 | grep -i 'ESP\[')
if [ -n "$qa" ] && [ "$qa" = "$qb" ]; then
	tap_ok "both syntaxes stored the same quick-mode offers"
else
	tap_fail "both syntaxes stored the same quick-mode offers"
	tap_diag "$demo_a: $qa" "$demo_b: $qb"
fi

demo_step "each host starts its policy agent, which starts and configures the IKE module"
for h in "$demo_a" "$demo_b"; do
	if ! ike_ours_start "$h"; then
		ike_bail "$h: ipsecpold starts and hands the plan to ipsecpol-iked" \
			"$(tail -n 20 "$ike_dir/$h/agent.log")"
	fi
	demo_show "$h" ipsecpold -d -f "$ike_dir/$h/ipsecpold.conf"
	sed -e '/^#/d' -e 's/^/    /' "$ike_dir/$h/ipsecpold.conf"
	tap_ok "$h: ipsecpold runs and handed the plan to ipsecpol-iked"
done
on "$demo_a" ipsecpol status
on "$demo_a" ip xfrm policy list dst "$ike_b4"
if [ "$(ike_nsas "$demo_a")" = 0 ]; then
	tap_ok "$demo_a: no SA yet"
else
	tap_fail "$demo_a: no SA yet"
	tap_diag "$(ike_states "$demo_a")"
fi

demo_step "the first ping: no SA yet, so the kernel holds it back and asks ipsecpol-iked (ACQUIRE)"
t0=$(ike_now)
on "$demo_a" busybox ping -c 1 -W 2 "$ike_b4"
if ike_wait "$IKE_NEG_SECS" ike_ping1 "$demo_a" "$ike_b4" "$ike_a4"; then
	tap_ok "$demo_a: ping answered $(($(ike_now) - t0)) ms after the first one (Main Mode and Quick Mode under an emulated CPU)"
else
	tap_fail "$demo_a: no ping answered within $IKE_NEG_SECS s"
	tap_diag "$demo_a:" "$(tail -n 20 "$ike_dir/$demo_a/agent.log")" \
		"$demo_b:" "$(tail -n 20 "$ike_dir/$demo_b/agent.log")"
fi
echo "The IKE modules' log (alpha initiated from the ACQUIRE; beta answered):"
echo "[$demo_a]"
demo_log "$demo_a"
echo "[$demo_b]"
demo_log "$demo_b"
if demo_order "$demo_a" "ACQUIRE $ike_a4 -> $ike_b4" "IKE SA established with $ike_b4" \
    "Quick Mode with $ike_b4" ; then
	tap_ok "$demo_a: the ACQUIRE led to Main Mode, then Quick Mode, as initiator"
else
	tap_fail "$demo_a: the ACQUIRE led to Main Mode, then Quick Mode, as initiator"
	tap_diag "$(tail -n 30 "$ike_dir/$demo_a/agent.log")"
fi
if demo_order "$demo_b" "IKE SA established with $ike_a4" "Quick Mode with $ike_a4"; then
	tap_ok "$demo_b: Main Mode, then Quick Mode, as responder"
else
	tap_fail "$demo_b: Main Mode, then Quick Mode, as responder"
	tap_diag "$(tail -n 30 "$ike_dir/$demo_b/agent.log")"
fi
cell_mode=transport cell_a=$ike_a4 cell_b=$ike_b4 cell_kalg='rfc4106(gcm(aes))'
ike_a=$demo_a ike_b=$demo_b
ike_check_sas "alpha <-> beta"

demo_step "traffic flows through ESP: the SAs' counters before and after 5 pings"
demo_sas "$demo_a"
c0="$(ike_sa_packets "$demo_a" "$ike_a4" "$ike_b4") $(ike_sa_packets "$demo_a" "$ike_b4" "$ike_a4")"
c0="$c0 $(ike_sa_packets "$demo_b" "$ike_a4" "$ike_b4") $(ike_sa_packets "$demo_b" "$ike_b4" "$ike_a4")"
on "$demo_a" busybox ping -c 5 -i 0.2 -W 2 "$ike_b4"
demo_sas "$demo_a"
c1="$(ike_sa_packets "$demo_a" "$ike_a4" "$ike_b4") $(ike_sa_packets "$demo_a" "$ike_b4" "$ike_a4")"
c1="$c1 $(ike_sa_packets "$demo_b" "$ike_a4" "$ike_b4") $(ike_sa_packets "$demo_b" "$ike_b4" "$ike_a4")"
# shellcheck disable=SC2086
if echo $c0 $c1 | awk '{ for (i = 1; i <= 4; i++) if ($(i + 4) - $i < 5) exit 1 }'; then
	tap_ok "5 pings counted by all four ESP SAs ($demo_a out, in, $demo_b in, out: $c0 -> $c1)"
else
	tap_fail "5 pings not counted by all four ESP SAs ($demo_a out, in, $demo_b in, out: $c0 -> $c1)"
fi

demo_step "what the IKE modules negotiated, as ipsecpol shows it on both hosts"
for h in "$demo_a" "$demo_b"; do
	on "$h" ipsecpol dynamic show mmsas
	on "$h" ipsecpol dynamic show qmsas
done
on "$demo_b" ipsecpol status
ike_ours_show "$demo_a" "$demo_a" "$ike_b4"
ike_ours_show "$demo_b" "$demo_b" "$ike_a4"

demo_step "the agents stop: each stops its IKE module, which removes its SAs, and removes its policies"
for h in "$demo_a" "$demo_b"; do
	demo_show "$h" kill -TERM "$(eval "echo \$ike_agent_$h")"
	ike_ours_stop "$h"
	n=$(ike_nsas "$h") p=$(ip -n "$h" xfrm policy list | grep -c '^src')
	if [ "$n" = 0 ] && [ "$p" = 0 ]; then
		tap_ok "$h: no SA and no policy left"
	else
		tap_fail "$h: $n SAs and $p policies left"
		tap_diag "$(ip -n "$h" xfrm policy list)" "$(ike_states "$h")"
	fi
done
tap_diag "the demo took $(($(ike_now) - demo_t0)) ms in the VM"
tap_done
