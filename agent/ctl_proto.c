/* ctl_proto: encoder and decoder of the control protocol (see ctl_proto.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "agent/ctl_proto.h"

/* ------------------------------------------------------------------ building */

void
ctl_msg_init(struct ctl_msg *m, uint16_t type, uint32_t seq, uint8_t flags)
{
	memset(m, 0, sizeof(*m));
	m->cap = 1024;
	if ((m->buf = calloc(1, m->cap)) == NULL) {
		m->err = -ENOMEM;
		return;
	}
	m->len = CTL_HDR_LEN;
	m->buf[4] = CTL_VERSION;
	m->buf[5] = flags;
	m->buf[6] = type >> 8;
	m->buf[7] = type & 0xff;
	m->buf[8] = seq >> 24;
	m->buf[9] = (seq >> 16) & 0xff;
	m->buf[10] = (seq >> 8) & 0xff;
	m->buf[11] = seq & 0xff;
}

static void
ctl_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
}

static uint32_t
ctl_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t
ctl_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

int
ctl_msg_finish(struct ctl_msg *m)
{
	if (m->err == 0 && m->depth != 0)
		m->err = -EINVAL;
	if (m->err != 0)
		return m->err;
	ctl_be32(m->buf, CTL_MAGIC);
	ctl_be32(m->buf + 12, (uint32_t)(m->len - CTL_HDR_LEN));
	return 0;
}

void
ctl_msg_free(struct ctl_msg *m)
{
	if (m->buf != NULL) {
		explicit_bzero(m->buf, m->cap);
		free(m->buf);
	}
	memset(m, 0, sizeof(*m));
}

size_t
ctl_msg_room(const struct ctl_msg *m)
{
	return m->err != 0 || m->len >= CTL_MSG_MAX ? 0 : CTL_MSG_MAX - m->len;
}

/* Room for n more bytes, growing (and wiping the old buffer) as needed. */
static uint8_t *
ctl_reserve(struct ctl_msg *m, size_t n)
{
	uint8_t *nb;
	size_t ncap;

	if (m->err != 0)
		return NULL;
	if (n > CTL_MSG_MAX - m->len) {
		m->err = -EMSGSIZE;
		return NULL;
	}
	if (m->len + n > m->cap) {
		for (ncap = m->cap; ncap < m->len + n; ncap *= 2)
			;
		if ((nb = calloc(1, ncap)) == NULL) {
			m->err = -ENOMEM;
			return NULL;
		}
		memcpy(nb, m->buf, m->len);
		explicit_bzero(m->buf, m->cap);
		free(m->buf);
		m->buf = nb;
		m->cap = ncap;
	}
	m->len += n;
	return m->buf + m->len - n;
}

void
ctl_put_bytes(struct ctl_msg *m, uint16_t type, const void *v, size_t len)
{
	uint8_t *p;

	if (len > 0xffff) {
		if (m->err == 0)
			m->err = -EMSGSIZE;
		return;
	}
	if ((p = ctl_reserve(m, 4 + len)) == NULL)
		return;
	p[0] = type >> 8;
	p[1] = type & 0xff;
	p[2] = len >> 8;
	p[3] = len & 0xff;
	if (len > 0)
		memcpy(p + 4, v, len);
}

void
ctl_put_u8(struct ctl_msg *m, uint16_t type, uint8_t v)
{
	ctl_put_bytes(m, type, &v, 1);
}

void
ctl_put_u16(struct ctl_msg *m, uint16_t type, uint16_t v)
{
	uint8_t b[2] = { v >> 8, v & 0xff };

	ctl_put_bytes(m, type, b, 2);
}

void
ctl_put_u32(struct ctl_msg *m, uint16_t type, uint32_t v)
{
	uint8_t b[4];

	ctl_be32(b, v);
	ctl_put_bytes(m, type, b, 4);
}

void
ctl_put_u64(struct ctl_msg *m, uint16_t type, uint64_t v)
{
	uint8_t b[8];

	ctl_be32(b, (uint32_t)(v >> 32));
	ctl_be32(b + 4, (uint32_t)v);
	ctl_put_bytes(m, type, b, 8);
}

void
ctl_put_str(struct ctl_msg *m, uint16_t type, const char *s)
{
	size_t len = s != NULL ? strlen(s) : 0;

	if (len > CTL_STR_MAX) {
		if (m->err == 0)
			m->err = -EMSGSIZE;
		return;
	}
	ctl_put_bytes(m, type, s, len);
}

void
ctl_nest_begin(struct ctl_msg *m, uint16_t type)
{
	if (m->depth == sizeof(m->nest) / sizeof(m->nest[0])) {
		if (m->err == 0)
			m->err = -EINVAL;
		return;
	}
	ctl_put_bytes(m, type, NULL, 0);
	if (m->err == 0)
		m->nest[m->depth] = m->len - 4;
	m->depth++;
}

void
ctl_nest_end(struct ctl_msg *m)
{
	size_t at, len;

	if (m->depth == 0) {
		if (m->err == 0)
			m->err = -EINVAL;
		return;
	}
	at = m->nest[--m->depth];
	if (m->err != 0)
		return;
	len = m->len - at - 4;
	if (len > 0xffff) {
		m->err = -EMSGSIZE;
		return;
	}
	m->buf[at + 2] = len >> 8;
	m->buf[at + 3] = len & 0xff;
}

