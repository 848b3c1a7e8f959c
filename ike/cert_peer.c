/* ike_cert_peer: a peer's certificate chain, its identity and its signature. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include "ike/cert_int.h"
#include "ike/isakmp.h"

struct ike_cert_peer {
	X509		*cert;
	EVP_PKEY	*key;		/* cert's, not owned */
	uint16_t	method;
	size_t		anchor;
	char		subject[IKE_CERT_NAME_MAX];
};

static X509 *
decode(const uint8_t *der, size_t len)
{
	const unsigned char *p = der;
	X509 *x;

	if (len == 0 || len > IKE_CERT_DER_MAX)
		return NULL;
	x = d2i_X509(NULL, &p, (long)len);
	if (x != NULL && p != der + len) {
		X509_free(x);
		x = NULL;
	}
	return x;
}

/* What the chain check refused, in words an administrator acts on. */
static int
chain_error(X509_STORE_CTX *ctx, const char *subject, struct ipp_err *e)
{
	int code = X509_STORE_CTX_get_error(ctx);
	X509 *at = X509_STORE_CTX_get_current_cert(ctx);
	char who[IKE_CERT_NAME_MAX], issuer[IKE_CERT_NAME_MAX];
	const char *why;

	who[0] = issuer[0] = '\0';
	if (at != NULL) {
		ike_cert_name_str(X509_get_subject_name(at), who, sizeof(who));
		ike_cert_name_str(X509_get_issuer_name(at), issuer, sizeof(issuer));
	}
	switch (code) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
		why = "expired";
		break;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		why = "not valid yet";
		break;
	case X509_V_ERR_CERT_REVOKED:
		why = "revoked (on the CRL of its issuer)";
		break;
	case X509_V_ERR_UNABLE_TO_GET_CRL:
		return ipp_errf(e, IPP_E_INVAL, "certificate '%s': refused: no CRL of its "
		    "issuer '%s' in ike_crl_file (CRLs are configured, so one is required)",
		    who, issuer);
	case X509_V_ERR_CRL_HAS_EXPIRED:
		why = "checked against an expired CRL (refresh ike_crl_file)";
		break;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
		return ipp_errf(e, IPP_E_INVAL, "certificate '%s': refused: wrong CA: issued "
		    "by '%s', which is not a trusted CA (ike_ca_file, ike_ca_dir)", who,
		    issuer);
	default:
		why = X509_verify_cert_error_string(code);
		break;
	}
	if (strcmp(who, subject) != 0)
		return ipp_errf(e, IPP_E_INVAL, "certificate '%s': refused: certificate '%s' "
		    "of its chain is %s", subject, who, why);
	return ipp_errf(e, IPP_E_INVAL, "certificate '%s': refused: %s", subject, why);
}

static int
chain_check(const struct ike_certs *cs, X509 *leaf, STACK_OF(X509) *untrusted,
    const char *subject, STACK_OF(X509) **chain, struct ipp_err *e)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	int r = -1;

	if (ctx == NULL || X509_STORE_CTX_init(ctx, cs->store, leaf, untrusted) != 1) {
		X509_STORE_CTX_free(ctx);
		return ipp_errf(e, IPP_E_NOMEM, "certificate '%s': out of memory", subject);
	}
	if (X509_verify_cert(ctx) == 1) {
		*chain = X509_STORE_CTX_get1_chain(ctx);
		r = *chain != NULL ? 0 : ipp_errf(e, IPP_E_NOMEM, "out of memory");
	} else {
		chain_error(ctx, subject, e);
	}
	X509_STORE_CTX_free(ctx);
	ERR_clear_error();
	return r;
}

/* The first CA of the chain (above the peer's own) that a rule names. */
static int
anchor(STACK_OF(X509) *chain, const char *const *ca_dns, size_t nca, const char *subject,
    size_t *out, struct ipp_err *e)
{
	char root[IKE_CERT_NAME_MAX];
	int n = sk_X509_num(chain);

	for (int i = 1; i < n; i++)
		for (size_t j = 0; j < nca; j++)
			if (ike_cert_name_match(ca_dns[j],
			    X509_get_subject_name(sk_X509_value(chain, i)))) {
				*out = j;
				return 0;
			}
	ike_cert_name_str(X509_get_subject_name(sk_X509_value(chain, n - 1)), root,
	    sizeof(root));
	return ipp_errf(e, IPP_E_INVAL, "certificate '%s': refused: wrong CA: it chains to "
	    "'%s', but the rule trusts only %s%s%s", subject, root,
	    nca > 0 ? "'" : "no CA", nca > 0 ? ca_dns[0] : "",
	    nca > 1 ? "' and others" : nca > 0 ? "'" : "");
}

