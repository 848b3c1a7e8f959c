/*
 * fuzz_engine: the IKEv1 engine's input path.  The first byte picks what the fuzzer plays:
 *   even: an unauthenticated datagram to a responder (header, Main Mode message 1, proposal
 *         choice, unknown SAs);
 *   odd:  an authenticated peer: the rest is a payload chain that the harness encrypts under
 *         an established IKE SA as a Quick Mode or Informational message with a valid
 *         HASH(1), reaching the Quick Mode, notify and DELETE decoders behind the crypto.
 * Two real engines (A initiator, B responder) are set up once and re-established when a
 * fuzzed DELETE or INITIAL-CONTACT tears their IKE SA down.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "ike/engine.h"
#include "ike/sa.h"
#include "ike/v1.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t clock_ms = 1000000;
static struct ike_engine *ea, *eb;
static struct sockaddr_in addr_a, addr_b;
static struct ike_plan plan;
static struct ipp_ike_rule rule;
static struct ipp_mm_offer mm = { IPP_CIPHER_AES128, IPP_HASH_SHA1, 19 };
static struct ipp_qm_offer qm = { .proto = IPP_QM_ESP, .esp_cipher = IPP_CIPHER_AES128,
    .esp_auth = IPP_HASH_SHA1, .life_s = 3600, .life_kb = 100000 };
static char psk[] = "fuzz";
static struct ipp_auth auth = { .kind = IPP_AUTH_PSK, .value = psk };
static uint8_t wire[8][4096];
static size_t wire_len[8], nwire;
static int wire_to[8];
static uint32_t next_spi = 0x1000;

static uint64_t now(void *arg) { (void)arg; return clock_ms; }

static int
fsend(void *arg, const struct sockaddr *l, const struct sockaddr *r, const void *b, size_t n)
{
	(void)l;
	(void)r;
	if (nwire < 8 && n <= sizeof(wire[0])) {
		memcpy(wire[nwire], b, n);
		wire_len[nwire] = n;
		wire_to[nwire++] = arg == (void *)&addr_a ? 1 : 0;
	}
	return 0;
}

static int
spi(void *arg, const struct ike_spi_req *r, uint32_t *s)
{
	(void)arg;
	(void)r;
	*s = next_spi++;
	return 0;
}

static int install(void *arg, const struct ike_child *c) { (void)arg; (void)c; return 0; }
static void del(void *arg, const struct ike_child *c) { (void)arg; (void)c; }

static const struct ipp_ike_rule *
rule_for(void *arg, const struct sockaddr *l, const struct sockaddr *r,
    const struct ike_ts *tl, const struct ike_ts *tr)
{
	(void)arg;
	(void)l;
	(void)r;
	(void)tl;
	(void)tr;
	return &rule;
}

static void
pump(void)
{
	for (int rounds = 0; rounds < 20 && nwire > 0; rounds++) {
		uint8_t buf[4096];
		size_t n = wire_len[0];
		int to = wire_to[0];

		memcpy(buf, wire[0], n);
		memmove(wire, wire[1], sizeof(wire[0]) * (nwire - 1));
		memmove(wire_len, wire_len + 1, sizeof(wire_len[0]) * (nwire - 1));
		memmove(wire_to, wire_to + 1, sizeof(wire_to[0]) * (nwire - 1));
		nwire--;
		ike_engine_input(to ? eb : ea, to ? (struct sockaddr *)&addr_b :
		    (struct sockaddr *)&addr_a, to ? (struct sockaddr *)&addr_a :
		    (struct sockaddr *)&addr_b, buf, n);
	}
	nwire = 0;
}

static struct ike_engine *
engine(void *arg)
{
	struct ike_ops ops = { .arg = arg, .now_ms = now, .send = fsend, .spi_alloc = spi,
	    .child_install = install, .child_delete = del, .rule_for_ids = rule_for };
	struct ike_engine *e = ike_engine_new(&ops, NULL);

	ike_engine_set_plan(e, &plan);
	return e;
}

/* A and B with an established IKE SA (A's is the initiator's). */
static struct ike_sa *
established(void)
{
	struct ike_acquire a;

	for (struct ike_sa *sa = ea != NULL ? ea->sas : NULL; sa != NULL; sa = sa->next)
		if (sa->step == IKE_MM_DONE)
			return sa;
	ike_engine_free(ea);
	ike_engine_free(eb);
	ea = engine(&addr_a);
	eb = engine(&addr_b);
	memset(&a, 0, sizeof(a));
	a.reqid = 1;
	memcpy(&a.local, &addr_a, sizeof(addr_a));
	memcpy(&a.remote, &addr_b, sizeof(addr_b));
	a.policy_sel.family = a.packet_sel.family = AF_INET;
	a.policy_sel.daddr.a4 = a.packet_sel.daddr.a4 = addr_b.sin_addr.s_addr;
	a.policy_sel.dprefix = 32;
	a.packet_sel.saddr.a4 = addr_a.sin_addr.s_addr;
	ike_engine_acquire(ea, &a);
	pump();
	for (struct ike_sa *sa = ea->sas; sa != NULL; sa = sa->next)
		if (sa->step == IKE_MM_DONE)
			return sa;
	abort();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	addr_a.sin_family = addr_b.sin_family = AF_INET;
	addr_a.sin_port = addr_b.sin_port = htons(500);
	inet_pton(AF_INET, "10.9.0.1", &addr_a.sin_addr);
	inet_pton(AF_INET, "10.9.0.2", &addr_b.sin_addr);
	rule.reqid = 1;
	rule.action = IPP_ACTION_NEGOTIATE;
	rule.mode = XFRM_MODE_TRANSPORT;
	rule.auth = &auth;
	rule.nauth = 1;
	rule.offers = &qm;
	rule.noffers = 1;
	plan.main.mm.offers = &mm;
	plan.main.mm.noffers = 1;
	plan.main.mm.lifetime_min = 480;
	plan.main.defrule.active = true;
	plan.main.defrule.offers = &qm;
	plan.main.defrule.noffers = 1;
	plan.main.defrule.auth = &auth;
	plan.main.defrule.nauth = 1;
	plan.rules = &rule;
	plan.nrules = 1;
	return 0;
}

