/*
 * libFuzzer target for ipp_addr_parse: the input is the address text, then a NUL, then the
 * mask (no NUL: no mask).  Whatever parses must pass ipp_addr_check and survive the trip
 * through its canonical text unchanged.
 */
#include <stdlib.h>
#include <string.h>

#include "store/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, *mask = NULL, text[IPP_ADDR_STRLEN];
	struct ipp_addr a, b;
	struct ipp_err e;
	const char *nul;

	if ((buf = malloc(size + 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	if ((nul = memchr(buf, '\0', size)) != NULL)
		mask = buf + (nul - buf) + 1;
	if (ipp_addr_parse(&a, buf, mask, &e) == 0) {
		if (ipp_addr_check(&a, &e) != 0)
			abort();
		ipp_addr_format(&a, text, sizeof(text));
		if (ipp_addr_parse(&b, text, NULL, &e) != 0)
			abort();
		if (a.kind != b.kind || a.family != b.family || a.prefix != b.prefix ||
		    memcmp(&a.ip, &b.ip, sizeof(a.ip)) != 0 ||
		    memcmp(&a.ip_end, &b.ip_end, sizeof(a.ip_end)) != 0 ||
		    (a.dns != NULL) != (b.dns != NULL) ||
		    (a.dns != NULL && strcmp(a.dns, b.dns) != 0))
			abort();
		ipp_addr_clear(&b);
	} else if (e.code != IPP_E_INVAL && e.code != IPP_E_NOMEM) {
		abort();
	}
	ipp_addr_clear(&a);
	free(buf);
	return 0;
}
