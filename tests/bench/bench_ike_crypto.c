/*
 * bench_ike_crypto: what one IKE exchange costs in the crypto layer, beside OpenSSL's own
 * EVP implementation of the same Diffie-Hellman groups as the reference.  Run by
 * tests/bench/ike-crypto, not by make check.  Prints one line per figure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "ike/crypto.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One side of an exchange: a fresh key pair and the shared secret with a peer's value. */
static double
ours(ipp_dhgroup g, int n)
{
	uint8_t s[IKE_DH_SECRET_MAX];
	struct ipp_err e;
	struct ike_dh *peer = ike_dh_new(g, &e);
	double t = now();

	for (int i = 0; i < n; i++) {
		struct ike_dh *dh = ike_dh_new(g, &e);

		if (dh == NULL || ike_dh_derive(dh, ike_dh_public(peer), ike_dh_public_len(g), s,
		    ike_dh_secret_len(g), &e) != 0) {
			fprintf(stderr, "group %u: %s\n", (unsigned)g, e.msg);
			exit(1);
		}
		ike_dh_free(dh);
	}
	t = (now() - t) / n;
	ike_dh_free(peer);
	return t;
}

/* A key pair of the named group: "DH" with "modp_2048", "EC" with "P-256". */
static EVP_PKEY *
evp_key(const char *type, const char *group)
{
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	EVP_PKEY *k = NULL;

	if (c == NULL || EVP_PKEY_keygen_init(c) <= 0 ||
	    EVP_PKEY_CTX_set_group_name(c, group) <= 0 || EVP_PKEY_keygen(c, &k) <= 0)
		k = NULL;
	EVP_PKEY_CTX_free(c);
	return k;
}

static double
evp(const char *type, const char *group, int n)
{
	uint8_t s[1024];
	EVP_PKEY *peer = evp_key(type, group);
	double t = now();

	for (int i = 0; i < n; i++) {
		EVP_PKEY *k = evp_key(type, group);
		EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(k, NULL);
		size_t len = sizeof(s);

		if (k == NULL || c == NULL || EVP_PKEY_derive_init(c) <= 0 ||
		    EVP_PKEY_derive_set_peer(c, peer) <= 0 || EVP_PKEY_derive(c, s, &len) <= 0) {
			fprintf(stderr, "EVP %s %s failed\n", type, group);
			exit(1);
		}
		EVP_PKEY_CTX_free(c);
		EVP_PKEY_free(k);
	}
	t = (now() - t) / n;
	EVP_PKEY_free(peer);
	return t;
}

int
main(int argc, char **argv)
{
	static const struct { ipp_dhgroup g; const char *type, *name; int n; } dh[] = {
		{ 14, "DH", "modp_2048", 100 }, { 15, "DH", "modp_3072", 40 },
		{ 19, "EC", "P-256", 400 }, { 20, "EC", "P-384", 100 },
	};
	uint8_t key[32] = { 1 }, iv[16] = { 2 }, buf[1504], out[IKE_HASH_MAX];
	struct iovec v = { buf, 64 };
	struct ipp_err e;
	int scale = argc > 1 ? atoi(argv[1]) : 1;
	double t;

	for (size_t i = 0; i < sizeof(dh) / sizeof(dh[0]); i++) {
		double a = ours(dh[i].g, dh[i].n * scale), b = evp(dh[i].type, dh[i].name,
		    dh[i].n * scale);

		printf("dh group %-2u keypair+derive: ours %.3f ms, OpenSSL EVP %.3f ms, "
		    "ratio %.2f\n", (unsigned)dh[i].g, a * 1e3, b * 1e3, a / b);
	}
	memset(buf, 0x5c, sizeof(buf));
	t = now();
	for (int i = 0; i < 100000 * scale; i++)
		ike_prf(IPP_HASH_SHA256, key, 32, &v, 1, out, &e);
	printf("prf HMAC-SHA2-256, 64 bytes: %.2f us\n", (now() - t) / (100000 * scale) * 1e6);
	t = now();
	for (int i = 0; i < 100000 * scale; i++)
		ike_cbc_encrypt(IPP_CIPHER_AES128, key, 16, iv, buf, buf, 1504, NULL, &e);
	printf("cbc AES-128, 1504 bytes: %.2f us (%.0f MB/s)\n",
	    (now() - t) / (100000 * scale) * 1e6,
	    1504.0 * 100000 * scale / (now() - t) / 1e6);
	return 0;
}
