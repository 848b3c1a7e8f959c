# ikelab.sh: shared by the IKE interop tests (tests/vm/guest/ike-*.sh); sourced after
# tests/lib/tap.sh.  It lives outside guest/ because lab.sh runs every script there.
#
# A lab is two network namespaces, A and B, joined by a veth pair:
#   A: 192.0.2.1/24, 2001:db8::1/64 on va; 10.1.0.1/24 on lo (the tunnel's inner net)
#   B: 192.0.2.2/24, 2001:db8::2/64 on vb; 10.2.0.1/24 on lo
# On each side runs either strongSwan's charon (ike_swan_*: charon-systemd with its own
# strongswan.conf, vici socket and swanctl.conf written from tests/vm/strongswan/) or ours
# (ike_ours_*: the built ipsecpold with a local store made by the built cli/ipsecpol,
# supervising the built ike/ipsecpol-iked).  Each script gives its own namespace prefix,
# so scripts in parallel lanes never meet.  Everything started is stopped on exit.
#
# A cell of the interop matrix is named by words: MODE (transport|tunnel), ALG (cbc|gcm|3des)
# and PFS (pfs|nopfs), optionally FAMILY 6; ike_cell_vars turns them into both sides'
# proposal spellings and the kernel's algorithm name.
#
# Nothing sleeps blindly: ike_wait polls with a deadline.  Under an emulated CPU each
# process start costs about 0.1 s, so polls are 0.2 s apart.
#
# Knobs (run-vm passes IPPVM_* into the guest):
#   IPPVM_IKE_FULL=1        every cell of mode x PFS x cipher, both directions
#   IPPVM_IKE_CELLS="..."   only these cells (words joined by dots: tunnel.gcm.pfs, transport.cbc.nopfs.6)
#   IPPVM_IKE_KEEP=1        logs and configurations back to the host (run-vm -r DIR)
#   IPPVM_IKE_CAPTURE=1     the ISAKMP messages charon received, as fuzz seeds (ike_capture)
#   IPPVM_IKE_NEG_SECS=N    deadline of one negotiation (default 60)

. "$top_srcdir/tests/vm/lib.sh"

IKE_CLI=$top_builddir/cli/ipsecpol
IKE_AGENT=$top_builddir/agent/ipsecpold
IKE_IKED=$top_builddir/ike/ipsecpol-iked
IKE_TMPL=$top_srcdir/tests/vm/strongswan
IKE_PSK="ipsecpol lab key 7f3a"
IKE_BADPSK="a different key"
# Seconds a negotiation may take under TCG on a loaded 2-core host; strongSwan's own
# retransmits start at 2 s (strongswan.conf.in); a Quick Mode took 13 s on a host with load
# 13, so 60 s tells a hang from slowness.
IKE_NEG_SECS=${IPPVM_IKE_NEG_SECS:-60}

ike_a4=192.0.2.1 ike_b4=192.0.2.2
ike_a6=2001:db8::1 ike_b6=2001:db8::2
ike_anet=10.1.0.0/24 ike_bnet=10.2.0.0/24
ike_ain=10.1.0.1 ike_bin=10.2.0.1

ike_dir=$(mktemp -d "${TMPDIR:-/tmp}/ikelab.XXXXXX") || exit 1
tap_cleanup "rm -rf $ike_dir"
# IPPVM_IKE_KEEP=1: the logs and configurations go back to the host (run-vm -r).
[ "${IPPVM_IKE_KEEP:-}" = 1 ] && [ -n "${IPPVM_OUT:-}" ] &&
	tap_cleanup "cp -R $ike_dir $IPPVM_OUT/${0##*/}.d"
chmod 0755 "$ike_dir"

# ike_now: milliseconds since boot (no fork: /proc/uptime is read by the shell).
ike_now() {
	read -r ike_up_ _ </proc/uptime
	ike_s_=${ike_up_%.*} ike_f_=${ike_up_#*.}
	echo $((ike_s_ * 1000 + ${ike_f_#0} * 10))
}

# ike_wait SECS COMMAND...: polls COMMAND until it succeeds or SECS pass.
ike_wait() {
	ike_end_=$(($(ike_now) + $1 * 1000))
	shift
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ "$(ike_now)" -lt "$ike_end_" ] || return 1
		sleep 0.2
	done
}

# ike_bail MESSAGE: one failed point and the plan; the script stops (the rest would only
# time out for the same reason).
ike_bail() {
	tap_fail "$1"
	shift
	[ $# -gt 0 ] && tap_diag "$@"
	tap_done
	exit 1
}

# ike_setup PREFIX: namespaces ${PREFIX}a and ${PREFIX}b as described above, in $ike_a and
# $ike_b.
ike_setup() {
	ike_a=${1}a ike_b=${1}b
	vm_pair "$ike_a" "$ike_b" $ike_a4 $ike_b4 || ike_bail "create the veth pair $ike_a-$ike_b"
	# Static neighbours: a policy for all traffic between the hosts would also catch
	# IPv6 neighbour discovery (an ESP policy with no SA yet drops it).
	printf '%s\n' "link set va down" "link set va address 02:00:00:00:00:0a" "link set va up" \
		"neigh add $ike_b6 lladdr 02:00:00:00:00:0b dev va nud permanent" \
		"addr add $ike_a6/64 dev va nodad" "addr add $ike_ain/24 dev lo" \
		"route add $ike_bnet via $ike_b4 src $ike_ain" | ip -n "$ike_a" -batch - &&
	printf '%s\n' "link set vb down" "link set vb address 02:00:00:00:00:0b" "link set vb up" \
		"neigh add $ike_a6 lladdr 02:00:00:00:00:0a dev vb nud permanent" \
		"addr add $ike_b6/64 dev vb nodad" "addr add $ike_bin/24 dev lo" \
		"route add $ike_anet via $ike_a4 src $ike_bin" | ip -n "$ike_b" -batch - ||
		ike_bail "addresses and routes in $ike_a/$ike_b"
	mkdir -p "$ike_dir/$ike_a" "$ike_dir/$ike_b"
}

# ike_cell_vars WORD...: the settings of one matrix cell, for both implementations:
#   cell_mode cell_fam cell_pfs; local/remote addresses and traffic of A and B;
#   ours_mm ours_qm (ipsecpol -1s / -n words); swan_ike swan_esp (swanctl proposals);
#   cell_kalg (the kernel's algorithm name in `ip xfrm state`), cell_salg (strongSwan's
#   name of the ESP proposal in --list-sas), cell_name.
ike_cell_vars() {
	cell_mode=transport cell_alg=cbc cell_pfs=nopfs cell_fam=4
	for w in "$@"; do
		case $w in
		transport|tunnel) cell_mode=$w ;;
		cbc|gcm|3des) cell_alg=$w ;;
		pfs|nopfs) cell_pfs=$w ;;
		4|6) cell_fam=$w ;;
		*) echo "ike_cell_vars: unknown word $w" >&2; return 1 ;;
		esac
	done
	cell_name="$cell_mode $cell_alg $cell_pfs${cell_fam#4}"
	[ "$cell_fam" = 6 ] && cell_name="$cell_name IPv6"
	# Main mode varies with the cell, so that the matrix covers the groups of issue #7.
	case $cell_alg.$cell_mode in
	cbc.transport) ours_mm=AES128-SHA1-14 swan_ike=aes128-sha1-modp2048 grp=14 sgrp=modp2048 ;;
	cbc.tunnel) ours_mm=AES256-SHA384-20 swan_ike=aes256-sha384-ecp384 grp=20 sgrp=ecp384 ;;
	gcm.transport) ours_mm=AES256-SHA256-19 swan_ike=aes256-sha256-ecp256 grp=19 sgrp=ecp256 ;;
	gcm.tunnel) ours_mm=AES128-SHA256-15 swan_ike=aes128-sha256-modp3072 grp=15 sgrp=modp3072 ;;
	3des.transport) ours_mm=3DES-SHA1-14 swan_ike=3des-sha1-modp2048 grp=14 sgrp=modp2048 ;;
	3des.tunnel) ours_mm=AES128-SHA512-14 swan_ike=aes128-sha512-modp2048 grp=14 sgrp=modp2048 ;;
	esac
	case $cell_alg in
	cbc) ours_qm='ESP[AES128,SHA1]' swan_esp=aes128-sha1 cell_kalg='cbc(aes)'
	     cell_salg=AES_CBC-128/HMAC_SHA1_96 ;;
	gcm) ours_qm='ESP[AES256GCM16]' swan_esp=aes256gcm16 cell_kalg='rfc4106(gcm(aes))'
	     cell_salg=AES_GCM_16-256 ;;
	3des) ours_qm='ESP[3DES,SHA256]' swan_esp=3des-sha256 cell_kalg='cbc(des3_ede)'
	      cell_salg=3DES_CBC/HMAC_SHA2_256_128 ;;
	esac
	if [ "$cell_pfs" = pfs ]; then
		ours_qm="${ours_qm}PFS$grp" swan_esp="$swan_esp-$sgrp"
	fi
	if [ "$cell_fam" = 6 ]; then
		cell_a=$ike_a6 cell_b=$ike_b6
	else
		cell_a=$ike_a4 cell_b=$ike_b4
	fi
	# What is pinged: the hosts in transport mode, the inner nets in tunnel mode.
	if [ "$cell_mode" = tunnel ]; then
		cell_at=$ike_ain cell_bt=$ike_bin
	else
		cell_at=$cell_a cell_bt=$cell_b
	fi
}

