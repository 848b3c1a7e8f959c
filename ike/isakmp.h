/*
 * isakmp: the ISAKMP codec of IKEv1 (RFC 2408 framing and payloads, RFC 2407 IPsec DOI,
 * RFC 2409 attributes, RFC 3947 NAT-T payloads, RFC 3706 DPD notifies).
 *
 * Pure code: no sockets, no crypto, no logging, never exits.  The parser allocates nothing:
 * every decoded object is a view into the caller's buffer, valid as long as that buffer is.
 * Multi-byte numbers in the decoded structs are in host order; views (pointers) are raw wire
 * bytes.  Every failure fills a struct isakmp_err with a code to count, the notify type an
 * answer would carry, the offset of the fault, and a static text naming the payload and the
 * field ("proposal: transform count").
 *
 * Receiving rules chosen here (RFC 2408 §5, documented once):
 * - Major version must be 1 (INVALID-MAJOR-VERSION); minor version is not checked.
 * - The header length must equal the datagram length (ISAKMP_PARSE_TRAILING relaxes this to
 *   "not more than"); it must be at least 28.
 * - IKEv1 has no critical bit: an unknown payload type in a chain is an error
 *   (INVALID-PAYLOAD-TYPE), except 128..255 (private use) when ISAKMP_PARSE_PRIVATE is set,
 *   which are then returned as opaque payloads.  GDOI's 14..19 are refused.
 * - Reserved fields are ignored on receipt and written as zero.
 * - Every payload length is >= 4 and lies within the message; a cleartext chain must end
 *   exactly at the end of the message; a decrypted chain may be followed by padding bytes up
 *   to the caller's bound (RFC 2409 §5.3; the padding content is not checked).
 * - Typed decoders are strict: counts must match the bytes, fixed-size fields must have their
 *   exact size, and a structure must end exactly where its enclosing length says.
 */
#ifndef IPP_IKE_ISAKMP_H
#define IPP_IKE_ISAKMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- Constants ---------------------------------------------------------------------- */

#define ISAKMP_HDR_LEN		28	/* RFC 2408 §3.1 */
#define ISAKMP_GEN_LEN		4	/* generic payload header, §3.2 */
#define ISAKMP_COOKIE_LEN	8
#define ISAKMP_VERSION		0x10	/* major 1, minor 0 */
#define ISAKMP_MAX_MSG		65535	/* a UDP payload */
#define ISAKMP_MAX_PAYLOADS	64	/* payloads per chain; more is ISAKMP_E_TOO_MANY */

/* Exchange types (RFC 2408 §3.1, RFC 2409 §9). */
#define ISAKMP_EXCH_NONE	0
#define ISAKMP_EXCH_BASE	1
#define ISAKMP_EXCH_ID_PROT	2	/* Main Mode */
#define ISAKMP_EXCH_AUTH_ONLY	3
#define ISAKMP_EXCH_AGGRESSIVE	4
#define ISAKMP_EXCH_INFO	5
#define ISAKMP_EXCH_QUICK	32
#define ISAKMP_EXCH_NEW_GROUP	33

/* Header flags (RFC 2408 §3.1). */
#define ISAKMP_FLAG_E		0x01	/* payloads after the header are encrypted */
#define ISAKMP_FLAG_C		0x02	/* commit */
#define ISAKMP_FLAG_A		0x04	/* authentication only */

/* Payload types (RFC 2408 §3.1; NAT-D/NAT-OA RFC 3947 §3.1/§5.2). */
#define ISAKMP_PL_NONE		0
#define ISAKMP_PL_SA		1
#define ISAKMP_PL_P		2	/* proposal: only inside SA */
#define ISAKMP_PL_T		3	/* transform: only inside a proposal */
#define ISAKMP_PL_KE		4
#define ISAKMP_PL_ID		5
#define ISAKMP_PL_CERT		6
#define ISAKMP_PL_CR		7
#define ISAKMP_PL_HASH		8
#define ISAKMP_PL_SIG		9
#define ISAKMP_PL_NONCE		10
#define ISAKMP_PL_N		11
#define ISAKMP_PL_D		12
#define ISAKMP_PL_VID		13
#define ISAKMP_PL_NAT_D		20
#define ISAKMP_PL_NAT_OA	21
#define ISAKMP_PL_PRIVATE_MIN	128

