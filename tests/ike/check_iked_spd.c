/*
 * The module's kernel side against the real kernel, in a private network namespace: the
 * rule for a responder's Quick Mode IDs and the authentication for a peer are read from the
 * policies the agent's compiler makes; ALLOCSPI gives SPIs in the documented range.
 * Selector containment is checked without root.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/ike_plan.h"
#include "ike/iked.h"
#include "tests/agent/check_compile_util.h"
#include "tests/lib/ipp_check.h"

#define TREES(...) ((const struct ipp_policy_tree *const[]){ __VA_ARGS__ })

static struct ike_ts
ts(const char *addr, unsigned prefix, unsigned proto, unsigned port)
{
	struct ike_ts t = { .prefix = (uint8_t)prefix, .proto = (uint8_t)proto,
	    .port = (uint16_t)port };

	t.family = strchr(addr, ':') != NULL ? AF_INET6 : AF_INET;
	ck_assert_int_eq(inet_pton(t.family, addr, &t.addr), 1);
	return t;
}

static struct xfrm_sel
sel(const char *s, unsigned sp, const char *d, unsigned dp, unsigned proto,
    unsigned sport, unsigned dport)
{
	struct ike_ts a = ts(s, sp, 0, 0), b = ts(d, dp, 0, 0);
	struct xfrm_sel x = { .family = a.family, .sprefix = (uint8_t)sp,
	    .dprefix = (uint8_t)dp, .saddr = a.addr, .daddr = b.addr, .proto = (uint8_t)proto };

	if (sport) {
		x.sport = (uint16_t)sport;
		x.sport_mask = 0xffff;
	}
	if (dport) {
		x.dport = (uint16_t)dport;
		x.dport_mask = 0xffff;
	}
	return x;
}

START_TEST(test_sel_contains)
{
	struct xfrm_sel any = sel("0.0.0.0", 0, "0.0.0.0", 0, 0, 0, 0);
	struct xfrm_sel net = sel("10.1.0.0", 16, "10.2.0.0", 16, 0, 0, 0);
	struct xfrm_sel web = sel("10.1.2.3", 32, "192.0.2.80", 32, 6, 0, 443);
	struct ike_ts h1 = ts("10.1.2.3", 32, 0, 0), h2 = ts("10.2.9.9", 32, 0, 0);
	struct ike_ts n1 = ts("10.1.0.0", 16, 0, 0), n2 = ts("10.2.0.0", 16, 0, 0);
	struct ike_ts wide = ts("10.0.0.0", 8, 0, 0), v6 = ts("2001:db8::1", 128, 0, 0);
	struct ike_ts w1 = ts("10.1.2.3", 32, 6, 0), w2 = ts("192.0.2.80", 32, 6, 443);
	struct ike_ts w2any = ts("192.0.2.80", 32, 6, 0), w2udp = ts("192.0.2.80", 32, 17, 443);

	ck_assert(iked_sel_contains(&any, &h1, &h2));
	ck_assert(!iked_sel_contains(&any, &v6, &v6));		/* family */
	ck_assert(iked_sel_contains(&net, &h1, &h2));
	ck_assert(iked_sel_contains(&net, &n1, &n2));
	ck_assert(!iked_sel_contains(&net, &h2, &h1));		/* direction */
	ck_assert(!iked_sel_contains(&net, &wide, &n2));	/* wider than the selector */
	ck_assert(iked_sel_contains(&web, &w1, &w2));
	ck_assert(!iked_sel_contains(&web, &w1, &w2any));	/* any port is wider */
	ck_assert(!iked_sel_contains(&web, &w1, &w2udp));	/* protocol */
	ck_assert(!iked_sel_contains(&web, &h1, &w2));		/* protocol any is wider */
}
END_TEST

/* ---- against the kernel ---- */

static struct iked d;
static struct ipp_policy_tree tree;
static struct ipp_compiled comp;
static struct ipp_hostaddr tun_local = { .family = AF_INET };