# --- strongSwan ------------------------------------------------------------------------

# ike_swan_start NS: charon-systemd in NS with the lab's strongswan.conf; waits for its
# vici socket.
ike_swan_start() {
	d=$ike_dir/$1
	sed -e "s|@DIR@|$d|g" "$IKE_TMPL/strongswan.conf.in" >"$d/strongswan.conf"
	# nsenter itself, not vm_in: a function in the background is a subshell, and $! would
	# be its pid, not charon's.
	STRONGSWAN_CONF=$d/strongswan.conf nsenter --net="/run/netns/$1" /usr/sbin/charon-systemd \
		>"$d/charon.out" 2>&1 &
	eval "ike_charon_$1=$!"
	tap_cleanup "kill $! 2>/dev/null; sleep 0.3; kill -9 $! 2>/dev/null"
	ike_wait 30 test -S "$d/charon.vici" && ike_wait 10 ike_swan "$1" --stats ||
		{ ls -l "$d"; cat "$d/charon.out"; ike_swan "$1" --stats; return 1; } >>"$d/charon.log" 2>&1
}

# ike_swan NS COMMAND ARGS...: swanctl COMMAND against NS's charon (--uri follows the command).
ike_swan() {
	d_=$ike_dir/$1
	c_=$2
	shift 2
	STRONGSWAN_CONF=$d_/strongswan.conf swanctl "$c_" --uri "unix://$d_/charon.vici" "$@"
}

# ike_swan_load NS ROLE PSK [START]: loads connection "lab" for the current cell into NS's
# charon; ROLE a or b says which end of the lab NS is.  START is swanctl's start_action
# (default none).
ike_swan_load() {
	if [ "$2" = a ]; then
		l=$cell_a r=$cell_b ln=$ike_anet rn=$ike_bnet
	else
		l=$cell_b r=$cell_a ln=$ike_bnet rn=$ike_anet
	fi
	if [ "$cell_mode" = tunnel ]; then lts=$ln rts=$rn; else lts=dynamic rts=dynamic; fi
	sed -e "s|@LOCAL@|$l|g" -e "s|@REMOTE@|$r|g" -e "s|@MODE@|$cell_mode|g" \
	    -e "s|@IKE@|$swan_ike|g" -e "s|@ESP@|$swan_esp|g" -e "s|@LTS@|$lts|g" \
	    -e "s|@RTS@|$rts|g" -e "s|@PSK@|$3|g" -e "s|@START@|${4:-none}|g" \
	    "$IKE_TMPL/swanctl.conf.in" >"$ike_dir/$1/swanctl.conf"
	ike_swan "$1" --load-all --noprompt --file "$ike_dir/$1/swanctl.conf"
}

# ike_swan_reset NS: unloads the connection and closes every SA of NS's charon.
ike_swan_reset() {
	ike_swan "$1" --terminate --ike lab --force --timeout 2 >/dev/null 2>&1
	ike_swan "$1" --uninstall --child lab >/dev/null 2>&1
	: >"$ike_dir/$1/swanctl.conf.empty"
	ike_swan "$1" --load-all --noprompt --file "$ike_dir/$1/swanctl.conf.empty" \
		>/dev/null 2>&1
}

# ike_swan_rotate NS: charon's log so far is kept aside (charon appends, so truncating
# the file it writes is safe) for IPPVM_IKE_KEEP.
ike_swan_rotate() {
	ike_rot=$((${ike_rot:-0} + 1))
	cp "$ike_dir/$1/charon.log" "$ike_dir/$1/charon-$ike_rot.log"
	: >"$ike_dir/$1/charon.log"
}

