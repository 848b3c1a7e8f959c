# netns-lib.sh: hosts made of a network namespace, a local store, an agent and the real
# IKE module, for the host-tier IKE tests (pair.sh, flood.sh, soft.sh).  Source after
# tap.sh.  Host NAME lives in namespace ipp-NAME-$$, its files in $tmp/NAME (local.db,
# conf, log, run/ with the sockets); every namespace and process is removed at exit.

# netns_init TAG: the checks every test needs, the programs ($AGENT, $IKED, $IPSECPOL, $PING)
# and a private directory $tmp (kept, and named, when $IPP_NETNS_KEEP is set).
netns_init() {
	[ "$(id -u)" = 0 ] || tap_skip_all "needs root to create network namespaces"
	command -v ip >/dev/null || tap_skip_all "iproute2 (ip) not installed"
	command -v jq >/dev/null || tap_skip_all "jq not installed"
	if command -v ping >/dev/null; then PING=ping
	elif command -v busybox >/dev/null; then PING="busybox ping"
	else tap_skip_all "no ping (iputils-ping or busybox) installed"; fi
	AGENT=$top_builddir/agent/ipsecpold
	IKED=$top_builddir/ike/ipsecpol-iked
	IPSECPOL=$top_builddir/cli/ipsecpol
	for p in "$AGENT" "$IKED" "$IPSECPOL"; do
		[ -x "$p" ] || { echo "Bail out! $p not built"; exit 1; }
	done
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/ipp-$1.XXXXXX")
	if [ -n "$IPP_NETNS_KEEP" ]; then echo "# keeping $tmp"
	else tap_cleanup "rm -rf $tmp"; fi
	chmod 0755 "$tmp"
}

# netns NAME: namespace ipp-NAME-$$ with loopback up.
netns() {
	ip netns add "ipp-$1-$$" || { echo "Bail out! cannot create namespace ipp-$1-$$"; exit 1; }
	tap_cleanup "ip netns del ipp-$1-$$"
	ip -n "ipp-$1-$$" link set lo up
}

# host_conf NAME [LINES...]: $tmp/NAME with the agent's configuration for the store
# $tmp/NAME/local.db; the IKE module is $HOST_IKED (default: $IKED).
host_conf() {
	_h=$1; shift
	mkdir -p -m 0700 "$tmp/$_h" "$tmp/$_h/run"
	cat >"$tmp/$_h/conf" <<EOC
local_store = $tmp/$_h/local.db
control_socket = $tmp/$_h/run/ctl.sock
iked = ${HOST_IKED:-$IKED}
iked_socket = $tmp/$_h/run/iked.sock
pidfile = $tmp/$_h/run/ipsecpold.pid
debounce_ms = 100
EOC
	for l in "$@"; do printf '%s\n' "$l" >>"$tmp/$_h/conf"; done
}

# host NAME POLICY FILTER PSK [LINES...]: a store whose policy POLICY has one rule that
# requires ESP with the peers of FILTER (ipsecpol -f), preshared key PSK; and the conf.
host() {
	_h=$1 _p=$2 _f=$3 _k=$4
	shift 4
	host_conf "$_h" "$@"
	"$IPSECPOL" --store "$tmp/$_h/local.db" -w REG -p "$_p" -r peer -f "$_f" \
		-n 'ESP[AES128,SHA1]' -a "PRESHARE:$_k" -x >/dev/null ||
		{ echo "Bail out! cannot write the store of $_h"; exit 1; }
}

# start NAME: the agent of NAME in its namespace, in the background; its pid in $pid_NAME.
# ip netns exec execs the agent, so $! is the process to stop, not a subshell.
start() {
	ip netns exec "ipp-$1-$$" "$AGENT" -d -f "$tmp/$1/conf" >>"$tmp/$1/log" 2>&1 &
	eval "pid_$1=$!"
	tap_cleanup "kill $!"
}

# show NAME ARGS...: ipsecpol against NAME's agent.
show() { _h=$1; shift; "$IPSECPOL" --agent-socket "$tmp/$_h/run/ctl.sock" "$@"; }

# waitlog SECONDS NAME PATTERN: true as soon as NAME's log has PATTERN.
waitlog() {
	_i=0
	while [ $_i -lt $(($1 * 20)) ]; do
		grep -q "$3" "$tmp/$2/log" 2>/dev/null && return 0
		sleep 0.05
		_i=$((_i + 1))
	done
	return 1
}

# until_ok SECONDS CMD...: true as soon as CMD is.
until_ok() {
	_end=$(($(date +%s) + $1))
	shift
	while [ "$(date +%s)" -le "$_end" ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	return 1
}

# jq -e that fails on empty input (jq 1.6 itself succeeds there): jqs JSON FILTER, and as
# a filter of standard input, jqe FILTER.
jqs() { [ -n "$1" ] && printf '%s\n' "$1" | jq -en "input | ($2)" >/dev/null; }
jqe() { jqs "$(cat)" "$1"; }
