#!/bin/sh
# netsh-style static commands through the real program: windows-cli.md §4.3's examples,
# abbreviations, y/n, defaults, set, delete (also "all"), show forms, one transaction each.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/cli/cli_env.sh"
S="ipp static"

# ---- §4.3: Fossen's IIS server policy ----
expect_rc 0 "4.3: add policy assign=no" $S add policy name="IIS_Server_Policy" assign=no
expect_rc 0 "4.3: add filterlist" $S add filterlist name="HTTP_Traffic"
expect_rc 0 "4.3: add filter" $S add filter filterlist="HTTP_Traffic" srcaddr=any dstaddr=me description="HTTP" protocol=TCP srcport=0 dstport=80
expect_rc 0 "4.3: add filter creates its missing list" $S add filter filterlist="Internal_Traffic" srcaddr=10.0.0.0 srcmask=255.0.0.0 dstaddr=me protocol=any srcport=0 dstport=0
expect_rc 0 "4.3: add filteraction permit" $S add filteraction name="Allow" action=permit
expect_rc 0 "4.3: add filteraction block" $S add filteraction name="Block" action=block
expect_rc 0 "4.3: add filteraction with qmpfs, soft, inpass, qmsec=" $S add filteraction name="AH_Only" qmpfs=yes soft=no inpass=yes action=negotiate qmsec="AH[MD5]:100000k/1000s AH[SHA1]:100000k/1000s"
expect_rc 0 "4.3: add rule kerberos=yes" $S add rule name="Allow HTTP" policy="IIS_Server_Policy" filterlist="HTTP_Traffic" kerberos=yes filteraction=Allow
expect_rc 0 "4.3: add rule psk=" $S add rule name="AH for LAN" policy="IIS_Server_Policy" filterlist="Internal_Traffic" psk="myPreSharedKey" filteraction=AH_Only
expect_rc 0 "4.3: set defaultrule activate=no" $S set defaultrule policy="IIS_Server_Policy" activate=no
expect_rc 0 "4.3: set policy assign=yes" $S set policy name="IIS_Server_Policy" assign=yes
jcheck "4.3: the policy: assigned, two rules, default rule off" \
	'.policies[0] | .assigned and ([.rules[].name] == ["Allow HTTP","AH for LAN"]) and (.default_rule.active | not)' \
	static show policy name=IIS_Server_Policy
jcheck "4.3: HTTP filter any -> me:80/tcp mirrored (netsh default)" \
	'.filterlists[0].filters == [{"description":"HTTP","src":"any","dst":"me","protocol":6,"srcport":0,"dstport":80,"mirrored":true}]' \
	static show filterlist name=HTTP_Traffic
jcheck "4.3: 10.0.0.0 with mask 255.0.0.0 is 10.0.0.0/8" '.filterlists[0].filters[0].src == "10.0.0.0/8"' \
	static show filterlist name=Internal_Traffic
jcheck "4.3: AH_Only: inpass, PFS on both offers, 1000 s" \
	'.filteractions[0] | .inpass and (.soft | not) and ([.offers[] | [.proto, .ah_hash, .pfs, .lifetime_s]] == [["AH","MD5",true,1000],["AH","SHA1",true,1000]])' \
	static show filteraction name=AH_Only
jcheck "4.3: rule auth methods in command-line order" \
	'[.policies[0].rules[].auth] == [[{"method":"kerberos"}],[{"method":"psk","key":"<redacted>"}]]' \
	static show policy name=IIS_Server_Policy
jcheck "4.3: show rule name= with policy=" '[.rules[].name] == ["AH for LAN"] and .rules[0].policy == "IIS_Server_Policy"' \
	static show rule name="AH for LAN" policy=IIS_Server_Policy
jcheck "4.3: show filteraction rule=" '[.filteractions[].name] == ["Allow"]' static show filteraction rule="Allow HTTP"
jcheck "4.3: show filterlist rule=" '[.filterlists[].name] == ["Internal_Traffic"]' static show filterlist rule="AH for LAN"

# ---- S53, S52: add policy with everything, positional name ----
expect_rc 0 "S53: add policy with mmpfs, mmlifetime, activatedefaultrule, pollinginterval, mmsec=" \
	$S add policy name="AD Trusts" mmpfs="no" mmlifetime="10" activatedefaultrule="no" pollinginterval="5" assign=no mmsec="3DES-SHA1-2 3DES-SHA1-3"
jcheck "S53: settings stored; group 3 is IANA 14" \
	'.policies[0] | .main_mode.lifetime_min == 10 and .polling_interval_min == 5 and (.default_rule.active | not) and ([.main_mode.offers[].group] == [2,14])' \
	static show policy name="AD Trusts"