/* Domains of interpretation and situations (RFC 2407 §4.2). */
#define ISAKMP_DOI_ISAKMP	0
#define ISAKMP_DOI_IPSEC	1
#define ISAKMP_SIT_IDENTITY_ONLY	0x01
#define ISAKMP_SIT_SECRECY	0x02
#define ISAKMP_SIT_INTEGRITY	0x04

/* Protocol identifiers (RFC 2407 §4.4.1). */
#define ISAKMP_PROTO_ISAKMP	1
#define ISAKMP_PROTO_AH		2
#define ISAKMP_PROTO_ESP	3
#define ISAKMP_PROTO_IPCOMP	4

/* Transform identifiers (RFC 2407 §4.4.2-4.4.5; RFC 3602, 4106, 4868). */
#define ISAKMP_KEY_IKE		1	/* the one ISAKMP transform */
#define ISAKMP_AH_MD5		2
#define ISAKMP_AH_SHA		3
#define ISAKMP_AH_DES		4
#define ISAKMP_AH_SHA2_256	5
#define ISAKMP_AH_SHA2_384	6
#define ISAKMP_AH_SHA2_512	7
#define ISAKMP_ESP_DES_IV64	1
#define ISAKMP_ESP_DES		2
#define ISAKMP_ESP_3DES		3
#define ISAKMP_ESP_NULL		11
#define ISAKMP_ESP_AES_CBC	12
#define ISAKMP_ESP_AES_CTR	13
#define ISAKMP_ESP_AES_CCM_8	14
#define ISAKMP_ESP_AES_CCM_12	15
#define ISAKMP_ESP_AES_CCM_16	16
#define ISAKMP_ESP_AES_GCM_8	18
#define ISAKMP_ESP_AES_GCM_12	19
#define ISAKMP_ESP_AES_GCM_16	20
#define ISAKMP_IPCOMP_OUI	1
#define ISAKMP_IPCOMP_DEFLATE	2
#define ISAKMP_IPCOMP_LZS	3

/*
 * Phase 1 (ISAKMP transform) attributes, RFC 2409 Appendix A.  B = basic (always TV),
 * V = variable (TV when the value fits 16 bits, TLV otherwise; RFC 2408 §3.3).
 */
#define ISAKMP_P1_ENCR		1	/* B */
#define ISAKMP_P1_HASH		2	/* B */
#define ISAKMP_P1_AUTH		3	/* B */
#define ISAKMP_P1_GROUP		4	/* B: group description */
#define ISAKMP_P1_GROUP_TYPE	5	/* B */
#define ISAKMP_P1_GROUP_PRIME	6	/* V */
#define ISAKMP_P1_GROUP_GEN1	7	/* V */
#define ISAKMP_P1_GROUP_GEN2	8	/* V */
#define ISAKMP_P1_GROUP_CURVE_A	9	/* V */
#define ISAKMP_P1_GROUP_CURVE_B	10	/* V */
#define ISAKMP_P1_LIFE_TYPE	11	/* B; may repeat (seconds and kilobytes) */
#define ISAKMP_P1_LIFE_DURATION	12	/* V; may repeat, follows its life type */
#define ISAKMP_P1_PRF		13	/* B */
#define ISAKMP_P1_KEY_LEN	14	/* B */
#define ISAKMP_P1_FIELD_SIZE	15	/* B */
#define ISAKMP_P1_GROUP_ORDER	16	/* V */

/* Phase 1 attribute values. */
#define ISAKMP_P1_ENCR_DES	1
#define ISAKMP_P1_ENCR_3DES	5
#define ISAKMP_P1_ENCR_AES_CBC	7	/* RFC 3602; key length attribute required */
#define ISAKMP_P1_HASH_MD5	1
#define ISAKMP_P1_HASH_SHA	2
#define ISAKMP_P1_HASH_SHA2_256	4	/* RFC 4868 */
#define ISAKMP_P1_HASH_SHA2_384	5
#define ISAKMP_P1_HASH_SHA2_512	6
#define ISAKMP_P1_AUTH_PSK	1
#define ISAKMP_P1_AUTH_DSS	2
#define ISAKMP_P1_AUTH_RSA_SIG	3
#define ISAKMP_P1_AUTH_RSA_ENC	4
#define ISAKMP_P1_AUTH_RSA_REV	5
#define ISAKMP_P1_AUTH_ECDSA_256	9	/* RFC 4754 */
#define ISAKMP_P1_AUTH_ECDSA_384	10
#define ISAKMP_P1_AUTH_ECDSA_521	11
#define ISAKMP_P1_AUTH_GSSAPI_KRB	65001	/* Windows' Kerberos (private use) */
#define ISAKMP_LIFE_SECONDS	1	/* phase 1 and phase 2 life types */
#define ISAKMP_LIFE_KILOBYTES	2

