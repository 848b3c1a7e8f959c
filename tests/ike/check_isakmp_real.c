/*
 * ISAKMP codec against real IKEv1 messages: Main Mode, Quick Mode and Informational
 * exchanges between two strongSwan charons (tests/fuzz/corpus/isakmp, capture.sh there).
 * Every datagram and every decrypted body must parse, every payload must decode, and the
 * builder fed with the decoded views must give back the very same bytes.
 */
#include <arpa/inet.h>
#include <sys/socket.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike/isakmp.h"
#include "tests/lib/ipp_check.h"

#define SEED_DIR	"tests/fuzz/corpus/isakmp"

static uint8_t file[ISAKMP_MAX_MSG];
static size_t file_len;

static void
load(const char *name)
{
	const char *top = getenv("top_srcdir");
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/%s", top ? top : ".", SEED_DIR, name);
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "open %s", path);
	file_len = fread(file, 1, sizeof(file), f);
	ck_assert(!ferror(f));
	fclose(f);
	ck_assert_uint_gt(file_len, 0);
}

static void
msg_load(const char *name, struct isakmp_msg *m)
{
	struct isakmp_err e;

	load(name);
	ck_assert_msg(isakmp_msg_parse(m, file, file_len, 0, &e) == 0, "%s: %s at %zu", name,
	    e.what, e.off);
}

/* A decrypted body file: the first payload's type is in its name. */
static void
plain_load(const char *name, uint8_t first, struct isakmp_chain *c)
{
	struct isakmp_err e;

	load(name);
	ck_assert_msg(isakmp_chain_parse(c, first, file, file_len, 16, 0, &e) == 0,
	    "%s: %s at %zu", name, e.what, e.off);
}

/* Decodes pl with its decoder and appends it to b again from the decoded view. */
static void
decode_and_rebuild(const struct isakmp_pl *pl, struct isakmp_buf *b, const char *name)
{
	struct isakmp_err e = { 0 };
	struct isakmp_data d;
	struct isakmp_id id;
	struct isakmp_cert c;
	struct isakmp_notify n;
	struct isakmp_delete del;
	struct isakmp_natoa oa;
	struct isakmp_sa sa;
	struct isakmp_iter pi, xi, ai;
	struct isakmp_prop p;
	struct isakmp_xform x;
	struct isakmp_attr a;
	int r;

	switch (pl->type) {
	case ISAKMP_PL_SA:
		r = isakmp_sa_decode(pl, &sa, &e);
		ck_assert_msg(r == 0, "%s: %s", name, e.what);
		isakmp_sa_begin(b, sa.doi, sa.situation);
		isakmp_sa_props(&sa, &pi);
		while (isakmp_prop_next(&pi, &p)) {
			isakmp_prop_begin(b, p.num, p.proto, p.spi, p.spi_len);
			isakmp_prop_xforms(&p, &xi);
			while (isakmp_xform_next(&xi, &x)) {
				isakmp_xform_begin(b, x.num, x.id);
				isakmp_xform_attrs(&x, &ai);
				while (isakmp_attr_next(&ai, &a))
					isakmp_attr_copy(b, &a);
				isakmp_xform_end(b);
			}
			isakmp_prop_end(b);
		}
		isakmp_sa_end(b);
		return;
	case ISAKMP_PL_ID:
		r = isakmp_id_decode(pl, &id, &e);
		ck_assert_msg(r == 0, "%s: %s", name, e.what);
		isakmp_put_id(b, &id);
		return;
	case ISAKMP_PL_CERT:
	case ISAKMP_PL_CR:
		r = isakmp_cert_decode(pl, &c, &e);
		ck_assert_msg(r == 0, "%s: %s", name, e.what);
		isakmp_put_cert(b, pl->type, c.enc, c.data, c.len);
		return;
	case ISAKMP_PL_N:
		r = isakmp_notify_decode(pl, &n, &e);
		ck_assert_msg(r == 0, "%s: %s", name, e.what);
		isakmp_put_notify(b, &n);
		return;
	case ISAKMP_PL_D:
		r = isakmp_delete_decode(pl, &del, &e);
		ck_assert_msg(r == 0, "%s: %s", name, e.what);
		isakmp_put_delete(b, &del);
		return;
	case ISAKMP_PL_NAT_OA:
		r = isakmp_natoa_decode(pl, &oa, &e);
		ck_assert_msg(r == 0, "%s: %s", name, e.what);
		isakmp_put_natoa(b, &oa);
		return;
	default:
		r = isakmp_data_decode(pl, &d, &e);
		ck_assert_msg(r == 0, "%s: %s", name, e.what);
		isakmp_put_payload(b, pl->type, d.p, d.len, NULL);
		return;
	}
}

