/*
 * ipp_validate: checks of every policy object before it is stored or applied.
 *
 * Messages name the object ("filter 3 of filter list 'Web'"), the field, the bad value and
 * what was expected, so a CLI can print them as they are.  Any field value is safe to
 * check: unknown enum values, NULL strings and arrays are reported, never followed.
 * Preshared keys never appear in a message.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "store/model.h"

#define OBJ_MAX		(2 * IPP_PRINTABLE_MAX + 64)
#define ALGOS_MAX	128

static int
fail(struct ipp_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
fail(struct ipp_err *e, const char *fmt, ...)
{
	char msg[sizeof(e->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ipp_errf(e, IPP_E_INVAL, "%s", msg);
}

/* Length of the valid UTF-8 sequence at s (strict: no overlong forms, no surrogates,
 * nothing above U+10FFFF), or 0. */
static size_t
utf8_seq(const unsigned char *s)
{
	unsigned n, cp;

	if (*s < 0x80)
		return 1;
	if ((*s & 0xe0) == 0xc0) {
		n = 1;
		cp = *s & 0x1f;
	} else if ((*s & 0xf0) == 0xe0) {
		n = 2;
		cp = *s & 0x0f;
	} else if ((*s & 0xf8) == 0xf0) {
		n = 3;
		cp = *s & 0x07;
	} else
		return 0;
	for (unsigned i = 1; i <= n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n + 1;
}

static bool
utf8_valid(const char *s)
{
	size_t n;

	for (; *s != '\0'; s += n)
		if ((n = utf8_seq((const unsigned char *)s)) == 0)
			return false;
	return true;
}

/* The bytes of the next unit at s, and in *shown how many characters they take once
 * shown: a control byte or a byte of broken UTF-8 is shown as \xNN. */
static size_t
unit(const char *s, size_t *shown)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = utf8_seq(u);

	if (n == 0 || *u < 0x20 || *u == 0x7f) {
		*shown = 4;
		return 1;
	}
	*shown = n;
	return n;
}