# ike_swan_child_ok NS: strongSwan lists an installed CHILD_SA of the cell's mode and ESP
# proposal, with bytes counted both ways; the list goes to $ike_out.
ike_swan_child_ok() {
	ike_out=$(ike_swan "$1" --list-sas --raw 2>&1)
	m=$(echo "$cell_mode" | tr a-z A-Z)
	case $ike_out in
	*"state=INSTALLED"*"mode=$m"*) ;;
	*) return 1 ;;
	esac
	bi=$(printf '%s\n' "$ike_out" | sed -n 's/.*bytes-in=\([0-9]*\).*/\1/p' | head -n 1)
	bo=$(printf '%s\n' "$ike_out" | sed -n 's/.*bytes-out=\([0-9]*\).*/\1/p' | head -n 1)
	[ "${bi:-0}" -gt 0 ] && [ "${bo:-0}" -gt 0 ]
}

# --- ours ------------------------------------------------------------------------------

# ike_ours_built: the three programs exist (the IKE module comes from ike-daemon's work).
ike_ours_built() {
	for p in "$IKE_CLI" "$IKE_AGENT" "$IKE_IKED"; do
		[ -x "$p" ] || { echo "$p is not built"; return 1; }
	done
}

# ike_ours_cli NS IPSECPOL-ARGS...: the built CLI on NS's store.
ike_ours_cli() {
	ns_=$1
	shift
	"$IKE_CLI" --store "$ike_dir/$ns_/local.db" --agent-socket "$ike_dir/$ns_/run/ctl.sock" \
		"$@"
}

# ike_ours_policy NS ROLE PSK: a fresh store for the current cell: policy "IKE lab" with
# the cell's main-mode method and one negotiate rule (two one-way rules in tunnel mode)
# with the cell's offer and PSK authentication, assigned.
ike_ours_policy() {
	ns=$1
	if [ "$2" = a ]; then
		l=$cell_a r=$cell_b ln=$ike_anet rn=$ike_bnet
	else
		l=$cell_b r=$cell_a ln=$ike_bnet rn=$ike_anet
	fi
	rm -f "$ike_dir/$ns/local.db"
	case $l in *:*) r="{$r}" ;; esac
	if [ "$cell_mode" = transport ]; then
		ike_ours_cli "$ns" --empty -w REG -p "IKE lab" -r peer -f "0+$r" -n "$ours_qm" \
			-a "PRESHARE:$3" -1s "$ours_mm" -x
	else
		ike_ours_cli "$ns" --empty -w REG -p "IKE lab" -r out -t "$r" -f "$ln=$rn" \
			-n "$ours_qm" -a "PRESHARE:$3" -1s "$ours_mm" &&
		ike_ours_cli "$ns" -w REG -p "IKE lab" -r in -t "$l" -f "$rn=$ln" \
			-n "$ours_qm" -a "PRESHARE:$3" -1s "$ours_mm" -x
	fi
}

# ike_ours_start NS: ipsecpold in NS on NS's store, supervising the built IKE module;
# waits until the module has the plan.
ike_ours_start() {
	ike_ours_launch "$1"
	ike_wait 20 ike_ours_planned "$1"
}

# ike_ours_launch NS: ike_ours_start without the wait.
ike_ours_launch() {
	d=$ike_dir/$1
	mkdir -p "$d/run" && chmod 0700 "$d/run"
	cat >"$d/ipsecpold.conf" <<EOC
# written by ikelab.sh for $1
local_store = $d/local.db
cache = $d/directory.db
control_socket = $d/run/ctl.sock
iked = $IKE_IKED
iked_socket = $d/run/iked.sock
pidfile = $d/run/ipsecpold.pid
debounce_ms = 100
${ike_conf_extra:-}
EOC
	echo "=== start $(ike_now) ms" >>"$d/agent.log"
	nsenter --net="/run/netns/$1" "$IKE_AGENT" -d -f "$d/ipsecpold.conf" >>"$d/agent.log" 2>&1 &
	eval "ike_agent_$1=$!"
	tap_cleanup "kill -9 $! 2>/dev/null"
}

# ike_ours_planned NS: since its last start, NS's module has a plan in force.  The module
# logs to the agent's standard error (agent.log); the agent's own "sent IKE plan" comes
# earlier, while the module may still be loading its certificates and holds no plan.
ike_ours_planned() {
	sed -n '/^=== start/h; /^=== start/!H; ${x;p}' "$ike_dir/$1/agent.log" |
		grep -q 'ipsecpol-iked.*: plan [0-9]* in force: '
}

# ike_stop_var VAR: stops the daemon whose pid VAR holds (TERM, KILL after 10 s), if any,
# and empties VAR.
ike_stop_var() {
	eval "p_=\${$1:-}"
	[ -n "$p_" ] || return 0
	kill -TERM "$p_" 2>/dev/null
	ike_wait 10 sh -c "! kill -0 $p_" || kill -9 "$p_" 2>/dev/null
	wait "$p_" 2>/dev/null
	eval "$1="
}

# ike_ours_stop NS: stops NS's agent (which stops the module and removes its policies).
ike_ours_stop() {
	ike_stop_var "ike_agent_$1"
}

# ike_ours_iked_pid NS: the module's pid as the agent reports it.
ike_ours_iked_pid() {
	ike_ours_cli "$1" status 2>/dev/null |
		sed -n 's/^IKE Module *: running (pid \([0-9]*\)).*/\1/p'
}

# ike_log NS: NS's log (agent and module, or charon).
ike_log() {
	cat "$ike_dir/$1/agent.log" "$ike_dir/$1/charon.log" 2>/dev/null
}

# --- the kernel ------------------------------------------------------------------------