static int
keep_plan(const struct ctl_msg *m, void *arg)
{
	struct ike_plan done = { 0 };
	struct ipp_err e = { 0 };
	int rc = ike_plan_rx_feed(&d.rx, m->buf, m->len, &done, &e);

	ck_assert_msg(rc >= 0, "plan refused: %s", e.msg);
	if (rc == 1) {
		ike_plan_free(&d.plan);
		d.plan = done;
	}
	(void)arg;
	return 0;
}

/* A subnet rule, a more specific host rule inside it, and a permit rule beside them. */
static void
setup(void)
{
	struct ipp_compile_env env;
	struct ipp_err e = { 0 };
	struct ipp_auth a = { .kind = IPP_AUTH_PSK };
	int rc;

	ck_assert_msg(unshare(CLONE_NEWNET) == 0, "unshare: %s", strerror(errno));
	memset(&d, 0, sizeof(d));
	ck_assert_int_eq(xfrm_open(&d.xh), 0);
	tb_init(&tree, "SPD");
	tb_filter(&tree, "lan", "me", "10.2.0.0/16", 0, 0, 0, true);
	tb_filter(&tree, "host", "me", "10.2.0.7", 0, 0, 0, true);
	tb_filter(&tree, "web", "me", "10.3.0.80", 6, 0, 80, true);
	tb_action(&tree, "esp", IPP_ACTION_NEGOTIATE, false, false, "esp", NULL);
	tb_action(&tree, "permit", IPP_ACTION_PERMIT, false, false, NULL);
	tb_psk(tb_rule(&tree, "lan", "lan", "esp", NULL), "lan key");
	tb_psk(tb_rule(&tree, "host", "host", "esp", NULL), "host key");
	tb_rule(&tree, "web", "web", "permit", NULL);
	/* A Windows tunnel: two one-way rules, each with its own reqid. */
	tb_filter(&tree, "AtoB", "10.11.0.0/16", "10.12.0.0/16", 0, 0, 0, false);
	tb_filter(&tree, "BtoA", "10.12.0.0/16", "10.11.0.0/16", 0, 0, 0, false);
	tb_psk(tb_rule(&tree, "to-B", "AtoB", "esp", "198.51.100.2"), "tunnel key");
	tb_psk(tb_rule(&tree, "from-B", "BtoA", "esp", "198.51.100.1"), "tunnel key");
	ck_assert_ptr_nonnull(a.value = strdup("default key"));
	ck_assert_ptr_nonnull(ipp_array_push(&tree.policy.defrule.auth,
	    &tree.policy.defrule.nauth, sizeof(a), &a));
	tb_valid(&tree);
	ipp_compile_env_init(&env);
	env.ipv4_only = true;
	inet_pton(AF_INET, "198.51.100.1", &tun_local.ip);
	env.local = &tun_local;
	env.nlocal = 1;
	compile_ok(TREES(&tree), 1, &env, &comp);
	for (size_t i = 0; i < comp.npolicies; i++) {
		rc = xfrm_policy_add(d.xh, &comp.policies[i].xp);
		ck_assert_msg(rc == 0, "policy %zu: %s", i, strerror(-rc));
	}
	ck_assert_int_eq(ike_plan_emit(&comp, 1, keep_plan, NULL), 0);
	ck_assert_uint_eq(d.plan.nrules, 4);
	(void)e;
}

static void
teardown(void)
{
	ike_plan_free(&d.plan);
	free(d.authbuf);
	xfrm_close(d.xh);
	ipp_compiled_free(&comp);
	ipp_policy_tree_clear(&tree);
}

static struct sockaddr_in
sa4(const char *a, unsigned port)
{
	struct sockaddr_in s = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };

	inet_pton(AF_INET, a, &s.sin_addr);
	return s;
}

