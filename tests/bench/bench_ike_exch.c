/*
 * bench_ike_exch: the CPU one complete IKEv1 exchange (Main Mode + Quick Mode) costs the
 * two engines together, without a kernel: two real engines on the in-memory wire of
 * tests/ike/engine_test.c, a fresh pair per exchange so that every one is its own Main
 * Mode, with the VM bench's algorithms (tests/bench/ike: MM AES-CBC-128/SHA-256/MODP-2048
 * PSK, QM ESP AES-CBC-128/HMAC-SHA-256 transport, no PFS).  The DH floor is measured in
 * the same process with the engine's own DH code: a key pair and a derivation, times two
 * sides.  CPU time of this process, so the figures hold on a loaded machine.
 *
 * usage: bench_ike_exch [N]   (default 200 exchanges)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <check.h>

#include "ike/crypto.h"
#include "tests/ike/engine_test.h"

static unsigned nexch = 200;

static double
cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* One side's DH work per exchange: a key pair and a derivation with the peer's value. */
static double
dh_floor_ms(unsigned n)
{
	uint8_t secret[256];
	struct ike_dh *peer, *dh;
	struct ipp_err e;
	double t0;

	peer = ike_dh_new(14, &e);
	ck_assert_ptr_nonnull(peer);
	t0 = cpu_ms();
	for (unsigned i = 0; i < n; i++) {
		dh = ike_dh_new(14, &e);
		ck_assert_ptr_nonnull(dh);
		ck_assert_int_eq(ike_dh_derive(dh, ike_dh_public(peer), 256, secret,
		    sizeof(secret), &e), 0);
		ike_dh_free(dh);
	}
	t0 = cpu_ms() - t0;
	ike_dh_free(peer);
	return t0 / n;
}

static void
algs(struct et_peer *p)
{
	p->mm[0] = (struct ipp_mm_offer){ IPP_CIPHER_AES128, IPP_HASH_SHA256, 14 };
	p->qm[0].esp_cipher = IPP_CIPHER_AES128;
	p->qm[0].esp_auth = IPP_HASH_SHA256;
}

START_TEST(bench)
{
	struct et_lab *l;
	double t0, t, floor1;

	/* OpenSSL's first-use costs (provider loading, method fetches) out of the figure. */
	floor1 = dh_floor_ms(5);
	floor1 = dh_floor_ms(nexch);
	/* One lab, fresh engines per exchange: the lab's own buffers are set up once. */
	l = et_new();
	algs(&l->p[0]);
	algs(&l->p[1]);
	t0 = cpu_ms();
	for (unsigned i = 0; i < nexch; i++) {
		l->p[0].ninstalled = l->p[1].ninstalled = 0;
		l->p[0].nspis = l->p[1].nspis = 0;
		l->p[0].loglen = l->p[1].loglen = 0;
		l->nhist = 0;
		et_start(l);
		ck_assert_int_eq(et_acquire(l, 0), 0);
		et_pump(l);
		ck_assert_uint_eq(l->p[0].ninstalled, 1);
		ck_assert_uint_eq(l->p[1].ninstalled, 1);
	}
	t = (cpu_ms() - t0) / nexch;
	et_free(l);
	printf("engines (A + B): %u exchanges, %.3f ms CPU per exchange; DH floor %.3f ms "
	    "per side, %.3f ms both: engines / floor %.2f\n", nexch, t, floor1, 2 * floor1,
	    t / (2 * floor1));
}
END_TEST

int
main(int argc, char **argv)
{
	return et_bench_main(argc, argv, "bench_ike_exch", bench, &nexch);
}