# ike_states NS: one line per installed ESP/AH SA:
#   SRC DST PROTO SPI MODE PACKETS ALG
# Larval states are left out: the kernel's ACQUIRE state has SPI 0, an ALLOCSPI reservation
# an SPI but no keys (no enc/aead line; every ESP SA has one, NULL encryption included).
ike_states() {
	ip -n "$1" -s xfrm state list | awk '
	function out() { if (spi != "" && spi != "0x00000000" && !(proto == "esp" && alg == "-"))
		print src, dst, proto, spi, mode, pk, alg }
	/^src / { out(); src = $2; dst = $4; spi = ""; pk = 0; alg = "-"; next }
	/proto .* spi / { for (i = 1; i < NF; i++) {
		if ($i == "proto") proto = $(i + 1)
		if ($i == "spi") { spi = $(i + 1); sub(/\(.*/, "", spi) }
		if ($i == "mode") mode = $(i + 1) } }
	/^\t(enc|aead) / { alg = $2 }
	/lifetime current:/ { getline; sub(/\(.*/, "", $2); pk = $2 }
	END { out() }'
}

# ike_nsas NS: the number of SAs with an SPI in NS.
ike_nsas() {
	ike_states "$1" | wc -l
}

# ike_check_sas LABEL: both namespaces hold one SA each way with the cell's mode and
# algorithm; $ike_sas has their lines.
ike_check_sas() {
	ike_sas="$(ike_states "$ike_a")
$(ike_states "$ike_b")"
	n_ok=0
	for sd_ in "$cell_a $cell_b" "$cell_b $cell_a"; do
		for ns_ in "$ike_a" "$ike_b"; do
			ike_states "$ns_" | awk -v s="${sd_% *}" -v d="${sd_#* }" \
			    -v m="$cell_mode" -v a="$cell_kalg" \
			    '$1 == s && $2 == d && $3 == "esp" && $5 == m && $7 == a { f = 1 }
			     END { exit !f }' && n_ok=$((n_ok + 1))
		done
	done
	if [ "$n_ok" = 4 ]; then
		tap_ok "$1: ESP $cell_mode SAs with $cell_kalg both ways on both sides"
	else
		tap_fail "$1: ESP $cell_mode SAs with $cell_kalg both ways on both sides ($n_ok of 4)"
		tap_diag "$ike_sas"
	fi
}

# ike_sa_packets NS SRC DST: the packet count of the ESP SA SRC->DST in NS (the newest).
ike_sa_packets() {
	ike_states "$1" | awk -v s="$2" -v d="$3" '$1 == s && $2 == d && $3 == "esp" { p = $6 }
		END { print p + 0 }'
}

# ike_ping1 NS DST SRC: one ping that must be answered within 1 s.
ike_ping1() {
	vm_in "$1" busybox ping -q -c 1 -W 1 -I "$3" "$2" >/dev/null 2>&1
}

# ike_traffic LABEL FROM: pings from side FROM (a or b) until the first answer (the first
# packets start the negotiation), then 5 more, and checks that all four SAs counted them.
ike_traffic() {
	if [ "$2" = a ]; then
		pns=$ike_a dst=$cell_bt src=$cell_at
	else
		pns=$ike_b dst=$cell_at src=$cell_bt
	fi
	t0=$(ike_now)
	if ike_wait "$IKE_NEG_SECS" ike_ping1 "$pns" "$dst" "$src"; then
		tap_ok "$1: the first ping $src -> $dst is answered after $(($(ike_now) - t0)) ms"
	else
		tap_fail "$1: no ping $src -> $dst answered within $IKE_NEG_SECS s"
		for ns_ in "$ike_a" "$ike_b"; do
			tap_diag "$ns_:" "$(ip -n "$ns_" xfrm policy | grep -v '^	socket\|^src 0.0.0.0/0 dst 0.0.0.0/0 $\|^src ::/0 dst ::/0 $' | head -n 30)" \
				"$(ike_states "$ns_")" \
				"$(vm_in "$ns_" awk '$2 != 0' /proc/net/xfrm_stat)"
		done
		return 1
	fi
	ike_check_sas "$1"
	c0="$(ike_sa_packets "$ike_a" "$cell_a" "$cell_b") $(ike_sa_packets "$ike_a" "$cell_b" "$cell_a")"
	c0="$c0 $(ike_sa_packets "$ike_b" "$cell_a" "$cell_b") $(ike_sa_packets "$ike_b" "$cell_b" "$cell_a")"
	vm_in "$pns" busybox ping -q -c 5 -i 0.2 -W 2 -w 10 -I "$src" "$dst" >/dev/null 2>&1
	c1="$(ike_sa_packets "$ike_a" "$cell_a" "$cell_b") $(ike_sa_packets "$ike_a" "$cell_b" "$cell_a")"
	c1="$c1 $(ike_sa_packets "$ike_b" "$cell_a" "$cell_b") $(ike_sa_packets "$ike_b" "$cell_b" "$cell_a")"
	# shellcheck disable=SC2086
	if echo $c0 $c1 | awk '{ for (i = 1; i <= 4; i++) if ($(i + 4) - $i < 5) exit 1 }'; then
		tap_ok "$1: 5 pings counted by all four ESP SAs ($c0 -> $c1)"
	else
		tap_fail "$1: 5 pings not counted by all four ESP SAs (A out, A in, B in, B out: $c0 -> $c1)"
		tap_diag "$(ike_states "$ike_a")" "$(ike_states "$ike_b")"
	fi
}

# ike_flush: removes every SA (not the policies) in both namespaces.
ike_flush() {
	ip -n "$ike_a" xfrm state flush
	ip -n "$ike_b" xfrm state flush
}

# --- captures --------------------------------------------------------------------------

# ike_capture NS LABEL: with IPPVM_IKE_CAPTURE=1, the ISAKMP messages charon in NS
# received (its log at net level 4 dumps them; sent ones it does not dump) become one raw
# file each, $IPPVM_OUT/ike-captures/LABEL-NNN.bin: seeds of the ISAKMP fuzz corpus.
ike_capture() {
	[ "${IPPVM_IKE_CAPTURE:-}" = 1 ] && [ -n "${IPPVM_OUT:-}" ] || return 0
	c=$IPPVM_OUT/ike-captures
	mkdir -p "$c"
	# A dump line is "TIME THREAD[NET]  OFFSET: XX XX ...  ascii"; the header gives the
	# length, so the ASCII column is never taken for bytes.
	awk -v pre="$c/$2" '
	function flush() { if (hex != "") { n++; f = sprintf("%s-%03d.hex", pre, n)
		print hex > f; close(f) } hex = ""; left = 0 }
	/\[NET\] received packet => [0-9]+ bytes/ { flush()
		for (i = 1; i <= NF; i++) if ($i == "=>") left = $(i + 1); next }
	left > 0 && /\[NET\] +[0-9]+: / {
		for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+:$/) break
		for (j = i + 1; j <= NF && left > 0 && $j ~ /^[0-9A-F][0-9A-F]$/; j++) {
			hex = hex $j; left-- }
		if (left == 0) flush(); next }
	{ if (left > 0) { hex = ""; left = 0 } }
	END { flush() }' "$ike_dir/$1/charon.log"
	for h in "$c/$2"-*.hex; do
		[ -f "$h" ] || continue
		# xxd -r patches an existing file in place: start from none.
		rm -f "${h%.hex}.bin"
		xxd -r -p "$h" "${h%.hex}.bin" && rm -f "$h"
	done
}

# --- a cell, ours (A) against strongSwan (B) --------------------------------------------

# ike_ours_swan_cell INITIATOR WORDS...: one matrix cell with ours in A and strongSwan in
# B; INITIATOR is ours (a ping from A: ACQUIRE starts ours) or swan (a ping from B hits
# charon's trap policy).  Checks the traffic, the SAs on both sides and charon's view.
# Leaves the SAs in place ($label is the cell's label); ike_ours_swan_end cleans up.
ike_ours_swan_cell() {
	who=$1
	shift
	cell_t0=$(ike_now)
	ike_cell_vars "$@"
	if [ "$who" = ours ]; then
		label="ours->strongSwan, $cell_name" from=a start=none
	else
		label="strongSwan->ours, $cell_name" from=b start=trap
	fi
	ike_ours_stop "$ike_a"
	if ! o=$(ike_ours_policy "$ike_a" a "$IKE_PSK" 2>&1); then
		tap_fail "$label: our store for $ours_mm / $ours_qm"
		tap_diag "$o"
		return 1
	fi
	if ! ike_swan_load "$ike_b" b "$IKE_PSK" "$start" >"$ike_dir/load.out" 2>&1; then
		tap_fail "$label: strongSwan loads $swan_ike / $swan_esp"
		tap_diag "$(cat "$ike_dir/load.out")"
		return 1
	fi
	if ! ike_ours_start "$ike_a"; then
		tap_fail "$label: our agent starts and hands the plan to ipsecpol-iked"
		tap_diag "$(tail -n 20 "$ike_dir/$ike_a/agent.log")"
		return 1
	fi
	if ike_traffic "$label" "$from"; then
		if ike_swan_child_ok "$ike_b"; then
			tap_ok "$label: strongSwan lists the CHILD_SA ($cell_mode) with bytes in and out"
		else
			tap_fail "$label: strongSwan lists the CHILD_SA ($cell_mode) with bytes in and out"
			tap_diag "$ike_out"
		fi
		case $(ike_swan "$ike_b" --list-sas 2>&1) in
		*"$cell_salg"*) tap_ok "$label: strongSwan agreed on $cell_salg" ;;
		*) tap_fail "$label: strongSwan agreed on $cell_salg"
		   tap_diag "$(ike_swan "$ike_b" --list-sas 2>&1)" ;;
		esac
	else
		tap_diag "ours:" "$(tail -n 25 "$ike_dir/$ike_a/agent.log")" \
			"strongSwan:" "$(grep -v 'packet\|^ *[0-9]*: ' "$ike_dir/$ike_b/charon.log" | tail -n 25)"
	fi
}

