# lib.sh: shared by the in-VM tests (tests/vm/guest/*.sh); sourced after tests/lib/tap.sh.
#
# XFRM objects are installed "through our library": with tests/xfrm/xfrmtool, the test tool
# built on kernel-xfrm.  Results are read back with iproute2, an independent implementation.
# IPPVM_XFRM=iproute2 installs with `ip xfrm` instead (x_ip translates xfrmtool's options),
# to tell a library bug from kernel behaviour.
#
# Every process start costs a lot under an emulated CPU (about 0.1 s, more on a loaded
# host), so these helpers fork little: keys come from one pool, namespaces are set up with
# `ip -batch`.

XFRMTOOL=${top_builddir:?}/tests/xfrm/xfrmtool
x_backend=${IPPVM_XFRM:-xfrmtool}
if [ "$x_backend" = xfrmtool ] && [ ! -x "$XFRMTOOL" ]; then
	echo "not ok 1 - $XFRMTOOL is not built (make check builds it)"
	echo "1..1"
	exit 1
fi

vm_pool=$(od -An -vtx1 -N 1024 /dev/urandom | tr -d ' \n')
# vm_hex BYTES: sets $hex to BYTES random bytes as hex, taken from the pool without a fork
# (so never call it in a subshell: the pool would not move on).
vm_hex() {
	hex="" p=$vm_pool n=$(($1 * 2))
	while [ $n -gt 0 ]; do
		r=${p#?}; hex=$hex${p%"$r"}; p=$r; n=$((n - 1))
	done
	vm_pool=$p$hex
}

# vm_in NS COMMAND...: COMMAND in network namespace NS.  nsenter only switches the network
# namespace; `ip netns exec` also builds a mount namespace, which costs far more here.
vm_in() {
	ns_=$1; shift
	nsenter --net="/run/netns/$ns_" "$@"
}

# vm_ns NAME: a fresh network namespace with loopback up, deleted at exit.
vm_ns() {
	tap_cleanup "ip netns del $1"
	ip netns add "$1" && ip -n "$1" link set lo up
}

# vm_pair A B ADDR_A ADDR_B: namespaces A and B joined by a veth pair (va/vb) on a /24.
vm_pair() {
	tap_cleanup "ip netns del $1"
	tap_cleanup "ip netns del $2"
	printf 'netns add %s\nnetns add %s\nlink add va netns %s type veth peer name vb netns %s\n' \
		"$1" "$2" "$1" "$2" | ip -batch - &&
	printf 'link set lo up\naddr add %s/24 dev va\nlink set va up\n' "$3" |
		ip -n "$1" -batch - &&
	printf 'link set lo up\naddr add %s/24 dev vb\nlink set vb up\n' "$4" |
		ip -n "$2" -batch -
}

# vm_ping NS DST [COUNT [SRC]]: busybox ping (iputils may be absent), fast interval.
vm_ping() {
	vm_in "$1" busybox ping -q -c "${3:-3}" -i 0.2 -W 2 -w 10 \
		${4:+-I "$4"} "$2" >/dev/null 2>&1
}

# x NS SUBCOMMAND ARGS...: one xfrmtool call in namespace NS (see tests/xfrm/xfrmtool).
x() {
	x_ns=$1; shift
	if [ "$x_backend" = xfrmtool ]; then
		vm_in "$x_ns" "$XFRMTOOL" "$@"
	else
		x_ip "$x_ns" "$@"
	fi
}

# x_batch NS: xfrmtool's batch (one operation per line of stdin) in namespace NS.
x_batch() {
	if [ "$x_backend" = xfrmtool ]; then
		vm_in "$1" "$XFRMTOOL" batch
	else
		x_rc=0
		while IFS= read -r x_line; do
			set -f
			# shellcheck disable=SC2086
			set -- "$1" $x_line
			set +f
			x_ip "$@" || x_rc=1
		done
		return $x_rc
	fi
}

# x_ip NS SUBCOMMAND ARGS...: the same call with iproute2.  Words are collected in $x_id
# (the state ID or policy selector, which ip wants together and first) and $x_rest,
# separated by \037 so that an empty key stays one empty word.
x_ip() {
	x_ns=$1 x_cmd=$2; shift 2
	x_us=$(printf '\037')
	x_id="" x_rest="" x_count=1 x_tmo=10
	while [ $# -gt 0 ]; do
		x_o=$1 x_v=${2-}
		[ $# -ge 2 ] || { echo "x_ip: $x_o needs a value" >&2; return 2; }
		shift 2
		case $x_o in
		--src|--dst|--spi) x_id="$x_id${x_o#--}$x_us$x_v$x_us" ;;
		--proto) x_id="${x_id}proto$x_us$x_v$x_us" ;;
		--mode|--reqid|--dir|--action|--min|--max) x_rest="$x_rest${x_o#--}$x_us$x_v$x_us" ;;
		--prio) x_rest="${x_rest}priority$x_us$x_v$x_us" ;;
		--enc) x_rest="${x_rest}enc$x_us${x_v%%:*}$x_us$(x_key "${x_v#*:}")$x_us" ;;
		--auth|--aead)
			x_a=${x_v%%:*} x_r=${x_v#*:}
			[ "$x_o" = --auth ] && x_kw=auth-trunc || x_kw=aead
			x_rest="$x_rest$x_kw$x_us$x_a$x_us$(x_key "${x_r%%:*}")$x_us${x_r#*:}$x_us" ;;
		--soft-secs) x_rest="${x_rest}limit${x_us}time-soft$x_us$x_v$x_us" ;;
		--hard-secs) x_rest="${x_rest}limit${x_us}time-hard$x_us$x_v$x_us" ;;
		--soft-bytes) x_rest="${x_rest}limit${x_us}byte-soft$x_us$x_v$x_us" ;;
		--hard-bytes) x_rest="${x_rest}limit${x_us}byte-hard$x_us$x_v$x_us" ;;
		--tmpl) x_rest="$x_rest$(x_tmpl "$x_v" | tr ' ' "$x_us")$x_us" ;;
		--count) x_count=$x_v ;;
		--timeout) x_tmo=$x_v ;;
		*) echo "x_ip: $x_cmd: unknown option $x_o" >&2; return 2 ;;
		esac
	done
	x_oifs=$IFS
	IFS=$x_us
	set -f
	# shellcheck disable=SC2086
	case $x_cmd in
	state-add) ip -n "$x_ns" xfrm state add $x_id $x_rest ;;
	state-del) ip -n "$x_ns" xfrm state delete $x_id ;;
	state-flush) ip -n "$x_ns" xfrm state flush ;;
	state-get) x_out=$(ip -n "$x_ns" -s xfrm state get $x_id) &&
		printf '%s\n' "$x_out" | x_ip_counters ;;
	policy-add) ip -n "$x_ns" xfrm policy add $x_id $x_rest ;;
	policy-flush) ip -n "$x_ns" xfrm policy flush ;;
	allocspi) x_out=$(ip -n "$x_ns" xfrm state allocspi $x_id $x_rest) &&
		printf '%s\n' "$x_out" | sed -n 's/.* spi \(0x[0-9a-f]*\).*/\1/p' ;;
	monitor) x_ip_monitor "$x_ns" "$x_count" "$x_tmo" ;;
	*) echo "x_ip: unknown subcommand $x_cmd" >&2; false ;;
	esac
	x_rc=$?
	set +f
	IFS=$x_oifs
	return $x_rc
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
	x_f=$(mktemp) || return 1
	timeout "$3" ip -n "$1" xfrm monitor acquire expire >"$x_f" 2>&1 &
	x_p=$!
	while kill -0 "$x_p" 2>/dev/null &&
	    [ "$(x_ip_events "$2" <"$x_f" | wc -l)" -lt "$2" ]; do
		sleep 0.1
	done
	kill "$x_p" 2>/dev/null
	wait "$x_p" 2>/dev/null
	x_ip_events "$2" <"$x_f"
	x_n=$(x_ip_events "$2" <"$x_f" | wc -l)
	rm -f "$x_f"
	[ "$x_n" -ge "$2" ]
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
	ip_state "$@" | awk '/lifetime current:/ { getline; sub(/\(.*/, "", $2); print $2 }'
}

