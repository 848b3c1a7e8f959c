/* ipp_authspec: authentication method lists (grammar in authspec.h). */
#include <stdlib.h>
#include <string.h>

#include "cli/authspec.h"
#include "cli/lex.h"

#define WHAT	"authentication method"

static const struct {
	const char *name, *abbrev;
	enum ipp_auth_kind kind;
} methods[] = {
	{ "KERBEROS", "K", IPP_AUTH_KERBEROS },
	{ "PRESHARE", "P", IPP_AUTH_PSK },
	{ "CERT", "C", IPP_AUTH_CERT },
};

/* Takes ownership of value (wiping it if it cannot be kept). */
static int
push(struct ipp_authlist *l, enum ipp_auth_kind kind, char *value, struct ipp_err *e)
{
	struct ipp_auth a = { .kind = kind, .value = value };

	if (ipp_array_push(&l->v, &l->n, sizeof(a), &a) == NULL) {
		ipp_auth_clear(&a);
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	}
	return 0;
}

/* Back to n0 methods; a list that was empty gives its array back too. */
static void
rollback(struct ipp_authlist *l, size_t n0)
{
	while (l->n > n0)
		ipp_auth_clear(&l->v[--l->n]);
	if (n0 == 0) {
		free(l->v);
		l->v = NULL;
	}
}

static int
check_dn(const char *dn, size_t n, struct ipp_err *e)
{
	if (n == 0)
		return ipp_errf(e, IPP_E_INVAL, WHAT " 'CERT': empty CA name (expected a "
		    "distinguished name such as CN=My Root CA)");
	if (memchr(dn, '=', n) == NULL)
		return ipp_lex_fail(e, "CA name", dn, n, "not a distinguished name (expected "
		    "e.g. CN=My Root CA)");
	return 0;
}

/* The value after "KEYWORD:", quoted or running to the end; *end is where parsing goes on. */
static int
value(const char *kw, const char *s, size_t *len, size_t *skip, struct ipp_err *e)
{
	const char *close;

	if (s[0] != '"') {
		*len = strlen(s);
		*skip = *len;
	} else if ((close = strchr(s + 1, '"')) == NULL) {
		return ipp_errf(e, IPP_E_INVAL, WHAT " '%s': the value has no closing quote", kw);
	} else {
		s++;
		*len = (size_t)(close - s);
		*skip = *len + 2;
		if (close[1] != '\0' && close[1] != ' ' && close[1] != '\t')
			return ipp_errf(e, IPP_E_INVAL, WHAT " '%s': unexpected text after the "
			    "closing quote (separate methods with blanks)", kw);
	}
	if (*len == 0)
		return ipp_errf(e, IPP_E_INVAL, WHAT " '%s': empty value (expected %s)", kw,
		    strcmp(kw, "CERT") == 0 ? "CERT:\"CA name\"" : "PRESHARE:\"key\"");
	return 0;
}

/* One method at s; *used is how much of s it took. */
static int
method(struct ipp_authlist *l, const char *s, size_t *used, struct ipp_err *e)
{
	size_t kn = strcspn(s, ": \t"), vlen = 0, skip = 0;
	const char *vs;
	char *v;

	for (size_t m = 0; m < sizeof(methods) / sizeof(methods[0]); m++) {
		if (!ipp_lex_eq(s, kn, methods[m].name) && !ipp_lex_eq(s, kn, methods[m].abbrev))
			continue;
		if (methods[m].kind == IPP_AUTH_KERBEROS) {
			if (s[kn] == ':')
				return ipp_errf(e, IPP_E_INVAL, WHAT " 'KERBEROS': takes no value");
			*used = kn;
			return push(l, IPP_AUTH_KERBEROS, NULL, e);
		}
		if (s[kn] != ':')
			return ipp_errf(e, IPP_E_INVAL, WHAT " '%s': needs a value, e.g. %s",
			    methods[m].name, methods[m].kind == IPP_AUTH_PSK ?
			    "PRESHARE:\"key\"" : "CERT:\"CN=My Root CA\"");
		if (value(methods[m].name, s + kn + 1, &vlen, &skip, e) == -1)
			return -1;
		vs = s + kn + 1 + (s[kn + 1] == '"');
		if (methods[m].kind == IPP_AUTH_CERT && check_dn(vs, vlen, e) == -1)
			return -1;
		*used = kn + 1 + skip;
		if ((v = strndup(vs, vlen)) == NULL)
			return ipp_errf(e, IPP_E_NOMEM, "out of memory");
		return push(l, methods[m].kind, v, e);
	}
	return ipp_lex_fail(e, WHAT, s, kn, "expected KERBEROS, PRESHARE:\"key\" or "
	    "CERT:\"CA name\" (or K, P:\"key\", C:\"CA name\")");
}

