/*
 * xfrmtool: a thin command line over kernel-xfrm for tests (netns here, the VM lab there).
 * Every subcommand maps to one library call; output lines are stable for scripts.
 * Exit status: 0 done, 1 the operation failed (or monitor timed out), 2 usage error.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <net/if.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <linux/udp.h>

#include "kernel-xfrm/xfrm.h"

#define TOOL	"xfrmtool"

struct opts {
	struct xfrm_policy	pol;
	struct xfrm_state	st;
	bool			have_src, have_dst, have_spi, esn;
	const char		*cmd;
	uint32_t		min, max;
	unsigned long		count, timeout;
	struct xfrm_spd_thresh	thresh;
	bool			have_thresh;
};

static void die_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void
die_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, TOOL ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(2);
}

static unsigned long long
num(const char *s, unsigned long long max, const char *what)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0' || v > max || s[0] == '-')
		die_usage("bad number for %s", what);
	return v;
}

/* ADDR or ADDR/PLEN; sets family (must agree with an earlier one) and prefix. */
static void
addr(const char *s, uint16_t *family, xfrm_address_t *a, uint8_t *plen)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash;
	uint16_t fam;

	if (strlen(s) >= sizeof(buf))
		die_usage("address too long: %s", s);
	strcpy(buf, s);
	if ((slash = strchr(buf, '/')) != NULL)
		*slash++ = '\0';
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, buf, &a->a4) == 1)
		fam = AF_INET;
	else if (inet_pton(AF_INET6, buf, &a->in6) == 1)
		fam = AF_INET6;
	else
		die_usage("not an IPv4 or IPv6 address: %s", s);
	if (*family != 0 && *family != fam)
		die_usage("address family differs from the other address: %s", s);
	*family = fam;
	if (plen != NULL)
		*plen = slash != NULL ? (uint8_t)num(slash, 255, "prefix") :
		    (fam == AF_INET ? 32 : 128);
}

static uint8_t
ipsec_proto(const char *s)
{
	if (strcmp(s, "esp") == 0)
		return IPPROTO_ESP;
	if (strcmp(s, "ah") == 0)
		return IPPROTO_AH;
	if (strcmp(s, "comp") == 0 || strcmp(s, "ipcomp") == 0)
		return IPPROTO_COMP;
	die_usage("protocol must be esp, ah or comp: %s", s);
	return 0;
}

static uint8_t
ip_proto(const char *s)
{
	struct protoent *pe;

	if (strcmp(s, "any") == 0)
		return 0;
	if (strcmp(s, "esp") == 0 || strcmp(s, "ah") == 0 || strcmp(s, "comp") == 0)
		return ipsec_proto(s);
	if (s[0] >= '0' && s[0] <= '9')
		return (uint8_t)num(s, 255, "--proto");
	if ((pe = getprotobyname(s)) == NULL)
		die_usage("unknown protocol: %s", s);
	return (uint8_t)pe->p_proto;
}

static uint8_t
mode(const char *s)
{
	if (strcmp(s, "transport") == 0)
		return XFRM_MODE_TRANSPORT;
	if (strcmp(s, "tunnel") == 0)
		return XFRM_MODE_TUNNEL;
	if (strcmp(s, "beet") == 0)
		return XFRM_MODE_BEET;
	die_usage("mode must be transport, tunnel or beet: %s", s);
	return 0;
}

static void
hexkey(const char *s, size_t n, struct xfrm_alg *a)
{
	size_t i;
	unsigned int b;

	if (n >= 2 && s[0] == '0' && s[1] == 'x') {
		s += 2;
		n -= 2;
	}
	if (n % 2 != 0 || n / 2 > XFRM_KEY_MAX)
		die_usage("key must be an even number of hex digits, at most 256: %s", s);
	for (i = 0; i < n / 2; i++) {
		if (sscanf(s + 2 * i, "%2x", &b) != 1)
			die_usage("bad hex key: %s", s);
		a->key[i] = (uint8_t)b;
	}
	a->key_len = (uint16_t)(n / 2);
}

/* NAME:HEXKEY[:BITS]: the name may hold parentheses, so split from the right. */
static void
alg(const char *s, struct xfrm_alg *a, bool bits)
{
	const char *c1, *c2 = strrchr(s, ':');
	char tmp[32];

	memset(a, 0, sizeof(*a));
	if (c2 == NULL)
		die_usage("algorithm needs NAME:HEXKEY: %s", s);
	c1 = c2;
	if (bits) {
		if (strlen(c2 + 1) >= sizeof(tmp))
			die_usage("bad bit count in %s", s);
		a->icv_bits = (uint32_t)num(c2 + 1, 1024, "ICV/truncation bits");
		for (c1 = c2 - 1; c1 > s && *c1 != ':'; c1--)
			;
		if (c1 == s)
			die_usage("algorithm needs NAME:HEXKEY:BITS: %s", s);
	}
	if ((size_t)(c1 - s) >= sizeof(a->name))
		die_usage("algorithm name too long: %s", s);
	memcpy(a->name, s, (size_t)(c1 - s));
	hexkey(c1 + 1, (size_t)(c2 - c1 - 1) + (bits ? 0 : strlen(c2 + 1) + 1), a);
}

