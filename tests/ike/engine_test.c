/* The two-engine lab of the IKEv1 engine tests (engine_test.h). */
#include <arpa/inet.h>
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/ike/engine_test.h"

static struct et_lab *cur;

static uint64_t
now_ms(void *arg)
{
	(void)arg;
	return cur->now;
}

static int
peer_index(void *arg)
{
	return arg == &cur->p[0] ? 0 : 1;
}

static int
do_send(void *arg, const struct sockaddr *local, const struct sockaddr *remote,
    const void *buf, size_t len)
{
	int from = peer_index(arg);
	unsigned n = cur->sent++;
	struct et_dgram *d;

	(void)local;
	(void)remote;
	ck_assert_uint_le(len, sizeof(d->buf));
	if (cur->nhist < ET_MAX_DGRAM) {
		d = &cur->hist[cur->nhist++];
		d->from = from;
		d->len = len;
		memcpy(d->buf, buf, len);
	}
	if (cur->drop_all_from[from] || (n < 64 && (cur->drop >> n) & 1))
		return 0;
	for (int copies = (n < 64 && (cur->dup >> n) & 1) ? 2 : 1; copies > 0; copies--) {
		if (cur->nq >= ET_MAX_DGRAM)
			return -1;
		d = &cur->q[cur->nq++];
		d->from = from;
		d->len = len;
		memcpy(d->buf, buf, len);
		if (n < 64 && (cur->corrupt >> n) & 1 && len > 30)
			d->buf[30] ^= 0x5a;
	}
	return 0;
}

static int
spi_alloc(void *arg, const struct ike_spi_req *r, uint32_t *spi)
{
	struct et_peer *p = arg;

	ck_assert(r->proto == IPPROTO_ESP || r->proto == IPPROTO_AH);
	if (p->spi_fail || p->nspis >= ET_MAX_SPI)
		return -1;
	*spi = 0xc0000000u | (uint32_t)(peer_index(arg) << 16) | (uint32_t)(p->nspis + 0x100);
	p->spis[p->nspis++] = *spi;
	return 0;
}

static int
soft_allow(void *arg, const struct ike_acquire *a, const struct ipp_ike_rule *r)
{
	struct et_peer *p = arg;

	ck_assert(r->soft);
	ck_assert_uint_lt(p->nsoft, sizeof(p->soft) / sizeof(p->soft[0]));
	p->soft[p->nsoft++] = *a;
	return p->soft_result;
}

static int
child_install(void *arg, const struct ike_child *c)
{
	struct et_peer *p = arg;

	if (p->install_result != 0)
		return p->install_result;
	ck_assert_uint_lt(p->ninstalled, ET_MAX_CHILD);
	p->installed[p->ninstalled++] = *c;
	cur->now += p->install_ms;
	return 0;
}

static void
child_delete(void *arg, const struct ike_child *c)
{
	struct et_peer *p = arg;

	ck_assert_uint_lt(p->ndeleted, ET_MAX_CHILD);
	p->deleted[p->ndeleted++] = *c;
}

static int
child_rx_packets(void *arg, const struct ike_child *c, uint64_t *packets)
{
	struct et_peer *p = arg;

	(void)c;
	if (!p->rx_counters)
		return -1;
	*packets = p->rx_packets;
	return 0;
}

static const struct ipp_ike_rule *
rule_for_ids(void *arg, const struct sockaddr *local, const struct sockaddr *remote,
    const struct ike_ts *tl, const struct ike_ts *tr)
{
	struct et_peer *p = arg;

	(void)local;
	(void)remote;
	(void)tl;
	(void)tr;
	return p->rule_matches ? &p->rule : NULL;
}

static void
log_line(void *arg, int prio, const char *msg)
{
	struct et_peer *p = arg;
	int n;

	(void)prio;
	if (getenv("ET_VERBOSE") != NULL)
		fprintf(stderr, "[%c] %s\n", p == &cur->p[0] ? 'A' : 'B', msg);
	if (p->loglen >= sizeof(p->log) - 1)
		return;
	n = snprintf(p->log + p->loglen, sizeof(p->log) - p->loglen, "%s\n", msg);
	if (n > 0)
		p->loglen += (size_t)n;
	if (p->loglen >= sizeof(p->log))
		p->loglen = sizeof(p->log) - 1;
}

