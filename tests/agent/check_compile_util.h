/* Helpers for the compiler's and the diff's tests: policy trees built in C, a text form of
 * compiled policies for golden tables, a table resolver. */
#ifndef IPP_CHECK_COMPILE_UTIL_H
#define IPP_CHECK_COMPILE_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "agent/compile.h"
#include "store/model.h"

/* ---- building trees (every failure fails the test) ---- */
/* Loads Windows' example policy name from a freshly seeded local store (asserts). */
void	load_example(const char *name, struct ipp_policy_tree *t);
void	tb_init(struct ipp_policy_tree *t, const char *policy);
/* Adds a filter to the list name (created on first use).  Addresses in ipp_addr_parse's
 * text ("me", "any", "10.0.0.0/8", "10.0.0.1-10.0.0.9", "host.example.", "dns"). */
void	tb_filter(struct ipp_policy_tree *t, const char *list, const char *src, const char *dst,
	    unsigned proto, unsigned sport, unsigned dport, bool mirrored);
/* An action; for NEGOTIATE, offers as "esp", "ah", "ahesp" (NULL-terminated list). */
void	tb_action(struct ipp_policy_tree *t, const char *name, enum ipp_action a, bool inpass,
	    int soft, ...);
/* A rule; tunnel NULL for transport.  Returns the rule to adjust (conntype, active, auth). */
struct ipp_rule *tb_rule(struct ipp_policy_tree *t, const char *name, const char *list,
	    const char *action, const char *tunnel);
/* Adds a preshared key to the rule's authentication methods. */
void	tb_psk(struct ipp_rule *r, const char *key);
/* Validates the tree (fails the test when invalid). */
void	tb_valid(const struct ipp_policy_tree *t);

/* ---- golden text ---- */
/* "out 10.0.0.1/32:80 > 0.0.0.0/0 6 if0 allow p29510 esp/tr/r=R/opt", with the priority
 * relative to env->prio_base and reqids shown as the rule's name. */
const char *pol_text(const struct ipp_compiled *c, const struct ipp_compile_env *env,
	    const struct xfrm_policy *p, char *buf, size_t len);
#define POL_STRLEN 512
/* Compares the compiled policies (all, or only those not from exemptions) with expect,
 * in order; on a mismatch fails the test, printing the whole actual table. */
void	golden(const struct ipp_compiled *c, const struct ipp_compile_env *env, bool exempts,
	    const char *const *expect, size_t n);
#define GOLDEN(c, env, ex, tab) golden((c), (env), (ex), (tab), sizeof(tab) / sizeof((tab)[0]))

/* ---- a resolver over a fixed table: "name=addr,addr" ---- */
struct res_table {
	const char *const *rows;
	size_t n;
	int fail;		/* nonzero: every call fails */
	unsigned calls;
};
int	res_table_resolve(void *arg, enum ipp_addr_kind kind, const char *name,
	    struct ipp_hostaddr *out, size_t max, struct ipp_err *e);

/* Compiles or fails the test; every policy must pass kernel-xfrm's xfrm_policy_check(). */
void	compile_ok(const struct ipp_policy_tree *const *trees, size_t ntrees,
	    const struct ipp_compile_env *env, struct ipp_compiled *out);
/* Number of compiled policies from filters (exemptions left out). */
size_t	n_filter_policies(const struct ipp_compiled *c);

#endif
