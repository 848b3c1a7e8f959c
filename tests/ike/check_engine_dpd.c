/*
 * Dead peer detection (RFC 3706) between two real engines: the vendor ID both ways, an
 * idle live peer asked and answering, inbound traffic sparing the question, a peer whose
 * answers are cut declared dead exactly at delay + timeout, and the three actions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/ike/engine_test.h"
#include "tests/lib/ipp_check.h"

static const uint8_t dpd_vid[16] = {
	0xaf, 0xca, 0xd7, 0x13, 0x68, 0xa1, 0xf1, 0xc9,
	0x6b, 0x86, 0x96, 0xfc, 0x77, 0x57, 0x01, 0x00,
};

static void
set_dpd(struct et_lab *l, int i, uint32_t delay, uint32_t timeout, enum ipp_dpd_action act)
{
	l->p[i].plan.main.dpd.delay_s = delay;
	l->p[i].plan.main.dpd.timeout_s = timeout;
	l->p[i].plan.main.dpd.action = act;
}

/* A negotiates with B; both keep one bundle. */
static void
negotiate(struct et_lab *l)
{
	et_start(l);
	ck_assert_int_eq(et_acquire(l, 0), 0);
	et_pump(l);
	if (et_stats(l, 0).qm_ok != 1 || et_stats(l, 1).qm_ok != 1)
		ck_abort_msg("negotiation failed; A log:\n%s\nB log:\n%s", l->p[0].log,
		    l->p[1].log);
}

static bool
has_vid(const struct et_dgram *d)
{
	for (size_t i = 0; i + sizeof(dpd_vid) <= d->len; i++)
		if (memcmp(d->buf + i, dpd_vid, sizeof(dpd_vid)) == 0)
			return true;
	return false;
}

/* Main Mode messages 1 (from A) and 2 (from B) carry the DPD vendor ID, and the exchange
 * still authenticates (the initiator's SA_b for HASH_I stops before it). */
START_TEST(test_vid_both_ways)
{
	struct et_lab *l = et_new();

	negotiate(l);
	ck_assert_uint_ge(l->nhist, 6);
	ck_assert_int_eq(l->hist[0].from, 0);
	ck_assert(has_vid(&l->hist[0]));
	ck_assert_int_eq(l->hist[1].from, 1);
	ck_assert(has_vid(&l->hist[1]));
	/* Messages 3..6 do not repeat it. */
	for (size_t i = 2; i < 6; i++)
		ck_assert(!has_vid(&l->hist[i]));
	et_free(l);
}
END_TEST

/* Both sides idle for a minute with delay 2 s: they ask each other and answer; nobody is
 * declared dead and nothing is removed. */
START_TEST(test_idle_live_peer)
{
	struct et_lab *l = et_new();
	struct ike_stats a, b;

	set_dpd(l, 0, 2, 10, IPP_DPD_CLEAR);
	set_dpd(l, 1, 2, 10, IPP_DPD_CLEAR);
	negotiate(l);
	et_advance(l, 60000);
	a = et_stats(l, 0);
	b = et_stats(l, 1);
	ck_assert_uint_ge(a.dpd_sent + b.dpd_sent, 20);
	ck_assert_uint_eq(a.dpd_rx, b.dpd_sent);
	ck_assert_uint_eq(b.dpd_rx, a.dpd_sent);
	ck_assert_uint_eq(a.dpd_acks, a.dpd_sent);
	ck_assert_uint_eq(b.dpd_acks, b.dpd_sent);
	ck_assert_uint_eq(a.dpd_dead + b.dpd_dead, 0);
	ck_assert_uint_eq(l->p[0].ndeleted + l->p[1].ndeleted, 0);
	ck_assert_uint_eq(a.mm_current, 1);
	ck_assert_uint_eq(a.child_current, 1);
	ck_assert_uint_eq(a.malformed + b.malformed + a.replays + b.replays, 0);
	et_free(l);
}
END_TEST

/* With DPD off on B it still answers A; with inbound ESP counted on A's SAs A never asks,
 * and once the traffic stops it asks after the delay. */
