/*
 * The IKE SA listing as it travels from the module through the agent to the CLI
 * (ctl_sa_parse): a quick-mode bundle with every attribute decodes to what was put, and
 * every truncation and byte change of it is refused or decoded without harm; a soft
 * association (CTL_A_SOFTSA) decodes marked soft, with its seconds left.
 */
#include <arpa/inet.h>
#include <string.h>

#include "agent/ctl_proto.h"
#include "tests/lib/ipp_check.h"

static void
put_qmsa(struct ctl_msg *m)
{
	uint8_t l[4] = { 10, 9, 0, 1 }, r[4] = { 10, 5, 0, 9 };

	ctl_msg_init(m, CTL_SHOW_QMSA | CTL_REPLY, 3, 0);
	ctl_nest_begin(m, CTL_A_QMSA);
	ctl_put_u8(m, CTL_S_FAMILY, 4);
	ctl_put_bytes(m, CTL_S_LOCAL, l, 4);
	ctl_put_bytes(m, CTL_S_REMOTE, r, 4);
	ctl_put_u8(m, CTL_S_INITIATOR, 1);
	ctl_put_u32(m, CTL_S_REQID, 70000);
	ctl_put_str(m, CTL_S_RULE, "peer");
	ctl_put_u8(m, CTL_S_MODE, 0);
	for (int i = 0; i < 2; i++) {
		ctl_nest_begin(m, CTL_S_PROTO);
		ctl_put_u8(m, CTL_S_P_PROTO, i == 0 ? IPPROTO_ESP : IPPROTO_AH);
		ctl_put_u8(m, CTL_S_P_CIPHER, i == 0 ? IPP_CIPHER_AES128GCM16 : IPP_CIPHER_NONE);
		ctl_put_u8(m, CTL_S_P_AUTH, i == 0 ? IPP_HASH_NONE : IPP_HASH_SHA256);
		ctl_put_u32(m, CTL_S_P_SPI_IN, 0xc0de0001u + (uint32_t)i);
		ctl_put_u32(m, CTL_S_P_SPI_OUT, 0xbeef0001u + (uint32_t)i);
		ctl_nest_end(m);
	}
	ctl_nest_begin(m, CTL_S_TS_LOCAL);
	ctl_put_bytes(m, CTL_S_T_ADDR, l, 4);
	ctl_put_u8(m, CTL_S_T_PREFIX, 32);
	ctl_put_u8(m, CTL_S_T_PROTO, 6);
	ctl_put_u16(m, CTL_S_T_PORT, 0);
	ctl_nest_end(m);
	ctl_nest_begin(m, CTL_S_TS_REMOTE);
	ctl_put_bytes(m, CTL_S_T_ADDR, r, 4);
	ctl_put_u8(m, CTL_S_T_PREFIX, 24);
	ctl_put_u8(m, CTL_S_T_PROTO, 6);
	ctl_put_u16(m, CTL_S_T_PORT, 443);
	ctl_nest_end(m);
	ctl_put_u16(m, CTL_S_GROUP, 14);
	ctl_put_u64(m, CTL_S_LIFE_S, 3600);
	ctl_put_u64(m, CTL_S_LIFE_KB, 100000);
	ctl_put_u64(m, CTL_S_AGE_S, 12);
	ctl_put_u64(m, CTL_S_BYTES_IN, 1ull << 40);
	ctl_put_u64(m, CTL_S_BYTES_OUT, 84);
	ctl_put_u64(m, CTL_S_PKTS_IN, 3);
	ctl_put_u64(m, CTL_S_PKTS_OUT, 1);
	ctl_put_str(m, CTL_S_PEER_ID, "10.5.0.9");
	ctl_nest_end(m);
	ck_assert_int_eq(ctl_msg_finish(m), 0);
}

static int
parse_first(const uint8_t *p, size_t len, struct ctl_sa *sa, struct ipp_err *e)
{
	struct ctl_iter it;
	struct ctl_attr a;
	int rc;

	ctl_iter_init(&it, p, len);
	if ((rc = ctl_iter_next(&it, &a, e)) <= 0)
		return -1;
	return ctl_sa_parse(&a, sa, e);
}

START_TEST(test_round_trip)
{
	struct ctl_msg m;
	struct ctl_sa sa;
	struct ipp_err e = { 0 };

	put_qmsa(&m);
	ck_assert_msg(parse_first(m.buf + CTL_HDR_LEN, m.len - CTL_HDR_LEN, &sa, &e) == 0, "%s",
	    e.msg);
	ck_assert_int_eq(sa.family, AF_INET);
	ck_assert_mem_eq(&sa.remote, "\x0a\x05\x00\x09", 4);
	ck_assert(sa.initiator);
	ck_assert_uint_eq(sa.reqid, 70000);
	ck_assert_str_eq(sa.rule, "peer");
	ck_assert_str_eq(sa.peer_id, "10.5.0.9");
	ck_assert_uint_eq(sa.nproto, 2);
	ck_assert_int_eq(sa.p[0].cipher, IPP_CIPHER_AES128GCM16);
	ck_assert_uint_eq(sa.p[1].proto, IPPROTO_AH);
	ck_assert_uint_eq(sa.p[1].spi_out, 0xbeef0002u);
	ck_assert_uint_eq(sa.ts_remote.prefix, 24);
	ck_assert_uint_eq(sa.ts_remote.port, 443);
	ck_assert_uint_eq(sa.group, 14);
	ck_assert_uint_eq(sa.bytes_in, 1ull << 40);
	ck_assert_uint_eq(sa.pkts_out, 1);
	ctl_sa_clear(&sa);
	ck_assert_ptr_null(sa.rule);
	ctl_msg_free(&m);
}
END_TEST