/* ------------------------------------------------------------------ reading */

int
ctl_hdr_parse(const void *buf, size_t len, struct ctl_hdr *h, struct ipp_err *e)
{
	const uint8_t *p = buf;
	uint32_t magic;

	if (len < CTL_HDR_LEN)
		return ipp_errf(e, IPP_E_INVAL, "control message: %zu bytes, header needs %d",
		    len, CTL_HDR_LEN);
	if ((magic = ctl_rd32(p)) != CTL_MAGIC)
		return ipp_errf(e, IPP_E_INVAL, "control message: magic 0x%08x, expected 0x%08x",
		    magic, CTL_MAGIC);
	h->version = p[4];
	h->flags = p[5];
	h->type = ctl_rd16(p + 6);
	h->seq = ctl_rd32(p + 8);
	h->len = ctl_rd32(p + 12);
	if (h->version != CTL_VERSION)
		return ipp_errf(e, IPP_E_INVAL,
		    "control message: protocol version %u, this side speaks %d", h->version,
		    CTL_VERSION);
	if (h->len > CTL_MSG_MAX - CTL_HDR_LEN)
		return ipp_errf(e, IPP_E_INVAL,
		    "control message: payload of %u bytes, at most %d allowed", h->len,
		    CTL_MSG_MAX - CTL_HDR_LEN);
	return 0;
}

void
ctl_iter_init(struct ctl_iter *it, const void *buf, size_t len)
{
	it->p = buf;
	it->end = it->p + len;
}

void
ctl_iter_nested(struct ctl_iter *it, const struct ctl_attr *a)
{
	ctl_iter_init(it, a->val, a->len);
}

int
ctl_iter_next(struct ctl_iter *it, struct ctl_attr *a, struct ipp_err *e)
{
	size_t left = (size_t)(it->end - it->p);

	if (left == 0)
		return 0;
	if (left < 4)
		return ipp_errf(e, IPP_E_INVAL, "control message: %zu stray bytes after the "
		    "last attribute", left);
	a->type = ctl_rd16(it->p);
	a->len = ctl_rd16(it->p + 2);
	if (a->len > left - 4)
		return ipp_errf(e, IPP_E_INVAL, "control message: attribute %u claims %u bytes, "
		    "%zu left", a->type, a->len, left - 4);
	a->val = it->p + 4;
	it->p += 4 + a->len;
	return 1;
}

static int
ctl_badlen(const struct ctl_attr *a, size_t want, struct ipp_err *e)
{
	return ipp_errf(e, IPP_E_INVAL, "control message: attribute %u has %u bytes, "
	    "expected %zu", a->type, a->len, want);
}

int
ctl_get_u8(const struct ctl_attr *a, uint8_t *v, struct ipp_err *e)
{
	if (a->len != 1)
		return ctl_badlen(a, 1, e);
	*v = a->val[0];
	return 0;
}

int
ctl_get_u16(const struct ctl_attr *a, uint16_t *v, struct ipp_err *e)
{
	if (a->len != 2)
		return ctl_badlen(a, 2, e);
	*v = ctl_rd16(a->val);
	return 0;
}

int
ctl_get_u32(const struct ctl_attr *a, uint32_t *v, struct ipp_err *e)
{
	if (a->len != 4)
		return ctl_badlen(a, 4, e);
	*v = ctl_rd32(a->val);
	return 0;
}

int
ctl_get_u64(const struct ctl_attr *a, uint64_t *v, struct ipp_err *e)
{
	if (a->len != 8)
		return ctl_badlen(a, 8, e);
	*v = (uint64_t)ctl_rd32(a->val) << 32 | ctl_rd32(a->val + 4);
	return 0;
}

int
ctl_get_str(const struct ctl_attr *a, char **s, struct ipp_err *e)
{
	char *n;

	if (a->len > CTL_STR_MAX)
		return ipp_errf(e, IPP_E_INVAL, "control message: string attribute %u of %u "
		    "bytes, at most %d allowed", a->type, a->len, CTL_STR_MAX);
	if (memchr(a->val, '\0', a->len) != NULL)
		return ipp_errf(e, IPP_E_INVAL, "control message: string attribute %u holds "
		    "a NUL byte", a->type);
	if ((n = malloc((size_t)a->len + 1)) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "control message: out of memory");
	memcpy(n, a->val, a->len);
	n[a->len] = '\0';
	if (*s != NULL) {
		explicit_bzero(*s, strlen(*s));
		free(*s);
	}
	*s = n;
	return 0;
}

/* A u8 that must be at most max (an enum or a 0/1 flag). */
static int
ctl_get_enum(const struct ctl_attr *a, unsigned max, unsigned *v, struct ipp_err *e)
{
	uint8_t b = 0;

	if (ctl_get_u8(a, &b, e) < 0)
		return -1;
	if (b > max)
		return ipp_errf(e, IPP_E_INVAL, "control message: attribute %u is %u, at most "
		    "%u allowed", a->type, b, max);
	*v = b;
	return 0;
}

