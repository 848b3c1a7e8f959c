/*
 * lds write: creating, changing and deleting objects in the directory.  Every operation
 * orders its writes as store/ldap.c explains: new entries first, the one modify that
 * makes them referenced last, entries no longer referenced deleted after it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store/ldap_int.h"

#define OOM(s, e) ipp_errf((e), IPP_E_NOMEM, "%s: out of memory", (s)->base.where)

/* ---- encoding whole value lists ---- */

struct encoded {
	char **v;
	size_t n;
	bool oom;
};

static void
enc_push(struct encoded *x, char *s)
{
	if (s == NULL || ipp_array_push(&x->v, &x->n, sizeof(s), &s) == NULL) {
		free(s);
		x->oom = true;
	}
}

static void
enc_free(struct encoded *x)
{
	for (size_t i = 0; i < x->n; i++) {
		explicit_bzero(x->v[i], strlen(x->v[i]));
		free(x->v[i]);
	}
	free(x->v);
	memset(x, 0, sizeof(*x));
}

static void
put_ordered(struct lds_mods *m, int op, const char *attr, struct encoded *x)
{
	if (x->oom)
		m->oom = true;
	else
		lds_mods_put_ordered(m, op, attr, x->v, x->n);
	enc_free(x);
}

static void
put_qm(struct lds_mods *m, int op, const char *attr, const struct ipp_qm_offer *o, size_t n)
{
	struct encoded x = { 0 };

	for (size_t i = 0; i < n; i++)
		enc_push(&x, lds_enc_qm_offer(&o[i]));
	put_ordered(m, op, attr, &x);
}

static void
put_auth(struct lds_mods *m, int op, const char *attr, const struct ipp_auth *a, size_t n)
{
	struct encoded x = { 0 };

	for (size_t i = 0; i < n; i++)
		enc_push(&x, lds_enc_auth(&a[i]));
	put_ordered(m, op, attr, &x);
}

static void
put_uint(struct lds_mods *m, int op, const char *attr, unsigned long v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%lu", v);
	lds_mods_put1(m, op, attr, buf);
}

static void
put_bool(struct lds_mods *m, int op, const char *attr, bool v)
{
	lds_mods_put1(m, op, attr, v ? "TRUE" : "FALSE");
}

/* objectClass, cn and ipsecpolID of a new entry. */
static void
put_head(struct lds_mods *m, enum lds_class c, const char *guid)
{
	char cn[64];

	snprintf(cn, sizeof(cn), "%s%s", lds_class_names[c], guid);
	lds_mods_put1(m, LDAP_MOD_ADD, "objectClass", lds_class_names[c]);
	lds_mods_put1(m, LDAP_MOD_ADD, "cn", cn);
	lds_mods_put1(m, LDAP_MOD_ADD, "ipsecpolID", guid);
}

/* Runs an add of mods at the DN of class c and guid. */
static int
add_entry(struct ldstore *s, enum lds_class c, const char *guid, struct lds_mods *m,
    struct ipp_err *e)
{
	char *dn = lds_dn(s, c, guid);
	int rc;

	if (dn == NULL || m->oom)
		rc = OOM(s, e);
	else
		rc = lds_add(s, dn, m->v, e);
	free(dn);
	lds_mods_free(m);
	return rc;
}

static int
modify_entry(struct ldstore *s, const struct lds_entry *old, struct lds_mods *m,
    struct ipp_err *e)
{
	int rc = m->oom ? OOM(s, e) : lds_modify(s, old, m->v, e);

	lds_mods_free(m);
	return rc;
}

/* ---- filter lists ---- */

static void
put_filters(struct lds_mods *m, int op, const struct ipp_filter *f, size_t n)
{
	struct encoded x = { 0 };

	for (size_t i = 0; i < n; i++)
		enc_push(&x, lds_enc_filter(&f[i]));
	put_ordered(m, op, "ipsecpolFilter", &x);
}

int
lds_filterlist_create(struct ipp_store *st, const struct ipp_filterlist *fl,
    struct ipp_err *e)
{
	struct ldstore *s = lds_of(st);
	struct lds_mods m = { 0 };

