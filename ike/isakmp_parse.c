/*
 * isakmp_parse: the ISAKMP header and the generic payload chain (RFC 2408 §3.1, §3.2, §5.1).
 * Produces views into the caller's buffer; allocates nothing.
 */
#include <string.h>

#include "ike/isakmp.h"
#include "ike/isakmp_int.h"

static const char *const errc_names[ISAKMP_E_COUNT_MAX] = {
	[ISAKMP_OK] = "ok",
	[ISAKMP_E_TRUNCATED] = "truncated",
	[ISAKMP_E_LENGTH] = "length",
	[ISAKMP_E_VERSION] = "version",
	[ISAKMP_E_PAYLOAD_TYPE] = "payload-type",
	[ISAKMP_E_COUNT] = "count",
	[ISAKMP_E_SPI] = "spi-size",
	[ISAKMP_E_PROTO] = "protocol",
	[ISAKMP_E_DOI] = "doi",
	[ISAKMP_E_SITUATION] = "situation",
	[ISAKMP_E_ATTR] = "attribute",
	[ISAKMP_E_PROPOSAL] = "proposal",
	[ISAKMP_E_ID] = "id",
	[ISAKMP_E_VALUE] = "value",
	[ISAKMP_E_PADDING] = "padding",
	[ISAKMP_E_TOO_MANY] = "too-many-payloads",
	[ISAKMP_E_NOSPACE] = "no-space",
	[ISAKMP_E_NOMEM] = "no-memory",
	[ISAKMP_E_USAGE] = "usage",
};

const char *
isakmp_errc_name(enum isakmp_errc code)
{
	if ((unsigned)code >= ISAKMP_E_COUNT_MAX)
		return "?";
	return errc_names[code];
}

int
isakmp_fail(struct isakmp_err *e, enum isakmp_errc code, uint16_t notify, uint8_t payload,
    size_t off, const char *what)
{
	if (e != NULL) {
		e->code = code;
		e->notify = notify;
		e->payload = payload;
		e->off = off;
		e->what = what;
	}
	return -1;
}

static void
err_clear(struct isakmp_err *e)
{
	if (e != NULL)
		*e = (struct isakmp_err){ .code = ISAKMP_OK, .what = "" };
}

int
isakmp_hdr_parse(struct isakmp_hdr *h, const uint8_t *buf, size_t len, unsigned flags,
    struct isakmp_err *e)
{
	err_clear(e);
	if (buf == NULL || len < ISAKMP_HDR_LEN)
		return isakmp_fail(e, ISAKMP_E_TRUNCATED, 0, 0, 0,
		    "header: datagram shorter than 28 bytes");
	memcpy(h->icookie, buf, ISAKMP_COOKIE_LEN);
	memcpy(h->rcookie, buf + 8, ISAKMP_COOKIE_LEN);
	h->np = buf[16];
	h->version = buf[17];
	h->exchange = buf[18];
	h->flags = buf[19];
	h->msgid = isakmp_get32(buf + 20);
	h->length = isakmp_get32(buf + 24);
	if (h->version >> 4 != 1)
		return isakmp_fail(e, ISAKMP_E_VERSION, ISAKMP_N_INVALID_MAJOR_VERSION, 0, 17,
		    "header: major version is not 1");
	if (h->length < ISAKMP_HDR_LEN)
		return isakmp_fail(e, ISAKMP_E_LENGTH, ISAKMP_N_UNEQUAL_PAYLOAD_LENGTHS, 0, 24,
		    "header: length below 28");
	if (h->length > len)
		return isakmp_fail(e, ISAKMP_E_LENGTH, ISAKMP_N_UNEQUAL_PAYLOAD_LENGTHS, 0, 24,
		    "header: length exceeds the datagram");
	/* RFC 2408 §5.1: a message whose length disagrees with the datagram is rejected. */
	if (h->length < len && !(flags & ISAKMP_PARSE_TRAILING))
		return isakmp_fail(e, ISAKMP_E_LENGTH, ISAKMP_N_UNEQUAL_PAYLOAD_LENGTHS, 0, 24,
		    "header: length below the datagram");
	return 0;
}

static bool
type_known(uint8_t t, unsigned flags)
{
	switch (t) {
	case ISAKMP_PL_SA:
	case ISAKMP_PL_KE:
	case ISAKMP_PL_ID:
	case ISAKMP_PL_CERT:
	case ISAKMP_PL_CR:
	case ISAKMP_PL_HASH:
	case ISAKMP_PL_SIG:
	case ISAKMP_PL_NONCE:
	case ISAKMP_PL_N:
	case ISAKMP_PL_D:
	case ISAKMP_PL_VID:
	case ISAKMP_PL_NAT_D:
	case ISAKMP_PL_NAT_OA:
		return true;
	default:
		return t >= ISAKMP_PL_PRIVATE_MIN && (flags & ISAKMP_PARSE_PRIVATE);
	}
}

