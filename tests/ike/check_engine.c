/* The IKEv1 engine against itself: Main Mode and Quick Mode for every algorithm, mode and
 * PFS setting, with the keys, SPIs, selectors and lifetimes both sides install. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-xfrm/xfrm.h"
#include "tests/ike/engine_test.h"
#include "tests/lib/ipp_check.h"

START_TEST(test_basic)
{
	struct et_lab *l = et_new();
	struct ike_stats a, b;

	et_start(l);
	ck_assert_int_eq(et_acquire(l, 0), 0);
	et_pump(l);
	a = et_stats(l, 0);
	b = et_stats(l, 1);
	ck_assert_uint_eq(a.mm_ok, 1);
	ck_assert_uint_eq(b.mm_ok, 1);
	ck_assert_uint_eq(a.qm_ok, 1);
	ck_assert_uint_eq(b.qm_ok, 1);
	ck_assert_uint_eq(l->p[0].ninstalled, 1);
	ck_assert_uint_eq(l->p[1].ninstalled, 1);
	et_check_mirror(l);
	ck_assert_uint_eq(l->p[0].installed[0].hard_s, 3600);
	ck_assert_uint_eq(l->p[0].installed[0].hard_bytes, 100000ull * 1024);
	ck_assert_uint_eq(l->p[0].installed[0].acq_seq, 7);
	ck_assert_uint_eq(l->p[1].installed[0].acq_seq, 0);
	ck_assert_uint_eq(l->p[0].installed[0].reqid, 100);
	ck_assert_uint_eq(a.malformed + b.malformed, 0);
	et_free(l);
}
END_TEST

/* Runs one negotiation from A and checks both sides completed exactly once. */
static void
negotiate(struct et_lab *l)
{
	struct ike_stats a, b;

	et_start(l);
	ck_assert_int_eq(et_acquire(l, 0), 0);
	et_pump(l);
	a = et_stats(l, 0);
	b = et_stats(l, 1);
	if (a.qm_ok != 1 || b.qm_ok != 1)
		ck_abort_msg("negotiation failed; A log:\n%s\nB log:\n%s", l->p[0].log,
		    l->p[1].log);
	ck_assert_uint_eq(l->p[0].ninstalled, 1);
	ck_assert_uint_eq(l->p[1].ninstalled, 1);
	ck_assert_uint_eq(a.malformed + b.malformed + a.replays + b.replays, 0);
	et_check_mirror(l);
}

static void
mm_info(void *arg, const struct ike_mm_info *m)
{
	*(struct ike_mm_info *)arg = *m;
}

static const enum ipp_cipher mm_ciphers[] = { IPP_CIPHER_AES128, IPP_CIPHER_AES256,
    IPP_CIPHER_3DES };
static const enum ipp_hash hashes[] = { IPP_HASH_SHA1, IPP_HASH_SHA256, IPP_HASH_SHA384,
    IPP_HASH_SHA512 };
static const ipp_dhgroup groups[] = { 14, 15, 19, 20 };

/* Main Mode: every cipher x hash x group of issue #7 §3. */
START_TEST(test_mm_combo)
{
	struct et_lab *l = et_new();
	struct ipp_mm_offer o = { mm_ciphers[_i / 16], hashes[(_i / 4) % 4], groups[_i % 4] };
	struct ike_mm_info m;
	struct ike_walk_cb cb = { .arg = &m, .mm = mm_info };

	l->p[0].mm[0] = o;
	l->p[1].mm[0] = o;
	negotiate(l);
	for (int i = 0; i < 2; i++) {
		memset(&m, 0, sizeof(m));
		ike_engine_walk(l->p[i].e, &cb);
		ck_assert_int_eq(m.state, IKE_MM_ESTABLISHED);
		ck_assert_int_eq(m.cipher, o.cipher);
		ck_assert_int_eq(m.hash, o.hash);
		ck_assert_uint_eq(m.group, o.group);
		ck_assert_uint_eq(m.life_s, 480 * 60);
		ck_assert(m.initiator == (i == 0));
	}
	et_free(l);
}
END_TEST

