/* The IKEv1 engine against itself under loss, duplication, corruption, replays, floods,
 * wrong keys, mismatched proposals, rule selection, INITIAL-CONTACT and DELETE. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/ike/engine_test.h"
#include "tests/lib/ipp_check.h"

/* Datagrams of one complete exchange, in order. */
enum { MM1, MM2, MM3, MM4, MM5, MM6, QM1, QM2, QM3, NDGRAM };

static void
expect_done(struct et_lab *l)
{
	struct ike_stats a = et_stats(l, 0), b = et_stats(l, 1);

	if (a.qm_ok != 1 || b.qm_ok != 1)
		ck_abort_msg("not negotiated; A log:\n%s\nB log:\n%s", l->p[0].log, l->p[1].log);
	ck_assert_uint_eq(l->p[0].ninstalled, 1);
	ck_assert_uint_eq(l->p[1].ninstalled, 1);
	ck_assert_uint_eq(a.mm_ok, 1);
	ck_assert_uint_eq(b.mm_ok, 1);
	et_check_mirror(l);
}

/* Any one datagram lost: retransmission (or the answer to a repeat) recovers. */
START_TEST(test_drop_one)
{
	struct et_lab *l = et_new();

	l->drop = 1ull << _i;
	et_start(l);
	ck_assert_int_eq(et_acquire(l, 0), 0);
	et_pump(l);
	et_advance(l, 10000);
	expect_done(l);
	ck_assert_uint_ge(et_stats(l, 0).retransmits + et_stats(l, 1).retransmits, 1);
	et_free(l);
}
END_TEST

/* Every datagram delivered twice: no extra state, no extra SPI, one child each. */
START_TEST(test_duplicates)
{
	struct et_lab *l = et_new();

	l->dup = ~0ull;
	et_start(l);
	ck_assert_int_eq(et_acquire(l, 0), 0);
	et_pump(l);
	et_advance(l, 10000);
	expect_done(l);
	ck_assert_uint_eq(l->p[0].nspis, 1);
	ck_assert_uint_eq(l->p[1].nspis, 1);
	ck_assert_uint_ge(et_stats(l, 0).replays + et_stats(l, 1).replays, NDGRAM);
	ck_assert_uint_eq(et_stats(l, 1).half_open, 0);
	et_free(l);
}
END_TEST

/* One datagram corrupted on the wire: counted, dropped, and the exchange recovers. */
START_TEST(test_corrupt_one)
{
	struct et_lab *l = et_new();
	int to = (_i % 2 == 0) ? 1 : 0;	/* A sends the even ones */

	l->corrupt = 1ull << _i;
	et_start(l);
	ck_assert_int_eq(et_acquire(l, 0), 0);
	et_pump(l);
	ck_assert_uint_eq(et_stats(l, to).malformed, 1);
	et_advance(l, 10000);
	expect_done(l);
	et_free(l);
}
END_TEST

/* Garbage of every kind is counted and changes nothing. */
START_TEST(test_garbage)
{
	struct et_lab *l = et_new();
	struct et_peer *b = &l->p[1];
	uint8_t buf[600];
	struct ike_stats st;

	et_start(l);
	l->drop = ~0ull;	/* keep MM1 in the history only */
	ck_assert_int_eq(et_acquire(l, 0), 0);
	et_pump(l);
	ck_assert_uint_ge(l->nhist, 1);
	memset(buf, 0xa5, sizeof(buf));
	ike_engine_input(b->e, (struct sockaddr *)&b->addr, (struct sockaddr *)&l->p[0].addr,
	    buf, 10);
	ike_engine_input(b->e, (struct sockaddr *)&b->addr, (struct sockaddr *)&l->p[0].addr,
	    buf, sizeof(buf));
	/* MM1 truncated by one byte, with a bad length, with another major version. */
	memcpy(buf, l->hist[0].buf, l->hist[0].len);
	ike_engine_input(b->e, (struct sockaddr *)&b->addr, (struct sockaddr *)&l->p[0].addr,
	    buf, l->hist[0].len - 1);
	buf[27] ^= 1;
	ike_engine_input(b->e, (struct sockaddr *)&b->addr, (struct sockaddr *)&l->p[0].addr,
	    buf, l->hist[0].len);
	buf[27] ^= 1;
	buf[17] = 0x30;
	ike_engine_input(b->e, (struct sockaddr *)&b->addr, (struct sockaddr *)&l->p[0].addr,
	    buf, l->hist[0].len);
	st = et_stats(l, 1);
	ck_assert_uint_eq(st.malformed, 5);
	ck_assert_uint_eq(st.half_open, 0);
	ck_assert_uint_eq(st.mm_ok + st.mm_failed, 0);
	ck_assert_uint_eq(st.tx, 0);
	et_free(l);
}
END_TEST