static int
ctl_get_bool(const struct ctl_attr *a, bool *v, struct ipp_err *e)
{
	unsigned u = 0;

	if (ctl_get_enum(a, 1, &u, e) < 0)
		return -1;
	*v = u != 0;
	return 0;
}

/* ------------------------------------------------------------------ status */

void
ctl_status_put(struct ctl_msg *m, const struct ctl_status *s)
{
	ctl_put_str(m, CTL_A_SOURCE, s->source);
	ctl_put_str(m, CTL_A_REASON, s->reason);
	ctl_put_str(m, CTL_A_POLICY, s->policy);
	ctl_put_str(m, CTL_A_LAST_ERROR, s->last_error);
	ctl_put_u64(m, CTL_A_LAST_APPLY, s->last_apply);
	ctl_put_u64(m, CTL_A_NL_TOTAL, s->nl_total);
	ctl_put_u32(m, CTL_A_NINSTALLED, s->ninstalled);
	ctl_put_u32(m, CTL_A_NDYNAMIC, s->ndynamic);
	ctl_put_u32(m, CTL_A_NL_LAST, s->nl_last);
	ctl_put_u32(m, CTL_A_APPLIES, s->applies);
	ctl_put_u32(m, CTL_A_LAST_ADD, s->last_add);
	ctl_put_u32(m, CTL_A_LAST_UPDATE, s->last_update);
	ctl_put_u32(m, CTL_A_LAST_DELETE, s->last_delete);
	ctl_put_u32(m, CTL_A_IKE_PID, s->ike_pid);
	ctl_put_u32(m, CTL_A_IKE_RESTARTS, s->ike_restarts);
	ctl_put_u64(m, CTL_A_APPLY_USEC, s->apply_usec);
	ctl_put_str(m, CTL_A_SOURCE_KIND, s->source_kind ? s->source_kind : "");
	ctl_put_str(m, CTL_A_POLICY_DN, s->policy_dn ? s->policy_dn : "");
	ctl_put_u64(m, CTL_A_LAST_FETCH, s->last_fetch);
	ctl_put_u64(m, CTL_A_LAST_CHANGE, s->last_change);
	ctl_status_put_dos(m, s);
}

void
ctl_status_put_dos(struct ctl_msg *m, const struct ctl_status *s)
{
	if (!s->ike_dos)
		return;
	ctl_put_u32(m, CTL_A_IKE_HALF_OPEN, s->ike_half_open);
	ctl_put_u32(m, CTL_A_IKE_HALF_OPEN_MAX, s->ike_half_open_max);
	ctl_put_u32(m, CTL_A_IKE_HALF_OPEN_PEER_MAX, s->ike_half_open_peer_max);
	ctl_put_u32(m, CTL_A_IKE_HALF_OPEN_PEAK, s->ike_half_open_peak);
	ctl_put_u64(m, CTL_A_IKE_HALF_OPEN_DROPS, s->ike_half_open_drops);
	ctl_put_u64(m, CTL_A_IKE_HALF_OPEN_EVICTED, s->ike_half_open_evicted);
}

static int
ctl_status_attr(const struct ctl_attr *a, struct ctl_status *s, struct ipp_err *e)
{
	switch (a->type) {
	case CTL_A_SOURCE:	return ctl_get_str(a, &s->source, e);
	case CTL_A_REASON:	return ctl_get_str(a, &s->reason, e);
	case CTL_A_POLICY:	return ctl_get_str(a, &s->policy, e);
	case CTL_A_LAST_ERROR:	return ctl_get_str(a, &s->last_error, e);
	case CTL_A_LAST_APPLY:	return ctl_get_u64(a, &s->last_apply, e);
	case CTL_A_NL_TOTAL:	return ctl_get_u64(a, &s->nl_total, e);
	case CTL_A_NINSTALLED:	return ctl_get_u32(a, &s->ninstalled, e);
	case CTL_A_NDYNAMIC:	return ctl_get_u32(a, &s->ndynamic, e);
	case CTL_A_NL_LAST:	return ctl_get_u32(a, &s->nl_last, e);
	case CTL_A_APPLIES:	return ctl_get_u32(a, &s->applies, e);
	case CTL_A_LAST_ADD:	return ctl_get_u32(a, &s->last_add, e);
	case CTL_A_LAST_UPDATE:	return ctl_get_u32(a, &s->last_update, e);
	case CTL_A_LAST_DELETE:	return ctl_get_u32(a, &s->last_delete, e);
	case CTL_A_IKE_PID:	return ctl_get_u32(a, &s->ike_pid, e);
	case CTL_A_IKE_RESTARTS: return ctl_get_u32(a, &s->ike_restarts, e);
	case CTL_A_APPLY_USEC:	return ctl_get_u64(a, &s->apply_usec, e);
	case CTL_A_SOURCE_KIND:	return ctl_get_str(a, &s->source_kind, e);
	case CTL_A_POLICY_DN:	return ctl_get_str(a, &s->policy_dn, e);
	case CTL_A_LAST_FETCH:	return ctl_get_u64(a, &s->last_fetch, e);
	case CTL_A_LAST_CHANGE:	return ctl_get_u64(a, &s->last_change, e);
	case CTL_A_IKE_HALF_OPEN:	return ctl_get_u32(a, &s->ike_half_open, e);
	case CTL_A_IKE_HALF_OPEN_MAX:
		s->ike_dos = true;
		return ctl_get_u32(a, &s->ike_half_open_max, e);
	case CTL_A_IKE_HALF_OPEN_PEER_MAX: return ctl_get_u32(a, &s->ike_half_open_peer_max, e);
	case CTL_A_IKE_HALF_OPEN_PEAK:	return ctl_get_u32(a, &s->ike_half_open_peak, e);
	case CTL_A_IKE_HALF_OPEN_DROPS:	return ctl_get_u64(a, &s->ike_half_open_drops, e);
	case CTL_A_IKE_HALF_OPEN_EVICTED: return ctl_get_u64(a, &s->ike_half_open_evicted, e);
	default:		return 0;
	}
}