/* TSRC-TDST: IPv6 addresses hold ':' but never '-'. */
static void
tmpl_endpoints(char *rest, struct xfrm_tmpl *t, const char *whole)
{
	char *dash = strchr(rest, '-');

	if (dash == NULL)
		die_usage("tunnel endpoints must be TSRC-TDST: %s", whole);
	*dash = '\0';
	addr(rest, &t->family, &t->saddr, NULL);
	addr(dash + 1, &t->family, &t->daddr, NULL);
}

/* esp|ah|comp:transport|tunnel:REQID[:TSRC-TDST][:optional] */
static void
tmpl(const char *s, struct xfrm_policy *p)
{
	char buf[256], *f[3], *rest;
	struct xfrm_tmpl *t;
	size_t n;

	if (p->ntmpl >= XFRM_TMPL_MAX)
		die_usage("at most %d templates: %s", XFRM_TMPL_MAX, s);
	if (strlen(s) >= sizeof(buf))
		die_usage("template too long: %s", s);
	strcpy(buf, s);
	rest = buf;
	for (n = 0; n < 3; n++) {
		f[n] = rest;
		if ((rest = strchr(rest, ':')) == NULL)
			break;
		*rest++ = '\0';
	}
	if (n < 2)
		die_usage("template must be PROTO:MODE:REQID[:TSRC-TDST][:optional]: %s", s);
	t = &p->tmpl[p->ntmpl++];
	t->proto = ipsec_proto(f[0]);
	t->mode = mode(f[1]);
	t->reqid = (uint32_t)num(f[2], UINT32_MAX, "template reqid");
	if (rest == NULL)
		return;
	n = strlen(rest);
	if (strcmp(rest, "optional") == 0) {
		t->optional = true;
		return;
	}
	if (n > 9 && strcmp(rest + n - 9, ":optional") == 0) {
		t->optional = true;
		rest[n - 9] = '\0';
	}
	if (*rest != '\0')
		tmpl_endpoints(rest, t, s);
}

static void
mark(const char *s, struct xfrm_mark *m)
{
	char buf[64], *slash;

	if (strlen(s) >= sizeof(buf))
		die_usage("bad mark: %s", s);
	strcpy(buf, s);
	if ((slash = strchr(buf, '/')) != NULL)
		*slash++ = '\0';
	m->v = (uint32_t)num(buf, UINT32_MAX, "--mark");
	m->m = slash != NULL ? (uint32_t)num(slash, UINT32_MAX, "--mark mask") : 0xffffffffu;
}

static void
thresh(const char *s, uint8_t *l, uint8_t *r)
{
	unsigned int a, b;
	char c;

	if (sscanf(s, "%u:%u%c", &a, &b, &c) != 2 || a > 128 || b > 128)
		die_usage("threshold must be LBITS:RBITS: %s", s);
	*l = (uint8_t)a;
	*r = (uint8_t)b;
}

static void
encap(const char *s, struct xfrm_encap *e)
{
	unsigned int a, b;
	char c;

	if (sscanf(s, "%u:%u%c", &a, &b, &c) != 2 || a > 65535 || b > 65535)
		die_usage("encap must be SPORT:DPORT: %s", s);
	e->type = UDP_ENCAP_ESPINUDP;
	e->sport = (uint16_t)a;
	e->dport = (uint16_t)b;
}