const char *
ipp_str_printable(const char *s, char *buf, size_t len)
{
	size_t o = 0, need = 0, room, n, w;

	if (len == 0)
		return buf;
	if (s == NULL)
		s = "";
	for (const char *p = s; *p != '\0'; p += n) {
		n = unit(p, &w);
		need += w;
	}
	/* What does not fit is cut, and "..." says so. */
	room = need < len || len <= 4 ? len - 1 : len - 4;
	for (; *s != '\0'; s += n) {
		n = unit(s, &w);
		if (o + w > room)
			break;
		if (w != n)
			snprintf(buf + o, len - o, "\\x%02x", (unsigned char)*s);
		else
			memcpy(buf + o, s, n);
		o += w;
	}
	if (need >= len && len > 4) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

/* The first control character other than those in allowed, or NULL. */
static const char *
find_control(const char *s, const char *allowed)
{
	for (; *s != '\0'; s++)
		if (((unsigned char)*s < 0x20 || *s == 0x7f) && strchr(allowed, *s) == NULL)
			return s;
	return NULL;
}

int
ipp_name_validate(const char *what, const char *name, struct ipp_err *e)
{
	char shown[IPP_PRINTABLE_MAX];
	size_t len;

	if (name == NULL || *name == '\0')
		return fail(e, "%s name is empty; expected 1 to %d bytes", what, IPP_NAME_MAX);
	ipp_str_printable(name, shown, sizeof(shown));
	if ((len = strlen(name)) > IPP_NAME_MAX)
		return fail(e, "%s name '%s' is %zu bytes long; expected at most %d", what,
		    shown, len, IPP_NAME_MAX);
	if (find_control(name, "") != NULL)
		return fail(e, "%s name '%s' contains a control character; expected printable "
		    "text", what, shown);
	if (!utf8_valid(name))
		return fail(e, "%s name '%s' is not valid UTF-8; expected UTF-8 text", what,
		    shown);
	if (name[0] == ' ' || name[len - 1] == ' ')
		return fail(e, "%s name '%s' begins or ends with a space; expected none", what,
		    shown);
	/* Stores take a name or a GUID wherever they take a key: keep them apart. */
	if (ipp_guid_valid(name))
		return fail(e, "%s name '%s' has the form of a GUID, which identifies objects; "
		    "expected another name", what, shown);
	return 0;
}

int
ipp_desc_validate(const char *what, const char *desc, struct ipp_err *e)
{
	char shown[IPP_PRINTABLE_MAX];
	size_t len;

	/* Only a failure pays for the printable copy: policies hold thousands of these. */
	if (desc == NULL)
		return 0;
	if ((len = strlen(desc)) > IPP_DESC_MAX)
		return fail(e, "%s description '%s' is %zu bytes long; expected at most %d",
		    what, ipp_str_printable(desc, shown, sizeof(shown)), len, IPP_DESC_MAX);
	if (find_control(desc, "\t\n\r") != NULL)
		return fail(e, "%s description '%s' contains a control character; expected "
		    "text, tabs and line breaks", what,
		    ipp_str_printable(desc, shown, sizeof(shown)));
	if (!utf8_valid(desc))
		return fail(e, "%s description '%s' is not valid UTF-8; expected UTF-8 text",
		    what, ipp_str_printable(desc, shown, sizeof(shown)));
	return 0;
}

static int
guid_check(const char *obj, const char guid[IPP_GUID_SIZE], struct ipp_err *e)
{
	char shown[IPP_PRINTABLE_MAX];
	char copy[IPP_GUID_SIZE];

	/* Empty: the store assigns one.  The array may come unterminated from a caller. */
	if (guid[0] == '\0')
		return 0;
	if (memchr(guid, '\0', IPP_GUID_SIZE) == NULL)
		return fail(e, "%s id is not terminated; expected a braced GUID", obj);
	memcpy(copy, guid, IPP_GUID_SIZE);
	if (!ipp_guid_valid(copy))
		return fail(e, "%s id '%s' is not a GUID; expected "
		    "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}", obj,
		    ipp_str_printable(copy, shown, sizeof(shown)));
	return 0;
}

/* "kind 'name'", with the name made printable (it may not be checked yet). */
static const char *
label(char *buf, size_t len, const char *kind, const char *name)
{
	char shown[IPP_PRINTABLE_MAX];

	snprintf(buf, len, "%s '%s'", kind, ipp_str_printable(name, shown, sizeof(shown)));
	return buf;
}

/* ---- filters ---- */

static bool
is_server(enum ipp_addr_kind k)
{
	return k == IPP_ADDR_SRV_DNS || k == IPP_ADDR_SRV_WINS || k == IPP_ADDR_SRV_DHCP ||
	    k == IPP_ADDR_SRV_GATEWAY;
}

static int
addr_field(const struct ipp_addr *a, const char *obj, const char *field, struct ipp_err *e)
{
	if (a->kind == IPP_ADDR_NONE)
		return fail(e, "%s: %s is not set; expected me, any, an address, subnet or "
		    "range, a DNS name, or dns, wins, dhcp or gateway", obj, field);
	if (ipp_addr_check(a, e) == -1)
		return ipp_err_prefix(e, "%s: %s", obj, field);
	return 0;
}

static const char *
family_name(int family)
{
	return family == AF_INET ? "IPv4" : "IPv6";
}

static int
filter_addrs(const struct ipp_filter *f, const char *obj, struct ipp_err *e)
{
	char s[IPP_ADDR_STRLEN], d[IPP_ADDR_STRLEN];
	bool sfam = f->src.kind == IPP_ADDR_NET || f->src.kind == IPP_ADDR_RANGE;
	bool dfam = f->dst.kind == IPP_ADDR_NET || f->dst.kind == IPP_ADDR_RANGE;
	bool ssrv = is_server(f->src.kind), dsrv = is_server(f->dst.kind);

	if (!(sfam && dfam && f->src.family != f->dst.family) && !ssrv && !dsrv)
		return 0;
	/* Only a failure pays for the text. */
	ipp_addr_format(&f->src, s, sizeof(s));
	ipp_addr_format(&f->dst, d, sizeof(d));
	if (sfam && dfam && f->src.family != f->dst.family)
		return fail(e, "%s: source %s is %s but destination %s is %s; expected one "
		    "family on both sides", obj, s, family_name(f->src.family), d,
		    family_name(f->dst.family));
	if (ssrv && dsrv)
		return fail(e, "%s: server keywords on both sides (source %s, destination %s); "
		    "expected me on the other side", obj, s, d);
	if (ssrv && f->dst.kind != IPP_ADDR_ME)
		return fail(e, "%s: source is the server keyword %s but destination is %s; "
		    "expected destination me", obj, s, d);
	if (dsrv && f->src.kind != IPP_ADDR_ME)
		return fail(e, "%s: destination is the server keyword %s but source is %s; "
		    "expected source me", obj, d, s);
	return 0;
}

static int
filter_check(const struct ipp_filter *f, const char *obj, struct ipp_err *e)
{
	char proto[IPP_PROTO_STRLEN];

	if (ipp_desc_validate(obj, f->description, e) == -1 ||
	    addr_field(&f->src, obj, "source address", e) == -1 ||
	    addr_field(&f->dst, obj, "destination address", e) == -1 ||
	    filter_addrs(f, obj, e) == -1)
		return -1;
	if ((f->sport != 0 || f->dport != 0) && f->proto != IPPROTO_TCP &&
	    f->proto != IPPROTO_UDP)
		return fail(e, "%s: %s port %u given with protocol %s; expected ports only "
		    "with TCP or UDP", obj, f->sport != 0 ? "source" : "destination",
		    f->sport != 0 ? f->sport : f->dport,
		    ipp_proto_name(f->proto, proto, sizeof(proto)));
	return 0;
}

int
ipp_filter_validate(const struct ipp_filter *f, struct ipp_err *e)
{
	return filter_check(f, "filter", e);
}

int
ipp_filterlist_validate(const struct ipp_filterlist *fl, struct ipp_err *e)
{
	char obj[OBJ_MAX], fobj[OBJ_MAX + 32];

	if (ipp_name_validate("filter list", fl->name, e) == -1)
		return -1;
	label(obj, sizeof(obj), "filter list", fl->name);
	if (guid_check(obj, fl->guid, e) == -1 ||
	    ipp_desc_validate(obj, fl->description, e) == -1)
		return -1;
	if (fl->nfilters > 0 && fl->filters == NULL)
		return fail(e, "%s: %zu filters announced but none given", obj, fl->nfilters);
	for (size_t i = 0; i < fl->nfilters; i++) {
		/* Lists hold thousands of filters: name one only to report it. */
		if (filter_check(&fl->filters[i], "filter", e) == 0)
			continue;
		snprintf(fobj, sizeof(fobj), "filter %zu of %s", i + 1, obj);
		return filter_check(&fl->filters[i], fobj, e);
	}
	return 0;
}

/* ---- quick-mode offers and filter actions ---- */

static const char *
cipher_list(char *buf, size_t len, bool esp)
{
	buf[0] = '\0';
	for (int c = esp ? 0 : 1; c < IPP_CIPHER_COUNT; c++) {
		if (!esp && ipp_cipher_is_aead(c))
			continue;
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", buf[0] == '\0' ? "" :
		    ", ", ipp_cipher_name(c));
	}
	return buf;
}

