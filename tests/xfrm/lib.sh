# Shared by the tests/xfrm shell tests: a private namespace, xfrmtool in it, and readers of
# `ip xfrm policy` output (one record per policy, whitespace folded).

xfrm_setup() {
	[ "$(id -u)" = 0 ] || tap_skip_all "needs root to create network namespaces"
	command -v ip >/dev/null || tap_skip_all "iproute2 (ip) not installed"
	tool=$top_builddir/tests/xfrm/xfrmtool
	[ -x "$tool" ] || { echo "Bail out! $tool not built"; exit 1; }
	ns=ipp-xfrm-$$
	ip netns add "$ns" || { echo "Bail out! cannot create namespace $ns"; exit 1; }
	tap_cleanup "ip netns del $ns"
	ip -n "$ns" link set lo up
}

# X ARGS...: xfrmtool in the namespace (its complaints go to the log on stderr).
X() { ip netns exec "$ns" "$tool" "$@"; }

# Plain output; IPS=-s for the statistics form (lifetimes, index).
ip_records() {
	ip ${IPS:-} -n "$ns" xfrm policy list |
		awk '/^src/ { if (r != "") print r; r = $0; next } { r = r " " $0 }
		     END { if (r != "") print r }' | tr -s ' \t' '  '
}

ip_count() { ip_records | grep -c '^src'; }

# ip_match FRAGMENT...: succeeds when one policy record holds every fragment.
ip_match() {
	ip_records | while IFS= read -r rec; do
		all=1
		for f in "$@"; do
			case $rec in *"$f"*) ;; *) all=0; break ;; esac
		done
		[ $all = 1 ] && echo yes && break
	done | grep -q yes
}

ip_has() {
	desc=$1; shift
	if ip_match "$@"; then tap_ok "$desc"; else
		tap_fail "$desc"
		tap_diag "wanted: $*" "ip xfrm policy:" "$(ip_records | grep -F -- "$1")"
	fi
}

ip_lacks() {
	desc=$1; shift
	if ip_match "$@"; then
		tap_fail "$desc"
		tap_diag "unwanted: $*" "ip xfrm policy:" "$(ip_records | grep -F -- "$1")"
	else tap_ok "$desc"; fi
}
