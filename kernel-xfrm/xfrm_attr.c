/*
 * Attribute groups shared by policies, states and events: selector, lifetime, template,
 * algorithm, mark, and the attribute table parser.  Kernel structs inside messages are only
 * 4-byte aligned, so they are always copied out with memcpy, never dereferenced in place.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include "kernel-xfrm/xfrm_int.h"

int
xfrm_attr_family_ok(uint16_t family)
{
	return family == AF_INET || family == AF_INET6;
}

bool
xfrm_attr_addr_zero(const xfrm_address_t *a)
{
	static const xfrm_address_t zero;

	return memcmp(a, &zero, sizeof(zero)) == 0;
}

/* True when a has no bit set beyond the first plen bits of an address of width bits. */
static bool
xfrm_attr_addr_masked(const xfrm_address_t *a, unsigned int plen, unsigned int bits)
{
	const uint8_t *b = (const uint8_t *)a;
	unsigned int i;

	for (i = plen; i < bits; i++)
		if (b[i / 8] & (0x80u >> (i % 8)))
			return false;
	for (i = bits / 8; i < sizeof(*a); i++)
		if (b[i] != 0)
			return false;
	return true;
}

static int
xfrm_attr_port_check(uint16_t port, uint16_t mask)
{
	if (mask == 0)
		return 0;
	return (port & ~mask) == 0 ? 0 : -EINVAL;
}

/* ---- selector */

int
xfrm_attr_sel_check(const struct xfrm_sel *s)
{
	unsigned int bits;

	if (!xfrm_attr_family_ok(s->family))
		return -EINVAL;
	bits = s->family == AF_INET ? 32 : 128;
	if (s->sprefix > bits || s->dprefix > bits)
		return -EINVAL;
	if (!xfrm_attr_addr_masked(&s->saddr, s->sprefix, bits) ||
	    !xfrm_attr_addr_masked(&s->daddr, s->dprefix, bits))
		return -EINVAL;
	if ((s->sport | s->sport_mask | s->dport | s->dport_mask) != 0 && s->proto == 0)
		return -EINVAL;
	if (xfrm_attr_port_check(s->sport, s->sport_mask) < 0 ||
	    xfrm_attr_port_check(s->dport, s->dport_mask) < 0)
		return -EINVAL;
	if (s->ifindex < 0)
		return -EINVAL;
	return 0;
}

static uint16_t
xfrm_attr_mask_of(uint16_t port, uint16_t mask)
{
	return mask == 0 && port != 0 ? 0xffff : mask;
}

void
xfrm_attr_sel_put(struct xfrm_selector *k, const struct xfrm_sel *s)
{
	memset(k, 0, sizeof(*k));
	k->family = s->family;
	k->saddr = s->saddr;
	k->daddr = s->daddr;
	k->prefixlen_s = s->sprefix;
	k->prefixlen_d = s->dprefix;
	k->proto = s->proto;
	k->sport = htons(s->sport);
	k->sport_mask = htons(xfrm_attr_mask_of(s->sport, s->sport_mask));
	k->dport = htons(s->dport);
	k->dport_mask = htons(xfrm_attr_mask_of(s->dport, s->dport_mask));
	k->ifindex = s->ifindex;
}

void
xfrm_attr_sel_get(struct xfrm_sel *s, const struct xfrm_selector *k)
{
	memset(s, 0, sizeof(*s));
	s->family = k->family;
	s->saddr = k->saddr;
	s->daddr = k->daddr;
	s->sprefix = k->prefixlen_s;
	s->dprefix = k->prefixlen_d;
	s->proto = k->proto;
	s->sport = ntohs(k->sport);
	s->sport_mask = ntohs(k->sport_mask);
	s->dport = ntohs(k->dport);
	s->dport_mask = ntohs(k->dport_mask);
	s->ifindex = k->ifindex;
}

/* ---- lifetime: 0 is "no limit" here and XFRM_INF (bytes, packets) in the kernel */

static uint64_t
xfrm_attr_inf_put(uint64_t v)
{
	return v == 0 ? XFRM_INF : v;
}

static uint64_t
xfrm_attr_inf_get(uint64_t v)
{
	return v == XFRM_INF ? 0 : v;
}

void
xfrm_attr_lft_put(struct xfrm_lifetime_cfg *k, const struct xfrm_lifetime *l)
{
	k->soft_byte_limit = xfrm_attr_inf_put(l->soft_bytes);
	k->hard_byte_limit = xfrm_attr_inf_put(l->hard_bytes);
	k->soft_packet_limit = xfrm_attr_inf_put(l->soft_packets);
	k->hard_packet_limit = xfrm_attr_inf_put(l->hard_packets);
	k->soft_add_expires_seconds = l->soft_add_secs;
	k->hard_add_expires_seconds = l->hard_add_secs;
	k->soft_use_expires_seconds = l->soft_use_secs;
	k->hard_use_expires_seconds = l->hard_use_secs;
}

