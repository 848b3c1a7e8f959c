/*
 * ISAKMP codec: build -> parse round trips of every payload, and one refusal for every
 * bounds rule of the header, the chain and each typed decoder.
 */
#include <arpa/inet.h>
#include <sys/socket.h>

#include <string.h>

#include "ike/isakmp.h"
#include "tests/lib/ipp_check.h"

static const uint8_t icookie[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static const uint8_t rcookie[8] = { 9, 10, 11, 12, 13, 14, 15, 16 };

/* A built message lives in this buffer; tests patch it to make it wrong. */
static uint8_t msg[4096];
static size_t msg_len;

static void
hdr_put(struct isakmp_buf *b, uint8_t exch, uint8_t flags, uint32_t msgid)
{
	struct isakmp_hdr h = { .exchange = exch, .flags = flags, .msgid = msgid };

	memcpy(h.icookie, icookie, 8);
	memcpy(h.rcookie, rcookie, 8);
	ck_assert_int_eq(isakmp_put_hdr(b, &h), 0);
}

/* Finishes b into msg/msg_len. */
static void
take(struct isakmp_buf *b)
{
	struct isakmp_err e;

	ck_assert_int_eq(isakmp_buf_finish(b, &e), 0);
	ck_assert_uint_le(b->len, sizeof(msg));
	memcpy(msg, b->p, b->len);
	msg_len = b->len;
	isakmp_buf_free(b);
}

static void
put_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put_u32(uint8_t *p, uint32_t v)
{
	put_u16(p, (uint16_t)(v >> 16));
	put_u16(p + 2, (uint16_t)v);
}

/* Parses msg; expects failure with code, returns the error. */
static struct isakmp_err
parse_fails(enum isakmp_errc code)
{
	struct isakmp_msg m;
	struct isakmp_err e;

	ck_assert_int_eq(isakmp_msg_parse(&m, msg, msg_len, 0, &e), -1);
	ck_assert_msg(e.code == code, "code %s (%s), want %s", isakmp_errc_name(e.code),
	    e.what, isakmp_errc_name(code));
	ck_assert_ptr_nonnull(e.what);
	return e;
}

static void
parse_ok(struct isakmp_msg *m)
{
	struct isakmp_err e;

	ck_assert_msg(isakmp_msg_parse(m, msg, msg_len, 0, &e) == 0, "parse: %s at %zu",
	    e.what, e.off);
}

/* ---- header ------------------------------------------------------------------------- */

START_TEST(test_hdr_round_trip)
{
	struct isakmp_buf b;
	struct isakmp_msg m;
	static const uint8_t vid[] = "vendor";

	isakmp_buf_init(&b, 0);
	hdr_put(&b, ISAKMP_EXCH_ID_PROT, ISAKMP_FLAG_C, 0xdeadbeef);
	ck_assert_int_eq(isakmp_put_payload(&b, ISAKMP_PL_VID, vid, 6, NULL), 0);
	take(&b);
	ck_assert_uint_eq(msg_len, 28 + 4 + 6);
	parse_ok(&m);
	ck_assert_mem_eq(m.hdr.icookie, icookie, 8);
	ck_assert_mem_eq(m.hdr.rcookie, rcookie, 8);
	ck_assert_uint_eq(m.hdr.np, ISAKMP_PL_VID);
	ck_assert_uint_eq(m.hdr.version, 0x10);
	ck_assert_uint_eq(m.hdr.exchange, ISAKMP_EXCH_ID_PROT);
	ck_assert_uint_eq(m.hdr.flags, ISAKMP_FLAG_C);
	ck_assert_uint_eq(m.hdr.msgid, 0xdeadbeef);
	ck_assert_uint_eq(m.hdr.length, msg_len);
	ck_assert_uint_eq(m.chain.n, 1);
	ck_assert_uint_eq(m.chain.pl[0].type, ISAKMP_PL_VID);
	ck_assert_uint_eq(m.chain.pl[0].len, 6);
	ck_assert_uint_eq(m.chain.pl[0].off, 28);
	ck_assert_mem_eq(m.chain.pl[0].body, vid, 6);
	ck_assert_uint_eq(m.chain.used, 10);
	ck_assert_uint_eq(m.chain.pad, 0);
	/* wire bytes: msgid big-endian at 20, length at 24 */
	ck_assert_uint_eq(msg[20], 0xde);
	ck_assert_uint_eq(msg[27], msg_len);
}
END_TEST

START_TEST(test_hdr_truncated)
{
	struct isakmp_hdr h;
	struct isakmp_err e;
	struct isakmp_buf b;

	isakmp_buf_init(&b, 0);
	hdr_put(&b, ISAKMP_EXCH_ID_PROT, 0, 0);
	take(&b);
	ck_assert_int_eq(isakmp_hdr_parse(&h, msg, 27, 0, &e), -1);
	ck_assert_int_eq(e.code, ISAKMP_E_TRUNCATED);
	ck_assert_int_eq(isakmp_hdr_parse(&h, msg, 0, 0, &e), -1);
	ck_assert_int_eq(isakmp_hdr_parse(&h, NULL, 28, 0, &e), -1);
	ck_assert_int_eq(isakmp_hdr_parse(&h, msg, 28, 0, &e), 0);
}
END_TEST

START_TEST(test_hdr_version)
{
	struct isakmp_buf b;
	struct isakmp_msg m;
	struct isakmp_err e;

	isakmp_buf_init(&b, 0);
	hdr_put(&b, ISAKMP_EXCH_ID_PROT, 0, 0);
	take(&b);
	msg[17] = 0x20;		/* IKEv2 */
	e = parse_fails(ISAKMP_E_VERSION);
	ck_assert_uint_eq(e.notify, ISAKMP_N_INVALID_MAJOR_VERSION);
	ck_assert_uint_eq(e.off, 17);
	msg[17] = 0x00;
	parse_fails(ISAKMP_E_VERSION);
	msg[17] = 0x11;		/* minor versions are not checked */
	parse_ok(&m);
}
END_TEST

START_TEST(test_hdr_length)
{
	struct isakmp_buf b;
	struct isakmp_msg m;
	struct isakmp_err e;

	isakmp_buf_init(&b, 0);
	hdr_put(&b, ISAKMP_EXCH_ID_PROT, 0, 0);
	ck_assert_int_eq(isakmp_put_payload(&b, ISAKMP_PL_VID, "x", 1, NULL), 0);
	take(&b);
	/* the header says more than the datagram holds */
	put_u32(msg + 24, (uint32_t)msg_len + 1);
	e = parse_fails(ISAKMP_E_LENGTH);
	ck_assert_uint_eq(e.notify, ISAKMP_N_UNEQUAL_PAYLOAD_LENGTHS);
	put_u32(msg + 24, 0xffffffff);
	parse_fails(ISAKMP_E_LENGTH);
	/* below 28 */
	put_u32(msg + 24, 27);
	parse_fails(ISAKMP_E_LENGTH);
	put_u32(msg + 24, 0);
	parse_fails(ISAKMP_E_LENGTH);
	/* the datagram is longer than the header says: refused unless allowed */
	put_u32(msg + 24, (uint32_t)msg_len);
	msg[msg_len] = 0xee;
	msg_len++;
	parse_fails(ISAKMP_E_LENGTH);
	ck_assert_int_eq(isakmp_msg_parse(&m, msg, msg_len, ISAKMP_PARSE_TRAILING, &e), 0);
	ck_assert_uint_eq(m.hdr.length, msg_len - 1);
	ck_assert_uint_eq(m.chain.n, 1);
}
END_TEST

/* ---- chain -------------------------------------------------------------------------- */

static void
build_two_vids(void)
{
	struct isakmp_buf b;

	isakmp_buf_init(&b, 0);
	hdr_put(&b, ISAKMP_EXCH_ID_PROT, 0, 0);
	ck_assert_int_eq(isakmp_put_payload(&b, ISAKMP_PL_VID, "abcd", 4, NULL), 0);
	ck_assert_int_eq(isakmp_put_payload(&b, ISAKMP_PL_VID, "efgh", 4, NULL), 0);
	take(&b);
}

START_TEST(test_chain_lengths)
{
	struct isakmp_err e;

	build_two_vids();
	/* first payload length 3 */
	put_u16(msg + 30, 3);
	e = parse_fails(ISAKMP_E_LENGTH);
	ck_assert_uint_eq(e.off, 30);
	ck_assert_uint_eq(e.notify, ISAKMP_N_PAYLOAD_MALFORMED);
	put_u16(msg + 30, 0);
	parse_fails(ISAKMP_E_LENGTH);
	/* first payload overruns the message */
	put_u16(msg + 30, (uint16_t)(msg_len - 28 + 1));
	parse_fails(ISAKMP_E_LENGTH);
	/* first payload swallows the second: its next payload then points at nothing */
	put_u16(msg + 30, (uint16_t)(msg_len - 28));
	parse_fails(ISAKMP_E_TRUNCATED);
	/* last payload says a payload follows but the message ends */
	build_two_vids();
	msg[28 + 8] = ISAKMP_PL_VID;
	parse_fails(ISAKMP_E_TRUNCATED);
	/* last payload claims to be last but bytes follow */
	build_two_vids();
	msg[28] = ISAKMP_PL_NONE;
	parse_fails(ISAKMP_E_PADDING);
	/* a generic header cut short: 3 bytes left */
	build_two_vids();
	msg_len -= 5;
	put_u32(msg + 24, (uint32_t)msg_len);
	parse_fails(ISAKMP_E_TRUNCATED);
}
END_TEST

START_TEST(test_chain_types)
{
	struct isakmp_msg m;
	struct isakmp_err e;

	build_two_vids();
	msg[16] = 14;		/* GDOI's SAK: not ours */
	e = parse_fails(ISAKMP_E_PAYLOAD_TYPE);
	ck_assert_uint_eq(e.notify, ISAKMP_N_INVALID_PAYLOAD_TYPE);
	ck_assert_uint_eq(e.payload, 14);
	msg[16] = ISAKMP_PL_P;
	parse_fails(ISAKMP_E_PAYLOAD_TYPE);
	msg[16] = ISAKMP_PL_T;
	parse_fails(ISAKMP_E_PAYLOAD_TYPE);
	msg[16] = 19;
	parse_fails(ISAKMP_E_PAYLOAD_TYPE);
	msg[16] = 22;
	parse_fails(ISAKMP_E_PAYLOAD_TYPE);
	/* private use: refused unless asked for, then opaque */
	msg[16] = 130;
	parse_fails(ISAKMP_E_PAYLOAD_TYPE);
	ck_assert_int_eq(isakmp_msg_parse(&m, msg, msg_len, ISAKMP_PARSE_PRIVATE, &e), 0);
	ck_assert_uint_eq(m.chain.pl[0].type, 130);
	/* an unknown type in the middle of the chain */
	msg[16] = ISAKMP_PL_VID;
	msg[28] = 100;
	e = parse_fails(ISAKMP_E_PAYLOAD_TYPE);
	ck_assert_uint_eq(e.off, 36);
	/* every known type is accepted */
	static const uint8_t known[] = { 1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 20, 21 };
	for (size_t i = 0; i < sizeof(known); i++) {
		msg[28] = known[i];
		parse_ok(&m);
		ck_assert_uint_eq(m.chain.pl[1].type, known[i]);
	}
}
END_TEST

START_TEST(test_chain_too_many)
{
	struct isakmp_buf b;
	struct isakmp_msg m;

	isakmp_buf_init(&b, 0);
	hdr_put(&b, ISAKMP_EXCH_ID_PROT, 0, 0);
	for (int i = 0; i < ISAKMP_MAX_PAYLOADS; i++)
		ck_assert_int_eq(isakmp_put_payload(&b, ISAKMP_PL_VID, NULL, 0, NULL), 0);
	take(&b);
	parse_ok(&m);
	ck_assert_uint_eq(m.chain.n, ISAKMP_MAX_PAYLOADS);
	ck_assert_uint_eq(isakmp_chain_count(&m.chain, ISAKMP_PL_VID), ISAKMP_MAX_PAYLOADS);

	isakmp_buf_init(&b, 0);
	hdr_put(&b, ISAKMP_EXCH_ID_PROT, 0, 0);
	for (int i = 0; i <= ISAKMP_MAX_PAYLOADS; i++)
		ck_assert_int_eq(isakmp_put_payload(&b, ISAKMP_PL_VID, NULL, 0, NULL), 0);
	take(&b);
	parse_fails(ISAKMP_E_TOO_MANY);
}
END_TEST

START_TEST(test_chain_padding)
{
	struct isakmp_chain c;
	struct isakmp_err e;
	struct isakmp_buf b;
	uint8_t body[128];
	size_t n;

	isakmp_buf_init(&b, 0);
	ck_assert_int_eq(isakmp_put_payload(&b, ISAKMP_PL_HASH, "0123456789abcdef", 16,
	    NULL), 0);
	ck_assert_int_eq(isakmp_put_payload(&b, ISAKMP_PL_NONCE, "01234567", 8, NULL), 0);
	ck_assert_uint_eq(b.first, ISAKMP_PL_HASH);
	ck_assert_int_eq(isakmp_buf_finish(&b, &e), 0);
	n = b.len;
	memcpy(body, b.p, n);
	isakmp_buf_free(&b);
	memset(body + n, 0xa5, 16);

	ck_assert_int_eq(isakmp_chain_parse(&c, ISAKMP_PL_HASH, body, n, 0, 0, &e), 0);
	ck_assert_uint_eq(c.n, 2);
	ck_assert_uint_eq(c.used, n);
	ck_assert_uint_eq(c.pad, 0);
	/* padding up to the bound, whatever its content */
	ck_assert_int_eq(isakmp_chain_parse(&c, ISAKMP_PL_HASH, body, n + 16, 16, 0, &e), 0);
	ck_assert_uint_eq(c.used, n);
	ck_assert_uint_eq(c.pad, 16);
	ck_assert_int_eq(isakmp_chain_parse(&c, ISAKMP_PL_HASH, body, n + 7, 8, 0, &e), 0);
	ck_assert_uint_eq(c.pad, 7);
	/* more than the bound */
	ck_assert_int_eq(isakmp_chain_parse(&c, ISAKMP_PL_HASH, body, n + 16, 15, 0, &e), -1);
	ck_assert_int_eq(e.code, ISAKMP_E_PADDING);
	ck_assert_uint_eq(e.off, n);
	ck_assert_int_eq(isakmp_chain_parse(&c, ISAKMP_PL_HASH, body, n + 1, 0, 0, &e), -1);
	ck_assert_int_eq(e.code, ISAKMP_E_PADDING);
	/* the wrong first type: HASH bytes read as an ID still frame fine, a P does not */
	ck_assert_int_eq(isakmp_chain_parse(&c, ISAKMP_PL_ID, body, n, 0, 0, &e), 0);
	ck_assert_int_eq(isakmp_chain_parse(&c, ISAKMP_PL_P, body, n, 0, 0, &e), -1);
	/* an empty chain is all padding */
	ck_assert_int_eq(isakmp_chain_parse(&c, ISAKMP_PL_NONE, body, 8, 8, 0, &e), 0);
	ck_assert_uint_eq(c.n, 0);
	ck_assert_uint_eq(c.pad, 8);
	ck_assert_int_eq(isakmp_chain_parse(&c, ISAKMP_PL_NONE, NULL, 0, 0, 0, &e), 0);
	/* a payload cut by the end of the decrypted body */
	ck_assert_int_eq(isakmp_chain_parse(&c, ISAKMP_PL_HASH, body, n - 1, 16, 0, &e), -1);
	ck_assert_int_eq(e.code, ISAKMP_E_LENGTH);
}
END_TEST

START_TEST(test_chain_next)
{
	struct isakmp_buf b;
	struct isakmp_msg m;
	const struct isakmp_pl *pl;
	size_t at = 0;

	isakmp_buf_init(&b, 0);
	hdr_put(&b, ISAKMP_EXCH_ID_PROT, 0, 0);
	isakmp_put_payload(&b, ISAKMP_PL_VID, "a", 1, NULL);
	isakmp_put_payload(&b, ISAKMP_PL_NAT_D, "b", 1, NULL);
	isakmp_put_payload(&b, ISAKMP_PL_VID, "c", 1, NULL);
	take(&b);
	parse_ok(&m);
	pl = isakmp_chain_next(&m.chain, ISAKMP_PL_VID, &at);
	ck_assert_ptr_nonnull(pl);
	ck_assert_uint_eq(pl->body[0], 'a');
	pl = isakmp_chain_next(&m.chain, ISAKMP_PL_VID, &at);
	ck_assert_ptr_nonnull(pl);
	ck_assert_uint_eq(pl->body[0], 'c');
	ck_assert_ptr_null(isakmp_chain_next(&m.chain, ISAKMP_PL_VID, &at));
	at = 0;
	ck_assert_ptr_null(isakmp_chain_next(&m.chain, ISAKMP_PL_SA, &at));
	ck_assert_uint_eq(isakmp_chain_count(&m.chain, ISAKMP_PL_NAT_D), 1);
}
END_TEST

/* ---- SA ----------------------------------------------------------------------------- */

static const uint8_t esp_spi[4] = { 0xc0, 0xff, 0xee, 0x01 };
static const uint8_t ah_spi[4] = { 0xc0, 0xff, 0xee, 0x02 };

/*
 * SA: proposal 1 ESP {AES-CBC-128/SHA2-256, 3DES/SHA}, proposal 2 AH+ESP bundle,
 * life pairs in seconds and kilobytes, a value needing 8 bytes.
 */
static void
build_sa(void)
{
	struct isakmp_buf b;

	isakmp_buf_init(&b, 0);
	hdr_put(&b, ISAKMP_EXCH_QUICK, 0, 7);
	ck_assert_int_eq(isakmp_put_payload(&b, ISAKMP_PL_HASH, NULL, 20, NULL), 0);
	ck_assert_int_eq(isakmp_sa_begin(&b, ISAKMP_DOI_IPSEC, ISAKMP_SIT_IDENTITY_ONLY), 0);
	ck_assert_int_eq(isakmp_prop_begin(&b, 1, ISAKMP_PROTO_ESP, esp_spi, 4), 0);
	ck_assert_int_eq(isakmp_xform_begin(&b, 1, ISAKMP_ESP_AES_CBC), 0);
	ck_assert_int_eq(isakmp_attr_put(&b, ISAKMP_P2_KEY_LEN, 128), 0);
	ck_assert_int_eq(isakmp_attr_put(&b, ISAKMP_P2_AUTH, ISAKMP_P2_AUTH_HMAC_SHA2_256), 0);
	ck_assert_int_eq(isakmp_attr_put(&b, ISAKMP_P2_ENCAP, ISAKMP_ENCAP_TUNNEL), 0);
	ck_assert_int_eq(isakmp_attr_put(&b, ISAKMP_P2_LIFE_TYPE, ISAKMP_LIFE_SECONDS), 0);
	ck_assert_int_eq(isakmp_attr_put(&b, ISAKMP_P2_LIFE_DURATION, 3600), 0);
	ck_assert_int_eq(isakmp_attr_put(&b, ISAKMP_P2_LIFE_TYPE, ISAKMP_LIFE_KILOBYTES), 0);
	ck_assert_int_eq(isakmp_attr_put(&b, ISAKMP_P2_LIFE_DURATION, 100000), 0);
	ck_assert_int_eq(isakmp_xform_end(&b), 0);
	ck_assert_int_eq(isakmp_xform_begin(&b, 2, ISAKMP_ESP_3DES), 0);
	ck_assert_int_eq(isakmp_attr_put(&b, ISAKMP_P2_AUTH, ISAKMP_P2_AUTH_HMAC_SHA), 0);
	ck_assert_int_eq(isakmp_attr_put(&b, ISAKMP_P2_LIFE_DURATION, UINT64_C(1) << 40), 0);
	ck_assert_int_eq(isakmp_xform_end(&b), 0);
	ck_assert_int_eq(isakmp_prop_end(&b), 0);
	ck_assert_int_eq(isakmp_prop_begin(&b, 2, ISAKMP_PROTO_AH, ah_spi, 4), 0);
	ck_assert_int_eq(isakmp_xform_begin(&b, 1, ISAKMP_AH_SHA2_256), 0);
	ck_assert_int_eq(isakmp_attr_put(&b, ISAKMP_P2_AUTH, ISAKMP_P2_AUTH_HMAC_SHA2_256), 0);
	ck_assert_int_eq(isakmp_xform_end(&b), 0);
	ck_assert_int_eq(isakmp_prop_end(&b), 0);
	ck_assert_int_eq(isakmp_prop_begin(&b, 2, ISAKMP_PROTO_ESP, esp_spi, 4), 0);
	ck_assert_int_eq(isakmp_xform_begin(&b, 1, ISAKMP_ESP_NULL), 0);
	ck_assert_int_eq(isakmp_xform_end(&b), 0);
	ck_assert_int_eq(isakmp_prop_end(&b), 0);
	ck_assert_int_eq(isakmp_sa_end(&b), 0);
	ck_assert_int_eq(isakmp_put_payload(&b, ISAKMP_PL_NONCE, "0123456789", 10, NULL), 0);
	take(&b);
}

/* Offsets in the message built by build_sa. */
#define SA_OFF		(28 + 24)		/* after the HASH */
#define P1_OFF		(SA_OFF + 12)		/* first proposal */
#define T1_OFF		(P1_OFF + 12)		/* its first transform */
#define A1_OFF		(T1_OFF + 8)		/* its first attribute */

static const struct isakmp_pl *
sa_pl(struct isakmp_msg *m)
{
	parse_ok(m);
	ck_assert_uint_eq(m->chain.pl[1].type, ISAKMP_PL_SA);
	return &m->chain.pl[1];
}

static struct isakmp_err
sa_fails(enum isakmp_errc code)
{
	struct isakmp_msg m;
	struct isakmp_sa sa;
	struct isakmp_err e;

	ck_assert_int_eq(isakmp_sa_decode(sa_pl(&m), &sa, &e), -1);
	ck_assert_msg(e.code == code, "code %s (%s), want %s", isakmp_errc_name(e.code),
	    e.what, isakmp_errc_name(code));
	ck_assert_uint_ge(e.off, SA_OFF);
	ck_assert_uint_lt(e.off, msg_len);
	return e;
}

START_TEST(test_sa_round_trip)
{
	struct isakmp_msg m;
	struct isakmp_sa sa;
	struct isakmp_err e;
	struct isakmp_iter pi, xi, ai;
	struct isakmp_prop p;
	struct isakmp_xform x;
	struct isakmp_attr a;
	uint64_t v;
	int n;

	build_sa();
	ck_assert_uint_eq(SA_OFF, 52);
	ck_assert_int_eq(isakmp_sa_decode(sa_pl(&m), &sa, &e), 0);
	ck_assert_uint_eq(sa.doi, ISAKMP_DOI_IPSEC);
	ck_assert_uint_eq(sa.situation, ISAKMP_SIT_IDENTITY_ONLY);
	ck_assert_uint_eq(sa.nprops, 3);
	isakmp_sa_props(&sa, &pi);
	ck_assert(isakmp_prop_next(&pi, &p));
	ck_assert_uint_eq(p.num, 1);
	ck_assert_uint_eq(p.proto, ISAKMP_PROTO_ESP);
	ck_assert_uint_eq(p.spi_len, 4);
	ck_assert_mem_eq(p.spi, esp_spi, 4);
	ck_assert_uint_eq(p.ntrans, 2);
	isakmp_prop_xforms(&p, &xi);
	ck_assert(isakmp_xform_next(&xi, &x));
	ck_assert_uint_eq(x.num, 1);
	ck_assert_uint_eq(x.id, ISAKMP_ESP_AES_CBC);
	ck_assert_uint_eq(x.proto, ISAKMP_PROTO_ESP);
	ck_assert(isakmp_xform_attr(&x, ISAKMP_P2_KEY_LEN, &a));
	ck_assert(a.tv);
	ck_assert_int_eq(isakmp_attr_uint(&a, &v), 0);
	ck_assert_uint_eq(v, 128);
	ck_assert(!isakmp_xform_attr(&x, ISAKMP_P2_GROUP, &a));
	/* both life pairs, in order; the large duration as a 4-byte TLV */
	isakmp_xform_attrs(&x, &ai);
	n = 0;
	while (isakmp_attr_next(&ai, &a)) {
		if (a.type != ISAKMP_P2_LIFE_DURATION)
			continue;
		ck_assert_int_eq(isakmp_attr_uint(&a, &v), 0);
		if (n++ == 0) {
			ck_assert(a.tv);
			ck_assert_uint_eq(v, 3600);
		} else {
			ck_assert(!a.tv);
			ck_assert_uint_eq(a.len, 4);
			ck_assert_uint_eq(v, 100000);
		}
	}
	ck_assert_int_eq(n, 2);
	ck_assert(isakmp_xform_next(&xi, &x));
	ck_assert_uint_eq(x.id, ISAKMP_ESP_3DES);
	ck_assert(isakmp_xform_attr(&x, ISAKMP_P2_LIFE_DURATION, &a));
	ck_assert_uint_eq(a.len, 8);
	ck_assert_int_eq(isakmp_attr_uint(&a, &v), 0);
	ck_assert_uint_eq(v, UINT64_C(1) << 40);
	ck_assert(!isakmp_xform_next(&xi, &x));
	/* the AH+ESP bundle: two proposals numbered 2 */
	ck_assert(isakmp_prop_next(&pi, &p));
	ck_assert_uint_eq(p.num, 2);
	ck_assert_uint_eq(p.proto, ISAKMP_PROTO_AH);
	ck_assert_mem_eq(p.spi, ah_spi, 4);
	ck_assert(isakmp_prop_next(&pi, &p));
	ck_assert_uint_eq(p.num, 2);
	ck_assert_uint_eq(p.proto, ISAKMP_PROTO_ESP);
	isakmp_prop_xforms(&p, &xi);
	ck_assert(isakmp_xform_next(&xi, &x));
	ck_assert_uint_eq(x.id, ISAKMP_ESP_NULL);
	ck_assert_uint_eq(x.attrs_len, 0);
	ck_assert(!isakmp_prop_next(&pi, &p));
	/* wire: the first attribute is TV with the AF bit */
	ck_assert_uint_eq(msg[A1_OFF], 0x80);
	ck_assert_uint_eq(msg[A1_OFF + 1], ISAKMP_P2_KEY_LEN);
	ck_assert_uint_eq(msg[P1_OFF + 7], 2);	/* transform count */
}
END_TEST

START_TEST(test_sa_fixed_part)
{
	struct isakmp_err e;

	build_sa();
	put_u32(msg + SA_OFF + 4, 2);
	e = sa_fails(ISAKMP_E_DOI);
	ck_assert_uint_eq(e.notify, ISAKMP_N_DOI_NOT_SUPPORTED);
	build_sa();
	put_u32(msg + SA_OFF + 8, ISAKMP_SIT_IDENTITY_ONLY | ISAKMP_SIT_SECRECY);
	e = sa_fails(ISAKMP_E_SITUATION);
	ck_assert_uint_eq(e.notify, ISAKMP_N_SITUATION_NOT_SUPPORTED);
}
END_TEST

START_TEST(test_sa_short)
{
	struct isakmp_buf b;
	struct isakmp_msg m;
	struct isakmp_sa sa;
	struct isakmp_err e;
	uint8_t body[8];

	/* an SA of 7 body bytes, and one with no proposal */
	for (size_t n = 7; n <= 8; n++) {
		put_u32(body, ISAKMP_DOI_IPSEC);
		put_u32(body + 4, ISAKMP_SIT_IDENTITY_ONLY);
		isakmp_buf_init(&b, 0);
		hdr_put(&b, ISAKMP_EXCH_ID_PROT, 0, 0);
		isakmp_put_payload(&b, ISAKMP_PL_SA, body, n, NULL);
		take(&b);
		parse_ok(&m);
		ck_assert_int_eq(isakmp_sa_decode(&m.chain.pl[0], &sa, &e), -1);
		ck_assert_int_eq(e.code, n == 7 ? ISAKMP_E_TRUNCATED : ISAKMP_E_PROPOSAL);
	}
	/* decoding something that is not an SA is a caller bug */
	ck_assert_int_eq(isakmp_sa_decode(NULL, &sa, &e), -1);
	ck_assert_int_eq(e.code, ISAKMP_E_USAGE);
}
END_TEST

START_TEST(test_sa_proposal_bounds)
{
	struct isakmp_err e;

	/* length below 8 */
	build_sa();
	put_u16(msg + P1_OFF + 2, 7);
	sa_fails(ISAKMP_E_LENGTH);
	/* length beyond the SA */
	build_sa();
	put_u16(msg + P1_OFF + 2, 0x400);
	e = sa_fails(ISAKMP_E_LENGTH);
	ck_assert_uint_eq(e.off, P1_OFF + 2);
	/* next payload neither P nor 0 */
	build_sa();
	msg[P1_OFF] = ISAKMP_PL_T;
	sa_fails(ISAKMP_E_PAYLOAD_TYPE);
	/* marked last but another follows */
	build_sa();
	msg[P1_OFF] = ISAKMP_PL_NONE;
	sa_fails(ISAKMP_E_COUNT);
	/* proposal numbers going down */
	build_sa();
	msg[P1_OFF + 4] = 3;
	e = sa_fails(ISAKMP_E_PROPOSAL);
	ck_assert_uint_eq(e.notify, ISAKMP_N_BAD_PROPOSAL_SYNTAX);
	/* unknown protocol */
	build_sa();
	msg[P1_OFF + 5] = 5;
	e = sa_fails(ISAKMP_E_PROTO);
	ck_assert_uint_eq(e.notify, ISAKMP_N_INVALID_PROTOCOL_ID);
	build_sa();
	msg[P1_OFF + 5] = 0;
	sa_fails(ISAKMP_E_PROTO);
	/* SPI size wrong for ESP (the bytes are then misread, but the size is checked first) */
	for (int s = 0; s < 8; s++) {
		if (s == 4)
			continue;
		build_sa();
		msg[P1_OFF + 6] = (uint8_t)s;
		e = sa_fails(ISAKMP_E_SPI);
		ck_assert_uint_eq(e.notify, ISAKMP_N_INVALID_SPI);
	}
	/* no transforms */
	build_sa();
	msg[P1_OFF + 7] = 0;
	sa_fails(ISAKMP_E_COUNT);
	/* a proposal too short for its SPI */
	build_sa();
	put_u16(msg + P1_OFF + 2, 10);
	e = sa_fails(ISAKMP_E_LENGTH);
	ck_assert_str_eq(e.what, "proposal: SPI overruns the proposal");
	/* the last proposal (ESP NULL: 8 + SPI 4 + transform 8, before the 14-byte NONCE)
	 * announces another */
	build_sa();
	msg[msg_len - 14 - 20] = ISAKMP_PL_P;
	e = sa_fails(ISAKMP_E_COUNT);
	ck_assert_str_eq(e.what, "proposal: announces another but the SA ends");
}
END_TEST

START_TEST(test_sa_transform_count)
{
	struct isakmp_err e;

	/* the count says 1 but 2 are there */
	build_sa();
	msg[P1_OFF + 7] = 1;
	e = sa_fails(ISAKMP_E_COUNT);
	ck_assert_uint_eq(e.notify, ISAKMP_N_BAD_PROPOSAL_SYNTAX);
	/* the count says 3 but 2 are there */
	build_sa();
	msg[P1_OFF + 7] = 3;
	sa_fails(ISAKMP_E_COUNT);
	build_sa();
	msg[P1_OFF + 7] = 255;
	sa_fails(ISAKMP_E_COUNT);
}
END_TEST

START_TEST(test_sa_transform_bounds)
{
	build_sa();
	put_u16(msg + T1_OFF + 2, 7);
	sa_fails(ISAKMP_E_LENGTH);
	build_sa();
	put_u16(msg + T1_OFF + 2, 0x200);
	sa_fails(ISAKMP_E_LENGTH);
	/* next payload neither T nor 0 */
	build_sa();
	msg[T1_OFF] = ISAKMP_PL_P;
	sa_fails(ISAKMP_E_PAYLOAD_TYPE);
	/* marked last but the proposal goes on */
	build_sa();
	msg[T1_OFF] = ISAKMP_PL_NONE;
	sa_fails(ISAKMP_E_COUNT);
	/* the last transform of the first proposal announces another */
	build_sa();
	msg[T1_OFF + (msg[T1_OFF + 2] << 8 | msg[T1_OFF + 3])] = ISAKMP_PL_T;
	ck_assert_str_eq(sa_fails(ISAKMP_E_COUNT).what,
	    "transform: announces another but the proposal ends");
	/* a shorter first transform: its tail becomes a bogus second transform */
	build_sa();
	put_u16(msg + T1_OFF + 2, 12);
	sa_fails(ISAKMP_E_PAYLOAD_TYPE);
}
END_TEST

START_TEST(test_sa_attributes)
{
	struct isakmp_err e;

	/* TLV length overrunning the transform */
	build_sa();
	msg[A1_OFF] = 0x00;		/* make KEY_LEN a TLV ... */
	put_u16(msg + A1_OFF + 2, 0x100);	/* ... of 256 bytes */
	e = sa_fails(ISAKMP_E_LENGTH);
	ck_assert_uint_eq(e.off, A1_OFF + 2);
	/* a basic attribute sent as TLV (length 0 keeps the framing intact) */
	build_sa();
	msg[A1_OFF] = 0x00;
	put_u16(msg + A1_OFF + 2, 0);
	e = sa_fails(ISAKMP_E_ATTR);
	ck_assert_str_eq(e.what, "attribute: basic attribute sent as TLV");
	/* a repeated attribute: make AUTH (2nd) a second KEY_LEN */
	build_sa();
	msg[A1_OFF + 5] = ISAKMP_P2_KEY_LEN;
	e = sa_fails(ISAKMP_E_ATTR);
	ck_assert_str_eq(e.what, "attribute: repeated in one transform");
	/* attribute type 0 */
	build_sa();
	msg[A1_OFF + 1] = 0;
	sa_fails(ISAKMP_E_ATTR);
	/* attribute header cut: transform 2 bytes longer into the next one's bytes is caught
	 * by the transform framing; a 2-byte tail inside a transform is caught here */
	build_sa();
	{
		/* the ESP NULL transform of the last proposal has no attributes: give it a
		 * 2-byte tail by growing it, its proposal and SA, and the message */
		size_t xoff = msg_len - 14 - 8;		/* NONCE is 14 bytes, transform 8 */
		struct isakmp_msg m;
		struct isakmp_sa sa;

		memmove(msg + xoff + 10, msg + xoff + 8, 14);
		msg[xoff + 8] = 0x80;
		msg[xoff + 9] = 0x01;
		put_u16(msg + xoff + 2, 10);
		put_u16(msg + xoff - 12 + 2, 22);	/* its proposal: 8 + SPI 4 + 10 */
		put_u16(msg + SA_OFF + 2, (uint16_t)(msg[SA_OFF + 2] << 8 |
		    msg[SA_OFF + 3]) + 2);
		msg_len += 2;
		put_u32(msg + 24, (uint32_t)msg_len);
		ck_assert_int_eq(isakmp_sa_decode(sa_pl(&m), &sa, &e), -1);
		ck_assert_int_eq(e.code, ISAKMP_E_TRUNCATED);
		ck_assert_str_eq(e.what, "attribute: header cut short");
	}
}
END_TEST

START_TEST(test_sa_life_repeats)
{
	struct isakmp_msg m;
	struct isakmp_sa sa;
	struct isakmp_err e;

	/* life pairs repeat in the built SA and are accepted (round trip test); a phase 1
	 * transform repeats them too */
	struct isakmp_buf b;

	isakmp_buf_init(&b, 0);
	hdr_put(&b, ISAKMP_EXCH_ID_PROT, 0, 0);
	isakmp_sa_begin(&b, ISAKMP_DOI_IPSEC, ISAKMP_SIT_IDENTITY_ONLY);
	isakmp_prop_begin(&b, 1, ISAKMP_PROTO_ISAKMP, NULL, 0);
	isakmp_xform_begin(&b, 1, ISAKMP_KEY_IKE);
	isakmp_attr_put(&b, ISAKMP_P1_ENCR, ISAKMP_P1_ENCR_AES_CBC);
	isakmp_attr_put(&b, ISAKMP_P1_KEY_LEN, 256);
	isakmp_attr_put(&b, ISAKMP_P1_HASH, ISAKMP_P1_HASH_SHA2_256);
	isakmp_attr_put(&b, ISAKMP_P1_AUTH, ISAKMP_P1_AUTH_PSK);
	isakmp_attr_put(&b, ISAKMP_P1_GROUP, 14);
	isakmp_attr_put(&b, ISAKMP_P1_LIFE_TYPE, ISAKMP_LIFE_SECONDS);
	isakmp_attr_put(&b, ISAKMP_P1_LIFE_DURATION, 28800);
	isakmp_attr_put(&b, ISAKMP_P1_LIFE_TYPE, ISAKMP_LIFE_KILOBYTES);
	isakmp_attr_put(&b, ISAKMP_P1_LIFE_DURATION, 70000);
	isakmp_xform_end(&b);
	isakmp_prop_end(&b);
	isakmp_sa_end(&b);
	take(&b);
	parse_ok(&m);
	ck_assert_int_eq(isakmp_sa_decode(&m.chain.pl[0], &sa, &e), 0);
	/* Group description is basic in phase 1 and may not repeat */
	msg[28 + 12 + 8 + 8 + 13] = ISAKMP_P1_GROUP;	/* KEY_LEN becomes a 2nd GROUP */
	parse_ok(&m);
	ck_assert_int_eq(isakmp_sa_decode(&m.chain.pl[0], &sa, &e), -1);
	ck_assert_int_eq(e.code, ISAKMP_E_ATTR);
}
END_TEST

START_TEST(test_sa_isakmp_spi)
{
	static const uint8_t cookies[16] = "0123456789abcdef";
	struct isakmp_buf b;
	struct isakmp_msg m;
	struct isakmp_sa sa;
	struct isakmp_err e;
	int ok[] = { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };

	for (uint8_t s = 0; s <= 16; s++) {
		isakmp_buf_init(&b, 0);
		hdr_put(&b, ISAKMP_EXCH_ID_PROT, 0, 0);
		isakmp_sa_begin(&b, ISAKMP_DOI_IPSEC, ISAKMP_SIT_IDENTITY_ONLY);
		isakmp_prop_begin(&b, 1, ISAKMP_PROTO_ISAKMP, cookies, s);
		isakmp_xform_begin(&b, 1, ISAKMP_KEY_IKE);
		isakmp_xform_end(&b);
		isakmp_prop_end(&b);
		isakmp_sa_end(&b);
		take(&b);
		parse_ok(&m);
		ck_assert_int_eq(isakmp_sa_decode(&m.chain.pl[0], &sa, &e), ok[s] ? 0 : -1);
		if (!ok[s])
			ck_assert_int_eq(e.code, ISAKMP_E_SPI);
	}
	/* IPCOMP: a 2-byte CPI or a 4-byte field */
	for (uint8_t s = 1; s <= 5; s++) {
		isakmp_buf_init(&b, 0);
		hdr_put(&b, ISAKMP_EXCH_QUICK, 0, 1);
		isakmp_sa_begin(&b, ISAKMP_DOI_IPSEC, ISAKMP_SIT_IDENTITY_ONLY);
		isakmp_prop_begin(&b, 1, ISAKMP_PROTO_IPCOMP, cookies, s);
		isakmp_xform_begin(&b, 1, ISAKMP_IPCOMP_DEFLATE);
		isakmp_xform_end(&b);
		isakmp_prop_end(&b);
		isakmp_sa_end(&b);
		take(&b);
		parse_ok(&m);
		ck_assert_int_eq(isakmp_sa_decode(&m.chain.pl[0], &sa, &e),
		    s == 2 || s == 4 ? 0 : -1);
	}
}
END_TEST

START_TEST(test_attr_uint)
{
	static const uint8_t ten[10] = { 0, 0, 1, 2, 3, 4, 5, 6, 7, 8 };
	static const uint8_t nine[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	static const uint8_t tv[2] = { 0x12, 0x34 };
	struct isakmp_attr a = { .type = 2, .tv = false, .val = ten, .len = 10 };
	uint64_t v;

	ck_assert_int_eq(isakmp_attr_uint(&a, &v), 0);
	ck_assert_uint_eq(v, UINT64_C(0x0102030405060708));
	a.val = nine;
	a.len = 9;
	ck_assert_int_eq(isakmp_attr_uint(&a, &v), -1);
	a.len = 0;
	ck_assert_int_eq(isakmp_attr_uint(&a, &v), -1);
	a.len = 1;
	ck_assert_int_eq(isakmp_attr_uint(&a, &v), 0);
	ck_assert_uint_eq(v, 1);
	a.tv = true;
	a.val = tv;
	a.len = 2;
	ck_assert_int_eq(isakmp_attr_uint(&a, &v), 0);
	ck_assert_uint_eq(v, 0x1234);
	ck_assert(isakmp_attr_is_basic(ISAKMP_PROTO_ISAKMP, ISAKMP_P1_GROUP));
	ck_assert(!isakmp_attr_is_basic(ISAKMP_PROTO_ISAKMP, ISAKMP_P1_LIFE_DURATION));
	ck_assert(isakmp_attr_is_basic(ISAKMP_PROTO_ESP, ISAKMP_P2_ENCAP));
	ck_assert(!isakmp_attr_is_basic(ISAKMP_PROTO_ESP, ISAKMP_P2_LIFE_DURATION));
	ck_assert(!isakmp_attr_is_basic(ISAKMP_PROTO_AH, 16384));
}
END_TEST

START_TEST(test_attr_copy)
{
	struct isakmp_msg m;
	struct isakmp_sa sa;
	struct isakmp_err e;
	struct isakmp_iter pi, xi, ai;
	struct isakmp_prop p;
	struct isakmp_xform x;
	struct isakmp_attr a;
	struct isakmp_buf b;
	uint8_t first[256];
	size_t first_len;

	/* echo the first transform of the first proposal, as a responder does */
	build_sa();
	ck_assert_int_eq(isakmp_sa_decode(sa_pl(&m), &sa, &e), 0);
	isakmp_sa_props(&sa, &pi);
	ck_assert(isakmp_prop_next(&pi, &p));
	isakmp_prop_xforms(&p, &xi);
	ck_assert(isakmp_xform_next(&xi, &x));
	memcpy(first, x.hdr, x.total_len);
	first_len = x.total_len;

	isakmp_buf_init(&b, 0);
	isakmp_sa_begin(&b, ISAKMP_DOI_IPSEC, ISAKMP_SIT_IDENTITY_ONLY);
	isakmp_prop_begin(&b, p.num, p.proto, p.spi, p.spi_len);
	isakmp_xform_begin(&b, x.num, x.id);
	isakmp_xform_attrs(&x, &ai);
	while (isakmp_attr_next(&ai, &a))
		ck_assert_int_eq(isakmp_attr_copy(&b, &a), 0);
	isakmp_xform_end(&b);
	isakmp_prop_end(&b);
	isakmp_sa_end(&b);
	ck_assert_int_eq(isakmp_buf_finish(&b, &e), 0);
	/* SA(4) + DOI/sit(8) + proposal(8 + 4 SPI) then the transform, identical */
	ck_assert_uint_eq(b.len, 24 + first_len);
	first[0] = 0;		/* the echo is the only transform: next payload 0 */
	ck_assert_mem_eq(b.p + 24, first, first_len);
	isakmp_buf_free(&b);
}
END_TEST

/* ---- opaque payloads ---------------------------------------------------------------- */

static const struct isakmp_pl *
one_payload(struct isakmp_msg *m, uint8_t type, const void *body, size_t len)
{
	struct isakmp_buf b;

	isakmp_buf_init(&b, 0);
	hdr_put(&b, ISAKMP_EXCH_ID_PROT, 0, 0);
	ck_assert_int_eq(isakmp_put_payload(&b, type, body, len, NULL), 0);
	take(&b);
	ck_assert_int_eq(isakmp_msg_parse(m, msg, msg_len, ISAKMP_PARSE_PRIVATE, NULL), 0);
	return &m->chain.pl[0];
}

START_TEST(test_data_payloads)
{
	static uint8_t big[300];
	struct isakmp_msg m;
	struct isakmp_data d;
	struct isakmp_err e;
	static const struct { uint8_t type; size_t len; int ok; } cases[] = {
		{ ISAKMP_PL_NONCE, 7, 0 }, { ISAKMP_PL_NONCE, 8, 1 },
		{ ISAKMP_PL_NONCE, 256, 1 }, { ISAKMP_PL_NONCE, 257, 0 },
		{ ISAKMP_PL_NONCE, 0, 0 },
		{ ISAKMP_PL_KE, 0, 0 }, { ISAKMP_PL_KE, 256, 1 },
		{ ISAKMP_PL_HASH, 0, 0 }, { ISAKMP_PL_HASH, 20, 1 },
		{ ISAKMP_PL_SIG, 0, 0 }, { ISAKMP_PL_SIG, 1, 1 },
		{ ISAKMP_PL_NAT_D, 0, 0 }, { ISAKMP_PL_NAT_D, 32, 1 },
		{ ISAKMP_PL_VID, 0, 1 }, { ISAKMP_PL_VID, 16, 1 },
		{ 200, 3, 1 },
	};

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)i;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct isakmp_pl *pl = one_payload(&m, cases[i].type, big, cases[i].len);
		int r = isakmp_data_decode(pl, &d, &e);

		ck_assert_msg(r == (cases[i].ok ? 0 : -1), "type %u len %zu", cases[i].type,
		    cases[i].len);
		if (cases[i].ok) {
			ck_assert_uint_eq(d.len, cases[i].len);
			ck_assert(d.len == 0 || memcmp(d.p, big, d.len) == 0);
		} else {
			ck_assert_uint_eq(e.payload, cases[i].type);
			ck_assert_uint_eq(e.off, 30);	/* the length field */
		}
	}
	/* structured payloads have their own decoders */
	ck_assert_int_eq(isakmp_data_decode(one_payload(&m, ISAKMP_PL_ID, big, 8), &d, &e), -1);
	ck_assert_int_eq(e.code, ISAKMP_E_USAGE);
}
END_TEST

