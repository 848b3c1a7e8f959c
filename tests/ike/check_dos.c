/*
 * The half-open table under a flood of Main Mode first messages from forged sources
 * (ike/dos.c): a real exchange still completes, the table stays within its limits, what
 * was evicted or refused is counted, exchanges that answered are never evicted, our own
 * initiations still start, and entries made under pressure time out sooner.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/ike/engine_test.h"
#include "tests/lib/ipp_check.h"

/* The flood's initiator cookies start with this; the real exchange's are random. */
static const uint8_t MARK[4] = { 0xde, 0xad, 0xbe, 0xef };

struct flood {
	uint8_t		mm1[2048];	/* a real first message, our template */
	size_t		len;
	uint32_t	n;		/* sent so far: the next cookie and source */
};

/* A first message as our initiator builds it (AES128-SHA1-14, PSK). */
static void
flood_init(struct flood *f)
{
	struct et_lab *l = et_new();

	memset(f, 0, sizeof(*f));
	et_start(l);
	l->drop = ~0ull;
	ck_assert_int_eq(et_acquire(l, 0), 0);
	ck_assert_uint_ge(l->nhist, 1);
	ck_assert_uint_le(l->hist[0].len, sizeof(f->mm1));
	f->len = l->hist[0].len;
	memcpy(f->mm1, l->hist[0].buf, f->len);
	et_free(l);
}

/* One forged first message to B: a fresh cookie, from 10.1.0.0/16 (or from src). */
static void
flood_one(struct et_lab *l, struct flood *f, const struct sockaddr_in *src)
{
	struct sockaddr_in from;
	uint8_t buf[2048];
	uint32_t n = f->n++;

	memcpy(buf, f->mm1, f->len);
	memcpy(buf, MARK, sizeof(MARK));
	memcpy(buf + 4, &n, sizeof(n));
	if (src != NULL) {
		from = *src;
	} else {
		memset(&from, 0, sizeof(from));
		from.sin_family = AF_INET;
		from.sin_port = htons(500);
		from.sin_addr.s_addr = htonl(0x0a010000u | (n % 65534 + 1));
	}
	ike_engine_input(l->p[1].e, (struct sockaddr *)&l->p[1].addr,
	    (struct sockaddr *)&from, buf, f->len);
}

/* B's answers to forged sources go nowhere: take them off the wire. */
static void
flood_purge(struct et_lab *l)
{
	size_t k = 0;

	for (size_t i = 0; i < l->nq; i++)
		if (memcmp(l->q[i].buf, MARK, sizeof(MARK)) != 0)
			l->q[k++] = l->q[i];
	l->nq = k;
}

/* Delivers the first datagram on the wire, if any. */
static bool
step(struct et_lab *l)
{
	struct et_dgram *d;
	int to;

	flood_purge(l);
	if (l->nq == 0)
		return false;
	d = malloc(sizeof(*d));
	ck_assert_ptr_nonnull(d);
	*d = l->q[0];
	memmove(l->q, l->q + 1, (l->nq - 1) * sizeof(*l->q));
	l->nq--;
	to = 1 - d->from;
	ike_engine_input(l->p[to].e, et_sa(l, to), et_sa(l, d->from), d->buf, d->len);
	free(d);
	return true;
}

static void
expect_mm(struct et_lab *l)
{
	if (et_stats(l, 0).mm_ok != 1 || et_stats(l, 1).mm_ok != 1)
		ck_abort_msg("no Main Mode; A log:\n%s\nB log:\n%s", l->p[0].log, l->p[1].log);
}

/*
 * k forged first messages reach B before each datagram of a real exchange from A: A's
 * Main Mode and Quick Mode complete while B's table stays at its limit, full of forged
 * exchanges that were evicted oldest first.  _i = 1: more forged messages than the table
 * holds arrive between A's messages 1 and 3, so A's exchange is evicted too: the window
 * the design promises (a real initiator must answer within half_open_total first
 * messages) is real, not a test artefact.
 */
