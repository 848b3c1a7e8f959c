/*
 * Soft associations: the engine falls back to clear only when Main Mode got no answer at
 * all (two real engines on the in-memory wire), and the allowance the module installs is
 * exactly the flow's host pair under the rule's selector, one priority step ahead.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "ike/iked.h"
#include "tests/ike/engine_test.h"
#include "tests/lib/ipp_check.h"

static struct et_lab *
soft_lab(bool soft)
{
	struct et_lab *l = et_new();

	l->p[0].rule.soft = soft;
	return l;
}

/* B runs no IKE: every retransmission goes unanswered, then A falls back. */
START_TEST(test_silent_peer)
{
	struct et_lab *l = soft_lab(true);

	l->drop_all_from[1] = true;
	l->drop = ~0ull;
	et_start(l);
	ck_assert_int_eq(et_acquire(l, 0), 0);
	et_advance(l, 30000);
	ck_assert_uint_eq(l->p[0].nsoft, 0);	/* not before the last retransmission */
	et_advance(l, 40000);
	ck_assert_uint_eq(l->p[0].nsoft, 1);
	ck_assert_uint_eq(l->p[0].soft[0].reqid, l->p[0].rule.reqid);
	ck_assert_uint_eq(l->p[0].soft[0].packet_sel.proto, IPPROTO_ICMP);
	ck_assert_uint_eq(et_stats(l, 0).soft_allowed, 1);
	ck_assert_uint_eq(et_stats(l, 0).mm_failed, 1);
	ck_assert_ptr_nonnull(strstr(l->p[0].log, "never answered IKE; soft"));
	et_free(l);
}
END_TEST

/* The same silence under a rule without soft: no fallback. */
START_TEST(test_silent_peer_require)
{
	struct et_lab *l = soft_lab(false);

	l->drop_all_from[1] = true;
	l->drop = ~0ull;
	et_start(l);
	ck_assert_int_eq(et_acquire(l, 0), 0);
	et_advance(l, 70000);
	ck_assert_uint_eq(et_stats(l, 0).mm_failed, 1);
	ck_assert_uint_eq(l->p[0].nsoft, 0);
	ck_assert_uint_eq(et_stats(l, 0).soft_allowed, 0);
	et_free(l);
}
END_TEST

/* A refusal is an answer: NO-PROPOSAL-CHOSEN never leads to clear traffic. */
START_TEST(test_refused_is_an_answer)
{
	struct et_lab *l = soft_lab(true);

	l->p[0].mm[0] = (struct ipp_mm_offer){ IPP_CIPHER_AES256, IPP_HASH_SHA256, 19 };
	l->p[1].mm[0] = (struct ipp_mm_offer){ IPP_CIPHER_3DES, IPP_HASH_SHA1, 14 };
	et_start(l);
	ck_assert_int_eq(et_acquire(l, 0), 0);
	et_pump(l);
	et_advance(l, 70000);
	ck_assert_uint_eq(et_stats(l, 1).no_proposal, 1);
	ck_assert_uint_eq(l->p[0].nsoft, 0);
	et_free(l);
}
END_TEST

/* A failed authentication is an answer too (the peer speaks IKE, with another key). */
START_TEST(test_auth_failure_is_an_answer)
{
	struct et_lab *l = soft_lab(true);

	snprintf(l->p[1].psk, sizeof(l->p[1].psk), "not the secret");
	et_start(l);
	ck_assert_int_eq(et_acquire(l, 0), 0);
	et_pump(l);
	et_advance(l, 70000);
	ck_assert_uint_eq(et_stats(l, 0).mm_failed, 1);
	ck_assert_uint_eq(l->p[0].nsoft, 0);
	et_free(l);
}
END_TEST

/* The peer answered message 1, then fell silent: an attacker dropping the rest must not
 * get the traffic in the clear. */
START_TEST(test_answer_then_silence)
{
	struct et_lab *l = soft_lab(true);

	l->drop = ~0ull & ~1ull & ~2ull;	/* messages 1 and 2 pass, nothing after */
	et_start(l);
	ck_assert_int_eq(et_acquire(l, 0), 0);
	et_pump(l);
	et_advance(l, 70000);
	ck_assert_uint_eq(et_stats(l, 0).mm_failed, 1);
	ck_assert_ptr_nonnull(strstr(l->p[0].log, "no answer to message 3"));
	ck_assert_uint_eq(l->p[0].nsoft, 0);
	et_free(l);
}
END_TEST

/* The plan changed while Main Mode ran: the rule in force decides. */
START_TEST(test_plan_turned_soft_off)
{
	struct et_lab *l = soft_lab(true);

	l->drop_all_from[1] = true;
	l->drop = ~0ull;
	et_start(l);
	ck_assert_int_eq(et_acquire(l, 0), 0);
	et_advance(l, 10000);
	l->p[0].rule.soft = false;
	ike_engine_set_plan(l->p[0].e, &l->p[0].plan);
	et_advance(l, 60000);
	ck_assert_uint_eq(et_stats(l, 0).mm_failed, 1);
	ck_assert_uint_eq(l->p[0].nsoft, 0);
	et_free(l);
}
END_TEST

