/* ike_auth: authentication methods behind one seam (preshared keys; certificates in
 * sa_auth_cert.c). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "ike/cert.h"
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
	switch (kind) {
	case IPP_AUTH_PSK:
		return &psk_ops;
	case IPP_AUTH_CERT:
		return &ike_auth_cert_ops;
	case IPP_AUTH_KERBEROS:
		break;
	}
	return NULL;
}

/* Why a[i] cannot be used here, or NULL when it can. */
static const char *
unusable(const struct ike_engine *e, const struct ipp_auth *a)
{
	switch (a->kind) {
	case IPP_AUTH_KERBEROS:
		return "Kerberos (no Kerberos IKE on Linux)";
	case IPP_AUTH_CERT:
		if (a->value == NULL || a->value[0] == '\0')
			return "certificate without a root CA name";
		if (!ike_certs_have_key(e->certs))
			return "certificate, but no ike_cert_file/ike_key_file is configured";
		if (!ike_certs_have_cas(e->certs))
			return "certificate, but no ike_ca_file/ike_ca_dir is configured";
		return NULL;
	case IPP_AUTH_PSK:
		return a->value != NULL && a->value[0] != '\0' ? NULL : "empty preshared key";
	}
	return "unknown method";
}

const struct ipp_auth *
ike_auth_pick(struct ike_engine *e, const struct ipp_auth *a, size_t n, const char *who,
    bool verbose)
{
	for (size_t i = 0; i < n; i++) {
		const char *why = unusable(e, &a[i]);

		if (why == NULL)
			return &a[i];
		if (verbose)
			ike_log(e, LOG_INFO, "%s: authentication method %zu skipped: %s", who,
			    i + 1, why);
	}
	ike_log(e, verbose ? LOG_ERR : LOG_DEBUG, "%s: no usable authentication method "
	    "(%zu listed); add a preshared key or a certificate to the rule", who, n);
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
		/* The peer's certificate chains to the CA this method names. */
		if (a[i].kind == IPP_AUTH_CERT && a[i].value != NULL &&
		    sa->peer_cert != NULL &&
		    ike_cert_peer_anchor(sa->peer_cert) < sa->ncas &&
		    strcasecmp(sa->cas[ike_cert_peer_anchor(sa->peer_cert)].dn,
		    a[i].value) == 0)
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