void
xfrm_attr_lft_get(struct xfrm_lifetime *l, const struct xfrm_lifetime_cfg *k)
{
	l->soft_bytes = xfrm_attr_inf_get(k->soft_byte_limit);
	l->hard_bytes = xfrm_attr_inf_get(k->hard_byte_limit);
	l->soft_packets = xfrm_attr_inf_get(k->soft_packet_limit);
	l->hard_packets = xfrm_attr_inf_get(k->hard_packet_limit);
	l->soft_add_secs = k->soft_add_expires_seconds;
	l->hard_add_secs = k->hard_add_expires_seconds;
	l->soft_use_secs = k->soft_use_expires_seconds;
	l->hard_use_secs = k->hard_use_expires_seconds;
}

void
xfrm_attr_cur_get(struct xfrm_counters *c, const struct xfrm_lifetime_cur *k)
{
	c->bytes = k->bytes;
	c->packets = k->packets;
	c->add_time = k->add_time;
	c->use_time = k->use_time;
}

/* ---- templates (XFRMA_TMPL: an array of struct xfrm_user_tmpl) */

/*
 * One template of a chain, checked as the kernel will: a transport template keeps the
 * family of the one before it (the policy's for the first), and an outbound policy cannot
 * make a tunnel optional.  *prev is updated to this template's family.
 */