/* Phase 2 (IPsec DOI) attributes, RFC 2407 §4.5. */
#define ISAKMP_P2_LIFE_TYPE	1	/* B; may repeat */
#define ISAKMP_P2_LIFE_DURATION	2	/* V; may repeat */
#define ISAKMP_P2_GROUP		3	/* B: PFS group description */
#define ISAKMP_P2_ENCAP		4	/* B */
#define ISAKMP_P2_AUTH		5	/* B */
#define ISAKMP_P2_KEY_LEN	6	/* B */
#define ISAKMP_P2_KEY_ROUNDS	7	/* B */
#define ISAKMP_P2_COMP_DICT	8	/* B */
#define ISAKMP_P2_COMP_PRIV	9	/* V */
#define ISAKMP_P2_ECN_TUNNEL	10	/* B, RFC 3168 */
#define ISAKMP_P2_ESN		11	/* B, RFC 4304 */

/* Phase 2 attribute values. */
#define ISAKMP_ENCAP_TUNNEL		1
#define ISAKMP_ENCAP_TRANSPORT		2
#define ISAKMP_ENCAP_UDP_TUNNEL		3	/* RFC 3947 */
#define ISAKMP_ENCAP_UDP_TRANSPORT	4
#define ISAKMP_ENCAP_UDP_TUNNEL_DRAFT	61443	/* draft-ietf-ipsec-nat-t-ike-00..08 */
#define ISAKMP_ENCAP_UDP_TRANSPORT_DRAFT 61444
#define ISAKMP_P2_AUTH_HMAC_MD5		1
#define ISAKMP_P2_AUTH_HMAC_SHA		2
#define ISAKMP_P2_AUTH_HMAC_SHA2_256	5	/* RFC 4868 */
#define ISAKMP_P2_AUTH_HMAC_SHA2_384	6
#define ISAKMP_P2_AUTH_HMAC_SHA2_512	7

/* Identification types (RFC 2407 §4.6.2.1) and their data lengths where fixed. */
#define ISAKMP_ID_IPV4_ADDR		1	/* 4 */
#define ISAKMP_ID_FQDN			2	/* >= 1, no NUL */
#define ISAKMP_ID_USER_FQDN		3	/* >= 1, no NUL */
#define ISAKMP_ID_IPV4_ADDR_SUBNET	4	/* 8: address, contiguous mask */
#define ISAKMP_ID_IPV6_ADDR		5	/* 16 */
#define ISAKMP_ID_IPV6_ADDR_SUBNET	6	/* 32 */
#define ISAKMP_ID_IPV4_ADDR_RANGE	7	/* 8: first <= last */
#define ISAKMP_ID_IPV6_ADDR_RANGE	8	/* 32 */
#define ISAKMP_ID_DER_ASN1_DN		9	/* >= 1 (not parsed here) */
#define ISAKMP_ID_DER_ASN1_GN		10	/* >= 1 */
#define ISAKMP_ID_KEY_ID		11	/* >= 1 */

/* Certificate encodings (RFC 2408 §3.9). */
#define ISAKMP_CERT_PKCS7		1
#define ISAKMP_CERT_PGP			2
#define ISAKMP_CERT_DNS_KEY		3
#define ISAKMP_CERT_X509_SIG		4
#define ISAKMP_CERT_X509_KE		5
#define ISAKMP_CERT_KERBEROS		6
#define ISAKMP_CERT_CRL			7
#define ISAKMP_CERT_ARL			8
#define ISAKMP_CERT_SPKI		9
#define ISAKMP_CERT_X509_ATTR		10

