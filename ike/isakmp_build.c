/*
 * isakmp_build: ISAKMP messages and payload chains for sending.  Every write goes through
 * reserve(), which enforces the cap; growing copies into fresh memory and wipes the old.
 */
#include <stdlib.h>
#include <string.h>

#include "ike/isakmp.h"
#include "ike/isakmp_int.h"

#define CLOSED		SIZE_MAX
#define BUF_MIN		256
#define PROP_FIXED	8
#define XFORM_FIXED	8
#define ATTR_AF		0x8000

static void
reset(struct isakmp_buf *b, uint8_t *mem, size_t cap, size_t max, bool owned)
{
	memset(b, 0, sizeof(*b));
	b->p = mem;
	b->cap = cap;
	b->max = max;
	b->owned = owned;
	b->np_off = CLOSED;
	b->sa_off = b->prop_off = b->xf_off = CLOSED;
	b->prop_np_off = b->xf_np_off = CLOSED;
	b->err.what = "";
}

void
isakmp_buf_init(struct isakmp_buf *b, size_t max)
{
	reset(b, NULL, 0, max == 0 || max > ISAKMP_MAX_MSG ? ISAKMP_MAX_MSG : max, true);
}

void
isakmp_buf_init_fixed(struct isakmp_buf *b, uint8_t *mem, size_t size)
{
	if (size > ISAKMP_MAX_MSG)
		size = ISAKMP_MAX_MSG;
	reset(b, mem, mem != NULL ? size : 0, mem != NULL ? size : 0, false);
}

void
isakmp_buf_free(struct isakmp_buf *b)
{
	if (b->p != NULL) {
		explicit_bzero(b->p, b->cap);
		if (b->owned)
			free(b->p);
	}
	reset(b, NULL, 0, b->max, true);
}

/* Records the first error only, so the report names the call that went wrong. */
static int
fail(struct isakmp_buf *b, enum isakmp_errc code, const char *what)
{
	if (b->err.code == ISAKMP_OK)
		isakmp_fail(&b->err, code, 0, 0, b->len, what);
	return -1;
}