/* Options with a value; both policy and state views are filled, the subcommand picks. */
static bool
opt_value(struct opts *o, const char *k, const char *v)
{
	struct xfrm_policy *p = &o->pol;
	struct xfrm_state *s = &o->st;

	if (strcmp(k, "--src") == 0) {
		addr(v, &p->sel.family, &p->sel.saddr, &p->sel.sprefix);
		s->saddr = p->sel.saddr;
		o->have_src = true;
	} else if (strcmp(k, "--dst") == 0) {
		addr(v, &p->sel.family, &p->sel.daddr, &p->sel.dprefix);
		s->daddr = p->sel.daddr;
		o->have_dst = true;
	} else if (strcmp(k, "--proto") == 0) {
		p->sel.proto = ip_proto(v);
		s->proto = p->sel.proto;
	} else if (strcmp(k, "--spi") == 0) {
		s->spi = (uint32_t)num(v, UINT32_MAX, "--spi");
		o->have_spi = true;
	} else if (strcmp(k, "--mode") == 0)
		s->mode = mode(v);
	else if (strcmp(k, "--reqid") == 0)
		s->reqid = (uint32_t)num(v, UINT32_MAX, "--reqid");
	else if (strcmp(k, "--enc") == 0)
		alg(v, &s->enc, false);
	else if (strcmp(k, "--auth") == 0)
		alg(v, &s->auth, true);
	else if (strcmp(k, "--aead") == 0)
		alg(v, &s->aead, true);
	else if (strcmp(k, "--comp") == 0) {
		if (strlen(v) >= sizeof(s->comp.name))
			die_usage("algorithm name too long: %s", v);
		strcpy(s->comp.name, v);
	} else
		return false;
	return true;
}

static bool
opt_lifetime(struct opts *o, const char *k, const char *v)
{
	static const struct {
		const char	*name;
		size_t		off;
	} t[] = {
		{ "--soft-bytes", offsetof(struct xfrm_lifetime, soft_bytes) },
		{ "--hard-bytes", offsetof(struct xfrm_lifetime, hard_bytes) },
		{ "--soft-packets", offsetof(struct xfrm_lifetime, soft_packets) },
		{ "--hard-packets", offsetof(struct xfrm_lifetime, hard_packets) },
		{ "--soft-secs", offsetof(struct xfrm_lifetime, soft_add_secs) },
		{ "--hard-secs", offsetof(struct xfrm_lifetime, hard_add_secs) },
		{ "--soft-use-secs", offsetof(struct xfrm_lifetime, soft_use_secs) },
		{ "--hard-use-secs", offsetof(struct xfrm_lifetime, hard_use_secs) },
	};
	uint64_t n;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (strcmp(k, t[i].name) != 0)
			continue;
		n = num(v, UINT64_MAX - 1, k);
		memcpy((char *)&o->st.lft + t[i].off, &n, sizeof(n));
		memcpy((char *)&o->pol.lft + t[i].off, &n, sizeof(n));
		return true;
	}
	return false;
}

static bool
opt_policy(struct opts *o, const char *k, const char *v)
{
	struct xfrm_policy *p = &o->pol;
	unsigned int idx;

	if (strcmp(k, "--dir") == 0) {
		if (strcmp(v, "in") == 0)
			p->dir = XFRM_POLICY_IN;
		else if (strcmp(v, "out") == 0)
			p->dir = XFRM_POLICY_OUT;
		else if (strcmp(v, "fwd") == 0)
			p->dir = XFRM_POLICY_FWD;
		else
			die_usage("direction must be in, out or fwd: %s", v);
	} else if (strcmp(k, "--action") == 0) {
		if (strcmp(v, "allow") != 0 && strcmp(v, "block") != 0)
			die_usage("action must be allow or block: %s", v);
		p->action = strcmp(v, "block") == 0 ? XFRM_POLICY_BLOCK : XFRM_POLICY_ALLOW;
	} else if (strcmp(k, "--sport") == 0)
		p->sel.sport = (uint16_t)num(v, 65535, k);
	else if (strcmp(k, "--dport") == 0)
		p->sel.dport = (uint16_t)num(v, 65535, k);
	else if (strcmp(k, "--sport-mask") == 0)
		p->sel.sport_mask = (uint16_t)num(v, 65535, k);
	else if (strcmp(k, "--dport-mask") == 0)
		p->sel.dport_mask = (uint16_t)num(v, 65535, k);
	else if (strcmp(k, "--prio") == 0)
		p->priority = (uint32_t)num(v, UINT32_MAX, k);
	else if (strcmp(k, "--index") == 0)
		p->index = (uint32_t)num(v, UINT32_MAX, k);
	else if (strcmp(k, "--dev") == 0) {
		if ((idx = if_nametoindex(v)) == 0)
			die_usage("no such interface: %s", v);
		p->sel.ifindex = (int)idx;
	} else if (strcmp(k, "--ifindex") == 0)
		p->sel.ifindex = (int)num(v, INT_MAX, k);
	else if (strcmp(k, "--tmpl") == 0)
		tmpl(v, p);
	else
		return false;
	return true;
}