int
xfrm_attr_tmpl_check(const struct xfrm_tmpl *t, uint8_t dir, uint16_t *prev)
{
	uint16_t fam = t->family != 0 ? t->family : *prev;

	if (t->proto != IPPROTO_ESP && t->proto != IPPROTO_AH && t->proto != IPPROTO_COMP)
		return -EINVAL;
	if (!xfrm_attr_family_ok(fam))
		return -EINVAL;
	switch (t->mode) {
	case XFRM_MODE_TRANSPORT:
		if (fam != *prev)
			return -EINVAL;
		break;
	case XFRM_MODE_TUNNEL:
	case XFRM_MODE_BEET:
		/* A zero local end is a wildcard: the kernel picks the source address by
		 * route when it resolves an outbound template.  The remote end of an
		 * outbound tunnel must be known; inbound, zero matches any peer. */
		if (dir == XFRM_POLICY_OUT && xfrm_attr_addr_zero(&t->daddr))
			return -EINVAL;
		if (t->optional && dir == XFRM_POLICY_OUT)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	*prev = fam;
	return 0;
}

static uint32_t
xfrm_attr_algs_put(uint32_t m)
{
	return m == 0 ? ~0u : m;
}

static uint32_t
xfrm_attr_algs_get(uint32_t m)
{
	return m == ~0u ? 0 : m;
}

bool
xfrm_attr_tmpl_put(struct nlmsghdr *nlh, size_t room, const struct xfrm_tmpl *t,
    unsigned int n, uint16_t family)
{
	struct xfrm_user_tmpl k[XFRM_TMPL_MAX];
	unsigned int i;
	uint16_t prev = family;

	if (n == 0)
		return true;
	memset(k, 0, sizeof(k));
	for (i = 0; i < n; i++) {
		k[i].id.daddr = t[i].daddr;
		k[i].id.spi = htonl(t[i].spi);
		k[i].id.proto = t[i].proto;
		k[i].family = prev = t[i].family != 0 ? t[i].family : prev;
		k[i].saddr = t[i].saddr;
		k[i].reqid = t[i].reqid;
		k[i].mode = t[i].mode;
		k[i].share = XFRM_SHARE_ANY;
		k[i].optional = t[i].optional;
		k[i].aalgos = xfrm_attr_algs_put(t[i].aalgos);
		k[i].ealgos = xfrm_attr_algs_put(t[i].ealgos);
		k[i].calgos = xfrm_attr_algs_put(t[i].calgos);
	}
	return mnl_attr_put_check(nlh, room, XFRMA_TMPL, n * sizeof(k[0]), k);
}

int
xfrm_attr_tmpl_get(const struct nlattr *a, struct xfrm_tmpl *t, unsigned int *n)
{
	const uint8_t *p = mnl_attr_get_payload(a);
	size_t len = mnl_attr_get_payload_len(a), i;
	struct xfrm_user_tmpl k;

	if (len % sizeof(k) != 0 || len / sizeof(k) > XFRM_TMPL_MAX)
		return -EBADMSG;
	*n = (unsigned int)(len / sizeof(k));
	for (i = 0; i < *n; i++) {
		memcpy(&k, p + i * sizeof(k), sizeof(k));
		memset(&t[i], 0, sizeof(t[i]));
		t[i].proto = k.id.proto;
		t[i].mode = k.mode;
		t[i].optional = k.optional != 0;
		t[i].family = k.family;
		t[i].saddr = k.saddr;
		t[i].daddr = k.id.daddr;
		t[i].spi = ntohl(k.id.spi);
		t[i].reqid = k.reqid;
		t[i].aalgos = xfrm_attr_algs_get(k.aalgos);
		t[i].ealgos = xfrm_attr_algs_get(k.ealgos);
		t[i].calgos = xfrm_attr_algs_get(k.calgos);
	}
	return 0;
}

/* ---- algorithms: struct xfrm_algo / _auth / _aead followed by the key */

/* keyed: a key may be given (whether one is required, "ecb(cipher_null)" has none, is the
 * kernel's call). */
int
xfrm_attr_alg_check(const struct xfrm_alg *a, bool keyed)
{
	size_t nl = strnlen(a->name, sizeof(a->name));

	if (nl == 0 || nl == sizeof(a->name))
		return -EINVAL;
	if (a->key_len > XFRM_KEY_MAX || (!keyed && a->key_len != 0))
		return -EINVAL;
	if (a->icv_bits % 8 != 0 || a->icv_bits > 512)
		return -EINVAL;
	return 0;
}

/* Size of the fixed head before the key, per attribute type. */
static size_t
xfrm_attr_alg_head(uint16_t type)
{
	switch (type) {
	case XFRMA_ALG_AUTH_TRUNC:
		return sizeof(struct xfrm_algo_auth);
	case XFRMA_ALG_AEAD:
		return sizeof(struct xfrm_algo_aead);
	default:
		return sizeof(struct xfrm_algo);
	}
}

bool
xfrm_attr_alg_put(struct nlmsghdr *nlh, size_t room, uint16_t type, const struct xfrm_alg *a)
{
	uint8_t buf[sizeof(struct xfrm_algo_aead) + XFRM_KEY_MAX];
	size_t head = xfrm_attr_alg_head(type);
	uint32_t bits = (uint32_t)a->key_len * 8;
	bool ok;

	memset(buf, 0, head);
	memcpy(buf, a->name, sizeof(a->name));
	memcpy(buf + XFRM_ALG_NAME_MAX, &bits, sizeof(bits));
	if (head > sizeof(struct xfrm_algo))
		memcpy(buf + XFRM_ALG_NAME_MAX + sizeof(bits), &a->icv_bits, sizeof(a->icv_bits));
	memcpy(buf + head, a->key, a->key_len);
	ok = mnl_attr_put_check(nlh, room, type, head + a->key_len, buf);
	explicit_bzero(buf, sizeof(buf));
	return ok;
}

int
xfrm_attr_alg_get(const struct nlattr *a, struct xfrm_alg *out)
{
	const uint8_t *p = mnl_attr_get_payload(a);
	size_t len = mnl_attr_get_payload_len(a);
	uint16_t type = mnl_attr_get_type(a);
	size_t head = xfrm_attr_alg_head(type), kl;
	uint32_t bits;

	if (len < head)
		return -EBADMSG;
	memset(out, 0, sizeof(*out));
	memcpy(out->name, p, sizeof(out->name));
	memcpy(&bits, p + XFRM_ALG_NAME_MAX, sizeof(bits));
	if (head > sizeof(struct xfrm_algo))
		memcpy(&out->icv_bits, p + XFRM_ALG_NAME_MAX + sizeof(bits),
		    sizeof(out->icv_bits));
	kl = (bits + 7) / 8;
	if (out->name[sizeof(out->name) - 1] != '\0' || kl > XFRM_KEY_MAX ||
	    kl > len - head) {
		explicit_bzero(out, sizeof(*out));
		return -EBADMSG;
	}
	out->key_len = (uint16_t)kl;
	memcpy(out->key, p + head, kl);
	return 0;
}

bool
xfrm_attr_mark_put(struct nlmsghdr *nlh, size_t room, const struct xfrm_mark *m)
{
	if (m->v == 0 && m->m == 0)
		return true;
	return mnl_attr_put_check(nlh, room, XFRMA_MARK, sizeof(*m), m);
}

/* ---- attribute table */

/*
 * Minimum payload length of each attribute this library reads (0: not read, not checked).
 * Longer is accepted, as the kernel itself does: some structs gain tail padding.
 */
static const unsigned int xfrm_attr_len[XFRMA_MAX + 1] = {
	[XFRMA_ALG_AUTH] = sizeof(struct xfrm_algo),
	[XFRMA_ALG_CRYPT] = sizeof(struct xfrm_algo),
	[XFRMA_ALG_COMP] = sizeof(struct xfrm_algo),
	[XFRMA_ALG_AUTH_TRUNC] = sizeof(struct xfrm_algo_auth),
	[XFRMA_ALG_AEAD] = sizeof(struct xfrm_algo_aead),
	[XFRMA_ENCAP] = sizeof(struct xfrm_encap_tmpl),
	[XFRMA_TMPL] = sizeof(struct xfrm_user_tmpl),
	[XFRMA_SA] = sizeof(struct xfrm_usersa_info),
	[XFRMA_POLICY] = sizeof(struct xfrm_userpolicy_info),
	[XFRMA_LTIME_VAL] = sizeof(struct xfrm_lifetime_cur),
	[XFRMA_REPLAY_VAL] = sizeof(struct xfrm_replay_state),
	[XFRMA_REPLAY_THRESH] = sizeof(uint32_t),
	[XFRMA_ETIMER_THRESH] = sizeof(uint32_t),
	[XFRMA_SRCADDR] = sizeof(xfrm_address_t),
	[XFRMA_COADDR] = sizeof(xfrm_address_t),
	[XFRMA_LASTUSED] = sizeof(uint64_t),
	[XFRMA_POLICY_TYPE] = sizeof(struct xfrm_userpolicy_type),
	[XFRMA_REPLAY_ESN_VAL] = sizeof(struct xfrm_replay_state_esn),
	[XFRMA_MARK] = sizeof(struct xfrm_mark),
	[XFRMA_TFCPAD] = sizeof(uint32_t),
	[XFRMA_SA_EXTRA_FLAGS] = sizeof(uint32_t),
	[XFRMA_PROTO] = sizeof(uint8_t),
	[XFRMA_SET_MARK] = sizeof(uint32_t),
	[XFRMA_SET_MARK_MASK] = sizeof(uint32_t),
	[XFRMA_IF_ID] = sizeof(uint32_t),
};

static int
xfrm_attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(a);

	/* Newer kernels add attributes: skip what we do not know. */
	if (type > XFRMA_MAX || xfrm_attr_len[type] == 0)
		return MNL_CB_OK;
	if (mnl_attr_get_payload_len(a) < xfrm_attr_len[type])
		return MNL_CB_ERROR;
	tb[type] = a;
	return MNL_CB_OK;
}