/* ---- ID ----------------------------------------------------------------------------- */

static int
id_decode(uint8_t type, const void *data, size_t len, struct isakmp_id *id,
    struct isakmp_err *e)
{
	struct isakmp_id in = { .type = type, .proto = 17, .port = 500, .data = data,
	    .len = len };
	struct isakmp_buf b;
	struct isakmp_msg m;

	isakmp_buf_init(&b, 0);
	hdr_put(&b, ISAKMP_EXCH_ID_PROT, 0, 0);
	ck_assert_int_eq(isakmp_put_id(&b, &in), 0);
	take(&b);
	parse_ok(&m);
	return isakmp_id_decode(&m.chain.pl[0], id, e);
}

START_TEST(test_id_round_trip)
{
	uint8_t v4sub[8] = { 10, 1, 0, 0, 255, 255, 0, 0 };
	uint8_t v4range[8] = { 10, 3, 0, 1, 10, 3, 0, 9 };
	uint8_t v6sub[32] = { 0xfd, 1 };
	uint8_t v6[16] = { 0xfd, 0x99, [15] = 1 };
	uint8_t v4[4] = { 192, 0, 2, 1 };
	struct isakmp_id id;
	struct isakmp_err e;

	ck_assert_int_eq(id_decode(ISAKMP_ID_IPV4_ADDR, v4, 4, &id, &e), 0);
	ck_assert_int_eq(id.af, AF_INET);
	ck_assert_uint_eq(id.proto, 17);
	ck_assert_uint_eq(id.port, 500);
	ck_assert_mem_eq(id.addr, v4, 4);
	ck_assert_uint_eq(id.prefix, 32);
	ck_assert_int_eq(id_decode(ISAKMP_ID_IPV6_ADDR, v6, 16, &id, &e), 0);
	ck_assert_int_eq(id.af, AF_INET6);
	ck_assert_mem_eq(id.addr, v6, 16);
	ck_assert_uint_eq(id.prefix, 128);
	ck_assert_int_eq(id_decode(ISAKMP_ID_IPV4_ADDR_SUBNET, v4sub, 8, &id, &e), 0);
	ck_assert_uint_eq(id.prefix, 16);
	ck_assert_mem_eq(id.addr2, v4sub + 4, 4);
	memset(v6sub + 16, 0xff, 6);
	v6sub[22] = 0xfe;
	ck_assert_int_eq(id_decode(ISAKMP_ID_IPV6_ADDR_SUBNET, v6sub, 32, &id, &e), 0);
	ck_assert_uint_eq(id.prefix, 55);
	ck_assert_int_eq(id_decode(ISAKMP_ID_IPV4_ADDR_RANGE, v4range, 8, &id, &e), 0);
	ck_assert_mem_eq(id.addr, v4range, 4);
	ck_assert_mem_eq(id.addr2, v4range + 4, 4);
	ck_assert_int_eq(id_decode(ISAKMP_ID_FQDN, "host.example.org", 16, &id, &e), 0);
	ck_assert_int_eq(id.af, 0);
	ck_assert_uint_eq(id.len, 16);
	ck_assert_mem_eq(id.data, "host.example.org", 16);
	ck_assert_int_eq(id_decode(ISAKMP_ID_USER_FQDN, "u@example.org", 13, &id, &e), 0);
	ck_assert_int_eq(id_decode(ISAKMP_ID_DER_ASN1_DN, "\x30\x00", 2, &id, &e), 0);
	ck_assert_int_eq(id_decode(ISAKMP_ID_KEY_ID, "k", 1, &id, &e), 0);
	/* a zero mask and an all-ones mask */
	memset(v4sub + 4, 0, 4);
	ck_assert_int_eq(id_decode(ISAKMP_ID_IPV4_ADDR_SUBNET, v4sub, 8, &id, &e), 0);
	ck_assert_uint_eq(id.prefix, 0);
	memset(v4sub + 4, 0xff, 4);
	ck_assert_int_eq(id_decode(ISAKMP_ID_IPV4_ADDR_SUBNET, v4sub, 8, &id, &e), 0);
	ck_assert_uint_eq(id.prefix, 32);
	/* a range of one address */
	ck_assert_int_eq(id_decode(ISAKMP_ID_IPV4_ADDR_RANGE, "\x0a\0\0\x01\x0a\0\0\x01", 8,
	    &id, &e), 0);
}
END_TEST

