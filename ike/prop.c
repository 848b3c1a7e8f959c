/* ike_prop: proposals against the plan's offers, and their text for log lines. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <netinet/in.h>
#include <linux/xfrm.h>

#include "ike/prop.h"

void
ike_prop_qm_from_offer(const struct ipp_qm_offer *o, uint8_t mode, ipp_dhgroup mm_group,
    struct ike_qm_prop *out)
{
	memset(out, 0, sizeof(*out));
	if (o->proto == IPP_QM_ESP || o->proto == IPP_QM_AH_ESP) {
		out->p[out->nproto].proto = IPPROTO_ESP;
		out->p[out->nproto].cipher = o->esp_cipher;
		out->p[out->nproto].auth = o->esp_auth;
		out->nproto++;
	}
	if (o->proto == IPP_QM_AH || o->proto == IPP_QM_AH_ESP) {
		out->p[out->nproto].proto = IPPROTO_AH;
		out->p[out->nproto].cipher = IPP_CIPHER_NONE;
		out->p[out->nproto].auth = o->ah_hash;
		out->nproto++;
	}
	out->mode = mode;
	out->pfs_group = o->pfs ? (o->pfs_group != 0 ? o->pfs_group : mm_group) : 0;
	out->life_s = o->life_s != 0 ? o->life_s : IPP_DEF_QM_LIFE_S;
	out->life_kb = o->life_kb != 0 ? o->life_kb : IPP_DEF_QM_LIFE_KB;
}

int
ike_prop_mm_match(const struct ipp_mm_offer *ours, size_t n, enum ipp_auth_kind auth,
    const struct ike_mm_prop *p)
{
	if (p->auth != auth)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (ours[i].cipher == p->cipher && ours[i].hash == p->hash &&
		    ours[i].group == p->group)
			return (int)i;
	return -1;
}

static bool
group_allowed(ipp_dhgroup g, const ipp_dhgroup *allowed, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (allowed[i] == g)
			return true;
	return false;
}

static bool
protos_equal(const struct ike_qm_prop *a, const struct ike_qm_prop *b)
{
	if (a->nproto != b->nproto)
		return false;
	for (size_t i = 0; i < a->nproto; i++)
		if (a->p[i].proto != b->p[i].proto || a->p[i].cipher != b->p[i].cipher ||
		    a->p[i].auth != b->p[i].auth)
			return false;
	return true;
}

int
ike_prop_qm_match(const struct ipp_qm_offer *ours, size_t n, uint8_t mode,
    ipp_dhgroup mm_group, const ipp_dhgroup *allowed, size_t nallowed,
    const struct ike_qm_prop *p)
{
	struct ike_qm_prop mine;

	for (size_t i = 0; i < n; i++) {
		ike_prop_qm_from_offer(&ours[i], mode, mm_group, &mine);
		if (p->mode != mode || !protos_equal(&mine, p))
			continue;
		if (mine.pfs_group != 0 && p->pfs_group != mine.pfs_group)
			continue;
		if (mine.pfs_group == 0 && p->pfs_group != 0 &&
		    !group_allowed(p->pfs_group, allowed, nallowed))
			continue;
		return (int)i;
	}
	return -1;
}

uint32_t
ike_prop_life(uint32_t theirs, uint32_t mine, bool *lowered)
{
	*lowered = false;
	if (theirs == 0)
		return mine;
	if (mine == 0 || theirs <= mine)
		return theirs;
	*lowered = true;
	return mine;
}

/* Appends to buf at *off; keeps it NUL-terminated and cut at len. */
static void __attribute__((format(printf, 4, 5)))
put(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (*off >= len)
		return;
	va_start(ap, fmt);
	r = vsnprintf(buf + *off, len - *off, fmt, ap);
	va_end(ap);
	if (r > 0)
		*off += (size_t)r;
}

static const char *
group_str(ipp_dhgroup g, char *tmp, size_t len)
{
	const char *n = ipp_group_name(g);

	if (n != NULL)
		return n;
	snprintf(tmp, len, "group%u", (unsigned)g);
	return tmp;
}

const char *
ike_prop_mm_str(const struct ike_mm_prop *p, char *buf, size_t len)
{
	char g[16];
	size_t off = 0;

	buf[0] = '\0';
	put(buf, len, &off, "%s-%s-%s", ipp_cipher_name(p->cipher), ipp_hash_name(p->hash),
	    group_str(p->group, g, sizeof(g)));
	if (p->auth != IPP_AUTH_PSK)
		put(buf, len, &off, " auth %s",
		    p->auth == IPP_AUTH_CERT ? "certificate" : "kerberos");
	return buf;
}

const char *
ike_prop_mm_offers_str(const struct ipp_mm_offer *o, size_t n, char *buf, size_t len)
{
	char g[16];
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			put(buf, len, &off, ", ");
		put(buf, len, &off, "%s-%s-%s", ipp_cipher_name(o[i].cipher),
		    ipp_hash_name(o[i].hash), group_str(o[i].group, g, sizeof(g)));
	}
	if (n == 0)
		put(buf, len, &off, "(none)");
	return buf;
}

static const char *
qm_str(const struct ike_qm_prop *p, bool with_mode, char *buf, size_t len)
{
	char g[16];
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < p->nproto; i++) {
		const struct ike_qm_proto *q = &p->p[i];

		if (i > 0)
			put(buf, len, &off, "+");
		if (q->proto == IPPROTO_ESP)
			put(buf, len, &off, "ESP[%s,%s]", ipp_cipher_name(q->cipher),
			    ipp_hash_name(q->auth));
		else
			put(buf, len, &off, "AH[%s]", ipp_hash_name(q->auth));
	}
	put(buf, len, &off, " %us/%uKB", (unsigned)p->life_s, (unsigned)p->life_kb);
	if (p->pfs_group != 0)
		put(buf, len, &off, " PFS %s", group_str(p->pfs_group, g, sizeof(g)));
	if (with_mode)
		put(buf, len, &off, "%s",
		    p->mode == XFRM_MODE_TUNNEL ? " tunnel" : " transport");
	return buf;
}

const char *
ike_prop_qm_str(const struct ike_qm_prop *p, char *buf, size_t len)
{
	return qm_str(p, true, buf, len);
}

const char *
ike_prop_qm_offers_str(const struct ipp_qm_offer *o, size_t n, char *buf, size_t len)
{
	struct ike_qm_prop p;
	char one[256];
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		/* The mode is the rule's, not the offer's: leave it out here. */
		ike_prop_qm_from_offer(&o[i], XFRM_MODE_TRANSPORT, 0, &p);
		qm_str(&p, false, one, sizeof(one));
		put(buf, len, &off, "%s%s", i > 0 ? ", " : "", one);
	}
	if (n == 0)
		put(buf, len, &off, "(none)");
	return buf;
}
