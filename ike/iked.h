/*
 * iked: the IKE module's process around the exchange engine (ike/engine.h): the UDP
 * sockets of port 500, the kernel (SAs, SPI allocation, the SPD, ACQUIRE/EXPIRE events),
 * the link to the agent (plan in, SA listings out), capabilities and the event loop.
 * ipsecpol-iked(8) describes what it does; the engine does the talking to peers.
 */
#ifndef IPP_IKE_IKED_H
#define IPP_IKE_IKED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "ike/cert.h"
#include "ike/engine.h"
#include "ike/plan.h"
#include "kernel-xfrm/xfrm.h"

/*
 * The module's own band of XFRM priorities, for the per-peer policies of the default
 * response rule: above every value the agent may use (its band ends below 0x7fffffff),
 * so any agent policy, permit and block included, wins over them.
 */
#define IKED_PRIO_BASE		0x80000000u
/* Inbound SPIs: below 0x100 are reserved (RFC 4303 section 2.1). */
#define IKED_SPI_MIN		0x100u
#define IKED_SPI_MAX		0xffffffffu
#define IKED_REPLAY_WINDOW	64
#define IKED_PORT		500
/* Most SA bundles the module tracks (what it installed, to remove it at exit). */
#define IKED_SA_MAX		65536

/* One SA bundle the module installed: enough to remove it and to read its counters. */
struct iked_sa {
	uint64_t		child;		/* ike_child.id */
	size_t			nstate;
	struct xfrm_state_id	state[2 * IKE_CHILD_PROTO_MAX];
	bool			inbound[2 * IKE_CHILD_PROTO_MAX];
	size_t			npol;		/* default response rule only */
	struct xfrm_policy	pol[3];		/* out, in, fwd (tunnel) */
};

struct iked_counters {
	uint64_t	acquires;		/* ACQUIREs handed to the engine */
	uint64_t	acquires_refused;	/* no rule, no auth, limits */
	uint64_t	expires_soft, expires_hard;
	uint64_t	expires_stale;		/* hard EXPIREs of a larval state, ignored */
	uint64_t	plans, plans_refused;
	uint64_t	installs, install_failed, deletes;
	uint64_t	udp_truncated;		/* datagrams larger than the buffer */
	uint64_t	event_overruns;		/* kernel event queue overflows */
	/* dos: first messages dropped from a full batch (iked_net.c) */
	uint64_t	first_shed;
	/* acq: ACQUIREs held for a plan, then served, given up, or not held (table full) */
	uint64_t	acq_held, acq_served, acq_expired, acq_overflow;
};

/*
 * iked_acq.c: ACQUIREs whose reqid the plan in force does not have, kept until a plan
 * has it.  Each is given up after IKED_ACQ_HOLD_MS, or sooner when the kernel's larval
 * state expires before that (xfrm_acq_expires).
 */
#define IKED_ACQ_MAX		64
#define IKED_ACQ_HOLD_MS	5000
struct iked_acq_held {
	struct ike_acquire	a;
	uint8_t			proto;		/* of the larval state: ESP or AH */
	uint8_t			mode;		/* of the template that asked */
	struct xfrm_mark	mark;		/* of the policy (the larval state has it) */
	uint64_t		since_ms, until_ms;
};
struct iked_acq {
	struct iked_acq_held	held[IKED_ACQ_MAX];	/* oldest first */
	size_t			n;
	bool			full_logged;	/* until the table is empty again */
};
/* Holds h, or replaces the entry of the same larval state (1).  0, 1, or -ENOSPC. */
int	iked_acq_put(struct iked_acq *q, const struct iked_acq_held *h);
/* Each takes one entry out into *out (oldest first) and says whether there was one:
 * one whose reqid plan p has; one whose until_ms has come; the one of a larval state. */
bool	iked_acq_take_planned(struct iked_acq *q, const struct ike_plan *p,
	    struct iked_acq_held *out);
bool	iked_acq_take_due(struct iked_acq *q, uint64_t now_ms, struct iked_acq_held *out);
bool	iked_acq_take_larval(struct iked_acq *q, uint32_t reqid, uint8_t proto,
	    uint16_t family, const xfrm_address_t *saddr, const xfrm_address_t *daddr,
	    struct iked_acq_held *out);
/* Milliseconds until the first entry is due: 0 if one is, -1 if none is held. */
int64_t	iked_acq_next_ms(const struct iked_acq *q, uint64_t now_ms);