struct esp_case {
	enum ipp_cipher	c;
	enum ipp_hash	h;
	uint16_t	enc_len, auth_len;
};

static const struct esp_case esp_cases[] = {
	{ IPP_CIPHER_AES128, IPP_HASH_SHA1, 16, 20 },
	{ IPP_CIPHER_AES128, IPP_HASH_SHA256, 16, 32 },
	{ IPP_CIPHER_AES128, IPP_HASH_SHA384, 16, 48 },
	{ IPP_CIPHER_AES128, IPP_HASH_SHA512, 16, 64 },
	{ IPP_CIPHER_AES256, IPP_HASH_SHA1, 32, 20 },
	{ IPP_CIPHER_AES256, IPP_HASH_SHA256, 32, 32 },
	{ IPP_CIPHER_AES256, IPP_HASH_SHA384, 32, 48 },
	{ IPP_CIPHER_AES256, IPP_HASH_SHA512, 32, 64 },
	{ IPP_CIPHER_3DES, IPP_HASH_SHA1, 24, 20 },
	{ IPP_CIPHER_3DES, IPP_HASH_SHA256, 24, 32 },
	{ IPP_CIPHER_3DES, IPP_HASH_SHA384, 24, 48 },
	{ IPP_CIPHER_3DES, IPP_HASH_SHA512, 24, 64 },
	{ IPP_CIPHER_NONE, IPP_HASH_SHA1, 0, 20 },
	{ IPP_CIPHER_NONE, IPP_HASH_SHA256, 0, 32 },
	{ IPP_CIPHER_NONE, IPP_HASH_SHA384, 0, 48 },
	{ IPP_CIPHER_NONE, IPP_HASH_SHA512, 0, 64 },
	{ IPP_CIPHER_AES128GCM16, IPP_HASH_NONE, 20, 0 },
	{ IPP_CIPHER_AES256GCM16, IPP_HASH_NONE, 36, 0 },
};
#define NESP	(int)(sizeof(esp_cases) / sizeof(esp_cases[0]))

/* Quick Mode ESP: every cipher x integrity, with and without PFS, transport and tunnel. */
START_TEST(test_qm_esp_combo)
{
	struct et_lab *l = et_new();
	const struct esp_case *c = &esp_cases[_i / 4];
	bool pfs = _i & 1, tunnel = _i & 2;
	const struct ike_child *ch;

	for (int i = 0; i < 2; i++) {
		l->p[i].qm[0].esp_cipher = c->c;
		l->p[i].qm[0].esp_auth = c->h;
		l->p[i].qm[0].pfs = pfs;
		l->p[i].rule.mode = tunnel ? XFRM_MODE_TUNNEL : XFRM_MODE_TRANSPORT;
	}
	negotiate(l);
	ch = &l->p[0].installed[0];
	ck_assert_uint_eq(ch->nproto, 1);
	ck_assert_uint_eq(ch->p[0].proto, IPPROTO_ESP);
	ck_assert_int_eq(ch->p[0].cipher, c->c);
	ck_assert_int_eq(ch->p[0].auth, c->h);
	ck_assert_uint_eq(ch->p[0].enc_key_len, c->enc_len);
	ck_assert_uint_eq(ch->p[0].auth_key_len, c->auth_len);
	ck_assert_uint_eq(ch->mode, tunnel ? XFRM_MODE_TUNNEL : XFRM_MODE_TRANSPORT);
	ck_assert_uint_eq(ch->pfs_group, pfs ? 14 : 0);
	et_free(l);
}
END_TEST