# ike_ours_swan_end: after a cell, captures the exchange and returns both sides to idle.
ike_ours_swan_end() {
	tap_diag "$label: $(($(ike_now) - ${cell_t0:-0})) ms"
	ike_capture "$ike_b" "ours-$who-${ike_rot:-0}-$(echo "$cell_name" | tr ' ' -)"
	ike_swan_rotate "$ike_b"
	ike_ours_stop "$ike_a"
	ike_swan_reset "$ike_b"
	ike_flush
}

# ike_ours_show LABEL NS PEER: `ipsecpol dynamic show mmsas` lists an established main-mode
# SA with PEER, and `dynamic show qmsas` a quick-mode SA with PEER whose SPIs are the
# kernel's (in: the SA PEER->NS, out: NS->PEER) and whose byte counts are not zero.
ike_ours_show() {
	mm=$(ike_ours_cli "$2" dynamic show mmsas 2>&1)
	if printf '%s\n' "$mm" | grep -q "^Peer *: $3\$" &&
	   printf '%s\n' "$mm" | grep -q '^State *: established'; then
		tap_ok "$1: ipsecpol dynamic show mmsas lists the established main mode with $3"
	else
		tap_fail "$1: ipsecpol dynamic show mmsas lists the established main mode with $3"
		tap_diag "$mm"
	fi
	qm=$(ike_ours_cli "$2" dynamic show qmsas 2>&1)
	ks=$(ike_states "$2")
	kin=$(printf '%s\n' "$ks" | awk -v p="$3" '$1 == p && $3 == "esp" { sub(/\(.*/, "", $4); print $4 }' | tail -n 1)
	kout=$(printf '%s\n' "$ks" | awk -v p="$3" '$2 == p && $3 == "esp" { sub(/\(.*/, "", $4); print $4 }' | tail -n 1)
	bytes=$(printf '%s\n' "$qm" | sed -n 's/^Bytes *: \([0-9]*\) in, \([0-9]*\) out.*/\1 \2/p' | head -n 1)
	if printf '%s\n' "$qm" | grep -q "^Peer *: $3\$" && [ -n "$kin" ] &&
	   printf '%s\n' "$qm" | grep -q "spi in $kin out $kout" &&
	   [ "${bytes% *}" -gt 0 ] 2>/dev/null && [ "${bytes#* }" -gt 0 ]; then
		tap_ok "$1: ipsecpol dynamic show qmsas lists the quick mode with the kernel's SPIs ($kin, $kout) and bytes ($bytes)"
	else
		tap_fail "$1: ipsecpol dynamic show qmsas lists the quick mode with the kernel's SPIs (in $kin, out $kout) and bytes"
		tap_diag "$qm"
	fi
}

# --- dpd (dead peer detection) ----------------------------------------------------------
# ike_conf_extra (above): lines appended to the ipsecpold.conf ike_ours_start writes.

# ike_dpd_swan_load NS ROLE DELAY TIMEOUT: ike_swan_load for the current cell, with
# strongSwan's DPD (dpd_delay, IKEv1's dpd_timeout, dpd_action clear) and a trap policy.
ike_dpd_swan_load() {
	ike_swan_load "$1" "$2" "$IKE_PSK" trap >/dev/null || return 1
	f_=$ike_dir/$1/swanctl.conf
	sed -i -e "s|^\(\t*\)rekey_time = 0\$|&\n\1dpd_delay = $3s\n\1dpd_timeout = $4s|" \
	    -e "s|^\(\t*\)start_action = trap\$|&\n\1dpd_action = clear|" "$f_"
	grep -q "dpd_delay = $3s" "$f_" && grep -q 'dpd_action = clear' "$f_" &&
		ike_swan "$1" --load-all --noprompt --file "$f_"
}

# ike_dpd_stat NS NAME: the counter NAME of `ipsecpol dynamic show stats` in NS (0 if absent).
ike_dpd_stat() {
	ike_ours_cli "$1" dynamic show stats 2>/dev/null |
		awk -F': ' -v n="$2" '{ k = $1; sub(/ +$/, "", k) } k == n { v = $2 } END { print v + 0 }'
}

# ike_dpd_ge NS NAME MIN: counter NAME in NS is at least MIN.
ike_dpd_ge() {
	[ "$(ike_dpd_stat "$1" "$2")" -ge "$3" ]
}

