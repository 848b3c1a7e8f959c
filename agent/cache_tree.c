/*
 * cache_tree: the canonical text of a policy tree.  One object per line, a keyword and
 * its fields in a fixed order, separated by one blank; strings quoted.  The reader is
 * strict (every field, in order, nothing more) because the text comes from a file.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gnutls/crypto.h>

#include "agent/cache.h"

/* ------------------------------------------------------------------ buffer */

void
cache_buf_free(struct cache_buf *b)
{
	/* Bytes are only ever appended: [0, len] is all that was written.  Wiping the unused
	 * rest would only fault in pages that were never touched; a digest window was all
	 * written. */
	if (b->p != NULL)
		explicit_bzero(b->p, b->md != NULL ? b->cap : b->len + 1);
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/* A digest window that is full goes into the digest and starts again. */
static void
buf_drain(struct cache_buf *b)
{
	if (b->len > 0 && gnutls_hash(b->md, b->p, b->len) != 0)
		b->oom = true;
	b->len = 0;
}

bool
cache_buf_room(struct cache_buf *b, size_t more)
{
	size_t cap;
	char *p;

	if (b->oom)
		return false;
	if (b->len + more + 1 <= b->cap)
		return true;
	if (b->md != NULL && b->p != NULL) {
		buf_drain(b);
		if (b->oom)
			return false;
		if (more + 1 <= b->cap)
			return true;
	}
	for (cap = b->cap ? b->cap : 4096; cap < b->len + more + 1; cap *= 2)
		if (cap > CACHE_FILE_MAX)
			return b->oom = true, false;
	/* No realloc: the old block may hold keys and must be wiped. */
	if ((p = malloc(cap)) == NULL)
		return b->oom = true, false;
	if (b->p != NULL) {
		memcpy(p, b->p, b->len);
		explicit_bzero(b->p, b->len + 1);
		free(b->p);
	}
	b->p = p;
	b->cap = cap;
	return true;
}

void
cache_buf_add(struct cache_buf *b, const void *p, size_t len)
{
	if (!cache_buf_room(b, len))
		return;
	memcpy(b->p + b->len, p, len);
	b->len += len;
	b->p[b->len] = '\0';
}

void
cache_buf_printf(struct cache_buf *b, const char *fmt, ...)
{
	char small[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(small)) {
		b->oom = true;	/* callers print numbers and short tokens only */
		return;
	}
	cache_buf_add(b, small, (size_t)n);
	explicit_bzero(small, (size_t)n);
}

/* A byte that stands for itself inside a quoted field (not NUL). */
static bool
plain(unsigned char c)
{
	return c >= 0x20 && c != 0x7f && c != '"' && c != '\\';
}

void
cache_buf_quote(struct cache_buf *b, const char *s)
{
	char esc[5];

	const unsigned char *p = (const unsigned char *)(s ? s : ""), *run;

	cache_buf_add(b, "\"", 1);
	for (;;) {
		/* The bytes that stand for themselves go in one copy. */
		for (run = p; plain(*p); p++)
			;
		cache_buf_add(b, run, (size_t)(p - run));
		if (*p == '\0')
			break;
		snprintf(esc, sizeof(esc), "\\x%02x", *p++);
		cache_buf_add(b, esc, 4);
	}
	cache_buf_add(b, "\"", 1);
}

void
cache_hex(const uint8_t *p, size_t len, char *out)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = hex[p[i] >> 4];
		out[2 * i + 1] = hex[p[i] & 15];
	}
	out[2 * len] = '\0';
}

/* ------------------------------------------------------------------ names */

static const char *const proto_names[] = { "esp", "ah", "ah+esp", NULL };
static const char *const action_names[] = { "permit", "block", "negotiate", NULL };
static const char *const conn_names[] = { "all", "lan", "dialup", NULL };
static const char *const auth_names[] = { "kerberos", "psk", "cert", NULL };

static const char *
name_of(const char *const *names, unsigned v)
{
	for (unsigned i = 0; names[i] != NULL; i++)
		if (i == v)
			return names[i];
	return "?";
}

/* ------------------------------------------------------------------ encoding */

static void
enc_guid(struct cache_buf *b, const char *guid)
{
	cache_buf_printf(b, " %s", guid[0] ? guid : "-");
}

