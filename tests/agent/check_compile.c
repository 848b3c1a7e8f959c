/*
 * The compiler, by golden tables: policy in, exact XFRM policies out (direction, selector,
 * interface, action, priority relative to the band, templates).  Priorities in the tables
 * follow compile.h's formula; test_priority_order checks the order it gives against
 * windows-cli.md §1.2 on its own.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/compile.h"
#include "kernel-xfrm/xfrm.h"
#include "store/store.h"
#include "tests/agent/check_compile_util.h"
#include "tests/lib/ipp_check.h"

#define TREES(...) ((const struct ipp_policy_tree *const[]){ __VA_ARGS__ })

/* ---- the Windows examples, from a freshly seeded local store ---- */

static const char *const exempt_ike[] = {
	"out 0.0.0.0/0:500 > 0.0.0.0/0 17 if0 allow p0",
	"out ::/0:500 > ::/0 17 if0 allow p0",
	"in 0.0.0.0/0 > 0.0.0.0/0:500 17 if0 allow p0",
	"in ::/0 > ::/0:500 17 if0 allow p0",
	"out 0.0.0.0/0:4500 > 0.0.0.0/0 17 if0 allow p0",
	"out ::/0:4500 > ::/0 17 if0 allow p0",
	"in 0.0.0.0/0 > 0.0.0.0/0:4500 17 if0 allow p0",
	"in ::/0 > ::/0:4500 17 if0 allow p0",
	"out ::/0:133 > ::/0 58 if0 allow p5",
	"in ::/0:133 > ::/0 58 if0 allow p5",
	"out ::/0:134 > ::/0 58 if0 allow p5",
	"in ::/0:134 > ::/0 58 if0 allow p5",
	"out ::/0:135 > ::/0 58 if0 allow p5",
	"in ::/0:135 > ::/0 58 if0 allow p5",
	"out ::/0:136 > ::/0 58 if0 allow p5",
	"in ::/0:136 > ::/0 58 if0 allow p5",
	"out ::/0:137 > ::/0 58 if0 allow p5",
	"in ::/0:137 > ::/0 58 if0 allow p5",
};

START_TEST(test_client_example)
{
	struct ipp_policy_tree t;
	struct ipp_compile_env env;
	struct ipp_compiled c;

	load_example("Client (Respond Only)", &t);
	ipp_compile_env_init(&env);
	compile_ok(TREES(&t), 1, &env, &c);
	GOLDEN(&c, &env, true, exempt_ike);
	ck_assert_uint_eq(c.nrules, 0);
	ck_assert(c.main.present);
	ck_assert_str_eq(c.main.policy, "Client (Respond Only)");
	ck_assert(c.main.defrule.active);
	ck_assert_uint_eq(c.main.defrule.noffers, 6);
	ck_assert_uint_eq(c.main.mm.noffers, 4);
	ck_assert_uint_eq(c.main.mm.lifetime_min, 480);
	ipp_compiled_free(&c);
	ipp_policy_tree_clear(&t);
}
END_TEST

static const char *const secure_server[] = {
	"out 0.0.0.0/0 > 0.0.0.0/0 0 if0 allow p29510 esp/tr/r=All IP Traffic",
	"in 0.0.0.0/0 > 0.0.0.0/0 0 if0 allow p29510 esp/tr/r=All IP Traffic/opt",
	"out ::/0 > ::/0 0 if0 allow p30086 esp/tr6/r=All IP Traffic",
	"in ::/0 > ::/0 0 if0 allow p30086 esp/tr6/r=All IP Traffic/opt",
	"out 0.0.0.0/0 > 0.0.0.0/0 1 if0 allow p27969",
	"in 0.0.0.0/0 > 0.0.0.0/0 1 if0 allow p27969",
	"out ::/0 > ::/0 1 if0 allow p28545",
	"in ::/0 > ::/0 1 if0 allow p28545",
};

START_TEST(test_secure_server_example)
{
	struct ipp_policy_tree t;
	struct ipp_compile_env env;
	struct ipp_compiled c;
	const struct ipp_ike_rule *r;
	size_t i;

	load_example("Secure Server (Require Security)", &t);
	ipp_compile_env_init(&env);
	compile_ok(TREES(&t), 1, &env, &c);
	GOLDEN(&c, &env, false, secure_server);
	ck_assert_uint_eq(c.npolicies, 8 + 10 + 8);
	for (i = 0; i < c.nrules; i++)
		if (c.rules[i].action == IPP_ACTION_NEGOTIATE)
			break;
	ck_assert_uint_lt(i, c.nrules);
	r = &c.rules[i];
	ck_assert(r->reqid >= env.reqid_base && r->reqid < env.reqid_base +
	    IPP_COMPILE_REQID_SPAN);
	ck_assert_ptr_eq(ipp_compiled_rule_by_reqid(&c, r->reqid), r);
	ck_assert(r->inpass && !r->soft);
	ck_assert_uint_eq(r->noffers, 4);
	ck_assert_uint_eq(r->offers[0].life_s, 900);
	ck_assert_uint_eq(r->offers[0].esp_cipher, IPP_CIPHER_3DES);
	ck_assert_uint_eq(r->mode, XFRM_MODE_TRANSPORT);
	ipp_compiled_free(&c);
	ipp_policy_tree_clear(&t);
}
END_TEST

START_TEST(test_server_example)
{
	struct ipp_policy_tree t;
	struct ipp_compile_env env;
	struct ipp_compiled c;
	const struct ipp_ike_rule *r = NULL;
	size_t i;

	load_example("Server (Request Security)", &t);
	ipp_compile_env_init(&env);
	compile_ok(TREES(&t), 1, &env, &c);
	for (i = 0; i < c.nrules; i++)
		if (c.rules[i].reqid != 0)
			r = &c.rules[i];
	ck_assert_ptr_nonnull(r);
	ck_assert(r->soft && r->inpass);
	/* ESP, ESP, AH, AH: one kernel policy holds one structure; the AH offers go */
	ck_assert_uint_eq(r->noffers, 2);
	ck_assert_uint_eq(r->dropped_offers, 2);
	ck_assert_uint_ge(c.nwarnings, 1);
	ck_assert_ptr_nonnull(strstr(c.warnings[0], "2 offers"));
	ck_assert_uint_eq(n_filter_policies(&c), 8);
	ipp_compiled_free(&c);
	ipp_policy_tree_clear(&t);
}
END_TEST

/* ---- actions and filter shapes ---- */

static const char *const actions_tab[] = {
	"out 0.0.0.0/0 > 10.0.0.1/32 6 if0 allow p4647",
	"out 0.0.0.0/0 > 10.0.0.2/32 6 if0 block p4645",
	"out 0.0.0.0/0 > 10.0.0.3/32 6 if0 allow p4646 esp/tr/r=N",
	"out 0.0.0.0/0 > 10.0.0.4/32 6 if0 allow p4646 ah/tr/r=A",
	"out 0.0.0.0/0 > 10.0.0.5/32 6 if0 allow p4646 esp/tr/r=AE ah/tr/r=AE",
};

