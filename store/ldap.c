/*
 * ldstore: the LDAP directory backend's connection: open, bind, TLS, searches, writes with
 * their undo log, transactions and errors.
 *
 * Layout (schema/ipsecpol.schema, ipsecpol-schema(5)).  Every policy object is an entry
 * cn=<class>{GUID},cn=IP Security,<base>, linked to others by DN as in Active Directory:
 * a policy names its main mode and its rules (ordered), a rule names its filter list and
 * filter action.  Filters are ordered values of their list's entry, so a list changes in
 * one modify, which the server applies atomically.  A DN reference is only followed when
 * it has exactly that form, so a crafted entry cannot send a reader elsewhere.
 *
 * Reads use a fixed number of searches whatever the size of a policy (store/ldap_read.c):
 * the policy; its rules and main mode together (by owner; a main mode the policy does not
 * own is read by its DN); then the lists and actions they reference, by GUID in one
 * search or, past LDS_REF_BATCH of them, all at once.  Opening checks the container
 * alone: the base exists when its child does.
 *
 * Writes.  LDAP has no transaction spanning entries here, so each operation orders its
 * writes so that a reader never sees a half-written object: new entries are added first,
 * unreferenced; the one modify that switches a reference to them comes last; entries that
 * are no longer referenced are deleted after that.  An update that touches two entries
 * (a policy and its main mode) writes a new main-mode entry and switches the policy to it
 * in one modify.  A failure part-way therefore leaves, at worst, entries that nothing
 * references, never a reference to a missing entry.
 *
 * Transactions.  Each write is applied at once (so later reads in the same transaction,
 * such as the front's reference checks, see it) and its inverse is logged: delete what
 * was added, add back what was deleted, restore the attributes a modify changed.  A
 * savepoint is a position in that log; rolling back replays the inverses newest first,
 * commit forgets them.  Other readers see each operation as it completes, not the
 * transaction as one: the ordering above keeps every intermediate state consistent.  If
 * the directory dies mid-transaction, the undo cannot run either; what is left is
 * unreferenced by the ordering, and the error says so.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sasl/sasl.h>

#include "store/ldap_int.h"

#define LDS_DEF_TIMEOUT_S	10
#define LDS_PASSWORD_MAX	4096

const char *const lds_class_names[LDS_NCLASS] = {
	[LDS_POLICY] = "ipsecpolPolicy",
	[LDS_MAINMODE] = "ipsecpolMainMode",
	[LDS_RULE] = "ipsecpolRule",
	[LDS_FILTERLIST] = "ipsecpolFilterList",
	[LDS_FILTERACTION] = "ipsecpolFilterAction",
};

const char *const lds_class_what[LDS_NCLASS] = {
	[LDS_POLICY] = "policy",
	[LDS_MAINMODE] = "main mode",
	[LDS_RULE] = "rule",
	[LDS_FILTERLIST] = "filter list",
	[LDS_FILTERACTION] = "filter action",
};

static void lds_close(struct ipp_store *st);
static int lds_tx_begin(struct ipp_store *st, bool write, struct ipp_err *e);
static int lds_tx_commit(struct ipp_store *st, struct ipp_err *e);
static void lds_tx_rollback(struct ipp_store *st);
static int lds_sp_begin(struct ipp_store *st, struct ipp_err *e);
static int lds_sp_release(struct ipp_store *st, struct ipp_err *e);
static void lds_sp_rollback(struct ipp_store *st);

static const struct ipp_store_backend lds_backend = {
	.name = "ldap",
	.close = lds_close,
	.tx_begin = lds_tx_begin,
	.tx_commit = lds_tx_commit,
	.tx_rollback = lds_tx_rollback,
	.sp_begin = lds_sp_begin,
	.sp_release = lds_sp_release,
	.sp_rollback = lds_sp_rollback,
	.list = lds_list,
	.users = lds_users,
	.policy_get = lds_policy_get,
	.policy_create = lds_policy_create,
	.policy_update = lds_policy_update,
	.policy_delete = lds_policy_delete,
	.assign = lds_assign,
	.unassign = lds_unassign,
	.assigned = lds_assigned,
	.filterlist_get = lds_filterlist_get,
	.filterlist_create = lds_filterlist_create,
	.filterlist_update = lds_filterlist_update,
	.filterlist_delete = lds_filterlist_delete,
	.filter_add = lds_filter_add,
	.filter_delete = lds_filter_delete,
	.filteraction_get = lds_filteraction_get,
	.filteraction_create = lds_filteraction_create,
	.filteraction_update = lds_filteraction_update,
	.filteraction_delete = lds_filteraction_delete,
	.rule_create = lds_rule_create,
	.rule_update = lds_rule_update,
	.rule_delete = lds_rule_delete,
};

/* ---- errors ---- */