/* Notify message types (RFC 2408 §3.14.1, RFC 2407 §4.6.3, RFC 3706). */
#define ISAKMP_N_INVALID_PAYLOAD_TYPE		1
#define ISAKMP_N_DOI_NOT_SUPPORTED		2
#define ISAKMP_N_SITUATION_NOT_SUPPORTED	3
#define ISAKMP_N_INVALID_COOKIE			4
#define ISAKMP_N_INVALID_MAJOR_VERSION		5
#define ISAKMP_N_INVALID_MINOR_VERSION		6
#define ISAKMP_N_INVALID_EXCHANGE_TYPE		7
#define ISAKMP_N_INVALID_FLAGS			8
#define ISAKMP_N_INVALID_MESSAGE_ID		9
#define ISAKMP_N_INVALID_PROTOCOL_ID		10
#define ISAKMP_N_INVALID_SPI			11
#define ISAKMP_N_INVALID_TRANSFORM_ID		12
#define ISAKMP_N_ATTRIBUTES_NOT_SUPPORTED	13
#define ISAKMP_N_NO_PROPOSAL_CHOSEN		14
#define ISAKMP_N_BAD_PROPOSAL_SYNTAX		15
#define ISAKMP_N_PAYLOAD_MALFORMED		16
#define ISAKMP_N_INVALID_KEY_INFORMATION	17
#define ISAKMP_N_INVALID_ID_INFORMATION		18
#define ISAKMP_N_INVALID_CERT_ENCODING		19
#define ISAKMP_N_INVALID_CERTIFICATE		20
#define ISAKMP_N_CERT_TYPE_UNSUPPORTED		21
#define ISAKMP_N_INVALID_CERT_AUTHORITY		22
#define ISAKMP_N_INVALID_HASH_INFORMATION	23
#define ISAKMP_N_AUTHENTICATION_FAILED		24
#define ISAKMP_N_INVALID_SIGNATURE		25
#define ISAKMP_N_ADDRESS_NOTIFICATION		26
#define ISAKMP_N_NOTIFY_SA_LIFETIME		27
#define ISAKMP_N_CERTIFICATE_UNAVAILABLE	28
#define ISAKMP_N_UNSUPPORTED_EXCHANGE_TYPE	29
#define ISAKMP_N_UNEQUAL_PAYLOAD_LENGTHS	30
#define ISAKMP_N_CONNECTED			16384
#define ISAKMP_N_RESPONDER_LIFETIME		24576
#define ISAKMP_N_REPLAY_STATUS			24577
#define ISAKMP_N_INITIAL_CONTACT		24578
#define ISAKMP_N_DPD_R_U_THERE			36136
#define ISAKMP_N_DPD_R_U_THERE_ACK		36137

/* ---- Errors ------------------------------------------------------------------------- */

enum isakmp_errc {
	ISAKMP_OK = 0,
	ISAKMP_E_TRUNCATED,	/* fewer bytes than a fixed part needs */
	ISAKMP_E_LENGTH,	/* a length field is too small, overruns, or disagrees */
	ISAKMP_E_VERSION,	/* major version is not 1 */
	ISAKMP_E_PAYLOAD_TYPE,	/* unknown or misplaced payload type */
	ISAKMP_E_COUNT,		/* a count disagrees with the bytes (transforms, SPIs) */
	ISAKMP_E_SPI,		/* SPI size not allowed for the protocol */
	ISAKMP_E_PROTO,		/* unknown protocol identifier */
	ISAKMP_E_DOI,		/* DOI is not IPsec (or ISAKMP where allowed) */
	ISAKMP_E_SITUATION,	/* situation other than identity-only */
	ISAKMP_E_ATTR,		/* attribute malformed, basic sent as TLV, or duplicated */
	ISAKMP_E_PROPOSAL,	/* proposal numbering, empty proposal */
	ISAKMP_E_ID,		/* ID data wrong for its type */
	ISAKMP_E_VALUE,		/* a field's value out of its range (nonce size, encoding) */
	ISAKMP_E_PADDING,	/* more bytes after the last payload than allowed */
	ISAKMP_E_TOO_MANY,	/* more than ISAKMP_MAX_PAYLOADS payloads */
	ISAKMP_E_NOSPACE,	/* builder: the message would exceed its cap */
	ISAKMP_E_NOMEM,		/* builder: allocation failed */
	ISAKMP_E_USAGE,		/* builder: calls out of order or bad arguments (a caller bug) */
	ISAKMP_E_COUNT_MAX
};

