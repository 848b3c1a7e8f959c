/*
 * ctl_proto: the agent's control protocol (ipsecpold(8), CONTROL PROTOCOL), shared by the
 * daemon and the clients (ipsecpol, tests).  Pure codec: no I/O.
 *
 * A message is a 16-byte header, all numbers big-endian:
 *	u32 magic "IPPC" | u8 version (1) | u8 flags | u16 type | u32 seq | u32 length
 * then length bytes (at most CTL_MSG_MAX - 16) of attributes, each
 *	u16 type | u16 length | length bytes of value
 * A nested attribute's value is itself a run of attributes.  Numbers are big-endian of
 * exactly their width; strings are UTF-8 without NUL, bounded per attribute.  Decoders
 * refuse unknown versions, short or overlong messages, truncated attributes and known
 * attributes of the wrong size; they skip attribute types they do not know.
 * A reply has the request's type with CTL_REPLY set and the request's seq; CTL_F_MORE
 * says more replies follow for the same request (show lists).
 */
#ifndef IPP_AGENT_CTL_PROTO_H
#define IPP_AGENT_CTL_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/err.h"
#include "store/model.h"

#define CTL_MAGIC	0x49505043u	/* "IPPC" */
#define CTL_VERSION	1
#define CTL_HDR_LEN	16
#define CTL_MSG_MAX	65536
#define CTL_STR_MAX	4096		/* longest string attribute */
#define CTL_LIST_MAX	1024		/* most filters, offers or auth methods in one rule */

#define CTL_F_MORE	0x01

enum ctl_type {
	CTL_STATUS = 1,
	CTL_REFRESH,
	CTL_SHOW_KERNEL,	/* replies: one per CTL_A_KPOL batch, CTL_F_MORE until the last */
	CTL_DYN_ADD,		/* CTL_A_RULE; reply CTL_A_RULE_ID */
	CTL_DYN_DEL,		/* CTL_A_RULE_ID */
	CTL_DYN_LIST,		/* replies: CTL_A_RULE each (preshared keys left out) */
	CTL_DYN_FLUSH,
	CTL_TYPE_MAX = CTL_DYN_FLUSH,
	/*
	 * The IKE module's state, relayed by the agent (a range of their own, apart from the
	 * agent's own requests).  Replies: CTL_A_MMSA / CTL_A_QMSA each, CTL_F_MORE until the
	 * last; CTL_A_IKESTAT each for the statistics.  Soft associations (clear-text
	 * allowances for peers that never answered IKE) come as CTL_A_SOFTSA, after the
	 * CTL_A_QMSA entries of CTL_SHOW_QMSA and alone in CTL_SHOW_SOFTSA's replies.
	 */
	CTL_SHOW_MMSA = 0x20,
	CTL_SHOW_QMSA,
	CTL_SHOW_IKESTATS,
	CTL_SHOW_SOFTSA,
};
#define CTL_REPLY	0x8000

