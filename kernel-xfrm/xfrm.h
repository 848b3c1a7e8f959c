/*
 * kernel-xfrm: the kernel's IPsec tables (SPD and SAD) over NETLINK_XFRM, on libmnl.
 *
 * Conventions for every call in this header:
 * - Errors are returned as a negative errno; 0 (or a count) is success.  The library never
 *   prints, never exits and never keeps errno as its only report.
 * - Objects passed in are read, never kept: the caller owns them before and after the call.
 *   Objects filled in (get, dump callbacks, events) are owned by the caller, except those
 *   handed to a callback, which live only for the duration of the callback.
 * - Input is validated before anything reaches the kernel: a malformed object gives -EINVAL
 *   and no netlink traffic.
 * - Replies are checked for sender (the kernel, port 0), port id and sequence number;
 *   attributes unknown to this library (newer kernels) are skipped; known attributes with a
 *   wrong length give -EBADMSG.
 * - Key material: the library wipes (explicit_bzero) every buffer of its own that held a key,
 *   on every path.  struct xfrm_state holds keys in the caller's memory: the caller wipes it
 *   with xfrm_state_wipe() when done.
 * - Byte order: addresses are in network order (xfrm_address_t, as in <linux/xfrm.h>); SPIs,
 *   ports, masks, reqids and every other number are in host order.
 * - Constants are the kernel's own: XFRM_POLICY_IN/OUT/FWD, XFRM_POLICY_ALLOW/BLOCK,
 *   XFRM_MODE_TRANSPORT/TUNNEL/BEET, IPPROTO_ESP/AH/COMP, XFRM_STATE_* flags.
 * - A handle is not thread-safe; use one handle per thread.
 */
#ifndef IPP_KERNEL_XFRM_H
#define IPP_KERNEL_XFRM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <linux/xfrm.h>

/* ------------------------------------------------------------------ types */

/* Longest algorithm key this library carries, in bytes (AES-256 + salt, HMAC-SHA-512 fit). */
#define XFRM_KEY_MAX		128
/* Longest kernel algorithm name, including the terminating NUL (the kernel's limit). */
#define XFRM_ALG_NAME_MAX	64
/* Most templates one policy can hold (the kernel's XFRM_MAX_DEPTH). */
#define XFRM_TMPL_MAX		6

/*
 * Traffic selector.  Addresses beyond the prefix must be zero; a port needs a protocol, and
 * a port's bits must lie inside its mask.  A port given with mask 0 gets mask 0xffff.  For
 * ICMP and ICMPv6 the kernel reads sport as the type and dport as the code.
 */
struct xfrm_sel {
	uint16_t	family;		/* AF_INET or AF_INET6 */
	uint8_t		sprefix;	/* 0..32 or 0..128 */
	uint8_t		dprefix;
	xfrm_address_t	saddr;
	xfrm_address_t	daddr;
	uint8_t		proto;		/* IP protocol number, 0 = any */
	uint16_t	sport, sport_mask;	/* 0/0 = any port */
	uint16_t	dport, dport_mask;
	int		ifindex;	/* 0 = any interface */
};

/*
 * Limits.  A byte or packet limit of 0 means unlimited (the kernel's XFRM_INF); a time of 0
 * means no time limit.  Times are seconds since the object was added (add) or first used (use).
 */
struct xfrm_lifetime {
	uint64_t	soft_bytes, hard_bytes;
	uint64_t	soft_packets, hard_packets;
	uint64_t	soft_add_secs, hard_add_secs;
	uint64_t	soft_use_secs, hard_use_secs;
};

/* Counters the kernel keeps; read-only, filled by get, dump and events. */
struct xfrm_counters {
	uint64_t	bytes;
	uint64_t	packets;
	uint64_t	add_time;	/* seconds since the epoch */
	uint64_t	use_time;	/* 0 = never used */
};

/*
 * A template: what SA a policy requires.  Templates apply in order, outermost last.  As the
 * kernel requires, a transport template keeps the family of the template before it, and an
 * outbound policy cannot mark a tunnel template optional.
 */
