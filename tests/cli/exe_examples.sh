#!/bin/sh
# Every static-mode example of windows-cli.md §2.8 and §2.9, run through the real program
# against a temporary store, and the objects each is meant to make, read back with
# "show --json".  Dynamic-mode lines must say that the agent is not running.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/cli/cli_env.sh"

pol() { printf '.policies[] | select(.name == "%s")' "$1"; }
rule() { printf '.policies[0].rules[] | select(.name == "%s")' "$1"; }

# ---- §2.8: the walk-through ----
expect_rc 0 "2.8: -y -o on a policy that does not exist yet is harmless" \
	ipp -w REG -p "MyPol" -y -o
expect_rc 0 "2.8: Blocker rule" ipp -w REG -p "MyPol" -r "Blocker" -n BLOCK -x -f '0+*'
expect_rc 0 "2.8: GoHTTP rule" ipp -w REG -p "MyPol" -r "GoHTTP" -n PASS -x -f 0:80+*::TCP
expect_rc 0 "2.8: GoHTTPS rule" ipp -w REG -p "MyPol" -r "GoHTTPS" -n PASS -x -f 0:443+*::TCP
expect_rc 0 "2.8: GoICMP rule" ipp -w REG -p "MyPol" -r "GoICMP" -n PASS -x -f '0+*::ICMP'
jcheck "2.8: MyPol is assigned with four rules in order" \
	'.policies[0].assigned and ([.policies[0].rules[].name] == ["Blocker","GoHTTP","GoHTTPS","GoICMP"])' \
	static show policy name=MyPol
jcheck "2.8: Blocker blocks me<->any, mirrored, any protocol" \
	'.filterlists[0].filters == [{"description":null,"src":"me","dst":"any","protocol":0,"srcport":0,"dstport":0,"mirrored":true}]' \
	static show filterlist name="MyPol: Blocker"
jcheck "2.8: Blocker's action is block" '.filteractions[0].action == "block" and (.filteractions[0].offers | length) == 0' \
	static show filteraction name="MyPol: Blocker"
jcheck "2.8: GoHTTP passes TCP from my port 80" \
	'.filterlists[0].filters[0] | .src == "me" and .dst == "any" and .protocol == 6 and .srcport == 80 and .dstport == 0 and .mirrored' \
	static show filterlist name="MyPol: GoHTTP"
jcheck "2.8: GoHTTPS passes TCP from my port 443" \
	'.filterlists[0].filters[0] | .protocol == 6 and .srcport == 443' \
	static show filterlist name="MyPol: GoHTTPS"
jcheck "2.8: GoICMP passes ICMP" \
	'.filterlists[0].filters[0] | .protocol == 1 and .mirrored' static show filterlist name="MyPol: GoICMP"
jcheck "2.8: the PASS rules' actions are permit" \
	'[.filteractions[] | select(.name | startswith("MyPol: Go")) | .action] == ["permit","permit","permit"]' \
	static show filteraction all
jcheck "2.8: each rule uses its own list and action" \
	'[.policies[0].rules[] | .filterlist == ("MyPol: " + .name) and .filteraction == ("MyPol: " + .name)] | all' \
	static show policy name=MyPol

# Re-running a line replaces the rule (same GUID), it does not add another.  Windows'
# rules have no order (the most specific filter wins), so the rule may move.
g1=$(ipp --json static show policy name=MyPol | jq -r '.policies[0].rules[0].guid')
expect_rc 0 "2.8: re-running the Blocker line" ipp -w REG -p "MyPol" -r "Blocker" -n BLOCK -x -f '0+*' '*=0:25:TCP'
jcheck "2.8: the rule was replaced, keeping its GUID" \
	"(.policies[0].rules | length) == 4 and ([.policies[0].rules[] | select(.name == \"Blocker\") | .guid] == [\"$g1\"])" \
	static show policy name=MyPol
jcheck "2.8: the replaced rule has the new filters" \
	'(.filterlists[0].filters | length) == 2 and .filterlists[0].filters[1].mirrored == false' \
	static show filterlist name="MyPol: Blocker"
expect_rc 0 "2.8: -y -o deletes the whole policy" ipp -w REG -p "MyPol" -y -o
jcheck "2.8: MyPol and its lists and actions are gone" \
	'([.policies[].name] | index("MyPol")) == null and ([.filterlists[].name | select(startswith("MyPol"))] | length) == 0 and ([.filteractions[].name | select(startswith("MyPol"))] | length) == 0' \
	static show all

