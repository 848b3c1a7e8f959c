/*
 * fuzz_ldap_values: the directory store's decoders of attribute values and entries
 * (store/ldap_values.c), which read what anyone with write access to the directory wrote.
 *
 * Input: one selector byte, then text.  Selectors 0-3 feed the text, NUL-terminated, to one
 * value decoder (filter, quick-mode offer, main-mode offer, authentication); 4-8 read it
 * as "attribute: value" lines into an entry (as libldap hands them over: every value
 * NUL-terminated, possibly with NULs inside) for the policy, main mode, rule, filter list
 * and filter action decoders.  Whatever is decoded is re-encoded, and every encoder's
 * output must decode again.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/ldap_int.h"

static char *
text(const uint8_t *d, size_t n)
{
	char *s = malloc(n + 1);

	if (s != NULL) {
		memcpy(s, d, n);
		s[n] = '\0';
	}
	return s;
}

static void
roundtrip(char *enc, int (*dec)(const char *, void *, struct ipp_err *), void *tmp,
    void (*clear)(void *))
{
	struct ipp_err e = { 0 };

	if (enc == NULL)
		return;
	if (dec(enc, tmp, &e) == -1 && e.code != IPP_E_NOMEM)
		abort();	/* an encoder wrote what its decoder refuses */
	clear(tmp);
	free(enc);
}

static int d_filter(const char *v, void *o, struct ipp_err *e) { return lds_dec_filter(v, o, e); }
static int d_qm(const char *v, void *o, struct ipp_err *e) { return lds_dec_qm_offer(v, o, e); }
static int d_mm(const char *v, void *o, struct ipp_err *e) { return lds_dec_mm_offer(v, o, e); }
static int d_auth(const char *v, void *o, struct ipp_err *e) { return lds_dec_auth(v, o, e); }
static void c_filter(void *o) { ipp_filter_clear(o); }
static void c_none(void *o) { (void)o; }
static void c_auth(void *o) { ipp_auth_clear(o); }

static void
values(uint8_t sel, const char *v)
{
	struct ipp_err e = { 0 };
	struct ipp_filter f, f2;
	struct ipp_qm_offer q, q2;
	struct ipp_mm_offer m, m2;
	struct ipp_auth a, a2;

	switch (sel) {
	case 0:
		if (lds_dec_filter(v, &f, &e) == 0) {
			roundtrip(lds_enc_filter(&f), d_filter, &f2, c_filter);
			ipp_filter_clear(&f);
		}
		break;
	case 1:
		if (lds_dec_qm_offer(v, &q, &e) == 0)
			roundtrip(lds_enc_qm_offer(&q), d_qm, &q2, c_none);
		break;
	case 2:
		if (lds_dec_mm_offer(v, &m, &e) == 0)
			roundtrip(lds_enc_mm_offer(&m), d_mm, &m2, c_none);
		break;
	default:
		if (lds_dec_auth(v, &a, &e) == 0) {
			roundtrip(lds_enc_auth(&a), d_auth, &a2, c_auth);
			ipp_auth_clear(&a);
		}
		break;
	}
}

/* "attr: value" lines into en; a value keeps any NUL bytes of the input. */
static void
entry_parse(const uint8_t *d, size_t n, struct lds_entry *en)
{
	size_t i = 0;

	en->dn = strdup("cn=ipsecpolRule{00000000-0000-0000-0000-000000000001},cn=IP Security,dc=x");
	while (i < n) {
		const uint8_t *line = d + i, *nl = memchr(line, '\n', n - i), *colon;
		size_t len = nl != NULL ? (size_t)(nl - line) : n - i;
		struct lds_attr *at = NULL;
		struct berval *bv;

		i += len + 1;
		if ((colon = memchr(line, ':', len)) == NULL || colon == line)
			continue;
		for (size_t k = 0; k < en->nattrs; k++)
			if (strlen(en->attrs[k].name) == (size_t)(colon - line) &&
			    memcmp(en->attrs[k].name, line, (size_t)(colon - line)) == 0)
				at = &en->attrs[k];
		if (at == NULL) {
			struct lds_attr na = { 0 };

			na.name = text(line, (size_t)(colon - line));
			na.vals = ber_memcalloc(1, sizeof(*na.vals));
			at = ipp_array_push(&en->attrs, &en->nattrs, sizeof(na), &na);
			if (at == NULL)
				return;
		}
		bv = ber_memalloc(sizeof(*bv));
		bv->bv_len = len - (size_t)(colon - line) - 1;
		bv->bv_val = ber_memalloc(bv->bv_len + 1);
		memcpy(bv->bv_val, colon + 1, bv->bv_len);
		bv->bv_val[bv->bv_len] = '\0';
		at->vals = ber_memrealloc(at->vals, (at->n + 2) * sizeof(*at->vals));
		at->vals[at->n++] = bv;
		at->vals[at->n] = NULL;
	}
}

static void
entries(uint8_t sel, const uint8_t *d, size_t n)
{
	struct lds_entry en = { 0 };
	struct ipp_err e = { 0 };
	struct ipp_policy p;
	struct ipp_mm mm;
	struct ipp_rule r;
	struct ipp_filterlist fl;
	struct ipp_filteraction fa;

	entry_parse(d, n, &en);
	switch (sel) {
	case 4:
		if (lds_dec_policy(&en, &p, &e) == 0)
			ipp_policy_clear(&p);
		break;
	case 5:
		if (lds_dec_mainmode(&en, &mm, &e) == 0)
			free(mm.offers);
		break;
	case 6:
		if (lds_dec_rule(&en, &r, &e) == 0)
			ipp_rule_clear(&r);
		break;
	case 7:
		if (lds_dec_filterlist(&en, &fl, &e) == 0)
			ipp_filterlist_clear(&fl);
		break;
	default:
		if (lds_dec_filteraction(&en, &fa, &e) == 0)
			ipp_filteraction_clear(&fa);
		break;
	}
	lds_entry_free(&en);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *v;

	if (size < 1 || size > 8192)
		return 0;
	if (data[0] % 9 >= 4) {
		entries(data[0] % 9, data + 1, size - 1);
		return 0;
	}
	if ((v = text(data + 1, size - 1)) != NULL) {
		values(data[0] % 9, v);
		free(v);
	}
	return 0;
}
