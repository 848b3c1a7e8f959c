/*
 * cache: the file that keeps the last directory policy for when the directory cannot be
 * reached (ipsecpold(8), CACHE).  Text, versioned, closed by a SHA-256 over every byte
 * before it; written whole to a temporary file and renamed, so it is old or new, never
 * half.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <gnutls/crypto.h>

#include "agent/cache.h"

bool cache_test_stop_before_rename;

#define SUM_PREFIX	"sha256 "
#define SUM_LINE_LEN	(sizeof(SUM_PREFIX) - 1 + 2 * CACHE_DIGEST_LEN + 1)

void
cache_meta_clear(struct cache_meta *m)
{
	free(m->uri);
	free(m->policy_dn);
	free(m->host);
	memset(m, 0, sizeof(*m));
}

static int
sha256(const void *p, size_t len, uint8_t out[CACHE_DIGEST_LEN])
{
	return gnutls_hash_fast(GNUTLS_DIG_SHA256, p, len, out) == 0 ? 0 : -1;
}

/* The header lines, up to the tree's text of len bytes. */
static void
format_head(struct cache_buf *b, const struct cache_meta *m, size_t len)
{
	char hex[CACHE_DIGEST_HEX];

	cache_buf_printf(b, "%s %d\nuri ", CACHE_MAGIC, CACHE_VERSION);
	cache_buf_quote(b, m->uri);
	cache_buf_printf(b, "\npolicy-dn ");
	cache_buf_quote(b, m->policy_dn);
	cache_buf_printf(b, "\nhost ");
	cache_buf_quote(b, m->host);
	cache_hex(m->digest, CACHE_DIGEST_LEN, hex);
	cache_buf_printf(b, "\nfetched %" PRId64 "\ndigest %s\nlength %zu\n", m->fetched, hex,
	    len);
}

void
cache_format_text(struct cache_buf *b, const struct cache_meta *m, const struct cache_buf *tree)
{
	uint8_t sum[CACHE_DIGEST_LEN];
	char hex[CACHE_DIGEST_HEX];
	size_t start = b->len;	/* b may hold something before the file */

	if (tree->oom) {
		b->oom = true;
		return;
	}
	format_head(b, m, tree->len);
	if (!cache_buf_room(b, tree->len + SUM_LINE_LEN))
		return;
	cache_buf_add(b, tree->p, tree->len);
	if (b->oom || sha256(b->p + start, b->len - start, sum) < 0) {
		b->oom = true;
		return;
	}
	cache_hex(sum, CACHE_DIGEST_LEN, hex);
	cache_buf_printf(b, SUM_PREFIX "%s\n", hex);
}

void
cache_format(struct cache_buf *b, const struct cache_meta *m, const struct ipp_policy_tree *t)
{
	struct cache_buf tree = { 0 };

	cache_tree_encode(&tree, t);
	cache_format_text(b, m, &tree);
	cache_buf_free(&tree);
}

/* ------------------------------------------------------------------ parsing */

/* The next header line "key value" into l; the line is cut out of *pp. */
static int
hdr_line(char **pp, char *end, unsigned no, const char *key, struct cache_line *l,
    struct ipp_err *e)
{
	char *s = *pp, *nl = memchr(s, '\n', (size_t)(end - s));

	if (nl == NULL)
		return ipp_errf(e, IPP_E_INVAL, "header line %u: missing (expected '%s')", no,
		    key);
	*nl = '\0';
	*pp = nl + 1;
	if (cache_line_split(s, no, l, e) < 0)
		return ipp_err_prefix(e, "header");
	if (l->n != 2 || l->quoted[0] || strcmp(l->f[0], key) != 0)
		return ipp_errf(e, IPP_E_INVAL, "header line %u: expected '%s VALUE'", no, key);
	return 0;
}

