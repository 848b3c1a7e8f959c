/* Helpers of the IKE crypto tests. */
#include <check.h>
#include <ctype.h>
#include <string.h>

#include "tests/ike/check_crypto_util.h"

static int
nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

size_t
unhex(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;
	int hi = -1;

	for (; *s != '\0'; s++) {
		int v;

		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == ':')
			continue;
		if ((v = nibble(*s)) < 0)
			ck_abort_msg("bad hex digit '%c'", *s);
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n >= max)
			ck_abort_msg("hex longer than %zu bytes", max);
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	if (hi >= 0)
		ck_abort_msg("odd number of hex digits");
	return n;
}

const uint8_t *
hexbuf(const char *s, size_t *len)
{
	static uint8_t bufs[8][4096];
	static unsigned next;
	uint8_t *b = bufs[next++ % 8];

	*len = unhex(s, b, sizeof(bufs[0]));
	return b;
}
