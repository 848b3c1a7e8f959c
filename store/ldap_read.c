/*
 * lds read: lists, lookups and whole policies from the directory, in a number of searches
 * that does not grow with the policy (see store/ldap.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store/ldap_int.h"

static const enum lds_class kind_class[] = {
	[IPP_OBJ_POLICY] = LDS_POLICY,
	[IPP_OBJ_FILTERLIST] = LDS_FILTERLIST,
	[IPP_OBJ_FILTERACTION] = LDS_FILTERACTION,
};

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Prefixes a decoder's message with where the store is. */
static int
dec_fail(struct ldstore *s, struct ipp_err *e)
{
	return ipp_err_prefix(e, "%s", s->base.where);
}

int
lds_list(struct ipp_store *st, enum ipp_objkind kind, struct ipp_names *out,
    struct ipp_err *e)
{
	static const char *const attrs[] = { "ipsecpolName", NULL };
	struct ldstore *s = lds_of(st);
	struct lds_entries es;
	char filter[64];

	snprintf(filter, sizeof(filter), "(objectClass=%s)", lds_class_names[kind_class[kind]]);
	if (lds_search(s, s->container, LDAP_SCOPE_ONELEVEL, filter, attrs, &es, e) == -1)
		return -1;
	for (size_t i = 0; i < es.n; i++) {
		char *name;

		if (lds_get_str(&es.v[i], "ipsecpolName", true, &name, e) == -1) {
			dec_fail(s, e);
			goto fail;
		}
		if (ipp_array_push(&out->v, &out->n, sizeof(name), &name) == NULL) {
			free(name);
			ipp_errf(e, IPP_E_NOMEM, "out of memory");
			goto fail;
		}
	}
	lds_entries_free(&es);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(out->v[0]), cmp_str);
	return 0;
fail:
	lds_entries_free(&es);
	ipp_names_free(out);
	return -1;
}

/* The filter that finds an object of class c by key: a braced GUID or a name. */
static char *
key_filter(enum lds_class c, const char *key)
{
	char *esc = lds_filter_escape(key), *f = NULL;

	if (esc != NULL && asprintf(&f, "(&(objectClass=%s)(%s=%s))", lds_class_names[c],
	    ipp_guid_valid(key) ? "ipsecpolID" : "ipsecpolName", esc) == -1)
		f = NULL;
	free(esc);
	return f;
}

int
lds_find(struct ldstore *s, enum lds_class c, const char *key, struct lds_entry *out,
    struct ipp_err *e)
{
	struct lds_entries es;
	char *filter = key_filter(c, key);
	char guid[IPP_GUID_SIZE];
	int rc;

	memset(out, 0, sizeof(*out));
	if (filter == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	rc = lds_search(s, s->container, LDAP_SCOPE_ONELEVEL, filter, NULL, &es, e);
	free(filter);
	if (rc == -1)
		return -1;
	if (es.n == 0) {
		lds_entries_free(&es);
		return ipp_errf(e, IPP_E_NOENT, "%s '%s' does not exist", lds_class_what[c], key);
	}
	if (es.n > 1) {
		ipp_errf(e, IPP_E_STORE, "%s: %zu entries are %s '%s' ('%s', '%s'); remove all "
		    "but one", s->base.where, es.n, lds_class_what[c], key, es.v[0].dn,
		    es.v[1].dn);
		lds_entries_free(&es);
		return -1;
	}
	*out = es.v[0];
	free(es.v);
	/* Only entries where a reference would find them count as the object. */
	if (lds_ref_guid(s, out->dn, c, out->dn, "its own name", guid, e) == -1) {
		lds_entry_free(out);
		return -1;
	}
	return 0;
}

int
lds_unique_name(struct ldstore *s, enum lds_class c, const char *name, const char *self_dn,
    struct ipp_err *e)
{
	static const char *const attrs[] = { "1.1", NULL };
	struct lds_entries es;
	char *filter = key_filter(c, name);
	int rc;

