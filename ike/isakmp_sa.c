/*
 * isakmp_sa: the SA payload with its proposals, transforms and data attributes
 * (RFC 2408 §3.3-3.6, RFC 2407 §4.5-4.6.1, RFC 2409 Appendix A).  The decoder validates
 * everything once, so the iterators that follow have nothing left to refuse.
 */
#include <string.h>

#include "ike/isakmp.h"
#include "ike/isakmp_int.h"

#define PROP_FIXED	8	/* generic header, number, protocol, SPI size, count */
#define XFORM_FIXED	8	/* generic header, number, id, 2 reserved */
#define ATTR_AF		0x8000

int
isakmp_spi_len_ok(uint8_t proto, uint8_t spi_len)
{
	switch (proto) {
	case ISAKMP_PROTO_ISAKMP:
		return spi_len == 16;
	case ISAKMP_PROTO_AH:
	case ISAKMP_PROTO_ESP:
		return spi_len == 4;
	case ISAKMP_PROTO_IPCOMP:
		/* RFC 2407 §4.4.1: the 2-byte CPI, or the CPI in a 4-byte field */
		return spi_len == 2 || spi_len == 4;
	default:
		return 0;
	}
}

bool
isakmp_attr_is_basic(uint8_t proto, uint16_t type)
{
	if (proto == ISAKMP_PROTO_ISAKMP) {
		switch (type) {
		case ISAKMP_P1_ENCR:
		case ISAKMP_P1_HASH:
		case ISAKMP_P1_AUTH:
		case ISAKMP_P1_GROUP:
		case ISAKMP_P1_GROUP_TYPE:
		case ISAKMP_P1_LIFE_TYPE:
		case ISAKMP_P1_PRF:
		case ISAKMP_P1_KEY_LEN:
		case ISAKMP_P1_FIELD_SIZE:
			return true;
		default:
			return false;
		}
	}
	switch (type) {
	case ISAKMP_P2_LIFE_TYPE:
	case ISAKMP_P2_GROUP:
	case ISAKMP_P2_ENCAP:
	case ISAKMP_P2_AUTH:
	case ISAKMP_P2_KEY_LEN:
	case ISAKMP_P2_KEY_ROUNDS:
	case ISAKMP_P2_COMP_DICT:
	case ISAKMP_P2_ECN_TUNNEL:
	case ISAKMP_P2_ESN:
		return true;
	default:
		return false;
	}
}

/* Life type and duration come in pairs, once for seconds and once for kilobytes. */
static bool
attr_may_repeat(uint8_t proto, uint16_t type)
{
	if (proto == ISAKMP_PROTO_ISAKMP)
		return type == ISAKMP_P1_LIFE_TYPE || type == ISAKMP_P1_LIFE_DURATION;
	return type == ISAKMP_P2_LIFE_TYPE || type == ISAKMP_P2_LIFE_DURATION;
}

static int
attrs_check(const uint8_t *p, size_t len, uint8_t proto, size_t base, struct isakmp_err *e)
{
	uint64_t seen = 0;	/* types below 64; the known ones all are */
	size_t off = 0;

	while (off < len) {
		uint16_t raw, type;
		size_t size = 4;

		if (len - off < 4)
			return isakmp_fail(e, ISAKMP_E_TRUNCATED, ISAKMP_N_PAYLOAD_MALFORMED,
			    ISAKMP_PL_T, base + off, "attribute: header cut short");
		raw = isakmp_get16(p + off);
		type = raw & ~ATTR_AF;
		if (type == 0)
			return isakmp_fail(e, ISAKMP_E_ATTR, ISAKMP_N_BAD_PROPOSAL_SYNTAX,
			    ISAKMP_PL_T, base + off, "attribute: type 0 is reserved");
		if (!(raw & ATTR_AF)) {
			size_t vlen = isakmp_get16(p + off + 2);

			if (vlen > len - off - 4)
				return isakmp_fail(e, ISAKMP_E_LENGTH,
				    ISAKMP_N_PAYLOAD_MALFORMED, ISAKMP_PL_T, base + off + 2,
				    "attribute: TLV length overruns the transform");
			if (isakmp_attr_is_basic(proto, type))
				return isakmp_fail(e, ISAKMP_E_ATTR,
				    ISAKMP_N_BAD_PROPOSAL_SYNTAX, ISAKMP_PL_T, base + off,
				    "attribute: basic attribute sent as TLV");
			size += vlen;
		}
		if (type < 64 && !attr_may_repeat(proto, type)) {
			if (seen & (UINT64_C(1) << type))
				return isakmp_fail(e, ISAKMP_E_ATTR,
				    ISAKMP_N_BAD_PROPOSAL_SYNTAX, ISAKMP_PL_T, base + off,
				    "attribute: repeated in one transform");
			seen |= UINT64_C(1) << type;
		}
		off += size;
	}
	return 0;
}