struct isakmp_err {
	enum isakmp_errc code;
	uint16_t	notify;		/* notify type an answer would carry (0: none) */
	uint8_t		payload;	/* payload type where the fault is (0: header) */
	size_t		off;		/* offset of the fault in the buffer given to the call */
	const char	*what;		/* static, e.g. "proposal: transform count" */
};

/* Stable short name of a code ("truncated", "length", ...), for counters and logs. */
const char	*isakmp_errc_name(enum isakmp_errc code);

/* ---- Parsing: header and payload chain (ike/isakmp_parse.c) -------------------------- */

struct isakmp_hdr {
	uint8_t		icookie[ISAKMP_COOKIE_LEN];
	uint8_t		rcookie[ISAKMP_COOKIE_LEN];
	uint8_t		np;		/* type of the first payload */
	uint8_t		version;	/* major << 4 | minor */
	uint8_t		exchange;
	uint8_t		flags;
	uint32_t	msgid;		/* host order; hashes use the wire bytes, see raw */
	uint32_t	length;
};

/* One payload of a chain. */
struct isakmp_pl {
	uint8_t		type;		/* from the previous next-payload field */
	uint8_t		np;		/* its own next-payload field */
	const uint8_t	*hdr;		/* the 4-byte generic header */
	const uint8_t	*body;		/* after the generic header ("SAi_b", "IDii_b") */
	size_t		len;		/* body length: payload length - 4 */
	size_t		off;		/* offset of hdr in the buffer parsed */
};

struct isakmp_chain {
	struct isakmp_pl pl[ISAKMP_MAX_PAYLOADS];
	size_t		n;
	size_t		used;		/* bytes covered by the payloads */
	size_t		pad;		/* bytes after the last payload (decrypted bodies) */
};

struct isakmp_msg {
	struct isakmp_hdr hdr;
	const uint8_t	*raw;		/* the message: hdr.length bytes from the header */
	const uint8_t	*body;		/* after the header: payloads, or ciphertext when E */
	size_t		body_len;
	struct isakmp_chain chain;	/* empty when ISAKMP_FLAG_E is set */
};

/* Flags of the parse calls. */
#define ISAKMP_PARSE_TRAILING	0x01	/* datagram may be longer than the header length */
#define ISAKMP_PARSE_PRIVATE	0x02	/* accept payload types 128..255 as opaque */

/* Decodes the 28-byte header of buf; checks version and length against len. */
int	isakmp_hdr_parse(struct isakmp_hdr *h, const uint8_t *buf, size_t len,
	    unsigned flags, struct isakmp_err *e);

/*
 * Parses a datagram: header, then (unless ISAKMP_FLAG_E) the payload chain, which must cover
 * the body exactly.  With E set the engine decrypts m->body and calls isakmp_chain_parse
 * with m->hdr.np.  Returns 0, or -1 with e filled; offsets in e are from buf.
 */
int	isakmp_msg_parse(struct isakmp_msg *m, const uint8_t *buf, size_t len,
	    unsigned flags, struct isakmp_err *e);

/*
 * Parses a chain whose first payload has type first over buf[0..len): a decrypted body.
 * Up to pad_max bytes may follow the last payload (pass the cipher block size, or 0 for a
 * cleartext chain).  first == ISAKMP_PL_NONE means an empty chain (all bytes padding).
 * Offsets in c and e are from buf.
 */
int	isakmp_chain_parse(struct isakmp_chain *c, uint8_t first, const uint8_t *buf,
	    size_t len, size_t pad_max, unsigned flags, struct isakmp_err *e);

/* The first payload of type at index >= *from, or NULL; *from is set past it.  */
const struct isakmp_pl *isakmp_chain_next(const struct isakmp_chain *c, uint8_t type,
	    size_t *from);
/* How many payloads of type the chain holds. */
size_t	isakmp_chain_count(const struct isakmp_chain *c, uint8_t type);

/* ---- Typed decoders (ike/isakmp_payload.c) ------------------------------------------ */