static void
peer_init(struct et_peer *p, const char *ip)
{
	memset(p, 0, sizeof(*p));
	p->addr.sin_family = AF_INET;
	p->addr.sin_port = htons(500);
	inet_pton(AF_INET, ip, &p->addr.sin_addr);
	p->addr6.sin6_family = AF_INET6;
	p->addr6.sin6_port = htons(500);
	inet_pton(AF_INET6, ip[7] == '1' ? "fd00::1" : "fd00::2", &p->addr6.sin6_addr);
	snprintf(p->psk, sizeof(p->psk), "secret");
	p->rule_matches = true;

	p->mm[0] = (struct ipp_mm_offer){ IPP_CIPHER_AES128, IPP_HASH_SHA1, 14 };
	p->plan.main.present = true;
	p->plan.main.mm.lifetime_min = 480;
	p->plan.main.mm.offers = p->mm;
	p->plan.main.mm.noffers = 1;

	p->auth[0].kind = IPP_AUTH_PSK;
	p->auth[0].value = p->psk;
	p->qm[0] = (struct ipp_qm_offer){ .proto = IPP_QM_ESP, .esp_cipher = IPP_CIPHER_AES128,
	    .esp_auth = IPP_HASH_SHA1, .life_s = 3600, .life_kb = 100000 };
	p->rule.reqid = 100;
	p->rule.action = IPP_ACTION_NEGOTIATE;
	snprintf(p->rule.name, sizeof(p->rule.name), "Secure");
	p->rule.mode = XFRM_MODE_TRANSPORT;
	p->rule.auth = p->auth;
	p->rule.nauth = 1;
	p->rule.offers = p->qm;
	p->rule.noffers = 1;
	p->plan.rules = &p->rule;
	p->plan.nrules = 1;

	p->def_auth[0].kind = IPP_AUTH_PSK;
	p->def_auth[0].value = p->psk;
	p->def_qm[0] = (struct ipp_qm_offer){ .proto = IPP_QM_ESP,
	    .esp_cipher = IPP_CIPHER_3DES, .esp_auth = IPP_HASH_SHA1, .life_s = 3600,
	    .life_kb = 100000 };
	p->plan.main.defrule.active = true;
	p->plan.main.defrule.offers = p->def_qm;
	p->plan.main.defrule.noffers = 1;
	p->plan.main.defrule.auth = p->def_auth;
	p->plan.main.defrule.nauth = 1;
}

struct et_lab *
et_new(void)
{
	struct et_lab *l = calloc(1, sizeof(*l));

	ck_assert_ptr_nonnull(l);
	l->q = calloc(ET_MAX_DGRAM, sizeof(*l->q));
	l->hist = calloc(ET_MAX_DGRAM, sizeof(*l->hist));
	ck_assert(l->q != NULL && l->hist != NULL);
	l->now = 1000000;
	peer_init(&l->p[0], "10.0.0.1");
	peer_init(&l->p[1], "10.0.0.2");
	ike_limits_default(&l->lim[0]);
	ike_limits_default(&l->lim[1]);
	cur = l;
	return l;
}

struct et_lab *
et_new6(void)
{
	struct et_lab *l = et_new();

	l->v6 = true;
	return l;
}

const struct sockaddr *
et_sa(const struct et_lab *l, int i)
{
	return l->v6 ? (const struct sockaddr *)&l->p[i].addr6 :
	    (const struct sockaddr *)&l->p[i].addr;
}

void
et_start(struct et_lab *l)
{
	for (int i = 0; i < 2; i++) {
		struct et_peer *p = &l->p[i];
		struct ike_ops ops = {
			.arg = p, .now_ms = now_ms, .send = do_send, .spi_alloc = spi_alloc,
			.child_install = child_install, .child_delete = child_delete,
			.rule_for_ids = rule_for_ids, .log = log_line,
			.child_rx_packets = child_rx_packets,
			.soft_allow = soft_allow,
		};

		if (p->e != NULL)
			ike_engine_free(p->e);
		p->e = ike_engine_new(&ops, &l->lim[i]);
		ck_assert_ptr_nonnull(p->e);
		ike_engine_set_plan(p->e, &p->plan);
	}
	cur = l;
}

void
et_free(struct et_lab *l)
{
	for (int i = 0; i < 2; i++)
		ike_engine_free(l->p[i].e);
	free(l->q);
	free(l->hist);
	free(l);
	cur = NULL;
}

int
et_acquire(struct et_lab *l, int i)
{
	struct et_peer *me = &l->p[i], *peer = &l->p[1 - i];
	struct ike_acquire a;

	memset(&a, 0, sizeof(a));
	a.reqid = me->rule.reqid;
	a.seq = 7 + (uint32_t)i;
	if (l->v6) {
		memcpy(&a.local, &me->addr6, sizeof(me->addr6));
		memcpy(&a.remote, &peer->addr6, sizeof(peer->addr6));
		a.policy_sel.family = a.packet_sel.family = AF_INET6;
		memcpy(&a.policy_sel.daddr, &peer->addr6.sin6_addr, 16);
		a.policy_sel.dprefix = 128;
		memcpy(&a.packet_sel.saddr, &me->addr6.sin6_addr, 16);
		memcpy(&a.packet_sel.daddr, &peer->addr6.sin6_addr, 16);
		a.packet_sel.sprefix = a.packet_sel.dprefix = 128;
		a.packet_sel.proto = IPPROTO_ICMPV6;
		return ike_engine_acquire(me->e, &a);
	}
	memcpy(&a.local, &me->addr, sizeof(me->addr));
	memcpy(&a.remote, &peer->addr, sizeof(peer->addr));
	a.policy_sel.family = AF_INET;
	a.policy_sel.daddr.a4 = peer->addr.sin_addr.s_addr;
	a.policy_sel.dprefix = 32;
	a.packet_sel.family = AF_INET;
	a.packet_sel.saddr.a4 = me->addr.sin_addr.s_addr;
	a.packet_sel.daddr.a4 = peer->addr.sin_addr.s_addr;
	a.packet_sel.sprefix = a.packet_sel.dprefix = 32;
	a.packet_sel.proto = IPPROTO_ICMP;
	return ike_engine_acquire(me->e, &a);
}