# ---- §2.9: KB 813878 ----
B="Block UDP 1434 Filter"
expect_rc 0 "2.9: block inbound UDP 1434, assigned" \
	ipp -w REG -p "$B" -r "Block Inbound UDP 1434 Rule" -f '*=0:1434:UDP' -n BLOCK -x
expect_rc 0 "2.9: block inbound TCP 80 in a second policy, assigned" \
	ipp -w REG -p "Block TCP 80 Filter" -r "Block Inbound TCP 80 Rule" -f '*=0:80:TCP' -n BLOCK -x
jcheck "2.9: the second -x switched the assignment" \
	"([$(pol "$B") | .assigned] == [false]) and ([$(pol "Block TCP 80 Filter") | .assigned] == [true])" \
	static show policy all
expect_rc 0 "2.9: block outbound UDP 1434" \
	ipp -w REG -p "$B" -r "Block Outbound UDP 1434 Rule" -f '0=*:1434:UDP' -n BLOCK
expect_rc 0 "2.9: flags in another order add to the existing policy" \
	ipp -p "$B" -w REG -r "Block Inbound TCP 80 Rule" -f '*=0:80:TCP' -n BLOCK
jcheck "2.9: inbound UDP 1434 is any -> me:1434/udp, one-way" \
	'.filterlists[0].filters == [{"description":null,"src":"any","dst":"me","protocol":17,"srcport":0,"dstport":1434,"mirrored":false}]' \
	static show filterlist name="$B: Block Inbound UDP 1434 Rule"
jcheck "2.9: outbound UDP 1434 is me -> any:1434/udp, one-way" \
	'.filterlists[0].filters[0] | .src == "me" and .dst == "any" and .dstport == 1434 and .protocol == 17 and (.mirrored | not)' \
	static show filterlist name="$B: Block Outbound UDP 1434 Rule"
jcheck "2.9: the policy has three rules" "[.policies[0].rules[].name] | length == 3" static show policy name="$B"
expect_rc 4 "2.9: dynamic block [*=0:1434:UDP]: the agent is not running" ipp -f '[*=0:1434:UDP]'
out=$(ipp -f '[*=0:1434:UDP]' 2>&1)
case $out in *"policy agent is not running (control socket $IPSECPOL_AGENT_SOCKET"*) tap_ok "2.9: the message names the agent and its socket";;
*) tap_fail "2.9: agent message"; tap_diag "$out";; esac
expect_rc 0 "2.9: -y unassigns" ipp -w REG -p "Block TCP 80 Filter" -y
jcheck "2.9: nothing is assigned" '.assigned == null' static show all
expect_rc 0 "2.9: -o with two -r deletes those two rules" \
	ipp -w REG -p "$B" -r "Block Inbound UDP 1434 Rule" -r "Block Outbound UDP 1434 Rule" -o
jcheck "2.9: only the third rule is left" '[.policies[0].rules[].name] == ["Block Inbound TCP 80 Rule"]' \
	static show policy name="$B"
jcheck "2.9: the deleted rules' lists are gone" \
	'[.filterlists[].name | select(contains("UDP 1434 Rule"))] == []' static show filterlist all
expect_rc 4 "2.9: -u needs the agent" ipp -u

# ---- §2.9: other lines in the wild ----
expect_rc 0 "2.9: lower-case -w reg, protocol tcp" ipp -p myfw -r dwmrc_pass_me -f '*+0:8000:tcp' -n PASS -w reg -x
jcheck "2.9: myfw: any<->me:8000/tcp mirrored, permit, assigned" \
	'.policies[0].assigned and (.policies[0].rules[0].filteraction == "myfw: dwmrc_pass_me")' static show policy name=myfw
jcheck "2.9: myfw filter" '.filterlists[0].filters[0] | .src == "any" and .dst == "me" and .dstport == 8000 and .protocol == 6 and .mirrored' \
	static show filterlist name="myfw: dwmrc_pass_me"
expect_rc 0 "2.9: repeated -f" ipp -w REG -p "Packet Filter" -r "Inbound/outbound mail" \
	-f '*+131.107.1.1:110:TCP' -f '*+131.107.1.1:995:TCP' -f '131.107.1.1+*:25:TCP' -n PASS
jcheck "2.9: three filters from three -f" \
	'[.filterlists[0].filters[] | [.src, .dst, .dstport]] == [["any","131.107.1.1",110],["any","131.107.1.1",995],["131.107.1.1","any",25]]' \
	static show filterlist name="Packet Filter: Inbound/outbound mail"