int
lds_err(struct ldstore *s, int rc, const char *what, struct ipp_err *e)
{
	char *diag = NULL;
	char extra[256] = "";
	enum ipp_errclass code = IPP_E_STORE;

	if (s->ld != NULL && ldap_get_option(s->ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag) ==
	    LDAP_OPT_SUCCESS && diag != NULL && *diag != '\0')
		snprintf(extra, sizeof(extra), " (%s)", diag);
	ldap_memfree(diag);
	switch (rc) {
	case LDAP_NO_MEMORY:
		code = IPP_E_NOMEM;
		break;
	case LDAP_ALREADY_EXISTS:
	case LDAP_TYPE_OR_VALUE_EXISTS:
		code = IPP_E_EXIST;
		break;
	case LDAP_NO_SUCH_OBJECT:
		code = IPP_E_NOENT;
		break;
	case LDAP_TIMEOUT:
	case LDAP_TIMELIMIT_EXCEEDED:
		return ipp_errf(e, IPP_E_STORE, "%s: %s: %s%s; the directory did not answer "
		    "within %ld s", s->base.where, what, ldap_err2string(rc), extra,
		    (long)s->op_timeout.tv_sec);
	case LDAP_SERVER_DOWN:
	case LDAP_CONNECT_ERROR:
		if (s->tls)
			return ipp_errf(e, IPP_E_STORE, "%s: %s: %s%s; the directory did not "
			    "answer, or the TLS handshake failed: is the server's certificate "
			    "signed by a CA in %s and issued for this host name?", s->base.where,
			    what, ldap_err2string(rc), extra, s->ca_file != NULL ? s->ca_file :
			    "the system's CA store");
		return ipp_errf(e, IPP_E_STORE, "%s: %s: %s%s; the directory did not answer "
		    "(is it running and reachable?)", s->base.where, what, ldap_err2string(rc),
		    extra);
	default:
		break;
	}
	return ipp_errf(e, code, "%s: %s: %s%s", s->base.where, what, ldap_err2string(rc),
	    extra);
}

/* ---- entries ---- */

static void
vals_wipe_free(struct berval **vals)
{
	if (vals == NULL)
		return;
	for (size_t i = 0; vals[i] != NULL; i++)
		if (vals[i]->bv_val != NULL)
			explicit_bzero(vals[i]->bv_val, vals[i]->bv_len);
	ldap_value_free_len(vals);
}

static void
attr_free(struct lds_attr *a)
{
	free(a->name);
	if (a->inplace == NULL) {
		vals_wipe_free(a->vals);
		return;
	}
	/* The values are the message's bytes: wiped there, before the message goes. */
	for (size_t i = 0; i < a->n; i++)
		explicit_bzero(a->inplace[i].bv_val, a->inplace[i].bv_len);
	ber_memfree(a->inplace);
	free(a->vals);
}

void
lds_entry_free(struct lds_entry *en)
{
	for (size_t i = 0; i < en->nattrs; i++)
		attr_free(&en->attrs[i]);
	free(en->attrs);
	free(en->dn);
	if (en->msg != NULL)
		ldap_msgfree(en->msg);
	memset(en, 0, sizeof(*en));
}

void
lds_entries_free(struct lds_entries *es)
{
	for (size_t i = 0; i < es->n; i++)
		lds_entry_free(&es->v[i]);
	free(es->v);
	es->v = NULL;
	es->n = 0;
}

/* One attribute of the entry at ber, its values left in place in the message (libldap
 * ends each with a NUL there): no copy of 10,000 filter values.  1, 0 at the end, -1. */
static int
attr_read(struct ldstore *s, LDAPMessage *msg, BerElement *ber, struct lds_attr *at)
{
	struct berval name;

	memset(at, 0, sizeof(*at));
	if (ldap_get_attribute_ber(s->ld, msg, ber, &name, &at->inplace) != LDAP_SUCCESS)
		return -1;
	if (name.bv_val == NULL)
		return 0;
	while (at->inplace != NULL && at->inplace[at->n].bv_val != NULL)
		at->n++;
	if ((at->name = strndup(name.bv_val, name.bv_len)) == NULL ||
	    (at->vals = calloc(at->n + 1, sizeof(*at->vals))) == NULL) {
		free(at->name);
		ber_memfree(at->inplace);
		return -1;
	}
	for (size_t i = 0; i < at->n; i++)
		at->vals[i] = &at->inplace[i];
	return 1;
}

/* The entry in msg, which it owns from now on (and frees, also on failure). */
static int
entry_read(struct ldstore *s, LDAPMessage *msg, struct lds_entry *en, struct ipp_err *e)
{
	BerElement *ber = NULL;
	struct berval dn;
	struct lds_attr at;
	int rc;

	memset(en, 0, sizeof(*en));
	en->msg = msg;
	if (ldap_get_dn_ber(s->ld, msg, &ber, &dn) != LDAP_SUCCESS) {
		lds_entry_free(en);
		return ipp_errf(e, IPP_E_STORE, "%s: an entry of the answer cannot be decoded",
		    s->base.where);
	}
	rc = (en->dn = strndup(dn.bv_val, dn.bv_len)) == NULL ? -1 : 1;
	while (rc == 1 && (rc = attr_read(s, msg, ber, &at)) == 1)
		if (ipp_array_push(&en->attrs, &en->nattrs, sizeof(at), &at) == NULL) {
			attr_free(&at);
			rc = -1;
		}
	ber_free(ber, 0);
	if (rc == -1) {
		ipp_errf(e, IPP_E_STORE, "%s: entry '%s' cannot be decoded (or out of memory)",
		    s->base.where, en->dn != NULL ? en->dn : "?");
		lds_entry_free(en);
		return -1;
	}
	return 0;
}

