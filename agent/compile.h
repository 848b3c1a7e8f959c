/*
 * The Policy Agent's compiler: an effective policy (the static policy plus the dynamic rules)
 * in, XFRM policies and the IKE plan out.  Pure: no I/O, no kernel, no logging; names are
 * resolved through a callback the caller supplies.  design.md, "From policy to kernel".
 *
 * ---- Direction ----
 * A filter S -> D describes packets from S to D.  It yields an `out` policy with selector
 * S -> D when this host can be the sender (S is "me", or neither side is "me") and an `in`
 * policy with selector S -> D when this host can be the receiver (D is "me", or neither side
 * is "me").  A mirrored filter also does the same for D -> S.  So `*=0:1434:UDP` is one
 * inbound policy, as on Windows, and "me" only ever appears as the source of an `out` policy
 * or the destination of an `in` policy, where the wildcard is exact for locally generated and
 * delivered traffic: "me" becomes 0.0.0.0/0 (or ::/0) and the kernel needs no rewrite when
 * the host's addresses change.  Transport rules give no `fwd` policies.
 *
 * ---- Tunnel rules ----
 * Tunnel rules have one-way filters (validation enforces it).  As on Windows, a rule's
 * endpoint E is the tunnel end nearest the filter's destination:
 * - E is not one of env->local: traffic S -> D leaves through the tunnel: one `out` policy
 *   S -> D whose template runs from the local end to E;
 * - E is one of env->local: traffic S -> D arrives through the tunnel: an `in` and a `fwd`
 *   policy S -> D whose template runs from the remote end to E.
 * The other end comes from the reverse-direction tunnel rule (an active tunnel rule, in any
 * tree, whose first filter runs D -> S where this rule's first filter runs S -> D): its
 * endpoint.  Without one, the local end of an outbound rule is the first address of
 * env->local in the endpoint's family; the remote end of an inbound rule stays unknown.
 * A negotiate tunnel rule with an unknown end is left out with a warning (kernel-xfrm
 * refuses wildcard tunnel ends).  "me" in a tunnel filter is a wildcard too.
 *
 * ---- Addresses ----
 * any -> prefix 0; host -> full prefix; subnet -> its prefix; a range -> the minimal set of
 * prefixes covering it exactly; a DNS name and the server keywords (dns, wins, dhcp,
 * gateway) -> the addresses env->resolve returns, one selector each.  A filter whose two
 * sides are me/any yields IPv4 and IPv6 policies; otherwise only the family of its concrete
 * side(s) (the cross product of both sides' addresses, same family only).  A side that
 * resolves to no address drops the filter with a warning; a resolver error fails the
 * compile (the caller keeps what is installed).
 * Ports: exact port, mask 0xffff; protocol as given (0 = any).
 *
 * ---- Actions ----
 * permit -> XFRM_POLICY_ALLOW; block -> XFRM_POLICY_BLOCK; negotiate -> ALLOW with templates
 * (ESP, AH, or ESP then AH for AH+ESP: the kernel lists the innermost first) carrying the
 * rule's reqid, mode transport or tunnel (for AH+ESP in a tunnel, the inner ESP carries the
 * tunnel and AH protects the outer header in transport mode, as RFC 2401 bundles do).
 * One kernel policy holds one template structure, so the structure of the rule's first
 * offer is used and offers of another structure are left out of the IKE plan
 * (counted in ipp_ike_rule.dropped_offers, with a warning).  inpass -> the templates of `in`
 * and `fwd` policies are optional (clear inbound accepted, replies secured).  soft is passed
 * to the IKE module in the plan (it installs a short-lived per-peer allow policy itself).
 * Inactive rules are skipped.  The default response rule has no filters: it only appears
 * in the plan.
 *
 * ---- Priorities (lower wins in XFRM) ----
 * Our policies live in the band [env->prio_base, env->prio_base + IPP_COMPILE_PRIO_SPAN).
 * The agent recognises its own policies in a kernel dump by that band alone, so no other
 * software may use it.  Exemptions take the first IPP_COMPILE_PRIO_EXEMPT values; a
 * filter's policy gets a value computed from the filter alone (so changing one filter never
 * moves another), by windows-cli.md §1.2, most significant first:
 *   1. address class: host-host, host-range, range-range, any-host, any-range, any-any
 *      ("me", DNS names and server keywords count as hosts; subnets and ranges as ranges);
 *   2. protocol+both ports, protocol+destination port, protocol+source port, protocol, any
 *      (of the filter as written, so both halves of a mirrored filter rank alike);
 *   3. more mask bits first (of this selector: a range's pieces rank by their own prefix);
 *   4. tunnel before transport;
 *   5. block before negotiate before permit.
 *   priority = prio_base + IPP_COMPILE_PRIO_EXEMPT
 *            + ((((class * 5 + ports) * 257 + missing_bits) * 2 + transport) * 3 + action)
 *   where missing_bits = (max - sprefix) + (max - dprefix), max 32 or 128, "me" counting as
 *   a full-length prefix.
 *
 * ---- Identical selectors ----
 * The kernel keys policies by selector, direction, mark and if_id, so two compiled policies
 * with the same key cannot both exist.  The one with the lower priority wins (ties: the
 * earlier tree, then the earlier rule, then the earlier filter); the loser is dropped and
 * counted in the winner's origin.shadowed and in ipp_compiled.nshadowed, with a warning.
 *
 * ---- Exemptions (windows-cli.md §5, NoDefaultExempt) ----
 * ALLOW policies without templates, IPv4 and IPv6, priority band start + kind:
 * - always: IKE, UDP with local port 500 or 4500 (out: source port; in: destination port),
 *   so the IKE module can run whatever the policy says.  Only the local port is matched:
 *   unlike Windows, a remote source port of 500 opens nothing.
 * - Kerberos (levels 0, 2): TCP and UDP port 88, either port, both directions (Windows'
 *   rule, with its known risk: a sender using source port 88 is exempt).
 * - RSVP (levels 0, 2): protocol 46, both directions.
 * - multicast (levels 0, 1): destination 224.0.0.0/4 and ff00::/8, both directions.
 * - broadcast (levels 0, 1): destination 255.255.255.255/32 and each address of
 *   env->broadcast (the subnet-directed broadcasts of the host's interfaces, which the
 *   daemon supplies), both directions.  IPv6 has no broadcast.
 * Level 3 (IKE only) is the default, as on Windows Server 2003.
 *
 * ---- Connection types ----
 * all -> selector ifindex 0 (any interface).  lan -> one copy of each policy per ifindex in
 * env->lan_ifindex; dialup -> per ifindex in env->dialup_ifindex.  The daemon fills the
 * lists (lan: the configured LAN interfaces, by default every up interface that is neither
 * loopback nor dial-up; dialup: ppp* and the configured dial-up interfaces).  A lan or
 * dialup rule with an empty list applies nowhere: its filters are dropped with a warning.
 *
 * ---- Reqids ----
 * Each negotiate rule gets a reqid in [env->reqid_base, env->reqid_base +
 * IPP_COMPILE_REQID_SPAN), from a hash of its tree index and GUID (its name when the GUID
 * is empty), probing upward on collision in rule order, so a rule keeps its reqid when
 * others come and go.  Permit and block rules have reqid 0.
 *
 * ---- Trees ----
 * trees[0] is the static policy, trees[1..] hold dynamic rules (a dynamic rule set is kept
 * as a policy tree); any entry may be NULL.  The main-mode settings and the default
 * response rule come from the first non-NULL tree.  Trees are read, never kept: the output
 * holds its own copies.  Trees are assumed valid (ipp_policy_tree_validate); references
 * that do not resolve fail the compile with IPP_E_INVAL.
 */
