/* ike_engine: the engine's public calls; exchanges live in ike/v1_*.c. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "ike/isakmp.h"
#include "ike/sa.h"
#include "ike/v1.h"

void
ike_limits_default(struct ike_limits *lim)
{
	lim->half_open_total = IKE_DEF_HALF_OPEN_TOTAL;
	lim->half_open_peer = IKE_DEF_HALF_OPEN_PEER;
	lim->retrans_first_ms = IKE_DEF_RETRANS_FIRST_MS;
	lim->retrans_tries = IKE_DEF_RETRANS_TRIES;
	lim->mm_max = IKE_DEF_MM_MAX;
	lim->child_max = IKE_DEF_CHILD_MAX;
	lim->qm_max_per_mm = IKE_DEF_QM_PER_MM;
	lim->max_packet = IKE_DEF_MAX_PACKET;
	lim->rekey_delay_ms = IKE_DEF_REKEY_DELAY_MS;
	lim->half_open_busy_ms = IKE_DEF_HALF_OPEN_BUSY_MS;
}

struct ike_engine *
ike_engine_new(const struct ike_ops *ops, const struct ike_limits *lim)
{
	struct ike_engine *e;

	if (ops == NULL || ops->now_ms == NULL || ops->send == NULL || ops->spi_alloc == NULL ||
	    ops->child_install == NULL || ops->child_delete == NULL ||
	    ops->rule_for_ids == NULL) {
		errno = EINVAL;
		return NULL;
	}
	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return NULL;
	e->ops = *ops;
	ike_limits_default(&e->lim);
	if (lim != NULL) {
		/* Zero fields keep their defaults. */
		if (lim->half_open_total != 0)
			e->lim.half_open_total = lim->half_open_total;
		if (lim->half_open_peer != 0)
			e->lim.half_open_peer = lim->half_open_peer;
		if (lim->retrans_first_ms != 0)
			e->lim.retrans_first_ms = lim->retrans_first_ms;
		if (lim->retrans_tries != 0)
			e->lim.retrans_tries = lim->retrans_tries > 16 ? 16 : lim->retrans_tries;
		if (lim->mm_max != 0)
			e->lim.mm_max = lim->mm_max;
		if (lim->child_max != 0)
			e->lim.child_max = lim->child_max;
		if (lim->qm_max_per_mm != 0)
			e->lim.qm_max_per_mm = lim->qm_max_per_mm;
		if (lim->max_packet != 0)
			e->lim.max_packet = lim->max_packet;
		if (lim->rekey_delay_ms != 0)
			e->lim.rekey_delay_ms = lim->rekey_delay_ms;
		e->lim.child_life_max_s = lim->child_life_max_s;
		if (lim->half_open_busy_ms != 0)
			e->lim.half_open_busy_ms = lim->half_open_busy_ms;
	}
	return e;
}

void
ike_engine_free(struct ike_engine *e)
{
	if (e == NULL)
		return;
	while (e->sas != NULL)
		ike_sa_free(e, e->sas);
	while (e->children != NULL) {
		struct ike_child_ent *ce = e->children;

		e->children = ce->next;
		free(ce);
	}
	ike_wipe(e, sizeof(*e));
	free(e);
}

void
ike_engine_set_plan(struct ike_engine *e, const struct ike_plan *p)
{
	/* Exchanges keep copies of what they chose (offers, secrets, rule names and
	 * reqids), never pointers into the plan; children of rules that are gone go, and
	 * dead peer detection follows it. */
	e->plan = p;
	ike_life_prune(e);
	v1_dpd_replan(e);
}

int
ike_engine_set_id(struct ike_engine *e, const struct ike_id *id)
{
	if (id == NULL) {
		memset(&e->id, 0, sizeof(e->id));
		return 0;
	}
	if (id->type == IKE_ID_FQDN && (id->fqdn[0] == '\0' ||
	    memchr(id->fqdn, '\0', sizeof(id->fqdn)) == NULL))
		return -EINVAL;
	if (id->type != IKE_ID_ADDR && id->type != IKE_ID_FQDN)
		return -EINVAL;
	e->id = *id;
	return 0;
}

void
ike_engine_set_certs(struct ike_engine *e, const struct ike_certs *c)
{
	e->certs = c;
}

const struct ipp_ike_rule *
ike_rule_by_reqid(const struct ike_engine *e, uint32_t reqid)
{
	if (e->plan == NULL || reqid == 0)
		return NULL;
	for (size_t i = 0; i < e->plan->nrules; i++)
		if (e->plan->rules[i].reqid == reqid)
			return &e->plan->rules[i];
	return NULL;
}

static bool
addr_ok(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET || ss->ss_family == AF_INET6;
}

int
ike_engine_acquire(struct ike_engine *e, const struct ike_acquire *a)
{
	const struct ipp_ike_rule *r = ike_rule_by_reqid(e, a->reqid);

	if (r == NULL || r->action != IPP_ACTION_NEGOTIATE) {
		ike_log(e, LOG_WARNING, "ACQUIRE for reqid %u: no negotiate rule with that reqid "
		    "in the plan", a->reqid);
		return -ENOENT;
	}
	if (!addr_ok(&a->local) || a->local.ss_family != a->remote.ss_family ||
	    a->policy_sel.family != a->packet_sel.family ||
	    (a->policy_sel.family != AF_INET && a->policy_sel.family != AF_INET6))
		return -EINVAL;
	return ike_v1_acquire(e, a, r);
}