START_TEST(test_flood_while_negotiating)
{
	struct et_lab *l = et_new();
	struct flood f;
	unsigned k = _i == 0 ? 20 : 40, steps = 0;
	struct ike_stats st;

	flood_init(&f);
	l->lim[1].half_open_total = 64;
	et_start(l);
	for (unsigned i = 0; i < 200; i++)
		flood_one(l, &f, NULL);
	ck_assert_uint_eq(et_stats(l, 1).half_open, 64);
	ck_assert_int_eq(et_acquire(l, 0), 0);
	do {
		for (unsigned i = 0; i < k; i++)
			flood_one(l, &f, NULL);
		ck_assert_uint_le(et_stats(l, 1).half_open, 64);
	} while (step(l) && ++steps < 100);
	st = et_stats(l, 1);
	ck_assert_uint_eq(st.half_open_drops, 0);
	ck_assert_uint_eq(st.half_open_peak, 64);
	ck_assert_uint_eq(st.half_open_max, 64);
	if (_i == 0) {
		expect_mm(l);
		ck_assert_uint_eq(et_stats(l, 0).qm_ok, 1);
		ck_assert_uint_eq(l->p[1].ninstalled, 1);
		/* Every forged one beyond the table's size was evicted, and only those. */
		ck_assert_uint_eq(st.half_open_evicted, f.n - 64);
		ck_assert_uint_eq(st.half_open, 64);
	} else {
		ck_assert_uint_eq(et_stats(l, 0).mm_ok, 0);
		ck_assert_uint_eq(st.half_open_evicted, f.n + 1 - 64);
		ck_assert_uint_ge(st.unknown_sa, 1);	/* A's message 3, too late */
	}
	et_free(l);
}
END_TEST

/* An exchange that got message 3 is never evicted: with the table full of them, a new
 * first message is refused, and the exchange still completes. */
START_TEST(test_proven_kept)
{
	struct et_lab *l = et_new();
	struct ike_stats st;
	struct flood f;

	flood_init(&f);
	l->lim[1].half_open_total = 1;
	et_start(l);
	l->drop = 1ull << 3;		/* message 4: B stays half-open, having seen 3 */
	ck_assert_int_eq(et_acquire(l, 0), 0);
	et_pump(l);
	ck_assert_uint_eq(et_stats(l, 1).half_open, 1);
	for (int i = 0; i < 5; i++)
		flood_one(l, &f, NULL);
	st = et_stats(l, 1);
	ck_assert_uint_eq(st.half_open, 1);
	ck_assert_uint_eq(st.half_open_evicted, 0);
	ck_assert_uint_eq(st.half_open_drops, 5);
	flood_purge(l);
	et_advance(l, 5000);
	expect_mm(l);
	ck_assert_uint_eq(et_stats(l, 0).qm_ok, 1);
	et_free(l);
}
END_TEST

/* Our own ACQUIRE while the table is full of forged exchanges: it takes the place of the
 * oldest, and negotiates. */
START_TEST(test_initiator_under_flood)
{
	struct et_lab *l = et_new();
	struct flood f;

	flood_init(&f);
	l->lim[1].half_open_total = 32;
	et_start(l);
	for (int i = 0; i < 100; i++)
		flood_one(l, &f, NULL);
	ck_assert_uint_eq(et_stats(l, 1).half_open, 32);
	ck_assert_int_eq(et_acquire(l, 1), 0);
	ck_assert_uint_eq(et_stats(l, 1).half_open_evicted, 100 - 32 + 1);
	flood_purge(l);
	et_pump(l);
	expect_mm(l);
	ck_assert_uint_eq(et_stats(l, 1).qm_ok, 1);
	ck_assert_uint_eq(et_stats(l, 1).half_open, 31);
	et_free(l);
}
END_TEST

