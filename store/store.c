/*
 * ipp_store: the generic front of every store.  It validates input before a backend sees
 * it, checks references between objects, and makes each write atomic (store/backend.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/backend.h"

/* ---- names ---- */

void
ipp_names_free(struct ipp_names *n)
{
	for (size_t i = 0; i < n->n; i++)
		free(n->v[i]);
	free(n->v);
	n->v = NULL;
	n->n = 0;
}

int
ipp_names_push(struct ipp_names *n, const char *s, struct ipp_err *e)
{
	char *c = strdup(s);

	if (c == NULL || ipp_array_push(&n->v, &n->n, sizeof(c), &c) == NULL) {
		free(c);
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	}
	return 0;
}

void
ipp_users_free(struct ipp_users *u)
{
	ipp_names_free(&u->policies);
	ipp_names_free(&u->rules);
}

/* ---- opening and transactions ---- */

int
ipp_store_open_local(struct ipp_store **out, const char *path,
    const struct ipp_store_opts *opts, struct ipp_err *e)
{
	static const struct ipp_store_opts defaults;
	struct ipp_store *st;
	bool created;

	*out = NULL;
	if (path == NULL || *path == '\0')
		return ipp_errf(e, IPP_E_INVAL, "local store: no file name given");
	if (opts == NULL)
		opts = &defaults;
	if (sqlstore_open(&st, path, opts, &created, e) == -1)
		return -1;
	if (created) {
		/* The creation transaction is still open: the examples go in with the
		 * schema, or nothing does. */
		if ((!(opts->flags & IPP_STORE_NOSEED) &&
		    ipp_store_seed_examples(st, e) == -1) || ipp_store_commit(st, e) == -1) {
			ipp_err_prefix(e, "%s: creating the store", st->where);
			ipp_store_close(st);
			return -1;
		}
	}
	*out = st;
	return 0;
}

void
ipp_store_close(struct ipp_store *st)
{
	if (st != NULL)
		st->be->close(st);
}

enum ipp_store_kind
ipp_store_kind(const struct ipp_store *st)
{
	return st->kind;
}

const char *
ipp_store_where(const struct ipp_store *st)
{
	return st->where;
}

int
ipp_store_begin(struct ipp_store *st, struct ipp_err *e)
{
	if (st->in_tx)
		return ipp_errf(e, IPP_E_INVAL, "%s: a transaction is already open", st->where);
	if (st->flags & IPP_STORE_RDONLY)
		return ipp_errf(e, IPP_E_STORE, "%s was opened read-only", st->where);
	if (st->be->tx_begin(st, true, e) == -1)
		return -1;
	st->in_tx = true;
	return 0;
}

int
ipp_store_commit(struct ipp_store *st, struct ipp_err *e)
{
	if (!st->in_tx)
		return ipp_errf(e, IPP_E_INVAL, "%s: no transaction is open", st->where);
	st->in_tx = false;
	if (st->be->tx_commit(st, e) == -1) {
		st->be->tx_rollback(st);
		return ipp_err_prefix(e, "the transaction was rolled back");
	}
	return 0;
}

void
ipp_store_rollback(struct ipp_store *st)
{
	if (!st->in_tx)
		return;
	st->in_tx = false;
	st->be->tx_rollback(st);
}

/*
 * Every operation runs between op_begin and op_end.  A write outside a transaction gets
 * its own; inside one it gets a savepoint, so that a failure undoes just itself.
 */
int
ipp_store_op_begin(struct ipp_store *st, bool write, struct ipp_err *e)
{
	if (write && (st->flags & IPP_STORE_RDONLY))
		return ipp_errf(e, IPP_E_STORE, "%s was opened read-only", st->where);
	if (st->in_tx)
		return write ? st->be->sp_begin(st, e) : 0;
	return st->be->tx_begin(st, write, e);
}