/* dos: datagrams read per batch; first messages taken from a full one */
#define IKED_BATCH		64
#define IKED_FIRST_PER_BATCH	8

struct iked {
	/* options */
	const char		*sockpath;	/* agent's IKE socket */
	uint16_t		port;		/* IKE port, network order */

	struct ike_engine	*eng;
	struct xfrm_handle	*xh;
	struct xfrm_monitor	*mon;
	int			udp4, udp6;	/* -1 when that family is unavailable */
	int			agent;		/* -1 until connected */
	int			sigfd;
	int			epfd;
	bool			stop;

	struct ike_plan		plan;		/* in force */
	struct ike_plan_rx	rx;		/* being received */
	struct ipp_auth		*authbuf;	/* auth_for_peer's answer (shallow) */
	size_t			nauthbuf, authcap;

	struct iked_sa		*sas;
	size_t			nsas;
	struct iked_counters	cnt;
	/* acq: ACQUIREs waiting for a plan with their reqid (iked_acq.c, iked_events.c) */
	struct iked_acq		acq;
	uint32_t		larval_ms;	/* the kernel's xfrm_acq_expires */
	/* lifetimes and rekey */
	uint32_t		child_life_max_s;	/* -L: 0 = the policy's lifetimes */
	/* certificates (cert): paths from -C -K -A -a -R, loaded by iked_init */
	struct ike_cert_conf	certconf;
	struct ike_certs	*certs;
	/* dos: the engine's limits from -l (zero fields: the engine's defaults) */
	struct ike_limits	lim;
	/* dos: the negotiate policies of the SPD (iked_spdcache.c) */
	struct xfrm_policy	*spd;
	size_t			nspd, spdcap;
	bool			spd_valid;
	uint32_t		spd_gen;	/* of the plan they were read for */
	uint64_t		spd_ms;		/* when */

	/* soft: clear-text allowances for peers that never answered IKE (iked_soft.c) */
	struct iked_soft	*soft;
	size_t			nsoft;
	uint64_t		soft_expired;	/* allowances the kernel removed at expiry */
};

/* iked_net.c: the UDP sockets */
int	iked_net_open(struct iked *d);
void	iked_net_close(struct iked *d);
/* Reads what is queued on fd and hands each datagram to the engine. */
void	iked_net_input(struct iked *d, int fd);
int	iked_net_send(void *arg, const struct sockaddr *local, const struct sockaddr *remote,
	    const void *buf, size_t len);

/* iked_kernel.c: SAs, SPIs, the default response rule's policies */
int	iked_spi_alloc(void *arg, const struct ike_spi_req *r, uint32_t *spi);
int	iked_child_install(void *arg, const struct ike_child *c);
void	iked_child_delete(void *arg, const struct ike_child *c);
/*
 * The policies a default-response-rule bundle (reqid 0) needs, as pol[0..n): out local ->
 * remote, in (and fwd for a tunnel) remote -> local, priority IKED_PRIO_BASE, templates
 * innermost first (ESP, then AH) with reqid 0.  Returns n (2 or 3).
 */
size_t	iked_default_policies(const struct ike_child *c, struct xfrm_policy pol[3]);
/*
 * Removes the kernel's larval SA from local to remote (that of an ACQUIRE), so that the
 * next packet makes the kernel ask again.  A larval SA has no SPI for DELSA to name:
 * ALLOCSPI finds it by mode, reqid, protocol, addresses and mark (mark may be NULL), or
 * makes one, and gives it an SPI, which DELSA then reaches.  0 or -errno.
 */
int	iked_larval_delete(struct iked *d, const struct sockaddr_storage *local,
	    const struct sockaddr_storage *remote, uint8_t proto, uint8_t mode,
	    uint32_t reqid, const struct xfrm_mark *mark);
/* Removes every SA and policy the module installed (at exit). */
void	iked_kernel_flush(struct iked *d);
/* The kernel's counters of the SAs of child id (summed per direction); -ENOENT if none. */
int	iked_kernel_counters(struct iked *d, uint64_t child, struct xfrm_counters *in,
	    struct xfrm_counters *out);

/* iked_spd.c: rules by the kernel's SPD */
const struct ipp_ike_rule *iked_rule_for_ids(void *arg, const struct sockaddr *local,
	    const struct sockaddr *remote, const struct ike_ts *ts_local,
	    const struct ike_ts *ts_remote);
int	iked_auth_for_peer(void *arg, const struct sockaddr *local,
	    const struct sockaddr *remote, const struct ipp_auth **auth, size_t *nauth);
