/*
 * The IKE plan decoder against the agent's own encoder: plans compiled from the Windows
 * examples and from trees with preshared keys and tunnels go through ike_plan_emit and
 * come back equal; partial, reordered and damaged plans are refused and leave nothing.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/ike_plan.h"
#include "ike/plan.h"
#include "store/store.h"
#include "tests/agent/check_compile_util.h"
#include "tests/lib/ipp_check.h"

#define TREES(...) ((const struct ipp_policy_tree *const[]){ __VA_ARGS__ })

/* The messages of one plan, as the agent sent them. */
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
	w->msg[w->n] = malloc(m->len);
	ck_assert_ptr_nonnull(w->msg[w->n]);
	memcpy(w->msg[w->n], m->buf, m->len);
	w->len[w->n++] = m->len;
	return 0;
}

static void
wire_free(struct wire *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->msg[i]);
	w->n = 0;
}

static void
emit(const struct ipp_compiled *c, uint32_t gen, struct wire *w)
{
	memset(w, 0, sizeof(*w));
	ck_assert_int_eq(ike_plan_emit(c, gen, wire_keep, w), 0);
}

/* Feeds every message; the last must complete the plan. */
static void
feed_all(struct ike_plan_rx *rx, const struct wire *w, struct ike_plan *out)
{
	struct ipp_err e = { 0 };
	int rc;

	for (size_t i = 0; i < w->n; i++) {
		rc = ike_plan_rx_feed(rx, w->msg[i], w->len[i], out, &e);
		ck_assert_msg(rc == (i + 1 == w->n ? 1 : 0), "message %zu: rc %d: %s", i, rc,
		    e.msg);
	}
}

static void
auth_eq(const struct ipp_auth *a, const struct ipp_auth *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		ck_assert_int_eq(a[i].kind, b[i].kind);
		ck_assert_int_eq(a[i].value == NULL, b[i].value == NULL);
		if (a[i].value != NULL)
			ck_assert_str_eq(a[i].value, b[i].value);
		ck_assert_int_eq(a[i].certmap, b[i].certmap);
		ck_assert_int_eq(a[i].excludecaname, b[i].excludecaname);
	}
}

/* Field by field: the structs' padding is not part of the value. */
static void
offers_eq(const struct ipp_qm_offer *a, const struct ipp_qm_offer *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		ck_assert_int_eq(a[i].proto, b[i].proto);
		ck_assert_int_eq(a[i].ah_hash, b[i].ah_hash);
		ck_assert_int_eq(a[i].esp_cipher, b[i].esp_cipher);
		ck_assert_int_eq(a[i].esp_auth, b[i].esp_auth);
		ck_assert_uint_eq(a[i].life_s, b[i].life_s);
		ck_assert_uint_eq(a[i].life_kb, b[i].life_kb);
		ck_assert_int_eq(a[i].pfs, b[i].pfs);
		ck_assert_uint_eq(a[i].pfs_group, b[i].pfs_group);
	}
}

static void
rule_eq(const struct ipp_ike_rule *a, const struct ipp_ike_rule *b)
{
	ck_assert_uint_eq(a->reqid, b->reqid);
	ck_assert_str_eq(a->policy, b->policy);
	ck_assert_str_eq(a->name, b->name);
	ck_assert_str_eq(a->guid, b->guid);
	ck_assert_int_eq(a->action, b->action);
	ck_assert_int_eq(a->inpass, b->inpass);
	ck_assert_int_eq(a->soft, b->soft);
	ck_assert_int_eq(a->conntype, b->conntype);
	ck_assert_uint_eq(a->mode, b->mode);
	ck_assert_uint_eq(a->tunnel_family, b->tunnel_family);
	ck_assert_mem_eq(&a->tunnel_local, &b->tunnel_local, 16);
	ck_assert_mem_eq(&a->tunnel_remote, &b->tunnel_remote, 16);
	ck_assert_uint_eq(a->noffers, b->noffers);
	offers_eq(a->offers, b->offers, a->noffers);
	ck_assert_uint_eq(a->nauth, b->nauth);
	auth_eq(a->auth, b->auth, a->nauth);
	ck_assert_uint_eq(a->dropped_offers, b->dropped_offers);
}