START_TEST(test_id_lengths)
{
	static const uint8_t z[40] = { 0 };
	static const struct { uint8_t type; size_t good; } fixed[] = {
		{ ISAKMP_ID_IPV4_ADDR, 4 }, { ISAKMP_ID_IPV6_ADDR, 16 },
		{ ISAKMP_ID_IPV4_ADDR_SUBNET, 8 }, { ISAKMP_ID_IPV6_ADDR_SUBNET, 32 },
		{ ISAKMP_ID_IPV4_ADDR_RANGE, 8 }, { ISAKMP_ID_IPV6_ADDR_RANGE, 32 },
	};
	struct isakmp_id id;
	struct isakmp_err e;

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		for (size_t len = 0; len <= 40; len++) {
			int r = id_decode(fixed[i].type, z, len, &id, &e);

			ck_assert_msg(r == (len == fixed[i].good ? 0 : -1), "type %u len %zu",
			    fixed[i].type, len);
			if (r == -1) {
				ck_assert_int_eq(e.code, ISAKMP_E_ID);
				ck_assert_uint_eq(e.notify, ISAKMP_N_INVALID_ID_INFORMATION);
			}
		}
	}
	ck_assert_int_eq(id_decode(ISAKMP_ID_FQDN, z, 0, &id, &e), -1);
	ck_assert_int_eq(id_decode(ISAKMP_ID_USER_FQDN, z, 0, &id, &e), -1);
	ck_assert_int_eq(id_decode(ISAKMP_ID_DER_ASN1_DN, z, 0, &id, &e), -1);
	ck_assert_int_eq(id_decode(ISAKMP_ID_DER_ASN1_GN, z, 0, &id, &e), -1);
	ck_assert_int_eq(id_decode(ISAKMP_ID_KEY_ID, z, 0, &id, &e), -1);
}
END_TEST

