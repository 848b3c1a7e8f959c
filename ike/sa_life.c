/*
 * ike_life: the lives of child SAs by the engine's clock, and their ends.  A child is
 * rekeyed at its soft lifetime (or at the kernel's soft EXPIRE, for bytes), while it is
 * still valid: the new child is installed beside it, the kernel sends on the newest SA,
 * and the old one stays rekey_delay_ms for packets already on their way before it is
 * deleted with a DELETE to the peer.  A child ends at its hard lifetime, when the peer
 * deletes it, when its rule leaves the plan, and at shutdown; every end the peer does not
 * already know of is announced with DELETE.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "ike/v1.h"

/* While a rekey runs, we look whether it is still alive this often. */
#define LIFE_POLL_MS	1000
/* A failed rekey is tried again after 1, 2, 4 ... 32 s (while the child lives). */
#define LIFE_RETRY_MAX	5
/* Children for one flow made closer together than this were negotiated at once. */
#define LIFE_TWIN_MS	10000

static bool
ts_same(const struct ike_ts *a, const struct ike_ts *b)
{
	return a->family == b->family && a->prefix == b->prefix && a->proto == b->proto &&
	    a->port == b->port && memcmp(&a->addr, &b->addr, sizeof(a->addr)) == 0;
}

/* Two children for the same rule, peer and IDs: one replaces the other. */
static bool
same_flow(const struct ike_child *a, const struct ike_child *b)
{
	return a->reqid == b->reqid && a->mode == b->mode &&
	    ike_host_equal(&a->remote, &b->remote) && ike_host_equal(&a->local, &b->local) &&
	    ts_same(&a->ts_local, &b->ts_local) && ts_same(&a->ts_remote, &b->ts_remote);
}

static struct ike_child_ent *
by_id(struct ike_engine *e, uint64_t id)
{
	for (struct ike_child_ent *ce = e->children; ce != NULL; ce = ce->next)
		if (ce->c.id == id)
			return ce;
	return NULL;
}

/* The SPIs of a child as both sides see them (ours in is the peer's out). */
static uint64_t
spi_key(const struct ike_child *c)
{
	uint32_t a = c->p[0].spi_in, b = c->p[0].spi_out;

	return a > b ? (uint64_t)a << 32 | b : (uint64_t)b << 32 | a;
}

/*
 * Of two children for the same flow, whether o is the one to keep rather than ce.  The
 * newer one, when they were made some time apart (a rekey whose old child was not
 * deleted); when both sides negotiated at once their install order may differ on the two
 * sides, so the SPIs decide, as both sides see them alike.
 */
static bool
keeps_over(const struct ike_child *o, const struct ike_child *ce)
{
	if (o->created_ms > ce->created_ms + LIFE_TWIN_MS)
		return true;
	if (ce->created_ms > o->created_ms + LIFE_TWIN_MS)
		return false;
	return spi_key(o) > spi_key(ce);
}

/* Another child for the same flow that is kept rather than ce. */
static bool
has_newer(const struct ike_engine *e, const struct ike_child_ent *ce)
{
	for (const struct ike_child_ent *o = e->children; o != NULL; o = o->next)
		if (o != ce && o->delete_ms == 0 && same_flow(&o->c, &ce->c) &&
		    keeps_over(&o->c, &ce->c))
			return true;
	return false;
}

/* A Quick Mode, or a Main Mode with a pending request, still works on the rekey of id. */
static bool
rekey_running(const struct ike_engine *e, uint64_t id)
{
	for (const struct ike_sa *sa = e->sas; sa != NULL; sa = sa->next) {
		for (const struct ike_qm *qm = sa->qms; qm != NULL; qm = qm->next)
			if (qm->rekey_of == id && qm->step == IKE_QM_I1)
				return true;
		for (const struct ike_pending *p = sa->pending; p != NULL; p = p->next)
			if (p->req.rekey_of == id)
				return true;
	}
	return false;
}

static const char *
child_str(const struct ike_child *c, char *buf, size_t len)
{
	char a[IKE_ADDR_STRLEN];

	snprintf(buf, len, "child SA with %s (reqid %u, %s SPI in 0x%08x out 0x%08x)",
	    ike_addr_str(&c->remote, a, sizeof(a)), c->reqid,
	    c->p[0].proto == IPPROTO_AH ? "AH" : "ESP", c->p[0].spi_in, c->p[0].spi_out);
	return buf;
}