/* A wrong preshared key: no child anywhere, both sides give up, nothing half-open left. */
START_TEST(test_wrong_psk)
{
	struct et_lab *l = et_new();

	snprintf(l->p[1].psk, sizeof(l->p[1].psk), "not the secret");
	et_start(l);
	ck_assert_int_eq(et_acquire(l, 0), 0);
	et_pump(l);
	et_advance(l, 70000);
	ck_assert_uint_eq(l->p[0].ninstalled + l->p[1].ninstalled, 0);
	ck_assert_uint_eq(l->p[0].nspis + l->p[1].nspis, 0);
	ck_assert_uint_ge(et_stats(l, 1).auth_failed, 1);
	ck_assert_uint_eq(et_stats(l, 0).mm_failed, 1);
	ck_assert_uint_eq(et_stats(l, 1).mm_failed, 1);
	ck_assert_uint_eq(et_stats(l, 0).half_open + et_stats(l, 1).half_open, 0);
	ck_assert_ptr_nonnull(strstr(l->p[1].log, "preshared keys differ"));
	ck_assert_ptr_nonnull(strstr(l->p[0].log, "no answer to message 5"));
	et_free(l);
}
END_TEST

/* Main Mode mismatch: one line names both sides' offers; the initiator stops at once. */
START_TEST(test_mm_mismatch)
{
	struct et_lab *l = et_new();

	l->p[0].mm[0] = (struct ipp_mm_offer){ IPP_CIPHER_AES256, IPP_HASH_SHA256, 19 };
	l->p[1].mm[0] = (struct ipp_mm_offer){ IPP_CIPHER_3DES, IPP_HASH_SHA1, 14 };
	et_start(l);
	ck_assert_int_eq(et_acquire(l, 0), 0);
	et_pump(l);
	ck_assert_ptr_nonnull(strstr(l->p[1].log, "no proposal chosen: the peer offered "
	    "AES256-SHA256-ecp256; ours are 3DES-SHA1-modp2048"));
	ck_assert_uint_eq(et_stats(l, 0).mm_failed, 1);
	ck_assert_uint_eq(et_stats(l, 0).half_open + et_stats(l, 1).half_open, 0);
	ck_assert_uint_eq(et_stats(l, 1).no_proposal, 1);
	ck_assert_uint_eq(l->p[0].ninstalled + l->p[1].ninstalled, 0);
	et_free(l);
}
END_TEST

/* Legacy algorithms are never negotiated unless our own offers list them. */
START_TEST(test_legacy_refused)
{
	struct et_lab *l = et_new();

	l->p[0].mm[0] = (struct ipp_mm_offer){ IPP_CIPHER_DES, IPP_HASH_MD5, 2 };
	et_start(l);
	ck_assert_int_eq(et_acquire(l, 0), 0);
	et_pump(l);
	ck_assert_uint_eq(et_stats(l, 1).no_proposal, 1);
	ck_assert_ptr_nonnull(strstr(l->p[1].log, "DES-MD5-modp1024"));
	et_free(l);
}
END_TEST

/* Quick Mode mismatch: both sides' offers in the responder's log line, NO-PROPOSAL-CHOSEN
 * to the initiator, which logs what it offered; nothing installed. */
