/* ipp_fspec: ipsecpol.exe filterspecs into struct ipp_filter (grammar in filterspec.h). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/filterspec.h"
#include "cli/lex.h"

/* The whole filterspec, for messages. */
struct ctx {
	const char *text;
	size_t len;
	struct ipp_err *e;
};

#define FAIL(c, ...) ipp_lex_fail((c)->e, "filterspec", (c)->text, (c)->len, __VA_ARGS__)

struct side {
	const char *what;		/* "source" or "destination" */
	struct ipp_addr addr;
	uint16_t port;
	bool has_proto;
	uint8_t proto;
};

/* A piece of the text: the address, the mask, a field. */
struct piece {
	const char *s;
	size_t n;
};

static const char *
show(struct piece p, char buf[IPP_LEX_SHOWLEN])
{
	return ipp_lex_show(p.s, p.n, buf);
}

enum { QUAD_OK = 0, QUAD_BAD = -1, QUAD_INNER_WILDCARD = -2 };

/*
 * Four decimal octets.  With wild, trailing octets may be "*" (144.92.*.*) and *known
 * counts the others.  Leading zeros are refused: inet_aton() reads 010 as octal, a person
 * as decimal, and a filter must not depend on which.
 */
static int
dotted_quad(struct piece p, bool wild, uint32_t *out, unsigned *known)
{
	uint32_t v = 0, octet;
	size_t i = 0;

	*known = 0;
	for (unsigned k = 0; k < 4; k++) {
		size_t d = ipp_lex_ndigits(p.s + i, p.n - i);

		if (wild && d == 0 && i < p.n && p.s[i] == '*') {
			d = 1;
			octet = 0;
		} else if (*known < k && d > 0) {
			return QUAD_INNER_WILDCARD;
		} else if (d == 0 || (d > 1 && p.s[i] == '0') ||
		    ipp_lex_u32(p.s + i, d, 0, 255, &octet) == -1) {
			return QUAD_BAD;
		} else
			(*known)++;
		v = v << 8 | octet;
		i += d;
		if (k < 3 && (i >= p.n || p.s[i++] != '.'))
			return QUAD_BAD;
	}
	if (i != p.n)
		return QUAD_BAD;
	*out = v;
	return QUAD_OK;
}

/* A dotted mask or a prefix length into a prefix length of at most max. */
static int
parse_mask(struct ctx *c, struct piece m, unsigned max, unsigned *prefix)
{
	char b[IPP_LEX_SHOWLEN];
	unsigned known;
	uint32_t v;

	if (m.n == 0)
		return FAIL(c, "empty mask after '/' (expected a dotted mask or a prefix length)");
	if (memchr(m.s, '.', m.n) == NULL) {
		if (ipp_lex_u32(m.s, m.n, 0, max, &v) == -1)
			return FAIL(c, "mask %s is not a prefix length from 0 to %u", show(m, b), max);
		*prefix = v;
		return 0;
	}
	if (max != 32)
		return FAIL(c, "mask %s: an IPv6 mask is a prefix length from 0 to 128",
		    show(m, b));
	if (dotted_quad(m, false, &v, &known) != QUAD_OK)
		return FAIL(c, "mask %s is not a dotted mask like 255.255.0.0", show(m, b));
	if ((~v & (~v + 1)) != 0)
		return FAIL(c, "mask %s is not contiguous", show(m, b));
	*prefix = (unsigned)__builtin_popcount(v);
	return 0;
}

/* 144.92.*.*: a wildcard stands for the trailing octets only. */
static int
parse_v4(struct ctx *c, struct piece a, bool has_mask, struct ipp_addr *out)
{
	char b[IPP_LEX_SHOWLEN];
	unsigned known;
	uint32_t v;

	switch (dotted_quad(a, true, &v, &known)) {
	case QUAD_INNER_WILDCARD:
		return FAIL(c, "address %s: a wildcard may only replace trailing octets "
		    "(write 10.1.*.* or use a mask)", show(a, b));
	case QUAD_BAD:
		return FAIL(c, "address %s is not a dotted IPv4 address (four decimal octets "
		    "0-255, no leading zeros)", show(a, b));
	}
	if (known < 4 && has_mask)
		return FAIL(c, "address %s: a wildcard address takes no mask", show(a, b));
	out->kind = IPP_ADDR_NET;
	out->family = AF_INET;
	out->ip.v4.s_addr = htonl(v);
	out->prefix = (uint8_t)(known * 8);
	return 0;
}

static bool
dns_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || ch == '-';
}