static void
enc_str(struct cache_buf *b, const char *s)
{
	cache_buf_add(b, " ", 1);
	cache_buf_quote(b, s);
}

static void
enc_addr(struct cache_buf *b, const struct ipp_addr *a)
{
	char text[IPP_ADDR_STRLEN];

	enc_str(b, ipp_addr_format(a, text, sizeof(text)));
}

static void
enc_qm_offer(struct cache_buf *b, const char *kw, const struct ipp_qm_offer *o)
{
	cache_buf_printf(b, "%s %s %s %s %s %u %u %d %u\n", kw, name_of(proto_names, o->proto),
	    ipp_hash_name(o->ah_hash), ipp_cipher_name(o->esp_cipher),
	    ipp_hash_name(o->esp_auth), o->life_s, o->life_kb, o->pfs, o->pfs_group);
}

static void
enc_auth(struct cache_buf *b, const char *kw, const struct ipp_auth *u)
{
	cache_buf_printf(b, "%s %s", kw, name_of(auth_names, u->kind));
	enc_str(b, u->value);
	cache_buf_printf(b, " %d %d\n", u->certmap, u->excludecaname);
}

static void
enc_policy(struct cache_buf *b, const struct ipp_policy *p)
{
	cache_buf_printf(b, "policy");
	enc_guid(b, p->guid);
	enc_str(b, p->name);
	enc_str(b, p->description);
	cache_buf_printf(b, " %u\nmm %u %u %d %u\n", p->poll_min, p->mm.lifetime_min,
	    p->mm.qm_per_mm, p->mm.pfs, p->mm.soft_expire_s);
	for (size_t i = 0; i < p->mm.noffers; i++)
		cache_buf_printf(b, "mmoffer %s %s %u\n", ipp_cipher_name(p->mm.offers[i].cipher),
		    ipp_hash_name(p->mm.offers[i].hash), p->mm.offers[i].group);
	cache_buf_printf(b, "defrule %d\n", p->defrule.active);
	for (size_t i = 0; i < p->defrule.noffers; i++)
		enc_qm_offer(b, "defoffer", &p->defrule.offers[i]);
	for (size_t i = 0; i < p->defrule.nauth; i++)
		enc_auth(b, "defauth", &p->defrule.auth[i]);
	for (size_t i = 0; i < p->nrules; i++) {
		const struct ipp_rule *r = &p->rules[i];

		cache_buf_printf(b, "rule");
		enc_guid(b, r->guid);
		enc_str(b, r->name);
		enc_str(b, r->description);
		enc_str(b, r->filterlist);
		enc_str(b, r->filteraction);
		enc_addr(b, &r->tunnel);
		cache_buf_printf(b, " %s %d\n", name_of(conn_names, r->conntype), r->active);
		for (size_t j = 0; j < r->nauth; j++)
			enc_auth(b, "auth", &r->auth[j]);
	}
}

/* An address as a quoted field at p: it needs no escape (ipp_addr_format writes digits,
 * letters and . : / -), else NULL. */
static char *
put_addr(char *p, const struct ipp_addr *a)
{
	char text[IPP_ADDR_STRLEN];
	size_t n;

	ipp_addr_format(a, text, sizeof(text));
	n = strlen(text);
	for (size_t i = 0; i < n; i++)
		if (!plain((unsigned char)text[i]))
			return NULL;
	*p++ = ' ';
	*p++ = '"';
	memcpy(p, text, n);
	p += n;
	*p++ = '"';
	return p;
}

/* A blank and the decimal digits of v at p. */
static char *
put_uint(char *p, unsigned long v)
{
	char d[24], *q = d + sizeof(d);

	do
		*--q = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	*p++ = ' ';
	memcpy(p, q, (size_t)(d + sizeof(d) - q));
	return p + (d + sizeof(d) - q);
}

/*
 * A list may hold thousands of filters: each line after the description is put together
 * in one buffer, without printf, and added at once.  The text is the same as the general
 * encoders', which an address that would need escapes still goes through.
 */