static const char *
hash_list(char *buf, size_t len, bool with_none)
{
	buf[0] = '\0';
	for (int h = with_none ? 0 : 1; h < IPP_HASH_COUNT; h++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", buf[0] == '\0' ? "" :
		    ", ", ipp_hash_name(h));
	return buf;
}

static int
ah_check(const struct ipp_qm_offer *o, const char *obj, struct ipp_err *e)
{
	char list[ALGOS_MAX];

	if ((unsigned)o->ah_hash >= IPP_HASH_COUNT)
		return fail(e, "%s: AH hash %d is unknown; expected one of %s", obj,
		    (int)o->ah_hash, hash_list(list, sizeof(list), false));
	if (o->ah_hash == IPP_HASH_NONE)
		return fail(e, "%s: AH hash is NONE; AH is only integrity, expected one of %s",
		    obj, hash_list(list, sizeof(list), false));
	return 0;
}

static int
esp_check(const struct ipp_qm_offer *o, const char *obj, struct ipp_err *e)
{
	char list[ALGOS_MAX];

	if ((unsigned)o->esp_cipher >= IPP_CIPHER_COUNT)
		return fail(e, "%s: ESP cipher %d is unknown; expected one of %s", obj,
		    (int)o->esp_cipher, cipher_list(list, sizeof(list), true));
	if ((unsigned)o->esp_auth >= IPP_HASH_COUNT)
		return fail(e, "%s: ESP integrity %d is unknown; expected one of %s", obj,
		    (int)o->esp_auth, hash_list(list, sizeof(list), true));
	if (o->esp_cipher == IPP_CIPHER_NONE && o->esp_auth == IPP_HASH_NONE)
		return fail(e, "%s: ESP[NONE,NONE] protects nothing; expected a cipher, an "
		    "integrity algorithm or both", obj);
	if (ipp_cipher_is_aead(o->esp_cipher) && o->esp_auth != IPP_HASH_NONE)
		return fail(e, "%s: ESP[%s,%s]: GCM has integrity built in; expected "
		    "integrity NONE with %s", obj, ipp_cipher_name(o->esp_cipher),
		    ipp_hash_name(o->esp_auth), ipp_cipher_name(o->esp_cipher));
	return 0;
}

