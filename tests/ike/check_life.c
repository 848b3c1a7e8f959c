/*
 * Lifetimes, rekey and DELETE with two real engines on the in-memory wire (engine_test.c):
 * the initiator rekeys at its soft lifetime while the old child still lives, the old one
 * goes rekey_delay_ms later on both sides; soft EXPIREs from the kernel; hard expiry;
 * quick modes per main mode and master-key PFS; DELETE each way (peer removal, shutdown,
 * rule removed from the plan); Main Mode expiry that leaves children alone.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/ike/engine_test.h"
#include "tests/lib/ipp_check.h"

#define LIFE_S		100	/* children's hard lifetime in these tests */

/* A lab whose rule offers LIFE_S seconds on both sides, negotiated from A. */
static struct et_lab *
lab_up(void)
{
	struct et_lab *l = et_new();

	for (int i = 0; i < 2; i++) {
		l->p[i].qm[0].life_s = LIFE_S;
		l->lim[i].rekey_delay_ms = 2000;
	}
	et_start(l);
	ck_assert_int_eq(et_acquire(l, 0), 0);
	et_pump(l);
	if (et_stats(l, 0).qm_ok != 1 || et_stats(l, 1).qm_ok != 1)
		ck_abort_msg("negotiation failed; A log:\n%s\nB log:\n%s", l->p[0].log,
		    l->p[1].log);
	return l;
}

static uint64_t
child_count(struct et_lab *l, int i)
{
	return et_stats(l, i).child_current;
}

/* Was a child with inbound SPI spi deleted (child_delete called) on peer i? */
static bool
deleted(const struct et_lab *l, int i, uint32_t spi_in)
{
	for (size_t k = 0; k < l->p[i].ndeleted; k++)
		if (l->p[i].deleted[k].p[0].spi_in == spi_in)
			return true;
	return false;
}

static void
walk_child(void *arg, const struct ike_child *c)
{
	*(struct ike_child *)arg = *c;
}

/* The one child peer i holds now. */
static struct ike_child
current(struct et_lab *l, int i)
{
	struct ike_child c;
	struct ike_walk_cb cb = { .arg = &c, .child = walk_child };

	memset(&c, 0, sizeof(c));
	ck_assert_uint_eq(child_count(l, i), 1);
	ike_engine_walk(l->p[i].e, &cb);
	return c;
}

/* Advances by ms in 100 ms steps; both sides keep a child the whole time. */
static void
advance_no_gap(struct et_lab *l, uint64_t ms)
{
	for (uint64_t t = 0; t < ms; t += 100) {
		et_advance(l, 100);
		if (child_count(l, 0) == 0 || child_count(l, 1) == 0)
			ck_abort_msg("no child at +%llu ms; A log:\n%s\nB log:\n%s",
			    (unsigned long long)t, l->p[0].log, l->p[1].log);
	}
}

/* Five lifetimes: A (the initiator) rekeys each time between 85 and 90 % of the lifetime,
 * B never; new SPIs each time; the old child leaves both sides after the grace period. */
START_TEST(test_rekey_by_time)
{
	struct et_lab *l = lab_up();
	uint64_t t0 = l->now;

	for (unsigned n = 1; n <= 5; n++) {
		const struct ike_child *old = &l->p[0].installed[l->p[0].ninstalled - 1];
		uint32_t old_in = old->p[0].spi_in, old_out = old->p[0].spi_out;
		uint64_t soft = old->created_ms + old->soft_s * 1000;

		ck_assert(old->soft_s >= LIFE_S * 85 / 100 && old->soft_s <= LIFE_S * 90 / 100);
		/* Nothing happens before the soft lifetime. */
		advance_no_gap(l, soft - l->now - 100);
		ck_assert_uint_eq(l->p[0].ninstalled, n);
		advance_no_gap(l, 1000);
		ck_assert_uint_eq(l->p[0].ninstalled, n + 1);
		ck_assert_uint_eq(l->p[1].ninstalled, n + 1);
		et_check_mirror(l);
		ck_assert_uint_ne(l->p[0].installed[n].p[0].spi_in, old_in);
		ck_assert_uint_ne(l->p[0].installed[n].p[0].spi_out, old_out);
		/* Both bundles live during the grace period, then the old one goes on both. */
		ck_assert_uint_eq(child_count(l, 0), 2);
		ck_assert_uint_eq(child_count(l, 1), 2);
		advance_no_gap(l, 2500);
		ck_assert(deleted(l, 0, old_in));
		ck_assert(deleted(l, 1, old_out));
		ck_assert_uint_eq(child_count(l, 0), 1);
		ck_assert_uint_eq(child_count(l, 1), 1);
		ck_assert_uint_eq(et_stats(l, 0).rekeys, n);
	}
	/* B answered every rekey and started none; no child reached its hard lifetime. */
	for (size_t k = 0; k < l->p[1].ninstalled; k++)
		ck_assert(!l->p[1].installed[k].initiator);
	ck_assert_uint_eq(et_stats(l, 1).rekeys, 0);
	ck_assert_uint_eq(et_stats(l, 0).child_expired + et_stats(l, 1).child_expired, 0);
	ck_assert_uint_eq(et_stats(l, 0).mm_ok, 1);	/* one Main Mode carried them all */
	ck_assert_uint_lt(l->now - t0, 5 * LIFE_S * 1000);
	et_free(l);
}
END_TEST