	if (lds_unique_name(s, LDS_FILTERLIST, fl->name, NULL, e) == -1)
		return -1;
	put_head(&m, LDS_FILTERLIST, fl->guid);
	lds_mods_put1(&m, LDAP_MOD_ADD, "ipsecpolName", fl->name);
	lds_mods_put1(&m, LDAP_MOD_ADD, "description", fl->description);
	put_filters(&m, LDAP_MOD_ADD, fl->filters, fl->nfilters);
	return add_entry(s, LDS_FILTERLIST, fl->guid, &m, e);
}

int
lds_filterlist_update(struct ipp_store *st, const char *key, const struct ipp_filterlist *fl,
    struct ipp_err *e)
{
	struct ldstore *s = lds_of(st);
	struct lds_mods m = { 0 };
	struct lds_entry en;
	int rc;

	if (lds_find(s, LDS_FILTERLIST, key, &en, e) == -1)
		return -1;
	if (fl->name != NULL && lds_unique_name(s, LDS_FILTERLIST, fl->name, en.dn, e) == -1) {
		lds_entry_free(&en);
		return -1;
	}
	if (fl->name != NULL)
		lds_mods_put1(&m, LDAP_MOD_REPLACE, "ipsecpolName", fl->name);
	lds_mods_put1(&m, LDAP_MOD_REPLACE, "description", fl->description);
	rc = modify_entry(s, &en, &m, e);
	lds_entry_free(&en);
	return rc;
}

/* Deletes the object of kind named by key (the front checked that nothing uses it). */
static int
delete_key(struct ipp_store *st, enum lds_class kind, const char *key, struct ipp_err *e)
{
	struct ldstore *s = lds_of(st);
	struct lds_entry en;
	int rc;

	if (lds_find(s, kind, key, &en, e) == -1)
		return -1;
	rc = lds_delete(s, &en, e);
	lds_entry_free(&en);
	return rc;
}

int
lds_filterlist_delete(struct ipp_store *st, const char *key, struct ipp_err *e)
{
	return delete_key(st, LDS_FILTERLIST, key, e);
}

/* The filters of the list entry as stored (order prefixes stripped), checked. */
static int
filters_raw(struct ldstore *s, const struct lds_entry *en, struct ipp_names *out,
    struct ipp_err *e)
{
	if (lds_get_ordered(en, "ipsecpolFilter", out, e) == -1)
		return ipp_err_prefix(e, "%s", s->base.where);
	return 0;
}

int
lds_filter_add(struct ipp_store *st, const char *list, const struct ipp_filter *f,
    struct ipp_err *e)
{
	struct ldstore *s = lds_of(st);
	struct ipp_names vals;
	struct lds_mods m = { 0 };
	struct lds_entry en;
	char *v;
	int rc;

	if (lds_find(s, LDS_FILTERLIST, list, &en, e) == -1)
		return -1;
	if (filters_raw(s, &en, &vals, e) == -1) {
		lds_entry_free(&en);
		return -1;
	}
	/* One modify replaces the whole ordered list: readers see the old or the new. */
	if ((v = lds_enc_filter(f)) == NULL || ipp_array_push(&vals.v, &vals.n, sizeof(v),
	    &v) == NULL) {
		free(v);
		m.oom = true;
	} else {
		lds_mods_put_ordered(&m, LDAP_MOD_REPLACE, "ipsecpolFilter", vals.v, vals.n);
	}
	rc = modify_entry(s, &en, &m, e);
	ipp_names_free(&vals);
	lds_entry_free(&en);
	return rc;
}

/* The part of an encoded filter that selects traffic: all but the description. */
static size_t
selector_len(const char *v)
{
	const char *d = strstr(v, " desc=");

	return d != NULL ? (size_t)(d - v) : strlen(v);
}

int
lds_filter_delete(struct ipp_store *st, const char *list, const struct ipp_filter *match,
    struct ipp_err *e)
{
	struct ldstore *s = lds_of(st);
	struct ipp_names vals, keep = { 0 };
	struct lds_mods m = { 0 };
	struct lds_entry en;
	char *want = lds_enc_filter(match);
	int rc = -1;