static int
lifetime_check(const struct ipp_qm_offer *o, const char *obj, struct ipp_err *e)
{
	if (o->life_s != 0 && (o->life_s < IPP_QM_LIFE_S_LO || o->life_s > IPP_QM_LIFE_S_HI))
		return fail(e, "%s: lifetime %u s is out of range; expected %u to %u s, or 0 "
		    "for the default (%u s)", obj, o->life_s, IPP_QM_LIFE_S_LO,
		    IPP_QM_LIFE_S_HI, IPP_DEF_QM_LIFE_S);
	if (o->life_kb != 0 &&
	    (o->life_kb < IPP_QM_LIFE_KB_LO || o->life_kb > IPP_QM_LIFE_KB_HI))
		return fail(e, "%s: lifetime %u KB is out of range; expected %u to %u KB, or 0 "
		    "for the default (%u KB)", obj, o->life_kb, IPP_QM_LIFE_KB_LO,
		    IPP_QM_LIFE_KB_HI, IPP_DEF_QM_LIFE_KB);
	return 0;
}

static int
offer_check(const struct ipp_qm_offer *o, const char *obj, struct ipp_err *e)
{
	switch (o->proto) {
	case IPP_QM_ESP:
		if (esp_check(o, obj, e) == -1)
			return -1;
		break;
	case IPP_QM_AH:
		if (ah_check(o, obj, e) == -1)
			return -1;
		break;
	case IPP_QM_AH_ESP:
		if (ah_check(o, obj, e) == -1 || esp_check(o, obj, e) == -1)
			return -1;
		break;
	default:
		return fail(e, "%s: protocol %d is unknown; expected ESP, AH or AH+ESP", obj,
		    (int)o->proto);
	}
	if (lifetime_check(o, obj, e) == -1)
		return -1;
	if (o->pfs_group != 0 && !ipp_group_is_known(o->pfs_group))
		return fail(e, "%s: PFS group %u is unknown; expected 1, 2, 14, 15, 19, 20, 21 "
		    "or 0 for the main-mode group", obj, o->pfs_group);
	if (o->pfs_group != 0 && !o->pfs)
		return fail(e, "%s: PFS group %u is set but PFS is off; expected PFS on, or "
		    "group 0", obj, o->pfs_group);
	return 0;
}

int
ipp_qm_offer_validate(const struct ipp_qm_offer *o, struct ipp_err *e)
{
	return offer_check(o, "quick-mode offer", e);
}

static int
offers_check(const struct ipp_qm_offer *v, size_t n, const char *obj, struct ipp_err *e)
{
	char oobj[OBJ_MAX + 32];

	if (n > 0 && v == NULL)
		return fail(e, "%s: %zu offers announced but none given", obj, n);
	for (size_t i = 0; i < n; i++) {
		snprintf(oobj, sizeof(oobj), "%s offer %zu", obj, i + 1);
		if (offer_check(&v[i], oobj, e) == -1)
			return -1;
	}
	return 0;
}

