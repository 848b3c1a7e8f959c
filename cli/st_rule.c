/* ipp_st_rule: static add|set|delete rule. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "cli/lex.h"

/* In the order of enum ipp_conntype. */
static const char *const conntypes[] = { "all", "lan", "dialup", NULL };

enum { R_NAME, R_POLICY, R_LIST, R_ACTION, R_TUNNEL, R_CONN, R_ACTIVATE, R_DESC, R_KERB,
    R_PSK, R_ROOTCA, R_GUID, R_NEWNAME };
#define RULE_TAGS(req) \
	{ "name", IPP_NARG_STRING, req, 0, 0, NULL }, \
	{ "policy", IPP_NARG_STRING, IPP_NARG_REQUIRED, 0, 0, NULL }, \
	{ "filterlist", IPP_NARG_STRING, req, 0, 0, NULL }, \
	{ "filteraction", IPP_NARG_STRING, req, 0, 0, NULL }, \
	{ "tunnel", IPP_NARG_STRING, 0, 0, 0, NULL }, \
	{ "conntype", IPP_NARG_ENUM, 0, 0, 0, conntypes }, \
	{ "activate", IPP_NARG_BOOL, 0, 0, 0, NULL }, \
	{ "description", IPP_NARG_STRING, 0, 0, 0, NULL }, \
	{ "kerberos", IPP_NARG_BOOL, 0, 0, 0, NULL }, \
	{ "psk", IPP_NARG_STRING, IPP_NARG_SECRET, 0, 0, NULL }, \
	{ "rootca", IPP_NARG_STRING, IPP_NARG_REPEAT, 0, 0, NULL }

/* add takes guid= (an extension, so that an export keeps GUIDs); set finds by id=. */
static const struct ipp_nargs_tag add_tags[] = {
	RULE_TAGS(IPP_NARG_REQUIRED),
	{ "guid", IPP_NARG_STRING, 0, 0, 0, NULL },
};
static const struct ipp_nargs_tag set_tags[] = {
	RULE_TAGS(0),
	{ "id", IPP_NARG_STRING, 0, 0, 0, NULL },
	{ "newname", IPP_NARG_STRING, 0, 0, 0, NULL },
};
enum { D_NAME, D_POLICY, D_ID };
static const struct ipp_nargs_tag del_tags[] = {
	{ "name", IPP_NARG_STRING, 0, 0, 0, NULL },
	{ "policy", IPP_NARG_STRING, IPP_NARG_REQUIRED, 0, 0, NULL },
	{ "id", IPP_NARG_STRING, 0, 0, 0, NULL },
};

/* tunnel=ADDR, or tunnel=none (or empty) for transport mode. */
static int
tunnel_of(struct ipp_addr *t, const char *s, struct ipp_err *e)
{
	ipp_addr_clear(t);
	memset(t, 0, sizeof(*t));
	if (*s == '\0' || strcasecmp(s, "none") == 0)
		return 0;
	if (ipp_addr_parse(t, s, NULL, e) == -1)
		return ipp_err_prefix(e, "tunnel");
	return 0;
}

static int
rule_settings(struct ipp_rule *r, const struct ipp_nargs *a, struct ipp_err *e)
{
	const struct ipp_nargs_val *v;
	bool given;

	if ((ipp_nargs_get(a, R_LIST) != NULL &&
	    ipp_st_dup(&r->filterlist, ipp_st_str(a, R_LIST), e) == -1) ||
	    (ipp_nargs_get(a, R_ACTION) != NULL &&
	    ipp_st_dup(&r->filteraction, ipp_st_str(a, R_ACTION), e) == -1) ||
	    (ipp_nargs_get(a, R_DESC) != NULL &&
	    ipp_st_dup(&r->description, ipp_st_str(a, R_DESC), e) == -1))
		return -1;
	if ((v = ipp_nargs_get(a, R_TUNNEL)) != NULL && tunnel_of(&r->tunnel, v->str, e) == -1)
		return -1;
	if ((v = ipp_nargs_get(a, R_CONN)) != NULL)
		r->conntype = (enum ipp_conntype)v->choice;
	if ((v = ipp_nargs_get(a, R_ACTIVATE)) != NULL)
		r->active = v->b;
	if (ipp_st_auth(a, R_KERB, R_PSK, R_ROOTCA, &r->auth, &r->nauth, &given, e) !=
	    IPP_EXIT_OK)
		return -1;
	return 0;
}

