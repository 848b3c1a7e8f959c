/*
 * libFuzzer target for the local store's file reader.  A store file is outside input: it
 * may be damaged, or crafted by anyone who could write it.
 *
 * The input describes a file: if its first byte is odd, the rest is the whole file;
 * otherwise the rest is a list of 5-byte patches (offset, 4 bytes little-endian, modulo
 * the size; value) applied to a real seeded store, so that the fuzzer works on damage to
 * files that pass the header checks.  Each file is opened read-write, then everything in
 * it is read back.  Invariants: every failure has a store class; a refused file is left
 * byte for byte as it was; no journal stays behind; what loads is valid.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/tmp/ipp-fuzz-store-XXXXXX";
static char path[sizeof(dir) + 16], journal[sizeof(path) + 16];
static unsigned char *seed;
static size_t seedlen;

static unsigned char *
slurp(const char *p, size_t *len)
{
	FILE *f = fopen(p, "rb");
	unsigned char *b;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || (b = malloc((size_t)n + 1)) == NULL)
		abort();
	*len = fread(b, 1, (size_t)n, f);
	fclose(f);
	return b;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct ipp_store_opts o = { .flags = IPP_STORE_CREATE };
	struct ipp_store *st;
	struct ipp_err e;

	(void)argc;
	(void)argv;
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(path, sizeof(path), "%s/store.db", dir);
	snprintf(journal, sizeof(journal), "%s-journal", path);
	if (ipp_store_open_local(&st, path, &o, &e) == -1)
		abort();
	ipp_store_close(st);
	seed = slurp(path, &seedlen);
	return 0;
}

static void
put(const unsigned char *b, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || fwrite(b, 1, len, f) != len || fclose(f) != 0)
		abort();
	unlink(journal);
}

static void
read_all(struct ipp_store *st)
{
	int (*lists[])(struct ipp_store *, struct ipp_names *, struct ipp_err *) = {
		ipp_store_policy_list, ipp_store_filterlist_list, ipp_store_filteraction_list,
	};
	struct ipp_err e;

	for (size_t k = 0; k < 3; k++) {
		struct ipp_names n;

		if (lists[k](st, &n, &e) == -1)
			continue;
		for (size_t i = 0; i < n.n; i++) {
			struct ipp_policy_tree t;
			struct ipp_filterlist fl;
			struct ipp_filteraction fa;
			int rc;

			if (k == 0 && (rc = ipp_store_policy_get(st, n.v[i], &t, &e)) == 0) {
				if (ipp_policy_tree_validate(&t, &e) != 0)
					abort();
				ipp_policy_tree_clear(&t);
			} else if (k == 1 && (rc = ipp_store_filterlist_get(st, n.v[i], &fl,
			    &e)) == 0) {
				ipp_filterlist_clear(&fl);
			} else if (k == 2 && (rc = ipp_store_filteraction_get(st, n.v[i], &fa,
			    &e)) == 0) {
				ipp_filteraction_clear(&fa);
			} else if (e.code != IPP_E_STORE && e.code != IPP_E_NOENT &&
			    e.code != IPP_E_NOMEM)
				abort();
		}
		ipp_names_free(&n);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipp_store_opts o = { .busy_timeout_ms = 10 };
	struct ipp_store *st;
	struct ipp_err e;
	unsigned char *file, *after;
	size_t len, alen;

	if (size == 0)
		return 0;
	if (data[0] & 1) {
		len = size - 1;
		if ((file = malloc(len + 1)) == NULL)
			return 0;
		memcpy(file, data + 1, len);
	} else {
		len = seedlen;
		if ((file = malloc(len)) == NULL)
			return 0;
		memcpy(file, seed, len);
		for (size_t i = 1; i + 5 <= size; i += 5) {
			uint32_t off = (uint32_t)data[i] | (uint32_t)data[i + 1] << 8 |
			    (uint32_t)data[i + 2] << 16 | (uint32_t)data[i + 3] << 24;

			file[off % len] = data[i + 4];
		}
	}
	put(file, len);
	if (ipp_store_open_local(&st, path, &o, &e) == 0) {
		read_all(st);
		ipp_store_close(st);
	} else {
		if (e.code != IPP_E_STORE && e.code != IPP_E_NOMEM)
			abort();
		after = slurp(path, &alen);
		if (alen != len || memcmp(after, file, len) != 0)
			abort();	/* a refused file was modified */
		free(after);
	}
	if (access(journal, F_OK) == 0)
		abort();
	free(file);
	return 0;
}
