/*
 * iked_show: the agent's questions for `ipsecpol dynamic show mmsas|qmsas|softsas|stats`.
 * Main Mode SAs and child SA bundles come from the engine (no keys: it zeroes them), byte
 * and packet counts from the kernel's SAs, soft associations from the module's own list,
 * statistics from the engine and the module.  Replies are bounded like every control
 * message: a full one goes out with CTL_F_MORE.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "agent/ctl_proto.h"
#include "agent/ike_plan.h"
#include "agent/log.h"
#include "ike/iked.h"

struct show_ctx {
	struct iked	*d;
	struct ctl_msg	m;
	uint16_t	type;
	uint32_t	seq;
	int		err;
	uint64_t	now_ms;
};

static int
show_send(struct iked *d, struct ctl_msg *m)
{
	ssize_t n;

	if (ctl_msg_finish(m) < 0)
		return -1;
	do
		n = send(d->agent, m->buf, m->len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)m->len ? 0 : -1;
}

/* Room for one more entry, else the full message goes out marked "more". */
static void
show_room(struct show_ctx *x)
{
	if (x->err != 0 || ctl_msg_room(&x->m) >= 2048)
		return;
	x->m.buf[5] |= CTL_F_MORE;
	if (show_send(x->d, &x->m) < 0)
		x->err = -1;
	ctl_msg_free(&x->m);
	ctl_msg_init(&x->m, x->type | CTL_REPLY, x->seq, 0);
}

static void
show_addr(struct ctl_msg *m, uint16_t type, const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		ctl_put_bytes(m, type, &((const struct sockaddr_in *)ss)->sin_addr, 4);
	else
		ctl_put_bytes(m, type, &((const struct sockaddr_in6 *)ss)->sin6_addr, 16);
}

static void
show_mm(void *arg, const struct ike_mm_info *i)
{
	struct show_ctx *x = arg;
	struct ctl_msg *m = &x->m;

	show_room(x);
	ctl_nest_begin(m, CTL_A_MMSA);
	ctl_put_u8(m, CTL_S_FAMILY, i->local.ss_family == AF_INET ? 4 : 6);
	show_addr(m, CTL_S_LOCAL, &i->local);
	show_addr(m, CTL_S_REMOTE, &i->remote);
	ctl_put_u8(m, CTL_S_INITIATOR, i->initiator);
	ctl_put_u8(m, CTL_S_STATE, i->state == IKE_MM_ESTABLISHED);
	ctl_put_u8(m, CTL_S_AUTH, (uint8_t)i->auth);
	ctl_put_u8(m, CTL_S_CIPHER, (uint8_t)i->cipher);
	ctl_put_u8(m, CTL_S_HASH, (uint8_t)i->hash);
	ctl_put_u16(m, CTL_S_GROUP, i->group);
	ctl_put_u64(m, CTL_S_LIFE_S, i->life_s);
	ctl_put_u64(m, CTL_S_AGE_S, (x->now_ms - i->created_ms) / 1000);
	ctl_put_bytes(m, CTL_S_ICOOKIE, i->icookie, 8);
	ctl_put_bytes(m, CTL_S_RCOOKIE, i->rcookie, 8);
	ctl_put_str(m, CTL_S_PEER_ID, i->peer_id);
	ctl_put_u32(m, CTL_S_NQM, i->nqm);
	ctl_nest_end(m);
}

static void
show_ts(struct ctl_msg *m, uint16_t type, const struct ike_ts *t)
{
	ctl_nest_begin(m, type);
	ctl_put_bytes(m, CTL_S_T_ADDR, &t->addr, t->family == AF_INET ? 4 : 16);
	ctl_put_u8(m, CTL_S_T_PREFIX, t->prefix);
	ctl_put_u8(m, CTL_S_T_PROTO, t->proto);
	ctl_put_u16(m, CTL_S_T_PORT, t->port);
	ctl_nest_end(m);
}