struct xfrm_tmpl {
	uint8_t		proto;		/* IPPROTO_ESP, IPPROTO_AH or IPPROTO_COMP */
	uint8_t		mode;		/* XFRM_MODE_TRANSPORT, _TUNNEL or _BEET */
	bool		optional;	/* traffic without this SA is accepted (inbound) */
	uint16_t	family;		/* of the endpoints; 0 = the previous template's
					 * (the selector's for the first) */
	xfrm_address_t	saddr;		/* tunnel endpoints; zero = any (transport; for a
					 * tunnel, the kernel picks the local end, and
					 * inbound any peer matches) */
	xfrm_address_t	daddr;
	uint32_t	spi;		/* 0 = any */
	uint32_t	reqid;		/* 0 = any */
	/* Bitmasks of SADB algorithm ids allowed; 0 = any (sent as the kernel's ~0). */
	uint32_t	aalgos, ealgos, calgos;
};

/* A security policy (one SPD entry). */
struct xfrm_policy {
	struct xfrm_sel		sel;
	uint8_t			dir;		/* XFRM_POLICY_IN, _OUT or _FWD */
	uint8_t			action;		/* XFRM_POLICY_ALLOW or _BLOCK */
	uint8_t			flags;		/* XFRM_POLICY_LOCALOK, XFRM_POLICY_ICMP */
	uint32_t		priority;	/* lower wins */
	uint32_t		index;		/* 0 on add: the kernel picks; set on get/dump */
	struct xfrm_mark	mark;		/* m = 0: no mark */
	uint32_t		if_id;		/* xfrm interface id, 0 = none */
	struct xfrm_lifetime	lft;
	unsigned int		ntmpl;		/* 0..XFRM_TMPL_MAX */
	struct xfrm_tmpl	tmpl[XFRM_TMPL_MAX];
	struct xfrm_counters	cur;		/* out only */
};

/* An algorithm with its key.  Present when name[0] != '\0'. */
struct xfrm_alg {
	char		name[XFRM_ALG_NAME_MAX];	/* kernel crypto name, e.g. "cbc(aes)" */
	uint16_t	key_len;			/* bytes used in key[] */
	uint32_t	icv_bits;	/* auth: truncation length; AEAD: ICV length; enc: unused */
	uint8_t		key[XFRM_KEY_MAX];
};

/* UDP encapsulation for NAT traversal (RFC 3948).  Present when type != 0. */
struct xfrm_encap {
	uint16_t	type;		/* UDP_ENCAP_ESPINUDP (2) */
	uint16_t	sport, dport;
	xfrm_address_t	oa;		/* original address for NAT-OA, may be zero */
};

/* A security association (one SAD entry).  Holds keys: wipe with xfrm_state_wipe(). */
struct xfrm_state {
	uint16_t		family;		/* of saddr/daddr */
	xfrm_address_t		saddr, daddr;
	uint32_t		spi;
	uint8_t			proto;		/* IPPROTO_ESP, IPPROTO_AH or IPPROTO_COMP */
	uint8_t			mode;		/* XFRM_MODE_TRANSPORT, _TUNNEL or _BEET */
	uint8_t			flags;		/* XFRM_STATE_*; XFRM_STATE_ESN is set from esn */
	uint32_t		extra_flags;	/* XFRM_SA_XFLAG_* */
	uint32_t		reqid;
	struct xfrm_sel		sel;		/* family 0 = no selector (any) */
	struct xfrm_mark	mark;
	uint32_t		if_id;
	uint32_t		replay_window;	/* packets; > 255 or esn uses the ESN attribute */
	bool			esn;		/* 64-bit extended sequence numbers */
	struct xfrm_lifetime	lft;
	struct xfrm_alg		enc;		/* XFRMA_ALG_CRYPT */
	struct xfrm_alg		auth;		/* XFRMA_ALG_AUTH_TRUNC */
	struct xfrm_alg		aead;		/* XFRMA_ALG_AEAD */
	struct xfrm_alg		comp;		/* XFRMA_ALG_COMP (no key) */
	struct xfrm_encap	encap;
	struct xfrm_counters	cur;		/* out only */
	uint32_t		seq;		/* out only: the ACQUIRE sequence of a larval SA */
	uint32_t		replay_drops;	/* out only: stats.replay */
	uint32_t		integrity_failed; /* out only */
};