/* The time left until deadline (CLOCK_MONOTONIC), at least 1 us: a zero wait polls. */
static struct timeval
time_left(const struct timespec *deadline)
{
	struct timespec now;
	struct timeval tv = { 0, 1 };
	long long us;

	clock_gettime(CLOCK_MONOTONIC, &now);
	us = (long long)(deadline->tv_sec - now.tv_sec) * 1000000 +
	    (deadline->tv_nsec - now.tv_nsec) / 1000;
	if (us > 1) {
		tv.tv_sec = (time_t)(us / 1000000);
		tv.tv_usec = (suseconds_t)(us % 1000000);
	}
	return tv;
}

/*
 * Each entry is handed to fn as it arrives and freed after it, with its message: a
 * search's whole answer (10,000 filter values are about a megabyte, twice over once
 * copied out) is never held at once, and the memory of one entry is reused by the next.
 * The whole search is bounded by the operation timeout, as ldap_search_ext_s bounds it.
 */
int
lds_search_each(struct ldstore *s, const char *base, int scope, const char *filter,
    const char *const *attrs, lds_entry_fn fn, void *arg, struct ipp_err *e)
{
	static const char *const deflt[] = { "*", "modifyTimestamp", NULL };
	struct timeval tv = s->op_timeout;
	struct timespec deadline;
	LDAPMessage *res;
	char what[128];
	int msgid, rc, type;

	snprintf(what, sizeof(what), "searching %.100s", base);
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += s->op_timeout.tv_sec;
	rc = ldap_search_ext(s->ld, base, scope, filter,
	    (char **)(attrs != NULL ? attrs : deflt), 0, NULL, NULL, &tv, LDAP_NO_LIMIT, &msgid);
	if (rc != LDAP_SUCCESS)
		return lds_err(s, rc, what, e);
	for (;;) {
		struct lds_entry en;

		tv = time_left(&deadline);
		res = NULL;
		type = ldap_result(s->ld, msgid, LDAP_MSG_ONE, &tv, &res);
		if (type == 0) {
			/* As ldap_search_ext_s does: the server is told to stop. */
			ldap_abandon_ext(s->ld, msgid, NULL, NULL);
			return lds_err(s, LDAP_TIMEOUT, what, e);
		}
		if (type == -1) {
			/* The connection failed: no abandon (a write to a closed socket). */
			if (ldap_get_option(s->ld, LDAP_OPT_RESULT_CODE, &rc) != LDAP_OPT_SUCCESS ||
			    rc == LDAP_SUCCESS)
				rc = LDAP_OTHER;
			ldap_msgfree(res);
			return lds_err(s, rc, what, e);
		}
		if (type == LDAP_RES_SEARCH_RESULT)
			break;
		if (type != LDAP_RES_SEARCH_ENTRY) {
			ldap_msgfree(res);	/* references: not followed */
			continue;
		}
		rc = entry_read(s, res, &en, e);
		if (rc == 0) {
			rc = fn(s, &en, arg, e);
			lds_entry_free(&en);
		}
		if (rc == -1) {
			ldap_abandon_ext(s->ld, msgid, NULL, NULL);
			return -1;
		}
	}
	/* This also leaves the server's diagnostic message where lds_err finds it. */
	if (ldap_parse_result(s->ld, res, &rc, NULL, NULL, NULL, NULL, 1) != LDAP_SUCCESS &&
	    ldap_get_option(s->ld, LDAP_OPT_RESULT_CODE, &rc) != LDAP_OPT_SUCCESS)
		rc = LDAP_OTHER;
	if (rc == LDAP_SUCCESS || rc == LDAP_NO_SUCH_OBJECT)
		return 0;
	return lds_err(s, rc, what, e);
}

static int
collect(struct ldstore *s, struct lds_entry *en, void *arg, struct ipp_err *e)
{
	struct lds_entries *out = arg;

	if (ipp_array_push(&out->v, &out->n, sizeof(*en), en) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "%s: out of memory", s->base.where);
	memset(en, 0, sizeof(*en));	/* now out's */
	return 0;
}

int
lds_search(struct ldstore *s, const char *base, int scope, const char *filter,
    const char *const *attrs, struct lds_entries *out, struct ipp_err *e)
{
	memset(out, 0, sizeof(*out));
	if (lds_search_each(s, base, scope, filter, attrs, collect, out, e) == -1) {
		lds_entries_free(out);
		return -1;
	}
	return 0;
}

char *
lds_filter_escape(const char *s)
{
	size_t n = strlen(s);
	char *out = malloc(3 * n + 1), *o = out;

	if (out == NULL)
		return NULL;
	for (; *s != '\0'; s++) {
		if (strchr("*()\\", *s) != NULL)
			o += sprintf(o, "\\%02x", (unsigned char)*s);
		else
			*o++ = *s;
	}
	*o = '\0';
	return out;
}

char *
lds_dn(struct ldstore *s, enum lds_class c, const char *guid)
{
	char *dn;

	if (asprintf(&dn, "cn=%s%s,%s", lds_class_names[c], guid, s->container) == -1)
		return NULL;
	return dn;
}