int
ike_cert_peer_verify(const struct ike_certs *cs, const uint8_t *const *certs,
    const size_t *lens, size_t n, const char *const *ca_dns, size_t nca,
    struct ike_cert_peer **out, struct ipp_err *e)
{
	STACK_OF(X509) *untrusted = NULL, *chain = NULL;
	struct ike_cert_peer *p;
	int r = -1;

	*out = NULL;
	if (cs == NULL || cs->store == NULL)
		return ipp_errf(e, IPP_E_INVAL, "no CA configured (ike_ca_file, ike_ca_dir): "
		    "cannot check certificates");
	if (n == 0 || n > IKE_CERT_CHAIN_MAX)
		return ipp_errf(e, IPP_E_INVAL, "%zu certificates sent; expected 1 to %d", n,
		    IKE_CERT_CHAIN_MAX);
	if ((p = calloc(1, sizeof(*p))) == NULL || (untrusted = sk_X509_new_null()) == NULL)
		goto nomem;
	if ((p->cert = decode(certs[0], lens[0])) == NULL) {
		ipp_errf(e, IPP_E_INVAL, "the peer's certificate (%zu bytes) is not DER X.509",
		    lens[0]);
		goto out;
	}
	ike_cert_name_str(X509_get_subject_name(p->cert), p->subject, sizeof(p->subject));
	for (size_t i = 1; i < n; i++) {
		X509 *x = decode(certs[i], lens[i]);

		if (x != NULL && sk_X509_push(untrusted, x) <= 0)
			X509_free(x);
	}
	if (chain_check(cs, p->cert, untrusted, p->subject, &chain, e) != 0 ||
	    anchor(chain, ca_dns, nca, p->subject, &p->anchor, e) != 0)
		goto out;
	if ((X509_get_extension_flags(p->cert) & EXFLAG_KUSAGE) &&
	    !(X509_get_key_usage(p->cert) & KU_DIGITAL_SIGNATURE)) {
		ipp_errf(e, IPP_E_INVAL, "certificate '%s': refused: its key usage does not "
		    "include digitalSignature", p->subject);
		goto out;
	}
	if ((p->key = X509_get0_pubkey(p->cert)) == NULL ||
	    (p->method = ike_cert_key_method(p->key)) == 0) {
		ipp_errf(e, IPP_E_INVAL, "certificate '%s': refused: its key is neither RSA "
		    "nor ECDSA on P-256, P-384 or P-521", p->subject);
		goto out;
	}
	*out = p;
	p = NULL;
	r = 0;
	goto out;
nomem:
	ipp_errf(e, IPP_E_NOMEM, "out of memory");
out:
	sk_X509_pop_free(untrusted, X509_free);
	sk_X509_pop_free(chain, X509_free);
	ike_cert_peer_free(p);
	ERR_clear_error();
	return r;
}

void
ike_cert_peer_free(struct ike_cert_peer *p)
{
	if (p == NULL)
		return;
	X509_free(p->cert);
	free(p);
}

const char *
ike_cert_peer_subject(const struct ike_cert_peer *p)
{
	return p->subject;
}

size_t
ike_cert_peer_anchor(const struct ike_cert_peer *p)
{
	return p->anchor;
}

uint16_t
ike_cert_peer_v1_method(const struct ike_cert_peer *p)
{
	return p->method;
}

static bool
san_has(const X509 *x, int type, const uint8_t *data, size_t len)
{
	GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	bool found = false;

	for (int i = 0; gens != NULL && !found && i < sk_GENERAL_NAME_num(gens); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		const ASN1_STRING *s;

		if (g->type != type)
			continue;
		s = type == GEN_IPADD ? g->d.iPAddress : type == GEN_DNS ? g->d.dNSName :
		    g->d.rfc822Name;
		if ((size_t)ASN1_STRING_length(s) != len)
			continue;
		found = type == GEN_IPADD ?
		    memcmp(ASN1_STRING_get0_data(s), data, len) == 0 :
		    strncasecmp((const char *)ASN1_STRING_get0_data(s), (const char *)data,
		    len) == 0;
	}
	GENERAL_NAMES_free(gens);
	return found;
}