START_TEST(test_actions)
{
	struct ipp_policy_tree t;
	struct ipp_compile_env env;
	struct ipp_compiled c;

	tb_init(&t, "P");
	tb_filter(&t, "l1", "me", "10.0.0.1", 6, 0, 0, false);
	tb_filter(&t, "l2", "me", "10.0.0.2", 6, 0, 0, false);
	tb_filter(&t, "l3", "me", "10.0.0.3", 6, 0, 0, false);
	tb_filter(&t, "l4", "me", "10.0.0.4", 6, 0, 0, false);
	tb_filter(&t, "l5", "me", "10.0.0.5", 6, 0, 0, false);
	tb_action(&t, "permit", IPP_ACTION_PERMIT, false, false, NULL);
	tb_action(&t, "block", IPP_ACTION_BLOCK, false, false, NULL);
	tb_action(&t, "esp", IPP_ACTION_NEGOTIATE, false, false, "esp", NULL);
	tb_action(&t, "ah", IPP_ACTION_NEGOTIATE, false, false, "ah", NULL);
	tb_action(&t, "ahesp", IPP_ACTION_NEGOTIATE, false, false, "ahesp", NULL);
	tb_rule(&t, "P", "l1", "permit", NULL);
	tb_rule(&t, "B", "l2", "block", NULL);
	tb_rule(&t, "N", "l3", "esp", NULL);
	tb_rule(&t, "A", "l4", "ah", NULL);
	tb_rule(&t, "AE", "l5", "ahesp", NULL);
	tb_valid(&t);
	ipp_compile_env_init(&env);
	compile_ok(TREES(&t), 1, &env, &c);
	GOLDEN(&c, &env, false, actions_tab);
	ck_assert_uint_eq(c.rules[0].reqid, 0);
	ck_assert_uint_eq(c.rules[1].reqid, 0);
	ck_assert_uint_ne(c.rules[2].reqid, 0);
	ck_assert_uint_ne(c.rules[2].reqid, c.rules[3].reqid);
	ck_assert_uint_ne(c.rules[3].reqid, c.rules[4].reqid);
	ipp_compiled_free(&c);
	ipp_policy_tree_clear(&t);
}
END_TEST

/* me as sender only gives out; me as receiver only gives in; neither gives both. */
static const char *const directions_tab[] = {
	"out 0.0.0.0/0 > 0.0.0.0/0:80 6 if0 block p24883",
	"out ::/0 > ::/0:80 6 if0 block p25459",
	"in 0.0.0.0/0 > 0.0.0.0/0:1434 17 if0 block p24883",
	"in ::/0 > ::/0:1434 17 if0 block p25459",
	"out 10.0.0.1/32 > 10.0.0.2/32 0 if0 block p6187",
	"in 10.0.0.1/32 > 10.0.0.2/32 0 if0 block p6187",
	"out 10.0.0.2/32 > 10.0.0.1/32 0 if0 block p6187",
	"in 10.0.0.2/32 > 10.0.0.1/32 0 if0 block p6187",
	"out 0.0.0.0/0 > 192.168.0.0/16 0 if0 block p13993",
	"in 192.168.0.0/16 > 0.0.0.0/0 0 if0 block p13993",
};

START_TEST(test_directions)
{
	struct ipp_policy_tree t;
	struct ipp_compile_env env;
	struct ipp_compiled c;

	tb_init(&t, "P");
	tb_filter(&t, "l", "me", "any", 6, 0, 80, false);		/* 0=*:80:TCP */
	tb_filter(&t, "l", "any", "me", 17, 0, 1434, false);		/* *=0:1434:UDP */
	tb_filter(&t, "l", "10.0.0.1", "10.0.0.2", 0, 0, 0, true);
	tb_filter(&t, "l", "me", "192.168.0.0/16", 0, 0, 0, true);
	tb_action(&t, "block", IPP_ACTION_BLOCK, false, false, NULL);
	tb_rule(&t, "R", "l", "block", NULL);
	tb_valid(&t);
	ipp_compile_env_init(&env);
	compile_ok(TREES(&t), 1, &env, &c);
	GOLDEN(&c, &env, false, directions_tab);
	ipp_compiled_free(&c);
	ipp_policy_tree_clear(&t);
}
END_TEST

/* A range becomes its minimal prefix cover; each piece ranks by its own prefix. */
static const char *const range_tab[] = {
	"out 0.0.0.0/0 > 10.0.0.1/32 0 if0 allow p13899",
	"out 0.0.0.0/0 > 10.0.0.2/31 0 if0 allow p13905",
	"out 0.0.0.0/0 > 10.0.0.4/31 0 if0 allow p13905",
	"out 0.0.0.0/0 > 10.0.0.6/32 0 if0 allow p13899",
	"out 0.0.0.0/0 > 10.1.0.0/16 0 if0 allow p13995",
	"out 0.0.0.0/0 > 10.2.0.0/24 0 if0 allow p13947",
	"out 0.0.0.0/0 > 10.2.1.0/32 0 if0 allow p13899",
	"out 0.0.0.0/0 > 0.0.0.0/0 0 if0 allow p14091",
};

START_TEST(test_subnet_range)
{
	struct ipp_policy_tree t;
	struct ipp_compile_env env;
	struct ipp_compiled c;

	tb_init(&t, "P");
	tb_filter(&t, "l", "me", "10.0.0.1-10.0.0.6", 0, 0, 0, false);
	tb_filter(&t, "l", "me", "10.1.0.0/16", 0, 0, 0, false);
	tb_filter(&t, "l", "me", "10.2.0.0-10.2.1.0", 0, 0, 0, false);
	tb_filter(&t, "l", "me", "0.0.0.0/0", 0, 0, 0, false);
	tb_action(&t, "permit", IPP_ACTION_PERMIT, false, false, NULL);
	tb_rule(&t, "R", "l", "permit", NULL);
	tb_valid(&t);
	ipp_compile_env_init(&env);
	compile_ok(TREES(&t), 1, &env, &c);
	GOLDEN(&c, &env, false, range_tab);
	ipp_compiled_free(&c);
	ipp_policy_tree_clear(&t);
}
END_TEST