/* With only proven or own exchanges in the table, our ACQUIRE is refused and counted. */
START_TEST(test_initiator_refused)
{
	struct et_lab *l = et_new();

	l->lim[0].half_open_total = 1;
	et_start(l);
	l->drop = ~0ull;
	ck_assert_int_eq(et_acquire(l, 0), 0);
	/* Another flow to the same peer joins the running Main Mode; a new peer would not. */
	l->p[1].addr.sin_addr.s_addr = htonl(0x0a000003);
	ck_assert_int_eq(et_acquire(l, 0), -EAGAIN);
	ck_assert_uint_eq(et_stats(l, 0).half_open_drops, 1);
	ck_assert_uint_eq(et_stats(l, 0).half_open_evicted, 0);
	et_free(l);
}
END_TEST

/* One source over its share: its own oldest go, the others' stay, and a real peer
 * negotiates beside it. */
START_TEST(test_per_peer)
{
	struct et_lab *l = et_new();
	struct sockaddr_in src;
	struct ike_stats st;
	struct flood f;

	flood_init(&f);
	memset(&src, 0, sizeof(src));
	src.sin_family = AF_INET;
	src.sin_port = htons(500);
	src.sin_addr.s_addr = htonl(0x0a090909);
	et_start(l);
	for (int i = 0; i < 5; i++)
		flood_one(l, &f, NULL);
	for (int i = 0; i < 40; i++)
		flood_one(l, &f, &src);
	st = et_stats(l, 1);
	ck_assert_uint_eq(st.half_open_peer_max, IKE_DEF_HALF_OPEN_PEER);
	ck_assert_uint_eq(st.half_open, 5 + IKE_DEF_HALF_OPEN_PEER);
	ck_assert_uint_eq(st.half_open_evicted, 40 - IKE_DEF_HALF_OPEN_PEER);
	ck_assert_uint_eq(st.half_open_drops, 0);
	flood_purge(l);
	ck_assert_int_eq(et_acquire(l, 0), 0);
	et_pump(l);
	expect_mm(l);
	et_free(l);
}
END_TEST

/* Exchanges made while the table is at least half full wait half_open_busy_ms for the
 * initiator, not its whole schedule (63 s by default). */
START_TEST(test_busy_timeout)
{
	struct et_lab *l = et_new();
	struct ike_stats st;
	struct flood f;

	flood_init(&f);
	l->lim[1].half_open_total = 8;
	et_start(l);
	for (int i = 0; i < 6; i++)
		flood_one(l, &f, NULL);
	flood_purge(l);
	ck_assert_uint_eq(et_stats(l, 1).half_open, 6);
	et_advance(l, IKE_DEF_HALF_OPEN_BUSY_MS + 200);
	/* 1..3 were made below half (1*2, 2*2, 3*2 < 8); 4..6 at or above it. */
	st = et_stats(l, 1);
	ck_assert_uint_eq(st.half_open, 3);
	ck_assert_uint_eq(st.mm_failed, 3);
	et_advance(l, 63000);
	ck_assert_uint_eq(et_stats(l, 1).half_open, 0);
	et_free(l);
}
END_TEST

/* A flood is reported, but not once per packet. */
START_TEST(test_log_rate)
{
	struct et_lab *l = et_new();
	struct flood f;
	const char *p;
	int lines = 0;

	flood_init(&f);
	l->lim[1].half_open_total = 4;
	et_start(l);
	for (int i = 0; i < 500; i++)
		flood_one(l, &f, NULL);
	flood_purge(l);
	for (p = l->p[1].log; (p = strstr(p, "half-open limits")) != NULL; p++)
		lines++;
	ck_assert_int_eq(lines, 1);
	ck_assert_ptr_nonnull(strstr(l->p[1].log, "1 unanswered exchanges evicted"));
	et_free(l);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("ike_dos");
	TCase *tc = tcase_create("half-open");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_flood_while_negotiating, 0, 2);
	tcase_add_test(tc, test_proven_kept);
	tcase_add_test(tc, test_initiator_under_flood);
	tcase_add_test(tc, test_initiator_refused);
	tcase_add_test(tc, test_per_peer);
	tcase_add_test(tc, test_busy_timeout);
	tcase_add_test(tc, test_log_rate);
	suite_add_tcase(s, tc);
	return s;
}

IPP_CHECK_MAIN(suite)
