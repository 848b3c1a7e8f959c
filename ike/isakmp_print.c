/*
 * isakmp_print: names of the codec's numbers and a one-line rendering of a message for logs.
 * The line only ever holds names, numbers and hex cookies, never peer-chosen text.
 */
#include <stdarg.h>
#include <stdio.h>

#include "ike/isakmp.h"

struct name {
	unsigned	value;
	const char	*name;
};

static const struct name exchanges[] = {
	{ ISAKMP_EXCH_NONE, "NONE" },
	{ ISAKMP_EXCH_BASE, "BASE" },
	{ ISAKMP_EXCH_ID_PROT, "ID_PROT" },
	{ ISAKMP_EXCH_AUTH_ONLY, "AUTH_ONLY" },
	{ ISAKMP_EXCH_AGGRESSIVE, "AGGRESSIVE" },
	{ ISAKMP_EXCH_INFO, "INFORMATIONAL" },
	{ ISAKMP_EXCH_QUICK, "QUICK_MODE" },
	{ ISAKMP_EXCH_NEW_GROUP, "NEW_GROUP" },
};

static const struct name payloads[] = {
	{ ISAKMP_PL_NONE, "NONE" },
	{ ISAKMP_PL_SA, "SA" },
	{ ISAKMP_PL_P, "P" },
	{ ISAKMP_PL_T, "T" },
	{ ISAKMP_PL_KE, "KE" },
	{ ISAKMP_PL_ID, "ID" },
	{ ISAKMP_PL_CERT, "CERT" },
	{ ISAKMP_PL_CR, "CR" },
	{ ISAKMP_PL_HASH, "HASH" },
	{ ISAKMP_PL_SIG, "SIG" },
	{ ISAKMP_PL_NONCE, "NONCE" },
	{ ISAKMP_PL_N, "N" },
	{ ISAKMP_PL_D, "D" },
	{ ISAKMP_PL_VID, "VID" },
	{ ISAKMP_PL_NAT_D, "NAT-D" },
	{ ISAKMP_PL_NAT_OA, "NAT-OA" },
};