# ike_dpd_none NS PEER: no SA with PEER (either way) left in NS's kernel.
ike_dpd_none() {
	! ike_states "$1" | awk -v p="$2" '$1 == p || $2 == p { f = 1 } END { exit !f }'
}

# --- life (issue #8: lifetimes, rekey, delete) ------------------------------------------

# ike_ours_start_life NS SECS: ike_ours_start, with the module's child SA lifetimes capped
# at SECS (ipsecpol-iked -L; the store's floor is Windows' 300 s), through a wrapper that
# the agent runs as its module.
ike_ours_start_life() {
	w_=$ike_dir/$1/iked-life
	printf '#!/bin/sh\nexec %s -L %s "$@"\n' "$IKE_IKED" "$2" >"$w_" && chmod 0755 "$w_" ||
		return 1
	iked_keep_=$IKE_IKED
	IKE_IKED=$w_
	ike_ours_start "$1"
	rc_=$?
	IKE_IKED=$iked_keep_
	return $rc_
}

# ike_swan_life NS LIFE REKEY: NS's connection again, its child with life_time LIFE and
# rekey_time REKEY seconds (no random part).
ike_swan_life() {
	sed -e "s|^\(\t*\)mode = |\1life_time = ${2}s\n\1rekey_time = ${3}s\n\1rand_time = 0s\n&|" \
		"$ike_dir/$1/swanctl.conf" >"$ike_dir/$1/swanctl-life.conf" &&
	ike_swan "$1" --load-all --noprompt --file "$ike_dir/$1/swanctl-life.conf"
}

# ike_spi_watch NS SRC DST FILE: in the background, every 0.5 s, appends the SPIs of the
# ESP SAs SRC->DST in NS to FILE; ike_spi_stop ends every watcher.
ike_spi_watch() {
	(while :; do
		ike_states "$1" | awk -v s="$2" -v d="$3" '$1 == s && $2 == d && $3 == "esp" { print $4 }'
		sleep 0.5
	done >>"$4" 2>/dev/null) &
	ike_spi_pids="${ike_spi_pids:-} $!"
	tap_cleanup "kill $! 2>/dev/null"
}

ike_spi_stop() {
	# shellcheck disable=SC2086
	[ -n "${ike_spi_pids:-}" ] && kill $ike_spi_pids 2>/dev/null
	ike_spi_pids=
}

# ike_ping_sum FILE: "SENT RECEIVED" from busybox ping's summary in FILE.
ike_ping_sum() {
	sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) packets received.*/\1 \2/p' "$1"
}

# --- certificates (cert) -----------------------------------------------------------------

# ike_cert_pki: the lab's PKI in $ike_pki (tests/ike/certgen.sh with A's and B's addresses).
ike_cert_pki() {
	ike_pki=$ike_dir/pki
	sh "$top_srcdir/tests/ike/certgen.sh" "$ike_pki" $ike_a4 $ike_b4 >"$ike_dir/certgen.out" 2>&1
}

# ike_cert_swan_load NS HOST PEER [START]: NS's charon authenticates with certificate HOST
# of the PKI and expects the peer's certificate CN=PEER from the Test Root CA.
# swanctl loads private keys only from its directory's private/: SWANCTL_DIR is NS's own.
ike_cert_swan_load() {
	d_=$ike_dir/$1
	rm -rf "$d_/private" && mkdir -p "$d_/private" &&
	cp "$ike_pki/$2.key" "$d_/private/$2.key" || return 1
	sed -e "s|@LOCAL@|$ike_b4|g" -e "s|@REMOTE@|$ike_a4|g" -e "s|@PKI@|$ike_pki|g" \
	    -e "s|@HOST@|$2|g" -e "s|@PEER@|$3|g" -e "s|@START@|${4:-none}|g" \
	    "$IKE_TMPL/swanctl-cert.conf.in" >"$d_/swanctl.conf"
	SWANCTL_DIR=$d_ ike_swan "$1" --load-all --noprompt --file "$d_/swanctl.conf"
}

# ike_cert_ours NS HOST: a fresh store whose one rule (traffic with B, transport,
# ESP[AES128,SHA1], main mode AES128-SHA256-14) authenticates by certificate from the Test
# Root CA; NS's agent started with certificate HOST of the PKI and the CA and CRL files.
ike_cert_ours() {
	rm -f "$ike_dir/$1/local.db"
	ike_ours_cli "$1" --empty -w REG -p "IKE lab" -r peer -f "0+$ike_b4" \
		-n 'ESP[AES128,SHA1]' -a 'CERT:"CN=Test Root CA, O=ipsecpol test, C=CH"' \
		-1s AES128-SHA256-14 -x || return 1
	ike_conf_extra="ike_cert_file = $ike_pki/$2.pem
ike_key_file = $ike_pki/$2.key
ike_ca_file = $ike_pki/ca.pem
ike_crl_file = $ike_pki/crl.pem" ike_ours_start "$1"
}

# --- dos: a flooder beside A ----------------------------------------------------------

IKE_FLOOD=$top_builddir/tests/ike/ikeflood
ike_dos_r=198.51.100.1

# ike_dos_flooder NS F: namespace F joined to NS (198.51.100.2 - 198.51.100.1); NS routes
# 10.70.0.0/16 (the forged sources) to F, which does not forward: answers die there.
ike_dos_flooder() {
	tap_cleanup "ip netns del $2"
	ip netns add "$2" &&
	ip link add name fv netns "$2" type veth peer name fs netns "$1" &&
	printf 'link set lo up\naddr add 198.51.100.2/24 dev fv\nlink set fv up\n' |
		ip -n "$2" -batch - &&
	printf 'addr add %s/24 dev fs\nlink set fs up\nroute add 10.70.0.0/16 via 198.51.100.2\n' \
		"$ike_dos_r" | ip -n "$1" -batch -
}

# ike_dos_policy NS PSK: the current cell's transport rule with B, and one for the forged
# sources' net (so that their first messages are answered, as a server's would be).
ike_dos_policy() {
	rm -f "$ike_dir/$1/local.db"
	ike_ours_cli "$1" --empty -w REG -p "IKE lab" -r peer -f "0+$cell_b" -n "$ours_qm" \
		-a "PRESHARE:$2" -1s "$ours_mm" &&
	ike_ours_cli "$1" -w REG -p "IKE lab" -r forged -f "0+10.70.0.0/255.255.0.0" \
		-n "$ours_qm" -a "PRESHARE:$2" -1s "$ours_mm" -x
}