int
ipp_store_op_end(struct ipp_store *st, bool write, int rc, struct ipp_err *e)
{
	if (st->in_tx) {
		if (!write)
			return rc;
		if (rc == 0 && st->be->sp_release(st, e) == 0)
			return 0;
		st->be->sp_rollback(st);
		return -1;
	}
	if (rc == 0 && st->be->tx_commit(st, e) == 0)
		return 0;
	st->be->tx_rollback(st);
	return -1;
}

/* ---- checks shared by the operations ---- */

/* A key is a GUID or a valid name: anything else names nothing, and refusing it here
 * keeps control bytes and over-long text out of every later message that echoes it. */
static int
key_check(const char *what, const char *key, struct ipp_err *e)
{
	if (key == NULL || *key == '\0')
		return ipp_errf(e, IPP_E_INVAL, "no %s name or GUID given", what);
	if (ipp_guid_valid(key))
		return 0;
	return ipp_name_validate(what, key, e);
}

/* An empty GUID gets a new one; a given one must be braced and is kept upper-case. */
static int
guid_fill(const char *what, const char *name, char guid[IPP_GUID_SIZE], struct ipp_err *e)
{
	if (memchr(guid, '\0', IPP_GUID_SIZE) == NULL)
		return ipp_errf(e, IPP_E_INVAL, "%s: GUID field is not terminated", what);
	if (guid[0] == '\0') {
		if (ipp_guid_new(guid) == -1)
			return ipp_errf(e, IPP_E_STORE, "%s '%s': no randomness for a new GUID",
			    what, name != NULL ? name : "");
		return 0;
	}
	if (!ipp_guid_valid(guid)) {
		char shown[IPP_PRINTABLE_MAX], nshown[IPP_PRINTABLE_MAX];

		return ipp_errf(e, IPP_E_INVAL, "%s '%s': GUID '%s' is not of the form "
		    "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}", what,
		    ipp_str_printable(name != NULL ? name : "", nshown, sizeof(nshown)),
		    ipp_str_printable(guid, shown, sizeof(shown)));
	}
	for (char *c = guid; *c != '\0'; c++)
		*c = (char)toupper((unsigned char)*c);
	return 0;
}

/* A rule's reference failed to load: a missing object is named as the rule's. */
static void
ref_missing(const char *policy, const struct ipp_rule *r, const char *what, const char *name,
    const struct ipp_err *le, struct ipp_err *e)
{
	if (name == NULL || le->code == IPP_E_NOENT)
		ipp_errf(e, IPP_E_NOENT, "policy '%s' rule '%s': %s '%s' does not exist",
		    policy, r->name, what, name != NULL ? name : "");
	else if (e != NULL)
		*e = *le;
}

/* Inside an operation: the rule's filter list and action exist, and the rule is valid
 * together with them (a tunnel rule's filters, for one, must not be mirrored). */
static int
rule_refs_check(struct ipp_store *st, const char *policy, const struct ipp_rule *r,
    struct ipp_err *e)
{
	struct ipp_filterlist fl = { 0 };
	struct ipp_filteraction fa = { 0 };
	struct ipp_err le = { 0 };
	int rc = -1;

	if (r->filterlist == NULL || st->be->filterlist_get(st, r->filterlist, &fl, &le) == -1)
		ref_missing(policy, r, "filter list", r->filterlist, &le, e);
	else if (r->filteraction == NULL ||
	    st->be->filteraction_get(st, r->filteraction, &fa, &le) == -1)
		ref_missing(policy, r, "filter action", r->filteraction, &le, e);
	else if (ipp_rule_validate(r, &fl, &fa, e) == -1)
		ipp_err_prefix(e, "policy '%s'", policy);
	else
		rc = 0;
	ipp_filterlist_clear(&fl);
	ipp_filteraction_clear(&fa);
	return rc;
}

