/*
 * The directory policy's offline cache (ipsecpold(8), CACHE) and the canonical text of a
 * policy tree it holds.  The canonical text is also what the agent compares to find a
 * change anywhere in a fetched policy (a filter, a list, an action, main mode), and what
 * the fetching child hands the agent through a pipe, so one hardened reader serves all.
 */
#ifndef IPP_AGENT_CACHE_H
#define IPP_AGENT_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "store/model.h"

#define CACHE_MAGIC		"ipsecpol-cache"
#define CACHE_VERSION		1
#define CACHE_FILE_MAX		(64u << 20)	/* bytes of a cache file */
#define CACHE_DIGEST_LEN	32		/* SHA-256 */
#define CACHE_DIGEST_HEX	(2 * CACHE_DIGEST_LEN + 1)

/* A growable buffer; it may hold preshared keys, so it is wiped when freed.  With md set
 * (cache_tree_digest), it is a window: what fills it goes into the digest and the room is
 * reused, so a text is hashed without being kept whole. */
struct cache_buf {
	char	*p;
	size_t	len, cap;
	bool	oom;
	void	*md;	/* gnutls_hash_hd_t, or NULL */
};

void	cache_buf_free(struct cache_buf *b);
/* Makes room for more bytes and the NUL kept after them: one copy for a known size.
 * false (and b->oom) when out of memory or past CACHE_FILE_MAX. */
bool	cache_buf_room(struct cache_buf *b, size_t more);
/* Writes all of b to fd, resuming after EINTR and short writes; 0 or -1 with errno. */
int	cache_buf_write(int fd, const struct cache_buf *b);
void	cache_buf_add(struct cache_buf *b, const void *p, size_t len);
void	cache_buf_printf(struct cache_buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* A string as a quoted field: bytes below 0x20, 0x7f, '"' and '\' as \xHH. */
void	cache_buf_quote(struct cache_buf *b, const char *s);

/* ---- cache_tree.c: the canonical text of a policy tree ---- */

#define CACHE_FIELDS_MAX	10

/* One line split into fields; quoted strings unescaped in place. */
struct cache_line {
	char		*f[CACHE_FIELDS_MAX];
	bool		quoted[CACHE_FIELDS_MAX];
	unsigned	n;
	unsigned	no;
};

/* Splits s (one line, no newline) in place.  0, or -1 with e naming line no. */
int	cache_line_split(char *s, unsigned no, struct cache_line *l, struct ipp_err *e);

/*
 * Appends the canonical text of t: one line per object, lists and actions sorted by name,
 * store-kept fields (changed, assigned) left out.  Equal trees give equal text.
 */
void	cache_tree_encode(struct cache_buf *b, const struct ipp_policy_tree *t);
/* Parses what cache_tree_encode wrote into t (zeroed here) and validates the tree.
 * 0, or -1 with e naming the line and what was expected. */
int	cache_tree_decode(const char *text, size_t len, struct ipp_policy_tree *t,
	    struct ipp_err *e);
/* The same in place, without a copy: text[0, len] is overwritten (lines split, strings
 * unescaped; text[len] must be writable) and wiped. */
int	cache_tree_decode_buf(char *text, size_t len, struct ipp_policy_tree *t,
	    struct ipp_err *e);
/* SHA-256 of the canonical text, hashed as it is written (no copy of the whole text).
 * 0, or -1 (out of memory). */
int	cache_tree_digest(const struct ipp_policy_tree *t, uint8_t out[CACHE_DIGEST_LEN]);
void	cache_hex(const uint8_t *p, size_t len, char *out);

/* ---- cache.c: the file ---- */

struct cache_meta {
	char	*uri;		/* the directory it came from */
	char	*policy_dn;	/* the policy's entry */
	char	*host;		/* the host identity it was fetched for */
	int64_t	fetched;	/* seconds since the epoch */
	uint8_t	digest[CACHE_DIGEST_LEN];	/* of the tree's canonical text */
};

void	cache_meta_clear(struct cache_meta *m);

/* The whole file's bytes (header, tree, checksum line) in b. */
void	cache_format(struct cache_buf *b, const struct cache_meta *m,
	    const struct ipp_policy_tree *t);
/* The same from the tree's text (cache_tree_encode), which it copies once. */
void	cache_format_text(struct cache_buf *b, const struct cache_meta *m,
	    const struct cache_buf *tree);
/* Parses and verifies a whole file's bytes: magic, version, every header field, length,
 * SHA-256 over everything before the checksum line, digest of the tree, the tree itself.
 * m and t are zeroed here; on failure both are cleared.  0, or -1 with e. */
int	cache_parse(const char *buf, size_t len, struct cache_meta *m,
	    struct ipp_policy_tree *t, struct ipp_err *e);
/* The same in place, without a copy: buf's bytes are overwritten and wiped. */
int	cache_parse_buf(char *buf, size_t len, struct cache_meta *m,
	    struct ipp_policy_tree *t, struct ipp_err *e);

/*
 * Writes the cache atomically: a temporary file in the same directory (mode 0600),
 * written whole, fsync, rename over path, fsync of the directory.  A crash at any point
 * leaves either the old file or the new one.  0, or -1 with e (the old file stays).
 */
int	cache_write(const char *path, const struct cache_meta *m,
	    const struct ipp_policy_tree *t, struct ipp_err *e);
/* Reads and verifies path.  1 when there is no file, 0 when m and t are filled, -1 with
 * e when the file is unusable (unreadable, not a regular file, not 0600 root's, corrupt). */
int	cache_read(const char *path, struct cache_meta *m, struct ipp_policy_tree *t,
	    struct ipp_err *e);

/* Test hook: cache_write stops after the temporary file is complete, before the rename,
 * as a crash there would. */
extern bool cache_test_stop_before_rename;

#endif