static bool
opt_misc(struct opts *o, const char *k, const char *v)
{
	if (strcmp(k, "--mark") == 0) {
		mark(v, &o->pol.mark);
		o->st.mark = o->pol.mark;
	} else if (strcmp(k, "--if-id") == 0)
		o->pol.if_id = o->st.if_id = (uint32_t)num(v, UINT32_MAX, k);
	else if (strcmp(k, "--replay") == 0)
		o->st.replay_window = (uint32_t)num(v, UINT32_MAX, k);
	else if (strcmp(k, "--flags") == 0)
		o->st.flags = (uint8_t)num(v, 255, k);
	else if (strcmp(k, "--encap") == 0)
		encap(v, &o->st.encap);
	else if (strcmp(k, "--min") == 0)
		o->min = (uint32_t)num(v, UINT32_MAX, k);
	else if (strcmp(k, "--max") == 0)
		o->max = (uint32_t)num(v, UINT32_MAX, k);
	else if (strcmp(k, "--count") == 0)
		o->count = (unsigned long)num(v, ULONG_MAX, k);
	else if (strcmp(k, "--timeout") == 0)
		o->timeout = (unsigned long)num(v, 86400, k);
	else if (strcmp(k, "--v4") == 0) {
		thresh(v, &o->thresh.v4_lbits, &o->thresh.v4_rbits);
		o->have_thresh = true;
	} else if (strcmp(k, "--v6") == 0) {
		thresh(v, &o->thresh.v6_lbits, &o->thresh.v6_rbits);
		o->have_thresh = true;
	} else
		return false;
	return true;
}

static void
parse_opts(struct opts *o, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		const char *k = argv[i];

		if (strcmp(k, "--esn") == 0) {
			o->st.esn = true;
			continue;
		}
		if (i + 1 >= argc)
			die_usage("option needs a value (or is unknown): %s", k);
		if (!opt_value(o, k, argv[i + 1]) && !opt_lifetime(o, k, argv[i + 1]) &&
		    !opt_policy(o, k, argv[i + 1]) && !opt_misc(o, k, argv[i + 1]))
			die_usage("unknown option: %s (see xfrmtool help)", k);
		i++;
	}
	o->st.family = o->pol.sel.family;
}

/* ---- output */

static const char *
ntop(uint16_t family, const xfrm_address_t *a, char *buf)
{
	if (inet_ntop(family == AF_INET6 ? AF_INET6 : AF_INET, a, buf, INET6_ADDRSTRLEN) == NULL)
		strcpy(buf, "?");
	return buf;
}

static const char *
proto_name(uint8_t p)
{
	static char num[4];

	switch (p) {
	case IPPROTO_ESP:
		return "esp";
	case IPPROTO_AH:
		return "ah";
	case IPPROTO_COMP:
		return "comp";
	}
	snprintf(num, sizeof(num), "%u", p);	/* e.g. the kernel's own IPIP SA of IPComp */
	return num;
}

static const char *
mode_name(uint8_t m)
{
	return m == XFRM_MODE_TUNNEL ? "tunnel" : m == XFRM_MODE_BEET ? "beet" : "transport";
}

static const char *
dir_name(uint8_t d)
{
	return d == XFRM_POLICY_IN ? "in" : d == XFRM_POLICY_OUT ? "out" :
	    d == XFRM_POLICY_FWD ? "fwd" : "?";
}

static void
print_tmpl(const struct xfrm_tmpl *t, uint16_t family)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	uint16_t f = t->family != 0 ? t->family : family;

	printf(" tmpl %s:%s:%" PRIu32, proto_name(t->proto), mode_name(t->mode), t->reqid);
	if (t->mode != XFRM_MODE_TRANSPORT)
		printf(":%s-%s", ntop(f, &t->saddr, a), ntop(f, &t->daddr, b));
	if (t->optional)
		printf(":optional");
	if (t->spi != 0)
		printf(" tmpl-spi 0x%08" PRIx32, t->spi);
	if (t->aalgos | t->ealgos | t->calgos)
		printf(" algos 0x%" PRIx32 "/0x%" PRIx32 "/0x%" PRIx32,
		    t->aalgos, t->ealgos, t->calgos);
}

static void
print_lft(const struct xfrm_lifetime *l)
{
	if (l->soft_bytes | l->hard_bytes)
		printf(" bytes-limit %" PRIu64 "/%" PRIu64, l->soft_bytes, l->hard_bytes);
	if (l->soft_packets | l->hard_packets)
		printf(" packets-limit %" PRIu64 "/%" PRIu64, l->soft_packets, l->hard_packets);
	if (l->soft_add_secs | l->hard_add_secs)
		printf(" secs-limit %" PRIu64 "/%" PRIu64, l->soft_add_secs, l->hard_add_secs);
	if (l->soft_use_secs | l->hard_use_secs)
		printf(" use-limit %" PRIu64 "/%" PRIu64, l->soft_use_secs, l->hard_use_secs);
}

