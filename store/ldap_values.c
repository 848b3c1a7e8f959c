/*
 * lds values: the text of the structured attribute values (ipsecpol-schema(5)) to and from
 * the model.  Everything here reads what anyone with write access to the directory may
 * have written, so every decoder checks every byte it uses and names the entry, the
 * attribute and the value it refuses (tests/fuzz/fuzz_ldap_values.c).
 *
 *   ipsecpolFilter   src=ADDR dst=ADDR proto=N sport=N dport=N mirrored=yes|no desc=TEXT
 *   ipsecpolQMOffer  proto=esp|ah|ah+esp ah-hash=H cipher=C auth=H life-s=N life-kb=N
 *                    pfs=yes|no pfs-group=N
 *   ipsecpolMMOffer  CIPHER-HASH-GROUP
 *   ipsecpolAuth     kerberos | psk key=SECRET | cert certmap=yes|no excludecaname=yes|no ca=DN
 *
 * Keys come in exactly that order; the last (desc, key, ca) takes the rest of the value.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "store/ldap_int.h"

#define TOK_MAX	(IPP_ADDR_STRLEN + 16)

/* ---- tokens ---- */

/*
 * "key=value" at *p, read in place: the value (up to the next blank, or with rest to the
 * end) and its length, *p moved past it and one blank; NULL when *p does not start with
 * "key=".  10,000 filters are 50,000 of these.
 */
static const char *
quick(const char **p, const char *key, bool rest, size_t *len)
{
	size_t kl = strlen(key), n;
	const char *v = *p;

	if (strncmp(v, key, kl) != 0 || v[kl] != '=')
		return NULL;
	v += kl + 1;
	n = rest ? strlen(v) : strcspn(v, " ");
	*len = n;
	*p = v + n + (v[n] == ' ');
	return v;
}

/* The same into buf, or -1 with e saying what is wrong. */
static int
take(const char **p, const char *key, bool rest, char *buf, size_t len, struct ipp_err *e)
{
	char shown[IPP_PRINTABLE_MAX];
	const char *v, *at = *p;
	size_t n;

	if ((v = quick(p, key, rest, &n)) == NULL)
		return ipp_errf(e, IPP_E_STORE, "expected '%s=' at '%s'", key,
		    ipp_str_printable(at, shown, sizeof(shown)));
	if (n >= len) {
		*p = at;
		return ipp_errf(e, IPP_E_STORE, "%s: value longer than %zu bytes", key, len - 1);
	}
	memcpy(buf, v, n);
	buf[n] = '\0';
	return 0;
}

static int
num(const char *key, const char *s, unsigned long hi, unsigned long *out, struct ipp_err *e)
{
	char *end;
	char shown[IPP_PRINTABLE_MAX];

	errno = 0;
	if (*s < '0' || *s > '9' || (*out = strtoul(s, &end, 10), *end != '\0') ||
	    errno != 0 || *out > hi || (s[0] == '0' && s[1] != '\0'))
		return ipp_errf(e, IPP_E_STORE, "%s '%s': expected a decimal number 0..%lu", key,
		    ipp_str_printable(s, shown, sizeof(shown)), hi);
	return 0;
}

static int
yesno(const char *key, const char *s, bool *out, struct ipp_err *e)
{
	char shown[IPP_PRINTABLE_MAX];

	if (strcmp(s, "yes") == 0)
		*out = true;
	else if (strcmp(s, "no") == 0)
		*out = false;
	else
		return ipp_errf(e, IPP_E_STORE, "%s '%s': expected yes or no", key,
		    ipp_str_printable(s, shown, sizeof(shown)));
	return 0;
}