int
ctl_status_parse(const void *payload, size_t len, struct ctl_status *s, struct ipp_err *e)
{
	struct ctl_iter it;
	struct ctl_attr a;
	int rc;

	memset(s, 0, sizeof(*s));
	ctl_iter_init(&it, payload, len);
	while ((rc = ctl_iter_next(&it, &a, e)) > 0)
		if (ctl_status_attr(&a, s, e) < 0) {
			rc = -1;
			break;
		}
	if (rc < 0)
		ctl_status_clear(s);
	return rc;
}

void
ctl_status_clear(struct ctl_status *s)
{
	free(s->source);
	free(s->reason);
	free(s->policy);
	free(s->last_error);
	free(s->source_kind);
	free(s->policy_dn);
	memset(s, 0, sizeof(*s));
}

int
ctl_reply_error(const void *payload, size_t len, struct ipp_err *e)
{
	struct ctl_iter it;
	struct ctl_attr a;
	uint32_t code = 0;
	char *msg = NULL;
	int rc;

	ctl_iter_init(&it, payload, len);
	while ((rc = ctl_iter_next(&it, &a, e)) > 0) {
		if (a.type == CTL_A_ERRCODE)
			rc = ctl_get_u32(&a, &code, e);
		else if (a.type == CTL_A_ERRMSG)
			rc = ctl_get_str(&a, &msg, e);
		if (rc < 0)
			break;
	}
	if (rc == 0 && code != 0) {
		if (code > IPP_E_UNSUPP)
			code = IPP_E_INVAL;
		rc = ipp_errf(e, (enum ipp_errclass)code, "%s",
		    msg != NULL ? msg : "the agent refused the request");
	}
	free(msg);
	return rc;
}

/* ------------------------------------------------------------------ rules */

static void
ctl_addr_put(struct ctl_msg *m, uint16_t type, const struct ipp_addr *a)
{
	size_t alen = a->family == AF_INET6 ? 16 : 4;

	ctl_nest_begin(m, type);
	ctl_put_u8(m, CTL_D_KIND, (uint8_t)a->kind);
	if (a->kind == IPP_ADDR_NET || a->kind == IPP_ADDR_RANGE) {
		ctl_put_u8(m, CTL_D_FAMILY, a->family == AF_INET6 ? 6 : 4);
		ctl_put_bytes(m, CTL_D_IP, a->ip.b, alen);
		if (a->kind == IPP_ADDR_RANGE)
			ctl_put_bytes(m, CTL_D_IP_END, a->ip_end.b, alen);
		else
			ctl_put_u8(m, CTL_D_PREFIX, a->prefix);
	}
	if (a->kind == IPP_ADDR_DNSNAME)
		ctl_put_str(m, CTL_D_DNS, a->dns);
	ctl_nest_end(m);
}

static int
ctl_addr_ip(const struct ctl_attr *a, union ipp_ip *ip, struct ipp_err *e)
{
	if (a->len != 4 && a->len != 16)
		return ctl_badlen(a, 16, e);
	memcpy(ip->b, a->val, a->len);
	return 0;
}

static int
ctl_addr_parse(const struct ctl_attr *na, struct ipp_addr *d, struct ipp_err *e)
{
	struct ctl_iter it;
	struct ctl_attr a;
	unsigned u, fam = 0;
	size_t iplen = 0;
	int rc;

	ipp_addr_clear(d);
	ctl_iter_nested(&it, na);
	while ((rc = ctl_iter_next(&it, &a, e)) > 0) {
		switch (a.type) {
		case CTL_D_KIND:
			if ((rc = ctl_get_enum(&a, IPP_ADDR_SRV_GATEWAY, &u, e)) == 0)
				d->kind = (enum ipp_addr_kind)u;
			break;
		case CTL_D_FAMILY:
			if ((rc = ctl_get_enum(&a, 6, &fam, e)) == 0 && fam != 4 && fam != 6)
				rc = ipp_errf(e, IPP_E_INVAL, "control message: address family "
				    "%u, expected 4 or 6", fam);
			break;
		case CTL_D_IP:
			iplen = a.len;
			rc = ctl_addr_ip(&a, &d->ip, e);
			break;
		case CTL_D_IP_END:
			rc = ctl_addr_ip(&a, &d->ip_end, e);
			break;
		case CTL_D_PREFIX:
			rc = ctl_get_u8(&a, &d->prefix, e);
			break;
		case CTL_D_DNS:
			rc = ctl_get_str(&a, &d->dns, e);
			break;
		}
		if (rc < 0)
			return -1;
	}
	if (rc < 0)
		return -1;
	if (d->kind == IPP_ADDR_NET || d->kind == IPP_ADDR_RANGE) {
		d->family = fam == 6 ? AF_INET6 : AF_INET;
		if (iplen != (fam == 6 ? 16u : 4u))
			return ipp_errf(e, IPP_E_INVAL, "control message: address of family %u "
			    "with %zu address bytes", fam, iplen);
	}
	return 0;
}