	if (filter == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	rc = lds_search(s, s->container, LDAP_SCOPE_ONELEVEL, filter, attrs, &es, e);
	free(filter);
	for (size_t i = 0; rc == 0 && i < es.n; i++)
		if (self_dn == NULL || strcasecmp(es.v[i].dn, self_dn) != 0)
			rc = ipp_errf(e, IPP_E_EXIST, "%s '%s' exists already", lds_class_what[c],
			    name);
	lds_entries_free(&es);
	return rc;
}

int
lds_policy_rules(struct ldstore *s, const char *pdn, struct lds_entries *out,
    struct ipp_err *e)
{
	char *esc = lds_filter_escape(pdn), *filter = NULL;
	int rc;

	if (esc == NULL || asprintf(&filter, "(&(objectClass=ipsecpolRule)(ipsecpolOwner=%s))",
	    esc) == -1) {
		free(esc);
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	}
	free(esc);
	rc = lds_search(s, s->container, LDAP_SCOPE_ONELEVEL, filter, NULL, out, e);
	free(filter);
	return rc;
}

int
lds_filterlist_get(struct ipp_store *st, const char *key, struct ipp_filterlist *out,
    struct ipp_err *e)
{
	struct ldstore *s = lds_of(st);
	struct lds_entry en;
	int rc;

	if (lds_find(s, LDS_FILTERLIST, key, &en, e) == -1)
		return -1;
	if ((rc = lds_dec_filterlist(&en, out, e)) == -1)
		dec_fail(s, e);
	lds_entry_free(&en);
	return rc;
}

int
lds_filteraction_get(struct ipp_store *st, const char *key, struct ipp_filteraction *out,
    struct ipp_err *e)
{
	struct ldstore *s = lds_of(st);
	struct lds_entry en;
	int rc;

	if (lds_find(s, LDS_FILTERACTION, key, &en, e) == -1)
		return -1;
	if ((rc = lds_dec_filteraction(&en, out, e)) == -1)
		dec_fail(s, e);
	lds_entry_free(&en);
	return rc;
}

/* ---- users of a list or action ---- */

static int
rule_of_policy(struct ldstore *s, const struct lds_entry *pol, const char *rdn)
{
	const struct lds_attr *a = lds_attr(pol, "ipsecpolRuleRef");
	char g1[IPP_GUID_SIZE], g2[IPP_GUID_SIZE];

	if (a == NULL || lds_ref_guid(s, rdn, LDS_RULE, rdn, "", g1, NULL) == -1)
		return 0;
	for (size_t i = 0; i < a->n; i++) {
		const char *v = strchr(a->vals[i]->bv_val, '}');

		if (v != NULL && lds_ref_guid(s, v + 1, LDS_RULE, pol->dn, "", g2, NULL) == 0 &&
		    strcmp(g1, g2) == 0)
			return 1;
	}
	return 0;
}

int
lds_users(struct ipp_store *st, enum ipp_objkind kind, const char *key,
    struct ipp_users *out, struct ipp_err *e)
{
	static const char *const pattrs[] = { "ipsecpolName", "ipsecpolRuleRef", NULL };
	static const char *const rattrs[] = { "ipsecpolName", "ipsecpolOwner", NULL };
	struct ldstore *s = lds_of(st);
	struct lds_entries rules = { 0 }, pols = { 0 };
	struct lds_entry en;
	char *esc = NULL, *filter = NULL, buf[2 * IPP_NAME_MAX + 32];
	int rc = -1;