/* The kernel's soft EXPIRE (bytes) on the responder: B rekeys at once, as initiator. */
START_TEST(test_rekey_by_kernel_soft)
{
	struct et_lab *l = lab_up();
	uint32_t b_in = l->p[1].installed[0].p[0].spi_in;

	ck_assert_int_eq(ike_engine_expire(l->p[1].e, IPPROTO_ESP, b_in, false), 0);
	/* The other SA of the bundle expires too: still one rekey. */
	ck_assert_int_eq(ike_engine_expire(l->p[1].e, IPPROTO_ESP,
	    l->p[1].installed[0].p[0].spi_out, false), 0);
	et_pump(l);
	ck_assert_uint_eq(l->p[1].ninstalled, 2);
	ck_assert_uint_eq(l->p[0].ninstalled, 2);
	ck_assert(l->p[1].installed[1].initiator);
	et_check_mirror(l);
	advance_no_gap(l, 2500);
	ck_assert(deleted(l, 1, b_in));
	ck_assert(deleted(l, 0, l->p[0].installed[0].p[0].spi_in));
	ck_assert_uint_eq(child_count(l, 0), 1);
	ck_assert_uint_eq(et_stats(l, 1).rekeys, 1);
	ck_assert_int_eq(ike_engine_expire(l->p[1].e, IPPROTO_ESP, 0x12345678, false), -ENOENT);
	et_free(l);
}
END_TEST

/* A rekey the peer refuses is tried again (with backoff), and the child still ends at its
 * hard lifetime when no rekey succeeds. */
START_TEST(test_rekey_fails_then_hard)
{
	struct et_lab *l = lab_up();
	uint32_t a_in = l->p[0].installed[0].p[0].spi_in;

	/* B no longer answers Quick Modes for these IDs, and has no offers to rekey with. */
	l->p[1].rule_matches = false;
	l->p[1].plan.main.defrule.active = false;
	l->p[1].rule.noffers = 0;
	et_advance(l, (LIFE_S + 1) * 1000);
	ck_assert_uint_eq(child_count(l, 0), 0);
	ck_assert_uint_eq(child_count(l, 1), 0);
	ck_assert(deleted(l, 0, a_in));
	ck_assert_uint_eq(et_stats(l, 0).child_expired, 1);
	ck_assert_uint_eq(et_stats(l, 0).rekeys, 0);
	ck_assert_uint_ge(et_stats(l, 0).qm_failed, 2);
	ck_assert_ptr_nonnull(strstr(l->p[0].log, "rekey failed; trying again"));
	et_free(l);
}
END_TEST

/* The kernel's hard EXPIRE: the child goes, and the peer deletes its side. */
START_TEST(test_hard_expire_deletes_peer)
{
	struct et_lab *l = lab_up();
	uint32_t a_in = l->p[0].installed[0].p[0].spi_in;

	ck_assert_int_eq(ike_engine_expire(l->p[0].e, IPPROTO_ESP, a_in, true), 0);
	et_pump(l);
	ck_assert_uint_eq(child_count(l, 0), 0);
	ck_assert_uint_eq(child_count(l, 1), 0);
	ck_assert(deleted(l, 1, l->p[1].installed[0].p[0].spi_in));
	ck_assert_uint_eq(et_stats(l, 0).deletes_tx, 1);
	ck_assert_uint_eq(et_stats(l, 1).deletes_rx, 1);
	et_free(l);
}
END_TEST

/*
 * An install that blocks (the kernel loading an algorithm's module took 28 s in the VM lab)
 * must not eat the child's lifetime: the kernel counts from the insertion, so do we.
 */
