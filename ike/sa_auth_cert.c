/*
 * ike_auth_cert: Main Mode authenticated by X.509 certificates (RFC 2409 §5.1 with RFC 4945
 * profiles): CERTREQ naming the rule's root CAs in messages 3 and 4, our subject as a
 * DER_ASN1_DN ID, our certificate and a SIG over HASH_I/HASH_R in messages 5 and 6.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike/cert.h"
#include "ike/sa_auth.h"

static int
cert_v1_keys(const struct ike_sa *sa, struct ike_v1_keys *k, const struct ike_v1_p1_in *in,
    struct ipp_err *err)
{
	(void)sa;
	return ike_v1_keys_sig(k, in, err);
}

static int
cert_v1_prove(const struct ike_sa *sa, const uint8_t *hash, size_t hlen, uint8_t *out,
    size_t *olen)
{
	return ike_certs_sign(sa->certs, hash, hlen, out, olen);
}

static bool
cert_v1_verify(const struct ike_sa *sa, const uint8_t *hash, size_t hlen,
    const uint8_t *proof, size_t plen)
{
	return sa->peer_cert != NULL &&
	    ike_cert_peer_check_sig(sa->peer_cert, hash, hlen, proof, plen);
}

/*
 * One CERTREQ per root CA the rule names; a CA whose name is excluded (excludecaname) or
 * not among the loaded CAs is asked for with an empty authority, which peers answer with
 * their certificate all the same.
 */
static int
cert_v1_put_req(const struct ike_sa *sa, struct isakmp_buf *b)
{
	uint8_t der[IKE_CERT_DER_MAX];
	bool empty = false;
	size_t sent = 0;

	for (size_t i = 0; i < sa->ncas; i++) {
		size_t len = sizeof(der);
		struct ipp_err err;

		if (sa->cas[i].exclude ||
		    ike_certs_ca_der(sa->certs, sa->cas[i].dn, der, &len, &err) != 0) {
			empty = true;
			continue;
		}
		isakmp_put_cert(b, ISAKMP_PL_CR, ISAKMP_CERT_X509_SIG, der, len);
		sent++;
	}
	if (empty || sent == 0)
		isakmp_put_cert(b, ISAKMP_PL_CR, ISAKMP_CERT_X509_SIG, NULL, 0);
	return b->err.code == ISAKMP_OK ? 0 : -1;
}

static int
cert_v1_our_id(const struct ike_sa *sa, struct isakmp_id *id, uint8_t *data, size_t max)
{
	size_t len;
	const uint8_t *dn = ike_certs_subject_der(sa->certs, &len);

	if (len > max)
		return -1;
	memset(id, 0, sizeof(*id));
	id->type = ISAKMP_ID_DER_ASN1_DN;
	/* RFC 2407 §4.6.2: UDP port 500, as with our other IDs. */
	id->proto = IPPROTO_UDP;
	id->port = 500;
	memcpy(data, dn, len);
	id->data = data;
	id->len = len;
	return 0;
}

static int
cert_v1_put_cred(const struct ike_sa *sa, struct isakmp_buf *b)
{
	size_t len;
	const uint8_t *der = ike_certs_der(sa->certs, &len);

	return isakmp_put_cert(b, ISAKMP_PL_CERT, ISAKMP_CERT_X509_SIG, der, len);
}

static int
cert_v1_peer(struct ike_sa *sa, const struct isakmp_chain *c, const struct isakmp_id *id,
    struct ipp_err *err)
{
	const uint8_t *certs[IKE_CERT_CHAIN_MAX];
	const char *dns[16];
	size_t lens[IKE_CERT_CHAIN_MAX], n = 0, nca = 0, from = 0;
	const struct isakmp_pl *pl;

	while ((pl = isakmp_chain_next(c, ISAKMP_PL_CERT, &from)) != NULL) {
		struct isakmp_cert ce;
		struct isakmp_err ie;

		if (isakmp_cert_decode(pl, &ce, &ie) != 0 || ce.enc != ISAKMP_CERT_X509_SIG)
			continue;
		if (n == IKE_CERT_CHAIN_MAX)
			return ipp_errf(err, IPP_E_INVAL, "more than %d certificates sent",
			    IKE_CERT_CHAIN_MAX);
		certs[n] = ce.data;
		lens[n++] = ce.len;
	}
	if (n == 0)
		return ipp_errf(err, IPP_E_INVAL, "no X.509 certificate (CERT payload, "
		    "encoding 4) sent, and none is configured for the peer");
	for (size_t i = 0; i < sa->ncas && nca < 16; i++)
		dns[nca++] = sa->cas[i].dn;
	ike_cert_peer_free(sa->peer_cert);
	sa->peer_cert = NULL;
	if (ike_cert_peer_verify(sa->certs, certs, lens, n, dns, nca, &sa->peer_cert,
	    err) != 0)
		return -1;
	snprintf(sa->peer_id, sizeof(sa->peer_id), "%s", ike_cert_peer_subject(sa->peer_cert));
	if (ike_cert_peer_id(sa->peer_cert, id->type, id->data, id->len, err) != 0)
		return -1;
	if (ike_cert_peer_v1_method(sa->peer_cert) != sa->chosen.auth_method)
		return ipp_errf(err, IPP_E_INVAL, "certificate '%s': its key does not sign "
		    "with the authentication method agreed (%u)", sa->peer_id,
		    sa->chosen.auth_method);
	return 0;
}

const struct ike_auth_ops ike_auth_cert_ops = {
	.kind = IPP_AUTH_CERT,
	.v1_method = 0,		/* our key's: ike_auth_v1_method() */
	.v1_proof = ISAKMP_PL_SIG,
	.name = "certificate",
	.v1_keys = cert_v1_keys,
	.v1_prove = cert_v1_prove,
	.v1_verify = cert_v1_verify,
	.v1_put_req = cert_v1_put_req,
	.v1_our_id = cert_v1_our_id,
	.v1_put_cred = cert_v1_put_cred,
	.v1_peer = cert_v1_peer,
};

uint16_t
ike_auth_v1_method(const struct ike_engine *e, enum ipp_auth_kind kind)
{
	const struct ike_auth_ops *ops = ike_auth_ops(kind);

	if (ops == NULL)
		return 0;
	return ops->v1_method != 0 ? ops->v1_method : ike_certs_v1_method(e->certs);
}

bool
ike_auth_prop_ok(const struct ike_engine *e, const struct ike_mm_prop *p)
{
	return p->auth != IPP_AUTH_CERT ||
	    p->auth_method == ike_auth_v1_method(e, IPP_AUTH_CERT);
}

int
ike_auth_bind_cas(struct ike_engine *e, struct ike_sa *sa, const struct ipp_auth *a,
    size_t n)
{
	ike_auth_release(sa);
	sa->certs = e->certs;
	if ((sa->cas = calloc(n > 0 ? n : 1, sizeof(*sa->cas))) == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (a[i].kind != IPP_AUTH_CERT || a[i].value == NULL || a[i].value[0] == '\0')
			continue;
		if ((sa->cas[sa->ncas].dn = strdup(a[i].value)) == NULL)
			return -1;
		sa->cas[sa->ncas++].exclude = a[i].excludecaname;
	}
	return 0;
}

void
ike_auth_release(struct ike_sa *sa)
{
	for (size_t i = 0; i < sa->ncas; i++)
		free(sa->cas[i].dn);
	free(sa->cas);
	sa->cas = NULL;
	sa->ncas = 0;
	ike_cert_peer_free(sa->peer_cert);
	sa->peer_cert = NULL;
}
