/*
 * isakmp_payload: decoders of the payloads other than SA (RFC 2408 §3.7-3.16, RFC 2407
 * §4.6.2-4.6.3, RFC 3947 §5.2).  Each checks its fixed part, its counts and its exact size.
 */
#include <sys/socket.h>

#include <string.h>

#include "ike/isakmp.h"
#include "ike/isakmp_int.h"

#define NONCE_MIN	8	/* RFC 2409 §5 */
#define NONCE_MAX	256

static size_t
body_off(const struct isakmp_pl *pl)
{
	return pl->off + ISAKMP_GEN_LEN;
}

int
isakmp_data_decode(const struct isakmp_pl *pl, struct isakmp_data *d, struct isakmp_err *e)
{
	const char *empty = NULL;

	d->p = NULL;
	d->len = 0;
	if (pl == NULL)
		return isakmp_fail(e, ISAKMP_E_USAGE, 0, 0, 0, "payload: none given");
	switch (pl->type) {
	case ISAKMP_PL_KE:
		empty = "KE: no key exchange data";
		break;
	case ISAKMP_PL_HASH:
		empty = "HASH: no hash data";
		break;
	case ISAKMP_PL_SIG:
		empty = "SIG: no signature data";
		break;
	case ISAKMP_PL_NAT_D:
		empty = "NAT-D: no hash data";
		break;
	case ISAKMP_PL_NONCE:
		if (pl->len < NONCE_MIN || pl->len > NONCE_MAX)
			return isakmp_fail(e, ISAKMP_E_VALUE, ISAKMP_N_PAYLOAD_MALFORMED,
			    pl->type, pl->off + 2, "NONCE: length outside 8..256 bytes");
		break;
	case ISAKMP_PL_VID:
		break;
	default:
		if (pl->type < ISAKMP_PL_PRIVATE_MIN)
			return isakmp_fail(e, ISAKMP_E_USAGE, 0, pl->type, pl->off,
			    "payload: has a structured decoder, not opaque data");
		break;
	}
	if (empty != NULL && pl->len == 0)
		return isakmp_fail(e, ISAKMP_E_LENGTH, ISAKMP_N_PAYLOAD_MALFORMED, pl->type,
		    pl->off + 2, empty);
	d->p = pl->body;
	d->len = pl->len;
	return 0;
}

/* Prefix length of a contiguous mask, or -1. */
static int
mask_prefix(const uint8_t *m, size_t len)
{
	size_t i = 0;
	int bits = 0;

	while (i < len && m[i] == 0xff) {
		bits += 8;
		i++;
	}
	if (i < len) {
		uint8_t b = m[i];

		while (b & 0x80) {
			bits++;
			b = (uint8_t)(b << 1);
		}
		if (b != 0)
			return -1;
		for (i++; i < len; i++)
			if (m[i] != 0)
				return -1;
	}
	return bits;
}

static int
id_fail(struct isakmp_err *e, size_t off, const char *what)
{
	return isakmp_fail(e, ISAKMP_E_ID, ISAKMP_N_INVALID_ID_INFORMATION, ISAKMP_PL_ID, off,
	    what);
}

static int
id_addr(struct isakmp_id *id, size_t alen, bool pair, size_t off, struct isakmp_err *e)
{
	if (id->len != (pair ? 2 * alen : alen))
		return id_fail(e, off, alen == 4 ?
		    (pair ? "ID: IPv4 subnet or range data is not 8 bytes" :
		    "ID: IPV4_ADDR data is not 4 bytes") :
		    (pair ? "ID: IPv6 subnet or range data is not 32 bytes" :
		    "ID: IPV6_ADDR data is not 16 bytes"));
	id->af = alen == 4 ? AF_INET : AF_INET6;
	memcpy(id->addr, id->data, alen);
	id->prefix = (uint8_t)(alen * 8);
	if (pair)
		memcpy(id->addr2, id->data + alen, alen);
	return 0;
}