static void
chain_rebuild(const struct isakmp_chain *c, struct isakmp_buf *b, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		decode_and_rebuild(&c->pl[i], b, name);
}

static uint8_t
first_of(const char *name)
{
	const char *t = strstr(name, "-plain-");

	ck_assert_ptr_nonnull(t);
	t += 7;
	if (strncmp(t, "id.", 3) == 0)
		return ISAKMP_PL_ID;
	if (strncmp(t, "hash.", 5) == 0)
		return ISAKMP_PL_HASH;
	ck_abort_msg("%s: unknown first payload", name);
	return 0;
}

START_TEST(test_every_seed)
{
	const char *top = getenv("top_srcdir");
	char dir[1024];
	struct dirent *de;
	size_t nmsg = 0, nclear = 0, nplain = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/%s", top ? top : ".", SEED_DIR);
	d = opendir(dir);
	ck_assert_msg(d != NULL, "opendir %s", dir);
	while ((de = readdir(d)) != NULL) {
		const char *name = de->d_name;
		struct isakmp_buf b;
		struct isakmp_err e;
		char line[512];

		if (strlen(name) < 5 || strcmp(name + strlen(name) - 4, ".bin") != 0)
			continue;
		isakmp_buf_init(&b, 0);
		if (strstr(name, "-plain-") != NULL) {
			struct isakmp_chain c;

			plain_load(name, first_of(name), &c);
			ck_assert_uint_le(c.pad, 16);
			ck_assert_uint_gt(c.n, 0);
			ck_assert_uint_lt(isakmp_chain_print(line, sizeof(line), &c),
			    sizeof(line));
			chain_rebuild(&c, &b, name);
			ck_assert_int_eq(isakmp_buf_finish(&b, &e), 0);
			ck_assert_uint_eq(b.first, first_of(name));
			ck_assert_uint_eq(b.len, c.used);
			ck_assert_msg(memcmp(b.p, file, c.used) == 0, "%s: rebuilt differs", name);
			nplain++;
		} else {
			struct isakmp_msg m;

			msg_load(name, &m);
			ck_assert_uint_eq(m.hdr.length, file_len);
			ck_assert_uint_eq(m.hdr.version, ISAKMP_VERSION);
			ck_assert_uint_lt(isakmp_msg_print(line, sizeof(line), &m),
			    sizeof(line));
			isakmp_put_hdr(&b, &m.hdr);
			if (m.hdr.flags & ISAKMP_FLAG_E) {
				/* a whole number of cipher blocks follows the header */
				ck_assert_uint_eq(m.body_len % 8, 0);
				isakmp_put_raw(&b, m.body, m.body_len);
			} else {
				chain_rebuild(&m.chain, &b, name);
				nclear++;
			}
			ck_assert_int_eq(isakmp_buf_finish(&b, &e), 0);
			ck_assert_uint_eq(b.len, file_len);
			ck_assert_msg(memcmp(b.p, file, file_len) == 0, "%s: rebuilt differs",
			    name);
			nmsg++;
		}
		isakmp_buf_free(&b);
	}
	closedir(d);
	/* 7 scenarios: most messages of each exchange, from both sides */
	ck_assert_uint_ge(nmsg, 50);
	ck_assert_uint_ge(nclear, 25);
	ck_assert_uint_ge(nplain, 40);
}
END_TEST