START_TEST(test_rule_for_ids)
{
	struct sockaddr_in l = sa4("10.9.0.1", 500), r = sa4("10.2.0.7", 500);
	struct ike_ts me = ts("10.9.0.1", 32, 0, 0), host = ts("10.2.0.7", 32, 0, 0);
	struct ike_ts other = ts("10.2.3.4", 32, 0, 0), lan = ts("10.2.0.0", 16, 0, 0);
	struct ike_ts web = ts("10.3.0.80", 32, 6, 80), me6 = ts("10.9.0.1", 32, 6, 0);
	const struct ipp_ike_rule *x;

	x = iked_rule_for_ids(&d, (struct sockaddr *)&l, (struct sockaddr *)&r, &me, &host);
	ck_assert_ptr_nonnull(x);
	ck_assert_str_eq(x->name, "host");
	ck_assert_ptr_eq(x, ike_plan_rule(&d.plan, x->reqid));
	x = iked_rule_for_ids(&d, (struct sockaddr *)&l, (struct sockaddr *)&r, &me, &other);
	ck_assert_ptr_nonnull(x);
	ck_assert_str_eq(x->name, "lan");
	x = iked_rule_for_ids(&d, (struct sockaddr *)&l, (struct sockaddr *)&r, &me, &lan);
	ck_assert_ptr_nonnull(x);
	ck_assert_str_eq(x->name, "lan");
	/* Reversed IDs: the peer's traffic to us matches the inbound policies. */
	x = iked_rule_for_ids(&d, (struct sockaddr *)&l, (struct sockaddr *)&r, &host, &me);
	ck_assert_ptr_null(x);
	/* A permit rule is not a rule to negotiate by; nothing else covers it. */
	x = iked_rule_for_ids(&d, (struct sockaddr *)&l, (struct sockaddr *)&r, &me6, &web);
	ck_assert_ptr_null(x);
}
END_TEST