START_TEST(test_soft)
{
	uint8_t l[16] = { 0xfd, 0, [15] = 1 }, r[16] = { 0xfd, 0, [15] = 2 };
	struct ctl_msg m;
	struct ctl_sa sa;
	struct ipp_err e = { 0 };

	ctl_msg_init(&m, CTL_SHOW_SOFTSA | CTL_REPLY, 4, 0);
	ctl_nest_begin(&m, CTL_A_SOFTSA);
	ctl_put_u8(&m, CTL_S_FAMILY, 6);
	ctl_put_bytes(&m, CTL_S_LOCAL, l, 16);
	ctl_put_bytes(&m, CTL_S_REMOTE, r, 16);
	ctl_put_u8(&m, CTL_S_INITIATOR, 1);
	ctl_put_u32(&m, CTL_S_REQID, 4242);
	ctl_put_str(&m, CTL_S_RULE, "soft");
	ctl_nest_begin(&m, CTL_S_TS_REMOTE);
	ctl_put_bytes(&m, CTL_S_T_ADDR, r, 16);
	ctl_put_u8(&m, CTL_S_T_PREFIX, 128);
	ctl_put_u8(&m, CTL_S_T_PROTO, 17);
	ctl_put_u16(&m, CTL_S_T_PORT, 53);
	ctl_nest_end(&m);
	ctl_put_u64(&m, CTL_S_LIFE_S, 300);
	ctl_put_u64(&m, CTL_S_AGE_S, 100);
	ctl_put_u64(&m, CTL_S_LEFT_S, 200);
	ctl_nest_end(&m);
	ck_assert_int_eq(ctl_msg_finish(&m), 0);
	ck_assert_msg(parse_first(m.buf + CTL_HDR_LEN, m.len - CTL_HDR_LEN, &sa, &e) == 0, "%s",
	    e.msg);
	ck_assert(sa.soft);
	ck_assert_int_eq(sa.family, AF_INET6);
	ck_assert_mem_eq(&sa.remote, r, 16);
	ck_assert_str_eq(sa.rule, "soft");
	ck_assert_uint_eq(sa.reqid, 4242);
	ck_assert_uint_eq(sa.ts_remote.port, 53);
	ck_assert_uint_eq(sa.life_s, 300);
	ck_assert_uint_eq(sa.left_s, 200);
	ck_assert_uint_eq(sa.nproto, 0);
	ctl_sa_clear(&sa);
	/* A left_s of the wrong width is refused, as every number is. */
	m.buf[m.len - 9] = 7;
	ck_assert_int_eq(parse_first(m.buf + CTL_HDR_LEN, m.len - CTL_HDR_LEN, &sa, &e), -1);
	ctl_msg_free(&m);
}
END_TEST

START_TEST(test_qmsa_not_soft)
{
	struct ctl_msg m;
	struct ctl_sa sa;
	struct ipp_err e = { 0 };

	put_qmsa(&m);
	ck_assert_int_eq(parse_first(m.buf + CTL_HDR_LEN, m.len - CTL_HDR_LEN, &sa, &e), 0);
	ck_assert(!sa.soft);
	ck_assert_uint_eq(sa.left_s, 0);
	ctl_sa_clear(&sa);
	ctl_msg_free(&m);
}
END_TEST

START_TEST(test_refusals)
{
	struct ctl_msg m;
	struct ctl_sa sa;
	struct ipp_err e;
	uint8_t buf[2048];
	size_t n;

	put_qmsa(&m);
	n = m.len - CTL_HDR_LEN;
	ck_assert_uint_le(n, sizeof(buf));
	/* Every cut: refused, or decoded (a cut at an attribute boundary of the outer nest
	 * cannot be told from a shorter SA, but the outer header then claims more). */
	for (size_t cut = 0; cut < n; cut++) {
		memcpy(buf, m.buf + CTL_HDR_LEN, cut);
		ck_assert_int_eq(parse_first(buf, cut, &sa, &e), -1);
	}
	/* Every byte changed: whatever decodes is cleared without a leak (ASan). */
	for (size_t pos = 0; pos < n; pos++) {
		memcpy(buf, m.buf + CTL_HDR_LEN, n);
		buf[pos] ^= 0xa5;
		if (parse_first(buf, n, &sa, &e) == 0) {
			ck_assert(sa.family == AF_INET || sa.family == AF_INET6);
			ck_assert_uint_le(sa.nproto, 2);
			ctl_sa_clear(&sa);
		}
	}
	ctl_msg_free(&m);
}
END_TEST

static Suite *
sa_suite(void)
{
	Suite *s = suite_create("ctl_sa");
	TCase *tc = tcase_create("codec");

	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_refusals);
	tcase_add_test(tc, test_soft);
	tcase_add_test(tc, test_qmsa_not_soft);
	suite_add_tcase(s, tc);
	return s;
}

IPP_CHECK_MAIN(sa_suite)