void
ike_life_added(struct ike_engine *e, struct ike_child_ent *ce, uint64_t rekey_of)
{
	const struct ike_child *c = &ce->c;
	struct ike_child_ent *old;
	char s[160];

	ce->soft_ms = c->soft_s != 0 ? c->created_ms + c->soft_s * 1000 : 0;
	ce->hard_ms = c->hard_s != 0 ? c->created_ms + c->hard_s * 1000 : 0;
	if (rekey_of == 0 || (old = by_id(e, rekey_of)) == NULL)
		return;
	old->rekeying = false;
	old->soft_ms = 0;
	old->delete_ms = ike_now(e) + e->lim.rekey_delay_ms;
	if (old->hard_ms != 0 && old->hard_ms < old->delete_ms)
		old->delete_ms = old->hard_ms;
	e->st.rekeys++;
	ike_log(e, LOG_INFO, "%s rekeyed: replaced by SPI in 0x%08x out 0x%08x; the old one "
	    "is deleted in %u ms", child_str(&old->c, s, sizeof(s)), c->p[0].spi_in,
	    c->p[0].spi_out, e->lim.rekey_delay_ms);
}

void
ike_life_delete(struct ike_engine *e, struct ike_child_ent *ce, const char *why)
{
	char s[160];

	ike_log(e, LOG_INFO, "%s %s; deleting it", child_str(&ce->c, s, sizeof(s)), why);
	ike_v1_send_delete_child(e, &ce->c);
	ike_child_remove(e, ce);
}

void
ike_life_hard(struct ike_engine *e, struct ike_child_ent *ce)
{
	if (ce->delete_ms != 0) {
		/* Replaced by a rekey: its end was due anyway. */
		ike_life_delete(e, ce, "was rekeyed and its hard lifetime is over");
		return;
	}
	e->st.child_expired++;
	ike_life_delete(e, ce, "reached its hard lifetime");
}

static unsigned
retry_ms(const struct ike_child_ent *ce)
{
	unsigned n = ce->rekey_tries > LIFE_RETRY_MAX ? LIFE_RETRY_MAX : ce->rekey_tries;

	return 1000u << n;
}

/* Rekeys ce, or looks after its rekey, or deletes it when a newer child replaces it
 * (then returns true: ce is gone).  Re-arms ce->soft_ms otherwise. */
static bool
soft(struct ike_engine *e, struct ike_child_ent *ce)
{
	uint64_t now = ike_now(e);
	char s[160];
	int r;

	if (ce->delete_ms != 0) {
		ce->soft_ms = 0;	/* already replaced */
		return false;
	}
	if (has_newer(e, ce)) {
		/* Both sides negotiated the same flow, or the peer rekeyed and did not delete
		 * the old child: the newer one carries the traffic. */
		ike_life_delete(e, ce, "is replaced by a newer one at its soft lifetime");
		return true;
	}
	if (ce->rekeying) {
		if (rekey_running(e, ce->c.id)) {
			ce->soft_ms = now + LIFE_POLL_MS;
			return false;
		}
		ce->rekeying = false;
		ce->soft_ms = now + retry_ms(ce);
		ike_log(e, LOG_WARNING, "%s: rekey failed; trying again in %u ms",
		    child_str(&ce->c, s, sizeof(s)), retry_ms(ce));
		return false;
	}
	r = ike_v1_rekey(e, &ce->c);
	if (r == -ENOENT) {
		/* No rule to initiate with (the default response rule's children, or the rule
		 * is gone): the peer rekeys, or the child ends at its hard lifetime. */
		ce->soft_ms = 0;
		return false;
	}
	ce->rekey_tries++;
	if (r < 0) {
		ce->soft_ms = now + retry_ms(ce);
		ike_log(e, LOG_WARNING, "%s: cannot start its rekey (%d); trying again in %u ms",
		    child_str(&ce->c, s, sizeof(s)), r, retry_ms(ce));
		return false;
	}
	ce->rekeying = true;
	ce->soft_ms = now + LIFE_POLL_MS;
	ike_log(e, LOG_INFO, "%s reached its soft lifetime; rekeying",
	    child_str(&ce->c, s, sizeof(s)));
	return false;
}

