/*
 * ike_sa: the engine's state, independent of the exchange code that drives it: the engine
 * itself, IKE SAs (keyed by cookies / SPIs, per peer), the exchanges in progress under them
 * (keyed by message id), child SA bundles, pending ACQUIREs, timers and the counters of
 * half-open SAs.  IKEv1 fills these in ike/v1_*.c; IKEv2 will add its exchanges beside.
 * Internal to libikev1: the daemon sees only ike/engine.h.
 */
#ifndef IPP_IKE_SA_H
#define IPP_IKE_SA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ike/crypto.h"
#include "ike/engine.h"
#include "ike/prop.h"
#include "ike/v1_keys.h"

#define IKE_NONCE_LEN		32		/* ours; the peer's may be 8..256 */
#define IKE_NONCE_MAX		256
#define IKE_MSGID_KEEP		64		/* message ids remembered per IKE SA */
#define IKE_RXHASH_LEN		32		/* SHA-256 of the last datagram received */
#define IKE_ID_MAX		256		/* ID payload body we keep (IDii_b/IDir_b) */
#define IKE_PSK_MAX		1024
#define IKE_SPI_LEN		8		/* IKEv1 cookie, IKEv2 SPI */

/* A retransmission timer: due_ms 0 = stopped. */
struct ike_timer {
	uint64_t	due_ms;
	unsigned	tries;		/* retransmissions done */
};

/* Our last message of an exchange, kept to retransmit it or to answer a repeat. */
struct ike_pkt {
	uint8_t		*buf;
	size_t		len;
};

/* What an initiator's Quick Mode negotiates: the rule, the IDs, and for a rekey the child
 * it replaces. */
struct ike_qm_req {
	uint32_t		reqid;
	uint32_t		acq_seq;	/* 0 for a rekey */
	struct ike_ts		ts_local, ts_remote;
	uint64_t		rekey_of;	/* ike_child.id replaced; 0 = a new child */
};

/* An ACQUIRE (or a rekey) waiting for its IKE SA to be established. */
struct ike_pending {
	struct ike_pending	*next;
	struct ike_acquire	acq;		/* a rekey: addresses and reqid only */
	uint64_t		since_ms;
	struct ike_qm_req	req;
};

enum ike_qm_step {
	IKE_QM_I1 = 1,		/* initiator: message 1 sent */
	IKE_QM_I_DONE,		/* initiator: message 3 sent, kept to answer a repeated 2 */
	IKE_QM_R2,		/* responder: message 2 sent */
};

/* A Quick Mode in progress, under one IKE SA. */
struct ike_qm {
	struct ike_qm		*next;
	uint32_t		msgid;
	bool			initiator;
	enum ike_qm_step	step;
	uint8_t			iv[IKE_BLOCK_MAX];	/* CBC chain of this exchange */
	uint8_t			ni[IKE_NONCE_MAX], nr[IKE_NONCE_MAX];
	size_t			ni_len, nr_len;
	struct ike_dh		*dh;			/* PFS only */
	uint8_t			gxy[IKE_DH_SECRET_MAX];	/* PFS shared secret */
	size_t			gxy_len;
	struct ike_ts		ts_local, ts_remote;
	bool			ids;			/* IDci/IDcr were sent */
	uint32_t		reqid, acq_seq;
	uint8_t			mode;
	char			rule[IPP_NAME_MAX + 1];	/* for log lines */
	/* Initiator: what we offered (the proposals carry our SPIs). */
	struct ike_qm_prop	*offered;
	size_t			noffered;
	/* Both: the proposal agreed on, with p[].spi = the peer's inbound SPI, and ours. */
	struct ike_qm_prop	chosen;
	uint32_t		our_spi[2];
	bool			resp_lifetime;		/* responder lowered the lifetime */
	struct ike_pkt		last_tx;
	uint8_t			last_rx[IKE_RXHASH_LEN];
	struct ike_timer	rt;
	uint64_t		linger_until;		/* I_DONE: forget after this */
	/* lifetimes and rekey */
	uint64_t		rekey_of;		/* initiator: the child replaced */
};

enum ike_sa_step {
	IKE_MM_I1 = 1,		/* initiator: SA sent */
	IKE_MM_R2,		/* responder: SA sent */
	IKE_MM_I3,		/* initiator: KE, Ni sent */
	IKE_MM_R4,		/* responder: KE, Nr sent */
	IKE_MM_I5,		/* initiator: IDii, HASH_I sent */
	IKE_MM_DONE,		/* established */
};

/* A root CA a rule names (CERT:"DN"), and whether CERTREQ leaves its name out. */
struct ike_sa_ca {
	char	*dn;
	bool	exclude;
};

