/*
 * Dead peer detection settings from ipsecpold.conf(5) to the IKE module: the keys (defaults,
 * values, refusals naming the key), the compile environment, the plan's main message
 * (IKE_A_DPD_*) through the agent's encoder and the module's decoder, and the decoder's
 * refusals.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/conf.h"
#include "agent/env.h"
#include "agent/ike_plan.h"
#include "ike/plan.h"
#include "tests/agent/check_compile_util.h"
#include "tests/lib/ipp_check.h"

#define TREES(...) ((const struct ipp_policy_tree *const[]){ __VA_ARGS__ })

/* Loads a configuration of the given text; returns agent_conf_load's result. */
static int
load(struct agent_conf *c, struct ipp_err *e, const char *text)
{
	char path[] = "/tmp/ipp-check-dpd-XXXXXX";
	int fd = mkstemp(path), rc;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	rc = agent_conf_load(c, path, e);
	unlink(path);
	return rc;
}

START_TEST(test_conf_defaults)
{
	struct agent_conf c;
	struct ipp_err e = { 0 };

	ck_assert_int_eq(load(&c, &e, "# nothing\n"), 0);
	ck_assert_uint_eq(c.ike_dpd_delay, 30);
	ck_assert_uint_eq(c.ike_dpd_timeout, 150);
	ck_assert_uint_eq(c.ike_dpd_action, IPP_DPD_CLEAR);
	agent_conf_clear(&c);
}
END_TEST

START_TEST(test_conf_values)
{
	static const char *const act[] = { "clear", "hold", "restart" };
	struct agent_conf c;
	struct agent_env ae;
	struct ipp_err e = { 0 };
	char text[256];

	for (unsigned i = 0; i < 3; i++) {
		snprintf(text, sizeof(text), "ike_dpd_delay = %u\nike_dpd_timeout = 10\n"
		    "ike_dpd_action = %s\n", 2 + i, act[i]);
		ck_assert_msg(load(&c, &e, text) == 0, "%s", e.msg);
		ck_assert_uint_eq(c.ike_dpd_delay, 2 + i);
		ck_assert_uint_eq(c.ike_dpd_timeout, 10);
		ck_assert_uint_eq(c.ike_dpd_action, i);
		agent_env_build(&ae, &c);
		ck_assert_uint_eq(ae.env.dpd.delay_s, 2 + i);
		ck_assert_uint_eq(ae.env.dpd.timeout_s, 10);
		ck_assert_uint_eq(ae.env.dpd.action, i);
		agent_conf_clear(&c);
	}
	ck_assert_int_eq(load(&c, &e, "ike_dpd_delay = 0\n"), 0);
	ck_assert_uint_eq(c.ike_dpd_delay, 0);
	agent_conf_clear(&c);
}
END_TEST

static const struct {
	const char	*text, *want;
} bad_conf[] = {
	{ "ike_dpd_delay = 86401\n", "ike_dpd_delay" },
	{ "ike_dpd_delay = -1\n", "ike_dpd_delay" },
	{ "ike_dpd_timeout = 0\n", "ike_dpd_timeout" },
	{ "ike_dpd_timeout = 2s\n", "ike_dpd_timeout" },
	{ "ike_dpd_action = reset\n", "ike_dpd_action" },
};

START_TEST(test_conf_refused)
{
	struct agent_conf c;
	struct ipp_err e = { 0 };

	ck_assert_int_eq(load(&c, &e, bad_conf[_i].text), -1);
	ck_assert_msg(strstr(e.msg, bad_conf[_i].want) != NULL && strstr(e.msg, ":1:") != NULL,
	    "'%s' gave: %s", bad_conf[_i].text, e.msg);
	agent_conf_clear(&c);
}
END_TEST

/* The messages of one plan. */
struct wire {
	uint8_t	*msg[64];
	size_t	len[64];
	size_t	n;
};