START_TEST(test_auth_for_peer)
{
	struct sockaddr_in l = sa4("10.9.0.1", 500), host = sa4("10.2.0.7", 500);
	struct sockaddr_in other = sa4("10.2.3.4", 500), far = sa4("192.0.2.1", 500);
	const struct ipp_auth *a;
	size_t n;

	ck_assert_int_eq(iked_auth_for_peer(&d, (struct sockaddr *)&l, (struct sockaddr *)&host,
	    &a, &n), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(a[0].value, "host key");	/* most specific first */
	ck_assert_str_eq(a[1].value, "lan key");
	ck_assert_str_eq(a[2].value, "default key");
	ck_assert_int_eq(iked_auth_for_peer(&d, (struct sockaddr *)&l,
	    (struct sockaddr *)&other, &a, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(a[0].value, "lan key");
	ck_assert_int_eq(iked_auth_for_peer(&d, (struct sockaddr *)&l, (struct sockaddr *)&far,
	    &a, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(a[0].value, "default key");
	/* Without an active default response rule a stranger gets nothing. */
	d.plan.main.defrule.active = false;
	ck_assert_int_eq(iked_auth_for_peer(&d, (struct sockaddr *)&l, (struct sockaddr *)&far,
	    &a, &n), -ENOENT);
	ck_assert_ptr_null(a);
}
END_TEST

START_TEST(test_spi_alloc)
{
	struct sockaddr_in l = sa4("10.9.0.1", 500), r = sa4("10.2.0.7", 500);
	struct ike_spi_req q = { .proto = IPPROTO_ESP, .mode = XFRM_MODE_TRANSPORT,
	    .reqid = d.plan.nrules ? d.plan.rules[0].reqid : 1,
	    .local = (struct sockaddr *)&l, .remote = (struct sockaddr *)&r };
	struct xfrm_state_id id = { .family = AF_INET, .proto = IPPROTO_ESP };
	struct xfrm_state s;
	uint32_t spi1 = 0, spi2 = 0;

	ck_assert_int_eq(iked_spi_alloc(&d, &q, &spi1), 0);
	ck_assert_int_eq(iked_spi_alloc(&d, &q, &spi2), 0);
	ck_assert_uint_ge(spi1, IKED_SPI_MIN);
	ck_assert_uint_ge(spi2, IKED_SPI_MIN);
	ck_assert_uint_ne(spi1, spi2);
	/* The larval SA runs from the peer to us, with the rule's reqid. */
	inet_pton(AF_INET, "10.9.0.1", &id.daddr);
	id.spi = spi1;
	ck_assert_int_eq(xfrm_state_get(d.xh, &id, &s), 0);
	ck_assert_uint_eq(s.reqid, q.reqid);
	ck_assert_mem_eq(&s.saddr, &r.sin_addr, 4);
	xfrm_state_wipe(&s);
}
END_TEST

static struct sockaddr_storage
ss4(const char *a)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in s = sa4(a, 500);

	memcpy(&ss, &s, sizeof(s));
	return ss;
}

/* A bundle as the engine hands it over (keys: any bytes of the right length). */
static void
child(struct ike_child *c, uint32_t reqid, uint8_t mode, bool ah)
{
	memset(c, 0, sizeof(*c));
	c->id = 7;
	c->reqid = reqid;
	c->mode = mode;
	c->local = ss4("10.9.0.1");
	c->remote = ss4("10.5.0.9");
	c->ts_local = ts(mode == XFRM_MODE_TUNNEL ? "10.9.1.0" : "10.9.0.1",
	    mode == XFRM_MODE_TUNNEL ? 24 : 32, 0, 0);
	c->ts_remote = ts(mode == XFRM_MODE_TUNNEL ? "10.5.1.0" : "10.5.0.9",
	    mode == XFRM_MODE_TUNNEL ? 24 : 32, 0, 0);
	c->hard_s = 3600;
	c->soft_s = 3240;
	c->nproto = ah ? 2 : 1;
	for (size_t i = 0; i < c->nproto; i++) {
		struct ike_child_proto *p = &c->p[i];

		p->proto = i == 0 ? IPPROTO_ESP : IPPROTO_AH;
		p->cipher = i == 0 ? IPP_CIPHER_AES128 : IPP_CIPHER_NONE;
		p->auth = IPP_HASH_SHA1;
		p->enc_key_len = i == 0 ? 16 : 0;
		p->auth_key_len = 20;
		p->spi_out = 0x1000 + (uint32_t)i;
		memset(p->key_in, 0x11, sizeof(p->key_in));
		memset(p->key_out, 0x22, sizeof(p->key_out));
	}
}

struct pol_seen {
	size_t	n, ours;
};

static int
pol_seen_one(const struct xfrm_policy *p, void *arg)
{
	struct pol_seen *x = arg;

	x->n++;
	if (p->priority == IKED_PRIO_BASE && p->ntmpl > 0 && p->tmpl[0].reqid == 0)
		x->ours++;
	return 0;
}

START_TEST(test_default_policies)
{
	struct xfrm_policy pol[3];
	struct pol_seen seen = { 0 };
	struct ike_child c;
	size_t n;

	/* Above every value the agent may use (its configuration stops below 0x7fffffff). */
	ck_assert_uint_gt(IKED_PRIO_BASE, 0x7fffffffu);
	child(&c, 0, XFRM_MODE_TRANSPORT, false);
	n = iked_default_policies(&c, pol);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(pol[0].dir, XFRM_POLICY_OUT);
	ck_assert_mem_eq(&pol[0].sel.daddr, &c.ts_remote.addr, 4);
	ck_assert_uint_eq(pol[1].dir, XFRM_POLICY_IN);
	ck_assert_mem_eq(&pol[1].sel.saddr, &c.ts_remote.addr, 4);
	for (size_t i = 0; i < n; i++) {
		ck_assert_int_eq(xfrm_policy_check(&pol[i]), 0);
		ck_assert_int_eq(xfrm_policy_add(d.xh, &pol[i]), 0);
	}
	/* A tunnel with AH outside ESP: three directions, the tunnel ends in the template. */
	child(&c, 0, XFRM_MODE_TUNNEL, true);
	n = iked_default_policies(&c, pol);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(pol[2].dir, XFRM_POLICY_FWD);
	ck_assert_uint_eq(pol[0].ntmpl, 2);
	ck_assert_uint_eq(pol[0].tmpl[0].proto, IPPROTO_ESP);
	ck_assert_uint_eq(pol[0].tmpl[0].mode, XFRM_MODE_TUNNEL);
	ck_assert_uint_eq(pol[0].tmpl[1].proto, IPPROTO_AH);
	ck_assert_mem_eq(&pol[0].tmpl[0].daddr, &((struct sockaddr_in *)&c.remote)->sin_addr, 4);
	ck_assert_mem_eq(&pol[1].tmpl[0].saddr, &((struct sockaddr_in *)&c.remote)->sin_addr, 4);
	for (size_t i = 0; i < n; i++) {
		ck_assert_int_eq(xfrm_policy_check(&pol[i]), 0);
		ck_assert_int_eq(xfrm_policy_add(d.xh, &pol[i]), 0);
	}
	ck_assert_int_ge(xfrm_policy_dump(d.xh, pol_seen_one, &seen), 0);
	ck_assert_uint_eq(seen.ours, 5);
	ck_assert_uint_eq(seen.n, comp.npolicies + 5);
}
END_TEST

static int
keyed_state(const struct xfrm_state *s, void *arg)
{
	(void)arg;
	return s->enc.name[0] != '\0' || s->auth.name[0] != '\0' || s->aead.name[0] != '\0' ?
	    -EEXIST : 0;
}

/*
 * A bundle of a plan rule: installed and removable where the kernel has ESP (the VM
 * lab), refused without a trace where it has not (this host).  Both ways the module's
 * record and the kernel agree.
 */
START_TEST(test_install)
{
	struct sockaddr_in l = sa4("10.9.0.1", 500), r = sa4("10.5.0.9", 500);
	struct ike_spi_req q = { .proto = IPPROTO_ESP, .mode = XFRM_MODE_TRANSPORT,
	    .local = (struct sockaddr *)&l, .remote = (struct sockaddr *)&r };
	struct xfrm_counters in, out;
	struct ike_child c;
	int rc;

	child(&c, d.plan.rules[0].reqid, XFRM_MODE_TRANSPORT, false);
	q.reqid = c.reqid;
	ck_assert_int_eq(iked_spi_alloc(&d, &q, &c.p[0].spi_in), 0);
	rc = iked_child_install(&d, &c);
	if (rc == 0) {
		ck_assert_uint_eq(d.nsas, 1);
		ck_assert_uint_eq(d.sas[0].nstate, 2);
		ck_assert_int_eq(iked_kernel_counters(&d, c.id, &in, &out), 0);
		ck_assert_int_eq(xfrm_state_dump(d.xh, keyed_state, NULL), -EEXIST);
		iked_child_delete(&d, &c);
	} else {
		ck_assert_msg(rc == -EPROTONOSUPPORT || rc == -ENOENT || rc == -ENOSYS,
		    "install: %s", strerror(-rc));
		ck_assert_uint_eq(d.cnt.install_failed, 1);
	}
	ck_assert_uint_eq(d.nsas, 0);
	ck_assert_int_eq(iked_kernel_counters(&d, c.id, &in, &out), -ENOENT);
	ck_assert_int_ge(xfrm_state_dump(d.xh, keyed_state, NULL), 0);
	iked_kernel_flush(&d);
}
END_TEST

static const struct ipp_ike_rule *
rule_named(const char *name)
{
	for (size_t i = 0; i < d.plan.nrules; i++)
		if (strcmp(d.plan.rules[i].name, name) == 0)
			return &d.plan.rules[i];
	ck_abort_msg("no rule %s in the plan", name);
	return NULL;
}

/* Inbound SAs carry the reqid of the rule whose inbound policy takes the peer's traffic. */
START_TEST(test_reqid_inbound)
{
	struct ike_child c;

	child(&c, rule_named("to-B")->reqid, XFRM_MODE_TUNNEL, false);
	c.ts_local = ts("10.11.0.0", 16, 0, 0);
	c.ts_remote = ts("10.12.0.0", 16, 0, 0);
	ck_assert_uint_ne(rule_named("to-B")->reqid, rule_named("from-B")->reqid);
	ck_assert_uint_eq(iked_reqid_inbound(&d, &c), rule_named("from-B")->reqid);
	/* Mirrored transport filters: the rule's own. */
	child(&c, rule_named("host")->reqid, XFRM_MODE_TRANSPORT, false);
	c.ts_remote = ts("10.2.0.7", 32, 0, 0);
	ck_assert_uint_eq(iked_reqid_inbound(&d, &c), rule_named("host")->reqid);
	/* Nothing inbound covers it: the rule's own. */
	c.ts_remote = ts("192.0.2.99", 32, 0, 0);
	ck_assert_uint_eq(iked_reqid_inbound(&d, &c), rule_named("host")->reqid);
}
END_TEST

/*
 * A responder of a Windows tunnel (two one-way rules whose policies rank alike) takes the
 * rule whose out policy sends its side's traffic: the outbound SA carries that rule's reqid,
 * and only the out policy's template looks for it.  The in/fwd policies of the other rule,
 * added later, come first in the kernel's dump.
 */
START_TEST(test_rule_for_ids_tunnel)
{
	struct sockaddr_in l = sa4("198.51.100.1", 500), r = sa4("198.51.100.2", 500);
	struct ike_ts lnet = ts("10.11.0.0", 16, 0, 0), rnet = ts("10.12.0.0", 16, 0, 0);
	struct ike_ts lhost = ts("10.11.0.5", 32, 0, 0);
	const struct ipp_ike_rule *x;

	x = iked_rule_for_ids(&d, (struct sockaddr *)&l, (struct sockaddr *)&r, &lnet, &rnet);
	ck_assert_ptr_nonnull(x);
	ck_assert_str_eq(x->name, "to-B");
	x = iked_rule_for_ids(&d, (struct sockaddr *)&l, (struct sockaddr *)&r, &lhost, &rnet);
	ck_assert_ptr_nonnull(x);
	ck_assert_str_eq(x->name, "to-B");
	/* Reversed IDs: no policy of the pair takes them. */
	x = iked_rule_for_ids(&d, (struct sockaddr *)&l, (struct sockaddr *)&r, &rnet, &lnet);
	ck_assert_ptr_null(x);
}
END_TEST

static Suite *
spd_suite(void)
{
	Suite *s = suite_create("iked_spd");
	TCase *pure = tcase_create("selectors"), *k = tcase_create("kernel");

	tcase_add_test(pure, test_sel_contains);
	suite_add_tcase(s, pure);
	/* The kernel cases need root for a private namespace. */
	if (geteuid() != 0) {
		printf("# kernel cases left out: they need root\n");
		return s;
	}
	tcase_add_checked_fixture(k, setup, teardown);
	tcase_add_test(k, test_rule_for_ids);
	tcase_add_test(k, test_auth_for_peer);
	tcase_add_test(k, test_spi_alloc);
	tcase_add_test(k, test_default_policies);
	tcase_add_test(k, test_install);
	tcase_add_test(k, test_reqid_inbound);
	tcase_add_test(k, test_rule_for_ids_tunnel);
	suite_add_tcase(s, k);
	return s;
}

IPP_CHECK_MAIN(spd_suite)