enum ctl_attr_type {
	/* every reply */
	CTL_A_ERRCODE = 1,	/* u32: 0 or an ipp_errclass */
	CTL_A_ERRMSG,		/* string */
	/* status */
	CTL_A_SOURCE,		/* string: "local store /path", "none" */
	CTL_A_REASON,		/* string: why that source */
	CTL_A_POLICY,		/* string: the policy in force ("" = none) */
	CTL_A_LAST_APPLY,	/* u64: seconds since the epoch, 0 = never */
	CTL_A_NINSTALLED,	/* u32: kernel policies installed by the agent */
	CTL_A_NDYNAMIC,		/* u32: dynamic rules */
	CTL_A_LAST_ERROR,	/* string */
	CTL_A_NL_TOTAL,		/* u64: netlink operations sent since start */
	CTL_A_NL_LAST,		/* u32: netlink operations of the last apply */
	CTL_A_LAST_ADD,		/* u32: adds, updates and deletes of the last apply */
	CTL_A_LAST_UPDATE,
	CTL_A_LAST_DELETE,
	CTL_A_APPLIES,		/* u32: applies since start */
	CTL_A_IKE_PID,		/* u32: 0 = not running */
	CTL_A_IKE_RESTARTS,	/* u32 */
	/* show kernel */
	CTL_A_KPOL,		/* nested: CTL_A_TEXT, CTL_A_ORIGIN */
	CTL_A_TEXT,		/* string: the policy in `ip xfrm policy` words */
	CTL_A_ORIGIN,		/* string */
	/* dynamic rules */
	CTL_A_RULE,		/* nested: the CTL_R_* attributes */
	CTL_A_RULE_ID,		/* u32 */
	CTL_A_APPLY_USEC,	/* u64: time the last apply spent with the kernel */
	/* status: the directory source (explicit values: other branches add from 32) */
	CTL_A_SOURCE_KIND = 24,	/* string: "directory", "cache", "local", "none" */
	CTL_A_POLICY_DN,	/* string: the directory policy's DN ("" = not from one) */
	CTL_A_LAST_FETCH,	/* u64: seconds since the epoch of the last good fetch, 0 = never */
	CTL_A_LAST_CHANGE,	/* u64: when the policy in force last changed, 0 = never */
	CTL_A_ATTR_MAX,
	/* the IKE module's SAs and statistics (own range) */
	CTL_A_MMSA = 0x40,	/* nested CTL_S_*: one main-mode SA */
	CTL_A_QMSA,		/* nested CTL_S_*: one quick-mode SA bundle */
	CTL_A_IKESTAT,		/* nested: CTL_S_NAME, CTL_S_VALUE */
	/* soft: 0x78-0x7f */
	CTL_A_SOFTSA = 0x78,	/* nested CTL_S_*: one soft association */
	/* dos: the IKE module's half-open table, in its statistics reply and in the status */
	CTL_A_IKE_HALF_OPEN = 0x80,		/* u32: Main Modes not yet authenticated */
	CTL_A_IKE_HALF_OPEN_MAX = 0x81,		/* u32: the limit in total */
	CTL_A_IKE_HALF_OPEN_PEER_MAX = 0x82,	/* u32: the limit per peer address */
	CTL_A_IKE_HALF_OPEN_PEAK = 0x83,	/* u32: most at once since the module started */
	CTL_A_IKE_HALF_OPEN_DROPS = 0x84,	/* u64: new exchanges refused by the limits */
	CTL_A_IKE_HALF_OPEN_EVICTED = 0x85,	/* u64: unanswered ones dropped for new ones */
};

/* Inside CTL_A_MMSA and CTL_A_QMSA. */
enum ctl_sa_attr {
	CTL_S_FAMILY = 1,	/* u8: 4 or 6 */
	CTL_S_LOCAL,		/* 4 or 16 bytes: our IKE address */
	CTL_S_REMOTE,		/* 4 or 16 bytes: the peer's */
	CTL_S_INITIATOR,	/* u8 0/1 */
	CTL_S_STATE,		/* u8: 0 negotiating, 1 established (main mode) */
	CTL_S_AUTH,		/* u8 ipp_auth_kind */
	CTL_S_CIPHER,		/* u8 ipp_cipher (main mode) */
	CTL_S_HASH,		/* u8 ipp_hash (main mode) */
	CTL_S_GROUP,		/* u16: DH group (main mode), PFS group (quick mode, 0 none) */
	CTL_S_LIFE_S,		/* u64: lifetime in seconds (quick mode: hard) */
	CTL_S_AGE_S,		/* u64: seconds since it was made */
	CTL_S_ICOOKIE,		/* 8 bytes */
	CTL_S_RCOOKIE,		/* 8 bytes */
	CTL_S_PEER_ID,		/* string */
	CTL_S_NQM,		/* u32: quick modes done under this main mode */
	CTL_S_REQID,		/* u32: 0 = the default response rule */
	CTL_S_RULE,		/* string: the rule's name */
	CTL_S_MODE,		/* u8 XFRM_MODE_* */
	CTL_S_PROTO,		/* nested CTL_S_P_* (repeated: ESP first, then AH) */
	CTL_S_TS_LOCAL,		/* nested CTL_S_T_*: our Quick Mode ID */
	CTL_S_TS_REMOTE,	/* nested CTL_S_T_*: the peer's */
	CTL_S_LIFE_KB,		/* u64: hard limit in kilobytes, 0 none */
	CTL_S_BYTES_IN,		/* u64: the kernel's counters */
	CTL_S_BYTES_OUT,
	CTL_S_PKTS_IN,
	CTL_S_PKTS_OUT,
	CTL_S_NAME,		/* string (statistics) */
	CTL_S_VALUE,		/* u64 (statistics) */
	CTL_S_LEFT_S,		/* u64: seconds until a soft association expires */
};

