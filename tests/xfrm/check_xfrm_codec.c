/*
 * kernel-xfrm message codec without a kernel: encode with the library's builders and decode
 * with its parsers; decode messages the kernel really sent (captured.h); decode events built
 * by hand from the kernel's structs; refuse malformed objects and malformed messages.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/udp.h>

#include "kernel-xfrm/xfrm_int.h"
#include "tests/lib/ipp_check.h"
#include "tests/xfrm/captured.h"

static uint8_t buf[XFRM_TXBUF] __attribute__((aligned(8)));

static void
v4(xfrm_address_t *a, const char *s)
{
	memset(a, 0, sizeof(*a));
	ck_assert_int_eq(inet_pton(AF_INET, s, &a->a4), 1);
}

static void
v6(xfrm_address_t *a, const char *s)
{
	memset(a, 0, sizeof(*a));
	ck_assert_int_eq(inet_pton(AF_INET6, s, &a->in6), 1);
}

static struct nlmsghdr *
start(uint16_t type)
{
	struct nlmsghdr *nlh;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	return nlh;
}

/* A policy with every field this library carries set to something non-default. */
static void
full_policy(struct xfrm_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->sel.family = AF_INET;
	v4(&p->sel.saddr, "10.1.0.0");
	p->sel.sprefix = 16;
	v4(&p->sel.daddr, "10.2.3.4");
	p->sel.dprefix = 32;
	p->sel.proto = IPPROTO_TCP;
	p->sel.sport = 0x1000;
	p->sel.sport_mask = 0xf000;
	p->sel.dport = 443;
	p->sel.dport_mask = 0xffff;
	p->sel.ifindex = 7;
	p->dir = XFRM_POLICY_FWD;
	p->action = XFRM_POLICY_ALLOW;
	p->flags = XFRM_POLICY_ICMP;
	p->priority = 2000;
	p->index = 8 * 1234 + XFRM_POLICY_FWD;
	p->mark.v = 0x10;
	p->mark.m = 0xff;
	p->if_id = 42;
	p->lft.soft_bytes = 1000;
	p->lft.hard_packets = 99;
	p->lft.hard_add_secs = 3600;
	p->lft.soft_use_secs = 60;
	p->ntmpl = 2;
	p->tmpl[0].proto = IPPROTO_ESP;
	p->tmpl[0].mode = XFRM_MODE_TRANSPORT;
	p->tmpl[0].family = AF_INET;
	p->tmpl[0].reqid = 5;
	p->tmpl[0].ealgos = 0x1000;
	p->tmpl[1].proto = IPPROTO_AH;
	p->tmpl[1].mode = XFRM_MODE_TUNNEL;
	p->tmpl[1].family = AF_INET6;
	v6(&p->tmpl[1].saddr, "2001:db8::1");
	v6(&p->tmpl[1].daddr, "2001:db8::2");
	p->tmpl[1].reqid = 6;
	p->tmpl[1].spi = 0x12345678;
	p->tmpl[1].optional = true;
}

START_TEST(test_policy_round_trip)
{
	struct xfrm_policy p, q;
	struct nlmsghdr *nlh = start(XFRM_MSG_NEWPOLICY);

	full_policy(&p);
	ck_assert_int_eq(xfrm_policy_build(nlh, sizeof(buf), &p), 0);
	memset(&q, 0xa5, sizeof(q));
	ck_assert_int_eq(xfrm_policy_parse(buf, nlh->nlmsg_len, &q), 0);
	ck_assert_mem_eq(&q, &p, sizeof(p));
}
END_TEST

START_TEST(test_policy_v6_minimal_round_trip)
{
	struct xfrm_policy p, q;
	struct nlmsghdr *nlh = start(XFRM_MSG_UPDPOLICY);

	memset(&p, 0, sizeof(p));
	p.sel.family = AF_INET6;
	v6(&p.sel.saddr, "2001:db8:1::");
	p.sel.sprefix = 48;
	p.dir = XFRM_POLICY_IN;
	p.action = XFRM_POLICY_BLOCK;
	ck_assert_int_eq(xfrm_policy_build(nlh, sizeof(buf), &p), 0);
	ck_assert_int_eq(xfrm_policy_parse(buf, nlh->nlmsg_len, &q), 0);
	ck_assert_mem_eq(&q, &p, sizeof(p));
	/* No mark, no templates, no interface id: no attribute at all. */
	ck_assert_uint_eq(nlh->nlmsg_len, NLMSG_HDRLEN + sizeof(struct xfrm_userpolicy_info));
}
END_TEST

