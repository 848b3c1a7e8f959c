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

# demo_step TEXT: a heading, with the seconds since the guest script started.
demo_step() {
	printf '\n==> [%s s] %s\n' "$((($(ike_now) - demo_t0) / 1000))" "$*"
}

# demo_quote WORD: WORD as a shell would need it typed; TAG="VALUE" as netsh users write it.
demo_quote() {
	case $1 in
	[A-Za-z]*=*[!A-Za-z0-9_./:=+,@%-]*)
		case ${1#*=} in
		*[\"\\\$\`!]*) ;;
		*) printf '%s="%s"' "${1%%=*}" "${1#*=}"; return ;;
		esac ;;
	esac
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

# demo_sas HOST: shows the ESP SAs of HOST without their keys (the command shown is the
# command run), and sets $sas to them as "SRC DST SPI PACKETS" lines.
demo_sas() {
	p_="ip -s xfrm state | grep -e '^src' -e 'proto esp' -e 'bytes), [0-9]*(packets)'"
	printf '[%s] $ %s\n' "$1" "$p_"
	on_quiet "$1" sh -c "$p_" >"$ike_dir/on.out" 2>&1
	sed 's/^/    /' "$ike_dir/on.out"
	sas=$(awk '/^src / { s = $2; d = $4 } / spi / { spi = $4; sub(/\(.*/, "", spi) }
		/bytes\), [0-9]+\(packets\)/ { p = $2; sub(/\(.*/, "", p); print s, d, spi, p }' \
		"$ike_dir/on.out")
}

# demo_pk SAS SRC DST: the packets of the SA SRC->DST in SAS ("SRC DST SPI PACKETS" lines).
# The SAs of one host are read once; this looks them up without starting a process.
demo_pk() {
	pk_=-
	while read -r s_ d_ _ n_; do
		[ "$s_ $d_" = "$2 $3" ] && pk_=$n_
	done <<EOS
$1
EOS
	echo "$pk_"
}

# demo_spi SAS SRC DST: the SPI of the SA SRC->DST in SAS.
demo_spi() {
	spi_=-
	while read -r s_ d_ i_ _; do
		[ "$s_ $d_" = "$2 $3" ] && spi_=$i_
	done <<EOS
$1
EOS
	echo "$spi_"
}

# demo_states HOST: "SRC DST SPI PACKETS" of HOST's ESP SAs, not shown.
demo_states() {
	ike_states "$1" | awk '$3 == "esp" { print $1, $2, $4, $6 }'
}

# demo_shown HOST PEER: the output of `dynamic show mmsas` then `qmsas` (in $mm, $qm) lists
# the established main mode with PEER, and a quick mode with PEER whose SPIs are the
# kernel's ($sas_HOST: in = PEER->HOST, out = HOST->PEER) and whose byte counts are not 0.
demo_shown() {
	eval "k_=\$sas_$1"
	if printf '%s\n' "$mm" | grep -q "^Peer *: $2\$" &&
	   printf '%s\n' "$mm" | grep -q '^State *: established'; then
		tap_ok "$1: ipsecpol dynamic show mmsas lists the established main mode with $2"
	else
		tap_fail "$1: ipsecpol dynamic show mmsas lists the established main mode with $2"
	fi
	kin=$(demo_spi "$k_" "$2" "$3") kout=$(demo_spi "$k_" "$3" "$2")
	b_=$(printf '%s\n' "$qm" | sed -n 's/^Bytes *: \([0-9]*\) in, \([0-9]*\) out.*/\1 \2/p')
	if printf '%s\n' "$qm" | grep -q "^Peer *: $2\$" &&
	   printf '%s\n' "$qm" | grep -q "spi in $kin out $kout\$" &&
	   [ "${b_% *}" -gt 0 ] 2>/dev/null && [ "${b_#* }" -gt 0 ]; then
		tap_ok "$1: ipsecpol dynamic show qmsas lists the quick mode with the kernel's SPIs ($kin in, $kout out) and bytes ($b_)"
	else
		tap_fail "$1: ipsecpol dynamic show qmsas lists the quick mode with the kernel's SPIs ($kin in, $kout out) and bytes"
	fi
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

# The kernel sets up an ESP algorithm at its first use, running /sbin/modprobe for each
# name it looks up: milliseconds on a host, but 8 to 30 s under the lab's emulated CPU, with
# the IKE module blocked in its netlink call meanwhile, which can stall the first Quick Mode
# past the kernel's 30 s ACQUIRE timeout.  So the demo's two ESP algorithms are used once, in
# a scratch namespace, while the stores are written; the first ping waits for it.
vm_hex 36; k_gcm=$hex
vm_hex 16; k_cbc=$hex
vm_hex 32; k_sha=$hex
demo_warm() {
	ip netns add demowarm &&
	ip -n demowarm xfrm state add src 198.51.100.1 dst 198.51.100.2 proto esp spi 0x100 \
		mode transport aead 'rfc4106(gcm(aes))' "0x$k_gcm" 128 &&
	ip -n demowarm xfrm state add src 198.51.100.1 dst 198.51.100.2 proto esp spi 0x101 \
		mode transport enc 'cbc(aes)' "0x$k_cbc" auth-trunc 'hmac(sha256)' "0x$k_sha" 128
	rc_=$?
	ip netns del demowarm
	return $rc_
}
demo_warm >"$ike_dir/warm.out" 2>&1 &
demo_warm_pid=$!
tap_cleanup "ip netns del demowarm"
k_gcm='' k_cbc='' k_sha='' hex=''

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

if wait "$demo_warm_pid"; then
	tap_ok "the kernel set up AES-GCM and AES-CBC with HMAC-SHA-256 for ESP"
else
	tap_fail "the kernel set up AES-GCM and AES-CBC with HMAC-SHA-256 for ESP"
	tap_diag "$(cat "$ike_dir/warm.out")"
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
n=$(grep -c 'Quick Mode with .*established' "$ike_dir/$demo_a/agent.log")
if [ "$n" = 1 ]; then
	tap_ok "$demo_a: one Main Mode and one Quick Mode were enough"
else
	tap_fail "$demo_a: one Main Mode and one Quick Mode were enough ($n Quick Modes)"
fi
if demo_order "$demo_b" "IKE SA established with $ike_a4" "Quick Mode with $ike_a4"; then
	tap_ok "$demo_b: Main Mode, then Quick Mode, as responder"
else
	tap_fail "$demo_b: Main Mode, then Quick Mode, as responder"
	tap_diag "$(tail -n 30 "$ike_dir/$demo_b/agent.log")"
fi

demo_step "traffic flows through ESP: the SAs' counters before and after 5 pings"
demo_sas "$demo_a"
a0=$sas b0=$(demo_states "$demo_b")
on "$demo_a" busybox ping -c 5 -i 0.2 -W 2 "$ike_b4"
demo_sas "$demo_a"
sas_alpha=$sas sas_beta=$(demo_states "$demo_b")
# The negotiated SAs: ESP in transport mode with AES-GCM, one each way on each host.
x=$(ip -n "$demo_a" xfrm state list; ip -n "$demo_b" xfrm state list)
n=$(printf '%s\n' "$x" | grep -c "^	aead rfc4106(gcm(aes)) ")
t=$(printf '%s\n' "$x" | grep -c "^	proto esp spi .* mode transport")
m=$(printf '%s\n%s\n' "$sas_alpha" "$sas_beta" | grep -c .)
if [ "$n" = 4 ] && [ "$t" = 4 ] && [ "$m" = 4 ]; then
	tap_ok "one ESP SA in transport mode with rfc4106(gcm(aes)) each way on each host"
else
	tap_fail "one ESP SA in transport mode with rfc4106(gcm(aes)) each way on each host ($m ESP SAs, $t in transport mode, $n with AES-GCM)"
	tap_diag "$sas_alpha" "$sas_beta"
fi
c0="$(demo_pk "$a0" "$ike_a4" "$ike_b4") $(demo_pk "$a0" "$ike_b4" "$ike_a4")"
c0="$c0 $(demo_pk "$b0" "$ike_a4" "$ike_b4") $(demo_pk "$b0" "$ike_b4" "$ike_a4")"
c1="$(demo_pk "$sas_alpha" "$ike_a4" "$ike_b4") $(demo_pk "$sas_alpha" "$ike_b4" "$ike_a4")"
c1="$c1 $(demo_pk "$sas_beta" "$ike_a4" "$ike_b4") $(demo_pk "$sas_beta" "$ike_b4" "$ike_a4")"
# shellcheck disable=SC2086
if echo $c0 $c1 | awk 'NF != 8 { exit 1 } { for (i = 1; i <= 4; i++) if ($(i + 4) - $i < 5) exit 1 }'; then
	tap_ok "5 pings counted by all four ESP SAs ($demo_a out, in, $demo_b in, out: $c0 -> $c1)"
else
	tap_fail "5 pings not counted by all four ESP SAs ($demo_a out, in, $demo_b in, out: $c0 -> $c1)"
fi

demo_step "what the IKE modules negotiated, as ipsecpol shows it on both hosts"
for x in "$demo_a $ike_b4 $ike_a4" "$demo_b $ike_a4 $ike_b4"; do
	# shellcheck disable=SC2086
	set -- $x
	on "$1" ipsecpol dynamic show mmsas
	mm=$(cat "$ike_dir/on.out")
	on "$1" ipsecpol dynamic show qmsas
	qm=$(cat "$ike_dir/on.out")
	demo_shown "$@"
done
on "$demo_b" ipsecpol status

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