START_TEST(test_id_values)
{
	static const uint8_t holes[8] = { 10, 0, 0, 0, 255, 0, 255, 0 };
	static const uint8_t late[8] = { 10, 0, 0, 0, 255, 255, 255, 1 };
	static const uint8_t down[8] = { 10, 0, 0, 9, 10, 0, 0, 1 };
	uint8_t v6down[32] = { [15] = 2, [31] = 1 };
	uint8_t v6holes[32] = { [16] = 0x80, [17] = 0x80 };
	struct isakmp_id id;
	struct isakmp_err e;
	struct isakmp_buf b;
	struct isakmp_msg m;

	ck_assert_int_eq(id_decode(ISAKMP_ID_IPV4_ADDR_SUBNET, holes, 8, &id, &e), -1);
	ck_assert_str_eq(e.what, "ID: subnet mask is not contiguous");
	ck_assert_int_eq(id_decode(ISAKMP_ID_IPV4_ADDR_SUBNET, late, 8, &id, &e), -1);
	ck_assert_int_eq(id_decode(ISAKMP_ID_IPV6_ADDR_SUBNET, v6holes, 32, &id, &e), -1);
	ck_assert_int_eq(id_decode(ISAKMP_ID_IPV4_ADDR_RANGE, down, 8, &id, &e), -1);
	ck_assert_str_eq(e.what, "ID: range starts above its end");
	ck_assert_int_eq(id_decode(ISAKMP_ID_IPV6_ADDR_RANGE, v6down, 32, &id, &e), -1);
	ck_assert_int_eq(id_decode(ISAKMP_ID_FQDN, "evil\0.example.org", 17, &id, &e), -1);
	ck_assert_str_eq(e.what, "ID: name holds a NUL byte");
	ck_assert_int_eq(id_decode(ISAKMP_ID_USER_FQDN, "u@x\0", 4, &id, &e), -1);
	ck_assert_int_eq(id_decode(0, "abcd", 4, &id, &e), -1);
	ck_assert_int_eq(id_decode(12, "abcd", 4, &id, &e), -1);
	ck_assert_int_eq(id_decode(255, "abcd", 4, &id, &e), -1);
	ck_assert_str_eq(e.what, "ID: unknown identification type");
	/* fewer than the 4 bytes of type, protocol and port */
	isakmp_buf_init(&b, 0);
	hdr_put(&b, ISAKMP_EXCH_ID_PROT, 0, 0);
	isakmp_put_payload(&b, ISAKMP_PL_ID, "\x01\x11\x01", 3, NULL);
	take(&b);
	parse_ok(&m);
	ck_assert_int_eq(isakmp_id_decode(&m.chain.pl[0], &id, &e), -1);
	ck_assert_int_eq(e.code, ISAKMP_E_TRUNCATED);
}
END_TEST