/* Identifies one SA for get and delete. */
struct xfrm_state_id {
	uint16_t		family;
	xfrm_address_t		daddr;
	xfrm_address_t		saddr;		/* optional, zero = not used */
	uint32_t		spi;
	uint8_t			proto;
	struct xfrm_mark	mark;
};

/* SPD hash thresholds: prefixes longer than these are hashed (per family). */
struct xfrm_spd_thresh {
	uint8_t		v4_lbits, v4_rbits;	/* 0..32 */
	uint8_t		v6_lbits, v6_rbits;	/* 0..128 */
};

/* SPD counts and hash state, from XFRM_MSG_GETSPDINFO. */
struct xfrm_spd_info {
	uint32_t		in, out, fwd;		/* policies per direction */
	uint32_t		in_sock, out_sock, fwd_sock;	/* per-socket policies */
	uint32_t		hash_buckets, hash_max;
	struct xfrm_spd_thresh	thresh;
};

/* ----------------------------------------------------- xfrm_handle.c */

struct xfrm_handle;

/*
 * Opens a NETLINK_XFRM socket (close-on-exec) bound to the caller's current network
 * namespace: the calling thread's at this moment; a later setns() does not move the handle.
 * On success *hp is a new handle the caller frees with xfrm_close().
 * Errors: -ENOMEM; socket/bind errors such as -EPROTONOSUPPORT (no XFRM in the kernel) or
 * -EPERM.  Most operations need CAP_NET_ADMIN in the namespace; without it they give -EPERM.
 */
int	xfrm_open(struct xfrm_handle **hp);

/* Closes the socket and frees the handle (wiping its buffers).  NULL is accepted. */
void	xfrm_close(struct xfrm_handle *h);

/* ----------------------------------------------------- xfrm_policy.c */

/*
 * Adds a policy (XFRM_MSG_NEWPOLICY, acked).  Errors: -EINVAL (malformed, checked before the
 * kernel, or refused by it), -EEXIST (a policy with the same selector, direction, mark and
 * interface id exists), -EPERM, -ENOBUFS/-ENOMEM, -EBADMSG/-EPROTO (garbled reply).
 */
int	xfrm_policy_add(struct xfrm_handle *h, const struct xfrm_policy *p);

/* Adds or replaces a policy (XFRM_MSG_UPDPOLICY, acked).  Errors as xfrm_policy_add. */
int	xfrm_policy_update(struct xfrm_handle *h, const struct xfrm_policy *p);

/*
 * Deletes the policy that p names (XFRM_MSG_DELPOLICY, acked): by p->index and p->dir when
 * p->index != 0, else by p->sel, p->dir, p->mark and p->if_id; other fields are ignored.
 * Errors: -ENOENT (no such policy), -EINVAL, -EPERM.
 */
int	xfrm_policy_del(struct xfrm_handle *h, const struct xfrm_policy *p);

/*
 * Reads the policy that key names (XFRM_MSG_GETPOLICY; reply XFRM_MSG_NEWPOLICY) into *out,
 * which may be the same object as key.  Errors: -ENOENT, -EINVAL, -EBADMSG.
 */
int	xfrm_policy_get(struct xfrm_handle *h, const struct xfrm_policy *key,
	    struct xfrm_policy *out);

/*
 * Calls cb once per main-type policy (XFRM_MSG_GETPOLICY with NLM_F_DUMP).  The policy given
 * to cb lives only during the call.  cb returns 0 to go on, or a negative value to stop: the
 * rest of the dump is drained and that value returned.  Returns the number of policies seen,
 * or a negative errno.
 */
typedef int (*xfrm_policy_cb)(const struct xfrm_policy *p, void *arg);
int	xfrm_policy_dump(struct xfrm_handle *h, xfrm_policy_cb cb, void *arg);

