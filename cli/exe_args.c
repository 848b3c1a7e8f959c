/* ipp_exe: ipsecpol.exe's options into struct ipp_exe.  Flags are case-insensitive. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "cli/exe.h"
#include "cli/lex.h"
#include "cli/mmspec.h"

enum arity { NONE, ONE, LIST };

struct flag {
	const char *name;
	enum arity arity;
	int (*set)(struct ipp_exe *, const char *, struct ipp_err *);
};

static int
set_w(struct ipp_exe *x, const char *v, struct ipp_err *e)
{
	(void)e;
	x->w = v;
	return 0;
}

static int
set_p(struct ipp_exe *x, const char *v, struct ipp_err *e)
{
	free(x->policy);
	x->policy = NULL;
	return ipp_mmspec_policy(v, &x->policy, &x->poll_min, e);
}

static int
set_r(struct ipp_exe *x, const char *v, struct ipp_err *e)
{
	if (ipp_array_push(&x->rules, &x->nrules, sizeof(v), &v) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	return 0;
}

static int
set_f(struct ipp_exe *x, const char *v, struct ipp_err *e)
{
	return ipp_fspec_list_add(&x->filters, v, e);
}

static int
set_n(struct ipp_exe *x, const char *v, struct ipp_err *e)
{
	x->neg_given = true;
	return ipp_negpol_add(&x->neg, v, IPP_NEGPOL_IPSECPOL, e);
}

static int
set_t(struct ipp_exe *x, const char *v, struct ipp_err *e)
{
	ipp_addr_clear(&x->tunnel);
	memset(&x->tunnel, 0, sizeof(x->tunnel));
	if (ipp_addr_parse(&x->tunnel, v, NULL, e) == -1)
		return ipp_err_prefix(e, "-t tunnel endpoint");
	return 0;
}

static int
set_a(struct ipp_exe *x, const char *v, struct ipp_err *e)
{
	return ipp_authspec_add(&x->auth, v, e);
}

static int
set_1s(struct ipp_exe *x, const char *v, struct ipp_err *e)
{
	x->mm_offers = true;
	return ipp_mmspec_add(&x->mm, v, e);
}

static int
set_1k(struct ipp_exe *x, const char *v, struct ipp_err *e)
{
	struct ipp_mm scratch = { 0 };

	/* Checked now, applied later to the policy's own settings. */
	x->rekey = v;
	return ipp_mmspec_rekey(&scratch, v, e);
}

/* -1e SECONDS: ipseccmd's soft association expiry, a main-mode setting of the policy. */
static int
set_1e(struct ipp_exe *x, const char *v, struct ipp_err *e)
{
	uint32_t s;

	if (ipp_lex_u32(v, strlen(v), IPP_SOFT_EXPIRE_S_LO, IPP_SOFT_EXPIRE_S_HI, &s) == -1)
		return ipp_errf(e, IPP_E_INVAL, "-1e: '%s' is not a soft association expiry; "
		    "expected seconds, %u to %u", v, IPP_SOFT_EXPIRE_S_LO, IPP_SOFT_EXPIRE_S_HI);
	x->soft_expire_s = s;
	return 0;
}

#define SWITCH(fn, field, value) \
static int \
fn(struct ipp_exe *x, const char *v, struct ipp_err *e) \
{ \
	(void)v; \
	(void)e; \
	field = value; \
	return 0; \
}
SWITCH(set_soft, x->soft, true)
SWITCH(set_1p, x->mm_pfs, true)
SWITCH(set_x, x->x, true)
SWITCH(set_y, x->y, true)
SWITCH(set_o, x->o, true)
SWITCH(set_u, x->u, true)
SWITCH(set_confirm, x->confirm, true)

static int
set_lan(struct ipp_exe *x, const char *v, struct ipp_err *e)
{
	(void)v;
	if (x->conn_given && x->conn != IPP_CONN_LAN)
		return ipp_errf(e, IPP_E_INVAL, "-lan and -dialup exclude each other");
	x->conn = IPP_CONN_LAN;
	x->conn_given = true;
	return 0;
}

