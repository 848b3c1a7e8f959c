/* ipp_mmspec: main-mode methods, rekey and the -p policy argument (grammar in mmspec.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/lex.h"
#include "cli/mmspec.h"

#define MM_LIFE_S_MIN	300u
#define MM_LIFE_S_MAX	172800u
#define QM_PER_MM_MAX	2147483647u
#define POLL_MIN_MAX	(UINT32_MAX / 60)

#define FAIL(what, s, n, ...) ipp_lex_fail(e, what, s, n, __VA_ARGS__)

static int
lookup(const char *s, size_t n, int (*fn)(const char *))
{
	char buf[24];

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return fn(buf);
}

int
ipp_mmspec_offer(const char *word, struct ipp_mm_offer *o, struct ipp_err *e)
{
	size_t n = strlen(word), c = strcspn(word, "-"), h, g;
	int ci, hi;
	uint32_t grp = UINT32_MAX;

	memset(o, 0, sizeof(*o));
	if (c == n || (h = strcspn(word + c + 1, "-")) + c + 1 == n)
		return FAIL("main mode method", word, n, "expected CIPHER-HASH-GROUP, e.g. "
		    "3DES-SHA-2 or AES256-SHA256-19");
	g = n - c - h - 2;
	ci = lookup(word, c, ipp_cipher_from_name);
	if (ci <= IPP_CIPHER_NONE || ipp_cipher_is_aead(ci))
		return FAIL("main mode method", word, n, "cipher is not one of DES 3DES AES128 "
		    "AES192 AES256");
	hi = lookup(word + c + 1, h, ipp_hash_from_name);
	if (hi <= IPP_HASH_NONE)
		return FAIL("main mode method", word, n, "hash is not one of MD5 SHA SHA1 "
		    "SHA256 SHA384 SHA512");
	if (ipp_lex_u32(word + c + h + 2, g, 1, 65535, &grp) == 0 && grp == 3)
		grp = 14;	/* Windows' "DH2048" */
	if (grp > 65535 || !ipp_group_is_known(grp))
		return FAIL("main mode method", word, n, "Diffie-Hellman group is not one of "
		    "1 2 3 (=14) 14 15 19 20 21");
	o->cipher = (enum ipp_cipher)ci;
	o->hash = (enum ipp_hash)hi;
	o->group = (ipp_dhgroup)grp;
	return 0;
}

int
ipp_mmspec_format_offer(const struct ipp_mm_offer *o, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s-%s-%u", ipp_cipher_name(o->cipher),
	    ipp_hash_name(o->hash), (unsigned)o->group);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* Back to n0 methods; a list that was empty gives its array back too. */
static int
rollback(struct ipp_mm *mm, size_t n0)
{
	mm->noffers = n0;
	if (n0 == 0) {
		free(mm->offers);
		mm->offers = NULL;
	}
	return -1;
}

int
ipp_mmspec_add(struct ipp_mm *mm, const char *text, struct ipp_err *e)
{
	size_t n0 = mm->noffers, i = 0;

	for (;;) {
		struct ipp_mm_offer o;
		char word[64];
		size_t w;

		i += strspn(text + i, " \t");
		if ((w = strcspn(text + i, " \t")) == 0)
			break;
		if (w >= sizeof(word)) {
			FAIL("main mode method", text + i, w, "too long (expected CIPHER-HASH-GROUP)");
			return rollback(mm, n0);
		}
		memcpy(word, text + i, w);
		word[w] = '\0';
		if (ipp_mmspec_offer(word, &o, e) == -1)
			return rollback(mm, n0);
		if (ipp_array_push(&mm->offers, &mm->noffers, sizeof(o), &o) == NULL) {
			ipp_errf(e, IPP_E_NOMEM, "out of memory");
			return rollback(mm, n0);
		}
		i += w;
	}
	if (mm->noffers == n0)
		return FAIL("main mode methods", text, strlen(text), "no method (expected e.g. "
		    "3DES-SHA-2)");
	return 0;
}

/* One N followed by Q or S of a -1k value. */
static int
rekey_part(const char *text, size_t *i, uint32_t *qm, uint32_t *min, bool *seen_q,
    bool *seen_s, struct ipp_err *e)
{
	size_t n = strlen(text), d = ipp_lex_ndigits(text + *i, n - *i);
	const char *num = text + *i;
	uint32_t v;
	char unit;

	if (d == 0 || *i + d >= n)
		return FAIL("main mode rekey", text, n, "expected NNNQ (quick modes) and/or "
		    "NNNS (seconds), e.g. 10Q/28800S");
	*i += d;
	unit = text[(*i)++];
	if ((unit == 'q' || unit == 'Q') && !*seen_q) {
		if (ipp_lex_u32(num, d, 0, QM_PER_MM_MAX, &v) == -1)
			return FAIL("main mode rekey", text, n, "%.*sQ is not 0 to %u quick modes",
			    (int)d, num, QM_PER_MM_MAX);
		*qm = v;
		*seen_q = true;
	} else if ((unit == 's' || unit == 'S') && !*seen_s) {
		if (ipp_lex_u32(num, d, MM_LIFE_S_MIN, MM_LIFE_S_MAX, &v) == -1 || v % 60 != 0)
			return FAIL("main mode rekey", text, n, "%.*sS is not a whole number of "
			    "minutes from %u to %u seconds", (int)d, num, MM_LIFE_S_MIN,
			    MM_LIFE_S_MAX);
		*min = v / 60;
		*seen_s = true;
	} else
		return FAIL("main mode rekey", text, n, "expected one Q (quick modes) and/or one "
		    "S (seconds) limit");
	return 0;
}

int
ipp_mmspec_rekey(struct ipp_mm *mm, const char *text, struct ipp_err *e)
{
	uint32_t qm = mm->qm_per_mm, min = mm->lifetime_min;
	bool seen_q = false, seen_s = false;
	size_t i = 0;

	if (rekey_part(text, &i, &qm, &min, &seen_q, &seen_s, e) == -1)
		return -1;
	if (text[i] == '/') {
		i++;
		if (rekey_part(text, &i, &qm, &min, &seen_q, &seen_s, e) == -1)
			return -1;
	}
	if (text[i] != '\0')
		return FAIL("main mode rekey", text, strlen(text), "unexpected text after the "
		    "limits (expected NNNQ/NNNS)");
	mm->qm_per_mm = qm;
	mm->lifetime_min = min;
	return 0;
}

int
ipp_mmspec_policy(const char *text, char **name, uint32_t *poll_min, struct ipp_err *e)
{
	size_t n = strlen(text), nlen = n;
	const char *colon = strrchr(text, ':');

	*name = NULL;
	*poll_min = 0;
	if (colon != NULL) {
		nlen = (size_t)(colon - text);
		char b[IPP_LEX_SHOWLEN];

		if (ipp_lex_u32(colon + 1, n - nlen - 1, 1, POLL_MIN_MAX, poll_min) == -1)
			return FAIL("policy", text, n, "poll interval '%s' is not a number of "
			    "minutes from 1 to %u", ipp_lex_show(colon + 1, n - nlen - 1, b),
			    POLL_MIN_MAX);
	}
	if (nlen == 0)
		return FAIL("policy", text, n, "empty policy name (expected -p Name[:PollInterval])");
	if (nlen > IPP_NAME_MAX)
		return FAIL("policy", text, n, "name longer than %d bytes", IPP_NAME_MAX);
	if ((*name = strndup(text, nlen)) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	return 0;
}
