/* Address and protocol text forms: netsh's forms in, one canonical form out, and back. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "store/model.h"
#include "tests/lib/ipp_check.h"

struct good {
	const char *text;
	const char *mask;
	const char *canon;		/* format(parse(text, mask)) */
	enum ipp_addr_kind kind;
	int family;
	unsigned prefix;
};

static const struct good goods[] = {
	{ "me", NULL, "me", IPP_ADDR_ME, AF_UNSPEC, 0 },
	{ "ME", NULL, "me", IPP_ADDR_ME, AF_UNSPEC, 0 },
	{ "any", NULL, "any", IPP_ADDR_ANY, AF_UNSPEC, 0 },
	{ "Any", "0.0.0.0", "any", IPP_ADDR_ANY, AF_UNSPEC, 0 },
	{ "any", "0", "any", IPP_ADDR_ANY, AF_UNSPEC, 0 },
	{ "me", "255.255.255.255", "me", IPP_ADDR_ME, AF_UNSPEC, 0 },
	{ "dns", NULL, "dns", IPP_ADDR_SRV_DNS, AF_UNSPEC, 0 },
	{ "WINS", NULL, "wins", IPP_ADDR_SRV_WINS, AF_UNSPEC, 0 },
	{ "Dhcp", NULL, "dhcp", IPP_ADDR_SRV_DHCP, AF_UNSPEC, 0 },
	{ "GATEWAY", NULL, "gateway", IPP_ADDR_SRV_GATEWAY, AF_UNSPEC, 0 },
	{ "", NULL, "", IPP_ADDR_NONE, AF_UNSPEC, 0 },
	{ "10.0.0.1", NULL, "10.0.0.1", IPP_ADDR_NET, AF_INET, 32 },
	{ "10.0.0.1", "", "10.0.0.1", IPP_ADDR_NET, AF_INET, 32 },
	{ "10.0.0.1", "255.255.255.255", "10.0.0.1", IPP_ADDR_NET, AF_INET, 32 },
	{ "10.0.0.0/8", NULL, "10.0.0.0/8", IPP_ADDR_NET, AF_INET, 8 },
	{ "10.0.0.0/255.0.0.0", NULL, "10.0.0.0/8", IPP_ADDR_NET, AF_INET, 8 },
	{ "192.168.0.0", "255.255.0.0", "192.168.0.0/16", IPP_ADDR_NET, AF_INET, 16 },
	{ "192.168.0.0", "16", "192.168.0.0/16", IPP_ADDR_NET, AF_INET, 16 },
	{ "192.168.1.128", "255.255.255.128", "192.168.1.128/25", IPP_ADDR_NET, AF_INET, 25 },
	{ "0.0.0.0", "0.0.0.0", "0.0.0.0/0", IPP_ADDR_NET, AF_INET, 0 },
	{ "0.0.0.0/0", NULL, "0.0.0.0/0", IPP_ADDR_NET, AF_INET, 0 },
	{ "2001:db8::1", NULL, "2001:db8::1", IPP_ADDR_NET, AF_INET6, 128 },
	{ "2001:DB8:0:0:0:0:0:1", NULL, "2001:db8::1", IPP_ADDR_NET, AF_INET6, 128 },
	{ "2001:db8::/32", NULL, "2001:db8::/32", IPP_ADDR_NET, AF_INET6, 32 },
	{ "2001:db8::", "48", "2001:db8::/48", IPP_ADDR_NET, AF_INET6, 48 },
	{ "::/0", NULL, "::/0", IPP_ADDR_NET, AF_INET6, 0 },
	{ "::1", NULL, "::1", IPP_ADDR_NET, AF_INET6, 128 },
	{ "10.0.0.1-10.0.0.9", NULL, "10.0.0.1-10.0.0.9", IPP_ADDR_RANGE, AF_INET, 0 },
	{ "10.0.0.5-10.0.0.5", NULL, "10.0.0.5-10.0.0.5", IPP_ADDR_RANGE, AF_INET, 0 },
	{ "9.255.255.255-10.0.0.0", NULL, "9.255.255.255-10.0.0.0", IPP_ADDR_RANGE, AF_INET, 0 },
	{ "2001:db8::1-2001:DB8::ff", NULL, "2001:db8::1-2001:db8::ff", IPP_ADDR_RANGE,
	    AF_INET6, 0 },
	{ "host.example.com", NULL, "host.example.com", IPP_ADDR_DNSNAME, AF_UNSPEC, 0 },
	{ "Host.Example.", NULL, "host.example.", IPP_ADDR_DNSNAME, AF_UNSPEC, 0 },
	{ "my-host", NULL, "my-host", IPP_ADDR_DNSNAME, AF_UNSPEC, 0 },
	{ "10-0-0-1.example.net", NULL, "10-0-0-1.example.net", IPP_ADDR_DNSNAME, AF_UNSPEC,
	    0 },
	{ "1.2.3.4.example", NULL, "1.2.3.4.example", IPP_ADDR_DNSNAME, AF_UNSPEC, 0 },
	{ "server1", "255.255.255.255", "server1", IPP_ADDR_DNSNAME, AF_UNSPEC, 0 },
};

