/* Internals shared by the compiler's and the diff's files; not part of the API. */
#ifndef IPP_AGENT_COMPILE_INT_H
#define IPP_AGENT_COMPILE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agent/compile.h"
#include "agent/diff.h"

/* ---- compile_mem.c: large arrays (zeroed, page tables filled up front) ---- */

void	*ipp_big_alloc(size_t bytes);
/* Grows (never shrinks) keeping the content; NULL on failure with p untouched. */
void	*ipp_big_realloc(void *p, size_t bytes);
void	ipp_big_free(void *p);

/* ---- compile_key.c: kernel policy keys and a hash index over them ---- */

/* The canonical kernel key of a policy: selector (masked), direction, mark, if_id. */
struct ipp_polkey {
	uint8_t		saddr[16], daddr[16];
	uint16_t	family;
	uint8_t		sprefix, dprefix;
	uint8_t		proto, dir;
	uint16_t	sport, sport_mask, dport, dport_mask;
	int32_t		ifindex;
	uint32_t	mark_v, mark_m, if_id;
	uint32_t	hash;
};

void	ipp_polkey_make(struct ipp_polkey *k, const struct xfrm_policy *p);
bool	ipp_polkey_eq(const struct ipp_polkey *a, const struct ipp_polkey *b);

/*
 * Open addressing over policies the caller holds (a strided view, which may move between
 * calls); a slot holds a key's hash and the policy's index + 1, so probing reads no policy
 * unless the hashes match.
 */
struct ipp_polkey_index {
	uint64_t	*slot;
	size_t		mask;		/* capacity - 1 */
	size_t		used;
};

/* 0, or -1 when out of memory. */
int	ipp_polkey_index_init(struct ipp_polkey_index *x, size_t n);
void	ipp_polkey_index_free(struct ipp_polkey_index *x);
/* The index of a policy of v with key *k already in x, or inserts i (whose key is *k) and
 * returns i.  -1 when out of memory (growing). */
long	ipp_polkey_index_put(struct ipp_polkey_index *x, const struct ipp_policy_set *v,
	    const struct ipp_polkey *k, size_t i);
/* The index of a policy of v with key *k, or -1. */
long	ipp_polkey_index_find(const struct ipp_polkey_index *x, const struct ipp_policy_set *v,
	    const struct ipp_polkey *k);

/* ---- compile_addr.c: one side of a filter as prefixes ---- */

struct ipp_prefix {
	int		family;		/* AF_INET, AF_INET6 */
	union ipp_ip	ip;
	uint8_t		prefix;
	bool		me;		/* "me": a wildcard that ranks as a host */
};

/* A growable list of prefixes. */
struct ipp_prefixes {
	struct ipp_prefix	*v;
	size_t			n, cap;
};

/*
 * Expands one side: me/any give one wildcard per family (v6 unless ipv4_only); a subnet
 * one prefix; a range its minimal cover; names what env->resolve gives.  Returns 0, or -1
 * with e set.  The list is emptied first.
 */
int	ipp_side_expand(const struct ipp_addr *a, const struct ipp_compile_env *env,
	    struct ipp_prefixes *out, struct ipp_err *e);
/* Appends the minimal set of prefixes covering lo..hi (one family). */
int	ipp_range_split(int family, const union ipp_ip *lo, const union ipp_ip *hi,
	    struct ipp_prefixes *out);
void	ipp_prefixes_free(struct ipp_prefixes *l);
int	ipp_prefixes_push(struct ipp_prefixes *l, const struct ipp_prefix *p);

/* ---- compile_prio.c: Windows' specificity order as XFRM priorities ---- */

/* The priority offset (from prio_base) of a filter's policy with that selector. */
uint32_t ipp_prio_filter(const struct ipp_filter *f, const struct ipp_prefix *src,
	    const struct ipp_prefix *dst, bool tunnel, enum ipp_action action);

/* ---- compile_exempt.c ---- */

struct ipp_compile_sink;
/* Emits the exemption policies of env->exempt into the sink. */
int	ipp_exempt_emit(const struct ipp_compile_env *env, struct ipp_compile_sink *s,
	    struct ipp_err *e);

/* ---- compile_plan.c: rules of the IKE plan ---- */

int	ipp_plan_rule(struct ipp_ike_rule *out, const struct ipp_policy_tree *t, unsigned tree,
	    const struct ipp_rule *r, const struct ipp_filteraction *fa, struct ipp_err *e);
void	ipp_plan_rule_clear(struct ipp_ike_rule *r);
int	ipp_plan_main(struct ipp_ike_main *out, const struct ipp_policy_tree *t,
	    struct ipp_err *e);
void	ipp_plan_main_clear(struct ipp_ike_main *m);
/* Gives every negotiate rule its reqid (stable under rule additions and removals). */
int	ipp_plan_reqids(struct ipp_ike_rule *rules, size_t n, uint32_t base, struct ipp_err *e);

/* ---- compile.c: the sink every policy goes through ---- */

struct ipp_compile_sink {
	struct ipp_compiled	*out;
	size_t			cap;
	size_t			used;		/* slots ever written; the rest are zero */
	struct ipp_polkey_index	index;
};

/* The zeroed slot the next policy is built in, or NULL (ENOMEM, e set). */
struct ipp_compiled_policy *ipp_sink_slot(struct ipp_compile_sink *s, struct ipp_err *e);
/* Keeps the policy built in the slot unless one with its key exists; then the lower
 * priority stays (ties: the one already there) and the loser is counted.  0 or -1. */
int	ipp_sink_commit(struct ipp_compile_sink *s, struct ipp_err *e);
/* Records a warning (printf-like); drops it beyond the cap. */
void	ipp_compiled_warn(struct ipp_compiled *c, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
