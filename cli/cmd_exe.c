/*
 * ipp_exe: ipsecpol.exe's static mode on the local store, with Windows' semantics: a run
 * creates the policy when it is missing and creates or replaces one rule; -x assigns,
 * -y unassigns, -o deletes the named rules or the whole policy.
 *
 * A rule made here gets a filter list and a filter action of its own, both named
 * "POLICY: RULE" (lists and actions are different kinds, so they may share the name).
 * Replacing the rule replaces them too and keeps the three GUIDs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "agent/ctl_proto.h"
#include "cli/cli.h"
#include "cli/exe.h"
#include "cli/lex.h"
#include "cli/mmspec.h"

static char *
own_name(const char *policy, const char *rule)
{
	char *s;

	return asprintf(&s, "%s: %s", policy, rule) == -1 ? NULL : s;
}

/* -1s, -1k, -1p onto a policy's main mode. */
static int
mm_apply(const struct ipp_exe *x, struct ipp_mm *mm, struct ipp_err *e)
{
	if (x->mm_offers) {
		struct ipp_mm_offer *v = malloc(x->mm.noffers * sizeof(*v));

		if (v == NULL)
			return ipp_errf(e, IPP_E_NOMEM, "out of memory");
		memcpy(v, x->mm.offers, x->mm.noffers * sizeof(*v));
		free(mm->offers);
		mm->offers = v;
		mm->noffers = x->mm.noffers;
	}
	if (x->rekey != NULL && ipp_mmspec_rekey(mm, x->rekey, e) == -1)
		return -1;
	if (x->mm_pfs)
		mm->pfs = true;
	if (x->soft_expire_s != 0)
		mm->soft_expire_s = x->soft_expire_s;
	return 0;
}

static bool
settings_given(const struct ipp_exe *x)
{
	return x->mm_offers || x->rekey != NULL || x->mm_pfs || x->poll_min != 0 ||
	    x->soft_expire_s != 0;
}

/* The policy exists afterwards, with the run's main-mode settings. */
static int
policy_ensure(struct ipp_store *st, const struct ipp_exe *x, struct ipp_err *e)
{
	struct ipp_policy_tree t;
	struct ipp_err ge = { 0 };
	int rc;

	if (ipp_store_policy_get(st, x->policy, &t, &ge) == 0) {
		rc = 0;
		if (settings_given(x)) {
			if (x->poll_min != 0)
				t.policy.poll_min = x->poll_min;
			rc = mm_apply(x, &t.policy.mm, e);
			if (rc == 0)
				rc = ipp_store_policy_update(st, x->policy, &t.policy, e);
		}
		ipp_policy_tree_clear(&t);
		return rc;
	}
	if (ge.code != IPP_E_NOENT) {
		*e = ge;
		return -1;
	}
	ipp_policy_init(&t.policy);
	if ((t.policy.name = strdup(x->policy)) == NULL)
		rc = ipp_errf(e, IPP_E_NOMEM, "out of memory");
	else {
		if (x->poll_min != 0)
			t.policy.poll_min = x->poll_min;
		rc = mm_apply(x, &t.policy.mm, e);
		if (rc == 0)
			rc = ipp_store_policy_create(st, &t.policy, e);
	}
	ipp_policy_clear(&t.policy);
	return rc;
}