/* Appends "a, b, c" to buf without overflowing it; a cut list ends in "...". */
static void
join_names(char *buf, size_t len, const struct ipp_names *n)
{
	size_t used = strlen(buf);

	for (size_t i = 0; i < n->n && used < len; i++) {
		int w = snprintf(buf + used, len - used, "%s%s", i > 0 ? ", " : "", n->v[i]);

		if (w < 0 || (size_t)w >= len - used) {
			if (len > 4)
				memcpy(buf + len - 4, "...", 4);
			return;
		}
		used += (size_t)w;
	}
}

/* IPP_E_INUSE naming every rule that uses the list or action key. */
static int
unused_check(struct ipp_store *st, enum ipp_objkind kind, const char *what, const char *key,
    struct ipp_err *e)
{
	struct ipp_users u = { 0 };
	char buf[sizeof(e->msg) - 64];

	if (st->be->users(st, kind, key, &u, e) == -1)
		return -1;
	if (u.rules.n == 0) {
		ipp_users_free(&u);
		return 0;
	}
	snprintf(buf, sizeof(buf), "%s '%s' is used by %zu rule%s: ", what, key, u.rules.n,
	    u.rules.n == 1 ? "" : "s");
	join_names(buf, sizeof(buf), &u.rules);
	ipp_users_free(&u);
	return ipp_errf(e, IPP_E_INUSE, "%s; delete or change those rules first", buf);
}

/* After a shared list or action changed: every policy using it must still be valid. */
static int
users_recheck(struct ipp_store *st, enum ipp_objkind kind, const char *what, const char *key,
    struct ipp_err *e)
{
	struct ipp_users u = { 0 };
	int rc = 0;

	if (st->be->users(st, kind, key, &u, e) == -1)
		return -1;
	for (size_t i = 0; rc == 0 && i < u.policies.n; i++) {
		struct ipp_policy_tree t;

		if ((rc = st->be->policy_get(st, u.policies.v[i], &t, e)) == -1)
			break;
		if ((rc = ipp_policy_tree_validate(&t, e)) == -1)
			ipp_err_prefix(e, "%s '%s': the change would make policy '%s' invalid",
			    what, key, u.policies.v[i]);
		ipp_policy_tree_clear(&t);
	}
	ipp_users_free(&u);
	return rc;
}

/* What a backend returns came from a file or a directory anyone with write access could
 * have crafted: it is checked like any input before a caller sees it. */
static int
loaded_check(struct ipp_store *st, int rc, int valid, const char *what, const char *key,
    struct ipp_err *e)
{
	if (rc == -1)
		return -1;
	if (valid == -1) {
		if (e != NULL)
			e->code = IPP_E_STORE;
		return ipp_err_prefix(e, "%s: %s '%s' as stored is invalid", st->where, what,
		    key);
	}
	return 0;
}

/* ---- listing ---- */

static const char *const kind_names[] = {
	[IPP_OBJ_POLICY] = "policy",
	[IPP_OBJ_FILTERLIST] = "filter list",
	[IPP_OBJ_FILTERACTION] = "filter action",
};

static int
list_kind(struct ipp_store *st, enum ipp_objkind kind, struct ipp_names *out,
    struct ipp_err *e)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if (ipp_store_op_begin(st, false, e) == -1)
		return -1;
	rc = ipp_store_op_end(st, false, st->be->list(st, kind, out, e), e);
	/* A damaged file can hold names no key lookup would accept: report the store as
	 * broken here, rather than hand out names that cannot be fetched. */
	for (size_t i = 0; rc == 0 && i < out->n; i++)
		if (ipp_name_validate(kind_names[kind], out->v[i], e) == -1) {
			if (e != NULL)
				e->code = IPP_E_STORE;
			rc = ipp_err_prefix(e, "%s: a stored name is invalid", st->where);
		}
	if (rc == -1)
		ipp_names_free(out);
	return rc;
}

int
ipp_store_policy_list(struct ipp_store *st, struct ipp_names *out, struct ipp_err *e)
{
	return list_kind(st, IPP_OBJ_POLICY, out, e);
}