void
ike_life_soft(struct ike_engine *e, struct ike_child_ent *ce)
{
	/* The kernel's soft EXPIRE comes for each SA of the bundle: one rekey. */
	if (!ce->rekeying)
		soft(e, ce);
}

void
ike_life_tick(struct ike_engine *e, uint64_t now)
{
	struct ike_child_ent *ce, *next;

	for (ce = e->children; ce != NULL; ce = next) {
		next = ce->next;
		if (ce->delete_ms != 0 && ce->delete_ms <= now)
			ike_life_delete(e, ce, "was rekeyed and its grace period is over");
		else if (ce->hard_ms != 0 && ce->hard_ms <= now)
			ike_life_hard(e, ce);
		else if (ce->soft_ms != 0 && ce->soft_ms <= now && !soft(e, ce) &&
		    ce->soft_ms != 0 && ce->soft_ms <= now)
			ce->soft_ms = now + LIFE_POLL_MS;	/* never spin on it */
	}
}

uint64_t
ike_life_next(const struct ike_engine *e)
{
	uint64_t best = UINT64_MAX;

	for (const struct ike_child_ent *ce = e->children; ce != NULL; ce = ce->next) {
		const uint64_t t[3] = { ce->soft_ms, ce->hard_ms, ce->delete_ms };

		for (size_t i = 0; i < 3; i++)
			if (t[i] != 0 && t[i] < best)
				best = t[i];
	}
	return best;
}

void
ike_life_prune(struct ike_engine *e)
{
	const struct ike_plan *p = e->plan;
	struct ike_child_ent *ce, *next;

	for (ce = e->children; ce != NULL; ce = next) {
		const struct ipp_ike_rule *r;

		next = ce->next;
		if (ce->c.reqid == 0) {
			if (p == NULL || !p->main.defrule.active)
				ike_life_delete(e, ce, "belongs to the default response rule, which "
				    "the new plan does not have");
			continue;
		}
		r = ike_rule_by_reqid(e, ce->c.reqid);
		if (r == NULL || r->action != IPP_ACTION_NEGOTIATE)
			ike_life_delete(e, ce, "belongs to a rule the new plan does not have");
	}
}

unsigned
ike_life_delete_peer(struct ike_engine *e, const struct sockaddr_storage *remote,
    bool send_delete)
{
	struct ike_child_ent *ce, *cnext;
	struct ike_sa *sa, *snext;
	char a[IKE_ADDR_STRLEN];
	unsigned nchild = 0, nsa = 0;

	for (ce = e->children; ce != NULL; ce = cnext) {
		cnext = ce->next;
		if (!ike_host_equal(&ce->c.remote, remote))
			continue;
		if (send_delete)
			ike_v1_send_delete_child(e, &ce->c);
		ike_child_remove(e, ce);
		nchild++;
	}
	for (sa = e->sas; sa != NULL; sa = snext) {
		snext = sa->next;
		if (!ike_host_equal(&sa->remote, remote))
			continue;
		if (sa->step == IKE_MM_DONE) {
			if (send_delete)
				v1_info_delete(e, sa, ISAKMP_PROTO_ISAKMP, NULL, 0, 1);
			e->st.mm_current--;
		}
		ike_sa_free(e, sa);
		nsa++;
	}
	ike_log(e, LOG_INFO, "every SA with %s ended%s: %u IKE SAs, %u child SAs",
	    ike_addr_str(remote, a, sizeof(a)), send_delete ? " (DELETE sent)" : "", nsa,
	    nchild);
	return nchild;
}

void
ike_life_shutdown(struct ike_engine *e)
{
	unsigned nchild = 0, nsa = 0;

	while (e->children != NULL) {
		ike_v1_send_delete_child(e, &e->children->c);
		ike_child_remove(e, e->children);
		nchild++;
	}
	while (e->sas != NULL) {
		struct ike_sa *sa = e->sas;

		if (sa->step == IKE_MM_DONE) {
			v1_info_delete(e, sa, ISAKMP_PROTO_ISAKMP, NULL, 0, 1);
			e->st.mm_current--;
		}
		ike_sa_free(e, sa);
		nsa++;
	}
	ike_log(e, LOG_INFO, "shutdown: %u IKE SAs and %u child SAs deleted", nsa, nchild);
}