# ike_dos_start NS MAX PEER_MAX: ike_ours_start with the half-open limits in the agent's
# configuration.
ike_dos_start() {
	ike_conf_extra="ike_half_open_max = $2
ike_half_open_peer_max = $3" ike_ours_start "$1"
}

# ike_dos_full NS MAX: NS's module holds MAX half-open exchanges.
ike_dos_full() {
	s_=$(ike_ours_cli "$1" --json status 2>/dev/null)
	[ -n "$s_" ] && printf '%s\n' "$s_" | jq -e ".ike.half_open.current == $2" >/dev/null
}

# --- ikebench: many Main Modes at once (tests/bench/ike, tests/vm/guest/ike-many.sh) ------
#
# A initiates N exchanges at once to N addresses of B, so that every exchange is its own
# Main Mode (nothing can reuse one).  B's addresses come from 198.18.0.0/15 (RFC 2544's
# benchmark net), on B's loopback, routed from A through the veth.  Both implementations get
# the same shape: one policy or connection per address on A (ours: one rule with N
# filters; strongSwan: N connections with trap policies), one on B that accepts A from any
# of its addresses, the same proposals, preshared keys, transport mode, no PFS, and the
# same trigger: one UDP datagram from A to each address, sent by one process, so the
# kernel raises N ACQUIREs within a few milliseconds.  Each implementation runs with its
# own default timers (retransmission, thread pool).
#   Main Mode  AES-CBC-128 / SHA-256 / MODP 2048 (group 14), PSK
#   Quick Mode ESP AES-CBC-128 / HMAC-SHA-256, transport, no PFS
IKE_MANY_OURS_MM=AES128-SHA256-14 IKE_MANY_OURS_QM='ESP[AES128,SHA256]'
IKE_MANY_SWAN_IKE=aes128-sha256-modp2048 IKE_MANY_SWAN_ESP=aes128-sha256

# ike_many_addrs N: B's N addresses, one a line (198.18.0.1 ... 198.18.0.250, 198.18.1.1 ...).
ike_many_addrs() {
	awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++)
		printf "198.18.%d.%d\n", int(i / 250), i % 250 + 1 }'
}

# ike_many_setup PREFIX N: the lab of ike_setup with B's N addresses; $ike_many holds them.
ike_many_setup() {
	ike_setup "$1"
	ike_many=$(ike_many_addrs "$2")
	printf '%s\n' "$ike_many" >"$ike_dir/many.addrs"
	# shellcheck disable=SC2086
	printf 'addr add %s/32 dev lo\n' $ike_many | ip -n "$ike_b" -batch - &&
	ip -n "$ike_a" route add 198.18.0.0/15 via $ike_b4 ||
		ike_bail "$2 addresses on $ike_b from 198.18.0.0/15"
	ike_many_warm || ike_bail "a scratch SA with the bench's ESP algorithms in $ike_a"
}

# ike_many_warm: one SA with the bench's ESP algorithms, added and deleted in A.  The first
# SA of an algorithm in a fresh guest makes the kernel's crypto API load its template
# modules through the usermode helper, which blocks the installing daemon for seconds (up
# to 30 s under TCG on a loaded host: past net.core.xfrm_acq_expires).  Whichever
# implementation ran first would pay for that; now neither does.
ike_many_warm() {
	k=000102030405060708090a0b0c0d0e0f
	ip -n "$ike_a" xfrm state add src 192.0.2.253 dst 192.0.2.254 proto esp spi 0x100 \
		mode transport enc 'cbc(aes)' 0x$k auth-trunc 'hmac(sha256)' 0x$k$k 128 &&
	ip -n "$ike_a" xfrm state del src 192.0.2.253 dst 192.0.2.254 proto esp spi 0x100
}

# ike_many_ours NS ROLE: NS's store for the bench: on A one rule whose N mirrored filters
# name B's addresses, on B one rule for A from any of B's addresses; then the agent.
ike_many_ours() {
	if [ "$2" = a ]; then
		# shellcheck disable=SC2086
		f=$(printf '0+%s ' $ike_many)
	else
		f="0+$ike_a4"
	fi
	rm -f "$ike_dir/$1/local.db"
	# Every exchange comes from A's one address: the per-peer half-open limit (16 by
	# default, against one host flooding) is raised to N, as for a gateway or a NAT.
	ike_ours_cli "$1" --empty -w REG -p "IKE many" -r many -f "$f" -n "$IKE_MANY_OURS_QM" \
		-a "PRESHARE:$IKE_PSK" -1s "$IKE_MANY_OURS_MM" -x >"$ike_dir/$1/cli.out" 2>&1 &&
		ike_conf_extra="ike_half_open_peer_max = $(($(echo $ike_many | wc -w) + 16))" \
		ike_ours_start "$1"
}

# ike_many_swan NS ROLE: charon in NS with a lean configuration (the lab's logs every
# packet; this one logs like ours, one line per event, keeps strongSwan's default timers
# and draws short DH exponents like ours) and the bench's connections: on A one per address of B with a trap policy, on B
# one that answers A on any of its addresses.  unique = never on both: every Main Mode
# comes from the same peer, and INITIAL_CONTACT must not make B drop the earlier ones.
ike_many_swan() {
	d=$ike_dir/$1
	cat >"$d/strongswan.conf" <<EOC
charon-systemd {
	load = random nonce openssl aes sha1 sha2 hmac kdf kernel-netlink socket-default vici
	install_routes = no
	install_virtual_ip = no
	# Short MODP exponents sized to the group's strength, as ours draws them (crypto_dh.c);
	# charon's default is full-length ones, several times the cost per exchange.
	dh_exponent_ansi_x9_42 = no
	plugins {
		vici {
			socket = unix://$d/charon.vici
		}
	}
	journal {
		default = -1
	}
	filelog {
		lab {
			path = $d/charon.log
			time_format = %s
			default = 1
		}
	}
}
swanctl {
	load = random openssl
}
EOC
	STRONGSWAN_CONF=$d/strongswan.conf nsenter --net="/run/netns/$1" /usr/sbin/charon-systemd \
		>"$d/charon.out" 2>&1 &
	eval "ike_charon_$1=$!"
	tap_cleanup "kill $! 2>/dev/null; sleep 0.3; kill -9 $! 2>/dev/null"
	ike_wait 30 test -S "$d/charon.vici" && ike_wait 10 ike_swan "$1" --stats || return 1
	if [ "$2" = a ]; then
		# shellcheck disable=SC2086
		printf '%s\n' $ike_many | awk -v ike="$IKE_MANY_SWAN_IKE" -v esp="$IKE_MANY_SWAN_ESP" \
		    -v l="$ike_a4" '
		BEGIN { print "connections {" }
		{ printf "m%d {\nversion = 1\nlocal_addrs = %s\nremote_addrs = %s\n", NR, l, $1
		  printf "proposals = %s\nrekey_time = 0\nunique = never\n", ike
		  printf "local {\nauth = psk\n}\nremote {\nauth = psk\n}\n"
		  printf "children {\nm%d {\nmode = transport\nesp_proposals = %s\n", NR, esp
		  printf "start_action = trap\n}\n}\n}\n" }
		END { print "}" }'
	else
		printf 'connections {\nmany {\nversion = 1\nlocal_addrs = 198.18.0.0/15\n'
		printf 'remote_addrs = %s\nproposals = %s\nrekey_time = 0\nunique = never\n' \
			"$ike_a4" "$IKE_MANY_SWAN_IKE"
		printf 'local {\nauth = psk\n}\nremote {\nauth = psk\n}\nchildren {\nmany {\n'
		printf 'mode = transport\nesp_proposals = %s\n}\n}\n}\n}\n' "$IKE_MANY_SWAN_ESP"
	fi >"$d/swanctl.conf"
	printf 'secrets {\nike-many {\nid = %s\nsecret = "%s"\n}\n}\n' "$ike_a4" "$IKE_PSK" \
		>>"$d/swanctl.conf"
	ike_swan "$1" --load-all --noprompt --file "$d/swanctl.conf" >"$d/load.out" 2>&1
}