static void
attr_is(const struct isakmp_xform *x, uint16_t type, uint64_t want)
{
	struct isakmp_attr a;
	uint64_t v;

	ck_assert_msg(isakmp_xform_attr(x, type, &a), "attribute %u missing", type);
	ck_assert_int_eq(isakmp_attr_uint(&a, &v), 0);
	ck_assert_msg(v == want, "attribute %u: %llu, want %llu", type, (unsigned long long)v,
	    (unsigned long long)want);
}

static void
sa_first(const struct isakmp_pl *pl, struct isakmp_sa *sa, struct isakmp_prop *p,
    struct isakmp_iter *xi)
{
	struct isakmp_iter pi;
	struct isakmp_err e;

	ck_assert_uint_eq(pl->type, ISAKMP_PL_SA);
	ck_assert_msg(isakmp_sa_decode(pl, sa, &e) == 0, "%s", e.what);
	isakmp_sa_props(sa, &pi);
	ck_assert(isakmp_prop_next(&pi, p));
	isakmp_prop_xforms(p, xi);
}

/* Main Mode 1, proposals aes128-sha256-modp2048. */
START_TEST(test_main_mode_1)
{
	static const uint8_t zero[8] = { 0 };
	struct isakmp_msg m;
	struct isakmp_sa sa;
	struct isakmp_prop p;
	struct isakmp_xform x;
	struct isakmp_iter xi;
	struct isakmp_attr a;

	msg_load("mm-aes-pfs-B-01-msg.bin", &m);
	ck_assert_uint_eq(m.hdr.exchange, ISAKMP_EXCH_ID_PROT);
	ck_assert_uint_eq(m.hdr.flags, 0);
	ck_assert_uint_eq(m.hdr.msgid, 0);
	ck_assert_mem_eq(m.hdr.rcookie, zero, 8);
	ck_assert_uint_eq(m.chain.n, 6);
	ck_assert_uint_eq(isakmp_chain_count(&m.chain, ISAKMP_PL_VID), 5);
	sa_first(&m.chain.pl[0], &sa, &p, &xi);
	ck_assert_uint_eq(sa.nprops, 1);
	ck_assert_uint_eq(p.proto, ISAKMP_PROTO_ISAKMP);
	ck_assert_uint_eq(p.spi_len, 0);
	ck_assert_uint_eq(p.ntrans, 1);
	ck_assert(isakmp_xform_next(&xi, &x));
	ck_assert_uint_eq(x.id, ISAKMP_KEY_IKE);
	attr_is(&x, ISAKMP_P1_ENCR, ISAKMP_P1_ENCR_AES_CBC);
	attr_is(&x, ISAKMP_P1_KEY_LEN, 128);
	attr_is(&x, ISAKMP_P1_HASH, ISAKMP_P1_HASH_SHA2_256);
	attr_is(&x, ISAKMP_P1_GROUP, 14);
	attr_is(&x, ISAKMP_P1_AUTH, ISAKMP_P1_AUTH_PSK);
	attr_is(&x, ISAKMP_P1_LIFE_TYPE, ISAKMP_LIFE_SECONDS);
	ck_assert(isakmp_xform_attr(&x, ISAKMP_P1_LIFE_DURATION, &a));
	ck_assert(!isakmp_xform_next(&xi, &x));
}
END_TEST

/* Two IKE proposals: strongSwan sends one proposal with a transform for each. */
START_TEST(test_main_mode_1_two_transforms)
{
	struct isakmp_msg m;
	struct isakmp_sa sa;
	struct isakmp_prop p;
	struct isakmp_xform x;
	struct isakmp_iter xi;

	msg_load("mm-3des-tunnel-B-01-msg.bin", &m);
	sa_first(&m.chain.pl[0], &sa, &p, &xi);
	ck_assert_uint_eq(p.ntrans, 2);
	ck_assert(isakmp_xform_next(&xi, &x));
	ck_assert_uint_eq(x.num, 1);
	attr_is(&x, ISAKMP_P1_ENCR, ISAKMP_P1_ENCR_AES_CBC);
	attr_is(&x, ISAKMP_P1_KEY_LEN, 256);
	attr_is(&x, ISAKMP_P1_HASH, ISAKMP_P1_HASH_SHA2_512);
	attr_is(&x, ISAKMP_P1_GROUP, 16);
	ck_assert(isakmp_xform_next(&xi, &x));
	ck_assert_uint_eq(x.num, 2);
	attr_is(&x, ISAKMP_P1_ENCR, ISAKMP_P1_ENCR_3DES);
	attr_is(&x, ISAKMP_P1_HASH, ISAKMP_P1_HASH_SHA);
	attr_is(&x, ISAKMP_P1_GROUP, 2);
	ck_assert(!isakmp_xform_next(&xi, &x));
}
END_TEST