#ifndef IPP_AGENT_COMPILE_H
#define IPP_AGENT_COMPILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel-xfrm/xfrm.h"
#include "store/err.h"
#include "store/model.h"

/* ---- the environment ---- */

#define IPP_COMPILE_PRIO_EXEMPT		16
#define IPP_COMPILE_PRIO_SPAN		(IPP_COMPILE_PRIO_EXEMPT + 6 * 5 * 257 * 2 * 3)
#define IPP_COMPILE_PRIO_BASE_DEFAULT	0x100000u	/* clear of strongSwan's and ip's 0 */
#define IPP_COMPILE_REQID_SPAN		0x100000u
#define IPP_COMPILE_REQID_BASE_DEFAULT	0x10000u
#define IPP_COMPILE_EXEMPT_DEFAULT	3
#define IPP_COMPILE_RESOLVE_MAX		64	/* addresses one name may yield */

/* One address of a host, a name or a server keyword. */
struct ipp_hostaddr {
	int		family;		/* AF_INET or AF_INET6 */
	union ipp_ip	ip;		/* network order */
};

/*
 * Resolves a DNS name (kind IPP_ADDR_DNSNAME, name set) or a server keyword (kind
 * IPP_ADDR_SRV_*, name NULL) into at most max addresses written to out.  Returns the count
 * (0 = nothing known: the filter is dropped with a warning) or -1 with e set (the compile
 * fails with that error).  The daemon resolves at every compile; tests use a table.
 */
