/*
 * libFuzzer target for the agent's cache reader (agent/cache.c).  A cache file is outside
 * input: damaged on disk, or written by whoever could write it; the fetching child's
 * answer goes through the same reader.
 *
 * If the first byte is odd the rest is parsed whole, as it would be with its checksum.
 * Otherwise the rest is the policy text alone and is wrapped in a file with a correct
 * header and checksum, so the fuzzer reaches the tree parser behind the checksum.
 * Invariants: a refusal leaves nothing allocated; what is accepted is valid and encodes
 * back to the same digest.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "agent/cache.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A file around text: the header, the text, the checksum. */
static void
wrap(struct cache_buf *b, const uint8_t *text, size_t len)
{
	uint8_t sum[CACHE_DIGEST_LEN];
	char hex[CACHE_DIGEST_HEX];
	unsigned int n = sizeof(sum);

	cache_buf_printf(b, "%s %d\nuri \"ldap://h\"\npolicy-dn \"cn=p\"\nhost \"h\"\n"
	    "fetched 1\ndigest %064d\nlength %zu\n", CACHE_MAGIC, CACHE_VERSION, 0, len);
	cache_buf_add(b, text, len);
	if (b->oom || EVP_Digest(b->p, b->len, sum, &n, EVP_sha256(), NULL) != 1)
		abort();
	cache_hex(sum, sizeof(sum), hex);
	cache_buf_printf(b, "sha256 %s\n", hex);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cache_buf b = { 0 };
	struct ipp_policy_tree t;
	struct cache_meta m;
	struct ipp_err e;
	uint8_t d[CACHE_DIGEST_LEN];

	if (size < 1 || size > (1u << 20))
		return 0;
	if (data[0] & 1) {
		if (cache_parse((const char *)data + 1, size - 1, &m, &t, &e) == 0) {
			if (ipp_policy_tree_validate(&t, &e) < 0 || cache_tree_digest(&t, d) < 0 ||
			    memcmp(d, m.digest, sizeof(d)) != 0)
				abort();
			cache_meta_clear(&m);
			ipp_policy_tree_clear(&t);
		}
		return 0;
	}
	/* The text alone: the digest in the wrapper is zero, so only the tree parser's
	 * verdict matters; a tree it accepts must be valid. */
	if (cache_tree_decode((const char *)data + 1, size - 1, &t, &e) == 0) {
		if (ipp_policy_tree_validate(&t, &e) < 0)
			abort();
		ipp_policy_tree_clear(&t);
	}
	wrap(&b, data + 1, size - 1);
	if (cache_parse(b.p, b.len, &m, &t, &e) == 0)
		abort();	/* a zero digest never matches */
	cache_buf_free(&b);
	return 0;
}