/* The wire form is the kernel's: ports in network order, unlimited as XFRM_INF, all algs. */
START_TEST(test_policy_wire_format)
{
	struct xfrm_policy p;
	struct xfrm_userpolicy_info k;
	struct xfrm_user_tmpl t;
	struct nlmsghdr *nlh = start(XFRM_MSG_NEWPOLICY);
	const struct nlattr *tb[XFRMA_MAX + 1];

	full_policy(&p);
	p.sel.sport_mask = 0;	/* a port without a mask gets 0xffff */
	p.sel.sport = 80;
	p.tmpl[0].ealgos = 0;
	ck_assert_int_eq(xfrm_policy_build(nlh, sizeof(buf), &p), 0);
	memcpy(&k, mnl_nlmsg_get_payload(nlh), sizeof(k));
	ck_assert_uint_eq(k.sel.sport, htons(80));
	ck_assert_uint_eq(k.sel.sport_mask, 0xffff);
	ck_assert_uint_eq(k.sel.dport, htons(443));
	ck_assert_uint_eq(k.lft.hard_byte_limit, XFRM_INF);
	ck_assert_uint_eq(k.lft.soft_byte_limit, 1000);
	ck_assert_uint_eq(k.share, XFRM_SHARE_ANY);
	ck_assert_int_eq(xfrm_attr_parse(nlh, sizeof(k), tb), 0);
	ck_assert_ptr_nonnull(tb[XFRMA_TMPL]);
	ck_assert_uint_eq(mnl_attr_get_payload_len(tb[XFRMA_TMPL]), 2 * sizeof(t));
	memcpy(&t, mnl_attr_get_payload(tb[XFRMA_TMPL]), sizeof(t));
	ck_assert_uint_eq(t.ealgos, ~0u);
	ck_assert_uint_eq(t.aalgos, ~0u);
	ck_assert_ptr_nonnull(tb[XFRMA_MARK]);
	ck_assert_uint_eq(mnl_attr_get_u32(tb[XFRMA_IF_ID]), 42);
}
END_TEST

START_TEST(test_policy_refused)
{
	struct xfrm_policy p;

	full_policy(&p);
	ck_assert_int_eq(xfrm_policy_check(&p), 0);
	p.sel.dprefix = 33;					/* prefix 33 on IPv4 */
	ck_assert_int_eq(xfrm_policy_check(&p), -EINVAL);
	full_policy(&p);
	p.sel.sprefix = 8;					/* 10.1.0.0/8: host bits */
	ck_assert_int_eq(xfrm_policy_check(&p), -EINVAL);
	full_policy(&p);
	p.sel.proto = 0;					/* ports without protocol */
	ck_assert_int_eq(xfrm_policy_check(&p), -EINVAL);
	full_policy(&p);
	p.sel.sport = 0x1001;					/* port outside its mask */
	ck_assert_int_eq(xfrm_policy_check(&p), -EINVAL);
	full_policy(&p);
	p.sel.family = AF_UNIX;
	ck_assert_int_eq(xfrm_policy_check(&p), -EINVAL);
	full_policy(&p);
	p.dir = 3;
	ck_assert_int_eq(xfrm_policy_check(&p), -EINVAL);
	full_policy(&p);
	p.action = 2;
	ck_assert_int_eq(xfrm_policy_check(&p), -EINVAL);
	full_policy(&p);
	p.index = 8 * 1234 + XFRM_POLICY_OUT;			/* index of another direction */
	ck_assert_int_eq(xfrm_policy_check(&p), -EINVAL);
	full_policy(&p);
	p.ntmpl = XFRM_TMPL_MAX + 1;
	ck_assert_int_eq(xfrm_policy_check(&p), -EINVAL);
	full_policy(&p);
	p.dir = XFRM_POLICY_OUT;				/* outbound tunnel without */
	p.index = 0;						/* its remote end */
	p.tmpl[1].optional = false;
	memset(&p.tmpl[1].daddr, 0, sizeof(p.tmpl[1].daddr));
	ck_assert_int_eq(xfrm_policy_check(&p), -EINVAL);
	memset(&p.tmpl[1].saddr, 0, sizeof(p.tmpl[1].saddr));	/* still refused */
	ck_assert_int_eq(xfrm_policy_check(&p), -EINVAL);
	full_policy(&p);					/* fwd (checked like in): any peer */
	memset(&p.tmpl[1].daddr, 0, sizeof(p.tmpl[1].daddr));
	memset(&p.tmpl[1].saddr, 0, sizeof(p.tmpl[1].saddr));
	ck_assert_int_eq(xfrm_policy_check(&p), 0);
	full_policy(&p);
	p.dir = XFRM_POLICY_OUT;				/* optional tunnel outbound */
	p.index = 0;
	ck_assert_int_eq(xfrm_policy_check(&p), -EINVAL);
	full_policy(&p);
	p.tmpl[0].family = AF_INET6;				/* transport changes family */
	ck_assert_int_eq(xfrm_policy_check(&p), -EINVAL);
	full_policy(&p);
	p.tmpl[0].proto = IPPROTO_UDP;
	ck_assert_int_eq(xfrm_policy_check(&p), -EINVAL);
	full_policy(&p);
	p.flags = 0x80;
	ck_assert_int_eq(xfrm_policy_check(&p), -EINVAL);
	/* Refused before anything is written. */
	full_policy(&p);
	p.sel.dprefix = 33;
	ck_assert_int_eq(xfrm_policy_build(start(XFRM_MSG_NEWPOLICY), sizeof(buf), &p), -EINVAL);
	p.index = 0;
	ck_assert_int_eq(xfrm_policy_id_build(start(XFRM_MSG_DELPOLICY), sizeof(buf), &p),
	    -EINVAL);
}
END_TEST

