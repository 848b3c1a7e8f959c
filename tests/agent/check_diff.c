/*
 * The apply diff: order (adds, updates, deletes), no-op on equal sets, small diffs for
 * small changes, foreign policies untouched, kernel dump forms, and a simulated kernel
 * that refuses what a real one refuses (EEXIST on add, ENOENT on update/delete).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/compile.h"
#include "agent/diff.h"
#include "kernel-xfrm/xfrm.h"
#include "tests/agent/check_compile_util.h"
#include "tests/lib/ipp_check.h"

#define TREES(...) ((const struct ipp_policy_tree *const[]){ __VA_ARGS__ })
#define LO IPP_COMPILE_PRIO_BASE_DEFAULT
#define HI (IPP_COMPILE_PRIO_BASE_DEFAULT + IPP_COMPILE_PRIO_SPAN)

/* A policy: "me" <-> each host of hosts[], TCP to port, with action act. */
static void
build(struct ipp_policy_tree *t, unsigned nhosts, unsigned port, enum ipp_action act)
{
	char host[32];
	unsigned i;

	tb_init(t, "P");
	for (i = 0; i < nhosts; i++) {
		snprintf(host, sizeof(host), "10.%u.%u.%u", i >> 16, (i >> 8) & 255, i & 255);
		tb_filter(t, "l", "me", host, 6, 0, port, true);
	}
	tb_filter(t, "icmp", "me", "any", 1, 0, 0, true);
	tb_action(t, "a", act, false, false, "esp", NULL);
	tb_action(t, "permit", IPP_ACTION_PERMIT, false, false, NULL);
	tb_rule(t, "R", "l", "a", NULL);
	tb_rule(t, "I", "icmp", "permit", NULL);
}

static void
compile_tree(const struct ipp_policy_tree *t, struct ipp_compiled *c)
{
	struct ipp_compile_env env;

	ipp_compile_env_init(&env);
	compile_ok(TREES(t), 1, &env, c);
}

/* A copy of the compiled policies as a plain array, as the agent would record them. */
static struct xfrm_policy *
as_array(const struct ipp_compiled *c, size_t extra)
{
	struct xfrm_policy *v = calloc(c->npolicies + extra + 1, sizeof(*v));
	size_t i;

	ck_assert_ptr_nonnull(v);
	for (i = 0; i < c->npolicies; i++)
		v[i] = c->policies[i].xp;
	return v;
}

static void
diff_ok(const struct ipp_policy_set *inst, const struct ipp_policy_set *want,
    struct ipp_diff *d)
{
	struct ipp_err e = { 0 };

	ck_assert_msg(ipp_diff_compute(inst, want, LO, HI, d, &e) == 0, "diff: %s", e.msg);
	ck_assert_uint_eq(d->nsteps, d->nadd + d->nupdate + d->ndelete);
}

/* Steps come in three runs: adds, then updates, then deletes. */
static void
assert_order(const struct ipp_diff *d)
{
	size_t i;

	for (i = 1; i < d->nsteps; i++)
		ck_assert_int_le(d->steps[i - 1].op, d->steps[i].op);
}

/* ---- a simulated kernel: keyed policies, refusing what the kernel refuses ---- */

struct kern {
	struct xfrm_policy	*v;
	size_t			n, cap;
};

static long
kern_find(const struct kern *k, const struct xfrm_policy *p)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		if (ipp_xfrm_policy_same_key(&k->v[i], p))
			return (long)i;
	return -1;
}

static void
kern_load(struct kern *k, const struct xfrm_policy *v, size_t n)
{
	k->cap = n + 4096;
	k->v = calloc(k->cap, sizeof(*k->v));
	ck_assert_ptr_nonnull(k->v);
	memcpy(k->v, v, n * sizeof(*v));
	k->n = n;
}

/*
 * Applies the steps; after every step, every key that both the old and the new set hold
 * must be present (no gap for traffic that stays covered).
 */