	if (lds_find(s, kind_class[kind], key, &en, e) == -1)
		return -1;
	if (kind == IPP_OBJ_POLICY) {
		lds_entry_free(&en);
		return 0;
	}
	esc = lds_filter_escape(en.dn);
	if (esc == NULL || asprintf(&filter, "(&(objectClass=ipsecpolRule)(%s=%s))",
	    kind == IPP_OBJ_FILTERLIST ? "ipsecpolFilterListRef" : "ipsecpolFilterActionRef",
	    esc) == -1) {
		filter = NULL;
		ipp_errf(e, IPP_E_NOMEM, "out of memory");
		goto out;
	}
	if (lds_search(s, s->container, LDAP_SCOPE_ONELEVEL, filter, rattrs, &rules, e) == -1 ||
	    (rules.n > 0 && lds_search(s, s->container, LDAP_SCOPE_ONELEVEL,
	    "(objectClass=ipsecpolPolicy)", pattrs, &pols, e) == -1))
		goto out;
	/* A rule counts when its policy lists it: a rule a failed write left behind does
	 * not hold a list or action. */
	for (size_t i = 0; i < rules.n; i++)
		for (size_t j = 0; j < pols.n; j++) {
			char *rname = NULL, *pname = NULL;

			if (!rule_of_policy(s, &pols.v[j], rules.v[i].dn))
				continue;
			if (lds_get_str(&rules.v[i], "ipsecpolName", true, &rname, e) == -1 ||
			    lds_get_str(&pols.v[j], "ipsecpolName", true, &pname, e) == -1) {
				free(rname);
				dec_fail(s, e);
				goto out;
			}
			snprintf(buf, sizeof(buf), "'%s' (policy '%s')", rname, pname);
			rc = ipp_names_push(&out->rules, buf, e);
			if (rc == 0) {
				bool seen = false;

				for (size_t k = 0; k < out->policies.n; k++)
					seen = seen || strcmp(out->policies.v[k], pname) == 0;
				if (!seen)
					rc = ipp_names_push(&out->policies, pname, e);
			}
			free(rname);
			free(pname);
			if (rc == -1)
				goto out;
		}
	if (out->rules.n > 1)
		qsort(out->rules.v, out->rules.n, sizeof(char *), cmp_str);
	if (out->policies.n > 1)
		qsort(out->policies.v, out->policies.n, sizeof(char *), cmp_str);
	rc = 0;
out:
	if (rc == -1)
		ipp_users_free(out);
	free(esc);
	free(filter);
	lds_entries_free(&rules);
	lds_entries_free(&pols);
	lds_entry_free(&en);
	return rc;
}

/* ---- a whole policy ---- */

/* The entries of lists and actions the rules reference, fetched together. */
struct refset {
	char (*guids)[IPP_GUID_SIZE];
	size_t n;
};

static int
refset_add(struct refset *r, const char *guid)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->guids[i], guid) == 0)
			return 0;
	return ipp_array_push(&r->guids, &r->n, IPP_GUID_SIZE, guid) == NULL ? -1 : 0;
}

static const struct lds_entry *
by_guid(const struct lds_entries *es, const char *guid, enum lds_class c)
{
	char ocfilter[64];

	snprintf(ocfilter, sizeof(ocfilter), "cn=%s%s,", lds_class_names[c], guid);
	for (size_t i = 0; i < es->n; i++)
		if (strncasecmp(es->v[i].dn, ocfilter, strlen(ocfilter)) == 0)
			return &es->v[i];
	return NULL;
}

static bool
has_class(const struct lds_entry *en, enum lds_class c)
{
	const struct lds_attr *oc = lds_attr(en, "objectClass");

	for (size_t i = 0; oc != NULL && i < oc->n; i++)
		if (strcasecmp(oc->vals[i]->bv_val, lds_class_names[c]) == 0)
			return true;
	return false;
}

/*
 * The rules and the main mode a policy owns, in one search; the main-mode entries are
 * moved to mms, where policy_mainmode looks first.
 */
static int
policy_owned(struct ldstore *s, const char *pdn, struct lds_entries *rules,
    struct lds_entries *mms, struct ipp_err *e)
{
	char *esc = lds_filter_escape(pdn), *filter = NULL;
	size_t n = 0;
	int rc;