START_TEST(test_qm_mismatch)
{
	struct et_lab *l = et_new();

	l->p[0].qm[0].esp_cipher = IPP_CIPHER_AES256;
	l->p[0].qm[0].esp_auth = IPP_HASH_SHA256;
	l->p[1].qm[0].esp_cipher = IPP_CIPHER_3DES;
	et_start(l);
	ck_assert_int_eq(et_acquire(l, 0), 0);
	et_pump(l);
	ck_assert_ptr_nonnull(strstr(l->p[1].log, "no proposal chosen: the peer offered "
	    "ESP[AES256,SHA256] 3600s/100000KB transport; ours are ESP[3DES,SHA1] "
	    "3600s/100000KB (transport)"));
	ck_assert_ptr_nonnull(strstr(l->p[0].log, "refused by the peer"));
	ck_assert_ptr_nonnull(strstr(l->p[0].log, "we offered ESP[AES256,SHA256]"));
	ck_assert_uint_eq(et_stats(l, 0).qm_failed, 1);
	ck_assert_uint_eq(et_stats(l, 1).qm_failed, 1);
	ck_assert_uint_eq(l->p[0].ninstalled + l->p[1].ninstalled, 0);
	/* The IKE SA stays: a later ACQUIRE with matching offers works over it. */
	l->p[1].qm[0] = l->p[0].qm[0];
	ck_assert_int_eq(et_acquire(l, 0), 0);
	et_pump(l);
	ck_assert_uint_eq(l->p[1].ninstalled, 1);
	ck_assert_uint_eq(et_stats(l, 0).mm_ok, 1);
	et_free(l);
}
END_TEST

/* Half-open limits: per peer and in total, counted, and half-open SAs time out. */
START_TEST(test_half_open_limits)
{
	struct et_lab *l = et_new();
	struct et_peer *b = &l->p[1];
	struct ike_stats st;
	uint8_t buf[2048];

	l->lim[1].half_open_peer = 3;
	l->lim[1].half_open_total = _i == 0 ? 100 : 2;
	et_start(l);
	l->drop = ~0ull;
	ck_assert_int_eq(et_acquire(l, 0), 0);
	et_pump(l);
	memcpy(buf, l->hist[0].buf, l->hist[0].len);
	for (int k = 0; k < 6; k++) {
		buf[0] = (uint8_t)(0xe0 + k);
		ike_engine_input(b->e, (struct sockaddr *)&b->addr,
		    (struct sockaddr *)&l->p[0].addr, buf, l->hist[0].len);
	}
	st = et_stats(l, 1);
	ck_assert_uint_eq(st.half_open, (_i == 0 ? 3 : 2));
	/* Over a limit, the oldest unanswered exchange makes room (tests/ike/check_dos.c). */
	ck_assert_uint_eq(st.half_open_evicted, (_i == 0 ? 3 : 4));
	ck_assert_uint_eq(st.half_open_drops, 0);
	l->drop = 0;
	et_advance(l, 70000);
	st = et_stats(l, 1);
	ck_assert_uint_eq(st.half_open, 0);
	/* A's retransmitted first message took the place of the oldest, and its
	 * INITIAL-CONTACT cleared the rest. */
	ck_assert_uint_eq(et_stats(l, 0).mm_ok, 1);
	ck_assert_uint_eq(st.mm_ok, 1);
	et_free(l);
}
END_TEST

/* Replays after completion are ignored: no state, no SPI, no child. */
START_TEST(test_replays)
{
	struct et_lab *l = et_new();
	struct ike_stats before, after;

	et_start(l);
	ck_assert_int_eq(et_acquire(l, 0), 0);
	et_pump(l);
	expect_done(l);
	before = et_stats(l, 1);
	et_replay(l, QM1);
	et_replay(l, QM3);
	et_replay(l, MM1);
	et_replay(l, MM3);
	et_pump(l);
	after = et_stats(l, 1);
	ck_assert_uint_eq(after.replays, before.replays + 4);
	ck_assert_uint_eq(l->p[1].nspis, 1);
	ck_assert_uint_eq(l->p[1].ninstalled, 1);
	ck_assert_uint_eq(after.half_open, 0);
	ck_assert_uint_eq(after.qm_ok, 1);
	/* The final Main Mode message repeated: answered once, and no ping-pong. */
	et_replay(l, MM5);
	ck_assert_uint_le(et_pump(l), 2);
	et_advance(l, 70000);
	ck_assert_uint_eq(l->p[0].ninstalled + l->p[1].ninstalled, 2);
	et_free(l);
}
END_TEST

/* Responder rule selection: the matching rule, else the default response rule, else
 * INVALID-ID-INFORMATION. */