static int
wire_keep(const struct ctl_msg *m, void *arg)
{
	struct wire *w = arg;

	ck_assert_uint_lt(w->n, 64);
	ck_assert_ptr_nonnull(w->msg[w->n] = malloc(m->len));
	memcpy(w->msg[w->n], m->buf, m->len);
	w->len[w->n++] = m->len;
	return 0;
}

static void
wire_free(struct wire *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->msg[i]);
}

/* Feeds w; returns the last result, with *out the plan when it completed. */
static int
feed(const struct wire *w, struct ike_plan *out, struct ipp_err *e)
{
	struct ike_plan_rx rx;
	int rc = -1;

	memset(&rx, 0, sizeof(rx));
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < w->n; i++)
		if ((rc = ike_plan_rx_feed(&rx, w->msg[i], w->len[i], out, e)) < 0)
			break;
	ike_plan_rx_reset(&rx);
	return rc;
}

/* The environment's DPD reaches the module's plan unchanged. */
START_TEST(test_plan_round_trip)
{
	struct ipp_policy_tree t;
	struct ipp_compile_env env;
	struct ipp_compiled c;
	struct ike_plan p;
	struct ipp_err e = { 0 };
	struct wire w = { .n = 0 };

	load_example("Secure Server (Require Security)", &t);
	ipp_compile_env_init(&env);
	ck_assert_uint_eq(env.dpd.delay_s, IPP_DPD_DELAY_DEFAULT);
	ck_assert_uint_eq(env.dpd.timeout_s, IPP_DPD_TIMEOUT_DEFAULT);
	env.dpd = (struct ipp_dpd){ .delay_s = 7, .timeout_s = 45, .action = IPP_DPD_RESTART };
	compile_ok(TREES(&t), 1, &env, &c);
	ck_assert_uint_eq(c.main.dpd.delay_s, 7);
	ck_assert_int_eq(ike_plan_emit(&c, 3, wire_keep, &w), 0);
	ck_assert_msg(feed(&w, &p, &e) == 1, "%s", e.msg);
	ck_assert_uint_eq(p.main.dpd.delay_s, 7);
	ck_assert_uint_eq(p.main.dpd.timeout_s, 45);
	ck_assert_uint_eq(p.main.dpd.action, IPP_DPD_RESTART);
	ike_plan_free(&p);
	wire_free(&w);
	ipp_compiled_free(&c);
	ipp_policy_tree_clear(&t);
}
END_TEST

/* A plan whose main message has DPD attribute type = v (and a 10 s timeout unless type is
 * the timeout); want NULL: accepted, else refused with want in the message. */
static void
bad_main(uint16_t type, uint32_t v, const char *want)
{
	struct ike_plan p;
	struct ipp_err e = { 0 };
	struct wire w = { .n = 0 };
	struct ctl_msg m;

	ctl_msg_init(&m, IKE_PLAN_BEGIN, 5, 0);
	ctl_put_u32(&m, IKE_A_GEN, 5);
	ctl_put_u32(&m, IKE_A_NRULES, 0);
	ck_assert_int_eq(ctl_msg_finish(&m), 0);
	wire_keep(&m, &w);
	ctl_msg_free(&m);
	ctl_msg_init(&m, IKE_PLAN_MAIN, 5, 0);
	ctl_put_str(&m, IKE_A_POLICY, "P");
	ctl_nest_begin(&m, IKE_A_MM_OFFER);
	ctl_put_u8(&m, IKE_M_CIPHER, IPP_CIPHER_AES128);
	ctl_put_u8(&m, IKE_M_HASH, IPP_HASH_SHA1);
	ctl_put_u16(&m, IKE_M_GROUP, 14);
	ctl_nest_end(&m);
	if (type != IKE_A_DPD_TIMEOUT)
		ctl_put_u32(&m, IKE_A_DPD_TIMEOUT, 10);
	if (type == IKE_A_DPD_ACTION)
		ctl_put_u8(&m, type, (uint8_t)v);
	else
		ctl_put_u32(&m, type, v);
	ck_assert_int_eq(ctl_msg_finish(&m), 0);
	wire_keep(&m, &w);
	ctl_msg_free(&m);
	ctl_msg_init(&m, IKE_PLAN_END, 5, 0);
	ctl_put_u32(&m, IKE_A_GEN, 5);
	ctl_put_u32(&m, IKE_A_NRULES, 0);
	ck_assert_int_eq(ctl_msg_finish(&m), 0);
	wire_keep(&m, &w);
	ctl_msg_free(&m);
	if (want == NULL) {
		ck_assert_msg(feed(&w, &p, &e) == 1, "%s", e.msg);
		ike_plan_free(&p);
	} else {
		ck_assert_int_eq(feed(&w, &p, &e), -1);
		ck_assert_msg(strstr(e.msg, want) != NULL, "want '%s', got: %s", want, e.msg);
	}
	wire_free(&w);
}