static void
kern_apply(struct kern *k, const struct ipp_diff *d, const struct ipp_policy_set *keep)
{
	size_t s, j;
	long at;

	for (s = 0; s < d->nsteps; s++) {
		const struct ipp_diff_step *st = &d->steps[s];

		at = kern_find(k, st->xp);
		switch (st->op) {
		case IPP_DIFF_ADD:
			ck_assert_msg(at < 0, "step %zu: add of a present key (EEXIST)", s);
			ck_assert_uint_lt(k->n, k->cap);
			k->v[k->n++] = *st->xp;
			break;
		case IPP_DIFF_UPDATE:
			ck_assert_msg(at >= 0, "step %zu: update of a missing key", s);
			ck_assert_uint_ge(k->v[at].priority, LO);
			ck_assert_uint_lt(k->v[at].priority, HI);
			k->v[at] = *st->xp;
			break;
		case IPP_DIFF_DELETE:
			ck_assert_msg(at >= 0, "step %zu: delete of a missing key (ENOENT)", s);
			ck_assert_uint_ge(k->v[at].priority, LO);
			ck_assert_uint_lt(k->v[at].priority, HI);
			k->v[at] = k->v[--k->n];
			break;
		}
		for (j = 0; keep != NULL && j < keep->n; j++)
			ck_assert_msg(kern_find(k, ipp_policy_set_at(keep, j)) >= 0,
			    "step %zu left a gap", s);
	}
}

/* The kernel holds exactly want plus the foreign policies. */
static void
kern_equals(const struct kern *k, const struct ipp_policy_set *want, size_t nforeign)
{
	size_t j;
	long at;

	ck_assert_uint_eq(k->n, want->n + nforeign);
	for (j = 0; j < want->n; j++) {
		at = kern_find(k, ipp_policy_set_at(want, j));
		ck_assert_msg(at >= 0, "desired policy %zu missing", j);
		ck_assert(ipp_xfrm_policy_equal(&k->v[at], ipp_policy_set_at(want, j)));
	}
}

/* ---- tests ---- */

START_TEST(test_noop_when_equal)
{
	struct ipp_policy_tree t;
	struct ipp_compiled c;
	struct ipp_policy_set inst, want;
	struct ipp_diff d;
	struct xfrm_policy *rec;

	build(&t, 50, 443, IPP_ACTION_NEGOTIATE);
	compile_tree(&t, &c);
	rec = as_array(&c, 0);
	inst = ipp_policy_set_array(rec, c.npolicies);
	want = ipp_policy_set_compiled(&c);
	diff_ok(&inst, &want, &d);
	ck_assert_uint_eq(d.nsteps, 0);
	ck_assert_uint_eq(d.nsame, c.npolicies);
	ipp_diff_free(&d);
	/* and from nothing: everything is an add */
	inst.n = 0;
	diff_ok(&inst, &want, &d);
	ck_assert_uint_eq(d.nadd, c.npolicies);
	ck_assert_uint_eq(d.nsteps, c.npolicies);
	ck_assert_ptr_eq(d.steps[0].xp, &c.policies[0].xp);
	ipp_diff_free(&d);
	/* and to nothing: everything is a delete */
	inst.n = c.npolicies;
	want.n = 0;
	diff_ok(&inst, &want, &d);
	ck_assert_uint_eq(d.ndelete, c.npolicies);
	ck_assert_uint_eq(d.steps[0].index, 0);
	ipp_diff_free(&d);
	free(rec);
	ipp_compiled_free(&c);
	ipp_policy_tree_clear(&t);
}
END_TEST