/* AH with every HMAC, with and without PFS, transport and tunnel. */
START_TEST(test_qm_ah_combo)
{
	struct et_lab *l = et_new();
	enum ipp_hash h = hashes[_i / 4];
	bool pfs = _i & 1, tunnel = _i & 2;
	const struct ike_child *ch;

	for (int i = 0; i < 2; i++) {
		l->p[i].qm[0] = (struct ipp_qm_offer){ .proto = IPP_QM_AH, .ah_hash = h,
		    .life_s = 3600, .life_kb = 100000, .pfs = pfs };
		l->p[i].rule.mode = tunnel ? XFRM_MODE_TUNNEL : XFRM_MODE_TRANSPORT;
	}
	negotiate(l);
	ch = &l->p[1].installed[0];
	ck_assert_uint_eq(ch->nproto, 1);
	ck_assert_uint_eq(ch->p[0].proto, IPPROTO_AH);
	ck_assert_int_eq(ch->p[0].auth, h);
	ck_assert_uint_eq(ch->p[0].enc_key_len, 0);
	et_free(l);
}
END_TEST

/* AH+ESP bundle: two SA pairs with their own SPIs and keys. */
START_TEST(test_qm_ah_esp_bundle)
{
	struct et_lab *l = et_new();
	const struct ike_child *a, *b;

	for (int i = 0; i < 2; i++)
		l->p[i].qm[0] = (struct ipp_qm_offer){ .proto = IPP_QM_AH_ESP,
		    .ah_hash = IPP_HASH_SHA256, .esp_cipher = IPP_CIPHER_AES256,
		    .esp_auth = IPP_HASH_SHA256, .life_s = 3600, .life_kb = 100000 };
	negotiate(l);
	a = &l->p[0].installed[0];
	b = &l->p[1].installed[0];
	ck_assert_uint_eq(a->nproto, 2);
	ck_assert_uint_eq(a->p[0].proto, IPPROTO_ESP);
	ck_assert_uint_eq(a->p[1].proto, IPPROTO_AH);
	ck_assert_uint_ne(a->p[0].spi_in, a->p[1].spi_in);
	ck_assert(memcmp(a->p[0].key_in, a->p[1].key_in, 32) != 0);
	ck_assert_uint_eq(b->p[1].auth_key_len, 32);
	et_free(l);
}
END_TEST

/* Legacy algorithms negotiate when both policies list them (Windows-era defaults). */
START_TEST(test_legacy_when_listed)
{
	struct et_lab *l = et_new();
	const struct ike_child *ch;

	for (int i = 0; i < 2; i++) {
		l->p[i].mm[0] = (struct ipp_mm_offer){ IPP_CIPHER_DES, IPP_HASH_MD5, 2 };
		l->p[i].qm[0].esp_cipher = IPP_CIPHER_DES;
		l->p[i].qm[0].esp_auth = IPP_HASH_MD5;
		l->p[i].qm[0].pfs = true;
		l->p[i].qm[0].pfs_group = 1;
	}
	negotiate(l);
	ch = &l->p[0].installed[0];
	ck_assert_int_eq(ch->p[0].cipher, IPP_CIPHER_DES);
	ck_assert_uint_eq(ch->p[0].enc_key_len, 8);
	ck_assert_uint_eq(ch->p[0].auth_key_len, 16);
	ck_assert_uint_eq(ch->pfs_group, 1);
	et_free(l);
}
END_TEST

/* A PFS group of its own (ECP 19 under a MODP 2048 Main Mode). */
START_TEST(test_pfs_own_group)
{
	struct et_lab *l = et_new();

	for (int i = 0; i < 2; i++) {
		l->p[i].qm[0].pfs = true;
		l->p[i].qm[0].pfs_group = 19;
	}
	negotiate(l);
	ck_assert_uint_eq(l->p[0].installed[0].pfs_group, 19);
	et_free(l);
}
END_TEST