START_TEST(test_policy_id_by_index)
{
	struct xfrm_policy p;
	struct xfrm_userpolicy_id k;
	struct nlmsghdr *nlh = start(XFRM_MSG_DELPOLICY);

	memset(&p, 0, sizeof(p));
	p.dir = XFRM_POLICY_OUT;
	p.index = 8 * 77 + XFRM_POLICY_OUT;
	ck_assert_int_eq(xfrm_policy_id_build(nlh, sizeof(buf), &p), 0);
	memcpy(&k, mnl_nlmsg_get_payload(nlh), sizeof(k));
	ck_assert_uint_eq(k.index, p.index);
	ck_assert_uint_eq(k.dir, XFRM_POLICY_OUT);
	ck_assert_uint_eq(nlh->nlmsg_len, NLMSG_HDRLEN + MNL_ALIGN(sizeof(k)));
}
END_TEST

/* What iproute2 made and the kernel sent back, decoded field by field. */
START_TEST(test_policy_captured)
{
	struct xfrm_policy p;
	xfrm_address_t a;

	ck_assert_int_eq(xfrm_policy_parse(cap_policy, sizeof(cap_policy), &p), 0);
	ck_assert_uint_eq(p.sel.family, AF_INET);
	v4(&a, "10.0.0.1");
	ck_assert_mem_eq(&p.sel.saddr, &a, sizeof(a));
	v4(&a, "10.0.0.2");
	ck_assert_mem_eq(&p.sel.daddr, &a, sizeof(a));
	ck_assert_uint_eq(p.sel.sprefix, 32);
	ck_assert_uint_eq(p.sel.proto, IPPROTO_TCP);
	ck_assert_uint_eq(p.sel.sport, 80);
	ck_assert_uint_eq(p.sel.sport_mask, 0xffff);
	ck_assert_uint_eq(p.sel.dport, 443);
	ck_assert_uint_eq(p.dir, XFRM_POLICY_IN);
	ck_assert_uint_eq(p.priority, 100);
	ck_assert_uint_eq(p.index & 7, XFRM_POLICY_IN);
	ck_assert_uint_eq(p.mark.v, 0x10);
	ck_assert_uint_eq(p.mark.m, 0xff);
	ck_assert_uint_eq(p.lft.hard_bytes, 0);		/* XFRM_INF */
	ck_assert_uint_eq(p.ntmpl, 2);
	ck_assert_uint_eq(p.tmpl[0].proto, IPPROTO_ESP);
	ck_assert_uint_eq(p.tmpl[0].mode, XFRM_MODE_TRANSPORT);
	ck_assert_uint_eq(p.tmpl[0].reqid, 5);
	ck_assert(!p.tmpl[0].optional);
	ck_assert_uint_eq(p.tmpl[1].proto, IPPROTO_AH);
	ck_assert_uint_eq(p.tmpl[1].mode, XFRM_MODE_TUNNEL);
	ck_assert_uint_eq(p.tmpl[1].reqid, 6);
	ck_assert(p.tmpl[1].optional);
	v4(&a, "192.0.2.2");
	ck_assert_mem_eq(&p.tmpl[1].daddr, &a, sizeof(a));
	ck_assert(p.cur.add_time > 0);
}
END_TEST