int
ipp_filteraction_validate(const struct ipp_filteraction *fa, struct ipp_err *e)
{
	char obj[OBJ_MAX];

	if (ipp_name_validate("filter action", fa->name, e) == -1)
		return -1;
	label(obj, sizeof(obj), "filter action", fa->name);
	if (guid_check(obj, fa->guid, e) == -1 ||
	    ipp_desc_validate(obj, fa->description, e) == -1)
		return -1;
	if ((unsigned)fa->action > IPP_ACTION_NEGOTIATE)
		return fail(e, "%s: action %d is unknown; expected permit, block or negotiate",
		    obj, (int)fa->action);
	if (fa->action == IPP_ACTION_NEGOTIATE && fa->noffers == 0)
		return fail(e, "%s: action negotiate with no security methods; expected at "
		    "least one offer", obj);
	return offers_check(fa->offers, fa->noffers, obj, e);
}

/* ---- authentication ---- */

static int
auth_check(const struct ipp_auth *a, const char *obj, struct ipp_err *e)
{
	char shown[IPP_PRINTABLE_MAX];
	size_t len = a->value != NULL ? strlen(a->value) : 0;

	if ((unsigned)a->kind > IPP_AUTH_CERT)
		return fail(e, "%s: kind %d is unknown; expected kerberos, psk or rootca", obj,
		    (int)a->kind);
	if (a->kind != IPP_AUTH_CERT && (a->certmap || a->excludecaname))
		return fail(e, "%s: certmap or excludecaname set on a %s method; expected "
		    "them only with a root CA", obj,
		    a->kind == IPP_AUTH_PSK ? "preshared-key" : "Kerberos");
	switch (a->kind) {
	case IPP_AUTH_KERBEROS:
		/* Not shown: a method whose kind was mangled may still hold a key. */
		if (len != 0)
			return fail(e, "%s: Kerberos takes no value but a value of %zu bytes is "
			    "given; expected none", obj, len);
		return 0;
	case IPP_AUTH_PSK:
		/* The key itself must never reach a message or a log. */
		if (len == 0)
			return fail(e, "%s: preshared key is empty; expected a key of 1 to %d "
			    "bytes", obj, IPP_PSK_MAX);
		if (len > IPP_PSK_MAX)
			return fail(e, "%s: preshared key is %zu bytes long; expected at most %d",
			    obj, len, IPP_PSK_MAX);
		return 0;
	case IPP_AUTH_CERT:
		break;
	}
	ipp_str_printable(a->value, shown, sizeof(shown));
	if (len == 0)
		return fail(e, "%s: root CA name is empty; expected a distinguished name, e.g. "
		    "CN=Example Root CA,O=Example", obj);
	if (len > IPP_CA_DN_MAX)
		return fail(e, "%s: root CA name '%s' is %zu bytes long; expected at most %d",
		    obj, shown, len, IPP_CA_DN_MAX);
	if (find_control(a->value, "") != NULL || !utf8_valid(a->value))
		return fail(e, "%s: root CA name '%s' contains a control character or invalid "
		    "UTF-8; expected a distinguished name", obj, shown);
	if (strchr(a->value, '=') == NULL)
		return fail(e, "%s: root CA name '%s' is not a distinguished name; expected "
		    "e.g. CN=Example Root CA,O=Example", obj, shown);
	return 0;
}

int
ipp_auth_validate(const struct ipp_auth *a, struct ipp_err *e)
{
	return auth_check(a, "authentication method", e);
}

static int
auths_check(const struct ipp_auth *v, size_t n, const char *obj, struct ipp_err *e)
{
	char aobj[OBJ_MAX + 48];

	if (n > 0 && v == NULL)
		return fail(e, "%s: %zu authentication methods announced but none given", obj,
		    n);
	for (size_t i = 0; i < n; i++) {
		snprintf(aobj, sizeof(aobj), "authentication method %zu of %s", i + 1, obj);
		if (auth_check(&v[i], aobj, e) == -1)
			return -1;
	}
	return 0;
}