static int
tnum(const char **p, const char *key, unsigned long hi, unsigned long *out, struct ipp_err *e)
{
	const char *v, *at = *p;
	unsigned long n = 0;
	char buf[TOK_MAX];
	size_t len, i;

	/* Up to 9 digits cannot overflow; a leading zero only alone. */
	if ((v = quick(p, key, false, &len)) != NULL && len >= 1 && len <= 9 &&
	    (v[0] != '0' || len == 1)) {
		for (i = 0; i < len && v[i] >= '0' && v[i] <= '9'; i++)
			n = n * 10 + (unsigned long)(v[i] - '0');
		if (i == len && n <= hi) {
			*out = n;
			return 0;
		}
	}
	*p = at;
	if (take(p, key, false, buf, sizeof(buf), e) == -1)
		return -1;
	return num(key, buf, hi, out, e);
}

static int
tbool(const char **p, const char *key, bool *out, struct ipp_err *e)
{
	const char *v, *at = *p;
	char buf[TOK_MAX];
	size_t len;

	if ((v = quick(p, key, false, &len)) != NULL && (len == 3 || len == 2) &&
	    memcmp(v, len == 3 ? "yes" : "no", len) == 0) {
		*out = len == 3;
		return 0;
	}
	*p = at;
	if (take(p, key, false, buf, sizeof(buf), e) == -1)
		return -1;
	return yesno(key, buf, out, e);
}

static int
thash(const char **p, const char *key, enum ipp_hash *out, struct ipp_err *e)
{
	char buf[TOK_MAX], shown[IPP_PRINTABLE_MAX];
	int h;

	if (take(p, key, false, buf, sizeof(buf), e) == -1)
		return -1;
	if ((h = ipp_hash_from_name(buf)) < 0)
		return ipp_errf(e, IPP_E_STORE, "%s '%s': unknown hash", key,
		    ipp_str_printable(buf, shown, sizeof(shown)));
	*out = (enum ipp_hash)h;
	return 0;
}

static int
tcipher(const char **p, const char *key, enum ipp_cipher *out, struct ipp_err *e)
{
	char buf[TOK_MAX], shown[IPP_PRINTABLE_MAX];
	int c;

	if (take(p, key, false, buf, sizeof(buf), e) == -1)
		return -1;
	if ((c = ipp_cipher_from_name(buf)) < 0)
		return ipp_errf(e, IPP_E_STORE, "%s '%s': unknown cipher", key,
		    ipp_str_printable(buf, shown, sizeof(shown)));
	*out = (enum ipp_cipher)c;
	return 0;
}

static int
taddr(const char **p, const char *key, struct ipp_addr *a, struct ipp_err *e)
{
	char buf[TOK_MAX];

	if (take(p, key, false, buf, sizeof(buf), e) == -1)
		return -1;
	if (ipp_addr_parse(a, buf, NULL, e) == -1) {
		e->code = IPP_E_STORE;
		return ipp_err_prefix(e, "%s", key);
	}
	return 0;
}

static int
at_end(const char *p, struct ipp_err *e)
{
	char shown[IPP_PRINTABLE_MAX];

	if (*p != '\0')
		return ipp_errf(e, IPP_E_STORE, "unexpected '%s' at the end",
		    ipp_str_printable(p, shown, sizeof(shown)));
	return 0;
}

/* ---- one value ---- */

int
lds_dec_filter(const char *v, struct ipp_filter *f, struct ipp_err *e)
{
	unsigned long proto, sport, dport;

	ipp_filter_init(f);
	if (taddr(&v, "src", &f->src, e) == -1 || taddr(&v, "dst", &f->dst, e) == -1 ||
	    tnum(&v, "proto", 255, &proto, e) == -1 || tnum(&v, "sport", 65535, &sport, e) == -1 ||
	    tnum(&v, "dport", 65535, &dport, e) == -1 ||
	    tbool(&v, "mirrored", &f->mirrored, e) == -1)
		goto fail;
	f->proto = (uint8_t)proto;
	f->sport = (uint16_t)sport;
	f->dport = (uint16_t)dport;
	if (strncmp(v, "desc=", 5) != 0) {
		ipp_errf(e, IPP_E_STORE, "expected 'desc=' at the end");
		goto fail;
	}
	v += 5;
	if (*v != '\0') {
		if (ipp_desc_validate("description", v, e) == -1) {
			e->code = IPP_E_STORE;
			goto fail;
		}
		if ((f->description = strdup(v)) == NULL) {
			ipp_errf(e, IPP_E_NOMEM, "out of memory");
			goto fail;
		}
	}
	return 0;
fail:
	ipp_filter_clear(f);
	return -1;
}