/* Deletes every main-type policy in the namespace (XFRM_MSG_FLUSHPOLICY, acked). */
int	xfrm_policy_flush(struct xfrm_handle *h);

/*
 * Message codec, used by the calls above, by batches, by tests and by fuzzers.
 * xfrm_policy_check() validates p as the calls above do (0 or -EINVAL).
 * xfrm_policy_parse() decodes a XFRM_MSG_NEWPOLICY/UPDPOLICY message (as dumps and get
 * return it) into *p.  Errors: -EBADMSG (short or inconsistent), -EPROTO (other type).
 */
int	xfrm_policy_check(const struct xfrm_policy *p);
int	xfrm_policy_parse(const void *nlh, size_t len, struct xfrm_policy *p);

/* ----------------------------------------------------- xfrm_state.c */

/*
 * Adds an SA (XFRM_MSG_NEWSA, acked).  Exactly one of: enc (+ optional auth) for ESP,
 * aead for ESP, auth for AH, comp for IPComp.  The message buffer that held the keys is
 * wiped before return; s itself is left to the caller.  Errors: -EINVAL (malformed, or the
 * kernel refused the algorithm or key size), -EEXIST, -EPROTONOSUPPORT (the kernel has no
 * ESP/AH/IPComp: iproute2's "Requested type not found"), -ENOSYS or -ENOENT (no such
 * algorithm), -EPERM.
 */
int	xfrm_state_add(struct xfrm_handle *h, const struct xfrm_state *s);

/* Replaces an SA or fills a larval one from ALLOCSPI (XFRM_MSG_UPDSA, acked). */
int	xfrm_state_update(struct xfrm_handle *h, const struct xfrm_state *s);

/*
 * Deletes one SA (XFRM_MSG_DELSA, acked).  Errors: -ESRCH (no such SA: the kernel's answer
 * for SAs, where policies give -ENOENT), -EINVAL, -EPERM.
 */
int	xfrm_state_del(struct xfrm_handle *h, const struct xfrm_state_id *id);

/*
 * Reads one SA (XFRM_MSG_GETSA; reply XFRM_MSG_NEWSA) into *out, keys and counters included.
 * The caller wipes *out with xfrm_state_wipe().  The receive buffer is wiped here.
 * Errors: -ESRCH (no such SA), -EINVAL, -EBADMSG; *out is wiped on every error.
 */
int	xfrm_state_get(struct xfrm_handle *h, const struct xfrm_state_id *id,
	    struct xfrm_state *out);

/*
 * Calls cb once per SA (XFRM_MSG_GETSA with NLM_F_DUMP).  The state handed to cb holds keys
 * and is wiped after cb returns.  cb returns 0 to go on or a negative value to stop (returned
 * after draining).  Returns the number of SAs seen or a negative errno.
 */
typedef int (*xfrm_state_cb)(const struct xfrm_state *s, void *arg);
int	xfrm_state_dump(struct xfrm_handle *h, xfrm_state_cb cb, void *arg);

/* Deletes every SA of protocol proto, 0 = all (XFRM_MSG_FLUSHSA, acked). */
int	xfrm_state_flush(struct xfrm_handle *h, uint8_t proto);

/*
 * Allocates an SPI in [min, max] for a larval SA from saddr to daddr (XFRM_MSG_ALLOCSPI;
 * reply XFRM_MSG_NEWSA).  Uses s->family, saddr, daddr, proto, mode, reqid, mark; on
 * success s->spi is the SPI chosen.  Complete the SA with xfrm_state_update().
 * Errors: -EINVAL (min > max; an IPComp CPI above 0xffff), -ENOENT (no SPI free in the
 * range: the kernel then leaves a larval SA with SPI 0 that expires by itself), -EPERM.
 */
int	xfrm_state_allocspi(struct xfrm_handle *h, struct xfrm_state *s, uint32_t min,
	    uint32_t max);

/* Wipes a state (keys included) with explicit_bzero.  NULL is accepted. */
void	xfrm_state_wipe(struct xfrm_state *s);