int
ipp_authspec_add(struct ipp_authlist *l, const char *text, struct ipp_err *e)
{
	size_t n0 = l->n, i = 0, used = 0;

	for (;;) {
		i += strspn(text + i, " \t");
		if (text[i] == '\0')
			break;
		if (method(l, text + i, &used, e) == -1) {
			rollback(l, n0);
			return -1;
		}
		i += used;
	}
	if (l->n == n0)
		return ipp_errf(e, IPP_E_INVAL, WHAT " list is empty (expected KERBEROS, "
		    "PRESHARE:\"key\" or CERT:\"CA name\")");
	return 0;
}

int
ipp_authspec_add_kerberos(struct ipp_authlist *l, struct ipp_err *e)
{
	return push(l, IPP_AUTH_KERBEROS, NULL, e);
}

int
ipp_authspec_add_psk(struct ipp_authlist *l, const char *key, struct ipp_err *e)
{
	char *v;

	if (key[0] == '\0')
		return ipp_errf(e, IPP_E_INVAL, "psk: empty preshared key");
	if ((v = strdup(key)) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	return push(l, IPP_AUTH_PSK, v, e);
}

/* Strips a trailing "certmap:yes|no" or "excludecaname:yes|no" off value[0..*n). */
static int
rootca_option(const char *value, size_t *n, struct ipp_auth *a, unsigned *seen,
    struct ipp_err *e)
{
	static const char *const opts[] = { "certmap:", "excludecaname:" };
	size_t end = *n, start;
	bool b;

	while (end > 0 && (value[end - 1] == ' ' || value[end - 1] == '\t'))
		end--;
	start = end;
	while (start > 0 && value[start - 1] != ' ' && value[start - 1] != '\t')
		start--;
	for (unsigned k = 0; k < 2; k++) {
		size_t p = ipp_lex_prefix(value + start, end - start, opts[k]);

		if (p == 0)
			continue;
		if (*seen & (1u << k))
			return ipp_lex_fail(e, "rootca option", value + start, end - start,
			    "given twice");
		if (ipp_lex_bool(value + start + p, end - start - p, &b) == -1)
			return ipp_lex_fail(e, "rootca option", value + start, end - start,
			    "expected yes or no after '%s'", opts[k]);
		if (k == 0)
			a->certmap = b;
		else
			a->excludecaname = b;
		*seen |= 1u << k;
		*n = start;
		return 1;
	}
	return 0;
}

int
ipp_authspec_add_rootca(struct ipp_authlist *l, const char *value, struct ipp_err *e)
{
	struct ipp_auth a = { .kind = IPP_AUTH_CERT };
	size_t n = strlen(value), o = 0, start;
	unsigned seen = 0;
	int rc;

	while ((rc = rootca_option(value, &n, &a, &seen, e)) == 1)
		continue;
	if (rc == -1)
		return -1;
	start = strspn(value, " \t");
	while (n > start && (value[n - 1] == ' ' || value[n - 1] == '\t'))
		n--;
	if (check_dn(value + start, n - start, e) == -1)
		return -1;
	if ((a.value = malloc(n - start + 1)) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	/* netsh cannot quote a quote; it spells an embedded " as \'. */
	for (size_t i = start; i < n; i++) {
		if (value[i] == '\\' && i + 1 < n && value[i + 1] == '\'') {
			a.value[o++] = '"';
			i++;
		} else
			a.value[o++] = value[i];
	}
	a.value[o] = '\0';
	if (ipp_array_push(&l->v, &l->n, sizeof(a), &a) == NULL) {
		ipp_auth_clear(&a);
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	}
	return 0;
}

void
ipp_authspec_clear(struct ipp_authlist *l)
{
	rollback(l, 0);
}
