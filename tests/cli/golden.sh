#!/bin/sh
# Golden outputs of show, text and JSON: the examples plus a policy that uses every kind of
# value.  GUIDs (the examples' rules get fresh ones), times and the store's path are masked;
# everything else must match tests/cli/golden/ byte for byte.
# GOLDEN_UPDATE=1 rewrites the golden files (review the diff before committing them).
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/cli/cli_env.sh"
G=$top_srcdir/tests/cli/golden
export TZ=UTC

S="ipp static"
$S add filterlist name=Web description="Web servers" &&
$S add filter filterlist=Web srcaddr=me dstaddr=192.0.2.0 dstmask=255.255.255.0 protocol=TCP dstport=443 description=HTTPS mirrored=no &&
$S add filter filterlist=Web srcaddr=2001:db8::/32 dstaddr=me protocol=6 dstport=80 mirrored=no &&
$S add filter filterlist=Web srcaddr=10.0.0.1-10.0.0.9 dstaddr=www.example.org protocol=UDP srcport=53 mir=n &&
$S add filter filterlist=Web srcaddr=me dstaddr=dns protocol=udp dstport=53 mir=n &&
$S add filteraction name=Strong description="modern and legacy offers" soft=yes qmsec="ESP[AES256GCM16]:50000k/1800sPFS19 AH[SHA1]+ESP[AES128,SHA256] ESP[DES,MD5]:100000k/3600s" &&
$S add policy name=Golden description="every kind of value" mmsec="AES256-SHA384-20 3DES-SHA1-2" mmlifetime=600 qmpermm=1 mmpfs=yes pollinginterval=60 &&
$S add rule name=Tunnel policy=Golden filterlist=Web filteraction=Strong tunnel=198.51.100.7 conntype=lan psk="golden key" rootca="CN=Golden Root, O=Example certmap:yes excludecaname:yes" kerberos=yes &&
$S add rule name=Off policy=Golden filterlist="All ICMP Traffic" filteraction=Permit activate=no &&
$S set defaultrule policy=Golden qmsec="ESP[AES128,SHA256]" activate=no &&
$S set policy name=Golden assign=yes || { tap_fail "building the store"; tap_done; exit 1; }
tap_ok "built the golden store"

mask() {
	sed -e 's/{[0-9A-F]\{8\}-[0-9A-F]\{4\}-[0-9A-F]\{4\}-[0-9A-F]\{4\}-[0-9A-F]\{12\}}/{GUID}/g' \
	    -e 's/"changed": "[^"]*"/"changed": "TIME"/' \
	    -e 's/^\(Last Modified *: \).*/\1TIME/' \
	    -e "s|$T|STOREDIR|g"
}
# golden NAME ARGS...: ipsecpol ARGS, masked, against golden/NAME.
golden() {
	name=$1; shift
	if ! "$IPSECPOL" "$@" > "$T/raw" 2> "$T/err"; then
		tap_fail "$name: ipsecpol $*"; tap_diag "$(cat "$T/err")"; return
	fi
	mask < "$T/raw" > "$T/$name"
	if [ -n "${GOLDEN_UPDATE:-}" ]; then cp "$T/$name" "$G/$name"; fi
	if cmp -s "$T/$name" "$G/$name"; then tap_ok "$name"; else
		tap_fail "$name"; tap_diag "$(diff -u "$G/$name" "$T/$name" | head -40)"; fi
}
golden show_all.txt static show all
golden show_all.json --json static show all
golden show_policy_verbose.txt static show policy name=Golden level=verbose
golden show_policy_table.txt static show policy name=Golden format=table
golden show_policy.json --json static show policy name=Golden
golden show_rule.txt static show rule name=Tunnel policy=Golden
golden show_rule.json --json static show rule all policy=Golden
golden show_rule_default.txt static show rule default policy=Golden
golden show_rule_default.json --json static show rule default policy=Golden
golden show_filterlist.txt static show filterlist name=Web
golden show_filterlist.json --json static show filterlist rule=Tunnel
golden show_filteraction.txt static show filteraction name=Strong
golden show_filteraction.json --json static show filteraction all
golden show_store.txt static show store
golden show_store.json --json static show store
golden export.txt static exportpolicy file=-

# Every JSON output is one document of the documented schema version.
for f in "$T"/*.json; do
	jq -en 'input | .schema == 1' "$f" >/dev/null && tap_ok "$(basename "$f"): schema 1" ||
		tap_fail "$(basename "$f"): schema"
done
tap_done