START_TEST(test_state_captured)
{
	struct xfrm_state s;
	xfrm_address_t a;

	ck_assert_int_eq(xfrm_state_parse(cap_larval_sa, sizeof(cap_larval_sa), &s), 0);
	ck_assert_uint_eq(s.family, AF_INET);
	ck_assert_uint_eq(s.spi, 0x100);
	ck_assert_uint_eq(s.proto, IPPROTO_ESP);
	ck_assert_uint_eq(s.mode, XFRM_MODE_TRANSPORT);
	v4(&a, "10.0.0.2");
	ck_assert_mem_eq(&s.daddr, &a, sizeof(a));
	v4(&a, "10.0.0.1");
	ck_assert_mem_eq(&s.saddr, &a, sizeof(a));
	ck_assert_uint_eq(s.sel.family, AF_INET);	/* sent as 0, meaning the SA's */
	ck_assert_uint_eq(s.sel.sprefix, 32);
	ck_assert_str_eq(s.enc.name, "");
	xfrm_state_wipe(&s);
}
END_TEST

START_TEST(test_spd_captured)
{
	struct xfrm_spd_info i;

	ck_assert_int_eq(xfrm_spd_parse(cap_spdinfo, sizeof(cap_spdinfo), &i), 0);
	ck_assert_uint_eq(i.in + i.out + i.fwd, 0);
	ck_assert_uint_eq(i.hash_buckets, 7);
	ck_assert_uint_eq(i.thresh.v4_lbits, 32);
	ck_assert_uint_eq(i.thresh.v4_rbits, 32);
	ck_assert_uint_eq(i.thresh.v6_lbits, 128);
	ck_assert_uint_eq(i.thresh.v6_rbits, 128);
	ck_assert_int_eq(xfrm_spd_parse(cap_spdinfo, 20, &i), -EBADMSG);
}
END_TEST

static void
alg(struct xfrm_alg *a, const char *name, size_t keylen, uint32_t bits, uint8_t fill)
{
	memset(a, 0, sizeof(*a));
	strcpy(a->name, name);
	a->key_len = (uint16_t)keylen;
	a->icv_bits = bits;
	memset(a->key, fill, keylen);
}

static void
full_state(struct xfrm_state *s)
{
	memset(s, 0, sizeof(*s));
	s->family = AF_INET;
	v4(&s->saddr, "192.0.2.1");
	v4(&s->daddr, "192.0.2.2");
	s->spi = 0xc0ffee01;
	s->proto = IPPROTO_ESP;
	s->mode = XFRM_MODE_TUNNEL;
	s->flags = XFRM_STATE_NOECN;
	s->extra_flags = XFRM_SA_XFLAG_DONT_ENCAP_DSCP;
	s->reqid = 9;
	s->sel.family = AF_INET;
	v4(&s->sel.daddr, "10.0.0.0");
	s->sel.dprefix = 8;
	s->mark.v = 3;
	s->mark.m = 0xf;
	s->if_id = 5;
	s->replay_window = 128;
	s->esn = true;
	s->lft.soft_bytes = 1 << 20;
	s->lft.hard_bytes = 2 << 20;
	s->lft.soft_packets = 100;
	s->lft.hard_packets = 200;
	s->lft.soft_add_secs = 30;
	s->lft.hard_add_secs = 60;
	alg(&s->enc, "cbc(aes)", 32, 0, 0x11);
	alg(&s->auth, "hmac(sha256)", 32, 128, 0x22);
	s->encap.type = UDP_ENCAP_ESPINUDP;
	s->encap.sport = 4500;
	s->encap.dport = 4501;
	s->seq = 77;
}

START_TEST(test_state_round_trip)
{
	struct xfrm_state s, t;
	struct nlmsghdr *nlh = start(XFRM_MSG_NEWSA);

	full_state(&s);
	ck_assert_int_eq(xfrm_state_build(nlh, sizeof(buf), &s), 0);
	memset(&t, 0x5a, sizeof(t));
	ck_assert_int_eq(xfrm_state_parse(buf, nlh->nlmsg_len, &t), 0);
	ck_assert_mem_eq(&t, &s, sizeof(s));
	xfrm_state_wipe(&t);
}
END_TEST