/* The module could not install the allowance: logged, not counted. */
START_TEST(test_allow_fails)
{
	struct et_lab *l = soft_lab(true);

	l->drop_all_from[1] = true;
	l->drop = ~0ull;
	l->p[0].soft_result = -ENOSPC;
	et_start(l);
	ck_assert_int_eq(et_acquire(l, 0), 0);
	et_advance(l, 70000);
	ck_assert_uint_eq(l->p[0].nsoft, 1);
	ck_assert_uint_eq(et_stats(l, 0).soft_allowed, 0);
	ck_assert_ptr_nonnull(strstr(l->p[0].log, "could not be installed"));
	et_free(l);
}
END_TEST

/* ---- the allowance's policies (pure) */

static void
acq_v4(struct ike_acquire *a, const char *pol_src, uint8_t spfx, const char *pol_dst,
    uint8_t dpfx, const char *src, const char *dst)
{
	memset(a, 0, sizeof(*a));
	a->reqid = 5;
	a->policy_priority = 1000;
	a->policy_sel.family = a->packet_sel.family = AF_INET;
	inet_pton(AF_INET, pol_src, &a->policy_sel.saddr);
	inet_pton(AF_INET, pol_dst, &a->policy_sel.daddr);
	a->policy_sel.sprefix = spfx;
	a->policy_sel.dprefix = dpfx;
	a->policy_sel.proto = IPPROTO_TCP;
	a->policy_sel.dport = htons(80);
	a->policy_sel.dport_mask = 0xffff;
	inet_pton(AF_INET, src, &a->packet_sel.saddr);
	inet_pton(AF_INET, dst, &a->packet_sel.daddr);
	a->packet_sel.sprefix = a->packet_sel.dprefix = 32;
	a->packet_sel.proto = IPPROTO_TCP;
	a->packet_sel.sport = htons(40000);
	a->packet_sel.sport_mask = 0xffff;
	a->packet_sel.dport = htons(80);
	a->packet_sel.dport_mask = 0xffff;
}

START_TEST(test_policies_transport)
{
	struct ipp_ike_rule r = { .reqid = 5, .soft = true, .mode = XFRM_MODE_TRANSPORT };
	struct xfrm_policy p[3];
	struct ike_acquire a;
	struct in_addr me, peer;

	/* "me" to a subnet, TCP port 80: the hosts of the packet, the rule's port. */
	acq_v4(&a, "0.0.0.0", 0, "10.1.0.0", 16, "10.9.0.1", "10.1.2.3");
	ck_assert_uint_eq(iked_soft_policies(&a, &r, 300, p), 2);
	inet_pton(AF_INET, "10.9.0.1", &me);
	inet_pton(AF_INET, "10.1.2.3", &peer);
	ck_assert_uint_eq(p[0].dir, XFRM_POLICY_OUT);
	ck_assert_uint_eq(p[1].dir, XFRM_POLICY_IN);
	for (int i = 0; i < 2; i++) {
		ck_assert_uint_eq(p[i].action, XFRM_POLICY_ALLOW);
		ck_assert_uint_eq(p[i].ntmpl, 0);
		ck_assert_uint_eq(p[i].priority, 999);
		ck_assert_uint_eq(p[i].lft.hard_add_secs, 300);
		ck_assert_uint_eq(p[i].sel.sprefix, 32);
		ck_assert_uint_eq(p[i].sel.dprefix, 32);
		ck_assert_uint_eq(p[i].sel.proto, IPPROTO_TCP);
	}
	ck_assert(p[0].sel.saddr.a4 == me.s_addr && p[0].sel.daddr.a4 == peer.s_addr);
	ck_assert(p[1].sel.saddr.a4 == peer.s_addr && p[1].sel.daddr.a4 == me.s_addr);
	/* Not the packet's source port: the rule's selector. */
	ck_assert_uint_eq(p[0].sel.sport_mask, 0);
	ck_assert_uint_eq(p[0].sel.dport, htons(80));
	ck_assert_uint_eq(p[1].sel.sport, htons(80));
	ck_assert_uint_eq(p[1].sel.dport_mask, 0);
}
END_TEST

START_TEST(test_policies_tunnel)
{
	struct ipp_ike_rule r = { .reqid = 5, .soft = true, .mode = XFRM_MODE_TUNNEL };
	struct xfrm_policy p[3];
	struct ike_acquire a;

	acq_v4(&a, "192.168.1.0", 24, "10.1.0.0", 16, "192.168.1.7", "10.1.2.3");
	a.policy_priority = 0;
	ck_assert_uint_eq(iked_soft_policies(&a, &r, 60, p), 3);
	ck_assert_uint_eq(p[2].dir, XFRM_POLICY_FWD);
	ck_assert(memcmp(&p[2].sel, &p[1].sel, sizeof(p[1].sel)) == 0);
	ck_assert_uint_eq(p[0].priority, 0);	/* nothing goes ahead of 0 */
	ck_assert_uint_eq(p[2].lft.hard_add_secs, 60);
}
END_TEST

static Suite *
soft_suite(void)
{
	setenv("CK_FORK", "no", 0);
	Suite *s = suite_create("soft");
	TCase *tc = tcase_create("soft");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_silent_peer);
	tcase_add_test(tc, test_silent_peer_require);
	tcase_add_test(tc, test_refused_is_an_answer);
	tcase_add_test(tc, test_auth_failure_is_an_answer);
	tcase_add_test(tc, test_answer_then_silence);
	tcase_add_test(tc, test_plan_turned_soft_off);
	tcase_add_test(tc, test_allow_fails);
	tcase_add_test(tc, test_policies_transport);
	tcase_add_test(tc, test_policies_tunnel);
	suite_add_tcase(s, tc);
	return s;
}

IPP_CHECK_MAIN(soft_suite)