static void
show_child(void *arg, const struct ike_child *c)
{
	struct show_ctx *x = arg;
	struct ctl_msg *m = &x->m;
	const struct ipp_ike_rule *r = ike_plan_rule(&x->d->plan, c->reqid);
	struct xfrm_counters in, out;

	iked_kernel_counters(x->d, c->id, &in, &out);
	show_room(x);
	ctl_nest_begin(m, CTL_A_QMSA);
	ctl_put_u8(m, CTL_S_FAMILY, c->local.ss_family == AF_INET ? 4 : 6);
	show_addr(m, CTL_S_LOCAL, &c->local);
	show_addr(m, CTL_S_REMOTE, &c->remote);
	ctl_put_u8(m, CTL_S_INITIATOR, c->initiator);
	ctl_put_u32(m, CTL_S_REQID, c->reqid);
	ctl_put_str(m, CTL_S_RULE, c->reqid == 0 ? "default response rule" :
	    r != NULL ? r->name : "(rule no longer in the plan)");
	ctl_put_u8(m, CTL_S_MODE, c->mode);
	for (size_t i = 0; i < c->nproto && i < IKE_CHILD_PROTO_MAX; i++) {
		ctl_nest_begin(m, CTL_S_PROTO);
		ctl_put_u8(m, CTL_S_P_PROTO, c->p[i].proto);
		ctl_put_u8(m, CTL_S_P_CIPHER, (uint8_t)c->p[i].cipher);
		ctl_put_u8(m, CTL_S_P_AUTH, (uint8_t)c->p[i].auth);
		ctl_put_u32(m, CTL_S_P_SPI_IN, c->p[i].spi_in);
		ctl_put_u32(m, CTL_S_P_SPI_OUT, c->p[i].spi_out);
		ctl_nest_end(m);
	}
	show_ts(m, CTL_S_TS_LOCAL, &c->ts_local);
	show_ts(m, CTL_S_TS_REMOTE, &c->ts_remote);
	ctl_put_u16(m, CTL_S_GROUP, c->pfs_group);
	ctl_put_u64(m, CTL_S_LIFE_S, c->hard_s);
	ctl_put_u64(m, CTL_S_LIFE_KB, c->hard_bytes / 1024);
	ctl_put_u64(m, CTL_S_AGE_S, (x->now_ms - c->created_ms) / 1000);
	ctl_put_u64(m, CTL_S_BYTES_IN, in.bytes);
	ctl_put_u64(m, CTL_S_BYTES_OUT, out.bytes);
	ctl_put_u64(m, CTL_S_PKTS_IN, in.packets);
	ctl_put_u64(m, CTL_S_PKTS_OUT, out.packets);
	ctl_nest_end(m);
}

/* A host as a selector side: the allowance's policy narrowed the rule's to it. */
static void
show_sel(struct ctl_msg *m, uint16_t type, const struct xfrm_sel *s, bool local)
{
	ctl_nest_begin(m, type);
	ctl_put_bytes(m, CTL_S_T_ADDR, local ? &s->saddr : &s->daddr,
	    s->family == AF_INET ? 4 : 16);
	ctl_put_u8(m, CTL_S_T_PREFIX, local ? s->sprefix : s->dprefix);
	ctl_put_u8(m, CTL_S_T_PROTO, s->proto);
	ctl_put_u16(m, CTL_S_T_PORT, ntohs(local ? s->sport : s->dport));
	ctl_nest_end(m);
}

/*
 * One allowance, from its out policy (our host is its source).  We made it as the
 * initiator: only our own Main Mode going unanswered makes one.
 */
static void
show_soft(struct show_ctx *x, const struct iked_soft *s)
{
	const struct xfrm_sel *sel = &s->pol[0].sel;
	struct ctl_msg *m = &x->m;

	show_room(x);
	ctl_nest_begin(m, CTL_A_SOFTSA);
	ctl_put_u8(m, CTL_S_FAMILY, sel->family == AF_INET ? 4 : 6);
	ctl_put_bytes(m, CTL_S_LOCAL, &sel->saddr, sel->family == AF_INET ? 4 : 16);
	ctl_put_bytes(m, CTL_S_REMOTE, &sel->daddr, sel->family == AF_INET ? 4 : 16);
	ctl_put_u8(m, CTL_S_INITIATOR, 1);
	ctl_put_u32(m, CTL_S_REQID, s->reqid);
	ctl_put_str(m, CTL_S_RULE, s->rule);
	ctl_put_u8(m, CTL_S_MODE, s->npol == 3 ? XFRM_MODE_TUNNEL : XFRM_MODE_TRANSPORT);
	show_sel(m, CTL_S_TS_LOCAL, sel, true);
	show_sel(m, CTL_S_TS_REMOTE, sel, false);
	ctl_put_u64(m, CTL_S_LIFE_S, (s->expires_ms - s->created_ms) / 1000);
	ctl_put_u64(m, CTL_S_AGE_S, (x->now_ms - s->created_ms) / 1000);
	/* Rounded up: an allowance still in force never shows 0 s left. */
	ctl_put_u64(m, CTL_S_LEFT_S, (s->expires_ms - x->now_ms + 999) / 1000);
	ctl_nest_end(m);
}

/* Those still in force: an expired one is gone from the kernel (its hard expiry). */
static void
show_softs(struct show_ctx *x)
{
	iked_soft_prune(x->d);
	for (size_t i = 0; i < x->d->nsoft; i++)
		show_soft(x, &x->d->soft[i]);
}

static void
show_stat(struct show_ctx *x, const char *name, uint64_t v)
{
	show_room(x);
	ctl_nest_begin(&x->m, CTL_A_IKESTAT);
	ctl_put_str(&x->m, CTL_S_NAME, name);
	ctl_put_u64(&x->m, CTL_S_VALUE, v);
	ctl_nest_end(&x->m);
}

