/*
 * ike_v1 message layer: dispatch of datagrams to exchanges, repeat detection, Phase 1 and
 * Phase 2 encryption (RFC 2409 §5.3, Appendix B), sending and keeping our last message.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "ike/v1.h"

/* Padding we accept after a decrypted chain: racoon may randomise it up to 255 bytes. */
#define V1_PAD_MAX	255

void
v1_in_done(struct v1_in *in)
{
	if (in->plain != NULL) {
		ike_wipe(in->plain, in->plain_len);
		free(in->plain);
		in->plain = NULL;
	}
}

int
v1_decrypt(struct ike_engine *e, struct ike_sa *sa, struct v1_in *in, const uint8_t *iv)
{
	const struct isakmp_msg *m = &in->m;
	size_t bl = sa->keys.block_len;
	struct isakmp_err err;

	(void)e;
	if (!sa->keyed || bl == 0 || m->body_len == 0 || m->body_len % bl != 0)
		return -1;
	v1_in_done(in);
	in->plain = malloc(m->body_len);
	if (in->plain == NULL)
		return -1;
	in->plain_len = m->body_len;
	if (ike_cbc_decrypt(sa->keys.cipher, sa->keys.enc_key, sa->keys.enc_key_len, iv,
	    m->body, in->plain, m->body_len, in->iv_next, NULL) != 0 ||
	    isakmp_chain_parse(&in->c, m->hdr.np, in->plain, in->plain_len, V1_PAD_MAX, 0,
	    &err) != 0) {
		v1_in_done(in);
		return -1;
	}
	return 0;
}

const struct isakmp_pl *
v1_pl(const struct v1_in *in, uint8_t type)
{
	size_t from = 0;

	return isakmp_chain_next(&in->c, type, &from);
}

const uint8_t *
v1_after(const struct v1_in *in, const struct isakmp_pl *pl, size_t *len)
{
	const struct isakmp_pl *last = &in->c.pl[in->c.n - 1];
	const uint8_t *start = pl->body + pl->len, *end = last->body + last->len;

	*len = end > start ? (size_t)(end - start) : 0;
	return start;
}

int
v1_begin(struct isakmp_buf *b, const struct ike_sa *sa, uint8_t exchange, uint32_t msgid,
    bool encrypted)
{
	struct isakmp_hdr h;

	memset(&h, 0, sizeof(h));
	memcpy(h.icookie, sa->icookie, IKE_SPI_LEN);
	memcpy(h.rcookie, sa->rcookie, IKE_SPI_LEN);
	h.version = ISAKMP_VERSION;
	h.exchange = exchange;
	h.flags = encrypted ? ISAKMP_FLAG_E : 0;
	h.msgid = msgid;
	isakmp_buf_init(b, 0);
	return isakmp_put_hdr(b, &h);
}

int
v1_seal(struct ike_engine *e, struct ike_sa *sa, struct isakmp_buf *b, uint8_t *iv)
{
	size_t bl = sa->keys.block_len, body, pad;
	uint8_t zeros[IKE_BLOCK_MAX] = { 0 };
	struct isakmp_err err;

	if (isakmp_buf_finish(b, &err) != 0)
		goto fail;
	body = b->len - ISAKMP_HDR_LEN;
	/* 1..block bytes, as strongSwan sends; the last counts the others (racoon's
	 * "exclusive tail"), which receivers that ignore padding never read. */
	pad = bl - body % bl;
	zeros[pad - 1] = (uint8_t)(pad - 1);
	if (isakmp_put_raw(b, zeros, pad) != 0 || isakmp_buf_finish(b, &err) != 0)
		goto fail;
	if (ike_cbc_encrypt(sa->keys.cipher, sa->keys.enc_key, sa->keys.enc_key_len, iv,
	    b->p + ISAKMP_HDR_LEN, b->p + ISAKMP_HDR_LEN, b->len - ISAKMP_HDR_LEN, iv,
	    NULL) != 0)
		goto fail;
	return 0;
fail:
	ike_log(e, LOG_ERR, "IKE SA with peer: cannot build an encrypted message");
	return -1;
}

void
v1_transmit(struct ike_engine *e, struct ike_sa *sa, const struct isakmp_buf *b,
    struct ike_pkt *keep)
{
	if (keep != NULL)
		ike_pkt_set(keep, b->p, b->len);
	ike_send(e, sa, b->p, b->len);
}