/* Several offers: the responder takes the first of the initiator's it accepts. */
START_TEST(test_offer_order)
{
	struct et_lab *l = et_new();
	struct et_peer *a = &l->p[0], *b = &l->p[1];
	struct ike_mm_info m;
	struct ike_walk_cb cb = { .arg = &m, .mm = mm_info };

	a->mm[0] = (struct ipp_mm_offer){ IPP_CIPHER_AES256, IPP_HASH_SHA512, 20 };
	a->mm[1] = (struct ipp_mm_offer){ IPP_CIPHER_AES256, IPP_HASH_SHA256, 19 };
	a->mm[2] = (struct ipp_mm_offer){ IPP_CIPHER_3DES, IPP_HASH_SHA1, 14 };
	a->plan.main.mm.noffers = 3;
	b->mm[0] = (struct ipp_mm_offer){ IPP_CIPHER_3DES, IPP_HASH_SHA1, 14 };
	b->mm[1] = (struct ipp_mm_offer){ IPP_CIPHER_AES256, IPP_HASH_SHA256, 19 };
	b->plan.main.mm.noffers = 2;
	a->qm[1] = a->qm[0];
	a->qm[0].esp_cipher = IPP_CIPHER_AES256GCM16;
	a->qm[0].esp_auth = IPP_HASH_NONE;
	a->qm[2] = a->qm[1];
	a->qm[2].esp_auth = IPP_HASH_SHA256;
	a->rule.noffers = 3;
	b->qm[0] = a->qm[2];
	b->qm[1] = a->qm[1];
	b->rule.noffers = 2;
	negotiate(l);
	ike_engine_walk(b->e, &cb);
	ck_assert_int_eq(m.hash, IPP_HASH_SHA256);
	ck_assert_uint_eq(m.group, 19);
	/* A's second offer (AES128/SHA1) comes before its third (AES128/SHA256). */
	ck_assert_int_eq(b->installed[0].p[0].auth, IPP_HASH_SHA1);
	et_free(l);
}
END_TEST

/* Lifetimes: the lower of the two; a responder that lowers says so (RESPONDER-LIFETIME). */
START_TEST(test_lifetimes)
{
	struct et_lab *l = et_new();

	l->p[0].qm[0].life_s = 7200;
	l->p[0].qm[0].life_kb = 200000;
	l->p[1].qm[0].life_s = 1800;
	l->p[1].qm[0].life_kb = 50000;
	negotiate(l);
	for (int i = 0; i < 2; i++) {
		ck_assert_uint_eq(l->p[i].installed[0].hard_s, 1800);
		ck_assert_uint_eq(l->p[i].installed[0].hard_bytes, 50000ull * 1024);
	}
	et_free(l);

	/* The initiator's lower lifetime is taken as it is. */
	l = et_new();
	l->p[0].qm[0].life_s = 900;
	l->p[0].qm[0].life_kb = 30000;
	negotiate(l);
	for (int i = 0; i < 2; i++) {
		ck_assert_uint_eq(l->p[i].installed[0].hard_s, 900);
		ck_assert_uint_eq(l->p[i].installed[0].hard_bytes, 30000ull * 1024);
	}
	et_free(l);
}
END_TEST