START_TEST(test_parse_good)
{
	const struct good *g = &goods[_i];
	char buf[IPP_ADDR_STRLEN];
	struct ipp_addr a;
	struct ipp_err e = { 0 };

	ck_assert_msg(ipp_addr_parse(&a, g->text, g->mask, &e) == 0, "'%s' mask '%s': %s",
	    g->text, g->mask ? g->mask : "(none)", e.msg);
	ck_assert_int_eq(a.kind, g->kind);
	if (g->kind == IPP_ADDR_NET || g->kind == IPP_ADDR_RANGE)
		ck_assert_int_eq(a.family, g->family);
	if (g->kind == IPP_ADDR_NET)
		ck_assert_uint_eq(a.prefix, g->prefix);
	ck_assert_str_eq(ipp_addr_format(&a, buf, sizeof(buf)), g->canon);
	ck_assert(ipp_addr_check(&a, &e) == 0);
	ipp_addr_clear(&a);
}
END_TEST

struct bad {
	const char *text;
	const char *mask;
	const char *want[3];		/* each must appear in the message */
};

static const struct bad bads[] = {
	{ "10.0.0.0", "255.0.255.0", { "mask 255.0.255.0 is not contiguous", "10.0.0.0" } },
	{ "10.0.0.0", "0.255.255.255", { "mask 0.255.255.255 is not contiguous" } },
	{ "10.0.0.0/255.255.0.255", NULL, { "255.255.0.255 is not contiguous" } },
	{ "10.0.0.0", "33", { "prefix /33", "IPv4", "0 to 32" } },
	{ "10.0.0.0/33", NULL, { "prefix /33", "IPv4" } },
	{ "10.0.0.0/1000", NULL, { "prefix /1000", "IPv4" } },
	{ "2001:db8::/129", NULL, { "prefix /129", "IPv6", "0 to 128" } },
	{ "2001:db8::", "255.255.0.0", { "mask 255.255.0.0", "IPv6" } },
	{ "10.0.0.0", "abc", { "mask 'abc'", "prefix length", "dotted" } },
	{ "10.0.0.0", "0008", { "prefix /0008 is out of range for IPv4" } },
	{ "10.0.0.0", "-8", { "mask '-8'" } },
	{ "10.0.0.0/", NULL, { "mask ''" } },
	{ "10.0.0.1/8", NULL, { "10.0.0.1/8", "host bits", "10.0.0.0/8" } },
	{ "10.0.0.1", "255.0.0.0", { "10.0.0.1/8", "host bits", "10.0.0.0/8" } },
	{ "2001:db8::1/32", NULL, { "2001:db8::1/32", "host bits", "2001:db8::/32" } },
	{ "10.0.0.0/8", "8", { "10.0.0.0/8", "mask is given too" } },
	{ "10.0.0.9-10.0.0.1", NULL, { "10.0.0.9-10.0.0.1", "backwards" } },
	{ "2001:db8::9-2001:db8::1", NULL, { "2001:db8::9-2001:db8::1", "backwards" } },
	{ "10.0.0.1-2001:db8::1", NULL, { "10.0.0.1-2001:db8::1", "IPv4", "IPv6" } },
	{ "2001:db8::1-10.0.0.1", NULL, { "2001:db8::1-10.0.0.1", "one family" } },
	{ "10.0.0.1-10.0.0.9", "24", { "10.0.0.1-10.0.0.9", "mask does not apply" } },
	{ "10.0.0.1-", NULL, { "'10.0.0.1-' is not a range" } },
	{ "10.0.0.1-host", NULL, { "'10.0.0.1-host' is not a range" } },
	{ "10.0.0.1-10.0.0.2-10.0.0.3", NULL, { "is not a range" } },
	{ "1.2.3", NULL, { "'1.2.3' is not a valid IPv4 address" } },
	{ "256.1.1.1", NULL, { "'256.1.1.1' is not a valid IPv4" } },
	{ "010.1.1.1", NULL, { "'010.1.1.1' is not a valid IPv4" } },
	{ "2001:db8:::1", NULL, { "'2001:db8:::1' is not a valid IPv6" } },
	{ "fe80::1%eth0", NULL, { "'fe80::1%eth0' is not a valid IPv6" } },
	{ "host/24", NULL, { "'host' is not an IP address" } },
	{ "::ffff:10.0.0.1", NULL, { "::ffff:10.0.0.1", "IPv4-mapped" } },
	{ "dns", "255.255.255.255", { "mask '255.255.255.255' does not apply to 'dns'" } },
	{ "me", "24", { "mask '24' does not apply to 'me'" } },
	{ "any", "32", { "mask '32' does not apply to 'any'" } },
	{ "host.example", "24", { "'host.example'", "mask does not apply to a DNS name" } },
	{ "", "24", { "mask is given without an address" } },
	{ "under_score.example", NULL, { "'under_score.example'", "neither" } },
	{ "-lead.example", NULL, { "'-lead.example'", "DNS name" } },
	{ "trail-.example", NULL, { "'trail-.example'" } },
	{ "a..b", NULL, { "'a..b'" } },
	{ ".", NULL, { "'.'" } },
	{ "10 .0.0.1", NULL, { "'10 .0.0.1'", "blank" } },
	{ " me", NULL, { "' me'", "blank" } },
	{ "me\n", NULL, { "'me\\x0a'", "control" } },
	{ "*", NULL, { "'*'", "neither" } },
};