static int
grow(struct isakmp_buf *b, size_t need)
{
	size_t cap = b->cap < BUF_MIN ? BUF_MIN : b->cap;
	uint8_t *p;

	while (cap < need)
		cap *= 2;
	if (cap > b->max)
		cap = b->max;
	p = malloc(cap);
	if (p == NULL)
		return fail(b, ISAKMP_E_NOMEM, "buffer: out of memory");
	if (b->p != NULL) {
		memcpy(p, b->p, b->len);
		explicit_bzero(b->p, b->cap);
		free(b->p);
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

/* n more bytes at the end, zeroed; NULL once the buffer is in error. */
static uint8_t *
reserve(struct isakmp_buf *b, size_t n)
{
	uint8_t *p;

	if (b->err.code != ISAKMP_OK)
		return NULL;
	if (n > b->max || b->len > b->max - n) {
		fail(b, ISAKMP_E_NOSPACE, "buffer: message would exceed its cap");
		return NULL;
	}
	if (b->len + n > b->cap) {
		if (!b->owned) {
			fail(b, ISAKMP_E_NOSPACE, "buffer: message would exceed its cap");
			return NULL;
		}
		if (grow(b, b->len + n) == -1)
			return NULL;
	}
	p = b->p + b->len;
	memset(p, 0, n);
	b->len += n;
	return p;
}

static int
usable(struct isakmp_buf *b)
{
	return b->err.code == ISAKMP_OK ? 0 : -1;
}

/* Writes a payload's 16-bit length field at off, from off to the current end. */
static int
close_len(struct isakmp_buf *b, size_t off, const char *what)
{
	size_t len = b->len - off;

	if (len > UINT16_MAX)
		return fail(b, ISAKMP_E_LENGTH, what);
	isakmp_set16(b->p + off + 2, (uint16_t)len);
	return 0;
}

int
isakmp_put_hdr(struct isakmp_buf *b, const struct isakmp_hdr *h)
{
	uint8_t *p;

	if (usable(b) == -1)
		return -1;
	if (b->len != 0)
		return fail(b, ISAKMP_E_USAGE, "header: not the first thing in the buffer");
	if ((p = reserve(b, ISAKMP_HDR_LEN)) == NULL)
		return -1;
	memcpy(p, h->icookie, ISAKMP_COOKIE_LEN);
	memcpy(p + 8, h->rcookie, ISAKMP_COOKIE_LEN);
	p[16] = h->np;
	p[17] = h->version != 0 ? h->version : ISAKMP_VERSION;
	p[18] = h->exchange;
	p[19] = h->flags;
	isakmp_set32(p + 20, h->msgid);
	b->has_hdr = true;
	b->np_off = 16;
	return 0;
}

/* Opens a top-level payload of type with body bytes reserved; chains it to the last one. */
static uint8_t *
pl_open(struct isakmp_buf *b, uint8_t type, size_t body, size_t *off)
{
	uint8_t *p;

	if (usable(b) == -1)
		return NULL;
	if (b->sa_off != CLOSED) {
		fail(b, ISAKMP_E_USAGE, "payload: appended inside an open SA");
		return NULL;
	}
	if (type == ISAKMP_PL_NONE || type == ISAKMP_PL_P || type == ISAKMP_PL_T) {
		fail(b, ISAKMP_E_USAGE, "payload: type 0, proposal or transform at top level");
		return NULL;
	}
	if (body > UINT16_MAX - ISAKMP_GEN_LEN) {
		fail(b, ISAKMP_E_LENGTH, "payload: body longer than a payload can be");
		return NULL;
	}
	*off = b->len;
	if ((p = reserve(b, ISAKMP_GEN_LEN + body)) == NULL)
		return NULL;
	if (b->np_off != CLOSED)
		b->p[b->np_off] = type;
	else
		b->first = type;
	b->np_off = *off;
	isakmp_set16(p + 2, (uint16_t)(ISAKMP_GEN_LEN + body));
	return p + ISAKMP_GEN_LEN;
}

int
isakmp_put_payload(struct isakmp_buf *b, uint8_t type, const void *data, size_t len,
    size_t *body_off)
{
	uint8_t *p;
	size_t off;

	if ((p = pl_open(b, type, len, &off)) == NULL)
		return -1;
	if (data != NULL && len > 0)
		memcpy(p, data, len);
	if (body_off != NULL)
		*body_off = off + ISAKMP_GEN_LEN;
	return 0;
}

int
isakmp_put_id(struct isakmp_buf *b, const struct isakmp_id *id)
{
	uint8_t *p;
	size_t off;

	if (id->data == NULL && id->len > 0)
		return fail(b, ISAKMP_E_USAGE, "ID: data missing");
	if (id->len > UINT16_MAX)
		return fail(b, ISAKMP_E_LENGTH, "ID: data longer than a payload can be");
	if ((p = pl_open(b, ISAKMP_PL_ID, 4 + id->len, &off)) == NULL)
		return -1;
	p[0] = id->type;
	p[1] = id->proto;
	isakmp_set16(p + 2, id->port);
	if (id->len > 0)
		memcpy(p + 4, id->data, id->len);
	return 0;
}

int
isakmp_put_cert(struct isakmp_buf *b, uint8_t type, uint8_t enc, const void *data,
    size_t len)
{
	uint8_t *p;
	size_t off;

	if (type != ISAKMP_PL_CERT && type != ISAKMP_PL_CR)
		return fail(b, ISAKMP_E_USAGE, "CERT: type is neither CERT nor CR");
	if (data == NULL && len > 0)
		return fail(b, ISAKMP_E_USAGE, "CERT: data missing");
	if (len > UINT16_MAX)
		return fail(b, ISAKMP_E_LENGTH, "CERT: data longer than a payload can be");
	if ((p = pl_open(b, type, 1 + len, &off)) == NULL)
		return -1;
	p[0] = enc;
	if (len > 0)
		memcpy(p + 1, data, len);
	return 0;
}

int
isakmp_put_notify(struct isakmp_buf *b, const struct isakmp_notify *n)
{
	uint8_t *p;
	size_t off;

	if ((n->spi == NULL && n->spi_len > 0) || (n->data == NULL && n->data_len > 0))
		return fail(b, ISAKMP_E_USAGE, "N: SPI or data missing");
	if (n->data_len > UINT16_MAX)
		return fail(b, ISAKMP_E_LENGTH, "N: data longer than a payload can be");
	if ((p = pl_open(b, ISAKMP_PL_N, 8 + (size_t)n->spi_len + n->data_len, &off)) == NULL)
		return -1;
	isakmp_set32(p, n->doi);
	p[4] = n->proto;
	p[5] = n->spi_len;
	isakmp_set16(p + 6, n->type);
	if (n->spi_len > 0)
		memcpy(p + 8, n->spi, n->spi_len);
	if (n->data_len > 0)
		memcpy(p + 8 + n->spi_len, n->data, n->data_len);
	return 0;
}

int
isakmp_put_delete(struct isakmp_buf *b, const struct isakmp_delete *d)
{
	size_t len = (size_t)d->nspi * d->spi_len, off;
	uint8_t *p;

	if (d->spis == NULL && len > 0)
		return fail(b, ISAKMP_E_USAGE, "D: SPIs missing");
	if ((p = pl_open(b, ISAKMP_PL_D, 8 + len, &off)) == NULL)
		return -1;
	isakmp_set32(p, d->doi);
	p[4] = d->proto;
	p[5] = d->spi_len;
	isakmp_set16(p + 6, d->nspi);
	if (len > 0)
		memcpy(p + 8, d->spis, len);
	return 0;
}

int
isakmp_put_natoa(struct isakmp_buf *b, const struct isakmp_natoa *oa)
{
	size_t alen, off;
	uint8_t *p;

	if (oa->type == ISAKMP_ID_IPV4_ADDR)
		alen = 4;
	else if (oa->type == ISAKMP_ID_IPV6_ADDR)
		alen = 16;
	else
		return fail(b, ISAKMP_E_USAGE, "NAT-OA: type is not an address");
	if ((p = pl_open(b, ISAKMP_PL_NAT_OA, 4 + alen, &off)) == NULL)
		return -1;
	p[0] = oa->type;
	memcpy(p + 4, oa->addr, alen);
	return 0;
}

int
isakmp_put_raw(struct isakmp_buf *b, const void *data, size_t len)
{
	uint8_t *p;

	if (usable(b) == -1)
		return -1;
	if (b->sa_off != CLOSED)
		return fail(b, ISAKMP_E_USAGE, "raw bytes: appended inside an open SA");
	if (data == NULL && len > 0)
		return fail(b, ISAKMP_E_USAGE, "raw bytes: data missing");
	if ((p = reserve(b, len)) == NULL)
		return -1;
	if (len > 0)
		memcpy(p, data, len);
	/* Nothing after raw bytes can be chained: they are not a payload. */
	b->np_off = CLOSED;
	return 0;
}

int
isakmp_sa_begin(struct isakmp_buf *b, uint32_t doi, uint32_t situation)
{
	uint8_t *p;
	size_t off;

	if ((p = pl_open(b, ISAKMP_PL_SA, 8, &off)) == NULL)
		return -1;
	isakmp_set32(p, doi);
	isakmp_set32(p + 4, situation);
	b->sa_off = off;
	b->prop_np_off = CLOSED;
	return 0;
}

int
isakmp_prop_begin(struct isakmp_buf *b, uint8_t num, uint8_t proto, const void *spi,
    uint8_t spi_len)
{
	size_t off = b->len;
	uint8_t *p;

	if (usable(b) == -1)
		return -1;
	if (b->sa_off == CLOSED || b->prop_off != CLOSED)
		return fail(b, ISAKMP_E_USAGE, "proposal: no open SA, or one still open");
	if (spi == NULL && spi_len > 0)
		return fail(b, ISAKMP_E_USAGE, "proposal: SPI missing");
	if ((p = reserve(b, PROP_FIXED + spi_len)) == NULL)
		return -1;
	if (b->prop_np_off != CLOSED)
		b->p[b->prop_np_off] = ISAKMP_PL_P;
	p[4] = num;
	p[5] = proto;
	p[6] = spi_len;
	if (spi_len > 0)
		memcpy(p + PROP_FIXED, spi, spi_len);
	b->prop_off = b->prop_np_off = off;
	b->xf_np_off = CLOSED;
	b->nxf = 0;
	b->proto = proto;
	return 0;
}

int
isakmp_xform_begin(struct isakmp_buf *b, uint8_t num, uint8_t id)
{
	size_t off = b->len;
	uint8_t *p;

	if (usable(b) == -1)
		return -1;
	if (b->prop_off == CLOSED || b->xf_off != CLOSED)
		return fail(b, ISAKMP_E_USAGE, "transform: no open proposal, or one still open");
	if (b->nxf == UINT8_MAX)
		return fail(b, ISAKMP_E_COUNT, "transform: more than 255 in a proposal");
	if ((p = reserve(b, XFORM_FIXED)) == NULL)
		return -1;
	if (b->xf_np_off != CLOSED)
		b->p[b->xf_np_off] = ISAKMP_PL_T;
	p[4] = num;
	p[5] = id;
	b->xf_off = b->xf_np_off = off;
	return 0;
}

static int
attr_tv(struct isakmp_buf *b, uint16_t type, const uint8_t val[2])
{
	uint8_t *p;

	if ((p = reserve(b, 4)) == NULL)
		return -1;
	isakmp_set16(p, ATTR_AF | type);
	p[2] = val[0];
	p[3] = val[1];
	return 0;
}

static int
attr_tlv(struct isakmp_buf *b, uint16_t type, const uint8_t *val, uint16_t len)
{
	uint8_t *p;

	if ((p = reserve(b, 4 + (size_t)len)) == NULL)
		return -1;
	isakmp_set16(p, type);
	isakmp_set16(p + 2, len);
	if (len > 0)
		memcpy(p + 4, val, len);
	return 0;
}

static int
attr_open(struct isakmp_buf *b, uint16_t type)
{
	if (usable(b) == -1)
		return -1;
	if (b->xf_off == CLOSED)
		return fail(b, ISAKMP_E_USAGE, "attribute: no open transform");
	if (type == 0 || (type & ATTR_AF))
		return fail(b, ISAKMP_E_USAGE, "attribute: type 0 or with the AF bit");
	return 0;
}

int
isakmp_attr_put(struct isakmp_buf *b, uint16_t type, uint64_t value)
{
	uint8_t v[8];

	if (attr_open(b, type) == -1)
		return -1;
	for (int i = 7; i >= 0; i--) {
		v[i] = (uint8_t)value;
		value >>= 8;
	}
	/* RFC 2408 §3.3: variable attributes may be basic when the value fits 16 bits. */
	if (v[0] == 0 && v[1] == 0 && v[2] == 0 && v[3] == 0 && v[4] == 0 && v[5] == 0)
		return attr_tv(b, type, v + 6);
	if (isakmp_attr_is_basic(b->proto, type))
		return fail(b, ISAKMP_E_ATTR, "attribute: basic attribute value above 16 bits");
	if (v[0] == 0 && v[1] == 0 && v[2] == 0 && v[3] == 0)
		return attr_tlv(b, type, v + 4, 4);
	return attr_tlv(b, type, v, 8);
}

int
isakmp_attr_put_bytes(struct isakmp_buf *b, uint16_t type, const void *val, uint16_t len)
{
	if (attr_open(b, type) == -1)
		return -1;
	if (val == NULL && len > 0)
		return fail(b, ISAKMP_E_USAGE, "attribute: value missing");
	if (isakmp_attr_is_basic(b->proto, type))
		return fail(b, ISAKMP_E_ATTR, "attribute: basic attribute as bytes");
	return attr_tlv(b, type, val, len);
}

int
isakmp_attr_copy(struct isakmp_buf *b, const struct isakmp_attr *a)
{
	if (attr_open(b, a->type) == -1)
		return -1;
	if (a->tv) {
		if (a->val == NULL || a->len != 2)
			return fail(b, ISAKMP_E_USAGE, "attribute: TV value is not 2 bytes");
		return attr_tv(b, a->type, a->val);
	}
	if (a->val == NULL && a->len > 0)
		return fail(b, ISAKMP_E_USAGE, "attribute: value missing");
	return attr_tlv(b, a->type, a->val, a->len);
}

int
isakmp_xform_end(struct isakmp_buf *b)
{
	if (usable(b) == -1)
		return -1;
	if (b->xf_off == CLOSED)
		return fail(b, ISAKMP_E_USAGE, "transform: none open");
	if (close_len(b, b->xf_off, "transform: longer than 65535 bytes") == -1)
		return -1;
	b->xf_off = CLOSED;
	b->nxf++;
	return 0;
}

int
isakmp_prop_end(struct isakmp_buf *b)
{
	if (usable(b) == -1)
		return -1;
	if (b->prop_off == CLOSED || b->xf_off != CLOSED)
		return fail(b, ISAKMP_E_USAGE, "proposal: none open, or a transform still open");
	if (b->nxf == 0)
		return fail(b, ISAKMP_E_USAGE, "proposal: no transform");
	if (close_len(b, b->prop_off, "proposal: longer than 65535 bytes") == -1)
		return -1;
	b->p[b->prop_off + 7] = (uint8_t)b->nxf;
	b->prop_off = CLOSED;
	return 0;
}

int
isakmp_sa_end(struct isakmp_buf *b)
{
	if (usable(b) == -1)
		return -1;
	if (b->sa_off == CLOSED || b->prop_off != CLOSED)
		return fail(b, ISAKMP_E_USAGE, "SA: none open, or a proposal still open");
	if (b->prop_np_off == CLOSED)
		return fail(b, ISAKMP_E_USAGE, "SA: no proposal");
	if (close_len(b, b->sa_off, "SA: longer than 65535 bytes") == -1)
		return -1;
	b->sa_off = CLOSED;
	return 0;
}

int
isakmp_buf_finish(struct isakmp_buf *b, struct isakmp_err *e)
{
	if (b->err.code == ISAKMP_OK && b->sa_off != CLOSED)
		fail(b, ISAKMP_E_USAGE, "buffer: an SA is still open");
	if (b->err.code == ISAKMP_OK && b->has_hdr)
		isakmp_set32(b->p + 24, (uint32_t)b->len);
	if (b->err.code != ISAKMP_OK) {
		if (e != NULL)
			*e = b->err;
		return -1;
	}
	if (e != NULL)
		*e = b->err;
	return 0;
}
