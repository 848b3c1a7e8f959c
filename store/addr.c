/*
 * ipp_addr: the text forms of addresses and protocols.  Parsing takes netsh's forms (me,
 * any, hosts, subnets with a prefix or a dotted mask, ranges, DNS names, server keywords);
 * formatting writes one canonical form, which parsing reads back to the same address.
 *
 * A subnet whose address has bits set below its prefix (10.0.0.1/8) is refused, not
 * normalized: in a security policy a mistyped subnet should be noticed, not widened or
 * narrowed silently.  The message names the network address that was probably meant.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store/model.h"

static const struct {
	const char *name;
	enum ipp_addr_kind kind;
} keywords[] = {
	{ "me", IPP_ADDR_ME }, { "any", IPP_ADDR_ANY }, { "dns", IPP_ADDR_SRV_DNS },
	{ "wins", IPP_ADDR_SRV_WINS }, { "dhcp", IPP_ADDR_SRV_DHCP },
	{ "gateway", IPP_ADDR_SRV_GATEWAY },
};

#define PF_ALL (IPP_PROTO_STORE | IPP_PROTO_NETSH | IPP_PROTO_FSPEC)

/*
 * Protocol names of every text form: the forms that know a name read it, and write a
 * number as the first name they know for it (else as a decimal).  netsh knows no ICMPv6
 * keyword; ipsecpol -f spells it ICMPV6; the store reads both and writes IPV6-ICMP.
 */
static const struct {
	const char *name;
	unsigned proto;
	unsigned forms;
} protos[] = {
	{ "ANY", 0, PF_ALL }, { "ICMP", IPPROTO_ICMP, PF_ALL }, { "TCP", IPPROTO_TCP, PF_ALL },
	{ "UDP", IPPROTO_UDP, PF_ALL }, { "IPV6-ICMP", IPPROTO_ICMPV6, IPP_PROTO_STORE },
	{ "ICMPV6", IPPROTO_ICMPV6, IPP_PROTO_STORE | IPP_PROTO_FSPEC },
	{ "RAW", IPPROTO_RAW, PF_ALL },
};

#define NKEYWORDS (sizeof(keywords) / sizeof(keywords[0]))
#define NPROTOS (sizeof(protos) / sizeof(protos[0]))

static unsigned
family_bits(int family)
{
	return family == AF_INET ? 32 : family == AF_INET6 ? 128 : 0;
}

static const char *
family_name(int family)
{
	return family == AF_INET ? "IPv4" : "IPv6";
}

static const char *
keyword_name(enum ipp_addr_kind kind)
{
	for (size_t i = 0; i < NKEYWORDS; i++)
		if (keywords[i].kind == kind)
			return keywords[i].name;
	return NULL;
}

static const char *
ip_text(int family, const union ipp_ip *ip, char out[INET6_ADDRSTRLEN])
{
	char *p = out;

	/* IPv4 by hand: inet_ntop goes through sprintf, and policies hold thousands. */
	if (family == AF_INET) {
		for (int i = 0; i < 4; i++) {
			unsigned v = ip->b[i];

			if (v >= 100)
				*p++ = (char)('0' + v / 100);
			if (v >= 10)
				*p++ = (char)('0' + v / 10 % 10);
			*p++ = (char)('0' + v % 10);
			*p++ = i < 3 ? '.' : '\0';
		}
		return out;
	}
	if (family_bits(family) == 0 || inet_ntop(family, ip, out, INET6_ADDRSTRLEN) == NULL)
		return NULL;
	return out;
}

/* s into buf, cut to fit: what snprintf("%s") does, without its cost. */
static const char *
text_copy(char *buf, size_t len, const char *s)
{
	size_t n = strlen(s);

	if (n >= len)
		n = len - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return buf;
}

