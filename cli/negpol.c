/* ipp_negpol: quick-mode security method lists (grammar in negpol.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/lex.h"
#include "cli/negpol.h"

#define LIFE_S_MIN	300u
#define LIFE_S_MAX	172800u
#define LIFE_KB_MIN	20480u
#define LIFE_KB_MAX	2147483647u

/* One entry being read: the word for messages and a cursor into it. */
struct cur {
	const char *s;
	size_t n, i;
	enum ipp_negpol_syntax syn;
	struct ipp_err *e;
};

#define FAIL(c, ...) ipp_lex_fail((c)->e, "negotiation policy", (c)->s, (c)->n, __VA_ARGS__)

struct piece {
	const char *s;
	size_t n;
};

static bool
at(struct cur *c, const char *word)
{
	size_t w = ipp_lex_prefix(c->s + c->i, c->n - c->i, word);

	c->i += w;
	return w != 0;
}

static const char *
show(struct piece p, char buf[IPP_LEX_SHOWLEN])
{
	return ipp_lex_show(p.s, p.n, buf);
}

/* Looks a bracket argument up with one of the store's name functions. */
static int
lookup(struct piece p, int (*fn)(const char *))
{
	char buf[24];

	if (p.n == 0 || p.n >= sizeof(buf))
		return -1;
	memcpy(buf, p.s, p.n);
	buf[p.n] = '\0';
	return fn(buf);
}

/* After "NAME[": the comma-separated arguments up to "]". */
static int
bracket(struct cur *c, const char *name, struct piece *arg, size_t max, size_t *narg)
{
	size_t start = c->i;

	*narg = 0;
	for (; c->i < c->n && c->s[c->i] != ']'; c->i++) {
		if (c->s[c->i] != ',')
			continue;
		if (*narg + 1 == max)
			return FAIL(c, "%s[...] takes at most %zu algorithm%s", name, max,
			    max == 1 ? "" : "s");
		arg[(*narg)++] = (struct piece){ c->s + start, c->i - start };
		start = c->i + 1;
	}
	if (c->i == c->n)
		return FAIL(c, "%s[ without closing ']'", name);
	arg[(*narg)++] = (struct piece){ c->s + start, c->i - start };
	c->i++;
	return 0;
}

static int
parse_ah(struct cur *c, struct ipp_qm_offer *o)
{
	char b[IPP_LEX_SHOWLEN];
	struct piece arg[1];
	size_t narg;
	int h;

	if (bracket(c, "AH", arg, 1, &narg) == -1)
		return -1;
	if ((h = lookup(arg[0], ipp_hash_from_name)) <= IPP_HASH_NONE)
		return FAIL(c, "AH hash '%s' is not one of MD5 SHA SHA1 SHA256 SHA384 SHA512",
		    show(arg[0], b));
	o->ah_hash = (enum ipp_hash)h;
	return 0;
}

static int
parse_esp(struct cur *c, struct ipp_qm_offer *o)
{
	char b[IPP_LEX_SHOWLEN];
	struct piece arg[2];
	size_t narg;
	int ci, h = IPP_HASH_NONE;

	if (bracket(c, "ESP", arg, 2, &narg) == -1)
		return -1;
	if ((ci = lookup(arg[0], ipp_cipher_from_name)) < 0)
		return FAIL(c, "ESP cipher '%s' is not one of NONE DES 3DES AES128 AES192 AES256 "
		    "AES128GCM16 AES256GCM16", show(arg[0], b));
	if (narg == 2 && (h = lookup(arg[1], ipp_hash_from_name)) < 0)
		return FAIL(c, "ESP authentication '%s' is not one of NONE MD5 SHA SHA1 SHA256 "
		    "SHA384 SHA512", show(arg[1], b));
	if (ipp_cipher_is_aead(ci) && h != IPP_HASH_NONE)
		return FAIL(c, "%s authenticates by itself: write ESP[%s] or ESP[%s,NONE]",
		    ipp_cipher_name(ci), ipp_cipher_name(ci), ipp_cipher_name(ci));
	if (!ipp_cipher_is_aead(ci) && narg == 1)
		return FAIL(c, "ESP[%s] needs an authentication algorithm: write ESP[%s,SHA1] "
		    "or ESP[%s,NONE]", ipp_cipher_name(ci), ipp_cipher_name(ci),
		    ipp_cipher_name(ci));
	if (ci == IPP_CIPHER_NONE && h == IPP_HASH_NONE)
		return FAIL(c, "ESP needs a cipher or an authentication algorithm");
	o->esp_cipher = (enum ipp_cipher)ci;
	o->esp_auth = (enum ipp_hash)h;
	return 0;
}