# vm_wait_listener NS: wait (up to 5 s) until a process in NS listens to XFRM multicast
# groups, so that an event triggered next cannot be missed.
vm_wait_listener() {
	i=0
	while [ $i -lt 50 ]; do
		# /proc/net/netlink: Eth 6 is NETLINK_XFRM; Pid 0 is the kernel's own socket.
		vm_in "$1" cat /proc/net/netlink |
			awk '$2 == 6 && $3 != 0 && $4 != "00000000" { f = 1 } END { exit !f }' &&
			return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# vm_xfrm_stat NS COUNTER: a counter from /proc/net/xfrm_stat of NS.
vm_xfrm_stat() {
	vm_in "$1" awk -v c="$2" '$1 == c { print $2 }' /proc/net/xfrm_stat
}

# vm_sa_op SRC DST PROTO MODE REQID SPI ALG-ARGS...: the batch line adding one SA.
vm_sa_op() {
	s_=$1 d_=$2 p_=$3 m_=$4 r_=$5 spi_=$6
	shift 6
	echo "state-add --src $s_ --dst $d_ --proto $p_ --spi $spi_ --mode $m_ --reqid $r_ $*"
}

# vm_pol_op SRC DST DIR TMPL: the batch line adding one policy.
vm_pol_op() {
	echo "policy-add --src $1 --dst $2 --dir $3 --tmpl $4"
}

# vm_commit NS OPS: one library batch of OPS (lines) in NS; fails if any operation failed.
vm_commit() {
	printf '%s\n' "$2" | x_batch "$1"
}

# vm_counters NS: "SPI PACKETS" for every SA in NS, read by iproute2, and when the library
# installed them, "SPI PACKETS" as the library reads them, in $lib_counts.
vm_counters() {
	ip -n "$1" -s xfrm state list | awk '
		/ spi 0x/ { for (i = 1; i < NF; i++) if ($i == "spi") spi = $(i + 1); sub(/\(.*/, "", spi) }
		/lifetime current:/ { getline; sub(/\(.*/, "", $2); print spi, $2 }'
}
vm_lib_counters() {
	[ "$x_backend" = xfrmtool ] || return 0
	x "$1" state-dump | awk '{ for (i = 1; i <= NF; i++) {
		if ($i == "spi") spi = $(i + 1); if ($i ~ /^packets=/) p = substr($i, 9) }
		print spi, p }'
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
	ca=$(vm_counters "$na") cb=$(vm_counters "$nb")
	la=$(vm_lib_counters "$na") lb=$(vm_lib_counters "$nb")
	for c in "a $sab A->B out" "b $sab A->B in" "a $sba B->A in" "b $sba B->A out"; do
		set -- $c
		if [ "$1" = a ]; then cs=$ca ls=$la; else cs=$cb ls=$lb; fi
		p=$(printf '%s\n' "$cs" | while read -r s n; do [ "$s" = "$2" ] && echo "$n"; done)
		if [ "${p:-0}" -ge 3 ]; then
			tap_ok "$label: SA $3 ($4) counted $p packets"
		else
			tap_fail "$label: SA $3 ($4) counted '$p' packets, expected >= 3"
			tap_diag "$cs"
		fi
		[ "$x_backend" = xfrmtool ] || continue
		l=$(printf '%s\n' "$ls" | while read -r s n; do [ "$s" = "$2" ] && echo "$n"; done)
		if [ "$l" = "$p" ]; then tap_ok "$label: the library reads the same count for SA $3 ($4)"
		else tap_fail "$label: the library reads '$l' packets for SA $3 ($4), iproute2 '$p'"; fi
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
