/* ike_sa: the store of IKE SAs, their exchanges, and the child SAs the engine installed. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "ike/sa.h"
#include "ike/sa_auth.h"

struct ike_sa *
ike_sa_new(struct ike_engine *e, const struct sockaddr *local, const struct sockaddr *remote,
    bool initiator)
{
	struct ike_sa *sa = calloc(1, sizeof(*sa));

	if (sa == NULL)
		return NULL;
	memcpy(&sa->local, local, local->sa_family == AF_INET6 ?
	    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
	memcpy(&sa->remote, remote, remote->sa_family == AF_INET6 ?
	    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
	sa->initiator = initiator;
	sa->created_ms = ike_now(e);
	sa->serial = ++e->next_serial;
	sa->next = e->sas;
	e->sas = sa;
	return sa;
}

static void
qm_wipe(struct ike_qm *qm)
{
	ike_dh_free(qm->dh);
	ike_pkt_clear(&qm->last_tx);
	free(qm->offered);
	ike_wipe(qm, sizeof(*qm));
	free(qm);
}

void
ike_sa_free(struct ike_engine *e, struct ike_sa *sa)
{
	struct ike_sa **pp;

	for (pp = &e->sas; *pp != NULL; pp = &(*pp)->next)
		if (*pp == sa) {
			*pp = sa->next;
			break;
		}
	while (sa->qms != NULL) {
		struct ike_qm *qm = sa->qms;

		sa->qms = qm->next;
		qm_wipe(qm);
	}
	while (sa->pending != NULL) {
		struct ike_pending *p = sa->pending;

		sa->pending = p->next;
		free(p);
	}
	ike_dh_free(sa->dh);
	if (sa->psk != NULL) {
		ike_wipe(sa->psk, sa->psk_len);
		free(sa->psk);
	}
	ike_auth_release(sa);
	free(sa->sai_b);
	free(sa->offers);
	ike_pkt_clear(&sa->last_tx);
	ike_v1_keys_wipe(&sa->keys);
	ike_wipe(sa, sizeof(*sa));
	free(sa);
}

struct ike_sa *
ike_sa_find(struct ike_engine *e, const uint8_t *icookie, const uint8_t *rcookie)
{
	for (struct ike_sa *sa = e->sas; sa != NULL; sa = sa->next)
		if (memcmp(sa->icookie, icookie, IKE_SPI_LEN) == 0 &&
		    memcmp(sa->rcookie, rcookie, IKE_SPI_LEN) == 0)
			return sa;
	return NULL;
}

static size_t
addr_off(int family, size_t *len)
{
	if (family == AF_INET6) {
		*len = 16;
		return offsetof(struct sockaddr_in6, sin6_addr);
	}
	*len = 4;
	return offsetof(struct sockaddr_in, sin_addr);
}

/* Same family and address (ports aside). */
bool
ike_host_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	size_t len, off;

	if (a->ss_family != b->ss_family)
		return false;
	off = addr_off(a->ss_family, &len);
	return memcmp((const uint8_t *)a + off, (const uint8_t *)b + off, len) == 0;
}

/* Same family, address and port. */
bool
ike_addr_equal(const struct sockaddr_storage *a, const struct sockaddr *b)
{
	const struct sockaddr_storage *bs = (const struct sockaddr_storage *)(const void *)b;

	if (!ike_host_equal(a, bs))
		return false;
	if (a->ss_family == AF_INET6)
		return ((const struct sockaddr_in6 *)(const void *)a)->sin6_port ==
		    ((const struct sockaddr_in6 *)(const void *)b)->sin6_port;
	return ((const struct sockaddr_in *)(const void *)a)->sin_port ==
	    ((const struct sockaddr_in *)(const void *)b)->sin_port;
}