START_TEST(test_responder_rules)
{
	struct et_lab *l = et_new();

	/* A offers AES128 first, 3DES second; only the default rule takes 3DES. */
	l->p[0].qm[1] = l->p[0].qm[0];
	l->p[0].qm[1].esp_cipher = IPP_CIPHER_3DES;
	l->p[0].rule.noffers = 2;
	l->p[1].rule_matches = false;
	et_start(l);
	ck_assert_int_eq(et_acquire(l, 0), 0);
	et_pump(l);
	expect_done(l);
	ck_assert_uint_eq(l->p[1].installed[0].reqid, 0);
	ck_assert_int_eq(l->p[1].installed[0].p[0].cipher, IPP_CIPHER_3DES);
	ck_assert_uint_eq(l->p[0].installed[0].reqid, 100);
	et_free(l);

	l = et_new();
	l->p[1].rule_matches = false;
	l->p[1].plan.main.defrule.active = false;
	et_start(l);
	ck_assert_int_eq(et_acquire(l, 0), 0);
	et_pump(l);
	ck_assert_uint_eq(l->p[0].ninstalled + l->p[1].ninstalled, 0);
	ck_assert_ptr_nonnull(strstr(l->p[1].log, "INVALID-ID-INFORMATION"));
	ck_assert_ptr_nonnull(strstr(l->p[0].log, "refused by the peer"));
	et_free(l);

	/* The matching rule wants another preshared key than the IKE SA used. */
	l = et_new();
	l->p[1].auth[1].kind = IPP_AUTH_PSK;
	l->p[1].auth[1].value = (char *)"another key";
	l->p[1].rule.auth = &l->p[1].auth[1];
	et_start(l);
	ck_assert_int_eq(et_acquire(l, 0), 0);
	et_pump(l);
	ck_assert_uint_eq(l->p[0].ninstalled + l->p[1].ninstalled, 0);
	ck_assert_ptr_nonnull(strstr(l->p[1].log, "does not accept the IKE SA's"));
	et_free(l);
}
END_TEST

/* Authentication methods: Kerberos is skipped with a log line; none usable fails. */
START_TEST(test_auth_methods)
{
	struct et_lab *l = et_new();

	l->p[0].auth[1] = l->p[0].auth[0];
	l->p[0].auth[0].kind = IPP_AUTH_KERBEROS;
	l->p[0].auth[0].value = NULL;
	l->p[0].rule.nauth = 2;
	et_start(l);
	ck_assert_int_eq(et_acquire(l, 0), 0);
	et_pump(l);
	expect_done(l);
	ck_assert_ptr_nonnull(strstr(l->p[0].log, "skipped: Kerberos"));
	et_free(l);

	l = et_new();
	l->p[0].auth[0].kind = IPP_AUTH_KERBEROS;
	l->p[0].auth[0].value = NULL;
	et_start(l);
	ck_assert_int_eq(et_acquire(l, 0), -EPERM);
	ck_assert_ptr_nonnull(strstr(l->p[0].log, "no usable authentication method"));
	ck_assert_uint_eq(et_stats(l, 0).tx, 0);
	et_free(l);
}
END_TEST

/* A silent peer: 1, 2, 4, 8, 16 s of backoff, then the initiator gives up. */
START_TEST(test_retransmit_give_up)
{
	struct et_lab *l = et_new();

	l->drop_all_from[1] = true;
	l->drop = ~0ull;
	et_start(l);
	ck_assert_int_eq(et_acquire(l, 0), 0);
	ck_assert_int_eq(ike_engine_next_timeout_ms(l->p[0].e), 1000);
	et_advance(l, 30000);
	ck_assert_uint_eq(et_stats(l, 0).retransmits, 4);
	ck_assert_uint_eq(et_stats(l, 0).mm_failed, 0);
	et_advance(l, 40000);
	ck_assert_uint_eq(et_stats(l, 0).retransmits, 5);
	ck_assert_uint_eq(et_stats(l, 0).mm_failed, 1);
	ck_assert_uint_eq(et_stats(l, 0).half_open, 0);
	ck_assert_int_eq(ike_engine_next_timeout_ms(l->p[0].e), -1);
	ck_assert_ptr_nonnull(strstr(l->p[0].log, "no answer to message 1 after 5 "
	    "retransmissions"));
	et_free(l);
}
END_TEST

