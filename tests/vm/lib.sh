# lib.sh: shared by the in-VM tests (tests/vm/guest/*.sh); sourced after tests/lib/tap.sh.
#
# XFRM objects are installed "through our library": with tests/xfrm/xfrmtool, the test tool
# built on kernel-xfrm.  Results are always read back with iproute2, an independent
# implementation.  Until xfrmtool exists in the tree, x_* translates the same calls to
# `ip xfrm`, so the scenarios stay the same either way.

XFRMTOOL=${top_builddir:?}/tests/xfrm/xfrmtool
if [ -x "$XFRMTOOL" ]; then
	x_backend=xfrmtool
elif [ -f "${top_srcdir:?}/tests/xfrm/xfrmtool.c" ]; then
	# The tool is part of this tree but was not built: that is a failure, not a fallback.
	echo "not ok 1 - $XFRMTOOL is not built (run make check, which builds it)"
	echo "1..1"
	exit 1
else
	x_backend=iproute2
fi

# vm_hex BYTES: BYTES random bytes as hex.
vm_hex() {
	od -An -vtx1 -N "$1" /dev/urandom | tr -d ' \n'
}

# vm_ns NAME: a fresh network namespace with loopback up, deleted at exit.
vm_ns() {
	ip netns del "$1" 2>/dev/null
	ip netns add "$1" || return 1
	tap_cleanup "ip netns del $1"
	ip -n "$1" link set lo up
}

# vm_pair A B ADDR_A ADDR_B: namespaces A and B joined by a veth pair (va/vb) on a /24.
vm_pair() {
	vm_ns "$1" && vm_ns "$2" &&
	ip link add va netns "$1" type veth peer name vb netns "$2" &&
	ip -n "$1" addr add "$3/24" dev va && ip -n "$2" addr add "$4/24" dev vb &&
	ip -n "$1" link set va up && ip -n "$2" link set vb up
}

# vm_ping NS DST [COUNT [SRC]]: busybox ping (iputils may be absent), fast interval.
vm_ping() {
	ip netns exec "$1" busybox ping -q -c "${3:-3}" -i 0.2 -W 2 -w 10 \
		${4:+-I "$4"} "$2" >/dev/null 2>&1
}

# x NS SUBCOMMAND ARGS...: one xfrmtool call in namespace NS (see tests/xfrm/xfrmtool).
x() {
	ns=$1; shift
	if [ "$x_backend" = xfrmtool ]; then
		ip netns exec "$ns" "$XFRMTOOL" "$@"
	else
		x_ip "$ns" "$@"
	fi
}

# x_ip NS SUBCOMMAND ARGS...: the same call with iproute2.  Words are collected in $id
# (the state ID or policy selector, which ip wants together and first) and $rest,
# separated by \037 so that an empty key stays one empty word.
x_ip() {
	ns=$1 cmd=$2; shift 2
	us=$(printf '\037')
	id="" rest="" count=1 tmo=10
	while [ $# -gt 0 ]; do
		o=$1 v=${2-}
		[ $# -ge 2 ] || { echo "x_ip: $o needs a value" >&2; return 2; }
		shift 2
		case $o in
		--src|--dst|--spi) id="$id${o#--}$us$v$us" ;;
		--proto) id="${id}proto$us$v$us" ;;
		--mode|--reqid|--dir|--action|--min|--max) rest="$rest${o#--}$us$v$us" ;;
		--prio) rest="${rest}priority$us$v$us" ;;
		--enc) rest="${rest}enc$us${v%%:*}$us$(x_key "${v#*:}")$us" ;;
		--auth|--aead)
			a=${v%%:*} r=${v#*:}
			[ "$o" = --auth ] && kw=auth-trunc || kw=aead
			rest="$rest$kw$us$a$us$(x_key "${r%%:*}")$us${r#*:}$us" ;;
		--soft-secs) rest="${rest}limit${us}time-soft$us$v$us" ;;
		--hard-secs) rest="${rest}limit${us}time-hard$us$v$us" ;;
		--soft-bytes) rest="${rest}limit${us}byte-soft$us$v$us" ;;
		--hard-bytes) rest="${rest}limit${us}byte-hard$us$v$us" ;;
		--tmpl) rest="$rest$(x_tmpl "$v" | tr ' ' "$us")$us" ;;
		--count) count=$v ;;
		--timeout) tmo=$v ;;
		*) echo "x_ip: $cmd: unknown option $o" >&2; return 2 ;;
		esac
	done
	oifs=$IFS
	IFS=$us
	set -f
	# shellcheck disable=SC2086
	case $cmd in
	state-add) ip -n "$ns" xfrm state add $id $rest ;;
	state-del) ip -n "$ns" xfrm state delete $id ;;
	state-flush) ip -n "$ns" xfrm state flush ;;
	state-get) out=$(ip -n "$ns" -s xfrm state get $id) &&
		printf '%s\n' "$out" | x_ip_counters ;;
	policy-add) ip -n "$ns" xfrm policy add $id $rest ;;
	policy-flush) ip -n "$ns" xfrm policy flush ;;
	allocspi) out=$(ip -n "$ns" xfrm state allocspi $id $rest) &&
		printf '%s\n' "$out" | sed -n 's/.* spi \(0x[0-9a-f]*\).*/\1/p' ;;
	monitor) x_ip_monitor "$ns" "$count" "$tmo" ;;
	*) echo "x_ip: unknown subcommand $cmd" >&2; false ;;
	esac
	rc=$?
	set +f
	IFS=$oifs
	return $rc
}