int
isakmp_id_decode(const struct isakmp_pl *pl, struct isakmp_id *id, struct isakmp_err *e)
{
	size_t off;
	int prefix;

	memset(id, 0, sizeof(*id));
	if (pl == NULL || pl->type != ISAKMP_PL_ID)
		return isakmp_fail(e, ISAKMP_E_USAGE, 0, pl ? pl->type : 0, 0,
		    "ID: not an ID payload");
	off = body_off(pl);
	if (pl->len < 4)
		return isakmp_fail(e, ISAKMP_E_TRUNCATED, ISAKMP_N_PAYLOAD_MALFORMED,
		    ISAKMP_PL_ID, off, "ID: type, protocol and port cut short");
	id->type = pl->body[0];
	id->proto = pl->body[1];
	id->port = isakmp_get16(pl->body + 2);
	id->data = pl->body + 4;
	id->len = pl->len - 4;
	off += 4;
	switch (id->type) {
	case ISAKMP_ID_IPV4_ADDR:
		return id_addr(id, 4, false, off, e);
	case ISAKMP_ID_IPV6_ADDR:
		return id_addr(id, 16, false, off, e);
	case ISAKMP_ID_IPV4_ADDR_SUBNET:
	case ISAKMP_ID_IPV6_ADDR_SUBNET:
		if (id_addr(id, id->type == ISAKMP_ID_IPV4_ADDR_SUBNET ? 4 : 16, true, off,
		    e) == -1)
			return -1;
		prefix = mask_prefix(id->addr2, id->af == AF_INET ? 4 : 16);
		if (prefix < 0)
			return id_fail(e, off, "ID: subnet mask is not contiguous");
		id->prefix = (uint8_t)prefix;
		return 0;
	case ISAKMP_ID_IPV4_ADDR_RANGE:
	case ISAKMP_ID_IPV6_ADDR_RANGE:
		if (id_addr(id, id->type == ISAKMP_ID_IPV4_ADDR_RANGE ? 4 : 16, true, off,
		    e) == -1)
			return -1;
		if (memcmp(id->addr, id->addr2, id->af == AF_INET ? 4 : 16) > 0)
			return id_fail(e, off, "ID: range starts above its end");
		return 0;
	case ISAKMP_ID_FQDN:
	case ISAKMP_ID_USER_FQDN:
		if (id->len == 0)
			return id_fail(e, off, "ID: empty name");
		/* A NUL would let a C string compare differently from the bytes signed. */
		if (memchr(id->data, 0, id->len) != NULL)
			return id_fail(e, off, "ID: name holds a NUL byte");
		return 0;
	case ISAKMP_ID_DER_ASN1_DN:
	case ISAKMP_ID_DER_ASN1_GN:
	case ISAKMP_ID_KEY_ID:
		if (id->len == 0)
			return id_fail(e, off, "ID: empty DN, GN or key id");
		return 0;
	default:
		return id_fail(e, off - 4, "ID: unknown identification type");
	}
}

int
isakmp_cert_decode(const struct isakmp_pl *pl, struct isakmp_cert *c, struct isakmp_err *e)
{
	bool cert;

	memset(c, 0, sizeof(*c));
	if (pl == NULL || (pl->type != ISAKMP_PL_CERT && pl->type != ISAKMP_PL_CR))
		return isakmp_fail(e, ISAKMP_E_USAGE, 0, pl ? pl->type : 0, 0,
		    "CERT: not a CERT or CR payload");
	cert = pl->type == ISAKMP_PL_CERT;
	if (pl->len < 1)
		return isakmp_fail(e, ISAKMP_E_TRUNCATED, ISAKMP_N_PAYLOAD_MALFORMED, pl->type,
		    body_off(pl), cert ? "CERT: encoding cut short" : "CR: type cut short");
	c->enc = pl->body[0];
	/* 0 is NONE, 11..200 reserved; 201..255 are private use and passed on. */
	if (c->enc == 0 || (c->enc > ISAKMP_CERT_X509_ATTR && c->enc <= 200))
		return isakmp_fail(e, ISAKMP_E_VALUE, ISAKMP_N_INVALID_CERT_ENCODING, pl->type,
		    body_off(pl), cert ? "CERT: reserved encoding" : "CR: reserved type");
	c->data = pl->body + 1;
	c->len = pl->len - 1;
	if (cert && c->len == 0)
		return isakmp_fail(e, ISAKMP_E_LENGTH, ISAKMP_N_PAYLOAD_MALFORMED, pl->type,
		    body_off(pl) + 1, "CERT: no certificate data");
	return 0;
}

static bool
doi_ok(uint32_t doi)
{
	return doi == ISAKMP_DOI_ISAKMP || doi == ISAKMP_DOI_IPSEC;
}

int
isakmp_notify_decode(const struct isakmp_pl *pl, struct isakmp_notify *n,
    struct isakmp_err *e)
{
	size_t off;

	memset(n, 0, sizeof(*n));
	if (pl == NULL || pl->type != ISAKMP_PL_N)
		return isakmp_fail(e, ISAKMP_E_USAGE, 0, pl ? pl->type : 0, 0,
		    "N: not a notification payload");
	off = body_off(pl);
	if (pl->len < 8)
		return isakmp_fail(e, ISAKMP_E_TRUNCATED, ISAKMP_N_PAYLOAD_MALFORMED,
		    ISAKMP_PL_N, off, "N: DOI, protocol, SPI size and type cut short");
	n->doi = isakmp_get32(pl->body);
	n->proto = pl->body[4];
	n->spi_len = pl->body[5];
	n->type = isakmp_get16(pl->body + 6);
	if (!doi_ok(n->doi))
		return isakmp_fail(e, ISAKMP_E_DOI, ISAKMP_N_DOI_NOT_SUPPORTED, ISAKMP_PL_N,
		    off, "N: DOI is neither ISAKMP nor IPsec");
	if (n->spi_len != 0 && !isakmp_spi_len_ok(n->proto, n->spi_len))
		return isakmp_fail(e, ISAKMP_E_SPI, ISAKMP_N_INVALID_SPI, ISAKMP_PL_N, off + 5,
		    "N: SPI size wrong for the protocol");
	if (n->spi_len > pl->len - 8)
		return isakmp_fail(e, ISAKMP_E_LENGTH, ISAKMP_N_PAYLOAD_MALFORMED, ISAKMP_PL_N,
		    off + 5, "N: SPI overruns the payload");
	if (n->type == 0)
		return isakmp_fail(e, ISAKMP_E_VALUE, ISAKMP_N_PAYLOAD_MALFORMED, ISAKMP_PL_N,
		    off + 6, "N: message type 0 is reserved");
	n->spi = pl->body + 8;
	n->data = n->spi + n->spi_len;
	n->data_len = pl->len - 8 - n->spi_len;
	return 0;
}

