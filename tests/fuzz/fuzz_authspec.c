/* libFuzzer target: authentication lists and netsh rootca= (cli/authspec.c). */
#include "cli/authspec.h"
#include "tests/fuzz/fuzz_cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipp_authlist l = { 0 };
	struct ipp_err e = { 0 };
	char *s = fuzz_str(data, size);

	if (s == NULL)
		return 0;
	if (ipp_authspec_add(&l, s, &e) == -1) {
		fuzz_check_err(&e);
		FUZZ_CHECK(l.n == 0);
	}
	if (ipp_authspec_add_rootca(&l, s, &e) == -1)
		fuzz_check_err(&e);
	for (size_t i = 0; i < l.n; i++) {
		FUZZ_CHECK((l.v[i].kind == IPP_AUTH_KERBEROS) == (l.v[i].value == NULL));
		FUZZ_CHECK(l.v[i].value == NULL || l.v[i].value[0] != '\0');
		FUZZ_CHECK(l.v[i].kind != IPP_AUTH_CERT || strchr(l.v[i].value, '=') != NULL);
	}
	ipp_authspec_clear(&l);
	free(s);
	return 0;
}
