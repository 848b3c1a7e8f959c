/*
 * tests/bench/dirfetch: one refresh of the agent from the directory, as ipsecpold does it
 * and without the kernel: the agent's configuration, the directory fetch (a child that
 * binds, resolves this host's assignment, loads and validates the policy tree and hands
 * it back in the cache's format, agent_source_fetch), the host environment and the
 * compile (ipp_compile).  tests/bench/directory times it against ldapsearch.
 *
 * Usage: dirfetch [-t] [-r runs] CONFIG
 *   -t  print, on stderr, the wall time of the fetch and of the compile (best of runs)
 *   -r  repeat the whole refresh runs times in this process (for profilers)
 * Prints what was fetched and compiled; exits 1 on any failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

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

static int
refresh(const struct agent_conf *c, bool last, double *fetch_ms, double *compile_ms)
{
	const struct ipp_policy_tree *trees[1];
	struct ipp_policy_tree t;
	struct cache_meta m;
	struct agent_env *env;
	struct ipp_compiled out = { 0 };
	struct ipp_err e = { 0 };
	char why[1024];
	size_t nf = 0;
	double t0, t1;
	int rc;

	t0 = now_ms();
	rc = agent_source_fetch(c, &t, &m, why, sizeof(why));
	t1 = now_ms();
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
	*fetch_ms = t1 - t0;
	*compile_ms = now_ms() - t1;
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
	double fbest = 0, cbest = 0, f, k;
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
	if (agent_conf_load(&c, argv[optind], &e) < 0) {
		fprintf(stderr, "dirfetch: %s\n", e.msg);
		return 1;
	}
	for (long i = 0; i < runs; i++) {
		if (refresh(&c, i == runs - 1, &f, &k) < 0) {
			agent_conf_clear(&c);
			return 1;
		}
		if (i == 0 || f < fbest)
			fbest = f;
		if (i == 0 || k < cbest)
			cbest = k;
	}
	if (timing)
		fprintf(stderr, "fetch %.2f ms, compile %.2f ms (best of %ld)\n", fbest, cbest,
		    runs);
	agent_conf_clear(&c);
	return 0;
usage:
	fprintf(stderr, "usage: dirfetch [-t] [-r runs] CONFIG\n");
	return 1;
}
