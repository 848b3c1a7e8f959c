# gen_ldif.awk: a policy "Bench" of -v lists=N rules, each with a filter list of
# -v filters=K filters, as LDIF entries of ipsecpol-schema(5) under -v base=DN.
function guid(kind, n) { return sprintf("{%08X-0000-4000-8000-%012X}", kind, n) }
function entry(cls, g) {
	print "dn: cn=" cls g "," c
	print "objectClass: " cls
	print "cn: " cls g
	print "ipsecpolID: " g
}
BEGIN {
	c = "cn=IP Security," base
	pdn = "cn=ipsecpolPolicy" guid(1, 1) "," c
	entry("ipsecpolFilterAction", guid(5, 1))
	print "ipsecpolName: Bench ESP"
	print "ipsecpolAction: negotiate"
	print "ipsecpolInPass: FALSE"
	print "ipsecpolSoft: FALSE"
	print "ipsecpolQMOffer: {0}proto=esp ah-hash=NONE cipher=AES256 auth=SHA256 life-s=3600 life-kb=100000 pfs=no pfs-group=0"
	print ""
	for (l = 1; l <= lists; l++) {
		entry("ipsecpolFilterList", guid(4, l))
		print "ipsecpolName: Bench List " l
		for (f = 0; f < filters; f++) {
			n = (l - 1) * filters + f
			printf "ipsecpolFilter: {%d}src=me dst=10.%d.%d.%d proto=6 sport=0 dport=%d mirrored=yes desc=f%d\n", f, int(n / 65536) % 256, int(n / 256) % 256, n % 256, 1 + n % 60000, n
		}
		print ""
		entry("ipsecpolRule", guid(3, l))
		print "ipsecpolName: Bench Rule " l
		print "ipsecpolOwner: " pdn
		print "ipsecpolFilterListRef: cn=ipsecpolFilterList" guid(4, l) "," c
		print "ipsecpolFilterActionRef: cn=ipsecpolFilterAction" guid(5, 1) "," c
		print "ipsecpolAuth: {0}kerberos"
		print "ipsecpolConnType: all"
		print "ipsecpolActive: TRUE"
		print ""
	}
	entry("ipsecpolMainMode", guid(2, 1))
	print "ipsecpolOwner: " pdn
	print "ipsecpolMMLifetime: 480"
	print "ipsecpolMMQMLimit: 0"
	print "ipsecpolMMPFS: FALSE"
	print "ipsecpolMMOffer: {0}AES256-SHA256-14"
	print ""
	entry("ipsecpolPolicy", guid(1, 1))
	print "ipsecpolName: Bench"
	print "ipsecpolPollMinutes: 180"
	print "ipsecpolMainModeRef: cn=ipsecpolMainMode" guid(2, 1) "," c
	for (l = 1; l <= lists; l++)
		print "ipsecpolRuleRef: {" l - 1 "}cn=ipsecpolRule" guid(3, l) "," c
	print "ipsecpolDefaultRuleActive: TRUE"
	print "ipsecpolDefaultAuth: {0}kerberos"
	print ""
}