expect_rc 0 "2.9: nanny: -x first, several -f" ipp -x -w REG -p "nanny_firewall" -r "nanny_appid_1" \
	-f '0=*:80:TCP' -f '0=*:443:TCP' -f '0=*:8080:TCP' -n BLOCK
jcheck "2.9: nanny assigned, three one-way filters" \
	'.policies[0].assigned' static show policy name=nanny_firewall
expect_rc 0 "2.9: nanny: -y" ipp -w reg -p "nanny_firewall" -y
expect_rc 0 "2.9: nanny: -o" ipp -w reg -p "nanny_firewall" -o
jcheck "2.9: nanny is gone" '[.policies[].name] | index("nanny_firewall") == null' static show all
expect_rc 0 "2.9: transport ESP with PSK, two specs in one -f" \
	ipp -f "0+10.0.0.0/255.0.0.0:445:TCP" "0+10.0.0.0/255.0.0.0:139:TCP" -n "esp[3des,sha] 3600S/100000K" \
	-a p:"KEY" -1s 3DES-SHA-2 -r "rule" -w REG -p "pol"
jcheck "2.9: pol: ESP 3DES/SHA1 with the given lifetimes" \
	'.filteractions[0].offers == [{"text":"ESP[3DES,SHA1]:100000k/3600s","proto":"ESP","ah_hash":null,"esp_cipher":"3DES","esp_auth":"SHA1","lifetime_s":3600,"lifetime_kb":100000,"pfs":false,"pfs_group":0,"legacy":false}]' \
	static show filteraction name="pol: rule"
jcheck "2.9: pol: main mode 3DES-SHA1-2 only, PSK redacted" \
	'([.policies[0].main_mode.offers[].text] == ["3DES-SHA1-2"]) and .policies[0].rules[0].auth == [{"method":"psk","key":"<redacted>"}]' \
	static show policy name=pol
jcheck "2.9: pol filters: me<->10/8 TCP 445 and 139" \
	'[.filterlists[0].filters[] | [.src,.dst,.dstport,.protocol]] == [["me","10.0.0.0/8",445,6],["me","10.0.0.0/8",139,6]]' \
	static show filterlist name="pol: rule"

# ---- §2.9: the tunnel sketch (two runs) ----
expect_rc 0 "2.9: tunnel, outbound run" ipp -w REG -p Tun -r out -t 5.6.7.8 \
	-f 10.1.0.0/255.255.0.0=10.2.0.0/255.255.0.0 -n 'ESP[3DES,SHA]3600S/50000KPFS' -a 'PRESHARE:k' -1s 3DES-SHA-2
expect_rc 0 "2.9: tunnel, inbound run" ipp -w REG -p Tun -r in -t 1.2.3.4 \
	-f 10.2.0.0/255.255.0.0=10.1.0.0/255.255.0.0 -n 'ESP[3DES,SHA]3600S/50000KPFS' -a 'PRESHARE:k' -1s 3DES-SHA-2 -x
jcheck "2.9: Tun: two tunnel rules with their endpoints, assigned" \
	'.policies[0].assigned and ([.policies[0].rules[] | [.name, .tunnel]] == [["out","5.6.7.8"],["in","1.2.3.4"]])' \
	static show policy name=Tun
jcheck "2.9: Tun: PFS offer with 3600 s / 50000 KB" \
	'.filteractions[0].offers[0] | .pfs and .lifetime_s == 3600 and .lifetime_kb == 50000 and .esp_cipher == "3DES"' \
	static show filteraction name="Tun: in"
jcheck "2.9: Tun: one-way subnet filters" \
	'.filterlists[0].filters[0] | .src == "10.2.0.0/16" and .dst == "10.1.0.0/16" and (.mirrored | not)' \
	static show filterlist name="Tun: in"

# ---- remote computers and the directory ----
expect_rc 3 "\\\\computer as the first argument is not supported" ipp '\\127.0.0.1' -u
expect_rc 2 "-w DS without a configured directory is an error" ipp -w DS -p X -r R -f '0+*'
expect_rc 2 "-w DS:domain without a configured directory is an error" ipp -w DS:example.org -p X -y
out=$(ipp -w DS:example.org -p X -y 2>&1)
case $out in *"no directory is configured"*) tap_ok "-w DS says why";;
*) tap_fail "-w DS message"; tap_diag "$out";; esac
tap_done
