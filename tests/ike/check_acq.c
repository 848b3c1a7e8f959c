/* The table of ACQUIREs waiting for a plan (ike/iked_acq.c): identity, order, bounds. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "ike/iked.h"
#include "tests/lib/ipp_check.h"

/* A held ACQUIRE of reqid from local to remote (IPv4 or IPv6 text), held [since, until). */
static struct iked_acq_held
held(uint32_t reqid, uint32_t seq, const char *local, const char *remote, uint64_t since,
    uint64_t until)
{
	struct iked_acq_held h;

	memset(&h, 0, sizeof(h));
	h.a.reqid = reqid;
	h.a.seq = seq;
	h.proto = IPPROTO_ESP;
	h.mode = XFRM_MODE_TRANSPORT;
	if (strchr(local, ':') == NULL) {
		struct sockaddr_in *l = (struct sockaddr_in *)&h.a.local;
		struct sockaddr_in *r = (struct sockaddr_in *)&h.a.remote;

		l->sin_family = r->sin_family = AF_INET;
		l->sin_port = r->sin_port = htons(500);
		ck_assert_int_eq(inet_pton(AF_INET, local, &l->sin_addr), 1);
		ck_assert_int_eq(inet_pton(AF_INET, remote, &r->sin_addr), 1);
	} else {
		struct sockaddr_in6 *l = (struct sockaddr_in6 *)&h.a.local;
		struct sockaddr_in6 *r = (struct sockaddr_in6 *)&h.a.remote;

		l->sin6_family = r->sin6_family = AF_INET6;
		l->sin6_port = r->sin6_port = htons(500);
		ck_assert_int_eq(inet_pton(AF_INET6, local, &l->sin6_addr), 1);
		ck_assert_int_eq(inet_pton(AF_INET6, remote, &r->sin6_addr), 1);
	}
	h.since_ms = since;
	h.until_ms = until;
	return h;
}

static struct iked_acq q;

static void
q_reset(void)
{
	memset(&q, 0, sizeof(q));
}

START_TEST(test_same_larval_replaced)
{
	struct iked_acq_held h = held(100, 1, "10.0.0.1", "10.0.0.2", 0, 5000);
	struct iked_acq_held o;

	ck_assert_int_eq(iked_acq_put(&q, &h), 0);
	/* The kernel asked again for the same pair: the newer sequence and time count. */
	h = held(100, 2, "10.0.0.1", "10.0.0.2", 3000, 8000);
	ck_assert_int_eq(iked_acq_put(&q, &h), 1);
	ck_assert_uint_eq(q.n, 1);
	ck_assert_uint_eq(q.held[0].a.seq, 2);
	ck_assert_uint_eq(q.held[0].until_ms, 8000);
	/* Another peer, another protocol, another mark, another reqid: other larval states. */
	h = held(100, 3, "10.0.0.1", "10.0.0.3", 0, 5000);
	ck_assert_int_eq(iked_acq_put(&q, &h), 0);
	h = held(100, 4, "10.0.0.1", "10.0.0.2", 0, 5000);
	h.proto = IPPROTO_AH;
	ck_assert_int_eq(iked_acq_put(&q, &h), 0);
	h = held(100, 5, "10.0.0.1", "10.0.0.2", 0, 5000);
	h.mark.v = 7;
	h.mark.m = 0xff;
	ck_assert_int_eq(iked_acq_put(&q, &h), 0);
	h = held(101, 6, "10.0.0.1", "10.0.0.2", 0, 5000);
	ck_assert_int_eq(iked_acq_put(&q, &h), 0);
	ck_assert_uint_eq(q.n, 5);
	ck_assert(iked_acq_take_due(&q, 5000, &o));
	ck_assert_uint_eq(o.a.seq, 3);
}
END_TEST

START_TEST(test_bounded)
{
	char peer[32];
	struct iked_acq_held h, o;

	for (int i = 0; i < IKED_ACQ_MAX; i++) {
		snprintf(peer, sizeof(peer), "10.1.%d.%d", i / 250, i % 250 + 1);
		h = held(100, (uint32_t)i + 1, "10.0.0.1", peer, 0, 5000);
		ck_assert_int_eq(iked_acq_put(&q, &h), 0);
	}
	h = held(100, 999, "10.0.0.1", "10.2.0.1", 0, 5000);
	ck_assert_int_eq(iked_acq_put(&q, &h), -ENOSPC);
	ck_assert_uint_eq(q.n, IKED_ACQ_MAX);
	/* A refresh of one already held still goes in. */
	h = held(100, 1000, "10.0.0.1", "10.1.0.1", 0, 6000);
	ck_assert_int_eq(iked_acq_put(&q, &h), 1);
	ck_assert(iked_acq_take_due(&q, 5000, &o));
	ck_assert_uint_eq(o.a.seq, 2);
	h = held(100, 999, "10.0.0.1", "10.2.0.1", 0, 5000);
	ck_assert_int_eq(iked_acq_put(&q, &h), 0);
	ck_assert_uint_eq(q.held[IKED_ACQ_MAX - 1].a.seq, 999);
}
END_TEST