x_key() {
	[ -z "$1" ] || echo "0x$1"
}

# x_tmpl esp|ah:transport|tunnel:REQID[:TSRC-TDST][:optional] in ip's words.
x_tmpl() {
	echo "$1" | awk -F: '{
		t = "tmpl proto " $1 " mode " $2 " reqid " $3
		for (i = 4; i <= NF; i++)
			if ($i == "optional") t = t " level use"
			else { split($i, e, "-"); t = "tmpl src " e[1] " dst " e[2] substr(t, 5) }
		print t
	}'
}

# x_ip_counters: "bytes=N packets=N" from `ip -s xfrm state get`.
x_ip_counters() {
	awk '/lifetime current:/ { getline; gsub(/[(),]/, " ");
		printf "bytes=%s packets=%s\n", $1, $3; found = 1 }
		END { exit !found }'
}

# x_ip_monitor NS COUNT SECS: the first COUNT acquire/expire events within SECS seconds.
x_ip_monitor() {
	f=$(mktemp) || return 1
	timeout "$3" ip -n "$1" xfrm monitor acquire expire >"$f" 2>&1 &
	p=$!
	while kill -0 "$p" 2>/dev/null &&
	    [ "$(x_ip_events "$2" <"$f" | wc -l)" -lt "$2" ]; do
		sleep 0.1
	done
	kill "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	x_ip_events "$2" <"$f"
	n=$(x_ip_events "$2" <"$f" | wc -l)
	rm -f "$f"
	[ "$n" -ge "$2" ]
}

# x_ip_events COUNT: `ip xfrm monitor` output as xfrmtool's event lines.
x_ip_events() {
	awk -v n="$1" '
	/^acquire proto/ { acq = 1; proto = $3; next }
	acq && /^  sel / { printf "acquire proto=%s src=%s dst=%s\n", proto, $3, $5;
		fflush(); acq = 0; if (++seen >= n) exit }
	/^Expired/ { inexp = 1; spi = ""; next }
	inexp && /proto .* spi / { for (i = 1; i < NF; i++) if ($i == "spi") spi = $(i + 1) }
	inexp && /^\thard / { printf "expire %s spi=%s\n", $2 == "1" ? "hard" : "soft", spi;
		fflush(); inexp = 0; if (++seen >= n) exit }'
}

# ip_state NS DST PROTO SPI: the state as iproute2 prints it (the independent reader).
ip_state() {
	ip -n "$1" -s xfrm state get dst "$2" proto "$3" spi "$4"
}

# ip_packets NS DST PROTO SPI: the packet counter of a state, read by iproute2.
ip_packets() {
	ip_state "$@" | x_ip_counters | sed 's/.*packets=//'
}