static void
ctl_filter_put(struct ctl_msg *m, const struct ipp_filter *f)
{
	ctl_nest_begin(m, CTL_R_FILTER);
	ctl_addr_put(m, CTL_FI_SRC, &f->src);
	ctl_addr_put(m, CTL_FI_DST, &f->dst);
	ctl_put_u8(m, CTL_FI_PROTO, f->proto);
	ctl_put_u16(m, CTL_FI_SPORT, f->sport);
	ctl_put_u16(m, CTL_FI_DPORT, f->dport);
	ctl_put_u8(m, CTL_FI_MIRRORED, f->mirrored);
	ctl_nest_end(m);
}

static int
ctl_filter_parse(const struct ctl_attr *na, struct ipp_filter *f, struct ipp_err *e)
{
	struct ctl_iter it;
	struct ctl_attr a;
	int rc;

	ipp_filter_init(f);
	ctl_iter_nested(&it, na);
	while ((rc = ctl_iter_next(&it, &a, e)) > 0) {
		switch (a.type) {
		case CTL_FI_SRC:	rc = ctl_addr_parse(&a, &f->src, e); break;
		case CTL_FI_DST:	rc = ctl_addr_parse(&a, &f->dst, e); break;
		case CTL_FI_PROTO:	rc = ctl_get_u8(&a, &f->proto, e); break;
		case CTL_FI_SPORT:	rc = ctl_get_u16(&a, &f->sport, e); break;
		case CTL_FI_DPORT:	rc = ctl_get_u16(&a, &f->dport, e); break;
		case CTL_FI_MIRRORED:	rc = ctl_get_bool(&a, &f->mirrored, e); break;
		}
		if (rc < 0)
			return -1;
	}
	return rc;
}

void
ctl_offer_put(struct ctl_msg *m, uint16_t type, const struct ipp_qm_offer *o)
{
	ctl_nest_begin(m, type);
	ctl_put_u8(m, CTL_O_PROTO, (uint8_t)o->proto);
	ctl_put_u8(m, CTL_O_AH_HASH, (uint8_t)o->ah_hash);
	ctl_put_u8(m, CTL_O_ESP_CIPHER, (uint8_t)o->esp_cipher);
	ctl_put_u8(m, CTL_O_ESP_AUTH, (uint8_t)o->esp_auth);
	ctl_put_u32(m, CTL_O_LIFE_S, o->life_s);
	ctl_put_u32(m, CTL_O_LIFE_KB, o->life_kb);
	ctl_put_u8(m, CTL_O_PFS, o->pfs);
	ctl_put_u16(m, CTL_O_PFS_GROUP, o->pfs_group);
	ctl_nest_end(m);
}

static int
ctl_offer_attr(const struct ctl_attr *a, struct ipp_qm_offer *o, struct ipp_err *e)
{
	unsigned u;

	switch (a->type) {
	case CTL_O_PROTO:
		if (ctl_get_enum(a, IPP_QM_AH_ESP, &u, e) < 0)
			return -1;
		o->proto = (enum ipp_qm_proto)u;
		return 0;
	case CTL_O_AH_HASH:
	case CTL_O_ESP_AUTH:
		if (ctl_get_enum(a, IPP_HASH_COUNT - 1, &u, e) < 0)
			return -1;
		*(a->type == CTL_O_AH_HASH ? &o->ah_hash : &o->esp_auth) = (enum ipp_hash)u;
		return 0;
	case CTL_O_ESP_CIPHER:
		if (ctl_get_enum(a, IPP_CIPHER_COUNT - 1, &u, e) < 0)
			return -1;
		o->esp_cipher = (enum ipp_cipher)u;
		return 0;
	case CTL_O_LIFE_S:	return ctl_get_u32(a, &o->life_s, e);
	case CTL_O_LIFE_KB:	return ctl_get_u32(a, &o->life_kb, e);
	case CTL_O_PFS:		return ctl_get_bool(a, &o->pfs, e);
	case CTL_O_PFS_GROUP:	return ctl_get_u16(a, &o->pfs_group, e);
	default:		return 0;
	}
}

