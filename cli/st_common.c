/* ipp_st: values that several netsh-style static commands take. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/authspec.h"
#include "cli/cli.h"
#include "cli/lex.h"
#include "cli/mmspec.h"
#include "cli/negpol.h"

const char *
ipp_st_str(const struct ipp_nargs *a, size_t tag)
{
	const struct ipp_nargs_val *v = ipp_nargs_get(a, tag);

	return v != NULL ? v->str : NULL;
}

int
ipp_st_dup(char **dst, const char *s, struct ipp_err *e)
{
	char *d = NULL;

	if (s != NULL && (d = strdup(s)) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	free(*dst);
	*dst = d;
	return 0;
}

bool
ipp_st_is_all(const char *s)
{
	return s != NULL && strcasecmp(s, "all") == 0;
}

int
ipp_st_guid(char guid[IPP_GUID_SIZE], const char *s, struct ipp_err *e)
{
	char shown[IPP_LEX_SHOWLEN];

	if (s == NULL)
		return 0;
	if (!ipp_guid_valid(s))
		return ipp_errf(e, IPP_E_INVAL, "guid '%s': expected {XXXXXXXX-XXXX-XXXX-XXXX-"
		    "XXXXXXXXXXXX} with hexadecimal digits", ipp_lex_show(s, strlen(s), shown));
	strcpy(guid, s);
	return 0;
}

int
ipp_st_auth(const struct ipp_nargs *a, size_t kerb, size_t psk, size_t rootca,
    struct ipp_auth **v, size_t *n, bool *given, struct ipp_err *e)
{
	struct ipp_authlist l = { 0 };
	int rc = 0;

	*given = false;
	for (size_t i = 0; rc == 0 && i < a->n; i++) {
		const struct ipp_nargs_val *x = &a->v[i];

		if (x->tag == kerb) {
			*given = true;
			if (x->b)
				rc = ipp_authspec_add_kerberos(&l, e);
		} else if (x->tag == psk) {
			*given = true;
			rc = ipp_authspec_add_psk(&l, x->str, e);
		} else if (x->tag == rootca) {
			*given = true;
			rc = ipp_authspec_add_rootca(&l, x->str, e);
		}
	}
	if (rc == -1) {
		ipp_authspec_clear(&l);
		return IPP_EXIT_ERROR;
	}
	if (!*given)
		return IPP_EXIT_OK;
	for (size_t i = 0; i < *n; i++)
		ipp_auth_clear(&(*v)[i]);
	free(*v);
	*v = l.v;
	*n = l.n;
	return IPP_EXIT_OK;
}

int
ipp_st_qmsec(const char *text, struct ipp_qm_offer **v, size_t *n, struct ipp_err *e)
{
	struct ipp_negpol np;
	char shown[IPP_LEX_SHOWLEN];

	ipp_negpol_init(&np);
	if (ipp_negpol_add(&np, text, IPP_NEGPOL_IPSECPOL, e) == -1) {
		ipp_negpol_clear(&np);
		return ipp_err_prefix(e, "qmsecmethods");
	}
	if (np.keyword) {
		ipp_negpol_clear(&np);
		return ipp_errf(e, IPP_E_INVAL, "qmsecmethods '%s': BLOCK, PASS and INPASS are "
		    "not security methods (use action=block|permit or inpass=yes)",
		    ipp_lex_show(text, strlen(text), shown));
	}
	free(*v);
	*v = np.offers;
	*n = np.noffers;
	return 0;
}

int
ipp_st_mmsec(const char *text, struct ipp_mm *mm, struct ipp_err *e)
{
	struct ipp_mm m = { 0 };

	if (ipp_mmspec_add(&m, text, e) == -1) {
		free(m.offers);
		return ipp_err_prefix(e, "mmsecmethods");
	}
	free(mm->offers);
	mm->offers = m.offers;
	mm->noffers = m.noffers;
	return 0;
}