void
ike_engine_input(struct ike_engine *e, const struct sockaddr *local,
    const struct sockaddr *remote, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	e->st.rx++;
	if (len < ISAKMP_HDR_LEN || len > e->lim.max_packet ||
	    (remote->sa_family != AF_INET && remote->sa_family != AF_INET6) ||
	    local->sa_family != remote->sa_family) {
		e->st.malformed++;
		return;
	}
	if (p[17] >> 4 == 1) {
		ike_v1_input(e, local, remote, p, len);
		return;
	}
	e->st.malformed++;	/* IKEv2 is not spoken yet */
}

int
ike_engine_expire(struct ike_engine *e, uint8_t proto, uint32_t spi, bool hard)
{
	struct ike_child_ent *ce = ike_child_find_spi(e, proto, spi);

	if (ce == NULL)
		return -ENOENT;
	if (hard)
		ike_life_hard(e, ce);
	else
		ike_life_soft(e, ce);
	return 0;
}

int64_t
ike_engine_next_timeout_ms(struct ike_engine *e)
{
	uint64_t now = ike_now(e), t = ike_life_next(e);
	int64_t v1 = ike_v1_next_timeout(e, now);

	if (t == UINT64_MAX)
		return v1;
	t = t <= now ? 0 : t - now;
	if (t > INT64_MAX)
		t = INT64_MAX;
	return v1 < 0 || (uint64_t)v1 > t ? (int64_t)t : v1;
}

void
ike_engine_tick(struct ike_engine *e)
{
	ike_v1_tick(e);
	ike_life_tick(e, ike_now(e));
}

unsigned
ike_engine_delete_peer(struct ike_engine *e, const struct sockaddr *remote, bool send_delete)
{
	struct sockaddr_storage ss;

	if (remote->sa_family != AF_INET && remote->sa_family != AF_INET6)
		return 0;
	memset(&ss, 0, sizeof(ss));
	memcpy(&ss, remote, remote->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
	    sizeof(struct sockaddr_in));
	return ike_life_delete_peer(e, &ss, send_delete);
}

void
ike_engine_shutdown(struct ike_engine *e)
{
	ike_life_shutdown(e);
}

void
ike_engine_walk(struct ike_engine *e, const struct ike_walk_cb *cb)
{
	for (struct ike_sa *sa = e->sas; sa != NULL && cb->mm != NULL; sa = sa->next) {
		struct ike_mm_info m;

		memset(&m, 0, sizeof(m));
		m.local = sa->local;
		m.remote = sa->remote;
		memcpy(m.icookie, sa->icookie, IKE_SPI_LEN);
		memcpy(m.rcookie, sa->rcookie, IKE_SPI_LEN);
		m.initiator = sa->initiator;
		m.state = sa->step == IKE_MM_DONE ? IKE_MM_ESTABLISHED : IKE_MM_NEGOTIATING;
		m.auth = sa->auth;
		m.cipher = sa->chosen.cipher;
		m.hash = sa->chosen.hash;
		m.group = sa->chosen.group;
		m.life_s = sa->chosen.life_s;
		m.created_ms = sa->created_ms;
		m.nqm = sa->nqm;
		memcpy(m.peer_id, sa->peer_id, sizeof(m.peer_id));
		cb->mm(cb->arg, &m);
	}
	for (struct ike_child_ent *ce = e->children; ce != NULL && cb->child != NULL;
	    ce = ce->next)
		cb->child(cb->arg, &ce->c);
}

void
ike_engine_stats(const struct ike_engine *e, struct ike_stats *st)
{
	*st = e->st;
	st->half_open = ike_sa_half_open(e, NULL);
	st->half_open_max = e->lim.half_open_total;
	st->half_open_peer_max = e->lim.half_open_peer;
}

/* ---- helpers for the exchange code ---- */

uint64_t
ike_now(struct ike_engine *e)
{
	return e->ops.now_ms(e->ops.arg);
}

void
ike_log(struct ike_engine *e, int prio, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	if (e->ops.log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	e->ops.log(e->ops.arg, prio, msg);
}

const char *
ike_addr_str(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	const void *a = ss->ss_family == AF_INET6 ?
	    (const void *)&((const struct sockaddr_in6 *)(const void *)ss)->sin6_addr :
	    (const void *)&((const struct sockaddr_in *)(const void *)ss)->sin_addr;

	if (inet_ntop(ss->ss_family, a, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

int
ike_send(struct ike_engine *e, const struct ike_sa *sa, const void *buf, size_t len)
{
	int r = e->ops.send(e->ops.arg, (const struct sockaddr *)&sa->local,
	    (const struct sockaddr *)&sa->remote, buf, len);

	e->st.tx++;
	if (r != 0)
		e->st.send_errors++;
	return r;
}