	if (want == NULL)
		return OOM(s, e);
	if (lds_find(s, LDS_FILTERLIST, list, &en, e) == -1) {
		free(want);
		return -1;
	}
	if (filters_raw(s, &en, &vals, e) == -1)
		goto out;
	for (size_t i = 0; i < vals.n; i++) {
		struct ipp_filter f;
		char *canon;

		/* Compare canonical forms: what an administrator wrote by hand may differ
		 * in spelling from what we write. */
		if (lds_dec_filter(vals.v[i], &f, e) == -1) {
			ipp_err_prefix(e, "%s: entry '%s': ipsecpolFilter value %zu", s->base.where,
			    en.dn, i);
			goto out_vals;
		}
		canon = lds_enc_filter(&f);
		ipp_filter_clear(&f);
		if (canon == NULL) {
			OOM(s, e);
			goto out_vals;
		}
		if (selector_len(canon) != selector_len(want) ||
		    strncmp(canon, want, selector_len(want)) != 0) {
			if (ipp_names_push(&keep, vals.v[i], e) == -1) {
				free(canon);
				goto out_vals;
			}
		}
		free(canon);
	}
	if (keep.n == vals.n) {
		char src[IPP_ADDR_STRLEN], dst[IPP_ADDR_STRLEN];

		ipp_errf(e, IPP_E_NOENT, "filter list '%s' has no filter %s -> %s protocol %u "
		    "ports %u -> %u%s", list, ipp_addr_format(&match->src, src, sizeof(src)),
		    ipp_addr_format(&match->dst, dst, sizeof(dst)), match->proto, match->sport,
		    match->dport, match->mirrored ? " mirrored" : "");
		goto out_vals;
	}
	lds_mods_put_ordered(&m, LDAP_MOD_REPLACE, "ipsecpolFilter", keep.v, keep.n);
	rc = modify_entry(s, &en, &m, e);
out_vals:
	ipp_names_free(&vals);
	ipp_names_free(&keep);
out:
	free(want);
	lds_entry_free(&en);
	return rc;
}

/* ---- filter actions ---- */

static const char *const action_names[] = {
	[IPP_ACTION_PERMIT] = "permit", [IPP_ACTION_BLOCK] = "block",
	[IPP_ACTION_NEGOTIATE] = "negotiate",
};

static void
put_action(struct lds_mods *m, int op, const struct ipp_filteraction *fa)
{
	lds_mods_put1(m, op, "ipsecpolName", fa->name);
	if (op == LDAP_MOD_REPLACE || fa->description != NULL)
		lds_mods_put1(m, op, "description", fa->description);
	lds_mods_put1(m, op, "ipsecpolAction", action_names[fa->action]);
	put_bool(m, op, "ipsecpolInPass", fa->inpass);
	put_bool(m, op, "ipsecpolSoft", fa->soft);
	put_qm(m, op, "ipsecpolQMOffer", fa->offers, fa->noffers);
}

int
lds_filteraction_create(struct ipp_store *st, const struct ipp_filteraction *fa,
    struct ipp_err *e)
{
	struct ldstore *s = lds_of(st);
	struct lds_mods m = { 0 };

	if (lds_unique_name(s, LDS_FILTERACTION, fa->name, NULL, e) == -1)
		return -1;
	put_head(&m, LDS_FILTERACTION, fa->guid);
	put_action(&m, LDAP_MOD_ADD, fa);
	return add_entry(s, LDS_FILTERACTION, fa->guid, &m, e);
}

int
lds_filteraction_update(struct ipp_store *st, const char *key,
    const struct ipp_filteraction *fa, struct ipp_err *e)
{
	struct ldstore *s = lds_of(st);
	struct lds_mods m = { 0 };
	struct lds_entry en;
	int rc;

	if (lds_find(s, LDS_FILTERACTION, key, &en, e) == -1)
		return -1;
	if (lds_unique_name(s, LDS_FILTERACTION, fa->name, en.dn, e) == -1) {
		lds_entry_free(&en);
		return -1;
	}
	put_action(&m, LDAP_MOD_REPLACE, fa);
	rc = modify_entry(s, &en, &m, e);
	lds_entry_free(&en);
	return rc;
}

int
lds_filteraction_delete(struct ipp_store *st, const char *key, struct ipp_err *e)
{
	return delete_key(st, LDS_FILTERACTION, key, e);
}

/* ---- rules ---- */

static const char *const conn_names[] = {
	[IPP_CONN_ALL] = "all", [IPP_CONN_LAN] = "lan", [IPP_CONN_DIALUP] = "dialup",
};