/* ACQUIREs: the same one twice starts one negotiation; an unknown reqid is refused. */
START_TEST(test_acquire_dedup)
{
	struct et_lab *l = et_new();

	et_start(l);
	ck_assert_int_eq(et_acquire(l, 0), 0);
	ck_assert_int_eq(et_acquire(l, 0), 1);
	l->p[0].plan.nrules = 0;
	ck_assert_int_eq(et_acquire(l, 0), -ENOENT);
	l->p[0].plan.nrules = 1;
	et_pump(l);
	expect_done(l);
	et_free(l);
}
END_TEST

/* INITIAL-CONTACT: a peer that restarted makes us drop what we held with it. */
START_TEST(test_initial_contact)
{
	struct et_lab *l = et_new();
	struct ike_child old;

	et_start(l);
	ck_assert_int_eq(et_acquire(l, 0), 0);
	et_pump(l);
	expect_done(l);
	old = l->p[1].installed[0];
	/* A restarts: a new engine that knows nothing. */
	ike_engine_free(l->p[0].e);
	l->p[0].e = NULL;
	{
		struct et_peer keep_b = l->p[1];
		struct ike_engine *eb = l->p[1].e;

		(void)keep_b;
		l->p[1].e = NULL;
		et_start(l);		/* restarts both: give B its old engine back */
		ike_engine_free(l->p[1].e);
		l->p[1].e = eb;
	}
	l->p[0].ninstalled = 0;
	ck_assert_int_eq(et_acquire(l, 0), 0);
	et_pump(l);
	ck_assert_uint_eq(l->p[1].ndeleted, 1);
	ck_assert_uint_eq(l->p[1].deleted[0].p[0].spi_in, old.p[0].spi_in);
	ck_assert_uint_eq(l->p[1].ninstalled, 2);
	ck_assert_uint_eq(et_stats(l, 1).mm_current, 1);
	ck_assert_uint_eq(et_stats(l, 1).child_current, 1);
	ck_assert_ptr_nonnull(strstr(l->p[1].log, "INITIAL-CONTACT from 10.0.0.1: dropped 1 "
	    "older IKE SAs and 1 child SAs"));
	et_free(l);
}
END_TEST

/* INITIAL-CONTACT is about two addresses: a peer that negotiates with a second address of
 * ours says it for its first contact with that address, and what it negotiated with the
 * first address stays (the IKE benchmark's shape: one initiator, many responder
 * addresses). */
START_TEST(test_initial_contact_other_address)
{
	struct et_lab *l = et_new();

	et_start(l);
	ck_assert_int_eq(et_acquire(l, 0), 0);
	et_pump(l);
	expect_done(l);
	/* B's second address: A holds nothing with it, so A sends INITIAL-CONTACT. */
	l->p[1].addr.sin_addr.s_addr = htonl(0x0a000003);
	ck_assert_int_eq(et_acquire(l, 0), 0);
	et_pump(l);
	ck_assert_uint_eq(l->p[1].ndeleted, 0);
	ck_assert_uint_eq(l->p[1].ninstalled, 2);
	ck_assert_uint_eq(et_stats(l, 1).mm_current, 2);
	ck_assert_uint_eq(et_stats(l, 1).child_current, 2);
	ck_assert_uint_eq(et_stats(l, 0).child_current, 2);
	ck_assert_ptr_nonnull(strstr(l->p[1].log, "INITIAL-CONTACT from 10.0.0.1: dropped 0 "
	    "older IKE SAs and 0 child SAs"));
	et_free(l);
}
END_TEST

/* DELETE both ways: a hard expiry on one side removes the child on the other. */
START_TEST(test_delete)
{
	struct et_lab *l = et_new();
	const struct ike_child *a;

	et_start(l);
	ck_assert_int_eq(et_acquire(l, 0), 0);
	et_pump(l);
	expect_done(l);
	a = &l->p[0].installed[0];
	/* A soft expiry rekeys (tests/ike/check_life.c); nothing is deleted by it. */
	(void)a;
	ck_assert_uint_eq(l->p[0].ndeleted, 0);
	ck_assert_int_eq(ike_engine_expire(l->p[0].e, IPPROTO_ESP, 0x1234, true), -ENOENT);
	ck_assert_int_eq(ike_engine_expire(l->p[_i].e, IPPROTO_ESP,
	    l->p[_i].installed[0].p[0].spi_out, true), 0);
	ck_assert_uint_eq(l->p[_i].ndeleted, 1);
	et_pump(l);
	ck_assert_uint_eq(l->p[1 - _i].ndeleted, 1);
	ck_assert_uint_eq(l->p[1 - _i].deleted[0].p[0].spi_out, l->p[_i].installed[0].p[0].spi_in);
	ck_assert_uint_eq(et_stats(l, 1 - _i).deletes_rx, 1);
	ck_assert_uint_eq(et_stats(l, 1 - _i).child_current, 0);
	/* The same DELETE again changes nothing. */
	et_replay(l, l->nhist - 1);
	et_pump(l);
	ck_assert_uint_eq(l->p[1 - _i].ndeleted, 1);
	et_free(l);
}
END_TEST