int
lds_ref_guid(struct ldstore *s, const char *dn, enum lds_class c, const char *holder,
    const char *attr, char guid[IPP_GUID_SIZE], struct ipp_err *e)
{
	LDAPDN parsed = NULL, cont = NULL;
	char shown[IPP_PRINTABLE_MAX];
	int ok = 0;

	if (ldap_str2dn(dn, &parsed, LDAP_DN_FORMAT_LDAPV3) == LDAP_SUCCESS &&
	    ldap_str2dn(s->container, &cont, LDAP_DN_FORMAT_LDAPV3) == LDAP_SUCCESS &&
	    parsed[0] != NULL && parsed[0][1] == NULL) {
		LDAPAVA *ava = parsed[0][0];
		size_t cl = strlen(lds_class_names[c]);
		size_t i = 0;

		/* The rest of the DN must be the container, RDN by RDN. */
		for (ok = 1; ok && cont[i] != NULL; i++) {
			LDAPAVA *x = parsed[i + 1] != NULL ? parsed[i + 1][0] : NULL;
			LDAPAVA *y = cont[i][0];

			ok = x != NULL && parsed[i + 1][1] == NULL &&
			    x->la_attr.bv_len == y->la_attr.bv_len &&
			    strncasecmp(x->la_attr.bv_val, y->la_attr.bv_val,
			    y->la_attr.bv_len) == 0 && x->la_value.bv_len == y->la_value.bv_len &&
			    strncasecmp(x->la_value.bv_val, y->la_value.bv_val,
			    y->la_value.bv_len) == 0;
		}
		ok = ok && parsed[i + 1] == NULL && ava->la_attr.bv_len == 2 &&
		    strncasecmp(ava->la_attr.bv_val, "cn", 2) == 0 &&
		    ava->la_value.bv_len == cl + IPP_GUID_SIZE - 1 &&
		    strncasecmp(ava->la_value.bv_val, lds_class_names[c], cl) == 0;
		if (ok) {
			memcpy(guid, ava->la_value.bv_val + cl, IPP_GUID_SIZE - 1);
			guid[IPP_GUID_SIZE - 1] = '\0';
			ok = ipp_guid_valid(guid);
			for (char *g = guid; ok && *g != '\0'; g++)
				if (*g >= 'a' && *g <= 'f')
					*g = (char)(*g - 'a' + 'A');
		}
	}
	ldap_dnfree(parsed);
	ldap_dnfree(cont);
	if (ok)
		return 0;
	return ipp_errf(e, IPP_E_STORE, "%s: entry '%s': %s '%s' is not the DN of a %s "
	    "(cn=%s{GUID},%s)", s->base.where, holder, attr,
	    ipp_str_printable(dn, shown, sizeof(shown)), lds_class_what[c], lds_class_names[c],
	    s->container);
}

/* ---- writes and their undo log ---- */

static int
undo_push(struct ldstore *s, struct lds_undo *u, struct ipp_err *e)
{
	if (!s->in_write) {
		/* Outside a transaction (never with the front) there is nothing to undo. */
		lds_entry_free(&u->ent);
		for (size_t i = 0; i < u->ntouched; i++)
			free(u->touched[i]);
		free(u->touched);
		return 0;
	}
	if (ipp_array_push(&s->undo, &s->nundo, sizeof(*u), u) == NULL) {
		lds_entry_free(&u->ent);
		return ipp_errf(e, IPP_E_NOMEM, "%s: out of memory", s->base.where);
	}
	return 0;
}

static struct berval **
vals_dup(struct berval **vals, size_t n)
{
	struct berval **c = ber_memcalloc(n + 1, sizeof(*c));

	for (size_t i = 0; c != NULL && i < n; i++)
		if ((c[i] = ber_bvdup(vals[i])) == NULL) {
			vals_wipe_free(c);
			return NULL;
		}
	return c;
}

/* A copy of en's DN and of its attributes named in only (all user attributes if NULL). */
static int
entry_copy(const struct lds_entry *en, struct lds_entry *c)
{
	memset(c, 0, sizeof(*c));
	if ((c->dn = strdup(en->dn)) == NULL)
		return -1;
	for (size_t i = 0; i < en->nattrs; i++) {
		struct lds_attr a = { 0 };

		if (strcasecmp(en->attrs[i].name, "modifyTimestamp") == 0)
			continue;
		a.n = en->attrs[i].n;
		a.name = strdup(en->attrs[i].name);
		a.vals = vals_dup(en->attrs[i].vals, a.n);
		if (a.name == NULL || a.vals == NULL ||
		    ipp_array_push(&c->attrs, &c->nattrs, sizeof(a), &a) == NULL) {
			free(a.name);
			vals_wipe_free(a.vals);
			lds_entry_free(c);
			return -1;
		}
	}
	return 0;
}

int
lds_add(struct ldstore *s, const char *dn, LDAPMod **mods, struct ipp_err *e)
{
	struct lds_undo u = { .kind = LDS_UNDO_DELETE };
	int rc = ldap_add_ext_s(s->ld, dn, mods, NULL, NULL);

	if (rc != LDAP_SUCCESS) {
		char what[160];

		snprintf(what, sizeof(what), "adding %.140s", dn);
		return lds_err(s, rc, what, e);
	}
	if ((u.ent.dn = strdup(dn)) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "%s: out of memory", s->base.where);
	return undo_push(s, &u, e);
}

