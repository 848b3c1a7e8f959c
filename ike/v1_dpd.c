/*
 * ike_v1 dead peer detection (RFC 3706).  Both sides announce it with a vendor ID in Main
 * Mode messages 1 and 2.  R-U-THERE and R-U-THERE-ACK are notifies of the ISAKMP SA (SPI =
 * the two cookies, data = a 32-bit sequence number) in protected Informational exchanges.
 *
 * Idle-based, as the RFC asks: a peer is asked only after the plan's delay without a sign
 * of life, which is an authenticated IKE message from it or a change of the kernel's
 * inbound packet counters on its SAs (ops->child_rx_packets).  Unanswered, R-U-THERE is
 * sent again every delay with a new sequence number; an answer to any of the outstanding
 * ones counts.  When none is answered within the timeout, the peer is dead: its child SAs
 * (kernel states) and IKE SAs go (ike_engine_delete_peer, no DELETE), and with the restart
 * action the bundles we had are negotiated again at once.  The agent's policies stay, so with clear
 * and hold the next packet raises an ACQUIRE and negotiates anew.
 *
 * Only the newest established IKE SA with a peer probes it, so an older one the peer may
 * have dropped silently cannot make a live peer look dead.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "ike/v1.h"

/* draft-ietf-ipsec-dpd / RFC 3706 §5.1: 0xAFCAD71368A1F1C96B8696FC7757 + major 1, minor 0. */
static const uint8_t dpd_vid[16] = {
	0xaf, 0xca, 0xd7, 0x13, 0x68, 0xa1, 0xf1, 0xc9,
	0x6b, 0x86, 0x96, 0xfc, 0x77, 0x57, 0x01, 0x00,
};

static const char *const action_name[] = { "clear", "hold", "restart" };

int
v1_dpd_put_vid(struct isakmp_buf *b)
{
	return isakmp_put_payload(b, ISAKMP_PL_VID, dpd_vid, sizeof(dpd_vid), NULL);
}

void
v1_dpd_scan_vid(struct ike_sa *sa, const struct v1_in *in)
{
	const struct isakmp_pl *pl;
	size_t from = 0;

	while ((pl = isakmp_chain_next(&in->c, ISAKMP_PL_VID, &from)) != NULL)
		if (pl->len == sizeof(dpd_vid) && memcmp(pl->body, dpd_vid, sizeof(dpd_vid)) == 0)
			sa->dpd_peer = true;
}

static const struct ipp_dpd *
dpd_conf(const struct ike_engine *e)
{
	if (e->plan == NULL || !e->plan->main.present || e->plan->main.dpd.delay_s == 0)
		return NULL;
	return &e->plan->main.dpd;
}

static void
dpd_schedule(struct ike_engine *e, struct ike_sa *sa)
{
	const struct ipp_dpd *d = dpd_conf(e);

	if (d == NULL || !sa->dpd_peer || sa->step != IKE_MM_DONE) {
		sa->dpd_due_ms = 0;
		sa->dpd_probe_ms = 0;
		sa->dpd_probes = 0;
		return;
	}
	sa->dpd_due_ms = sa->dpd_seen_ms + (uint64_t)d->delay_s * 1000;
}

void
v1_dpd_start(struct ike_engine *e, struct ike_sa *sa)
{
	sa->dpd_seen_ms = ike_now(e);
	/* RFC 3706 §5.5: a random start, kept below 2^31 so it cannot wrap soon. */
	if (ike_random(&sa->dpd_seq, sizeof(sa->dpd_seq), NULL) != 0)
		sa->dpd_seq = (uint32_t)sa->serial;
	sa->dpd_seq &= 0x7fffffffu;
	dpd_schedule(e, sa);
}

void
v1_dpd_alive(struct ike_engine *e, struct ike_sa *sa)
{
	sa->dpd_seen_ms = ike_now(e);
	sa->dpd_probe_ms = 0;
	sa->dpd_probes = 0;
	if (sa->dpd_due_ms != 0)
		dpd_schedule(e, sa);
}

void
v1_dpd_replan(struct ike_engine *e)
{
	for (struct ike_sa *sa = e->sas; sa != NULL; sa = sa->next)
		if (sa->step == IKE_MM_DONE && (sa->dpd_due_ms == 0) != (dpd_conf(e) == NULL))
			dpd_schedule(e, sa);
}