/*
 * Checks that buf holds one whole message of type lo..hi with a fixed header of hdrlen
 * bytes, then fills tb[0..XFRMA_MAX] from the attributes that follow that header.
 * Returns the message, or NULL with *err set (-EBADMSG, or -EPROTO for another type).
 */
const struct nlmsghdr *
xfrm_attr_msg(const void *buf, size_t len, uint16_t lo, uint16_t hi, size_t hdrlen,
    const struct nlattr **tb, int *err)
{
	const struct nlmsghdr *nlh = buf;

	*err = -EBADMSG;
	if (len < NLMSG_HDRLEN || nlh->nlmsg_len < NLMSG_HDRLEN || nlh->nlmsg_len > len)
		return NULL;
	if (nlh->nlmsg_type < lo || nlh->nlmsg_type > hi) {
		*err = -EPROTO;
		return NULL;
	}
	if (nlh->nlmsg_len < NLMSG_HDRLEN + MNL_ALIGN(hdrlen))
		return NULL;
	if (tb != NULL && (*err = xfrm_attr_parse(nlh, hdrlen, tb)) < 0)
		return NULL;
	*err = 0;
	return nlh;
}

/*
 * Calls cb for each attribute after a fixed header of hdrlen bytes.  Unlike
 * mnl_attr_parse(), trailing bytes that do not form a whole attribute are an error.
 */
int
xfrm_attr_walk(const struct nlmsghdr *nlh, size_t hdrlen, mnl_attr_cb_t cb, void *data)
{
	const struct nlattr *a;
	long len = (long)nlh->nlmsg_len - NLMSG_HDRLEN - (long)MNL_ALIGN(hdrlen);
	size_t step;

	if (len < 0)
		return -EBADMSG;
	a = (const void *)((const uint8_t *)mnl_nlmsg_get_payload(nlh) + MNL_ALIGN(hdrlen));
	while (mnl_attr_ok(a, (int)len)) {
		if (cb(a, data) != MNL_CB_OK)
			return -EBADMSG;
		step = MNL_ALIGN(a->nla_len);
		len -= step < (size_t)len ? (long)step : len;
		a = mnl_attr_next(a);
	}
	return len == 0 ? 0 : -EBADMSG;
}

/* Fills tb[0..XFRMA_MAX] from the attributes after a fixed header of hdrlen bytes. */
int
xfrm_attr_parse(const struct nlmsghdr *nlh, size_t hdrlen, const struct nlattr **tb)
{
	memset(tb, 0, (XFRMA_MAX + 1) * sizeof(*tb));
	return xfrm_attr_walk(nlh, hdrlen, xfrm_attr_cb, tb);
}
