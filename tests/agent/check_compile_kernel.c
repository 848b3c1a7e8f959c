/*
 * The compiler's output against the real kernel, in a private network namespace: every
 * compiled policy is accepted, a dump of what went in matches the compiled set exactly
 * (the diff of dump against compile is empty), a changed filter applies in at most four
 * messages, and a foreign policy survives.  Needs root (CAP_NET_ADMIN for unshare).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent/compile.h"
#include "agent/diff.h"
#include "kernel-xfrm/xfrm.h"
#include "tests/agent/check_compile_util.h"
#include "tests/lib/ipp_check.h"

#define TREES(...) ((const struct ipp_policy_tree *const[]){ __VA_ARGS__ })
#define LO IPP_COMPILE_PRIO_BASE_DEFAULT
#define HI (IPP_COMPILE_PRIO_BASE_DEFAULT + IPP_COMPILE_PRIO_SPAN)

struct dump {
	struct xfrm_policy	*v;
	size_t			n, cap;
};

static int
dump_cb(const struct xfrm_policy *p, void *arg)
{
	struct dump *d = arg;
	struct xfrm_policy *v;

	if (d->n == d->cap) {
		d->cap = d->cap == 0 ? 256 : 2 * d->cap;
		v = reallocarray(d->v, d->cap, sizeof(*v));
		if (v == NULL)
			return -ENOMEM;
		d->v = v;
	}
	d->v[d->n++] = *p;
	return 0;
}

static void
dump_all(struct xfrm_handle *h, struct dump *d)
{
	int rc;

	d->n = 0;
	rc = xfrm_policy_dump(h, dump_cb, d);
	ck_assert_msg(rc >= 0, "dump: %s", strerror(-rc));
}

/* Sends the steps in one batch; every one must succeed. */
static void
apply(struct xfrm_handle *h, const struct ipp_diff *d)
{
	struct xfrm_batch *b;
	size_t i, at = 0;
	int rc;

	ck_assert_int_eq(xfrm_batch_new(h, &b), 0);
	for (i = 0; i < d->nsteps; i++) {
		switch (d->steps[i].op) {
		case IPP_DIFF_ADD:
			rc = xfrm_batch_policy_add(b, d->steps[i].xp);
			break;
		case IPP_DIFF_UPDATE:
			rc = xfrm_batch_policy_update(b, d->steps[i].xp);
			break;
		default:
			rc = xfrm_batch_policy_del(b, d->steps[i].xp);
		}
		ck_assert_msg(rc >= 0, "queue step %zu: %s", i, strerror(-rc));
	}
	rc = xfrm_batch_commit(b);
	if (rc != 0) {
		int err = xfrm_batch_next_error(b, &at);

		ck_abort_msg("commit: %d failed; step %zu (%s): %s", rc, at,
		    ipp_diff_op_name(d->steps[at].op), strerror(-err));
	}
	xfrm_batch_free(b);
}

static void
enter_netns(void)
{
	ck_assert_msg(unshare(CLONE_NEWNET) == 0, "unshare: %s", strerror(errno));
}

static void
build(struct ipp_policy_tree *t, struct ipp_policy_tree *dyn)
{
	tb_init(t, "P");
	tb_filter(t, "all", "me", "any", 0, 0, 0, true);
	tb_filter(t, "hosts", "me", "10.0.0.1", 6, 0, 443, true);
	tb_filter(t, "hosts", "me", "10.0.0.1-10.0.0.6", 17, 53, 0, true);
	tb_filter(t, "hosts", "2001:db8::1", "2001:db8::/64", 0, 0, 0, false);
	tb_filter(t, "hosts", "any", "me", 17, 0, 1434, false);
	tb_filter(t, "AtoB", "10.1.0.0/16", "10.2.0.0/16", 0, 0, 0, false);
	tb_filter(t, "BtoA", "10.2.0.0/16", "10.1.0.0/16", 0, 0, 0, false);
	tb_action(t, "require", IPP_ACTION_NEGOTIATE, true, false, "esp", NULL);
	tb_action(t, "ahesp", IPP_ACTION_NEGOTIATE, false, false, "ahesp", NULL);
	tb_action(t, "block", IPP_ACTION_BLOCK, false, false, NULL);
	tb_rule(t, "all", "all", "require", NULL);
	tb_rule(t, "hosts", "hosts", "ahesp", NULL)->conntype = IPP_CONN_LAN;
	tb_rule(t, "to-B", "AtoB", "require", "192.0.2.2");
	tb_rule(t, "from-B", "BtoA", "require", "192.0.2.1");
	tb_valid(t);
	tb_init(dyn, "dynamic");
	tb_filter(dyn, "d", "me", "any", 6, 0, 23, true);
	tb_action(dyn, "block", IPP_ACTION_BLOCK, false, false, NULL);
	tb_rule(dyn, "d", "d", "block", NULL);
}