expect_rc 0 "S52: positional name, description=" $S add policy "Positional" description="by position" mmpfs=no activatedefaultrule=no mmsec="3DES-SHA1-2 3DES-SHA1-3"
jcheck "S52: the positional value is the name" '.policies[0].description == "by position"' static show policy name=Positional

# ---- abbreviations and y/n ----
expect_rc 0 "abbreviated verb, object and tags (srca=, dsta=, mir=, proto=)" \
	ipp static a filter filterl=Abbrev srca=192.0.2.1 dsta=192.0.2.0 dstm=24 proto=udp dstp=53 mir=n
jcheck "abbreviations gave the right filter" \
	'.filterlists[0].filters[0] | .src == "192.0.2.1" and .dst == "192.0.2.0/24" and .protocol == 17 and .dstport == 53 and (.mirrored | not)' \
	static show filterlist name=Abbrev
expect_rc 0 "y/n booleans and qmsec=, soft=y, inpass=y" $S add filteraction name=YN soft=y inpass=Y qmsec="ESP[AES256,SHA256]:50000k/1800s"
jcheck "y/n read as yes" '.filteractions[0] | .soft and .inpass and .offers[0].text == "ESP[AES256,SHA256]:50000k/1800s"' static show filteraction name=YN
expect_rc 0 "'del' deletes" ipp static del filteraction name=YN
jcheck "YN is gone" '[.filteractions[].name] | index("YN") == null' static show filteraction all
expect_rc 1 "an ambiguous tag is refused ('s' in add filter)" $S add filter filterlist=X s=1.2.3.4 dstaddr=any
expect_rc 1 "an ambiguous verb is refused ('s': set or show)" ipp static s policy name=x

# ---- defaults of netsh ----
expect_rc 0 "add filteraction with name only" $S add filteraction name=Defaults
jcheck "a new filter action negotiates with ipsecpol's default offers" \
	'.filteractions[0] | .action == "negotiate" and (.inpass | not) and (.soft | not) and ([.offers[].text] == ["ESP[3DES,SHA1]:100000k/3600s","ESP[3DES,MD5]:100000k/3600s","ESP[DES,SHA1]:100000k/3600s","ESP[DES,MD5]:100000k/3600s"])' \
	static show filteraction name=Defaults
expect_rc 0 "add filter with the required tags only" $S add filter filterlist=Min srcaddr=me dstaddr=any
jcheck "filter defaults: any protocol, ports 0, mirrored" \
	'.filterlists[0].filters == [{"description":null,"src":"me","dst":"any","protocol":0,"srcport":0,"dstport":0,"mirrored":true}]' \
	static show filterlist name=Min
expect_rc 0 "add rule with the required tags only" $S add rule name=MinRule policy=Positional filterlist=Min filteraction=Defaults
jcheck "rule defaults: transport, conntype all, active, no auth (Kerberos)" \
	'.rules[0] | .tunnel == null and .conntype == "all" and .active and .auth == []' static show rule name=MinRule policy=Positional
expect_rc 0 "add policy with the name only" $S add policy name=Plain
jcheck "policy defaults: 180 min polling, 480 min MM lifetime, unlimited QM, no PFS, default rule active" \
	'.policies[0] | .polling_interval_min == 180 and .main_mode.lifetime_min == 480 and .main_mode.qm_per_mm == 0 and (.main_mode.pfs | not) and .default_rule.active and ([.main_mode.offers[].text] == ["3DES-SHA1-2","3DES-MD5-2","DES-SHA1-1","DES-MD5-1"])' \
	static show policy name=Plain

# ---- IPv6 and modern algorithms ----
expect_rc 0 "IPv6 filter with a prefix mask" $S add filter filterlist=V6 srcaddr=2001:db8::1 dstaddr=2001:db8:1:: dstmask=48 protocol=tcp dstport=443
jcheck "IPv6 stored" '.filterlists[0].filters[0] | .src == "2001:db8::1" and .dst == "2001:db8:1::/48"' static show filterlist name=V6
expect_rc 0 "GCM, SHA-512 and PFS groups in qmsecmethods" \
	$S add filteraction name=Modern qmsec="ESP[AES256GCM16]:100000k/3600sPFS20 AH[SHA512]+ESP[AES128,SHA384]"
jcheck "modern offers, none legacy, per-offer PFS group" \
	'[.filteractions[0].offers[] | [.esp_cipher, .esp_auth, .pfs_group, .legacy]] == [["AES256GCM16","NONE",20,false],["AES128","SHA384",0,false]]' \
	static show filteraction name=Modern

# ---- set ----
expect_rc 0 "set policy newname= and settings" $S set policy name=Plain newname=Renamed qmpermm=1 mmpfs=yes
jcheck "set policy took effect" '.policies[0] | .name == "Renamed" and .main_mode.qm_per_mm == 1 and .main_mode.pfs' \
	static show policy name=Renamed
