/*
 * bench_ike_flood: what one forged Main Mode first message costs the engine, by size of
 * the half-open table (tests/bench/ike-flood).  The engine of the responder alone, on the
 * in-memory wire of tests/ike/engine_test.c, with the table full so that every message
 * evicts the oldest; CPU time of this process, so the figure holds on a loaded machine.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <check.h>

#include "tests/ike/engine_test.h"

static unsigned scale = 1;

static double
cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
one(const uint8_t *mm1, size_t len, unsigned table, unsigned n)
{
	struct et_lab *l = et_new();
	struct sockaddr_in from = { .sin_family = AF_INET, .sin_port = htons(500) };
	uint8_t buf[2048];
	struct ike_stats st;
	double t0 = 0;

	l->lim[1].half_open_total = table;
	et_start(l);
	l->drop_all_from[1] = true;	/* the answers go to forged addresses */
	memcpy(buf, mm1, len);
	for (unsigned i = 0; i < table + n; i++) {
		if (i == table)
			t0 = cpu_s();
		memcpy(buf, &i, sizeof(i));
		buf[7] = 0xfe;
		from.sin_addr.s_addr = htonl(0x0a010000u | (i % 65534 + 1));
		ike_engine_input(l->p[1].e, (struct sockaddr *)&l->p[1].addr,
		    (struct sockaddr *)&from, buf, len);
	}
	t0 = cpu_s() - t0;
	ike_engine_stats(l->p[1].e, &st);
	printf("table %5u: %7.1f us per first message, %8.0f a second (%llu evicted)\n",
	    table, t0 * 1e6 / n, n / t0, (unsigned long long)st.half_open_evicted);
	et_free(l);
}

/* Inside a check test: the lab's callbacks assert. */
START_TEST(bench)
{
	static const unsigned tables[] = { 64, 256, 1024, 4096 };
	struct et_lab *l = et_new();
	uint8_t mm1[2048];
	size_t len;

	/* A real first message from our initiator: the template. */
	et_start(l);
	l->drop = ~0ull;
	ck_assert_int_eq(et_acquire(l, 0), 0);
	ck_assert(l->nhist >= 1 && l->hist[0].len <= sizeof(mm1));
	len = l->hist[0].len;
	memcpy(mm1, l->hist[0].buf, len);
	et_free(l);
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		one(mm1, len, tables[i], 5000 * scale);
}
END_TEST

int
main(int argc, char **argv)
{
	return et_bench_main(argc, argv, "bench_ike_flood", bench, &scale);
}