/* The decoded plan holds exactly the compiled negotiate rules and main-mode settings. */
static void
plan_eq(const struct ike_plan *p, const struct ipp_compiled *c, uint32_t gen)
{
	const struct ipp_ike_main *a = &p->main, *b = &c->main;
	size_t n = 0;

	ck_assert_uint_eq(p->gen, gen);
	for (size_t i = 0; i < c->nrules; i++) {
		const struct ipp_ike_rule *r;

		if (c->rules[i].reqid == 0) {
			ck_assert_ptr_null(ike_plan_rule(p, c->rules[i].reqid));
			continue;
		}
		n++;
		r = ike_plan_rule(p, c->rules[i].reqid);
		ck_assert_ptr_nonnull(r);
		rule_eq(r, &c->rules[i]);
	}
	ck_assert_uint_eq(p->nrules, n);
	for (size_t i = 1; i < p->nrules; i++)
		ck_assert_uint_lt(p->rules[i - 1].reqid, p->rules[i].reqid);
	ck_assert_int_eq(a->present, b->present);
	if (!b->present)
		return;
	ck_assert_str_eq(a->policy, b->policy);
	ck_assert_str_eq(a->guid, b->guid);
	ck_assert_uint_eq(a->mm.lifetime_min, b->mm.lifetime_min);
	ck_assert_uint_eq(a->mm.qm_per_mm, b->mm.qm_per_mm);
	ck_assert_int_eq(a->mm.pfs, b->mm.pfs);
	ck_assert_uint_eq(a->mm.noffers, b->mm.noffers);
	for (size_t i = 0; i < a->mm.noffers; i++) {
		ck_assert_int_eq(a->mm.offers[i].cipher, b->mm.offers[i].cipher);
		ck_assert_int_eq(a->mm.offers[i].hash, b->mm.offers[i].hash);
		ck_assert_uint_eq(a->mm.offers[i].group, b->mm.offers[i].group);
	}
	ck_assert_int_eq(a->defrule.active, b->defrule.active);
	ck_assert_uint_eq(a->defrule.noffers, b->defrule.noffers);
	offers_eq(a->defrule.offers, b->defrule.offers, a->defrule.noffers);
	ck_assert_uint_eq(a->defrule.nauth, b->defrule.nauth);
	auth_eq(a->defrule.auth, b->defrule.auth, a->defrule.nauth);
}

static void
round_trip(const struct ipp_compiled *c, uint32_t gen)
{
	struct ike_plan_rx rx = { 0 };
	struct ike_plan p = { 0 };
	struct wire w;

	emit(c, gen, &w);
	feed_all(&rx, &w, &p);
	plan_eq(&p, c, gen);
	ck_assert(!rx.open);
	ike_plan_free(&p);
	ck_assert_ptr_null(p.rules);
	ck_assert_uint_eq(p.nrules, 0);
	wire_free(&w);
}

static const char *const examples[] = {
	"Client (Respond Only)", "Server (Request Security)",
	"Secure Server (Require Security)",
};

START_TEST(test_examples_round_trip)
{
	struct ipp_policy_tree t;
	struct ipp_compile_env env;
	struct ipp_compiled c;

	load_example(examples[_i], &t);
	ipp_compile_env_init(&env);
	compile_ok(TREES(&t), 1, &env, &c);
	round_trip(&c, 7 + (uint32_t)_i);
	ipp_compiled_free(&c);
	ipp_policy_tree_clear(&t);
}
END_TEST