/* Walks the chain over base[start..end); offsets stay relative to base. */
static int
chain_walk(struct isakmp_chain *c, uint8_t first, const uint8_t *base, size_t start,
    size_t end, size_t pad_max, unsigned flags, struct isakmp_err *e)
{
	size_t off = start;
	uint8_t t = first;

	c->n = 0;
	c->used = 0;
	c->pad = 0;
	while (t != ISAKMP_PL_NONE) {
		struct isakmp_pl *pl;
		uint16_t plen;

		if (t == ISAKMP_PL_P || t == ISAKMP_PL_T)
			return isakmp_fail(e, ISAKMP_E_PAYLOAD_TYPE,
			    ISAKMP_N_INVALID_PAYLOAD_TYPE, t, off,
			    "payload chain: proposal or transform outside an SA");
		if (!type_known(t, flags))
			return isakmp_fail(e, ISAKMP_E_PAYLOAD_TYPE,
			    ISAKMP_N_INVALID_PAYLOAD_TYPE, t, off,
			    "payload chain: unknown payload type");
		if (c->n == ISAKMP_MAX_PAYLOADS)
			return isakmp_fail(e, ISAKMP_E_TOO_MANY, ISAKMP_N_PAYLOAD_MALFORMED, t,
			    off, "payload chain: more payloads than the limit");
		if (end - off < ISAKMP_GEN_LEN)
			return isakmp_fail(e, ISAKMP_E_TRUNCATED, ISAKMP_N_PAYLOAD_MALFORMED, t,
			    off, "payload chain: generic header cut short");
		plen = isakmp_get16(base + off + 2);
		if (plen < ISAKMP_GEN_LEN)
			return isakmp_fail(e, ISAKMP_E_LENGTH, ISAKMP_N_PAYLOAD_MALFORMED, t,
			    off + 2, "payload chain: payload length below 4");
		if (plen > end - off)
			return isakmp_fail(e, ISAKMP_E_LENGTH, ISAKMP_N_PAYLOAD_MALFORMED, t,
			    off + 2, "payload chain: payload length overruns the message");
		pl = &c->pl[c->n++];
		pl->type = t;
		pl->np = base[off];
		pl->hdr = base + off;
		pl->body = base + off + ISAKMP_GEN_LEN;
		pl->len = plen - ISAKMP_GEN_LEN;
		pl->off = off;
		t = pl->np;
		off += plen;
	}
	c->used = off - start;
	c->pad = end - off;
	if (c->pad > pad_max)
		return isakmp_fail(e, ISAKMP_E_PADDING, ISAKMP_N_PAYLOAD_MALFORMED, 0, off,
		    pad_max == 0 ? "payload chain: bytes after the last payload" :
		    "payload chain: padding longer than allowed");
	return 0;
}

int
isakmp_chain_parse(struct isakmp_chain *c, uint8_t first, const uint8_t *buf, size_t len,
    size_t pad_max, unsigned flags, struct isakmp_err *e)
{
	err_clear(e);
	c->n = 0;
	if (buf == NULL && len > 0)
		return isakmp_fail(e, ISAKMP_E_USAGE, 0, first, 0, "payload chain: no buffer");
	return chain_walk(c, first, buf, 0, len, pad_max, flags, e);
}

int
isakmp_msg_parse(struct isakmp_msg *m, const uint8_t *buf, size_t len, unsigned flags,
    struct isakmp_err *e)
{
	m->chain.n = 0;
	m->chain.used = 0;
	m->chain.pad = 0;
	m->raw = NULL;
	m->body = NULL;
	m->body_len = 0;
	if (isakmp_hdr_parse(&m->hdr, buf, len, flags, e) == -1)
		return -1;
	m->raw = buf;
	m->body = buf + ISAKMP_HDR_LEN;
	m->body_len = m->hdr.length - ISAKMP_HDR_LEN;
	if (m->hdr.flags & ISAKMP_FLAG_E)
		return 0;
	return chain_walk(&m->chain, m->hdr.np, buf, ISAKMP_HDR_LEN, m->hdr.length, 0, flags,
	    e);
}

const struct isakmp_pl *
isakmp_chain_next(const struct isakmp_chain *c, uint8_t type, size_t *from)
{
	for (size_t i = *from; i < c->n && i < ISAKMP_MAX_PAYLOADS; i++) {
		if (c->pl[i].type == type) {
			*from = i + 1;
			return &c->pl[i];
		}
	}
	*from = c->n;
	return NULL;
}

size_t
isakmp_chain_count(const struct isakmp_chain *c, uint8_t type)
{
	size_t n = 0;

	for (size_t i = 0; i < c->n && i < ISAKMP_MAX_PAYLOADS; i++)
		n += c->pl[i].type == type;
	return n;
}
