# gen_big.awk: one policy "Big" of -v rules=N rules, each with its own filter list of
# -v filters=K filters and one of three filter actions, as an "ipsecpol static" script.
# The same arguments always give the same script (store.sh, searches.sh, the benchmark).
BEGIN {
	if (rules == "") rules = 10
	if (filters == "") filters = 3
	print "ipsecpol static add filteraction name=\"Big Block\" action=block"
	print "ipsecpol static add filteraction name=\"Big Permit\" action=permit"
	print "ipsecpol static add filteraction name=\"Big ESP\" action=negotiate qmsecmethods=\"ESP[AES256,SHA256]:100000k/3600s ESP[AES128GCM16,None] AH[SHA256]\""
	print "ipsecpol static add policy name=Big description=\"generated: " rules " rules of " filters " filters\" mmsecmethods=\"AES256-SHA256-14 AES128-SHA1-14\" pollinginterval=60"
	for (r = 1; r <= rules; r++) {
		printf "ipsecpol static add filterlist name=\"Big List %d\" description=\"list %d\"\n", r, r
		for (f = 1; f <= filters; f++) {
			n = (r - 1) * filters + f - 1
			printf "ipsecpol static add filter filterlist=\"Big List %d\" srcaddr=me dstaddr=10.%d.%d.%d protocol=TCP srcport=0 dstport=%d mirrored=yes description=\"f%d\"\n", r, int(n / 65536) % 256, int(n / 256) % 256, n % 256 + 1 == 256 ? 1 : n % 256, 1 + n % 60000, n
		}
		printf "ipsecpol static add rule name=\"Big Rule %d\" policy=Big filterlist=\"Big List %d\" filteraction=\"Big %s\" %s\n", r, r, r % 3 == 0 ? "Block" : r % 3 == 1 ? "ESP" : "Permit", r % 2 ? "kerberos=yes" : "psk=\"key " r "\" rootca=\"CN=Root " r ",O=Example\""
	}
}