/* ---- main mode ---- */

static int
mm_offer_check(const struct ipp_mm_offer *o, const char *obj, struct ipp_err *e)
{
	char list[ALGOS_MAX];

	if ((unsigned)o->cipher >= IPP_CIPHER_COUNT || o->cipher == IPP_CIPHER_NONE)
		return fail(e, "%s: cipher %s (%d) is not a main-mode cipher; expected one of "
		    "%s", obj, ipp_cipher_name(o->cipher), (int)o->cipher,
		    cipher_list(list, sizeof(list), false));
	if (ipp_cipher_is_aead(o->cipher))
		return fail(e, "%s: cipher %s is not allowed in main mode (GCM is for ESP "
		    "only); expected one of %s", obj, ipp_cipher_name(o->cipher),
		    cipher_list(list, sizeof(list), false));
	if ((unsigned)o->hash >= IPP_HASH_COUNT || o->hash == IPP_HASH_NONE)
		return fail(e, "%s: hash %s (%d) is not a main-mode hash; expected one of %s",
		    obj, ipp_hash_name(o->hash), (int)o->hash,
		    hash_list(list, sizeof(list), false));
	if (!ipp_group_is_known(o->group))
		return fail(e, "%s: DH group %u is unknown; expected 1, 2, 14, 15, 19, 20 or 21",
		    obj, o->group);
	return 0;
}

static int
mm_check(const struct ipp_mm *mm, const char *obj, struct ipp_err *e)
{
	char oobj[OBJ_MAX + 32];

	if (mm->lifetime_min < IPP_MM_LIFE_MIN_LO || mm->lifetime_min > IPP_MM_LIFE_MIN_HI)
		return fail(e, "%s: lifetime %u min is out of range; expected %u to %u min",
		    obj, mm->lifetime_min, IPP_MM_LIFE_MIN_LO, IPP_MM_LIFE_MIN_HI);
	if (mm->pfs && mm->qm_per_mm > 1)
		return fail(e, "%s: master-key PFS with %u quick modes per main mode; PFS "
		    "allows one, expected 0 or 1", obj, mm->qm_per_mm);
	/* 0: the default (an object written before the setting existed). */
	if (mm->soft_expire_s != 0 && (mm->soft_expire_s < IPP_SOFT_EXPIRE_S_LO ||
	    mm->soft_expire_s > IPP_SOFT_EXPIRE_S_HI))
		return fail(e, "%s: soft association expiry %u s is out of range; expected %u "
		    "to %u s", obj, mm->soft_expire_s, IPP_SOFT_EXPIRE_S_LO,
		    IPP_SOFT_EXPIRE_S_HI);
	if (mm->noffers > 0 && mm->offers == NULL)
		return fail(e, "%s: %zu offers announced but none given", obj, mm->noffers);
	for (size_t i = 0; i < mm->noffers; i++) {
		snprintf(oobj, sizeof(oobj), "%s offer %zu", obj, i + 1);
		if (mm_offer_check(&mm->offers[i], oobj, e) == -1)
			return -1;
	}
	return 0;
}

int
ipp_mm_validate(const struct ipp_mm *mm, struct ipp_err *e)
{
	return mm_check(mm, "main mode", e);
}

/* ---- rules ---- */

static int
tunnel_check(const struct ipp_rule *r, const char *obj, struct ipp_err *e)
{
	char t[IPP_ADDR_STRLEN];
	const struct ipp_addr *a = &r->tunnel;

	if (a->kind == IPP_ADDR_NONE)
		return 0;
	if (ipp_addr_check(a, e) == -1)
		return ipp_err_prefix(e, "%s: tunnel endpoint", obj);
	if (a->kind == IPP_ADDR_DNSNAME ||
	    (a->kind == IPP_ADDR_NET && a->prefix == (a->family == AF_INET ? 32 : 128)))
		return 0;
	return fail(e, "%s: tunnel endpoint %s is not a single host; expected an IP address "
	    "or a DNS name", obj, ipp_addr_format(a, t, sizeof(t)));
}