unsigned
et_pump(struct et_lab *l)
{
	unsigned n = 0;

	cur = l;
	while (l->nq > 0 && n < 1000) {
		struct et_dgram d = l->q[0];
		struct et_peer *to = &l->p[1 - d.from];

		memmove(l->q, l->q + 1, (l->nq - 1) * sizeof(*l->q));
		l->nq--;
		ike_engine_input(to->e, et_sa(l, 1 - d.from), et_sa(l, d.from), d.buf, d.len);
		n++;
	}
	return n;
}

void
et_advance(struct et_lab *l, uint64_t ms)
{
	uint64_t end = l->now + ms;

	cur = l;
	while (l->now < end) {
		l->now += 100;
		for (int i = 0; i < 2; i++)
			ike_engine_tick(l->p[i].e);
		et_pump(l);
	}
}

void
et_replay(struct et_lab *l, size_t n)
{
	struct et_dgram *d;

	ck_assert_uint_lt(n, l->nhist);
	ck_assert_uint_lt(l->nq, ET_MAX_DGRAM);
	d = &l->q[l->nq++];
	*d = l->hist[n];
}

struct ike_stats
et_stats(struct et_lab *l, int i)
{
	struct ike_stats st;

	ike_engine_stats(l->p[i].e, &st);
	return st;
}

static void
check_ts_eq(const struct ike_ts *a, const struct ike_ts *b)
{
	ck_assert_uint_eq(a->family, b->family);
	ck_assert_uint_eq(a->prefix, b->prefix);
	ck_assert_uint_eq(a->proto, b->proto);
	ck_assert_uint_eq(a->port, b->port);
	ck_assert(memcmp(&a->addr, &b->addr, sizeof(a->addr)) == 0);
}

void
et_check_mirror(struct et_lab *l)
{
	const struct ike_child *a, *b;

	ck_assert_uint_ge(l->p[0].ninstalled, 1);
	ck_assert_uint_ge(l->p[1].ninstalled, 1);
	a = &l->p[0].installed[l->p[0].ninstalled - 1];
	b = &l->p[1].installed[l->p[1].ninstalled - 1];
	ck_assert(a->initiator != b->initiator);
	ck_assert_uint_eq(a->mode, b->mode);
	ck_assert_uint_eq(a->nproto, b->nproto);
	ck_assert_uint_eq(a->hard_s, b->hard_s);
	ck_assert_uint_eq(a->hard_bytes, b->hard_bytes);
	ck_assert(a->soft_s < a->hard_s && a->soft_s >= a->hard_s * 85 / 100);
	ck_assert(a->soft_bytes < a->hard_bytes);
	ck_assert_uint_eq(a->pfs_group, b->pfs_group);
	check_ts_eq(&a->ts_local, &b->ts_remote);
	check_ts_eq(&a->ts_remote, &b->ts_local);
	for (size_t j = 0; j < a->nproto; j++) {
		const struct ike_child_proto *x = &a->p[j], *y = &b->p[j];
		size_t klen = (size_t)x->enc_key_len + x->auth_key_len;
		bool spi_a = false, spi_b = false;

		ck_assert_uint_eq(x->proto, y->proto);
		ck_assert_uint_eq(x->cipher, y->cipher);
		ck_assert_uint_eq(x->auth, y->auth);
		ck_assert_uint_eq(x->spi_in, y->spi_out);
		ck_assert_uint_eq(x->spi_out, y->spi_in);
		ck_assert_uint_ne(x->spi_in, x->spi_out);
		ck_assert_uint_eq(klen, (size_t)y->enc_key_len + y->auth_key_len);
		ck_assert_uint_gt(klen, 0);
		ck_assert(memcmp(x->key_in, y->key_out, klen) == 0);
		ck_assert(memcmp(x->key_out, y->key_in, klen) == 0);
		ck_assert(memcmp(x->key_in, x->key_out, klen) != 0);
		/* Our inbound SPIs are the ones the kernel gave us. */
		for (size_t k = 0; k < l->p[0].nspis; k++)
			spi_a |= l->p[0].spis[k] == x->spi_in;
		for (size_t k = 0; k < l->p[1].nspis; k++)
			spi_b |= l->p[1].spis[k] == y->spi_in;
		ck_assert(spi_a && spi_b);
	}
}

int
et_bench_main(int argc, char **argv, const char *name, const struct TTest *test,
    unsigned *arg)
{
	Suite *s = suite_create(name);
	TCase *tc = tcase_create(name);
	SRunner *sr;
	int failed;

	if (argc > 1 && atoi(argv[1]) > 0)
		*arg = (unsigned)atoi(argv[1]);
	tcase_set_timeout(tc, 0);
	tcase_add_test(tc, test);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_SILENT);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
