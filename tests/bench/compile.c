/*
 * tests/bench/compile: how long the agent's compile and diff take for a 10,000-filter
 * policy (not run by make check).  Prints the median of several runs for: compiling, the
 * diff from an empty kernel, the diff after one filter changed, and the operations that
 * change needs.  Times are CPU time (the process's, kernel included), not wall time.
 * As root it also adds the compiled set to a fresh network namespace in one kernel-xfrm
 * batch (the floor the agent's apply is held to) and prints compile + diff against it, in
 * wall time.  Usage: compile [filters] [runs]
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "agent/compile.h"
#include "agent/diff.h"
#include "kernel-xfrm/xfrm.h"
#include "store/model.h"

#define TREES(...) ((const struct ipp_policy_tree *const[]){ __VA_ARGS__ })

/* CPU time of this process: the host is shared, so wall time measures the neighbours. */
static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
}

static void
die(const char *what)
{
	fprintf(stderr, "bench: %s\n", what);
	exit(1);
}

static char *
xstrdup(const char *s)
{
	char *d = strdup(s);

	if (d == NULL)
		die("out of memory");
	return d;
}

/* me <-> 10.x.y.z TCP 443, mirrored, one negotiate rule (ESP). */
static void
build(struct ipp_policy_tree *t, unsigned nfil)
{
	struct ipp_filterlist fl = { 0 };
	struct ipp_filteraction fa;
	struct ipp_qm_offer o;
	struct ipp_rule r;
	struct ipp_filter f;
	unsigned i;

	memset(t, 0, sizeof(*t));
	ipp_policy_init(&t->policy);
	t->policy.name = xstrdup("bench");
	fl.name = xstrdup("l");
	for (i = 0; i < nfil; i++) {
		ipp_filter_init(&f);
		f.src.kind = IPP_ADDR_ME;
		f.dst.kind = IPP_ADDR_NET;
		f.dst.family = AF_INET;
		f.dst.prefix = 32;
		f.dst.ip.b[0] = 10;
		f.dst.ip.b[1] = (uint8_t)(i >> 16);
		f.dst.ip.b[2] = (uint8_t)(i >> 8);
		f.dst.ip.b[3] = (uint8_t)i;
		f.proto = 6;
		f.dport = 443;
		if (ipp_array_push(&fl.filters, &fl.nfilters, sizeof(f), &f) == NULL)
			die("out of memory");
	}
	if (ipp_array_push(&t->lists, &t->nlists, sizeof(fl), &fl) == NULL)
		die("out of memory");
	ipp_filteraction_init(&fa);
	fa.name = xstrdup("esp");
	ipp_qm_offer_init(&o);
	o.esp_cipher = IPP_CIPHER_AES128;
	o.esp_auth = IPP_HASH_SHA256;
	if (ipp_array_push(&fa.offers, &fa.noffers, sizeof(o), &o) == NULL ||
	    ipp_array_push(&t->actions, &t->nactions, sizeof(fa), &fa) == NULL)
		die("out of memory");
	ipp_rule_init(&r);
	r.name = xstrdup("R");
	r.filterlist = xstrdup("l");
	r.filteraction = xstrdup("esp");
	if (ipp_array_push(&t->policy.rules, &t->policy.nrules, sizeof(r), &r) == NULL)
		die("out of memory");
}

static double
wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Wall and CPU time of one batch adding every policy of c to a fresh namespace; < 0 if
 * not root. */
static double
batch_floor(const struct ipp_compiled *c, double *cpu)
{
	struct xfrm_handle *h;
	struct xfrm_batch *b;
	double t0, t;
	size_t i;

	if (unshare(CLONE_NEWNET) == -1 || xfrm_open(&h) != 0)
		return -1;
	if (xfrm_batch_new(h, &b) != 0)
		die("batch");
	t0 = wall_ms();
	*cpu = now_ms();
	for (i = 0; i < c->npolicies; i++)
		if (xfrm_batch_policy_add(b, &c->policies[i].xp) < 0)
			die("queue");
	if (xfrm_batch_commit(b) != 0)
		die("commit");
	t = wall_ms() - t0;
	*cpu = now_ms() - *cpu;
	xfrm_batch_free(b);
	xfrm_close(h);
	return t;
}