/*
 * Cursor over already-validated bytes (proposals, transforms, attributes).  The iterators
 * stay bounds-safe even on bytes no decoder validated: they stop, they never read past.
 */
struct isakmp_iter {
	const uint8_t	*p;
	size_t		left;
	uint8_t		proto;		/* for attribute iterators: the proposal's protocol */
};

/* SA (RFC 2408 §3.4, RFC 2407 §4.6.1): validated down to every attribute. */
struct isakmp_sa {
	uint32_t	doi;
	uint32_t	situation;
	const uint8_t	*props;		/* the proposal payloads */
	size_t		props_len;
	unsigned	nprops;
};

struct isakmp_prop {
	uint8_t		num;		/* equal numbers form one AND-ed bundle (AH+ESP) */
	uint8_t		proto;		/* ISAKMP_PROTO_* */
	uint8_t		spi_len;	/* ISAKMP 0 or 16, AH/ESP 4, IPCOMP 2 or 4 */
	uint8_t		ntrans;		/* >= 1 */
	const uint8_t	*spi;
	const uint8_t	*xforms;	/* the transform payloads */
	size_t		xforms_len;
	const uint8_t	*hdr;		/* the proposal payload, for echoing it back */
	size_t		total_len;	/* its whole length including the generic header */
};

struct isakmp_xform {
	uint8_t		num;
	uint8_t		id;		/* KEY_IKE, ISAKMP_ESP_*, ISAKMP_AH_* */
	uint8_t		proto;		/* copied from the proposal */
	const uint8_t	*attrs;
	size_t		attrs_len;
	const uint8_t	*hdr;		/* the transform payload, for echoing it back */
	size_t		total_len;
};

struct isakmp_attr {
	uint16_t	type;		/* without the AF bit */
	bool		tv;		/* sent as TV (basic) */
	const uint8_t	*val;		/* the value bytes (2 for TV) */
	uint16_t	len;
};

/*
 * Validates the whole SA payload: DOI IPsec, situation identity-only, proposal numbers
 * non-decreasing, per-protocol SPI sizes, transform counts, transform payload types, every
 * attribute in bounds, basic attributes as TV, no repeated attribute except life type and
 * duration.  After success the iterators below cannot meet malformed bytes.
 */
int	isakmp_sa_decode(const struct isakmp_pl *pl, struct isakmp_sa *sa,
	    struct isakmp_err *e);
void	isakmp_sa_props(const struct isakmp_sa *sa, struct isakmp_iter *it);
bool	isakmp_prop_next(struct isakmp_iter *it, struct isakmp_prop *p);
void	isakmp_prop_xforms(const struct isakmp_prop *p, struct isakmp_iter *it);
bool	isakmp_xform_next(struct isakmp_iter *it, struct isakmp_xform *x);
void	isakmp_xform_attrs(const struct isakmp_xform *x, struct isakmp_iter *it);
bool	isakmp_attr_next(struct isakmp_iter *it, struct isakmp_attr *a);
/* First attribute of type in x; false if absent. */
bool	isakmp_xform_attr(const struct isakmp_xform *x, uint16_t type, struct isakmp_attr *a);
/*
 * Numeric value of an attribute (TV, or TLV of 1..8 bytes after leading zeros); -1 if it
 * does not fit 64 bits.
 */
int	isakmp_attr_uint(const struct isakmp_attr *a, uint64_t *v);
/* Whether type is a basic attribute (TV only) for proto's transforms. */
bool	isakmp_attr_is_basic(uint8_t proto, uint16_t type);

/* KE, NONCE, HASH, SIG, VID, NAT-D and private payloads: the body as is. */
struct isakmp_data {
	const uint8_t	*p;
	size_t		len;
};

/*
 * Checks the body of an opaque payload by its type: KE >= 1, NONCE 8..256 (RFC 2409 §5),
 * HASH and SIG and NAT-D >= 1, VID any; other types are refused (use their decoder).
 */
int	isakmp_data_decode(const struct isakmp_pl *pl, struct isakmp_data *d,
	    struct isakmp_err *e);

