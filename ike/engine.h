/*
 * ike_engine: the IKE exchange engine (IKEv1 now: Main Mode, Quick Mode, Informational;
 * IKEv2 later, beside it).  No sockets, no kernel, no clock, no logging of its own: it is
 * driven by calls (a datagram arrived, the kernel asked for an SA, time passed) and talks to
 * the world only through the callbacks of struct ike_ops, which the daemon implements and the
 * tests implement with a second engine on an in-memory wire.
 *
 * Conventions:
 * - Single-threaded.  Callbacks are called synchronously from inside ike_engine_* calls;
 *   a callback must not call back into the same engine (queue the work instead).
 * - Objects passed in are read during the call, never kept, except the plan (see
 *   ike_engine_set_plan) and the ops table, which must outlive the engine.
 * - Addresses are struct sockaddr_in / sockaddr_in6 with the port (network order) of the
 *   IKE socket; xfrm_address_t in selectors is network order; SPIs, reqids and every other
 *   number are in host order.
 * - Times come only from ops->now_ms (a monotonic clock in milliseconds).
 * - Key material handed to callbacks (struct ike_child) lives only for the duration of the
 *   callback; the engine wipes it afterwards.  The engine wipes every key it holds when an
 *   SA is dropped and in ike_engine_free().
 * - Log lines (ops->log) are complete sentences without a trailing newline, prio is a
 *   syslog(3) priority; each names the peer and the exchange.
 */
#ifndef IPP_IKE_ENGINE_H
#define IPP_IKE_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "ike/plan.h"

/* ------------------------------------------------------------------ selectors */

/*
 * A traffic selector: one side of a Quick Mode ID pair (IDci/IDcr), as a prefix, an IP
 * protocol (0 = any) and one port (0 = any).  IKEv1 IDs of type IPV4_ADDR, IPV6_ADDR,
 * IPV4/IPV6_ADDR_SUBNET and ranges that are exactly one prefix map to it; other ranges are
 * refused (INVALID-ID-INFORMATION).
 */
struct ike_ts {
	uint16_t	family;		/* AF_INET or AF_INET6 */
	uint8_t		prefix;		/* 0..32 / 0..128; bits below it are zero */
	uint8_t		proto;		/* IP protocol, 0 = any */
	uint16_t	port;		/* 0 = any */
	xfrm_address_t	addr;		/* network order */
};

/* ------------------------------------------------------------------ kernel requests */

/*
 * A kernel ACQUIRE, as the daemon received it (kernel-xfrm's struct xfrm_event_acquire
 * carries every field).  The engine proposes Quick Mode IDs made from the policy's selector,
 * where each wildcard side (prefix 0, what "me" and "any" compile to) is replaced by the
 * packet's address as a host: Windows negotiates "specific filters" the same way, and a
 * strongSwan responder with host or subnet traffic selectors accepts them.  Protocol and
 * ports come from the policy's selector.
 */
struct ike_acquire {
	uint32_t		reqid;		/* of the template: the plan's rule */
	uint32_t		seq;		/* ACQUIRE sequence, given back in ike_child.acq_seq */
	struct sockaddr_storage	local;		/* our IKE address (port of our IKE socket) */
	struct sockaddr_storage	remote;		/* the peer's IKE address (port 500) */
	struct xfrm_sel		policy_sel;	/* the matching policy's selector (out direction) */
	struct xfrm_sel		packet_sel;	/* the packet's flow */
	/* soft: the matching policy's priority, so a clear-text allowance can beat it */
	uint32_t		policy_priority;
};

/* An inbound SPI request (XFRM_MSG_ALLOCSPI): an SA from remote to local. */
struct ike_spi_req {
	uint8_t				proto;		/* IPPROTO_ESP or IPPROTO_AH */
	uint8_t				mode;		/* XFRM_MODE_TRANSPORT or _TUNNEL */
	uint32_t			reqid;
	uint32_t			acq_seq;	/* 0 when responder */
	const struct sockaddr		*local;		/* SA destination */
	const struct sockaddr		*remote;	/* SA source */
};

/* ------------------------------------------------------------------ child SAs */

#define IKE_CHILD_KEY_MAX	100	/* AES-256 + salt (36) + HMAC-SHA-512 (64) */
#define IKE_CHILD_PROTO_MAX	2	/* AH+ESP bundles: ESP first (inner), then AH */