void
v1_drop(struct ike_engine *e, const struct v1_in *in, uint64_t *counter, const char *why)
{
	struct sockaddr_storage ss;
	char a[IKE_ADDR_STRLEN];

	memset(&ss, 0, sizeof(ss));
	memcpy(&ss, in->remote, in->remote->sa_family == AF_INET6 ?
	    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
	(*counter)++;
	/* Quick Mode and protected Informational messages only come from a peer that holds
	 * an IKE SA with us: what goes wrong with them is worth an administrator's eyes.
	 * Anything else can be sent by anyone, and is kept to debug level. */
	ike_log(e, in->m.hdr.exchange == ISAKMP_EXCH_QUICK ||
	    (in->m.hdr.flags & ISAKMP_FLAG_E) ? LOG_WARNING : LOG_DEBUG, "%s from %s dropped: %s",
	    isakmp_exchange_name(in->m.hdr.exchange), ike_addr_str(&ss, a, sizeof(a)), why);
}

uint32_t
v1_new_msgid(struct ike_sa *sa)
{
	uint32_t id = 0;

	while (id == 0 || ike_sa_msgid_seen(sa, id) || ike_qm_find(sa, id) != NULL)
		if (ike_random(&id, sizeof(id), NULL) != 0)
			id = (uint32_t)sa->nmsgids * 2654435761u + 1;
	return id;
}

void
v1_sa_fail(struct ike_engine *e, struct ike_sa *sa, const char *fmt, ...)
{
	char msg[1024], a[IKE_ADDR_STRLEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ike_log(e, LOG_ERR, "Main Mode %s with %s failed: %s",
	    sa->initiator ? "as initiator" : "as responder",
	    ike_addr_str(&sa->remote, a, sizeof(a)), msg);
	for (struct ike_pending *p = sa->pending; p != NULL; p = p->next)
		ike_log(e, LOG_WARNING, "negotiation for reqid %u with %s abandoned",
		    p->acq.reqid, a);
	if (sa->step == IKE_MM_DONE)
		e->st.mm_current--;
	else
		e->st.mm_failed++;
	ike_sa_free(e, sa);
}

/* A datagram that repeats the last one received for sa (or one of its exchanges): answer
 * with our last message again.  True when handled. */
static bool
v1_repeat(struct ike_engine *e, struct ike_sa *sa, struct v1_in *in)
{
	struct ike_pkt *resend = NULL;

	if (in->m.hdr.exchange == ISAKMP_EXCH_ID_PROT) {
		if (sa->have_rx && memcmp(sa->last_rx, in->rxhash, IKE_RXHASH_LEN) == 0)
			resend = &sa->last_tx;
	} else if (in->m.hdr.exchange == ISAKMP_EXCH_QUICK) {
		struct ike_qm *qm = ike_qm_find(sa, in->m.hdr.msgid);

		if (qm != NULL && memcmp(qm->last_rx, in->rxhash, IKE_RXHASH_LEN) == 0)
			resend = &qm->last_tx;
	}
	if (resend == NULL)
		return false;
	e->st.replays++;
	if (resend->buf != NULL) {
		e->st.resent++;
		ike_send(e, sa, resend->buf, resend->len);
	}
	return true;
}

static struct ike_sa *
v1_lookup(struct ike_engine *e, struct v1_in *in)
{
	static const uint8_t zero[IKE_SPI_LEN];
	const struct isakmp_hdr *h = &in->m.hdr;
	struct ike_sa *sa = ike_sa_find(e, h->icookie, h->rcookie);

	if (sa != NULL)
		return sa;
	/* A first message again (repeated or replayed): the SA it created, if any. */
	if (memcmp(h->rcookie, zero, IKE_SPI_LEN) == 0) {
		for (sa = e->sas; sa != NULL; sa = sa->next)
			if (!sa->initiator && memcmp(sa->icookie, h->icookie, IKE_SPI_LEN) == 0 &&
			    ike_addr_equal(&sa->remote, in->remote))
				return sa;
		return NULL;
	}
	/* Message 2 of a Main Mode we started: the responder's cookie is new to us. */
	for (sa = e->sas; sa != NULL; sa = sa->next)
		if (sa->initiator && sa->step == IKE_MM_I1 &&
		    memcmp(sa->icookie, h->icookie, IKE_SPI_LEN) == 0 &&
		    memcmp(sa->rcookie, zero, IKE_SPI_LEN) == 0 &&
		    memcmp(h->rcookie, zero, IKE_SPI_LEN) != 0)
			return sa;
	return NULL;
}

void
ike_v1_input(struct ike_engine *e, const struct sockaddr *local, const struct sockaddr *remote,
    const uint8_t *buf, size_t len)
{
	static const uint8_t zero[IKE_SPI_LEN];
	struct v1_in *in = calloc(1, sizeof(*in));
	struct isakmp_err err;
	struct ike_sa *sa;

	if (in == NULL)
		return;
	in->local = local;
	in->remote = remote;
	if (isakmp_msg_parse(&in->m, buf, len, 0, &err) != 0) {
		e->st.malformed++;
		ike_log(e, LOG_DEBUG, "ISAKMP message dropped: %s (%s at offset %zu)",
		    isakmp_errc_name(err.code), err.what != NULL ? err.what : "?", err.off);
		goto done;
	}
	if (!(in->m.hdr.flags & ISAKMP_FLAG_E))
		in->c = in->m.chain;
	ike_rx_hash(buf, len, in->rxhash);
	sa = v1_lookup(e, in);
	if (sa != NULL && !ike_addr_equal(&sa->remote, remote)) {
		v1_drop(e, in, &e->st.unknown_sa, "from another address than its IKE SA's");
		goto done;
	}
	if (sa != NULL && v1_repeat(e, sa, in))
		goto done;
	switch (in->m.hdr.exchange) {
	case ISAKMP_EXCH_ID_PROT:
		if (sa != NULL && !sa->initiator &&
		    memcmp(in->m.hdr.rcookie, zero, IKE_SPI_LEN) == 0)
			v1_drop(e, in, &e->st.replays, "first message of an existing IKE SA");
		else if (sa != NULL)
			v1_mm_input(e, sa, in);
		else if (memcmp(in->m.hdr.rcookie, zero, IKE_SPI_LEN) == 0)
			v1_mm_respond(e, in);
		else
			v1_drop(e, in, &e->st.unknown_sa, "no such IKE SA");
		break;
	case ISAKMP_EXCH_QUICK:
		if (sa == NULL || sa->step != IKE_MM_DONE)
			v1_drop(e, in, &e->st.unknown_sa, "no established IKE SA");
		else
			v1_qm_input(e, sa, in);
		break;
	case ISAKMP_EXCH_INFO:
		if (sa == NULL)
			v1_drop(e, in, &e->st.unknown_sa, "no such IKE SA");
		else
			v1_info_input(e, sa, in);
		break;
	default:
		v1_drop(e, in, &e->st.unknown_sa, "exchange type not supported");
		break;
	}
done:
	v1_in_done(in);
	ike_wipe(in, sizeof(*in));
	free(in);
}

/* An established IKE SA that carried all the Quick Modes the policy allows it (quick modes
 * per main mode; master-key PFS: one) and has none left running: it is deleted, and the
 * next Quick Mode with the peer starts a fresh Main Mode. */
static bool
used_up(const struct ike_engine *e, const struct ike_sa *sa)
{
	uint32_t per_mm = v1_qm_per_mm(e);

	return sa->step == IKE_MM_DONE && per_mm != 0 && sa->nqm >= per_mm &&
	    sa->qms == NULL && sa->pending == NULL;
}

int64_t
ike_v1_next_timeout(struct ike_engine *e, uint64_t now)
{
	uint64_t best = UINT64_MAX;

	for (struct ike_sa *sa = e->sas; sa != NULL; sa = sa->next) {
		if (used_up(e, sa))
			best = now;
		if (sa->rt.due_ms != 0 && sa->rt.due_ms < best)
			best = sa->rt.due_ms;
		if (sa->expire_ms != 0 && sa->expire_ms < best)
			best = sa->expire_ms;
		if (sa->dpd_due_ms != 0 && sa->dpd_due_ms < best)
			best = sa->dpd_due_ms;
		for (struct ike_qm *qm = sa->qms; qm != NULL; qm = qm->next) {
			if (qm->rt.due_ms != 0 && qm->rt.due_ms < best)
				best = qm->rt.due_ms;
			if (qm->linger_until != 0 && qm->linger_until < best)
				best = qm->linger_until;
		}
	}
	if (best == UINT64_MAX)
		return -1;
	return best <= now ? 0 : (int64_t)(best - now);
}

void
ike_v1_tick(struct ike_engine *e)
{
	struct ike_sa *sa, *next;
	uint64_t now = ike_now(e);

	for (sa = e->sas; sa != NULL; sa = next) {
		struct ike_qm *qm, *qnext;

		next = sa->next;
		if (sa->expire_ms != 0 && sa->expire_ms <= now) {
			char a[IKE_ADDR_STRLEN];

			ike_log(e, LOG_INFO, "IKE SA with %s expired",
			    ike_addr_str(&sa->remote, a, sizeof(a)));
			v1_info_delete(e, sa, ISAKMP_PROTO_ISAKMP, NULL, 16, 1);
			e->st.mm_current--;
			ike_sa_free(e, sa);
			continue;
		}
		if (used_up(e, sa)) {
			char a[IKE_ADDR_STRLEN];

			ike_log(e, LOG_INFO, "IKE SA with %s carried %u Quick Modes, all the policy "
			    "allows one Main Mode (%s); deleting it",
			    ike_addr_str(&sa->remote, a, sizeof(a)), sa->nqm, e->plan->main.mm.pfs ?
			    "master key PFS" : "quick modes per main mode");
			v1_info_delete(e, sa, ISAKMP_PROTO_ISAKMP, NULL, 16, 1);
			e->st.mm_current--;
			ike_sa_free(e, sa);
			continue;
		}
		if (ike_timer_due(e, &sa->rt)) {
			v1_mm_timeout(e, sa);
			continue;	/* sa may be gone */
		}
		for (qm = sa->qms; qm != NULL; qm = qnext) {
			qnext = qm->next;
			if (qm->linger_until != 0 && qm->linger_until <= now)
				ike_qm_free(sa, qm);
			else if (ike_timer_due(e, &qm->rt))
				v1_qm_timeout(e, sa, qm);
		}
	}
	v1_dpd_tick(e, now);
}