/* The kernel form: names, keys and directions as kernel-xfrm installs them. */
START_TEST(test_child_xfrm)
{
	struct et_lab *l = et_new();
	struct xfrm_state in, out, bin;
	const struct ike_child *a, *b;

	l->p[0].qm[0].esp_cipher = l->p[1].qm[0].esp_cipher = IPP_CIPHER_AES256GCM16;
	l->p[0].qm[0].esp_auth = l->p[1].qm[0].esp_auth = IPP_HASH_NONE;
	negotiate(l);
	a = &l->p[0].installed[0];
	b = &l->p[1].installed[0];
	ck_assert_int_eq(ike_child_xfrm(a, 0, true, &in), 0);
	ck_assert_int_eq(ike_child_xfrm(a, 0, false, &out), 0);
	ck_assert_int_eq(ike_child_xfrm(b, 0, true, &bin), 0);
	/* kernel-xfrm's own validation accepts what we built. */
	ck_assert_int_eq(xfrm_state_check(&in), 0);
	ck_assert_int_eq(xfrm_state_check(&out), 0);
	ck_assert_str_eq(in.aead.name, "rfc4106(gcm(aes))");
	ck_assert_uint_eq(in.aead.key_len, 36);
	ck_assert_uint_eq(in.aead.icv_bits, 128);
	ck_assert_str_eq(in.enc.name, "");
	ck_assert_str_eq(in.auth.name, "");
	ck_assert_uint_eq(in.spi, a->p[0].spi_in);
	ck_assert_uint_eq(out.spi, a->p[0].spi_out);
	ck_assert_uint_eq(in.daddr.a4, l->p[0].addr.sin_addr.s_addr);
	ck_assert_uint_eq(out.daddr.a4, l->p[1].addr.sin_addr.s_addr);
	ck_assert_uint_eq(out.seq, 7);
	ck_assert_uint_eq(in.seq, 0);
	ck_assert_uint_eq(out.sel.family, AF_INET);
	ck_assert_uint_eq(out.sel.saddr.a4, l->p[0].addr.sin_addr.s_addr);
	ck_assert_uint_eq(out.sel.sprefix, 32);
	ck_assert_uint_eq(out.lft.hard_add_secs, 3600);
	/* B's inbound SA is A's outbound SA, key for key. */
	ck_assert_uint_eq(bin.spi, out.spi);
	ck_assert(memcmp(bin.aead.key, out.aead.key, 36) == 0);
	ck_assert_int_eq(ike_child_xfrm(a, 1, true, &in), -EINVAL);
	xfrm_state_wipe(&out);
	xfrm_state_wipe(&in);
	xfrm_state_wipe(&bin);
	et_free(l);

	l = et_new();
	l->p[0].qm[0].esp_auth = l->p[1].qm[0].esp_auth = IPP_HASH_SHA256;
	l->p[0].rule.mode = l->p[1].rule.mode = XFRM_MODE_TUNNEL;
	negotiate(l);
	ck_assert_int_eq(ike_child_xfrm(&l->p[0].installed[0], 0, false, &out), 0);
	ck_assert_int_eq(xfrm_state_check(&out), 0);
	ck_assert_str_eq(out.enc.name, "cbc(aes)");
	ck_assert_uint_eq(out.enc.key_len, 16);
	ck_assert_str_eq(out.auth.name, "hmac(sha256)");
	ck_assert_uint_eq(out.auth.icv_bits, 128);
	ck_assert(memcmp(out.auth.key, l->p[0].installed[0].p[0].key_out + 16, 32) == 0);
	ck_assert_uint_eq(out.mode, XFRM_MODE_TUNNEL);
	ck_assert_uint_eq(out.sel.family, 0);
	xfrm_state_wipe(&out);
	et_free(l);
}
END_TEST

/* An FQDN identity is carried and shown. */
START_TEST(test_fqdn_id)
{
	struct et_lab *l = et_new();
	struct ike_id id = { .type = IKE_ID_FQDN };
	struct ike_mm_info m;
	struct ike_walk_cb cb = { .arg = &m, .mm = mm_info };

	et_start(l);
	snprintf(id.fqdn, sizeof(id.fqdn), "alpha.example.org");
	ck_assert_int_eq(ike_engine_set_id(l->p[0].e, &id), 0);
	ck_assert_int_eq(et_acquire(l, 0), 0);
	et_pump(l);
	ck_assert_uint_eq(l->p[1].ninstalled, 1);
	ike_engine_walk(l->p[1].e, &cb);
	ck_assert_str_eq(m.peer_id, "alpha.example.org");
	ike_engine_walk(l->p[0].e, &cb);
	ck_assert_str_eq(m.peer_id, "10.0.0.2");
	et_free(l);
}
END_TEST

/* A second ACQUIRE reuses the IKE SA: one Main Mode, two Quick Modes; with master-key
 * PFS (_i == 1), a new Main Mode, without INITIAL-CONTACT this time. */