static const struct name notifies[] = {
	{ ISAKMP_N_INVALID_PAYLOAD_TYPE, "INVALID-PAYLOAD-TYPE" },
	{ ISAKMP_N_DOI_NOT_SUPPORTED, "DOI-NOT-SUPPORTED" },
	{ ISAKMP_N_SITUATION_NOT_SUPPORTED, "SITUATION-NOT-SUPPORTED" },
	{ ISAKMP_N_INVALID_COOKIE, "INVALID-COOKIE" },
	{ ISAKMP_N_INVALID_MAJOR_VERSION, "INVALID-MAJOR-VERSION" },
	{ ISAKMP_N_INVALID_MINOR_VERSION, "INVALID-MINOR-VERSION" },
	{ ISAKMP_N_INVALID_EXCHANGE_TYPE, "INVALID-EXCHANGE-TYPE" },
	{ ISAKMP_N_INVALID_FLAGS, "INVALID-FLAGS" },
	{ ISAKMP_N_INVALID_MESSAGE_ID, "INVALID-MESSAGE-ID" },
	{ ISAKMP_N_INVALID_PROTOCOL_ID, "INVALID-PROTOCOL-ID" },
	{ ISAKMP_N_INVALID_SPI, "INVALID-SPI" },
	{ ISAKMP_N_INVALID_TRANSFORM_ID, "INVALID-TRANSFORM-ID" },
	{ ISAKMP_N_ATTRIBUTES_NOT_SUPPORTED, "ATTRIBUTES-NOT-SUPPORTED" },
	{ ISAKMP_N_NO_PROPOSAL_CHOSEN, "NO-PROPOSAL-CHOSEN" },
	{ ISAKMP_N_BAD_PROPOSAL_SYNTAX, "BAD-PROPOSAL-SYNTAX" },
	{ ISAKMP_N_PAYLOAD_MALFORMED, "PAYLOAD-MALFORMED" },
	{ ISAKMP_N_INVALID_KEY_INFORMATION, "INVALID-KEY-INFORMATION" },
	{ ISAKMP_N_INVALID_ID_INFORMATION, "INVALID-ID-INFORMATION" },
	{ ISAKMP_N_INVALID_CERT_ENCODING, "INVALID-CERT-ENCODING" },
	{ ISAKMP_N_INVALID_CERTIFICATE, "INVALID-CERTIFICATE" },
	{ ISAKMP_N_CERT_TYPE_UNSUPPORTED, "CERT-TYPE-UNSUPPORTED" },
	{ ISAKMP_N_INVALID_CERT_AUTHORITY, "INVALID-CERT-AUTHORITY" },
	{ ISAKMP_N_INVALID_HASH_INFORMATION, "INVALID-HASH-INFORMATION" },
	{ ISAKMP_N_AUTHENTICATION_FAILED, "AUTHENTICATION-FAILED" },
	{ ISAKMP_N_INVALID_SIGNATURE, "INVALID-SIGNATURE" },
	{ ISAKMP_N_ADDRESS_NOTIFICATION, "ADDRESS-NOTIFICATION" },
	{ ISAKMP_N_NOTIFY_SA_LIFETIME, "NOTIFY-SA-LIFETIME" },
	{ ISAKMP_N_CERTIFICATE_UNAVAILABLE, "CERTIFICATE-UNAVAILABLE" },
	{ ISAKMP_N_UNSUPPORTED_EXCHANGE_TYPE, "UNSUPPORTED-EXCHANGE-TYPE" },
	{ ISAKMP_N_UNEQUAL_PAYLOAD_LENGTHS, "UNEQUAL-PAYLOAD-LENGTHS" },
	{ ISAKMP_N_CONNECTED, "CONNECTED" },
	{ ISAKMP_N_RESPONDER_LIFETIME, "RESPONDER-LIFETIME" },
	{ ISAKMP_N_REPLAY_STATUS, "REPLAY-STATUS" },
	{ ISAKMP_N_INITIAL_CONTACT, "INITIAL-CONTACT" },
	{ ISAKMP_N_DPD_R_U_THERE, "R-U-THERE" },
	{ ISAKMP_N_DPD_R_U_THERE_ACK, "R-U-THERE-ACK" },
};

static const struct name protos[] = {
	{ ISAKMP_PROTO_ISAKMP, "ISAKMP" },
	{ ISAKMP_PROTO_AH, "AH" },
	{ ISAKMP_PROTO_ESP, "ESP" },
	{ ISAKMP_PROTO_IPCOMP, "IPCOMP" },
};

static const struct name id_types[] = {
	{ ISAKMP_ID_IPV4_ADDR, "IPV4_ADDR" },
	{ ISAKMP_ID_FQDN, "FQDN" },
	{ ISAKMP_ID_USER_FQDN, "USER_FQDN" },
	{ ISAKMP_ID_IPV4_ADDR_SUBNET, "IPV4_ADDR_SUBNET" },
	{ ISAKMP_ID_IPV6_ADDR, "IPV6_ADDR" },
	{ ISAKMP_ID_IPV6_ADDR_SUBNET, "IPV6_ADDR_SUBNET" },
	{ ISAKMP_ID_IPV4_ADDR_RANGE, "IPV4_ADDR_RANGE" },
	{ ISAKMP_ID_IPV6_ADDR_RANGE, "IPV6_ADDR_RANGE" },
	{ ISAKMP_ID_DER_ASN1_DN, "DER_ASN1_DN" },
	{ ISAKMP_ID_DER_ASN1_GN, "DER_ASN1_GN" },
	{ ISAKMP_ID_KEY_ID, "KEY_ID" },
};

#define LOOKUP(table, v) lookup(table, sizeof(table) / sizeof(table[0]), v)

static const char *
lookup(const struct name *t, size_t n, unsigned v)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].value == v)
			return t[i].name;
	return "?";
}

const char *
isakmp_exchange_name(uint8_t exchange)
{
	return LOOKUP(exchanges, exchange);
}

const char *
isakmp_payload_name(uint8_t type)
{
	return LOOKUP(payloads, type);
}

