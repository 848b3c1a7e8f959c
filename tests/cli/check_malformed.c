/*
 * The malformed corpus: every value is rejected with IPP_E_INVAL, the message quotes the
 * offending token and says what was wrong, and nothing is half-added to the output.
 */
#include <stdlib.h>

#include "cli/authspec.h"
#include "cli/filterspec.h"
#include "cli/mmspec.h"
#include "cli/negpol.h"
#include "cli/netsh_args.h"
#include "tests/cli/cli_test.h"
#include "tests/lib/ipp_check.h"

enum parser { F, N, NS, A, AR, M, K, P, S };

static const struct {
	enum parser p;
	const char *text;
	const char *token;	/* must appear in the message, in quotes */
	const char *detail;	/* must appear in the message */
} bad[] = {
	/* ---- filterspecs ---- */
	{ F, "10.0.0.0/255.0.255.0+*", "10.0.0.0/255.0.255.0+*", "mask 255.0.255.0 is not contiguous" },
	{ F, "0+10.0.0.0/0.255.255.255", "0+10.0.0.0/0.255.255.255", "not contiguous" },
	{ F, "", "", "empty filter" },
	{ F, "0", "0", "expected SOURCE=DEST" },
	{ F, "0*", "0*", "expected SOURCE=DEST" },
	{ F, "0+*+*", "0+*+*", "more than one '=' or '+'" },
	{ F, "0=*=0", "0=*=0", "more than one" },
	{ F, "+*", "+*", "empty source address" },
	{ F, "0+", "0+", "empty destination address" },
	{ F, "0 +*", "0 +*", "unexpected character 0x20" },
	{ F, "0+*\n", "0+*\\x0a", "unexpected character 0x0a" },
	{ F, "0+\xc3\xa9", "0+\\xc3\\xa9", "unexpected character 0xc3" },
	{ F, "[0+*", "[0+*", "'[' without closing ']'" },
	{ F, "(0+*", "(0+*", "'(' without closing ')'" },
	{ F, "(0+*]", "(0+*]", "without closing ')'" },
	{ F, "[", "[", "without closing" },
	{ F, "[]", "[]", "empty filter" },
	{ F, "[[0+*]]", "[[0+*]]", "unexpected '['" },
	{ F, "0+*]", "0+*]", "unexpected ']'" },
	{ F, "[DEFAULT]", "[DEFAULT]", "DEFAULT cannot be a blocking" },
	{ F, "DEFAULTS", "DEFAULTS", "expected SOURCE=DEST" },
	{ F, "256.0.0.1+*", "256.0.0.1+*", "address 256.0.0.1 is not a dotted IPv4 address" },
	{ F, "10.0.0+*", "10.0.0+*", "address 10.0.0 is not a dotted IPv4 address" },
	{ F, "10.0.0.0.1+*", "10.0.0.0.1+*", "not a dotted IPv4 address" },
	{ F, "010.0.0.1+*", "010.0.0.1+*", "no leading zeros" },
	{ F, "10..0.1+*", "10..0.1+*", "not a dotted IPv4 address" },
	{ F, "1+*", "1+*", "not a dotted IPv4 address" },
	{ F, "144.*.5.*+0", "144.*.5.*+0", "a wildcard may only replace trailing octets" },
	{ F, "*.92.1.1+0", "*.92.1.1+0", "only replace trailing octets" },
	{ F, "144.92.*+0", "144.92.*+0", "not a dotted IPv4 address" },
	{ F, "144.92.**.*+0", "144.92.**.*+0", "not a dotted IPv4 address" },
	{ F, "144.92.*.*/16+0", "144.92.*.*/16+0", "a wildcard address takes no mask" },
	{ F, "10.0.0.1/8+*", "10.0.0.1/8+*", "address 10.0.0.1 has bits outside its /8 mask" },
	{ F, "10.0.0.0/33+*", "10.0.0.0/33+*", "mask 33 is not a prefix length from 0 to 32" },
	{ F, "10.0.0.0/+*", "10.0.0.0/+*", "empty mask" },
	{ F, "10.0.0.0/255.0.0+*", "10.0.0.0/255.0.0+*", "mask 255.0.0 is not a dotted mask" },
	{ F, "10.0.0.0/x+*", "10.0.0.0/x+*", "mask x is not a prefix length" },
	{ F, "0/24+*", "0/24+*", "0 (this host) takes only 255.255.255.255" },
	{ F, "0/255.255.255.0+*", "0/255.255.255.0+*", "takes only 255.255.255.255" },
	{ F, "0+*/8", "0+*/8", "* (any address) takes only 0.0.0.0" },
	{ F, "host/24+*", "host/24+*", "a DNS name takes no mask" },
	{ F, "0+host_name", "0+host_name", "unexpected '_'" },
	{ F, "0+-host", "0+-host", "each label has 1-63" },
	{ F, "0+host-.example", "0+host-.example", "each label has 1-63" },
	{ F, "0+a..b", "0+a..b", "each label" },
	{ F, "0+.example", "0+.example", "each label" },
	{ F, "0+a.123", "0+a.123", "neither a dotted IPv4 address nor a DNS name" },
	{ F, "0+aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com",
	  "0+aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com",
	  "each label has 1-63" },
	{ F, "0:80+*", "0:80+*", "port 80 needs protocol TCP or UDP" },
	{ F, "0+*:53", "0+*:53", "port 53 needs protocol TCP or UDP" },
	{ F, "0:80+*::ICMP", "0:80+*::ICMP", "port 80 needs protocol TCP or UDP" },
	{ F, "0+*:65536:TCP", "0+*:65536:TCP", "destination port 65536 is not a number" },
	{ F, "0:-1+*::TCP", "0:-1+*::TCP", "source port -1 is not a number" },
	{ F, "0:http+*::TCP", "0:http+*::TCP", "source port http is not a number" },
	{ F, "0+*::SCTP", "0+*::SCTP", "protocol SCTP is not TCP, UDP" },
	{ F, "0+*::256", "0+*::256", "protocol 256 is not" },
	{ F, "0+*::-6", "0+*::-6", "protocol -6 is not" },
	{ F, "0+*:80:TCP:x", "0+*:80:TCP:x", "destination *:80:TCP:x has more than three" },
	{ F, "0:1:2:3+*", "0:1:2:3+*", "source 0:1:2:3 has more than three" },
	{ F, "0::UDP+*::TCP", "0::UDP+*::TCP", "protocol 17 on the source side conflicts with 6" },
	{ F, "{2001:db8::1+*", "{2001:db8::1+*", "'{' without closing '}'" },
	{ F, "{2001:db8::g}+*", "{2001:db8::g}+*", "{2001:db8::g} is not an IPv6 address" },
	{ F, "{}+*", "{}+*", "is not an IPv6 address" },
	{ F, "{10.0.0.1}+*", "{10.0.0.1}+*", "is not an IPv6 address" },
	{ F, "{2001:db8::}/129+*", "{2001:db8::}/129+*", "mask 129 is not a prefix length from 0 to 128" },
	{ F, "{2001:db8::/32}/32+*", "{2001:db8::/32}/32+*", "prefix given twice" },
	{ F, "{2001:db8::}/255.255.0.0+*", "{2001:db8::}/255.255.0.0+*", "an IPv6 mask is a prefix length" },
	{ F, "{2001:db8::1}/32+*", "{2001:db8::1}/32+*", "has bits outside its /32 mask" },
	{ F, "{2001:db8::1}x+*", "{2001:db8::1}x+*", "unexpected text after '}'" },
	{ F, "{fe80::1%eth0}+*", "{fe80::1%eth0}+*", "is not an IPv6 address" },
	{ F, "{2001:db8::1}+10.0.0.1", "{2001:db8::1}+10.0.0.1", "different address families" },
	/* ---- negotiation policies (-n) ---- */
	{ N, "ESP[NONE,NONE]", "ESP[NONE,NONE]", "ESP needs a cipher or an authentication algorithm" },
	{ N, "", "", "no security method" },
	{ N, "ESP", "ESP", "expected ESP[cipher,auth]" },
	{ N, "ESP[3DES,SHA", "ESP[3DES,SHA", "ESP[ without closing ']'" },
	{ N, "ESP[3DES,SHA,MD5]", "ESP[3DES,SHA,MD5]", "ESP[...] takes at most 2 algorithms" },
	{ N, "ESP[BLOWFISH,SHA]", "ESP[BLOWFISH,SHA]", "ESP cipher 'BLOWFISH' is not one of" },
	{ N, "ESP[3DES,SHA2]", "ESP[3DES,SHA2]", "ESP authentication 'SHA2' is not one of" },
	{ N, "ESP[,SHA]", "ESP[,SHA]", "ESP cipher '' is not one of" },
	{ N, "ESP[3DES]", "ESP[3DES]", "ESP[3DES] needs an authentication algorithm" },
	{ N, "ESP[AES128GCM16,SHA1]", "ESP[AES128GCM16,SHA1]", "AES128GCM16 authenticates by itself" },
	{ N, "ESP[SHA1]", "ESP[SHA1]", "ESP cipher 'SHA1' is not one of" },
	{ N, "AH[NONE]", "AH[NONE]", "AH hash 'NONE' is not one of" },
	{ N, "AH[3DES]", "AH[3DES]", "AH hash '3DES' is not one of" },
	{ N, "AH[MD5,SHA]", "AH[MD5,SHA]", "AH[...] takes at most 1 algorithm" },
	{ N, "AH[]", "AH[]", "AH hash '' is not one of" },
	{ N, "ESP[3DES,SHA]+AH[MD5]", "ESP[3DES,SHA]+AH[MD5]", "write AH[...]+ESP[...], with AH first" },
	{ N, "AH[MD5]+", "AH[MD5]+", "expected ESP[...] after AH[...]+" },
	{ N, "AH[MD5]+AH[SHA]", "AH[MD5]+AH[SHA]", "expected ESP[...] after AH[...]+" },
	{ N, "AH[MD5]+ESP[NONE,NONE]", "AH[MD5]+ESP[NONE,NONE]", "ESP needs a cipher" },
	{ N, "ESP[3DES,SHA]3600", "ESP[3DES,SHA]3600", "expected a lifetime NNNS" },
	{ N, "ESP[3DES,SHA]3600X", "ESP[3DES,SHA]3600X", "lifetime 3600 needs the unit S" },
	{ N, "ESP[3DES,SHA]60S", "ESP[3DES,SHA]60S", "lifetime 60S is not 300 to 172800 seconds" },
	{ N, "ESP[3DES,SHA]172801S", "ESP[3DES,SHA]172801S", "is not 300 to 172800 seconds" },
	{ N, "ESP[3DES,SHA]100K", "ESP[3DES,SHA]100K", "lifetime 100K is not 20480 to" },
	{ N, "ESP[3DES,SHA]99999999999K", "ESP[3DES,SHA]99999999999K", "is not 20480 to" },
	{ N, "ESP[3DES,SHA]3600S/3600S", "ESP[3DES,SHA]3600S/3600S", "lifetime in seconds given twice" },
	{ N, "ESP[3DES,SHA]50000K/50000K", "ESP[3DES,SHA]50000K/50000K", "kilobytes given twice" },
	{ N, "ESP[3DES,SHA]3600S/", "ESP[3DES,SHA]3600S/", "expected a lifetime" },
	{ N, "ESP[3DES,SHA]3600S50000K", "ESP[3DES,SHA]3600S50000K", "unexpected '5'" },
	{ N, "ESP[3DES,SHA]PFS4", "ESP[3DES,SHA]PFS4", "PFS group 4 is not one of" },
	{ N, "ESP[3DES,SHA]PFS0", "ESP[3DES,SHA]PFS0", "PFS group 0 is not one of" },
	{ N, "ESP[3DES,SHA]P99999999999", "ESP[3DES,SHA]P99999999999", "PFS group" },
	{ N, "ESP[3DES,SHA]PFSX", "ESP[3DES,SHA]PFSX", "unexpected 'X' after the security method" },
	{ N, "ESP[3DES,SHA]X", "ESP[3DES,SHA]X", "unexpected 'X' after the security method (expected "
	  "a lifetime such as 3600S/50000K, then PFS or PFSn)" },
	{ N, "ESP[3DES,SHA]\x1b[2J", "ESP[3DES,SHA]\\x1b[2J", "unexpected '\\x1b'" },
	{ N, "ESP[3DES\x7f,SHA]", "ESP[3DES\\x7f,SHA]", "ESP cipher '3DES\\x7f'" },
	{ N, "ESP[3DES,SHA]\xff", "ESP[3DES,SHA]\\xff", "unexpected '\\xff'" },
	{ N, "ESP[3DES,SHA]PFS PFS", "PFS", "PFS given twice" },
	{ N, "ESP[3DES,SHA]:", "ESP[3DES,SHA]:", "expected a lifetime after ':'" },
	{ N, "3600S", "3600S", "must follow a security method" },
	{ N, "PFS", "PFS", "must follow a security method" },
	{ N, "BLOCK ESP[3DES,SHA]", "ESP[3DES,SHA]", "BLOCK and PASS take no security methods" },
	{ N, "ESP[3DES,SHA] PASS", "PASS", "BLOCK and PASS take no security methods" },
	{ N, "BLOCK PASS", "PASS", "only one of BLOCK, PASS and INPASS" },
	{ N, "INPASS INPASS", "INPASS", "only one of BLOCK, PASS and INPASS" },
	{ N, "BLOK", "BLOK", "expected ESP[cipher,auth], AH[hash]" },
	{ N, "PASSX", "PASSX", "expected ESP[cipher,auth], AH[hash] or AH[hash]+ESP[cipher,auth], or "
	  "one of BLOCK, PASS, INPASS" },
	{ N, "P2X", "P2X", "or one of BLOCK, PASS, INPASS" },
	/* ---- netsh qmsecmethods ---- */
	{ NS, "BLOCK", "BLOCK", "not a netsh security method" },
	{ NS, "ESP[3DES,SHA1]:100000k/3600sPFS", "ESP[3DES,SHA1]:100000k/3600sPFS", "use qmpfs=yes" },
	{ NS, "ESP[3DES,SHA1]:100000", "ESP[3DES,SHA1]:100000", "expected a lifetime NNNS" },
	{ NS, "ESP[3DES,SHA1]:100000k/", "ESP[3DES,SHA1]:100000k/", "expected a lifetime" },
	{ NS, "ESP[3DES,SHA1]100000k:3600s", "ESP[3DES,SHA1]100000k:3600s", "unexpected ':' after "
	  "the security method (expected a lifetime such as :100000k/3600s)" },
	{ NS, "ESP[3DES,SHA1]:1k/3600s", "ESP[3DES,SHA1]:1k/3600s", "lifetime 1K is not 20480" },
	/* ---- authentication ---- */
	{ A, "", NULL, "list is empty" },
	{ A, "KERB", "KERB", "expected KERBEROS, PRESHARE" },
	{ A, "PSK:x", "PSK", "expected KERBEROS, PRESHARE" },
	{ A, "KERBEROS:x", "KERBEROS", "takes no value" },
	{ A, "PRESHARE", "PRESHARE", "needs a value" },
	{ A, "P", "PRESHARE", "needs a value" },
	{ A, "PRESHARE:", "PRESHARE", "empty value" },
	{ A, "PRESHARE:\"\"", "PRESHARE", "empty value" },
	{ A, "PRESHARE:\"sekrit", "PRESHARE", "no closing quote" },
	{ A, "K PRESHARE:\"sekrit\"x", "PRESHARE", "unexpected text after the closing quote" },
	{ A, "PRESHARE:\"abc\"def", "PRESHARE", "unexpected text after the closing quote" },
	{ A, "CERT", "CERT", "needs a value" },
	{ A, "CERT:\"\"", "CERT", "empty value" },
	{ A, "CERT:My Root", "My Root", "not a distinguished name" },
	{ A, "C:\"Root\" K", "Root", "not a distinguished name" },
	{ A, "K X", "X", "expected KERBEROS" },
	/* ---- netsh rootca= ---- */
	{ AR, "", "CERT", "empty CA name" },
	{ AR, "certmap:yes", "CERT", "empty CA name" },
	{ AR, "Root CA", "Root CA", "not a distinguished name" },
	{ AR, "CN=x certmap:maybe", "certmap:maybe", "expected yes or no" },
	{ AR, "CN=x excludecaname:", "excludecaname:", "expected yes or no" },
	{ AR, "CN=x certmap:y certmap:n", "certmap:y", "given twice" },
	/* ---- main mode methods ---- */
	{ M, "", "", "no method" },
	{ M, "3DES", "3DES", "expected CIPHER-HASH-GROUP" },
	{ M, "3DES-SHA", "3DES-SHA", "expected CIPHER-HASH-GROUP" },
	{ M, "3DES-SHA-", "3DES-SHA-", "group is not one of" },
	{ M, "3DES-SHA-4", "3DES-SHA-4", "Diffie-Hellman group is not one of" },
	{ M, "3DES-SHA-0", "3DES-SHA-0", "Diffie-Hellman group" },
	{ M, "3DES-SHA-2-1", "3DES-SHA-2-1", "Diffie-Hellman group" },
	{ M, "3DES-SHA-99999999999", "3DES-SHA-99999999999", "Diffie-Hellman group" },
	{ M, "NONE-SHA-2", "NONE-SHA-2", "cipher is not one of" },
	{ M, "AES128GCM16-SHA256-19", "AES128GCM16-SHA256-19", "cipher is not one of" },
	{ M, "BF-SHA-2", "BF-SHA-2", "cipher is not one of" },
	{ M, "3DES-NONE-2", "3DES-NONE-2", "hash is not one of" },
	{ M, "3DES--2", "3DES--2", "hash is not one of" },
	{ M, "-SHA-2", "-SHA-2", "cipher is not one of" },
	{ M, "3DES-SHA-2 DES-MD5", "DES-MD5", "expected CIPHER-HASH-GROUP" },
	/* ---- -1k ---- */
	{ K, "", "", "expected NNNQ" },
	{ K, "10", "10", "expected NNNQ" },
	{ K, "10X", "10X", "expected one Q" },
	{ K, "10Q/5Q", "10Q/5Q", "expected one Q" },
	{ K, "100S", "100S", "100S is not a whole number of minutes" },
	{ K, "3601S", "3601S", "not a whole number of minutes" },
	{ K, "172860S", "172860S", "not a whole number of minutes" },
	{ K, "10Q/", "10Q/", "expected NNNQ" },
	{ K, "10Q/600S/1Q", "10Q/600S/1Q", "unexpected text after the limits" },
	{ K, "2147483648Q", "2147483648Q", "is not 0 to 2147483647 quick modes" },
	/* ---- -p ---- */
	{ P, "", "", "empty policy name" },
	{ P, ":30", ":30", "empty policy name" },
	{ P, "Pol:", "Pol:", "poll interval '' is not a number" },
	{ P, "Pol:0", "Pol:0", "poll interval '0' is not a number" },
	{ P, "Pol:-5", "Pol:-5", "poll interval '-5'" },
	{ P, "Pol:99999999999", "Pol:99999999999", "poll interval '99999999999'" },
	/* ---- command line splitting ---- */
	{ S, "name=\"x", NULL, "the quote at offset 5 is not closed" },
	{ S, "psk=\"sekrit", NULL, "the quote at offset 4 is not closed" },
	{ S, "a \x1b[31m", NULL, "control character 0x1b" },
	{ S, "\"a\\\"", NULL, "is not closed" },
};