static int
set_dialup(struct ipp_exe *x, const char *v, struct ipp_err *e)
{
	(void)v;
	if (x->conn_given && x->conn != IPP_CONN_DIALUP)
		return ipp_errf(e, IPP_E_INVAL, "-lan and -dialup exclude each other");
	x->conn = IPP_CONN_DIALUP;
	x->conn_given = true;
	return 0;
}

static const struct flag flags[] = {
	{ "-w", ONE, set_w }, { "-p", ONE, set_p }, { "-r", ONE, set_r },
	{ "-f", LIST, set_f }, { "-n", LIST, set_n }, { "-t", ONE, set_t },
	{ "-a", LIST, set_a }, { "-soft", NONE, set_soft }, { "-lan", NONE, set_lan },
	{ "-dialup", NONE, set_dialup }, { "-1s", LIST, set_1s }, { "-1k", ONE, set_1k },
	{ "-1p", NONE, set_1p }, { "-1e", ONE, set_1e }, { "-x", NONE, set_x }, { "-y", NONE, set_y },
	{ "-o", NONE, set_o }, { "-u", NONE, set_u }, { "-confirm", NONE, set_confirm },
	{ "-c", NONE, set_confirm },
};

static const struct flag *
flag_find(const char *s)
{
	for (size_t i = 0; i < IPP_NELEM(flags); i++)
		if (strcasecmp(flags[i].name, s) == 0)
			return &flags[i];
	return NULL;
}

/* Filterspecs, offers and methods never start with '-': a word that does is a flag. */
static bool
is_flag(const char *s)
{
	return s[0] == '-' && s[1] != '\0';
}

static int
unknown(const char *s, struct ipp_err *e)
{
	char shown[IPP_LEX_SHOWLEN];

	ipp_lex_show(s, strlen(s), shown);
	if (strcasecmp(s, "-1f") == 0)
		ipp_errf(e, IPP_E_INVAL, "option '%s' is ipseccmd's, not ipsecpol's; it is not "
		    "supported", shown);
	else
		ipp_errf(e, IPP_E_INVAL, "option '%s' is unknown (expected -w -p -r -f -n -t -a "
		    "-soft -lan -dialup -1s -1k -1p -1e -x -y -o -u -confirm; -? for help)", shown);
	return IPP_EXIT_USAGE;
}

int
ipp_exe_parse(struct ipp_exe *x, int argc, char **argv, struct ipp_err *e)
{
	char shown[IPP_LEX_SHOWLEN];

	ipp_negpol_init(&x->neg);
	for (int i = 0; i < argc; i++) {
		const struct flag *f = flag_find(argv[i]);
		int n = 0;

		if (f == NULL && is_flag(argv[i]))
			return unknown(argv[i], e);
		if (f == NULL) {
			ipp_lex_show(argv[i], strlen(argv[i]), shown);
			ipp_errf(e, IPP_E_INVAL, "'%s' follows no option that takes it "
			    "(filterspecs follow -f)", shown);
			return IPP_EXIT_USAGE;
		}
		if (f->arity == NONE) {
			if (f->set(x, NULL, e) == -1)
				return IPP_EXIT_USAGE;
			continue;
		}
		while (i + 1 < argc && !is_flag(argv[i + 1]) && (n == 0 || f->arity == LIST)) {
			if (f->set(x, argv[++i], e) == -1)
				return ipp_cli_exit(e);
			n++;
		}
		if (n == 0) {
			ipp_errf(e, IPP_E_INVAL, "option %s needs a value", f->name);
			return IPP_EXIT_USAGE;
		}
	}
	return IPP_EXIT_OK;
}

void
ipp_exe_clear(struct ipp_exe *x)
{
	free(x->policy);
	free(x->rules);
	ipp_fspec_list_clear(&x->filters);
	ipp_negpol_clear(&x->neg);
	ipp_addr_clear(&x->tunnel);
	ipp_authspec_clear(&x->auth);
	free(x->mm.offers);
	memset(x, 0, sizeof(*x));
}