const char *
ipp_addr_format(const struct ipp_addr *a, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN], end[INET6_ADDRSTRLEN];
	const char *kw;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	switch (a->kind) {
	case IPP_ADDR_NONE:
		return buf;
	case IPP_ADDR_NET:
		if (ip_text(a->family, &a->ip, ip) == NULL)
			break;
		if (a->prefix == family_bits(a->family))
			return text_copy(buf, len, ip);
		snprintf(buf, len, "%s/%u", ip, a->prefix);
		return buf;
	case IPP_ADDR_RANGE:
		if (ip_text(a->family, &a->ip, ip) == NULL ||
		    ip_text(a->family, &a->ip_end, end) == NULL)
			break;
		snprintf(buf, len, "%s-%s", ip, end);
		return buf;
	case IPP_ADDR_DNSNAME:
		return text_copy(buf, len, a->dns != NULL ? a->dns : "");
	default:
		if ((kw = keyword_name(a->kind)) == NULL)
			break;
		return text_copy(buf, len, kw);
	}
	return text_copy(buf, len, "?");
}

/* Bits below the prefix must be zero; net, when given, receives the network address. */
static bool
host_bits_clear(int family, const union ipp_ip *ip, unsigned prefix, union ipp_ip *net)
{
	unsigned bytes = family_bits(family) / 8;
	union ipp_ip n = *ip;
	bool clear = true;

	for (unsigned i = 0; i < bytes; i++) {
		unsigned keep = prefix >= (i + 1) * 8 ? 8 : prefix > i * 8 ? prefix - i * 8 : 0;
		uint8_t m = (uint8_t)(0xff00u >> keep);

		if (n.b[i] & ~m)
			clear = false;
		n.b[i] &= m;
	}
	if (net != NULL)
		*net = n;
	return clear;
}

/* Fails with the address's text in front of the message; formatted only on failure, as
 * checking runs over every filter of every load. */
static int
addr_fail(const struct ipp_addr *a, struct ipp_err *e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
addr_fail(const struct ipp_addr *a, struct ipp_err *e, const char *fmt, ...)
{
	char text[IPP_ADDR_STRLEN], msg[sizeof(e->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ipp_errf(e, IPP_E_INVAL, "'%s': %s", ipp_addr_format(a, text, sizeof(text)),
	    msg);
}

static int
check_family(const struct ipp_addr *a, struct ipp_err *e)
{
	if (family_bits(a->family) == 0)
		return addr_fail(a, e, "address family %d is unknown; expected IPv4 (%d) or "
		    "IPv6 (%d)", a->family, AF_INET, AF_INET6);
	return 0;
}

static int
check_net(const struct ipp_addr *a, struct ipp_err *e)
{
	char net[INET6_ADDRSTRLEN];
	union ipp_ip n;

	if (check_family(a, e) == -1)
		return -1;
	if (a->prefix > family_bits(a->family))
		return addr_fail(a, e, "prefix /%u is longer than %s allows; expected at most "
		    "/%u", a->prefix, family_name(a->family), family_bits(a->family));
	if (!host_bits_clear(a->family, &a->ip, a->prefix, &n))
		return addr_fail(a, e, "host bits are set under prefix /%u; expected the "
		    "network address %s/%u", a->prefix, ip_text(a->family, &n, net), a->prefix);
	if (a->family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&a->ip.v6) && a->prefix >= 96)
		return addr_fail(a, e, "an IPv4-mapped IPv6 address never matches IPv4 "
		    "traffic; expected the IPv4 form");
	return 0;
}

static int
check_range(const struct ipp_addr *a, struct ipp_err *e)
{
	if (check_family(a, e) == -1)
		return -1;
	if (memcmp(a->ip.b, a->ip_end.b, family_bits(a->family) / 8) > 0)
		return addr_fail(a, e, "range runs backwards; expected the lower address first");
	if (a->family == AF_INET6 && (IN6_IS_ADDR_V4MAPPED(&a->ip.v6) ||
	    IN6_IS_ADDR_V4MAPPED(&a->ip_end.v6)))
		return addr_fail(a, e, "an IPv4-mapped IPv6 address never matches IPv4 "
		    "traffic; expected the IPv4 form");
	return 0;
}

int
ipp_addr_check(const struct ipp_addr *a, struct ipp_err *e)
{
	char shown[IPP_PRINTABLE_MAX];

	switch (a->kind) {
	case IPP_ADDR_NONE:
	case IPP_ADDR_ME:
	case IPP_ADDR_ANY:
	case IPP_ADDR_SRV_DNS:
	case IPP_ADDR_SRV_WINS:
	case IPP_ADDR_SRV_DHCP:
	case IPP_ADDR_SRV_GATEWAY:
		return 0;
	case IPP_ADDR_NET:
		return check_net(a, e);
	case IPP_ADDR_RANGE:
		return check_range(a, e);
	case IPP_ADDR_DNSNAME:
		if (a->dns == NULL || !ipp_dnsname_valid(a->dns))
			return ipp_errf(e, IPP_E_INVAL, "'%s': not a valid DNS name; expected "
			    "letters, digits and hyphens in dot-separated labels",
			    ipp_str_printable(a->dns, shown, sizeof(shown)));
		return 0;
	}
	return ipp_errf(e, IPP_E_INVAL, "address kind %d is unknown; expected me, any, an "
	    "address, subnet or range, a DNS name or a server keyword", (int)a->kind);
}

static bool
label_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '-';
}

bool
ipp_dnsname_valid(const char *s)
{
	size_t len, label = 0;
	bool numeric = true;

	if (s == NULL)
		return false;
	len = strlen(s);
	if (len > 0 && s[len - 1] == '.')
		len--;
	if (len == 0 || len > IPP_DNS_MAX)
		return false;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || s[i] == '.') {
			if (label == 0 || label > 63 || s[i - 1] == '-')
				return false;
			if (i == len)
				break;
			label = 0;
			numeric = true;
			continue;
		}
		if (!label_char(s[i]) || (label == 0 && s[i] == '-'))
			return false;
		if (s[i] < '0' || s[i] > '9')
			numeric = false;
		label++;
	}
	/* An all-numeric last label is a mistyped address, never a host name (RFC 1123). */
	return !numeric;
}