static void
enc_filter(struct cache_buf *b, const struct ipp_filter *f)
{
	char line[2 * (IPP_ADDR_STRLEN + 3) + IPP_PROTO_STRLEN + 4 * 24], *p = line, *q;
	const char *w = ipp_proto_word(f->proto, IPP_PROTO_STORE);

	cache_buf_add(b, "filter", 6);
	enc_str(b, f->description);
	if ((q = put_addr(p, &f->src)) == NULL || (q = put_addr(q, &f->dst)) == NULL) {
		enc_addr(b, &f->src);
		enc_addr(b, &f->dst);
	} else
		p = q;
	if (w != NULL) {
		*p++ = ' ';
		p = stpcpy(p, w);
	} else
		p = put_uint(p, f->proto);
	p = put_uint(p, f->sport);
	p = put_uint(p, f->dport);
	memcpy(p, f->mirrored ? " 1\n" : " 0\n", 3);
	cache_buf_add(b, line, (size_t)(p + 3 - line));
}

static void
enc_list(struct cache_buf *b, const struct ipp_filterlist *l)
{
	cache_buf_printf(b, "list");
	enc_guid(b, l->guid);
	enc_str(b, l->name);
	enc_str(b, l->description);
	cache_buf_add(b, "\n", 1);
	for (size_t i = 0; i < l->nfilters; i++)
		enc_filter(b, &l->filters[i]);
}

static void
enc_action(struct cache_buf *b, const struct ipp_filteraction *a)
{
	cache_buf_printf(b, "action");
	enc_guid(b, a->guid);
	enc_str(b, a->name);
	enc_str(b, a->description);
	cache_buf_printf(b, " %s %d %d\n", name_of(action_names, a->action), a->inpass,
	    a->soft);
	for (size_t i = 0; i < a->noffers; i++)
		enc_qm_offer(b, "offer", &a->offers[i]);
}

static int
by_list_name(const void *x, const void *y)
{
	const struct ipp_filterlist *const *a = x, *const *b = y;

	return strcmp((*a)->name ? (*a)->name : "", (*b)->name ? (*b)->name : "");
}

static int
by_action_name(const void *x, const void *y)
{
	const struct ipp_filteraction *const *a = x, *const *b = y;

	return strcmp((*a)->name ? (*a)->name : "", (*b)->name ? (*b)->name : "");
}

void
cache_tree_encode(struct cache_buf *b, const struct ipp_policy_tree *t)
{
	const struct ipp_filterlist **l;
	const struct ipp_filteraction **a;

	l = calloc(t->nlists + 1, sizeof(*l));
	a = calloc(t->nactions + 1, sizeof(*a));
	if (l == NULL || a == NULL) {
		free(l);
		free(a);
		b->oom = true;
		return;
	}
	/* Directories return entries in no set order: sort, so equal trees give equal text. */
	for (size_t i = 0; i < t->nlists; i++)
		l[i] = &t->lists[i];
	for (size_t i = 0; i < t->nactions; i++)
		a[i] = &t->actions[i];
	qsort(l, t->nlists, sizeof(*l), by_list_name);
	qsort(a, t->nactions, sizeof(*a), by_action_name);
	enc_policy(b, &t->policy);
	for (size_t i = 0; i < t->nlists; i++)
		enc_list(b, l[i]);
	for (size_t i = 0; i < t->nactions; i++)
		enc_action(b, a[i]);
	cache_buf_printf(b, "end\n");
	free(l);
	free(a);
}

int
cache_tree_digest(const struct ipp_policy_tree *t, uint8_t out[CACHE_DIGEST_LEN])
{
	struct cache_buf b = { 0 };
	gnutls_hash_hd_t h;
	int rc = -1;

	/* 16 KiB at a time: a 10,000-filter text is half a megabyte the hash need not keep. */
	if (gnutls_hash_init(&h, GNUTLS_DIG_SHA256) != 0)
		return -1;
	b.md = h;
	if (cache_buf_room(&b, 16383)) {
		cache_tree_encode(&b, t);
		if (!b.oom)
			buf_drain(&b);
		if (!b.oom)
			rc = 0;
	}
	/* Deinit also gives the digest; a failed one is not used. */
	gnutls_hash_deinit(h, rc == 0 ? out : NULL);
	cache_buf_free(&b);
	return rc;
}

/* ------------------------------------------------------------------ decoding */

#define line cache_line

