/* ike_auth: authentication methods behind one seam (preshared keys now). */
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "ike/isakmp.h"
#include "ike/sa_auth.h"

static int
psk_v1_keys(const struct ike_sa *sa, struct ike_v1_keys *k, const struct ike_v1_p1_in *in,
    struct ipp_err *err)
{
	return ike_v1_keys_psk(k, in, sa->psk, sa->psk_len, err);
}

/* With a preshared key the proof is HASH_I/HASH_R itself (RFC 2409 §5.4). */
static int
psk_v1_prove(const struct ike_sa *sa, const uint8_t *hash, size_t hlen, uint8_t *out,
    size_t *olen)
{
	(void)sa;
	if (*olen < hlen)
		return -1;
	memcpy(out, hash, hlen);
	*olen = hlen;
	return 0;
}

static bool
psk_v1_verify(const struct ike_sa *sa, const uint8_t *hash, size_t hlen,
    const uint8_t *proof, size_t plen)
{
	(void)sa;
	return plen == hlen && ike_equal(hash, proof, hlen);
}

static const struct ike_auth_ops psk_ops = {
	.kind = IPP_AUTH_PSK,
	.v1_method = ISAKMP_P1_AUTH_PSK,
	.v1_proof = ISAKMP_PL_HASH,
	.name = "preshared key",
	.v1_keys = psk_v1_keys,
	.v1_prove = psk_v1_prove,
	.v1_verify = psk_v1_verify,
};

const struct ike_auth_ops *
ike_auth_ops(enum ipp_auth_kind kind)
{
	return kind == IPP_AUTH_PSK ? &psk_ops : NULL;
}

static const char *
kind_name(enum ipp_auth_kind k)
{
	switch (k) {
	case IPP_AUTH_KERBEROS:
		return "Kerberos (no Kerberos IKE on Linux)";
	case IPP_AUTH_CERT:
		return "certificate (not supported yet)";
	case IPP_AUTH_PSK:
		return "preshared key";
	}
	return "unknown method";
}

const struct ipp_auth *
ike_auth_pick(struct ike_engine *e, const struct ipp_auth *a, size_t n, const char *who,
    bool verbose)
{
	for (size_t i = 0; i < n; i++) {
		if (ike_auth_ops(a[i].kind) != NULL &&
		    (a[i].kind != IPP_AUTH_PSK || (a[i].value != NULL && a[i].value[0] != '\0')))
			return &a[i];
		if (verbose)
			ike_log(e, LOG_INFO, "%s: authentication method %zu skipped: %s", who,
			    i + 1, kind_name(a[i].kind));
	}
	ike_log(e, verbose ? LOG_ERR : LOG_DEBUG, "%s: no usable authentication method "
	    "(%zu listed); add a preshared key to the rule", who, n);
	return NULL;
}

bool
ike_auth_allows(const struct ipp_auth *a, size_t n, const struct ike_sa *sa)
{
	for (size_t i = 0; i < n; i++) {
		if (a[i].kind != sa->auth)
			continue;
		if (a[i].kind == IPP_AUTH_PSK && a[i].value != NULL &&
		    strlen(a[i].value) == sa->psk_len &&
		    ike_equal(a[i].value, sa->psk, sa->psk_len))
			return true;
	}
	return false;
}

int
ike_auth_bind(struct ike_sa *sa, const struct ipp_auth *a)
{
	size_t len;

	sa->auth = a->kind;
	if (a->kind != IPP_AUTH_PSK)
		return 0;
	len = strlen(a->value);
	if (len > IKE_PSK_MAX)
		len = IKE_PSK_MAX;
	if (sa->psk != NULL) {
		ike_wipe(sa->psk, sa->psk_len);
		free(sa->psk);
	}
	sa->psk = malloc(len);
	if (sa->psk == NULL) {
		sa->psk_len = 0;
		return -1;
	}
	memcpy(sa->psk, a->value, len);
	sa->psk_len = len;
	return 0;
}