	memset(rules, 0, sizeof(*rules));
	memset(mms, 0, sizeof(*mms));
	if (esc == NULL || asprintf(&filter, "(&(ipsecpolOwner=%s)(|(objectClass=ipsecpolRule)"
	    "(objectClass=ipsecpolMainMode)))", esc) == -1) {
		free(esc);
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	}
	free(esc);
	rc = lds_search(s, s->container, LDAP_SCOPE_ONELEVEL, filter, NULL, rules, e);
	free(filter);
	if (rc == -1)
		return -1;
	for (size_t i = 0; i < rules->n; i++) {
		if (has_class(&rules->v[i], LDS_RULE) || !has_class(&rules->v[i], LDS_MAINMODE))
			rules->v[n++] = rules->v[i];
		else if (ipp_array_push(&mms->v, &mms->n, sizeof(rules->v[i]), &rules->v[i]) ==
		    NULL) {
			for (size_t j = i; j < rules->n; j++)
				rules->v[n++] = rules->v[j];
			rules->n = n;
			return ipp_errf(e, IPP_E_NOMEM, "out of memory");
		}
	}
	rules->n = n;
	return 0;
}

/* The main mode by its DN: an entry there whose GUID does not match is named.  The one
 * the policy owns came with its rules; any other takes a search of its own. */
static int
policy_mainmode(struct ldstore *s, const struct lds_entry *pent, const char *g,
    const struct lds_entries *mms, struct ipp_mm *mm, struct ipp_err *e)
{
	const struct lds_entry *en = by_guid(mms, g, LDS_MAINMODE);
	struct lds_entries mme = { 0 };
	char *dn;
	int rc = -1;

	if (en == NULL || !has_class(en, LDS_MAINMODE)) {
		if ((dn = lds_dn(s, LDS_MAINMODE, g)) == NULL)
			return ipp_errf(e, IPP_E_NOMEM, "out of memory");
		rc = lds_search(s, dn, LDAP_SCOPE_BASE, "(objectClass=ipsecpolMainMode)", NULL,
		    &mme, e);
		free(dn);
		if (rc == -1)
			return -1;
		rc = -1;
		if (mme.n != 1) {
			ipp_errf(e, IPP_E_STORE, "%s: entry '%s': ipsecpolMainModeRef: no main mode "
			    "%s exists (a dangling reference)", s->base.where, pent->dn, g);
			goto out;
		}
		en = &mme.v[0];
	}
	if (lds_dec_mainmode(en, mm, e) == -1)
		dec_fail(s, e);
	else
		rc = 0;
out:
	lds_entries_free(&mme);
	return rc;
}

/* The main mode and the rules, in the policy's order, their references checked. */
static int
tree_rules(struct ldstore *s, const struct lds_entry *pent, struct ipp_policy_tree *t,
    struct refset *lists, struct refset *actions, struct ipp_err *e)
{
	struct lds_entries owned, mms;
	struct ipp_names refs = { 0 };
	char *mmdn = NULL, g[IPP_GUID_SIZE];
	int rc = -1;