/* One N followed by S or K. */
static int
rekey_part(struct cur *c, struct ipp_qm_offer *o, bool *seen_s, bool *seen_k)
{
	char b[IPP_LEX_SHOWLEN];
	size_t d = ipp_lex_ndigits(c->s + c->i, c->n - c->i);
	struct piece num = { c->s + c->i, d };
	char unit;
	uint32_t v;

	if (d == 0 || c->i + d >= c->n)
		return FAIL(c, "expected a lifetime NNNS (seconds) or NNNK (kilobytes)");
	c->i += d;
	unit = c->s[c->i++];
	if (unit == 's' || unit == 'S') {
		if (*seen_s)
			return FAIL(c, "lifetime in seconds given twice");
		if (ipp_lex_u32(num.s, num.n, LIFE_S_MIN, LIFE_S_MAX, &v) == -1)
			return FAIL(c, "lifetime %sS is not %u to %u seconds", show(num, b),
			    LIFE_S_MIN, LIFE_S_MAX);
		o->life_s = v;
		*seen_s = true;
	} else if (unit == 'k' || unit == 'K') {
		if (*seen_k)
			return FAIL(c, "lifetime in kilobytes given twice");
		if (ipp_lex_u32(num.s, num.n, LIFE_KB_MIN, LIFE_KB_MAX, &v) == -1)
			return FAIL(c, "lifetime %sK is not %u to %u kilobytes", show(num, b),
			    LIFE_KB_MIN, LIFE_KB_MAX);
		o->life_kb = v;
		*seen_k = true;
	} else
		return FAIL(c, "lifetime %s needs the unit S (seconds) or K (kilobytes)",
		    show(num, b));
	return 0;
}

static int
parse_rekey(struct cur *c, struct ipp_qm_offer *o)
{
	bool seen_s = false, seen_k = false;

	if (rekey_part(c, o, &seen_s, &seen_k) == -1)
		return -1;
	if (c->i < c->n && c->s[c->i] == '/') {
		c->i++;
		return rekey_part(c, o, &seen_s, &seen_k);
	}
	return 0;
}

static int
parse_pfs(struct cur *c, struct ipp_qm_offer *o)
{
	char b[IPP_LEX_SHOWLEN];
	size_t d;
	struct piece num;
	uint32_t g = UINT32_MAX;

	if (c->syn == IPP_NEGPOL_NETSH)
		return FAIL(c, "PFS is not part of a netsh security method (use qmpfs=yes)");
	if (!at(c, "PFS"))
		(void)at(c, "P");
	o->pfs = true;
	o->pfs_group = 0;
	d = ipp_lex_ndigits(c->s + c->i, c->n - c->i);
	if (d == 0)
		return 0;
	num = (struct piece){ c->s + c->i, d };
	c->i += d;
	/* Windows numbers the 2048-bit MODP group 3; the model keeps IANA numbers. */
	if (ipp_lex_u32(num.s, num.n, 1, 65535, &g) == 0 && g == 3)
		g = 14;
	if (g > 65535 || !ipp_group_is_known(g))
		return FAIL(c, "PFS group %s is not one of 1 2 3 (=14) 14 15 19 20 21",
		    show(num, b));
	o->pfs_group = (ipp_dhgroup)g;
	return 0;
}

static int
parse_method(struct cur *c, struct ipp_qm_offer *o)
{
	if (at(c, "AH[")) {
		o->proto = IPP_QM_AH;
		if (parse_ah(c, o) == -1)
			return -1;
		if (!at(c, "+"))
			return 0;
		if (!at(c, "ESP["))
			return FAIL(c, "expected ESP[...] after AH[...]+");
		o->proto = IPP_QM_AH_ESP;
		return parse_esp(c, o);
	}
	if (!at(c, "ESP["))
		return FAIL(c, "expected ESP[cipher,auth], AH[hash] or AH[hash]+ESP[cipher,auth]%s",
		    c->syn == IPP_NEGPOL_IPSECPOL ? ", or one of BLOCK, PASS, INPASS" : "");
	o->proto = IPP_QM_ESP;
	if (parse_esp(c, o) == -1)
		return -1;
	if (c->i < c->n && c->s[c->i] == '+')
		return FAIL(c, "write AH[...]+ESP[...], with AH first");
	return 0;
}