/* ---- CERT, CR ------------------------------------------------------------------------ */

START_TEST(test_cert)
{
	struct isakmp_buf b;
	struct isakmp_msg m;
	struct isakmp_cert c;
	struct isakmp_err e;

	isakmp_buf_init(&b, 0);
	hdr_put(&b, ISAKMP_EXCH_ID_PROT, 0, 0);
	ck_assert_int_eq(isakmp_put_cert(&b, ISAKMP_PL_CERT, ISAKMP_CERT_X509_SIG, "\x30\x03xyz",
	    5), 0);
	ck_assert_int_eq(isakmp_put_cert(&b, ISAKMP_PL_CR, ISAKMP_CERT_X509_SIG, NULL, 0), 0);
	ck_assert_int_eq(isakmp_put_cert(&b, ISAKMP_PL_CR, ISAKMP_CERT_X509_SIG, "dn", 2), 0);
	take(&b);
	parse_ok(&m);
	ck_assert_uint_eq(m.chain.n, 3);
	ck_assert_int_eq(isakmp_cert_decode(&m.chain.pl[0], &c, &e), 0);
	ck_assert_uint_eq(c.enc, ISAKMP_CERT_X509_SIG);
	ck_assert_uint_eq(c.len, 5);
	ck_assert_mem_eq(c.data, "\x30\x03xyz", 5);
	ck_assert_int_eq(isakmp_cert_decode(&m.chain.pl[1], &c, &e), 0);
	ck_assert_uint_eq(c.len, 0);
	ck_assert_int_eq(isakmp_cert_decode(&m.chain.pl[2], &c, &e), 0);
	ck_assert_uint_eq(c.len, 2);
	/* reserved encodings; private use passes */
	msg[28 + 4] = 0;
	parse_ok(&m);
	ck_assert_int_eq(isakmp_cert_decode(&m.chain.pl[0], &c, &e), -1);
	ck_assert_uint_eq(e.notify, ISAKMP_N_INVALID_CERT_ENCODING);
	msg[28 + 4] = 11;
	ck_assert_int_eq(isakmp_cert_decode(&m.chain.pl[0], &c, &e), -1);
	msg[28 + 4] = 200;
	ck_assert_int_eq(isakmp_cert_decode(&m.chain.pl[0], &c, &e), -1);
	msg[28 + 4] = 201;
	ck_assert_int_eq(isakmp_cert_decode(&m.chain.pl[0], &c, &e), 0);
	/* a CERT without data, a CR without its type byte */
	isakmp_buf_init(&b, 0);
	hdr_put(&b, ISAKMP_EXCH_ID_PROT, 0, 0);
	isakmp_put_cert(&b, ISAKMP_PL_CERT, ISAKMP_CERT_X509_SIG, NULL, 0);
	isakmp_put_payload(&b, ISAKMP_PL_CR, NULL, 0, NULL);
	take(&b);
	parse_ok(&m);
	ck_assert_int_eq(isakmp_cert_decode(&m.chain.pl[0], &c, &e), -1);
	ck_assert_int_eq(e.code, ISAKMP_E_LENGTH);
	ck_assert_int_eq(isakmp_cert_decode(&m.chain.pl[1], &c, &e), -1);
	ck_assert_int_eq(e.code, ISAKMP_E_TRUNCATED);
}
END_TEST

