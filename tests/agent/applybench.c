/*
 * applybench: the floor for tests/bench/agent.  Compiles the policy assigned in the store
 * named by the agent configuration CONF exactly as the agent does, then installs the
 * compiled set into the current (empty) namespace with one plain kernel-xfrm batch and
 * prints "floor_usec=T policies=N": the time of that batch alone.  With "agent" after
 * CONF it applies through agent_apply (diff, batch, record) instead, for comparison.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent/apply.h"
#include "agent/conf.h"
#include "agent/env.h"
#include "agent/source.h"
#include "kernel-xfrm/xfrm.h"

static uint64_t
usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

int
main(int argc, char **argv)
{
	const struct ipp_policy_tree *trees[1];
	struct agent_source_result r;
	static struct agent_env env;
	struct agent_conf c;
	struct ipp_compiled comp;
	struct xfrm_handle *h;
	struct xfrm_batch *b;
	struct ipp_err e;
	uint64_t t0, t1;
	int rc = 0;

	if (argc < 2 || argc > 3 || agent_conf_load(&c, argv[1], &e) < 0) {
		fprintf(stderr, "usage: applybench CONF [agent] (%s)\n", argc >= 2 ? e.msg : "");
		return 2;
	}
	agent_source_select(&c, AGENT_KIND_NONE, &r);
	if (r.outcome != AGENT_SOURCE_FOUND) {
		fprintf(stderr, "applybench: %s\n", r.reason);
		return 1;
	}
	trees[0] = &r.tree;
	agent_env_build(&env, &c);
	memset(&comp, 0, sizeof(comp));
	if (ipp_compile(trees, 1, &env.env, &comp, &e) < 0) {
		fprintf(stderr, "applybench: %s\n", e.msg);
		return 1;
	}
	if (xfrm_open(&h) < 0 || xfrm_batch_new(h, &b) < 0)
		return 1;
	if (argc == 3) {
		struct agent_installed inst;
		struct agent_apply_stats st = { 0 };
		struct ipp_policy_set want = ipp_policy_set_compiled(&comp);

		memset(&inst, 0, sizeof(inst));
		t0 = usec();
		rc = agent_apply(h, &inst, &want, c.priority_base,
		    c.priority_base + IPP_COMPILE_PRIO_SPAN, &st, &e);
		t1 = usec();
		printf("agent_usec=%llu policies=%zu\n", (unsigned long long)(t1 - t0), inst.set.n);
		agent_installed_clear(&inst);
		return rc < 0;
	}
	t0 = usec();
	for (size_t i = 0; i < comp.npolicies && rc >= 0; i++)
		rc = xfrm_batch_policy_add(b, &comp.policies[i].xp);
	if (rc >= 0)
		rc = xfrm_batch_commit(b);
	t1 = usec();
	if (rc != 0) {
		fprintf(stderr, "applybench: the batch failed (%d)\n", rc);
		return 1;
	}
	printf("floor_usec=%llu policies=%zu\n", (unsigned long long)(t1 - t0), comp.npolicies);
	xfrm_batch_free(b);
	xfrm_close(h);
	ipp_compiled_free(&comp);
	agent_source_result_clear(&r);
	agent_conf_clear(&c);
	return 0;
}