START_TEST(test_parse_bad)
{
	const struct bad *b = &bads[_i];
	struct ipp_addr a;
	struct ipp_err e = { 0 };

	ck_assert_msg(ipp_addr_parse(&a, b->text, b->mask, &e) == -1, "'%s' was accepted",
	    b->text);
	ck_assert_int_eq(e.code, IPP_E_INVAL);
	for (size_t k = 0; k < 3 && b->want[k] != NULL; k++)
		ck_assert_msg(strstr(e.msg, b->want[k]) != NULL, "'%s': message \"%s\" lacks "
		    "\"%s\"", b->text, e.msg, b->want[k]);
	/* A failed parse leaves nothing behind to free. */
	ck_assert_int_eq(a.kind, IPP_ADDR_NONE);
	ck_assert_ptr_null(a.dns);
}
END_TEST

START_TEST(test_dnsname_limits)
{
	char name[300], shown[IPP_PRINTABLE_MAX];
	struct ipp_addr a;
	struct ipp_err e;

	memset(name, 'a', 63);
	strcpy(name + 63, ".example");
	ck_assert(ipp_dnsname_valid(name));
	memset(name, 'a', 64);
	strcpy(name + 64, ".example");
	ck_assert(!ipp_dnsname_valid(name));
	/* 253 bytes, four 62-byte labels and a 1-byte one: the longest name. */
	memset(name, 'b', 253);
	name[253] = '\0';
	for (int i = 62; i < 253; i += 63)
		name[i] = '.';
	ck_assert(ipp_dnsname_valid(name));
	strcat(name, ".");
	ck_assert(ipp_dnsname_valid(name));
	name[253] = 'c';
	ck_assert(!ipp_dnsname_valid(name));
	ck_assert(!ipp_dnsname_valid(""));
	ck_assert(!ipp_dnsname_valid(NULL));
	ck_assert(!ipp_dnsname_valid("example.123"));
	ck_assert(ipp_dnsname_valid("123.example"));
	ck_assert(ipp_dnsname_valid("x"));
	ck_assert(!ipp_dnsname_valid("x..y"));
	ck_assert(!ipp_dnsname_valid("ex\xc3\xa4mple"));
	ck_assert(ipp_addr_parse(&a, name, NULL, &e) == -1);
	/* The message shows the start of the bad name. */
	ipp_str_printable(name, shown, 40);
	shown[36] = '\0';
	ck_assert_ptr_nonnull(strstr(e.msg, shown));
}
END_TEST

