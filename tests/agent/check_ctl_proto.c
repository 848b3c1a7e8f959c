/*
 * The control protocol's codec: round trips of status and rules, the exact bytes of a
 * header and an attribute, and refusal of every malformed shape the decoder knows.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <arpa/inet.h>

#include "agent/ctl_proto.h"
#include "tests/lib/ipp_check.h"

static struct ctl_rule
sample_rule(void)
{
	struct ctl_rule r;
	struct ipp_filter f;
	struct ipp_qm_offer o;
	struct ipp_auth a = { .kind = IPP_AUTH_PSK };
	struct ipp_err e;

	memset(&r, 0, sizeof(r));
	ipp_rule_init(&r.rule);
	ipp_filteraction_init(&r.action);
	r.rule.name = strdup("web");
	ipp_filter_init(&f);
	ck_assert_int_eq(ipp_addr_parse(&f.src, "me", NULL, &e), 0);
	ck_assert_int_eq(ipp_addr_parse(&f.dst, "10.0.0.0/8", NULL, &e), 0);
	f.proto = 6;
	f.dport = 443;
	ipp_array_push(&r.list.filters, &r.list.nfilters, sizeof(f), &f);
	ipp_filter_init(&f);
	ck_assert_int_eq(ipp_addr_parse(&f.src, "2001:db8::1-2001:db8::9", NULL, &e), 0);
	ck_assert_int_eq(ipp_addr_parse(&f.dst, "host.example.", NULL, &e), 0);
	f.mirrored = false;
	ipp_array_push(&r.list.filters, &r.list.nfilters, sizeof(f), &f);
	ipp_qm_offer_init(&o);
	o.esp_cipher = IPP_CIPHER_AES256;
	o.esp_auth = IPP_HASH_SHA256;
	o.pfs = true;
	o.pfs_group = 14;
	ipp_array_push(&r.action.offers, &r.action.noffers, sizeof(o), &o);
	a.value = strdup("s3cret");
	ipp_array_push(&r.rule.auth, &r.rule.nauth, sizeof(a), &a);
	r.action.inpass = true;
	r.rule.conntype = IPP_CONN_LAN;
	ck_assert_int_eq(ipp_addr_parse(&r.rule.tunnel, "192.0.2.9", NULL, &e), 0);
	return r;
}

/* Encodes r (with or without keys) and decodes it into back. */
static void
rule_trip(const struct ctl_rule *r, bool keys, struct ctl_rule *back)
{
	struct ctl_msg m;
	struct ctl_iter it;
	struct ctl_attr a;
	struct ctl_hdr h;
	struct ipp_err e;

	ctl_msg_init(&m, CTL_DYN_ADD, 7, 0);
	ctl_rule_put(&m, r, keys);
	ck_assert_int_eq(ctl_msg_finish(&m), 0);
	ck_assert_int_eq(ctl_hdr_parse(m.buf, m.len, &h, &e), 0);
	ck_assert_uint_eq(h.len, m.len - CTL_HDR_LEN);
	ctl_iter_init(&it, m.buf + CTL_HDR_LEN, h.len);
	ck_assert_int_eq(ctl_iter_next(&it, &a, &e), 1);
	ck_assert_uint_eq(a.type, CTL_A_RULE);
	memset(back, 0, sizeof(*back));
	ck_assert_msg(ctl_rule_parse(&a, back, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(ctl_iter_next(&it, &a, &e), 0);
	ctl_msg_free(&m);
}

START_TEST(test_rule_round_trip)
{
	struct ctl_rule r = sample_rule(), b;
	char s1[IPP_ADDR_STRLEN], s2[IPP_ADDR_STRLEN];

	rule_trip(&r, true, &b);
	ck_assert_str_eq(b.rule.name, "web");
	ck_assert_uint_eq(b.list.nfilters, 2);
	for (size_t i = 0; i < 2; i++) {
		ck_assert_str_eq(ipp_addr_format(&b.list.filters[i].src, s1, sizeof(s1)),
		    ipp_addr_format(&r.list.filters[i].src, s2, sizeof(s2)));
		ck_assert_str_eq(ipp_addr_format(&b.list.filters[i].dst, s1, sizeof(s1)),
		    ipp_addr_format(&r.list.filters[i].dst, s2, sizeof(s2)));
		ck_assert_int_eq(b.list.filters[i].mirrored, r.list.filters[i].mirrored);
	}
	ck_assert_uint_eq(b.list.filters[0].proto, 6);
	ck_assert_uint_eq(b.list.filters[0].dport, 443);
	ck_assert_uint_eq(b.action.noffers, 1);
	ck_assert_int_eq(b.action.offers[0].esp_cipher, IPP_CIPHER_AES256);
	ck_assert_int_eq(b.action.offers[0].pfs_group, 14);
	ck_assert(b.action.inpass && !b.action.soft);
	ck_assert_int_eq(b.action.action, IPP_ACTION_NEGOTIATE);
	ck_assert_str_eq(b.rule.auth[0].value, "s3cret");
	ck_assert_int_eq(b.rule.conntype, IPP_CONN_LAN);
	ck_assert_str_eq(ipp_addr_format(&b.rule.tunnel, s1, sizeof(s1)), "192.0.2.9");
	ctl_rule_clear(&b);
	/* Lists sent back to clients leave preshared keys out. */
	rule_trip(&r, false, &b);
	ck_assert_uint_eq(b.rule.nauth, 1);
	ck_assert_ptr_null(b.rule.auth[0].value);
	ctl_rule_clear(&b);
	ctl_rule_clear(&r);
}
END_TEST

START_TEST(test_status_round_trip)
{
	struct ctl_status s = { .source = "local store /x", .reason = "why", .policy = "P",
	    .last_error = "", .last_apply = 1700000000, .nl_total = 1ull << 40,
	    .ninstalled = 20008, .ndynamic = 2, .nl_last = 4, .applies = 3, .last_add = 2,
	    .last_delete = 2, .ike_pid = 99, .ike_restarts = 1, .apply_usec = 12345 }, b;
	struct ctl_msg m;
	struct ipp_err e;

	ctl_msg_init(&m, CTL_STATUS | CTL_REPLY, 1, 0);
	ctl_status_put(&m, &s);
	ck_assert_int_eq(ctl_msg_finish(&m), 0);
	ck_assert_int_eq(ctl_status_parse(m.buf + CTL_HDR_LEN, m.len - CTL_HDR_LEN, &b, &e), 0);
	ck_assert_str_eq(b.source, "local store /x");
	ck_assert_str_eq(b.policy, "P");
	ck_assert_str_eq(b.last_error, "");
	ck_assert(b.nl_total == 1ull << 40 && b.last_apply == 1700000000);
	ck_assert(b.ninstalled == 20008 && b.nl_last == 4 && b.ike_restarts == 1);
	ck_assert(b.apply_usec == 12345 && b.last_delete == 2);
	ctl_status_clear(&b);
	ctl_msg_free(&m);
}
END_TEST

START_TEST(test_wire_bytes)
{
	static const uint8_t want[] = {
		0x49, 0x50, 0x50, 0x43, 0x01, 0x01, 0x80, 0x01,	/* magic, v1, MORE, type */
		0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x08,	/* seq 258, length 8 */
		0x00, 0x07, 0x00, 0x04, 0x00, 0x00, 0x4e, 0x28,	/* NINSTALLED = 20008 */
	};
	struct ctl_msg m;

	ctl_msg_init(&m, CTL_STATUS | CTL_REPLY, 258, CTL_F_MORE);
	ctl_put_u32(&m, CTL_A_NINSTALLED, 20008);
	ck_assert_int_eq(ctl_msg_finish(&m), 0);
	ck_assert_uint_eq(m.len, sizeof(want));
	ck_assert_mem_eq(m.buf, want, sizeof(want));
	ctl_msg_free(&m);
}
END_TEST

static void
hdr(uint8_t *b, uint32_t magic, uint8_t version, uint32_t len)
{
	uint32_t v = htonl(magic);

	memset(b, 0, CTL_HDR_LEN);
	memcpy(b, &v, 4);
	b[4] = version;
	v = htonl(len);
	memcpy(b + 12, &v, 4);
}

START_TEST(test_header_refusals)
{
	uint8_t b[CTL_HDR_LEN];
	struct ctl_hdr h;
	struct ipp_err e;

	hdr(b, CTL_MAGIC, 1, 0);
	ck_assert_int_eq(ctl_hdr_parse(b, sizeof(b), &h, &e), 0);
	ck_assert_int_eq(ctl_hdr_parse(b, sizeof(b) - 1, &h, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "15 bytes, header needs 16"));
	hdr(b, 0x49505044, 1, 0);
	ck_assert_int_eq(ctl_hdr_parse(b, sizeof(b), &h, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "magic 0x49505044"));
	hdr(b, CTL_MAGIC, 2, 0);
	ck_assert_int_eq(ctl_hdr_parse(b, sizeof(b), &h, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "protocol version 2"));
	hdr(b, CTL_MAGIC, 1, CTL_MSG_MAX - CTL_HDR_LEN + 1);
	ck_assert_int_eq(ctl_hdr_parse(b, sizeof(b), &h, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "at most 65520"));
}
END_TEST

START_TEST(test_attribute_refusals)
{
	static const uint8_t truncated[] = { 0x00, 0x07, 0x00, 0x08, 0x00, 0x00 };
	static const uint8_t stray[] = { 0x00, 0x07, 0x00 };
	static const uint8_t short_u32[] = { 0x00, 0x07, 0x00, 0x02, 0x00, 0x01 };
	static const uint8_t nul_str[] = { 0x00, 0x03, 0x00, 0x03, 'a', 0x00, 'b' };
	static const uint8_t unknown[] = { 0x7f, 0x00, 0x00, 0x01, 0x55 };
	struct ctl_status s;
	struct ipp_err e;

	ck_assert_int_eq(ctl_status_parse(truncated, sizeof(truncated), &s, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "claims 8 bytes, 2 left"));
	ck_assert_int_eq(ctl_status_parse(stray, sizeof(stray), &s, &e), -1);
	ck_assert_int_eq(ctl_status_parse(short_u32, sizeof(short_u32), &s, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "has 2 bytes, expected 4"));
	ck_assert_int_eq(ctl_status_parse(nul_str, sizeof(nul_str), &s, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "NUL"));
	ck_assert_int_eq(ctl_status_parse(unknown, sizeof(unknown), &s, &e), 0);
	ctl_status_clear(&s);
}
END_TEST

START_TEST(test_rule_refusals)
{
	struct ctl_msg m;
	struct ctl_iter it;
	struct ctl_attr a;
	struct ctl_rule r;
	struct ipp_err e;

	/* An action beyond negotiate. */
	ctl_msg_init(&m, CTL_DYN_ADD, 1, 0);
	ctl_nest_begin(&m, CTL_A_RULE);
	ctl_put_u8(&m, CTL_R_ACTION, 3);
	ctl_nest_end(&m);
	ck_assert_int_eq(ctl_msg_finish(&m), 0);
	ctl_iter_init(&it, m.buf + CTL_HDR_LEN, m.len - CTL_HDR_LEN);
	ck_assert_int_eq(ctl_iter_next(&it, &a, &e), 1);
	memset(&r, 0, sizeof(r));
	ck_assert_int_eq(ctl_rule_parse(&a, &r, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "is 3, at most 2"));
	ctl_msg_free(&m);

	/* An IPv6 family with 4 address bytes. */
	ctl_msg_init(&m, CTL_DYN_ADD, 1, 0);
	ctl_nest_begin(&m, CTL_A_RULE);
	ctl_nest_begin(&m, CTL_R_TUNNEL);
	ctl_put_u8(&m, CTL_D_KIND, IPP_ADDR_NET);
	ctl_put_u8(&m, CTL_D_FAMILY, 6);
	ctl_put_u32(&m, CTL_D_IP, 0x0a000001);
	ctl_nest_end(&m);
	ctl_nest_end(&m);
	ck_assert_int_eq(ctl_msg_finish(&m), 0);
	ctl_iter_init(&it, m.buf + CTL_HDR_LEN, m.len - CTL_HDR_LEN);
	ck_assert_int_eq(ctl_iter_next(&it, &a, &e), 1);
	memset(&r, 0, sizeof(r));
	ck_assert_int_eq(ctl_rule_parse(&a, &r, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "family 6 with 4 address bytes"));
	ctl_msg_free(&m);
}
END_TEST

START_TEST(test_too_many_filters)
{
	struct ctl_msg m;
	struct ctl_iter it;
	struct ctl_attr a;
	struct ctl_rule r;
	struct ipp_err e;

	ctl_msg_init(&m, CTL_DYN_ADD, 1, 0);
	ctl_nest_begin(&m, CTL_A_RULE);
	for (int i = 0; i <= CTL_LIST_MAX; i++) {
		ctl_nest_begin(&m, CTL_R_FILTER);
		ctl_nest_end(&m);
	}
	ctl_nest_end(&m);
	ck_assert_int_eq(ctl_msg_finish(&m), 0);
	ctl_iter_init(&it, m.buf + CTL_HDR_LEN, m.len - CTL_HDR_LEN);
	ck_assert_int_eq(ctl_iter_next(&it, &a, &e), 1);
	memset(&r, 0, sizeof(r));
	ck_assert_int_eq(ctl_rule_parse(&a, &r, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "more than 1024 filters"));
	ctl_msg_free(&m);
}
END_TEST

START_TEST(test_message_bound)
{
	static char big[CTL_STR_MAX + 2];
	struct ctl_msg m;

	memset(big, 'x', CTL_STR_MAX);
	ctl_msg_init(&m, CTL_STATUS, 1, 0);
	for (int i = 0; i < 15; i++)
		ctl_put_str(&m, CTL_A_REASON, big);
	ck_assert_int_eq(ctl_msg_finish(&m), 0);
	ctl_put_str(&m, CTL_A_REASON, big);
	ck_assert_int_eq(ctl_msg_finish(&m), -EMSGSIZE);
	ctl_msg_free(&m);
	big[CTL_STR_MAX] = 'x';
	ctl_msg_init(&m, CTL_STATUS, 1, 0);
	ctl_put_str(&m, CTL_A_REASON, big);
	ck_assert_int_eq(ctl_msg_finish(&m), -EMSGSIZE);
	ctl_msg_free(&m);
}
END_TEST

START_TEST(test_reply_error)
{
	struct ctl_msg m;
	struct ipp_err e;

	ctl_msg_init(&m, CTL_DYN_DEL | CTL_REPLY, 1, 0);
	ctl_put_u32(&m, CTL_A_ERRCODE, IPP_E_NOENT);
	ctl_put_str(&m, CTL_A_ERRMSG, "dynamic rule 9 does not exist");
	ck_assert_int_eq(ctl_msg_finish(&m), 0);
	ck_assert_int_eq(ctl_reply_error(m.buf + CTL_HDR_LEN, m.len - CTL_HDR_LEN, &e), -1);
	ck_assert_int_eq(e.code, IPP_E_NOENT);
	ck_assert_str_eq(e.msg, "dynamic rule 9 does not exist");
	ctl_msg_free(&m);
}
END_TEST

static Suite *
ctl_suite(void)
{
	Suite *s = suite_create("ctl_proto");
	TCase *t = tcase_create("codec");

	tcase_add_test(t, test_rule_round_trip);
	tcase_add_test(t, test_status_round_trip);
	tcase_add_test(t, test_wire_bytes);
	tcase_add_test(t, test_header_refusals);
	tcase_add_test(t, test_attribute_refusals);
	tcase_add_test(t, test_rule_refusals);
	tcase_add_test(t, test_too_many_filters);
	tcase_add_test(t, test_message_bound);
	tcase_add_test(t, test_reply_error);
	suite_add_tcase(s, t);
	return s;
}

IPP_CHECK_MAIN(ctl_suite)
