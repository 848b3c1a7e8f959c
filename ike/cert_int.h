/* ike_cert internals shared by cert.c, cert_peer.c and cert_dn.c (OpenSSL types). */
#ifndef IPP_IKE_CERT_INT_H
#define IPP_IKE_CERT_INT_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "ike/cert.h"

struct ike_certs {
	X509		*cert;			/* ours; NULL without credentials */
	EVP_PKEY	*key;
	uint16_t	method;
	uint8_t		*der, *subject_der;
	size_t		der_len, subject_len;
	char		subject[IKE_CERT_NAME_MAX];
	X509_STORE	*store;			/* NULL without CA sources */
	STACK_OF(X509)	*cas;			/* the CA certificates loaded (for CERTREQ) */
	bool		crl;			/* CRLs configured: checked for every CA */
};

/* The name as text ("C=US, O=Example, CN=Host"), into buf. */
const char *ike_cert_name_str(const X509_NAME *n, char *buf, size_t len);
/* Whether DN text dn equals name n (ike_cert_dn_match). */
bool	ike_cert_name_match(const char *dn, const X509_NAME *n);
/* The IKEv1 signature method of key, or 0 (not RSA, not ECDSA on a supported curve). */
uint16_t ike_cert_key_method(const EVP_PKEY *key);

#endif