int
lds_delete(struct ldstore *s, const struct lds_entry *old, struct ipp_err *e)
{
	struct lds_undo u = { .kind = LDS_UNDO_ADD };
	int rc;

	if (entry_copy(old, &u.ent) == -1)
		return ipp_errf(e, IPP_E_NOMEM, "%s: out of memory", s->base.where);
	if ((rc = ldap_delete_ext_s(s->ld, old->dn, NULL, NULL)) != LDAP_SUCCESS) {
		char what[160];

		lds_entry_free(&u.ent);
		snprintf(what, sizeof(what), "deleting %.140s", old->dn);
		return lds_err(s, rc, what, e);
	}
	return undo_push(s, &u, e);
}

int
lds_modify(struct ldstore *s, const struct lds_entry *old, LDAPMod **mods,
    struct ipp_err *e)
{
	struct lds_undo u = { .kind = LDS_UNDO_RESTORE };
	int rc;

	if (entry_copy(old, &u.ent) == -1)
		return ipp_errf(e, IPP_E_NOMEM, "%s: out of memory", s->base.where);
	for (size_t i = 0; mods[i] != NULL; i++) {
		char *t = strdup(mods[i]->mod_type);

		if (t == NULL || ipp_array_push(&u.touched, &u.ntouched, sizeof(t), &t) == NULL) {
			free(t);
			u.kind = LDS_UNDO_DELETE;	/* frees nothing more than ent */
			for (size_t j = 0; j < u.ntouched; j++)
				free(u.touched[j]);
			free(u.touched);
			lds_entry_free(&u.ent);
			return ipp_errf(e, IPP_E_NOMEM, "%s: out of memory", s->base.where);
		}
	}
	if ((rc = ldap_modify_ext_s(s->ld, old->dn, mods, NULL, NULL)) != LDAP_SUCCESS) {
		char what[160];

		for (size_t j = 0; j < u.ntouched; j++)
			free(u.touched[j]);
		free(u.touched);
		lds_entry_free(&u.ent);
		snprintf(what, sizeof(what), "changing %.140s", old->dn);
		return lds_err(s, rc, what, e);
	}
	return undo_push(s, &u, e);
}

/* Replays one inverse.  Failures are ignored: the server is gone or the entry changed
 * under us, and the write order already left nothing dangling. */
static void
undo_apply(struct ldstore *s, struct lds_undo *u)
{
	struct lds_mods m = { 0 };

	switch (u->kind) {
	case LDS_UNDO_DELETE:
		ldap_delete_ext_s(s->ld, u->ent.dn, NULL, NULL);
		break;
	case LDS_UNDO_ADD:
		for (size_t i = 0; i < u->ent.nattrs; i++) {
			LDAPMod *mod = calloc(1, sizeof(*mod));

			if (mod == NULL || ipp_array_push(&m.v, &m.n, sizeof(mod), &mod) == NULL) {
				free(mod);
				m.oom = true;
				break;
			}
			mod->mod_op = LDAP_MOD_ADD | LDAP_MOD_BVALUES;
			mod->mod_type = u->ent.attrs[i].name;
			mod->mod_bvalues = u->ent.attrs[i].vals;
		}
		if (!m.oom && ipp_array_push(&m.v, &m.n, sizeof(LDAPMod *),
		    &(LDAPMod *){ NULL }) != NULL)
			ldap_add_ext_s(s->ld, u->ent.dn, m.v, NULL, NULL);
		break;
	case LDS_UNDO_RESTORE:
		for (size_t i = 0; i < u->ntouched; i++) {
			LDAPMod *mod = calloc(1, sizeof(*mod));
			const struct lds_attr *a = lds_attr(&u->ent, u->touched[i]);

			if (mod == NULL || ipp_array_push(&m.v, &m.n, sizeof(mod), &mod) == NULL) {
				free(mod);
				m.oom = true;
				break;
			}
			mod->mod_op = LDAP_MOD_REPLACE | LDAP_MOD_BVALUES;
			mod->mod_type = u->touched[i];
			mod->mod_bvalues = a != NULL ? a->vals : NULL;
		}
		if (!m.oom && ipp_array_push(&m.v, &m.n, sizeof(LDAPMod *),
		    &(LDAPMod *){ NULL }) != NULL)
			ldap_modify_ext_s(s->ld, u->ent.dn, m.v, NULL, NULL);
		break;
	}
	/* The mods borrowed their names and values from u. */
	for (size_t i = 0; i < m.n; i++)
		free(m.v[i]);
	free(m.v);
}

static void
undo_free(struct lds_undo *u)
{
	lds_entry_free(&u->ent);
	for (size_t i = 0; i < u->ntouched; i++)
		free(u->touched[i]);
	free(u->touched);
}

/* Undoes the log back to length mark, newest first. */
static void
undo_to(struct ldstore *s, size_t mark, bool apply)
{
	while (s->nundo > mark) {
		struct lds_undo *u = &s->undo[--s->nundo];

		if (apply)
			undo_apply(s, u);
		undo_free(u);
	}
	if (s->nundo == 0) {
		free(s->undo);
		s->undo = NULL;
	}
}

/* ---- transactions ---- */

static int
lds_tx_begin(struct ipp_store *st, bool write, struct ipp_err *e)
{
	struct ldstore *s = lds_of(st);

	if (write) {
		undo_to(s, 0, false);
		s->nmarks = 0;
		s->in_write = true;
	}
	return 0;
}

