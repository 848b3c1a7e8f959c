/* ipp_st_action: static add|set|delete filteraction. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/negpol.h"

/* In the order of enum ipp_action. */
static const char *const actions[] = { "permit", "block", "negotiate", NULL };

enum { A_NAME, A_DESC, A_QMPFS, A_INPASS, A_SOFT, A_ACTION, A_QMSEC, A_GUID, A_NEWNAME };
#define ACTION_TAGS(nameflags) \
	{ "name", IPP_NARG_STRING, nameflags, 0, 0, NULL }, \
	{ "description", IPP_NARG_STRING, 0, 0, 0, NULL }, \
	{ "qmpfs", IPP_NARG_BOOL, 0, 0, 0, NULL }, \
	{ "inpass", IPP_NARG_BOOL, 0, 0, 0, NULL }, \
	{ "soft", IPP_NARG_BOOL, 0, 0, 0, NULL }, \
	{ "action", IPP_NARG_ENUM, 0, 0, 0, actions }, \
	{ "qmsecmethods", IPP_NARG_STRING, 0, 0, 0, NULL }, \
	{ "guid", IPP_NARG_STRING, 0, 0, 0, NULL }

static const struct ipp_nargs_tag add_tags[] = { ACTION_TAGS(IPP_NARG_REQUIRED) };
static const struct ipp_nargs_tag set_tags[] = {
	ACTION_TAGS(0),
	{ "newname", IPP_NARG_STRING, 0, 0, 0, NULL },
};
enum { D_NAME, D_GUID };
static const struct ipp_nargs_tag del_tags[] = {
	{ "name", IPP_NARG_STRING, 0, 0, 0, NULL },
	{ "guid", IPP_NARG_STRING, 0, 0, 0, NULL },
};

/*
 * The settings add and set share.  As in netsh, security methods matter only to
 * negotiate: other actions drop them.  A negotiating action without any gets ipsecpol's
 * default offers.
 */
static int
action_settings(struct ipp_filteraction *fa, const struct ipp_nargs *a, struct ipp_err *e)
{
	const struct ipp_nargs_val *v;
	struct ipp_negpol np;

	if (ipp_nargs_get(a, A_DESC) != NULL &&
	    ipp_st_dup(&fa->description, ipp_st_str(a, A_DESC), e) == -1)
		return -1;
	if ((v = ipp_nargs_get(a, A_ACTION)) != NULL)
		fa->action = (enum ipp_action)v->choice;
	if ((v = ipp_nargs_get(a, A_INPASS)) != NULL)
		fa->inpass = v->b;
	if ((v = ipp_nargs_get(a, A_SOFT)) != NULL)
		fa->soft = v->b;
	if ((v = ipp_nargs_get(a, A_QMSEC)) != NULL &&
	    ipp_st_qmsec(v->str, &fa->offers, &fa->noffers, e) == -1)
		return -1;
	if (fa->action != IPP_ACTION_NEGOTIATE) {
		free(fa->offers);
		fa->offers = NULL;
		fa->noffers = 0;
	} else if (fa->noffers == 0) {
		ipp_negpol_init(&np);
		if (ipp_negpol_defaults(&np, e) == -1) {
			ipp_negpol_clear(&np);
			return -1;
		}
		fa->offers = np.offers;
		fa->noffers = np.noffers;
	}
	if ((v = ipp_nargs_get(a, A_QMPFS)) != NULL) {
		for (size_t i = 0; i < fa->noffers; i++) {
			fa->offers[i].pfs = v->b;
			if (!v->b)
				fa->offers[i].pfs_group = 0;
		}
	}
	return 0;
}

static int
add_filteraction(struct ipp_cli *c, const struct ipp_nargs *a, struct ipp_err *e)
{
	struct ipp_filteraction fa;
	int rc = IPP_EXIT_OK;

	memset(&fa, 0, sizeof(fa));
	ipp_filteraction_init(&fa);
	if (ipp_st_dup(&fa.name, ipp_st_str(a, A_NAME), e) == -1 ||
	    ipp_st_guid(fa.guid, ipp_st_str(a, A_GUID), e) == -1 ||
	    action_settings(&fa, a, e) == -1 ||
	    ipp_store_filteraction_create(c->st, &fa, e) == -1)
		rc = ipp_cli_exit(e);
	ipp_filteraction_clear(&fa);
	return rc;
}

static int
set_filteraction(struct ipp_cli *c, const struct ipp_nargs *a, struct ipp_err *e)
{
	struct ipp_filteraction fa = { 0 };
	const char *key = ipp_st_str(a, A_NAME);
	int rc = IPP_EXIT_OK;

	if (key == NULL && (key = ipp_st_str(a, A_GUID)) == NULL) {
		ipp_errf(e, IPP_E_INVAL, "set filteraction: name= or guid= is required");
		return IPP_EXIT_USAGE;
	}
	if (ipp_store_filteraction_get(c->st, key, &fa, e) == -1)
		return ipp_cli_exit(e);
	if (action_settings(&fa, a, e) == -1 ||
	    (ipp_nargs_get(a, A_NEWNAME) != NULL &&
	    ipp_st_dup(&fa.name, ipp_st_str(a, A_NEWNAME), e) == -1) ||
	    ipp_store_filteraction_update(c->st, key, &fa, e) == -1)
		rc = ipp_cli_exit(e);
	ipp_filteraction_clear(&fa);
	return rc;
}

static int
delete_filteraction(struct ipp_cli *c, const struct ipp_nargs *a, struct ipp_err *e)
{
	struct ipp_names n = { 0 };
	const char *key = ipp_st_str(a, D_NAME);
	int rc = 0;

	if (key == NULL && (key = ipp_st_str(a, D_GUID)) == NULL) {
		ipp_errf(e, IPP_E_INVAL, "delete filteraction: name= (or all) or guid= is "
		    "required");
		return IPP_EXIT_USAGE;
	}
	if (!ipp_st_is_all(key) || ipp_nargs_get(a, D_NAME) == NULL)
		return ipp_store_filteraction_delete(c->st, key, e) == 0 ? IPP_EXIT_OK :
		    ipp_cli_exit(e);
	if (ipp_store_filteraction_list(c->st, &n, e) == -1)
		return ipp_cli_exit(e);
	for (size_t i = 0; rc == 0 && i < n.n; i++)
		rc = ipp_store_filteraction_delete(c->st, n.v[i], e);
	ipp_names_free(&n);
	return rc == 0 ? IPP_EXIT_OK : ipp_cli_exit(e);
}

static const struct ipp_stcmd cmds[] = {
	{ "add", "filteraction", add_tags, IPP_NELEM(add_tags), IPP_STCMD_WRITE,
	    add_filteraction, "create a filter action (permit, block or negotiate)" },
	{ "set", "filteraction", set_tags, IPP_NELEM(set_tags), IPP_STCMD_WRITE,
	    set_filteraction, "change a filter action" },
	{ "delete", "filteraction", del_tags, IPP_NELEM(del_tags), IPP_STCMD_WRITE,
	    delete_filteraction, "delete a filter action no rule uses (name=all: every one)" },
};

const struct ipp_stcmd_set ipp_st_action_cmds = { cmds, IPP_NELEM(cmds) };