START_TEST(test_planned_oldest_first)
{
	struct ipp_ike_rule rules[2];
	struct ike_plan p = { .gen = 2, .rules = rules, .nrules = 2 };
	struct iked_acq_held h, o;
	const uint32_t reqids[] = { 10, 20, 30, 10 };
	const char *peers[] = { "10.0.0.2", "10.0.0.2", "10.0.0.2", "10.0.0.3" };

	memset(rules, 0, sizeof(rules));
	rules[0].reqid = 10;
	rules[1].reqid = 30;
	for (size_t i = 0; i < 4; i++) {
		h = held(reqids[i], (uint32_t)i + 1, "10.0.0.1", peers[i], 0, 5000);
		ck_assert_int_eq(iked_acq_put(&q, &h), 0);
	}
	ck_assert(iked_acq_take_planned(&q, &p, &o));
	ck_assert_uint_eq(o.a.seq, 1);
	ck_assert(iked_acq_take_planned(&q, &p, &o));
	ck_assert_uint_eq(o.a.seq, 3);
	ck_assert(iked_acq_take_planned(&q, &p, &o));
	ck_assert_uint_eq(o.a.seq, 4);
	ck_assert(!iked_acq_take_planned(&q, &p, &o));
	/* Reqid 20 waits on; an empty plan (none yet) serves nothing. */
	ck_assert_uint_eq(q.n, 1);
	ck_assert_uint_eq(q.held[0].a.reqid, 20);
	p.nrules = 0;
	ck_assert(!iked_acq_take_planned(&q, &p, &o));
}
END_TEST

START_TEST(test_due_and_timer)
{
	struct iked_acq_held h, o;

	ck_assert_int_eq(iked_acq_next_ms(&q, 0), -1);
	h = held(1, 1, "10.0.0.1", "10.0.0.2", 0, 100);
	iked_acq_put(&q, &h);
	h = held(2, 2, "10.0.0.1", "10.0.0.2", 0, 50);
	iked_acq_put(&q, &h);
	h = held(3, 3, "10.0.0.1", "10.0.0.2", 0, 200);
	iked_acq_put(&q, &h);
	ck_assert_int_eq(iked_acq_next_ms(&q, 0), 50);
	ck_assert(!iked_acq_take_due(&q, 49, &o));
	ck_assert(iked_acq_take_due(&q, 60, &o));
	ck_assert_uint_eq(o.a.seq, 2);
	ck_assert(!iked_acq_take_due(&q, 60, &o));
	ck_assert_int_eq(iked_acq_next_ms(&q, 60), 40);
	/* Late: due now, and taken in the order they came. */
	ck_assert_int_eq(iked_acq_next_ms(&q, 1000), 0);
	ck_assert(iked_acq_take_due(&q, 1000, &o));
	ck_assert_uint_eq(o.a.seq, 1);
	ck_assert(iked_acq_take_due(&q, 1000, &o));
	ck_assert_uint_eq(o.a.seq, 3);
	ck_assert_uint_eq(q.n, 0);
	ck_assert_int_eq(iked_acq_next_ms(&q, 1000), -1);
}
END_TEST

START_TEST(test_larval_expiry)
{
	struct iked_acq_held h, o;
	xfrm_address_t s, d;

	h = held(5, 1, "10.0.0.1", "10.0.0.2", 0, 5000);
	iked_acq_put(&q, &h);
	h = held(5, 2, "2001:db8::1", "2001:db8::2", 0, 5000);
	iked_acq_put(&q, &h);
	memset(&s, 0, sizeof(s));
	memset(&d, 0, sizeof(d));
	inet_pton(AF_INET, "10.0.0.1", &s);
	inet_pton(AF_INET, "10.0.0.2", &d);
	/* The expiry names the larval state's source and destination, as the ACQUIRE did. */
	ck_assert(!iked_acq_take_larval(&q, 5, IPPROTO_ESP, AF_INET, &d, &s, &o));
	ck_assert(!iked_acq_take_larval(&q, 5, IPPROTO_AH, AF_INET, &s, &d, &o));
	ck_assert(!iked_acq_take_larval(&q, 6, IPPROTO_ESP, AF_INET, &s, &d, &o));
	ck_assert(iked_acq_take_larval(&q, 5, IPPROTO_ESP, AF_INET, &s, &d, &o));
	ck_assert_uint_eq(o.a.seq, 1);
	memset(&s, 0, sizeof(s));
	memset(&d, 0, sizeof(d));
	inet_pton(AF_INET6, "2001:db8::1", &s);
	inet_pton(AF_INET6, "2001:db8::2", &d);
	ck_assert(iked_acq_take_larval(&q, 5, IPPROTO_ESP, AF_INET6, &s, &d, &o));
	ck_assert_uint_eq(o.a.seq, 2);
	ck_assert_uint_eq(q.n, 0);
}
END_TEST

static Suite *
acq_suite(void)
{
	Suite *s = suite_create("acq");
	TCase *tc = tcase_create("table");

	tcase_add_checked_fixture(tc, q_reset, NULL);
	tcase_add_test(tc, test_same_larval_replaced);
	tcase_add_test(tc, test_bounded);
	tcase_add_test(tc, test_planned_oldest_first);
	tcase_add_test(tc, test_due_and_timer);
	tcase_add_test(tc, test_larval_expiry);
	suite_add_tcase(s, tc);
	return s;
}

IPP_CHECK_MAIN(acq_suite)