/*
 * Codec.  xfrm_state_check() validates as xfrm_state_add does (0 or -EINVAL).
 * xfrm_state_parse() decodes a XFRM_MSG_NEWSA/UPDSA message into *s (keys included: the
 * caller wipes *s).  Errors: -EBADMSG, -EPROTO.
 */
int	xfrm_state_check(const struct xfrm_state *s);
int	xfrm_state_parse(const void *nlh, size_t len, struct xfrm_state *s);

/* ----------------------------------------------------- xfrm_event.c */

enum xfrm_event_type {
	XFRM_EVENT_ACQUIRE = 1,	/* XFRM_MSG_ACQUIRE: traffic needs an SA that is missing */
	XFRM_EVENT_EXPIRE,	/* XFRM_MSG_EXPIRE: an SA reached a soft or hard limit */
	XFRM_EVENT_POLEXPIRE,	/* XFRM_MSG_POLEXPIRE: a policy reached a limit */
	XFRM_EVENT_MAPPING,	/* XFRM_MSG_MAPPING: a NAT-T peer's address or port changed */
};

/* Groups to subscribe to (bits for xfrm_event_open). */
#define XFRM_EVENTS_ACQUIRE	0x1u
#define XFRM_EVENTS_EXPIRE	0x2u	/* SA expire and policy expire */
#define XFRM_EVENTS_MAPPING	0x4u
#define XFRM_EVENTS_ALL		0x7u

struct xfrm_event_acquire {
	uint16_t		family;		/* of saddr/daddr */
	xfrm_address_t		saddr, daddr;	/* the SA to negotiate */
	uint8_t			proto;		/* of the SA wanted */
	uint32_t		reqid;		/* of the template that asked */
	uint32_t		seq;		/* give it back in the new SA (xfrm_state.seq) */
	struct xfrm_sel		sel;		/* the packet's flow */
	struct xfrm_policy	policy;		/* the policy that matched, with its templates */
};

struct xfrm_event_expire {
	bool			hard;
	uint16_t		family;
	xfrm_address_t		saddr, daddr;
	uint32_t		spi;
	uint8_t			proto;
	uint8_t			mode;
	uint32_t		reqid;
	struct xfrm_mark	mark;
	struct xfrm_counters	cur;
};

struct xfrm_event_polexpire {
	bool			hard;
	struct xfrm_policy	policy;
};

struct xfrm_event_mapping {
	uint16_t		family;
	xfrm_address_t		daddr;
	uint32_t		spi;
	uint8_t			proto;
	uint32_t		reqid;
	xfrm_address_t		old_saddr, new_saddr;
	uint16_t		old_sport, new_sport;
};

struct xfrm_event {
	enum xfrm_event_type	type;
	union {
		struct xfrm_event_acquire	acquire;
		struct xfrm_event_expire	expire;
		struct xfrm_event_polexpire	polexpire;
		struct xfrm_event_mapping	mapping;
	} u;
};

struct xfrm_monitor;

/*
 * Opens a non-blocking, close-on-exec NETLINK_XFRM socket in the current namespace, joined
 * to the groups in mask (XFRM_EVENTS_*).  Events are queued by the kernel from this moment.
 * *mp is freed with xfrm_event_close().  Errors: -EINVAL (empty or unknown mask),
 * -ENOMEM, socket errors.
 */
int	xfrm_event_open(struct xfrm_monitor **mp, unsigned int mask);

/* The descriptor to poll for POLLIN. */
int	xfrm_event_fd(const struct xfrm_monitor *m);

/*
 * Reads what is queued (one recvmsg) and calls cb once per event, in order; the event lives
 * only during the call; cb returns 0 to go on, non-zero to drop the rest of this read.
 * Messages of other types are skipped.  Returns the number of events delivered, 0 when
 * nothing was queued, or a negative errno: -ENOBUFS means the kernel dropped events (the
 * socket overran); later reads work again and the caller should resynchronise.
 */
typedef int (*xfrm_event_cb)(const struct xfrm_event *ev, void *arg);
int	xfrm_event_read(struct xfrm_monitor *m, xfrm_event_cb cb, void *arg);

