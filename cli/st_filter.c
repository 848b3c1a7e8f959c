/* ipp_st_filter: static add|set|delete filterlist, add|delete filter. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/lex.h"

enum { L_NAME, L_DESC, L_GUID, L_NEWNAME };
static const struct ipp_nargs_tag addlist_tags[] = {
	{ "name", IPP_NARG_STRING, IPP_NARG_REQUIRED, 0, 0, NULL },
	{ "description", IPP_NARG_STRING, 0, 0, 0, NULL },
	{ "guid", IPP_NARG_STRING, 0, 0, 0, NULL },
};
static const struct ipp_nargs_tag setlist_tags[] = {
	{ "name", IPP_NARG_STRING, 0, 0, 0, NULL },
	{ "description", IPP_NARG_STRING, 0, 0, 0, NULL },
	{ "guid", IPP_NARG_STRING, 0, 0, 0, NULL },
	{ "newname", IPP_NARG_STRING, 0, 0, 0, NULL },
};
static const struct ipp_nargs_tag dellist_tags[] = {
	{ "name", IPP_NARG_STRING, 0, 0, 0, NULL },
	{ "description", IPP_NARG_STRING, 0, 0, 0, NULL },	/* unused; keeps indices */
	{ "guid", IPP_NARG_STRING, 0, 0, 0, NULL },
};

enum { F_LIST, F_SRC, F_DST, F_DESC, F_PROTO, F_MIRROR, F_SMASK, F_DMASK, F_SPORT,
    F_DPORT };
static const struct ipp_nargs_tag filter_tags[] = {
	{ "filterlist", IPP_NARG_STRING, IPP_NARG_REQUIRED, 0, 0, NULL },
	{ "srcaddr", IPP_NARG_STRING, IPP_NARG_REQUIRED, 0, 0, NULL },
	{ "dstaddr", IPP_NARG_STRING, IPP_NARG_REQUIRED, 0, 0, NULL },
	{ "description", IPP_NARG_STRING, 0, 0, 0, NULL },
	{ "protocol", IPP_NARG_STRING, 0, 0, 0, NULL },
	{ "mirrored", IPP_NARG_BOOL, 0, 0, 0, NULL },
	{ "srcmask", IPP_NARG_STRING, 0, 0, 0, NULL },
	{ "dstmask", IPP_NARG_STRING, 0, 0, 0, NULL },
	{ "srcport", IPP_NARG_UINT, 0, 0, 65535, NULL },
	{ "dstport", IPP_NARG_UINT, 0, 0, 65535, NULL },
};

static int
add_filterlist(struct ipp_cli *c, const struct ipp_nargs *a, struct ipp_err *e)
{
	struct ipp_filterlist fl = { 0 };
	int rc = IPP_EXIT_OK;

	if (ipp_st_dup(&fl.name, ipp_st_str(a, L_NAME), e) == -1 ||
	    ipp_st_dup(&fl.description, ipp_st_str(a, L_DESC), e) == -1 ||
	    ipp_st_guid(fl.guid, ipp_st_str(a, L_GUID), e) == -1 ||
	    ipp_store_filterlist_create(c->st, &fl, e) == -1)
		rc = ipp_cli_exit(e);
	ipp_filterlist_clear(&fl);
	return rc;
}

static int
set_filterlist(struct ipp_cli *c, const struct ipp_nargs *a, struct ipp_err *e)
{
	struct ipp_filterlist fl = { 0 };
	const char *key = ipp_st_str(a, L_NAME);
	int rc = IPP_EXIT_OK;

	if (key == NULL && (key = ipp_st_str(a, L_GUID)) == NULL) {
		ipp_errf(e, IPP_E_INVAL, "set filterlist: name= or guid= is required");
		return IPP_EXIT_USAGE;
	}
	if (ipp_store_filterlist_get(c->st, key, &fl, e) == -1)
		return ipp_cli_exit(e);
	if ((ipp_nargs_get(a, L_DESC) != NULL &&
	    ipp_st_dup(&fl.description, ipp_st_str(a, L_DESC), e) == -1) ||
	    (ipp_nargs_get(a, L_NEWNAME) != NULL &&
	    ipp_st_dup(&fl.name, ipp_st_str(a, L_NEWNAME), e) == -1) ||
	    ipp_store_filterlist_update(c->st, key, &fl, e) == -1)
		rc = ipp_cli_exit(e);
	ipp_filterlist_clear(&fl);
	return rc;
}

static int
delete_filterlist(struct ipp_cli *c, const struct ipp_nargs *a, struct ipp_err *e)
{
	struct ipp_names n = { 0 };
	const char *key = ipp_st_str(a, L_NAME);
	int rc = 0;

	if (key == NULL && (key = ipp_st_str(a, L_GUID)) == NULL) {
		ipp_errf(e, IPP_E_INVAL, "delete filterlist: name= (or all) or guid= is required");
		return IPP_EXIT_USAGE;
	}
	if (!ipp_st_is_all(key) || ipp_nargs_get(a, L_NAME) == NULL)
		return ipp_store_filterlist_delete(c->st, key, e) == 0 ? IPP_EXIT_OK :
		    ipp_cli_exit(e);
	if (ipp_store_filterlist_list(c->st, &n, e) == -1)
		return ipp_cli_exit(e);
	for (size_t i = 0; rc == 0 && i < n.n; i++)
		rc = ipp_store_filterlist_delete(c->st, n.v[i], e);
	ipp_names_free(&n);
	return rc == 0 ? IPP_EXIT_OK : ipp_cli_exit(e);
}

