/* ipsecpol filterspecs (windows-cli.md §2.4): every grammar form, parsed into filters. */
#include "cli/filterspec.h"
#include "tests/cli/cli_test.h"
#include "tests/lib/ipp_check.h"

#define B IPP_FSPEC_BLOCK
#define P IPP_FSPEC_PASS
#define N IPP_FSPEC_PLAIN

static const struct {
	const char *text;
	enum ipp_fspec_shortcut shortcut;
	const char *src, *dst;
	unsigned proto, sport, dport;
	bool mirrored;
} good[] = {
	/* me, any, one-way and mirrored */
	{ "0+*", N, "me", "any", 0, 0, 0, true },
	{ "0=*", N, "me", "any", 0, 0, 0, false },
	{ "*=0", N, "any", "me", 0, 0, 0, false },
	{ "*+0", N, "any", "me", 0, 0, 0, true },
	/* ports and protocols, the "::" trick */
	{ "0:80+*::TCP", N, "me", "any", 6, 80, 0, true },
	{ "0:443+*::TCP", N, "me", "any", 6, 443, 0, true },
	{ "0+*::ICMP", N, "me", "any", 1, 0, 0, true },
	{ "*=0:1434:UDP", N, "any", "me", 17, 0, 1434, false },
	{ "0=*:1434:UDP", N, "me", "any", 17, 0, 1434, false },
	{ "*=0:80:TCP", N, "any", "me", 6, 0, 80, false },
	{ "*+0:8000:tcp", N, "any", "me", 6, 0, 8000, true },
	{ "*=0::icmp", N, "any", "me", 1, 0, 0, false },
	{ "0+*:110:TCP", N, "me", "any", 6, 0, 110, true },
	{ "0:53+*::UDP", N, "me", "any", 17, 53, 0, true },
	{ "0+*::RAW", N, "me", "any", 255, 0, 0, true },
	{ "0+*::Raw", N, "me", "any", 255, 0, 0, true },
	{ "0+*::50", N, "me", "any", 50, 0, 0, true },
	{ "0+*::0", N, "me", "any", 0, 0, 0, true },
	{ "0+*::ANY", N, "me", "any", 0, 0, 0, true },
	{ "0+*::*", N, "me", "any", 0, 0, 0, true },
	{ "0:0+*:0:TCP", N, "me", "any", 6, 0, 0, true },
	{ "0:1+*:65535:UDP", N, "me", "any", 17, 1, 65535, true },
	{ "0:1024+*:25:6", N, "me", "any", 6, 1024, 25, true },
	/* '*' placeholders and a protocol on the source side, as scripts write them */
	{ "0:*:*+1.2.3.4:80:TCP", N, "me", "1.2.3.4/32", 6, 0, 80, true },
	{ "192.168.1.100:*:*+*", N, "192.168.1.100/32", "any", 0, 0, 0, true },
	{ "0=78.131.193.150:*:*", N, "me", "78.131.193.150/32", 0, 0, 0, false },
	{ "0:*:TCP+*:80", N, "me", "any", 6, 0, 80, true },
	{ "0:*:tcp+*:80:TCP", N, "me", "any", 6, 0, 80, true },
	/* masks: dotted, prefix, on 0 and *, trailing "::" */
	{ "0/255.255.255.255=202.108.22.5/255.255.255.255::", N, "me", "202.108.22.5/32", 0, 0,
	  0, false },
	{ "10.1.0.0/255.255.0.0=10.2.0.0/255.255.0.0", N, "10.1.0.0/16", "10.2.0.0/16", 0, 0,
	  0, false },
	{ "0+10.0.0.0/255.0.0.0:445:TCP", N, "me", "10.0.0.0/8", 6, 0, 445, true },
	{ "0+10.0.0.0/8:139:TCP", N, "me", "10.0.0.0/8", 6, 0, 139, true },
	{ "0+10.0.0.0/255.255.255.0", N, "me", "10.0.0.0/24", 0, 0, 0, true },
	{ "0+10.0.0.0/255.255.255.128", N, "me", "10.0.0.0/25", 0, 0, 0, true },
	{ "0+0.0.0.0/0.0.0.0", N, "me", "0.0.0.0/0", 0, 0, 0, true },
	{ "0/32+*/0", N, "me", "any", 0, 0, 0, true },
	{ "*/0.0.0.0+0", N, "any", "me", 0, 0, 0, true },
	{ "131.107.1.1+*:25:TCP", N, "131.107.1.1/32", "any", 6, 0, 25, true },
	{ "*+131.107.1.1:995:TCP", N, "any", "131.107.1.1/32", 6, 0, 995, true },
	{ "10.0.0.1/32+10.0.0.2/255.255.255.255", N, "10.0.0.1/32", "10.0.0.2/32", 0, 0, 0,
	  true },
	/* wildcards */
	{ "144.92.*.*+0", N, "144.92.0.0/16", "me", 0, 0, 0, true },
	{ "0+10.*.*.*", N, "me", "10.0.0.0/8", 0, 0, 0, true },
	{ "0+10.1.2.*:80:TCP", N, "me", "10.1.2.0/24", 6, 0, 80, true },
	{ "0+*.*.*.*", N, "me", "0.0.0.0/0", 0, 0, 0, true },
	/* DNS names */
	{ "host1+host2::6", N, "dns:host1", "dns:host2", 6, 0, 0, true },
	{ "0+www.example.com:80:TCP", N, "me", "dns:www.example.com", 6, 0, 80, true },
	{ "0=mail-1.Example.ORG.", N, "me", "dns:mail-1.example.org.", 0, 0, 0, false },
	{ "0+a1.2b", N, "me", "dns:a1.2b", 0, 0, 0, true },
	/* dynamic-mode shortcuts */
	{ "[0+*]", B, "me", "any", 0, 0, 0, true },
	{ "(0:80+*::TCP)", P, "me", "any", 6, 80, 0, true },
	{ "(0:443+*::TCP)", P, "me", "any", 6, 443, 0, true },
	{ "[*=0:1434:UDP]", B, "any", "me", 17, 0, 1434, false },
	{ "(0+*::ICMP)", P, "me", "any", 1, 0, 0, true },
	{ "[*=0:135:TCP]", B, "any", "me", 6, 0, 135, false },
	{ "[0=78.131.193.150:*:*]", B, "me", "78.131.193.150/32", 0, 0, 0, false },
	/* IPv6 in braces (extension) */
	{ "{2001:db8::1}+{2001:db8:1::}/48::TCP", N, "2001:db8::1/128", "2001:db8:1::/48", 6, 0,
	  0, true },
	{ "{2001:db8:1::/48}=0:22:TCP", N, "2001:db8:1::/48", "me", 6, 0, 22, false },
	{ "0+{::}/0", N, "me", "::/0", 0, 0, 0, true },
	{ "{fe80::1}:500+{fe80::2}:500:UDP", N, "fe80::1/128", "fe80::2/128", 17, 500, 500,
	  true },
	{ "0+{2001:db8::}/32::ICMPV6", N, "me", "2001:db8::/32", 58, 0, 0, true },
	{ "[{2001:db8::1}+*]", B, "2001:db8::1/128", "any", 0, 0, 0, true },
};