START_TEST(test_plan_refused)
{
	bad_main(IKE_A_DPD_DELAY, 2, NULL);
	bad_main(IKE_A_DPD_ACTION, IPP_DPD_ACTION_MAX, NULL);
	bad_main(IKE_A_DPD_ACTION, IPP_DPD_ACTION_MAX + 1, "DPD action is 3");
	bad_main(IKE_A_DPD_DELAY, IPP_DPD_DELAY_MAX + 1, "DPD delay 86401 s");
	bad_main(IKE_A_DPD_TIMEOUT, 0, "DPD timeout 0 s, expected 1..86400 s");
}
END_TEST

/* A delay with no timeout at all is refused: the module would never declare death. */
START_TEST(test_plan_delay_without_timeout)
{
	struct ike_plan p;
	struct ipp_err e = { 0 };
	struct wire w = { .n = 0 };
	struct ctl_msg m;
	static const uint16_t types[] = { IKE_PLAN_BEGIN, IKE_PLAN_MAIN, IKE_PLAN_END };

	for (size_t i = 0; i < 3; i++) {
		ctl_msg_init(&m, types[i], 9, 0);
		if (types[i] == IKE_PLAN_MAIN) {
			ctl_put_str(&m, IKE_A_POLICY, "P");
			ctl_nest_begin(&m, IKE_A_MM_OFFER);
			ctl_put_u8(&m, IKE_M_CIPHER, IPP_CIPHER_AES128);
			ctl_put_u8(&m, IKE_M_HASH, IPP_HASH_SHA1);
			ctl_put_u16(&m, IKE_M_GROUP, 14);
			ctl_nest_end(&m);
			ctl_put_u32(&m, IKE_A_DPD_DELAY, 30);
		} else {
			ctl_put_u32(&m, IKE_A_GEN, 9);
			ctl_put_u32(&m, IKE_A_NRULES, 0);
		}
		ck_assert_int_eq(ctl_msg_finish(&m), 0);
		wire_keep(&m, &w);
		ctl_msg_free(&m);
	}
	ck_assert_int_eq(feed(&w, &p, &e), -1);
	ck_assert_msg(strstr(e.msg, "DPD delay 30 s without a timeout") != NULL, "%s", e.msg);
	wire_free(&w);
}
END_TEST

static Suite *
dpd_conf_suite(void)
{
	Suite *s = suite_create("dpd_conf");
	TCase *tc = tcase_create("conf");

	tcase_add_test(tc, test_conf_defaults);
	tcase_add_test(tc, test_conf_values);
	tcase_add_loop_test(tc, test_conf_refused, 0, sizeof(bad_conf) / sizeof(bad_conf[0]));
	tcase_add_test(tc, test_plan_round_trip);
	tcase_add_test(tc, test_plan_refused);
	tcase_add_test(tc, test_plan_delay_without_timeout);
	suite_add_tcase(s, tc);
	return s;
}

IPP_CHECK_MAIN(dpd_conf_suite)