/* ---- N ------------------------------------------------------------------------------ */

static const struct isakmp_pl *
notify_built(struct isakmp_msg *m, const struct isakmp_notify *n)
{
	struct isakmp_buf b;

	isakmp_buf_init(&b, 0);
	hdr_put(&b, ISAKMP_EXCH_INFO, 0, 1);
	ck_assert_int_eq(isakmp_put_notify(&b, n), 0);
	take(&b);
	parse_ok(m);
	return &m->chain.pl[0];
}

START_TEST(test_notify_round_trip)
{
	static const uint8_t cookies[16] = "ABCDEFGHabcdefgh";
	static const uint8_t seq[4] = { 0, 0, 0, 42 };
	static const uint8_t life[8] = { 0x80, 1, 0, 1, 0, 2, 0, 4 };
	struct isakmp_notify in = { .doi = ISAKMP_DOI_IPSEC, .proto = ISAKMP_PROTO_ISAKMP,
	    .spi_len = 16, .type = ISAKMP_N_DPD_R_U_THERE, .spi = cookies, .data = seq,
	    .data_len = 4 };
	struct isakmp_notify n;
	struct isakmp_msg m;
	struct isakmp_err e;

	ck_assert_int_eq(isakmp_notify_decode(notify_built(&m, &in), &n, &e), 0);
	ck_assert_uint_eq(n.doi, ISAKMP_DOI_IPSEC);
	ck_assert_uint_eq(n.proto, ISAKMP_PROTO_ISAKMP);
	ck_assert_uint_eq(n.spi_len, 16);
	ck_assert_uint_eq(n.type, ISAKMP_N_DPD_R_U_THERE);
	ck_assert_mem_eq(n.spi, cookies, 16);
	ck_assert_uint_eq(n.data_len, 4);
	ck_assert_mem_eq(n.data, seq, 4);
	/* RESPONDER-LIFETIME on an ESP SPI, with attributes as data */
	in = (struct isakmp_notify){ .doi = ISAKMP_DOI_IPSEC, .proto = ISAKMP_PROTO_ESP,
	    .spi_len = 4, .type = ISAKMP_N_RESPONDER_LIFETIME, .spi = esp_spi, .data = life,
	    .data_len = 8 };
	ck_assert_int_eq(isakmp_notify_decode(notify_built(&m, &in), &n, &e), 0);
	ck_assert_mem_eq(n.spi, esp_spi, 4);
	ck_assert_uint_eq(n.data_len, 8);
	/* INITIAL-CONTACT without SPI, DOI 0 */
	in = (struct isakmp_notify){ .doi = ISAKMP_DOI_ISAKMP, .proto = ISAKMP_PROTO_ISAKMP,
	    .type = ISAKMP_N_INITIAL_CONTACT };
	ck_assert_int_eq(isakmp_notify_decode(notify_built(&m, &in), &n, &e), 0);
	ck_assert_uint_eq(n.spi_len, 0);
	ck_assert_uint_eq(n.data_len, 0);
}
END_TEST

START_TEST(test_notify_refusals)
{
	static const uint8_t spi[16] = { 0 };
	struct isakmp_notify in = { .doi = ISAKMP_DOI_IPSEC, .proto = ISAKMP_PROTO_ESP,
	    .spi_len = 4, .type = ISAKMP_N_NO_PROPOSAL_CHOSEN, .spi = spi };
	struct isakmp_notify n;
	struct isakmp_msg m;
	struct isakmp_err e;
	const struct isakmp_pl *pl;

	pl = notify_built(&m, &in);
	msg[28 + 4 + 3] = 2;	/* DOI 2 */
	ck_assert_int_eq(isakmp_notify_decode(pl, &n, &e), -1);
	ck_assert_int_eq(e.code, ISAKMP_E_DOI);
	msg[28 + 4 + 3] = 1;
	msg[28 + 4 + 5] = 5;	/* SPI size 5 for ESP */
	ck_assert_int_eq(isakmp_notify_decode(pl, &n, &e), -1);
	ck_assert_int_eq(e.code, ISAKMP_E_SPI);
	msg[28 + 4 + 4] = ISAKMP_PROTO_ISAKMP;
	msg[28 + 4 + 5] = 16;	/* SPI size 16 but only 4 bytes follow */
	ck_assert_int_eq(isakmp_notify_decode(pl, &n, &e), -1);
	ck_assert_int_eq(e.code, ISAKMP_E_LENGTH);
	msg[28 + 4 + 4] = 9;	/* an unknown protocol with an SPI */
	msg[28 + 4 + 5] = 4;
	ck_assert_int_eq(isakmp_notify_decode(pl, &n, &e), -1);
	ck_assert_int_eq(e.code, ISAKMP_E_SPI);
	msg[28 + 4 + 4] = ISAKMP_PROTO_ESP;
	msg[28 + 4 + 6] = 0;	/* type 0 */
	msg[28 + 4 + 7] = 0;
	ck_assert_int_eq(isakmp_notify_decode(pl, &n, &e), -1);
	ck_assert_int_eq(e.code, ISAKMP_E_VALUE);
	/* shorter than its fixed part */
	pl = one_payload(&m, ISAKMP_PL_N, "\0\0\0\x01\x03\x00\x00", 7);
	ck_assert_int_eq(isakmp_notify_decode(pl, &n, &e), -1);
	ck_assert_int_eq(e.code, ISAKMP_E_TRUNCATED);
}
END_TEST

/* ---- D ------------------------------------------------------------------------------ */

START_TEST(test_delete)
{
	static const uint8_t spis[12] = { 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3 };
	struct isakmp_delete in = { .doi = ISAKMP_DOI_IPSEC, .proto = ISAKMP_PROTO_ESP,
	    .spi_len = 4, .nspi = 3, .spis = spis };
	struct isakmp_delete d;
	struct isakmp_buf b;
	struct isakmp_msg m;
	struct isakmp_err e;

	isakmp_buf_init(&b, 0);
	hdr_put(&b, ISAKMP_EXCH_INFO, 0, 1);
	ck_assert_int_eq(isakmp_put_delete(&b, &in), 0);
	in.proto = ISAKMP_PROTO_ISAKMP;
	in.spi_len = 16;
	in.nspi = 0;
	in.spis = NULL;
	ck_assert_int_eq(isakmp_put_delete(&b, &in), 0);
	take(&b);
	parse_ok(&m);
	ck_assert_int_eq(isakmp_delete_decode(&m.chain.pl[0], &d, &e), 0);
	ck_assert_uint_eq(d.nspi, 3);
	ck_assert_uint_eq(d.proto, ISAKMP_PROTO_ESP);
	ck_assert_mem_eq(isakmp_delete_spi(&d, 2), spis + 8, 4);
	ck_assert_ptr_null(isakmp_delete_spi(&d, 3));
	/* count 0 */
	ck_assert_int_eq(isakmp_delete_decode(&m.chain.pl[1], &d, &e), -1);
	ck_assert_int_eq(e.code, ISAKMP_E_COUNT);
	/* count * size disagrees with the bytes, both ways */
	msg[28 + 4 + 7] = 2;
	ck_assert_int_eq(isakmp_delete_decode(&m.chain.pl[0], &d, &e), -1);
	ck_assert_int_eq(e.code, ISAKMP_E_COUNT);
	ck_assert_str_eq(e.what, "D: SPI count times size disagrees with the payload length");
	msg[28 + 4 + 7] = 4;
	ck_assert_int_eq(isakmp_delete_decode(&m.chain.pl[0], &d, &e), -1);
	msg[28 + 4 + 6] = 0x40;	/* 16387 SPIs: the product must not wrap or overrun */
	msg[28 + 4 + 7] = 3;
	ck_assert_int_eq(isakmp_delete_decode(&m.chain.pl[0], &d, &e), -1);
	msg[28 + 4 + 6] = 0;
	ck_assert_int_eq(isakmp_delete_decode(&m.chain.pl[0], &d, &e), 0);
	/* SPI size 0, and wrong for the protocol */
	msg[28 + 4 + 5] = 0;
	ck_assert_int_eq(isakmp_delete_decode(&m.chain.pl[0], &d, &e), -1);
	ck_assert_int_eq(e.code, ISAKMP_E_SPI);
	msg[28 + 4 + 5] = 2;
	ck_assert_int_eq(isakmp_delete_decode(&m.chain.pl[0], &d, &e), -1);
	msg[28 + 4 + 5] = 4;
	/* unknown protocol, DOI */
	msg[28 + 4 + 4] = 7;
	ck_assert_int_eq(isakmp_delete_decode(&m.chain.pl[0], &d, &e), -1);
	ck_assert_int_eq(e.code, ISAKMP_E_PROTO);
	msg[28 + 4 + 4] = ISAKMP_PROTO_ESP;
	msg[28 + 4 + 3] = 3;
	ck_assert_int_eq(isakmp_delete_decode(&m.chain.pl[0], &d, &e), -1);
	ck_assert_int_eq(e.code, ISAKMP_E_DOI);
	/* fixed part cut */
	ck_assert_int_eq(isakmp_delete_decode(one_payload(&m, ISAKMP_PL_D, "\0\0\0\1\3\4", 6),
	    &d, &e), -1);
	ck_assert_int_eq(e.code, ISAKMP_E_TRUNCATED);
}
END_TEST

/* ---- NAT-OA ------------------------------------------------------------------------- */