struct ike_sa *
ike_sa_find_peer(struct ike_engine *e, const struct sockaddr *local,
    const struct sockaddr *remote, bool established)
{
	struct ike_sa *best = NULL;

	for (struct ike_sa *sa = e->sas; sa != NULL; sa = sa->next) {
		if (!ike_host_equal(&sa->remote,
		    (const struct sockaddr_storage *)(const void *)remote))
			continue;
		if (local != NULL && !ike_host_equal(&sa->local,
		    (const struct sockaddr_storage *)(const void *)local))
			continue;
		if (established != (sa->step == IKE_MM_DONE))
			continue;
		if (best == NULL || sa->serial > best->serial)
			best = sa;
	}
	return best;
}

unsigned
ike_sa_half_open(const struct ike_engine *e, const struct sockaddr *remote)
{
	unsigned n = 0;

	for (const struct ike_sa *sa = e->sas; sa != NULL; sa = sa->next)
		if (sa->step != IKE_MM_DONE && (remote == NULL || ike_host_equal(&sa->remote,
		    (const struct sockaddr_storage *)(const void *)remote)))
			n++;
	return n;
}

bool
ike_sa_msgid_seen(const struct ike_sa *sa, uint32_t msgid)
{
	size_t n = sa->nmsgids < IKE_MSGID_KEEP ? sa->nmsgids : IKE_MSGID_KEEP;

	for (size_t i = 0; i < n; i++)
		if (sa->msgids[i] == msgid)
			return true;
	return false;
}

void
ike_sa_msgid_add(struct ike_sa *sa, uint32_t msgid)
{
	if (ike_sa_msgid_seen(sa, msgid))
		return;
	sa->msgids[sa->nmsgids % IKE_MSGID_KEEP] = msgid;
	sa->nmsgids++;
}

struct ike_qm *
ike_qm_find(struct ike_sa *sa, uint32_t msgid)
{
	for (struct ike_qm *qm = sa->qms; qm != NULL; qm = qm->next)
		if (qm->msgid == msgid)
			return qm;
	return NULL;
}

struct ike_qm *
ike_qm_new(struct ike_sa *sa, uint32_t msgid, bool initiator)
{
	struct ike_qm *qm = calloc(1, sizeof(*qm));

	if (qm == NULL)
		return NULL;
	qm->msgid = msgid;
	qm->initiator = initiator;
	qm->next = sa->qms;
	sa->qms = qm;
	ike_sa_msgid_add(sa, msgid);
	return qm;
}

void
ike_qm_free(struct ike_sa *sa, struct ike_qm *qm)
{
	for (struct ike_qm **pp = &sa->qms; *pp != NULL; pp = &(*pp)->next)
		if (*pp == qm) {
			*pp = qm->next;
			break;
		}
	qm_wipe(qm);
}

void
ike_pkt_set(struct ike_pkt *p, const uint8_t *buf, size_t len)
{
	uint8_t *copy = malloc(len);

	ike_pkt_clear(p);
	if (copy == NULL)
		return;		/* then nothing is resent: the peer retransmits */
	memcpy(copy, buf, len);
	p->buf = copy;
	p->len = len;
}

void
ike_pkt_clear(struct ike_pkt *p)
{
	free(p->buf);
	p->buf = NULL;
	p->len = 0;
}

void
ike_rx_hash(const void *buf, size_t len, uint8_t out[IKE_RXHASH_LEN])
{
	struct iovec iov = { .iov_base = (void *)(uintptr_t)buf, .iov_len = len };

	if (ike_hash(IPP_HASH_SHA256, &iov, 1, out, NULL) != 0)
		memset(out, 0, IKE_RXHASH_LEN);
}

void
ike_timer_start(struct ike_engine *e, struct ike_timer *t)
{
	t->tries = 0;
	t->due_ms = ike_now(e) + e->lim.retrans_first_ms;
}

bool
ike_timer_due(struct ike_engine *e, const struct ike_timer *t)
{
	return t->due_ms != 0 && t->due_ms <= ike_now(e);
}

