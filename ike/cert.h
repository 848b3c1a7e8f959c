/*
 * ike_cert: X.509 certificate authentication for IKE over OpenSSL.  Our credentials (one
 * certificate and its private key, kept in memory only), the trust store (CA certificates
 * from a file and/or a directory, CRLs from a file), signing a Main Mode hash, and checking
 * a peer's certificate: chain to a CA named by the rule, validity period, key usage, CRLs,
 * the identity it claims, and its signature over the hash.
 *
 * Signature forms are those of IKEv1 as strongSwan and Windows use them: RSA is PKCS#1 v1.5
 * type 1 padding of the hash itself (no DigestInfo, RFC 2409 §5.1); ECDSA (RFC 4754) signs
 * the hash as the digest and carries r | s, each as long as the curve's order.
 */
#ifndef IPP_IKE_CERT_H
#define IPP_IKE_CERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/err.h"

/* Paths; NULL = not configured.  cert_file and key_file go together. */
struct ike_cert_conf {
	const char	*cert_file;	/* PEM or DER, ours (the first certificate) */
	const char	*key_file;	/* PEM or DER private key: root-owned, mode 0600/0400 */
	const char	*ca_file;	/* PEM, one or more CA certificates */
	const char	*ca_dir;	/* OpenSSL hashed directory (c_rehash / openssl rehash) */
	const char	*crl_file;	/* PEM, one or more CRLs: when set, every CA of a chain
					 * must have a CRL here and no certificate may be on it */
};

#define IKE_CERT_DER_MAX	8192	/* one certificate or DN, DER */
#define IKE_CERT_SIG_MAX	1024	/* RSA 8192 bits; ECDSA P-521 is 132 */
#define IKE_CERT_CHAIN_MAX	8	/* CERT payloads taken from one message */
#define IKE_CERT_NAME_MAX	256	/* a DN as text, for log lines */

struct ike_certs;	/* our credentials and the trust store */
struct ike_cert_peer;	/* a peer certificate that passed verification */

/*
 * Loads c.  With neither cert_file nor a CA source nothing is loaded: *out = NULL, 0.
 * Errors name the file and the reason: unreadable, not a certificate/key, key not matching
 * the certificate, a key file not owned by root or readable by group/others (its mode is
 * given), a key type other than RSA or ECDSA P-256/P-384/P-521, our certificate expired.
 */
int	ike_certs_load(const struct ike_cert_conf *c, struct ike_certs **out,
	    struct ipp_err *e);
/* Frees the key wiped; NULL is fine. */
void	ike_certs_free(struct ike_certs *cs);

/* Whether we can prove our identity with a certificate (a certificate and key are loaded),
 * and whether we can check a peer's (CAs are loaded). */
bool	ike_certs_have_key(const struct ike_certs *cs);
bool	ike_certs_have_cas(const struct ike_certs *cs);
/* The IKEv1 authentication method our key signs with: RSA-SIG (3), ECDSA-256/384/521
 * (9/10/11); 0 without a key. */
uint16_t ike_certs_v1_method(const struct ike_certs *cs);
/* Our certificate (DER) and its subject (DER, for the DER_ASN1_DN ID), and as text. */
const uint8_t *ike_certs_der(const struct ike_certs *cs, size_t *len);
const uint8_t *ike_certs_subject_der(const struct ike_certs *cs, size_t *len);
const char *ike_certs_subject(const struct ike_certs *cs);

/* Signs hash[0..hlen) with our key into sig (*slen: size in, length out).  0 or -1. */
int	ike_certs_sign(const struct ike_certs *cs, const uint8_t *hash, size_t hlen,
	    uint8_t *sig, size_t *slen);

/*
 * The DER of the trusted CA certificate's subject that matches the DN text dn (for a
 * CERTREQ), into out (*len: size in, length out).  -1 with e when dn does not parse or no
 * loaded CA has that subject.
 */
int	ike_certs_ca_der(const struct ike_certs *cs, const char *dn, uint8_t *out, size_t *len,
	    struct ipp_err *e);

/*
 * Verifies the peer's certificate chain certs[0..n) (DER, certs[0] the peer's own, the rest
 * untrusted intermediates) against the trust store: the chain must end at a loaded CA,
 * one certificate of the chain above the peer's must have a subject equal to one of the
 * DNs ca_dns[0..nca) (the rules' root CAs), every certificate must be within its validity
 * period, the peer's key usage, when present, must include digitalSignature, and with CRLs
 * configured, no certificate of the chain may be revoked or lack a CRL.  *out: the peer,
 * to free with ike_cert_peer_free.  -1 with e naming the subject and the reason.
 */
int	ike_cert_peer_verify(const struct ike_certs *cs, const uint8_t *const *certs,
	    const size_t *lens, size_t n, const char *const *ca_dns, size_t nca,
	    struct ike_cert_peer **out, struct ipp_err *e);
void	ike_cert_peer_free(struct ike_cert_peer *p);

/* The peer certificate's subject as text, and the index into ca_dns of its anchor. */
const char *ike_cert_peer_subject(const struct ike_cert_peer *p);
size_t	ike_cert_peer_anchor(const struct ike_cert_peer *p);
/* The IKEv1 authentication method the peer's key signs with (as ike_certs_v1_method). */
uint16_t ike_cert_peer_v1_method(const struct ike_cert_peer *p);

/*
 * Whether the peer's ID payload (type, data) names this certificate: DER_ASN1_DN equal to
 * the subject; IPV4/IPV6_ADDR, FQDN or USER_FQDN present in subjectAltName.  0, or -1
 * with e saying what differs.
 */
int	ike_cert_peer_id(const struct ike_cert_peer *p, uint8_t type, const uint8_t *data,
	    size_t len, struct ipp_err *e);

/* Whether sig is the peer key's signature over hash (forms as above). */
bool	ike_cert_peer_check_sig(const struct ike_cert_peer *p, const uint8_t *hash,
	    size_t hlen, const uint8_t *sig, size_t slen);

/*
 * DN text ("CN=Host A, O=Example, C=US" as ipsecpol -a CERT:"..." and netsh rootca= give it;
 * RDNs separated by ',' or ';', '\' escapes, values may be quoted) against a DER name:
 * equal when the attributes are the same in the same order or in reverse order (LDAP and
 * X.500 order), values compared without case.  1 equal, 0 not (or der is not a name),
 * -1 when dn does not parse.
 */
int	ike_cert_dn_match(const char *dn, const uint8_t *der, size_t len);

#endif