/* Main Mode 2 / 3: KE of the group's size, nonces, NAT-D hashes of the PRF's size. */
START_TEST(test_main_mode_ke)
{
	static const struct { const char *name; size_t ke, natd; } cases[] = {
		{ "mm-aes-pfs-A-02-msg.bin", 256, 32 },		/* MODP 2048, SHA2-256 */
		{ "mm-aes-pfs-B-02-msg.bin", 256, 32 },
		{ "mm-3des-tunnel-A-02-msg.bin", 512, 64 },	/* MODP 4096, SHA2-512 */
		{ "mm-gcm-fqdn-A-02-msg.bin", 64, 48 },		/* ECP 256, SHA2-384 */
	};
	struct isakmp_msg m;
	struct isakmp_data d;
	struct isakmp_err e;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		msg_load(cases[i].name, &m);
		ck_assert_uint_eq(m.chain.n, 4);
		ck_assert_uint_eq(m.chain.pl[0].type, ISAKMP_PL_KE);
		ck_assert_int_eq(isakmp_data_decode(&m.chain.pl[0], &d, &e), 0);
		ck_assert_uint_eq(d.len, cases[i].ke);
		ck_assert_uint_eq(m.chain.pl[1].type, ISAKMP_PL_NONCE);
		ck_assert_int_eq(isakmp_data_decode(&m.chain.pl[1], &d, &e), 0);
		ck_assert_uint_ge(d.len, 8);
		for (int j = 2; j < 4; j++) {
			ck_assert_uint_eq(m.chain.pl[j].type, ISAKMP_PL_NAT_D);
			ck_assert_int_eq(isakmp_data_decode(&m.chain.pl[j], &d, &e), 0);
			ck_assert_uint_eq(d.len, cases[i].natd);
		}
	}
}
END_TEST

/* Main Mode 5: ID, HASH, INITIAL-CONTACT on the ISAKMP SA's cookies. */
START_TEST(test_main_mode_5)
{
	struct isakmp_chain c;
	struct isakmp_msg m;
	struct isakmp_id id;
	struct isakmp_notify n;
	struct isakmp_data d;
	struct isakmp_err e;
	uint8_t cookies[16];

	msg_load("mm-gcm-fqdn-B-03-msg.bin", &m);
	ck_assert_uint_eq(m.hdr.flags, ISAKMP_FLAG_E);
	ck_assert_uint_eq(m.hdr.np, ISAKMP_PL_ID);
	memcpy(cookies, m.hdr.icookie, 8);
	memcpy(cookies + 8, m.hdr.rcookie, 8);
	plain_load("mm-gcm-fqdn-B-04-plain-id.bin", ISAKMP_PL_ID, &c);
	ck_assert_uint_eq(c.n, 3);
	ck_assert_int_eq(isakmp_id_decode(&c.pl[0], &id, &e), 0);
	ck_assert_uint_eq(id.type, ISAKMP_ID_FQDN);
	ck_assert_uint_eq(id.len, strlen("a.example.org"));
	ck_assert_mem_eq(id.data, "a.example.org", id.len);
	/* phase 1 IDs: protocol 0/port 0 or UDP/500 (RFC 2407 4.6.2) */
	ck_assert(id.proto == 0 || (id.proto == 17 && id.port == 500));
	ck_assert_int_eq(isakmp_data_decode(&c.pl[1], &d, &e), 0);
	ck_assert_uint_eq(d.len, 48);	/* PRF HMAC-SHA2-384 */
	ck_assert_int_eq(isakmp_notify_decode(&c.pl[2], &n, &e), 0);
	ck_assert_uint_eq(n.type, ISAKMP_N_INITIAL_CONTACT);
	ck_assert_uint_eq(n.proto, ISAKMP_PROTO_ISAKMP);
	ck_assert_uint_eq(n.spi_len, 16);
	ck_assert_mem_eq(n.spi, cookies, 16);
	/* the responder's MM6 ID is a user FQDN */
	plain_load("mm-gcm-fqdn-A-04-plain-id.bin", ISAKMP_PL_ID, &c);
	ck_assert_int_eq(isakmp_id_decode(&c.pl[0], &id, &e), 0);
	ck_assert_uint_eq(id.type, ISAKMP_ID_USER_FQDN);
	ck_assert_mem_eq(id.data, "user@b.example.org", id.len);
}
END_TEST

