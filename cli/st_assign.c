/*
 * ipp_st_assign: assignments in the directory beyond the store's one default: a policy
 * assigned to an OU or a host entry, and which policy is in force for a host (nearest
 * assignment wins, as Group Policy's OU precedence).  An extension of netsh's grammar;
 * the local store has none of this (exit 3).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/show_json.h"
#include "store/ldap.h"

enum { A_POLICY, A_DN };
static const struct ipp_nargs_tag set_tags[] = {
	{ "policy", IPP_NARG_STRING, IPP_NARG_REQUIRED, 0, 0, NULL },
	{ "dn", IPP_NARG_STRING, IPP_NARG_REQUIRED, 0, 0, NULL },
};

enum { D_DN };
static const struct ipp_nargs_tag del_tags[] = {
	{ "dn", IPP_NARG_STRING, IPP_NARG_REQUIRED, 0, 0, NULL },
};

enum { S_HOST, S_DN };
static const struct ipp_nargs_tag show_tags[] = {
	{ "host", IPP_NARG_STRING, 0, 0, 0, NULL },
	{ "dn", IPP_NARG_STRING, 0, 0, 0, NULL },
};

static int
set_assignment(struct ipp_cli *c, const struct ipp_nargs *a, struct ipp_err *e)
{
	if (ipp_dir_assign_at(c->st, ipp_st_str(a, A_DN), ipp_st_str(a, A_POLICY), e) == -1)
		return ipp_cli_exit(e);
	return IPP_EXIT_OK;
}

static int
delete_assignment(struct ipp_cli *c, const struct ipp_nargs *a, struct ipp_err *e)
{
	if (ipp_dir_unassign_at(c->st, ipp_st_str(a, D_DN), e) == -1)
		return ipp_cli_exit(e);
	return IPP_EXIT_OK;
}

static const char *const level_names[] = {
	[IPP_DIR_NONE] = "none", [IPP_DIR_HOST] = "host", [IPP_DIR_OU] = "ou",
	[IPP_DIR_BASE] = "base",
};

static int
show_text(struct ipp_cli *c, const struct ipp_dir_assignment *as, const char *policy)
{
	fprintf(c->out, "Host                  : %s\n", as->host_dn);
	fprintf(c->out, "Policy                : %s\n", policy != NULL ? policy : "none");
	if (as->level != IPP_DIR_NONE) {
		fprintf(c->out, "Policy GUID           : %s\n", as->policy_guid);
		fprintf(c->out, "Assigned at           : %s (%s)\n", as->from_dn,
		    level_names[as->level]);
	}
	fprintf(c->out, "Reason                : %s\n", as->reason);
	return IPP_EXIT_OK;
}

static int
show_json(struct ipp_cli *c, const struct ipp_dir_assignment *as, const char *policy,
    struct ipp_err *e)
{
	json_t *doc = json_pack("{s:i, s:{s:s, s:s, s:o, s:o, s:o, s:s}}", "schema",
	    IPP_JSON_SCHEMA, "assignment", "host", as->host_dn, "level", level_names[as->level],
	    "policy", policy != NULL ? json_string(policy) : json_null(),
	    "guid", as->level != IPP_DIR_NONE ? json_string(as->policy_guid) : json_null(),
	    "from", as->from_dn != NULL ? json_string(as->from_dn) : json_null(),
	    "reason", as->reason);

	if (doc == NULL || json_dumpf(doc, c->out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == -1) {
		json_decref(doc);
		ipp_errf(e, IPP_E_NOMEM, "show assignment: could not write the JSON output");
		return IPP_EXIT_ERROR;
	}
	json_decref(doc);
	fputc('\n', c->out);
	return IPP_EXIT_OK;
}

static int
show_assignment(struct ipp_cli *c, const struct ipp_nargs *a, struct ipp_err *e)
{
	struct ipp_dir_assignment as;
	struct ipp_policy_tree t = { 0 };
	const char *host = ipp_st_str(a, S_HOST), *dn = ipp_st_str(a, S_DN);
	int rc;

	if ((host == NULL) == (dn == NULL)) {
		ipp_errf(e, IPP_E_INVAL, "show assignment: give host=NAME or dn=DN (one of them)");
		return IPP_EXIT_USAGE;
	}
	if (ipp_dir_resolve(c->st, dn, host, &as, e) == -1)
		return ipp_cli_exit(e);
	/* The policy is loaded whole, so what is shown is what an agent could apply. */
	if (as.level != IPP_DIR_NONE && ipp_store_policy_get(c->st, as.policy_guid, &t, e) == -1) {
		ipp_err_prefix(e, "%s assigns a policy that cannot be used", as.from_dn);
		ipp_dir_assignment_clear(&as);
		return ipp_cli_exit(e);
	}
	rc = c->json ? show_json(c, &as, t.policy.name, e) : show_text(c, &as, t.policy.name);
	ipp_policy_tree_clear(&t);
	ipp_dir_assignment_clear(&as);
	return rc;
}

static const struct ipp_stcmd cmds[] = {
	{ "set", "assignment", set_tags, IPP_NELEM(set_tags), IPP_STCMD_WRITE, set_assignment,
	    "directory: assign a policy to an OU or a host entry (dn=)" },
	{ "delete", "assignment", del_tags, IPP_NELEM(del_tags), IPP_STCMD_WRITE,
	    delete_assignment, "directory: remove the assignment of an OU or host entry" },
	{ "show", "assignment", show_tags, IPP_NELEM(show_tags), IPP_STCMD_READ,
	    show_assignment, "directory: the policy in force for a host, and why" },
};

const struct ipp_stcmd_set ipp_st_assign_cmds = { cmds, IPP_NELEM(cmds) };