	if (lds_get_str(pent, "ipsecpolMainModeRef", true, &mmdn, e) == -1)
		return dec_fail(s, e);
	if (lds_ref_guid(s, mmdn, LDS_MAINMODE, pent->dn, "ipsecpolMainModeRef", g, e) == -1 ||
	    lds_get_ordered(pent, "ipsecpolRuleRef", &refs, e) == -1) {
		free(mmdn);
		return e->code == IPP_E_STORE && strstr(e->msg, s->base.where) == e->msg ? -1 :
		    dec_fail(s, e);
	}
	free(mmdn);
	if (policy_owned(s, pent->dn, &owned, &mms, e) == -1)
		goto out_owned;
	if (policy_mainmode(s, pent, g, &mms, &t->policy.mm, e) == -1)
		goto out_owned;
	for (size_t i = 0; i < refs.n; i++) {
		const struct lds_entry *ren;
		struct ipp_rule r;

		if (lds_ref_guid(s, refs.v[i], LDS_RULE, pent->dn, "ipsecpolRuleRef", g, e) == -1)
			goto out_owned;
		if ((ren = by_guid(&owned, g, LDS_RULE)) == NULL) {
			ipp_errf(e, IPP_E_STORE, "%s: entry '%s': ipsecpolRuleRef value '%s': no "
			    "rule of this policy has that name (a dangling reference, or a rule "
			    "owned by another policy)", s->base.where, pent->dn, refs.v[i]);
			goto out_owned;
		}
		for (size_t j = 0; j < i; j++)
			if (strcasecmp(refs.v[j], refs.v[i]) == 0) {
				ipp_errf(e, IPP_E_STORE, "%s: entry '%s': ipsecpolRuleRef lists '%s' "
				    "twice", s->base.where, pent->dn, refs.v[i]);
				goto out_owned;
			}
		if (lds_dec_rule(ren, &r, e) == -1) {
			dec_fail(s, e);
			goto out_owned;
		}
		if (ipp_array_push(&t->policy.rules, &t->policy.nrules, sizeof(r), &r) == NULL) {
			ipp_rule_clear(&r);
			ipp_errf(e, IPP_E_NOMEM, "out of memory");
			goto out_owned;
		}
		if (lds_ref_guid(s, r.filterlist, LDS_FILTERLIST, ren->dn,
		    "ipsecpolFilterListRef", g, e) == -1 || refset_add(lists, g) == -1 ||
		    lds_ref_guid(s, r.filteraction, LDS_FILTERACTION, ren->dn,
		    "ipsecpolFilterActionRef", g, e) == -1 || refset_add(actions, g) == -1) {
			if (e->code == IPP_OK)
				ipp_errf(e, IPP_E_NOMEM, "out of memory");
			goto out_owned;
		}
	}
	rc = 0;
out_owned:
	lds_entries_free(&owned);
	lds_entries_free(&mms);
	ipp_names_free(&refs);
	return rc;
}