static int
unquote(char **pp, char **out, struct ipp_err *e, unsigned no)
{
	char *p = *pp + 1, *w = p;

	*out = w;
	for (;;) {
		if (*p == '"') {
			*w = '\0';
			*pp = p + 1;
			return 0;
		}
		if (*p == '\0')
			return ipp_errf(e, IPP_E_INVAL, "line %u: unterminated string", no);
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return ipp_errf(e, IPP_E_INVAL, "line %u: control byte in a string", no);
		if (*p == '\\') {
			unsigned v;

			if (p[1] != 'x' || sscanf(p + 2, "%2x", &v) != 1 ||
			    strspn(p + 2, "0123456789abcdef") < 2 || v == 0)
				return ipp_errf(e, IPP_E_INVAL, "line %u: bad escape in a string "
				    "(expected \\xHH, lower-case, not 00)", no);
			*w++ = (char)v;
			p += 4;
		} else
			*w++ = *p++;
	}
}

int
cache_line_split(char *s, unsigned no, struct line *l, struct ipp_err *e)
{
	memset(l, 0, sizeof(*l));
	l->no = no;
	while (*s != '\0') {
		if (l->n == CACHE_FIELDS_MAX)
			return ipp_errf(e, IPP_E_INVAL, "line %u: more than %d fields", no,
			    CACHE_FIELDS_MAX);
		if (*s == '"') {
			l->quoted[l->n] = true;
			if (unquote(&s, &l->f[l->n], e, no) < 0)
				return -1;
		} else {
			l->f[l->n] = s;
			s += strcspn(s, " \"");
			if (s == l->f[l->n])
				return ipp_errf(e, IPP_E_INVAL, "line %u: empty field", no);
		}
		l->n++;
		if (*s == ' ') {
			*s++ = '\0';
			if (*s == '\0')
				return ipp_errf(e, IPP_E_INVAL, "line %u: trailing blank", no);
		} else if (*s != '\0')
			return ipp_errf(e, IPP_E_INVAL, "line %u: fields must be separated by "
			    "one blank", no);
	}
	return 0;
}

static int
want(const struct line *l, unsigned n, const char *what, struct ipp_err *e)
{
	if (l->n != n)
		return ipp_errf(e, IPP_E_INVAL, "line %u: '%s' has %u fields, expected %u (%s)",
		    l->no, l->f[0], l->n, n, what);
	return 0;
}