START_TEST(test_state_aead_ah_comp_round_trip)
{
	struct xfrm_state s, t;
	struct nlmsghdr *nlh;

	full_state(&s);
	memset(&s.enc, 0, sizeof(s.enc));
	memset(&s.auth, 0, sizeof(s.auth));
	alg(&s.aead, "rfc4106(gcm(aes))", 36, 128, 0x33);
	s.esn = false;
	s.replay_window = 32;	/* fits the legacy field: no ESN attribute */
	nlh = start(XFRM_MSG_NEWSA);
	ck_assert_int_eq(xfrm_state_build(nlh, sizeof(buf), &s), 0);
	ck_assert_int_eq(xfrm_state_parse(buf, nlh->nlmsg_len, &t), 0);
	ck_assert_mem_eq(&t, &s, sizeof(s));

	memset(&s.aead, 0, sizeof(s.aead));
	memset(&s.encap, 0, sizeof(s.encap));
	s.proto = IPPROTO_AH;
	alg(&s.auth, "hmac(sha1)", 20, 96, 0x44);
	nlh = start(XFRM_MSG_UPDSA);
	ck_assert_int_eq(xfrm_state_build(nlh, sizeof(buf), &s), 0);
	ck_assert_int_eq(xfrm_state_parse(buf, nlh->nlmsg_len, &t), 0);
	ck_assert_mem_eq(&t, &s, sizeof(s));

	memset(&s.auth, 0, sizeof(s.auth));
	s.proto = IPPROTO_COMP;
	s.spi = 0x4000;
	s.replay_window = 0;
	alg(&s.comp, "deflate", 0, 0, 0);
	nlh = start(XFRM_MSG_NEWSA);
	ck_assert_int_eq(xfrm_state_build(nlh, sizeof(buf), &s), 0);
	ck_assert_int_eq(xfrm_state_parse(buf, nlh->nlmsg_len, &t), 0);
	ck_assert_mem_eq(&t, &s, sizeof(s));
	xfrm_state_wipe(&s);
	xfrm_state_wipe(&t);
}
END_TEST

/* Keys in the kernel's layout: bits in alg_key_len, then the key bytes. */
START_TEST(test_state_wire_format)
{
	struct xfrm_state s;
	struct xfrm_usersa_info k;
	struct xfrm_algo_auth aa;
	struct xfrm_replay_state_esn r;
	const struct nlattr *tb[XFRMA_MAX + 1];
	struct nlmsghdr *nlh = start(XFRM_MSG_NEWSA);
	const uint8_t *key;

	full_state(&s);
	ck_assert_int_eq(xfrm_state_build(nlh, sizeof(buf), &s), 0);
	memcpy(&k, mnl_nlmsg_get_payload(nlh), sizeof(k));
	ck_assert_uint_eq(k.id.spi, htonl(0xc0ffee01));
	ck_assert_uint_eq(k.flags, XFRM_STATE_NOECN | XFRM_STATE_ESN);
	ck_assert_uint_eq(k.replay_window, 0);	/* the ESN attribute carries it */
	ck_assert_int_eq(xfrm_attr_parse(nlh, sizeof(k), tb), 0);
	memcpy(&aa, mnl_attr_get_payload(tb[XFRMA_ALG_AUTH_TRUNC]), sizeof(aa));
	ck_assert_uint_eq(aa.alg_key_len, 256);
	ck_assert_uint_eq(aa.alg_trunc_len, 128);
	key = (const uint8_t *)mnl_attr_get_payload(tb[XFRMA_ALG_AUTH_TRUNC]) + sizeof(aa);
	ck_assert_uint_eq(key[0], 0x22);
	ck_assert_uint_eq(key[31], 0x22);
	memcpy(&r, mnl_attr_get_payload(tb[XFRMA_REPLAY_ESN_VAL]), sizeof(r));
	ck_assert_uint_eq(r.replay_window, 128);
	ck_assert_uint_eq(r.bmp_len, 4);
	ck_assert_uint_eq(mnl_attr_get_payload_len(tb[XFRMA_REPLAY_ESN_VAL]),
	    sizeof(r) + 4 * sizeof(uint32_t));
	ck_assert_ptr_null(tb[XFRMA_ALG_AEAD]);
	xfrm_state_wipe(&s);
}
END_TEST