/* Replaces a rule's reference DN by the referenced object's name. */
static int
ref_name(struct ldstore *s, const struct ipp_policy_tree *t, char **ref, enum lds_class c,
    const char *rule, struct ipp_err *e)
{
	char g[IPP_GUID_SIZE];
	char *name = NULL;

	if (lds_ref_guid(s, *ref, c, rule, "reference", g, e) == -1)
		return -1;
	if (c == LDS_FILTERLIST) {
		for (size_t i = 0; i < t->nlists && name == NULL; i++)
			if (strcmp(t->lists[i].guid, g) == 0)
				name = t->lists[i].name;
	} else {
		for (size_t i = 0; i < t->nactions && name == NULL; i++)
			if (strcmp(t->actions[i].guid, g) == 0)
				name = t->actions[i].name;
	}
	if (name == NULL)
		return ipp_errf(e, IPP_E_STORE, "%s: rule '%s': its %s %s does not exist (a "
		    "dangling reference)", s->base.where, rule, lds_class_what[c], g);
	free(*ref);
	if ((*ref = strdup(name)) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	return 0;
}

/* A referenced list or action is missing: the message names the first rule entry that
 * references it (the rules' references are still DNs here). */
static int
dangling(struct ldstore *s, const struct ipp_policy_tree *t, enum lds_class c,
    const char *guid, struct ipp_err *e)
{
	for (size_t i = 0; i < t->policy.nrules; i++) {
		const struct ipp_rule *r = &t->policy.rules[i];
		const char *ref = c == LDS_FILTERLIST ? r->filterlist : r->filteraction;
		char g[IPP_GUID_SIZE], *dn;

		if (lds_ref_guid(s, ref, c, "", "", g, NULL) == -1 || strcmp(g, guid) != 0)
			continue;
		dn = lds_dn(s, LDS_RULE, r->guid);
		ipp_errf(e, IPP_E_STORE, "%s: entry '%s': %s: %s %s does not exist (a dangling "
		    "reference)", s->base.where, dn != NULL ? dn : r->name,
		    c == LDS_FILTERLIST ? "ipsecpolFilterListRef" : "ipsecpolFilterActionRef",
		    lds_class_what[c], guid);
		free(dn);
		return -1;
	}
	return ipp_errf(e, IPP_E_STORE, "%s: %s %s does not exist (a dangling reference)",
	    s->base.where, lds_class_what[c], guid);
}

/*
 * The lists and actions the rules reference, decoded as their entries arrive (each entry
 * is freed before the next is read).  Slot i of the lists, then of the actions, in the
 * rules' order: what the tree gets, and the order failures are told in, as if decoded
 * one after the other: the first slot that is missing or does not decode is the error.
 */
enum { SLOT_MISSING, SLOT_OK, SLOT_BAD };

struct refs_ctx {
	const struct refset	*lists, *actions;
	struct ipp_filterlist	*fl;
	struct ipp_filteraction	*fa;
	unsigned char		*state;		/* lists->n + actions->n */
	size_t			bad;		/* the lowest SLOT_BAD slot, or SIZE_MAX */
	struct ipp_err		err;		/* its error */
};

/* The slot of the entry with this DN, the first of its GUID to arrive; SIZE_MAX: none. */
static size_t
refs_slot(const struct refs_ctx *x, const char *dn)
{
	const struct refset *sets[2] = { x->lists, x->actions };
	const enum lds_class cls[2] = { LDS_FILTERLIST, LDS_FILTERACTION };

	for (size_t k = 0, base = 0; k < 2; base += sets[k]->n, k++) {
		size_t cl = strlen(lds_class_names[cls[k]]);
		const char *g = dn + 3 + cl;

		if (strncasecmp(dn, "cn=", 3) != 0 || strncasecmp(dn + 3, lds_class_names[cls[k]],
		    cl) != 0)
			continue;
		/* "cn=<class><GUID>," as by_guid matches it; a shorter DN differs before
		 * its end. */
		for (size_t i = 0; i < sets[k]->n; i++) {
			size_t gl = strlen(sets[k]->guids[i]);

			if (x->state[base + i] == SLOT_MISSING &&
			    strncasecmp(g, sets[k]->guids[i], gl) == 0 && g[gl] == ',')
				return base + i;
		}
	}
	return SIZE_MAX;
}

static int
refs_entry(struct ldstore *s, struct lds_entry *en, void *arg, struct ipp_err *e)
{
	struct refs_ctx *x = arg;
	struct ipp_err why = { 0 };
	size_t i = refs_slot(x, en->dn), nl = x->lists->n;
	int rc;

	if (i == SIZE_MAX)
		return 0;
	if (i < nl)
		rc = lds_dec_filterlist(en, &x->fl[i], &why);
	else
		rc = lds_dec_filteraction(en, &x->fa[i - nl], &why);
	if (rc == 0) {
		x->state[i] = SLOT_OK;
		return 0;
	}
	if (why.code == IPP_E_NOMEM) {
		*e = why;
		return -1;
	}
	x->state[i] = SLOT_BAD;
	if (i < x->bad) {
		x->bad = i;
		dec_fail(s, &why);
		x->err = why;
	}
	return 0;
}

static void
refs_clear(struct refs_ctx *x)
{
	for (size_t i = 0; i < x->lists->n; i++)
		if (x->state[i] == SLOT_OK)
			ipp_filterlist_clear(&x->fl[i]);
	for (size_t i = 0; i < x->actions->n; i++)
		if (x->state[x->lists->n + i] == SLOT_OK)
			ipp_filteraction_clear(&x->fa[i]);
	free(x->fl);
	free(x->fa);
	free(x->state);
}

static int
refs_fetch(struct ldstore *s, struct refs_ctx *x, struct ipp_err *e)
{
	size_t n = x->lists->n + x->actions->n;
	char *filter, *p;
	int rc;

	if (n == 0)
		return 0;
	if (n > LDS_REF_BATCH)
		return lds_search_each(s, s->container, LDAP_SCOPE_ONELEVEL,
		    "(|(objectClass=ipsecpolFilterList)(objectClass=ipsecpolFilterAction))", NULL,
		    refs_entry, x, e);
	if ((filter = malloc(n * (IPP_GUID_SIZE + 16) + 8)) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	p = filter + sprintf(filter, "(|");
	for (size_t i = 0; i < x->lists->n; i++)
		p += sprintf(p, "(ipsecpolID=%s)", x->lists->guids[i]);
	for (size_t i = 0; i < x->actions->n; i++)
		p += sprintf(p, "(ipsecpolID=%s)", x->actions->guids[i]);
	strcpy(p, ")");
	rc = lds_search_each(s, s->container, LDAP_SCOPE_ONELEVEL, filter, NULL, refs_entry, x,
	    e);
	free(filter);
	return rc;
}

static int
tree_refs(struct ldstore *s, struct ipp_policy_tree *t, const struct refset *lists,
    const struct refset *actions, struct ipp_err *e)
{
	struct refs_ctx x = { .lists = lists, .actions = actions, .bad = SIZE_MAX };
	size_t nl = lists->n;
	int rc = -1;

	x.fl = calloc(nl + 1, sizeof(*x.fl));
	x.fa = calloc(actions->n + 1, sizeof(*x.fa));
	x.state = calloc(nl + actions->n + 1, 1);
	t->lists = calloc(nl + 1, sizeof(*t->lists));
	t->actions = calloc(actions->n + 1, sizeof(*t->actions));
	if (x.fl == NULL || x.fa == NULL || x.state == NULL || t->lists == NULL ||
	    t->actions == NULL) {
		refs_clear(&x);
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	}
	if (refs_fetch(s, &x, e) == -1)
		goto out;
	/* The first slot that failed, in order, is the error (a dangling reference or an
	 * entry that does not decode); the tree takes the slots as they are. */
	for (size_t i = 0; i < nl + actions->n; i++) {
		if (x.state[i] == SLOT_MISSING) {
			if (i < nl)
				dangling(s, t, LDS_FILTERLIST, lists->guids[i], e);
			else
				dangling(s, t, LDS_FILTERACTION, actions->guids[i - nl], e);
			goto out;
		}
		if (x.state[i] == SLOT_BAD) {
			*e = x.err;
			goto out;
		}
	}
	for (size_t i = 0; i < nl; i++, t->nlists++) {
		t->lists[i] = x.fl[i];
		x.state[i] = SLOT_MISSING;	/* now the tree's */
	}
	for (size_t i = 0; i < actions->n; i++, t->nactions++) {
		t->actions[i] = x.fa[i];
		x.state[nl + i] = SLOT_MISSING;
	}
	rc = 0;
	for (size_t i = 0; rc == 0 && i < t->policy.nrules; i++) {
		struct ipp_rule *r = &t->policy.rules[i];

		rc = ref_name(s, t, &r->filterlist, LDS_FILTERLIST, r->name, e);
		if (rc == 0)
			rc = ref_name(s, t, &r->filteraction, LDS_FILTERACTION, r->name, e);
	}
out:
	refs_clear(&x);
	return rc;
}

int
lds_policy_get(struct ipp_store *st, const char *key, struct ipp_policy_tree *out,
    struct ipp_err *e)
{
	struct ldstore *s = lds_of(st);
	struct refset lists = { 0 }, actions = { 0 };
	struct lds_entry pent;
	char *adn = NULL, g[IPP_GUID_SIZE];
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (lds_find(s, LDS_POLICY, key, &pent, e) == -1)
		return -1;
	if (lds_dec_policy(&pent, &out->policy, e) == -1) {
		dec_fail(s, e);
		goto out;
	}
	if (tree_rules(s, &pent, out, &lists, &actions, e) == -1 ||
	    tree_refs(s, out, &lists, &actions, e) == -1 ||
	    lds_base_assignment(s, &adn, e) == -1)
		goto out;
	out->policy.assigned = adn != NULL && lds_ref_guid(s, adn, LDS_POLICY, s->suffix, "",
	    g, NULL) == 0 && strcmp(g, out->policy.guid) == 0;
	rc = 0;
out:
	if (rc == -1)
		ipp_policy_tree_clear(out);
	free(adn);
	free(lists.guids);
	free(actions.guids);
	lds_entry_free(&pent);
	return rc;
}