/* The DN of the list or action a rule names. */
static int
ref_dn(struct ldstore *s, enum lds_class c, const char *name, char **dn, struct ipp_err *e)
{
	struct lds_entry en;

	if (lds_find(s, c, name, &en, e) == -1)
		return -1;
	*dn = en.dn;
	en.dn = NULL;
	lds_entry_free(&en);
	return 0;
}

static int
put_rule(struct ldstore *s, struct lds_mods *m, int op, const char *pdn,
    const struct ipp_rule *r, struct ipp_err *e)
{
	char *fl = NULL, *fa = NULL, tun[IPP_ADDR_STRLEN];

	if (ref_dn(s, LDS_FILTERLIST, r->filterlist, &fl, e) == -1 ||
	    ref_dn(s, LDS_FILTERACTION, r->filteraction, &fa, e) == -1) {
		free(fl);
		return -1;
	}
	lds_mods_put1(m, op, "ipsecpolName", r->name);
	if (op == LDAP_MOD_REPLACE || r->description != NULL)
		lds_mods_put1(m, op, "description", r->description);
	if (op == LDAP_MOD_ADD)
		lds_mods_put1(m, op, "ipsecpolOwner", pdn);
	lds_mods_put1(m, op, "ipsecpolFilterListRef", fl);
	lds_mods_put1(m, op, "ipsecpolFilterActionRef", fa);
	put_auth(m, op, "ipsecpolAuth", r->auth, r->nauth);
	lds_mods_put1(m, op, "ipsecpolTunnel", r->tunnel.kind == IPP_ADDR_NONE ? NULL :
	    ipp_addr_format(&r->tunnel, tun, sizeof(tun)));
	lds_mods_put1(m, op, "ipsecpolConnType", conn_names[r->conntype]);
	put_bool(m, op, "ipsecpolActive", r->active);
	free(fl);
	free(fa);
	return 0;
}

static int
rule_add(struct ldstore *s, const char *pdn, const struct ipp_rule *r, struct ipp_err *e)
{
	struct lds_mods m = { 0 };

	put_head(&m, LDS_RULE, r->guid);
	if (put_rule(s, &m, LDAP_MOD_ADD, pdn, r, e) == -1) {
		lds_mods_free(&m);
		return -1;
	}
	return add_entry(s, LDS_RULE, r->guid, &m, e);
}

/* The policy's rule references as stored, prefixes stripped. */
static int
rule_refs(struct ldstore *s, const struct lds_entry *pent, struct ipp_names *out,
    struct ipp_err *e)
{
	if (lds_get_ordered(pent, "ipsecpolRuleRef", out, e) == -1)
		return ipp_err_prefix(e, "%s", s->base.where);
	return 0;
}

/* Among the policy's rules (in its reference list), the one named key (name without
 * regard to case, or GUID); *at its index in refs, -1 when there is none. */
static int
rule_find(struct ldstore *s, const struct lds_entry *pent, const struct ipp_names *refs,
    const char *key, ssize_t *at, struct lds_entry *out, struct ipp_err *e)
{
	struct lds_entries owned;

	*at = -1;
	memset(out, 0, sizeof(*out));
	if (lds_policy_rules(s, pent->dn, &owned, e) == -1)
		return -1;
	for (size_t i = 0; i < refs->n && *at < 0; i++) {
		char g[IPP_GUID_SIZE];

		if (lds_ref_guid(s, refs->v[i], LDS_RULE, pent->dn, "ipsecpolRuleRef", g, NULL) ==
		    -1)
			continue;
		for (size_t j = 0; j < owned.n; j++) {
			const struct lds_attr *id = lds_attr(&owned.v[j], "ipsecpolID");
			const struct lds_attr *nm = lds_attr(&owned.v[j], "ipsecpolName");

			if (id == NULL || id->n != 1 || strcasecmp(id->vals[0]->bv_val, g) != 0)
				continue;
			if (strcasecmp(id->vals[0]->bv_val, key) == 0 || (nm != NULL && nm->n == 1 &&
			    strcasecmp(nm->vals[0]->bv_val, key) == 0)) {
				*at = (ssize_t)i;
				*out = owned.v[j];
				memset(&owned.v[j], 0, sizeof(owned.v[j]));
			}
			break;
		}
	}
	lds_entries_free(&owned);
	return 0;
}

