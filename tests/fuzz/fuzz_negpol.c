/* libFuzzer target: negotiation policies, both syntaxes (cli/negpol.c).  The first byte
 * picks the syntax and splits the rest into two calls, as -n given twice. */
#include "cli/negpol.h"
#include "tests/fuzz/fuzz_cli.h"

/* Each offer written in either syntax reads back the same. */
static void
round_trip(const struct ipp_qm_offer *o)
{
	struct ipp_qm_offer back;
	struct ipp_err e = { 0 };
	char buf[128];

	FUZZ_CHECK(ipp_negpol_format_offer(o, IPP_NEGPOL_NETSH, buf, sizeof(buf)) == 0);
	FUZZ_CHECK(ipp_negpol_offer(buf, IPP_NEGPOL_NETSH, &back, &e) == 0);
	FUZZ_CHECK(back.proto == o->proto && back.esp_cipher == o->esp_cipher &&
	    back.life_s == o->life_s && back.life_kb == o->life_kb);
	FUZZ_CHECK(ipp_negpol_format_offer(o, IPP_NEGPOL_IPSECPOL, buf, sizeof(buf)) == 0);
	FUZZ_CHECK(ipp_negpol_offer(buf, IPP_NEGPOL_IPSECPOL, &back, &e) == 0);
	FUZZ_CHECK(back.proto == o->proto && back.ah_hash == o->ah_hash &&
	    back.esp_cipher == o->esp_cipher && back.esp_auth == o->esp_auth &&
	    back.life_s == o->life_s && back.life_kb == o->life_kb && back.pfs == o->pfs &&
	    back.pfs_group == o->pfs_group);
}

static void
check(const struct ipp_negpol *np)
{
	FUZZ_CHECK(np->action == IPP_ACTION_NEGOTIATE || np->noffers == 0);
	for (size_t i = 0; i < np->noffers; i++) {
		const struct ipp_qm_offer *o = &np->offers[i];

		if (o->proto != IPP_QM_AH) {
			FUZZ_CHECK(o->esp_cipher != IPP_CIPHER_NONE || o->esp_auth != IPP_HASH_NONE);
			FUZZ_CHECK(!ipp_cipher_is_aead(o->esp_cipher) ||
			    o->esp_auth == IPP_HASH_NONE);
		}
		if (o->proto != IPP_QM_ESP)
			FUZZ_CHECK(o->ah_hash != IPP_HASH_NONE);
		FUZZ_CHECK(o->life_s >= 300 && o->life_s <= 172800);
		FUZZ_CHECK(o->life_kb >= 20480 && o->life_kb <= 2147483647u);
		FUZZ_CHECK(o->pfs_group == 0 || ipp_group_is_known(o->pfs_group));
		FUZZ_CHECK(o->pfs || o->pfs_group == 0);
		round_trip(o);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum ipp_negpol_syntax syn;
	struct ipp_negpol np;
	struct ipp_qm_offer o;
	struct ipp_err e = { 0 };
	size_t split;
	char *a, *b;

	if (size < 1)
		return 0;
	syn = data[0] & 1 ? IPP_NEGPOL_NETSH : IPP_NEGPOL_IPSECPOL;
	split = size > 1 ? (data[0] >> 1) % size : 0;
	if (split == 0)
		split = 1;
	a = fuzz_str(data + 1, split - 1);
	b = fuzz_str(data + split, size - split);
	ipp_negpol_init(&np);
	if (a != NULL && b != NULL) {
		for (int k = 0; k < 2; k++) {
			size_t n = np.noffers;

			if (ipp_negpol_add(&np, k == 0 ? a : b, syn, &e) == -1) {
				fuzz_check_err(&e);
				FUZZ_CHECK(np.noffers == n);
			}
			check(&np);
		}
		if (ipp_negpol_defaults(&np, &e) == 0)
			check(&np);
		if (ipp_negpol_offer(b, syn, &o, &e) == -1)
			fuzz_check_err(&e);
	}
	ipp_negpol_clear(&np);
	free(a);
	free(b);
	return 0;
}