START_TEST(test_slow_install_keeps_lifetime)
{
	struct et_lab *l = et_new();

	for (int i = 0; i < 2; i++)
		l->p[i].qm[0].life_s = LIFE_S;
	/* B, the responder, installs last: its install call takes 60 s. */
	l->p[1].install_ms = 60 * 1000;
	et_start(l);
	ck_assert_int_eq(et_acquire(l, 0), 0);
	et_pump(l);
	ck_assert_uint_eq(et_stats(l, 0).qm_ok, 1);
	ck_assert_uint_eq(et_stats(l, 1).qm_ok, 1);
	l->p[1].install_ms = 0;
	ck_assert_uint_eq(current(l, 1).created_ms, l->now);
	ck_assert_uint_eq(current(l, 0).created_ms, l->now - 60 * 1000);
	/* Two lifetimes on: no gap, nothing ends by its hard lifetime (A rekeys in time). */
	advance_no_gap(l, 2 * LIFE_S * 1000);
	ck_assert_uint_eq(et_stats(l, 0).child_expired, 0);
	ck_assert_uint_eq(et_stats(l, 1).child_expired, 0);
	et_free(l);
}
END_TEST

static void
rekeys_with_mm_policy(struct et_lab *l, unsigned rekeys)
{
	for (unsigned n = 0; n < rekeys; n++)
		advance_no_gap(l, LIFE_S * 1000);
	ck_assert_uint_eq(et_stats(l, 0).rekeys, rekeys);
}

/* Quick modes per main mode = 2: the IKE SA is deleted after its second Quick Mode and the
 * next rekey starts a new Main Mode; the children do not notice. */
START_TEST(test_qm_per_mm)
{
	struct et_lab *up = lab_up();

	for (int i = 0; i < 2; i++)
		up->p[i].plan.main.mm.qm_per_mm = 2;
	rekeys_with_mm_policy(up, 3);
	/* QMs 1+2 under MM 1, 3+4 under MM 2. */
	ck_assert_uint_eq(et_stats(up, 0).mm_ok, 2);
	ck_assert_uint_eq(et_stats(up, 0).qm_ok, 4);
	/* The responder is done with a Quick Mode first (message 3) and deletes the IKE SA. */
	ck_assert_ptr_nonnull(strstr(up->p[1].log, "quick modes per main mode"));
	ck_assert_uint_le(et_stats(up, 0).mm_current, 1);
	et_free(up);
}
END_TEST

/* Master-key PFS: every Quick Mode under a fresh Main Mode, the used one deleted. */
START_TEST(test_master_pfs)
{
	struct et_lab *l = lab_up();

	for (int i = 0; i < 2; i++)
		l->p[i].plan.main.mm.pfs = true;
	et_advance(l, 200);
	/* The first IKE SA carried its one Quick Mode: gone on both sides. */
	ck_assert_uint_eq(et_stats(l, 0).mm_current, 0);
	ck_assert_uint_eq(et_stats(l, 1).mm_current, 0);
	ck_assert_uint_eq(child_count(l, 0), 1);
	rekeys_with_mm_policy(l, 3);
	ck_assert_uint_eq(et_stats(l, 0).mm_ok, 4);
	ck_assert_uint_eq(et_stats(l, 0).qm_ok, 4);
	ck_assert_ptr_nonnull(strstr(l->p[1].log, "master key PFS"));
	et_free(l);
}
END_TEST

/* Main Mode lifetime: the IKE SA is deleted with DELETE, the child stays; the child's
 * rekey then negotiates a new Main Mode. */
START_TEST(test_mm_expiry_keeps_children)
{
	struct et_lab *l = et_new();

	for (int i = 0; i < 2; i++) {
		l->p[i].plan.main.mm.lifetime_min = 1;
		l->p[i].qm[0].life_s = 300;
	}
	et_start(l);
	ck_assert_int_eq(et_acquire(l, 0), 0);
	et_pump(l);
	et_advance(l, 61000);
	ck_assert_uint_eq(et_stats(l, 0).mm_current, 0);
	ck_assert_uint_eq(et_stats(l, 1).mm_current, 0);
	ck_assert_uint_eq(child_count(l, 0), 1);
	ck_assert_uint_eq(child_count(l, 1), 1);
	/* Soft at 255..270 s: a new Main Mode, then the rekey. */
	advance_no_gap(l, 215000);
	ck_assert_uint_eq(et_stats(l, 0).rekeys, 1);
	ck_assert_uint_ge(et_stats(l, 0).mm_ok, 2);
	et_free(l);
}
END_TEST

/* An IKE SA that ends within a tenth of its life is not used for a rekey: a new Main Mode
 * carries it, and the old IKE SA's end leaves the children alone. */