/* What follows an offer (or stands alone): [":"] rekey, then pfs. */
static int
parse_tail(struct cur *c, struct ipp_qm_offer *o, bool *rekey, bool *pfs)
{
	bool colon = at(c, ":");

	if (c->i < c->n && c->s[c->i] >= '0' && c->s[c->i] <= '9') {
		if (*rekey)
			return FAIL(c, "lifetime given twice for one security method");
		if (parse_rekey(c, o) == -1)
			return -1;
		*rekey = true;
	} else if (colon)
		return FAIL(c, "expected a lifetime after ':' (e.g. 100000k/3600s)");
	if (c->i < c->n && (c->s[c->i] == 'P' || c->s[c->i] == 'p')) {
		if (*pfs)
			return FAIL(c, "PFS given twice for one security method");
		if (parse_pfs(c, o) == -1)
			return -1;
		*pfs = true;
	}
	if (c->i < c->n) {
		char b[IPP_LEX_SHOWLEN];

		return FAIL(c, "unexpected '%s' after the security method (expected %s)",
		    ipp_lex_show(c->s + c->i, 1, b), c->syn == IPP_NEGPOL_NETSH ?
		    "a lifetime such as :100000k/3600s" :
		    "a lifetime such as 3600S/50000K, then PFS or PFSn");
	}
	return 0;
}

int
ipp_negpol_offer(const char *word, enum ipp_negpol_syntax syn, struct ipp_qm_offer *o,
    struct ipp_err *e)
{
	struct cur c = { word, strlen(word), 0, syn, e };
	bool rekey = false, pfs = false;

	ipp_qm_offer_init(o);
	if (parse_method(&c, o) == -1 || parse_tail(&c, o, &rekey, &pfs) == -1)
		return -1;
	return 0;
}

/* PFS, P, PFSn or Pn: a word that qualifies the offer before it. */
static bool
pfs_word(const char *s, size_t n)
{
	size_t p = ipp_lex_prefix(s, n, "PFS");

	if (p == 0)
		p = ipp_lex_prefix(s, n, "P");
	return p > 0 && ipp_lex_ndigits(s + p, n - p) == n - p;
}

static int
keyword(struct ipp_negpol *np, struct cur *c, enum ipp_action action, bool inpass)
{
	if (c->syn == IPP_NEGPOL_NETSH)
		return FAIL(c, "not a netsh security method (use action=block|permit or "
		    "inpass=yes)");
	if (np->keyword)
		return FAIL(c, "only one of BLOCK, PASS and INPASS may be given");
	if (action != IPP_ACTION_NEGOTIATE && np->noffers > 0)
		return FAIL(c, "BLOCK and PASS take no security methods");
	np->keyword = true;
	np->action = action;
	np->inpass = inpass;
	return 0;
}

static int
entry(struct ipp_negpol *np, struct cur *c)
{
	struct ipp_qm_offer o;
	char ch = c->n > 0 ? c->s[0] : '\0';

	if (ipp_lex_eq(c->s, c->n, "BLOCK"))
		return keyword(np, c, IPP_ACTION_BLOCK, false);
	if (ipp_lex_eq(c->s, c->n, "PASS"))
		return keyword(np, c, IPP_ACTION_PERMIT, false);
	if (ipp_lex_eq(c->s, c->n, "INPASS"))
		return keyword(np, c, IPP_ACTION_NEGOTIATE, true);
	if ((ch >= '0' && ch <= '9') || ch == ':' || pfs_word(c->s, c->n)) {
		/* A lifetime or PFS word on its own qualifies the offer before it. */
		if (np->noffers == 0)
			return FAIL(c, "a lifetime or PFS must follow a security method such as "
			    "ESP[3DES,SHA1]");
		return parse_tail(c, &np->offers[np->noffers - 1], &np->last_rekey,
		    &np->last_pfs);
	}
	if (np->action != IPP_ACTION_NEGOTIATE)
		return FAIL(c, "BLOCK and PASS take no security methods");
	ipp_qm_offer_init(&o);
	np->last_rekey = np->last_pfs = false;
	if (parse_method(c, &o) == -1 ||
	    parse_tail(c, &o, &np->last_rekey, &np->last_pfs) == -1)
		return -1;
	if (ipp_array_push(&np->offers, &np->noffers, sizeof(o), &o) == NULL)
		return ipp_errf(c->e, IPP_E_NOMEM, "out of memory");
	return 0;
}