static int
lds_tx_commit(struct ipp_store *st, struct ipp_err *e)
{
	struct ldstore *s = lds_of(st);

	undo_to(s, 0, false);
	s->nmarks = 0;
	s->in_write = false;
	return 0;
}

static void
lds_tx_rollback(struct ipp_store *st)
{
	struct ldstore *s = lds_of(st);

	undo_to(s, 0, true);
	s->nmarks = 0;
	s->in_write = false;
}

static int
lds_sp_begin(struct ipp_store *st, struct ipp_err *e)
{
	struct ldstore *s = lds_of(st);

	if (s->nmarks == sizeof(s->marks) / sizeof(s->marks[0]))
		return ipp_errf(e, IPP_E_STORE, "%s: savepoints nested too deep", st->where);
	s->marks[s->nmarks++] = s->nundo;
	return 0;
}

static int
lds_sp_release(struct ipp_store *st, struct ipp_err *e)
{
	struct ldstore *s = lds_of(st);

	if (s->nmarks > 0)
		s->nmarks--;
	return 0;
}

static void
lds_sp_rollback(struct ipp_store *st)
{
	struct ldstore *s = lds_of(st);

	if (s->nmarks > 0)
		undo_to(s, s->marks[--s->nmarks], true);
}

/* ---- opening ---- */

static void
lds_close(struct ipp_store *st)
{
	struct ldstore *s = lds_of(st);

	undo_to(s, 0, false);
	if (s->ld != NULL)
		ldap_unbind_ext_s(s->ld, NULL, NULL);
	free(s->uri);
	free(s->ca_file);
	free(s->suffix);
	free(s->container);
	free(s);
}

/* Reads the bind password: a regular file of ours, not readable by others, one trailing
 * newline ignored. */
static int
password_read(const char *path, char *buf, size_t len, size_t *n, struct ipp_err *e)
{
	struct stat sb;
	ssize_t r;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return ipp_errf(e, IPP_E_INVAL, "bind password file %s: %s", path,
		    strerror(errno));
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return ipp_errf(e, IPP_E_INVAL, "bind password file %s: not a regular file",
		    path);
	}
	if (sb.st_mode & 077) {
		close(fd);
		return ipp_errf(e, IPP_E_INVAL, "bind password file %s: readable by others "
		    "(mode %04o); chmod 600 it", path, (unsigned)(sb.st_mode & 07777));
	}
	r = read(fd, buf, len);
	close(fd);
	if (r < 0)
		return ipp_errf(e, IPP_E_INVAL, "bind password file %s: %s", path,
		    strerror(errno));
	if ((size_t)r == len) {
		explicit_bzero(buf, len);
		return ipp_errf(e, IPP_E_INVAL, "bind password file %s: longer than %zu bytes",
		    path, len - 1);
	}
	if (r > 0 && buf[r - 1] == '\n')
		r--;
	if (r > 0 && buf[r - 1] == '\r')
		r--;
	if (r == 0 || memchr(buf, '\0', (size_t)r) != NULL) {
		explicit_bzero(buf, len);
		return ipp_errf(e, IPP_E_INVAL, "bind password file %s: %s", path,
		    r == 0 ? "empty" : "contains a NUL byte");
	}
	*n = (size_t)r;
	return 0;
}

/* EXTERNAL asks nothing: the identity is the ldapi:// peer or the TLS client certificate. */
static int
sasl_nointeract(LDAP *ld, unsigned flags, void *defaults, void *interact)
{
	(void)ld;
	(void)flags;
	(void)defaults;
	(void)interact;
	return LDAP_SUCCESS;
}

static int
lds_bind(struct ldstore *s, const struct ipp_dir_config *cfg, struct ipp_err *e)
{
	struct berval cred = { 0 };
	char pw[LDS_PASSWORD_MAX];
	size_t n = 0;
	int rc;

	switch (cfg->bind) {
	case IPP_DIR_BIND_NONE:
		return 0;
	case IPP_DIR_BIND_EXTERNAL:
		rc = ldap_sasl_interactive_bind_s(s->ld, NULL, "EXTERNAL", NULL, NULL,
		    LDAP_SASL_QUIET, sasl_nointeract, NULL);
		return rc == LDAP_SUCCESS ? 0 : lds_err(s, rc, "SASL EXTERNAL bind", e);
	case IPP_DIR_BIND_SIMPLE:
		break;
	}
	if (cfg->bind_dn == NULL || cfg->bind_password_file == NULL)
		return ipp_errf(e, IPP_E_INVAL, "%s: a simple bind needs a bind DN and a "
		    "password file", s->base.where);
	if (password_read(cfg->bind_password_file, pw, sizeof(pw), &n, e) == -1)
		return -1;
	cred.bv_val = pw;
	cred.bv_len = n;
	rc = ldap_sasl_bind_s(s->ld, cfg->bind_dn, LDAP_SASL_SIMPLE, &cred, NULL, NULL, NULL);
	explicit_bzero(pw, sizeof(pw));
	if (rc != LDAP_SUCCESS) {
		char what[300];

		snprintf(what, sizeof(what), "binding as %.200s", cfg->bind_dn);
		return lds_err(s, rc, what, e);
	}
	return 0;
}

