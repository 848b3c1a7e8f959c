/*
 * libFuzzer target for the command-line grammars a user types: the first byte picks the
 * parser (filterspec list, negotiation list in either syntax, authentication list,
 * main-mode methods, netsh line splitting), the rest is its text.  Invariants: a failure
 * leaves the list as it was and says why; whatever parses passes the model's validation;
 * a split line's words survive ipp_nargs_quote and a second split unchanged.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/authspec.h"
#include "cli/filterspec.h"
#include "cli/mmspec.h"
#include "cli/negpol.h"
#include "cli/netsh_args.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fspec(const char *s)
{
	struct ipp_fspec_list l = { 0 };
	struct ipp_err e = { 0 };

	if (ipp_fspec_list_add(&l, s, &e) == -1) {
		if (l.n != 0 || e.msg[0] == '\0')
			abort();
	} else {
		for (size_t i = 0; i < l.n; i++)
			if (l.v[i].kind == IPP_FSPEC_FILTER &&
			    ipp_filter_validate(&l.v[i].filter, &e) == -1)
				abort();
	}
	ipp_fspec_list_clear(&l);
}

static void
negpol(const char *s, enum ipp_negpol_syntax syn)
{
	struct ipp_negpol np;
	struct ipp_err e = { 0 };

	ipp_negpol_init(&np);
	if (ipp_negpol_add(&np, s, syn, &e) == -1) {
		if (np.noffers != 0 || e.msg[0] == '\0')
			abort();
	} else {
		for (size_t i = 0; i < np.noffers; i++)
			if (ipp_qm_offer_validate(&np.offers[i], &e) == -1)
				abort();
	}
	ipp_negpol_clear(&np);
}

static void
auth(const char *s)
{
	struct ipp_authlist l = { 0 };
	struct ipp_err e = { 0 };

	if (ipp_authspec_add(&l, s, &e) == -1 && (l.n != 0 || e.msg[0] == '\0'))
		abort();
	ipp_authspec_clear(&l);
}

static void
mm(const char *s)
{
	struct ipp_mm m = { 0 };
	struct ipp_err e = { 0 };

	if (ipp_mmspec_add(&m, s, &e) == -1 && (m.noffers != 0 || e.msg[0] == '\0'))
		abort();
	free(m.offers);
}

static void
split(const char *s)
{
	char **v = NULL, **w = NULL, *q;
	int n = 0, m = 0;
	struct ipp_err e = { 0 };

	if (ipp_nargs_split(s, &v, &n, &e) == -1)
		return;
	for (int i = 0; i < n; i++) {
		if ((q = ipp_nargs_quote(v[i], &e)) == NULL)
			continue;	/* control characters cannot be written */
		if (ipp_nargs_split(q, &w, &m, &e) == -1 || m != 1 || strcmp(w[0], v[i]) != 0)
			abort();
		ipp_nargs_free_argv(w, m);
		free(q);
	}
	ipp_nargs_free_argv(v, n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size < 1 || (s = malloc(size)) == NULL)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	switch (data[0] % 6) {
	case 0:
		fspec(s);
		break;
	case 1:
		negpol(s, IPP_NEGPOL_IPSECPOL);
		break;
	case 2:
		negpol(s, IPP_NEGPOL_NETSH);
		break;
	case 3:
		auth(s);
		break;
	case 4:
		mm(s);
		break;
	default:
		split(s);
		break;
	}
	free(s);
	return 0;
}