const char *
isakmp_notify_name(uint16_t type)
{
	return LOOKUP(notifies, type);
}

const char *
isakmp_proto_name(uint8_t proto)
{
	return LOOKUP(protos, proto);
}

const char *
isakmp_id_type_name(uint8_t type)
{
	return LOOKUP(id_types, type);
}

/* snprintf into a line that keeps counting what it would have needed. */
struct line {
	char	*out;
	size_t	size;
	size_t	len;
};

static void __attribute__((format(printf, 2, 3)))
add(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(l->len < l->size ? l->out + l->len : NULL,
	    l->len < l->size ? l->size - l->len : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->len += (size_t)n;
}

static void
add_name(struct line *l, const char *name, const char *kind, unsigned v)
{
	if (name[0] == '?')
		add(l, "%s%u", kind, v);
	else
		add(l, "%s", name);
}

static void
add_payload(struct line *l, const struct isakmp_pl *pl)
{
	struct isakmp_notify n;
	struct isakmp_delete d;
	struct isakmp_id id;

	add_name(l, isakmp_payload_name(pl->type), "PL", pl->type);
	switch (pl->type) {
	case ISAKMP_PL_N:
		add(l, "(");
		if (isakmp_notify_decode(pl, &n, NULL) == 0)
			add_name(l, isakmp_notify_name(n.type), "", n.type);
		else
			add(l, "malformed");
		add(l, ")");
		break;
	case ISAKMP_PL_D:
		if (isakmp_delete_decode(pl, &d, NULL) == 0)
			add(l, "(%s,%u)", isakmp_proto_name(d.proto), d.nspi);
		else
			add(l, "(malformed)");
		break;
	case ISAKMP_PL_ID:
		add(l, "(");
		if (isakmp_id_decode(pl, &id, NULL) == 0)
			add_name(l, isakmp_id_type_name(id.type), "", id.type);
		else
			add(l, "malformed");
		add(l, ")");
		break;
	default:
		break;
	}
}

static void
add_chain(struct line *l, const struct isakmp_chain *c)
{
	add(l, "[");
	for (size_t i = 0; i < c->n && i < ISAKMP_MAX_PAYLOADS; i++) {
		if (i > 0)
			add(l, " ");
		add_payload(l, &c->pl[i]);
	}
	add(l, "]");
}

static size_t
line_end(struct line *l)
{
	if (l->size > 0 && l->len >= l->size)
		l->out[l->size - 1] = '\0';
	else if (l->size > 0 && l->len == 0)
		l->out[0] = '\0';
	return l->len;
}

size_t
isakmp_chain_print(char *out, size_t size, const struct isakmp_chain *c)
{
	struct line l = { out, size, 0 };

	add_chain(&l, c);
	return line_end(&l);
}

static void
add_hex(struct line *l, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		add(l, "%02x", p[i]);
}

size_t
isakmp_msg_print(char *out, size_t size, const struct isakmp_msg *m)
{
	const struct isakmp_hdr *h = &m->hdr;
	struct line l = { out, size, 0 };

	add_name(&l, isakmp_exchange_name(h->exchange), "EXCH", h->exchange);
	add(&l, " i=");
	add_hex(&l, h->icookie, sizeof(h->icookie));
	add(&l, " r=");
	add_hex(&l, h->rcookie, sizeof(h->rcookie));
	add(&l, " mid=%08x len=%u", (unsigned)h->msgid, (unsigned)h->length);
	if (h->flags != 0)
		add(&l, " flags=%s%s%s", h->flags & ISAKMP_FLAG_E ? "E" : "",
		    h->flags & ISAKMP_FLAG_C ? "C" : "", h->flags & ISAKMP_FLAG_A ? "A" : "");
	add(&l, " ");
	if (h->flags & ISAKMP_FLAG_E) {
		add(&l, "[encrypted first=");
		add_name(&l, isakmp_payload_name(h->np), "PL", h->np);
		add(&l, " %zu bytes]", m->body_len);
	} else {
		add_chain(&l, &m->chain);
	}
	return line_end(&l);
}