/* Quick Mode 1 with PFS: HASH SA NONCE KE IDci IDcr. */
START_TEST(test_quick_mode_1)
{
	struct isakmp_chain c;
	struct isakmp_sa sa;
	struct isakmp_prop p;
	struct isakmp_xform x;
	struct isakmp_iter xi;
	struct isakmp_id id;
	struct isakmp_data d;
	struct isakmp_err e;
	char line[200];
	uint8_t a1[4] = { 10, 99, 0, 1 }, a2[4] = { 10, 99, 0, 2 };

	plain_load("mm-aes-pfs-B-06-plain-hash.bin", ISAKMP_PL_HASH, &c);
	isakmp_chain_print(line, sizeof(line), &c);
	ck_assert_str_eq(line, "[HASH SA NONCE KE ID(IPV4_ADDR) ID(IPV4_ADDR)]");
	ck_assert_int_eq(isakmp_data_decode(&c.pl[0], &d, &e), 0);
	ck_assert_uint_eq(d.len, 32);
	sa_first(&c.pl[1], &sa, &p, &xi);
	ck_assert_uint_eq(p.proto, ISAKMP_PROTO_ESP);
	ck_assert_uint_eq(p.spi_len, 4);
	ck_assert(isakmp_xform_next(&xi, &x));
	ck_assert_uint_eq(x.id, ISAKMP_ESP_AES_CBC);
	attr_is(&x, ISAKMP_P2_KEY_LEN, 128);
	attr_is(&x, ISAKMP_P2_AUTH, ISAKMP_P2_AUTH_HMAC_SHA2_256);
	attr_is(&x, ISAKMP_P2_GROUP, 14);
	attr_is(&x, ISAKMP_P2_ENCAP, ISAKMP_ENCAP_TRANSPORT);
	attr_is(&x, ISAKMP_P2_LIFE_TYPE, ISAKMP_LIFE_SECONDS);
	ck_assert_int_eq(isakmp_data_decode(&c.pl[3], &d, &e), 0);
	ck_assert_uint_eq(d.len, 256);
	ck_assert_int_eq(isakmp_id_decode(&c.pl[4], &id, &e), 0);
	ck_assert_mem_eq(id.addr, a1, 4);
	ck_assert_int_eq(isakmp_id_decode(&c.pl[5], &id, &e), 0);
	ck_assert_mem_eq(id.addr, a2, 4);
	/* the responder's SPI differs from the initiator's (views die with the buffer) */
	{
		struct isakmp_chain c2;
		struct isakmp_sa sa2;
		struct isakmp_prop p2;
		struct isakmp_iter xi2;
		uint8_t spi[4];

		memcpy(spi, p.spi, 4);
		plain_load("mm-aes-pfs-A-06-plain-hash.bin", ISAKMP_PL_HASH, &c2);
		sa_first(&c2.pl[1], &sa2, &p2, &xi2);
		ck_assert_uint_eq(p2.ntrans, 1);
		ck_assert_int_ne(memcmp(spi, p2.spi, 4), 0);
	}
}
END_TEST

