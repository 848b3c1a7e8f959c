/*
 * fuzz_ike_cert: what a peer sends for certificate authentication, against ike/cert*.c.
 * The first byte picks the target:
 *   0: CERT payload data: certificates (each a 2-byte length and DER) against the trust
 *      store, as ike_cert_peer_verify gets them;
 *   1: a SIG payload against a valid peer certificate (RSA), over a fixed hash;
 *   2: the same for an ECDSA P-256 certificate (r | s decoding);
 *   3: an ID payload's data of each type against the valid certificate;
 *   4: DN text (ipsecpol -a CERT:"...", netsh rootca=) against the CA's DER name, and the
 *      input as a DER name against the CA's DN text.
 * The CA and the two peer certificates are made in memory at the first call, the CA written
 * to a temporary file for ike_certs_load.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "ike/cert.h"
#include "ike/isakmp.h"

#define CA_DN	"CN=Fuzz CA, O=ipsecpol fuzz"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ike_certs *trust;
static struct ike_cert_peer *peer_rsa, *peer_ec;
static uint8_t *ca_name;
static size_t ca_name_len;

static X509 *
make_cert(EVP_PKEY *key, EVP_PKEY *signer, X509 *issuer, const char *cn, bool ca)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();
	X509_EXTENSION *ext;
	X509V3_CTX ctx;

	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), ca ? 1 : 2);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600L * 24 * 365);
	X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC, (const unsigned char *)"ipsecpol fuzz",
	    -1, -1, 0);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, issuer != NULL ? X509_get_subject_name(issuer) : n);
	X509_set_pubkey(x, key);
	X509V3_set_ctx(&ctx, issuer != NULL ? issuer : x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints,
	    ca ? "critical,CA:true" : "CA:false");
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	if (!ca) {
		ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_alt_name,
		    "IP:10.0.0.1,DNS:a.test");
		X509_add_ext(x, ext, -1);
		X509_EXTENSION_free(ext);
	}
	X509_sign(x, signer, EVP_sha256());
	X509_NAME_free(n);
	return x;
}

static struct ike_cert_peer *
verified(X509 *x)
{
	unsigned char *der = NULL;
	int n = i2d_X509(x, &der);
	const uint8_t *certs[1] = { der };
	size_t len = (size_t)n;
	const char *dns[1] = { CA_DN };
	struct ike_cert_peer *p = NULL;
	struct ipp_err e;

	if (ike_cert_peer_verify(trust, certs, &len, 1, dns, 1, &p, &e) != 0) {
		fprintf(stderr, "fuzz_ike_cert: setup: %s\n", e.msg);
		abort();
	}
	OPENSSL_free(der);
	return p;
}

static void
setup(void)
{
	EVP_PKEY *cak = EVP_RSA_gen(2048), *rk = EVP_RSA_gen(1024), *ek = EVP_EC_gen("P-256");
	X509 *ca = make_cert(cak, cak, NULL, "Fuzz CA", true);
	X509 *r = make_cert(rk, cak, ca, "rsa", false), *ec = make_cert(ek, cak, ca, "ec", false);
	char path[] = "/tmp/fuzz-ike-cert-XXXXXX";
	struct ike_cert_conf conf = { .ca_file = path };
	struct ipp_err e;
	unsigned char *p = NULL;
	int fd = mkstemp(path), n;
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	if (f == NULL || PEM_write_X509(f, ca) != 1 || fclose(f) != 0 ||
	    ike_certs_load(&conf, &trust, &e) != 0) {
		fprintf(stderr, "fuzz_ike_cert: setup failed\n");
		abort();
	}
	unlink(path);
	peer_rsa = verified(r);
	peer_ec = verified(ec);
	n = i2d_X509_NAME(X509_get_subject_name(ca), &p);
	ca_name = p;
	ca_name_len = (size_t)n;
	X509_free(ca);
	X509_free(r);
	X509_free(ec);
	EVP_PKEY_free(cak);
	EVP_PKEY_free(rk);
	EVP_PKEY_free(ek);
}

static void
fuzz_chain(const uint8_t *d, size_t n)
{
	const uint8_t *certs[IKE_CERT_CHAIN_MAX];
	size_t lens[IKE_CERT_CHAIN_MAX], k = 0;
	const char *dns[2] = { CA_DN, "CN=Other" };
	struct ike_cert_peer *p = NULL;
	struct ipp_err e;

	while (n >= 2 && k < IKE_CERT_CHAIN_MAX) {
		size_t l = (size_t)d[0] << 8 | d[1];

		d += 2;
		n -= 2;
		if (l > n)
			l = n;
		certs[k] = d;
		lens[k++] = l;
		d += l;
		n -= l;
	}
	if (ike_cert_peer_verify(trust, certs, lens, k, dns, 2, &p, &e) == 0) {
		/* Only a certificate our CA signed gets here. */
		if (ike_cert_peer_anchor(p) != 0)
			abort();
		ike_cert_peer_free(p);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t hash[32] = { 1, 2, 3, 4 };
	static const uint8_t types[] = { ISAKMP_ID_IPV4_ADDR, ISAKMP_ID_IPV6_ADDR,
	    ISAKMP_ID_FQDN, ISAKMP_ID_USER_FQDN, ISAKMP_ID_DER_ASN1_DN, ISAKMP_ID_KEY_ID };
	struct ipp_err e;
	char *text;

	if (trust == NULL)
		setup();
	if (size < 1)
		return 0;
	switch (data[0] % 5) {
	case 0:
		fuzz_chain(data + 1, size - 1);
		break;
	case 1:
	case 2:
		/* No signature over this hash can be forged by a fuzzer. */
		if (ike_cert_peer_check_sig(data[0] % 5 == 1 ? peer_rsa : peer_ec, hash,
		    sizeof(hash), data + 1, size - 1))
			abort();
		break;
	case 3:
		for (size_t i = 0; i < sizeof(types); i++)
			(void)ike_cert_peer_id(peer_rsa, types[i], data + 1, size - 1, &e);
		break;
	case 4:
		if ((text = malloc(size)) == NULL)
			return 0;
		memcpy(text, data + 1, size - 1);
		text[size - 1] = '\0';
		(void)ike_cert_dn_match(text, ca_name, ca_name_len);
		free(text);
		(void)ike_cert_dn_match(CA_DN, data + 1, size - 1);
		break;
	}
	return 0;
}