/* Rewrites the policy's ordered rule references in one modify. */
static int
set_rule_refs(struct ldstore *s, const struct lds_entry *pent, struct ipp_names *refs,
    struct ipp_err *e)
{
	struct lds_mods m = { 0 };

	lds_mods_put_ordered(&m, LDAP_MOD_REPLACE, "ipsecpolRuleRef", refs->v, refs->n);
	return modify_entry(s, pent, &m, e);
}

int
lds_rule_create(struct ipp_store *st, const char *policy, const struct ipp_rule *r,
    struct ipp_err *e)
{
	struct ldstore *s = lds_of(st);
	struct ipp_names refs = { 0 };
	struct lds_entry pent, old;
	ssize_t at;
	char *dn = NULL;
	int rc = -1;

	if (lds_find(s, LDS_POLICY, policy, &pent, e) == -1)
		return -1;
	if (rule_refs(s, &pent, &refs, e) == -1 ||
	    rule_find(s, &pent, &refs, r->name, &at, &old, e) == -1)
		goto out;
	lds_entry_free(&old);
	if (at >= 0) {
		ipp_errf(e, IPP_E_EXIST, "rule '%s' already exists in this policy", r->name);
		goto out;
	}
	if ((dn = lds_dn(s, LDS_RULE, r->guid)) == NULL ||
	    ipp_array_push(&refs.v, &refs.n, sizeof(dn), &dn) == NULL) {
		free(dn);
		OOM(s, e);
		goto out;
	}
	/* The rule first; the policy's reference to it last. */
	if (rule_add(s, pent.dn, r, e) == 0)
		rc = set_rule_refs(s, &pent, &refs, e);
out:
	ipp_names_free(&refs);
	lds_entry_free(&pent);
	return rc;
}

int
lds_rule_update(struct ipp_store *st, const char *policy, const char *key,
    const struct ipp_rule *r, struct ipp_err *e)
{
	struct ldstore *s = lds_of(st);
	struct ipp_names refs = { 0 };
	struct lds_entry pent, old = { 0 }, other = { 0 };
	struct lds_mods m = { 0 };
	ssize_t at, oat;
	int rc = -1;

	if (lds_find(s, LDS_POLICY, policy, &pent, e) == -1)
		return -1;
	if (rule_refs(s, &pent, &refs, e) == -1 ||
	    rule_find(s, &pent, &refs, key, &at, &old, e) == -1)
		goto out;
	if (at < 0) {
		ipp_errf(e, IPP_E_NOENT, "policy '%s' has no rule '%s'", policy, key);
		goto out;
	}
	if (r->name != NULL && rule_find(s, &pent, &refs, r->name, &oat, &other, e) == -1)
		goto out;
	if (r->name != NULL && oat >= 0 && oat != at) {
		ipp_errf(e, IPP_E_EXIST, "rule '%s' already exists in this policy", r->name);
		goto out;
	}
	/* One entry, one modify: atomic for readers. */
	if (put_rule(s, &m, LDAP_MOD_REPLACE, pent.dn, r, e) == -1) {
		lds_mods_free(&m);
		goto out;
	}
	rc = modify_entry(s, &old, &m, e);
out:
	ipp_names_free(&refs);
	lds_entry_free(&pent);
	lds_entry_free(&old);
	lds_entry_free(&other);
	return rc;
}

int
lds_rule_delete(struct ipp_store *st, const char *policy, const char *key,
    struct ipp_err *e)
{
	struct ldstore *s = lds_of(st);
	struct ipp_names refs = { 0 };
	struct lds_entry pent, old = { 0 };
	ssize_t at;
	int rc = -1;

	if (lds_find(s, LDS_POLICY, policy, &pent, e) == -1)
		return -1;
	if (rule_refs(s, &pent, &refs, e) == -1 ||
	    rule_find(s, &pent, &refs, key, &at, &old, e) == -1)
		goto out;
	if (at < 0) {
		ipp_errf(e, IPP_E_NOENT, "policy '%s' has no rule '%s'", policy, key);
		goto out;
	}
	free(refs.v[at]);
	memmove(&refs.v[at], &refs.v[at + 1], (refs.n - (size_t)at - 1) * sizeof(char *));
	refs.n--;
	/* Unreference first, then delete. */
	if (set_rule_refs(s, &pent, &refs, e) == 0)
		rc = lds_delete(s, &old, e);
out:
	ipp_names_free(&refs);
	lds_entry_free(&pent);
	lds_entry_free(&old);
	return rc;
}