/* ID (RFC 2407 §4.6.2), phase 1 and phase 2 alike; the engine checks proto/port rules. */
struct isakmp_id {
	uint8_t		type;
	uint8_t		proto;		/* IP protocol, 0 = any */
	uint16_t	port;		/* 0 = any */
	const uint8_t	*data;		/* type-specific data as sent */
	size_t		len;
	/* Address types, decoded: */
	int		af;		/* AF_INET / AF_INET6, 0 for name types */
	uint8_t		addr[16];	/* address, subnet address or range start */
	uint8_t		addr2[16];	/* subnet mask or range end */
	uint8_t		prefix;		/* subnet: the mask's prefix length; host: 32/128 */
};
/* The whole ID payload body ("IDii_b") is pl->body; id views into it. */
int	isakmp_id_decode(const struct isakmp_pl *pl, struct isakmp_id *id,
	    struct isakmp_err *e);

/* CERT (§3.9) and CR (§3.10): encoding and data; CERT data >= 1, CR authority may be empty. */
struct isakmp_cert {
	uint8_t		enc;
	const uint8_t	*data;
	size_t		len;
};
int	isakmp_cert_decode(const struct isakmp_pl *pl, struct isakmp_cert *c,
	    struct isakmp_err *e);

/* N (§3.14): DOI 0 or 1; SPI size 0, or the protocol's size (ISAKMP 16, AH/ESP 4, ...). */
struct isakmp_notify {
	uint32_t	doi;
	uint8_t		proto;
	uint8_t		spi_len;
	uint16_t	type;
	const uint8_t	*spi;
	const uint8_t	*data;
	size_t		data_len;
};
int	isakmp_notify_decode(const struct isakmp_pl *pl, struct isakmp_notify *n,
	    struct isakmp_err *e);

/* D (§3.15): DOI 0 or 1, SPI size per protocol (non-zero), count >= 1, count*size exact. */
struct isakmp_delete {
	uint32_t	doi;
	uint8_t		proto;
	uint8_t		spi_len;
	uint16_t	nspi;
	const uint8_t	*spis;		/* nspi * spi_len bytes */
};
int	isakmp_delete_decode(const struct isakmp_pl *pl, struct isakmp_delete *d,
	    struct isakmp_err *e);
/* The i-th SPI (i < nspi), or NULL. */
const uint8_t *isakmp_delete_spi(const struct isakmp_delete *d, size_t i);

/* NAT-OA (RFC 3947 §5.2): ID type IPV4_ADDR or IPV6_ADDR, 3 reserved, the address. */
struct isakmp_natoa {
	uint8_t		type;
	int		af;
	uint8_t		addr[16];
};
int	isakmp_natoa_decode(const struct isakmp_pl *pl, struct isakmp_natoa *oa,
	    struct isakmp_err *e);

/* ---- Building (ike/isakmp_build.c) -------------------------------------------------- */

/*
 * A message or a bare payload chain under construction.  Payloads are chained
 * automatically (each append writes its type into the previous next-payload field, or into
 * the header's) and their lengths fixed up.  Errors are sticky: after the first one every
 * call fails at once and isakmp_buf_finish reports it.  The bytes are wiped when the buffer
 * grows and on free, as they sit beside nonces and hashes.  Nothing overflows: the cap
 * (ISAKMP_MAX_MSG by default) bounds every write.
 */
struct isakmp_buf {
	uint8_t		*p;
	size_t		len;
	size_t		cap;
	size_t		max;
	bool		owned;		/* p was allocated here (not isakmp_buf_init_fixed) */
	bool		has_hdr;
	uint8_t		first;		/* type of the first payload appended */
	size_t		np_off;		/* where the next payload's type goes; SIZE_MAX: none */
	/* SA under construction: offsets of the open payloads, SIZE_MAX when closed. */
	size_t		sa_off, prop_off, xf_off;
	size_t		prop_np_off, xf_np_off;
	unsigned	nxf;
	uint8_t		proto;
	struct isakmp_err err;
};

/* A growing buffer capped at max bytes (0: ISAKMP_MAX_MSG).  Allocates on first write. */
void	isakmp_buf_init(struct isakmp_buf *b, size_t max);
/* A buffer over caller memory that never grows. */
void	isakmp_buf_init_fixed(struct isakmp_buf *b, uint8_t *mem, size_t size);
/* Wipes the bytes, frees them if owned; b can be initialised again. */
void	isakmp_buf_free(struct isakmp_buf *b);