static void
psk(struct ipp_auth **v, size_t *n, enum ipp_auth_kind kind, const char *value)
{
	struct ipp_auth a = { .kind = kind };

	if (value != NULL)
		ck_assert_ptr_nonnull(a.value = strdup(value));
	ck_assert_ptr_nonnull(ipp_array_push(v, n, sizeof(a), &a));
}

/* Preshared keys, a certificate method, tunnels both ways, AH+ESP, several rules. */
static void
tree_psk_tunnel(struct ipp_policy_tree *t)
{
	struct ipp_rule *r;

	tb_init(t, "PSK and tunnels");
	tb_filter(t, "AtoB", "10.1.0.0/16", "10.2.0.0/16", 0, 0, 0, false);
	tb_filter(t, "BtoA", "10.2.0.0/16", "10.1.0.0/16", 0, 0, 0, false);
	tb_filter(t, "web", "me", "192.0.2.80", 6, 0, 443, true);
	tb_filter(t, "v6", "me", "2001:db8::/64", 0, 0, 0, true);
	tb_action(t, "esp", IPP_ACTION_NEGOTIATE, false, false, "esp", "esp", NULL);
	tb_action(t, "ahesp", IPP_ACTION_NEGOTIATE, true, true, "ahesp", NULL);
	r = tb_rule(t, "to-B", "AtoB", "esp", "192.0.2.2");
	psk(&r->auth, &r->nauth, IPP_AUTH_PSK, "tunnel secret");
	r = tb_rule(t, "from-B", "BtoA", "esp", "192.0.2.1");
	psk(&r->auth, &r->nauth, IPP_AUTH_PSK, "tunnel secret");
	r = tb_rule(t, "web", "web", "ahesp", NULL);
	psk(&r->auth, &r->nauth, IPP_AUTH_CERT, "CN=Root CA, O=Example");
	psk(&r->auth, &r->nauth, IPP_AUTH_PSK, "web key with spaces");
	r = tb_rule(t, "v6", "v6", "esp", NULL);
	psk(&r->auth, &r->nauth, IPP_AUTH_PSK, "six");
	psk(&t->policy.defrule.auth, &t->policy.defrule.nauth, IPP_AUTH_PSK, "default key");
	tb_valid(t);
}

static void
compile_psk_tunnel(struct ipp_policy_tree *t, struct ipp_compiled *c)
{
	static struct ipp_hostaddr local = { .family = AF_INET };
	struct ipp_compile_env env;

	tree_psk_tunnel(t);
	inet_pton(AF_INET, "192.0.2.1", &local.ip);
	ipp_compile_env_init(&env);
	env.local = &local;
	env.nlocal = 1;
	compile_ok(TREES(t), 1, &env, c);
}

START_TEST(test_psk_tunnel_round_trip)
{
	struct ipp_policy_tree t;
	struct ipp_compiled c;
	struct ike_plan_rx rx = { 0 };
	struct ike_plan p = { 0 };
	const struct ipp_ike_rule *r;
	struct wire w;
	size_t ntun = 0;

	compile_psk_tunnel(&t, &c);
	ck_assert_uint_eq(c.nrules, 4);
	round_trip(&c, 1);
	/* And the details an exchange relies on. */
	emit(&c, 2, &w);
	feed_all(&rx, &w, &p);
	for (size_t i = 0; i < p.nrules; i++) {
		r = &p.rules[i];
		ntun += r->mode == XFRM_MODE_TUNNEL;
		if (strcmp(r->name, "web") == 0) {
			ck_assert(r->inpass && r->soft);
			ck_assert_int_eq(r->offers[0].proto, IPP_QM_AH_ESP);
			ck_assert_uint_eq(r->nauth, 2);
			ck_assert_str_eq(r->auth[1].value, "web key with spaces");
		}
	}
	ck_assert_uint_eq(ntun, 2);
	ck_assert_str_eq(p.main.defrule.auth[0].value, "default key");
	ike_plan_free(&p);
	wire_free(&w);
	ipp_compiled_free(&c);
	ipp_policy_tree_clear(&t);
}
END_TEST