/* Copies the run's authentication methods (-a) into *v. */
static int
auth_copy(const struct ipp_exe *x, struct ipp_auth **v, size_t *n, struct ipp_err *e)
{
	*v = NULL;
	*n = 0;
	if (x->auth.n == 0)
		return 0;
	if ((*v = calloc(x->auth.n, sizeof(**v))) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	for (size_t i = 0; i < x->auth.n; i++, (*n)++)
		if (ipp_auth_copy(&(*v)[i], &x->auth.v[i], e) == -1)
			return -1;
	return 0;
}

static int
offers_copy(const struct ipp_exe *x, struct ipp_qm_offer **v, size_t *n, struct ipp_err *e)
{
	*n = x->neg.noffers;
	if ((*v = calloc(*n ? *n : 1, sizeof(**v))) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	memcpy(*v, x->neg.offers, *n * sizeof(**v));
	return 0;
}

/* The action the rule's -n, -soft give. */
static int
action_of(const struct ipp_exe *x, struct ipp_filteraction *fa, struct ipp_err *e)
{
	fa->action = x->neg.action;
	fa->inpass = x->neg.inpass;
	fa->soft = x->soft;
	if (fa->action != IPP_ACTION_NEGOTIATE)
		return 0;
	return offers_copy(x, &fa->offers, &fa->noffers, e);
}

static int
list_of(const struct ipp_exe *x, struct ipp_filterlist *fl, struct ipp_err *e)
{
	if ((fl->filters = calloc(x->filters.n, sizeof(*fl->filters))) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	for (size_t i = 0; i < x->filters.n; i++, fl->nfilters++)
		if (ipp_filter_copy(&fl->filters[i], &x->filters.v[i].filter, e) == -1)
			return -1;
	return 0;
}

/* Removes the rule and its own list and action, keeping their GUIDs in r, fl, fa. */
static int
rule_remove(struct ipp_store *st, const char *policy, const char *rule, struct ipp_rule *r,
    struct ipp_filterlist *fl, struct ipp_filteraction *fa, struct ipp_err *e)
{
	struct ipp_policy_tree t;
	struct ipp_filterlist ol = { 0 };
	struct ipp_filteraction oa = { 0 };
	struct ipp_err ge = { 0 };

	if (ipp_store_policy_get(st, policy, &t, e) == -1)
		return -1;
	for (size_t i = 0; i < t.policy.nrules; i++)
		if (strcmp(t.policy.rules[i].name, rule) == 0)
			memcpy(r->guid, t.policy.rules[i].guid, IPP_GUID_SIZE);
	ipp_policy_tree_clear(&t);
	if (r->guid[0] != '\0' && ipp_store_rule_delete(st, policy, r->guid, e) == -1)
		return -1;
	if (ipp_store_filterlist_get(st, fl->name, &ol, &ge) == 0) {
		memcpy(fl->guid, ol.guid, IPP_GUID_SIZE);
		ipp_filterlist_clear(&ol);
		if (ipp_store_filterlist_delete(st, fl->name, e) == -1)
			return -1;
	}
	if (ipp_store_filteraction_get(st, fa->name, &oa, &ge) == 0) {
		memcpy(fa->guid, oa.guid, IPP_GUID_SIZE);
		ipp_filteraction_clear(&oa);
		if (ipp_store_filteraction_delete(st, fa->name, e) == -1)
			return -1;
	}
	return 0;
}

static int
rule_build(const struct ipp_exe *x, const char *rule, struct ipp_rule *r,
    struct ipp_filterlist *fl, struct ipp_filteraction *fa, struct ipp_err *e)
{
	if ((r->name = strdup(rule)) == NULL || (fl->name = own_name(x->policy, rule)) == NULL ||
	    (fa->name = strdup(fl->name)) == NULL || (r->filterlist = strdup(fl->name)) == NULL ||
	    (r->filteraction = strdup(fl->name)) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	if (x->conn_given)
		r->conntype = x->conn;
	if (x->tunnel.kind != IPP_ADDR_NONE && ipp_addr_copy(&r->tunnel, &x->tunnel, e) == -1)
		return -1;
	if (auth_copy(x, &r->auth, &r->nauth, e) == -1 || list_of(x, fl, e) == -1)
		return -1;
	return action_of(x, fa, e);
}

static int
rule_replace(struct ipp_store *st, const struct ipp_exe *x, struct ipp_err *e)
{
	struct ipp_rule r;
	struct ipp_filterlist fl = { 0 };
	struct ipp_filteraction fa;
	int rc = -1;

	ipp_rule_init(&r);
	ipp_filteraction_init(&fa);
	if (rule_build(x, x->rules[0], &r, &fl, &fa, e) == 0 &&
	    rule_remove(st, x->policy, r.name, &r, &fl, &fa, e) == 0 &&
	    ipp_store_filterlist_create(st, &fl, e) == 0 &&
	    ipp_store_filteraction_create(st, &fa, e) == 0)
		rc = ipp_store_rule_create(st, x->policy, &r, e);
	ipp_rule_clear(&r);
	ipp_filterlist_clear(&fl);
	ipp_filteraction_clear(&fa);
	return rc;
}

/* -f DEFAULT: -n and -a configure the policy's default response rule. */
static int
defrule_set(struct ipp_store *st, const struct ipp_exe *x, struct ipp_err *e)
{
	struct ipp_policy_tree t;
	struct ipp_defrule *d = &t.policy.defrule;
	int rc = 0;

	if (x->neg.action != IPP_ACTION_NEGOTIATE || x->neg.inpass)
		return ipp_errf(e, IPP_E_INVAL, "-f DEFAULT: the default response rule always "
		    "negotiates; -n takes only security methods there");
	if (ipp_store_policy_get(st, x->policy, &t, e) == -1)
		return -1;
	if (x->neg_given) {
		free(d->offers);
		rc = offers_copy(x, &d->offers, &d->noffers, e);
	}
	if (rc == 0 && x->auth.n > 0) {
		for (size_t i = 0; i < d->nauth; i++)
			ipp_auth_clear(&d->auth[i]);
		free(d->auth);
		rc = auth_copy(x, &d->auth, &d->nauth, e);
	}
	if (rc == 0)
		rc = ipp_store_policy_update(st, x->policy, &t.policy, e);
	ipp_policy_tree_clear(&t);
	return rc;
}

static int
unassign_if(struct ipp_store *st, const char *policy, struct ipp_err *e)
{
	char *cur = NULL;
	int rc;

	if (ipp_store_assigned(st, &cur, e) == -1)
		return -1;
	rc = cur != NULL && strcmp(cur, policy) == 0 ? ipp_store_unassign(st, e) : 0;
	free(cur);
	return rc;
}

/* -o: the named rules (with their own lists and actions), or the whole policy. */
static int
remove_all(struct ipp_cli *c, const struct ipp_exe *x, struct ipp_err *e)
{
	struct ipp_policy_tree t;
	struct ipp_err ge = { 0 };
	char s1[IPP_LEX_SHOWLEN], s2[IPP_LEX_SHOWLEN];
	int rc = 0;

	ipp_lex_show(x->policy, strlen(x->policy), s1);
	if (ipp_store_policy_get(c->st, x->policy, &t, &ge) == -1) {
		if (ge.code != IPP_E_NOENT) {
			*e = ge;
			return -1;
		}
		ipp_cli_note(c, "policy '%s' does not exist; nothing to delete", s1);
		return 0;
	}
	for (size_t i = 0; rc == 0 && i < t.policy.nrules; i++) {
		bool named = x->nrules == 0;

		for (size_t j = 0; j < x->nrules; j++)
			named |= strcmp(x->rules[j], t.policy.rules[i].name) == 0;
		if (named) {
			struct ipp_rule r = { 0 };
			struct ipp_filterlist fl = { 0 };
			struct ipp_filteraction fa = { 0 };

			fl.name = own_name(x->policy, t.policy.rules[i].name);
			fa.name = fl.name;
			rc = fl.name == NULL ? ipp_errf(e, IPP_E_NOMEM, "out of memory") :
			    rule_remove(c->st, x->policy, t.policy.rules[i].name, &r, &fl, &fa, e);
			free(fl.name);
		}
	}
	for (size_t j = 0; rc == 0 && j < x->nrules; j++) {
		bool found = false;

		for (size_t i = 0; i < t.policy.nrules; i++)
			found |= strcmp(x->rules[j], t.policy.rules[i].name) == 0;
		if (!found)
			rc = ipp_errf(e, IPP_E_NOENT, "-o: policy '%s' has no rule '%s'", s1,
			    ipp_lex_show(x->rules[j], strlen(x->rules[j]), s2));
	}
	ipp_policy_tree_clear(&t);
	if (rc == 0 && x->nrules == 0)
		rc = ipp_store_policy_delete(c->st, x->policy, e);
	return rc;
}

static int
apply(struct ipp_cli *c, void *arg, struct ipp_err *e)
{
	const struct ipp_exe *x = arg;
	bool deflt = x->filters.n > 0 && x->filters.v[0].kind == IPP_FSPEC_DEFAULT;
	int rc = 0;

	if (x->y)
		rc = unassign_if(c->st, x->policy, e);
	if (rc == 0 && x->o)
		return remove_all(c, x, e) == 0 ? IPP_EXIT_OK : ipp_cli_exit(e);
	/* "-y" alone only unassigns; everything else works on an existing policy. */
	if (rc == 0 && !(x->y && x->filters.n == 0 && !settings_given(x)))
		rc = policy_ensure(c->st, x, e);
	if (rc == 0 && deflt)
		rc = defrule_set(c->st, x, e);
	else if (rc == 0 && x->filters.n > 0)
		rc = rule_replace(c->st, x, e);
	if (rc == 0 && x->x)
		rc = ipp_store_assign(c->st, x->policy, e);
	return rc == 0 ? IPP_EXIT_OK : ipp_cli_exit(e);
}

static int
usage(struct ipp_err *e, const char *msg)
{
	ipp_errf(e, IPP_E_INVAL, "%s", msg);
	return IPP_EXIT_USAGE;
}

/* The combinations Windows' static mode refuses or that mean nothing. */
static int
static_check(const struct ipp_exe *x, struct ipp_err *e)
{
	bool deflt = false;

	if (x->policy == NULL)
		return usage(e, "static mode (-w) needs -p POLICY[:POLL]");
	if (x->u || x->confirm)
		return usage(e, "-u and -confirm are dynamic-mode options; drop -w");
	if (x->x && x->y)
		return usage(e, "-x (assign) and -y (unassign) exclude each other");
	if (x->o && (x->filters.n > 0 || x->x))
		return usage(e, "-o deletes; it takes no -f or -x");
	for (size_t i = 0; i < x->filters.n; i++) {
		if (x->filters.v[i].shortcut != IPP_FSPEC_PLAIN)
			return usage(e, "-f: [spec] and (spec) are dynamic-mode shortcuts; in "
			    "static mode write the spec bare and use -n BLOCK or -n PASS");
		deflt |= x->filters.v[i].kind == IPP_FSPEC_DEFAULT;
	}
	if (deflt && x->filters.n > 1)
		return usage(e, "-f DEFAULT stands alone (it selects the default response rule)");
	if (!deflt && x->filters.n > 0 && x->nrules != 1)
		return usage(e, x->nrules == 0 ? "-f needs -r RULE in static mode" :
		    "-f takes exactly one -r RULE (several -r only with -o)");
	if (!x->o && x->filters.n == 0 && x->nrules > 0)
		return usage(e, "-r RULE needs -f FILTERS (create or replace it) or -o (delete "
		    "it)");
	if (x->nrules > 1 && !x->o)
		return usage(e, "several -r only with -o");
	return IPP_EXIT_OK;
}

static int
static_mode(struct ipp_cli *c, struct ipp_exe *x, struct ipp_err *e)
{
	int rc;

	/* -w DS[:DOMAIN]: the directory, found through --config or --ldap-*; DOMAIN (a DNS
	 * name) gives the base when none is configured. */
	if (strncasecmp(x->w, "DS", 2) == 0 && (x->w[2] == '\0' || x->w[2] == ':')) {
		if ((rc = ipp_cli_use_directory(c, x->w[2] == ':' ? x->w + 3 : NULL, e)) !=
		    IPP_EXIT_OK)
			return rc;
	} else if (strcasecmp(x->w, "REG") == 0 && c->directory) {
		return usage(e, "-w REG selects the local store, but a --domain or --ldap-* "
		    "option selected the directory");
	} else if (strcasecmp(x->w, "REG") != 0)
		return usage(e, "-w takes REG (the local store) or DS[:DOMAIN] (the directory)");
	if ((rc = static_check(x, e)) != IPP_EXIT_OK)
		return rc;
	if (x->neg.action == IPP_ACTION_NEGOTIATE && ipp_negpol_defaults(&x->neg, e) == -1)
		return ipp_cli_exit(e);
	return ipp_cli_write(c, apply, x, e);
}

/*
 * Dynamic mode: the filters grouped by action, one dynamic rule per action ([spec] block,
 * (spec) pass, plain specs -n's action), so a run adds at most three rules.  -a, -t, -soft
 * and -n's offers belong to the negotiating rule; -lan/-dialup to each.
 */
static int
dyn_rule(const struct ipp_exe *x, enum ipp_action act, struct ctl_rule *r,
    struct ipp_err *e)
{
	ipp_rule_init(&r->rule);
	ipp_filteraction_init(&r->action);
	r->action.action = act;
	if (x->conn_given)
		r->rule.conntype = x->conn;
	if (act != IPP_ACTION_NEGOTIATE)
		return 0;
	r->action.inpass = x->neg.inpass;
	r->action.soft = x->soft;
	if (x->tunnel.kind != IPP_ADDR_NONE &&
	    ipp_addr_copy(&r->rule.tunnel, &x->tunnel, e) == -1)
		return -1;
	if (auth_copy(x, &r->rule.auth, &r->rule.nauth, e) == -1)
		return -1;
	return offers_copy(x, &r->action.offers, &r->action.noffers, e);
}

static enum ipp_action
dyn_action(const struct ipp_exe *x, const struct ipp_fspec *fs)
{
	if (fs->shortcut == IPP_FSPEC_BLOCK)
		return IPP_ACTION_BLOCK;
	if (fs->shortcut == IPP_FSPEC_PASS)
		return IPP_ACTION_PERMIT;
	return x->neg.action;
}

/*
 * -confirm: a y/N question on the terminal; without one, a refusal rather than a guessed
 * answer.  The question is the CLI's one dialogue, so it goes to stderr, not c->out.
 */
static int
confirm(size_t n, struct ipp_err *e)
{
	char line[16];

	if (!isatty(STDIN_FILENO)) {
		ipp_errf(e, IPP_E_INVAL, "-confirm asks on a terminal, and standard input is not "
		    "one; drop -confirm to add the rules without asking");
		return IPP_EXIT_USAGE;
	}
	fprintf(stderr, "ipsecpol: add %zu dynamic rule%s to the policy agent? [y/N] ", n,
	    n == 1 ? "" : "s");
	fflush(stderr);
	if (fgets(line, sizeof(line), stdin) != NULL && (strcasecmp(line, "y\n") == 0 ||
	    strcasecmp(line, "yes\n") == 0))
		return IPP_EXIT_OK;
	ipp_errf(e, IPP_E_INVAL, "-confirm: not confirmed; nothing changed");
	return IPP_EXIT_ERROR;
}

static int
dynamic_add(struct ipp_cli *c, struct ipp_exe *x, struct ipp_err *e)
{
	static const enum ipp_action order[] = { IPP_ACTION_BLOCK, IPP_ACTION_PERMIT,
	    IPP_ACTION_NEGOTIATE };
	struct ctl_rule v[IPP_NELEM(order)];
	size_t n = 0;
	int rc = IPP_EXIT_OK;

	memset(v, 0, sizeof(v));
	for (size_t k = 0; k < IPP_NELEM(order) && rc == IPP_EXIT_OK; k++) {
		bool used = false;

		for (size_t i = 0; i < x->filters.n && rc == IPP_EXIT_OK; i++) {
			struct ipp_filter *f;

			if (dyn_action(x, &x->filters.v[i]) != order[k])
				continue;
			if (!used && dyn_rule(x, order[k], &v[n++], e) == -1)
				rc = ipp_cli_exit(e);
			used = true;
			if (rc != IPP_EXIT_OK)
				break;
			if ((f = ipp_array_push(&v[n - 1].list.filters, &v[n - 1].list.nfilters,
			    sizeof(*f), &(struct ipp_filter){ 0 })) == NULL) {
				ipp_errf(e, IPP_E_NOMEM, "out of memory");
				rc = IPP_EXIT_ERROR;
			} else if (rc == IPP_EXIT_OK &&
			    ipp_filter_copy(f, &x->filters.v[i].filter, e) == -1)
				rc = ipp_cli_exit(e);
		}
	}
	if (rc == IPP_EXIT_OK && x->confirm)
		rc = confirm(n, e);
	if (rc == IPP_EXIT_OK)
		rc = ipp_agent_add(c, v, n, e);
	for (size_t k = 0; k < n; k++)
		ctl_rule_clear(&v[k]);
	return rc;
}

static int
dynamic_mode(struct ipp_cli *c, struct ipp_exe *x, struct ipp_err *e)
{
	int rc;

	if (x->policy != NULL || x->nrules > 0 || x->x || x->y || x->o)
		return usage(e, "-p, -r, -x, -y and -o are static-mode options; add -w REG");
	if (x->filters.n == 0 && !x->u)
		return usage(e, "dynamic mode needs -f FILTERS or -u (-? for help)");
	if (x->confirm && x->filters.n == 0)
		return usage(e, "-confirm asks before adding rules; it needs -f");
	for (size_t i = 0; i < x->filters.n; i++)
		if (x->filters.v[i].kind == IPP_FSPEC_DEFAULT)
			return usage(e, "-f DEFAULT names a policy's default response rule; "
			    "it needs static mode (-w REG -p POLICY)");
	if (settings_given(x)) {
		ipp_errf(e, IPP_E_UNSUPP, "-1s, -1k, -1p and -1e set a policy's main mode; the "
		    "agent's dynamic rules use the main mode of the policy in force (use -w REG)");
		return IPP_EXIT_UNSUPP;
	}
	if (x->neg.action == IPP_ACTION_NEGOTIATE && ipp_negpol_defaults(&x->neg, e) == -1)
		return ipp_cli_exit(e);
	/* -u with -f: Windows deletes first, then adds. */
	if (x->u && (rc = ipp_agent_flush(c, e)) != IPP_EXIT_OK)
		return rc;
	return x->filters.n > 0 ? dynamic_add(c, x, e) : IPP_EXIT_OK;
}

int
ipp_exe_run(struct ipp_cli *c, int argc, char **argv, struct ipp_err *e)
{
	struct ipp_exe x = { 0 };
	char shown[IPP_LEX_SHOWLEN];
	int rc;

	if (argc > 0 && strncmp(argv[0], "\\\\", 2) == 0) {
		ipp_errf(e, IPP_E_UNSUPP, "'%s': remote computers are not supported; run "
		    "ipsecpol on that computer", ipp_lex_show(argv[0], strlen(argv[0]), shown));
		return IPP_EXIT_UNSUPP;
	}
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], "-?") == 0 || strcmp(argv[i], "-h") == 0) {
			ipp_exe_help(c->out);
			return IPP_EXIT_OK;
		}
	rc = ipp_exe_parse(&x, argc, argv, e);
	if (rc == IPP_EXIT_OK && x.w != NULL)
		rc = static_mode(c, &x, e);
	else if (rc == IPP_EXIT_OK)
		rc = dynamic_mode(c, &x, e);
	ipp_exe_clear(&x);
	return rc;
}

void
ipp_exe_help(FILE *out)
{
	fputs("usage: ipsecpol [\\\\computer] [-?] -f FILTERSPEC... [-n NEGPOL...] [-t TUNNEL]\n"
	    "         [-a AUTH...] [-soft] [-lan|-dialup] [-1s MMMETHOD...] [-1k REKEY] [-1p]\n"
	    "         [-confirm]                                      (dynamic mode)\n"
	    "       ipsecpol -u                                       (delete dynamic rules)\n"
	    "       ipsecpol -w REG -p POLICY[:POLL] [-r RULE] [-f ...] [-n ...] [-t ...]\n"
	    "         [-a ...] [-soft] [-lan|-dialup] [-1s ...] [-1k ...] [-1p] [-1e SECONDS]\n"
	    "         [-x|-y] [-o]\n"
	    "                                                         (static mode)\n"
	    "  FILTERSPEC  SRC[/MASK][:PORT]=|+DST[/MASK][:PORT][:PROTO], 0 = me, * = any,\n"
	    "              {IPv6}, DEFAULT; [spec] blocks and (spec) passes (dynamic)\n"
	    "  NEGPOL      ESP[cipher,auth] AH[hash] AH[hash]+ESP[c,a] [NNNS/NNNK][PFS[grp]],\n"
	    "              BLOCK, PASS, INPASS\n"
	    "  AUTH        KERBEROS | PRESHARE:\"key\" | CERT:\"CA DN\" (K, P, C)\n"
	    "  MMMETHOD    CIPHER-HASH-GROUP, e.g. 3DES-SHA-2, AES256-SHA256-19\n"
	    "  REKEY       NQ and/or NS, e.g. 10Q/28800S\n"
	    "  SECONDS     how long -soft talks in the clear to a peer that never answered\n"
	    "              IKE (default 300)\n"
	    "See ipsecpol(8).\n", out);
}