static int
opt(struct ldstore *s, int option, const void *value, const char *what, struct ipp_err *e)
{
	if (ldap_set_option(s->ld, option, value) != LDAP_OPT_SUCCESS)
		return ipp_errf(e, IPP_E_STORE, "%s: cannot set %s", s->base.where, what);
	return 0;
}

static int
lds_tls(struct ldstore *s, const struct ipp_dir_config *cfg, bool ldaps, struct ipp_err *e)
{
	int req = cfg->tls_noverify ? LDAP_OPT_X_TLS_NEVER : LDAP_OPT_X_TLS_DEMAND;
	int zero = 0, rc;

	if (opt(s, LDAP_OPT_X_TLS_REQUIRE_CERT, &req, "TLS verification", e) == -1 ||
	    (cfg->ca_file != NULL &&
	    opt(s, LDAP_OPT_X_TLS_CACERTFILE, cfg->ca_file, "the TLS CA file", e) == -1) ||
	    (cfg->cert_file != NULL &&
	    opt(s, LDAP_OPT_X_TLS_CERTFILE, cfg->cert_file, "the TLS certificate", e) == -1) ||
	    (cfg->key_file != NULL &&
	    opt(s, LDAP_OPT_X_TLS_KEYFILE, cfg->key_file, "the TLS key", e) == -1))
		return -1;
	if (ldap_set_option(s->ld, LDAP_OPT_X_TLS_NEWCTX, &zero) != LDAP_OPT_SUCCESS)
		return ipp_errf(e, IPP_E_INVAL, "%s: the TLS settings are unusable (CA file "
		    "%s)", s->base.where, cfg->ca_file != NULL ? cfg->ca_file : "(system)");
	if (ldaps || !cfg->starttls)
		return 0;
	if ((rc = ldap_start_tls_s(s->ld, NULL, NULL)) != LDAP_SUCCESS)
		return lds_err(s, rc, "StartTLS (is the server certificate signed by the CA "
		    "file?)", e);
	return 0;
}

/*
 * Every socket the handle opens gets send and receive timeouts: libldap bounds the TCP
 * connect and waits for results with poll, but a TLS handshake with a server that accepts
 * and then hangs blocks in read(2) (seen with libldap 2.5 and GnuTLS); with SO_RCVTIMEO
 * the read fails, and libldap's own deadline ends the handshake.
 */
static int
conn_add(LDAP *ld, Sockbuf *sb, LDAPURLDesc *srv, struct sockaddr *addr,
    struct ldap_conncb *ctx)
{
	struct ldstore *s = ctx->lc_arg;
	ber_socket_t fd;

	(void)ld;
	(void)srv;
	(void)addr;
	if (ber_sockbuf_ctrl(sb, LBER_SB_OPT_GET_FD, &fd) == 1 && fd >= 0) {
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &s->net_timeout, sizeof(s->net_timeout));
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &s->net_timeout, sizeof(s->net_timeout));
		if (s->cancel != NULL)
			ipp_dir_cancel_watch(s->cancel, fd);
	}
	return 0;
}

static void
conn_del(LDAP *ld, Sockbuf *sb, struct ldap_conncb *ctx)
{
	struct ldstore *s = ctx->lc_arg;
	ber_socket_t fd;

	(void)ld;
	if (s->cancel != NULL && sb != NULL &&
	    ber_sockbuf_ctrl(sb, LBER_SB_OPT_GET_FD, &fd) == 1 && fd >= 0)
		ipp_dir_cancel_unwatch(s->cancel, fd);
}

/*
 * The store binds simple or with SASL EXTERNAL, which libsasl2 has built in: it needs
 * none of the SASL plugins libldap's first handle would load (eight libraries and
 * Berkeley DB, a third of a fetch's start-up cost).  The plugin path is set before that
 * first handle, once per process.
 */
static void
sasl_no_plugins(void)
{
	static char none[] = "";

	(void)sasl_set_path(SASL_PATH_TYPE_PLUGIN, none);
}

static int
lds_connect(struct ldstore *s, const struct ipp_dir_config *cfg, struct ipp_err *e)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	int version = LDAP_VERSION3, rc;
	int tmo = cfg->op_timeout_s > 0 ? cfg->op_timeout_s : LDS_DEF_TIMEOUT_S;
	struct timeval net = { cfg->net_timeout_s > 0 ? cfg->net_timeout_s :
	    LDS_DEF_TIMEOUT_S, 0 };
	bool ldaps = strncasecmp(cfg->uri, "ldaps://", 8) == 0;

	if (!ldaps && strncasecmp(cfg->uri, "ldap://", 7) != 0 &&
	    strncasecmp(cfg->uri, "ldapi://", 8) != 0)
		return ipp_errf(e, IPP_E_INVAL, "directory URI '%s': expected ldap://, "
		    "ldaps:// or ldapi://", cfg->uri);
	if (cfg->starttls && strncasecmp(cfg->uri, "ldap://", 7) != 0)
		return ipp_errf(e, IPP_E_INVAL, "directory URI '%s': StartTLS goes with "
		    "ldap:// only", cfg->uri);
	s->op_timeout.tv_sec = tmo;
	s->net_timeout = net;
	s->tls = ldaps || cfg->starttls;
	s->cancel = cfg->cancel;
	if (cfg->ca_file != NULL && (s->ca_file = strdup(cfg->ca_file)) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	pthread_once(&once, sasl_no_plugins);
	s->conncb.lc_add = conn_add;
	s->conncb.lc_del = conn_del;
	s->conncb.lc_arg = s;
	if ((rc = ldap_initialize(&s->ld, cfg->uri)) != LDAP_SUCCESS)
		return ipp_errf(e, IPP_E_INVAL, "directory URI '%s': %s", cfg->uri,
		    ldap_err2string(rc));
	if (opt(s, LDAP_OPT_PROTOCOL_VERSION, &version, "LDAPv3", e) == -1 ||
	    opt(s, LDAP_OPT_REFERRALS, LDAP_OPT_OFF, "no referrals", e) == -1 ||
	    opt(s, LDAP_OPT_NETWORK_TIMEOUT, &net, "the network timeout", e) == -1 ||
	    opt(s, LDAP_OPT_TIMEOUT, &s->op_timeout, "the operation timeout", e) == -1 ||
	    opt(s, LDAP_OPT_TIMELIMIT, &tmo, "the time limit", e) == -1 ||
	    opt(s, LDAP_OPT_CONNECT_CB, &s->conncb, "the connection callback", e) == -1)
		return -1;
	if ((ldaps || cfg->starttls || cfg->ca_file != NULL) && lds_tls(s, cfg, ldaps, e) == -1)
		return -1;
	if (ldaps && lds_tls_probe(s, cfg->uri, e) == -1)
		return -1;
	return lds_bind(s, cfg, e);
}