jcheck "soft association expiry: Windows' default, 300 s" '.policies[0].main_mode.soft_expire_s == 300' \
	static show policy name=Renamed
expect_rc 0 "set policy softsaexpirationtime=" $S set policy name=Renamed softsaexpirationtime=90
jcheck "softsaexpirationtime= took effect" '.policies[0].main_mode.soft_expire_s == 90' \
	static show policy name=Renamed
expect_rc 1 "softsaexpirationtime=0 is refused (1..172800)" $S set policy name=Renamed softsaexpirationtime=0
expect_rc 1 "softsaexpirationtime=172801 is refused" $S set policy name=Renamed softsaexpirationtime=172801
expect_rc 0 "ipseccmd -1e sets it too" ipp -w REG -p Renamed -r SoftRule -f 0+10.9.9.9 -soft -1e 7
jcheck "-1e took effect" '.policies[0].main_mode.soft_expire_s == 7' static show policy name=Renamed
expect_rc 2 "-1e 0 is refused (a bad value)" ipp -w REG -p Renamed -r SoftRule -f 0+10.9.9.9 -soft -1e 0
expect_rc 3 "-1e in dynamic mode is refused: the policy's main mode decides" \
	ipp -f 0+10.9.9.9 -soft -1e 7
g=$(ipp --json static show policy name=Renamed | jq -r '.policies[0].guid')
expect_rc 0 "set policy by guid=" $S set policy guid="$g" description="via guid"
jcheck "set by guid" '.policies[0].description == "via guid"' static show policy name=Renamed
expect_rc 0 "set filterlist newname=" $S set filterlist name=Min newname=Minimal description=d
jcheck "rules follow the renamed list" '.rules[0].filterlist == "Minimal"' static show rule name=MinRule policy=Positional
expect_rc 0 "set filteraction action=block drops the offers" $S set filteraction name=Defaults action=block
jcheck "action now block" '.filteractions[0] | .action == "block" and .offers == []' static show filteraction name=Defaults
expect_rc 0 "set rule: tunnel, conntype, auth replaced" $S set rule name=MinRule policy=Positional conntype=lan rootca="CN=Test Root certmap:yes" kerberos=yes
jcheck "set rule took effect, auth in order" \
	'.rules[0] | .conntype == "lan" and .auth == [{"method":"rootca","rootca":"CN=Test Root","certmap":true,"excludecaname":false},{"method":"kerberos"}]' \
	static show rule name=MinRule policy=Positional
expect_rc 0 "set defaultrule qmsec= and psk=" $S set defaultrule policy=Positional qmsec="ESP[AES128,SHA256]" psk=secret
jcheck "default rule changed" '.default_rule | ([.offers[].text] == ["ESP[AES128,SHA256]:100000k/3600s"]) and .auth == [{"method":"psk","key":"<redacted>"}]' \
	static show rule default policy=Positional

# ---- delete ----
expect_rc 2 "delete filterlist that a rule uses fails" $S delete filterlist name=Minimal
out=$(ipp static delete filterlist name=Minimal 2>&1)
case $out in *"used by 1 rule: 'MinRule'"*) tap_ok "the message names the rule using it";; *) tap_fail "in-use message"; tap_diag "$out";; esac
expect_rc 0 "delete filter by its identifying tags" $S delete filter filterlist=HTTP_Traffic srcaddr=any dstaddr=me protocol=TCP dstport=80
jcheck "the filter is gone" '.filterlists[0].filters == []' static show filterlist name=HTTP_Traffic
expect_rc 2 "delete filter that matches nothing fails" $S delete filter filterlist=HTTP_Traffic srcaddr=any dstaddr=me
expect_rc 0 "del rule all <policy> (positional)" ipp static del rule all Positional
jcheck "no rules left" '.policies[0].rules == []' static show policy name=Positional
expect_rc 2 "delete policy of the assigned policy fails" $S delete policy name=IIS_Server_Policy
expect_rc 0 "delete all" $S delete all
jcheck "the store is empty" '.policies == null and .filterlists == null and .filteractions == null and .assigned == null' static show all

# ---- set store ----
expect_rc 0 "set store location=local" $S set store location=local
expect_rc 2 "set store location=domain without a configured directory is an error" $S set store location=domain
out=$(ipp static set store location=domain 2>&1)
case $out in *"no directory is configured"*) tap_ok "set store domain says why";; *) tap_fail "set store message"; tap_diag "$out";; esac
expect_rc 3 "show gpoassignedpolicy needs the directory" $S show gpoassignedpolicy
expect_rc 4 "status: the agent is not running" ipp status
tap_done