static bool
spi_is_ours(const struct ike_sa *sa, const struct isakmp_notify *n)
{
	return n->spi_len == 2 * IKE_SPI_LEN &&
	    memcmp(n->spi, sa->icookie, IKE_SPI_LEN) == 0 &&
	    memcmp(n->spi + IKE_SPI_LEN, sa->rcookie, IKE_SPI_LEN) == 0;
}

void
v1_dpd_notify(struct ike_engine *e, struct ike_sa *sa, const struct isakmp_notify *n)
{
	char a[IKE_ADDR_STRLEN];
	uint32_t seq;

	ike_addr_str(&sa->remote, a, sizeof(a));
	if (n->proto != ISAKMP_PROTO_ISAKMP || !spi_is_ours(sa, n) || n->data_len != 4) {
		ike_log(e, LOG_WARNING, "%s from %s ignored: it must name this IKE SA's cookies "
		    "and carry a 4-byte sequence number (SPI %u bytes, data %zu bytes)",
		    isakmp_notify_name(n->type), a, n->spi_len, n->data_len);
		return;
	}
	seq = v1_spi_get(n->data);
	if (n->type == ISAKMP_N_DPD_R_U_THERE) {
		e->st.dpd_rx++;
		v1_info_notify(e, sa, ISAKMP_PROTO_ISAKMP, ISAKMP_N_DPD_R_U_THERE_ACK, n->spi,
		    n->spi_len, n->data, n->data_len);
		return;
	}
	/* An ACK for one of our R-U-THERE since the last answered round (serial arithmetic);
	 * it may come after another sign of life ended the round. */
	if (!sa->dpd_asked ||
	    (uint32_t)(seq - sa->dpd_seq_first) > (uint32_t)(sa->dpd_seq - sa->dpd_seq_first)) {
		ike_log(e, LOG_DEBUG, "R-U-THERE-ACK from %s with sequence %u ignored: not one "
		    "we are waiting for", a, seq);
		return;
	}
	e->st.dpd_acks++;
	ike_log(e, LOG_DEBUG, "R-U-THERE-ACK %u from %s", seq, a);
}

/* The kernel's inbound packet count over every child SA with the peer of sa. */
static bool
rx_packets(struct ike_engine *e, const struct ike_sa *sa, uint64_t *sum)
{
	bool any = false;

	*sum = 0;
	if (e->ops.child_rx_packets == NULL)
		return false;
	for (struct ike_child_ent *ce = e->children; ce != NULL; ce = ce->next) {
		uint64_t n = 0;

		if (!ike_host_equal(&ce->c.remote, &sa->remote) ||
		    e->ops.child_rx_packets(e->ops.arg, &ce->c, &n) != 0)
			continue;
		*sum += n;
		any = true;
	}
	return any;
}

static void
send_probe(struct ike_engine *e, struct ike_sa *sa, uint64_t now)
{
	uint8_t spi[2 * IKE_SPI_LEN], data[4];
	char a[IKE_ADDR_STRLEN];

	sa->dpd_seq = (sa->dpd_seq + 1) & 0x7fffffffu;
	if (sa->dpd_probe_ms == 0) {
		sa->dpd_probe_ms = now;
		sa->dpd_seq_first = sa->dpd_seq;
		sa->dpd_asked = true;
	}
	sa->dpd_probes++;
	memcpy(spi, sa->icookie, IKE_SPI_LEN);
	memcpy(spi + IKE_SPI_LEN, sa->rcookie, IKE_SPI_LEN);
	v1_spi_put(data, sa->dpd_seq);
	e->st.dpd_sent++;
	ike_log(e, LOG_DEBUG, "R-U-THERE %u to %s (idle %llu ms, try %u)", sa->dpd_seq,
	    ike_addr_str(&sa->remote, a, sizeof(a)),
	    (unsigned long long)(now - sa->dpd_seen_ms), sa->dpd_probes);
	v1_info_notify(e, sa, ISAKMP_PROTO_ISAKMP, ISAKMP_N_DPD_R_U_THERE, spi, sizeof(spi),
	    data, sizeof(data));
}