int
ctl_offer_parse(const struct ctl_attr *na, struct ipp_qm_offer *o, struct ipp_err *e)
{
	struct ctl_iter it;
	struct ctl_attr a;
	int rc;

	memset(o, 0, sizeof(*o));
	ipp_qm_offer_init(o);
	ctl_iter_nested(&it, na);
	while ((rc = ctl_iter_next(&it, &a, e)) > 0)
		if (ctl_offer_attr(&a, o, e) < 0)
			return -1;
	return rc;
}

void
ctl_auth_put(struct ctl_msg *m, uint16_t type, const struct ipp_auth *u, bool with_keys)
{
	ctl_nest_begin(m, type);
	ctl_put_u8(m, CTL_U_KIND, (uint8_t)u->kind);
	if (u->value != NULL && (u->kind != IPP_AUTH_PSK || with_keys))
		ctl_put_str(m, CTL_U_VALUE, u->value);
	ctl_put_u8(m, CTL_U_CERTMAP, u->certmap);
	ctl_put_u8(m, CTL_U_EXCLCA, u->excludecaname);
	ctl_nest_end(m);
}

int
ctl_auth_parse(const struct ctl_attr *na, struct ipp_auth *u, struct ipp_err *e)
{
	struct ctl_iter it;
	struct ctl_attr a;
	unsigned k;
	int rc;

	ctl_iter_nested(&it, na);
	while ((rc = ctl_iter_next(&it, &a, e)) > 0) {
		switch (a.type) {
		case CTL_U_KIND:
			if ((rc = ctl_get_enum(&a, IPP_AUTH_CERT, &k, e)) == 0)
				u->kind = (enum ipp_auth_kind)k;
			break;
		case CTL_U_VALUE:
			/* A repeated value must not leak (or leave unwiped) the first key. */
			if (u->value != NULL) {
				explicit_bzero(u->value, strlen(u->value));
				free(u->value);
				u->value = NULL;
			}
			rc = ctl_get_str(&a, &u->value, e);
			break;
		case CTL_U_CERTMAP:	rc = ctl_get_bool(&a, &u->certmap, e); break;
		case CTL_U_EXCLCA:	rc = ctl_get_bool(&a, &u->excludecaname, e); break;
		}
		if (rc < 0)
			return -1;
	}
	return rc;
}

void
ctl_rule_put(struct ctl_msg *m, const struct ctl_rule *r, bool with_keys)
{
	ctl_nest_begin(m, CTL_A_RULE);
	if (r->id != 0)
		ctl_put_u32(m, CTL_R_ID, r->id);
	if (r->rule.name != NULL)
		ctl_put_str(m, CTL_R_NAME, r->rule.name);
	for (size_t i = 0; i < r->list.nfilters; i++)
		ctl_filter_put(m, &r->list.filters[i]);
	ctl_put_u8(m, CTL_R_ACTION, (uint8_t)r->action.action);
	ctl_put_u8(m, CTL_R_INPASS, r->action.inpass);
	ctl_put_u8(m, CTL_R_SOFT, r->action.soft);
	for (size_t i = 0; i < r->action.noffers; i++)
		ctl_offer_put(m, CTL_R_OFFER, &r->action.offers[i]);
	for (size_t i = 0; i < r->rule.nauth; i++)
		ctl_auth_put(m, CTL_R_AUTH, &r->rule.auth[i], with_keys);
	if (r->rule.tunnel.kind != IPP_ADDR_NONE)
		ctl_addr_put(m, CTL_R_TUNNEL, &r->rule.tunnel);
	ctl_put_u8(m, CTL_R_CONNTYPE, (uint8_t)r->rule.conntype);
	ctl_nest_end(m);
}

/* Appends one zeroed element to a bounded array of filters, offers or auth methods. */
static int
ctl_rule_push(void *arrayp, size_t *n, size_t size, const char *what, struct ipp_err *e)
{
	static const union {
		struct ipp_filter f;
		struct ipp_qm_offer o;
		struct ipp_auth a;
	} zero;

	if (*n >= CTL_LIST_MAX)
		return ipp_errf(e, IPP_E_INVAL, "control message: more than %d %s in a rule",
		    CTL_LIST_MAX, what);
	if (ipp_array_push(arrayp, n, size, &zero) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "control message: out of memory");
	return 0;
}

static int
ctl_rule_attr(const struct ctl_attr *a, struct ctl_rule *r, struct ipp_err *e)
{
	unsigned u;

	switch (a->type) {
	case CTL_R_ID:
		return ctl_get_u32(a, &r->id, e);
	case CTL_R_NAME:
		return ctl_get_str(a, &r->rule.name, e);
	case CTL_R_FILTER:
		if (ctl_rule_push(&r->list.filters, &r->list.nfilters, sizeof(struct ipp_filter),
		    "filters", e) < 0)
			return -1;
		return ctl_filter_parse(a, &r->list.filters[r->list.nfilters - 1], e);
	case CTL_R_ACTION:
		if (ctl_get_enum(a, IPP_ACTION_NEGOTIATE, &u, e) < 0)
			return -1;
		r->action.action = (enum ipp_action)u;
		return 0;
	case CTL_R_INPASS:
		return ctl_get_bool(a, &r->action.inpass, e);
	case CTL_R_SOFT:
		return ctl_get_bool(a, &r->action.soft, e);
	case CTL_R_OFFER:
		if (ctl_rule_push(&r->action.offers, &r->action.noffers,
		    sizeof(struct ipp_qm_offer), "offers", e) < 0)
			return -1;
		return ctl_offer_parse(a, &r->action.offers[r->action.noffers - 1], e);
	case CTL_R_AUTH:
		if (ctl_rule_push(&r->rule.auth, &r->rule.nauth, sizeof(struct ipp_auth),
		    "authentication methods", e) < 0)
			return -1;
		return ctl_auth_parse(a, &r->rule.auth[r->rule.nauth - 1], e);
	case CTL_R_TUNNEL:
		return ctl_addr_parse(a, &r->rule.tunnel, e);
	case CTL_R_CONNTYPE:
		if (ctl_get_enum(a, IPP_CONN_DIALUP, &u, e) < 0)
			return -1;
		r->rule.conntype = (enum ipp_conntype)u;
		return 0;
	default:
		return 0;
	}
}