# ike_many_swan_stop NS: stops NS's charon (which removes its policies and SAs).
ike_many_swan_stop() {
	ike_stop_var "ike_charon_$1"
}

# ike_many_npol NS: the number of NS's outbound policies with an IPsec template.
ike_many_npol() {
	ip -n "$1" xfrm policy list dir out | grep -c '^	tmpl '
}

# ike_many_nsas NS: the number of NS's ESP SAs that hold keys (the kernel's larval ACQUIRE
# states and ALLOCSPI reservations have none).
ike_many_nsas() {
	ip -n "$1" xfrm state list | grep -c '^	enc '
}

# ike_many_cpu PID: the process's user + system time so far, in clock ticks (all threads).
ike_many_cpu() {
	sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $12 + $13 }'
}

# ike_many_ticks PID...: their CPU time together, in clock ticks.
ike_many_ticks() {
	t_=0
	for p_; do t_=$((t_ + $(ike_many_cpu "$p_"))); done
	echo $t_
}

# ike_many_kick: one UDP datagram from A to port 9 of each of B's addresses, from one
# process: each finds the policy with no SA, the kernel raises an ACQUIRE and drops it.
ike_many_kick() {
	# shellcheck disable=SC2016
	vm_in "$ike_a" bash -c 'for a; do echo ikebench 2>/dev/null >/dev/udp/$a/9; done' \
		kick $ike_many 2>/dev/null
}

# ike_many_run IMPL N SECS: IMPL (ours or swan) in A and B, kicked as above; waits up to
# SECS for 2N keyed SAs on both sides.  Sets many_ms (from the kick until both sides held
# 2N, or until the deadline), many_na many_nb (SAs then), many_cpu_a many_cpu_b (the
# daemons' CPU time in ms over that time: ours counts ipsecpol-iked and ipsecpold, strongSwan
# its one process).  False when the setup failed (diagnostics on stdout as TAP comments) or
# not all SAs came.  Leaves the daemons running; ike_many_stop stops them.
ike_many_run() {
	many_impl=$1 many_n=$2 many_ms=0 many_na=0 many_nb=0 many_cpu_a=0 many_cpu_b=0
	for r in a b; do
		eval "ns=\$ike_$r"
		if [ "$1" = ours ]; then
			ike_many_ours "$ns" "$r" || { tap_diag "$ns: our setup failed:" \
			    "$(cat "$ike_dir/$ns/cli.out")" "$(tail -n 20 "$ike_dir/$ns/agent.log")"
			    return 1; }
			eval "p_=\$ike_agent_$ns"
			eval "many_pids_$r=\"$p_ $(ike_ours_iked_pid "$ns")\""
		else
			ike_many_swan "$ns" "$r" || { tap_diag "$ns: strongSwan's setup failed:" \
			    "$(cat "$ike_dir/$ns/load.out" "$ike_dir/$ns/charon.log")"; return 1; }
			eval "many_pids_$r=\$ike_charon_$ns"
		fi
	done
	# Every policy in place before the kick (strongSwan installs traps after the load;
	# our agent before it reports the plan, but the check costs nothing).
	if ! ike_wait 60 sh -c "[ \$(ip -n $ike_a xfrm policy list dir out | grep -c '^	tmpl ') -ge $2 ]"; then
		tap_diag "$ike_a: only $(ike_many_npol "$ike_a") of $2 outbound IPsec policies"
		return 1
	fi
	for r in a b; do eval "many_c0_$r=\$(ike_many_ticks \$many_pids_$r)"; done
	t0=$(ike_now)
	ike_many_kick
	end=$((t0 + $3 * 1000))
	while :; do
		many_na=$(ike_many_nsas "$ike_a") many_nb=$(ike_many_nsas "$ike_b")
		t1=$(ike_now)
		[ "$many_na" -ge $((2 * $2)) ] && [ "$many_nb" -ge $((2 * $2)) ] && break
		[ "$t1" -lt "$end" ] || break
		sleep 0.1
	done
	many_ms=$((t1 - t0))
	tck=$(getconf CLK_TCK)
	for r in a b; do
		eval "many_cpu_$r=\$(((\$(ike_many_ticks \$many_pids_$r) - many_c0_$r) * 1000 / tck))"
	done
	[ "$many_na" -eq $((2 * many_n)) ] && [ "$many_nb" -eq $((2 * many_n)) ]
}

# ike_many_stop: stops the daemons of the last ike_many_run and flushes what they left.
ike_many_stop() {
	for ns in "$ike_a" "$ike_b"; do
		if [ "$many_impl" = ours ]; then ike_ours_stop "$ns"; else ike_many_swan_stop "$ns"; fi
	done
	ike_flush
}

# ike_many_pairs NS: how many of B's addresses have an SA each way in NS.
ike_many_pairs() {
	ike_states "$1" | awk -v a="$ike_a4" 'NR == FNR { want[$1] = 1; next }
		$3 == "esp" && $1 == a && ($2 in want) { o[$2] = 1 }
		$3 == "esp" && $2 == a && ($1 in want) { i[$1] = 1 }
		END { for (x in o) if (x in i) n++; print n + 0 }' \
		"$ike_dir/many.addrs" -
}
# --- end ikebench --------------------------------------------------------------------------