static void
env_for(struct ipp_compile_env *env, struct ipp_hostaddr *local, const int *lan)
{
	ipp_compile_env_init(env);
	env->exempt = 0;
	local->family = AF_INET;
	inet_pton(AF_INET, "192.0.2.1", &local->ip);
	env->local = local;
	env->nlocal = 1;
	env->lan_ifindex = lan;
	env->nlan = 1;
}

START_TEST(test_kernel_takes_it_and_dumps_it_back)
{
	static const int lan[] = { 1 };	/* lo, present in every namespace */
	struct ipp_policy_tree t, dyn;
	struct ipp_hostaddr local;
	struct ipp_compile_env env;
	struct ipp_compiled c, c2;
	struct ipp_policy_set inst, want;
	struct xfrm_handle *h;
	struct xfrm_policy foreign;
	struct ipp_diff d;
	struct dump k = { 0 };

	enter_netns();
	ck_assert_int_eq(xfrm_open(&h), 0);
	/* an administrator's own policy, as `ip xfrm policy add` leaves it */
	memset(&foreign, 0, sizeof(foreign));
	foreign.sel.family = AF_INET;
	foreign.sel.dprefix = 32;
	inet_pton(AF_INET, "203.0.113.9", &foreign.sel.daddr);
	foreign.dir = XFRM_POLICY_OUT;
	foreign.action = XFRM_POLICY_BLOCK;
	ck_assert_int_eq(xfrm_policy_add(h, &foreign), 0);

	build(&t, &dyn);
	env_for(&env, &local, lan);
	compile_ok(TREES(&t, &dyn), 2, &env, &c);
	ck_assert_uint_gt(n_filter_policies(&c), 20);
	dump_all(h, &k);
	inst = ipp_policy_set_array(k.v, k.n);
	want = ipp_policy_set_compiled(&c);
	ck_assert_int_eq(ipp_diff_compute(&inst, &want, LO, HI, &d, NULL), 0);
	ck_assert_uint_eq(d.nadd, c.npolicies);
	ck_assert_uint_eq(d.nforeign, 1);
	apply(h, &d);
	ipp_diff_free(&d);

	/* what the kernel gives back is what was compiled: nothing to do */
	dump_all(h, &k);
	ck_assert_uint_eq(k.n, c.npolicies + 1);
	inst = ipp_policy_set_array(k.v, k.n);
	ck_assert_int_eq(ipp_diff_compute(&inst, &want, LO, HI, &d, NULL), 0);
	ck_assert_msg(d.nsteps == 0, "%zu steps after a clean apply (%zu updates)", d.nsteps,
	    d.nupdate);
	ck_assert_uint_eq(d.nsame, c.npolicies);
	ipp_diff_free(&d);

	/* one filter changes: at most four messages, then the kernel matches again */
	t.lists[1].filters[0].dst.ip.b[3] = 99;
	compile_ok(TREES(&t, &dyn), 2, &env, &c2);
	want = ipp_policy_set_compiled(&c2);
	ck_assert_int_eq(ipp_diff_compute(&inst, &want, LO, HI, &d, NULL), 0);
	ck_assert_uint_le(d.nsteps, 4);
	ck_assert_uint_ge(d.nsteps, 1);
	apply(h, &d);
	ipp_diff_free(&d);
	dump_all(h, &k);
	inst = ipp_policy_set_array(k.v, k.n);
	ck_assert_int_eq(ipp_diff_compute(&inst, &want, LO, HI, &d, NULL), 0);
	ck_assert_uint_eq(d.nsteps, 0);
	ck_assert_uint_eq(d.nforeign, 1);
	ipp_diff_free(&d);

	/* removing everything of ours leaves the foreign policy alone */
	want.n = 0;
	ck_assert_int_eq(ipp_diff_compute(&inst, &want, LO, HI, &d, NULL), 0);
	ck_assert_uint_eq(d.ndelete, c2.npolicies);
	apply(h, &d);
	ipp_diff_free(&d);
	dump_all(h, &k);
	ck_assert_uint_eq(k.n, 1);
	ck_assert(ipp_xfrm_policy_same_key(&k.v[0], &foreign));

	free(k.v);
	xfrm_close(h);
	ipp_compiled_free(&c);
	ipp_compiled_free(&c2);
	ipp_policy_tree_clear(&t);
	ipp_policy_tree_clear(&dyn);
}
END_TEST

static Suite *
kernel_suite(void)
{
	Suite *s = suite_create("compile-kernel");
	TCase *tc = tcase_create("kernel");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_kernel_takes_it_and_dumps_it_back);
	suite_add_tcase(s, tc);
	return s;
}

/* Whether this process may make a network namespace, asked in a child so that this
 * process keeps its own. */
static bool
can_unshare(void)
{
	pid_t pid = fork();
	int st;

	if (pid == 0)
		_exit(unshare(CLONE_NEWNET) == 0 ? 0 : 1);
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return false;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

int
main(void)
{
	if (geteuid() != 0 || !can_unshare()) {
		printf("1..0 # SKIP needs root (CAP_SYS_ADMIN) for a private network "
		    "namespace\n");
		return 0;
	}
	return ipp_check_run(kernel_suite());
}