int
ipp_store_filterlist_list(struct ipp_store *st, struct ipp_names *out, struct ipp_err *e)
{
	return list_kind(st, IPP_OBJ_FILTERLIST, out, e);
}

int
ipp_store_filteraction_list(struct ipp_store *st, struct ipp_names *out, struct ipp_err *e)
{
	return list_kind(st, IPP_OBJ_FILTERACTION, out, e);
}

/* ---- policies ---- */

int
ipp_store_policy_get(struct ipp_store *st, const char *key, struct ipp_policy_tree *out,
    struct ipp_err *e)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if (key_check("policy", key, e) == -1 || ipp_store_op_begin(st, false, e) == -1)
		return -1;
	rc = ipp_store_op_end(st, false, st->be->policy_get(st, key, out, e), e);
	if (rc == 0)
		rc = loaded_check(st, rc, ipp_policy_tree_validate(out, e), "policy", key, e);
	if (rc == -1)
		ipp_policy_tree_clear(out);
	return rc;
}

int
ipp_store_policy_create(struct ipp_store *st, struct ipp_policy *p, struct ipp_err *e)
{
	int rc = 0;

	if (ipp_policy_fill_defaults(p, e) == -1 ||
	    guid_fill("policy", p->name, p->guid, e) == -1)
		return -1;
	for (size_t i = 0; i < p->nrules; i++)
		if (guid_fill("rule", p->rules[i].name, p->rules[i].guid, e) == -1)
			return ipp_err_prefix(e, "policy '%s'", p->name);
	if (ipp_policy_validate(p, e) == -1 || ipp_store_op_begin(st, true, e) == -1)
		return -1;
	for (size_t i = 0; rc == 0 && i < p->nrules; i++)
		rc = rule_refs_check(st, p->name, &p->rules[i], e);
	if (rc == 0)
		rc = st->be->policy_create(st, p, e);
	return ipp_store_op_end(st, true, rc, e);
}

int
ipp_store_policy_update(struct ipp_store *st, const char *key, const struct ipp_policy *p,
    struct ipp_err *e)
{
	struct ipp_policy q = *p, defs;
	int rc;

	if (key_check("policy", key, e) == -1)
		return -1;
	/* What the update leaves empty gets Windows' defaults, as at creation. */
	ipp_policy_init(&defs);
	if (ipp_policy_fill_defaults(&defs, e) == -1)
		return -1;
	if (q.mm.noffers == 0)
		q.mm.offers = defs.mm.offers, q.mm.noffers = defs.mm.noffers;
	if (q.defrule.noffers == 0)
		q.defrule.offers = defs.defrule.offers, q.defrule.noffers = defs.defrule.noffers;
	if (q.defrule.nauth == 0)
		q.defrule.auth = defs.defrule.auth, q.defrule.nauth = defs.defrule.nauth;
	/* The rules are not part of an update; a NULL name keeps the old one. */
	q.rules = NULL;
	q.nrules = 0;
	if (q.name == NULL)
		q.name = (char *)key;
	rc = ipp_policy_validate(&q, e);
	q.name = p->name;
	if (rc == 0 && (rc = ipp_store_op_begin(st, true, e)) == 0)
		rc = ipp_store_op_end(st, true, st->be->policy_update(st, key, &q, e), e);
	ipp_policy_clear(&defs);
	return rc;
}

int
ipp_store_policy_delete(struct ipp_store *st, const char *key, struct ipp_err *e)
{
	if (key_check("policy", key, e) == -1 || ipp_store_op_begin(st, true, e) == -1)
		return -1;
	return ipp_store_op_end(st, true, st->be->policy_delete(st, key, e), e);
}

int
ipp_store_assign(struct ipp_store *st, const char *key, struct ipp_err *e)
{
	if (key_check("policy", key, e) == -1 || ipp_store_op_begin(st, true, e) == -1)
		return -1;
	return ipp_store_op_end(st, true, st->be->assign(st, key, e), e);
}