START_TEST(test_add_update_delete_order)
{
	struct ipp_policy_tree a, b;
	struct ipp_compiled ca, cb;
	struct ipp_policy_set inst, want;
	struct ipp_diff d;
	struct kern k;

	/* a: 20 hosts, negotiate; b: hosts 5.. 24 (5 gone, 5 new), block (all updated) */
	build(&a, 20, 443, IPP_ACTION_NEGOTIATE);
	tb_init(&b, "P");
	for (unsigned i = 5; i < 25; i++) {
		char host[32];

		snprintf(host, sizeof(host), "10.0.0.%u", i);
		tb_filter(&b, "l", "me", host, 6, 0, 443, true);
	}
	tb_filter(&b, "icmp", "me", "any", 1, 0, 0, true);
	tb_action(&b, "a", IPP_ACTION_BLOCK, false, false, NULL);
	tb_action(&b, "permit", IPP_ACTION_PERMIT, false, false, NULL);
	tb_rule(&b, "R", "l", "a", NULL);
	tb_rule(&b, "I", "icmp", "permit", NULL);
	compile_tree(&a, &ca);
	compile_tree(&b, &cb);
	inst = ipp_policy_set_compiled(&ca);
	want = ipp_policy_set_compiled(&cb);
	diff_ok(&inst, &want, &d);
	ck_assert_uint_eq(d.nadd, 10);		/* 5 hosts, out and in */
	ck_assert_uint_eq(d.nupdate, 30);	/* 15 hosts change action */
	ck_assert_uint_eq(d.ndelete, 10);
	ck_assert_uint_eq(d.nsame, 8 + 10 + 4);	/* IKE and ND exemptions, ICMP */
	assert_order(&d);
	ck_assert_int_eq(d.steps[0].op, IPP_DIFF_ADD);
	ck_assert_int_eq(d.steps[d.nsteps - 1].op, IPP_DIFF_DELETE);
	for (size_t i = 0; i < d.nsteps; i++) {
		if (d.steps[i].op == IPP_DIFF_DELETE)
			ck_assert_ptr_eq(d.steps[i].xp, ipp_policy_set_at(&inst, d.steps[i].index));
		else
			ck_assert_ptr_eq(d.steps[i].xp, ipp_policy_set_at(&want, d.steps[i].index));
	}
	kern_load(&k, &ca.policies[0].xp, 0);
	for (size_t i = 0; i < ca.npolicies; i++)
		k.v[k.n++] = ca.policies[i].xp;
	{
		/* the keys both sets hold: exemptions, ICMP and the 15 staying hosts */
		struct xfrm_policy *stay = calloc(cb.npolicies, sizeof(*stay));
		struct ipp_policy_set ks;
		size_t n = 0;

		ck_assert_ptr_nonnull(stay);
		for (size_t j = 0; j < cb.npolicies; j++)
			for (size_t i = 0; i < ca.npolicies; i++)
				if (ipp_xfrm_policy_same_key(&ca.policies[i].xp,
				    &cb.policies[j].xp)) {
					stay[n++] = cb.policies[j].xp;
					break;
				}
		ck_assert_uint_eq(n, 8 + 10 + 4 + 30);
		ks = ipp_policy_set_array(stay, n);
		kern_apply(&k, &d, &ks);
		free(stay);
	}
	kern_equals(&k, &want, 0);
	free(k.v);
	ipp_diff_free(&d);
	ipp_compiled_free(&ca);
	ipp_compiled_free(&cb);
	ipp_policy_tree_clear(&a);
	ipp_policy_tree_clear(&b);
}
END_TEST

/* Changing one filter of a 10,000-filter policy: at most 4 operations. */
START_TEST(test_one_filter_change_10k)
{
	struct ipp_policy_tree t;
	struct ipp_compiled c0, c1;
	struct ipp_policy_set inst, want;
	struct ipp_diff d;

	build(&t, 10000, 443, IPP_ACTION_NEGOTIATE);
	compile_tree(&t, &c0);
	/* another host for filter 5000 */
	t.lists[0].filters[4999].dst.ip.b[1] = 200;
	compile_tree(&t, &c1);
	inst = ipp_policy_set_compiled(&c0);
	want = ipp_policy_set_compiled(&c1);
	diff_ok(&inst, &want, &d);
	ck_assert_uint_le(d.nsteps, 4);
	ck_assert_uint_eq(d.nadd, 2);
	ck_assert_uint_eq(d.ndelete, 2);
	ck_assert_uint_eq(d.nsame, c1.npolicies - 2);
	ipp_diff_free(&d);
	ipp_compiled_free(&c1);
	/* another port for it: the same, 2 adds and 2 deletes */
	t.lists[0].filters[4999].dport = 8443;
	compile_tree(&t, &c1);
	want = ipp_policy_set_compiled(&c1);
	diff_ok(&inst, &want, &d);
	ck_assert_uint_le(d.nsteps, 4);
	ipp_diff_free(&d);
	ipp_compiled_free(&c1);
	/* a port on it makes it more specific: its priority changes, no other's does */
	t.lists[0].filters[4999].dst.ip.b[1] = 0;
	t.lists[0].filters[4999].dport = 443;
	t.lists[0].filters[4999].sport = 1000;
	compile_tree(&t, &c1);
	want = ipp_policy_set_compiled(&c1);
	diff_ok(&inst, &want, &d);
	ck_assert_uint_le(d.nsteps, 4);
	ipp_diff_free(&d);
	ipp_compiled_free(&c1);
	ipp_compiled_free(&c0);
	ipp_policy_tree_clear(&t);
}
END_TEST