START_TEST(test_range_split_edges)
{
	struct ipp_policy_tree t;
	struct ipp_compile_env env;
	struct ipp_compiled c;

	/* the whole IPv4 space as a range is one /0; ::-ffff.. one ::/0 */
	tb_init(&t, "P");
	tb_filter(&t, "l", "me", "0.0.0.0-255.255.255.255", 0, 0, 0, false);
	tb_filter(&t, "l", "me", "::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 0, 0, 0, false);
	tb_filter(&t, "l", "me", "10.0.0.0-10.0.0.255", 0, 0, 0, false);
	tb_filter(&t, "l", "me", "10.0.0.255-10.0.1.0", 0, 0, 0, false);
	tb_action(&t, "permit", IPP_ACTION_PERMIT, false, false, NULL);
	tb_rule(&t, "R", "l", "permit", NULL);
	tb_valid(&t);
	ipp_compile_env_init(&env);
	compile_ok(TREES(&t), 1, &env, &c);
	{
		static const char *const tab[] = {
			"out 0.0.0.0/0 > 0.0.0.0/0 0 if0 allow p14091",
			"out ::/0 > ::/0 0 if0 allow p14667",
			"out 0.0.0.0/0 > 10.0.0.0/24 0 if0 allow p13947",
			"out 0.0.0.0/0 > 10.0.0.255/32 0 if0 allow p13899",
			"out 0.0.0.0/0 > 10.0.1.0/32 0 if0 allow p13899",
		};
		GOLDEN(&c, &env, false, tab);
	}
	ipp_compiled_free(&c);
	ipp_policy_tree_clear(&t);
}
END_TEST

/* Names and server keywords resolve through the callback; families pair up. */
static const char *const names_tab[] = {
	"out 0.0.0.0/0 > 192.0.2.10/32:53 17 if0 allow p1563",
	"in 192.0.2.10/32:53 > 0.0.0.0/0 17 if0 allow p1563",
	"out 0.0.0.0/0 > 192.0.2.11/32:53 17 if0 allow p1563",
	"in 192.0.2.11/32:53 > 0.0.0.0/0 17 if0 allow p1563",
	"out ::/0 > 2001:db8::53/128:53 17 if0 allow p1563",
	"in 2001:db8::53/128:53 > ::/0 17 if0 allow p1563",
	"out 0.0.0.0/0 > 198.51.100.7/32 0 if0 block p6187",
	"in 198.51.100.7/32 > 0.0.0.0/0 0 if0 block p6187",
	"out ::/0 > 2001:db8::80/128 0 if0 block p6187",
	"in 2001:db8::80/128 > ::/0 0 if0 block p6187",
	"out 198.51.100.0/24 > 198.51.100.7/32 0 if0 block p13945",
	"in 198.51.100.0/24 > 198.51.100.7/32 0 if0 block p13945",
	"out 198.51.100.7/32 > 198.51.100.0/24 0 if0 block p13945",
	"in 198.51.100.7/32 > 198.51.100.0/24 0 if0 block p13945",
};

START_TEST(test_names_and_servers)
{
	static const char *const rows[] = {
		"dns=192.0.2.10,192.0.2.11,2001:db8::53",
		"www.example.=198.51.100.7,2001:db8::80",
	};
	struct res_table rt = { .rows = rows, .n = 2 };
	struct ipp_policy_tree t;
	struct ipp_compile_env env;
	struct ipp_compiled c;

	tb_init(&t, "P");
	tb_filter(&t, "dnsl", "me", "dns", 17, 0, 53, true);
	tb_filter(&t, "webl", "me", "www.example.", 0, 0, 0, true);
	/* the v6 address of the name has no v6 partner on the other side */
	tb_filter(&t, "webl", "198.51.100.0/24", "www.example.", 0, 0, 0, true);
	tb_action(&t, "permit", IPP_ACTION_PERMIT, false, false, NULL);
	tb_action(&t, "block", IPP_ACTION_BLOCK, false, false, NULL);
	tb_rule(&t, "D", "dnsl", "permit", NULL);
	tb_rule(&t, "W", "webl", "block", NULL);
	tb_valid(&t);
	ipp_compile_env_init(&env);
	env.resolve = res_table_resolve;
	env.resolve_arg = &rt;
	compile_ok(TREES(&t), 1, &env, &c);
	/* www.example. is a v4 and a v6 host: the me side pairs with both */
	GOLDEN(&c, &env, false, names_tab);
	ck_assert_uint_eq(c.nunresolved, 0);
	ck_assert_uint_eq(rt.calls, 3);
	ipp_compiled_free(&c);
	ipp_policy_tree_clear(&t);
}
END_TEST

START_TEST(test_unresolved_and_resolver_error)
{
	struct res_table rt = { .rows = NULL, .n = 0 };
	struct ipp_policy_tree t;
	struct ipp_compile_env env;
	struct ipp_compiled c;
	struct ipp_err e = { 0 };

	tb_init(&t, "P");
	tb_filter(&t, "l", "me", "gone.example.", 0, 0, 0, true);
	tb_filter(&t, "l", "me", "10.0.0.1", 0, 0, 0, true);
	tb_action(&t, "block", IPP_ACTION_BLOCK, false, false, NULL);
	tb_rule(&t, "R", "l", "block", NULL);
	tb_valid(&t);
	ipp_compile_env_init(&env);
	env.resolve = res_table_resolve;
	env.resolve_arg = &rt;
	compile_ok(TREES(&t), 1, &env, &c);
	ck_assert_uint_eq(c.nunresolved, 1);
	ck_assert_uint_eq(n_filter_policies(&c), 2);
	ck_assert_ptr_nonnull(strstr(c.warnings[0], "gone.example."));
	ck_assert_ptr_nonnull(strstr(c.warnings[0], "filter 1"));
	ipp_compiled_free(&c);
	/* a resolver failure fails the compile, naming the filter, and leaves out empty */
	rt.fail = 1;
	ck_assert_int_eq(ipp_compile(TREES(&t), 1, &env, &c, &e), -1);
	ck_assert_int_eq(e.code, IPP_E_STORE);
	ck_assert_ptr_nonnull(strstr(e.msg, "rule 'R' filter 1"));
	ck_assert_ptr_nonnull(strstr(e.msg, "temporary failure"));
	ck_assert_uint_eq(c.npolicies, 0);
	ck_assert_ptr_null(c.policies);
	ipp_policy_tree_clear(&t);
}
END_TEST

static const char *const ports_tab[] = {
	"out 0.0.0.0/0:1024 > 10.0.0.1/32:80 6 if0 allow p21",
	"in 10.0.0.1/32:80 > 0.0.0.0/0:1024 6 if0 allow p21",
	"out 0.0.0.0/0 > 10.0.0.1/32:53 17 if0 allow p1563",
	"in 10.0.0.1/32:53 > 0.0.0.0/0 17 if0 allow p1563",
	"out 0.0.0.0/0:123 > 10.0.0.1/32 17 if0 allow p3105",
	"in 10.0.0.1/32 > 0.0.0.0/0:123 17 if0 allow p3105",
	"out 0.0.0.0/0 > 10.0.0.1/32 1 if0 allow p4647",
	"in 10.0.0.1/32 > 0.0.0.0/0 1 if0 allow p4647",
	"out 0.0.0.0/0 > 10.0.0.1/32 47 if0 allow p4647",
	"in 10.0.0.1/32 > 0.0.0.0/0 47 if0 allow p4647",
	"out 0.0.0.0/0 > 10.0.0.1/32 0 if0 allow p6189",
	"in 10.0.0.1/32 > 0.0.0.0/0 0 if0 allow p6189",
};

START_TEST(test_ports_protocols)
{
	struct ipp_policy_tree t;
	struct ipp_compile_env env;
	struct ipp_compiled c;
	size_t i;

	tb_init(&t, "P");
	tb_filter(&t, "l", "me", "10.0.0.1", 6, 1024, 80, true);
	tb_filter(&t, "l", "me", "10.0.0.1", 17, 0, 53, true);
	tb_filter(&t, "l", "me", "10.0.0.1", 17, 123, 0, true);
	tb_filter(&t, "l", "me", "10.0.0.1", 1, 0, 0, true);
	tb_filter(&t, "l", "me", "10.0.0.1", 47, 0, 0, true);
	tb_filter(&t, "l", "me", "10.0.0.1", 0, 0, 0, true);
	tb_action(&t, "permit", IPP_ACTION_PERMIT, false, false, NULL);
	tb_rule(&t, "R", "l", "permit", NULL);
	tb_valid(&t);
	ipp_compile_env_init(&env);
	compile_ok(TREES(&t), 1, &env, &c);
	GOLDEN(&c, &env, false, ports_tab);
	for (i = 0; i < c.npolicies; i++) {
		const struct xfrm_sel *s = &c.policies[i].xp.sel;

		ck_assert_uint_eq(s->sport_mask, s->sport != 0 ? 0xffff : 0);
		ck_assert_uint_eq(s->dport_mask, s->dport != 0 ? 0xffff : 0);
	}
	ipp_compiled_free(&c);
	ipp_policy_tree_clear(&t);
}
END_TEST

static const char *const v6_tab[] = {
	"out ::/0 > 2001:db8::/32 6 if0 allow p12932 esp/tr6/r=R",
	"in 2001:db8::/32 > ::/0 6 if0 allow p12932 esp/tr6/r=R",
	"out 2001:db8::1/128 > 2001:db8::2/128 0 if0 allow p6188 esp/tr6/r=R",
	"in 2001:db8::1/128 > 2001:db8::2/128 0 if0 allow p6188 esp/tr6/r=R",
};

START_TEST(test_ipv6)
{
	struct ipp_policy_tree t;
	struct ipp_compile_env env;
	struct ipp_compiled c;

	tb_init(&t, "P");
	tb_filter(&t, "l", "me", "2001:db8::/32", 6, 0, 0, true);
	tb_filter(&t, "l", "2001:db8::1", "2001:db8::2", 0, 0, 0, false);
	tb_action(&t, "esp", IPP_ACTION_NEGOTIATE, false, false, "esp", NULL);
	tb_rule(&t, "R", "l", "esp", NULL);
	tb_valid(&t);
	ipp_compile_env_init(&env);
	compile_ok(TREES(&t), 1, &env, &c);
	GOLDEN(&c, &env, false, v6_tab);
	ipp_compiled_free(&c);
	/* IPv4 only: the v6 filters vanish, me/any give v4 alone */
	env.ipv4_only = true;
	compile_ok(TREES(&t), 1, &env, &c);
	ck_assert_uint_eq(n_filter_policies(&c), 0);
	ck_assert_uint_eq(c.npolicies, 4);	/* IKE exemptions, v4 */
	ck_assert_uint_eq(c.nunresolved, 2);
	ipp_compiled_free(&c);
	ipp_policy_tree_clear(&t);
}
END_TEST

/* ---- tunnels ---- */

static const char *const tunnel_tab[] = {
	"out 10.1.0.0/16 > 10.2.0.0/16 0 if0 allow p21797 esp/tun/192.0.2.1>192.0.2.2/r=to-B",
	"in 10.2.0.0/16 > 10.1.0.0/16 0 if0 allow p21797 esp/tun/192.0.2.2>192.0.2.1/r=from-B",
	"fwd 10.2.0.0/16 > 10.1.0.0/16 0 if0 allow p21797 esp/tun/192.0.2.2>192.0.2.1/r=from-B",
};

START_TEST(test_tunnel)
{
	struct ipp_hostaddr local = { .family = AF_INET };
	struct ipp_policy_tree t;
	struct ipp_compile_env env;
	struct ipp_compiled c;

	inet_pton(AF_INET, "192.0.2.1", &local.ip);
	tb_init(&t, "P");
	tb_filter(&t, "AtoB", "10.1.0.0/16", "10.2.0.0/16", 0, 0, 0, false);
	tb_filter(&t, "BtoA", "10.2.0.0/16", "10.1.0.0/16", 0, 0, 0, false);
	tb_action(&t, "esp", IPP_ACTION_NEGOTIATE, false, false, "esp", NULL);
	tb_rule(&t, "to-B", "AtoB", "esp", "192.0.2.2");
	tb_rule(&t, "from-B", "BtoA", "esp", "192.0.2.1");
	tb_valid(&t);
	ipp_compile_env_init(&env);
	env.local = &local;
	env.nlocal = 1;
	compile_ok(TREES(&t), 1, &env, &c);
	GOLDEN(&c, &env, false, tunnel_tab);
	ck_assert_uint_eq(c.rules[0].mode, XFRM_MODE_TUNNEL);
	ck_assert_uint_eq(c.rules[0].tunnel_family, AF_INET);
	ck_assert_mem_eq(&c.rules[0].tunnel_remote, "\xc0\x00\x02\x02", 4);
	ck_assert_mem_eq(&c.rules[0].tunnel_local, "\xc0\x00\x02\x01", 4);
	ck_assert_mem_eq(&c.rules[1].tunnel_local, "\xc0\x00\x02\x01", 4);
	ck_assert_mem_eq(&c.rules[1].tunnel_remote, "\xc0\x00\x02\x02", 4);
	ipp_compiled_free(&c);
	ipp_policy_tree_clear(&t);
}
END_TEST

/* inpass makes in and fwd templates optional, never out; AH+ESP in a tunnel.  Unpaired
 * rules: the outbound one takes its local end from env->local, the inbound one is left out
 * (its remote end is unknown). */
static const char *const tunnel_inpass_tab[] = {
	"out 10.1.0.0/16 > 10.2.0.0/16 0 if0 allow p21797 "
	    "esp/tun/192.0.2.1>192.0.2.2/r=to-B ah/tr/r=to-B",
	"in 10.2.0.0/16 > 10.1.0.0/16 0 if0 allow p21797 "
	    "esp/tun/192.0.2.2>192.0.2.1/r=from-B/opt ah/tr/r=from-B/opt",
	"fwd 10.2.0.0/16 > 10.1.0.0/16 0 if0 allow p21797 "
	    "esp/tun/192.0.2.2>192.0.2.1/r=from-B/opt ah/tr/r=from-B/opt",
};

START_TEST(test_tunnel_inpass)
{
	struct ipp_hostaddr local = { .family = AF_INET };
	struct ipp_policy_tree t;
	struct ipp_compile_env env;
	struct ipp_compiled c;

	inet_pton(AF_INET, "192.0.2.1", &local.ip);
	tb_init(&t, "P");
	tb_filter(&t, "AtoB", "10.1.0.0/16", "10.2.0.0/16", 0, 0, 0, false);
	tb_filter(&t, "BtoA", "10.2.0.0/16", "10.1.0.0/16", 0, 0, 0, false);
	tb_action(&t, "ae", IPP_ACTION_NEGOTIATE, true, false, "ahesp", NULL);
	tb_rule(&t, "to-B", "AtoB", "ae", "192.0.2.2");
	tb_rule(&t, "from-B", "BtoA", "ae", "192.0.2.1");
	tb_valid(&t);
	ipp_compile_env_init(&env);
	env.local = &local;
	env.nlocal = 1;
	compile_ok(TREES(&t), 1, &env, &c);
	GOLDEN(&c, &env, false, tunnel_inpass_tab);
	ipp_compiled_free(&c);
	/* unpaired: BtoA's first filter is no longer AtoB's reverse */
	t.lists[1].filters[0].src.ip.b[1] = 3;
	compile_ok(TREES(&t), 1, &env, &c);
	ck_assert_uint_eq(n_filter_policies(&c), 1);
	GOLDEN(&c, &env, false, ((const char *const[]){ tunnel_inpass_tab[0] }));
	ck_assert_uint_eq(c.nwarnings, 1);
	ck_assert_ptr_nonnull(strstr(c.warnings[0], "rule 'from-B': the remote tunnel end is "
	    "unknown"));
	ipp_compiled_free(&c);
	/* and without a local address the outbound one goes too */
	env.nlocal = 0;
	compile_ok(TREES(&t), 1, &env, &c);
	ck_assert_uint_eq(n_filter_policies(&c), 0);
	ck_assert_uint_eq(c.nwarnings, 2);
	ipp_compiled_free(&c);
	ipp_policy_tree_clear(&t);
}
END_TEST

/* ---- exemptions ---- */

static size_t
count_exempt(const struct ipp_compiled *c, enum ipp_exempt_kind k)
{
	size_t i, n = 0;

	for (i = 0; i < c->npolicies; i++)
		n += c->policies[i].origin.kind == IPP_ORIGIN_EXEMPT &&
		    c->policies[i].origin.exempt == k;
	return n;
}

START_TEST(test_exempt_levels)
{
	static const struct { size_t ike, krb, rsvp, mc, bc, nd; } want[4] = {
		{ 8, 16, 4, 4, 4, 10 },	/* 0: multicast, broadcast, RSVP, Kerberos, IKE */
		{ 8, 0, 0, 4, 4, 10 },	/* 1: multicast, broadcast, IKE */
		{ 8, 16, 4, 0, 0, 10 },	/* 2: RSVP, Kerberos, IKE */
		{ 8, 0, 0, 0, 0, 10 },	/* 3: IKE; neighbour discovery at every level */
	};
	struct ipp_hostaddr bc = { .family = AF_INET };
	struct ipp_compile_env env;
	struct ipp_compiled c;
	struct ipp_err e = { 0 };
	unsigned level;
	size_t i;

	inet_pton(AF_INET, "10.9.255.255", &bc.ip);
	ipp_compile_env_init(&env);
	ck_assert_uint_eq(env.exempt, 3);
	env.broadcast = &bc;
	env.nbroadcast = 1;
	for (level = 0; level < 4; level++) {
		env.exempt = level;
		compile_ok(NULL, 0, &env, &c);
		ck_assert_uint_eq(count_exempt(&c, IPP_EXEMPT_IKE), want[level].ike);
		ck_assert_uint_eq(count_exempt(&c, IPP_EXEMPT_KERBEROS), want[level].krb);
		ck_assert_uint_eq(count_exempt(&c, IPP_EXEMPT_RSVP), want[level].rsvp);
		ck_assert_uint_eq(count_exempt(&c, IPP_EXEMPT_MULTICAST), want[level].mc);
		ck_assert_uint_eq(count_exempt(&c, IPP_EXEMPT_BROADCAST), want[level].bc);
		ck_assert_uint_eq(count_exempt(&c, IPP_EXEMPT_ND), want[level].nd);
		ck_assert(!c.main.present);
		for (i = 0; i < c.npolicies; i++) {
			ck_assert_uint_eq(c.policies[i].xp.action, XFRM_POLICY_ALLOW);
			ck_assert_uint_eq(c.policies[i].xp.ntmpl, 0);
			ck_assert_uint_lt(c.policies[i].xp.priority - env.prio_base,
			    IPP_COMPILE_PRIO_EXEMPT);
		}
		ipp_compiled_free(&c);
	}
	env.exempt = 4;
	ck_assert_int_eq(ipp_compile(NULL, 0, &env, &c, &e), -1);
	ck_assert_int_eq(e.code, IPP_E_INVAL);
	ck_assert_ptr_nonnull(strstr(e.msg, "exempt level 4"));
}
END_TEST

static const char *const exempt0_tab[] = {
	"out 0.0.0.0/0:500 > 0.0.0.0/0 17 if0 allow p0",
	"out ::/0:500 > ::/0 17 if0 allow p0",
	"in 0.0.0.0/0 > 0.0.0.0/0:500 17 if0 allow p0",
	"in ::/0 > ::/0:500 17 if0 allow p0",
	"out 0.0.0.0/0:4500 > 0.0.0.0/0 17 if0 allow p0",
	"out ::/0:4500 > ::/0 17 if0 allow p0",
	"in 0.0.0.0/0 > 0.0.0.0/0:4500 17 if0 allow p0",
	"in ::/0 > ::/0:4500 17 if0 allow p0",
	"out ::/0:133 > ::/0 58 if0 allow p5",
	"in ::/0:133 > ::/0 58 if0 allow p5",
	"out ::/0:134 > ::/0 58 if0 allow p5",
	"in ::/0:134 > ::/0 58 if0 allow p5",
	"out ::/0:135 > ::/0 58 if0 allow p5",
	"in ::/0:135 > ::/0 58 if0 allow p5",
	"out ::/0:136 > ::/0 58 if0 allow p5",
	"in ::/0:136 > ::/0 58 if0 allow p5",
	"out ::/0:137 > ::/0 58 if0 allow p5",
	"in ::/0:137 > ::/0 58 if0 allow p5",
	"out 0.0.0.0/0:88 > 0.0.0.0/0 6 if0 allow p1",
	"out ::/0:88 > ::/0 6 if0 allow p1",
	"out 0.0.0.0/0 > 0.0.0.0/0:88 6 if0 allow p1",
	"out ::/0 > ::/0:88 6 if0 allow p1",
	"in 0.0.0.0/0:88 > 0.0.0.0/0 6 if0 allow p1",
	"in ::/0:88 > ::/0 6 if0 allow p1",
	"in 0.0.0.0/0 > 0.0.0.0/0:88 6 if0 allow p1",
	"in ::/0 > ::/0:88 6 if0 allow p1",
	"out 0.0.0.0/0:88 > 0.0.0.0/0 17 if0 allow p1",
	"out ::/0:88 > ::/0 17 if0 allow p1",
	"out 0.0.0.0/0 > 0.0.0.0/0:88 17 if0 allow p1",
	"out ::/0 > ::/0:88 17 if0 allow p1",
	"in 0.0.0.0/0:88 > 0.0.0.0/0 17 if0 allow p1",
	"in ::/0:88 > ::/0 17 if0 allow p1",
	"in 0.0.0.0/0 > 0.0.0.0/0:88 17 if0 allow p1",
	"in ::/0 > ::/0:88 17 if0 allow p1",
	"out 0.0.0.0/0 > 0.0.0.0/0 46 if0 allow p2",
	"out ::/0 > ::/0 46 if0 allow p2",
	"in 0.0.0.0/0 > 0.0.0.0/0 46 if0 allow p2",
	"in ::/0 > ::/0 46 if0 allow p2",
	"out 0.0.0.0/0 > 224.0.0.0/4 0 if0 allow p3",
	"in 0.0.0.0/0 > 224.0.0.0/4 0 if0 allow p3",
	"out ::/0 > ff00::/8 0 if0 allow p3",
	"in ::/0 > ff00::/8 0 if0 allow p3",
	"out 0.0.0.0/0 > 255.255.255.255/32 0 if0 allow p4",
	"in 0.0.0.0/0 > 255.255.255.255/32 0 if0 allow p4",
};

START_TEST(test_exempt_level0_golden)
{
	struct ipp_compile_env env;
	struct ipp_compiled c;

	ipp_compile_env_init(&env);
	env.exempt = 0;
	compile_ok(NULL, 0, &env, &c);
	GOLDEN(&c, &env, true, exempt0_tab);
	ipp_compiled_free(&c);
}
END_TEST

/* An exemption beats a filter with the very same selector. */
START_TEST(test_exempt_beats_filter)
{
	struct ipp_policy_tree t;
	struct ipp_compile_env env;
	struct ipp_compiled c;
	char buf[IPP_ORIGIN_STRLEN];
	size_t i;

	tb_init(&t, "P");
	tb_filter(&t, "l", "me", "any", 17, 500, 0, false);
	tb_action(&t, "block", IPP_ACTION_BLOCK, false, false, NULL);
	tb_rule(&t, "R", "l", "block", NULL);
	tb_valid(&t);
	ipp_compile_env_init(&env);
	compile_ok(TREES(&t), 1, &env, &c);
	ck_assert_uint_eq(n_filter_policies(&c), 0);
	ck_assert_uint_eq(c.nshadowed, 2);
	for (i = 0; i < c.npolicies; i++)
		ck_assert_uint_eq(c.policies[i].xp.action, XFRM_POLICY_ALLOW);
	ipp_compiled_origin(&c, &c.policies[0], buf, sizeof(buf));
	ck_assert_str_eq(buf, "exemption IKE (out), shadows 1");
	ipp_compiled_free(&c);
	ipp_policy_tree_clear(&t);
}
END_TEST

/* ---- priorities: windows-cli.md §1.2 ---- */

static uint32_t
prio_of(const char *src, const char *dst, unsigned proto, unsigned sport, unsigned dport,
    enum ipp_action a, const char *tunnel)
{
	struct ipp_hostaddr local = { .family = AF_INET };
	struct ipp_policy_tree t;
	struct ipp_compile_env env;
	struct ipp_compiled c;
	uint32_t p = 0;
	size_t i;

	tb_init(&t, "P");
	tb_filter(&t, "l", src, dst, proto, sport, dport, tunnel == NULL);
	tb_action(&t, "a", a, false, false, "esp", NULL);
	tb_rule(&t, "R", "l", "a", tunnel);
	ipp_compile_env_init(&env);
	inet_pton(AF_INET, "192.0.2.200", &local.ip);
	env.local = &local;
	env.nlocal = 1;
	compile_ok(TREES(&t), 1, &env, &c);
	for (i = 0; i < c.npolicies; i++) {
		if (c.policies[i].origin.kind == IPP_ORIGIN_FILTER) {
			p = c.policies[i].xp.priority;
			break;
		}
	}
	ck_assert_uint_ne(p, 0);
	ipp_compiled_free(&c);
	ipp_policy_tree_clear(&t);
	return p;
}

#define NEG IPP_ACTION_NEGOTIATE

START_TEST(test_priority_order)
{
	/* 1. address classes, each strictly before the next */
	uint32_t hh = prio_of("10.0.0.1", "10.0.0.2", 0, 0, 0, NEG, NULL);
	uint32_t hr = prio_of("10.0.0.1", "10.0.1.0-10.0.1.9", 0, 0, 0, NEG, NULL);
	uint32_t rr = prio_of("10.0.0.0/24", "10.0.1.0-10.0.1.9", 0, 0, 0, NEG, NULL);
	uint32_t ah = prio_of("any", "10.0.0.2", 0, 0, 0, NEG, NULL);
	uint32_t ar = prio_of("any", "10.0.1.0/24", 0, 0, 0, NEG, NULL);
	uint32_t aa = prio_of("any", "any", 0, 0, 0, NEG, NULL);
	/* ... even a host pair with no protocol beats a subnet pair with ports */
	uint32_t rr_ports = prio_of("10.0.0.0/24", "10.0.1.0/24", 6, 1, 2, NEG, NULL);

	ck_assert_uint_lt(hh, hr);
	ck_assert_uint_lt(hr, rr);
	ck_assert_uint_lt(rr, ah);
	ck_assert_uint_lt(ah, ar);
	ck_assert_uint_lt(ar, aa);
	ck_assert_uint_lt(hh, rr_ports);
	/* "me" ranks as a host */
	ck_assert_uint_eq(prio_of("me", "10.0.0.2", 0, 0, 0, NEG, NULL), hh);
	ck_assert_uint_lt(prio_of("me", "any", 0, 0, 0, NEG, NULL), aa);

	/* 2. protocol and ports within a class */
	uint32_t both = prio_of("me", "any", 6, 1000, 80, NEG, NULL);
	uint32_t dst = prio_of("me", "any", 6, 0, 80, NEG, NULL);
	uint32_t src = prio_of("me", "any", 6, 1000, 0, NEG, NULL);
	uint32_t proto = prio_of("me", "any", 6, 0, 0, NEG, NULL);
	uint32_t none = prio_of("me", "any", 0, 0, 0, NEG, NULL);

	ck_assert_uint_lt(both, dst);
	ck_assert_uint_lt(dst, src);
	ck_assert_uint_lt(src, proto);
	ck_assert_uint_lt(proto, none);

	/* 3. more mask bits, then tunnel before transport, then the action */
	ck_assert_uint_lt(prio_of("any", "10.0.0.0/24", 0, 0, 0, NEG, NULL),
	    prio_of("any", "10.0.0.0/16", 0, 0, 0, NEG, NULL));
	ck_assert_uint_lt(prio_of("10.1.0.0/16", "10.2.0.0/16", 0, 0, 0, NEG, "192.0.2.2"),
	    prio_of("10.1.0.0/16", "10.2.0.0/16", 0, 0, 0, NEG, NULL));
	ck_assert_uint_lt(prio_of("me", "any", 0, 0, 0, IPP_ACTION_BLOCK, NULL),
	    prio_of("me", "any", 0, 0, 0, NEG, NULL));
	ck_assert_uint_lt(prio_of("me", "any", 0, 0, 0, NEG, NULL),
	    prio_of("me", "any", 0, 0, 0, IPP_ACTION_PERMIT, NULL));

	/* the band: every filter priority lies inside it, after the exemptions */
	ck_assert_uint_ge(hh, IPP_COMPILE_PRIO_BASE_DEFAULT + IPP_COMPILE_PRIO_EXEMPT);
	ck_assert_uint_lt(prio_of("any", "::/0", 0, 0, 0, IPP_ACTION_PERMIT, NULL),
	    IPP_COMPILE_PRIO_BASE_DEFAULT + IPP_COMPILE_PRIO_SPAN);
}
END_TEST

/* The worst case of the formula stays inside the band. */
START_TEST(test_priority_band_edge)
{
	struct ipp_policy_tree t;
	struct ipp_compile_env env;
	struct ipp_compiled c;
	size_t i;

	tb_init(&t, "P");
	tb_filter(&t, "l", "any", "any", 0, 0, 0, true);
	tb_action(&t, "permit", IPP_ACTION_PERMIT, false, false, NULL);
	tb_rule(&t, "R", "l", "permit", NULL);
	ipp_compile_env_init(&env);
	env.prio_base = UINT32_MAX - IPP_COMPILE_PRIO_SPAN;
	compile_ok(TREES(&t), 1, &env, &c);
	for (i = 0; i < c.npolicies; i++)
		ck_assert_uint_lt(c.policies[i].xp.priority - env.prio_base,
		    IPP_COMPILE_PRIO_SPAN);
	/* any<->any v6 permit is the last value of the band */
	ck_assert_uint_eq(c.policies[c.npolicies - 1].xp.priority,
	    env.prio_base + IPP_COMPILE_PRIO_SPAN - 1);
	ipp_compiled_free(&c);
	env.prio_base = UINT32_MAX - IPP_COMPILE_PRIO_SPAN + 1;
	{
		struct ipp_err e = { 0 };

		ck_assert_int_eq(ipp_compile(TREES(&t), 1, &env, &c, &e), -1);
		ck_assert_ptr_nonnull(strstr(e.msg, "priority base"));
	}
	ipp_policy_tree_clear(&t);
}
END_TEST

/* ---- connection types ---- */

static const char *const conn_tab[] = {
	"out 0.0.0.0/0 > 10.0.0.1/32 0 if2 block p6187",
	"out 0.0.0.0/0 > 10.0.0.1/32 0 if3 block p6187",
	"out 0.0.0.0/0 > 10.0.0.2/32 0 if7 block p6187",
	"out 0.0.0.0/0 > 10.0.0.3/32 0 if0 block p6187",
};

START_TEST(test_conntype)
{
	static const int lan[] = { 2, 3 }, dialup[] = { 7 };
	struct ipp_policy_tree t;
	struct ipp_compile_env env;
	struct ipp_compiled c;

	tb_init(&t, "P");
	tb_filter(&t, "l1", "me", "10.0.0.1", 0, 0, 0, false);
	tb_filter(&t, "l2", "me", "10.0.0.2", 0, 0, 0, false);
	tb_filter(&t, "l3", "me", "10.0.0.3", 0, 0, 0, false);
	tb_action(&t, "block", IPP_ACTION_BLOCK, false, false, NULL);
	tb_rule(&t, "lan", "l1", "block", NULL)->conntype = IPP_CONN_LAN;
	tb_rule(&t, "dialup", "l2", "block", NULL)->conntype = IPP_CONN_DIALUP;
	tb_rule(&t, "all", "l3", "block", NULL)->conntype = IPP_CONN_ALL;
	tb_valid(&t);
	ipp_compile_env_init(&env);
	env.lan_ifindex = lan;
	env.nlan = 2;
	env.dialup_ifindex = dialup;
	env.ndialup = 1;
	compile_ok(TREES(&t), 1, &env, &c);
	GOLDEN(&c, &env, false, conn_tab);
	ipp_compiled_free(&c);
	/* no dial-up interface: the dial-up rule applies nowhere, with a warning */
	env.ndialup = 0;
	compile_ok(TREES(&t), 1, &env, &c);
	ck_assert_uint_eq(n_filter_policies(&c), 3);
	ck_assert_uint_eq(c.nwarnings, 1);
	ck_assert_ptr_nonnull(strstr(c.warnings[0], "rule 'dialup'"));
	ck_assert_ptr_nonnull(strstr(c.warnings[0], "no interface"));
	ipp_compiled_free(&c);
	ipp_policy_tree_clear(&t);
}
END_TEST

/* ---- dynamic rules, inactive rules, duplicates ---- */

static const char *const dynamic_tab[] = {
	"out 0.0.0.0/0 > 0.0.0.0/0 0 if0 allow p29510 esp/tr/r=All IP Traffic",
	"in 0.0.0.0/0 > 0.0.0.0/0 0 if0 allow p29510 esp/tr/r=All IP Traffic/opt",
	"out ::/0 > ::/0 0 if0 allow p30086 esp/tr6/r=All IP Traffic",
	"in ::/0 > ::/0 0 if0 allow p30086 esp/tr6/r=All IP Traffic/opt",
	"out 0.0.0.0/0 > 0.0.0.0/0 1 if0 allow p27969",
	"in 0.0.0.0/0 > 0.0.0.0/0 1 if0 allow p27969",
	"out ::/0 > ::/0 1 if0 allow p28545",
	"in ::/0 > ::/0 1 if0 allow p28545",
	"out 0.0.0.0/0:80 > 0.0.0.0/0 6 if0 allow p26427",
	"in 0.0.0.0/0 > 0.0.0.0/0:80 6 if0 allow p26427",
	"out ::/0:80 > ::/0 6 if0 allow p27003",
	"in ::/0 > ::/0:80 6 if0 allow p27003",
};

START_TEST(test_dynamic_rules)
{
	struct ipp_policy_tree st, dyn;
	struct ipp_compile_env env;
	struct ipp_compiled c;
	uint32_t reqid;
	size_t i;

	load_example("Secure Server (Require Security)", &st);
	/* ipsecpol -f (0:80+*::TCP): a pass-through dynamic rule */
	tb_init(&dyn, "dynamic");
	tb_filter(&dyn, "d1", "me", "any", 6, 80, 0, true);
	tb_action(&dyn, "pass", IPP_ACTION_PERMIT, false, false, NULL);
	tb_rule(&dyn, "d1", "d1", "pass", NULL);
	tb_valid(&dyn);
	ipp_compile_env_init(&env);
	compile_ok(TREES(&st, &dyn), 2, &env, &c);
	GOLDEN(&c, &env, false, dynamic_tab);
	ck_assert_str_eq(c.main.policy, "Secure Server (Require Security)");
	ck_assert_uint_eq(c.rules[c.nrules - 1].tree, 1);
	for (i = 0; i < c.nrules; i++)
		if (c.rules[i].reqid != 0)
			reqid = c.rules[i].reqid;
	ipp_compiled_free(&c);
	/* the dynamic rules alone: main mode from them */
	compile_ok(TREES(NULL, &dyn), 2, &env, &c);
	ck_assert_str_eq(c.main.policy, "dynamic");
	ck_assert_uint_eq(n_filter_policies(&c), 4);
	ipp_compiled_free(&c);
	/* a new dynamic negotiate rule does not move the static rule's reqid */
	tb_action(&dyn, "neg", IPP_ACTION_NEGOTIATE, false, false, "esp", NULL);
	tb_filter(&dyn, "d2", "me", "10.0.0.9", 0, 0, 0, true);
	tb_rule(&dyn, "d2", "d2", "neg", NULL);
	compile_ok(TREES(&st, &dyn), 2, &env, &c);
	for (i = 0; i < c.nrules; i++)
		if (c.rules[i].reqid != 0 && c.rules[i].tree == 0)
			ck_assert_uint_eq(c.rules[i].reqid, reqid);
	ipp_compiled_free(&c);
	ipp_policy_tree_clear(&st);
	ipp_policy_tree_clear(&dyn);
}
END_TEST

START_TEST(test_inactive_rule)
{
	struct ipp_policy_tree t;
	struct ipp_compile_env env;
	struct ipp_compiled c;

	tb_init(&t, "P");
	tb_filter(&t, "l", "me", "10.0.0.1", 0, 0, 0, true);
	tb_action(&t, "block", IPP_ACTION_BLOCK, false, false, NULL);
	tb_rule(&t, "off", "l", "block", NULL)->active = false;
	tb_valid(&t);
	ipp_compile_env_init(&env);
	compile_ok(TREES(&t), 1, &env, &c);
	ck_assert_uint_eq(n_filter_policies(&c), 0);
	ck_assert_uint_eq(c.nrules, 0);
	ipp_compiled_free(&c);
	ipp_policy_tree_clear(&t);
}
END_TEST

START_TEST(test_dangling_reference)
{
	struct ipp_policy_tree t;
	struct ipp_compile_env env;
	struct ipp_compiled c;
	struct ipp_err e = { 0 };

	tb_init(&t, "P");
	tb_filter(&t, "l", "me", "10.0.0.1", 0, 0, 0, true);
	tb_rule(&t, "R", "l", "missing", NULL);
	ipp_compile_env_init(&env);
	ck_assert_int_eq(ipp_compile(TREES(&t), 1, &env, &c, &e), -1);
	ck_assert_int_eq(e.code, IPP_E_INVAL);
	ck_assert_ptr_nonnull(strstr(e.msg, "filter action 'missing'"));
	ck_assert_ptr_null(c.policies);
	ipp_policy_tree_clear(&t);
}
END_TEST

/* The same selector from a permit and a block rule, and from a static and a dynamic rule:
 * one kernel policy, the more restrictive action, the loser reported. */
START_TEST(test_duplicate_selectors)
{
	struct ipp_policy_tree t, dyn;
	struct ipp_compile_env env;
	struct ipp_compiled c;
	char buf[IPP_ORIGIN_STRLEN];
	size_t i, n = 0;

	tb_init(&t, "P");
	tb_filter(&t, "l", "me", "10.0.0.1", 0, 0, 0, true);
	tb_action(&t, "permit", IPP_ACTION_PERMIT, false, false, NULL);
	tb_rule(&t, "open", "l", "permit", NULL);
	tb_init(&dyn, "dynamic");
	tb_filter(&dyn, "l", "me", "10.0.0.1", 0, 0, 0, true);
	tb_action(&dyn, "block", IPP_ACTION_BLOCK, false, false, NULL);
	tb_rule(&dyn, "shut", "l", "block", NULL);
	ipp_compile_env_init(&env);
	compile_ok(TREES(&t, &dyn), 2, &env, &c);
	for (i = 0; i < c.npolicies; i++) {
		if (c.policies[i].origin.kind != IPP_ORIGIN_FILTER)
			continue;
		n++;
		ck_assert_uint_eq(c.policies[i].xp.action, XFRM_POLICY_BLOCK);
		ck_assert_uint_eq(c.policies[i].origin.shadowed, 1);
		ipp_compiled_origin(&c, &c.policies[i], buf, sizeof(buf));
		ck_assert_msg(strcmp(buf, "policy 'dynamic' rule 'shut' filter 1 (out), "
		    "shadows 1") == 0 || strcmp(buf, "policy 'dynamic' rule 'shut' filter 1, "
		    "mirrored (in), shadows 1") == 0, "origin %s", buf);
	}
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(c.nshadowed, 2);
	ck_assert_uint_eq(c.nwarnings, 2);
	ck_assert_ptr_nonnull(strstr(c.warnings[0], "rule 'open' filter 1 (out) is shadowed "
	    "by policy 'dynamic' rule 'shut'"));
	ipp_compiled_free(&c);
	/* a full tie keeps the earlier tree */
	dyn.actions[0].action = IPP_ACTION_PERMIT;
	compile_ok(TREES(&t, &dyn), 2, &env, &c);
	for (i = 0; i < c.npolicies; i++) {
		if (c.policies[i].origin.kind == IPP_ORIGIN_FILTER)
			ck_assert_uint_eq(c.rules[c.policies[i].origin.rule].tree, 0);
	}
	ipp_compiled_free(&c);
	ipp_policy_tree_clear(&t);
	ipp_policy_tree_clear(&dyn);
}
END_TEST

/* ---- size ---- */

START_TEST(test_10k_filters)
{
	struct ipp_policy_tree t;
	struct ipp_compile_env env;
	struct ipp_compiled c;
	char host[32];
	unsigned i;

	tb_init(&t, "big");
	for (i = 0; i < 10000; i++) {
		snprintf(host, sizeof(host), "10.%u.%u.%u", i >> 16, (i >> 8) & 255, i & 255);
		tb_filter(&t, "l", "me", host, 6, 0, 443, true);
	}
	tb_action(&t, "esp", IPP_ACTION_NEGOTIATE, false, false, "esp", NULL);
	tb_rule(&t, "R", "l", "esp", NULL);
	ipp_compile_env_init(&env);
	compile_ok(TREES(&t), 1, &env, &c);
	ck_assert_uint_eq(n_filter_policies(&c), 20000);
	ck_assert_uint_eq(c.nshadowed, 0);
	ipp_compiled_free(&c);
	ipp_policy_tree_clear(&t);
}
END_TEST

static Suite *
compile_suite(void)
{
	Suite *s = suite_create("compile");
	TCase *tc = tcase_create("compile");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_client_example);
	tcase_add_test(tc, test_secure_server_example);
	tcase_add_test(tc, test_server_example);
	tcase_add_test(tc, test_actions);
	tcase_add_test(tc, test_directions);
	tcase_add_test(tc, test_subnet_range);
	tcase_add_test(tc, test_range_split_edges);
	tcase_add_test(tc, test_names_and_servers);
	tcase_add_test(tc, test_unresolved_and_resolver_error);
	tcase_add_test(tc, test_ports_protocols);
	tcase_add_test(tc, test_ipv6);
	tcase_add_test(tc, test_tunnel);
	tcase_add_test(tc, test_tunnel_inpass);
	tcase_add_test(tc, test_exempt_levels);
	tcase_add_test(tc, test_exempt_level0_golden);
	tcase_add_test(tc, test_exempt_beats_filter);
	tcase_add_test(tc, test_priority_order);
	tcase_add_test(tc, test_priority_band_edge);
	tcase_add_test(tc, test_conntype);
	tcase_add_test(tc, test_dynamic_rules);
	tcase_add_test(tc, test_inactive_rule);
	tcase_add_test(tc, test_dangling_reference);
	tcase_add_test(tc, test_duplicate_selectors);
	tcase_add_test(tc, test_10k_filters);
	suite_add_tcase(s, tc);
	return s;
}

IPP_CHECK_MAIN(compile_suite)