static int
ref_check(const char *ref, const char *obj, const char *what, struct ipp_err *e)
{
	if (ref == NULL || *ref == '\0')
		return fail(e, "%s: no %s; expected the name of a %s", obj, what, what);
	if (ipp_name_validate(what, ref, e) == -1)
		return ipp_err_prefix(e, "%s", obj);
	return 0;
}

/* "rule 'R1' of policy 'P'" */
static const char *
rule_label(char *buf, size_t len, const struct ipp_rule *r, const char *policy)
{
	char shown[IPP_PRINTABLE_MAX];
	int n;

	ipp_str_printable(r->name, shown, sizeof(shown));
	if (policy != NULL)
		n = snprintf(buf, len, "rule '%s' of %s", shown, policy);
	else
		n = snprintf(buf, len, "rule '%s'", shown);
	/* Both parts are bounded by IPP_PRINTABLE_MAX, so this does not happen. */
	if (n < 0 || (size_t)n >= len)
		buf[len - 1] = '\0';
	return buf;
}

/* A tunnel carries one direction; the other side's rule carries the other. */
static int
tunnel_list_check(const struct ipp_rule *r, const char *obj,
    const struct ipp_filterlist *list, struct ipp_err *e)
{
	char fobj[OBJ_MAX];

	if (list == NULL || r->tunnel.kind == IPP_ADDR_NONE)
		return 0;
	for (size_t i = 0; list->filters != NULL && i < list->nfilters; i++) {
		if (!list->filters[i].mirrored)
			continue;
		return fail(e, "%s: tunnel rule, but filter %zu of %s is mirrored; expected "
		    "one-way filters (mirrored=no) in a tunnel rule's list", obj, i + 1,
		    label(fobj, sizeof(fobj), "filter list", list->name));
	}
	return 0;
}

static int
rule_check(const struct ipp_rule *r, const char *policy, const struct ipp_filterlist *list,
    struct ipp_err *e)
{
	char obj[OBJ_MAX];

	if (ipp_name_validate("rule", r->name, e) == -1)
		return policy != NULL ? ipp_err_prefix(e, "%s", policy) : -1;
	rule_label(obj, sizeof(obj), r, policy);
	if (guid_check(obj, r->guid, e) == -1 ||
	    ipp_desc_validate(obj, r->description, e) == -1 ||
	    ref_check(r->filterlist, obj, "filter list", e) == -1 ||
	    ref_check(r->filteraction, obj, "filter action", e) == -1 ||
	    auths_check(r->auth, r->nauth, obj, e) == -1 ||
	    tunnel_check(r, obj, e) == -1)
		return -1;
	if ((unsigned)r->conntype > IPP_CONN_DIALUP)
		return fail(e, "%s: connection type %d is unknown; expected all, lan or dialup",
		    obj, (int)r->conntype);
	return tunnel_list_check(r, obj, list, e);
}

int
ipp_rule_validate(const struct ipp_rule *r, const struct ipp_filterlist *list,
    const struct ipp_filteraction *action, struct ipp_err *e)
{
	if (list != NULL && ipp_filterlist_validate(list, e) == -1)
		return -1;
	if (action != NULL && ipp_filteraction_validate(action, e) == -1)
		return -1;
	return rule_check(r, NULL, list, e);
}

/* ---- policies ---- */

static int
rules_unique(const struct ipp_policy *p, const char *obj, struct ipp_err *e)
{
	char shown[IPP_PRINTABLE_MAX];

	for (size_t i = 0; i < p->nrules; i++)
		for (size_t j = i + 1; j < p->nrules; j++) {
			/* Names are looked up without case, so these would be ambiguous. */
			if (strcasecmp(p->rules[i].name, p->rules[j].name) == 0)
				return fail(e, "%s: rules %zu and %zu are both named '%s'; "
				    "expected unique rule names", obj, i + 1, j + 1,
				    ipp_str_printable(p->rules[j].name, shown, sizeof(shown)));
			if (p->rules[i].guid[0] != '\0' &&
			    strcmp(p->rules[i].guid, p->rules[j].guid) == 0)
				return fail(e, "%s: rules %zu and %zu have the same id %s; "
				    "expected unique ids", obj, i + 1, j + 1, p->rules[j].guid);
		}
	return 0;
}