/* A policy of another owner (priority outside the band) is never touched, even when it
 * holds the key of one of ours. */
START_TEST(test_foreign_untouched)
{
	struct ipp_policy_tree t;
	struct ipp_compiled c;
	struct ipp_policy_set inst, want;
	struct ipp_diff d;
	struct xfrm_policy *rec, *v;
	size_t n, i, nf = 0;
	struct kern k;

	build(&t, 10, 443, IPP_ACTION_NEGOTIATE);
	compile_tree(&t, &c);
	rec = as_array(&c, 3);
	n = c.npolicies;
	/* an `ip xfrm policy add` of the same selector as desired policy 10, priority 0 */
	rec[n] = c.policies[10].xp;
	rec[n].priority = 0;
	rec[n].ntmpl = 0;
	/* an unrelated foreign block policy, and a stale one of ours */
	memset(&rec[n + 1], 0, sizeof(rec[n + 1]));
	rec[n + 1].sel.family = AF_INET;
	rec[n + 1].sel.dprefix = 32;
	inet_pton(AF_INET, "203.0.113.9", &rec[n + 1].sel.daddr);
	rec[n + 1].dir = XFRM_POLICY_OUT;
	rec[n + 1].action = XFRM_POLICY_BLOCK;
	rec[n + 1].priority = HI;		/* just outside */
	rec[n + 2] = rec[n + 1];
	rec[n + 2].priority = LO + 5000;	/* ours, stale */
	rec[n + 2].sel.dprefix = 24;
	inet_pton(AF_INET, "203.0.113.0", &rec[n + 2].sel.daddr);
	/* the kernel cannot hold policy 10 twice: drop our copy of it */
	v = rec;
	memmove(&v[10], &v[11], (n + 3 - 11) * sizeof(*v));
	inst = ipp_policy_set_array(rec, n + 2);
	want = ipp_policy_set_compiled(&c);
	diff_ok(&inst, &want, &d);
	ck_assert_uint_eq(d.nforeign, 2);
	ck_assert_uint_eq(d.nconflict, 1);
	ck_assert_uint_eq(d.nadd, 0);
	ck_assert_uint_eq(d.nupdate, 0);
	ck_assert_uint_eq(d.ndelete, 1);
	ck_assert_uint_eq(d.steps[0].xp->priority, LO + 5000);
	for (i = 0; i < d.nsteps; i++) {
		ck_assert_uint_ge(d.steps[i].xp->priority, LO);
		ck_assert_uint_lt(d.steps[i].xp->priority, HI);
	}
	kern_load(&k, rec, n + 2);
	kern_apply(&k, &d, NULL);
	for (i = 0; i < k.n; i++)
		nf += k.v[i].priority < LO || k.v[i].priority >= HI;
	ck_assert_uint_eq(nf, 2);
	ck_assert_uint_eq(k.n, n + 1);
	free(k.v);
	ipp_diff_free(&d);
	free(rec);
	ipp_compiled_free(&c);
	ipp_policy_tree_clear(&t);
}
END_TEST