typedef int (*ipp_compile_resolve_fn)(void *arg, enum ipp_addr_kind kind, const char *name,
    struct ipp_hostaddr *out, size_t max, struct ipp_err *e);

/*
 * Dead peer detection (RFC 3706): host settings from ipsecpold.conf(5), not from the
 * policy; the compiler copies them into the plan.  delay_s 0: DPD off (R-U-THERE of the
 * peer is still answered).
 */
enum ipp_dpd_action {
	IPP_DPD_CLEAR = 0,	/* remove the peer's SAs; the next packet negotiates again */
	IPP_DPD_HOLD,		/* the same, and the policies stay (they always do here) */
	IPP_DPD_RESTART,	/* remove, then negotiate the bundles we need at once */
};
#define IPP_DPD_ACTION_MAX	IPP_DPD_RESTART

struct ipp_dpd {
	uint32_t		delay_s;	/* idle time before R-U-THERE; 0 = off */
	uint32_t		timeout_s;	/* unanswered this long: the peer is dead */
	enum ipp_dpd_action	action;
};

#define IPP_DPD_DELAY_DEFAULT	30
#define IPP_DPD_TIMEOUT_DEFAULT	150
#define IPP_DPD_DELAY_MAX	86400
#define IPP_DPD_TIMEOUT_MAX	86400

struct ipp_compile_env {
	unsigned			exempt;		/* NoDefaultExempt 0..3 */
	uint32_t			prio_base;	/* band start; base+span must fit */
	uint32_t			reqid_base;	/* >= 1; base+span must fit */
	bool				ipv4_only;	/* no IPv6 policies at all */
	ipp_compile_resolve_fn		resolve;	/* NULL: every name resolves to nothing */
	void				*resolve_arg;
	const int			*lan_ifindex;	/* conntype lan */
	size_t				nlan;
	const int			*dialup_ifindex; /* conntype dialup */
	size_t				ndialup;
	const struct ipp_hostaddr	*local;		/* this host's addresses (tunnels) */
	size_t				nlocal;
	const struct ipp_hostaddr	*broadcast;	/* subnet broadcasts (exemptions) */
	size_t				nbroadcast;
	/* dpd: copied into ipp_ike_main.dpd */
	struct ipp_dpd			dpd;
};

/* Defaults: exempt 3, the default band and reqid base, DPD 30 s / 150 s / clear,
 * nothing else. */
void	ipp_compile_env_init(struct ipp_compile_env *env);

/* ---- the output ---- */

enum ipp_origin_kind {
	IPP_ORIGIN_FILTER = 0,
	IPP_ORIGIN_EXEMPT,
};

enum ipp_exempt_kind {
	IPP_EXEMPT_IKE = 0,
	IPP_EXEMPT_KERBEROS,
	IPP_EXEMPT_RSVP,
	IPP_EXEMPT_MULTICAST,
	IPP_EXEMPT_BROADCAST,
	IPP_EXEMPT_ND,		/* IPv6 neighbour discovery, always: IPv6 needs it to reach anyone */
};

/* Where a kernel policy came from. */
struct ipp_origin {
	enum ipp_origin_kind	kind;
	enum ipp_exempt_kind	exempt;		/* EXEMPT */
	uint32_t		rule;		/* FILTER: index into ipp_compiled.rules */
	uint32_t		filter;		/* FILTER: 1-based, in the rule's filter list */
	bool			reverse;	/* FILTER: from the mirrored (D -> S) half */
	uint32_t		shadowed;	/* policies with the same key that lost to it */
};

struct ipp_compiled_policy {
	struct xfrm_policy	xp;		/* mark 0, if_id 0, index 0, no lifetime */
	struct ipp_origin	origin;
};