int
ctl_rule_parse(const struct ctl_attr *na, struct ctl_rule *r, struct ipp_err *e)
{
	struct ctl_iter it;
	struct ctl_attr a;
	int rc;

	ipp_rule_init(&r->rule);
	ipp_filteraction_init(&r->action);
	ctl_iter_nested(&it, na);
	while ((rc = ctl_iter_next(&it, &a, e)) > 0)
		if (ctl_rule_attr(&a, r, e) < 0) {
			rc = -1;
			break;
		}
	if (rc < 0)
		ctl_rule_clear(r);
	return rc;
}

void
ctl_rule_clear(struct ctl_rule *r)
{
	ipp_rule_clear(&r->rule);
	ipp_filterlist_clear(&r->list);
	ipp_filteraction_clear(&r->action);
	r->id = 0;
}

/* ------------------------------------------------------------------ IKE SAs */

static int
ctl_sa_ip(const struct ctl_attr *a, int *family, union ipp_ip *ip, struct ipp_err *e)
{
	int f = a->len == 4 ? AF_INET : a->len == 16 ? AF_INET6 : 0;

	if (f == 0 || (*family != 0 && *family != f))
		return ipp_errf(e, IPP_E_INVAL, "control message: address attribute %u of %u "
		    "bytes, expected 4 or 16 of one family", a->type, a->len);
	*family = f;
	memset(ip, 0, sizeof(*ip));
	memcpy(ip, a->val, a->len);
	return 0;
}

static int
ctl_sa_ts_parse(const struct ctl_attr *na, struct ctl_sa_ts *t, struct ipp_err *e)
{
	struct ctl_iter it;
	struct ctl_attr a;
	int rc;

	ctl_iter_nested(&it, na);
	while ((rc = ctl_iter_next(&it, &a, e)) > 0) {
		switch (a.type) {
		case CTL_S_T_ADDR:	rc = ctl_sa_ip(&a, &t->family, &t->addr, e); break;
		case CTL_S_T_PREFIX:	rc = ctl_get_u8(&a, &t->prefix, e); break;
		case CTL_S_T_PROTO:	rc = ctl_get_u8(&a, &t->proto, e); break;
		case CTL_S_T_PORT:	rc = ctl_get_u16(&a, &t->port, e); break;
		}
		if (rc < 0)
			return -1;
	}
	if (rc == 0 && t->prefix > (t->family == AF_INET ? 32 : 128))
		return ipp_errf(e, IPP_E_INVAL, "control message: selector prefix %u too long",
		    t->prefix);
	return rc;
}

static int
ctl_sa_proto_parse(const struct ctl_attr *na, struct ctl_sa *sa, struct ipp_err *e)
{
	struct ctl_sa_proto *p;
	struct ctl_iter it;
	struct ctl_attr a;
	unsigned u = 0;
	int rc;

	if (sa->nproto >= 2)
		return ipp_errf(e, IPP_E_INVAL, "control message: more than 2 protocols in one "
		    "SA bundle");
	p = &sa->p[sa->nproto++];
	ctl_iter_nested(&it, na);
	while ((rc = ctl_iter_next(&it, &a, e)) > 0) {
		switch (a.type) {
		case CTL_S_P_PROTO:	rc = ctl_get_u8(&a, &p->proto, e); break;
		case CTL_S_P_CIPHER:
			if ((rc = ctl_get_enum(&a, IPP_CIPHER_COUNT - 1, &u, e)) == 0)
				p->cipher = (enum ipp_cipher)u;
			break;
		case CTL_S_P_AUTH:
			if ((rc = ctl_get_enum(&a, IPP_HASH_COUNT - 1, &u, e)) == 0)
				p->auth = (enum ipp_hash)u;
			break;
		case CTL_S_P_SPI_IN:	rc = ctl_get_u32(&a, &p->spi_in, e); break;
		case CTL_S_P_SPI_OUT:	rc = ctl_get_u32(&a, &p->spi_out, e); break;
		}
		if (rc < 0)
			return -1;
	}
	return rc;
}