/*
 * The reqid inbound SAs of c need: that of the most specific in/fwd policy with a plan
 * reqid whose selector takes the peer's traffic (remote -> local); c->reqid if none.
 */
uint32_t iked_reqid_inbound(struct iked *d, const struct ike_child *c);
/* Pure: does selector s contain the flow from ts src to ts dst? */
bool	iked_sel_contains(const struct xfrm_sel *s, const struct ike_ts *src,
	    const struct ike_ts *dst);

/* iked_events.c: kernel ACQUIRE and EXPIRE */
int	iked_events_open(struct iked *d);
void	iked_events_input(struct iked *d);
/* A plan went in force: the held ACQUIREs it has a rule for go to the engine. */
void	iked_events_plan(struct iked *d);
/* Held ACQUIREs whose time has come are given up (their larval state removed). */
void	iked_events_tick(struct iked *d);
/* At exit: the larval states of held ACQUIREs are removed, so that they block nothing
 * for the module the agent starts next. */
void	iked_events_stop(struct iked *d);
/* Milliseconds until iked_events_tick has work, or -1. */
int64_t	iked_events_next_ms(struct iked *d);

/* iked_agent.c: the IKE socket */
int	iked_agent_connect(struct iked *d);
/* Reads one message; -1 when the agent went away. */
int	iked_agent_input(struct iked *d);

/* iked_show.c: SA listings and counters for the agent */
void	iked_show(struct iked *d, uint16_t type, uint32_t seq, const uint8_t *p, size_t len);

/* iked_dpd.c: dead peer detection's sign of life (ike_ops.child_rx_packets) */
int	iked_dpd_rx_packets(void *arg, const struct ike_child *c, uint64_t *packets);
/*
 * iked_soft.c: soft associations.  An allowance is an allow policy without template for
 * one flow's host pair and its rule's selector (out and in, and fwd for a tunnel rule),
 * one priority step ahead of the rule's policy, with a hard add-expiry so the kernel
 * drops it by itself.
 */
#define IKED_SOFT_MAX		4096
struct iked_soft {
	uint32_t		reqid;
	char			rule[IPP_NAME_MAX + 1];
	uint64_t		created_ms, expires_ms;
	bool			marked;		/* mark 0/0xffffffff: the rule's own key */
	size_t			npol;
	struct xfrm_policy	pol[3];		/* out, in, fwd (tunnel) */
};

/* ike_ops.soft_allow. */
int	iked_soft_allow(void *arg, const struct ike_acquire *a, const struct ipp_ike_rule *r);
/* The policies of an allowance for a's flow under r, expiring after expire_s; returns n
 * (2 or 3).  Pure. */
size_t	iked_soft_policies(const struct ike_acquire *a, const struct ipp_ike_rule *r,
	    uint32_t expire_s, struct xfrm_policy pol[3]);
/* Forgets the allowances whose expiry passed (the kernel removed them). */
void	iked_soft_prune(struct iked *d);
/* Removes every allowance (plan change, exit); why is logged. */
void	iked_soft_flush(struct iked *d, const char *why);

/* iked_caps.c: privileges */
/* Keeps only CAP_NET_ADMIN (and CAP_NET_BIND_SERVICE when port < 1024 must be bound
 * again: never, sockets are bound first); sets PR_SET_NO_NEW_PRIVS.  0 or -errno. */
int	iked_caps_drop(void);

/* iked_loop.c: the process */
int	iked_init(struct iked *d);
int	iked_run(struct iked *d);
void	iked_fini(struct iked *d);
uint64_t iked_now_ms(void *arg);
void	iked_log_cb(void *arg, int prio, const char *msg);

/* iked_spdcache.c (dos): cb on each negotiate policy of the SPD, from a copy read at
 * most IKED_SPD_CACHE_MS ago for the plan in force; a non-zero cb result stops the walk
 * and is returned.  0, or -errno (the dump failed). */
#define IKED_SPD_CACHE_MS	1000
int	iked_spd_walk(struct iked *d, xfrm_policy_cb cb, void *arg);
void	iked_spd_forget(struct iked *d);

/* iked_limits.c (dos): one -l name=value (half_open_max, half_open_peer_max,
 * half_open_busy_ms) into lim.  0, or -1 with err saying what was expected. */
int	iked_limit_set(struct ike_limits *lim, const char *arg, char *err, size_t errlen);

#endif
