#!/bin/sh
# ike-flood: ours (A, responder) under a flood of Main Mode first messages from the forged
# addresses of 10.70.0.0/16 (namespace F, tests/ike/ikeflood), while strongSwan's charon
# (B) initiates to it on a ping: charon's Main Mode and Quick Mode complete, ESP traffic
# passes, ours' half-open table stays within its limit (ike_half_open_max = 1024) and
# counts what it evicted.  IPPVM_IKE_FLOOD_RATE: datagrams a second (default 1000: under
# TCG the module reads about 2000 a second and answers a few hundred).  The table must
# hold more first messages than the module answers while charon computes its message 3
# (a Diffie-Hellman key pair, slow under TCG): 128 was too few there.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/vm/ikelab.sh"

o=$(ike_ours_built) || ike_bail "our programs are built" "$o"
[ -x "$IKE_FLOOD" ] || ike_bail "tests/ike/ikeflood is built (make check builds it)"
ike_setup ikfl
ike_dos_flooder "$ike_a" ikflf 2>"$ike_dir/flooder.err" ||
	ike_bail "the flooder's namespace ikflf" "$(cat "$ike_dir/flooder.err")"
ike_swan_start "$ike_b" || ike_bail "charon starts in $ike_b" "$(ike_log "$ike_b")"

ike_cell_vars transport cbc nopfs
label="strongSwan->ours under a flood"
o=$(ike_dos_policy "$ike_a" "$IKE_PSK" 2>&1) || ike_bail "$label: our store" "$o"
ike_swan_load "$ike_b" b "$IKE_PSK" trap >"$ike_dir/load.out" 2>&1 ||
	ike_bail "$label: strongSwan loads the cell" "$(cat "$ike_dir/load.out")"
ike_dos_start "$ike_a" 1024 8 || ike_bail "$label: our agent starts" \
	"$(tail -n 20 "$ike_dir/$ike_a/agent.log")"

nsenter --net=/run/netns/ikflf "$IKE_FLOOD" -d "$ike_dos_r" -s 10.70.0.0/16 \
	-r "${IPPVM_IKE_FLOOD_RATE:-1000}" -t 300 >"$ike_dir/flood.out" 2>&1 &
flood=$!
tap_cleanup "kill $flood 2>/dev/null"
if ike_wait 60 ike_dos_full "$ike_a" 1024; then
	tap_ok "$label: the flood fills our half-open table (1024)"
else
	tap_fail "$label: the flood fills our half-open table (1024)"
	tap_diag "$(ike_ours_cli "$ike_a" --json status)" "$(cat "$ike_dir/flood.out")"
fi
ike_traffic "$label" b
mm=$(ike_ours_cli "$ike_a" --json dynamic show mmsas 2>&1)
if [ -n "$mm" ] && printf '%s\n' "$mm" | jq -e '.mmsas | map(select(.peer == "192.0.2.2" and
    .state == "established" and .role == "responder")) | length == 1' >/dev/null 2>&1; then
	tap_ok "$label: ours lists the established main mode with charon"
else
	tap_fail "$label: ours lists the established main mode with charon"
	tap_diag "$(printf '%s\n' "$mm" | head -c 2000)"
fi
st=$(ike_ours_cli "$ike_a" --json status 2>&1)
if [ -n "$st" ] && printf '%s\n' "$st" | jq -e '.ike.half_open.current <= 1024 and
    .ike.half_open.peak == 1024 and .ike.half_open.evicted > 100' >/dev/null 2>&1; then
	tap_ok "$label: half-open within the limit, evictions counted ($(printf '%s\n' "$st" |
	    jq -c .ike.half_open))"
else
	tap_fail "$label: half-open within the limit, evictions counted"
	tap_diag "$st"
fi
kill "$flood" 2>/dev/null
wait "$flood" 2>/dev/null
tap_diag "flood: $(cat "$ike_dir/flood.out")"
ike_ours_stop "$ike_a"
tap_done