START_TEST(test_traffic_spares_probe)
{
	struct et_lab *l = et_new();
	struct ike_stats a, b;

	set_dpd(l, 0, 2, 10, IPP_DPD_CLEAR);
	l->p[0].rx_counters = true;
	negotiate(l);
	for (int s = 0; s < 20; s++) {
		l->p[0].rx_packets += 3;
		et_advance(l, 1000);
	}
	a = et_stats(l, 0);
	b = et_stats(l, 1);
	ck_assert_uint_eq(a.dpd_sent, 0);
	ck_assert_uint_eq(b.dpd_sent, 0);
	et_advance(l, 3000);
	a = et_stats(l, 0);
	b = et_stats(l, 1);
	ck_assert_uint_ge(a.dpd_sent, 1);
	ck_assert_uint_eq(b.dpd_rx, a.dpd_sent);
	ck_assert_uint_eq(a.dpd_acks, a.dpd_sent);
	ck_assert_uint_eq(b.dpd_sent, 0);
	ck_assert_uint_eq(a.dpd_dead, 0);
	et_free(l);
}
END_TEST

/* B stops answering: A declares it dead at delay + timeout after the last sign of life,
 * not before; its bundle and IKE SA go, and the next ACQUIRE negotiates anew. */
START_TEST(test_dead_clear)
{
	struct et_lab *l = et_new();
	struct ike_stats a;

	set_dpd(l, 0, 2, 10, IPP_DPD_CLEAR);
	set_dpd(l, 1, 2, 10, IPP_DPD_CLEAR);
	negotiate(l);
	l->drop_all_from[1] = true;
	et_advance(l, 11900);
	a = et_stats(l, 0);
	ck_assert_uint_eq(a.dpd_dead, 0);
	ck_assert_uint_eq(l->p[0].ndeleted, 0);
	ck_assert_uint_ge(a.dpd_sent, 5);
	ck_assert_uint_eq(a.dpd_acks, 0);
	et_advance(l, 200);
	a = et_stats(l, 0);
	if (a.dpd_dead != 1)
		ck_abort_msg("not declared dead; A log:\n%s", l->p[0].log);
	ck_assert_uint_eq(l->p[0].ndeleted, 1);
	ck_assert_uint_eq(l->p[0].deleted[0].id, l->p[0].installed[0].id);
	ck_assert_uint_eq(a.mm_current, 0);
	ck_assert_uint_eq(a.child_current, 0);
	ck_assert_ptr_nonnull(strstr(l->p[0].log, "dead peer detection: 10.0.0.2"));
	ck_assert_ptr_nonnull(strstr(l->p[0].log, "action clear"));
	/* B heard A's questions all along: it is not dead to B. */
	ck_assert_uint_eq(et_stats(l, 1).dpd_dead, 0);
	/* No new negotiation by itself; traffic starts one. */
	et_advance(l, 5000);
	ck_assert_uint_eq(et_stats(l, 0).mm_ok, 1);
	l->drop_all_from[1] = false;
	ck_assert_int_eq(et_acquire(l, 0), 0);
	et_pump(l);
	a = et_stats(l, 0);
	ck_assert_uint_eq(a.mm_ok, 2);
	ck_assert_uint_eq(a.qm_ok, 2);
	ck_assert_uint_eq(a.child_current, 1);
	et_free(l);
}
END_TEST

/* A longer timeout is honoured as given: 5 s delay, 30 s timeout: dead at 35 s. */
START_TEST(test_dead_timing)
{
	struct et_lab *l = et_new();

	set_dpd(l, 0, 5, 30, IPP_DPD_HOLD);
	negotiate(l);
	l->drop_all_from[1] = true;
	et_advance(l, 34800);
	ck_assert_uint_eq(et_stats(l, 0).dpd_dead, 0);
	/* Resent every delay while unanswered: at 5, 10, 15, 20, 25, 30 s. */
	ck_assert_uint_eq(et_stats(l, 0).dpd_sent, 6);
	et_advance(l, 400);
	ck_assert_uint_eq(et_stats(l, 0).dpd_dead, 1);
	ck_assert_ptr_nonnull(strstr(l->p[0].log, "action hold"));
	ck_assert_uint_eq(l->p[0].ndeleted, 1);
	et_free(l);
}
END_TEST

/* An answer after some unanswered questions revives the peer. */
START_TEST(test_late_answer)
{
	struct et_lab *l = et_new();

	set_dpd(l, 0, 2, 10, IPP_DPD_CLEAR);
	negotiate(l);
	l->drop_all_from[1] = true;
	et_advance(l, 7000);
	ck_assert_uint_ge(et_stats(l, 0).dpd_sent, 2);
	l->drop_all_from[1] = false;
	et_advance(l, 30000);
	ck_assert_uint_eq(et_stats(l, 0).dpd_dead, 0);
	ck_assert_uint_ge(et_stats(l, 0).dpd_acks, 1);
	ck_assert_uint_eq(l->p[0].ndeleted, 0);
	et_free(l);
}
END_TEST