int
ipp_store_unassign(struct ipp_store *st, struct ipp_err *e)
{
	if (ipp_store_op_begin(st, true, e) == -1)
		return -1;
	return ipp_store_op_end(st, true, st->be->unassign(st, e), e);
}

int
ipp_store_assigned(struct ipp_store *st, char **name, struct ipp_err *e)
{
	int rc;

	*name = NULL;
	if (ipp_store_op_begin(st, false, e) == -1)
		return -1;
	rc = ipp_store_op_end(st, false, st->be->assigned(st, name, e), e);
	if (rc == -1) {
		free(*name);
		*name = NULL;
	}
	return rc;
}

/* ---- filter lists ---- */

int
ipp_store_filterlist_get(struct ipp_store *st, const char *key, struct ipp_filterlist *out,
    struct ipp_err *e)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if (key_check("filter list", key, e) == -1 || ipp_store_op_begin(st, false, e) == -1)
		return -1;
	rc = ipp_store_op_end(st, false, st->be->filterlist_get(st, key, out, e), e);
	if (rc == 0)
		rc = loaded_check(st, rc, ipp_filterlist_validate(out, e), "filter list", key, e);
	if (rc == -1)
		ipp_filterlist_clear(out);
	return rc;
}

int
ipp_store_filterlist_create(struct ipp_store *st, struct ipp_filterlist *fl,
    struct ipp_err *e)
{
	if (guid_fill("filter list", fl->name, fl->guid, e) == -1 ||
	    ipp_filterlist_validate(fl, e) == -1 || ipp_store_op_begin(st, true, e) == -1)
		return -1;
	return ipp_store_op_end(st, true, st->be->filterlist_create(st, fl, e), e);
}

int
ipp_store_filterlist_update(struct ipp_store *st, const char *key,
    const struct ipp_filterlist *fl, struct ipp_err *e)
{
	struct ipp_filterlist head = *fl;

	/* Only the name and description change; the filters are not looked at. */
	head.filters = NULL;
	head.nfilters = 0;
	if (key_check("filter list", key, e) == -1 || ipp_filterlist_validate(&head, e) == -1 ||
	    ipp_store_op_begin(st, true, e) == -1)
		return -1;
	return ipp_store_op_end(st, true, st->be->filterlist_update(st, key, fl, e), e);
}

int
ipp_store_filterlist_delete(struct ipp_store *st, const char *key, struct ipp_err *e)
{
	int rc;

	if (key_check("filter list", key, e) == -1 || ipp_store_op_begin(st, true, e) == -1)
		return -1;
	rc = unused_check(st, IPP_OBJ_FILTERLIST, "filter list", key, e);
	if (rc == 0)
		rc = st->be->filterlist_delete(st, key, e);
	return ipp_store_op_end(st, true, rc, e);
}

int
ipp_store_filter_add(struct ipp_store *st, const char *list, const struct ipp_filter *f,
    struct ipp_err *e)
{
	int rc;

	if (key_check("filter list", list, e) == -1)
		return -1;
	if (ipp_filter_validate(f, e) == -1)
		return ipp_err_prefix(e, "filter list '%s'", list);
	if (ipp_store_op_begin(st, true, e) == -1)
		return -1;
	rc = st->be->filter_add(st, list, f, e);
	if (rc == 0)
		rc = users_recheck(st, IPP_OBJ_FILTERLIST, "filter list", list, e);
	return ipp_store_op_end(st, true, rc, e);
}

int
ipp_store_filter_delete(struct ipp_store *st, const char *list,
    const struct ipp_filter *match, struct ipp_err *e)
{
	int rc;

	if (key_check("filter list", list, e) == -1 || ipp_store_op_begin(st, true, e) == -1)
		return -1;
	rc = st->be->filter_delete(st, list, match, e);
	if (rc == 0)
		rc = users_recheck(st, IPP_OBJ_FILTERLIST, "filter list", list, e);
	return ipp_store_op_end(st, true, rc, e);
}

/* ---- filter actions ---- */