bool
ike_timer_next(struct ike_engine *e, struct ike_timer *t)
{
	if (t->tries >= e->lim.retrans_tries) {
		t->due_ms = 0;
		return false;
	}
	t->tries++;
	t->due_ms = ike_now(e) + ((uint64_t)e->lim.retrans_first_ms << t->tries);
	return true;
}

struct ike_child_ent *
ike_child_add(struct ike_engine *e, const struct ike_child *c)
{
	struct ike_child_ent *ce = calloc(1, sizeof(*ce));

	if (ce == NULL)
		return NULL;
	ce->c = *c;
	for (size_t i = 0; i < IKE_CHILD_PROTO_MAX; i++) {
		ike_wipe(ce->c.p[i].key_in, sizeof(ce->c.p[i].key_in));
		ike_wipe(ce->c.p[i].key_out, sizeof(ce->c.p[i].key_out));
	}
	ce->next = e->children;
	e->children = ce;
	e->st.child_current++;
	return ce;
}

struct ike_child_ent *
ike_child_find_out(struct ike_engine *e, const struct sockaddr_storage *remote, uint8_t proto,
    uint32_t spi_out)
{
	for (struct ike_child_ent *ce = e->children; ce != NULL; ce = ce->next) {
		if (!ike_host_equal(&ce->c.remote, remote))
			continue;
		for (size_t i = 0; i < ce->c.nproto; i++)
			if (ce->c.p[i].proto == proto && ce->c.p[i].spi_out == spi_out)
				return ce;
	}
	return NULL;
}

struct ike_child_ent *
ike_child_find_spi(struct ike_engine *e, uint8_t proto, uint32_t spi)
{
	for (struct ike_child_ent *ce = e->children; ce != NULL; ce = ce->next)
		for (size_t i = 0; i < ce->c.nproto; i++)
			if (ce->c.p[i].proto == proto &&
			    (ce->c.p[i].spi_in == spi || ce->c.p[i].spi_out == spi))
				return ce;
	return NULL;
}

void
ike_child_remove(struct ike_engine *e, struct ike_child_ent *ce)
{
	for (struct ike_child_ent **pp = &e->children; *pp != NULL; pp = &(*pp)->next)
		if (*pp == ce) {
			*pp = ce->next;
			break;
		}
	e->ops.child_delete(e->ops.arg, &ce->c);
	e->st.child_current--;
	free(ce);
}

bool
ike_child_with_peer(const struct ike_engine *e, const struct sockaddr_storage *remote)
{
	for (const struct ike_child_ent *ce = e->children; ce != NULL; ce = ce->next)
		if (ike_host_equal(&ce->c.remote, remote))
			return true;
	return false;
}

/*
 * Soft expiry at 85..90 % of the hard limit on the Quick Mode's initiator, 92..95 % on its
 * responder: the initiator rekeys, the responder only if it did not, and the jitter keeps
 * bundles negotiated together from rekeying together.  Short lifetimes keep a floor of time
 * for the rekey (floor units: 10 s before the end on the initiator, 5 s on the responder,
 * within a quarter and an eighth of the lifetime): a Quick Mode can take seconds.
 */
static uint64_t
soften(uint64_t hard, bool initiator, uint64_t floor)
{
	uint32_t r = 0;
	uint64_t span = initiator ? hard / 20 : hard * 3 / 100;
	uint64_t m = initiator ? hard / 10 : hard / 20;
	uint64_t cap = initiator ? hard / 4 : hard / 8;
	uint64_t f = initiator ? floor : floor / 2;

	if (hard == 0)
		return 0;
	if (f > cap)
		f = cap;
	if (m < f)
		m = f;
	if (span > 0 && ike_random(&r, sizeof(r), NULL) == 0)
		span = r % (span + 1);
	return hard - m - span;
}

void
ike_child_set_lifetimes(struct ike_child *c, uint64_t life_s, uint64_t life_kb)
{
	c->hard_s = life_s;
	c->soft_s = soften(life_s, c->initiator, 10);
	c->hard_bytes = life_kb * 1024;
	c->soft_bytes = soften(c->hard_bytes, c->initiator, 0);
}