static int
side(struct ipp_addr *ad, const char *what, const char *addr, const char *mask,
    struct ipp_err *e)
{
	if (ipp_addr_parse(ad, addr, mask, e) == -1)
		return ipp_err_prefix(e, "%s", what);
	return 0;
}

/* The filter the add/delete filter tags describe; netsh's defaults fill the rest. */
static int
filter_of(const struct ipp_nargs *a, struct ipp_filter *f, struct ipp_err *e)
{
	const struct ipp_nargs_val *v;
	char shown[IPP_LEX_SHOWLEN];
	int proto;

	ipp_filter_init(f);
	if (side(&f->src, "srcaddr", ipp_st_str(a, F_SRC), ipp_st_str(a, F_SMASK), e) == -1 ||
	    side(&f->dst, "dstaddr", ipp_st_str(a, F_DST), ipp_st_str(a, F_DMASK), e) == -1 ||
	    ipp_st_dup(&f->description, ipp_st_str(a, F_DESC), e) == -1)
		return -1;
	if ((v = ipp_nargs_get(a, F_PROTO)) != NULL) {
		if ((proto = ipp_proto_from_name(v->str)) == -1)
			return ipp_errf(e, IPP_E_INVAL, "protocol '%s': expected ANY, ICMP, TCP, "
			    "UDP, RAW or a number from 0 to 255",
			    ipp_lex_show(v->str, strlen(v->str), shown));
		f->proto = (uint8_t)proto;
	}
	if ((v = ipp_nargs_get(a, F_MIRROR)) != NULL)
		f->mirrored = v->b;
	if ((v = ipp_nargs_get(a, F_SPORT)) != NULL)
		f->sport = (uint16_t)v->u;
	if ((v = ipp_nargs_get(a, F_DPORT)) != NULL)
		f->dport = (uint16_t)v->u;
	return 0;
}

static int
add_filter(struct ipp_cli *c, const struct ipp_nargs *a, struct ipp_err *e)
{
	const char *list = ipp_st_str(a, F_LIST);
	struct ipp_filterlist fl = { 0 };
	struct ipp_filter f;
	struct ipp_err ge = { 0 };
	int rc = -1;

	if (filter_of(a, &f, e) == -1)
		goto out;
	/* netsh creates the filter list a filter names when it does not exist yet. */
	if (ipp_store_filterlist_get(c->st, list, &fl, &ge) == -1) {
		if (ge.code != IPP_E_NOENT) {
			*e = ge;
			goto out;
		}
		if ((fl.name = strdup(list)) == NULL) {
			ipp_errf(e, IPP_E_NOMEM, "out of memory");
			goto out;
		}
		if (ipp_store_filterlist_create(c->st, &fl, e) == -1)
			goto out;
	}
	rc = ipp_store_filter_add(c->st, list, &f, e);
out:
	ipp_filterlist_clear(&fl);
	ipp_filter_clear(&f);
	return rc == 0 ? IPP_EXIT_OK : ipp_cli_exit(e);
}

static int
delete_filter(struct ipp_cli *c, const struct ipp_nargs *a, struct ipp_err *e)
{
	struct ipp_filter f;
	int rc = -1;

	if (filter_of(a, &f, e) == 0) {
		free(f.description);
		f.description = NULL;
		rc = ipp_store_filter_delete(c->st, ipp_st_str(a, F_LIST), &f, e);
	}
	ipp_filter_clear(&f);
	return rc == 0 ? IPP_EXIT_OK : ipp_cli_exit(e);
}

static const struct ipp_stcmd cmds[] = {
	{ "add", "filterlist", addlist_tags, IPP_NELEM(addlist_tags), IPP_STCMD_WRITE,
	    add_filterlist, "create an empty filter list" },
	{ "set", "filterlist", setlist_tags, IPP_NELEM(setlist_tags), IPP_STCMD_WRITE,
	    set_filterlist, "rename a filter list or change its description" },
	{ "delete", "filterlist", dellist_tags, IPP_NELEM(dellist_tags), IPP_STCMD_WRITE,
	    delete_filterlist, "delete a filter list no rule uses (name=all: every one)" },
	{ "add", "filter", filter_tags, IPP_NELEM(filter_tags), IPP_STCMD_WRITE, add_filter,
	    "add a filter to a filter list (the list is created if missing)" },
	{ "delete", "filter", filter_tags, IPP_NELEM(filter_tags), IPP_STCMD_WRITE,
	    delete_filter, "delete the filters of a list that match the tags" },
};

const struct ipp_stcmd_set ipp_st_filter_cmds = { cmds, IPP_NELEM(cmds) };