/* One transform at p (left bytes remain in the proposal); *size gets its length. */
static int
xform_check(const uint8_t *p, size_t left, uint8_t proto, size_t base, size_t *size,
    struct isakmp_err *e)
{
	size_t tlen;

	if (left < XFORM_FIXED)
		return isakmp_fail(e, ISAKMP_E_TRUNCATED, ISAKMP_N_BAD_PROPOSAL_SYNTAX,
		    ISAKMP_PL_T, base, "transform: fixed part cut short");
	if (p[0] != ISAKMP_PL_T && p[0] != ISAKMP_PL_NONE)
		return isakmp_fail(e, ISAKMP_E_PAYLOAD_TYPE, ISAKMP_N_INVALID_PAYLOAD_TYPE,
		    ISAKMP_PL_T, base, "transform: next payload is neither transform nor 0");
	tlen = isakmp_get16(p + 2);
	if (tlen < XFORM_FIXED)
		return isakmp_fail(e, ISAKMP_E_LENGTH, ISAKMP_N_PAYLOAD_MALFORMED, ISAKMP_PL_T,
		    base + 2, "transform: length below 8");
	if (tlen > left)
		return isakmp_fail(e, ISAKMP_E_LENGTH, ISAKMP_N_PAYLOAD_MALFORMED, ISAKMP_PL_T,
		    base + 2, "transform: length overruns the proposal");
	if ((p[0] == ISAKMP_PL_NONE) != (tlen == left))
		return isakmp_fail(e, ISAKMP_E_COUNT, ISAKMP_N_BAD_PROPOSAL_SYNTAX,
		    ISAKMP_PL_T, base, p[0] == ISAKMP_PL_NONE ?
		    "transform: marked last but the proposal goes on" :
		    "transform: announces another but the proposal ends");
	*size = tlen;
	return attrs_check(p + XFORM_FIXED, tlen - XFORM_FIXED, proto, base + XFORM_FIXED, e);
}

static int
prop_check(const uint8_t *p, size_t left, int prev_num, size_t base, size_t *size,
    struct isakmp_err *e)
{
	size_t plen, off, tsize = 0;
	uint8_t proto, spi_len, ntrans;
	unsigned count = 0;

