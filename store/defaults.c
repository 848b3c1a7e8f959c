/*
 * ipp_defaults: what Windows 2000 puts where a policy says nothing (windows-cli.md §1.4,
 * §1.5, §6), and which offers count as legacy.
 */
#include <stdlib.h>
#include <string.h>

#include "store/model.h"

static const struct ipp_mm_offer default_mm[] = {
	{ IPP_CIPHER_3DES, IPP_HASH_SHA1, 2 },
	{ IPP_CIPHER_3DES, IPP_HASH_MD5, 2 },
	{ IPP_CIPHER_DES, IPP_HASH_SHA1, 1 },
	{ IPP_CIPHER_DES, IPP_HASH_MD5, 1 },
};

static const struct {
	enum ipp_qm_proto proto;
	enum ipp_cipher cipher;
	enum ipp_hash hash;
} default_qm[] = {
	{ IPP_QM_ESP, IPP_CIPHER_3DES, IPP_HASH_SHA1 },
	{ IPP_QM_ESP, IPP_CIPHER_3DES, IPP_HASH_MD5 },
	{ IPP_QM_ESP, IPP_CIPHER_DES, IPP_HASH_SHA1 },
	{ IPP_QM_ESP, IPP_CIPHER_DES, IPP_HASH_MD5 },
	{ IPP_QM_AH, IPP_CIPHER_NONE, IPP_HASH_SHA1 },
	{ IPP_QM_AH, IPP_CIPHER_NONE, IPP_HASH_MD5 },
};

#define NDEFAULT_MM (sizeof(default_mm) / sizeof(default_mm[0]))
#define NDEFAULT_QM (sizeof(default_qm) / sizeof(default_qm[0]))

static struct ipp_qm_offer *
default_qm_offers(void)
{
	struct ipp_qm_offer *v = calloc(NDEFAULT_QM, sizeof(*v));

	if (v == NULL)
		return NULL;
	for (size_t i = 0; i < NDEFAULT_QM; i++) {
		ipp_qm_offer_init(&v[i]);
		v[i].proto = default_qm[i].proto;
		if (default_qm[i].proto == IPP_QM_AH) {
			v[i].ah_hash = default_qm[i].hash;
		} else {
			v[i].esp_cipher = default_qm[i].cipher;
			v[i].esp_auth = default_qm[i].hash;
		}
	}
	return v;
}

int
ipp_policy_fill_defaults(struct ipp_policy *p, struct ipp_err *e)
{
	struct ipp_mm_offer *mm = NULL;
	struct ipp_qm_offer *qm = NULL;
	struct ipp_auth *auth = NULL;

	/* Allocate everything first, so a failure leaves the policy as it was. */
	if ((p->mm.noffers == 0 && (mm = calloc(NDEFAULT_MM, sizeof(*mm))) == NULL) ||
	    (p->defrule.noffers == 0 && (qm = default_qm_offers()) == NULL) ||
	    (p->defrule.nauth == 0 && (auth = calloc(1, sizeof(*auth))) == NULL)) {
		free(mm);
		free(qm);
		free(auth);
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	}
	if (mm != NULL) {
		memcpy(mm, default_mm, sizeof(default_mm));
		free(p->mm.offers);
		p->mm.offers = mm;
		p->mm.noffers = NDEFAULT_MM;
	}
	if (qm != NULL) {
		free(p->defrule.offers);
		p->defrule.offers = qm;
		p->defrule.noffers = NDEFAULT_QM;
	}
	if (auth != NULL) {
		auth->kind = IPP_AUTH_KERBEROS;
		free(p->defrule.auth);
		p->defrule.auth = auth;
		p->defrule.nauth = 1;
	}
	return 0;
}

bool
ipp_qm_offer_is_legacy(const struct ipp_qm_offer *o)
{
	bool ah = o->proto == IPP_QM_AH || o->proto == IPP_QM_AH_ESP;
	bool esp = o->proto == IPP_QM_ESP || o->proto == IPP_QM_AH_ESP;

	return (ah && ipp_hash_is_legacy(o->ah_hash)) ||
	    (esp && (ipp_cipher_is_legacy(o->esp_cipher) || ipp_hash_is_legacy(o->esp_auth))) ||
	    (o->pfs && ipp_group_is_legacy(o->pfs_group));
}

bool
ipp_mm_offer_is_legacy(const struct ipp_mm_offer *o)
{
	return ipp_cipher_is_legacy(o->cipher) || ipp_hash_is_legacy(o->hash) ||
	    ipp_group_is_legacy(o->group);
}