START_TEST(test_state_refused)
{
	struct xfrm_state s;

	full_state(&s);
	ck_assert_int_eq(xfrm_state_check(&s), 0);
	alg(&s.aead, "rfc4106(gcm(aes))", 20, 128, 1);		/* AEAD and enc */
	ck_assert_int_eq(xfrm_state_check(&s), -EINVAL);
	full_state(&s);
	memset(&s.enc, 0, sizeof(s.enc));			/* ESP without cipher */
	ck_assert_int_eq(xfrm_state_check(&s), -EINVAL);
	full_state(&s);
	s.proto = IPPROTO_AH;					/* AH with a cipher */
	ck_assert_int_eq(xfrm_state_check(&s), -EINVAL);
	full_state(&s);
	memset(s.enc.name, 'x', sizeof(s.enc.name));		/* name without NUL */
	ck_assert_int_eq(xfrm_state_check(&s), -EINVAL);
	full_state(&s);
	s.enc.key_len = XFRM_KEY_MAX + 1;
	ck_assert_int_eq(xfrm_state_check(&s), -EINVAL);
	full_state(&s);
	s.replay_window = XFRMA_REPLAY_ESN_MAX + 1;
	ck_assert_int_eq(xfrm_state_check(&s), -EINVAL);
	full_state(&s);
	s.replay_window = 0;					/* ESN needs a window */
	ck_assert_int_eq(xfrm_state_check(&s), -EINVAL);
	full_state(&s);
	memset(&s.daddr, 0, sizeof(s.daddr));
	ck_assert_int_eq(xfrm_state_check(&s), -EINVAL);
	full_state(&s);
	s.encap.dport = 0;
	ck_assert_int_eq(xfrm_state_check(&s), -EINVAL);
	full_state(&s);
	s.mode = 9;
	ck_assert_int_eq(xfrm_state_check(&s), -EINVAL);
	full_state(&s);
	s.sel.dprefix = 40;
	ck_assert_int_eq(xfrm_state_check(&s), -EINVAL);
	full_state(&s);
	s.aead.icv_bits = 0;
	s.auth.icv_bits = 100;					/* not whole bytes */
	ck_assert_int_eq(xfrm_state_check(&s), -EINVAL);
	xfrm_state_wipe(&s);
}
END_TEST

/* A key that claims more bytes than its attribute holds must not be read past the end. */
START_TEST(test_state_short_key)
{
	struct xfrm_state s, t;
	struct nlmsghdr *nlh = start(XFRM_MSG_NEWSA);
	struct nlattr *a;
	struct xfrm_algo k;

	full_state(&s);
	memset(&s.auth, 0, sizeof(s.auth));
	ck_assert_int_eq(xfrm_state_build(nlh, sizeof(buf), &s), 0);
	a = (struct nlattr *)((uint8_t *)mnl_nlmsg_get_payload(nlh) +
	    MNL_ALIGN(sizeof(struct xfrm_usersa_info)));
	ck_assert_uint_eq(mnl_attr_get_type(a), XFRMA_ALG_CRYPT);
	memcpy(&k, mnl_attr_get_payload(a), sizeof(k));
	k.alg_key_len = 512;
	memcpy(mnl_attr_get_payload(a), &k, sizeof(k));
	ck_assert_int_eq(xfrm_state_parse(buf, nlh->nlmsg_len, &t), -EBADMSG);
	ck_assert_str_eq(t.enc.name, "");	/* wiped, not half-filled */
	xfrm_state_wipe(&s);
}
END_TEST

/* Appends an attribute of any type and length to the message in buf. */
static void
append(struct nlmsghdr *nlh, uint16_t type, size_t len)
{
	uint8_t junk[128];

	ck_assert_uint_le(len, sizeof(junk));
	memset(junk, 0x7e, sizeof(junk));
	ck_assert(mnl_attr_put_check(nlh, sizeof(buf), type, len, junk));
}

START_TEST(test_parse_unknown_and_bad_attributes)
{
	struct xfrm_policy p, q;
	struct nlmsghdr *nlh;

	full_policy(&p);
	nlh = start(XFRM_MSG_NEWPOLICY);
	ck_assert_int_eq(xfrm_policy_build(nlh, sizeof(buf), &p), 0);
	append(nlh, XFRMA_MAX + 7, 24);		/* from a newer kernel: skipped */
	append(nlh, XFRMA_SEC_CTX, 3);		/* known to the kernel, unused here: skipped */
	ck_assert_int_eq(xfrm_policy_parse(buf, nlh->nlmsg_len, &q), 0);
	ck_assert_mem_eq(&q, &p, sizeof(p));

	nlh = start(XFRM_MSG_NEWPOLICY);
	ck_assert_int_eq(xfrm_policy_build(nlh, sizeof(buf), &p), 0);
	append(nlh, XFRMA_MARK, 4);		/* known and short */
	ck_assert_int_eq(xfrm_policy_parse(buf, nlh->nlmsg_len, &q), -EBADMSG);

	p.ntmpl = 0;
	nlh = start(XFRM_MSG_NEWPOLICY);
	ck_assert_int_eq(xfrm_policy_build(nlh, sizeof(buf), &p), 0);
	append(nlh, XFRMA_TMPL, sizeof(struct xfrm_user_tmpl) + 4);	/* not whole templates */
	ck_assert_int_eq(xfrm_policy_parse(buf, nlh->nlmsg_len, &q), -EBADMSG);
}
END_TEST

