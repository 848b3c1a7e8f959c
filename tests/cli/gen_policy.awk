# gen_policy.awk: a random but valid store as an "ipsecpol static" script, from -v seed=N.
# Used by roundtrip.sh; the same seed always gives the same script.
function pick(s,    a, n) { n = split(s, a, " "); return a[int(rand() * n) + 1] }
function yn() { return rand() < 0.5 ? "yes" : "no" }
function q(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return "\"" s "\"" }
function v4() { return int(rand() * 223) + 1 "." int(rand() * 256) "." int(rand() * 256) "." int(rand() * 254) + 1 }
function addr(side, fam,    k) {
	k = int(rand() * 8)
	if (fam == 6 && (k == 2 || k == 3 || k == 6)) k += 2
	if (fam == 4 && (k == 4 || k == 5)) k = 2
	if (k == 0) return side "addr=me"
	if (k == 1) return side "addr=any"
	if (k == 2) return side "addr=" v4()
	if (k == 3) return side "addr=10." int(rand() * 256) ".0.0 " side "mask=" pick("16 255.255.0.0")
	if (k == 4) return side "addr=2001:db8:" sprintf("%x", int(rand() * 65535)) "::1"
	if (k == 5) return side "addr=2001:db8:" sprintf("%x", int(rand() * 65535)) ":: " side "mask=64"
	if (k == 6) return side "addr=192.0.2.1-192.0.2." int(rand() * 200) + 2
	return side "addr=host" int(rand() * 100) ".example.org"
}
function filter(list, mirror,    p, s, fam) {
	p = pick("ANY TCP UDP ICMP 47")
	fam = rand() < 0.3 ? 6 : 4
	s = "ipsecpol static add filter filterlist=" q(list) " " addr("src", fam) " " addr("dst", fam) " protocol=" p
	if (p == "TCP" || p == "UDP")
		s = s " srcport=" pick("0 0 53 1024") " dstport=" pick("0 80 443 500")
	s = s " mirrored=" mirror
	if (rand() < 0.3) s = s " description=" q("filter \"" int(rand() * 1000) "\" \\ back")
	print s
}
function offer(    k, o) {
	k = int(rand() * 3)
	if (k == 0) o = "ESP[" pick("3DES AES128 AES192 AES256 DES NONE") "," pick("SHA1 SHA256 SHA384 SHA512 MD5") "]"
	else if (k == 1) o = "AH[" pick("SHA1 SHA256 MD5") "]"
	else o = "AH[" pick("SHA1 SHA512") "]+ESP[" pick("AES256 3DES") "," pick("SHA256 NONE") "]"
	if (rand() < 0.2) o = "ESP[" pick("AES128GCM16 AES256GCM16") "]"
	if (rand() < 0.5) o = o ":" (int(rand() * 100000) + 20480) "k/" (int(rand() * 10000) + 300) "s"
	if (rand() < 0.3) o = o "PFS" pick("1 2 14 15 19 20 21")
	return o
}
function offers(    n, s, i) {
	n = int(rand() * 3) + 1
	for (i = 0; i < n; i++) s = s (i ? " " : "") offer()
	return s
}
# netsh takes kerberos= and psk= once each, rootca= repeatedly, in the order of preference.
function auth(    n, i, s, k, kerb, psk) {
	n = int(rand() * 4)
	for (i = 0; i < n; i++) {
		k = int(rand() * 3)
		if (k == 0 && !kerb++) s = s " kerberos=yes"
		else if (k == 1 && !psk++) s = s " psk=" q("key " int(rand() * 1e6))
		else if (k == 2) s = s " rootca=" q("CN=Root " int(rand() * 100) ", O=Example certmap:" yn() " excludecaname:" yn())
	}
	return s
}
BEGIN {
	srand(seed)
	nl = int(rand() * 4) + 2
	for (i = 1; i <= nl; i++) {
		print "ipsecpol static add filterlist name=" q("List " seed "-" i) (rand() < 0.5 ? " description=" q("desc " i) : "")
		mirror = i == 1 ? "no" : yn()	# list 1 stays one-way for tunnel rules
		nf = int(rand() * 4) + (i == 1)
		for (j = 0; j < nf; j++) filter("List " seed "-" i, mirror)
	}
	na = int(rand() * 3) + 2
	for (i = 1; i <= na; i++) {
		act = pick("permit block negotiate negotiate")
		s = "ipsecpol static add filteraction name=" q("Action " seed "-" i) " action=" act
		if (act == "negotiate") s = s " inpass=" yn() " soft=" yn() " qmsecmethods=" q(offers())
		print s
	}
	np = int(rand() * 3) + 1
	for (i = 1; i <= np; i++) {
		pol = "Policy " seed "-" i
		pfs = yn()
		s = "ipsecpol static add policy name=" q(pol) " mmpfs=" pfs " qmpermm=" (pfs == "yes" ? pick("0 1") : pick("0 5 100"))
		s = s " mmlifetime=" pick("5 60 480 1440") " pollinginterval=" pick("1 60 180 43200")
		s = s " activatedefaultrule=" yn() " mmsecmethods=" q(pick("3DES-SHA1-2 AES256-SHA256-19 AES128-SHA1-14") " " pick("DES-MD5-1 AES192-SHA512-21 3DES-SHA1-3"))
		print s
		if (rand() < 0.5) print "ipsecpol static set defaultrule policy=" q(pol) " qmsecmethods=" q(offers()) auth()
		nr = int(rand() * 4)
		for (j = 1; j <= nr; j++) {
			l = int(rand() * nl) + 1
			s = "ipsecpol static add rule name=" q("Rule " j) " policy=" q(pol) " filterlist=" q("List " seed "-" l)
			s = s " filteraction=" q("Action " seed "-" (int(rand() * na) + 1)) " conntype=" pick("all lan dialup") " activate=" yn()
			if (l == 1 && rand() < 0.5) s = s " tunnel=" pick("198.51.100.1 2001:db8::99 gw.example.net")
			print s auth()
		}
	}
	if (rand() < 0.7) print "ipsecpol static set policy name=" q("Policy " seed "-1") " assign=yes"
}