static int
add_rule(struct ipp_cli *c, const struct ipp_nargs *a, struct ipp_err *e)
{
	struct ipp_rule r;
	int rc = IPP_EXIT_OK;

	ipp_rule_init(&r);
	if (ipp_st_dup(&r.name, ipp_st_str(a, R_NAME), e) == -1 ||
	    ipp_st_guid(r.guid, ipp_st_str(a, R_GUID), e) == -1 ||
	    rule_settings(&r, a, e) == -1 ||
	    ipp_store_rule_create(c->st, ipp_st_str(a, R_POLICY), &r, e) == -1)
		rc = ipp_cli_exit(e);
	ipp_rule_clear(&r);
	return rc;
}

/* The rule of t named or with the GUID key, or NULL. */
static struct ipp_rule *
rule_find(struct ipp_policy_tree *t, const char *key)
{
	for (size_t i = 0; i < t->policy.nrules; i++)
		if (strcmp(t->policy.rules[i].name, key) == 0 ||
		    strcasecmp(t->policy.rules[i].guid, key) == 0)
			return &t->policy.rules[i];
	return NULL;
}

static int
set_rule(struct ipp_cli *c, const struct ipp_nargs *a, struct ipp_err *e)
{
	const char *policy = ipp_st_str(a, R_POLICY), *key = ipp_st_str(a, R_NAME);
	struct ipp_policy_tree t;
	struct ipp_rule *r;
	char shown[IPP_LEX_SHOWLEN];
	int rc = IPP_EXIT_OK;

	if (key == NULL && (key = ipp_st_str(a, R_GUID)) == NULL) {
		ipp_errf(e, IPP_E_INVAL, "set rule: name= or id= is required");
		return IPP_EXIT_USAGE;
	}
	if (ipp_store_policy_get(c->st, policy, &t, e) == -1)
		return ipp_cli_exit(e);
	if ((r = rule_find(&t, key)) == NULL) {
		ipp_errf(e, IPP_E_NOENT, "policy '%s' has no rule '%s'", t.policy.name,
		    ipp_lex_show(key, strlen(key), shown));
		rc = IPP_EXIT_ERROR;
	} else if (rule_settings(r, a, e) == -1 ||
	    (ipp_nargs_get(a, R_NEWNAME) != NULL &&
	    ipp_st_dup(&r->name, ipp_st_str(a, R_NEWNAME), e) == -1) ||
	    ipp_store_rule_update(c->st, policy, key, r, e) == -1)
		rc = ipp_cli_exit(e);
	ipp_policy_tree_clear(&t);
	return rc;
}

static int
delete_rule(struct ipp_cli *c, const struct ipp_nargs *a, struct ipp_err *e)
{
	const char *policy = ipp_st_str(a, D_POLICY), *key = ipp_st_str(a, D_NAME);
	struct ipp_policy_tree t;
	int rc = 0;

	if (key == NULL && (key = ipp_st_str(a, D_ID)) == NULL) {
		ipp_errf(e, IPP_E_INVAL, "delete rule: name= (or all) or id= is required");
		return IPP_EXIT_USAGE;
	}
	if (!ipp_st_is_all(key) || ipp_nargs_get(a, D_NAME) == NULL)
		return ipp_store_rule_delete(c->st, policy, key, e) == 0 ? IPP_EXIT_OK :
		    ipp_cli_exit(e);
	if (ipp_store_policy_get(c->st, policy, &t, e) == -1)
		return ipp_cli_exit(e);
	for (size_t i = 0; rc == 0 && i < t.policy.nrules; i++)
		rc = ipp_store_rule_delete(c->st, policy, t.policy.rules[i].guid, e);
	ipp_policy_tree_clear(&t);
	return rc == 0 ? IPP_EXIT_OK : ipp_cli_exit(e);
}

static const struct ipp_stcmd cmds[] = {
	{ "add", "rule", add_tags, IPP_NELEM(add_tags), IPP_STCMD_WRITE, add_rule,
	    "add a rule (filter list, filter action, authentication) to a policy" },
	{ "set", "rule", set_tags, IPP_NELEM(set_tags), IPP_STCMD_WRITE, set_rule,
	    "change a rule; given authentication tags replace the old list" },
	{ "delete", "rule", del_tags, IPP_NELEM(del_tags), IPP_STCMD_WRITE, delete_rule,
	    "delete a rule of a policy (name=all: every rule)" },
};

const struct ipp_stcmd_set ipp_st_rule_cmds = { cmds, IPP_NELEM(cmds) };