void
ipp_negpol_init(struct ipp_negpol *np)
{
	memset(np, 0, sizeof(*np));
	np->action = IPP_ACTION_NEGOTIATE;
}

int
ipp_negpol_add(struct ipp_negpol *np, const char *text, enum ipp_negpol_syntax syn,
    struct ipp_err *e)
{
	struct ipp_negpol saved = *np;
	struct ipp_qm_offer last;
	size_t i = 0, nwords = 0;

	/* Keep what a failed call could change, so that it changes nothing. */
	if (np->noffers > 0)
		last = np->offers[np->noffers - 1];
	while (text[i] != '\0') {
		struct cur c = { text + i + strspn(text + i, " \t"), 0, 0, syn, e };

		c.n = strcspn(c.s, " \t");
		if (c.n == 0)
			break;
		nwords++;
		if (entry(np, &c) == -1) {
			struct ipp_qm_offer *offers = np->offers;

			*np = saved;
			np->offers = offers;
			if (np->noffers > 0)
				np->offers[np->noffers - 1] = last;
			if (np->noffers == 0) {
				free(np->offers);
				np->offers = NULL;
			}
			return -1;
		}
		i = (size_t)(c.s - text) + c.n;
	}
	if (nwords == 0)
		return ipp_lex_fail(e, "negotiation policy", text, strlen(text),
		    "no security method (expected e.g. ESP[3DES,SHA1], BLOCK or PASS)");
	return 0;
}

int
ipp_negpol_defaults(struct ipp_negpol *np, struct ipp_err *e)
{
	static const struct {
		enum ipp_cipher c;
		enum ipp_hash h;
	} def[] = {
		{ IPP_CIPHER_3DES, IPP_HASH_SHA1 }, { IPP_CIPHER_3DES, IPP_HASH_MD5 },
		{ IPP_CIPHER_DES, IPP_HASH_SHA1 }, { IPP_CIPHER_DES, IPP_HASH_MD5 },
	};

	if (np->action != IPP_ACTION_NEGOTIATE || np->noffers > 0)
		return 0;
	for (size_t i = 0; i < sizeof(def) / sizeof(def[0]); i++) {
		struct ipp_qm_offer o;

		ipp_qm_offer_init(&o);
		o.proto = IPP_QM_ESP;
		o.esp_cipher = def[i].c;
		o.esp_auth = def[i].h;
		if (ipp_array_push(&np->offers, &np->noffers, sizeof(o), &o) == NULL)
			return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	}
	return 0;
}

int
ipp_negpol_format_offer(const struct ipp_qm_offer *o, enum ipp_negpol_syntax syn, char *buf,
    size_t len)
{
	char ah[24] = "", esp[48] = "", pfs[16] = "";
	int n;

	if (o->proto != IPP_QM_ESP)
		snprintf(ah, sizeof(ah), "AH[%s]%s", ipp_hash_name(o->ah_hash),
		    o->proto == IPP_QM_AH_ESP ? "+" : "");
	if (o->proto != IPP_QM_AH)
		snprintf(esp, sizeof(esp), "ESP[%s,%s]", ipp_cipher_name(o->esp_cipher),
		    ipp_hash_name(o->esp_auth));
	if (syn == IPP_NEGPOL_NETSH) {
		n = snprintf(buf, len, "%s%s:%uk/%us", ah, esp, o->life_kb, o->life_s);
	} else {
		if (o->pfs && o->pfs_group != 0)
			snprintf(pfs, sizeof(pfs), "PFS%u", (unsigned)o->pfs_group);
		else if (o->pfs)
			snprintf(pfs, sizeof(pfs), "PFS");
		n = snprintf(buf, len, "%s%s%uS/%uK%s", ah, esp, o->life_s, o->life_kb, pfs);
	}
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

void
ipp_negpol_clear(struct ipp_negpol *np)
{
	free(np->offers);
	ipp_negpol_init(np);
}
