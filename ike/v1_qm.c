/*
 * ike_v1 Quick Mode (RFC 2409 §5.5), under an established IKE SA:
 *   1 I->R *HASH(1), SA, Ni [, KE] [, IDci, IDcr]
 *   2 R->I *HASH(2), SA, Nr [, KE] [, IDci, IDcr] [, N(RESPONDER-LIFETIME)]
 *   3 I->R *HASH(3)
 * The initiator installs after sending 3 and keeps the exchange a while to answer a repeated
 * 2; the responder retransmits 2 until 3 arrives, then installs.  A child is handed to the
 * daemon only once every key of both directions is derived.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "ike/crypto_alg.h"
#include "ike/sa_auth.h"
#include "ike/v1.h"

static uint64_t
linger_ms(const struct ike_engine *e)
{
	return (uint64_t)e->lim.retrans_first_ms * ((2ull << e->lim.retrans_tries) - 1);
}

/* The operator's ceiling on children's lifetimes (ipsecpol-iked -L) lowers the policy's. */
static void
life_cap(const struct ike_engine *e, struct ike_qm_prop *p)
{
	uint32_t max = e->lim.child_life_max_s;

	if (max != 0 && (p->life_s == 0 || p->life_s > max))
		p->life_s = max;
}

static uint8_t
isakmp_proto(uint8_t kproto)
{
	return kproto == IPPROTO_AH ? ISAKMP_PROTO_AH : ISAKMP_PROTO_ESP;
}