START_TEST(test_rekey_avoids_dying_mm)
{
	struct et_lab *l = et_new();

	for (int i = 0; i < 2; i++) {
		l->p[i].plan.main.mm.lifetime_min = 2;	/* 120 s: the last 12 s are spared */
		l->p[i].qm[0].life_s = 128;		/* soft at 110..116 s */
		l->lim[i].rekey_delay_ms = 2000;
	}
	et_start(l);
	ck_assert_int_eq(et_acquire(l, 0), 0);
	et_pump(l);
	advance_no_gap(l, 117000);
	ck_assert_uint_eq(et_stats(l, 0).rekeys, 1);
	ck_assert_uint_eq(et_stats(l, 0).mm_ok, 2);
	advance_no_gap(l, 5000);
	ck_assert_uint_eq(et_stats(l, 0).mm_current, 1);
	ck_assert_uint_eq(child_count(l, 0), 1);
	ck_assert_uint_eq(child_count(l, 1), 1);
	et_free(l);
}
END_TEST

/* DELETE from us: every SA with the peer goes on both sides. */
START_TEST(test_delete_peer)
{
	struct et_lab *l = lab_up();

	ck_assert_uint_eq(ike_engine_delete_peer(l->p[0].e, et_sa(l, 1), true), 1);
	ck_assert_uint_eq(child_count(l, 0), 0);
	ck_assert_uint_eq(et_stats(l, 0).mm_current, 0);
	et_pump(l);
	ck_assert_uint_eq(child_count(l, 1), 0);
	ck_assert_uint_eq(et_stats(l, 1).mm_current, 0);
	ck_assert(deleted(l, 1, l->p[1].installed[0].p[0].spi_in));
	/* Nothing is left to rekey or expire. */
	ck_assert_int_eq(ike_engine_next_timeout_ms(l->p[0].e), -1);
	et_free(l);
}
END_TEST

/* A dead peer (DPD): removed without a word; the peer keeps its side. */
START_TEST(test_delete_peer_silent)
{
	struct et_lab *l = lab_up();
	uint64_t tx = et_stats(l, 0).tx;

	ck_assert_uint_eq(ike_engine_delete_peer(l->p[0].e, et_sa(l, 1), false), 1);
	ck_assert_uint_eq(et_stats(l, 0).tx, tx);
	ck_assert_uint_eq(child_count(l, 0), 0);
	ck_assert_uint_eq(child_count(l, 1), 1);
	ck_assert_uint_eq(ike_engine_delete_peer(l->p[0].e, et_sa(l, 1), false), 0);
	et_free(l);
}
END_TEST

/* Clean shutdown of the responder: the initiator's SAs go too. */
START_TEST(test_shutdown_deletes)
{
	struct et_lab *l = lab_up();

	ike_engine_shutdown(l->p[1].e);
	ck_assert_uint_eq(child_count(l, 1), 0);
	ck_assert_uint_eq(l->p[1].ndeleted, 1);
	et_pump(l);
	ck_assert_uint_eq(child_count(l, 0), 0);
	ck_assert_uint_eq(et_stats(l, 0).mm_current, 0);
	ck_assert(deleted(l, 0, l->p[0].installed[0].p[0].spi_in));
	et_free(l);
}
END_TEST

/* The rule leaves A's plan: A deletes its children, and B its side. */
START_TEST(test_rule_removed)
{
	struct et_lab *l = lab_up();

	l->p[0].plan.nrules = 0;
	ike_engine_set_plan(l->p[0].e, &l->p[0].plan);
	ck_assert_uint_eq(child_count(l, 0), 0);
	et_pump(l);
	ck_assert_uint_eq(child_count(l, 1), 0);
	ck_assert_ptr_nonnull(strstr(l->p[0].log, "rule the new plan does not have"));
	/* The same plan again changes nothing. */
	l->p[0].plan.nrules = 1;
	ike_engine_set_plan(l->p[0].e, &l->p[0].plan);
	ck_assert_uint_eq(et_stats(l, 0).deletes_tx, 1);
	et_free(l);
}
END_TEST

/* The peer deletes the old child during the grace period after our rekey: it goes at
 * once, the new one stays. */