enum ctl_sa_proto_attr {
	CTL_S_P_PROTO = 1,	/* u8: IPPROTO_ESP or IPPROTO_AH */
	CTL_S_P_CIPHER,		/* u8 ipp_cipher */
	CTL_S_P_AUTH,		/* u8 ipp_hash */
	CTL_S_P_SPI_IN,		/* u32 */
	CTL_S_P_SPI_OUT,	/* u32 */
};

enum ctl_sa_ts_attr {
	CTL_S_T_ADDR = 1,	/* 4 or 16 bytes */
	CTL_S_T_PREFIX,		/* u8 */
	CTL_S_T_PROTO,		/* u8, 0 = any */
	CTL_S_T_PORT,		/* u16, 0 = any */
};

/* Inside CTL_A_RULE. */
enum ctl_rule_attr {
	CTL_R_NAME = 1,		/* string */
	CTL_R_FILTER,		/* nested CTL_F_* (repeated, in order) */
	CTL_R_ACTION,		/* u8 ipp_action */
	CTL_R_INPASS,		/* u8 0/1 */
	CTL_R_SOFT,		/* u8 0/1 */
	CTL_R_OFFER,		/* nested CTL_O_* (repeated, in order) */
	CTL_R_AUTH,		/* nested CTL_U_* (repeated, in order) */
	CTL_R_TUNNEL,		/* nested CTL_D_* address */
	CTL_R_CONNTYPE,		/* u8 ipp_conntype */
	CTL_R_ID,		/* u32 (lists only) */
};

enum ctl_filter_attr {
	CTL_FI_SRC = 1,		/* nested CTL_D_* */
	CTL_FI_DST,
	CTL_FI_PROTO,		/* u8 */
	CTL_FI_SPORT,		/* u16 */
	CTL_FI_DPORT,		/* u16 */
	CTL_FI_MIRRORED,	/* u8 0/1 */
};

enum ctl_addr_attr {
	CTL_D_KIND = 1,		/* u8 ipp_addr_kind */
	CTL_D_FAMILY,		/* u8: 4 or 6 (NET, RANGE) */
	CTL_D_IP,		/* 4 or 16 bytes */
	CTL_D_IP_END,		/* 4 or 16 bytes (RANGE) */
	CTL_D_PREFIX,		/* u8 (NET) */
	CTL_D_DNS,		/* string (DNSNAME) */
};

enum ctl_offer_attr {
	CTL_O_PROTO = 1,	/* u8 ipp_qm_proto */
	CTL_O_AH_HASH,		/* u8 ipp_hash */
	CTL_O_ESP_CIPHER,	/* u8 ipp_cipher */
	CTL_O_ESP_AUTH,		/* u8 ipp_hash */
	CTL_O_LIFE_S,		/* u32 */
	CTL_O_LIFE_KB,		/* u32 */
	CTL_O_PFS,		/* u8 0/1 */
	CTL_O_PFS_GROUP,	/* u16 */
};

enum ctl_auth_attr {
	CTL_U_KIND = 1,		/* u8 ipp_auth_kind */
	CTL_U_VALUE,		/* string: PSK (wiped after use) or root CA DN */
	CTL_U_CERTMAP,		/* u8 0/1 */
	CTL_U_EXCLCA,		/* u8 0/1 */
};