static int
hdr_str(char **pp, char *end, unsigned no, const char *key, char **out, struct ipp_err *e)
{
	struct cache_line l;

	if (hdr_line(pp, end, no, key, &l, e) < 0)
		return -1;
	if (!l.quoted[1] || l.f[1][0] == '\0')
		return ipp_errf(e, IPP_E_INVAL, "header line %u: '%s' needs a quoted, non-empty "
		    "value", no, key);
	if ((*out = strdup(l.f[1])) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	return 0;
}

static int
hdr_num(char **pp, char *end, unsigned no, const char *key, uint64_t hi, uint64_t *out,
    struct ipp_err *e)
{
	struct cache_line l;
	char *x;

	if (hdr_line(pp, end, no, key, &l, e) < 0)
		return -1;
	errno = 0;
	*out = strtoull(l.f[1], &x, 10);
	if (l.quoted[1] || l.f[1][0] < '0' || l.f[1][0] > '9' || *x != '\0' || errno != 0 ||
	    *out > hi)
		return ipp_errf(e, IPP_E_INVAL, "header line %u: '%s' is not a number up to %"
		    PRIu64, no, key, hi);
	return 0;
}

static int
hex_decode(const char *s, uint8_t *out, size_t len)
{
	unsigned v;

	if (strlen(s) != 2 * len || strspn(s, "0123456789abcdef") != 2 * len)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	return 0;
}

/* The last line must be the checksum of everything before it. */
static int
parse_sum(const char *buf, size_t len, size_t *body, struct ipp_err *e)
{
	uint8_t want[CACHE_DIGEST_LEN], got[CACHE_DIGEST_LEN];
	char line[SUM_LINE_LEN + 1];

	if (len < SUM_LINE_LEN || buf[len - 1] != '\n')
		return ipp_errf(e, IPP_E_INVAL, "truncated: no checksum line at the end");
	*body = len - SUM_LINE_LEN;
	if (*body > 0 && buf[*body - 1] != '\n')
		return ipp_errf(e, IPP_E_INVAL, "truncated: no checksum line at the end");
	memcpy(line, buf + *body, SUM_LINE_LEN - 1);
	line[SUM_LINE_LEN - 1] = '\0';
	if (strncmp(line, SUM_PREFIX, sizeof(SUM_PREFIX) - 1) != 0 ||
	    hex_decode(line + sizeof(SUM_PREFIX) - 1, want, sizeof(want)) < 0)
		return ipp_errf(e, IPP_E_INVAL, "truncated or damaged: the last line is not "
		    "'sha256 HEX'");
	if (sha256(buf, *body, got) < 0)
		return ipp_errf(e, IPP_E_NOMEM, "cannot compute SHA-256");
	if (memcmp(want, got, sizeof(want)) != 0)
		return ipp_errf(e, IPP_E_INVAL, "checksum mismatch: the file was changed or "
		    "damaged after it was written");
	return 0;
}

static int
parse_header(char **pp, char *end, struct cache_meta *m, uint64_t *tlen, struct ipp_err *e)
{
	struct cache_line l;
	char ver[16];
	uint64_t fetched;

	snprintf(ver, sizeof(ver), "%d", CACHE_VERSION);
	if (hdr_line(pp, end, 1, CACHE_MAGIC, &l, e) < 0)
		return ipp_errf(e, IPP_E_INVAL, "not an ipsecpol cache (no '%s %d' line)",
		    CACHE_MAGIC, CACHE_VERSION);
	if (l.quoted[1] || strcmp(l.f[1], ver) != 0)
		return ipp_errf(e, IPP_E_INVAL, "cache version '%.16s' is not %d, the one this "
		    "agent reads", l.f[1], CACHE_VERSION);
	if (hdr_str(pp, end, 2, "uri", &m->uri, e) < 0 ||
	    hdr_str(pp, end, 3, "policy-dn", &m->policy_dn, e) < 0 ||
	    hdr_str(pp, end, 4, "host", &m->host, e) < 0 ||
	    hdr_num(pp, end, 5, "fetched", INT64_MAX, &fetched, e) < 0)
		return -1;
	m->fetched = (int64_t)fetched;
	if (hdr_line(pp, end, 6, "digest", &l, e) < 0)
		return -1;
	if (l.quoted[1] || hex_decode(l.f[1], m->digest, CACHE_DIGEST_LEN) < 0)
		return ipp_errf(e, IPP_E_INVAL, "header line 6: digest is not 64 hex digits");
	return hdr_num(pp, end, 7, "length", CACHE_FILE_MAX, tlen, e);
}

int
cache_parse(const char *buf, size_t len, struct cache_meta *m, struct ipp_policy_tree *t,
    struct ipp_err *e)
{
	char *copy;
	int rc;

	memset(m, 0, sizeof(*m));
	memset(t, 0, sizeof(*t));
	if (len > CACHE_FILE_MAX)
		return ipp_errf(e, IPP_E_INVAL, "larger than %u bytes", CACHE_FILE_MAX);
	if ((copy = malloc(len + 1)) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	memcpy(copy, buf, len);
	rc = cache_parse_buf(copy, len, m, t, e);
	explicit_bzero(copy, len + 1);
	free(copy);
	return rc;
}

int
cache_parse_buf(char *buf, size_t len, struct cache_meta *m, struct ipp_policy_tree *t,
    struct ipp_err *e)
{
	uint8_t digest[CACHE_DIGEST_LEN];
	uint64_t tlen = 0;
	size_t body = 0;
	char *p, *end;
	int rc = -1;

	memset(m, 0, sizeof(*m));
	memset(t, 0, sizeof(*t));
	if (len > CACHE_FILE_MAX)
		return ipp_errf(e, IPP_E_INVAL, "larger than %u bytes", CACHE_FILE_MAX);
	if (parse_sum(buf, len, &body, e) < 0)
		return -1;
	/* The checksum line is checked: its first byte ends the body. */
	buf[body] = '\0';
	p = buf;
	end = buf + body;
	if (memchr(buf, '\0', body) != NULL)
		ipp_errf(e, IPP_E_INVAL, "holds a NUL byte");
	else if (parse_header(&p, end, m, &tlen, e) < 0)
		;
	else if ((uint64_t)(end - p) != tlen)
		ipp_errf(e, IPP_E_INVAL, "the policy text has %zu bytes, the header says %" PRIu64,
		    (size_t)(end - p), tlen);
	else if (cache_tree_decode_buf(p, (size_t)tlen, t, e) < 0)
		ipp_err_prefix(e, "policy text");
	else if (cache_tree_digest(t, digest) < 0)
		ipp_errf(e, IPP_E_NOMEM, "out of memory");
	else if (memcmp(digest, m->digest, sizeof(digest)) != 0)
		ipp_errf(e, IPP_E_INVAL, "the policy's digest does not match its text");
	else
		rc = 0;
	explicit_bzero(buf, len);
	if (rc < 0) {
		cache_meta_clear(m);
		ipp_policy_tree_clear(t);
	}
	return rc;
}

/* ------------------------------------------------------------------ files */

int
cache_buf_write(int fd, const struct cache_buf *b)
{
	const char *p = b->p;
	size_t len = b->len;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
fsync_dir(const char *path)
{
	char *copy = strdup(path);
	int fd, rc = -1;

	if (copy == NULL)
		return -1;
	if ((fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		rc = fsync(fd);
		close(fd);
	}
	free(copy);
	return rc;
}

/* The cache's directory: made 0700 when missing (a fresh /var/cache/ipsecpol). */
static int
cache_dir(const char *path, struct ipp_err *e)
{
	char *copy = strdup(path), *dir;
	int rc = 0;

	if (copy == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	dir = dirname(copy);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		rc = ipp_errf(e, IPP_E_STORE, "cache directory %s: %s", dir, strerror(errno));
	free(copy);
	return rc;
}

int
cache_write(const char *path, const struct cache_meta *m, const struct ipp_policy_tree *t,
    struct ipp_err *e)
{
	struct cache_buf b = { 0 };
	char *tmp;
	int fd, rc = -1;

	if (cache_dir(path, e) < 0)
		return -1;
	cache_format(&b, m, t);
	if (b.oom) {
		cache_buf_free(&b);
		return ipp_errf(e, IPP_E_NOMEM, "cache %s: out of memory", path);
	}
	if (asprintf(&tmp, "%s.tmpXXXXXX", path) < 0) {
		cache_buf_free(&b);
		return ipp_errf(e, IPP_E_NOMEM, "cache %s: out of memory", path);
	}
	/* mkstemp makes the file 0600 whatever the umask. */
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0) {
		ipp_errf(e, IPP_E_STORE, "cache %s: cannot create a temporary file: %s", path,
		    strerror(errno));
		goto done;
	}
	if (fchmod(fd, 0600) < 0 || cache_buf_write(fd, &b) < 0 || fsync(fd) < 0) {
		ipp_errf(e, IPP_E_STORE, "cache %s: writing %s: %s", path, tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		goto done;
	}
	if (close(fd) < 0) {
		ipp_errf(e, IPP_E_STORE, "cache %s: closing %s: %s", path, tmp, strerror(errno));
		unlink(tmp);
		goto done;
	}
	if (cache_test_stop_before_rename) {
		rc = 0;
		goto done;
	}
	if (rename(tmp, path) < 0) {
		ipp_errf(e, IPP_E_STORE, "cache %s: rename from %s: %s", path, tmp,
		    strerror(errno));
		unlink(tmp);
		goto done;
	}
	if (fsync_dir(path) < 0) {
		ipp_errf(e, IPP_E_STORE, "cache %s: syncing its directory: %s", path,
		    strerror(errno));
		goto done;
	}
	rc = 0;
done:
	free(tmp);
	cache_buf_free(&b);
	return rc;
}

int
cache_read(const char *path, struct cache_meta *m, struct ipp_policy_tree *t,
    struct ipp_err *e)
{
	struct stat sb = { 0 };
	char *buf;
	size_t got = 0;
	ssize_t n;
	int fd, rc;

	memset(m, 0, sizeof(*m));
	memset(t, 0, sizeof(*t));
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)) < 0) {
		if (errno == ENOENT)
			return 1;
		return ipp_errf(e, IPP_E_STORE, "cache %s cannot be read: %s", path,
		    strerror(errno));
	}
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) || sb.st_uid != geteuid() ||
	    (sb.st_mode & 077) != 0) {
		close(fd);
		return ipp_errf(e, IPP_E_STORE, "cache %s is not a regular file of ours with "
		    "mode 0600 (owner %u, mode %04o): refusing it", path, (unsigned)sb.st_uid,
		    (unsigned)(sb.st_mode & 07777));
	}
	if (sb.st_size > (off_t)CACHE_FILE_MAX) {
		close(fd);
		return ipp_errf(e, IPP_E_STORE, "cache %s: larger than %u bytes", path,
		    CACHE_FILE_MAX);
	}
	if ((buf = malloc((size_t)sb.st_size + 1)) == NULL) {
		close(fd);
		return ipp_errf(e, IPP_E_NOMEM, "cache %s: out of memory", path);
	}
	while (got < (size_t)sb.st_size &&
	    (n = read(fd, buf + got, (size_t)sb.st_size - got)) > 0)
		got += (size_t)n;
	close(fd);
	if (got != (size_t)sb.st_size)
		rc = ipp_errf(e, IPP_E_STORE, "cache %s: short read", path);
	else if ((rc = cache_parse(buf, got, m, t, e)) < 0) {
		e->code = IPP_E_STORE;
		ipp_err_prefix(e, "cache %s", path);
	}
	explicit_bzero(buf, (size_t)sb.st_size + 1);
	free(buf);
	return rc;
}