/* Every canonical text parses to an address that formats back to the same text. */
static const char *const canon[] = {
	"", "me", "any", "dns", "wins", "dhcp", "gateway", "10.0.0.1", "10.0.0.0/8",
	"0.0.0.0/0", "0.0.0.0", "255.255.255.255", "172.16.0.0/12", "192.168.1.0/24",
	"192.168.1.255", "10.1.2.3-10.1.2.30",
	"2001:db8::/32", "2001:db8::1", "::", "::/0", "fe80::/10", "2001:db8:0:1::/64",
	"2001:db8::1:0:0:1", "2001:db8::1-2001:db8::2", "host.example.com", "a.b.c.",
	"xn--bcher-kva.example",
};

START_TEST(test_round_trip)
{
	char buf[IPP_ADDR_STRLEN];
	struct ipp_addr a, b;
	struct ipp_err e;

	ck_assert_msg(ipp_addr_parse(&a, canon[_i], NULL, &e) == 0, "%s: %s", canon[_i], e.msg);
	ck_assert_str_eq(ipp_addr_format(&a, buf, sizeof(buf)), canon[_i]);
	/* And a second trip gives the same address, field by field. */
	ck_assert(ipp_addr_parse(&b, buf, NULL, &e) == 0);
	ck_assert_int_eq(a.kind, b.kind);
	ck_assert_int_eq(a.family, b.family);
	ck_assert_uint_eq(a.prefix, b.prefix);
	ck_assert_mem_eq(&a.ip, &b.ip, sizeof(a.ip));
	ck_assert_mem_eq(&a.ip_end, &b.ip_end, sizeof(a.ip_end));
	ipp_addr_clear(&a);
	ipp_addr_clear(&b);
}
END_TEST

/* Every prefix length of both families survives the trip, with a mask or a prefix. */
START_TEST(test_round_trip_all_prefixes)
{
	char buf[IPP_ADDR_STRLEN], mask[8], dotted[INET_ADDRSTRLEN];
	struct ipp_addr a, b;
	struct ipp_err e;

	for (unsigned p = 0; p <= 128; p++) {
		memset(&a, 0, sizeof(a));
		a.kind = IPP_ADDR_NET;
		a.family = p <= 32 && _i == 0 ? AF_INET : AF_INET6;
		if (_i == 0 && p > 32)
			break;
		a.prefix = (uint8_t)p;
		memset(a.ip.b, 0xff, p / 8);
		if (p % 8)
			a.ip.b[p / 8] = (uint8_t)(0xff00u >> (p % 8));
		ck_assert_msg(ipp_addr_check(&a, &e) == 0, "/%u: %s", p, e.msg);
		ipp_addr_format(&a, buf, sizeof(buf));
		ck_assert_msg(ipp_addr_parse(&b, buf, NULL, &e) == 0, "%s: %s", buf, e.msg);
		ck_assert_mem_eq(&a, &b, sizeof(a));
		if (a.family == AF_INET) {
			/* The same net written netsh's way: address and dotted mask apart. */
			uint32_t m = p == 0 ? 0 : htonl(~0u << (32 - p));

			inet_ntop(AF_INET, &m, dotted, sizeof(dotted));
			inet_ntop(AF_INET, &a.ip, buf, sizeof(buf));
			ck_assert_msg(ipp_addr_parse(&b, buf, dotted, &e) == 0, "%s", e.msg);
			ck_assert_mem_eq(&a, &b, sizeof(a));
		}
		snprintf(mask, sizeof(mask), "%u", p);
		inet_ntop(a.family, &a.ip, buf, sizeof(buf));
		ck_assert(ipp_addr_parse(&b, buf, mask, &e) == 0);
		ck_assert_mem_eq(&a, &b, sizeof(a));
	}
}
END_TEST

