/* ipp_st_policy: static add|set|delete policy, set defaultrule, set store, delete all. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const char *const locations[] = { "local", "domain", "persistent", NULL };

enum { P_NAME, P_DESC, P_MMPFS, P_QMPERMM, P_MMLIFE, P_ADR, P_POLL, P_ASSIGN, P_MMSEC,
    P_GUID, P_SOFTEXP, P_NEWNAME, P_GPONAME };

#define POLICY_TAGS(nameflags) \
	{ "name", IPP_NARG_STRING, nameflags, 0, 0, NULL }, \
	{ "description", IPP_NARG_STRING, 0, 0, 0, NULL }, \
	{ "mmpfs", IPP_NARG_BOOL, 0, 0, 0, NULL }, \
	{ "qmpermm", IPP_NARG_UINT, 0, 0, 2147483647, NULL }, \
	{ "mmlifetime", IPP_NARG_UINT, 0, IPP_MM_LIFE_MIN_LO, IPP_MM_LIFE_MIN_HI, NULL }, \
	{ "activatedefaultrule", IPP_NARG_BOOL, 0, 0, 0, NULL }, \
	{ "pollinginterval", IPP_NARG_UINT, 0, IPP_POLL_MIN_LO, IPP_POLL_MIN_HI, NULL }, \
	{ "assign", IPP_NARG_BOOL, 0, 0, 0, NULL }, \
	{ "mmsecmethods", IPP_NARG_STRING, 0, 0, 0, NULL }, \
	{ "guid", IPP_NARG_STRING, 0, 0, 0, NULL }, \
	{ "softsaexpirationtime", IPP_NARG_UINT, 0, IPP_SOFT_EXPIRE_S_LO, \
	    IPP_SOFT_EXPIRE_S_HI, NULL }

static const struct ipp_nargs_tag add_tags[] = { POLICY_TAGS(IPP_NARG_REQUIRED) };
static const struct ipp_nargs_tag set_tags[] = {
	POLICY_TAGS(0),
	{ "newname", IPP_NARG_STRING, 0, 0, 0, NULL },
	{ "gponame", IPP_NARG_STRING, 0, 0, 0, NULL },
};

enum { D_NAME, D_GUID };
static const struct ipp_nargs_tag del_tags[] = {
	{ "name", IPP_NARG_STRING, 0, 0, 0, NULL },
	{ "guid", IPP_NARG_STRING, 0, 0, 0, NULL },
};

enum { R_POLICY, R_QMPFS, R_ACTIVATE, R_QMSEC, R_KERB, R_PSK, R_ROOTCA };
static const struct ipp_nargs_tag defrule_tags[] = {
	{ "policy", IPP_NARG_STRING, IPP_NARG_REQUIRED, 0, 0, NULL },
	{ "qmpfs", IPP_NARG_BOOL, 0, 0, 0, NULL },
	{ "activate", IPP_NARG_BOOL, 0, 0, 0, NULL },
	{ "qmsecmethods", IPP_NARG_STRING, 0, 0, 0, NULL },
	{ "kerberos", IPP_NARG_BOOL, 0, 0, 0, NULL },
	{ "psk", IPP_NARG_STRING, IPP_NARG_SECRET, 0, 0, NULL },
	{ "rootca", IPP_NARG_STRING, IPP_NARG_REPEAT, 0, 0, NULL },
};

enum { S_LOCATION, S_DOMAIN };
static const struct ipp_nargs_tag store_tags[] = {
	{ "location", IPP_NARG_ENUM, IPP_NARG_REQUIRED, 0, 0, locations },
	{ "domain", IPP_NARG_STRING, 0, 0, 0, NULL },
};

/* The settings add and set share, applied to p. */
static int
policy_settings(struct ipp_policy *p, const struct ipp_nargs *a, struct ipp_err *e)
{
	const struct ipp_nargs_val *v;

	if (ipp_nargs_get(a, P_DESC) != NULL &&
	    ipp_st_dup(&p->description, ipp_st_str(a, P_DESC), e) == -1)
		return -1;
	if ((v = ipp_nargs_get(a, P_MMPFS)) != NULL)
		p->mm.pfs = v->b;
	if ((v = ipp_nargs_get(a, P_QMPERMM)) != NULL)
		p->mm.qm_per_mm = v->u;
	if ((v = ipp_nargs_get(a, P_MMLIFE)) != NULL)
		p->mm.lifetime_min = v->u;
	if ((v = ipp_nargs_get(a, P_ADR)) != NULL)
		p->defrule.active = v->b;
	if ((v = ipp_nargs_get(a, P_POLL)) != NULL)
		p->poll_min = v->u;
	if ((v = ipp_nargs_get(a, P_SOFTEXP)) != NULL)
		p->mm.soft_expire_s = v->u;
	if ((v = ipp_nargs_get(a, P_MMSEC)) != NULL && ipp_st_mmsec(v->str, &p->mm, e) == -1)
		return -1;
	return 0;
}

/* assign=yes assigns (and unassigns the previous one); assign=no unassigns it if it
 * is the assigned one. */