static int
ctl_sa_bytes(const struct ctl_attr *a, uint8_t *out, size_t len, struct ipp_err *e)
{
	if (a->len != len)
		return ctl_badlen(a, len, e);
	memcpy(out, a->val, len);
	return 0;
}

static int
ctl_sa_str(const struct ctl_attr *a, char **s, struct ipp_err *e)
{
	free(*s);
	*s = NULL;
	return ctl_get_str(a, s, e);
}

static int
ctl_sa_attr(const struct ctl_attr *a, struct ctl_sa *sa, struct ipp_err *e)
{
	unsigned u = 0;
	int rc = 0;

	switch (a->type) {
	case CTL_S_LOCAL:	return ctl_sa_ip(a, &sa->family, &sa->local, e);
	case CTL_S_REMOTE:	return ctl_sa_ip(a, &sa->family, &sa->remote, e);
	case CTL_S_INITIATOR:	return ctl_get_bool(a, &sa->initiator, e);
	case CTL_S_STATE:	return ctl_get_bool(a, &sa->established, e);
	case CTL_S_AUTH:
		if ((rc = ctl_get_enum(a, IPP_AUTH_CERT, &u, e)) == 0)
			sa->auth = (enum ipp_auth_kind)u;
		return rc;
	case CTL_S_CIPHER:
		if ((rc = ctl_get_enum(a, IPP_CIPHER_COUNT - 1, &u, e)) == 0)
			sa->cipher = (enum ipp_cipher)u;
		return rc;
	case CTL_S_HASH:
		if ((rc = ctl_get_enum(a, IPP_HASH_COUNT - 1, &u, e)) == 0)
			sa->hash = (enum ipp_hash)u;
		return rc;
	case CTL_S_GROUP:	return ctl_get_u16(a, &sa->group, e);
	case CTL_S_LIFE_S:	return ctl_get_u64(a, &sa->life_s, e);
	case CTL_S_AGE_S:	return ctl_get_u64(a, &sa->age_s, e);
	case CTL_S_LIFE_KB:	return ctl_get_u64(a, &sa->life_kb, e);
	case CTL_S_ICOOKIE:	return ctl_sa_bytes(a, sa->icookie, 8, e);
	case CTL_S_RCOOKIE:	return ctl_sa_bytes(a, sa->rcookie, 8, e);
	case CTL_S_PEER_ID:	return ctl_sa_str(a, &sa->peer_id, e);
	case CTL_S_RULE:	return ctl_sa_str(a, &sa->rule, e);
	case CTL_S_NQM:		return ctl_get_u32(a, &sa->nqm, e);
	case CTL_S_REQID:	return ctl_get_u32(a, &sa->reqid, e);
	case CTL_S_MODE:	return ctl_get_u8(a, &sa->mode, e);
	case CTL_S_PROTO:	return ctl_sa_proto_parse(a, sa, e);
	case CTL_S_TS_LOCAL:	return ctl_sa_ts_parse(a, &sa->ts_local, e);
	case CTL_S_TS_REMOTE:	return ctl_sa_ts_parse(a, &sa->ts_remote, e);
	case CTL_S_BYTES_IN:	return ctl_get_u64(a, &sa->bytes_in, e);
	case CTL_S_BYTES_OUT:	return ctl_get_u64(a, &sa->bytes_out, e);
	case CTL_S_PKTS_IN:	return ctl_get_u64(a, &sa->pkts_in, e);
	case CTL_S_PKTS_OUT:	return ctl_get_u64(a, &sa->pkts_out, e);
	case CTL_S_LEFT_S:	return ctl_get_u64(a, &sa->left_s, e);
	default:		return 0;
	}
}

int
ctl_sa_parse(const struct ctl_attr *na, struct ctl_sa *sa, struct ipp_err *e)
{
	struct ctl_iter it;
	struct ctl_attr a;
	int rc;

	memset(sa, 0, sizeof(*sa));
	sa->soft = na->type == CTL_A_SOFTSA;
	ctl_iter_nested(&it, na);
	while ((rc = ctl_iter_next(&it, &a, e)) > 0)
		if (ctl_sa_attr(&a, sa, e) < 0) {
			rc = -1;
			break;
		}
	if (rc == 0 && sa->family == 0)
		rc = ipp_errf(e, IPP_E_INVAL, "control message: an IKE SA without addresses");
	if (rc < 0)
		ctl_sa_clear(sa);
	return rc;
}

void
ctl_sa_clear(struct ctl_sa *sa)
{
	free(sa->peer_id);
	free(sa->rule);
	memset(sa, 0, sizeof(*sa));
}

const char *
ctl_type_name(uint16_t type)
{
	static const char *names[] = { "?", "status", "refresh", "show-kernel", "dynamic-add",
	    "dynamic-delete", "dynamic-list", "dynamic-flush" };

	type &= ~CTL_REPLY;
	if (type == CTL_SHOW_MMSA)
		return "show-mmsa";
	if (type == CTL_SHOW_QMSA)
		return "show-qmsa";
	if (type == CTL_SHOW_IKESTATS)
		return "show-ikestats";
	if (type == CTL_SHOW_SOFTSA)
		return "show-softsa";
	return type <= CTL_TYPE_MAX ? names[type] : "unknown";
}
