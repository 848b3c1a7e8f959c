/*
 * ike_auth: the authentication seam.  One ops table per method; an exchange asks the table
 * of the method its SA negotiated to derive SKEYID, to prove our identity and to verify the
 * peer's.  Preshared keys now; RSA and ECDSA signatures with certificates (issue #8) add a
 * table each, producing and checking SIG payloads instead of HASH payloads, without touching
 * the exchanges.  Kerberos has no table: there is no Kerberos IKE on Linux.
 */
#ifndef IPP_IKE_SA_AUTH_H
#define IPP_IKE_SA_AUTH_H

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
};

/* The table of kind, or NULL when this build cannot authenticate with it. */
const struct ike_auth_ops *ike_auth_ops(enum ipp_auth_kind kind);

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

#endif