/*
 * One protocol of a child SA pair: both directions' SPIs and keys.  Keys are KEYMAT in the
 * kernel's order: the encryption key (for AES-GCM, key then the 4-byte salt, RFC 4106) and
 * right after it the integrity key.  enc_key_len + auth_key_len bytes of key_in/key_out are
 * used.
 */
struct ike_child_proto {
	uint8_t		proto;		/* IPPROTO_ESP or IPPROTO_AH */
	enum ipp_cipher	cipher;		/* ESP: NONE = NULL encryption; AH: NONE */
	enum ipp_hash	auth;		/* NONE only with an AEAD cipher */
	uint32_t	spi_in;		/* ours, from ops->spi_alloc */
	uint32_t	spi_out;	/* the peer's, from its proposal or answer */
	uint16_t	enc_key_len;	/* bytes; includes the GCM salt */
	uint16_t	auth_key_len;
	uint8_t		key_in[IKE_CHILD_KEY_MAX];	/* SA remote -> local */
	uint8_t		key_out[IKE_CHILD_KEY_MAX];	/* SA local -> remote */
};

/*
 * A negotiated child (IPsec) SA bundle, both directions.  The SA addresses are the IKE
 * endpoints (local, remote, without ports); in tunnel mode they are also the tunnel
 * endpoints.  ts_local/ts_remote are the Quick Mode IDs from our point of view (out: from
 * ts_local to ts_remote).  Lifetimes: hard = negotiated; soft = 85..90 % of hard on the
 * side that initiated the Quick Mode, 92..95 % on the responder, with a per-SA jitter, so
 * the initiator rekeys and the two sides do not rekey at once; a short lifetime in seconds
 * keeps up to 10 s (responder 5 s) for the rekey.  0 = no limit.
 */
struct ike_child {
	uint64_t		id;		/* engine-unique, never 0 */
	uint32_t		reqid;		/* of the rule (responder: of rule_for_ids' rule,
						 * or 0 for the default response rule) */
	uint32_t		acq_seq;	/* of the ACQUIRE, 0 when responder */
	uint8_t			mode;		/* XFRM_MODE_TRANSPORT or _TUNNEL */
	bool			initiator;
	struct sockaddr_storage	local, remote;
	struct ike_ts		ts_local, ts_remote;
	ipp_dhgroup		pfs_group;	/* 0: no PFS */
	uint64_t		hard_s, soft_s;		/* seconds after install */
	uint64_t		hard_bytes, soft_bytes;
	uint64_t		created_ms;	/* ops->now_ms at install */
	size_t			nproto;		/* 1 or 2 */
	struct ike_child_proto	p[IKE_CHILD_PROTO_MAX];
};

/* ------------------------------------------------------------------ callbacks */