	if (left < PROP_FIXED)
		return isakmp_fail(e, ISAKMP_E_TRUNCATED, ISAKMP_N_BAD_PROPOSAL_SYNTAX,
		    ISAKMP_PL_P, base, "proposal: fixed part cut short");
	if (p[0] != ISAKMP_PL_P && p[0] != ISAKMP_PL_NONE)
		return isakmp_fail(e, ISAKMP_E_PAYLOAD_TYPE, ISAKMP_N_INVALID_PAYLOAD_TYPE,
		    ISAKMP_PL_P, base, "proposal: next payload is neither proposal nor 0");
	plen = isakmp_get16(p + 2);
	if (plen < PROP_FIXED)
		return isakmp_fail(e, ISAKMP_E_LENGTH, ISAKMP_N_PAYLOAD_MALFORMED, ISAKMP_PL_P,
		    base + 2, "proposal: length below 8");
	if (plen > left)
		return isakmp_fail(e, ISAKMP_E_LENGTH, ISAKMP_N_PAYLOAD_MALFORMED, ISAKMP_PL_P,
		    base + 2, "proposal: length overruns the SA");
	if ((p[0] == ISAKMP_PL_NONE) != (plen == left))
		return isakmp_fail(e, ISAKMP_E_COUNT, ISAKMP_N_BAD_PROPOSAL_SYNTAX,
		    ISAKMP_PL_P, base, p[0] == ISAKMP_PL_NONE ?
		    "proposal: marked last but the SA goes on" :
		    "proposal: announces another but the SA ends");
	/* RFC 2408 §4.2: equal numbers are one bundle; numbers never go down. */
	if ((int)p[4] < prev_num)
		return isakmp_fail(e, ISAKMP_E_PROPOSAL, ISAKMP_N_BAD_PROPOSAL_SYNTAX,
		    ISAKMP_PL_P, base + 4, "proposal: number below the previous one");
	proto = p[5];
	spi_len = p[6];
	ntrans = p[7];
	if (proto < ISAKMP_PROTO_ISAKMP || proto > ISAKMP_PROTO_IPCOMP)
		return isakmp_fail(e, ISAKMP_E_PROTO, ISAKMP_N_INVALID_PROTOCOL_ID, ISAKMP_PL_P,
		    base + 5, "proposal: unknown protocol");
	/* RFC 2409 §5: the ISAKMP SPI may be left out (size 0) or be the two cookies. */
	if (!(proto == ISAKMP_PROTO_ISAKMP && spi_len == 0) && !isakmp_spi_len_ok(proto,
	    spi_len))
		return isakmp_fail(e, ISAKMP_E_SPI, ISAKMP_N_INVALID_SPI, ISAKMP_PL_P, base + 6,
		    "proposal: SPI size wrong for the protocol");
	if (PROP_FIXED + (size_t)spi_len > plen)
		return isakmp_fail(e, ISAKMP_E_LENGTH, ISAKMP_N_PAYLOAD_MALFORMED, ISAKMP_PL_P,
		    base + 6, "proposal: SPI overruns the proposal");
	if (ntrans == 0)
		return isakmp_fail(e, ISAKMP_E_COUNT, ISAKMP_N_BAD_PROPOSAL_SYNTAX, ISAKMP_PL_P,
		    base + 7, "proposal: no transforms");
	for (off = PROP_FIXED + spi_len; off < plen; off += tsize) {
		if (count == ntrans)
			return isakmp_fail(e, ISAKMP_E_COUNT, ISAKMP_N_BAD_PROPOSAL_SYNTAX,
			    ISAKMP_PL_P, base + 7, "proposal: more transforms than its count");
		if (xform_check(p + off, plen - off, proto, base + off, &tsize, e) == -1)
			return -1;
		count++;
	}
	if (count != ntrans)
		return isakmp_fail(e, ISAKMP_E_COUNT, ISAKMP_N_BAD_PROPOSAL_SYNTAX, ISAKMP_PL_P,
		    base + 7, "proposal: fewer transforms than its count");
	*size = plen;
	return 0;
}

int
isakmp_sa_decode(const struct isakmp_pl *pl, struct isakmp_sa *sa, struct isakmp_err *e)
{
	size_t base, off, size = 0;
	int prev = 0;

	memset(sa, 0, sizeof(*sa));
	if (pl == NULL || pl->type != ISAKMP_PL_SA)
		return isakmp_fail(e, ISAKMP_E_USAGE, 0, pl ? pl->type : 0, 0,
		    "SA: not an SA payload");
	base = pl->off + ISAKMP_GEN_LEN;
	if (pl->len < 8)
		return isakmp_fail(e, ISAKMP_E_TRUNCATED, ISAKMP_N_PAYLOAD_MALFORMED,
		    ISAKMP_PL_SA, base, "SA: DOI and situation cut short");
	sa->doi = isakmp_get32(pl->body);
	sa->situation = isakmp_get32(pl->body + 4);
	if (sa->doi != ISAKMP_DOI_IPSEC)
		return isakmp_fail(e, ISAKMP_E_DOI, ISAKMP_N_DOI_NOT_SUPPORTED, ISAKMP_PL_SA,
		    base, "SA: DOI is not IPsec");
	/* Secrecy and integrity situations add labelled-domain fields we do not speak. */
	if (sa->situation != ISAKMP_SIT_IDENTITY_ONLY)
		return isakmp_fail(e, ISAKMP_E_SITUATION, ISAKMP_N_SITUATION_NOT_SUPPORTED,
		    ISAKMP_PL_SA, base + 4, "SA: situation is not identity-only");
	sa->props = pl->body + 8;
	sa->props_len = pl->len - 8;
	if (sa->props_len == 0)
		return isakmp_fail(e, ISAKMP_E_PROPOSAL, ISAKMP_N_BAD_PROPOSAL_SYNTAX,
		    ISAKMP_PL_SA, base + 8, "SA: no proposal");
	for (off = 0; off < sa->props_len; off += size) {
		if (prop_check(sa->props + off, sa->props_len - off, prev, base + 8 + off,
		    &size, e) == -1)
			return -1;
		prev = sa->props[off + 4];
		sa->nprops++;
	}
	return 0;
}