static int
get_str(const struct line *l, unsigned i, char **out, struct ipp_err *e)
{
	if (!l->quoted[i])
		return ipp_errf(e, IPP_E_INVAL, "line %u: field %u: expected a quoted string",
		    l->no, i);
	if (l->f[i][0] == '\0')
		return 0;	/* empty: absent */
	if ((*out = strdup(l->f[i])) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	return 0;
}

static int
get_u32(const struct line *l, unsigned i, uint32_t hi, uint32_t *out, struct ipp_err *e)
{
	const char *s = l->f[i];
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (l->quoted[i] || s[0] < '0' || s[0] > '9' || (s[0] == '0' && s[1] != '\0') ||
	    *end != '\0' || errno != 0 || v > hi)
		return ipp_errf(e, IPP_E_INVAL, "line %u: field %u: '%.32s' is not a number "
		    "from 0 to %u", l->no, i, s, hi);
	*out = (uint32_t)v;
	return 0;
}

static int
get_bool(const struct line *l, unsigned i, bool *out, struct ipp_err *e)
{
	uint32_t v;

	if (get_u32(l, i, 1, &v, e) < 0)
		return -1;
	*out = v != 0;
	return 0;
}

static int
get_enum(const struct line *l, unsigned i, const char *const *names, unsigned *out,
    struct ipp_err *e)
{
	for (unsigned k = 0; names[k] != NULL && !l->quoted[i]; k++)
		if (strcmp(l->f[i], names[k]) == 0)
			return *out = k, 0;
	return ipp_errf(e, IPP_E_INVAL, "line %u: field %u: '%.32s' is not a known value",
	    l->no, i, l->f[i]);
}

static int
get_algo(const struct line *l, unsigned i, bool cipher, unsigned *out, struct ipp_err *e)
{
	int v = l->quoted[i] ? -1 : cipher ? ipp_cipher_from_name(l->f[i]) :
	    ipp_hash_from_name(l->f[i]);

	if (v < 0)
		return ipp_errf(e, IPP_E_INVAL, "line %u: field %u: '%.32s' is not a known %s",
		    l->no, i, l->f[i], cipher ? "cipher" : "hash");
	*out = (unsigned)v;
	return 0;
}

static int
get_guid(const struct line *l, unsigned i, char out[IPP_GUID_SIZE], struct ipp_err *e)
{
	if (strcmp(l->f[i], "-") == 0 && !l->quoted[i])
		return out[0] = '\0', 0;
	if (l->quoted[i] || !ipp_guid_valid(l->f[i]))
		return ipp_errf(e, IPP_E_INVAL, "line %u: field %u: '%.40s' is not a GUID",
		    l->no, i, l->f[i]);
	snprintf(out, IPP_GUID_SIZE, "%s", l->f[i]);
	return 0;
}

static int
get_addr(const struct line *l, unsigned i, struct ipp_addr *a, struct ipp_err *e)
{
	if (!l->quoted[i])
		return ipp_errf(e, IPP_E_INVAL, "line %u: field %u: expected a quoted address",
		    l->no, i);
	if (ipp_addr_parse(a, l->f[i], NULL, e) < 0)
		return ipp_err_prefix(e, "line %u", l->no);
	return 0;
}

static int
dec_qm_offer(const struct line *l, struct ipp_qm_offer *o, struct ipp_err *e)
{
	unsigned v[4];
	uint32_t g;

	if (want(l, 9, "proto ah-hash esp-cipher esp-auth life-s life-kb pfs pfs-group", e) < 0 ||
	    get_enum(l, 1, proto_names, &v[0], e) < 0 || get_algo(l, 2, false, &v[1], e) < 0 ||
	    get_algo(l, 3, true, &v[2], e) < 0 || get_algo(l, 4, false, &v[3], e) < 0 ||
	    get_u32(l, 5, UINT32_MAX, &o->life_s, e) < 0 ||
	    get_u32(l, 6, UINT32_MAX, &o->life_kb, e) < 0 || get_bool(l, 7, &o->pfs, e) < 0 ||
	    get_u32(l, 8, UINT16_MAX, &g, e) < 0)
		return -1;
	o->proto = v[0];
	o->ah_hash = v[1];
	o->esp_cipher = v[2];
	o->esp_auth = v[3];
	o->pfs_group = (ipp_dhgroup)g;
	return 0;
}

static int
dec_auth(const struct line *l, struct ipp_auth *u, struct ipp_err *e)
{
	unsigned k;

	if (want(l, 5, "kind value certmap exclude-ca-name", e) < 0 ||
	    get_enum(l, 1, auth_names, &k, e) < 0 || get_str(l, 2, &u->value, e) < 0 ||
	    get_bool(l, 3, &u->certmap, e) < 0 || get_bool(l, 4, &u->excludecaname, e) < 0)
		return -1;
	u->kind = k;
	return 0;
}

/* Sections in the order the encoder writes them. */
enum dec_state { S_START, S_POLICY, S_MM, S_DEF, S_RULE, S_LIST, S_ACTION, S_END };

struct dec {
	struct ipp_policy_tree *t;
	enum dec_state st;
	const char *next;	/* the line after the one being decoded */
	size_t room;		/* filters the last list's array was made for */
};

/*
 * Room for want elements in a new array that ipp_array_push grows: as many as it would
 * have made room for after want pushes (a power of two, 4 at least), so that it goes on
 * growing it right.  Made at once, the array is not copied at every doubling, which for
 * 10,000 filters touches twice the pages the filters fill.  The first *room elements are
 * then taken without ipp_array_push.
 */
static int
reserve(void *arrayp, size_t want, size_t size, size_t *room, struct ipp_err *e)
{
	void **array = arrayp;
	size_t cap = 4;

	while (cap < want)
		cap *= 2;
	if (*array != NULL)
		return 0;
	if ((*array = reallocarray(NULL, cap, size)) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	*room = want;
	return 0;
}

/* Appends a zeroed element; NULL when out of memory. */
static void *
push(void *arrayp, size_t *n, size_t size, struct ipp_err *e)
{
	char zero[256] = { 0 };
	void *p;

	if (size > sizeof(zero))
		abort();
	if ((p = ipp_array_push(arrayp, n, size, zero)) == NULL)
		ipp_errf(e, IPP_E_NOMEM, "out of memory");
	return p;
}

static int
dec_policy(struct dec *d, const struct line *l, struct ipp_err *e)
{
	struct ipp_policy *p = &d->t->policy;

	ipp_policy_init(p);
	if (want(l, 5, "guid name description poll-minutes", e) < 0 ||
	    get_guid(l, 1, p->guid, e) < 0 || get_str(l, 2, &p->name, e) < 0 ||
	    get_str(l, 3, &p->description, e) < 0 ||
	    get_u32(l, 4, UINT32_MAX, &p->poll_min, e) < 0)
		return -1;
	return 0;
}

static int
dec_rule(struct dec *d, const struct line *l, struct ipp_err *e)
{
	struct ipp_policy *p = &d->t->policy;
	struct ipp_rule *r;
	unsigned conn;

	if ((r = push(&p->rules, &p->nrules, sizeof(*r), e)) == NULL)
		return -1;
	ipp_rule_init(r);
	if (want(l, 9, "guid name description list action tunnel conntype active", e) < 0 ||
	    get_guid(l, 1, r->guid, e) < 0 || get_str(l, 2, &r->name, e) < 0 ||
	    get_str(l, 3, &r->description, e) < 0 || get_str(l, 4, &r->filterlist, e) < 0 ||
	    get_str(l, 5, &r->filteraction, e) < 0 || get_addr(l, 6, &r->tunnel, e) < 0 ||
	    get_enum(l, 7, conn_names, &conn, e) < 0 || get_bool(l, 8, &r->active, e) < 0)
		return -1;
	r->conntype = conn;
	return 0;
}

static int
dec_filter(struct dec *d, const struct line *l, struct ipp_err *e)
{
	struct ipp_filterlist *fl = &d->t->lists[d->t->nlists - 1];
	struct ipp_filter *f;
	uint32_t sp, dp;
	int proto;

	if (fl->nfilters < d->room)
		f = memset(&fl->filters[fl->nfilters++], 0, sizeof(*f));
	else if ((f = push(&fl->filters, &fl->nfilters, sizeof(*f), e)) == NULL)
		return -1;
	ipp_filter_init(f);
	if (want(l, 8, "description src dst proto sport dport mirrored", e) < 0 ||
	    get_str(l, 1, &f->description, e) < 0 || get_addr(l, 2, &f->src, e) < 0 ||
	    get_addr(l, 3, &f->dst, e) < 0 || get_u32(l, 5, UINT16_MAX, &sp, e) < 0 ||
	    get_u32(l, 6, UINT16_MAX, &dp, e) < 0 || get_bool(l, 7, &f->mirrored, e) < 0)
		return -1;
	if (l->quoted[4] || (proto = ipp_proto_from_name(l->f[4])) < 0)
		return ipp_errf(e, IPP_E_INVAL, "line %u: '%.32s' is not a protocol", l->no,
		    l->f[4]);
	f->proto = (uint8_t)proto;
	f->sport = (uint16_t)sp;
	f->dport = (uint16_t)dp;
	return 0;
}

static int
dec_list(struct dec *d, const struct line *l, struct ipp_err *e)
{
	struct ipp_filterlist *fl;

	size_t nf = 0;

	d->room = 0;
	if ((fl = push(&d->t->lists, &d->t->nlists, sizeof(*fl), e)) == NULL)
		return -1;
	/* Its filters are the lines that follow: their array is made at once. */
	for (const char *q = d->next; strncmp(q, "filter ", 7) == 0; q = strchr(q, '\n') + 1)
		nf++;
	return want(l, 4, "guid name description", e) < 0 || get_guid(l, 1, fl->guid, e) < 0 ||
	    get_str(l, 2, &fl->name, e) < 0 || get_str(l, 3, &fl->description, e) < 0 ||
	    (nf > 0 && reserve(&fl->filters, nf, sizeof(*fl->filters), &d->room, e) < 0) ?
	    -1 : 0;
}

static int
dec_action(struct dec *d, const struct line *l, struct ipp_err *e)
{
	struct ipp_filteraction *fa;
	unsigned act;

	if ((fa = push(&d->t->actions, &d->t->nactions, sizeof(*fa), e)) == NULL)
		return -1;
	ipp_filteraction_init(fa);
	if (want(l, 7, "guid name description action inpass soft", e) < 0 ||
	    get_guid(l, 1, fa->guid, e) < 0 || get_str(l, 2, &fa->name, e) < 0 ||
	    get_str(l, 3, &fa->description, e) < 0 ||
	    get_enum(l, 4, action_names, &act, e) < 0 || get_bool(l, 5, &fa->inpass, e) < 0 ||
	    get_bool(l, 6, &fa->soft, e) < 0)
		return -1;
	fa->action = act;
	return 0;
}

static int
dec_mm(struct dec *d, const struct line *l, struct ipp_err *e)
{
	struct ipp_mm *mm = &d->t->policy.mm;

	/* The soft association expiry came later: a cache written before has no field. */
	mm->soft_expire_s = IPP_DEF_SOFT_EXPIRE_S;
	return (l->n != 5 && want(l, 4, "lifetime-minutes qm-per-mm pfs [soft-expire-s]",
	    e) < 0) || get_u32(l, 1, UINT32_MAX, &mm->lifetime_min, e) < 0 ||
	    get_u32(l, 2, UINT32_MAX, &mm->qm_per_mm, e) < 0 ||
	    get_bool(l, 3, &mm->pfs, e) < 0 ||
	    (l->n == 5 && get_u32(l, 4, IPP_SOFT_EXPIRE_S_HI, &mm->soft_expire_s, e) < 0) ?
	    -1 : 0;
}

static int
dec_mm_offer(struct dec *d, const struct line *l, struct ipp_err *e)
{
	struct ipp_mm *mm = &d->t->policy.mm;
	struct ipp_mm_offer *o;
	unsigned c, h;
	uint32_t g;

	if ((o = push(&mm->offers, &mm->noffers, sizeof(*o), e)) == NULL)
		return -1;
	if (want(l, 4, "cipher hash group", e) < 0 || get_algo(l, 1, true, &c, e) < 0 ||
	    get_algo(l, 2, false, &h, e) < 0 || get_u32(l, 3, UINT16_MAX, &g, e) < 0)
		return -1;
	o->cipher = c;
	o->hash = h;
	o->group = (ipp_dhgroup)g;
	return 0;
}

struct keyword {
	const char	*kw;
	unsigned	from;		/* bit set of the states it may follow */
	enum dec_state	to;
	int		(*fn)(struct dec *, const struct line *, struct ipp_err *);
};

#define B(s)	(1u << (s))

static int
dec_defrule(struct dec *d, const struct line *l, struct ipp_err *e)
{
	return want(l, 2, "active", e) < 0 ||
	    get_bool(l, 1, &d->t->policy.defrule.active, e) < 0 ? -1 : 0;
}

static int
dec_defoffer(struct dec *d, const struct line *l, struct ipp_err *e)
{
	struct ipp_defrule *r = &d->t->policy.defrule;
	struct ipp_qm_offer *o = push(&r->offers, &r->noffers, sizeof(*o), e);

	return o == NULL ? -1 : dec_qm_offer(l, o, e);
}

static int
dec_defauth(struct dec *d, const struct line *l, struct ipp_err *e)
{
	struct ipp_defrule *r = &d->t->policy.defrule;
	struct ipp_auth *u = push(&r->auth, &r->nauth, sizeof(*u), e);

	return u == NULL ? -1 : dec_auth(l, u, e);
}

static int
dec_rule_auth(struct dec *d, const struct line *l, struct ipp_err *e)
{
	struct ipp_rule *r = &d->t->policy.rules[d->t->policy.nrules - 1];
	struct ipp_auth *u = push(&r->auth, &r->nauth, sizeof(*u), e);

	return u == NULL ? -1 : dec_auth(l, u, e);
}

static int
dec_offer(struct dec *d, const struct line *l, struct ipp_err *e)
{
	struct ipp_filteraction *fa = &d->t->actions[d->t->nactions - 1];
	struct ipp_qm_offer *o = push(&fa->offers, &fa->noffers, sizeof(*o), e);

	return o == NULL ? -1 : dec_qm_offer(l, o, e);
}

static int
dec_end(struct dec *d, const struct line *l, struct ipp_err *e)
{
	return want(l, 1, "nothing", e);
}

static const struct keyword keywords[] = {
	{ "policy",	B(S_START),				S_POLICY,	dec_policy },
	{ "mm",		B(S_POLICY),				S_MM,		dec_mm },
	{ "mmoffer",	B(S_MM),				S_MM,		dec_mm_offer },
	{ "defrule",	B(S_MM),				S_DEF,		dec_defrule },
	{ "defoffer",	B(S_DEF),				S_DEF,		dec_defoffer },
	{ "defauth",	B(S_DEF),				S_DEF,		dec_defauth },
	{ "rule",	B(S_DEF) | B(S_RULE),			S_RULE,		dec_rule },
	{ "auth",	B(S_RULE),				S_RULE,		dec_rule_auth },
	{ "list",	B(S_DEF) | B(S_RULE) | B(S_LIST),	S_LIST,		dec_list },
	{ "filter",	B(S_LIST),				S_LIST,		dec_filter },
	{ "action",	B(S_DEF) | B(S_RULE) | B(S_LIST) | B(S_ACTION), S_ACTION, dec_action },
	{ "offer",	B(S_ACTION),				S_ACTION,	dec_offer },
	{ "end",	B(S_DEF) | B(S_RULE) | B(S_LIST) | B(S_ACTION), S_END,	dec_end },
};

static int
dec_line(struct dec *d, char *s, unsigned no, struct ipp_err *e)
{
	struct line l;
	size_t i;

	if (cache_line_split(s, no, &l, e) < 0)
		return -1;
	if (l.n == 0 || l.quoted[0])
		return ipp_errf(e, IPP_E_INVAL, "line %u: expected a keyword", no);
	for (i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (strcmp(keywords[i].kw, l.f[0]) == 0)
			break;
	if (i == sizeof(keywords) / sizeof(keywords[0]))
		return ipp_errf(e, IPP_E_INVAL, "line %u: unknown keyword '%.32s'", no, l.f[0]);
	if (!(keywords[i].from & B(d->st)))
		return ipp_errf(e, IPP_E_INVAL, "line %u: '%s' is out of place", no, l.f[0]);
	if (keywords[i].fn(d, &l, e) < 0)
		return -1;
	d->st = keywords[i].to;
	return 0;
}

int
cache_tree_decode(const char *text, size_t len, struct ipp_policy_tree *t, struct ipp_err *e)
{
	char *copy;
	int rc;

	memset(t, 0, sizeof(*t));
	if ((copy = malloc(len + 1)) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	memcpy(copy, text, len);
	rc = cache_tree_decode_buf(copy, len, t, e);
	free(copy);
	return rc;
}

int
cache_tree_decode_buf(char *copy, size_t len, struct ipp_policy_tree *t, struct ipp_err *e)
{
	struct dec d = { .t = t, .st = S_START };
	unsigned no = 0;
	char *s, *nl;
	int rc = 0;

	memset(t, 0, sizeof(*t));
	if (memchr(copy, '\0', len) != NULL)
		rc = ipp_errf(e, IPP_E_INVAL, "policy text holds a NUL byte");
	else if (len == 0 || copy[len - 1] != '\n')
		rc = ipp_errf(e, IPP_E_INVAL, "policy text does not end with a newline");
	copy[len] = '\0';
	for (s = copy; rc == 0 && *s != '\0'; s = nl + 1) {
		nl = strchr(s, '\n');
		*nl = '\0';
		d.next = nl + 1;
		if (d.st == S_END)
			rc = ipp_errf(e, IPP_E_INVAL, "line %u: text after 'end'", no + 1);
		else
			rc = dec_line(&d, s, ++no, e);
	}
	if (rc == 0 && d.st != S_END)
		rc = ipp_errf(e, IPP_E_INVAL, "policy text ends before 'end' (line %u)", no);
	if (rc == 0)
		rc = ipp_policy_tree_validate(t, e);
	explicit_bzero(copy, len + 1);
	if (rc < 0)
		ipp_policy_tree_clear(t);
	return rc;
}