static void
authenticated(const uint8_t *data, size_t size)
{
	struct ike_sa *sa = established();
	struct isakmp_buf b;
	struct isakmp_err err;
	uint8_t exch = data[0] & 2 ? ISAKMP_EXCH_INFO : ISAKMP_EXCH_QUICK, iv[IKE_BLOCK_MAX];
	uint32_t msgid;
	size_t hoff;

	if (size < 6)
		return;
	msgid = (uint32_t)data[1] << 24 | (uint32_t)data[2] << 16 | data[3] << 8 | data[4];
	if (ike_v1_iv_phase2(&sa->keys, sa->iv, msgid, iv, NULL) != 0)
		return;
	v1_begin(&b, sa, exch, msgid, true);
	isakmp_put_payload(&b, ISAKMP_PL_HASH, NULL, sa->keys.hash_len, &hoff);
	/* The chain after HASH: its first type from the input, its bytes as given. */
	b.p[hoff - ISAKMP_GEN_LEN] = data[5];
	isakmp_put_raw(&b, data + 6, size - 6);
	if (isakmp_buf_finish(&b, &err) == 0 &&
	    ike_v1_qm_hash1(&sa->keys, msgid, b.p + hoff + sa->keys.hash_len,
	    b.len - hoff - sa->keys.hash_len, b.p + hoff, NULL) == 0 &&
	    v1_seal(ea, sa, &b, iv) == 0)
		ike_engine_input(eb, (struct sockaddr *)&addr_b, (struct sockaddr *)&addr_a, b.p,
		    b.len);
	isakmp_buf_free(&b);
	nwire = 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] & 1) {
		authenticated(data, size);
		return 0;
	}
	if (eb == NULL)
		established();
	ike_engine_input(eb, (struct sockaddr *)&addr_b, (struct sockaddr *)&addr_a, data + 1,
	    size - 1);
	ike_engine_tick(eb);
	nwire = 0;
	return 0;
}