START_TEST(test_empty_plan)
{
	struct ike_plan_rx rx = { 0 };
	struct ike_plan p = { 0 };
	struct wire w;

	emit(NULL, 3, &w);
	ck_assert_uint_eq(w.n, 2);
	feed_all(&rx, &w, &p);
	ck_assert_uint_eq(p.gen, 3);
	ck_assert_uint_eq(p.nrules, 0);
	ck_assert(!p.main.present);
	ck_assert_ptr_null(ike_plan_rule(&p, 1));
	ike_plan_free(&p);
	wire_free(&w);
}
END_TEST

/* A refused message leaves rx empty, done untouched, and the next plan decodes. */
static void
refused(struct ike_plan_rx *rx, const void *msg, size_t len, const char *why)
{
	struct ike_plan p = { .gen = 0xdead };
	struct ipp_err e = { 0 };

	ck_assert_msg(ike_plan_rx_feed(rx, msg, len, &p, &e) == -1, "accepted: %s", why);
	ck_assert_msg(e.msg[0] != '\0', "no reason given: %s", why);
	ck_assert_uint_eq(p.gen, 0xdead);
	ck_assert(!rx->open);
	ck_assert_uint_eq(rx->next.nrules, 0);
	ck_assert_ptr_null(rx->next.rules);
}

START_TEST(test_order_and_counts)
{
	struct ipp_policy_tree t;
	struct ipp_compiled c;
	struct ike_plan_rx rx = { 0 };
	struct ike_plan p = { 0 };
	struct ipp_err e = { 0 };
	struct wire w, w2;
	size_t last;

	compile_psk_tunnel(&t, &c);
	emit(&c, 5, &w);
	last = w.n - 1;
	/* Nothing before BEGIN. */
	refused(&rx, w.msg[1], w.len[1], "main without begin");
	refused(&rx, w.msg[last], w.len[last], "end without begin");
	/* END too early: rules missing. */
	for (size_t i = 0; i < 3; i++)
		ck_assert_int_eq(ike_plan_rx_feed(&rx, w.msg[i], w.len[i], &p, &e), 0);
	refused(&rx, w.msg[last], w.len[last], "end with rules missing");
	/* A rule twice, in place of another: the count is right, the reqids are not. */
	for (size_t i = 0; i < last; i++)
		ck_assert_int_eq(ike_plan_rx_feed(&rx, w.msg[i == 3 ? 2 : i],
		    w.len[i == 3 ? 2 : i], &p, &e), 0);
	refused(&rx, w.msg[last], w.len[last], "the same reqid twice");
	/* One rule more than announced. */
	for (size_t i = 0; i < last; i++)
		ck_assert_int_eq(ike_plan_rx_feed(&rx, w.msg[i], w.len[i], &p, &e), 0);
	refused(&rx, w.msg[2], w.len[2], "a rule beyond the count");
	/* Main after the rules. */
	for (size_t i = 0; i < 3; i++)
		ck_assert_int_eq(ike_plan_rx_feed(&rx, w.msg[i], w.len[i], &p, &e), 0);
	refused(&rx, w.msg[1], w.len[1], "main after a rule");
	/* A message of another generation inside the plan. */
	emit(&c, 6, &w2);
	ck_assert_int_eq(ike_plan_rx_feed(&rx, w.msg[0], w.len[0], &p, &e), 0);
	refused(&rx, w2.msg[1], w2.len[1], "generation 6 inside plan 5");
	/* A new BEGIN abandons a partial plan; the new one completes. */
	ck_assert_int_eq(ike_plan_rx_feed(&rx, w.msg[0], w.len[0], &p, &e), 0);
	ck_assert_int_eq(ike_plan_rx_feed(&rx, w.msg[1], w.len[1], &p, &e), 0);
	feed_all(&rx, &w2, &p);
	plan_eq(&p, &c, 6);
	ike_plan_free(&p);
	wire_free(&w);
	wire_free(&w2);
	ipp_compiled_free(&c);
	ipp_policy_tree_clear(&t);
}
END_TEST