int
ipp_store_filteraction_get(struct ipp_store *st, const char *key,
    struct ipp_filteraction *out, struct ipp_err *e)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if (key_check("filter action", key, e) == -1 || ipp_store_op_begin(st, false, e) == -1)
		return -1;
	rc = ipp_store_op_end(st, false, st->be->filteraction_get(st, key, out, e), e);
	if (rc == 0)
		rc = loaded_check(st, rc, ipp_filteraction_validate(out, e), "filter action", key,
		    e);
	if (rc == -1)
		ipp_filteraction_clear(out);
	return rc;
}

int
ipp_store_filteraction_create(struct ipp_store *st, struct ipp_filteraction *fa,
    struct ipp_err *e)
{
	if (guid_fill("filter action", fa->name, fa->guid, e) == -1 ||
	    ipp_filteraction_validate(fa, e) == -1 || ipp_store_op_begin(st, true, e) == -1)
		return -1;
	return ipp_store_op_end(st, true, st->be->filteraction_create(st, fa, e), e);
}

int
ipp_store_filteraction_update(struct ipp_store *st, const char *key,
    const struct ipp_filteraction *fa, struct ipp_err *e)
{
	int rc;

	if (key_check("filter action", key, e) == -1 || ipp_filteraction_validate(fa, e) == -1 ||
	    ipp_store_op_begin(st, true, e) == -1)
		return -1;
	rc = st->be->filteraction_update(st, key, fa, e);
	if (rc == 0)
		rc = users_recheck(st, IPP_OBJ_FILTERACTION, "filter action", fa->name, e);
	return ipp_store_op_end(st, true, rc, e);
}

int
ipp_store_filteraction_delete(struct ipp_store *st, const char *key, struct ipp_err *e)
{
	int rc;

	if (key_check("filter action", key, e) == -1 || ipp_store_op_begin(st, true, e) == -1)
		return -1;
	rc = unused_check(st, IPP_OBJ_FILTERACTION, "filter action", key, e);
	if (rc == 0)
		rc = st->be->filteraction_delete(st, key, e);
	return ipp_store_op_end(st, true, rc, e);
}

/* ---- rules ---- */

int
ipp_store_rule_create(struct ipp_store *st, const char *policy, struct ipp_rule *r,
    struct ipp_err *e)
{
	int rc;

	if (key_check("policy", policy, e) == -1 ||
	    guid_fill("rule", r->name, r->guid, e) == -1)
		return -1;
	if (ipp_rule_validate(r, NULL, NULL, e) == -1)
		return ipp_err_prefix(e, "policy '%s'", policy);
	if (ipp_store_op_begin(st, true, e) == -1)
		return -1;
	rc = rule_refs_check(st, policy, r, e);
	if (rc == 0)
		rc = st->be->rule_create(st, policy, r, e);
	return ipp_store_op_end(st, true, rc, e);
}

int
ipp_store_rule_update(struct ipp_store *st, const char *policy, const char *key,
    const struct ipp_rule *r, struct ipp_err *e)
{
	int rc;

	if (key_check("policy", policy, e) == -1 || key_check("rule", key, e) == -1)
		return -1;
	if (ipp_rule_validate(r, NULL, NULL, e) == -1)
		return ipp_err_prefix(e, "policy '%s'", policy);
	if (ipp_store_op_begin(st, true, e) == -1)
		return -1;
	rc = rule_refs_check(st, policy, r, e);
	if (rc == 0)
		rc = st->be->rule_update(st, policy, key, r, e);
	return ipp_store_op_end(st, true, rc, e);
}

int
ipp_store_rule_delete(struct ipp_store *st, const char *policy, const char *key,
    struct ipp_err *e)
{
	if (key_check("policy", policy, e) == -1 || key_check("rule", key, e) == -1 ||
	    ipp_store_op_begin(st, true, e) == -1)
		return -1;
	return ipp_store_op_end(st, true, st->be->rule_delete(st, policy, key, e), e);
}