/* A host name of RFC 1123 letters, digits and hyphens; the last label not all digits, so
 * that a mistyped address is not taken for a name. */
static int
parse_dns(struct ctx *c, struct piece a, struct ipp_addr *out)
{
	char b[IPP_LEX_SHOWLEN];
	size_t n = a.n, start = 0, last = 0;

	if (n > 0 && a.s[n - 1] == '.')
		n--;
	if (n == 0 || n > IPP_DNS_MAX)
		return FAIL(c, "%s is not an address or a DNS name (at most %d characters)",
		    show(a, b), IPP_DNS_MAX);
	for (size_t i = 0; i <= n; i++) {
		if (i < n && dns_char(a.s[i]))
			continue;
		if (i < n && a.s[i] != '.')
			return FAIL(c, "%s is not an address or a DNS name (unexpected '%c')",
			    show(a, b), a.s[i]);
		if (i == start || i - start > 63 || a.s[start] == '-' || a.s[i - 1] == '-')
			return FAIL(c, "%s is not a DNS name (each label has 1-63 letters, digits "
			    "or inner hyphens)", show(a, b));
		last = start;
		start = i + 1;
	}
	if (ipp_lex_ndigits(a.s + last, n - last) == n - last)
		return FAIL(c, "%s is neither a dotted IPv4 address nor a DNS name", show(a, b));
	if ((out->dns = strndup(a.s, a.n)) == NULL)
		return ipp_errf(c->e, IPP_E_NOMEM, "out of memory");
	/* As ipp_addr_parse does: one spelling, so netsh tags and exports read back equal. */
	for (char *p = out->dns; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	out->kind = IPP_ADDR_DNSNAME;
	out->family = AF_UNSPEC;
	return 0;
}

/* {2001:db8::1}, {2001:db8::/32} or {2001:db8::}/32; inner is what the braces hold. */
static int
parse_v6(struct ctx *c, struct piece inner, struct piece *mask, struct ipp_addr *out)
{
	char b[IPP_LEX_SHOWLEN], buf[INET6_ADDRSTRLEN];
	const char *slash = memchr(inner.s, '/', inner.n);
	struct piece a = inner;

	if (slash != NULL) {
		if (mask->s != NULL)
			return FAIL(c, "{%s}: prefix given twice", show(inner, b));
		a.n = (size_t)(slash - inner.s);
		mask->s = slash + 1;
		mask->n = inner.n - a.n - 1;
	}
	if (a.n == 0 || a.n >= sizeof(buf))
		return FAIL(c, "{%s} is not an IPv6 address", show(inner, b));
	memcpy(buf, a.s, a.n);
	buf[a.n] = '\0';
	if (inet_pton(AF_INET6, buf, &out->ip.v6) != 1)
		return FAIL(c, "{%s} is not an IPv6 address", show(inner, b));
	out->kind = IPP_ADDR_NET;
	out->family = AF_INET6;
	out->prefix = 128;
	return 0;
}

/* Host bits beyond the prefix are refused rather than dropped: 10.0.0.1/8 is a typo more
 * often than a way to write 10.0.0.0/8. */
static int
check_host_bits(struct ctx *c, struct piece a, struct ipp_addr *ad)
{
	char b[IPP_LEX_SHOWLEN];
	unsigned len = ad->family == AF_INET ? 4 : 16;

	for (unsigned i = 0; i < len; i++) {
		unsigned keep = ad->prefix >= (i + 1) * 8 ? 8 :
		    ad->prefix > i * 8 ? ad->prefix - i * 8 : 0;
		uint8_t m = (uint8_t)(keep == 0 ? 0 : 0xff << (8 - keep));

		if (ad->ip.b[i] & ~m)
			return FAIL(c, "address %s has bits outside its /%u mask", show(a, b),
			    ad->prefix);
	}
	return 0;
}

/* "0" and "*" take only the mask that says what they are anyway (scripts write
 * 0/255.255.255.255). */
static int
me_any_mask(struct ctx *c, struct side *sd, struct piece mask)
{
	char b[IPP_LEX_SHOWLEN];
	unsigned prefix;

	if (mask.s == NULL)
		return 0;
	if (parse_mask(c, mask, 32, &prefix) == -1)
		return -1;
	if (sd->addr.kind == IPP_ADDR_ME && prefix != 32)
		return FAIL(c, "mask %s: 0 (this host) takes only 255.255.255.255", show(mask, b));
	if (sd->addr.kind == IPP_ADDR_ANY && prefix != 0)
		return FAIL(c, "mask %s: * (any address) takes only 0.0.0.0", show(mask, b));
	return 0;
}

static int
parse_addr(struct ctx *c, struct piece f, struct side *sd)
{
	char b[IPP_LEX_SHOWLEN];
	struct piece a = f, mask = { NULL, 0 };
	const char *slash;
	unsigned prefix;

	if (f.n == 0)
		return FAIL(c, "empty %s address (expected 0 for this host, * for any, an "
		    "address or a DNS name)", sd->what);
	if (f.s[0] == '{') {
		const char *close = memchr(f.s, '}', f.n);

		if (close == NULL)
			return FAIL(c, "%s: '{' without closing '}'", show(f, b));
		a.s = f.s + 1;
		a.n = (size_t)(close - a.s);
		if (close + 1 < f.s + f.n) {
			if (close[1] != '/')
				return FAIL(c, "%s: unexpected text after '}'", show(f, b));
			mask.s = close + 2;
			mask.n = f.n - (size_t)(mask.s - f.s);
		}
		if (parse_v6(c, a, &mask, &sd->addr) == -1)
			return -1;
		if (mask.s != NULL && parse_mask(c, mask, 128, &prefix) == -1)
			return -1;
		if (mask.s != NULL)
			sd->addr.prefix = (uint8_t)prefix;
		return check_host_bits(c, a, &sd->addr);
	}
	if ((slash = memchr(f.s, '/', f.n)) != NULL) {
		a.n = (size_t)(slash - f.s);
		mask.s = slash + 1;
		mask.n = f.n - a.n - 1;
	}
	if (ipp_lex_eq(a.s, a.n, "0") || ipp_lex_eq(a.s, a.n, "*")) {
		sd->addr.kind = a.s[0] == '0' ? IPP_ADDR_ME : IPP_ADDR_ANY;
		return me_any_mask(c, sd, mask);
	}
	if (a.n > 0 && strspn(a.s, "0123456789.*") >= a.n) {
		if (parse_v4(c, a, mask.s != NULL, &sd->addr) == -1)
			return -1;
		if (mask.s == NULL)
			return 0;
		if (parse_mask(c, mask, 32, &prefix) == -1)
			return -1;
		sd->addr.prefix = (uint8_t)prefix;
		return check_host_bits(c, a, &sd->addr);
	}
	if (mask.s != NULL)
		return FAIL(c, "%s: a DNS name takes no mask", show(a, b));
	return parse_dns(c, a, &sd->addr);
}

static int
parse_port(struct ctx *c, struct piece f, struct side *sd)
{
	char b[IPP_LEX_SHOWLEN];
	uint32_t v;

	if (f.n == 0 || ipp_lex_eq(f.s, f.n, "*"))
		return 0;
	if (ipp_lex_u32(f.s, f.n, 0, 65535, &v) == -1)
		return FAIL(c, "%s port %s is not a number from 0 to 65535 (0 or * = any)",
		    sd->what, show(f, b));
	sd->port = (uint16_t)v;
	return 0;
}

static int
parse_proto(struct ctx *c, struct piece f, struct side *sd)
{
	char b[IPP_LEX_SHOWLEN];
	uint32_t v;
	int p;

	if (f.n == 0 || ipp_lex_eq(f.s, f.n, "*"))
		return 0;
	if ((p = ipp_proto_lookup(f.s, f.n, IPP_PROTO_FSPEC)) != -1)
		v = (uint32_t)p;
	else if (ipp_lex_u32(f.s, f.n, 0, 255, &v) == -1)
		return FAIL(c, "protocol %s is not TCP, UDP, ICMP, ICMPV6, RAW, ANY or a number "
		    "from 0 to 255", show(f, b));
	sd->has_proto = v != 0;
	sd->proto = (uint8_t)v;
	return 0;
}

/* addr[/mask][:port[:proto]]; colons inside {IPv6} do not split. */
static int
parse_side(struct ctx *c, struct piece s, struct side *sd)
{
	char b[IPP_LEX_SHOWLEN];
	struct piece f[3];
	size_t nf = 0, start = 0;
	bool brace = false;

	for (size_t i = 0; i <= s.n; i++) {
		if (i < s.n && (s.s[i] == '{' || s.s[i] == '}'))
			brace = s.s[i] == '{';
		if (i < s.n && (s.s[i] != ':' || brace))
			continue;
		if (nf == 3)
			return FAIL(c, "%s %s has more than three ':'-separated fields "
			    "(address, port, protocol)", sd->what, show(s, b));
		f[nf].s = s.s + start;
		f[nf++].n = i - start;
		start = i + 1;
	}
	if (parse_addr(c, f[0], sd) == -1)
		return -1;
	if (nf > 1 && parse_port(c, f[1], sd) == -1)
		return -1;
	if (nf > 2 && parse_proto(c, f[2], sd) == -1)
		return -1;
	return 0;
}

static int
combine(struct ctx *c, struct side *src, struct side *dst, struct ipp_filter *f)
{
	const struct side *p = dst->has_proto ? dst : src;

	if (src->has_proto && dst->has_proto && src->proto != dst->proto)
		return FAIL(c, "protocol %u on the source side conflicts with %u on the "
		    "destination side", src->proto, dst->proto);
	f->proto = p->has_proto ? p->proto : 0;
	if ((src->port != 0 || dst->port != 0) && f->proto != IPPROTO_TCP &&
	    f->proto != IPPROTO_UDP)
		return FAIL(c, "port %u needs protocol TCP or UDP (e.g. 0:80+*::TCP)",
		    src->port != 0 ? src->port : dst->port);
	if (src->addr.family != AF_UNSPEC && dst->addr.family != AF_UNSPEC &&
	    src->addr.family != dst->addr.family)
		return FAIL(c, "source and destination are of different address families");
	f->sport = src->port;
	f->dport = dst->port;
	f->src = src->addr;
	f->dst = dst->addr;
	memset(&src->addr, 0, sizeof(src->addr));
	memset(&dst->addr, 0, sizeof(dst->addr));
	return 0;
}

/* Printable ASCII only, no blanks: anything else is a quoting accident in the caller. */
static int
check_chars(struct ctx *c)
{
	for (size_t i = 0; i < c->len; i++) {
		unsigned char ch = (unsigned char)c->text[i];

		if (ch <= 0x20 || ch >= 0x7f)
			return FAIL(c, "unexpected character 0x%02x at offset %zu (a filterspec "
			    "holds no blanks or control characters)", ch, i);
	}
	return 0;
}

static int
parse_spec(struct ctx *c, struct piece body, struct ipp_filter *f)
{
	struct side src = { .what = "source" }, dst = { .what = "destination" };
	size_t sep = body.n;
	int rc;

	for (size_t i = 0; i < body.n; i++) {
		if (body.s[i] != '=' && body.s[i] != '+')
			continue;
		if (sep != body.n)
			return FAIL(c, "more than one '=' or '+' (expected SOURCE=DEST or "
			    "SOURCE+DEST)");
		sep = i;
	}
	if (sep == body.n)
		return FAIL(c, "expected SOURCE=DEST (one-way) or SOURCE+DEST (mirrored)");
	rc = parse_side(c, (struct piece){ body.s, sep }, &src);
	if (rc == 0)
		rc = parse_side(c, (struct piece){ body.s + sep + 1, body.n - sep - 1 }, &dst);
	if (rc == 0)
		rc = combine(c, &src, &dst, f);
	ipp_addr_clear(&src.addr);
	ipp_addr_clear(&dst.addr);
	if (rc == 0)
		f->mirrored = body.s[sep] == '+';
	return rc;
}

/* ---- the way back ---- */

static int
format_addr(const struct ipp_addr *a, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN];
	unsigned full = a->family == AF_INET ? 32 : 128;
	int n;

	switch (a->kind) {
	case IPP_ADDR_ME:
		n = snprintf(buf, len, "0");
		break;
	case IPP_ADDR_ANY:
		n = snprintf(buf, len, "*");
		break;
	case IPP_ADDR_DNSNAME:
		n = snprintf(buf, len, "%s", a->dns);
		break;
	case IPP_ADDR_NET:
		if (inet_ntop(a->family, &a->ip, ip, sizeof(ip)) == NULL)
			return -1;
		n = snprintf(buf, len, a->family == AF_INET6 ? "{%s}" : "%s", ip);
		if (n >= 0 && (size_t)n < len && a->prefix != full)
			n += snprintf(buf + n, len - (size_t)n, "/%u", a->prefix);
		break;
	default:
		return -1;
	}
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static const char *
proto_name(unsigned proto, char buf[8])
{
	const char *w = ipp_proto_word(proto, IPP_PROTO_FSPEC);

	if (w != NULL)
		return w;
	snprintf(buf, 8, "%u", proto);
	return buf;
}

int
ipp_fspec_format(const struct ipp_fspec *fs, char *buf, size_t len)
{
	const struct ipp_filter *f = &fs->filter;
	char src[IPP_DNS_MAX + 8], dst[IPP_DNS_MAX + 8], sport[8] = "", dport[8] = "";
	char tail[16] = "", pb[8];
	const char *open = "", *close = "";
	int n;

	if (fs->kind == IPP_FSPEC_DEFAULT)
		return snprintf(buf, len, "DEFAULT") >= (int)len ? -1 : 0;
	if (format_addr(&f->src, src, sizeof(src)) == -1 ||
	    format_addr(&f->dst, dst, sizeof(dst)) == -1)
		return -1;
	if (f->sport != 0)
		snprintf(sport, sizeof(sport), ":%u", f->sport);
	if (f->dport != 0)
		snprintf(dport, sizeof(dport), ":%u", f->dport);
	if (f->proto != 0)
		snprintf(tail, sizeof(tail), "%s:%s", f->dport != 0 ? "" : ":",
		    proto_name(f->proto, pb));
	if (fs->shortcut != IPP_FSPEC_PLAIN) {
		open = fs->shortcut == IPP_FSPEC_BLOCK ? "[" : "(";
		close = fs->shortcut == IPP_FSPEC_BLOCK ? "]" : ")";
	}
	n = snprintf(buf, len, "%s%s%s%c%s%s%s%s", open, src, sport, f->mirrored ? '+' : '=',
	    dst, dport, tail, close);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int
ipp_fspec_parse(const char *text, struct ipp_fspec *out, struct ipp_err *e)
{
	struct ctx c = { text, strlen(text), e };
	struct piece body = { text, c.len };

	memset(out, 0, sizeof(*out));
	ipp_filter_init(&out->filter);
	if (check_chars(&c) == -1)
		return -1;
	if (ipp_lex_eq(text, c.len, "DEFAULT")) {
		out->kind = IPP_FSPEC_DEFAULT;
		return 0;
	}
	if (c.len > 0 && (text[0] == '[' || text[0] == '(')) {
		char close = text[0] == '[' ? ']' : ')';

		if (text[c.len - 1] != close || c.len < 2)
			return FAIL(&c, "'%c' without closing '%c'", text[0], close);
		out->shortcut = close == ']' ? IPP_FSPEC_BLOCK : IPP_FSPEC_PASS;
		body.s++;
		body.n -= 2;
		if (ipp_lex_eq(body.s, body.n, "DEFAULT"))
			return FAIL(&c, "DEFAULT cannot be a blocking or pass-through filter");
	}
	if (body.n == 0)
		return FAIL(&c, "empty filter (expected SOURCE=DEST or SOURCE+DEST)");
	for (size_t i = 0; i < body.n; i++)
		if (strchr("[]()", body.s[i]) != NULL)
			return FAIL(&c, "unexpected '%c' (brackets and parentheses go around the "
			    "whole filterspec)", body.s[i]);
	if (parse_spec(&c, body, &out->filter) == -1) {
		ipp_fspec_clear(out);
		return -1;
	}
	return 0;
}

void
ipp_fspec_clear(struct ipp_fspec *fs)
{
	ipp_filter_clear(&fs->filter);
	memset(fs, 0, sizeof(*fs));
}

/* Back to n0 entries; a list that was empty gives its array back too. */
static void
rollback(struct ipp_fspec_list *l, size_t n0)
{
	while (l->n > n0)
		ipp_fspec_clear(&l->v[--l->n]);
	if (n0 == 0) {
		free(l->v);
		l->v = NULL;
	}
}

int
ipp_fspec_list_add(struct ipp_fspec_list *l, const char *text, struct ipp_err *e)
{
	size_t n0 = l->n, i = 0;

	while (text[i] != '\0') {
		struct ipp_fspec fs;
		size_t w;
		char *word;
		int rc;

		i += strspn(text + i, " \t");
		if ((w = strcspn(text + i, " \t")) == 0)
			break;
		if ((word = strndup(text + i, w)) == NULL) {
			rc = ipp_errf(e, IPP_E_NOMEM, "out of memory");
		} else if ((rc = ipp_fspec_parse(word, &fs, e)) == 0 &&
		    ipp_array_push(&l->v, &l->n, sizeof(fs), &fs) == NULL) {
			ipp_fspec_clear(&fs);
			rc = ipp_errf(e, IPP_E_NOMEM, "out of memory");
		}
		free(word);
		if (rc == -1) {
			rollback(l, n0);
			return -1;
		}
		i += w;
	}
	if (l->n == n0)
		return ipp_lex_fail(e, "filterspec list", text, strlen(text),
		    "no filterspec (expected e.g. 0+* or *=0:80:TCP)");
	return 0;
}

void
ipp_fspec_list_clear(struct ipp_fspec_list *l)
{
	rollback(l, 0);
}