struct ike_certs;
struct ike_cert_peer;

/* One IKE (ISAKMP, Main Mode) SA. */
struct ike_sa {
	struct ike_sa		*next;
	uint64_t		serial;
	struct sockaddr_storage	local, remote;
	uint8_t			icookie[IKE_SPI_LEN], rcookie[IKE_SPI_LEN];
	bool			initiator;
	enum ike_sa_step	step;
	uint64_t		created_ms, expire_ms;
	/* Offers (initiator: ours, a copy) and what was chosen. */
	struct ipp_mm_offer	*offers;
	size_t			noffers;
	struct ike_mm_prop	chosen;
	/* Authentication: the method and its secret, copied (the plan may change). */
	enum ipp_auth_kind	auth;
	uint8_t			*psk;
	size_t			psk_len;
	uint32_t		rule_reqid;	/* initiator: the rule whose auth was used */
	/* Key exchange. */
	struct ike_dh		*dh;
	uint8_t			*sai_b;		/* initiator's SA payload body */
	size_t			sai_len;
	uint8_t			gxi[IKE_DH_PUBLIC_MAX], gxr[IKE_DH_PUBLIC_MAX];
	size_t			gx_len;
	uint8_t			ni[IKE_NONCE_MAX], nr[IKE_NONCE_MAX];
	size_t			ni_len, nr_len;
	struct ike_v1_keys	keys;
	bool			keyed;
	uint8_t			iv[IKE_BLOCK_MAX];	/* Phase 1 CBC chain; after Main
							 * Mode, its last block */
	/* Exchange bookkeeping. */
	struct ike_pkt		last_tx;
	uint8_t			last_rx[IKE_RXHASH_LEN];
	bool			have_rx;
	struct ike_timer	rt;
	bool			initial_contact;	/* we sent it */
	bool			logged_decrypt;		/* one log line per SA */
	char			peer_id[256];
	struct ike_qm		*qms;
	uint32_t		msgids[IKE_MSGID_KEEP];	/* seen or used, ring */
	size_t			nmsgids;
	uint32_t		nqm;
	struct ike_pending	*pending;
	/* dpd (v1_dpd.c): times are ops->now_ms; 0 = not set */
	bool			dpd_peer;	/* the peer sent the DPD vendor ID */
	uint64_t		dpd_seen_ms;	/* last sign of life from the peer */
	uint64_t		dpd_rx_pkts;	/* the kernel's inbound count at the last look */
	uint64_t		dpd_due_ms;	/* next look */
	uint64_t		dpd_probe_ms;	/* first R-U-THERE not answered yet */
	uint32_t		dpd_seq;	/* of our last R-U-THERE */
	uint32_t		dpd_seq_first;	/* of our first unanswered one */
	bool			dpd_asked;	/* dpd_seq_first is set */
	unsigned		dpd_probes;	/* R-U-THERE sent since the last answer */
	/* certificates (cert): our credentials, the CAs the rule trusts, the peer's cert */
	const struct ike_certs	*certs;
	struct ike_sa_ca	*cas;
	size_t			ncas;
	struct ike_cert_peer	*peer_cert;
};

/* A child SA bundle the engine installed; keys are zero. */
struct ike_child_ent {
	struct ike_child_ent	*next;
	struct ike_child	c;
	/* Lifetimes by the engine's clock (ms, 0 = none; sa_life.c): rekey (or, while a
	 * rekey runs, check on it) at soft_ms, end at hard_ms; a child replaced by our rekey
	 * ends at delete_ms. */
	uint64_t		soft_ms, hard_ms, delete_ms;
	unsigned		rekey_tries;
	bool			rekeying;
};

struct ike_engine {
	struct ike_ops		ops;
	struct ike_limits	lim;
	const struct ike_plan	*plan;
	struct ike_id		id;
	struct ike_stats	st;
	struct ike_sa		*sas;
	struct ike_child_ent	*children;
	uint64_t		next_child_id;
	uint64_t		next_serial;
	const struct ike_certs	*certs;		/* certificates (cert): NULL = none */
	/* dos: rate limit of the half-open report (dos.c) */
	bool			dos_logged;
	uint64_t		dos_log_ms;
	uint64_t		dos_evicted_logged, dos_drops_logged;
	unsigned		dos_admitted;	/* half-open after the last admission */
};