/* Closes the socket and frees the monitor.  NULL is accepted. */
void	xfrm_event_close(struct xfrm_monitor *m);

/*
 * Decodes one event message.  Returns 1 and fills *ev, 0 for a message that is not an
 * event this library delivers, or -EBADMSG.
 */
int	xfrm_event_parse(const void *nlh, size_t len, struct xfrm_event *ev);

/* ----------------------------------------------------- xfrm_spd.c */

/* Reads SPD counts and thresholds (XFRM_MSG_GETSPDINFO; reply XFRM_MSG_NEWSPDINFO). */
int	xfrm_spd_get(struct xfrm_handle *h, struct xfrm_spd_info *out);

/*
 * Sets the SPD hash thresholds (XFRM_MSG_NEWSPDINFO with XFRMA_SPD_IPV4_HTHRESH and
 * XFRMA_SPD_IPV6_HTHRESH, acked); the kernel rehashes.  Errors: -EINVAL (bits out of range).
 */
int	xfrm_spd_set_thresh(struct xfrm_handle *h, const struct xfrm_spd_thresh *t);

/* Decodes a XFRM_MSG_NEWSPDINFO message.  Errors: -EBADMSG, -EPROTO. */
int	xfrm_spd_parse(const void *nlh, size_t len, struct xfrm_spd_info *out);

/* ----------------------------------------------------- xfrm_batch.c */

/*
 * A batch sends many operations in few sendmsg calls: messages are packed into a buffer,
 * each with NLM_F_ACK and its own sequence number, and sent when the buffer is full, when
 * the send window is (8 operations at first, doubling with each send, so the kernel's hash
 * tables grow in step), and at xfrm_batch_commit().  Every operation gets its own result,
 * found by the index that queueing it returned.  A batch is not a transaction: operations
 * already sent stay done whatever happens to later ones, and queued operations may reach
 * the kernel before commit.  The buffer is wiped after every send (state operations carry
 * keys).
 */
struct xfrm_batch;

/* Creates an empty batch on h.  Free it with xfrm_batch_free().  Errors: -ENOMEM. */
int	xfrm_batch_new(struct xfrm_handle *h, struct xfrm_batch **bp);

/*
 * Queue one operation.  Return the operation's index (0, 1, ...) or a negative errno:
 * -EINVAL for a malformed object (not queued, no index used), -ENOMEM, or an error of an
 * earlier send (socket failure: the batch is then unusable).
 */
int	xfrm_batch_policy_add(struct xfrm_batch *b, const struct xfrm_policy *p);
int	xfrm_batch_policy_update(struct xfrm_batch *b, const struct xfrm_policy *p);
int	xfrm_batch_policy_del(struct xfrm_batch *b, const struct xfrm_policy *p);
int	xfrm_batch_state_add(struct xfrm_batch *b, const struct xfrm_state *s);
int	xfrm_batch_state_update(struct xfrm_batch *b, const struct xfrm_state *s);
int	xfrm_batch_state_del(struct xfrm_batch *b, const struct xfrm_state_id *id);

/*
 * Sends what is queued and collects every acknowledgement.  Returns the number of
 * operations that failed (0 = all done), or a negative errno when the exchange itself
 * failed (then operations without an answer report -ENOBUFS: their outcome is unknown).
 * After commit the batch is empty again (indexes restart at 0) and results stay readable
 * until the next queueing call.
 */
int	xfrm_batch_commit(struct xfrm_batch *b);

/* Number of operations in the last commit. */
size_t	xfrm_batch_count(const struct xfrm_batch *b);

/* Result of operation i of the last commit: 0 or a negative errno; -ERANGE for a bad i. */
int	xfrm_batch_result(const struct xfrm_batch *b, size_t i);

/*
 * First failed operation at or after *i of the last commit: sets *i and returns its negative
 * errno, or returns 0 when none failed from *i on.
 */
int	xfrm_batch_next_error(const struct xfrm_batch *b, size_t *i);

/* Frees the batch (wiping its buffer); operations queued but not committed are dropped. */
void	xfrm_batch_free(struct xfrm_batch *b);

#endif