static void
print_policy(const struct xfrm_policy *p)
{
	const struct xfrm_sel *s = &p->sel;
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

	printf("src %s/%u dst %s/%u", ntop(s->family, &s->saddr, a), s->sprefix,
	    ntop(s->family, &s->daddr, b), s->dprefix);
	if (s->proto != 0)
		printf(" proto %u", s->proto);
	if (s->sport_mask != 0)
		printf(" sport %u/0x%x", s->sport, s->sport_mask);
	if (s->dport_mask != 0)
		printf(" dport %u/0x%x", s->dport, s->dport_mask);
	if (s->ifindex != 0)
		printf(" ifindex %d", s->ifindex);
	printf(" dir %s action %s prio %" PRIu32 " index %" PRIu32, dir_name(p->dir),
	    p->action == XFRM_POLICY_BLOCK ? "block" : "allow", p->priority, p->index);
	if (p->mark.m != 0 || p->mark.v != 0)
		printf(" mark 0x%" PRIx32 "/0x%" PRIx32, p->mark.v, p->mark.m);
	if (p->if_id != 0)
		printf(" if-id %" PRIu32, p->if_id);
	print_lft(&p->lft);
	for (unsigned int i = 0; i < p->ntmpl; i++)
		print_tmpl(&p->tmpl[i], s->family);
	printf("\n");
}

static void
print_alg(const char *what, const struct xfrm_alg *a, bool bits)
{
	if (a->name[0] == '\0')
		return;
	printf(" %s %s:", what, a->name);
	for (unsigned int i = 0; i < a->key_len; i++)
		printf("%02x", a->key[i]);
	if (bits)
		printf(":%" PRIu32, a->icv_bits);
}

static void
print_state(const struct xfrm_state *s)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

	printf("src %s dst %s proto %s spi 0x%08" PRIx32 " mode %s reqid %" PRIu32,
	    ntop(s->family, &s->saddr, a), ntop(s->family, &s->daddr, b), proto_name(s->proto),
	    s->spi, mode_name(s->mode), s->reqid);
	printf(" replay %" PRIu32 " esn %d flags 0x%x", s->replay_window, s->esn, s->flags);
	print_alg("enc", &s->enc, false);
	print_alg("auth", &s->auth, true);
	print_alg("aead", &s->aead, true);
	if (s->comp.name[0] != '\0')
		printf(" comp %s", s->comp.name);
	if (s->encap.type != 0)
		printf(" encap %u:%u", s->encap.sport, s->encap.dport);
	if (s->mark.m != 0 || s->mark.v != 0)
		printf(" mark 0x%" PRIx32 "/0x%" PRIx32, s->mark.v, s->mark.m);
	print_lft(&s->lft);
	printf(" bytes=%" PRIu64 " packets=%" PRIu64 "\n", s->cur.bytes, s->cur.packets);
}

static int
fail(const char *cmd, int rc)
{
	fprintf(stderr, TOOL ": %s failed: error=%d (%s)\n", cmd, rc, strerror(-rc));
	return 1;
}

/* ---- subcommands */

static void
need(bool have, const char *what, const char *cmd)
{
	if (!have)
		die_usage("%s needs %s", cmd, what);
}

static void
state_id(const struct opts *o, struct xfrm_state_id *id)
{
	need(o->have_dst && o->have_spi && o->st.proto != 0,
	    "--dst, --proto and --spi", o->cmd);
	memset(id, 0, sizeof(*id));
	id->family = o->st.family;
	id->daddr = o->st.daddr;
	id->spi = o->st.spi;
	id->proto = o->st.proto;
	id->mark = o->st.mark;
}

static void
policy_defaults(struct opts *o)
{
	need(o->have_src && o->have_dst, "--src and --dst", o->cmd);
}

static int
cmd_policy_add(struct xfrm_handle *h, struct opts *o)
{
	policy_defaults(o);
	return strcmp(o->cmd, "policy-update") == 0 ? xfrm_policy_update(h, &o->pol) :
	    xfrm_policy_add(h, &o->pol);
}

static int
cmd_policy_del(struct xfrm_handle *h, struct opts *o)
{
	if (o->pol.index == 0)
		policy_defaults(o);
	return xfrm_policy_del(h, &o->pol);
}

static int
cmd_policy_get(struct xfrm_handle *h, struct opts *o)
{
	struct xfrm_policy out;
	int rc;

	if (o->pol.index == 0)
		policy_defaults(o);
	if ((rc = xfrm_policy_get(h, &o->pol, &out)) == 0)
		print_policy(&out);
	return rc;
}

static int
dump_policy_cb(const struct xfrm_policy *p, void *arg)
{
	print_policy(p);
	return 0;
}