static void
compile_or_die(const struct ipp_policy_tree *t, const struct ipp_compile_env *env,
    struct ipp_compiled *c)
{
	struct ipp_err e = { 0 };

	if (ipp_compile(TREES(t), 1, env, c, &e) == -1) {
		fprintf(stderr, "compile: %s\n", e.msg);
		exit(1);
	}
}

static void
diff_or_die(const struct ipp_policy_set *a, const struct ipp_policy_set *b,
    const struct ipp_compile_env *env, struct ipp_diff *d)
{
	struct ipp_err e = { 0 };

	if (ipp_diff_compute(a, b, env->prio_base, env->prio_base + IPP_COMPILE_PRIO_SPAN, d,
	    &e) == -1) {
		fprintf(stderr, "diff: %s\n", e.msg);
		exit(1);
	}
}

int
main(int argc, char **argv)
{
	unsigned nfil = argc > 1 ? (unsigned)atoi(argv[1]) : 10000;
	unsigned runs = argc > 2 ? (unsigned)atoi(argv[2]) : 15, r;
	double *tc = calloc(runs, sizeof(double)), *te = calloc(runs, sizeof(double));
	double *t1 = calloc(runs, sizeof(double)), t0;
	struct ipp_policy_tree t;
	struct ipp_compile_env env;
	struct ipp_compiled c0, c1;
	struct ipp_policy_set empty = ipp_policy_set_array(NULL, 0), s0, s1;
	struct ipp_diff d;
	size_t ops = 0;

	if (tc == NULL || te == NULL || t1 == NULL || nfil == 0 || runs == 0)
		return 1;
	build(&t, nfil);
	ipp_compile_env_init(&env);
	for (r = 0; r < runs; r++) {
		t0 = now_ms();
		compile_or_die(&t, &env, &c0);
		tc[r] = now_ms() - t0;
		s0 = ipp_policy_set_compiled(&c0);
		t0 = now_ms();
		diff_or_die(&empty, &s0, &env, &d);
		te[r] = now_ms() - t0;
		ipp_diff_free(&d);
		t.lists[0].filters[nfil / 2].dst.ip.b[1] ^= 0x80;
		compile_or_die(&t, &env, &c1);
		t.lists[0].filters[nfil / 2].dst.ip.b[1] ^= 0x80;
		s1 = ipp_policy_set_compiled(&c1);
		t0 = now_ms();
		diff_or_die(&s0, &s1, &env, &d);
		t1[r] = now_ms() - t0;
		ops = d.nsteps;
		ipp_diff_free(&d);
		ipp_compiled_free(&c1);
		if (r + 1 < runs)
			ipp_compiled_free(&c0);
	}
	{
		double w0 = wall_ms(), c0t = now_ms(), wc, cc, floor, fcpu = 0;
		struct ipp_compiled c2;

		compile_or_die(&t, &env, &c2);
		s1 = ipp_policy_set_compiled(&c2);
		diff_or_die(&empty, &s1, &env, &d);
		wc = wall_ms() - w0;
		cc = now_ms() - c0t;
		floor = batch_floor(&c2, &fcpu);
		if (floor > 0)
			printf("first apply: compile + diff %.3f ms wall (%.3f cpu); kernel batch of "
			    "%zu adds %.3f ms wall (%.3f cpu); ratio %.3f wall, %.3f cpu\n", wc, cc,
			    c2.npolicies, floor, fcpu, wc / floor, cc / fcpu);
		ipp_diff_free(&d);
		ipp_compiled_free(&c2);
	}
	printf("filters %u, kernel policies %zu, runs %u (median)\n", nfil, c0.npolicies, runs);
	printf("compile            %8.3f ms\n", median(tc, runs));
	printf("diff from empty    %8.3f ms\n", median(te, runs));
	printf("diff, one changed  %8.3f ms  (%zu operations)\n", median(t1, runs), ops);
	ipp_compiled_free(&c0);
	ipp_policy_tree_clear(&t);
	free(tc);
	free(te);
	free(t1);
	return 0;
}