/* Quick Mode: AES-GCM (no integrity attribute), port and protocol selectors. */
START_TEST(test_quick_mode_gcm)
{
	struct isakmp_chain c;
	struct isakmp_sa sa;
	struct isakmp_prop p;
	struct isakmp_xform x;
	struct isakmp_iter xi;
	struct isakmp_attr a;
	struct isakmp_id id;
	struct isakmp_err e;

	plain_load("mm-gcm-fqdn-B-06-plain-hash.bin", ISAKMP_PL_HASH, &c);
	sa_first(&c.pl[1], &sa, &p, &xi);
	ck_assert(isakmp_xform_next(&xi, &x));
	ck_assert_uint_eq(x.id, ISAKMP_ESP_AES_GCM_16);
	attr_is(&x, ISAKMP_P2_KEY_LEN, 128);
	attr_is(&x, ISAKMP_P2_GROUP, 19);
	ck_assert(!isakmp_xform_attr(&x, ISAKMP_P2_AUTH, &a));
	ck_assert_int_eq(isakmp_id_decode(&c.pl[4], &id, &e), 0);
	ck_assert_uint_eq(id.proto, 6);
	ck_assert_uint_eq(id.port, 80);
	ck_assert_int_eq(isakmp_id_decode(&c.pl[5], &id, &e), 0);
	ck_assert_uint_eq(id.proto, 6);
	ck_assert_uint_eq(id.port, 0);
}
END_TEST

/* Quick Mode IDs: IPv4 subnets, IPv6 subnets, an IPv4 range. */
START_TEST(test_quick_mode_ids)
{
	struct isakmp_chain c;
	struct isakmp_id id;
	struct isakmp_err e;
	uint8_t want[16];

	plain_load("mm-3des-tunnel-B-06-plain-hash.bin", ISAKMP_PL_HASH, &c);
	ck_assert_int_eq(isakmp_id_decode(&c.pl[3], &id, &e), 0);
	ck_assert_uint_eq(id.type, ISAKMP_ID_IPV4_ADDR_SUBNET);
	inet_pton(AF_INET, "10.1.0.0", want);
	ck_assert_mem_eq(id.addr, want, 4);
	ck_assert_uint_eq(id.prefix, 16);
	ck_assert_int_eq(isakmp_id_decode(&c.pl[4], &id, &e), 0);
	ck_assert_uint_eq(id.prefix, 24);

	plain_load("mm-v6-B-06-plain-hash.bin", ISAKMP_PL_HASH, &c);
	ck_assert_int_eq(isakmp_id_decode(&c.pl[3], &id, &e), 0);
	ck_assert_uint_eq(id.type, ISAKMP_ID_IPV6_ADDR_SUBNET);
	ck_assert_int_eq(id.af, AF_INET6);
	inet_pton(AF_INET6, "fd01::", want);
	ck_assert_mem_eq(id.addr, want, 16);
	ck_assert_uint_eq(id.prefix, 64);
	ck_assert_int_eq(isakmp_id_decode(&c.pl[4], &id, &e), 0);
	ck_assert_uint_eq(id.prefix, 48);

	plain_load("mm-range-dpd-B-06-plain-hash.bin", ISAKMP_PL_HASH, &c);
	ck_assert_int_eq(isakmp_id_decode(&c.pl[3], &id, &e), 0);
	ck_assert_uint_eq(id.type, ISAKMP_ID_IPV4_ADDR_RANGE);
	inet_pton(AF_INET, "10.3.0.1", want);
	ck_assert_mem_eq(id.addr, want, 4);
	inet_pton(AF_INET, "10.3.0.9", want);
	ck_assert_mem_eq(id.addr2, want, 4);
}
END_TEST