static int
cmd_policy_dump(struct xfrm_handle *h, struct opts *o)
{
	int rc = xfrm_policy_dump(h, dump_policy_cb, NULL);

	return rc < 0 ? rc : 0;
}

static int
cmd_policy_flush(struct xfrm_handle *h, struct opts *o)
{
	return xfrm_policy_flush(h);
}

static int
cmd_state_add(struct xfrm_handle *h, struct opts *o)
{
	need(o->have_src && o->have_dst && o->have_spi && o->st.proto != 0,
	    "--src, --dst, --proto and --spi", o->cmd);
	return strcmp(o->cmd, "state-update") == 0 ? xfrm_state_update(h, &o->st) :
	    xfrm_state_add(h, &o->st);
}

static int
cmd_state_del(struct xfrm_handle *h, struct opts *o)
{
	struct xfrm_state_id id;

	state_id(o, &id);
	return xfrm_state_del(h, &id);
}

static int
cmd_state_get(struct xfrm_handle *h, struct opts *o)
{
	struct xfrm_state_id id;
	struct xfrm_state out;
	int rc;

	state_id(o, &id);
	if ((rc = xfrm_state_get(h, &id, &out)) == 0)
		print_state(&out);
	xfrm_state_wipe(&out);
	return rc;
}

static int
dump_state_cb(const struct xfrm_state *s, void *arg)
{
	print_state(s);
	return 0;
}

static int
cmd_state_dump(struct xfrm_handle *h, struct opts *o)
{
	int rc = xfrm_state_dump(h, dump_state_cb, NULL);

	return rc < 0 ? rc : 0;
}

static int
cmd_state_flush(struct xfrm_handle *h, struct opts *o)
{
	return xfrm_state_flush(h, o->st.proto);
}

static int
cmd_allocspi(struct xfrm_handle *h, struct opts *o)
{
	int rc;

	need(o->have_dst && o->st.proto != 0, "--dst and --proto", o->cmd);
	if (o->max == 0)
		o->max = UINT32_MAX;
	if ((rc = xfrm_state_allocspi(h, &o->st, o->min, o->max)) == 0)
		printf("0x%08" PRIx32 "\n", o->st.spi);
	return rc;
}

static int
cmd_spd_get(struct xfrm_handle *h, struct opts *o)
{
	struct xfrm_spd_info i;
	int rc;

	if ((rc = xfrm_spd_get(h, &i)) == 0)
		printf("in %u out %u fwd %u buckets %u max %u v4 %u:%u v6 %u:%u\n", i.in, i.out,
		    i.fwd, i.hash_buckets, i.hash_max, i.thresh.v4_lbits, i.thresh.v4_rbits,
		    i.thresh.v6_lbits, i.thresh.v6_rbits);
	return rc;
}

static int
cmd_spd_set(struct xfrm_handle *h, struct opts *o)
{
	need(o->have_thresh, "--v4 L:R and --v6 L:R", o->cmd);
	return xfrm_spd_set_thresh(h, &o->thresh);
}

/* ---- monitor */

static void
print_acquire(const struct xfrm_event_acquire *a)
{
	char x[INET6_ADDRSTRLEN], y[INET6_ADDRSTRLEN];

	printf("acquire src=%s dst=%s proto=%s reqid=%" PRIu32 " seq=%" PRIu32,
	    ntop(a->family, &a->saddr, x), ntop(a->family, &a->daddr, y), proto_name(a->proto),
	    a->reqid, a->seq);
	printf(" sel=%s/%u-%s/%u dir=%s\n", ntop(a->sel.family, &a->sel.saddr, x), a->sel.sprefix,
	    ntop(a->sel.family, &a->sel.daddr, y), a->sel.dprefix, dir_name(a->policy.dir));
}

