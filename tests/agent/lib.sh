# Shared by the tests/agent shell tests: a private namespace and directory, the agent
# running in it, and readers of `ip xfrm policy` (one normalized record per policy).

agent_setup() {
	[ "$(id -u)" = 0 ] || tap_skip_all "needs root to create network namespaces"
	command -v ip >/dev/null || tap_skip_all "iproute2 (ip) not installed"
	AGENT=$top_builddir/agent/ipsecpold
	ST=$top_builddir/tests/agent/storetool
	CT=$top_builddir/tests/agent/ctltool
	STANDIN=$top_builddir/tests/agent/ike-standin
	for p in "$AGENT" "$ST" "$CT" "$STANDIN"; do
		[ -x "$p" ] || { echo "Bail out! $p not built"; exit 1; }
	done
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/ipp-agent.XXXXXX")
	tap_cleanup "rm -rf $tmp"
	chmod 0755 "$tmp"
	mkdir -m 0700 "$tmp/run"
	ns=ipp-agent-$$
	ip netns add "$ns" || { echo "Bail out! cannot create namespace $ns"; exit 1; }
	tap_cleanup "ip netns del $ns"
	ip -n "$ns" link set lo up
	DB=$tmp/local.db
	SOCK=$tmp/run/ctl.sock
	agent_conf
}

# agent_conf [LINES...]: the configuration, with extra lines appended.
agent_conf() {
	cat >"$tmp/conf" <<EOC
# written by $0
local_store = $DB
control_socket = $SOCK
iked = $STANDIN
iked_socket = $tmp/run/iked.sock
pidfile = $tmp/run/ipsecpold.pid
debounce_ms = 100
EOC
	for l in "$@"; do printf '%s\n' "$l" >>"$tmp/conf"; done
}

# agent_start: runs the agent in the foreground (in the background of this shell) and
# waits until it answers on its control socket.
agent_start() {
	IKE_STANDIN_RECORD=$tmp/ike.rec ip netns exec "$ns" "$AGENT" -d -f "$tmp/conf" \
		>>"$tmp/log" 2>&1 &
	apid=$!
	tap_cleanup "kill -9 $apid"
	i=0
	while [ $i -lt 100 ]; do
		"$CT" "$SOCK" status >/dev/null 2>&1 && return 0
		kill -0 "$apid" 2>/dev/null || break
		sleep 0.05
		i=$((i + 1))
	done
	tap_diag "agent did not come up; log:" "$(cat "$tmp/log")"
	return 1
}

agent_stop() {
	kill -TERM "$apid" 2>/dev/null
	wait "$apid" 2>/dev/null
}

ctl() { "$CT" "$SOCK" "$@"; }

# status KEY: one value of the agent's status.
status() { ctl status | sed -n "s/^$1=//p"; }

# Kernel policies, one line each, with the volatile parts (priority value, reqid value,
# index) made symbolic; sorted.
kpol() {
	ip -n "$ns" xfrm policy list |
		awk '/^src/ { if (r != "") print r; r = $0; next } { r = r " " $0 }
		     END { if (r != "") print r }' | tr -s ' \t' '  ' |
		sed -e 's/ priority [0-9]*//' -e 's/ reqid [0-9]*/ reqid R/g' \
		    -e 's/ ptype main//' -e 's/ *$//' | sort
}

kcount() { kpol | grep -c '^src' || true; }

# expect_kpol DESCRIPTION COMMAND...: compares kpol with what the command prints.
expect_kpol() {
	desc=$1; shift
	"$@" | sort >"$tmp/want"
	kpol >"$tmp/got"
	if cmp -s "$tmp/want" "$tmp/got"; then tap_ok "$desc"; else
		tap_fail "$desc"
		tap_diag "$(diff "$tmp/want" "$tmp/got")"
	fi
}

# wait_for SECONDS COMMAND...: polls until the command succeeds.
wait_for() {
	limit=$1; shift
	end=$(( $(date +%s%N) / 1000000 + limit * 1000 ))
	while [ "$(( $(date +%s%N) / 1000000 ))" -lt "$end" ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	return 1
}

# The exemptions of NoDefaultExempt 3, the default: IKE (8 allow policies) and IPv6
# neighbour discovery (10).
ike_exempt() {
	for f in "0.0.0.0/0 dst 0.0.0.0/0" "::/0 dst ::/0"; do
		for p in 500 4500; do
			echo "src $f proto udp sport $p dir out"
			echo "src $f proto udp dport $p dir in"
		done
	done
	for t in 133 134 135 136 137; do
		for d in out in; do
			echo "src ::/0 dst ::/0 proto ipv6-icmp type $t dir $d"
		done
	done
}