struct ike_ops {
	void	*arg;
	/* A monotonic clock in milliseconds. */
	uint64_t (*now_ms)(void *arg);
	/* Sends one datagram from local to remote.  0, or -errno (counted, and the exchange
	 * retransmits as if the packet was lost). */
	int	(*send)(void *arg, const struct sockaddr *local, const struct sockaddr *remote,
		    const void *buf, size_t len);
	/* An inbound SPI (XFRM_MSG_ALLOCSPI, a larval SA the kernel keeps until installed or
	 * expired).  0 with *spi set, or -errno: the exchange fails. */
	int	(*spi_alloc)(void *arg, const struct ike_spi_req *r, uint32_t *spi);
	/* Installs both directions of every protocol of c (inbound first, so the peer's first
	 * packet finds its SA).  0, or -errno: the engine calls child_delete(c) to remove what
	 * was installed, sends DELETE for the SPIs and forgets the child. */
	int	(*child_install)(void *arg, const struct ike_child *c);
	/* Removes both directions of every protocol of c (keys are zero here).  Called when
	 * the peer deletes it, when INITIAL-CONTACT replaces it, when it expires hard
	 * (ike_engine_expire), and after a failed child_install. */
	void	(*child_delete)(void *arg, const struct ike_child *c);
	/*
	 * Responder: the negotiate rule whose filters match the peer's Quick Mode IDs
	 * (local/remote from our point of view: traffic from local to remote is outbound),
	 * typically found in the kernel's SPD (the `out` policy whose selector contains
	 * local -> remote) and its template's reqid, then ike_plan_rule().  The pointer must
	 * point into the plan given to ike_engine_set_plan.  NULL: no rule matches; the
	 * engine then uses the plan's default response rule if it is active, and otherwise
	 * refuses with INVALID-ID-INFORMATION.
	 */
	const struct ipp_ike_rule *(*rule_for_ids)(void *arg, const struct sockaddr *local,
		    const struct sockaddr *remote, const struct ike_ts *ts_local,
		    const struct ike_ts *ts_remote);
	/*
	 * Responder in Main Mode: the authentication methods acceptable with the peer at
	 * remote, before its identity is known (a preshared key is chosen by address, as on
	 * Windows).  Typically the union, in plan order, of the auth of the rules whose
	 * tunnel endpoint or filters could involve that address, then the default response
	 * rule's.  *auth points into the plan.  0, or -errno: the exchange is refused.
	 * May be NULL: then the default response rule's methods are used.
	 */
	int	(*auth_for_peer)(void *arg, const struct sockaddr *local,
		    const struct sockaddr *remote, const struct ipp_auth **auth, size_t *nauth);
	/* One log line (syslog priority).  May be NULL. */
	void	(*log)(void *arg, int prio, const char *msg);
	/* dpd: the packets the kernel counted on the inbound SAs of c so far.  Dead peer
	 * detection takes a change as a sign of life and only asks an idle peer.  0, or
	 * -errno.  May be NULL: then only IKE messages count. */
	int	(*child_rx_packets)(void *arg, const struct ike_child *c, uint64_t *packets);
	/*
	 * soft: Main Mode for a's rule r (soft set) got no answer at all from the peer after
	 * every retransmission.  The daemon allows a's flow in the clear for the policy's
	 * soft association expiry (Windows' soft SA).  Not called when the peer answered
	 * anything (a refusal or a failed authentication is not "not IPsec-aware").  0, or
	 * -errno (logged by the engine).  May be NULL: no fallback.
	 */
	int	(*soft_allow)(void *arg, const struct ike_acquire *a,
		    const struct ipp_ike_rule *r);
};

/* ------------------------------------------------------------------ limits */

struct ike_limits {
	unsigned	half_open_total;	/* Main Modes not yet authenticated, all peers */
	unsigned	half_open_peer;		/* the same per peer address */
	unsigned	retrans_first_ms;	/* first retransmission after this long */
	unsigned	retrans_tries;		/* retransmissions before giving up; each
						 * waits twice the previous (1, 2, 4, 8, 16 s) */
	unsigned	mm_max;			/* established Main Mode SAs kept */
	unsigned	child_max;		/* child SA bundles kept */
	unsigned	qm_max_per_mm;		/* Quick Modes in progress per Main Mode */
	size_t		max_packet;		/* larger datagrams are dropped as malformed */
	/* lifetimes and rekey */
	unsigned	rekey_delay_ms;		/* a bundle replaced by our rekey is kept this
						 * long for late packets, then deleted */
	uint32_t	child_life_max_s;	/* ceiling on children's lifetimes in our
						 * offers and answers; 0 = the policy's */
	/* dos: a responder's wait for messages 3 and 5 once half_open_total is half used */
	unsigned	half_open_busy_ms;
};

#define IKE_DEF_HALF_OPEN_TOTAL		1024
#define IKE_DEF_HALF_OPEN_PEER		16
#define IKE_DEF_RETRANS_FIRST_MS	1000
#define IKE_DEF_RETRANS_TRIES		5
#define IKE_DEF_MM_MAX			65536
#define IKE_DEF_CHILD_MAX		65536
#define IKE_DEF_QM_PER_MM		16
#define IKE_DEF_MAX_PACKET		10000
#define IKE_DEF_REKEY_DELAY_MS		5000
#define IKE_DEF_HALF_OPEN_BUSY_MS	5000

void	ike_limits_default(struct ike_limits *lim);

/* ------------------------------------------------------------------ identity */

enum ike_id_type {
	IKE_ID_ADDR = 0,	/* our IKE address (IPV4_ADDR / IPV6_ADDR): the default */
	IKE_ID_FQDN,
};

/* Our identity in Main Mode.  IKE_ID_FQDN: a host name, at most 253 bytes. */
struct ike_id {
	enum ike_id_type	type;
	char			fqdn[254];
};

/* ------------------------------------------------------------------ engine */

struct ike_engine;

/*
 * A new engine; ops (copied) and lim (copied; NULL = defaults) are read here.  NULL with
 * errno set (ENOMEM, EINVAL: a missing mandatory callback: now_ms, send, spi_alloc,
 * child_install, child_delete, rule_for_ids).
 */