/* restart: the bundles we had are negotiated again at once, without traffic. */
START_TEST(test_dead_restart)
{
	struct et_lab *l = et_new();
	struct ike_stats a;

	set_dpd(l, 0, 2, 10, IPP_DPD_RESTART);
	negotiate(l);
	l->drop_all_from[1] = true;
	et_advance(l, 12100);
	a = et_stats(l, 0);
	ck_assert_uint_eq(a.dpd_dead, 1);
	ck_assert_uint_eq(l->p[0].ndeleted, 1);
	ck_assert_ptr_nonnull(strstr(l->p[0].log, "negotiating 1 of 1 bundles again"));
	/* The peer is back: the restarted Main Mode (retransmitted) completes. */
	l->drop_all_from[1] = false;
	et_advance(l, 5000);
	a = et_stats(l, 0);
	if (a.qm_ok != 2)
		ck_abort_msg("no renegotiation; A log:\n%s\nB log:\n%s", l->p[0].log,
		    l->p[1].log);
	ck_assert_uint_eq(a.mm_ok, 2);
	ck_assert_uint_eq(l->p[0].ninstalled, 2);
	/* The same traffic as before. */
	ck_assert_mem_eq(&l->p[0].installed[1].ts_remote, &l->p[0].installed[0].ts_remote,
	    sizeof(struct ike_ts));
	ck_assert_mem_eq(&l->p[0].installed[1].ts_local, &l->p[0].installed[0].ts_local,
	    sizeof(struct ike_ts));
	et_free(l);
}
END_TEST

/* DPD off on both sides: no R-U-THERE at all, even after a long idle time. */
START_TEST(test_off)
{
	struct et_lab *l = et_new();

	negotiate(l);
	l->drop_all_from[1] = true;
	et_advance(l, 120000);
	ck_assert_uint_eq(et_stats(l, 0).dpd_sent + et_stats(l, 1).dpd_sent, 0);
	ck_assert_uint_eq(et_stats(l, 0).dpd_dead, 0);
	ck_assert_uint_eq(l->p[0].ndeleted, 0);
	et_free(l);
}
END_TEST

/* A plan that turns DPD on starts it on the IKE SAs already established. */
START_TEST(test_replan_on)
{
	struct et_lab *l = et_new();

	negotiate(l);
	et_advance(l, 10000);
	ck_assert_uint_eq(et_stats(l, 0).dpd_sent, 0);
	set_dpd(l, 0, 2, 10, IPP_DPD_CLEAR);
	ike_engine_set_plan(l->p[0].e, &l->p[0].plan);
	et_advance(l, 1000);
	/* The last sign of life is older than the delay: asked at once. */
	ck_assert_uint_eq(et_stats(l, 0).dpd_sent, 1);
	ck_assert_uint_eq(et_stats(l, 0).dpd_acks, 1);
	et_free(l);
}
END_TEST

/* IPv6 peers: the same question and answer. */
START_TEST(test_ipv6)
{
	struct et_lab *l = et_new6();

	set_dpd(l, 0, 2, 10, IPP_DPD_CLEAR);
	negotiate(l);
	l->drop_all_from[1] = true;
	et_advance(l, 12100);
	ck_assert_uint_eq(et_stats(l, 0).dpd_dead, 1);
	ck_assert_ptr_nonnull(strstr(l->p[0].log, "dead peer detection: fd00::2"));
	et_free(l);
}
END_TEST

static Suite *
dpd_suite(void)
{
	Suite *s = suite_create("engine_dpd");
	TCase *tc = tcase_create("dpd");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_vid_both_ways);
	tcase_add_test(tc, test_idle_live_peer);
	tcase_add_test(tc, test_traffic_spares_probe);
	tcase_add_test(tc, test_dead_clear);
	tcase_add_test(tc, test_dead_timing);
	tcase_add_test(tc, test_late_answer);
	tcase_add_test(tc, test_dead_restart);
	tcase_add_test(tc, test_off);
	tcase_add_test(tc, test_replan_on);
	tcase_add_test(tc, test_ipv6);
	suite_add_tcase(s, tc);
	return s;
}

IPP_CHECK_MAIN(dpd_suite)