void
isakmp_sa_props(const struct isakmp_sa *sa, struct isakmp_iter *it)
{
	it->p = sa->props;
	it->left = sa->props != NULL ? sa->props_len : 0;
	it->proto = 0;
}

bool
isakmp_prop_next(struct isakmp_iter *it, struct isakmp_prop *p)
{
	size_t plen;

	if (it->left < PROP_FIXED)
		return false;
	plen = isakmp_get16(it->p + 2);
	if (plen < PROP_FIXED || plen > it->left || PROP_FIXED + (size_t)it->p[6] > plen)
		return false;
	p->num = it->p[4];
	p->proto = it->p[5];
	p->spi_len = it->p[6];
	p->ntrans = it->p[7];
	p->spi = it->p + PROP_FIXED;
	p->xforms = p->spi + p->spi_len;
	p->xforms_len = plen - PROP_FIXED - p->spi_len;
	p->hdr = it->p;
	p->total_len = plen;
	it->p += plen;
	it->left -= plen;
	return true;
}

void
isakmp_prop_xforms(const struct isakmp_prop *p, struct isakmp_iter *it)
{
	it->p = p->xforms;
	it->left = p->xforms != NULL ? p->xforms_len : 0;
	it->proto = p->proto;
}

bool
isakmp_xform_next(struct isakmp_iter *it, struct isakmp_xform *x)
{
	size_t tlen;

	if (it->left < XFORM_FIXED)
		return false;
	tlen = isakmp_get16(it->p + 2);
	if (tlen < XFORM_FIXED || tlen > it->left)
		return false;
	x->num = it->p[4];
	x->id = it->p[5];
	x->proto = it->proto;
	x->attrs = it->p + XFORM_FIXED;
	x->attrs_len = tlen - XFORM_FIXED;
	x->hdr = it->p;
	x->total_len = tlen;
	it->p += tlen;
	it->left -= tlen;
	return true;
}

void
isakmp_xform_attrs(const struct isakmp_xform *x, struct isakmp_iter *it)
{
	it->p = x->attrs;
	it->left = x->attrs != NULL ? x->attrs_len : 0;
	it->proto = x->proto;
}

bool
isakmp_attr_next(struct isakmp_iter *it, struct isakmp_attr *a)
{
	uint16_t raw;
	size_t size = 4;

	if (it->left < 4)
		return false;
	raw = isakmp_get16(it->p);
	a->type = raw & ~ATTR_AF;
	a->tv = raw & ATTR_AF;
	if (a->tv) {
		a->val = it->p + 2;
		a->len = 2;
	} else {
		a->len = isakmp_get16(it->p + 2);
		if (a->len > it->left - 4)
			return false;
		a->val = it->p + 4;
		size += a->len;
	}
	it->p += size;
	it->left -= size;
	return true;
}

bool
isakmp_xform_attr(const struct isakmp_xform *x, uint16_t type, struct isakmp_attr *a)
{
	struct isakmp_iter it;

	isakmp_xform_attrs(x, &it);
	while (isakmp_attr_next(&it, a))
		if (a->type == type)
			return true;
	return false;
}

int
isakmp_attr_uint(const struct isakmp_attr *a, uint64_t *v)
{
	const uint8_t *p = a->val;
	size_t len = a->len;

	if (a->tv) {
		*v = isakmp_get16(p);
		return 0;
	}
	if (len == 0)
		return -1;
	while (len > 1 && *p == 0) {
		p++;
		len--;
	}
	if (len > 8)
		return -1;
	*v = 0;
	while (len-- > 0)
		*v = *v << 8 | *p++;
	return 0;
}
