/*
 * tests/bench/dirfetch: one refresh of the agent from the directory, as ipsecpold does it
 * and without the kernel: the agent's start-up memory tuning (agent_mem_tune), its
 * configuration, the directory fetch (a thread that binds, resolves this host's
 * assignment, loads, validates and digests the policy tree, agent_source_fetch), the
 * host environment and the compile (ipp_compile).  tests/bench/directory times it
 * against ldapsearch.
 *
 * Usage: dirfetch [-t] [-r runs] CONFIG
 *   -t  print, on stderr, per phase (fetch, compile) the wall time, the CPU time and the
 *       minor page faults of this process, all threads (getrusage: counters that do not
 *       depend much on the load); best of runs
 *   -r  repeat the whole refresh runs times in this process (for profilers)
 * Prints what was fetched and compiled; exits 1 on any failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>

#include "agent/agent.h"
#include "agent/compile.h"
#include "agent/conf.h"
#include "agent/env.h"
#include "agent/source.h"

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* One phase's cost: wall, CPU and minor faults of this process. */
struct cost {
	double	wall, user, sys;
	long	flt;
};

struct mark {
	double		wall;
	struct rusage	self;
};

static double
tv_ms(struct timeval tv)
{
	return (double)tv.tv_sec * 1e3 + (double)tv.tv_usec / 1e3;
}

static void
mark(struct mark *m)
{
	getrusage(RUSAGE_SELF, &m->self);
	m->wall = now_ms();
}

static void
cost(const struct mark *a, const struct mark *b, struct cost *c)
{
	c->wall = b->wall - a->wall;
	c->user = tv_ms(b->self.ru_utime) - tv_ms(a->self.ru_utime);
	c->sys = tv_ms(b->self.ru_stime) - tv_ms(a->self.ru_stime);
	c->flt = b->self.ru_minflt - a->self.ru_minflt;
}

static void
best(struct cost *acc, const struct cost *c, bool first)
{
	if (first) {
		*acc = *c;
		return;
	}
#define LOW(f) if (c->f < acc->f) acc->f = c->f
	LOW(wall); LOW(user); LOW(sys); LOW(flt);
#undef LOW
}

static int
refresh(const struct agent_conf *c, bool last, struct cost *fetch, struct cost *compile)
{
	const struct ipp_policy_tree *trees[1];
	struct ipp_policy_tree t;
	struct cache_meta m;
	struct agent_env *env;
	struct ipp_compiled out = { 0 };
	struct ipp_err e = { 0 };
	char why[1024];
	size_t nf = 0;
	struct mark t0, t1, t2;
	int rc;

	mark(&t0);
	rc = agent_source_fetch(c, &t, &m, why, sizeof(why));
	mark(&t1);
	if (rc <= 0) {
		fprintf(stderr, "dirfetch: %s\n", why);
		return -1;
	}
	if ((env = calloc(1, sizeof(*env))) == NULL) {
		fprintf(stderr, "dirfetch: out of memory\n");
		ipp_policy_tree_clear(&t);
		cache_meta_clear(&m);
		return -1;
	}
	agent_env_build(env, c);
	trees[0] = &t;
	rc = ipp_compile(trees, 1, &env->env, &out, &e);
	mark(&t2);
	cost(&t0, &t1, fetch);
	cost(&t1, &t2, compile);
	free(env);
	if (rc < 0)
		fprintf(stderr, "dirfetch: compiling: %s\n", e.msg);
	else if (last) {
		for (size_t i = 0; i < t.nlists; i++)
			nf += t.lists[i].nfilters;
		printf("policy %s: %zu rules, %zu filter lists, %zu filters -> %zu kernel "
		    "policies, %zu IKE rules\n", m.policy_dn, t.policy.nrules, t.nlists, nf,
		    out.npolicies, out.nrules);
	}
	ipp_compiled_free(&out);
	ipp_policy_tree_clear(&t);
	cache_meta_clear(&m);
	return rc < 0 ? -1 : 0;
}

int
main(int argc, char **argv)
{
	struct agent_conf c;
	struct ipp_err e = { 0 };
	struct cost fbest, cbest, f, k;
	long runs = 1;
	bool timing = false;
	int ch;

	while ((ch = getopt(argc, argv, "r:t")) != -1) {
		switch (ch) {
		case 'r':
			runs = strtol(optarg, NULL, 10);
			break;
		case 't':
			timing = true;
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc - 1 || runs < 1)
		goto usage;
	agent_mem_tune();	/* as ipsecpold does at start */
	if (agent_conf_load(&c, argv[optind], &e) < 0) {
		fprintf(stderr, "dirfetch: %s\n", e.msg);
		return 1;
	}
	for (long i = 0; i < runs; i++) {
		if (refresh(&c, i == runs - 1, &f, &k) < 0) {
			agent_conf_clear(&c);
			return 1;
		}
		best(&fbest, &f, i == 0);
		best(&cbest, &k, i == 0);
	}
	if (timing) {
		fprintf(stderr, "fetch: wall %.2f ms; user %.2f sys %.2f ms, %ld faults (best of "
		    "%ld)\n", fbest.wall, fbest.user, fbest.sys, fbest.flt, runs);
		fprintf(stderr, "compile: wall %.2f ms; user %.2f sys %.2f ms, %ld faults (best "
		    "of %ld)\n", cbest.wall, cbest.user, cbest.sys, cbest.flt, runs);
	}
	agent_conf_clear(&c);
	return 0;
usage:
	fprintf(stderr, "usage: dirfetch [-t] [-r runs] CONFIG\n");
	return 1;
}
