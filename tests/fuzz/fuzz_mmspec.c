/* libFuzzer target: main-mode methods, -1k and -p (cli/mmspec.c). */
#include "cli/mmspec.h"
#include "tests/fuzz/fuzz_cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipp_mm mm = { .lifetime_min = IPP_DEF_MM_LIFE_MIN };
	struct ipp_err e = { 0 };
	char *s = fuzz_str(data, size), *name, word[64];
	struct ipp_mm_offer back;
	uint32_t poll;

	if (s == NULL)
		return 0;
	if (ipp_mmspec_add(&mm, s, &e) == -1) {
		fuzz_check_err(&e);
		FUZZ_CHECK(mm.noffers == 0);
	}
	for (size_t i = 0; i < mm.noffers; i++) {
		FUZZ_CHECK(ipp_group_is_known(mm.offers[i].group));
		FUZZ_CHECK(mm.offers[i].cipher != IPP_CIPHER_NONE &&
		    !ipp_cipher_is_aead(mm.offers[i].cipher));
		FUZZ_CHECK(mm.offers[i].hash != IPP_HASH_NONE);
		FUZZ_CHECK(ipp_mmspec_format_offer(&mm.offers[i], word, sizeof(word)) == 0);
		FUZZ_CHECK(ipp_mmspec_offer(word, &back, &e) == 0);
		FUZZ_CHECK(back.cipher == mm.offers[i].cipher && back.hash == mm.offers[i].hash &&
		    back.group == mm.offers[i].group);
	}
	if (ipp_mmspec_rekey(&mm, s, &e) == -1)
		fuzz_check_err(&e);
	FUZZ_CHECK(mm.lifetime_min >= 5 && mm.lifetime_min <= 2880);
	if (ipp_mmspec_policy(s, &name, &poll, &e) == 0) {
		FUZZ_CHECK(name[0] != '\0' && strlen(name) <= IPP_NAME_MAX);
		free(name);
	} else
		fuzz_check_err(&e);
	free(mm.offers);
	free(s);
	return 0;
}
