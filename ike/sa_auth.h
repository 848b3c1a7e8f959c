/*
 * ike_auth: the authentication seam.  One ops table per method; an exchange asks the table
 * of the method its SA negotiated to derive SKEYID, to prove our identity and to verify the
 * peer's.  Preshared keys prove with HASH payloads; certificates (RSA and ECDSA signatures)
 * with SIG payloads, and add CERTREQ, CERT and a DER_ASN1_DN ID through the optional hooks.
 * Kerberos has no table: there is no Kerberos IKE on Linux.
 */
#ifndef IPP_IKE_SA_AUTH_H
#define IPP_IKE_SA_AUTH_H

#include "ike/isakmp.h"
#include "ike/sa.h"

struct ike_auth_ops {
	enum ipp_auth_kind	kind;
	uint16_t		v1_method;	/* IKEv1 authentication method attribute */
	uint8_t			v1_proof;	/* payload carrying the proof: HASH or SIG */
	const char		*name;
	/* IKEv1: SKEYID and its children for this method. */
	int	(*v1_keys)(const struct ike_sa *sa, struct ike_v1_keys *k,
		    const struct ike_v1_p1_in *in, struct ipp_err *err);
	/* Our proof over hash (HASH_I or HASH_R) into out (*olen: size in, length out). */
	int	(*v1_prove)(const struct ike_sa *sa, const uint8_t *hash, size_t hlen,
		    uint8_t *out, size_t *olen);
	/* Whether the peer's proof matches hash. */
	bool	(*v1_verify)(const struct ike_sa *sa, const uint8_t *hash, size_t hlen,
		    const uint8_t *proof, size_t plen);
	/* certificates (cert); NULL for preshared keys. */
	/* Appends what asks the peer for its credentials (CERTREQ) to message 3 or 4. */
	int	(*v1_put_req)(const struct ike_sa *sa, struct isakmp_buf *b);
	/* Our Main Mode ID into id (data: max bytes). */
	int	(*v1_our_id)(const struct ike_sa *sa, struct isakmp_id *id, uint8_t *data,
		    size_t max);
	/* Appends our credentials (CERT) after our ID in message 5 or 6. */
	int	(*v1_put_cred)(const struct ike_sa *sa, struct isakmp_buf *b);
	/* Checks the peer's credentials in c against its ID, before v1_verify; sets
	 * sa->peer_id.  0, or -1 with err naming the certificate and the reason. */
	int	(*v1_peer)(struct ike_sa *sa, const struct isakmp_chain *c,
		    const struct isakmp_id *id, struct ipp_err *err);
};

/* Certificates: RSA or ECDSA signatures, whichever our key makes (sa_auth_cert.c). */
extern const struct ike_auth_ops ike_auth_cert_ops;

/* The table of kind, or NULL when this build cannot authenticate with it. */
const struct ike_auth_ops *ike_auth_ops(enum ipp_auth_kind kind);
/* The IKEv1 method attribute we send for kind: for certificates, our key's (RSA-SIG,
 * ECDSA-256/384/521); 0 when none. */
uint16_t ike_auth_v1_method(const struct ike_engine *e, enum ipp_auth_kind kind);
/* Whether the peer's proposal p uses the method we authenticate with. */
bool	ike_auth_prop_ok(const struct ike_engine *e, const struct ike_mm_prop *p);

/*
 * The first method of a[0..n) that this build supports; with verbose, the ones skipped are
 * logged with who (e.g. "rule 'Secure'").  NULL when none is usable (logged as an error
 * when verbose, else at debug level).
 */
const struct ipp_auth *ike_auth_pick(struct ike_engine *e, const struct ipp_auth *a,
	    size_t n, const char *who, bool verbose);

/* Whether a[0..n) accepts what sa authenticated with (same method, same preshared key). */
bool	ike_auth_allows(const struct ipp_auth *a, size_t n, const struct ike_sa *sa);

/* Copies the secret of a into sa (wiped with the SA). 0, or -1 (out of memory). */
int	ike_auth_bind(struct ike_sa *sa, const struct ipp_auth *a);
/* With a certificate method: every root CA that a[0..n) names becomes acceptable for the
 * peer's certificate (copied into sa), and e's credentials are bound to sa.  0, or -1. */
int	ike_auth_bind_cas(struct ike_engine *e, struct ike_sa *sa, const struct ipp_auth *a,
	    size_t n);
/* Frees what the bind functions and the peer check left in sa. */
void	ike_auth_release(struct ike_sa *sa);

#endif
