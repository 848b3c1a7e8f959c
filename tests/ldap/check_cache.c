/*
 * The agent's directory cache: the canonical text of a policy tree (round trip, change
 * detection), the file (0600 whatever the umask, atomic replacement, a crash before the
 * rename leaves the old file) and its reader (every flipped bit and every truncation is
 * refused).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <openssl/evp.h>

#include "agent/cache.h"
#include "store/store.h"
#include "tests/lib/ipp_check.h"

static char dir[] = "/tmp/ipp-check-cache-XXXXXX";
static char path[sizeof(dir) + 32];

static void
setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(strcpy(dir, "/tmp/ipp-check-cache-XXXXXX")));
	snprintf(path, sizeof(path), "%s/c/directory.cache", dir);
}

static void
teardown(void)
{
	char cmd[sizeof(dir) + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* A tree from Windows' examples in a fresh local store. */
static void
example_tree(const char *name, struct ipp_policy_tree *t)
{
	struct ipp_store_opts o = { .flags = IPP_STORE_CREATE };
	struct ipp_store *st;
	struct ipp_err e;
	char db[sizeof(dir) + 16];

	snprintf(db, sizeof(db), "%s/ex.db", dir);
	ck_assert_msg(ipp_store_open_local(&st, db, &o, &e) == 0, "%s", e.msg);
	ck_assert_msg(ipp_store_policy_get(st, name, t, &e) == 0, "%s", e.msg);
	ipp_store_close(st);
}

/* The example with awkward strings and a preshared key added. */
static void
rich_tree(struct ipp_policy_tree *t)
{
	struct ipp_policy *p = &t->policy;
	struct ipp_auth psk = { .kind = IPP_AUTH_PSK };

	example_tree("Secure Server (Require Security)", t);
	free(p->description);
	p->description = strdup("quote \" backslash \\ tab\tnewline\nend");
	ck_assert_uint_gt(p->nrules, 0);
	psk.value = strdup("s3cret \"key\"");
	ck_assert_ptr_nonnull(ipp_array_push(&p->rules[0].auth, &p->rules[0].nauth,
	    sizeof(psk), &psk));
}

static struct cache_meta
meta(void)
{
	struct cache_meta m = { .uri = (char *)"ldap://127.0.0.1:389",
	    .policy_dn = (char *)"cn=ipsecpolPolicy{X},cn=IP Security,dc=example,dc=test",
	    .host = (char *)"lab1", .fetched = 1795760000 };

	return m;
}

static char *
text_of(const struct ipp_policy_tree *t)
{
	struct cache_buf b = { 0 };
	char *s;

	cache_tree_encode(&b, t);
	ck_assert(!b.oom);
	s = strdup(b.p);
	cache_buf_free(&b);
	return s;
}

START_TEST(test_text_round_trip)
{
	struct ipp_policy_tree t, u;
	struct ipp_err e;
	char *a, *b;

	rich_tree(&t);
	a = text_of(&t);
	ck_assert_msg(cache_tree_decode(a, strlen(a), &u, &e) == 0, "%s", e.msg);
	b = text_of(&u);
	ck_assert_str_eq(a, b);
	ck_assert_str_eq(u.policy.description, t.policy.description);
	ck_assert_str_eq(u.policy.rules[0].auth[u.policy.rules[0].nauth - 1].value,
	    "s3cret \"key\"");
	free(a);
	free(b);
	ipp_policy_tree_clear(&t);
	ipp_policy_tree_clear(&u);
}
END_TEST