int
isakmp_delete_decode(const struct isakmp_pl *pl, struct isakmp_delete *d,
    struct isakmp_err *e)
{
	size_t off;

	memset(d, 0, sizeof(*d));
	if (pl == NULL || pl->type != ISAKMP_PL_D)
		return isakmp_fail(e, ISAKMP_E_USAGE, 0, pl ? pl->type : 0, 0,
		    "D: not a delete payload");
	off = body_off(pl);
	if (pl->len < 8)
		return isakmp_fail(e, ISAKMP_E_TRUNCATED, ISAKMP_N_PAYLOAD_MALFORMED,
		    ISAKMP_PL_D, off, "D: DOI, protocol, SPI size and count cut short");
	d->doi = isakmp_get32(pl->body);
	d->proto = pl->body[4];
	d->spi_len = pl->body[5];
	d->nspi = isakmp_get16(pl->body + 6);
	if (!doi_ok(d->doi))
		return isakmp_fail(e, ISAKMP_E_DOI, ISAKMP_N_DOI_NOT_SUPPORTED, ISAKMP_PL_D,
		    off, "D: DOI is neither ISAKMP nor IPsec");
	if (d->proto < ISAKMP_PROTO_ISAKMP || d->proto > ISAKMP_PROTO_IPCOMP)
		return isakmp_fail(e, ISAKMP_E_PROTO, ISAKMP_N_INVALID_PROTOCOL_ID, ISAKMP_PL_D,
		    off + 4, "D: unknown protocol");
	if (!isakmp_spi_len_ok(d->proto, d->spi_len))
		return isakmp_fail(e, ISAKMP_E_SPI, ISAKMP_N_INVALID_SPI, ISAKMP_PL_D, off + 5,
		    "D: SPI size wrong for the protocol");
	if (d->nspi == 0)
		return isakmp_fail(e, ISAKMP_E_COUNT, ISAKMP_N_PAYLOAD_MALFORMED, ISAKMP_PL_D,
		    off + 6, "D: no SPI");
	if ((size_t)d->nspi * d->spi_len != pl->len - 8)
		return isakmp_fail(e, ISAKMP_E_COUNT, ISAKMP_N_PAYLOAD_MALFORMED, ISAKMP_PL_D,
		    off + 6, "D: SPI count times size disagrees with the payload length");
	d->spis = pl->body + 8;
	return 0;
}

const uint8_t *
isakmp_delete_spi(const struct isakmp_delete *d, size_t i)
{
	if (d->spis == NULL || i >= d->nspi)
		return NULL;
	return d->spis + i * d->spi_len;
}

int
isakmp_natoa_decode(const struct isakmp_pl *pl, struct isakmp_natoa *oa,
    struct isakmp_err *e)
{
	size_t alen;

	memset(oa, 0, sizeof(*oa));
	if (pl == NULL || pl->type != ISAKMP_PL_NAT_OA)
		return isakmp_fail(e, ISAKMP_E_USAGE, 0, pl ? pl->type : 0, 0,
		    "NAT-OA: not a NAT-OA payload");
	if (pl->len < 4)
		return isakmp_fail(e, ISAKMP_E_TRUNCATED, ISAKMP_N_PAYLOAD_MALFORMED,
		    ISAKMP_PL_NAT_OA, body_off(pl), "NAT-OA: ID type cut short");
	oa->type = pl->body[0];
	if (oa->type == ISAKMP_ID_IPV4_ADDR) {
		oa->af = AF_INET;
		alen = 4;
	} else if (oa->type == ISAKMP_ID_IPV6_ADDR) {
		oa->af = AF_INET6;
		alen = 16;
	} else {
		return isakmp_fail(e, ISAKMP_E_ID, ISAKMP_N_INVALID_ID_INFORMATION,
		    ISAKMP_PL_NAT_OA, body_off(pl), "NAT-OA: type is not an address");
	}
	if (pl->len - 4 != alen)
		return isakmp_fail(e, ISAKMP_E_LENGTH, ISAKMP_N_PAYLOAD_MALFORMED,
		    ISAKMP_PL_NAT_OA, body_off(pl) + 4,
		    "NAT-OA: address length wrong for its type");
	memcpy(oa->addr, pl->body + 4, alen);
	return 0;
}