START_TEST(test_check_struct)
{
	struct ipp_addr a = { .kind = IPP_ADDR_NET, .family = AF_INET, .prefix = 40 };
	struct ipp_err e;

	ck_assert(ipp_addr_check(&a, &e) == -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "prefix /40 is longer than IPv4"));
	a.family = 99;
	ck_assert(ipp_addr_check(&a, &e) == -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "address family 99 is unknown"));
	a.kind = IPP_ADDR_RANGE;
	ck_assert(ipp_addr_check(&a, &e) == -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "address family 99"));
	a.kind = (enum ipp_addr_kind)77;
	ck_assert(ipp_addr_check(&a, &e) == -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "address kind 77 is unknown"));
	a.kind = IPP_ADDR_DNSNAME;
	a.dns = NULL;
	ck_assert(ipp_addr_check(&a, &e) == -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "not a valid DNS name"));
}
END_TEST

START_TEST(test_format_edges)
{
	struct ipp_addr a = { .kind = IPP_ADDR_NET, .family = 99 };
	char buf[IPP_ADDR_STRLEN], small[6];

	ck_assert_str_eq(ipp_addr_format(&a, buf, sizeof(buf)), "?");
	a.kind = (enum ipp_addr_kind)-1;
	ck_assert_str_eq(ipp_addr_format(&a, buf, sizeof(buf)), "?");
	a.kind = IPP_ADDR_SRV_GATEWAY;
	ck_assert_str_eq(ipp_addr_format(&a, buf, sizeof(buf)), "gateway");
	a.kind = IPP_ADDR_NET;
	a.family = AF_INET;
	a.prefix = 32;
	inet_pton(AF_INET, "192.168.100.200", &a.ip);
	/* Cut, never overrun, when the buffer is short. */
	ck_assert_str_eq(ipp_addr_format(&a, small, sizeof(small)), "192.1");
	ck_assert_ptr_eq(ipp_addr_format(&a, small, 0), small);
}
END_TEST

START_TEST(test_protocols)
{
	char buf[IPP_PROTO_STRLEN];

	ck_assert_int_eq(ipp_proto_from_name("any"), 0);
	ck_assert_int_eq(ipp_proto_from_name("TCP"), 6);
	ck_assert_int_eq(ipp_proto_from_name("udp"), 17);
	ck_assert_int_eq(ipp_proto_from_name("Icmp"), 1);
	ck_assert_int_eq(ipp_proto_from_name("raw"), 255);
	ck_assert_int_eq(ipp_proto_from_name("ipv6-icmp"), 58);
	ck_assert_int_eq(ipp_proto_from_name("icmpv6"), 58);
	ck_assert_int_eq(ipp_proto_from_name("50"), 50);
	ck_assert_int_eq(ipp_proto_from_name("0"), 0);
	ck_assert_int_eq(ipp_proto_from_name("255"), 255);
	ck_assert_int_eq(ipp_proto_from_name("256"), -1);
	ck_assert_int_eq(ipp_proto_from_name("-1"), -1);
	ck_assert_int_eq(ipp_proto_from_name("6x"), -1);
	ck_assert_int_eq(ipp_proto_from_name("00006"), -1);
	ck_assert_int_eq(ipp_proto_from_name(""), -1);
	ck_assert_int_eq(ipp_proto_from_name("sctp"), -1);
	ck_assert_int_eq(ipp_proto_from_name(NULL), -1);
	ck_assert_str_eq(ipp_proto_name(6, buf, sizeof(buf)), "TCP");
	ck_assert_str_eq(ipp_proto_name(0, buf, sizeof(buf)), "ANY");
	ck_assert_str_eq(ipp_proto_name(50, buf, sizeof(buf)), "50");
	for (unsigned p = 0; p <= 255; p++)
		ck_assert_int_eq(ipp_proto_from_name(ipp_proto_name(p, buf, sizeof(buf))),
		    (int)p);
}
END_TEST

