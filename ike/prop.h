/*
 * ike_prop: proposals in the policy model's terms, independent of the IKE version.  Each
 * exchange decodes the peer's proposals into these structs and encodes ours from them; the
 * matching against the plan's offers (store/model.h) and the text for log lines live here,
 * so IKEv2 reuses them.
 *
 * Rules (issue #7, §3): only what our offers list is ever accepted, so legacy algorithms
 * (DES, MD5, MODP 1/2) are negotiated only when the policy lists them.  The initiator's order
 * is the preference (RFC 2409 §5: the responder picks one of the initiator's proposals).
 */
#ifndef IPP_IKE_PROP_H
#define IPP_IKE_PROP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/model.h"

/* A Main Mode (IKE SA) proposal. */
struct ike_mm_prop {
	enum ipp_cipher		cipher;
	enum ipp_hash		hash;
	ipp_dhgroup		group;
	enum ipp_auth_kind	auth;
	uint32_t		life_s;		/* 0 = not given */
	/* certificates (cert): the IKEv1 method as sent (RSA-SIG and ECDSA-* differ) */
	uint16_t		auth_method;
};

/* One protocol of a Quick Mode proposal. */
struct ike_qm_proto {
	uint8_t		proto;		/* IPPROTO_ESP or IPPROTO_AH */
	enum ipp_cipher	cipher;		/* ESP; NONE = NULL encryption */
	enum ipp_hash	auth;		/* NONE with an AEAD cipher */
	uint32_t	spi;		/* the proposer's inbound SPI */
};

/* A Quick Mode proposal: an offer made concrete (AH+ESP: ESP first, then AH). */
struct ike_qm_prop {
	size_t			nproto;
	struct ike_qm_proto	p[2];
	uint8_t			mode;		/* XFRM_MODE_TRANSPORT or _TUNNEL */
	ipp_dhgroup		pfs_group;	/* 0 = no PFS */
	uint32_t		life_s;		/* 0 = not given */
	uint32_t		life_kb;
};

/* The proposal for offer o: mode, and the PFS group (the offer's, else mm_group). */
void	ike_prop_qm_from_offer(const struct ipp_qm_offer *o, uint8_t mode, ipp_dhgroup mm_group,
	    struct ike_qm_prop *out);

/*
 * The index of our Main Mode offer that matches the peer's proposal p (same cipher, hash and
 * group; p's auth must be auth), or -1.
 */
int	ike_prop_mm_match(const struct ipp_mm_offer *ours, size_t n, enum ipp_auth_kind auth,
	    const struct ike_mm_prop *p);

/*
 * The index of our Quick Mode offer that matches the peer's proposal p, or -1: the same
 * protocols in the same order with the same algorithms, the same mode, and the same PFS
 * group when our offer asks for PFS (the offer's group, else mm_group).  A peer that offers
 * PFS where ours does not is accepted when the group is one of allowed (our Main Mode
 * groups), as Windows does.  Lifetimes never refuse a proposal (ike_prop_life).
 */
int	ike_prop_qm_match(const struct ipp_qm_offer *ours, size_t n, uint8_t mode,
	    ipp_dhgroup mm_group, const ipp_dhgroup *allowed, size_t nallowed,
	    const struct ike_qm_prop *p);

/*
 * The lifetime to use when the peer proposed theirs (0 = none given) and ours is mine
 * (0 = none): the lower of the two that are given.  *lowered is set when ours is lower
 * than the peer's (the responder then sends RESPONDER-LIFETIME).
 */
uint32_t ike_prop_life(uint32_t theirs, uint32_t mine, bool *lowered);

/* Text for log lines: "AES256-SHA256-modp2048, 3DES-SHA1-modp2048"; returns buf. */
const char *ike_prop_mm_offers_str(const struct ipp_mm_offer *o, size_t n, char *buf,
	    size_t len);
const char *ike_prop_mm_str(const struct ike_mm_prop *p, char *buf, size_t len);
/* "ESP[AES128,SHA1] 3600s/100000KB PFS modp2048 tunnel", offers joined by ", ". */
const char *ike_prop_qm_offers_str(const struct ipp_qm_offer *o, size_t n, char *buf,
	    size_t len);
const char *ike_prop_qm_str(const struct ike_qm_prop *p, char *buf, size_t len);

#define IKE_PROP_STRLEN	1024

#endif