/* ---- building ---- */

struct ctl_msg {
	uint8_t		*buf;		/* header + payload */
	size_t		len, cap;
	int		err;		/* sticky: -EMSGSIZE or -ENOMEM */
	size_t		nest[8];	/* open nested attributes */
	unsigned	depth;
};

void	ctl_msg_init(struct ctl_msg *m, uint16_t type, uint32_t seq, uint8_t flags);
/* Finishes the header; returns 0 or the sticky error.  m->buf, m->len: the bytes to send. */
int	ctl_msg_finish(struct ctl_msg *m);
/* Wipes (strings may be keys) and frees. */
void	ctl_msg_free(struct ctl_msg *m);
void	ctl_put_u8(struct ctl_msg *m, uint16_t type, uint8_t v);
void	ctl_put_u16(struct ctl_msg *m, uint16_t type, uint16_t v);
void	ctl_put_u32(struct ctl_msg *m, uint16_t type, uint32_t v);
void	ctl_put_u64(struct ctl_msg *m, uint16_t type, uint64_t v);
void	ctl_put_str(struct ctl_msg *m, uint16_t type, const char *s);
void	ctl_put_bytes(struct ctl_msg *m, uint16_t type, const void *p, size_t len);
void	ctl_nest_begin(struct ctl_msg *m, uint16_t type);
void	ctl_nest_end(struct ctl_msg *m);
/* Bytes left for attributes in this message. */
size_t	ctl_msg_room(const struct ctl_msg *m);

/* ---- reading ---- */

struct ctl_hdr {
	uint8_t		version, flags;
	uint16_t	type;
	uint32_t	seq;
	uint32_t	len;		/* of the payload */
};

/* Checks the first CTL_HDR_LEN bytes.  0, or -1 with e (IPP_E_INVAL) saying what is wrong. */
int	ctl_hdr_parse(const void *buf, size_t len, struct ctl_hdr *h, struct ipp_err *e);

struct ctl_attr {
	uint16_t	type;
	uint16_t	len;
	const uint8_t	*val;
};

struct ctl_iter {
	const uint8_t	*p, *end;
};

void	ctl_iter_init(struct ctl_iter *it, const void *buf, size_t len);
void	ctl_iter_nested(struct ctl_iter *it, const struct ctl_attr *a);
/* 1 and *a set, 0 at the end, -1 with e for a truncated attribute. */
int	ctl_iter_next(struct ctl_iter *it, struct ctl_attr *a, struct ipp_err *e);
/* Typed reads: -1 with e when the length is wrong. */
int	ctl_get_u8(const struct ctl_attr *a, uint8_t *v, struct ipp_err *e);
int	ctl_get_u16(const struct ctl_attr *a, uint16_t *v, struct ipp_err *e);
int	ctl_get_u32(const struct ctl_attr *a, uint32_t *v, struct ipp_err *e);
int	ctl_get_u64(const struct ctl_attr *a, uint64_t *v, struct ipp_err *e);
/* A new string (NUL-free, at most CTL_STR_MAX bytes); free it (wipe it if a key). */
int	ctl_get_str(const struct ctl_attr *a, char **s, struct ipp_err *e);

/* ---- the objects ---- */

struct ctl_status {
	char		*source, *reason, *policy, *last_error;
	uint64_t	last_apply, nl_total;
	uint32_t	ninstalled, ndynamic, nl_last, applies;
	uint32_t	last_add, last_update, last_delete;
	uint32_t	ike_pid, ike_restarts;
	uint64_t	apply_usec;
	char		*source_kind, *policy_dn;
	uint64_t	last_fetch, last_change;
	/* dos: the IKE module's half-open table; ike_dos false: the module did not say */
	bool		ike_dos;
	uint32_t	ike_half_open, ike_half_open_max, ike_half_open_peer_max;
	uint32_t	ike_half_open_peak;
	uint64_t	ike_half_open_drops, ike_half_open_evicted;
};

