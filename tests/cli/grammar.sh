#!/bin/sh
# Table tests of every grammar form (grammar.txt), through the real program: each value
# goes in with ipsecpol.exe's options and comes out of "show --json".
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/cli/cli_env.sh"
export IPSECPOL_STORE=$T/grammar.db
ipp --empty static set store location=local 2>/dev/null

n=0
while IFS='	' read -r kind arg want; do
	case $kind in '#'*|'') continue;; esac
	n=$((n + 1))
	p=G$n
	case $kind in
	f) set -- -f "$arg" -n PASS ;;
	n) set -- -f '0+*' -n "$arg" ;;
	a) set -- -f '0+*' -a "$arg" ;;
	m) set -- -f '0+*' -1s "$arg" ;;
	k) set -- -f '0+*' -1k "$arg" ;;
	p) p=$(printf '%s' "$arg" | sed 's/:[0-9]*$//'); set -- -f '0+*' ;;
	esac
	if [ "$kind" = p ]; then
		err=$("$IPSECPOL" -w REG -p "$arg" -r r "$@" 2>&1)
	else
		err=$("$IPSECPOL" -w REG -p "$p" -r r "$@" 2>&1)
	fi || { tap_fail "$kind '$arg': refused"; tap_diag "$err"; continue; }
	case $kind in
	f) got=$(ipp --json static show filterlist name="$p: r" | jq -r '[.filterlists[0].filters[] | "\(.src) \(.dst) \(.protocol) \(.srcport) \(.dstport) \(.mirrored)"] | join(";")') ;;
	n) got=$(ipp --json static show filteraction name="$p: r" | jq -r '.filteractions[0] | "\(.action) \(.inpass)|" + ([.offers[].text] | join(" "))') ;;
	a) got=$(ipp --show-secrets --json static show rule name=r policy="$p" 2>/dev/null | jq -r '[.rules[0].auth[] | if .method == "psk" then "psk:" + .key elif .method == "rootca" then "rootca:" + .rootca else .method end] | join(" ")') ;;
	m) got=$(ipp --json static show policy name="$p" | jq -r '[.policies[0].main_mode.offers[].text] | join(" ")') ;;
	k) got=$(ipp --json static show policy name="$p" | jq -r '.policies[0].main_mode | "\(.qm_per_mm) \(.lifetime_min)"') ;;
	p) got=$(ipp --json static show policy name="$p" | jq -r '.policies[0] | "\(.name) \(.polling_interval_min)"') ;;
	esac
	if [ "$kind" = a ] && [ "$(id -u)" -ne 0 ]; then
		tap_ok "# SKIP $kind '$arg': reading keys back needs root"; continue
	fi
	[ "$got" = "$want" ] && tap_ok "$kind '$arg' -> $want" || { tap_fail "$kind '$arg'"; tap_diag "got:  $got" "want: $want"; }
done < "$top_srcdir/tests/cli/grammar.txt"
tap_done