static void
print_event(const struct xfrm_event *ev)
{
	const struct xfrm_event_expire *e = &ev->u.expire;
	const struct xfrm_event_polexpire *pe = &ev->u.polexpire;
	const struct xfrm_event_mapping *m = &ev->u.mapping;
	char x[INET6_ADDRSTRLEN], y[INET6_ADDRSTRLEN];

	switch (ev->type) {
	case XFRM_EVENT_ACQUIRE:
		print_acquire(&ev->u.acquire);
		break;
	case XFRM_EVENT_EXPIRE:
		printf("expire %s spi=0x%08" PRIx32 " proto=%s src=%s dst=%s reqid=%" PRIu32
		    " bytes=%" PRIu64 " packets=%" PRIu64 "\n", e->hard ? "hard" : "soft", e->spi,
		    proto_name(e->proto), ntop(e->family, &e->saddr, x),
		    ntop(e->family, &e->daddr, y), e->reqid, e->cur.bytes, e->cur.packets);
		break;
	case XFRM_EVENT_POLEXPIRE:
		printf("polexpire %s dir=%s index=%" PRIu32 " src=%s/%u dst=%s/%u\n",
		    pe->hard ? "hard" : "soft", dir_name(pe->policy.dir), pe->policy.index,
		    ntop(pe->policy.sel.family, &pe->policy.sel.saddr, x), pe->policy.sel.sprefix,
		    ntop(pe->policy.sel.family, &pe->policy.sel.daddr, y), pe->policy.sel.dprefix);
		break;
	case XFRM_EVENT_MAPPING:
		printf("mapping spi=0x%08" PRIx32 " proto=%s reqid=%" PRIu32
		    " old=%s:%u new=%s:%u\n",
		    m->spi, proto_name(m->proto), m->reqid, ntop(m->family, &m->old_saddr, x),
		    m->old_sport, ntop(m->family, &m->new_saddr, y), m->new_sport);
		break;
	}
	fflush(stdout);
}

static int
monitor_cb(const struct xfrm_event *ev, void *arg)
{
	unsigned long *left = arg;

	print_event(ev);
	return *left > 0 && --*left == 0;
}

static long
ms_left(const struct timespec *deadline)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (deadline->tv_sec - now.tv_sec) * 1000 +
	    (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

/* Prints events until --count arrived (exit 0) or --timeout seconds passed (exit 1). */
static int
cmd_monitor(struct xfrm_handle *h, struct opts *o)
{
	struct xfrm_monitor *m;
	struct timespec deadline;
	struct pollfd pfd;
	unsigned long left = o->count;
	long ms;
	int rc;

	if ((rc = xfrm_event_open(&m, XFRM_EVENTS_ALL)) < 0)
		return rc;
	fprintf(stderr, TOOL ": monitor ready\n");
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += (time_t)o->timeout;
	pfd.fd = xfrm_event_fd(m);
	pfd.events = POLLIN;
	for (;;) {
		ms = o->timeout == 0 ? -1 : ms_left(&deadline);
		if (o->timeout != 0 && ms <= 0) {
			fprintf(stderr, TOOL ": monitor: timeout, %lu event(s) missing\n",
			    left);
			rc = 1;
			break;
		}
		if (poll(&pfd, 1, (int)ms) < 0 && errno != EINTR) {
			rc = -errno;
			break;
		}
		if ((rc = xfrm_event_read(m, monitor_cb, &left)) < 0)
			break;
		if (o->count > 0 && left == 0) {
			rc = 0;
			break;
		}
	}
	xfrm_event_close(m);
	return rc;
}

/* ---- batch: one operation per line of standard input, all in one batch */

static int
batch_line(struct xfrm_batch *b, char *line, unsigned long lineno)
{
	char *argv[64], *save = NULL, *tok;
	int argc = 0, rc;
	struct opts o;

	for (tok = strtok_r(line, " \t\n", &save); tok != NULL && argc < 64;
	    tok = strtok_r(NULL, " \t\n", &save))
		argv[argc++] = tok;
	if (argc == 0 || argv[0][0] == '#')
		return 0;
	memset(&o, 0, sizeof(o));
	o.cmd = argv[0];
	parse_opts(&o, argc - 1, argv + 1);
	if (strcmp(o.cmd, "policy-add") == 0)
		rc = xfrm_batch_policy_add(b, &o.pol);
	else if (strcmp(o.cmd, "policy-update") == 0)
		rc = xfrm_batch_policy_update(b, &o.pol);
	else if (strcmp(o.cmd, "policy-del") == 0)
		rc = xfrm_batch_policy_del(b, &o.pol);
	else if (strcmp(o.cmd, "state-add") == 0)
		rc = xfrm_batch_state_add(b, &o.st);
	else if (strcmp(o.cmd, "state-update") == 0)
		rc = xfrm_batch_state_update(b, &o.st);
	else if (strcmp(o.cmd, "state-del") == 0) {
		struct xfrm_state_id id;

		state_id(&o, &id);
		rc = xfrm_batch_state_del(b, &id);
	} else
		die_usage("batch takes policy-add|update|del and state-add|update|del: %s", o.cmd);
	xfrm_state_wipe(&o.st);
	if (rc < 0)
		fprintf(stderr, TOOL ": batch line %lu rejected: error=%d (%s)\n", lineno, rc,
		    strerror(-rc));
	return rc < 0 ? 1 : 0;
}

static int
cmd_batch(struct xfrm_handle *h, struct opts *o)
{
	struct xfrm_batch *b;
	char line[4096];
	unsigned long lineno = 0;
	size_t i = 0;
	int rc, rejected = 0, err;

	if ((rc = xfrm_batch_new(h, &b)) < 0)
		return rc;
	while (fgets(line, sizeof(line), stdin) != NULL)
		rejected += batch_line(b, line, ++lineno);
	explicit_bzero(line, sizeof(line));
	if ((rc = xfrm_batch_commit(b)) >= 0) {
		while ((err = xfrm_batch_next_error(b, &i)) != 0) {
			printf("op %zu: error=%d (%s)\n", i, err, strerror(-err));
			i++;
		}
		printf("batch ops=%zu failed=%d rejected=%d\n", xfrm_batch_count(b), rc, rejected);
		rc = rc > 0 || rejected > 0;
	}
	xfrm_batch_free(b);
	return rc;
}

struct cmd {
	const char	*name;
	int		(*fn)(struct xfrm_handle *, struct opts *);
};

static const struct cmd cmds[] = {
	{ "policy-add", cmd_policy_add },
	{ "policy-update", cmd_policy_add },
	{ "policy-del", cmd_policy_del },
	{ "policy-get", cmd_policy_get },
	{ "policy-dump", cmd_policy_dump },
	{ "policy-flush", cmd_policy_flush },
	{ "state-add", cmd_state_add },
	{ "state-update", cmd_state_add },
	{ "state-del", cmd_state_del },
	{ "state-get", cmd_state_get },
	{ "state-dump", cmd_state_dump },
	{ "state-flush", cmd_state_flush },
	{ "allocspi", cmd_allocspi },
	{ "spd-get", cmd_spd_get },
	{ "spd-set", cmd_spd_set },
	{ "monitor", cmd_monitor },
	{ "batch", cmd_batch },
};

static const struct cmd *
find_cmd(const char *name)
{
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(cmds[i].name, name) == 0)
			return &cmds[i];
	return NULL;
}