START_TEST(test_good)
{
	struct ipp_fspec fs;
	struct ipp_err e = { 0 };
	char b1[300], b2[300];

	ck_assert_msg(ipp_fspec_parse(good[_i].text, &fs, &e) == 0, "%s: %s", good[_i].text,
	    e.msg);
	ck_assert_int_eq(fs.kind, IPP_FSPEC_FILTER);
	ck_assert_int_eq(fs.shortcut, good[_i].shortcut);
	ck_assert_str_eq(t_addr(&fs.filter.src, b1, sizeof(b1)), good[_i].src);
	ck_assert_str_eq(t_addr(&fs.filter.dst, b2, sizeof(b2)), good[_i].dst);
	ck_assert_uint_eq(fs.filter.proto, good[_i].proto);
	ck_assert_uint_eq(fs.filter.sport, good[_i].sport);
	ck_assert_uint_eq(fs.filter.dport, good[_i].dport);
	ck_assert_int_eq(fs.filter.mirrored, good[_i].mirrored);
	ck_assert_ptr_null(fs.filter.description);
	ipp_fspec_clear(&fs);
}
END_TEST

static bool
same_addr(const struct ipp_addr *a, const struct ipp_addr *b)
{
	if (a->kind != b->kind || a->family != b->family)
		return false;
	if (a->kind == IPP_ADDR_DNSNAME)
		return strcmp(a->dns, b->dns) == 0;
	return a->kind != IPP_ADDR_NET ||
	    (a->prefix == b->prefix && memcmp(&a->ip, &b->ip, sizeof(a->ip)) == 0);
}