/*
 * One compiled rule and, for negotiate rules, its entry of the IKE plan (the IKE module
 * finds it by the reqid of an ACQUIRE).
 */
struct ipp_ike_rule {
	uint32_t		reqid;		/* 0 unless NEGOTIATE */
	unsigned		tree;		/* index into the trees given */
	char			policy[IPP_NAME_MAX + 1];
	char			name[IPP_NAME_MAX + 1];
	char			guid[IPP_GUID_SIZE];
	enum ipp_action		action;
	bool			inpass;
	bool			soft;
	enum ipp_conntype	conntype;
	uint8_t			mode;		/* XFRM_MODE_TRANSPORT or _TUNNEL */
	uint16_t		tunnel_family;	/* TUNNEL: AF_INET or AF_INET6 */
	xfrm_address_t		tunnel_local;	/* TUNNEL: zero when not known */
	xfrm_address_t		tunnel_remote;	/* TUNNEL: zero when not known */
	struct ipp_auth		*auth;		/* copies; PSKs wiped by ipp_compiled_free */
	size_t			nauth;		/* 0: Kerberos */
	struct ipp_qm_offer	*offers;	/* lifetimes 0 replaced by the defaults */
	size_t			noffers;
	size_t			dropped_offers;	/* of another template structure */
};

/* Policy-wide IKE settings. */
struct ipp_ike_main {
	bool			present;	/* false: no tree given */
	char			policy[IPP_NAME_MAX + 1];
	char			guid[IPP_GUID_SIZE];
	struct ipp_mm		mm;		/* copy */
	struct ipp_defrule	defrule;	/* copy; PSKs wiped by ipp_compiled_free */
	/* dpd: the environment's, when present */
	struct ipp_dpd		dpd;
};

#define IPP_COMPILE_WARN_MAX	64

/*
 * The arrays are owned by the struct and released only by ipp_compiled_free() (policies
 * is mapped memory, not malloc's).  Order of policies: exemptions, then filters in tree,
 * rule and filter order.
 */
struct ipp_compiled {
	struct ipp_compiled_policy	*policies;
	size_t				npolicies;
	struct ipp_ike_rule		*rules;		/* every active rule compiled */
	size_t				nrules;
	struct ipp_ike_main		main;
	size_t				nshadowed;	/* policies dropped as duplicates */
	size_t				nunresolved;	/* filters dropped: a side had no address
							 * (name unresolved, or IPv6 with
							 * ipv4_only) */
	char				**warnings;	/* at most IPP_COMPILE_WARN_MAX */
	size_t				nwarnings;
	size_t				nwarnings_lost;	/* beyond the cap */
};

/*
 * Compiles.  out must be zeroed (or freed with ipp_compiled_free); on success it owns its
 * arrays and the caller frees it with ipp_compiled_free().  Returns 0, or -1 with e set
 * (IPP_E_INVAL: a bad environment or a dangling reference; IPP_E_NOMEM; the resolver's
 * error), leaving out zeroed.  Linear in the number of policies produced (hash index);
 * reentrant (no global state).
 */
int	ipp_compile(const struct ipp_policy_tree *const *trees, size_t ntrees,
	    const struct ipp_compile_env *env, struct ipp_compiled *out, struct ipp_err *e);

/* Frees and zeroes; wipes the preshared keys of the plan.  NULL is accepted. */
void	ipp_compiled_free(struct ipp_compiled *c);

/*
 * The origin of p as text: "policy 'P' rule 'R' filter 3 (out)",
 * "... filter 3, mirrored (in), shadows 1", "exemption IKE (in)".  Returns buf.
 */
const char *ipp_compiled_origin(const struct ipp_compiled *c,
	    const struct ipp_compiled_policy *p, char *buf, size_t len);
#define IPP_ORIGIN_STRLEN	(2 * IPP_NAME_MAX + 96)

/* The negotiate rule with that reqid, or NULL. */
const struct ipp_ike_rule *ipp_compiled_rule_by_reqid(const struct ipp_compiled *c,
	    uint32_t reqid);

/* "IKE", "Kerberos", "RSVP", "multicast", "broadcast". */
const char *ipp_exempt_name(enum ipp_exempt_kind k);

#endif