/* dos: the half-open table as the agent's status carries it (ipsecpol status). */
static void
show_dos(struct show_ctx *x, const struct ike_stats *st)
{
	struct ctl_status s = {
		.ike_dos = true,
		.ike_half_open = (uint32_t)st->half_open,
		.ike_half_open_max = (uint32_t)st->half_open_max,
		.ike_half_open_peer_max = (uint32_t)st->half_open_peer_max,
		.ike_half_open_peak = (uint32_t)st->half_open_peak,
		.ike_half_open_drops = st->half_open_drops,
		.ike_half_open_evicted = st->half_open_evicted,
	};

	show_room(x);
	ctl_status_put_dos(&x->m, &s);
}

struct show_counter {
	const char	*name;
	uint64_t	v;
};

static void
show_stats(struct show_ctx *x)
{
	const struct iked_counters *k = &x->d->cnt;
	struct ike_stats s;

	ike_engine_stats(x->d->eng, &s);
	iked_soft_prune(x->d);
	const struct show_counter tab[] = {
		{ "datagrams received", s.rx }, { "datagrams sent", s.tx },
		{ "malformed", s.malformed }, { "unknown SA", s.unknown_sa },
		{ "replays", s.replays }, { "retransmissions", s.retransmits },
		{ "replies resent", s.resent }, { "half-open", s.half_open },
		{ "half-open refused", s.half_open_drops },
		{ "half-open limit", s.half_open_max },
		{ "half-open limit per peer", s.half_open_peer_max },
		{ "half-open peak", s.half_open_peak },
		{ "half-open evicted", s.half_open_evicted },
		{ "first messages shed", k->first_shed },
		{ "authentication failures", s.auth_failed },
		{ "no proposal chosen", s.no_proposal },
		{ "main modes", s.mm_ok }, { "main modes failed", s.mm_failed },
		{ "quick modes", s.qm_ok }, { "quick modes failed", s.qm_failed },
		{ "main-mode SAs", s.mm_current }, { "quick-mode SA bundles", s.child_current },
		{ "deletes received", s.deletes_rx }, { "deletes sent", s.deletes_tx },
		{ "send errors", s.send_errors },
		{ "R-U-THERE sent", s.dpd_sent }, { "R-U-THERE received", s.dpd_rx },
		{ "R-U-THERE-ACK received", s.dpd_acks }, { "dead peers", s.dpd_dead },
		{ "oversized datagrams", k->udp_truncated },
		{ "acquires", k->acquires }, { "acquires refused", k->acquires_refused },
		{ "soft expiries", k->expires_soft }, { "hard expiries", k->expires_hard },
		{ "stale hard expiries ignored", k->expires_stale },
		{ "plans", k->plans }, { "plans refused", k->plans_refused },
		{ "SA installs", k->installs }, { "SA installs failed", k->install_failed },
		{ "SA deletes", k->deletes }, { "kernel event overruns", k->event_overruns },
		{ "plan generation", x->d->plan.gen },
		/* acquires that came before the plan with their rule */
		{ "acquires held", k->acq_held }, { "held acquires served", k->acq_served },
		{ "held acquires given up", k->acq_expired },
		{ "acquires not held (table full)", k->acq_overflow },
		{ "acquires waiting", x->d->acq.n },
		/* lifetimes and rekey */
		{ "rekeys", s.rekeys }, { "quick-mode SAs expired", s.child_expired },
		{ "soft associations made", s.soft_allowed },
		{ "soft associations", x->d->nsoft },
		{ "soft associations expired", x->d->soft_expired },
	};

	show_dos(x, &s);
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		show_stat(x, tab[i].name, tab[i].v);
}

void
iked_show(struct iked *d, uint16_t type, uint32_t seq, const uint8_t *p, size_t len)
{
	struct show_ctx x = { .d = d, .type = type, .seq = seq, .now_ms = iked_now_ms(d) };
	struct ike_walk_cb cb = { .arg = &x };

	(void)p;
	(void)len;
	ctl_msg_init(&x.m, type | CTL_REPLY, seq, 0);
	switch (type) {
	case IKE_SHOW_MMSA:
		cb.mm = show_mm;
		ike_engine_walk(d->eng, &cb);
		break;
	case IKE_SHOW_QMSA:
		cb.child = show_child;
		ike_engine_walk(d->eng, &cb);
		show_softs(&x);
		break;
	case IKE_SHOW_SOFTSA:
		show_softs(&x);
		break;
	case IKE_SHOW_STATS:
		show_stats(&x);
		break;
	default:
		ctl_put_u32(&x.m, CTL_A_ERRCODE, IPP_E_UNSUPP);
		ctl_put_str(&x.m, CTL_A_ERRMSG, "request type not known to this IKE module");
		log_warn("the agent sent request type 0x%x, unknown here: refused", type);
		break;
	}
	if (x.err == 0 && show_send(d, &x.m) < 0)
		x.err = -1;
	if (x.err != 0)
		log_warn("cannot answer the agent's request 0x%x: %s", type, strerror(errno));
	ctl_msg_free(&x.m);
}