START_TEST(test_second_qm_reuses_mm)
{
	struct et_lab *l = et_new();
	struct ike_acquire a;

	l->p[0].plan.main.mm.pfs = _i == 1;
	negotiate(l);
	memset(&a, 0, sizeof(a));
	a.reqid = 100;
	a.seq = 99;
	memcpy(&a.local, &l->p[0].addr, sizeof(l->p[0].addr));
	memcpy(&a.remote, &l->p[1].addr, sizeof(l->p[1].addr));
	a.policy_sel.family = a.packet_sel.family = AF_INET;
	a.policy_sel.daddr.a4 = l->p[1].addr.sin_addr.s_addr;
	a.policy_sel.dprefix = 32;
	a.policy_sel.proto = IPPROTO_TCP;
	a.policy_sel.dport = 80;
	a.policy_sel.dport_mask = 0xffff;
	a.packet_sel.saddr.a4 = l->p[0].addr.sin_addr.s_addr;
	a.packet_sel.daddr.a4 = l->p[1].addr.sin_addr.s_addr;
	ck_assert_int_eq(ike_engine_acquire(l->p[0].e, &a), 0);
	et_pump(l);
	ck_assert_uint_eq(et_stats(l, 0).mm_ok, 1 + (unsigned)_i);
	ck_assert_uint_eq(et_stats(l, 1).mm_current, 1 + (unsigned)_i);
	ck_assert_uint_eq(l->p[1].ndeleted, 0);
	ck_assert_uint_eq(et_stats(l, 1).qm_ok, 2);
	ck_assert_uint_eq(l->p[1].installed[1].ts_local.port, 80);
	ck_assert_uint_eq(l->p[1].installed[1].ts_local.proto, IPPROTO_TCP);
	ck_assert_uint_eq(l->p[1].installed[1].ts_remote.port, 0);
	et_check_mirror(l);
	et_free(l);
}
END_TEST

/* IPv6: IPV6_ADDR identities, IPv6 Quick Mode IDs, tunnel and transport. */
START_TEST(test_ipv6)
{
	struct et_lab *l = et_new6();
	struct ike_mm_info m;
	struct ike_walk_cb cb = { .arg = &m, .mm = mm_info };
	struct xfrm_state out;
	const struct ike_child *a;

	for (int i = 0; i < 2; i++)
		l->p[i].rule.mode = _i ? XFRM_MODE_TUNNEL : XFRM_MODE_TRANSPORT;
	negotiate(l);
	ike_engine_walk(l->p[1].e, &cb);
	ck_assert_str_eq(m.peer_id, "fd00::1");
	a = &l->p[0].installed[0];
	ck_assert_uint_eq(a->ts_local.family, AF_INET6);
	ck_assert_uint_eq(a->ts_local.prefix, 128);
	ck_assert(memcmp(&a->ts_remote.addr, &l->p[1].addr6.sin6_addr, 16) == 0);
	ck_assert_int_eq(ike_child_xfrm(a, 0, false, &out), 0);
	ck_assert_uint_eq(out.family, AF_INET6);
	ck_assert(memcmp(&out.daddr, &l->p[1].addr6.sin6_addr, 16) == 0);
	ck_assert_int_eq(xfrm_state_check(&out), 0);
	xfrm_state_wipe(&out);
	et_free(l);
}
END_TEST

static Suite *
engine_suite(void)
{
	/* One process for all tests: a fork per test costs more than the exchanges under
	 * the sanitizers, and every test frees what it made.  CK_FORK=yes still forks. */
	setenv("CK_FORK", "no", 0);
	Suite *s = suite_create("engine");
	TCase *tc = tcase_create("exchanges");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_basic);
	tcase_add_loop_test(tc, test_mm_combo, 0, 48);
	tcase_add_loop_test(tc, test_qm_esp_combo, 0, NESP * 4);
	tcase_add_loop_test(tc, test_qm_ah_combo, 0, 16);
	tcase_add_test(tc, test_qm_ah_esp_bundle);
	tcase_add_test(tc, test_legacy_when_listed);
	tcase_add_test(tc, test_pfs_own_group);
	tcase_add_test(tc, test_offer_order);
	tcase_add_test(tc, test_lifetimes);
	tcase_add_test(tc, test_child_xfrm);
	tcase_add_test(tc, test_fqdn_id);
	tcase_add_loop_test(tc, test_second_qm_reuses_mm, 0, 2);
	tcase_add_loop_test(tc, test_ipv6, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}

IPP_CHECK_MAIN(engine_suite)