struct ike_engine *ike_engine_new(const struct ike_ops *ops, const struct ike_limits *lim);

/* Wipes every key, forgets every SA (no DELETE is sent, no callback is called) and frees. */
void	ike_engine_free(struct ike_engine *e);

/*
 * The plan to negotiate with; NULL = none (every ACQUIRE and every new exchange is refused).
 * Children of rules the new plan no longer has (a reqid without a negotiate rule; for the
 * default response rule's children, an inactive default response rule) are deleted, with
 * DELETE to the peer.
 * The engine keeps the pointer: the plan must stay valid and unchanged until the next call.
 * Exchanges in progress keep running with the offers and keys they already chose; rule
 * pointers from the old plan are dropped here, so the daemon may free the old plan right
 * after this returns.
 */
void	ike_engine_set_plan(struct ike_engine *e, const struct ike_plan *p);

/* Our Main Mode identity (NULL = our address, the default). */
int	ike_engine_set_id(struct ike_engine *e, const struct ike_id *id);

/*
 * Certificates (ike/cert.h): our certificate and key and the trusted CAs, for rules that
 * authenticate with CERT:"root CA DN".  The engine keeps the pointer (NULL = none): it must
 * outlive the engine or the next call.  Main Modes that authenticate by certificate send
 * our certificate's subject as a DER_ASN1_DN ID whatever ike_engine_set_id says.
 */
struct ike_certs;
void	ike_engine_set_certs(struct ike_engine *e, const struct ike_certs *c);

/*
 * A kernel ACQUIRE: starts (or joins) a negotiation for the rule with that reqid: Main Mode
 * with the peer if no established one exists, then Quick Mode.  Returns 0 (started or
 * queued), 1 (a negotiation for the same rule and selectors is already running: nothing
 * new), or -errno: -ENOENT no rule with that reqid in the plan, -EPERM the rule has no
 * usable authentication method (logged), -EAGAIN a limit was hit, -ENOMEM.
 */
int	ike_engine_acquire(struct ike_engine *e, const struct ike_acquire *a);

/*
 * A datagram that arrived on the IKE socket bound to local, from remote (non-ESP marker
 * already stripped when on port 4500).  Never fails from the caller's point of view:
 * malformed, unexpected, replayed or refused packets are counted in the stats and dropped
 * without changing any state.
 */
void	ike_engine_input(struct ike_engine *e, const struct sockaddr *local,
	    const struct sockaddr *remote, const void *buf, size_t len);

/*
 * A kernel EXPIRE for an SA this engine installed (proto, the SA's SPI and destination).
 * Hard: the child is forgotten, ops->child_delete is called and DELETE is sent to the peer
 * (protected by its Main Mode SA if one is left).  Soft (bytes, or time): the child is
 * rekeyed now, as when the engine's own clock reaches its soft lifetime (see
 * ike_engine_tick); a child that a newer one for the same rule and IDs already replaces is
 * deleted instead.  Returns 0, or -ENOENT when no child has that SPI.
 */
int	ike_engine_expire(struct ike_engine *e, uint8_t proto, uint32_t spi, bool hard);

/* Milliseconds until ike_engine_tick() has work (retransmission, timeout, expiry);
 * -1 when nothing is scheduled. */
int64_t	ike_engine_next_timeout_ms(struct ike_engine *e);

/*
 * Runs what is due: retransmissions, giving up, expiry of Main Mode SAs, and the lifetimes
 * of children by the engine's clock: at the soft lifetime a child is rekeyed (a Quick Mode
 * for the same rule and IDs, under an IKE SA that may carry one more, or a new Main Mode);
 * the new child is installed beside the old one (the kernel sends on the newest), and the
 * old one is deleted, with DELETE to the peer, lim.rekey_delay_ms later.  At the hard
 * lifetime a child is deleted.  The side that initiated a child rekeys it first (its soft
 * lifetime is earlier); the other rekeys only when that did not happen.
 * Dead peer detection: R-U-THERE to idle peers, the plan's DPD action on dead ones.
 */
void	ike_engine_tick(struct ike_engine *e);

/*
 * Ends every SA with the peer host remote (the port is ignored): each child is removed
 * (ops->child_delete) and, when send_delete and an established IKE SA with the peer is
 * left, announced with DELETE; then every IKE SA with that host is dropped (with a DELETE
 * of the ISAKMP SA when send_delete and it is established), with its exchanges and
 * pending ACQUIREs.  For dead peers (DPD) pass send_delete = false.  Returns the number of
 * children removed.
 */