/* Informational: DPD R-U-THERE and its ACK on the cookies, DELETE of the ISAKMP SA. */
START_TEST(test_informational)
{
	struct isakmp_chain c;
	struct isakmp_msg m;
	struct isakmp_notify n;
	struct isakmp_delete d;
	struct isakmp_err e;
	uint8_t cookies[16];
	char line[300];

	msg_load("mm-range-dpd-A-07-msg.bin", &m);
	ck_assert_uint_eq(m.hdr.exchange, ISAKMP_EXCH_INFO);
	ck_assert_uint_ne(m.hdr.msgid, 0);
	memcpy(cookies, m.hdr.icookie, 8);
	memcpy(cookies + 8, m.hdr.rcookie, 8);
	plain_load("mm-range-dpd-A-08-plain-hash.bin", ISAKMP_PL_HASH, &c);
	ck_assert_int_eq(isakmp_notify_decode(&c.pl[1], &n, &e), 0);
	ck_assert_uint_eq(n.type, ISAKMP_N_DPD_R_U_THERE);
	ck_assert_uint_eq(n.spi_len, 16);
	ck_assert_mem_eq(n.spi, cookies, 16);
	ck_assert_uint_eq(n.data_len, 4);	/* the sequence number */
	plain_load("mm-range-dpd-B-10-plain-hash.bin", ISAKMP_PL_HASH, &c);
	ck_assert_int_eq(isakmp_notify_decode(&c.pl[1], &n, &e), 0);
	ck_assert_uint_eq(n.type, ISAKMP_N_DPD_R_U_THERE_ACK);

	msg_load("mm-aes-pfs-B-09-msg.bin", &m);
	memcpy(cookies, m.hdr.icookie, 8);
	memcpy(cookies + 8, m.hdr.rcookie, 8);
	plain_load("mm-aes-pfs-B-10-plain-hash.bin", ISAKMP_PL_HASH, &c);
	ck_assert_int_eq(isakmp_delete_decode(&c.pl[1], &d, &e), 0);
	ck_assert_uint_eq(d.proto, ISAKMP_PROTO_ISAKMP);
	ck_assert_uint_eq(d.nspi, 1);
	ck_assert_mem_eq(isakmp_delete_spi(&d, 0), cookies, 16);

	/* a proposal mismatch in Main Mode is answered in the clear */
	msg_load("mm-mismatch-A-01-msg.bin", &m);
	ck_assert_uint_eq(m.hdr.flags, 0);
	isakmp_msg_print(line, sizeof(line), &m);
	ck_assert_ptr_nonnull(strstr(line, "INFORMATIONAL i="));
	ck_assert_ptr_nonnull(strstr(line, " [N(NO-PROPOSAL-CHOSEN)]"));
	ck_assert_int_eq(isakmp_notify_decode(&m.chain.pl[0], &n, &e), 0);
	ck_assert_uint_eq(n.type, ISAKMP_N_NO_PROPOSAL_CHOSEN);
}
END_TEST

/* A real message cut or padded anywhere is refused, never misread. */
START_TEST(test_real_truncations)
{
	struct isakmp_msg m;
	struct isakmp_err e;
	size_t full;

	load("mm-aes-pfs-B-01-msg.bin");
	full = file_len;
	for (size_t len = 0; len < full; len++)
		ck_assert_int_eq(isakmp_msg_parse(&m, file, len, 0, &e), -1);
	/* the header length fixed up to every shorter length: the chain must not fit */
	for (size_t len = ISAKMP_HDR_LEN + 1; len < full; len++) {
		file[24] = (uint8_t)(len >> 24);
		file[25] = (uint8_t)(len >> 16);
		file[26] = (uint8_t)(len >> 8);
		file[27] = (uint8_t)len;
		ck_assert_msg(isakmp_msg_parse(&m, file, len, 0, &e) == -1, "len %zu", len);
	}
}
END_TEST

static Suite *
real_suite(void)
{
	Suite *s = suite_create("isakmp_real");
	TCase *tc = tcase_create("strongswan");

	tcase_add_test(tc, test_every_seed);
	tcase_add_test(tc, test_main_mode_1);
	tcase_add_test(tc, test_main_mode_1_two_transforms);
	tcase_add_test(tc, test_main_mode_ke);
	tcase_add_test(tc, test_main_mode_5);
	tcase_add_test(tc, test_quick_mode_1);
	tcase_add_test(tc, test_quick_mode_gcm);
	tcase_add_test(tc, test_quick_mode_ids);
	tcase_add_test(tc, test_informational);
	tcase_add_test(tc, test_real_truncations);
	suite_add_tcase(s, tc);
	return s;
}

IPP_CHECK_MAIN(real_suite)