START_TEST(test_parse_bad_messages)
{
	struct xfrm_policy p, q;
	struct xfrm_event ev;
	struct nlmsghdr *nlh = start(XFRM_MSG_NEWPOLICY);
	uint32_t len;

	full_policy(&p);
	ck_assert_int_eq(xfrm_policy_build(nlh, sizeof(buf), &p), 0);
	len = nlh->nlmsg_len;
	ck_assert_int_eq(xfrm_policy_parse(buf, len - 1, &q), -EBADMSG);	/* cut short */
	ck_assert_int_eq(xfrm_policy_parse(buf, 8, &q), -EBADMSG);
	nlh->nlmsg_len = NLMSG_HDRLEN + 20;				/* header cut */
	ck_assert_int_eq(xfrm_policy_parse(buf, len, &q), -EBADMSG);
	nlh->nlmsg_len = len;
	nlh->nlmsg_type = XFRM_MSG_NEWSA;
	ck_assert_int_eq(xfrm_policy_parse(buf, len, &q), -EPROTO);
	nlh->nlmsg_type = XFRM_MSG_DELPOLICY;
	ck_assert_int_eq(xfrm_policy_parse(buf, len, &q), -EPROTO);
	ck_assert_int_eq(xfrm_event_parse(buf, len, &ev), 0);		/* not an event */
	/* An attribute running past the message's end. */
	nlh->nlmsg_type = XFRM_MSG_NEWPOLICY;
	((struct nlattr *)((uint8_t *)buf + NLMSG_HDRLEN +
	    MNL_ALIGN(sizeof(struct xfrm_userpolicy_info))))->nla_len = 4000;
	ck_assert_int_eq(xfrm_policy_parse(buf, len, &q), -EBADMSG);
}
END_TEST

/* ---- events, built by hand from the kernel's structs */

START_TEST(test_event_acquire)
{
	struct nlmsghdr *nlh = start(XFRM_MSG_ACQUIRE);
	struct xfrm_user_acquire k;
	struct xfrm_user_tmpl t[2];
	struct xfrm_event ev;

	memset(&k, 0, sizeof(k));
	inet_pton(AF_INET, "10.0.0.2", &k.id.daddr.a4);
	inet_pton(AF_INET, "10.0.0.1", &k.saddr.a4);
	k.id.proto = IPPROTO_ESP;
	k.sel.family = AF_INET;
	k.sel.daddr = k.id.daddr;
	k.sel.saddr = k.saddr;
	k.sel.prefixlen_d = k.sel.prefixlen_s = 32;
	k.sel.proto = IPPROTO_ICMP;
	k.policy.sel = k.sel;
	k.policy.dir = XFRM_POLICY_OUT;
	k.policy.index = 8 * 3 + 1;
	k.seq = 0x51;
	memset(t, 0, sizeof(t));
	t[0].id.proto = IPPROTO_AH;
	t[0].reqid = 11;
	t[0].family = AF_INET;
	t[1].id.proto = IPPROTO_ESP;
	t[1].reqid = 12;
	t[1].family = AF_INET;
	memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(k)), &k, sizeof(k));
	mnl_attr_put(nlh, XFRMA_TMPL, sizeof(t), t);
	ck_assert_int_eq(xfrm_event_parse(buf, nlh->nlmsg_len, &ev), 1);
	ck_assert_int_eq(ev.type, XFRM_EVENT_ACQUIRE);
	ck_assert_uint_eq(ev.u.acquire.proto, IPPROTO_ESP);
	ck_assert_uint_eq(ev.u.acquire.reqid, 12);		/* the ESP template's */
	ck_assert_uint_eq(ev.u.acquire.seq, 0x51);
	ck_assert_uint_eq(ev.u.acquire.family, AF_INET);
	ck_assert_mem_eq(&ev.u.acquire.daddr, &k.id.daddr, sizeof(k.id.daddr));
	ck_assert_uint_eq(ev.u.acquire.sel.proto, IPPROTO_ICMP);
	ck_assert_uint_eq(ev.u.acquire.policy.index, 8 * 3 + 1);
	ck_assert_uint_eq(ev.u.acquire.policy.ntmpl, 2);
	ck_assert_int_eq(xfrm_event_parse(buf, nlh->nlmsg_len - 4, &ev), -EBADMSG);
}
END_TEST