static int
assign_tag(struct ipp_store *st, const char *name, const struct ipp_nargs_val *v,
    struct ipp_err *e)
{
	char *cur = NULL;
	int rc;

	if (v == NULL)
		return 0;
	if (v->b)
		return ipp_store_assign(st, name, e);
	if (ipp_store_assigned(st, &cur, e) == -1)
		return -1;
	rc = cur != NULL && strcmp(cur, name) == 0 ? ipp_store_unassign(st, e) : 0;
	free(cur);
	return rc;
}

static int
add_policy(struct ipp_cli *c, const struct ipp_nargs *a, struct ipp_err *e)
{
	struct ipp_policy p;
	int rc = IPP_EXIT_ERROR;

	ipp_policy_init(&p);
	if (ipp_st_dup(&p.name, ipp_st_str(a, P_NAME), e) == 0 &&
	    ipp_st_guid(p.guid, ipp_st_str(a, P_GUID), e) == 0 &&
	    policy_settings(&p, a, e) == 0 &&
	    ipp_store_policy_create(c->st, &p, e) == 0 &&
	    assign_tag(c->st, p.name, ipp_nargs_get(a, P_ASSIGN), e) == 0)
		rc = IPP_EXIT_OK;
	else
		rc = ipp_cli_exit(e);
	ipp_policy_clear(&p);
	return rc;
}

/* name= or guid=, one of them. */
static int
key_of(const struct ipp_nargs *a, size_t name, size_t guid, const char *cmd,
    const char **key, struct ipp_err *e)
{
	*key = ipp_st_str(a, name);
	if (*key == NULL)
		*key = ipp_st_str(a, guid);
	if (*key == NULL) {
		ipp_errf(e, IPP_E_INVAL, "%s: name= or %s= is required", cmd,
		    guid == P_GUID || guid == D_GUID ? "guid" : "id");
		return IPP_EXIT_USAGE;
	}
	return IPP_EXIT_OK;
}

static int
set_policy(struct ipp_cli *c, const struct ipp_nargs *a, struct ipp_err *e)
{
	struct ipp_policy_tree t;
	const char *key, *newname = ipp_st_str(a, P_NEWNAME);
	char *name = NULL;
	int rc;

	if ((rc = key_of(a, P_NAME, P_GUID, "set policy", &key, e)) != IPP_EXIT_OK)
		return rc;
	if (ipp_nargs_get(a, P_GPONAME) != NULL) {
		ipp_errf(e, IPP_E_UNSUPP, "set policy: gponame= needs the directory store, "
		    "which is not available yet");
		return IPP_EXIT_UNSUPP;
	}
	if (ipp_store_policy_get(c->st, key, &t, e) == -1)
		return ipp_cli_exit(e);
	rc = IPP_EXIT_ERROR;
	if (policy_settings(&t.policy, a, e) == 0 &&
	    (newname == NULL || ipp_st_dup(&t.policy.name, newname, e) == 0) &&
	    (name = strdup(t.policy.name)) != NULL &&
	    ipp_store_policy_update(c->st, key, &t.policy, e) == 0 &&
	    assign_tag(c->st, name, ipp_nargs_get(a, P_ASSIGN), e) == 0)
		rc = IPP_EXIT_OK;
	else if (name == NULL && e->code == IPP_OK)
		ipp_errf(e, IPP_E_NOMEM, "out of memory");
	if (rc != IPP_EXIT_OK)
		rc = ipp_cli_exit(e);
	free(name);
	ipp_policy_tree_clear(&t);
	return rc;
}

static int
each_name(struct ipp_store *st, int (*list)(struct ipp_store *, struct ipp_names *,
    struct ipp_err *), int (*del)(struct ipp_store *, const char *, struct ipp_err *),
    struct ipp_err *e)
{
	struct ipp_names n = { 0 };
	int rc = 0;

	if (list(st, &n, e) == -1)
		return -1;
	for (size_t i = 0; rc == 0 && i < n.n; i++)
		rc = del(st, n.v[i], e);
	ipp_names_free(&n);
	return rc;
}

static int
delete_policy(struct ipp_cli *c, const struct ipp_nargs *a, struct ipp_err *e)
{
	const char *key;
	int rc;

	if ((rc = key_of(a, D_NAME, D_GUID, "delete policy", &key, e)) != IPP_EXIT_OK)
		return rc;
	if (ipp_st_is_all(key) && ipp_nargs_get(a, D_GUID) == NULL)
		rc = each_name(c->st, ipp_store_policy_list, ipp_store_policy_delete, e);
	else
		rc = ipp_store_policy_delete(c->st, key, e);
	return rc == 0 ? IPP_EXIT_OK : ipp_cli_exit(e);
}

static int
delete_all(struct ipp_cli *c, const struct ipp_nargs *a, struct ipp_err *e)
{
	(void)a;
	/* Unlike "delete policy", "delete all" takes the assigned policy too. */
	if (ipp_store_unassign(c->st, e) == -1 ||
	    each_name(c->st, ipp_store_policy_list, ipp_store_policy_delete, e) == -1 ||
	    each_name(c->st, ipp_store_filterlist_list, ipp_store_filterlist_delete, e) == -1 ||
	    each_name(c->st, ipp_store_filteraction_list, ipp_store_filteraction_delete,
	    e) == -1)
		return ipp_cli_exit(e);
	return IPP_EXIT_OK;
}