/* What a kernel dump gives back differs in form, not in substance. */
START_TEST(test_dump_forms_match)
{
	struct ipp_policy_tree t;
	struct ipp_compiled c;
	struct ipp_policy_set inst, want;
	struct ipp_diff d;
	struct xfrm_policy *rec;
	size_t i;

	build(&t, 10, 443, IPP_ACTION_NEGOTIATE);
	compile_tree(&t, &c);
	rec = as_array(&c, 0);
	for (i = 0; i < c.npolicies; i++) {
		rec[i].index = 1000 + (uint32_t)i * 8;
		rec[i].cur.packets = i;
		rec[i].cur.add_time = 1700000000;
		if (rec[i].sel.dport != 0)
			rec[i].sel.dport_mask = 0;	/* port given, mask implied */
		if (rec[i].ntmpl != 0)
			rec[i].tmpl[0].family = 0;	/* the selector's */
	}
	/* in reverse order, as a hash-ordered dump might */
	for (i = 0; i < c.npolicies / 2; i++) {
		struct xfrm_policy tmp = rec[i];

		rec[i] = rec[c.npolicies - 1 - i];
		rec[c.npolicies - 1 - i] = tmp;
	}
	inst = ipp_policy_set_array(rec, c.npolicies);
	want = ipp_policy_set_compiled(&c);
	diff_ok(&inst, &want, &d);
	ck_assert_uint_eq(d.nsteps, 0);
	ck_assert_uint_eq(d.nsame, c.npolicies);
	ipp_diff_free(&d);
	/* a real content change is seen: another reqid, or optional flipped */
	for (i = 0; rec[i].ntmpl == 0; i++)
		;
	rec[i].tmpl[0].reqid++;
	rec[i + 1].priority++;
	diff_ok(&inst, &want, &d);
	ck_assert_uint_eq(d.nupdate, 2);
	ipp_diff_free(&d);
	rec[i].tmpl[0].reqid--;
	rec[i + 1].priority--;
	rec[i].tmpl[0].optional = !rec[i].tmpl[0].optional;
	diff_ok(&inst, &want, &d);
	ck_assert_uint_eq(d.nupdate, 1);
	ck_assert_ptr_eq(d.steps[0].xp, ipp_policy_set_at(&want, c.npolicies - 1 - i));
	ipp_diff_free(&d);
	free(rec);
	ipp_compiled_free(&c);
	ipp_policy_tree_clear(&t);
}
END_TEST

START_TEST(test_bad_desired)
{
	struct xfrm_policy v[2];
	struct ipp_policy_set inst = ipp_policy_set_array(NULL, 0), want;
	struct ipp_diff d;
	struct ipp_err e = { 0 };

	memset(v, 0, sizeof(v));
	v[0].sel.family = AF_INET;
	v[0].dir = XFRM_POLICY_OUT;
	v[0].priority = LO + 100;
	v[1] = v[0];
	v[1].priority = LO + 200;
	want = ipp_policy_set_array(v, 2);
	ck_assert_int_eq(ipp_diff_compute(&inst, &want, LO, HI, &d, &e), -1);
	ck_assert_int_eq(e.code, IPP_E_INVAL);
	ck_assert_ptr_nonnull(strstr(e.msg, "desired policies 0 and 1"));
	ck_assert_ptr_null(d.steps);
	v[1].dir = XFRM_POLICY_IN;
	v[1].priority = LO - 1;
	ck_assert_int_eq(ipp_diff_compute(&inst, &want, LO, HI, &d, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "outside the band"));
	v[1].priority = LO;
	ck_assert_int_eq(ipp_diff_compute(&inst, &want, LO, HI, &d, &e), 0);
	ck_assert_uint_eq(d.nadd, 2);
	ipp_diff_free(&d);
}
END_TEST

/* A bad record with one key twice: one copy stays, the other goes. */
START_TEST(test_installed_duplicates)
{
	struct xfrm_policy inst_v[2], want_v[1];
	struct ipp_policy_set inst, want;
	struct ipp_diff d;

	memset(inst_v, 0, sizeof(inst_v));
	inst_v[0].sel.family = AF_INET;
	inst_v[0].dir = XFRM_POLICY_OUT;
	inst_v[0].priority = LO + 7;
	inst_v[1] = inst_v[0];
	want_v[0] = inst_v[0];
	inst = ipp_policy_set_array(inst_v, 2);
	want = ipp_policy_set_array(want_v, 1);
	diff_ok(&inst, &want, &d);
	ck_assert_uint_eq(d.nsame, 1);
	ck_assert_uint_eq(d.ndelete, 1);
	ck_assert_uint_eq(d.steps[0].index, 1);
	ipp_diff_free(&d);
}
END_TEST