START_TEST(test_natoa)
{
	struct isakmp_natoa in = { .type = ISAKMP_ID_IPV6_ADDR,
	    .addr = { 0x20, 0x01, 0x0d, 0xb8, [15] = 7 } };
	struct isakmp_natoa oa;
	struct isakmp_buf b;
	struct isakmp_msg m;
	struct isakmp_err e;

	isakmp_buf_init(&b, 0);
	hdr_put(&b, ISAKMP_EXCH_QUICK, 0, 1);
	ck_assert_int_eq(isakmp_put_natoa(&b, &in), 0);
	in.type = ISAKMP_ID_IPV4_ADDR;
	ck_assert_int_eq(isakmp_put_natoa(&b, &in), 0);
	take(&b);
	parse_ok(&m);
	ck_assert_int_eq(isakmp_natoa_decode(&m.chain.pl[0], &oa, &e), 0);
	ck_assert_int_eq(oa.af, AF_INET6);
	ck_assert_mem_eq(oa.addr, in.addr, 16);
	ck_assert_int_eq(isakmp_natoa_decode(&m.chain.pl[1], &oa, &e), 0);
	ck_assert_int_eq(oa.af, AF_INET);
	ck_assert_mem_eq(oa.addr, in.addr, 4);
	/* an IPv4 type on IPv6 bytes, a name type */
	msg[28 + 4] = ISAKMP_ID_IPV4_ADDR;
	ck_assert_int_eq(isakmp_natoa_decode(&m.chain.pl[0], &oa, &e), -1);
	ck_assert_int_eq(e.code, ISAKMP_E_LENGTH);
	msg[28 + 4] = ISAKMP_ID_FQDN;
	ck_assert_int_eq(isakmp_natoa_decode(&m.chain.pl[0], &oa, &e), -1);
	ck_assert_int_eq(e.code, ISAKMP_E_ID);
	ck_assert_int_eq(isakmp_natoa_decode(one_payload(&m, ISAKMP_PL_NAT_OA, "\1\0\0", 3),
	    &oa, &e), -1);
	ck_assert_int_eq(e.code, ISAKMP_E_TRUNCATED);
	/* the builder refuses a name type */
	isakmp_buf_init(&b, 0);
	in.type = ISAKMP_ID_FQDN;
	ck_assert_int_eq(isakmp_put_natoa(&b, &in), -1);
	isakmp_buf_free(&b);
}
END_TEST

/* ---- builder ------------------------------------------------------------------------ */

START_TEST(test_build_fixed_cap)
{
	uint8_t mem[64];
	struct isakmp_buf b;
	struct isakmp_err e;

	isakmp_buf_init_fixed(&b, mem, sizeof(mem));
	hdr_put(&b, ISAKMP_EXCH_ID_PROT, 0, 0);
	ck_assert_int_eq(isakmp_put_payload(&b, ISAKMP_PL_NONCE, NULL, 32, NULL), 0);
	ck_assert_uint_eq(b.len, 64);
	ck_assert_ptr_eq(b.p, mem);
	ck_assert_int_eq(isakmp_put_payload(&b, ISAKMP_PL_VID, NULL, 0, NULL), -1);
	ck_assert_int_eq(b.err.code, ISAKMP_E_NOSPACE);
	/* sticky: later calls fail, the report names the first failure */
	ck_assert_int_eq(isakmp_put_raw(&b, "", 0), -1);
	ck_assert_int_eq(isakmp_buf_finish(&b, &e), -1);
	ck_assert_int_eq(e.code, ISAKMP_E_NOSPACE);
	ck_assert_uint_eq(b.len, 64);
	/* free wipes the caller's memory */
	memset(mem, 0x5a, sizeof(mem));
	isakmp_buf_free(&b);
	for (size_t i = 0; i < sizeof(mem); i++)
		ck_assert_uint_eq(mem[i], 0);
}
END_TEST

START_TEST(test_build_growing_cap)
{
	static uint8_t big[4000];
	struct isakmp_buf b;
	struct isakmp_msg m;
	struct isakmp_err e;

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7);
	/* grows across several reallocations and keeps every byte */
	isakmp_buf_init(&b, 0);
	hdr_put(&b, ISAKMP_EXCH_ID_PROT, 0, 0);
	for (int i = 0; i < 16; i++)
		ck_assert_int_eq(isakmp_put_payload(&b, ISAKMP_PL_VID, big, sizeof(big), NULL), 0);
	ck_assert_int_eq(isakmp_buf_finish(&b, &e), 0);
	ck_assert_uint_eq(b.len, 28 + 16 * 4004);
	ck_assert_int_eq(isakmp_msg_parse(&m, b.p, b.len, 0, &e), 0);
	ck_assert_uint_eq(m.chain.n, 16);
	for (int i = 0; i < 16; i++)
		ck_assert_mem_eq(m.chain.pl[i].body, big, sizeof(big));
	/* the UDP cap: 64092 + 4004 > 65535 */
	ck_assert_int_eq(isakmp_put_payload(&b, ISAKMP_PL_VID, big, sizeof(big), NULL), -1);
	ck_assert_int_eq(b.err.code, ISAKMP_E_NOSPACE);
	isakmp_buf_free(&b);
	ck_assert_ptr_null(b.p);
	/* a smaller cap */
	isakmp_buf_init(&b, 100);
	ck_assert_int_eq(isakmp_put_payload(&b, ISAKMP_PL_VID, big, 96, NULL), 0);
	ck_assert_int_eq(isakmp_put_payload(&b, ISAKMP_PL_VID, NULL, 0, NULL), -1);
	isakmp_buf_free(&b);
	/* a payload body above 65531 bytes */
	isakmp_buf_init(&b, 0);
	ck_assert_int_eq(isakmp_put_payload(&b, ISAKMP_PL_VID, NULL, 65532, NULL), -1);
	ck_assert_int_eq(b.err.code, ISAKMP_E_LENGTH);
	isakmp_buf_free(&b);
}
END_TEST

START_TEST(test_build_usage)
{
	struct isakmp_buf b;
	struct isakmp_err e;
	struct isakmp_hdr h = { 0 };

	/* proposal without an SA */
	isakmp_buf_init(&b, 0);
	ck_assert_int_eq(isakmp_prop_begin(&b, 1, ISAKMP_PROTO_ESP, esp_spi, 4), -1);
	ck_assert_int_eq(isakmp_buf_finish(&b, &e), -1);
	ck_assert_int_eq(e.code, ISAKMP_E_USAGE);
	isakmp_buf_free(&b);
	/* payload inside an open SA */
	isakmp_buf_init(&b, 0);
	isakmp_sa_begin(&b, 1, 1);
	ck_assert_int_eq(isakmp_put_payload(&b, ISAKMP_PL_VID, NULL, 0, NULL), -1);
	isakmp_buf_free(&b);
	/* attribute without a transform; transform without a proposal */
	isakmp_buf_init(&b, 0);
	isakmp_sa_begin(&b, 1, 1);
	ck_assert_int_eq(isakmp_xform_begin(&b, 1, 1), -1);
	isakmp_buf_free(&b);
	isakmp_buf_init(&b, 0);
	isakmp_sa_begin(&b, 1, 1);
	isakmp_prop_begin(&b, 1, ISAKMP_PROTO_ESP, esp_spi, 4);
	ck_assert_int_eq(isakmp_attr_put(&b, 1, 1), -1);
	isakmp_buf_free(&b);
	/* empty proposal, empty SA, SA left open */
	isakmp_buf_init(&b, 0);
	isakmp_sa_begin(&b, 1, 1);
	isakmp_prop_begin(&b, 1, ISAKMP_PROTO_ESP, esp_spi, 4);
	ck_assert_int_eq(isakmp_prop_end(&b), -1);
	isakmp_buf_free(&b);
	isakmp_buf_init(&b, 0);
	isakmp_sa_begin(&b, 1, 1);
	ck_assert_int_eq(isakmp_sa_end(&b), -1);
	isakmp_buf_free(&b);
	isakmp_buf_init(&b, 0);
	isakmp_sa_begin(&b, 1, 1);
	ck_assert_int_eq(isakmp_buf_finish(&b, &e), -1);
	ck_assert_int_eq(e.code, ISAKMP_E_USAGE);
	isakmp_buf_free(&b);
	/* header not first; a top-level proposal type */
	isakmp_buf_init(&b, 0);
	isakmp_put_payload(&b, ISAKMP_PL_VID, NULL, 0, NULL);
	ck_assert_int_eq(isakmp_put_hdr(&b, &h), -1);
	isakmp_buf_free(&b);
	isakmp_buf_init(&b, 0);
	ck_assert_int_eq(isakmp_put_payload(&b, ISAKMP_PL_P, NULL, 0, NULL), -1);
	isakmp_buf_free(&b);
	/* a basic attribute too large, or given as bytes; the AF bit in a type */
	isakmp_buf_init(&b, 0);
	isakmp_sa_begin(&b, 1, 1);
	isakmp_prop_begin(&b, 1, ISAKMP_PROTO_ESP, esp_spi, 4);
	isakmp_xform_begin(&b, 1, ISAKMP_ESP_AES_CBC);
	ck_assert_int_eq(isakmp_attr_put(&b, ISAKMP_P2_KEY_LEN, 0x10000), -1);
	ck_assert_int_eq(b.err.code, ISAKMP_E_ATTR);
	isakmp_buf_free(&b);
	isakmp_buf_init(&b, 0);
	isakmp_sa_begin(&b, 1, 1);
	isakmp_prop_begin(&b, 1, ISAKMP_PROTO_ESP, esp_spi, 4);
	isakmp_xform_begin(&b, 1, ISAKMP_ESP_AES_CBC);
	ck_assert_int_eq(isakmp_attr_put_bytes(&b, ISAKMP_P2_ENCAP, "ab", 2), -1);
	isakmp_buf_free(&b);
	isakmp_buf_init(&b, 0);
	isakmp_sa_begin(&b, 1, 1);
	isakmp_prop_begin(&b, 1, ISAKMP_PROTO_ESP, esp_spi, 4);
	isakmp_xform_begin(&b, 1, ISAKMP_ESP_AES_CBC);
	ck_assert_int_eq(isakmp_attr_put(&b, 0x8001, 1), -1);
	isakmp_buf_free(&b);
	/* a variable attribute as bytes is a TLV */
	isakmp_buf_init(&b, 0);
	isakmp_sa_begin(&b, 1, 1);
	isakmp_prop_begin(&b, 1, ISAKMP_PROTO_ESP, esp_spi, 4);
	isakmp_xform_begin(&b, 1, ISAKMP_ESP_AES_CBC);
	ck_assert_int_eq(isakmp_attr_put_bytes(&b, ISAKMP_P2_COMP_PRIV, "abc", 3), 0);
	ck_assert_uint_eq(b.len, 4 + 8 + 12 + 8 + 7);
	ck_assert_uint_eq(b.p[b.len - 7], 0x00);
	ck_assert_uint_eq(b.p[b.len - 5], 0x00);
	ck_assert_uint_eq(b.p[b.len - 4], 0x03);
	isakmp_buf_free(&b);
}
END_TEST