int
lds_dec_qm_offer(const char *v, struct ipp_qm_offer *o, struct ipp_err *e)
{
	static const char *const protos[] = {
		[IPP_QM_ESP] = "esp", [IPP_QM_AH] = "ah", [IPP_QM_AH_ESP] = "ah+esp",
	};
	char buf[TOK_MAX], shown[IPP_PRINTABLE_MAX];
	unsigned long life_s, life_kb, group;
	size_t i;

	ipp_qm_offer_init(o);
	if (take(&v, "proto", false, buf, sizeof(buf), e) == -1)
		return -1;
	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (strcmp(buf, protos[i]) == 0)
			break;
	if (i == sizeof(protos) / sizeof(protos[0]))
		return ipp_errf(e, IPP_E_STORE, "proto '%s': expected esp, ah or ah+esp",
		    ipp_str_printable(buf, shown, sizeof(shown)));
	o->proto = (enum ipp_qm_proto)i;
	if (thash(&v, "ah-hash", &o->ah_hash, e) == -1 ||
	    tcipher(&v, "cipher", &o->esp_cipher, e) == -1 ||
	    thash(&v, "auth", &o->esp_auth, e) == -1 ||
	    tnum(&v, "life-s", UINT32_MAX, &life_s, e) == -1 ||
	    tnum(&v, "life-kb", UINT32_MAX, &life_kb, e) == -1 ||
	    tbool(&v, "pfs", &o->pfs, e) == -1 || tnum(&v, "pfs-group", 65535, &group, e) == -1 ||
	    at_end(v, e) == -1)
		return -1;
	o->life_s = (uint32_t)life_s;
	o->life_kb = (uint32_t)life_kb;
	o->pfs_group = (ipp_dhgroup)group;
	return 0;
}

int
lds_dec_mm_offer(const char *v, struct ipp_mm_offer *o, struct ipp_err *e)
{
	char buf[TOK_MAX], shown[IPP_PRINTABLE_MAX];
	char *h, *g;
	unsigned long group;
	int c, hh;

	if (strlen(v) >= sizeof(buf))
		return ipp_errf(e, IPP_E_STORE, "longer than %zu bytes", sizeof(buf) - 1);
	strcpy(buf, v);
	if ((h = strchr(buf, '-')) == NULL || (g = strchr(h + 1, '-')) == NULL)
		return ipp_errf(e, IPP_E_STORE, "'%s': expected CIPHER-HASH-GROUP",
		    ipp_str_printable(v, shown, sizeof(shown)));
	*h++ = '\0';
	*g++ = '\0';
	if ((c = ipp_cipher_from_name(buf)) < 0 || (hh = ipp_hash_from_name(h)) < 0)
		return ipp_errf(e, IPP_E_STORE, "'%s': unknown %s",
		    ipp_str_printable(v, shown, sizeof(shown)), c < 0 ? "cipher" : "hash");
	if (num("group", g, 65535, &group, e) == -1)
		return -1;
	o->cipher = (enum ipp_cipher)c;
	o->hash = (enum ipp_hash)hh;
	o->group = (ipp_dhgroup)group;
	return 0;
}