/* The kernel refuses: nothing half-installed stays, and the peer is told. */
START_TEST(test_install_fails)
{
	struct et_lab *l = et_new();

	l->p[1].install_result = -EEXIST;
	et_start(l);
	ck_assert_int_eq(et_acquire(l, 0), 0);
	et_pump(l);
	ck_assert_uint_eq(l->p[1].ninstalled, 0);
	ck_assert_uint_eq(l->p[1].ndeleted, 1);
	ck_assert_uint_eq(l->p[0].ndeleted, 1);
	ck_assert_uint_eq(et_stats(l, 0).child_current, 0);
	et_free(l);

	l = et_new();
	l->p[1].spi_fail = true;
	et_start(l);
	ck_assert_int_eq(et_acquire(l, 0), 0);
	et_pump(l);
	ck_assert_uint_eq(l->p[0].ninstalled + l->p[1].ninstalled, 0);
	ck_assert_ptr_nonnull(strstr(l->p[1].log, "no SPI from the kernel"));
	et_free(l);
}
END_TEST

/* A heap copy of peer p's plan, deep enough that freeing it poisons every pointer the engine
 * could have kept into it. */
struct plan_copy {
	struct ike_plan		plan;
	struct ipp_ike_rule	*rule;
	struct ipp_mm_offer	*mm;
	struct ipp_qm_offer	*qm, *dqm;
	struct ipp_auth		*auth, *dauth;
};

static struct plan_copy *
plan_dup(const struct et_peer *p)
{
	struct plan_copy *c = calloc(1, sizeof(*c));

	ck_assert_ptr_nonnull(c);
	c->plan = p->plan;
	c->rule = malloc(sizeof(*c->rule));
	c->mm = malloc(sizeof(p->mm));
	c->qm = malloc(sizeof(p->qm));
	c->dqm = malloc(sizeof(p->def_qm));
	c->auth = malloc(sizeof(p->auth));
	c->dauth = malloc(sizeof(p->def_auth));
	*c->rule = p->rule;
	memcpy(c->mm, p->mm, sizeof(p->mm));
	memcpy(c->qm, p->qm, sizeof(p->qm));
	memcpy(c->dqm, p->def_qm, sizeof(p->def_qm));
	memcpy(c->auth, p->auth, sizeof(p->auth));
	memcpy(c->dauth, p->def_auth, sizeof(p->def_auth));
	c->rule->offers = c->qm;
	c->rule->auth = c->auth;
	c->plan.rules = c->rule;
	c->plan.main.mm.offers = c->mm;
	c->plan.main.defrule.offers = c->dqm;
	c->plan.main.defrule.auth = c->dauth;
	return c;
}

static void
plan_free(struct plan_copy *c)
{
	free(c->rule);
	free(c->mm);
	free(c->qm);
	free(c->dqm);
	free(c->auth);
	free(c->dauth);
	free(c);
}

/* Plans replaced (and the old ones freed) at every step of an exchange: the engine keeps
 * no pointer into an old plan (the sanitizers catch any), and the exchange completes. */