/* ---- policies ---- */

static int
mainmode_add(struct ldstore *s, const char *pdn, const struct ipp_mm *mm, char guid[IPP_GUID_SIZE],
    struct ipp_err *e)
{
	struct lds_mods m = { 0 };
	struct encoded x = { 0 };

	if (ipp_guid_new(guid) == -1)
		return ipp_errf(e, IPP_E_STORE, "%s: no randomness for a new GUID", s->base.where);
	put_head(&m, LDS_MAINMODE, guid);
	lds_mods_put1(&m, LDAP_MOD_ADD, "ipsecpolOwner", pdn);
	put_uint(&m, LDAP_MOD_ADD, "ipsecpolMMLifetime", mm->lifetime_min);
	put_uint(&m, LDAP_MOD_ADD, "ipsecpolMMQMLimit", mm->qm_per_mm);
	put_bool(&m, LDAP_MOD_ADD, "ipsecpolMMPFS", mm->pfs);
	put_uint(&m, LDAP_MOD_ADD, "ipsecpolMMSoftExpire", mm->soft_expire_s);
	for (size_t i = 0; i < mm->noffers; i++)
		enc_push(&x, lds_enc_mm_offer(&mm->offers[i]));
	put_ordered(&m, LDAP_MOD_ADD, "ipsecpolMMOffer", &x);
	return add_entry(s, LDS_MAINMODE, guid, &m, e);
}

/* The policy's own attributes (not its references). */
static void
put_policy(struct lds_mods *m, int op, const struct ipp_policy *p)
{
	if (p->name != NULL)
		lds_mods_put1(m, op, "ipsecpolName", p->name);
	if (op == LDAP_MOD_REPLACE || p->description != NULL)
		lds_mods_put1(m, op, "description", p->description);
	put_uint(m, op, "ipsecpolPollMinutes", p->poll_min);
	put_bool(m, op, "ipsecpolDefaultRuleActive", p->defrule.active);
	put_qm(m, op, "ipsecpolDefaultOffer", p->defrule.offers, p->defrule.noffers);
	put_auth(m, op, "ipsecpolDefaultAuth", p->defrule.auth, p->defrule.nauth);
}

int
lds_policy_create(struct ipp_store *st, const struct ipp_policy *p, struct ipp_err *e)
{
	struct ldstore *s = lds_of(st);
	struct lds_mods m = { 0 };
	struct encoded refs = { 0 };
	char mmg[IPP_GUID_SIZE], *pdn, *mmdn = NULL;
	int rc = -1;

	if (lds_unique_name(s, LDS_POLICY, p->name, NULL, e) == -1)
		return -1;
	if ((pdn = lds_dn(s, LDS_POLICY, p->guid)) == NULL)
		return OOM(s, e);
	/* Main mode and rules first, unreferenced; the policy entry that names them last. */
	if (mainmode_add(s, pdn, &p->mm, mmg, e) == -1)
		goto out;
	for (size_t i = 0; i < p->nrules; i++) {
		if (rule_add(s, pdn, &p->rules[i], e) == -1)
			goto out;
		enc_push(&refs, lds_dn(s, LDS_RULE, p->rules[i].guid));
	}
	if ((mmdn = lds_dn(s, LDS_MAINMODE, mmg)) == NULL) {
		OOM(s, e);
		goto out;
	}
	put_head(&m, LDS_POLICY, p->guid);
	put_policy(&m, LDAP_MOD_ADD, p);
	lds_mods_put1(&m, LDAP_MOD_ADD, "ipsecpolMainModeRef", mmdn);
	put_ordered(&m, LDAP_MOD_ADD, "ipsecpolRuleRef", &refs);
	rc = add_entry(s, LDS_POLICY, p->guid, &m, e);
out:
	enc_free(&refs);
	free(mmdn);
	free(pdn);
	return rc;
}

int
lds_policy_update(struct ipp_store *st, const char *key, const struct ipp_policy *p,
    struct ipp_err *e)
{
	struct ldstore *s = lds_of(st);
	struct lds_mods m = { 0 };
	struct lds_entry pent, oldmm = { 0 };
	char mmg[IPP_GUID_SIZE], g[IPP_GUID_SIZE], *oldref = NULL, *mmdn = NULL;
	int rc = -1;

