/*
 * A plan change that adds a rule, against the real kernel in a private network namespace
 * (root): the agent installs the new rule's policies, then sends the plan.  A packet in
 * between brings an ACQUIRE for a reqid the plan in force lacks: the module (iked_init's
 * whole start, the plan read from its socket as the agent sends it) holds it, and the
 * plan that has the rule sends it to the engine, which starts Main Mode with the peer.
 * Who reads first is decided here, not by timing: events and the socket are read by hand.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "agent/ike_plan.h"
#include "ike/iked.h"
#include "tests/agent/check_compile_util.h"
#include "tests/lib/ipp_check.h"

#define TREES(...) ((const struct ipp_policy_tree *const[]){ __VA_ARGS__ })

static struct iked d;
static struct ipp_policy_tree tree;
static struct ipp_compiled one, two;
static char sockpath[64];
static int lfd = -1, afd = -1;

static void
compile(struct ipp_compiled *c)
{
	struct ipp_compile_env env;

	tb_valid(&tree);
	ipp_compile_env_init(&env);
	env.ipv4_only = true;
	compile_ok(TREES(&tree), 1, &env, c);
}

/* Plan 1: a rule with 10.77.0.3.  Plan 2 adds one with 10.77.0.2. */
static void
setup(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct ipp_mm_offer mm = { IPP_CIPHER_AES128, IPP_HASH_SHA1, 14 };

	ck_assert_msg(unshare(CLONE_NEWNET) == 0, "unshare: %s", strerror(errno));
	/* Not on lo: its disable_xfrm keeps its traffic from the policies. */
	ck_assert_int_eq(system("ip link add acq0 type veth peer name acq1 && "
	    "ip addr add 10.77.0.1/24 dev acq0 && ip link set acq0 up && "
	    "ip link set acq1 up"), 0);
	tb_init(&tree, "Change");
	ck_assert_ptr_nonnull(ipp_array_push(&tree.policy.mm.offers, &tree.policy.mm.noffers,
	    sizeof(mm), &mm));
	tb_filter(&tree, "three", "me", "10.77.0.3", 0, 0, 0, true);
	tb_action(&tree, "esp", IPP_ACTION_NEGOTIATE, false, false, "esp", NULL);
	tb_psk(tb_rule(&tree, "to-three", "three", "esp", NULL), "three key");
	compile(&one);
	tb_filter(&tree, "two", "me", "10.77.0.2", 0, 0, 0, true);
	tb_psk(tb_rule(&tree, "to-two", "two", "esp", NULL), "two key");
	compile(&two);

	snprintf(sockpath, sizeof(sockpath), "/tmp/ipp-iked-acq.%d", (int)getpid());
	memcpy(sun.sun_path, sockpath, strlen(sockpath) + 1);
	unlink(sockpath);
	ck_assert_int_ge(lfd = socket(AF_UNIX, SOCK_SEQPACKET, 0), 0);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	ck_assert_int_eq(listen(lfd, 1), 0);
	memset(&d, 0, sizeof(d));
	d.sockpath = sockpath;
	d.port = htons(IKED_PORT);
	ck_assert_int_eq(iked_init(&d), 0);
	ck_assert_int_ge(afd = accept(lfd, NULL, NULL), 0);
}

static void
teardown(void)
{
	iked_fini(&d);
	if (afd >= 0)
		close(afd);
	if (lfd >= 0)
		close(lfd);
	unlink(sockpath);
	ipp_compiled_free(&one);
	ipp_compiled_free(&two);
	ipp_policy_tree_clear(&tree);
}

static void
install(const struct ipp_compiled *c)
{
	int rc;

	for (size_t i = 0; i < c->npolicies; i++) {
		rc = xfrm_policy_add(d.xh, &c->policies[i].xp);
		ck_assert_msg(rc == 0 || rc == -EEXIST, "policy %zu: %s", i, strerror(-rc));
	}
}