/* format() writes what parse() reads back to the same filter, and is a fixed point. */
START_TEST(test_round_trip)
{
	struct ipp_fspec a, b;
	struct ipp_err e = { 0 };
	char t1[512], t2[512];

	ck_assert_int_eq(ipp_fspec_parse(good[_i].text, &a, &e), 0);
	ck_assert_int_eq(ipp_fspec_format(&a, t1, sizeof(t1)), 0);
	ck_assert_msg(ipp_fspec_parse(t1, &b, &e) == 0, "%s -> %s: %s", good[_i].text, t1,
	    e.msg);
	ck_assert_int_eq(ipp_fspec_format(&b, t2, sizeof(t2)), 0);
	ck_assert_str_eq(t1, t2);
	ck_assert(same_addr(&a.filter.src, &b.filter.src));
	ck_assert(same_addr(&a.filter.dst, &b.filter.dst));
	ck_assert_uint_eq(a.filter.proto, b.filter.proto);
	ck_assert_uint_eq(a.filter.sport, b.filter.sport);
	ck_assert_uint_eq(a.filter.dport, b.filter.dport);
	ck_assert_int_eq(a.filter.mirrored, b.filter.mirrored);
	ck_assert_int_eq(a.shortcut, b.shortcut);
	ck_assert_int_eq(ipp_fspec_format(&a, t2, strlen(t1)), -1);	/* no room for NUL */
	ipp_fspec_clear(&a);
	ipp_fspec_clear(&b);
}
END_TEST

START_TEST(test_format_forms)
{
	static const struct {
		const char *in, *out;
	} forms[] = {
		{ "0:80+*::tcp", "0:80+*::TCP" },
		{ "[*=0:1434:UDP]", "[*=0:1434:UDP]" },
		{ "0/255.255.255.255=202.108.22.5/255.255.255.255::", "0=202.108.22.5" },
		{ "144.92.*.*+0", "144.92.0.0/16+0" },
		{ "0+10.0.0.0/255.0.0.0:445:6", "0+10.0.0.0/8:445:TCP" },
		{ "(0+*::50)", "(0+*::50)" },
		{ "{2001:DB8:0::1}+{2001:db8::/32}", "{2001:db8::1}+{2001:db8::}/32" },
		{ "default", "DEFAULT" },
	};
	struct ipp_fspec fs;
	struct ipp_err e = { 0 };
	char buf[256];

	for (size_t i = 0; i < NELEM(forms); i++) {
		ck_assert_int_eq(ipp_fspec_parse(forms[i].in, &fs, &e), 0);
		ck_assert_int_eq(ipp_fspec_format(&fs, buf, sizeof(buf)), 0);
		ck_assert_str_eq(buf, forms[i].out);
		ipp_fspec_clear(&fs);
	}
	/* Ranges and server keywords have no filterspec form. */
	ipp_filter_init(&fs.filter);
	fs.kind = IPP_FSPEC_FILTER;
	fs.shortcut = IPP_FSPEC_PLAIN;
	fs.filter.src.kind = IPP_ADDR_SRV_DNS;
	fs.filter.dst.kind = IPP_ADDR_ME;
	ck_assert_int_eq(ipp_fspec_format(&fs, buf, sizeof(buf)), -1);
}
END_TEST

