/* ike_cert_dn: DN text as administrators write it, against the names in certificates. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/objects.h>

#include "ike/cert_int.h"

#define DN_RDN_MAX	32
#define DN_VALUE_MAX	256

struct dn_ava {
	int	nid;
	char	value[DN_VALUE_MAX];
};

/* Windows writes E= and S=; OpenSSL knows them as emailAddress and ST. */
static int
attr_nid(const char *name)
{
	char up[64];
	size_t i;
	int nid = OBJ_txt2nid(name);

	if (nid != NID_undef)
		return nid;
	for (i = 0; name[i] != '\0' && i + 1 < sizeof(up); i++)
		up[i] = (char)toupper((unsigned char)name[i]);
	up[i] = '\0';
	if ((nid = OBJ_txt2nid(up)) != NID_undef)
		return nid;
	if (strcasecmp(name, "E") == 0 || strcasecmp(name, "EMAIL") == 0)
		return NID_pkcs9_emailAddress;
	if (strcasecmp(name, "S") == 0)
		return NID_stateOrProvinceName;
	if (strcasecmp(name, "DC") == 0)
		return NID_domainComponent;
	return OBJ_txt2nid(name);
}

static void
trim(char *s)
{
	size_t n = strlen(s), i = 0;

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	while (isspace((unsigned char)s[i]))
		i++;
	memmove(s, s + i, n - i + 1);
}

/* One "attr=value" from *p up to an unescaped ',' or ';'; *p moves past it. */
static int
parse_ava(const char **p, struct dn_ava *a)
{
	char name[64], *v = a->value;
	size_t nl = 0, vl = 0;
	const char *s = *p;
	bool quoted = false;

	while (*s != '\0' && *s != '=') {
		if (nl + 1 >= sizeof(name))
			return -1;
		name[nl++] = *s++;
	}
	if (*s != '=')
		return -1;
	name[nl] = '\0';
	trim(name);
	if (name[0] == '\0' || (a->nid = attr_nid(name)) == NID_undef)
		return -1;
	for (s++; *s != '\0'; s++) {
		if (*s == '"') {
			quoted = !quoted;
			continue;
		}
		if (!quoted && (*s == ',' || *s == ';'))
			break;
		if (*s == '\\' && s[1] != '\0')
			s++;
		if (vl + 1 >= DN_VALUE_MAX)
			return -1;
		v[vl++] = *s;
	}
	if (quoted)
		return -1;
	v[vl] = '\0';
	trim(v);
	*p = *s != '\0' ? s + 1 : s;
	return 0;
}

static int
parse_text(const char *dn, struct dn_ava *out, size_t *n)
{
	const char *p = dn;

	*n = 0;
	while (*p != '\0') {
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		if (*n == DN_RDN_MAX || parse_ava(&p, &out[*n]) != 0)
			return -1;
		(*n)++;
	}
	return *n > 0 ? 0 : -1;
}

static int
name_avas(const X509_NAME *name, struct dn_ava *out, size_t *n)
{
	int cnt = X509_NAME_entry_count(name);

	if (cnt <= 0 || cnt > DN_RDN_MAX)
		return -1;
	for (int i = 0; i < cnt; i++) {
		const X509_NAME_ENTRY *ne = X509_NAME_get_entry(name, i);
		unsigned char *u = NULL;
		int ul;

		out[i].nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(ne));
		ul = ASN1_STRING_to_UTF8(&u, X509_NAME_ENTRY_get_data(ne));
		if (ul < 0 || (size_t)ul >= DN_VALUE_MAX || memchr(u, '\0', (size_t)ul) != NULL) {
			OPENSSL_free(u);
			return -1;
		}
		memcpy(out[i].value, u, (size_t)ul);
		out[i].value[ul] = '\0';
		OPENSSL_free(u);
	}
	*n = (size_t)cnt;
	return 0;
}

static bool
avas_equal(const struct dn_ava *a, const struct dn_ava *b, size_t n, bool reverse)
{
	for (size_t i = 0; i < n; i++) {
		const struct dn_ava *y = &b[reverse ? n - 1 - i : i];

		if (a[i].nid != y->nid || strcasecmp(a[i].value, y->value) != 0)
			return false;
	}
	return true;
}

bool
ike_cert_name_match(const char *dn, const X509_NAME *n)
{
	struct dn_ava *a, *b;
	size_t na, nb;
	bool eq = false;

	a = calloc(2 * DN_RDN_MAX, sizeof(*a));
	if (a == NULL)
		return false;
	b = a + DN_RDN_MAX;
	if (parse_text(dn, a, &na) == 0 && name_avas(n, b, &nb) == 0 && na == nb)
		eq = avas_equal(a, b, na, false) || avas_equal(a, b, na, true);
	free(a);
	return eq;
}

static bool
dn_parses(const char *dn)
{
	struct dn_ava *t = calloc(DN_RDN_MAX, sizeof(*t));
	size_t n;
	bool ok;

	if (t == NULL)
		return false;
	ok = parse_text(dn, t, &n) == 0;
	free(t);
	return ok;
}

int
ike_cert_dn_match(const char *dn, const uint8_t *der, size_t len)
{
	const unsigned char *p = der;
	X509_NAME *n;
	bool eq;

	if (!dn_parses(dn))
		return -1;
	if (len > IKE_CERT_DER_MAX || (n = d2i_X509_NAME(NULL, &p, (long)len)) == NULL)
		return 0;
	eq = p == der + len && ike_cert_name_match(dn, n);
	X509_NAME_free(n);
	return eq ? 1 : 0;
}

const char *
ike_cert_name_str(const X509_NAME *n, char *buf, size_t len)
{
	BIO *b = BIO_new(BIO_s_mem());
	int r;

	buf[0] = '\0';
	if (b == NULL)
		return buf;
	if (X509_NAME_print_ex(b, n, 0, XN_FLAG_ONELINE & ~XN_FLAG_SPC_EQ &
	    ~ASN1_STRFLGS_ESC_MSB) >= 0 &&
	    (r = BIO_read(b, buf, (int)len - 1)) > 0)
		buf[r] = '\0';
	BIO_free(b);
	return buf;
}