/* What to negotiate again for c with the restart action: an ACQUIRE for its IDs. */
static bool
restart_acquire(const struct ike_engine *e, const struct ike_child *c, struct ike_acquire *a)
{
	const struct ike_ts *l = &c->ts_local, *r = &c->ts_remote;

	if (ike_rule_by_reqid(e, c->reqid) == NULL)
		return false;	/* the default response rule: only the peer can start it */
	memset(a, 0, sizeof(*a));
	a->reqid = c->reqid;
	a->local = c->local;
	a->remote = c->remote;
	a->policy_sel.family = a->packet_sel.family = l->family;
	a->policy_sel.saddr = a->packet_sel.saddr = l->addr;
	a->policy_sel.daddr = a->packet_sel.daddr = r->addr;
	a->policy_sel.sprefix = a->packet_sel.sprefix = l->prefix;
	a->policy_sel.dprefix = a->packet_sel.dprefix = r->prefix;
	a->policy_sel.proto = a->packet_sel.proto = l->proto;
	a->policy_sel.sport = a->packet_sel.sport = l->port;
	a->policy_sel.dport = a->packet_sel.dport = r->port;
	a->policy_sel.sport_mask = l->port != 0 ? 0xffff : 0;
	a->policy_sel.dport_mask = r->port != 0 ? 0xffff : 0;
	return true;
}

/* The peer of sa is dead: the plan's action.  Frees sa and every SA with the peer. */
static void
dead(struct ike_engine *e, struct ike_sa *sa, const struct ipp_dpd *d, uint64_t now)
{
	struct sockaddr_storage peer = sa->remote;
	struct ike_acquire *acq = NULL;
	size_t nacq = 0, nrestart = 0;
	char a[IKE_ADDR_STRLEN];

	ike_addr_str(&peer, a, sizeof(a));
	e->st.dpd_dead++;
	ike_log(e, LOG_WARNING, "dead peer detection: %s (ID %s) answered none of %u "
	    "R-U-THERE in %llu s (timeout %u s): declared dead; action %s", a, sa->peer_id,
	    sa->dpd_probes, (unsigned long long)((now - sa->dpd_probe_ms) / 1000),
	    d->timeout_s, action_name[d->action]);
	for (struct ike_child_ent *ce = e->children; ce != NULL &&
	    d->action == IPP_DPD_RESTART; ce = ce->next) {
		struct ike_acquire *n;

		if (!ike_host_equal(&ce->c.remote, &peer))
			continue;
		if ((n = realloc(acq, (nacq + 1) * sizeof(*acq))) == NULL)
			break;
		acq = n;
		nacq += restart_acquire(e, &ce->c, &acq[nacq]);
	}
	/* No DELETE: nobody is there to read it. */
	ike_engine_delete_peer(e, (const struct sockaddr *)&peer, false);
	for (size_t i = 0; i < nacq; i++)
		nrestart += ike_engine_acquire(e, &acq[i]) >= 0;
	free(acq);
	if (d->action == IPP_DPD_RESTART)
		ike_log(e, LOG_WARNING, "dead peer %s: negotiating %zu of %zu bundles again now",
		    a, nrestart, nacq);
}

/* One look at sa; true when it (and maybe others) was freed. */
static bool
dpd_look(struct ike_engine *e, struct ike_sa *sa, uint64_t now)
{
	const struct ipp_dpd *d = dpd_conf(e);
	uint64_t pkts, delay, timeout;

	if (d == NULL) {
		sa->dpd_due_ms = 0;
		return false;
	}
	delay = (uint64_t)d->delay_s * 1000;
	timeout = (uint64_t)d->timeout_s * 1000;
	if (ike_sa_find_peer(e, NULL, (const struct sockaddr *)&sa->remote, true) != sa) {
		/* A newer one asks; look again later in case it goes first. */
		sa->dpd_probe_ms = 0;
		sa->dpd_due_ms = now + delay;
		return false;
	}
	if (rx_packets(e, sa, &pkts) && pkts != sa->dpd_rx_pkts) {
		sa->dpd_rx_pkts = pkts;
		v1_dpd_alive(e, sa);
	}
	if (sa->dpd_probe_ms == 0 && now < sa->dpd_seen_ms + delay) {
		sa->dpd_due_ms = sa->dpd_seen_ms + delay;
		return false;
	}
	if (sa->dpd_probe_ms != 0 && now >= sa->dpd_probe_ms + timeout) {
		dead(e, sa, d, now);
		return true;
	}
	send_probe(e, sa, now);
	sa->dpd_due_ms = now + delay;
	if (sa->dpd_due_ms > sa->dpd_probe_ms + timeout)
		sa->dpd_due_ms = sa->dpd_probe_ms + timeout;
	return false;
}

void
v1_dpd_tick(struct ike_engine *e, uint64_t now)
{
	struct ike_sa *sa;

again:
	for (sa = e->sas; sa != NULL; sa = sa->next)
		if (sa->dpd_due_ms != 0 && sa->dpd_due_ms <= now && dpd_look(e, sa, now))
			goto again;	/* the list changed under us */
}