/* Hand-made messages for what the encoder never sends. */
static void
put_begin(uint16_t type, uint32_t seq, uint32_t gen, uint32_t n, struct wire *w)
{
	struct ctl_msg m;

	ctl_msg_init(&m, type, seq, 0);
	ctl_put_u32(&m, IKE_A_GEN, gen);
	ctl_put_u32(&m, IKE_A_NRULES, n);
	ck_assert_int_eq(ctl_msg_finish(&m), 0);
	wire_keep(&m, w);
	ctl_msg_free(&m);
}

static void
put_rule(uint32_t gen, uint32_t reqid, uint8_t action, uint8_t mode, bool offer,
    const char *key, struct wire *w)
{
	struct ipp_qm_offer o;
	struct ipp_auth a = { .kind = IPP_AUTH_PSK, .value = (char *)key };
	struct ctl_msg m;

	ipp_qm_offer_init(&o);
	o.esp_cipher = IPP_CIPHER_AES128;
	o.esp_auth = IPP_HASH_SHA1;
	ctl_msg_init(&m, IKE_PLAN_RULE, gen, 0);
	ctl_put_u32(&m, IKE_A_REQID, reqid);
	ctl_put_str(&m, IKE_A_NAME, "hand made");
	ctl_put_u8(&m, IKE_A_ACTION, action);
	ctl_put_u8(&m, IKE_A_MODE, mode);
	if (offer)
		ctl_offer_put(&m, IKE_A_OFFER, &o);
	if (key != NULL)
		ctl_auth_put(&m, IKE_A_AUTH, &a, true);
	ck_assert_int_eq(ctl_msg_finish(&m), 0);
	wire_keep(&m, w);
	ctl_msg_free(&m);
}