/* The base must exist; with create, the container is made when missing (*made set). */
static int
lds_container(struct ldstore *s, bool create, bool *made, struct ipp_err *e)
{
	static const char *const attrs[] = { "1.1", NULL };
	struct lds_entries es;
	struct lds_mods m = { 0 };
	int rc;

	*made = false;
	/* An entry's parent exists: with the container found, so is the base (one search). */
	if (lds_search(s, s->container, LDAP_SCOPE_BASE, "(objectClass=ipsecpolContainer)",
	    attrs, &es, e) == -1)
		return -1;
	rc = es.n;
	lds_entries_free(&es);
	if (rc == 1)
		return 0;
	if (lds_search(s, s->suffix, LDAP_SCOPE_BASE, "(objectClass=*)", attrs, &es, e) == -1)
		return -1;
	rc = es.n;
	lds_entries_free(&es);
	if (rc == 0)
		return ipp_errf(e, IPP_E_NOENT, "%s: the base DN '%s' does not exist",
		    s->base.where, s->suffix);
	if (!create)
		return 0;
	lds_mods_put1(&m, LDAP_MOD_ADD, "objectClass", "ipsecpolContainer");
	lds_mods_put1(&m, LDAP_MOD_ADD, "cn", "IP Security");
	lds_mods_put1(&m, LDAP_MOD_ADD, "description", "ipsecpol policy objects");
	if (m.oom)
		rc = ipp_errf(e, IPP_E_NOMEM, "%s: out of memory", s->base.where);
	else
		rc = lds_add(s, s->container, m.v, e);
	lds_mods_free(&m);
	*made = rc == 0;
	return rc;
}

int
ipp_store_open_directory(struct ipp_store **out, const struct ipp_dir_config *cfg,
    const struct ipp_store_opts *opts, struct ipp_err *e)
{
	struct ldstore *s;
	LDAPDN dn = NULL;
	int flags = opts != NULL ? opts->flags : 0;
	bool made;

	*out = NULL;
	if (cfg == NULL || cfg->uri == NULL || *cfg->uri == '\0')
		return ipp_errf(e, IPP_E_INVAL, "directory: no URI given");
	if (cfg->base == NULL || *cfg->base == '\0')
		return ipp_errf(e, IPP_E_INVAL, "directory %s: no base DN given", cfg->uri);
	if (ldap_str2dn(cfg->base, &dn, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS)
		return ipp_errf(e, IPP_E_INVAL, "directory %s: base '%s' is not a DN", cfg->uri,
		    cfg->base);
	ldap_dnfree(dn);
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	s->base.be = &lds_backend;
	s->base.kind = IPP_STORE_DIRECTORY;
	s->base.flags = flags;
	snprintf(s->base.where, sizeof(s->base.where), "directory %.200s (%.250s)", cfg->uri,
	    cfg->base);
	s->uri = strdup(cfg->uri);
	s->suffix = strdup(cfg->base);
	if (s->uri == NULL || s->suffix == NULL ||
	    asprintf(&s->container, LDS_CONTAINER_RDN ",%s", cfg->base) == -1) {
		s->container = NULL;
		lds_close(&s->base);
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	}
	if (lds_connect(s, cfg, e) == -1 ||
	    lds_container(s, (flags & IPP_STORE_CREATE) != 0, &made, e) == -1) {
		lds_close(&s->base);
		return -1;
	}
	if (made && !(flags & IPP_STORE_NOSEED)) {
		/* As with a new local store: the examples, all or nothing. */
		if (ipp_store_begin(&s->base, e) == -1 || ipp_store_seed_examples(&s->base, e) == -1 ||
		    ipp_store_commit(&s->base, e) == -1) {
			ipp_store_rollback(&s->base);
			ipp_err_prefix(e, "%s: seeding the examples", s->base.where);
			lds_close(&s->base);
			return -1;
		}
	}
	*out = &s->base;
	return 0;
}