/* Copies s[0..n) as a NUL-terminated IP text; false when it cannot be an address. */
static bool
ip_parse(const char *s, size_t n, int *family, union ipp_ip *ip)
{
	char buf[INET6_ADDRSTRLEN];

	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	memset(ip, 0, sizeof(*ip));
	if (inet_pton(AF_INET, buf, &ip->v4) == 1)
		*family = AF_INET;
	else if (inet_pton(AF_INET6, buf, &ip->v6) == 1)
		*family = AF_INET6;
	else
		return false;
	return true;
}

static bool
all_digits(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* A prefix length ("16") or, for IPv4, a dotted mask ("255.255.0.0"). */
static int
mask_parse(const char *m, int family, uint8_t *prefix, struct ipp_err *e)
{
	char shown[IPP_PRINTABLE_MAX];
	struct in_addr v4;
	unsigned bits = family_bits(family);

	if (all_digits(m)) {
		if (strlen(m) > 3 || (unsigned)atoi(m) > bits)
			return ipp_errf(e, IPP_E_INVAL, "prefix /%s is out of range for %s; "
			    "expected 0 to %u", ipp_str_printable(m, shown, sizeof(shown)),
			    family_name(family), bits);
		*prefix = (uint8_t)atoi(m);
		return 0;
	}
	if (inet_pton(AF_INET, m, &v4) == 1) {
		uint32_t inv = ~ntohl(v4.s_addr);

		if (family != AF_INET)
			return ipp_errf(e, IPP_E_INVAL, "mask %s is a dotted IPv4 mask; expected "
			    "a prefix length for IPv6, e.g. 64", m);
		/* Contiguous: the inverted mask is all ones from some bit down. */
		if ((inv & (inv + 1)) != 0)
			return ipp_errf(e, IPP_E_INVAL, "mask %s is not contiguous; expected "
			    "ones followed by zeros, e.g. 255.255.0.0", m);
		*prefix = (uint8_t)(32 - __builtin_popcount(inv));
		return 0;
	}
	return ipp_errf(e, IPP_E_INVAL, "mask '%s' is neither a prefix length nor a dotted "
	    "mask; expected e.g. 24 or 255.255.255.0",
	    ipp_str_printable(m, shown, sizeof(shown)));
}

/* Whether a mask given with me, any or a DNS name says what the keyword says anyway. */
static bool
mask_is(const char *m, bool full)
{
	if (full)
		return strcmp(m, "32") == 0 || strcmp(m, "128") == 0 ||
		    strcmp(m, "255.255.255.255") == 0;
	return strcmp(m, "0") == 0 || strcmp(m, "0.0.0.0") == 0;
}

static int
parse_keyword(struct ipp_addr *a, enum ipp_addr_kind kind, const char *text,
    const char *mask, struct ipp_err *e)
{
	char shown[IPP_PRINTABLE_MAX];

	/* netsh writes me as a full mask and any as an empty one; accept them said aloud. */
	if (mask != NULL && !((kind == IPP_ADDR_ME && mask_is(mask, true)) ||
	    (kind == IPP_ADDR_ANY && mask_is(mask, false))))
		return ipp_errf(e, IPP_E_INVAL, "mask '%s' does not apply to '%s'; expected "
		    "no mask", ipp_str_printable(mask, shown, sizeof(shown)), text);
	a->kind = kind;
	return 0;
}

static int
parse_net(struct ipp_addr *a, const char *text, size_t iplen, const char *mask,
    struct ipp_err *e)
{
	char shown[IPP_PRINTABLE_MAX];

	if (!ip_parse(text, iplen, &a->family, &a->ip)) {
		const char *what = "an IP";

		if (memchr(text, ':', iplen) != NULL)
			what = "a valid IPv6";
		else if (strspn(text, "0123456789.") >= iplen)
			what = "a valid IPv4";
		ipp_str_printable(text, shown, sizeof(shown));
		if (iplen < strlen(shown))
			shown[iplen] = '\0';
		return ipp_errf(e, IPP_E_INVAL, "'%s' is not %s address", shown, what);
	}
	a->kind = IPP_ADDR_NET;
	a->prefix = (uint8_t)family_bits(a->family);
	if (mask != NULL && mask_parse(mask, a->family, &a->prefix, e) == -1)
		return ipp_err_prefix(e, "'%s'", ipp_str_printable(text, shown, sizeof(shown)));
	return ipp_addr_check(a, e);
}

static int
parse_range(struct ipp_addr *a, const char *text, const char *dash, const char *mask,
    struct ipp_err *e)
{
	char shown[IPP_PRINTABLE_MAX];
	int fend;

	ipp_str_printable(text, shown, sizeof(shown));
	if (mask != NULL)
		return ipp_errf(e, IPP_E_INVAL, "'%s': a mask does not apply to a range; "
		    "expected no mask", shown);
	if (!ip_parse(text, (size_t)(dash - text), &a->family, &a->ip) ||
	    !ip_parse(dash + 1, strlen(dash + 1), &fend, &a->ip_end))
		return ipp_errf(e, IPP_E_INVAL, "'%s' is not a range; expected two addresses "
		    "joined by '-'", shown);
	if (fend != a->family)
		return ipp_errf(e, IPP_E_INVAL, "'%s': the range starts with an %s address and "
		    "ends with an %s one; expected one family", shown, family_name(a->family),
		    family_name(fend));
	a->kind = IPP_ADDR_RANGE;
	return ipp_addr_check(a, e);
}

static int
parse_dnsname(struct ipp_addr *a, const char *text, const char *mask, struct ipp_err *e)
{
	char shown[IPP_PRINTABLE_MAX];

	ipp_str_printable(text, shown, sizeof(shown));
	if (!ipp_dnsname_valid(text))
		return ipp_errf(e, IPP_E_INVAL, "'%s' is neither an address nor a DNS name; "
		    "expected me, any, dns, wins, dhcp, gateway, an IPv4 or IPv6 address, "
		    "subnet or range, or a host name", shown);
	if (mask != NULL && !mask_is(mask, true))
		return ipp_errf(e, IPP_E_INVAL, "'%s': a mask does not apply to a DNS name; "
		    "expected no mask", shown);
	if ((a->dns = strdup(text)) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	/* DNS names compare without case; one spelling keeps the store's text canonical. */
	for (char *p = a->dns; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	a->kind = IPP_ADDR_DNSNAME;
	return 0;
}

static int
parse_text(struct ipp_addr *a, const char *text, const char *mask, struct ipp_err *e)
{
	const char *dash, *slash;
	union ipp_ip scratch;
	int family;

	/* Every keyword starts with a letter; addresses mostly with a digit. */
	for (size_t i = 0; isalpha((unsigned char)text[0]) && i < NKEYWORDS; i++)
		if (strcasecmp(text, keywords[i].name) == 0)
			return parse_keyword(a, keywords[i].kind, keywords[i].name, mask, e);
	/* No address contains '-', so a dash after an address is a range; in anything
	 * else it belongs to a host name. */
	if ((dash = strchr(text, '-')) != NULL &&
	    ip_parse(text, (size_t)(dash - text), &family, &scratch))
		return parse_range(a, text, dash, mask, e);
	if ((slash = strchr(text, '/')) != NULL) {
		if (mask != NULL)
			return ipp_errf(e, IPP_E_INVAL, "'%s' has a prefix and a mask is given "
			    "too; expected one of them", text);
		return parse_net(a, text, (size_t)(slash - text), slash + 1, e);
	}
	if (strchr(text, ':') != NULL || strspn(text, "0123456789.") == strlen(text))
		return parse_net(a, text, strlen(text), mask, e);
	return parse_dnsname(a, text, mask, e);
}

int
ipp_addr_parse(struct ipp_addr *a, const char *text, const char *mask, struct ipp_err *e)
{
	char shown[IPP_PRINTABLE_MAX];
	int rc;

	memset(a, 0, sizeof(*a));
	if (text == NULL)
		text = "";
	if (mask != NULL && *mask == '\0')
		mask = NULL;
	for (const char *p = text; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return ipp_errf(e, IPP_E_INVAL, "address '%s' contains a blank or a "
			    "control character; expected one address without spaces",
			    ipp_str_printable(text, shown, sizeof(shown)));
	if (*text == '\0') {
		if (mask != NULL)
			return ipp_errf(e, IPP_E_INVAL, "a mask is given without an address");
		return 0;
	}
	if ((rc = parse_text(a, text, mask, e)) == -1)
		ipp_addr_clear(a);
	return rc;
}

int
ipp_proto_lookup(const char *s, size_t n, unsigned form)
{
	for (size_t i = 0; i < NPROTOS; i++)
		if ((protos[i].forms & form) != 0 && strlen(protos[i].name) == n &&
		    strncasecmp(s, protos[i].name, n) == 0)
			return (int)protos[i].proto;
	return -1;
}

const char *
ipp_proto_word(unsigned proto, unsigned form)
{
	for (size_t i = 0; i < NPROTOS; i++)
		if ((protos[i].forms & form) != 0 && protos[i].proto == proto)
			return protos[i].name;
	return NULL;
}

int
ipp_proto_from_name(const char *s)
{
	int p;

	if (s == NULL)
		return -1;
	if ((p = ipp_proto_lookup(s, strlen(s), IPP_PROTO_STORE)) != -1)
		return p;
	if (!all_digits(s) || strlen(s) > 3 || atoi(s) > 255)
		return -1;
	return atoi(s);
}

const char *
ipp_proto_name(unsigned proto, char *buf, size_t len)
{
	const char *w = ipp_proto_word(proto, IPP_PROTO_STORE);

	if (w != NULL)
		snprintf(buf, len, "%s", w);
	else
		snprintf(buf, len, "%u", proto);
	return buf;
}
