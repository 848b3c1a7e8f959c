/*
 * fuzz_ike_dh: a peer's Diffie-Hellman public value, as it arrives in a KE payload, against
 * ike_dh_derive() on every group.  The first byte picks the group and, with its top bit
 * clear, fits the rest to the group's exact length (left-padded or cut) so the value checks
 * are reached; with the top bit set the rest goes in as it is.  Checks the contract too:
 * success only for the exact length, and no secret left behind on failure.
 */
#include <stdlib.h>
#include <string.h>

#include "ike/crypto.h"

static const ipp_dhgroup groups[] = { 1, 2, 5, 14, 15, 16, 19, 20, 21 };
#define NGROUPS	(sizeof(groups) / sizeof(groups[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ike_dh *dh[NGROUPS];
	static const uint8_t priv[16] = { 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a,
	    0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a };
	uint8_t secret[IKE_DH_SECRET_MAX], fitted[IKE_DH_PUBLIC_MAX];
	const uint8_t *peer = data + 1;
	struct ipp_err e;
	size_t i, slen, plen = size - 1, want;

	if (size < 1)
		return 0;
	i = data[0] % NGROUPS;
	/* A fixed private value keeps runs reproducible. */
	if (dh[i] == NULL && (dh[i] = ike_dh_new_private(groups[i], priv, sizeof(priv),
	    &e)) == NULL)
		abort();
	slen = ike_dh_secret_len(groups[i]);
	want = ike_dh_public_len(groups[i]);
	if ((data[0] & 0x80) == 0) {
		size_t n = plen < want ? plen : want;

		memset(fitted, 0, want - n);
		memcpy(fitted + want - n, peer, n);
		peer = fitted;
		plen = want;
	}
	memset(secret, 0xa5, sizeof(secret));
	if (ike_dh_derive(dh[i], peer, plen, secret, slen, &e) == 0) {
		if (plen != want)
			abort();
		return 0;
	}
	if (e.code != IPP_E_INVAL)
		abort();
	for (size_t j = 0; j < slen; j++)
		if (secret[j] != 0)
			abort();
	return 0;
}