/* ---- engine.c: helpers for the exchange code ---- */
uint64_t ike_now(struct ike_engine *e);
void	ike_log(struct ike_engine *e, int prio, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* "10.0.0.1" / "fe80::1" of a socket address; returns buf. */
const char *ike_addr_str(const struct sockaddr_storage *ss, char *buf, size_t len);
#define IKE_ADDR_STRLEN	64
int	ike_send(struct ike_engine *e, const struct ike_sa *sa, const void *buf, size_t len);
/* The plan's rule with that reqid, or NULL. */
const struct ipp_ike_rule *ike_rule_by_reqid(const struct ike_engine *e, uint32_t reqid);

/* ---- sa.c: the store ---- */
struct ike_sa *ike_sa_new(struct ike_engine *e, const struct sockaddr *local,
	    const struct sockaddr *remote, bool initiator);
/* Wipes and frees sa and everything under it (QMs, pending ACQUIREs); unlinks it. */
void	ike_sa_free(struct ike_engine *e, struct ike_sa *sa);
struct ike_sa *ike_sa_find(struct ike_engine *e, const uint8_t *icookie,
	    const uint8_t *rcookie);
/* An established IKE SA with remote (and local, when not NULL), the newest; or NULL. */
struct ike_sa *ike_sa_find_peer(struct ike_engine *e, const struct sockaddr *local,
	    const struct sockaddr *remote, bool established);
unsigned ike_sa_half_open(const struct ike_engine *e, const struct sockaddr *remote);
bool	ike_addr_equal(const struct sockaddr_storage *a, const struct sockaddr *b);
bool	ike_host_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b);

bool	ike_sa_msgid_seen(const struct ike_sa *sa, uint32_t msgid);
void	ike_sa_msgid_add(struct ike_sa *sa, uint32_t msgid);
struct ike_qm *ike_qm_find(struct ike_sa *sa, uint32_t msgid);
struct ike_qm *ike_qm_new(struct ike_sa *sa, uint32_t msgid, bool initiator);
void	ike_qm_free(struct ike_sa *sa, struct ike_qm *qm);

void	ike_pkt_set(struct ike_pkt *p, const uint8_t *buf, size_t len);
void	ike_pkt_clear(struct ike_pkt *p);
/* SHA-256 of a datagram (repeat detection). */
void	ike_rx_hash(const void *buf, size_t len, uint8_t out[IKE_RXHASH_LEN]);
/* Timer helpers: the first wait, the next wait after a retransmission, give up? */
void	ike_timer_start(struct ike_engine *e, struct ike_timer *t);
bool	ike_timer_due(struct ike_engine *e, const struct ike_timer *t);
/* True: retransmit now (timer re-armed); false: tries exhausted (timer stopped). */
bool	ike_timer_next(struct ike_engine *e, struct ike_timer *t);

/* Children. */
struct ike_child_ent *ike_child_add(struct ike_engine *e, const struct ike_child *c);
struct ike_child_ent *ike_child_find_out(struct ike_engine *e,
	    const struct sockaddr_storage *remote, uint8_t proto, uint32_t spi_out);
struct ike_child_ent *ike_child_find_spi(struct ike_engine *e, uint8_t proto, uint32_t spi);
/* Calls child_delete and forgets it. */
void	ike_child_remove(struct ike_engine *e, struct ike_child_ent *ce);
bool	ike_child_with_peer(const struct ike_engine *e, const struct sockaddr_storage *remote);
/* Lifetimes: soft limits at 85..90 % (initiator) or 92..95 % (responder) with jitter;
 * short ones in seconds keep up to 10 s (5 s) for the rekey. */
void	ike_child_set_lifetimes(struct ike_child *c, uint64_t life_s, uint64_t life_kb);

/* ---- sa_life.c: child lifetimes, rekey, delete ---- */
/* A child was just added (ike_child_add): arms its timers; when it is the rekey of the
 * child rekey_of, that one is deleted rekey_delay_ms later. */
void	ike_life_added(struct ike_engine *e, struct ike_child_ent *ce, uint64_t rekey_of);
/* The hard lifetime of ce was reached (our clock or the kernel's hard EXPIRE): deleted. */
void	ike_life_hard(struct ike_engine *e, struct ike_child_ent *ce);
/* The soft lifetime of ce was reached (our clock or the kernel's soft EXPIRE). */
void	ike_life_soft(struct ike_engine *e, struct ike_child_ent *ce);
/* Logs, sends DELETE for ce (when an IKE SA with its peer is left) and removes it. */
void	ike_life_delete(struct ike_engine *e, struct ike_child_ent *ce, const char *why);
void	ike_life_tick(struct ike_engine *e, uint64_t now);
/* The earliest child timer, or UINT64_MAX. */
uint64_t ike_life_next(const struct ike_engine *e);
/* Deletes the children the plan in force no longer has a rule for. */
void	ike_life_prune(struct ike_engine *e);
unsigned ike_life_delete_peer(struct ike_engine *e, const struct sockaddr_storage *remote,
	    bool send_delete);
void	ike_life_shutdown(struct ike_engine *e);

#endif