static int
agent_send(const struct ctl_msg *m, void *arg)
{
	(void)arg;
	return send(afd, m->buf, m->len, 0) == (ssize_t)m->len ? 0 : -1;
}

/* The agent sends plan gen of c; the module reads it, message by message. */
static void
send_plan(const struct ipp_compiled *c, uint32_t gen)
{
	ck_assert_int_eq(ike_plan_emit(c, gen, agent_send, NULL), 0);
	for (int i = 0; i < 64 && d.plan.gen != gen; i++)
		ck_assert_int_eq(iked_agent_input(&d), 0);
	ck_assert_uint_eq(d.plan.gen, gen);
}

/* One datagram from us to dst: the kernel's output policy lookup sends the ACQUIRE. */
static void
poke(const char *dst)
{
	struct sockaddr_in s = { .sin_family = AF_INET, .sin_port = htons(9) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	ck_assert_int_ge(fd, 0);
	inet_pton(AF_INET, dst, &s.sin_addr);
	(void)sendto(fd, "x", 1, 0, (struct sockaddr *)&s, sizeof(s));
	close(fd);
}

static uint32_t
reqid_of(const struct ipp_compiled *c, const char *name)
{
	for (size_t i = 0; i < c->nrules; i++)
		if (c->rules[i].reqid != 0 && strcmp(c->rules[i].name, name) == 0)
			return c->rules[i].reqid;
	ck_abort_msg("no rule %s", name);
	return 0;
}

START_TEST(test_plan_after_acquire)
{
	struct ike_stats st;
	uint32_t r2 = reqid_of(&two, "to-two");

	install(&one);
	send_plan(&one, 1);
	ck_assert_ptr_null(ike_plan_rule(&d.plan, r2));
	/* The agent applies plan 2's policies; a packet comes before the plan. */
	install(&two);
	poke("10.77.0.2");
	iked_events_input(&d);
	ck_assert_uint_eq(d.acq.n, 1);
	ck_assert_uint_eq(d.acq.held[0].a.reqid, r2);
	ck_assert_uint_eq(d.cnt.acq_held, 1);
	ck_assert_uint_eq(d.cnt.acquires, 0);
	ck_assert_uint_eq(d.cnt.acquires_refused, 0);
	ck_assert_int_gt(iked_events_next_ms(&d), 0);
	ike_engine_stats(d.eng, &st);
	ck_assert_uint_eq(st.tx, 0);
	/* Plan 2: the held ACQUIRE goes to the engine, which opens Main Mode with 10.77.0.2. */
	send_plan(&two, 2);
	ck_assert_uint_eq(d.acq.n, 0);
	ck_assert_uint_eq(d.cnt.acq_served, 1);
	ck_assert_uint_eq(d.cnt.acquires, 1);
	ck_assert_int_eq(iked_events_next_ms(&d), -1);
	ike_engine_stats(d.eng, &st);
	ck_assert_uint_ge(st.tx, 1);
}
END_TEST

/* A rule the plan in force has is negotiated at once, as before: nothing is held. */
START_TEST(test_known_reqid_not_held)
{
	struct ike_stats st;

	install(&two);
	send_plan(&two, 1);
	poke("10.77.0.3");
	iked_events_input(&d);
	ck_assert_uint_eq(d.acq.n, 0);
	ck_assert_uint_eq(d.cnt.acq_held, 0);
	ck_assert_uint_eq(d.cnt.acquires, 1);
	ike_engine_stats(d.eng, &st);
	ck_assert_uint_ge(st.tx, 1);
}
END_TEST

static Suite *
iked_acq_suite(void)
{
	Suite *s = suite_create("iked_acq");
	TCase *tc = tcase_create("kernel");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_plan_after_acquire);
	tcase_add_test(tc, test_known_reqid_not_held);
	suite_add_tcase(s, tc);
	return s;
}

IPP_CHECK_MAIN(iked_acq_suite)