# vm_wait_listener NS: wait (up to 5 s) until a process in NS listens to XFRM multicast
# groups, so that an event triggered next cannot be missed.
vm_wait_listener() {
	i=0
	while [ $i -lt 50 ]; do
		# /proc/net/netlink: Eth 6 is NETLINK_XFRM; Pid 0 is the kernel's own socket.
		ip netns exec "$1" cat /proc/net/netlink |
			awk '$2 == 6 && $3 != 0 && $4 != "00000000" { f = 1 } END { exit !f }' &&
			return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# vm_xfrm_stat NS COUNTER: a counter from /proc/net/xfrm_stat of NS.
vm_xfrm_stat() {
	ip netns exec "$1" awk -v c="$2" '$1 == c { print $2 }' /proc/net/xfrm_stat
}

# vm_sa_pair A B ADDR_A ADDR_B PROTO MODE REQID SPI_AB SPI_BA ALG-ARGS...: the two SAs of a
# connection, installed through our library in both namespaces.
vm_sa_pair() {
	na=$1 nb=$2 aa=$3 ab=$4 proto=$5 mode=$6 reqid=$7 sab=$8 sba=$9
	shift 9
	for n in "$na" "$nb"; do
		x "$n" state-add --src "$aa" --dst "$ab" --proto "$proto" --spi "$sab" \
			--mode "$mode" --reqid "$reqid" "$@" &&
		x "$n" state-add --src "$ab" --dst "$aa" --proto "$proto" --spi "$sba" \
			--mode "$mode" --reqid "$reqid" "$@" || return 1
	done
}

# vm_policy_pair NS LOCAL REMOTE TMPL-OUT TMPL-IN: out and in policies of one side.
vm_policy_pair() {
	x "$1" policy-add --src "$2" --dst "$3" --dir out --tmpl "$4" &&
	x "$1" policy-add --src "$3" --dst "$2" --dir in --tmpl "$5"
}

# vm_counts_agree NS DST PROTO SPI: when the library is the installer, its reading of an
# SA's counters must match iproute2's.
vm_counts_agree() {
	[ "$x_backend" = xfrmtool ] || return 0
	lib=$(x "$1" state-get --dst "$2" --proto "$3" --spi "$4" | tr ' ' '\n' |
		sed -n 's/^packets=//p')
	[ "$lib" = "$(ip_packets "$@")" ]
}

# vm_traffic_checks LABEL A B PING-DST PING-SRC ADDR_B ADDR_A PROTO SPI_AB SPI_BA:
# ping through the SAs, counters grow on both ends, and without the receiving SA the
# same ping fails and the peer counts packets for a missing state (so they were IPsec).
vm_traffic_checks() {
	label=$1 na=$2 nb=$3 pdst=$4 psrc=$5 dab=$6 dba=$7 proto=$8 sab=$9
	shift 9
	sba=$1
	before=$(ip_packets "$na" "$dab" "$proto" "$sab")
	if [ "$before" = 0 ]; then tap_ok "$label: fresh SA counts 0 packets"
	else tap_fail "$label: fresh SA counts '$before' packets"; fi
	tap_check "$label: ping passes" vm_ping "$na" "$pdst" 3 "$psrc"
	for c in "$na $dab $sab A->B out" "$nb $dab $sab A->B in" \
	    "$na $dba $sba B->A in" "$nb $dba $sba B->A out"; do
		set -- $c
		p=$(ip_packets "$1" "$2" "$proto" "$3")
		if [ "${p:-0}" -ge 3 ]; then
			tap_ok "$label: SA $4 ($5) counted $p packets"
		else
			tap_fail "$label: SA $4 ($5) counted '$p' packets, expected >= 3"
			ip_state "$1" "$2" "$proto" "$3" | tap_diag "$(cat)"
		fi
		vm_counts_agree "$1" "$2" "$proto" "$3" ||
			tap_fail "$label: xfrmtool and iproute2 disagree on SA $4 ($5)"
	done
	miss0=$(vm_xfrm_stat "$nb" XfrmInNoStates)
	x "$nb" state-del --src "$dba" --dst "$dab" --proto "$proto" --spi "$sab"
	if vm_ping "$na" "$pdst" 1 "$psrc"; then
		tap_fail "$label: ping still passes without B's inbound SA"
	else
		tap_ok "$label: ping fails without B's inbound SA"
	fi
	miss1=$(vm_xfrm_stat "$nb" XfrmInNoStates)
	if [ "$miss1" -gt "$miss0" ]; then
		tap_ok "$label: B received $proto for the deleted SPI (XfrmInNoStates $miss0 -> $miss1)"
	else
		tap_fail "$label: B counted no $proto packet without a state ($miss0 -> $miss1)"
	fi
}