static void
qm_log(struct ike_engine *e, const struct ike_sa *sa, const struct ike_qm *qm, int prio,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
qm_log(struct ike_engine *e, const struct ike_sa *sa, const struct ike_qm *qm, int prio,
    const char *fmt, ...)
{
	char msg[2048], a[IKE_ADDR_STRLEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ike_log(e, prio, "Quick Mode with %s%s%s%s: %s", ike_addr_str(&sa->remote, a, sizeof(a)),
	    qm != NULL && qm->rule[0] != '\0' ? " (rule '" : "",
	    qm != NULL ? qm->rule : "", qm != NULL && qm->rule[0] != '\0' ? "')" : "", msg);
}

/* One side of the initiator's IDs: the policy's selector side, or the packet's host
 * address where the policy side is a wildcard ("me", "any"). */
static void
ts_side(const struct xfrm_sel *pol, const struct xfrm_sel *pkt, bool src, struct ike_ts *ts)
{
	uint8_t pfx = src ? pol->sprefix : pol->dprefix;
	size_t alen = pol->family == AF_INET6 ? 16 : 4;

	memset(ts, 0, sizeof(*ts));
	ts->family = pol->family;
	ts->proto = pol->proto;
	if (pfx == 0) {
		ts->addr = src ? pkt->saddr : pkt->daddr;
		ts->prefix = (uint8_t)(alen * 8);
	} else {
		ts->addr = src ? pol->saddr : pol->daddr;
		ts->prefix = pfx;
	}
	if (src && pol->sport_mask == 0xffff)
		ts->port = pol->sport;
	if (!src && pol->dport_mask == 0xffff)
		ts->port = pol->dport;
}

static int
alloc_spi(struct ike_engine *e, struct ike_sa *sa, uint8_t proto, uint8_t mode,
    uint32_t reqid, uint32_t acq_seq, uint32_t *spi)
{
	struct ike_spi_req r = {
		.proto = proto, .mode = mode, .reqid = reqid, .acq_seq = acq_seq,
		.local = (const struct sockaddr *)&sa->local,
		.remote = (const struct sockaddr *)&sa->remote,
	};

	return e->ops.spi_alloc(e->ops.arg, &r, spi);
}

/* HASH(1)/(2): fills the reserved HASH payload over the bytes after it. */
static int
fill_hash(struct ike_sa *sa, struct isakmp_buf *b, size_t hoff, uint32_t msgid,
    const struct ike_qm *qm_resp)
{
	struct isakmp_err err;
	size_t hl = sa->keys.hash_len, start = hoff + hl;

	if (isakmp_buf_finish(b, &err) != 0)
		return -1;
	if (qm_resp != NULL)
		return ike_v1_qm_hash2(&sa->keys, msgid, qm_resp->ni, qm_resp->ni_len,
		    b->p + start, b->len - start, b->p + hoff, NULL);
	return ike_v1_qm_hash1(&sa->keys, msgid, b->p + start, b->len - start, b->p + hoff,
	    NULL);
}

static void
put_ids(struct isakmp_buf *b, const struct ike_ts *ci, const struct ike_ts *cr)
{
	struct isakmp_id id;
	uint8_t d[32];

	v1_id_from_ts(ci, &id, d);
	isakmp_put_id(b, &id);
	v1_id_from_ts(cr, &id, d);
	isakmp_put_id(b, &id);
}

void
v1_qm_req_acquire(const struct ike_acquire *a, struct ike_qm_req *q)
{
	memset(q, 0, sizeof(*q));
	q->reqid = a->reqid;
	q->acq_seq = a->seq;
	ts_side(&a->policy_sel, &a->packet_sel, true, &q->ts_local);
	ts_side(&a->policy_sel, &a->packet_sel, false, &q->ts_remote);
}

void
v1_qm_start(struct ike_engine *e, struct ike_sa *sa, const struct ike_qm_req *a)
{
	const struct ipp_ike_rule *r = ike_rule_by_reqid(e, a->reqid);
	uint32_t spi_esp = 0, spi_ah = 0;
	bool need_esp = false, need_ah = false;
	ipp_dhgroup pfs;
	struct ike_qm *qm;
	struct isakmp_buf b;
	size_t hoff, n = 0;

	if (r == NULL || r->noffers == 0) {
		qm_log(e, sa, NULL, LOG_ERR, "reqid %u: no such rule with offers in the plan",
		    a->reqid);
		e->st.qm_failed++;
		return;
	}
	{
		struct ike_qm_prop p0;

		ike_prop_qm_from_offer(&r->offers[0], r->mode, sa->chosen.group, &p0);
		pfs = p0.pfs_group;
	}
	for (size_t i = 0; i < r->noffers; i++) {
		bool esp = r->offers[i].proto != IPP_QM_AH, ah = r->offers[i].proto != IPP_QM_ESP;
		struct ike_qm_prop p;

		ike_prop_qm_from_offer(&r->offers[i], r->mode, sa->chosen.group, &p);
		if (p.pfs_group != pfs)
			continue;	/* one KE payload: one PFS choice per exchange */
		need_esp |= esp;
		need_ah |= ah;
	}
	if ((need_esp && alloc_spi(e, sa, IPPROTO_ESP, r->mode, r->reqid, a->acq_seq,
	    &spi_esp) != 0) || (need_ah && alloc_spi(e, sa, IPPROTO_AH, r->mode, r->reqid,
	    a->acq_seq, &spi_ah) != 0)) {
		qm_log(e, sa, NULL, LOG_ERR, "rule '%s': no SPI from the kernel", r->name);
		e->st.qm_failed++;
		return;
	}
	qm = ike_qm_new(sa, v1_new_msgid(sa), true);
	if (qm == NULL || (qm->offered = calloc(r->noffers, sizeof(*qm->offered))) == NULL)
		goto fail;
	snprintf(qm->rule, sizeof(qm->rule), "%s", r->name);
	for (size_t i = 0; i < r->noffers; i++) {
		struct ike_qm_prop *p = &qm->offered[n];

		ike_prop_qm_from_offer(&r->offers[i], r->mode, sa->chosen.group, p);
		life_cap(e, p);
		if (p->pfs_group != pfs) {
			qm_log(e, sa, qm, LOG_WARNING, "offer %zu left out: its PFS setting "
			    "differs from the first offer's", i + 1);
			continue;
		}
		for (size_t j = 0; j < p->nproto; j++)
			p->p[j].spi = p->p[j].proto == IPPROTO_ESP ? spi_esp : spi_ah;
		n++;
	}
	qm->noffered = n;
	qm->reqid = r->reqid;
	qm->acq_seq = a->acq_seq;
	qm->mode = r->mode;
	qm->ts_local = a->ts_local;
	qm->ts_remote = a->ts_remote;
	qm->rekey_of = a->rekey_of;
	qm->ids = true;
	qm->ni_len = IKE_NONCE_LEN;
	if (ike_random(qm->ni, qm->ni_len, NULL) != 0)
		goto fail;
	if (pfs != 0 && (qm->dh = ike_dh_new(pfs, NULL)) == NULL)
		goto fail;
	if (ike_v1_iv_phase2(&sa->keys, sa->iv, qm->msgid, qm->iv, NULL) != 0)
		goto fail;
	v1_begin(&b, sa, ISAKMP_EXCH_QUICK, qm->msgid, true);
	isakmp_put_payload(&b, ISAKMP_PL_HASH, NULL, sa->keys.hash_len, &hoff);
	v1_sa_put_qm(&b, qm->offered, qm->noffered);
	isakmp_put_payload(&b, ISAKMP_PL_NONCE, qm->ni, qm->ni_len, NULL);
	if (qm->dh != NULL)
		isakmp_put_payload(&b, ISAKMP_PL_KE, ike_dh_public(qm->dh),
		    ike_dh_public_len(pfs), NULL);
	put_ids(&b, &qm->ts_local, &qm->ts_remote);
	if (fill_hash(sa, &b, hoff, qm->msgid, NULL) != 0 || v1_seal(e, sa, &b, qm->iv) != 0) {
		isakmp_buf_free(&b);
		goto fail;
	}
	v1_transmit(e, sa, &b, &qm->last_tx);
	isakmp_buf_free(&b);
	qm->step = IKE_QM_I1;
	ike_timer_start(e, &qm->rt);
	return;
fail:
	qm_log(e, sa, qm, LOG_ERR, "cannot start (out of memory or crypto failure)");
	e->st.qm_failed++;
	if (qm != NULL)
		ike_qm_free(sa, qm);
}

/* KEYMAT of both directions of every protocol, then the daemon installs.  Nothing is handed
 * over unless all of it was derived. */
static void
install(struct ike_engine *e, struct ike_sa *sa, struct ike_qm *qm)
{
	char p[IKE_PROP_STRLEN];
	struct ike_child_ent *ce;
	struct ike_child c;
	int r = 0;

	memset(&c, 0, sizeof(c));
	c.id = ++e->next_child_id;
	c.reqid = qm->reqid;
	c.acq_seq = qm->acq_seq;
	c.mode = qm->mode;
	c.initiator = qm->initiator;
	c.local = sa->local;
	c.remote = sa->remote;
	c.ts_local = qm->ts_local;
	c.ts_remote = qm->ts_remote;
	c.pfs_group = qm->chosen.pfs_group;
	c.created_ms = ike_now(e);
	ike_child_set_lifetimes(&c, qm->chosen.life_s, qm->chosen.life_kb);
	c.nproto = qm->chosen.nproto;
	for (size_t j = 0; j < c.nproto && r == 0; j++) {
		const struct ike_qm_proto *q = &qm->chosen.p[j];
		struct ike_child_proto *cp = &c.p[j];
		const struct ike_kernel_alg *enc = q->proto == IPPROTO_ESP ?
		    ike_alg_esp_enc(q->cipher) : NULL;
		const struct ike_kernel_alg *integ = ike_alg_integ(q->auth);
		struct ike_v1_qm_in in = {
			.gxy = qm->gxy_len > 0 ? qm->gxy : NULL, .gxy_len = qm->gxy_len,
			.protocol = isakmp_proto(q->proto),
			.ni_b = qm->ni, .ni_len = qm->ni_len, .nr_b = qm->nr, .nr_len = qm->nr_len,
		};
		size_t len;

		cp->proto = q->proto;
		cp->cipher = q->cipher;
		cp->auth = q->auth;
		cp->spi_in = qm->our_spi[j];
		cp->spi_out = q->spi;
		cp->enc_key_len = (uint16_t)(enc != NULL ? enc->key_len : 0);
		cp->auth_key_len = (uint16_t)(integ != NULL ? integ->key_len : 0);
		len = (size_t)cp->enc_key_len + cp->auth_key_len;
		if (len == 0 || len > IKE_CHILD_KEY_MAX) {
			r = -1;
			break;
		}
		in.spi = cp->spi_in;
		r = ike_v1_keymat(&sa->keys, &in, cp->key_in, len, NULL);
		in.spi = cp->spi_out;
		if (r == 0)
			r = ike_v1_keymat(&sa->keys, &in, cp->key_out, len, NULL);
	}
	ike_wipe(qm->gxy, sizeof(qm->gxy));
	qm->gxy_len = 0;
	if (r != 0) {
		qm_log(e, sa, qm, LOG_ERR, "key derivation failed; nothing installed");
		e->st.qm_failed++;
		ike_wipe(&c, sizeof(c));
		return;
	}
	r = e->ops.child_install(e->ops.arg, &c);
	ike_wipe(c.p, sizeof(c.p[0]) * IKE_CHILD_PROTO_MAX);
	/* Keep SPIs: they identify the child from here on (keys are gone). */
	for (size_t j = 0; j < c.nproto; j++) {
		c.p[j].proto = qm->chosen.p[j].proto;
		c.p[j].cipher = qm->chosen.p[j].cipher;
		c.p[j].auth = qm->chosen.p[j].auth;
		c.p[j].spi_in = qm->our_spi[j];
		c.p[j].spi_out = qm->chosen.p[j].spi;
	}
	if (r != 0) {
		qm_log(e, sa, qm, LOG_ERR, "the kernel refused the SAs (%d); deleting them", r);
		e->ops.child_delete(e->ops.arg, &c);
		ike_v1_send_delete_child(e, &c);
		e->st.qm_failed++;
		return;
	}
	/* The kernel's lifetimes run from the insertion, at the end of the install call, which
	 * can block for seconds (the kernel loading an algorithm's module): ours run from there
	 * too, or a slow install could end a child before its kernel SAs expire. */
	c.created_ms = ike_now(e);
	ce = ike_child_add(e, &c);
	e->st.qm_ok++;
	sa->nqm++;
	qm_log(e, sa, qm, LOG_INFO, "established as %s: %s, SPI in 0x%08x out 0x%08x",
	    qm->initiator ? "initiator" : "responder",
	    ike_prop_qm_str(&qm->chosen, p, sizeof(p)), c.p[0].spi_in, c.p[0].spi_out);
	if (ce != NULL)
		ike_life_added(e, ce, qm->rekey_of);
}

/* Checks HASH(1) (or (2) with ni) of a decrypted message.  -1 on a mismatch. */
static int
check_hash(struct ike_sa *sa, const struct v1_in *in, const struct ike_qm *qm_init)
{
	const struct isakmp_pl *h = in->c.n > 0 ? &in->c.pl[0] : NULL;
	uint8_t want[IKE_HASH_MAX];
	const uint8_t *rest;
	size_t len;
	int r;

	if (h == NULL || h->type != ISAKMP_PL_HASH || h->len != sa->keys.hash_len)
		return -1;
	rest = v1_after(in, h, &len);
	if (qm_init != NULL)
		r = ike_v1_qm_hash2(&sa->keys, in->m.hdr.msgid, qm_init->ni, qm_init->ni_len,
		    rest, len, want, NULL);
	else
		r = ike_v1_qm_hash1(&sa->keys, in->m.hdr.msgid, rest, len, want, NULL);
	r = r == 0 && ike_equal(want, h->body, h->len) ? 0 : -1;
	ike_wipe(want, sizeof(want));
	return r;
}

/* The IDs of a Quick Mode message: both or none.  -1 if malformed or not a selector. */
static int
get_ids(const struct v1_in *in, struct isakmp_id *ci, struct isakmp_id *cr, bool *present)
{
	size_t from = 0;
	const struct isakmp_pl *p1 = isakmp_chain_next(&in->c, ISAKMP_PL_ID, &from);
	const struct isakmp_pl *p2 = p1 != NULL ? isakmp_chain_next(&in->c, ISAKMP_PL_ID,
	    &from) : NULL;
	struct isakmp_err err;

	*present = p1 != NULL;
	if (p1 == NULL)
		return 0;
	if (p2 == NULL || isakmp_chain_next(&in->c, ISAKMP_PL_ID, &from) != NULL ||
	    isakmp_id_decode(p1, ci, &err) != 0 || isakmp_id_decode(p2, cr, &err) != 0)
		return -1;
	return 0;
}

/* The PFS key exchange of the message, when the chosen proposal has a group. */
static int
pfs_take(struct ike_qm *qm, const struct v1_in *in)
{
	const struct isakmp_pl *ke = v1_pl(in, ISAKMP_PL_KE);
	struct isakmp_data d;
	struct isakmp_err err;
	ipp_dhgroup g = qm->chosen.pfs_group;

	if (g == 0)
		return ke == NULL ? 0 : -1;
	if (ke == NULL || isakmp_data_decode(ke, &d, &err) != 0 ||
	    d.len != ike_dh_public_len(g))
		return -1;
	if (qm->dh == NULL && (qm->dh = ike_dh_new(g, NULL)) == NULL)
		return -1;
	qm->gxy_len = ike_dh_secret_len(g);
	if (ike_dh_derive(qm->dh, d.p, d.len, qm->gxy, qm->gxy_len, NULL) != 0) {
		qm->gxy_len = 0;
		return -1;
	}
	return 0;
}

static int
get_nonce(const struct v1_in *in, uint8_t *out, size_t *len)
{
	const struct isakmp_pl *no = v1_pl(in, ISAKMP_PL_NONCE);
	struct isakmp_data d;
	struct isakmp_err err;

	if (no == NULL || isakmp_data_decode(no, &d, &err) != 0 || d.len > IKE_NONCE_MAX)
		return -1;
	memcpy(out, d.p, d.len);
	*len = d.len;
	return 0;
}

/* RESPONDER-LIFETIME data: life type/duration pairs as attributes. */
static size_t
life_attrs(uint8_t *out, uint32_t life_s, uint32_t life_kb)
{
	size_t o = 0;
	uint32_t v[2] = { life_s, life_kb };

	for (int i = 0; i < 2; i++) {
		out[o++] = 0x80;
		out[o++] = ISAKMP_P2_LIFE_TYPE;
		out[o++] = 0;
		out[o++] = (uint8_t)(i == 0 ? ISAKMP_LIFE_SECONDS : ISAKMP_LIFE_KILOBYTES);
		out[o++] = 0;
		out[o++] = ISAKMP_P2_LIFE_DURATION;
		out[o++] = 0;
		out[o++] = 4;
		v1_spi_put(out + o, v[i]);
		o += 4;
	}
	return o;
}

struct r_rule {
	const struct ipp_qm_offer	*offers;
	size_t				noffers;
	const struct ipp_auth		*auth;
	size_t				nauth;
	uint32_t			reqid;
	uint8_t				mode;
	const char			*name;
};

static int
r_find_rule(struct ike_engine *e, struct ike_sa *sa, const struct ike_ts *tl,
    const struct ike_ts *tr, struct r_rule *rr)
{
	const struct ipp_ike_rule *r = e->ops.rule_for_ids(e->ops.arg,
	    (const struct sockaddr *)&sa->local, (const struct sockaddr *)&sa->remote, tl, tr);

	if (r != NULL) {
		rr->offers = r->offers;
		rr->noffers = r->noffers;
		rr->auth = r->auth;
		rr->nauth = r->nauth;
		rr->reqid = r->reqid;
		rr->mode = r->mode;
		rr->name = r->name;
		return 0;
	}
	if (!e->plan->main.defrule.active)
		return -1;
	rr->offers = e->plan->main.defrule.offers;
	rr->noffers = e->plan->main.defrule.noffers;
	rr->auth = e->plan->main.defrule.auth;
	rr->nauth = e->plan->main.defrule.nauth;
	rr->reqid = 0;
	rr->mode = XFRM_MODE_TRANSPORT;
	rr->name = "default response rule";
	return 0;
}

/* The first of the initiator's alternatives that one of our offers accepts. */
static const struct v1_qm_alt *
r_choose(struct ike_engine *e, struct ike_sa *sa, const struct r_rule *rr,
    const struct v1_qm_alt *alts, size_t n, size_t *offer)
{
	ipp_dhgroup groups[16];
	size_t ng = 0;

	for (size_t i = 0; i < e->plan->main.mm.noffers && ng < 16; i++)
		groups[ng++] = e->plan->main.mm.offers[i].group;
	for (size_t i = 0; i < n; i++) {
		int k;

		if (!alts[i].ok)
			continue;
		k = ike_prop_qm_match(rr->offers, rr->noffers, rr->mode, sa->chosen.group,
		    groups, ng, &alts[i].prop);
		if (k >= 0) {
			*offer = (size_t)k;
			return &alts[i];
		}
	}
	return NULL;
}

static void
alts_str(const struct v1_qm_alt *alts, size_t n, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && off < len; i++) {
		char one[256];

		if (alts[i].ok)
			ike_prop_qm_str(&alts[i].prop, one, sizeof(one));
		else
			snprintf(one, sizeof(one), "(proposal %u: unsupported)", alts[i].num);
		snprintf(buf + off, len - off, "%s%s", i > 0 ? ", " : "", one);
		off += strlen(buf + off);
	}
}

/* Refuses a first message with a protected notify and remembers its message id. */
static void
r_refuse(struct ike_engine *e, struct ike_sa *sa, uint32_t msgid, uint16_t type)
{
	ike_sa_msgid_add(sa, msgid);
	e->st.qm_failed++;
	v1_info_notify(e, sa, ISAKMP_PROTO_ESP, type, NULL, 0, NULL, 0);
}

static int
r_reply(struct ike_engine *e, struct ike_sa *sa, struct ike_qm *qm, const struct v1_qm_alt *alt,
    const struct isakmp_id *ci, const struct isakmp_id *cr, bool ids)
{
	struct isakmp_buf b;
	size_t hoff;
	int r;

	v1_begin(&b, sa, ISAKMP_EXCH_QUICK, qm->msgid, true);
	isakmp_put_payload(&b, ISAKMP_PL_HASH, NULL, sa->keys.hash_len, &hoff);
	v1_sa_put_qm_reply(&b, alt, qm->our_spi);
	isakmp_put_payload(&b, ISAKMP_PL_NONCE, qm->nr, qm->nr_len, NULL);
	if (qm->dh != NULL)
		isakmp_put_payload(&b, ISAKMP_PL_KE, ike_dh_public(qm->dh),
		    ike_dh_public_len(qm->chosen.pfs_group), NULL);
	if (ids) {
		isakmp_put_id(&b, ci);
		isakmp_put_id(&b, cr);
	}
	if (qm->resp_lifetime)
		for (size_t j = 0; j < qm->chosen.nproto; j++) {
			struct isakmp_notify n;
			uint8_t spi[4], data[24];

			v1_spi_put(spi, qm->chosen.p[j].spi);
			memset(&n, 0, sizeof(n));
			n.doi = ISAKMP_DOI_IPSEC;
			n.proto = isakmp_proto(qm->chosen.p[j].proto);
			n.spi_len = 4;
			n.spi = spi;
			n.type = ISAKMP_N_RESPONDER_LIFETIME;
			n.data = data;
			n.data_len = life_attrs(data, qm->chosen.life_s, qm->chosen.life_kb);
			isakmp_put_notify(&b, &n);
		}
	r = fill_hash(sa, &b, hoff, qm->msgid, qm);
	if (r == 0)
		r = v1_seal(e, sa, &b, qm->iv);
	if (r == 0)
		v1_transmit(e, sa, &b, &qm->last_tx);
	isakmp_buf_free(&b);
	return r;
}

static void
r_qm1(struct ike_engine *e, struct ike_sa *sa, struct v1_in *in)
{
	uint32_t msgid = in->m.hdr.msgid;
	const struct isakmp_pl *sapl = v1_pl(in, ISAKMP_PL_SA);
	struct v1_qm_alt *alts = NULL;
	const struct v1_qm_alt *alt;
	struct isakmp_id ci, cr;
	struct isakmp_sa s;
	struct isakmp_err err;
	struct ike_ts tl, tr;
	struct r_rule rr;
	struct ike_qm *qm = NULL;
	size_t nalts, offer;
	bool ids, low_s, low_kb;
	char ours[IKE_PROP_STRLEN], theirs[IKE_PROP_STRLEN], t1[V1_TS_STRLEN], t2[V1_TS_STRLEN];

	alts = calloc(V1_QM_ALT_MAX, sizeof(*alts));
	if (alts == NULL)
		return;
	if (check_hash(sa, in, NULL) != 0) {
		v1_drop(e, in, &e->st.malformed, "Quick Mode message 1 with a wrong HASH(1)");
		goto out;
	}
	memset(&err, 0, sizeof(err));
	if (sapl == NULL || isakmp_sa_decode(sapl, &s, &err) != 0 ||
	    get_ids(in, &ci, &cr, &ids) != 0 || v1_qm_alts(&s, alts, V1_QM_ALT_MAX,
	    &nalts) != 0) {
		char why[160];

		snprintf(why, sizeof(why), "Quick Mode message 1 malformed (%s)",
		    sapl == NULL ? "no SA payload" : err.what != NULL ? err.what :
		    "IDs, or no ESP/AH proposal");
		v1_drop(e, in, &e->st.malformed, why);
		ike_sa_msgid_add(sa, msgid);
		v1_info_notify(e, sa, ISAKMP_PROTO_ESP, ISAKMP_N_PAYLOAD_MALFORMED, NULL, 0,
		    NULL, 0);
		goto out;
	}
	if (ids) {
		if (v1_ts_from_id(&ci, &tr) != 0 || v1_ts_from_id(&cr, &tl) != 0 ||
		    tl.family != tr.family) {
			qm_log(e, sa, NULL, LOG_WARNING, "IDs that are no address selector "
			    "refused");
			r_refuse(e, sa, msgid, ISAKMP_N_INVALID_ID_INFORMATION);
			goto out;
		}
	} else {
		v1_ts_host(&sa->local, &tl);
		v1_ts_host(&sa->remote, &tr);
	}
	if (r_find_rule(e, sa, &tl, &tr, &rr) != 0) {
		qm_log(e, sa, NULL, LOG_WARNING, "no rule for %s -> %s and the default response "
		    "rule is off: INVALID-ID-INFORMATION", v1_ts_str(&tl, t1, sizeof(t1)),
		    v1_ts_str(&tr, t2, sizeof(t2)));
		r_refuse(e, sa, msgid, ISAKMP_N_INVALID_ID_INFORMATION);
		goto out;
	}
	if (!ike_auth_allows(rr.auth, rr.nauth, sa)) {
		qm_log(e, sa, NULL, LOG_WARNING, "rule '%s' does not accept the IKE SA's "
		    "authentication: INVALID-ID-INFORMATION", rr.name);
		r_refuse(e, sa, msgid, ISAKMP_N_INVALID_ID_INFORMATION);
		goto out;
	}
	alt = r_choose(e, sa, &rr, alts, nalts, &offer);
	if (alt == NULL) {
		alts_str(alts, nalts, theirs, sizeof(theirs));
		qm_log(e, sa, NULL, LOG_ERR, "rule '%s': no proposal chosen: the peer offered "
		    "%s; ours are %s (%s)", rr.name, theirs, ike_prop_qm_offers_str(rr.offers,
		    rr.noffers, ours, sizeof(ours)), rr.mode == XFRM_MODE_TUNNEL ? "tunnel" :
		    "transport");
		e->st.no_proposal++;
		r_refuse(e, sa, msgid, ISAKMP_N_NO_PROPOSAL_CHOSEN);
		goto out;
	}
	qm = ike_qm_new(sa, msgid, false);
	if (qm == NULL)
		goto out;
	snprintf(qm->rule, sizeof(qm->rule), "%s", rr.name);
	qm->reqid = rr.reqid;
	qm->mode = rr.mode;
	qm->ts_local = tl;
	qm->ts_remote = tr;
	qm->chosen = alt->prop;
	{
		struct ike_qm_prop mine;

		ike_prop_qm_from_offer(&rr.offers[offer], rr.mode, sa->chosen.group, &mine);
		life_cap(e, &mine);
		qm->chosen.life_s = ike_prop_life(alt->prop.life_s, mine.life_s, &low_s);
		qm->chosen.life_kb = ike_prop_life(alt->prop.life_kb, mine.life_kb, &low_kb);
		qm->resp_lifetime = low_s || low_kb;
	}
	memcpy(qm->iv, in->iv_next, sa->keys.block_len);
	if (get_nonce(in, qm->ni, &qm->ni_len) != 0 || pfs_take(qm, in) != 0) {
		v1_drop(e, in, &e->st.malformed, "Quick Mode message 1: bad nonce or KE");
		ike_qm_free(sa, qm);
		goto out;
	}
	for (size_t j = 0; j < qm->chosen.nproto; j++)
		if (alloc_spi(e, sa, qm->chosen.p[j].proto, qm->mode, qm->reqid, 0,
		    &qm->our_spi[j]) != 0) {
			qm_log(e, sa, qm, LOG_ERR, "no SPI from the kernel");
			ike_qm_free(sa, qm);
			r_refuse(e, sa, msgid, ISAKMP_N_NO_PROPOSAL_CHOSEN);
			goto out;
		}
	qm->nr_len = IKE_NONCE_LEN;
	if (ike_random(qm->nr, qm->nr_len, NULL) != 0 ||
	    r_reply(e, sa, qm, alt, &ci, &cr, ids) != 0) {
		qm_log(e, sa, qm, LOG_ERR, "cannot build message 2");
		ike_qm_free(sa, qm);
		e->st.qm_failed++;
		goto out;
	}
	memcpy(qm->last_rx, in->rxhash, IKE_RXHASH_LEN);
	qm->step = IKE_QM_R2;
	ike_timer_start(e, &qm->rt);
out:
	free(alts);
}

static bool
ts_equal(const struct ike_ts *a, const struct ike_ts *b)
{
	return a->family == b->family && a->prefix == b->prefix && a->proto == b->proto &&
	    a->port == b->port && memcmp(&a->addr, &b->addr, sizeof(a->addr)) == 0;
}

/* The responder's RESPONDER-LIFETIME notifies lower ours. */
static void
i_resp_lifetime(const struct v1_in *in, struct ike_qm *qm)
{
	const struct isakmp_pl *np;
	size_t from = 0;

	while ((np = isakmp_chain_next(&in->c, ISAKMP_PL_N, &from)) != NULL) {
		struct isakmp_notify n;
		struct isakmp_err err;
		struct isakmp_iter it;
		struct isakmp_xform x;
		struct isakmp_attr a;
		uint64_t v, type = 0;
		bool low;

		if (isakmp_notify_decode(np, &n, &err) != 0 ||
		    n.type != ISAKMP_N_RESPONDER_LIFETIME)
			continue;
		/* The data is a list of attributes: walk it as a transform's. */
		memset(&x, 0, sizeof(x));
		x.attrs = n.data;
		x.attrs_len = n.data_len;
		x.proto = ISAKMP_PROTO_ESP;
		isakmp_xform_attrs(&x, &it);
		while (isakmp_attr_next(&it, &a)) {
			if (isakmp_attr_uint(&a, &v) != 0)
				break;
			if (a.type == ISAKMP_P2_LIFE_TYPE)
				type = v;
			else if (a.type == ISAKMP_P2_LIFE_DURATION && v > 0 && v <= UINT32_MAX) {
				if (type == ISAKMP_LIFE_SECONDS)
					qm->chosen.life_s = ike_prop_life((uint32_t)v,
					    qm->chosen.life_s, &low);
				else if (type == ISAKMP_LIFE_KILOBYTES)
					qm->chosen.life_kb = ike_prop_life((uint32_t)v,
					    qm->chosen.life_kb, &low);
			}
		}
	}
}

/* The responder's choice must be one of our proposals, unchanged but for lifetimes. */
static int
i_match(struct ike_qm *qm, const struct v1_qm_alt *alt)
{
	for (size_t k = 0; k < qm->noffered; k++) {
		const struct ike_qm_prop *o = &qm->offered[k];
		bool low;

		if (o->nproto != alt->prop.nproto || o->mode != alt->prop.mode ||
		    o->pfs_group != alt->prop.pfs_group)
			continue;
		for (size_t j = 0; j < o->nproto; j++)
			if (o->p[j].proto != alt->prop.p[j].proto ||
			    o->p[j].cipher != alt->prop.p[j].cipher ||
			    o->p[j].auth != alt->prop.p[j].auth)
				goto next;
		qm->chosen = alt->prop;
		qm->chosen.life_s = ike_prop_life(alt->prop.life_s, o->life_s, &low);
		qm->chosen.life_kb = ike_prop_life(alt->prop.life_kb, o->life_kb, &low);
		for (size_t j = 0; j < o->nproto; j++)
			qm->our_spi[j] = o->p[j].spi;
		return 0;
next:		;
	}
	return -1;
}

static void
i_qm2(struct ike_engine *e, struct ike_sa *sa, struct ike_qm *qm, struct v1_in *in)
{
	const struct isakmp_pl *sapl = v1_pl(in, ISAKMP_PL_SA);
	struct v1_qm_alt alts[2];
	struct isakmp_id ci, cr;
	struct isakmp_sa s;
	struct isakmp_err err;
	struct isakmp_buf b;
	size_t nalts, hoff;
	bool ids;
	char p[IKE_PROP_STRLEN];

	if (check_hash(sa, in, qm) != 0) {
		v1_drop(e, in, &e->st.malformed, "Quick Mode message 2 with a wrong HASH(2)");
		return;
	}
	if (sapl == NULL || isakmp_sa_decode(sapl, &s, &err) != 0 ||
	    v1_qm_alts(&s, alts, 2, &nalts) != 0 || nalts != 1 || !alts[0].ok ||
	    get_ids(in, &ci, &cr, &ids) != 0 || get_nonce(in, qm->nr, &qm->nr_len) != 0) {
		v1_drop(e, in, &e->st.malformed, "Quick Mode message 2 malformed");
		return;
	}
	if (i_match(qm, &alts[0]) != 0) {
		qm_log(e, sa, qm, LOG_ERR, "the peer chose %s, which we did not offer",
		    ike_prop_qm_str(&alts[0].prop, p, sizeof(p)));
		goto fail;
	}
	if (ids) {
		struct ike_ts a, bts;

		if (v1_ts_from_id(&ci, &a) != 0 || v1_ts_from_id(&cr, &bts) != 0 ||
		    !ts_equal(&a, &qm->ts_local) || !ts_equal(&bts, &qm->ts_remote)) {
			qm_log(e, sa, qm, LOG_ERR, "the peer changed the IDs");
			goto fail;
		}
	}
	if (pfs_take(qm, in) != 0) {
		qm_log(e, sa, qm, LOG_ERR, "PFS key exchange missing or invalid");
		goto fail;
	}
	i_resp_lifetime(in, qm);
	memcpy(qm->iv, in->iv_next, sa->keys.block_len);
	v1_begin(&b, sa, ISAKMP_EXCH_QUICK, qm->msgid, true);
	isakmp_put_payload(&b, ISAKMP_PL_HASH, NULL, sa->keys.hash_len, &hoff);
	if (isakmp_buf_finish(&b, &err) != 0 || ike_v1_qm_hash3(&sa->keys, qm->msgid, qm->ni,
	    qm->ni_len, qm->nr, qm->nr_len, b.p + hoff, NULL) != 0 ||
	    v1_seal(e, sa, &b, qm->iv) != 0) {
		isakmp_buf_free(&b);
		qm_log(e, sa, qm, LOG_ERR, "cannot build message 3");
		goto fail;
	}
	v1_transmit(e, sa, &b, &qm->last_tx);
	isakmp_buf_free(&b);
	memcpy(qm->last_rx, in->rxhash, IKE_RXHASH_LEN);
	qm->step = IKE_QM_I_DONE;
	qm->rt.due_ms = 0;
	qm->linger_until = ike_now(e) + linger_ms(e);
	ike_dh_free(qm->dh);
	qm->dh = NULL;
	install(e, sa, qm);
	return;
fail:
	e->st.qm_failed++;
	ike_qm_free(sa, qm);
}

static void
r_qm3(struct ike_engine *e, struct ike_sa *sa, struct ike_qm *qm, struct v1_in *in)
{
	uint8_t want[IKE_HASH_MAX];
	const struct isakmp_pl *h = in->c.n == 1 ? &in->c.pl[0] : NULL;
	bool ok;

	ok = h != NULL && h->type == ISAKMP_PL_HASH && h->len == sa->keys.hash_len &&
	    ike_v1_qm_hash3(&sa->keys, qm->msgid, qm->ni, qm->ni_len, qm->nr, qm->nr_len, want,
	    NULL) == 0 && ike_equal(want, h->body, h->len);
	ike_wipe(want, sizeof(want));
	if (!ok) {
		v1_drop(e, in, &e->st.malformed, "Quick Mode message 3 with a wrong HASH(3)");
		return;
	}
	ike_dh_free(qm->dh);
	qm->dh = NULL;
	install(e, sa, qm);
	ike_qm_free(sa, qm);
}

void
v1_qm_input(struct ike_engine *e, struct ike_sa *sa, struct v1_in *in)
{
	uint32_t msgid = in->m.hdr.msgid;
	struct ike_qm *qm = ike_qm_find(sa, msgid);
	uint8_t iv[IKE_BLOCK_MAX];

	if (!(in->m.hdr.flags & ISAKMP_FLAG_E) || msgid == 0) {
		v1_drop(e, in, &e->st.malformed, "Quick Mode message not encrypted");
		return;
	}
	if (qm == NULL) {
		if (ike_sa_msgid_seen(sa, msgid)) {
			v1_drop(e, in, &e->st.replays, "message id already used");
			return;
		}
		if (e->plan == NULL) {
			v1_drop(e, in, &e->st.unknown_sa, "no policy");
			return;
		}
		if (v1_qm_running(sa) >= e->lim.qm_max_per_mm ||
		    e->st.child_current >= e->lim.child_max) {
			v1_drop(e, in, &e->st.half_open_drops, "Quick Mode limit reached");
			return;
		}
		if (ike_v1_iv_phase2(&sa->keys, sa->iv, msgid, iv, NULL) != 0 ||
		    v1_decrypt(e, sa, in, iv) != 0) {
			v1_drop(e, in, &e->st.malformed, "Quick Mode message 1 does not decrypt");
			return;
		}
		r_qm1(e, sa, in);
		return;
	}
	if (qm->step == IKE_QM_I_DONE) {
		v1_drop(e, in, &e->st.replays, "Quick Mode already complete");
		return;
	}
	if (v1_decrypt(e, sa, in, qm->iv) != 0) {
		v1_drop(e, in, &e->st.malformed, "Quick Mode message does not decrypt");
		return;
	}
	if (qm->step == IKE_QM_I1)
		i_qm2(e, sa, qm, in);
	else
		r_qm3(e, sa, qm, in);
}

unsigned
v1_qm_running(const struct ike_sa *sa)
{
	unsigned n = 0;

	for (const struct ike_qm *qm = sa->qms; qm != NULL; qm = qm->next)
		n += qm->step != IKE_QM_I_DONE;
	return n;
}

bool
v1_qm_timeout(struct ike_engine *e, struct ike_sa *sa, struct ike_qm *qm)
{
	if (!ike_timer_next(e, &qm->rt)) {
		qm_log(e, sa, qm, LOG_ERR, "no answer to message %d after %u retransmissions",
		    qm->initiator ? 1 : 2, e->lim.retrans_tries);
		e->st.qm_failed++;
		ike_qm_free(sa, qm);
		return false;
	}
	e->st.retransmits++;
	if (qm->last_tx.buf != NULL)
		ike_send(e, sa, qm->last_tx.buf, qm->last_tx.len);
	return true;
}

void
v1_qm_refused(struct ike_engine *e, struct ike_sa *sa, uint16_t type)
{
	struct ike_qm *qm, *next;

	for (qm = sa->qms; qm != NULL; qm = next) {
		char ours[IKE_PROP_STRLEN] = "", one[256];
		size_t off = 0;

		next = qm->next;
		if (!qm->initiator || qm->step != IKE_QM_I1)
			continue;
		for (size_t k = 0; k < qm->noffered && off < sizeof(ours); k++) {
			ike_prop_qm_str(&qm->offered[k], one, sizeof(one));
			snprintf(ours + off, sizeof(ours) - off, "%s%s", k > 0 ? ", " : "", one);
			off += strlen(ours + off);
		}
		qm_log(e, sa, qm, LOG_ERR, "refused by the peer: %s; we offered %s",
		    isakmp_notify_name(type), ours);
		if (type == ISAKMP_N_NO_PROPOSAL_CHOSEN)
			e->st.no_proposal++;
		e->st.qm_failed++;
		ike_qm_free(sa, qm);
	}
}