static int
run(enum parser p, const char *text, struct ipp_err *e)
{
	struct ipp_fspec fs;
	struct ipp_negpol np;
	struct ipp_authlist al = { 0 };
	struct ipp_mm mm = { .lifetime_min = 480 };
	char *name = (char *)1, **argv = (char **)1;
	uint32_t poll;
	int rc = -1, argc;

	switch (p) {
	case F:
		rc = ipp_fspec_parse(text, &fs, e);
		ck_assert_ptr_null(fs.filter.src.dns);
		ck_assert_ptr_null(fs.filter.dst.dns);
		break;
	case N:
	case NS:
		ipp_negpol_init(&np);
		rc = ipp_negpol_add(&np, text, p == N ? IPP_NEGPOL_IPSECPOL : IPP_NEGPOL_NETSH, e);
		ck_assert_uint_eq(np.noffers, 0);
		ck_assert_int_eq(np.action, IPP_ACTION_NEGOTIATE);
		ck_assert(!np.inpass);
		ipp_negpol_clear(&np);
		break;
	case A:
	case AR:
		rc = p == A ? ipp_authspec_add(&al, text, e) : ipp_authspec_add_rootca(&al, text, e);
		ck_assert_uint_eq(al.n, 0);
		ipp_authspec_clear(&al);
		break;
	case M:
		rc = ipp_mmspec_add(&mm, text, e);
		ck_assert_uint_eq(mm.noffers, 0);
		free(mm.offers);
		break;
	case K:
		rc = ipp_mmspec_rekey(&mm, text, e);
		ck_assert_uint_eq(mm.lifetime_min, 480);
		ck_assert_uint_eq(mm.qm_per_mm, 0);
		break;
	case P:
		rc = ipp_mmspec_policy(text, &name, &poll, e);
		ck_assert_ptr_null(name);
		break;
	case S:
		rc = ipp_nargs_split(text, &argv, &argc, e);
		ck_assert_ptr_null(argv);
		break;
	}
	return rc;
}