START_TEST(test_digest_sees_every_object)
{
	struct ipp_policy_tree t;
	uint8_t d0[CACHE_DIGEST_LEN], d[CACHE_DIGEST_LEN];
	struct ipp_filterlist swap;

	example_tree("Secure Server (Require Security)", &t);
	ck_assert_int_eq(cache_tree_digest(&t, d0), 0);
	ck_assert_uint_ge(t.nlists, 2);
	/* Order of lists (as a directory may return them) does not count. */
	swap = t.lists[0];
	t.lists[0] = t.lists[1];
	t.lists[1] = swap;
	ck_assert_int_eq(cache_tree_digest(&t, d), 0);
	ck_assert_mem_eq(d, d0, sizeof(d));
	/* One filter's port. */
	ck_assert_uint_gt(t.lists[0].nfilters, 0);
	t.lists[0].filters[0].dport ^= 1;
	ck_assert_int_eq(cache_tree_digest(&t, d), 0);
	ck_assert(memcmp(d, d0, sizeof(d)) != 0);
	t.lists[0].filters[0].dport ^= 1;
	/* A filter action's offer. */
	ck_assert_uint_gt(t.nactions, 0);
	for (size_t i = 0; i < t.nactions; i++)
		if (t.actions[i].noffers > 0) {
			t.actions[i].offers[0].life_s += 1;
			break;
		}
	ck_assert_int_eq(cache_tree_digest(&t, d), 0);
	ck_assert(memcmp(d, d0, sizeof(d)) != 0);
	ipp_policy_tree_clear(&t);
}
END_TEST

START_TEST(test_write_read_mode)
{
	struct ipp_policy_tree t, u;
	struct cache_meta m = meta(), r;
	struct ipp_err e;
	struct stat sb;
	mode_t old;

	rich_tree(&t);
	ck_assert_int_eq(cache_tree_digest(&t, m.digest), 0);
	old = umask(0);
	ck_assert_msg(cache_write(path, &m, &t, &e) == 0, "%s", e.msg);
	umask(old);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 07777, 0600);
	ck_assert_msg(cache_read(path, &r, &u, &e) == 0, "%s", e.msg);
	ck_assert_str_eq(r.uri, m.uri);
	ck_assert_str_eq(r.policy_dn, m.policy_dn);
	ck_assert_str_eq(r.host, "lab1");
	ck_assert_int_eq(r.fetched, m.fetched);
	ck_assert_mem_eq(r.digest, m.digest, CACHE_DIGEST_LEN);
	ck_assert_str_eq(u.policy.name, t.policy.name);
	cache_meta_clear(&r);
	ipp_policy_tree_clear(&u);
	/* Refused when others may read it, and when it is missing. */
	ck_assert_int_eq(chmod(path, 0644), 0);
	ck_assert_int_eq(cache_read(path, &r, &u, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "mode 0600"));
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(cache_read(path, &r, &u, &e), 1);
	ipp_policy_tree_clear(&t);
}
END_TEST