START_TEST(test_peer_delete_in_grace)
{
	struct et_lab *l = lab_up();
	const struct ike_child *a0 = &l->p[0].installed[0];
	uint64_t soft = a0->created_ms + a0->soft_s * 1000;
	uint32_t b_in = l->p[1].installed[0].p[0].spi_in;

	et_advance(l, soft - l->now + 500);
	ck_assert_uint_eq(l->p[0].ninstalled, 2);
	ck_assert_uint_eq(child_count(l, 0), 2);
	ck_assert_int_eq(ike_engine_expire(l->p[1].e, IPPROTO_ESP, b_in, true), 0);
	et_pump(l);
	ck_assert_uint_eq(child_count(l, 0), 1);
	ck_assert(deleted(l, 0, a0->p[0].spi_in));
	advance_no_gap(l, 3000);
	ck_assert_uint_eq(child_count(l, 0), 1);
	ck_assert_uint_eq(child_count(l, 1), 1);
	ck_assert_uint_eq(l->p[0].ndeleted, 1);
	et_free(l);
}
END_TEST

/* The operator's ceiling (ipsecpol-iked -L) on either side sets the child's lifetime:
 * offered by the initiator, or answered with RESPONDER-LIFETIME. */
START_TEST(test_life_cap)
{
	struct et_lab *l = et_new();

	l->lim[_i].child_life_max_s = 40;
	et_start(l);
	ck_assert_int_eq(et_acquire(l, 0), 0);
	et_pump(l);
	ck_assert_uint_eq(l->p[0].ninstalled, 1);
	ck_assert_uint_eq(l->p[1].ninstalled, 1);
	ck_assert_uint_eq(l->p[0].installed[0].hard_s, 40);
	ck_assert_uint_eq(l->p[1].installed[0].hard_s, 40);
	/* The other side's policy lifetime (3600 s) stays untouched in its plan. */
	ck_assert_uint_eq(l->p[1 - _i].qm[0].life_s, 3600);
	et_free(l);
}
END_TEST

/* Both sides rekey at once (both soft EXPIREs before any answer): the old child goes after
 * the grace period, one of the two new ones at its soft lifetime, on both sides the same,
 * and traffic always has a child. */
START_TEST(test_rekey_collision)
{
	struct et_lab *l = lab_up();
	const struct ike_child *b0 = &l->p[1].installed[0];

	ck_assert_int_eq(ike_engine_expire(l->p[0].e, IPPROTO_ESP,
	    l->p[0].installed[0].p[0].spi_in, false), 0);
	ck_assert_int_eq(ike_engine_expire(l->p[1].e, IPPROTO_ESP, b0->p[0].spi_in, false), 0);
	et_pump(l);
	ck_assert_uint_eq(l->p[0].ninstalled, 3);
	ck_assert_uint_eq(l->p[1].ninstalled, 3);
	advance_no_gap(l, 3000);
	ck_assert_uint_eq(child_count(l, 0), 2);
	ck_assert_uint_eq(child_count(l, 1), 2);
	/* Through the twins' soft lifetimes: one of them is left, the same on both sides. */
	advance_no_gap(l, LIFE_S * 1000 * 90 / 100);
	ck_assert_uint_eq(current(l, 0).p[0].spi_in, current(l, 1).p[0].spi_out);
	ck_assert_uint_eq(current(l, 0).p[0].spi_out, current(l, 1).p[0].spi_in);
	advance_no_gap(l, LIFE_S * 1000 * 2);
	ck_assert_uint_le(child_count(l, 0), 2);
	ck_assert_uint_eq(et_stats(l, 0).child_expired + et_stats(l, 1).child_expired, 0);
	et_free(l);
}
END_TEST

static Suite *
life_suite(void)
{
	setenv("CK_FORK", "no", 0);
	Suite *s = suite_create("life");
	TCase *tc = tcase_create("rekey and delete");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_rekey_by_time);
	tcase_add_test(tc, test_rekey_by_kernel_soft);
	tcase_add_test(tc, test_rekey_fails_then_hard);
	tcase_add_test(tc, test_hard_expire_deletes_peer);
	tcase_add_test(tc, test_qm_per_mm);
	tcase_add_test(tc, test_master_pfs);
	tcase_add_test(tc, test_mm_expiry_keeps_children);
	tcase_add_test(tc, test_rekey_avoids_dying_mm);
	tcase_add_test(tc, test_delete_peer);
	tcase_add_test(tc, test_delete_peer_silent);
	tcase_add_test(tc, test_shutdown_deletes);
	tcase_add_test(tc, test_rule_removed);
	tcase_add_test(tc, test_peer_delete_in_grace);
	tcase_add_loop_test(tc, test_life_cap, 0, 2);
	tcase_add_test(tc, test_rekey_collision);
	tcase_add_test(tc, test_slow_install_keeps_lifetime);
	suite_add_tcase(s, tc);
	return s;
}

IPP_CHECK_MAIN(life_suite)