static const char usage_text[] =
"usage: " TOOL " COMMAND [--option value]...\n"
"  state-add|state-update --src A --dst B --proto esp|ah|comp --spi 0xN\n"
"      [--mode transport|tunnel|beet] [--reqid N] [--enc NAME:HEXKEY]\n"
"      [--auth NAME:HEXKEY:TRUNCBITS] [--aead NAME:HEXKEY:ICVBITS] [--comp NAME]\n"
"      [--soft-secs N] [--hard-secs N] [--soft-bytes N] [--hard-bytes N]\n"
"      [--soft-packets N] [--hard-packets N] [--replay N] [--esn] [--encap SPORT:DPORT]\n"
"      [--mark V[/M]] [--flags N]\n"
"  state-del|state-get --dst B --proto P --spi 0xN [--mark V[/M]]   state-dump\n"
"  state-flush [--proto P]\n"
"  policy-add|policy-update --src P[/LEN] --dst P[/LEN] --dir in|out|fwd [--proto N|name]\n"
"      [--sport N] [--dport N] [--sport-mask M] [--dport-mask M] [--dev IF|--ifindex N]\n"
"      [--action allow|block] [--prio N] [--index N] [--mark V[/M]] [--if-id N]\n"
"      [--soft-secs N] [--hard-secs N] ... (lifetimes as for states)\n"
"      [--tmpl esp|ah|comp:transport|tunnel:REQID[:TSRC-TDST][:optional]]...\n"
"  policy-del|policy-get (selector, --dir [, --mark]) or (--dir --index N)\n"
"  policy-dump   policy-flush\n"
"  allocspi --src A --dst B --proto P [--reqid N] [--mode M] --min N --max N\n"
"  monitor [--count N] [--timeout SECS]   (exit 0 after N events, 1 on timeout)\n"
"  spd-get   spd-set --v4 LBITS:RBITS --v6 LBITS:RBITS\n"
"  batch   (one policy-/state- add|update|del per line of standard input)\n";

static void __attribute__((noreturn))
usage(void)
{
	fputs(usage_text, stderr);
	exit(2);
}

int
main(int argc, char **argv)
{
	struct xfrm_handle *h;
	const struct cmd *c;
	struct opts o;
	int rc;

	if (argc < 2 || (c = find_cmd(argv[1])) == NULL)
		usage();
	memset(&o, 0, sizeof(o));
	o.cmd = c->name;
	parse_opts(&o, argc - 2, argv + 2);
	if ((rc = xfrm_open(&h)) < 0)
		return fail("open", rc);
	rc = c->fn(h, &o);
	xfrm_state_wipe(&o.st);
	xfrm_close(h);
	if (rc < 0)
		return fail(c->name, rc);
	return rc;
}