/*
 * The 28-byte header; first call only.  h->np is kept until a payload is appended (so a
 * header over ciphertext names the encrypted chain's first payload); h->length is ignored,
 * isakmp_buf_finish writes it.
 */
int	isakmp_put_hdr(struct isakmp_buf *b, const struct isakmp_hdr *h);
/*
 * An opaque payload (KE, NONCE, HASH, SIG, VID, NAT-D, ...).  data NULL reserves len zero
 * bytes to fill later (a HASH computed over what follows); *body_off (if not NULL) gets the
 * offset of the body in b->p.
 */
int	isakmp_put_payload(struct isakmp_buf *b, uint8_t type, const void *data, size_t len,
	    size_t *body_off);
/* ID from id->type/proto/port and id->data/len (address fields are not used here). */
int	isakmp_put_id(struct isakmp_buf *b, const struct isakmp_id *id);
/* CERT or CR (type ISAKMP_PL_CERT / ISAKMP_PL_CR). */
int	isakmp_put_cert(struct isakmp_buf *b, uint8_t type, uint8_t enc, const void *data,
	    size_t len);
int	isakmp_put_notify(struct isakmp_buf *b, const struct isakmp_notify *n);
int	isakmp_put_delete(struct isakmp_buf *b, const struct isakmp_delete *d);
int	isakmp_put_natoa(struct isakmp_buf *b, const struct isakmp_natoa *oa);
/* Bytes with no chaining (ciphertext after the header). */
int	isakmp_put_raw(struct isakmp_buf *b, const void *data, size_t len);

/*
 * SA builder: sa_begin, then per proposal prop_begin, per transform xform_begin, attributes,
 * xform_end; prop_end (fixes the transform count); sa_end.  Nesting is checked.
 * isakmp_attr_put picks TV or TLV by the attribute's class for the open proposal's protocol:
 * a basic attribute whose value needs more than 16 bits fails; a variable one is TV up to
 * 0xffff, else a 4-byte (or 8-byte) TLV.
 */
int	isakmp_sa_begin(struct isakmp_buf *b, uint32_t doi, uint32_t situation);
int	isakmp_prop_begin(struct isakmp_buf *b, uint8_t num, uint8_t proto,
	    const void *spi, uint8_t spi_len);
int	isakmp_xform_begin(struct isakmp_buf *b, uint8_t num, uint8_t id);
int	isakmp_attr_put(struct isakmp_buf *b, uint16_t type, uint64_t value);
int	isakmp_attr_put_bytes(struct isakmp_buf *b, uint16_t type, const void *val,
	    uint16_t len);
/* A decoded attribute as it was sent (TV or TLV), e.g. to echo the chosen transform. */
int	isakmp_attr_copy(struct isakmp_buf *b, const struct isakmp_attr *a);
int	isakmp_xform_end(struct isakmp_buf *b);
int	isakmp_prop_end(struct isakmp_buf *b);
int	isakmp_sa_end(struct isakmp_buf *b);

/*
 * Closes the message: checks nothing is left open, writes the header length.  Returns 0, or
 * -1 with the first error of the buffer copied to e.
 */
int	isakmp_buf_finish(struct isakmp_buf *b, struct isakmp_err *e);

/* ---- Printing and names (ike/isakmp_print.c) ---------------------------------------- */

/*
 * One log line: "ID_PROT i=0011223344556677 r=0000000000000000 mid=00000000 len=180
 * [SA KE NONCE VID VID NAT-D NAT-D]"; N and D show their type ("N(INITIAL-CONTACT)",
 * "D(ESP,1)").  snprintf-like: returns the length it needed; out is always terminated.
 */
size_t	isakmp_msg_print(char *out, size_t size, const struct isakmp_msg *m);
/* The bracketed payload list alone, for a decrypted chain. */
size_t	isakmp_chain_print(char *out, size_t size, const struct isakmp_chain *c);

/* Names for logs; an unknown value gets a static "?" (callers print the number). */
const char	*isakmp_exchange_name(uint8_t exchange);
const char	*isakmp_payload_name(uint8_t type);
const char	*isakmp_notify_name(uint16_t type);
const char	*isakmp_proto_name(uint8_t proto);
const char	*isakmp_id_type_name(uint8_t type);

#endif