START_TEST(test_crash_before_rename_keeps_old)
{
	struct ipp_policy_tree a, b, u;
	struct cache_meta m = meta(), r;
	struct ipp_err e;
	char cmd[sizeof(dir) + 64];
	FILE *f;
	int n;

	example_tree("Secure Server (Require Security)", &a);
	example_tree("Client (Respond Only)", &b);
	ck_assert_int_eq(cache_tree_digest(&a, m.digest), 0);
	ck_assert_msg(cache_write(path, &m, &a, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(cache_tree_digest(&b, m.digest), 0);
	cache_test_stop_before_rename = true;
	ck_assert_msg(cache_write(path, &m, &b, &e) == 0, "%s", e.msg);
	cache_test_stop_before_rename = false;
	/* The new file is complete beside the old one, which is still what is read. */
	snprintf(cmd, sizeof(cmd), "ls %s/c | wc -l", dir);
	ck_assert_ptr_nonnull(f = popen(cmd, "r"));
	ck_assert_int_eq(fscanf(f, "%d", &n), 1);
	pclose(f);
	ck_assert_int_eq(n, 2);
	ck_assert_msg(cache_read(path, &r, &u, &e) == 0, "%s", e.msg);
	ck_assert_str_eq(u.policy.name, "Secure Server (Require Security)");
	cache_meta_clear(&r);
	ipp_policy_tree_clear(&u);
	/* The next good write replaces it. */
	ck_assert_msg(cache_write(path, &m, &b, &e) == 0, "%s", e.msg);
	ck_assert_msg(cache_read(path, &r, &u, &e) == 0, "%s", e.msg);
	ck_assert_str_eq(u.policy.name, "Client (Respond Only)");
	cache_meta_clear(&r);
	ipp_policy_tree_clear(&u);
	ipp_policy_tree_clear(&a);
	ipp_policy_tree_clear(&b);
}
END_TEST

/*
 * A tree whose text is far larger than the 16 KiB window the digest hashes through:
 * cache_tree_digest is the SHA-256 of the whole text, and the in-place parser gives
 * back the same tree from the file cache_format_text makes.
 */
START_TEST(test_large_text_digest)
{
	struct ipp_policy_tree t, u;
	struct cache_meta m = meta(), r;
	struct cache_buf text = { 0 }, file = { 0 }, back = { 0 };
	struct ipp_filterlist *fl;
	struct ipp_err e;
	uint8_t d[CACHE_DIGEST_LEN], want[CACHE_DIGEST_LEN];
	unsigned int n = CACHE_DIGEST_LEN;
	char *got;

	rich_tree(&t);
	ck_assert_uint_gt(t.nlists, 0);
	fl = &t.lists[0];
	ck_assert_uint_gt(fl->nfilters, 0);
	/* Copies of the first filter: no DNS name that two copies would share. */
	ck_assert_ptr_null(fl->filters[0].src.dns);
	ck_assert_ptr_null(fl->filters[0].dst.dns);
	for (unsigned i = 0; i < 3000; i++) {
		struct ipp_filter x = fl->filters[0];
		char desc[32];

		snprintf(desc, sizeof(desc), "f%u", i);
		x.description = strdup(desc);
		x.proto = 6;
		x.dport = (uint16_t)(1 + i);
		ck_assert_ptr_nonnull(ipp_array_push(&fl->filters, &fl->nfilters, sizeof(x), &x));
	}
	cache_tree_encode(&text, &t);
	ck_assert(!text.oom);
	ck_assert_uint_gt(text.len, 4 * 16384);
	ck_assert_int_eq(EVP_Digest(text.p, text.len, want, &n, EVP_sha256(), NULL), 1);
	ck_assert_int_eq(cache_tree_digest(&t, d), 0);
	ck_assert_mem_eq(d, want, sizeof(d));
	memcpy(m.digest, d, sizeof(d));
	cache_format_text(&file, &m, &text);
	ck_assert(!file.oom);
	ck_assert_ptr_nonnull(got = malloc(file.len + 1));
	memcpy(got, file.p, file.len + 1);
	ck_assert_msg(cache_parse_buf(got, file.len, &r, &u, &e) == 0, "%s", e.msg);
	ck_assert_mem_eq(r.digest, d, sizeof(d));
	cache_tree_encode(&back, &u);
	ck_assert_uint_eq(back.len, text.len);
	ck_assert_mem_eq(back.p, text.p, text.len);
	free(got);
	cache_buf_free(&text);
	cache_buf_free(&file);
	cache_buf_free(&back);
	cache_meta_clear(&r);
	ipp_policy_tree_clear(&u);
	ipp_policy_tree_clear(&t);
}
END_TEST

static char *
formatted(size_t *len)
{
	struct ipp_policy_tree t;
	struct cache_meta m = meta();
	struct cache_buf b = { 0 };
	char *s;

	rich_tree(&t);
	ck_assert_int_eq(cache_tree_digest(&t, m.digest), 0);
	cache_format(&b, &m, &t);
	ck_assert(!b.oom);
	*len = b.len;
	s = malloc(b.len);
	memcpy(s, b.p, b.len);
	cache_buf_free(&b);
	ipp_policy_tree_clear(&t);
	return s;
}

START_TEST(test_every_flipped_bit_is_refused)
{
	struct ipp_policy_tree t;
	struct cache_meta m;
	struct ipp_err e;
	size_t len;
	char *s = formatted(&len);

	ck_assert_int_eq(cache_parse(s, len, &m, &t, &e), 0);
	cache_meta_clear(&m);
	ipp_policy_tree_clear(&t);
	for (size_t i = 0; i < len; i++)
		for (int bit = 0; bit < 8; bit += 3) {
			s[i] ^= (char)(1 << bit);
			ck_assert_msg(cache_parse(s, len, &m, &t, &e) == -1,
			    "byte %zu bit %d flipped was accepted", i, bit);
			s[i] ^= (char)(1 << bit);
		}
	free(s);
}
END_TEST

START_TEST(test_every_truncation_is_refused)
{
	struct ipp_policy_tree t;
	struct cache_meta m;
	struct ipp_err e;
	size_t len;
	char *s = formatted(&len);

	for (size_t n = 0; n < len; n++)
		ck_assert_msg(cache_parse(s, n, &m, &t, &e) == -1, "%zu of %zu bytes accepted",
		    n, len);
	free(s);
}
END_TEST

/*
 * The canonical text of filters, byte for byte: every address form, protocol words and
 * numbers, ports, mirrored or not, a description that needs escapes.  Decoding and
 * encoding again gives the same bytes (the encoder's fast line writer included).
 */
START_TEST(test_filter_lines_canonical)
{
	static const char text[] =
	    "policy - \"P\" \"\" 180\nmm 480 0 0 300\ndefrule 1\n"
	    "list - \"L\" \"\"\n"
	    "filter \"\" \"me\" \"any\" ANY 0 0 1\n"
	    "filter \"web \\x22a\\x5cb\\x22\" \"me\" \"10.1.2.3\" TCP 0 443 1\n"
	    "filter \"f2\" \"192.168.0.0/16\" \"10.0.0.1-10.0.0.9\" UDP 500 500 0\n"
	    "filter \"\" \"me\" \"2001:db8::1\" 50 0 0 1\n"
	    "filter \"\" \"2001:db8::/32\" \"host.example.test\" ICMP 0 0 1\n"
	    "filter \"\" \"me\" \"dns\" RAW 0 0 1\n"
	    "end\n";
	struct ipp_policy_tree t;
	struct ipp_err e;
	char *back;

	ck_assert_msg(cache_tree_decode(text, strlen(text), &t, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(t.nlists, 1);
	ck_assert_uint_eq(t.lists[0].nfilters, 6);
	back = text_of(&t);
	ck_assert_str_eq(back, text);
	free(back);
	ipp_policy_tree_clear(&t);
}
END_TEST

START_TEST(test_strict_text)
{
	static const char *bad[] = {
		"",
		"end\n",
		"policy - \"P\" \"\" 180\nend\n",			/* no mm, no defrule */
		"policy - \"P\" \"\" 180\nmm 480 0 0\ndefrule 1\nend\nend\n",
		"policy - \"P\" \"\" 180\nmm 480 0 0\ndefrule 1\nfilter \"\" \"me\" \"any\" ANY 0 0 1\nend\n",
		"policy - \"P\" \"\" 180\nmm 480 0 0\ndefrule 1\nlist - \"L\" \"\" extra\nend\n",
		"policy - \"P\" \"\" 0180\nmm 480 0 0\ndefrule 1\nend\n",
		"policy - \"P\\x00\" \"\" 180\nmm 480 0 0\ndefrule 1\nend\n",
		"policy -  \"P\" \"\" 180\nmm 480 0 0\ndefrule 1\nend\n",
		"policy - \"P\" \"\" 180\nmm 480 0 0\ndefrule 1\nend",
	};
	static const char good[] = "policy - \"P\" \"\" 180\nmm 480 0 0\ndefrule 1\nend\n";
	struct ipp_policy_tree t;
	struct ipp_err e;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(cache_tree_decode(bad[i], strlen(bad[i]), &t, &e) == -1,
		    "case %zu accepted", i);
	ck_assert_msg(cache_tree_decode(good, strlen(good), &t, &e) == 0, "%s", e.msg);
	ck_assert_str_eq(t.policy.name, "P");
	ipp_policy_tree_clear(&t);
}
END_TEST

static Suite *
cache_suite(void)
{
	Suite *s = suite_create("cache");
	TCase *tc = tcase_create("cache");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_text_round_trip);
	tcase_add_test(tc, test_digest_sees_every_object);
	tcase_add_test(tc, test_write_read_mode);
	tcase_add_test(tc, test_crash_before_rename_keeps_old);
	tcase_add_test(tc, test_every_flipped_bit_is_refused);
	tcase_add_test(tc, test_every_truncation_is_refused);
	tcase_add_test(tc, test_strict_text);
	tcase_add_test(tc, test_large_text_digest);
	tcase_add_test(tc, test_filter_lines_canonical);
	suite_add_tcase(s, tc);
	return s;
}

IPP_CHECK_MAIN(cache_suite)