START_TEST(test_build_hash_placeholder)
{
	struct isakmp_buf b;
	struct isakmp_msg m;
	size_t at;

	isakmp_buf_init(&b, 0);
	hdr_put(&b, ISAKMP_EXCH_QUICK, ISAKMP_FLAG_E, 5);
	ck_assert_int_eq(isakmp_put_payload(&b, ISAKMP_PL_HASH, NULL, 20, &at), 0);
	ck_assert_uint_eq(at, 32);
	ck_assert_int_eq(isakmp_put_payload(&b, ISAKMP_PL_NONCE, "nonce-12", 8, NULL), 0);
	memset(b.p + at, 0x77, 20);	/* the engine fills the hash afterwards */
	take(&b);
	msg[19] = 0;	/* read it as cleartext */
	parse_ok(&m);
	ck_assert_uint_eq(m.chain.pl[0].body[19], 0x77);
	ck_assert_uint_eq(m.hdr.np, ISAKMP_PL_HASH);
}
END_TEST

START_TEST(test_build_encrypted)
{
	struct isakmp_buf body, b;
	struct isakmp_hdr h = { .exchange = ISAKMP_EXCH_ID_PROT, .flags = ISAKMP_FLAG_E };
	struct isakmp_msg m;
	struct isakmp_id id = { .type = ISAKMP_ID_IPV4_ADDR, .data = (const uint8_t *)"\x0a\0\0\1",
	    .len = 4 };
	struct isakmp_err e;
	char line[200];

	/* the chain is built apart, "encrypted", and put after a header naming its first */
	isakmp_buf_init(&body, 0);
	ck_assert_int_eq(isakmp_put_id(&body, &id), 0);
	ck_assert_int_eq(isakmp_put_payload(&body, ISAKMP_PL_HASH, NULL, 32, NULL), 0);
	ck_assert_int_eq(isakmp_buf_finish(&body, &e), 0);
	ck_assert_uint_eq(body.first, ISAKMP_PL_ID);
	h.np = body.first;
	isakmp_buf_init(&b, 0);
	ck_assert_int_eq(isakmp_put_hdr(&b, &h), 0);
	ck_assert_int_eq(isakmp_put_raw(&b, body.p, body.len), 0);
	take(&b);
	isakmp_buf_free(&body);
	parse_ok(&m);
	ck_assert_uint_eq(m.hdr.np, ISAKMP_PL_ID);
	ck_assert_uint_eq(m.chain.n, 0);
	ck_assert_uint_eq(m.body_len, 48);
	isakmp_msg_print(line, sizeof(line), &m);
	ck_assert_str_eq(line, "ID_PROT i=0000000000000000 r=0000000000000000 mid=00000000 "
	    "len=76 flags=E [encrypted first=ID 48 bytes]");
	/* the "decrypted" body with one block of padding */
	ck_assert_int_eq(isakmp_chain_parse(&m.chain, m.hdr.np, m.body, m.body_len, 16, 0, &e),
	    0);
	ck_assert_uint_eq(m.chain.n, 2);
}
END_TEST

/* ---- printer ------------------------------------------------------------------------ */

START_TEST(test_print)
{
	static const uint8_t spi[4] = { 1, 2, 3, 4 };
	struct isakmp_notify n = { .doi = 1, .proto = ISAKMP_PROTO_ISAKMP,
	    .type = ISAKMP_N_INITIAL_CONTACT };
	struct isakmp_delete d = { .doi = 1, .proto = ISAKMP_PROTO_ESP, .spi_len = 4,
	    .nspi = 1, .spis = spi };
	struct isakmp_id id = { .type = ISAKMP_ID_FQDN, .data = (const uint8_t *)"x", .len = 1 };
	struct isakmp_buf b;
	struct isakmp_msg m;
	char line[300], tiny[12];
	size_t need;

	isakmp_buf_init(&b, 0);
	hdr_put(&b, ISAKMP_EXCH_INFO, 0, 0x01020304);
	isakmp_put_payload(&b, ISAKMP_PL_HASH, NULL, 20, NULL);
	isakmp_put_id(&b, &id);
	isakmp_put_notify(&b, &n);
	isakmp_put_delete(&b, &d);
	isakmp_put_payload(&b, 150, NULL, 0, NULL);
	n.type = 40000;
	isakmp_put_notify(&b, &n);
	isakmp_put_payload(&b, ISAKMP_PL_N, NULL, 2, NULL);
	take(&b);
	ck_assert_int_eq(isakmp_msg_parse(&m, msg, msg_len, ISAKMP_PARSE_PRIVATE, NULL), 0);
	need = isakmp_msg_print(line, sizeof(line), &m);
	ck_assert_str_eq(line, "INFORMATIONAL i=0102030405060708 r=090a0b0c0d0e0f10 "
	    "mid=01020304 len=111 [HASH ID(FQDN) N(INITIAL-CONTACT) D(ESP,1) PL150 N(40000) "
	    "N(malformed)]");
	ck_assert_uint_eq(need, strlen(line));
	/* truncation: terminated, and the needed length returned */
	ck_assert_uint_eq(isakmp_msg_print(tiny, sizeof(tiny), &m), need);
	ck_assert_str_eq(tiny, "INFORMATION");
	ck_assert_uint_eq(isakmp_msg_print(NULL, 0, &m), need);
	/* flags: known letters, unknown bits in hex */
	msg[19] = ISAKMP_FLAG_C | 0x08;
	ck_assert_int_eq(isakmp_msg_parse(&m, msg, msg_len, ISAKMP_PARSE_PRIVATE, NULL), 0);
	isakmp_msg_print(line, sizeof(line), &m);
	ck_assert_ptr_nonnull(strstr(line, " len=111 flags=C+0x8 [HASH "));
	msg[19] = 0;
	ck_assert_int_eq(isakmp_msg_parse(&m, msg, msg_len, ISAKMP_PARSE_PRIVATE, NULL), 0);
	ck_assert_uint_eq(isakmp_chain_print(line, sizeof(line), &m.chain),
	    strlen("[HASH ID(FQDN) N(INITIAL-CONTACT) D(ESP,1) PL150 N(40000) N(malformed)]"));
	ck_assert_str_eq(line, strchr(line, '['));
	ck_assert_str_eq(isakmp_exchange_name(99), "?");
	ck_assert_str_eq(isakmp_exchange_name(ISAKMP_EXCH_QUICK), "QUICK_MODE");
	ck_assert_str_eq(isakmp_notify_name(ISAKMP_N_PAYLOAD_MALFORMED), "PAYLOAD-MALFORMED");
	ck_assert_str_eq(isakmp_notify_name(ISAKMP_N_DPD_R_U_THERE_ACK), "R-U-THERE-ACK");
	ck_assert_str_eq(isakmp_payload_name(ISAKMP_PL_NAT_OA), "NAT-OA");
	ck_assert_str_eq(isakmp_proto_name(ISAKMP_PROTO_IPCOMP), "IPCOMP");
	ck_assert_str_eq(isakmp_id_type_name(ISAKMP_ID_IPV6_ADDR_RANGE), "IPV6_ADDR_RANGE");
	for (int c = 0; c < ISAKMP_E_COUNT_MAX; c++)
		ck_assert_str_ne(isakmp_errc_name(c), "?");
	ck_assert_str_eq(isakmp_errc_name(ISAKMP_E_COUNT_MAX), "?");
}
END_TEST

/* The numbers the wire carries, checked against RFC 2407/2408/2409/3947/3706 once more. */
START_TEST(test_constants)
{
	ck_assert_int_eq(ISAKMP_EXCH_ID_PROT, 2);
	ck_assert_int_eq(ISAKMP_EXCH_AGGRESSIVE, 4);
	ck_assert_int_eq(ISAKMP_EXCH_INFO, 5);
	ck_assert_int_eq(ISAKMP_EXCH_QUICK, 32);
	ck_assert_int_eq(ISAKMP_PL_VID, 13);
	ck_assert_int_eq(ISAKMP_PL_NAT_D, 20);
	ck_assert_int_eq(ISAKMP_PL_NAT_OA, 21);
	ck_assert_int_eq(ISAKMP_ESP_AES_GCM_16, 20);
	ck_assert_int_eq(ISAKMP_ESP_NULL, 11);
	ck_assert_int_eq(ISAKMP_AH_SHA2_512, 7);
	ck_assert_int_eq(ISAKMP_P1_KEY_LEN, 14);
	ck_assert_int_eq(ISAKMP_P1_LIFE_DURATION, 12);
	ck_assert_int_eq(ISAKMP_P2_KEY_LEN, 6);
	ck_assert_int_eq(ISAKMP_ID_DER_ASN1_DN, 9);
	ck_assert_int_eq(ISAKMP_N_NO_PROPOSAL_CHOSEN, 14);
	ck_assert_int_eq(ISAKMP_N_INVALID_ID_INFORMATION, 18);
	ck_assert_int_eq(ISAKMP_N_AUTHENTICATION_FAILED, 24);
	ck_assert_int_eq(ISAKMP_N_INITIAL_CONTACT, 24578);
	ck_assert_int_eq(ISAKMP_N_DPD_R_U_THERE, 36136);
	ck_assert_int_eq(ISAKMP_CERT_X509_SIG, 4);
}
END_TEST

static Suite *
isakmp_suite(void)
{
	Suite *s = suite_create("isakmp");
	TCase *tc;

	tc = tcase_create("header");
	tcase_add_test(tc, test_hdr_round_trip);
	tcase_add_test(tc, test_hdr_truncated);
	tcase_add_test(tc, test_hdr_version);
	tcase_add_test(tc, test_hdr_length);
	suite_add_tcase(s, tc);
	tc = tcase_create("chain");
	tcase_add_test(tc, test_chain_lengths);
	tcase_add_test(tc, test_chain_types);
	tcase_add_test(tc, test_chain_too_many);
	tcase_add_test(tc, test_chain_padding);
	tcase_add_test(tc, test_chain_next);
	suite_add_tcase(s, tc);
	tc = tcase_create("sa");
	tcase_add_test(tc, test_sa_round_trip);
	tcase_add_test(tc, test_sa_fixed_part);
	tcase_add_test(tc, test_sa_short);
	tcase_add_test(tc, test_sa_proposal_bounds);
	tcase_add_test(tc, test_sa_transform_count);
	tcase_add_test(tc, test_sa_transform_bounds);
	tcase_add_test(tc, test_sa_attributes);
	tcase_add_test(tc, test_sa_life_repeats);
	tcase_add_test(tc, test_sa_isakmp_spi);
	tcase_add_test(tc, test_attr_uint);
	tcase_add_test(tc, test_attr_copy);
	suite_add_tcase(s, tc);
	tc = tcase_create("payloads");
	tcase_add_test(tc, test_data_payloads);
	tcase_add_test(tc, test_id_round_trip);
	tcase_add_test(tc, test_id_lengths);
	tcase_add_test(tc, test_id_values);
	tcase_add_test(tc, test_cert);
	tcase_add_test(tc, test_notify_round_trip);
	tcase_add_test(tc, test_notify_refusals);
	tcase_add_test(tc, test_delete);
	tcase_add_test(tc, test_natoa);
	suite_add_tcase(s, tc);
	tc = tcase_create("build");
	tcase_add_test(tc, test_build_fixed_cap);
	tcase_add_test(tc, test_build_growing_cap);
	tcase_add_test(tc, test_build_usage);
	tcase_add_test(tc, test_build_hash_placeholder);
	tcase_add_test(tc, test_build_encrypted);
	tcase_add_test(tc, test_print);
	tcase_add_test(tc, test_constants);
	suite_add_tcase(s, tc);
	return s;
}

IPP_CHECK_MAIN(isakmp_suite)