START_TEST(test_malformed)
{
	struct ipp_err e = { 0 };
	char quoted[300];

	ck_assert_msg(run(bad[_i].p, bad[_i].text, &e) == -1, "accepted: '%s'", bad[_i].text);
	ck_assert_int_eq(e.code, IPP_E_INVAL);
	if (bad[_i].token != NULL) {
		snprintf(quoted, sizeof(quoted), "'%s'", bad[_i].token);
		ck_assert_msg(strstr(e.msg, quoted) != NULL, "'%s': message lacks %s: %s",
		    bad[_i].text, quoted, e.msg);
	}
	ck_assert_msg(strstr(e.msg, bad[_i].detail) != NULL, "'%s': message lacks '%s': %s",
	    bad[_i].text, bad[_i].detail, e.msg);
	/* Rows whose secret is "sekrit" check that no message repeats it. */
	ck_assert_msg(strstr(e.msg, "sekrit") == NULL, "secret echoed: %s", e.msg);
	for (const char *c = e.msg; *c != '\0'; c++)
		ck_assert_msg((unsigned char)*c >= 0x20 && (unsigned char)*c < 0x7f,
		    "raw byte 0x%02x in message", (unsigned char)*c);
}
END_TEST

START_TEST(test_corpus_size)
{
	ck_assert_uint_ge(NELEM(bad), 100);
}
END_TEST

static Suite *
malformed_suite(void)
{
	Suite *s = suite_create("malformed");
	TCase *tc = tcase_create("corpus");

	tcase_add_loop_test(tc, test_malformed, 0, (int)NELEM(bad));
	tcase_add_test(tc, test_corpus_size);
	suite_add_tcase(s, tc);
	return s;
}

IPP_CHECK_MAIN(malformed_suite)