/* Random sets over a small key space, applied to the simulated kernel: the end state is
 * always the desired set (less what foreign policies hold) plus the foreign policies. */
static void
random_policy(struct xfrm_policy *p, unsigned key, uint32_t prio, unsigned content)
{
	memset(p, 0, sizeof(*p));
	p->sel.family = AF_INET;
	p->sel.dprefix = 32;
	p->sel.daddr.a4 = htonl(0x0a000000u | (key >> 1));
	p->dir = key & 1 ? XFRM_POLICY_IN : XFRM_POLICY_OUT;
	p->priority = prio;
	p->action = content & 1 ? XFRM_POLICY_BLOCK : XFRM_POLICY_ALLOW;
	if (content & 2) {
		p->ntmpl = 1;
		p->tmpl[0].proto = IPPROTO_ESP;
		p->tmpl[0].mode = XFRM_MODE_TRANSPORT;
		p->tmpl[0].family = AF_INET;
		p->tmpl[0].reqid = 1 + (content >> 2);
	}
}

START_TEST(test_random_sets)
{
	enum { KEYS = 24 };
	struct xfrm_policy inst_v[KEYS], want_v[KEYS];
	struct ipp_policy_set inst, want;
	struct ipp_diff d;
	struct kern k;
	unsigned seed = 12345, round, key, ni, nw, nf;
	bool foreign[KEYS];
	size_t j, expect;

	for (round = 0; round < 500; round++) {
		ni = nw = nf = 0;
		memset(foreign, 0, sizeof(foreign));
		for (key = 0; key < KEYS; key++) {
			unsigned r = (unsigned)rand_r(&seed);

			if (r % 3 == 0) {	/* installed: ours or foreign */
				foreign[key] = r % 5 == 0;
				random_policy(&inst_v[ni++], key, foreign[key] ? (r & 1 ? 0 : HI) :
				    LO + (r >> 8) % 100, r >> 4);
				nf += foreign[key];
			}
			if ((r >> 12) % 2 == 0)	/* desired */
				random_policy(&want_v[nw++], key, LO + (r >> 16) % 100,
				    (r % 3 == 0 && (r >> 20) % 2) ? r >> 4 : r >> 6);
		}
		inst = ipp_policy_set_array(inst_v, ni);
		want = ipp_policy_set_array(want_v, nw);
		diff_ok(&inst, &want, &d);
		assert_order(&d);
		ck_assert_uint_eq(d.nforeign, nf);
		kern_load(&k, inst_v, ni);
		kern_apply(&k, &d, NULL);
		/* every desired policy is there as desired, unless a foreign one holds its key */
		for (j = 0, expect = nf; j < nw; j++) {
			long at = kern_find(&k, &want_v[j]);

			ck_assert(at >= 0);
			if (k.v[at].priority < LO || k.v[at].priority >= HI)
				continue;
			ck_assert(ipp_xfrm_policy_equal(&k.v[at], &want_v[j]));
			expect++;
		}
		ck_assert_uint_eq(k.n, expect);
		ck_assert_uint_eq(d.nconflict + expect - nf, nw);
		free(k.v);
		ipp_diff_free(&d);
	}
}
END_TEST

static Suite *
diff_suite(void)
{
	Suite *s = suite_create("diff");
	TCase *tc = tcase_create("diff");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_noop_when_equal);
	tcase_add_test(tc, test_add_update_delete_order);
	tcase_add_test(tc, test_one_filter_change_10k);
	tcase_add_test(tc, test_foreign_untouched);
	tcase_add_test(tc, test_dump_forms_match);
	tcase_add_test(tc, test_bad_desired);
	tcase_add_test(tc, test_installed_duplicates);
	tcase_add_test(tc, test_random_sets);
	suite_add_tcase(s, tc);
	return s;
}

IPP_CHECK_MAIN(diff_suite)