void	ctl_status_put(struct ctl_msg *m, const struct ctl_status *s);
int	ctl_status_parse(const void *payload, size_t len, struct ctl_status *s,
	    struct ipp_err *e);
void	ctl_status_clear(struct ctl_status *s);
/* dos: only the ike_half_open* attributes of s (the IKE module's statistics reply). */
void	ctl_status_put_dos(struct ctl_msg *m, const struct ctl_status *s);

/* A dynamic rule as it travels: the rule with its own filter list and filter action. */
struct ctl_rule {
	uint32_t		id;		/* set by the agent */
	struct ipp_rule		rule;		/* filterlist/filteraction names unused */
	struct ipp_filterlist	list;
	struct ipp_filteraction	action;
};

/* with_keys false leaves preshared keys out (lists sent back to clients). */
void	ctl_rule_put(struct ctl_msg *m, const struct ctl_rule *r, bool with_keys);
/* Decodes one CTL_A_RULE's value; r must be zeroed; clear with ctl_rule_clear. */
int	ctl_rule_parse(const struct ctl_attr *a, struct ctl_rule *r, struct ipp_err *e);
void	ctl_rule_clear(struct ctl_rule *r);

/* Pieces, shared with the IKE socket's plan (agent/ike_proto.h). */
void	ctl_offer_put(struct ctl_msg *m, uint16_t type, const struct ipp_qm_offer *o);
int	ctl_offer_parse(const struct ctl_attr *a, struct ipp_qm_offer *o, struct ipp_err *e);
void	ctl_auth_put(struct ctl_msg *m, uint16_t type, const struct ipp_auth *u,
	    bool with_keys);
int	ctl_auth_parse(const struct ctl_attr *a, struct ipp_auth *u, struct ipp_err *e);

/* One IKE SA as the module reports it (CTL_A_MMSA or CTL_A_QMSA); no keys ever. */
struct ctl_sa_ts {
	int		family;		/* AF_INET, AF_INET6; 0 = absent */
	union ipp_ip	addr;
	uint8_t		prefix, proto;
	uint16_t	port;
};

struct ctl_sa_proto {
	uint8_t		proto;		/* IPPROTO_ESP or IPPROTO_AH */
	enum ipp_cipher	cipher;
	enum ipp_hash	auth;
	uint32_t	spi_in, spi_out;
};

struct ctl_sa {
	int			family;		/* AF_INET, AF_INET6 */
	union ipp_ip		local, remote;
	bool			initiator, established;
	enum ipp_auth_kind	auth;
	enum ipp_cipher		cipher;
	enum ipp_hash		hash;
	uint16_t		group;
	uint64_t		life_s, age_s, life_kb;
	uint8_t			icookie[8], rcookie[8];
	char			*peer_id, *rule;
	uint32_t		nqm, reqid;
	uint8_t			mode;
	struct ctl_sa_proto	p[2];
	size_t			nproto;
	struct ctl_sa_ts	ts_local, ts_remote;
	uint64_t		bytes_in, bytes_out, pkts_in, pkts_out;
	bool			soft;		/* a CTL_A_SOFTSA: no SA, clear text */
	uint64_t		left_s;		/* soft: seconds until it expires */
};

/*
 * Decodes one CTL_A_MMSA/CTL_A_QMSA/CTL_A_SOFTSA value; sa zeroed by the call; clear with
 * ctl_sa_clear.  A soft association has life_s (its -1e expiry), age_s and left_s, the
 * rule (name, reqid) and the packet's hosts narrowed from the rule's selector as
 * ts_local / ts_remote; local and remote are the two hosts.
 */
int	ctl_sa_parse(const struct ctl_attr *a, struct ctl_sa *sa, struct ipp_err *e);
void	ctl_sa_clear(struct ctl_sa *sa);

/* The reply's CTL_A_ERRCODE/ERRMSG: 0, or -1 with e set to the agent's error. */
int	ctl_reply_error(const void *payload, size_t len, struct ipp_err *e);

const char *ctl_type_name(uint16_t type);

#endif