/* qmpfs= without a group: every offer uses PFS with the main-mode group. */
static void
qmpfs_apply(struct ipp_qm_offer *v, size_t n, bool pfs)
{
	for (size_t i = 0; i < n; i++) {
		v[i].pfs = pfs;
		if (!pfs)
			v[i].pfs_group = 0;
	}
}

static int
set_defaultrule(struct ipp_cli *c, const struct ipp_nargs *a, struct ipp_err *e)
{
	struct ipp_policy_tree t;
	struct ipp_defrule *d = &t.policy.defrule;
	const struct ipp_nargs_val *v;
	const char *policy = ipp_st_str(a, R_POLICY);
	bool given;
	int rc;

	if (ipp_store_policy_get(c->st, policy, &t, e) == -1)
		return ipp_cli_exit(e);
	if ((v = ipp_nargs_get(a, R_ACTIVATE)) != NULL)
		d->active = v->b;
	if ((v = ipp_nargs_get(a, R_QMSEC)) != NULL &&
	    ipp_st_qmsec(v->str, &d->offers, &d->noffers, e) == -1) {
		rc = ipp_cli_exit(e);
		goto out;
	}
	if ((v = ipp_nargs_get(a, R_QMPFS)) != NULL)
		qmpfs_apply(d->offers, d->noffers, v->b);
	if ((rc = ipp_st_auth(a, R_KERB, R_PSK, R_ROOTCA, &d->auth, &d->nauth,
	    &given, e)) != IPP_EXIT_OK)
		goto out;
	rc = ipp_store_policy_update(c->st, policy, &t.policy, e) == 0 ? IPP_EXIT_OK :
	    ipp_cli_exit(e);
out:
	ipp_policy_tree_clear(&t);
	return rc;
}

static int
store_touch(struct ipp_cli *c, void *arg, struct ipp_err *e)
{
	(void)c;
	(void)arg;
	(void)e;
	return IPP_EXIT_OK;
}

/*
 * location=domain switches this run to the directory store: the commands after it in an
 * import script, or, alone, a check that the directory answers (its container is made,
 * with the examples, as a first write makes a local store).  An import that already works
 * on the local store cannot switch: that would split one transaction across two stores.
 */
static int
set_store(struct ipp_cli *c, const struct ipp_nargs *a, struct ipp_err *e)
{
	const struct ipp_nargs_val *v = ipp_nargs_get(a, S_LOCATION);
	int rc;

	if (v->choice == 2) {
		ipp_errf(e, IPP_E_UNSUPP, "set store location=persistent: the persistent store "
		    "is not available yet");
		return IPP_EXIT_UNSUPP;
	}
	if (v->choice == 0 && c->directory && c->st != NULL) {
		ipp_errf(e, IPP_E_INVAL, "set store location=local: this run works on %s; run "
		    "ipsecpol without --domain or --ldap-* for the local store", ipp_cli_where(c));
		return IPP_EXIT_USAGE;
	}
	if (v->choice == 0)
		c->directory = false;
	else if ((rc = ipp_cli_use_directory(c, ipp_st_str(a, S_DOMAIN), e)) != IPP_EXIT_OK)
		return rc;
	if ((rc = ipp_cli_write(c, store_touch, NULL, e)) != IPP_EXIT_OK)
		return rc;
	if (c->batch)
		return IPP_EXIT_OK;
	if (v->choice == 0)
		ipp_cli_note(c, "the local store %s is used (select another file with --store "
		    "or IPSECPOL_STORE)", c->store_path);
	else
		ipp_cli_note(c, "the directory answers; each ipsecpol run selects it with "
		    "--domain (settings from --config) or the --ldap-* options");
	return IPP_EXIT_OK;
}

static const struct ipp_stcmd cmds[] = {
	{ "add", "policy", add_tags, IPP_NELEM(add_tags), IPP_STCMD_WRITE, add_policy,
	    "create a policy (with Windows' main-mode defaults)" },
	{ "set", "policy", set_tags, IPP_NELEM(set_tags), IPP_STCMD_WRITE, set_policy,
	    "change a policy's settings; assign=yes assigns it" },
	{ "delete", "policy", del_tags, IPP_NELEM(del_tags), IPP_STCMD_WRITE, delete_policy,
	    "delete a policy and its rules (name=all: every policy)" },
	{ "set", "defaultrule", defrule_tags, IPP_NELEM(defrule_tags), IPP_STCMD_WRITE,
	    set_defaultrule, "change a policy's default response rule" },
	{ "set", "store", store_tags, IPP_NELEM(store_tags), IPP_STCMD_NOSTORE, set_store,
	    "use the local store or the directory (location=domain)" },
	{ "delete", "all", NULL, 0, IPP_STCMD_WRITE, delete_all,
	    "delete every policy, filter list and filter action" },
};

const struct ipp_stcmd_set ipp_st_policy_cmds = { cmds, IPP_NELEM(cmds) };