int
lds_dec_auth(const char *v, struct ipp_auth *a, struct ipp_err *e)
{
	char buf[TOK_MAX], shown[IPP_PRINTABLE_MAX];
	const char *rest;

	memset(a, 0, sizeof(*a));
	if (strcmp(v, "kerberos") == 0) {
		a->kind = IPP_AUTH_KERBEROS;
		return 0;
	}
	if (strncmp(v, "psk ", 4) == 0) {
		a->kind = IPP_AUTH_PSK;
		rest = v + 4;
		if (strncmp(rest, "key=", 4) != 0)
			return ipp_errf(e, IPP_E_STORE, "psk: expected 'key='");
		rest += 4;
	} else if (strncmp(v, "cert ", 5) == 0) {
		a->kind = IPP_AUTH_CERT;
		rest = v + 5;
		if (tbool(&rest, "certmap", &a->certmap, e) == -1 ||
		    tbool(&rest, "excludecaname", &a->excludecaname, e) == -1)
			return -1;
		if (strncmp(rest, "ca=", 3) != 0)
			return take(&rest, "ca", true, buf, sizeof(buf), e);
		rest += 3;
	} else {
		return ipp_errf(e, IPP_E_STORE, "'%s': expected kerberos, psk key=... or "
		    "cert ... ca=...", ipp_str_printable(v, shown, sizeof(shown)));
	}
	if (*rest == '\0' || strlen(rest) > (a->kind == IPP_AUTH_PSK ? IPP_PSK_MAX :
	    IPP_CA_DN_MAX))
		return ipp_errf(e, IPP_E_STORE, "%s: empty or too long",
		    a->kind == IPP_AUTH_PSK ? "psk key" : "cert ca");
	if ((a->value = strdup(rest)) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	return 0;
}

char *
lds_enc_filter(const struct ipp_filter *f)
{
	char src[IPP_ADDR_STRLEN], dst[IPP_ADDR_STRLEN], *s;

	if (asprintf(&s, "src=%s dst=%s proto=%u sport=%u dport=%u mirrored=%s desc=%s",
	    ipp_addr_format(&f->src, src, sizeof(src)), ipp_addr_format(&f->dst, dst,
	    sizeof(dst)), f->proto, f->sport, f->dport, f->mirrored ? "yes" : "no",
	    f->description != NULL ? f->description : "") == -1)
		return NULL;
	return s;
}

char *
lds_enc_qm_offer(const struct ipp_qm_offer *o)
{
	static const char *const protos[] = {
		[IPP_QM_ESP] = "esp", [IPP_QM_AH] = "ah", [IPP_QM_AH_ESP] = "ah+esp",
	};
	char *s;

	if (asprintf(&s, "proto=%s ah-hash=%s cipher=%s auth=%s life-s=%u life-kb=%u pfs=%s "
	    "pfs-group=%u", protos[o->proto], ipp_hash_name(o->ah_hash),
	    ipp_cipher_name(o->esp_cipher), ipp_hash_name(o->esp_auth), o->life_s, o->life_kb,
	    o->pfs ? "yes" : "no", o->pfs_group) == -1)
		return NULL;
	return s;
}

char *
lds_enc_mm_offer(const struct ipp_mm_offer *o)
{
	char *s;

	if (asprintf(&s, "%s-%s-%u", ipp_cipher_name(o->cipher), ipp_hash_name(o->hash),
	    o->group) == -1)
		return NULL;
	return s;
}

char *
lds_enc_auth(const struct ipp_auth *a)
{
	char *s = NULL;
	int rc = -1;

	switch (a->kind) {
	case IPP_AUTH_KERBEROS:
		return strdup("kerberos");
	case IPP_AUTH_PSK:
		rc = asprintf(&s, "psk key=%s", a->value != NULL ? a->value : "");
		break;
	case IPP_AUTH_CERT:
		rc = asprintf(&s, "cert certmap=%s excludecaname=%s ca=%s",
		    a->certmap ? "yes" : "no", a->excludecaname ? "yes" : "no",
		    a->value != NULL ? a->value : "");
		break;
	}
	return rc == -1 ? NULL : s;
}

/* ---- attributes of an entry ---- */

const struct lds_attr *
lds_attr(const struct lds_entry *en, const char *name)
{
	for (size_t i = 0; i < en->nattrs; i++)
		if (strcasecmp(en->attrs[i].name, name) == 0)
			return &en->attrs[i];
	return NULL;
}

/* Prefixes e with the entry and attribute; the class is IPP_E_STORE unless NOMEM. */
static int
where(const struct lds_entry *en, const char *name, const char *val, struct ipp_err *e)
{
	char shown[IPP_PRINTABLE_MAX];

	if (e != NULL && e->code != IPP_E_NOMEM)
		e->code = IPP_E_STORE;
	/* Messages end up in logs: a preshared key never goes into one. */
	if (val != NULL && strncmp(val, "psk ", 4) == 0)
		val = "psk key=<redacted>";
	if (val != NULL)
		return ipp_err_prefix(e, "entry '%s': %s value '%s'", en->dn, name,
		    ipp_str_printable(val, shown, sizeof(shown)));
	return ipp_err_prefix(e, "entry '%s': %s", en->dn, name);
}

/* The value as a C string: no NUL inside. */
static int
val_str(const struct berval *bv, const char **out)
{
	if (bv->bv_val == NULL || memchr(bv->bv_val, '\0', bv->bv_len) != NULL)
		return -1;
	*out = bv->bv_val;	/* libldap terminates every value it returns */
	return 0;
}

int
lds_get_str(const struct lds_entry *en, const char *name, bool required, char **out,
    struct ipp_err *e)
{
	const struct lds_attr *a = lds_attr(en, name);
	const char *v;

	*out = NULL;
	if (a == NULL || a->n == 0) {
		if (!required)
			return 0;
		ipp_errf(e, IPP_E_STORE, "missing");
		return where(en, name, NULL, e);
	}
	if (a->n != 1) {
		ipp_errf(e, IPP_E_STORE, "%zu values where one is expected", a->n);
		return where(en, name, NULL, e);
	}
	if (val_str(a->vals[0], &v) == -1) {
		ipp_errf(e, IPP_E_STORE, "value contains a NUL byte");
		return where(en, name, NULL, e);
	}
	if ((*out = strdup(v)) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	return 0;
}

int
lds_get_uint(const struct lds_entry *en, const char *name, uint32_t lo, uint32_t hi,
    uint32_t *out, struct ipp_err *e)
{
	unsigned long v;
	char *s;

	if (lds_get_str(en, name, true, &s, e) == -1)
		return -1;
	if (num(name, s, hi, &v, e) == -1 || (v < lo &&
	    ipp_errf(e, IPP_E_STORE, "%lu is below %u", v, lo) == -1)) {
		where(en, name, s, e);
		free(s);
		return -1;
	}
	free(s);
	*out = (uint32_t)v;
	return 0;
}

int
lds_get_bool(const struct lds_entry *en, const char *name, bool *out, struct ipp_err *e)
{
	char *s;
	int rc = 0;

	if (lds_get_str(en, name, true, &s, e) == -1)
		return -1;
	if (strcmp(s, "TRUE") == 0)
		*out = true;
	else if (strcmp(s, "FALSE") == 0)
		*out = false;
	else
		rc = where(en, name, s, (ipp_errf(e, IPP_E_STORE, "expected TRUE or FALSE"), e));
	free(s);
	return rc;
}

/* The text of ordered value i after its "{i}" prefix; NULL with e naming the entry when
 * the value holds a NUL byte or has another index. */
static const char *
ordered_val(const struct lds_entry *en, const char *name, const struct lds_attr *a,
    size_t i, struct ipp_err *e)
{
	const char *v, *end;
	size_t idx;

	if (val_str(a->vals[i], &v) == -1) {
		ipp_errf(e, IPP_E_STORE, "value %zu contains a NUL byte", i);
		where(en, name, NULL, e);
		return NULL;
	}
	/* By hand, not strtoul: every filter's value starts so, and is read twice.  The same
	 * rule: "{", decimal digits (leading zeros too) that say i, "}". */
	end = v + (v[0] == '{');
	idx = 0;
	while (*end >= '0' && *end <= '9' && idx <= i)
		idx = idx * 10 + (size_t)(*end++ - '0');
	if (v[0] != '{' || end == v + 1 || *end != '}' || idx != i) {
		ipp_errf(e, IPP_E_STORE, "expected the ordered value {%zu}...", i);
		where(en, name, v, e);
		return NULL;
	}
	return end + 1;
}

int
lds_get_ordered(const struct lds_entry *en, const char *name, struct ipp_names *out,
    struct ipp_err *e)
{
	const struct lds_attr *a = lds_attr(en, name);
	const char *p;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; a != NULL && i < a->n; i++) {
		if ((p = ordered_val(en, name, a, i, e)) == NULL ||
		    ipp_names_push(out, p, e) == -1)
			goto fail;
	}
	return 0;
fail:
	for (size_t i = 0; i < out->n; i++)
		explicit_bzero(out->v[i], strlen(out->v[i]));
	ipp_names_free(out);
	return -1;
}

/*
 * Decodes each ordered value of name with dec into a growable array, straight from the
 * entry's values (no copies: 10,000 filters are 10,000 values).  Every index is checked
 * before anything is decoded.
 */
static int
get_list(const struct lds_entry *en, const char *name, void *arrayp, size_t *n, size_t size,
    int (*dec)(const char *, void *, struct ipp_err *), void (*clear)(void *),
    struct ipp_err *e)
{
	const struct lds_attr *a = lds_attr(en, name);
	const char *v;
	char item[256];

	_Static_assert(sizeof(struct ipp_filter) <= sizeof(item) &&
	    sizeof(struct ipp_auth) <= sizeof(item) && sizeof(struct ipp_qm_offer) <= sizeof(item),
	    "item buffer too small");

	char **array = arrayp;
	size_t cap = 4;

	for (size_t i = 0; a != NULL && i < a->n; i++)
		if (ordered_val(en, name, a, i, e) == NULL)
			return -1;
	if (a == NULL || a->n == 0)
		return 0;
	/* The array at once, as large as ipp_array_push would have grown it to for a->n
	 * elements (a power of two, 4 at least; it goes on growing it from there): no copy
	 * at every doubling, no twice the pages. */
	while (cap < a->n)
		cap *= 2;
	if (*array == NULL && *n == 0 && (*array = reallocarray(NULL, cap, size)) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	for (size_t i = 0; i < a->n; i++) {
		v = ordered_val(en, name, a, i, e);
		memset(item, 0, sizeof(item));
		if (dec(v, item, e) == -1)
			return where(en, name, v, e);
		if (*n < cap)
			memcpy(*array + (*n)++ * size, item, size);
		else if (ipp_array_push(arrayp, n, size, item) == NULL) {
			clear(item);
			return ipp_errf(e, IPP_E_NOMEM, "out of memory");
		}
	}
	return 0;
}

static int dec_filter(const char *v, void *o, struct ipp_err *e) { return lds_dec_filter(v, o, e); }
static int dec_qm(const char *v, void *o, struct ipp_err *e) { return lds_dec_qm_offer(v, o, e); }
static int dec_mm(const char *v, void *o, struct ipp_err *e) { return lds_dec_mm_offer(v, o, e); }
static int dec_auth(const char *v, void *o, struct ipp_err *e) { return lds_dec_auth(v, o, e); }
static void clr_filter(void *o) { ipp_filter_clear(o); }
static void clr_nothing(void *o) { (void)o; }
static void clr_auth(void *o) { ipp_auth_clear(o); }

time_t
lds_changed(const struct lds_entry *en)
{
	const struct lds_attr *a = lds_attr(en, "modifyTimestamp");
	struct tm tm = { 0 };
	const char *v, *end;

	if (a == NULL || a->n != 1 || val_str(a->vals[0], &v) == -1)
		return 0;
	if ((end = strptime(v, "%Y%m%d%H%M%S", &tm)) == NULL || strcmp(end, "Z") != 0)
		return 0;
	return timegm(&tm);
}

/* The common head: GUID (and that it matches the RDN's), name, description. */
static int
dec_head(const struct lds_entry *en, bool named, char guid[IPP_GUID_SIZE], char **name,
    char **desc, struct ipp_err *e)
{
	char *g;

	if (lds_get_str(en, "ipsecpolID", true, &g, e) == -1)
		return -1;
	if (!ipp_guid_valid(g)) {
		ipp_errf(e, IPP_E_STORE, "expected {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}");
		where(en, "ipsecpolID", g, e);
		free(g);
		return -1;
	}
	for (char *c = g; *c != '\0'; c++)
		if (*c >= 'a' && *c <= 'f')
			*c = (char)(*c - 'a' + 'A');
	if (strcasestr(en->dn, g) == NULL) {
		ipp_errf(e, IPP_E_STORE, "does not match the entry's name");
		where(en, "ipsecpolID", g, e);
		free(g);
		return -1;
	}
	memcpy(guid, g, IPP_GUID_SIZE);
	free(g);
	if (named && lds_get_str(en, "ipsecpolName", true, name, e) == -1)
		return -1;
	if (named && ipp_name_validate("name", *name, e) == -1)
		return where(en, "ipsecpolName", NULL, e);
	if (desc != NULL && lds_get_str(en, "description", false, desc, e) == -1)
		return -1;
	if (desc != NULL && ipp_desc_validate("description", *desc, e) == -1)
		return where(en, "description", NULL, e);
	return 0;
}

int
lds_dec_filterlist(const struct lds_entry *en, struct ipp_filterlist *fl, struct ipp_err *e)
{
	memset(fl, 0, sizeof(*fl));
	if (dec_head(en, true, fl->guid, &fl->name, &fl->description, e) == -1 ||
	    get_list(en, "ipsecpolFilter", &fl->filters, &fl->nfilters, sizeof(struct ipp_filter),
	    dec_filter, clr_filter, e) == -1) {
		ipp_filterlist_clear(fl);
		return -1;
	}
	fl->changed = lds_changed(en);
	return 0;
}

int
lds_dec_filteraction(const struct lds_entry *en, struct ipp_filteraction *fa,
    struct ipp_err *e)
{
	static const char *const actions[] = {
		[IPP_ACTION_PERMIT] = "permit", [IPP_ACTION_BLOCK] = "block",
		[IPP_ACTION_NEGOTIATE] = "negotiate",
	};
	char *act = NULL;
	size_t i = 0;

	memset(fa, 0, sizeof(*fa));
	ipp_filteraction_init(fa);
	if (dec_head(en, true, fa->guid, &fa->name, &fa->description, e) == -1 ||
	    lds_get_str(en, "ipsecpolAction", true, &act, e) == -1)
		goto fail;
	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (strcasecmp(act, actions[i]) == 0)
			break;
	if (i == sizeof(actions) / sizeof(actions[0])) {
		ipp_errf(e, IPP_E_STORE, "expected permit, block or negotiate");
		where(en, "ipsecpolAction", act, e);
		goto fail;
	}
	fa->action = (enum ipp_action)i;
	if (lds_get_bool(en, "ipsecpolInPass", &fa->inpass, e) == -1 ||
	    lds_get_bool(en, "ipsecpolSoft", &fa->soft, e) == -1 ||
	    get_list(en, "ipsecpolQMOffer", &fa->offers, &fa->noffers,
	    sizeof(struct ipp_qm_offer), dec_qm, clr_nothing, e) == -1)
		goto fail;
	free(act);
	fa->changed = lds_changed(en);
	return 0;
fail:
	free(act);
	ipp_filteraction_clear(fa);
	return -1;
}

/* Absent in entries written before soft associations had a setting: the default. */
static int
dec_soft_expire(const struct lds_entry *en, uint32_t *out, struct ipp_err *e)
{
	*out = IPP_DEF_SOFT_EXPIRE_S;
	if (lds_attr(en, "ipsecpolMMSoftExpire") == NULL)
		return 0;
	return lds_get_uint(en, "ipsecpolMMSoftExpire", 0, IPP_SOFT_EXPIRE_S_HI, out, e);
}

int
lds_dec_mainmode(const struct lds_entry *en, struct ipp_mm *mm, struct ipp_err *e)
{
	char guid[IPP_GUID_SIZE];

	memset(mm, 0, sizeof(*mm));
	if (dec_head(en, false, guid, NULL, NULL, e) == -1 ||
	    lds_get_uint(en, "ipsecpolMMLifetime", 0, UINT32_MAX, &mm->lifetime_min, e) == -1 ||
	    lds_get_uint(en, "ipsecpolMMQMLimit", 0, UINT32_MAX, &mm->qm_per_mm, e) == -1 ||
	    lds_get_bool(en, "ipsecpolMMPFS", &mm->pfs, e) == -1 ||
	    dec_soft_expire(en, &mm->soft_expire_s, e) == -1 ||
	    get_list(en, "ipsecpolMMOffer", &mm->offers, &mm->noffers,
	    sizeof(struct ipp_mm_offer), dec_mm, clr_nothing, e) == -1) {
		free(mm->offers);
		memset(mm, 0, sizeof(*mm));
		return -1;
	}
	return 0;
}

int
lds_dec_rule(const struct lds_entry *en, struct ipp_rule *r, struct ipp_err *e)
{
	static const char *const conns[] = {
		[IPP_CONN_ALL] = "all", [IPP_CONN_LAN] = "lan", [IPP_CONN_DIALUP] = "dialup",
	};
	char *conn = NULL, *tunnel = NULL;
	size_t i;

	memset(r, 0, sizeof(*r));
	ipp_rule_init(r);
	if (dec_head(en, true, r->guid, &r->name, &r->description, e) == -1 ||
	    lds_get_str(en, "ipsecpolFilterListRef", true, &r->filterlist, e) == -1 ||
	    lds_get_str(en, "ipsecpolFilterActionRef", true, &r->filteraction, e) == -1 ||
	    lds_get_str(en, "ipsecpolConnType", true, &conn, e) == -1 ||
	    lds_get_bool(en, "ipsecpolActive", &r->active, e) == -1 ||
	    lds_get_str(en, "ipsecpolTunnel", false, &tunnel, e) == -1 ||
	    get_list(en, "ipsecpolAuth", &r->auth, &r->nauth, sizeof(struct ipp_auth),
	    dec_auth, clr_auth, e) == -1)
		goto fail;
	for (i = 0; i < sizeof(conns) / sizeof(conns[0]); i++)
		if (strcasecmp(conn, conns[i]) == 0)
			break;
	if (i == sizeof(conns) / sizeof(conns[0])) {
		ipp_errf(e, IPP_E_STORE, "expected all, lan or dialup");
		where(en, "ipsecpolConnType", conn, e);
		goto fail;
	}
	r->conntype = (enum ipp_conntype)i;
	if (tunnel != NULL && ipp_addr_parse(&r->tunnel, tunnel, NULL, e) == -1) {
		where(en, "ipsecpolTunnel", tunnel, e);
		goto fail;
	}
	free(conn);
	free(tunnel);
	return 0;
fail:
	free(conn);
	free(tunnel);
	ipp_rule_clear(r);
	return -1;
}

int
lds_dec_policy(const struct lds_entry *en, struct ipp_policy *p, struct ipp_err *e)
{
	memset(p, 0, sizeof(*p));
	ipp_policy_init(p);
	if (dec_head(en, true, p->guid, &p->name, &p->description, e) == -1 ||
	    lds_get_uint(en, "ipsecpolPollMinutes", IPP_POLL_MIN_LO, IPP_POLL_MIN_HI,
	    &p->poll_min, e) == -1 ||
	    lds_get_bool(en, "ipsecpolDefaultRuleActive", &p->defrule.active, e) == -1 ||
	    get_list(en, "ipsecpolDefaultOffer", &p->defrule.offers, &p->defrule.noffers,
	    sizeof(struct ipp_qm_offer), dec_qm, clr_nothing, e) == -1 ||
	    get_list(en, "ipsecpolDefaultAuth", &p->defrule.auth, &p->defrule.nauth,
	    sizeof(struct ipp_auth), dec_auth, clr_auth, e) == -1) {
		ipp_policy_clear(p);
		return -1;
	}
	p->changed = lds_changed(en);
	return 0;
}