START_TEST(test_plan_swap)
{
	struct et_lab *l = et_new();
	struct plan_copy *cur[2];

	et_start(l);
	for (int i = 0; i < 2; i++) {
		cur[i] = plan_dup(&l->p[i]);
		ike_engine_set_plan(l->p[i].e, &cur[i]->plan);
	}
	ck_assert_int_eq(et_acquire(l, 0), 0);
	for (int step = 0; step < 20 && l->nq > 0; step++) {
		struct et_dgram d = l->q[0];
		int to = 1 - d.from;

		memmove(l->q, l->q + 1, (l->nq - 1) * sizeof(*l->q));
		l->nq--;
		for (int i = 0; i < 2; i++) {
			struct plan_copy *n = plan_dup(&l->p[i]);

			ike_engine_set_plan(l->p[i].e, &n->plan);
			plan_free(cur[i]);
			cur[i] = n;
		}
		ike_engine_input(l->p[to].e, et_sa(l, to), et_sa(l, d.from), d.buf, d.len);
	}
	expect_done(l);
	for (int i = 0; i < 2; i++) {
		ike_engine_set_plan(l->p[i].e, NULL);
		plan_free(cur[i]);
	}
	/* Without a plan: ACQUIREs and new exchanges are refused, nothing breaks. */
	ck_assert_int_eq(et_acquire(l, 0), -ENOENT);
	et_replay(l, MM1);
	et_pump(l);
	ck_assert_uint_eq(et_stats(l, 1).half_open, 0);
	et_advance(l, 70000);
	et_free(l);
}
END_TEST

/* Status: the walk lists the IKE SA and the child, without keys. */
struct walk {
	struct ike_mm_info	mm;
	struct ike_child	c;
	size_t			nmm, nchild;
};

static void
walk_mm(void *arg, const struct ike_mm_info *m)
{
	struct walk *w = arg;

	w->mm = *m;
	w->nmm++;
}

static void
walk_child(void *arg, const struct ike_child *c)
{
	struct walk *w = arg;

	w->c = *c;
	w->nchild++;
}

START_TEST(test_walk)
{
	struct et_lab *l = et_new();
	struct walk w;
	struct ike_walk_cb cb = { .arg = &w, .mm = walk_mm, .child = walk_child };
	static const uint8_t zero[IKE_CHILD_KEY_MAX];

	et_start(l);
	ck_assert_int_eq(et_acquire(l, 0), 0);
	et_pump(l);
	memset(&w, 0, sizeof(w));
	ike_engine_walk(l->p[1].e, &cb);
	ck_assert_uint_eq(w.nmm, 1);
	ck_assert_uint_eq(w.nchild, 1);
	ck_assert_int_eq(w.mm.state, IKE_MM_ESTABLISHED);
	ck_assert_uint_eq(w.mm.nqm, 1);
	ck_assert(!w.mm.initiator);
	ck_assert_uint_eq(w.c.p[0].spi_in, l->p[1].installed[0].p[0].spi_in);
	ck_assert(memcmp(w.c.p[0].key_in, zero, sizeof(zero)) == 0);
	ck_assert(memcmp(w.c.p[0].key_out, zero, sizeof(zero)) == 0);
	ck_assert_uint_eq(w.c.hard_s, 3600);
	et_free(l);
}
END_TEST

static Suite *
robust_suite(void)
{
	/* One process for all tests: a fork per test costs more than the exchanges under
	 * the sanitizers, and every test frees what it made.  CK_FORK=yes still forks. */
	setenv("CK_FORK", "no", 0);
	Suite *s = suite_create("engine_robust");
	TCase *tc = tcase_create("robust");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_drop_one, 0, NDGRAM);
	tcase_add_test(tc, test_duplicates);
	tcase_add_loop_test(tc, test_corrupt_one, 0, NDGRAM);
	tcase_add_test(tc, test_garbage);
	tcase_add_test(tc, test_wrong_psk);
	tcase_add_test(tc, test_mm_mismatch);
	tcase_add_test(tc, test_legacy_refused);
	tcase_add_test(tc, test_qm_mismatch);
	tcase_add_loop_test(tc, test_half_open_limits, 0, 2);
	tcase_add_test(tc, test_replays);
	tcase_add_test(tc, test_responder_rules);
	tcase_add_test(tc, test_auth_methods);
	tcase_add_test(tc, test_retransmit_give_up);
	tcase_add_test(tc, test_acquire_dedup);
	tcase_add_test(tc, test_initial_contact);
	tcase_add_test(tc, test_initial_contact_other_address);
	tcase_add_loop_test(tc, test_delete, 0, 2);
	tcase_add_test(tc, test_install_fails);
	tcase_add_test(tc, test_walk);
	tcase_add_test(tc, test_plan_swap);
	suite_add_tcase(s, tc);
	return s;
}

IPP_CHECK_MAIN(robust_suite)
