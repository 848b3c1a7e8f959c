/* ipp_lex: token helpers for the CLI grammars. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cli/lex.h"

const char *
ipp_lex_show(const char *s, size_t n, char buf[IPP_LEX_SHOWLEN])
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (size_t i = 0; i < n && s[i] != '\0'; i++) {
		unsigned char c = (unsigned char)s[i];

		/* Keep room for the widest output of one byte plus "..." and the NUL. */
		if (o + 4 + 4 > IPP_LEX_SHOWLEN) {
			memcpy(buf + o, "...", 4);
			return buf;
		}
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			buf[o++] = (char)c;
		} else {
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[c >> 4];
			buf[o++] = hex[c & 15];
		}
	}
	buf[o] = '\0';
	return buf;
}

size_t
ipp_lex_ndigits(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	return i;
}

int
ipp_lex_u32(const char *s, size_t n, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;

	if (n == 0 || ipp_lex_ndigits(s, n) != n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > UINT32_MAX)
			return -1;
	}
	if (v < min || v > max)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

bool
ipp_lex_eq(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && strncasecmp(s, word, n) == 0;
}

size_t
ipp_lex_prefix(const char *s, size_t n, const char *word)
{
	size_t w = strlen(word);

	return w <= n && strncasecmp(s, word, w) == 0 ? w : 0;
}

int
ipp_lex_bool(const char *s, size_t n, bool *out)
{
	if (ipp_lex_eq(s, n, "yes") || ipp_lex_eq(s, n, "y"))
		*out = true;
	else if (ipp_lex_eq(s, n, "no") || ipp_lex_eq(s, n, "n"))
		*out = false;
	else
		return -1;
	return 0;
}

int
ipp_lex_fail(struct ipp_err *e, const char *what, const char *token, size_t n,
    const char *fmt, ...)
{
	char shown[IPP_LEX_SHOWLEN], detail[sizeof(e->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	return ipp_errf(e, IPP_E_INVAL, "%s '%s': %s", what, ipp_lex_show(token, n, shown),
	    detail);
}