START_TEST(test_event_expire_polexpire_mapping)
{
	struct nlmsghdr *nlh = start(XFRM_MSG_EXPIRE);
	struct xfrm_user_expire e;
	struct xfrm_user_polexpire pe;
	struct xfrm_user_mapping m;
	struct xfrm_event ev;

	memset(&e, 0, sizeof(e));
	e.state.family = AF_INET6;
	e.state.id.spi = htonl(0xabc);
	e.state.id.proto = IPPROTO_AH;
	e.state.reqid = 4;
	e.state.curlft.bytes = 1234;
	e.hard = 1;
	memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(e)), &e, sizeof(e));
	ck_assert_int_eq(xfrm_event_parse(buf, nlh->nlmsg_len, &ev), 1);
	ck_assert_int_eq(ev.type, XFRM_EVENT_EXPIRE);
	ck_assert(ev.u.expire.hard);
	ck_assert_uint_eq(ev.u.expire.spi, 0xabc);
	ck_assert_uint_eq(ev.u.expire.proto, IPPROTO_AH);
	ck_assert_uint_eq(ev.u.expire.family, AF_INET6);
	ck_assert_uint_eq(ev.u.expire.cur.bytes, 1234);

	nlh = start(XFRM_MSG_POLEXPIRE);
	memset(&pe, 0, sizeof(pe));
	pe.pol.dir = XFRM_POLICY_IN;
	pe.pol.index = 8 * 9;
	pe.pol.sel.family = AF_INET;
	memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(pe)), &pe, sizeof(pe));
	ck_assert_int_eq(xfrm_event_parse(buf, nlh->nlmsg_len, &ev), 1);
	ck_assert_int_eq(ev.type, XFRM_EVENT_POLEXPIRE);
	ck_assert(!ev.u.polexpire.hard);
	ck_assert_uint_eq(ev.u.polexpire.policy.index, 72);

	nlh = start(XFRM_MSG_MAPPING);
	memset(&m, 0, sizeof(m));
	m.id.family = AF_INET;
	m.id.spi = htonl(0x77);
	m.id.proto = IPPROTO_ESP;
	m.reqid = 3;
	m.old_sport = htons(4500);
	m.new_sport = htons(31000);
	memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(m)), &m, sizeof(m));
	ck_assert_int_eq(xfrm_event_parse(buf, nlh->nlmsg_len, &ev), 1);
	ck_assert_int_eq(ev.type, XFRM_EVENT_MAPPING);
	ck_assert_uint_eq(ev.u.mapping.spi, 0x77);
	ck_assert_uint_eq(ev.u.mapping.old_sport, 4500);
	ck_assert_uint_eq(ev.u.mapping.new_sport, 31000);
}
END_TEST

static Suite *
codec_suite(void)
{
	Suite *s = suite_create("xfrm_codec");
	TCase *tp = tcase_create("policy"), *ts = tcase_create("state");
	TCase *tm = tcase_create("messages");

	tcase_add_test(tp, test_policy_round_trip);
	tcase_add_test(tp, test_policy_v6_minimal_round_trip);
	tcase_add_test(tp, test_policy_wire_format);
	tcase_add_test(tp, test_policy_refused);
	tcase_add_test(tp, test_policy_id_by_index);
	tcase_add_test(tp, test_policy_captured);
	tcase_add_test(ts, test_state_captured);
	tcase_add_test(ts, test_state_round_trip);
	tcase_add_test(ts, test_state_aead_ah_comp_round_trip);
	tcase_add_test(ts, test_state_wire_format);
	tcase_add_test(ts, test_state_refused);
	tcase_add_test(ts, test_state_short_key);
	tcase_add_test(tm, test_spd_captured);
	tcase_add_test(tm, test_parse_unknown_and_bad_attributes);
	tcase_add_test(tm, test_parse_bad_messages);
	tcase_add_test(tm, test_event_acquire);
	tcase_add_test(tm, test_event_expire_polexpire_mapping);
	suite_add_tcase(s, tp);
	suite_add_tcase(s, ts);
	suite_add_tcase(s, tm);
	return s;
}

IPP_CHECK_MAIN(codec_suite)