/* The rule's references resolve in the tree (names were checked already). */
static int
rule_refs(const struct ipp_rule *r, const char *policy, const struct ipp_policy_tree *t,
    struct ipp_err *e)
{
	char obj[OBJ_MAX];
	const struct ipp_filterlist *list;

	rule_label(obj, sizeof(obj), r, policy);
	if ((list = ipp_tree_filterlist(t, r->filterlist)) == NULL)
		return fail(e, "%s: filter list '%s' does not exist; expected the name of an "
		    "existing filter list", obj, r->filterlist);
	if (ipp_tree_filteraction(t, r->filteraction) == NULL)
		return fail(e, "%s: filter action '%s' does not exist; expected the name of an "
		    "existing filter action", obj, r->filteraction);
	return tunnel_list_check(r, obj, list, e);
}

static int
policy_check(const struct ipp_policy *p, const struct ipp_policy_tree *t, struct ipp_err *e)
{
	char obj[OBJ_MAX], sub[OBJ_MAX + 48];

	if (ipp_name_validate("policy", p->name, e) == -1)
		return -1;
	label(obj, sizeof(obj), "policy", p->name);
	if (guid_check(obj, p->guid, e) == -1 ||
	    ipp_desc_validate(obj, p->description, e) == -1)
		return -1;
	if (p->poll_min < IPP_POLL_MIN_LO || p->poll_min > IPP_POLL_MIN_HI)
		return fail(e, "%s: polling interval %u min is out of range; expected %u to %u "
		    "min", obj, p->poll_min, IPP_POLL_MIN_LO, IPP_POLL_MIN_HI);
	snprintf(sub, sizeof(sub), "main mode of %s", obj);
	if (mm_check(&p->mm, sub, e) == -1)
		return -1;
	snprintf(sub, sizeof(sub), "default response rule of %s", obj);
	if (offers_check(p->defrule.offers, p->defrule.noffers, sub, e) == -1 ||
	    auths_check(p->defrule.auth, p->defrule.nauth, sub, e) == -1)
		return -1;
	if (p->nrules > 0 && p->rules == NULL)
		return fail(e, "%s: %zu rules announced but none given", obj, p->nrules);
	for (size_t i = 0; i < p->nrules; i++)
		if (rule_check(&p->rules[i], obj, NULL, e) == -1 ||
		    (t != NULL && rule_refs(&p->rules[i], obj, t, e) == -1))
			return -1;
	return rules_unique(p, obj, e);
}

int
ipp_policy_validate(const struct ipp_policy *p, struct ipp_err *e)
{
	return policy_check(p, NULL, e);
}

int
ipp_policy_tree_validate(const struct ipp_policy_tree *t, struct ipp_err *e)
{
	char shown[IPP_PRINTABLE_MAX];

	if ((t->nlists > 0 && t->lists == NULL) || (t->nactions > 0 && t->actions == NULL))
		return fail(e, "policy tree: %zu filter lists and %zu filter actions announced "
		    "but not given", t->nlists, t->nactions);
	for (size_t i = 0; i < t->nlists; i++) {
		if (ipp_filterlist_validate(&t->lists[i], e) == -1)
			return -1;
		for (size_t j = 0; j < i; j++)
			if (strcmp(t->lists[i].name, t->lists[j].name) == 0)
				return fail(e, "policy tree: filter list '%s' appears twice; "
				    "expected each once", ipp_str_printable(t->lists[i].name,
				    shown, sizeof(shown)));
	}
	for (size_t i = 0; i < t->nactions; i++) {
		if (ipp_filteraction_validate(&t->actions[i], e) == -1)
			return -1;
		for (size_t j = 0; j < i; j++)
			if (strcmp(t->actions[i].name, t->actions[j].name) == 0)
				return fail(e, "policy tree: filter action '%s' appears twice; "
				    "expected each once", ipp_str_printable(t->actions[i].name,
				    shown, sizeof(shown)));
	}
	return policy_check(&t->policy, t, e);
}