/* One table, three text forms: each reads and writes only its own names. */
START_TEST(test_protocol_forms)
{
	ck_assert_int_eq(ipp_proto_lookup("TCPx", 3, IPP_PROTO_FSPEC), 6);
	ck_assert_int_eq(ipp_proto_lookup("tcp", 2, IPP_PROTO_FSPEC), -1);
	ck_assert_int_eq(ipp_proto_lookup("icmpv6", 6, IPP_PROTO_FSPEC), 58);
	ck_assert_int_eq(ipp_proto_lookup("ipv6-icmp", 9, IPP_PROTO_FSPEC), -1);
	ck_assert_int_eq(ipp_proto_lookup("ipv6-icmp", 9, IPP_PROTO_STORE), 58);
	ck_assert_int_eq(ipp_proto_lookup("icmpv6", 6, IPP_PROTO_NETSH), -1);
	ck_assert_int_eq(ipp_proto_lookup("6", 1, IPP_PROTO_STORE), -1);
	ck_assert_str_eq(ipp_proto_word(58, IPP_PROTO_STORE), "IPV6-ICMP");
	ck_assert_str_eq(ipp_proto_word(58, IPP_PROTO_FSPEC), "ICMPV6");
	ck_assert_ptr_null(ipp_proto_word(58, IPP_PROTO_NETSH));
	ck_assert_ptr_null(ipp_proto_word(50, IPP_PROTO_STORE));
	ck_assert_str_eq(ipp_proto_word(255, IPP_PROTO_NETSH), "RAW");
	ck_assert_str_eq(ipp_proto_word(0, IPP_PROTO_FSPEC), "ANY");
	/* Every name a form writes, it reads back. */
	for (unsigned f = IPP_PROTO_STORE; f <= IPP_PROTO_FSPEC; f <<= 1)
		for (unsigned p = 0; p <= 255; p++) {
			const char *w = ipp_proto_word(p, f);

			if (w != NULL)
				ck_assert_int_eq(ipp_proto_lookup(w, strlen(w), f), (int)p);
		}
}
END_TEST

static Suite *
addr_suite(void)
{
	Suite *s = suite_create("addr");
	TCase *tc = tcase_create("parse");

	tcase_add_loop_test(tc, test_parse_good, 0, sizeof(goods) / sizeof(goods[0]));
	tcase_add_loop_test(tc, test_parse_bad, 0, sizeof(bads) / sizeof(bads[0]));
	tcase_add_test(tc, test_dnsname_limits);
	tcase_add_loop_test(tc, test_round_trip, 0, sizeof(canon) / sizeof(canon[0]));
	tcase_add_loop_test(tc, test_round_trip_all_prefixes, 0, 2);
	tcase_add_test(tc, test_check_struct);
	tcase_add_test(tc, test_format_edges);
	tcase_add_test(tc, test_protocols);
	tcase_add_test(tc, test_protocol_forms);
	suite_add_tcase(s, tc);
	return s;
}

IPP_CHECK_MAIN(addr_suite)