START_TEST(test_bad_content)
{
	struct ike_plan_rx rx = { 0 };
	struct ike_plan p = { 0 };
	struct ipp_err e = { 0 };
	struct wire w = { 0 };

	put_begin(IKE_PLAN_BEGIN, 9, 8, 1, &w);		/* 0: seq is not the generation */
	put_begin(IKE_PLAN_BEGIN, 9, 9, IKE_PLAN_RULES_MAX + 1, &w);	/* 1: too many */
	put_begin(IKE_PLAN_BEGIN, 9, 9, 1, &w);		/* 2: good */
	put_rule(9, 0, IPP_ACTION_NEGOTIATE, 0, true, "k", &w);	/* 3: reqid 0 */
	put_rule(9, 5, IPP_ACTION_PERMIT, 0, true, "k", &w);	/* 4: not negotiate */
	put_rule(9, 5, IPP_ACTION_NEGOTIATE, 0, false, "k", &w);	/* 5: no offer */
	put_rule(9, 5, IPP_ACTION_NEGOTIATE, 7, true, "k", &w);	/* 6: mode 7 */
	put_rule(9, 5, IPP_ACTION_NEGOTIATE, 1, true, "k", &w);	/* 7: tunnel, no family */
	put_rule(9, 5, IPP_ACTION_NEGOTIATE, 0, true, "", &w);	/* 8: empty PSK */
	put_rule(9, 5, IPP_ACTION_NEGOTIATE, 0, true, "k", &w);	/* 9: good */
	put_begin(IKE_PLAN_END, 9, 9, 1, &w);		/* 10 */
	put_begin(0x44, 9, 9, 1, &w);			/* 11: not a plan type */

	refused(&rx, w.msg[0], w.len[0], "begin: seq is not the generation");
	refused(&rx, w.msg[1], w.len[1], "begin: too many rules");
	for (size_t i = 3; i <= 8; i++) {
		ck_assert_int_eq(ike_plan_rx_feed(&rx, w.msg[2], w.len[2], &p, &e), 0);
		refused(&rx, w.msg[i], w.len[i], "bad rule");
	}
	ck_assert_int_eq(ike_plan_rx_feed(&rx, w.msg[2], w.len[2], &p, &e), 0);
	refused(&rx, w.msg[11], w.len[11], "unknown type in a plan");
	/* A flag, a short header, a length that lies. */
	ck_assert_int_eq(ike_plan_rx_feed(&rx, w.msg[2], w.len[2], &p, &e), 0);
	w.msg[9][5] = CTL_F_MORE;
	refused(&rx, w.msg[9], w.len[9], "flags");
	w.msg[9][5] = 0;
	refused(&rx, w.msg[9], 10, "short header");
	ck_assert_int_eq(ike_plan_rx_feed(&rx, w.msg[2], w.len[2], &p, &e), 0);
	refused(&rx, w.msg[9], w.len[9] - 1, "length");
	/* The good path still works. */
	ck_assert_int_eq(ike_plan_rx_feed(&rx, w.msg[2], w.len[2], &p, &e), 0);
	ck_assert_msg(ike_plan_rx_feed(&rx, w.msg[9], w.len[9], &p, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(ike_plan_rx_feed(&rx, w.msg[10], w.len[10], &p, &e), 1);
	ck_assert_uint_eq(p.nrules, 1);
	ck_assert_str_eq(p.rules[0].auth[0].value, "k");
	ck_assert_ptr_nonnull(ike_plan_rule(&p, 5));
	ck_assert_ptr_null(ike_plan_rule(&p, 4));
	ike_plan_free(&p);
	wire_free(&w);
}
END_TEST

/* Every truncation and every single-byte change of every message: no crash, no leak
 * (under the sanitizers), and a refused message never completes a plan. */
START_TEST(test_mutations)
{
	struct ipp_policy_tree t;
	struct ipp_compiled c;
	struct ike_plan p = { 0 };
	struct ipp_err e;
	struct wire w;
	uint8_t buf[4096];

	compile_psk_tunnel(&t, &c);
	emit(&c, 4, &w);
	for (size_t i = 0; i < w.n; i++) {
		ck_assert_uint_le(w.len[i], sizeof(buf));
		for (size_t cut = 0; cut <= w.len[i]; cut++) {
			for (size_t pos = 0; pos < (cut == w.len[i] ? cut : 1); pos++) {
				struct ike_plan_rx rx = { 0 };
				int rc = 0;

				memcpy(buf, w.msg[i], cut);
				if (cut == w.len[i])
					buf[pos] ^= 0x5a;
				for (size_t j = 0; j < i && rc >= 0; j++)
					rc = ike_plan_rx_feed(&rx, w.msg[j], w.len[j], &p, &e);
				ck_assert_int_eq(rc, 0);
				rc = ike_plan_rx_feed(&rx, buf, cut, &p, &e);
				/* END holds only numbers that must match: every change shows. */
				if (i + 1 < w.n)
					ck_assert_int_ne(rc, 1);
				else
					ck_assert_int_eq(rc, -1);
				if (rc == 1)
					ike_plan_free(&p);
				ike_plan_rx_reset(&rx);
			}
		}
	}
	wire_free(&w);
	ipp_compiled_free(&c);
	ipp_policy_tree_clear(&t);
}
END_TEST

static Suite *
plan_suite(void)
{
	Suite *s = suite_create("ike_plan");
	TCase *tc = tcase_create("decode");

	tcase_add_loop_test(tc, test_examples_round_trip, 0,
	    (int)(sizeof(examples) / sizeof(examples[0])));
	tcase_add_test(tc, test_psk_tunnel_round_trip);
	tcase_add_test(tc, test_empty_plan);
	tcase_add_test(tc, test_order_and_counts);
	tcase_add_test(tc, test_bad_content);
	tcase_add_test(tc, test_mutations);
	suite_add_tcase(s, tc);
	return s;
}

IPP_CHECK_MAIN(plan_suite)