START_TEST(test_default)
{
	static const char *const forms[] = { "DEFAULT", "default", "Default" };
	struct ipp_fspec fs;
	struct ipp_err e = { 0 };

	for (size_t i = 0; i < NELEM(forms); i++) {
		ck_assert_int_eq(ipp_fspec_parse(forms[i], &fs, &e), 0);
		ck_assert_int_eq(fs.kind, IPP_FSPEC_DEFAULT);
		ck_assert_int_eq(fs.shortcut, IPP_FSPEC_PLAIN);
		ipp_fspec_clear(&fs);
	}
}
END_TEST

/* The exact message the issue quotes. */
START_TEST(test_message_form)
{
	struct ipp_fspec fs;
	struct ipp_err e = { 0 };

	ck_assert_int_eq(ipp_fspec_parse("10.0.0.0/255.0.255.0+*", &fs, &e), -1);
	ck_assert_int_eq(e.code, IPP_E_INVAL);
	ck_assert_str_eq(e.msg,
	    "filterspec '10.0.0.0/255.0.255.0+*': mask 255.0.255.0 is not contiguous");
	ck_assert_int_eq(fs.kind, IPP_FSPEC_FILTER);
	ck_assert_ptr_null(fs.filter.src.dns);
}
END_TEST

/* A hostile token reaches the message escaped, never raw. */
START_TEST(test_message_escapes)
{
	struct ipp_fspec fs;
	struct ipp_err e = { 0 };

	ck_assert_int_eq(ipp_fspec_parse("0+\x1b[2J", &fs, &e), -1);
	ck_assert_ptr_null(strchr(e.msg, '\x1b'));
	ck_assert_ptr_nonnull(strstr(e.msg, "\\x1b"));
}
END_TEST

START_TEST(test_list)
{
	struct ipp_fspec_list l = { 0 };
	struct ipp_err e = { 0 };
	char b[300];

	ck_assert_int_eq(ipp_fspec_list_add(&l, "(0:80+*::TCP) (0:443+*::TCP) [0+*]", &e), 0);
	ck_assert_uint_eq(l.n, 3);
	ck_assert_int_eq(l.v[0].shortcut, IPP_FSPEC_PASS);
	ck_assert_uint_eq(l.v[1].filter.sport, 443);
	ck_assert_int_eq(l.v[2].shortcut, IPP_FSPEC_BLOCK);
	/* All or nothing: a bad second word leaves the list as it was. */
	ck_assert_int_eq(ipp_fspec_list_add(&l, "host.example+0 0+10.0.0.1/8", &e), -1);
	ck_assert_uint_eq(l.n, 3);
	ck_assert_ptr_nonnull(strstr(e.msg, "'0+10.0.0.1/8'"));
	ck_assert_int_eq(ipp_fspec_list_add(&l, "\thost.example+0 ", &e), 0);
	ck_assert_uint_eq(l.n, 4);
	ck_assert_str_eq(t_addr(&l.v[3].filter.src, b, sizeof(b)), "dns:host.example");
	ck_assert_int_eq(ipp_fspec_list_add(&l, "  ", &e), -1);
	ipp_fspec_list_clear(&l);
	ck_assert_uint_eq(l.n, 0);
}
END_TEST

static Suite *
fspec_suite(void)
{
	Suite *s = suite_create("filterspec");
	TCase *tc = tcase_create("grammar");

	tcase_add_loop_test(tc, test_good, 0, (int)NELEM(good));
	tcase_add_loop_test(tc, test_round_trip, 0, (int)NELEM(good));
	tcase_add_test(tc, test_format_forms);
	tcase_add_test(tc, test_default);
	tcase_add_test(tc, test_message_form);
	tcase_add_test(tc, test_message_escapes);
	tcase_add_test(tc, test_list);
	suite_add_tcase(s, tc);
	return s;
}

IPP_CHECK_MAIN(fspec_suite)