	if (lds_find(s, LDS_POLICY, key, &pent, e) == -1)
		return -1;
	if (p->name != NULL && lds_unique_name(s, LDS_POLICY, p->name, pent.dn, e) == -1)
		goto out;
	if (lds_get_str(&pent, "ipsecpolMainModeRef", true, &oldref, e) == -1) {
		ipp_err_prefix(e, "%s", s->base.where);
		goto out;
	}
	/* A new main-mode entry; the policy switches to it in the same modify that changes
	 * its own settings; the old one goes last. */
	if (mainmode_add(s, pent.dn, &p->mm, mmg, e) == -1)
		goto out;
	if ((mmdn = lds_dn(s, LDS_MAINMODE, mmg)) == NULL) {
		OOM(s, e);
		goto out;
	}
	put_policy(&m, LDAP_MOD_REPLACE, p);
	lds_mods_put1(&m, LDAP_MOD_REPLACE, "ipsecpolMainModeRef", mmdn);
	if (modify_entry(s, &pent, &m, e) == -1)
		goto out;
	rc = 0;
	if (lds_ref_guid(s, oldref, LDS_MAINMODE, pent.dn, "ipsecpolMainModeRef", g, NULL) == 0 &&
	    lds_find(s, LDS_MAINMODE, g, &oldmm, NULL) == 0)
		rc = lds_delete(s, &oldmm, e);
out:
	free(oldref);
	free(mmdn);
	lds_entry_free(&pent);
	lds_entry_free(&oldmm);
	return rc;
}

/* IPP_E_INUSE when an entry anywhere under the base assigns the policy. */
static int
not_assigned(struct ldstore *s, const char *key, const char *pdn, struct ipp_err *e)
{
	static const char *const attrs[] = { "1.1", NULL };
	struct lds_entries es;
	char *esc = lds_filter_escape(pdn), *filter = NULL;
	int rc;

	if (esc == NULL || asprintf(&filter, "(ipsecpolAssignedPolicy=%s)", esc) == -1) {
		free(esc);
		return OOM(s, e);
	}
	free(esc);
	rc = lds_search(s, s->suffix, LDAP_SCOPE_SUBTREE, filter, attrs, &es, e);
	free(filter);
	if (rc == 0 && es.n > 0) {
		if (strcasecmp(es.v[0].dn, s->suffix) == 0)
			rc = ipp_errf(e, IPP_E_INUSE, "policy '%s' is assigned; unassign it before "
			    "deleting it", key);
		else
			rc = ipp_errf(e, IPP_E_INUSE, "policy '%s' is assigned to %zu entr%s, "
			    "first '%s'; unassign it there before deleting it", key, es.n,
			    es.n == 1 ? "y" : "ies", es.v[0].dn);
	}
	lds_entries_free(&es);
	return rc;
}

int
lds_policy_delete(struct ipp_store *st, const char *key, struct ipp_err *e)
{
	struct ldstore *s = lds_of(st);
	struct lds_entries rules = { 0 };
	struct lds_entry pent, mm = { 0 };
	char *mmref = NULL, g[IPP_GUID_SIZE];
	int rc = -1;

	if (lds_find(s, LDS_POLICY, key, &pent, e) == -1)
		return -1;
	if (not_assigned(s, key, pent.dn, e) == -1 ||
	    lds_policy_rules(s, pent.dn, &rules, e) == -1)
		goto out;
	if (lds_get_str(&pent, "ipsecpolMainModeRef", false, &mmref, NULL) == 0 &&
	    mmref != NULL &&
	    lds_ref_guid(s, mmref, LDS_MAINMODE, pent.dn, "", g, NULL) == 0)
		lds_find(s, LDS_MAINMODE, g, &mm, NULL);
	/* The policy first: its parts are then unreferenced. */
	if (lds_delete(s, &pent, e) == -1)
		goto out;
	for (size_t i = 0; i < rules.n; i++)
		if (lds_delete(s, &rules.v[i], e) == -1)
			goto out;
	if (mm.dn != NULL && lds_delete(s, &mm, e) == -1)
		goto out;
	rc = 0;
out:
	free(mmref);
	lds_entries_free(&rules);
	lds_entry_free(&pent);
	lds_entry_free(&mm);
	return rc;
}