unsigned ike_engine_delete_peer(struct ike_engine *e, const struct sockaddr *remote,
	    bool send_delete);

/*
 * A clean stop: DELETE for every child and every established IKE SA, every child removed
 * with ops->child_delete, every IKE SA dropped.  The engine stays usable (and empty).
 */
void	ike_engine_shutdown(struct ike_engine *e);

/* ------------------------------------------------------------------ status */

enum ike_mm_state {
	IKE_MM_NEGOTIATING = 0,
	IKE_MM_ESTABLISHED,
};

/* One Main Mode SA, for `ipsecpol dynamic show`. */
struct ike_mm_info {
	struct sockaddr_storage	local, remote;
	uint8_t			icookie[8], rcookie[8];
	bool			initiator;
	enum ike_mm_state	state;
	enum ipp_auth_kind	auth;
	enum ipp_cipher		cipher;		/* valid once a proposal was chosen */
	enum ipp_hash		hash;
	ipp_dhgroup		group;
	uint32_t		life_s;
	uint64_t		created_ms;
	uint32_t		nqm;		/* Quick Modes completed under it */
	char			peer_id[256];	/* the peer's ID as text, once known */
};

/* One child SA bundle for `show`: the struct the install callback saw, keys zeroed. */
struct ike_walk_cb {
	void	*arg;
	void	(*mm)(void *arg, const struct ike_mm_info *m);		/* may be NULL */
	void	(*child)(void *arg, const struct ike_child *c);	/* may be NULL */
};

void	ike_engine_walk(struct ike_engine *e, const struct ike_walk_cb *cb);

struct ike_stats {
	uint64_t	rx, tx;			/* datagrams */
	uint64_t	malformed;		/* dropped by the decoder or as too large */
	uint64_t	unknown_sa;		/* for no SA we know (or wrong state) */
	uint64_t	replays;		/* repeated or old messages dropped */
	uint64_t	retransmits;		/* ours, by timer */
	uint64_t	resent;			/* our last reply resent to a repeat */
	uint64_t	half_open;		/* current */
	uint64_t	half_open_drops;	/* new exchanges refused by the limits */
	uint64_t	auth_failed;
	uint64_t	no_proposal;		/* NO-PROPOSAL-CHOSEN, sent or received */
	uint64_t	mm_ok, mm_failed;	/* Main Modes completed / failed or timed out */
	uint64_t	qm_ok, qm_failed;
	uint64_t	mm_current, child_current;
	uint64_t	deletes_rx, deletes_tx;
	uint64_t	send_errors;
	/* lifetimes and rekey */
	uint64_t	rekeys;			/* children replaced by a rekey */
	uint64_t	child_expired;		/* children ended by their hard lifetime */
	/* dpd */
	uint64_t	dpd_sent;		/* R-U-THERE sent */
	uint64_t	dpd_rx;			/* R-U-THERE received (and answered) */
	uint64_t	dpd_acks;		/* R-U-THERE-ACK received for ours */
	uint64_t	dpd_dead;		/* peers declared dead */
	/* dos: the half-open table (half_open_drops above counts what it refused) */
	uint64_t	half_open_evicted;	/* unanswered responder exchanges dropped to
						 * make room for new ones */
	uint64_t	half_open_peak;		/* most half-open at once since start */
	uint64_t	half_open_max, half_open_peer_max;	/* the limits in force */
	/* soft */
	uint64_t	soft_allowed;		/* flows let through in the clear */
};

void	ike_engine_stats(const struct ike_engine *e, struct ike_stats *st);

/* ------------------------------------------------------------------ kernel form (sa_child.c) */

/*
 * Fills out (zeroed by the call) with protocol i of c in one direction, as kernel-xfrm
 * installs it: addresses, SPI, mode, reqid (c->reqid both ways), selector (transport: the
 * Quick Mode IDs; tunnel: none), the kernel's algorithm names and ICV lengths, keys,
 * lifetimes, replay window 32, and on the outbound SA the ACQUIRE's sequence.  A Windows
 * tunnel is two one-way rules with a reqid each: the daemon sets the inbound SA's reqid
 * to the one its inbound policy's template carries.  The caller wipes out with
 * xfrm_state_wipe().  0, or -EINVAL for an index or algorithm out of range.
 */
int	ike_child_xfrm(const struct ike_child *c, size_t i, bool inbound, struct xfrm_state *out);

#endif