int
ike_cert_peer_id(const struct ike_cert_peer *p, uint8_t type, const uint8_t *data,
    size_t len, struct ipp_err *e)
{
	const unsigned char *q = data;
	X509_NAME *n;
	bool ok;

	switch (type) {
	case ISAKMP_ID_DER_ASN1_DN:
		n = len <= IKE_CERT_DER_MAX ? d2i_X509_NAME(NULL, &q, (long)len) : NULL;
		ok = n != NULL && q == data + len &&
		    X509_NAME_cmp(n, X509_get_subject_name(p->cert)) == 0;
		X509_NAME_free(n);
		ERR_clear_error();
		if (!ok)
			return ipp_errf(e, IPP_E_INVAL, "certificate '%s': the peer's ID (a DN) "
			    "is not the certificate's subject", p->subject);
		return 0;
	case ISAKMP_ID_IPV4_ADDR:
	case ISAKMP_ID_IPV6_ADDR:
		if (len == (type == ISAKMP_ID_IPV4_ADDR ? 4u : 16u) &&
		    san_has(p->cert, GEN_IPADD, data, len))
			return 0;
		return ipp_errf(e, IPP_E_INVAL, "certificate '%s': the peer's ID (an address) "
		    "is not among the certificate's subjectAltName addresses", p->subject);
	case ISAKMP_ID_FQDN:
	case ISAKMP_ID_USER_FQDN:
		if (san_has(p->cert, type == ISAKMP_ID_FQDN ? GEN_DNS : GEN_EMAIL, data, len))
			return 0;
		return ipp_errf(e, IPP_E_INVAL, "certificate '%s': the peer's ID '%.*s' is not "
		    "among the certificate's subjectAltName %s", p->subject,
		    (int)(len > 64 ? 64 : len), (const char *)data,
		    type == ISAKMP_ID_FQDN ? "DNS names" : "e-mail addresses");
	}
	return ipp_errf(e, IPP_E_INVAL, "certificate '%s': the peer's ID type %s is not "
	    "accepted with a certificate", p->subject, isakmp_id_type_name(type));
}

/* A DER ECDSA-Sig-Value from r | s. */
static int
ecdsa_der(const struct ike_cert_peer *p, const uint8_t *sig, size_t slen, uint8_t *der,
    size_t *dlen)
{
	size_t half = ((size_t)EVP_PKEY_get_bits(p->key) + 7) / 8;
	ECDSA_SIG *s;
	BIGNUM *r, *ss;
	unsigned char *q = der;
	int n = -1;

	if (slen != 2 * half || (s = ECDSA_SIG_new()) == NULL)
		return -1;
	r = BN_bin2bn(sig, (int)half, NULL);
	ss = BN_bin2bn(sig + half, (int)half, NULL);
	if (r != NULL && ss != NULL && ECDSA_SIG_set0(s, r, ss) == 1) {
		r = ss = NULL;
		if ((n = i2d_ECDSA_SIG(s, NULL)) > 0 && (size_t)n <= *dlen)
			n = i2d_ECDSA_SIG(s, &q);
		else
			n = -1;
	}
	BN_free(r);
	BN_free(ss);
	ECDSA_SIG_free(s);
	if (n <= 0)
		return -1;
	*dlen = (size_t)n;
	return 0;
}

bool
ike_cert_peer_check_sig(const struct ike_cert_peer *p, const uint8_t *hash, size_t hlen,
    const uint8_t *sig, size_t slen)
{
	uint8_t der[IKE_CERT_SIG_MAX];
	size_t dlen = sizeof(der);
	EVP_PKEY_CTX *ctx;
	bool rsa = EVP_PKEY_get_base_id(p->key) == EVP_PKEY_RSA, ok = false;

	if (slen == 0 || slen > IKE_CERT_SIG_MAX)
		return false;
	if (!rsa && ecdsa_der(p, sig, slen, der, &dlen) != 0)
		return false;
	if ((ctx = EVP_PKEY_CTX_new(p->key, NULL)) == NULL)
		return false;
	ok = EVP_PKEY_verify_init(ctx) == 1 &&
	    (!rsa || EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1) &&
	    EVP_PKEY_verify(ctx, rsa ? sig : der, rsa ? slen : dlen, hash, hlen) == 1;
	EVP_PKEY_CTX_free(ctx);
	ERR_clear_error();
	return ok;
}
