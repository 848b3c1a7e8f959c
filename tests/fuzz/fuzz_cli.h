/* Shared checks of the CLI grammar fuzz targets: a failed parse leaves a clean message. */
#ifndef IPP_FUZZ_CLI_H
#define IPP_FUZZ_CLI_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/err.h"

#define FUZZ_CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

/* The input as a C string: the parsers take NUL-terminated arguments. */
static inline char *
fuzz_str(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		return NULL;
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* An error is INVAL (or NOMEM), says something, and holds printable ASCII only. */
static inline void
fuzz_check_err(const struct ipp_err *e)
{
	FUZZ_CHECK(e->code == IPP_E_INVAL || e->code == IPP_E_NOMEM);
	FUZZ_CHECK(e->msg[0] != '\0');
	for (const char *c = e->msg; *c != '\0'; c++)
		FUZZ_CHECK((unsigned char)*c >= 0x20 && (unsigned char)*c < 0x7f);
}

#endif
