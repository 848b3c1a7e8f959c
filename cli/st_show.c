/* ipp_st_show: static show policy|filterlist|filteraction|rule|all|store, text or JSON. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "cli/lex.h"
#include "cli/show_json.h"
#include "cli/show_text.h"

static const char *const levels[] = { "normal", "verbose", NULL };
static const char *const formats[] = { "list", "table", NULL };
static const char *const types[] = { "tunnel", "transport", NULL };

#define VIEW_TAGS \
	{ "level", IPP_NARG_ENUM, 0, 0, 0, levels }, \
	{ "format", IPP_NARG_ENUM, 0, 0, 0, formats }, \
	{ "wide", IPP_NARG_BOOL, 0, 0, 0, NULL }

enum { P_NAME, P_LEVEL, P_FORMAT, P_WIDE };
static const struct ipp_nargs_tag policy_tags[] = {
	{ "name", IPP_NARG_STRING, IPP_NARG_REQUIRED, 0, 0, NULL }, VIEW_TAGS,
};
/* filterlist and filteraction: name=|rule=|all; rule= looks in every policy. */
enum { L_NAME, L_LEVEL, L_FORMAT, L_WIDE, L_RULE, L_RESOLVE };
static const struct ipp_nargs_tag list_tags[] = {
	{ "name", IPP_NARG_STRING, 0, 0, 0, NULL }, VIEW_TAGS,
	{ "rule", IPP_NARG_STRING, 0, 0, 0, NULL },
	{ "resolvedns", IPP_NARG_BOOL, 0, 0, 0, NULL },
};
static const struct ipp_nargs_tag action_tags[] = {
	{ "name", IPP_NARG_STRING, 0, 0, 0, NULL }, VIEW_TAGS,
	{ "rule", IPP_NARG_STRING, 0, 0, 0, NULL },
};
enum { R_NAME, R_LEVEL, R_FORMAT, R_WIDE, R_POLICY, R_ID, R_TYPE };
static const struct ipp_nargs_tag rule_tags[] = {
	{ "name", IPP_NARG_STRING, 0, 0, 0, NULL }, VIEW_TAGS,
	{ "policy", IPP_NARG_STRING, IPP_NARG_REQUIRED, 0, 0, NULL },
	{ "id", IPP_NARG_STRING, 0, 0, 0, NULL },
	{ "type", IPP_NARG_ENUM, 0, 0, 0, types },
};
enum { A_FORMAT, A_WIDE };
static const struct ipp_nargs_tag all_tags[] = {
	{ "format", IPP_NARG_ENUM, 0, 0, 0, formats },
	{ "wide", IPP_NARG_BOOL, 0, 0, 0, NULL },
};
static const struct ipp_nargs_tag gpo_tags[] = {
	{ "name", IPP_NARG_STRING, 0, 0, 0, NULL },
};

static struct ipp_show_opts
view(struct ipp_cli *c, const struct ipp_nargs *a, size_t level, size_t format)
{
	const struct ipp_nargs_val *l = ipp_nargs_get(a, level);
	const struct ipp_nargs_val *f = ipp_nargs_get(a, format);
	struct ipp_show_opts o = { 0 };

	o.verbose = l != NULL && l->choice == 1;
	o.table = f != NULL && f->choice == 1;
	o.secrets = c->secrets;
	o.where = ipp_store_where(c->st);
	return o;
}

/* The JSON document: {"schema": 1, key: array}; takes arr. */
static int
json_out(struct ipp_cli *c, json_t *doc, struct ipp_err *e)
{
	int rc = doc != NULL ? json_dumpf(doc, c->out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) :
	    -1;

	json_decref(doc);
	if (rc == -1)
		return ipp_errf(e, IPP_E_NOMEM, "show: could not write the JSON output");
	fputc('\n', c->out);
	return 0;
}

static json_t *
doc_new(void)
{
	return json_pack("{s:i}", "schema", IPP_JSON_SCHEMA);
}

static int
doc_add(json_t *doc, const char *key, json_t *item)
{
	json_t *arr = json_object_get(doc, key);

	if (item == NULL)
		return -1;
	if (arr == NULL) {
		if ((arr = json_array()) == NULL || json_object_set_new(doc, key, arr) == -1) {
			json_decref(item);
			return -1;
		}
	}
	return json_array_append_new(arr, item);
}

static int
names_push(struct ipp_names *n, const char *s, struct ipp_err *e)
{
	char *d = strdup(s);

	if (d == NULL || ipp_array_push(&n->v, &n->n, sizeof(d), &d) == NULL) {
		free(d);
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	}
	return 0;
}

/* Every name of a kind, or just key; "all" (or none given) means every one. */
static int
names_of(struct ipp_cli *c, const char *key, int (*list)(struct ipp_store *,
    struct ipp_names *, struct ipp_err *), struct ipp_names *n, struct ipp_err *e)
{
	memset(n, 0, sizeof(*n));
	if (key != NULL && !ipp_st_is_all(key)) {
		return names_push(n, key, e);
	}
	return list(c->st, n, e);
}

static int
show_policies(struct ipp_cli *c, const struct ipp_names *n, struct ipp_show_opts *o,
    json_t *doc, struct ipp_err *e)
{
	for (size_t i = 0; i < n->n; i++) {
		struct ipp_policy_tree t;
		int rc = 0;

		if (ipp_store_policy_get(c->st, n->v[i], &t, e) == -1)
			return -1;
		if (doc != NULL)
			rc = doc_add(doc, "policies", ipp_json_policy(&t.policy, c->secrets));
		else
			ipp_show_policy_tree(c->out, &t, o);
		ipp_policy_tree_clear(&t);
		if (rc == -1)
			return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	}
	return 0;
}

static int
show_policy(struct ipp_cli *c, const struct ipp_nargs *a, struct ipp_err *e)
{
	struct ipp_show_opts o = view(c, a, P_LEVEL, P_FORMAT);
	struct ipp_names n;
	json_t *doc = c->json ? doc_new() : NULL;
	int rc;

	if (names_of(c, ipp_st_str(a, P_NAME), ipp_store_policy_list, &n, e) == -1) {
		json_decref(doc);
		return ipp_cli_exit(e);
	}
	rc = show_policies(c, &n, &o, doc, e);
	ipp_names_free(&n);
	if (doc != NULL && rc == 0)
		return json_out(c, doc, e) == 0 ? IPP_EXIT_OK : ipp_cli_exit(e);
	json_decref(doc);
	return rc == 0 ? IPP_EXIT_OK : ipp_cli_exit(e);
}

/* The names of the filter lists (or actions) that the rules named rule use. */
static int
names_by_rule(struct ipp_cli *c, const char *rule, bool lists, struct ipp_names *out,
    struct ipp_err *e)
{
	struct ipp_names pols = { 0 };
	char shown[IPP_LEX_SHOWLEN];
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (ipp_store_policy_list(c->st, &pols, e) == -1)
		return -1;
	for (size_t i = 0; rc == 0 && i < pols.n; i++) {
		struct ipp_policy_tree t;

		if ((rc = ipp_store_policy_get(c->st, pols.v[i], &t, e)) == -1)
			break;
		for (size_t j = 0; rc == 0 && j < t.policy.nrules; j++)
			if (strcmp(t.policy.rules[j].name, rule) == 0)
				rc = names_push(out, lists ? t.policy.rules[j].filterlist :
				    t.policy.rules[j].filteraction, e);
		ipp_policy_tree_clear(&t);
	}
	ipp_names_free(&pols);
	if (rc == 0 && out->n == 0)
		rc = ipp_errf(e, IPP_E_NOENT, "no policy has a rule '%s'",
		    ipp_lex_show(rule, strlen(rule), shown));
	if (rc == -1)
		ipp_names_free(out);
	return rc;
}

static int
show_lists(struct ipp_cli *c, const struct ipp_names *n, struct ipp_show_opts *o,
    json_t *doc, struct ipp_err *e)
{
	for (size_t i = 0; i < n->n; i++) {
		struct ipp_filterlist fl = { 0 };
		int rc = 0;

		if (ipp_store_filterlist_get(c->st, n->v[i], &fl, e) == -1)
			return -1;
		if (doc != NULL)
			rc = doc_add(doc, "filterlists", ipp_json_filterlist(&fl));
		else
			ipp_show_filterlist(c->out, &fl, o);
		ipp_filterlist_clear(&fl);
		if (rc == -1)
			return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	}
	return 0;
}

static int
show_actions(struct ipp_cli *c, const struct ipp_names *n, struct ipp_show_opts *o,
    json_t *doc, struct ipp_err *e)
{
	for (size_t i = 0; i < n->n; i++) {
		struct ipp_filteraction fa = { 0 };
		int rc = 0;

		if (ipp_store_filteraction_get(c->st, n->v[i], &fa, e) == -1)
			return -1;
		if (doc != NULL)
			rc = doc_add(doc, "filteractions", ipp_json_filteraction(&fa));
		else
			ipp_show_filteraction(c->out, &fa, o);
		ipp_filteraction_clear(&fa);
		if (rc == -1)
			return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	}
	return 0;
}

typedef int (*shower)(struct ipp_cli *, const struct ipp_names *, struct ipp_show_opts *,
    json_t *, struct ipp_err *);

static int
show_part(struct ipp_cli *c, const struct ipp_nargs *a, bool lists, struct ipp_err *e)
{
	struct ipp_show_opts o = view(c, a, L_LEVEL, L_FORMAT);
	const char *rule = ipp_st_str(a, L_RULE);
	struct ipp_names n;
	json_t *doc = c->json ? doc_new() : NULL;
	shower fn = lists ? show_lists : show_actions;
	int rc;

	if (rule != NULL)
		rc = names_by_rule(c, rule, lists, &n, e);
	else
		rc = names_of(c, ipp_st_str(a, L_NAME), lists ? ipp_store_filterlist_list :
		    ipp_store_filteraction_list, &n, e);
	if (rc == 0)
		rc = fn(c, &n, &o, doc, e);
	ipp_names_free(&n);
	if (rc == 0 && doc != NULL)
		return json_out(c, doc, e) == 0 ? IPP_EXIT_OK : ipp_cli_exit(e);
	json_decref(doc);
	return rc == 0 ? IPP_EXIT_OK : ipp_cli_exit(e);
}

static int
show_filterlist(struct ipp_cli *c, const struct ipp_nargs *a, struct ipp_err *e)
{
	return show_part(c, a, true, e);
}

static int
show_filteraction(struct ipp_cli *c, const struct ipp_nargs *a, struct ipp_err *e)
{
	return show_part(c, a, false, e);
}

/* Does rule r pass the name=/id=/type= selection? */
static bool
rule_selected(const struct ipp_rule *r, const char *key, const struct ipp_nargs_val *type)
{
	if (key != NULL && !ipp_st_is_all(key) && strcmp(r->name, key) != 0 &&
	    strcasecmp(r->guid, key) != 0)
		return false;
	if (type != NULL && (type->choice == 0) != (r->tunnel.kind != IPP_ADDR_NONE))
		return false;
	return true;
}

static int
rule_json(json_t *doc, const char *policy, const struct ipp_rule *r, bool secrets)
{
	json_t *j = ipp_json_rule(r, secrets);

	if (j == NULL || json_object_set_new(j, "policy", json_string(policy)) == -1) {
		json_decref(j);
		return -1;
	}
	return doc_add(doc, "rules", j);
}

static int
show_rules(struct ipp_cli *c, const struct ipp_nargs *a, struct ipp_policy_tree *t,
    json_t *doc, struct ipp_err *e)
{
	struct ipp_show_opts o = view(c, a, R_LEVEL, R_FORMAT);
	const char *key = ipp_st_str(a, R_NAME);
	char text[IPP_LEX_SHOWLEN];
	size_t shown = 0;

	if (key == NULL)
		key = ipp_st_str(a, R_ID);
	for (size_t i = 0; i < t->policy.nrules; i++) {
		const struct ipp_rule *r = &t->policy.rules[i];
		const struct ipp_filterlist *fl = ipp_tree_filterlist(t, r->filterlist);
		const struct ipp_filteraction *fa = ipp_tree_filteraction(t, r->filteraction);

		if (!rule_selected(r, key, ipp_nargs_get(a, R_TYPE)))
			continue;
		shown++;
		if (doc != NULL) {
			if (rule_json(doc, t->policy.name, r, c->secrets) == -1)
				return ipp_errf(e, IPP_E_NOMEM, "out of memory");
			continue;
		}
		ipp_show_rule(c->out, r, &o);
		fputc('\n', c->out);
		if (o.verbose && fl != NULL)
			ipp_show_filterlist(c->out, fl, &o);
		if (o.verbose && fa != NULL)
			ipp_show_filteraction(c->out, fa, &o);
	}
	if (shown == 0 && key != NULL && !ipp_st_is_all(key))
		return ipp_errf(e, IPP_E_NOENT, "policy '%s' has no rule '%s'", t->policy.name,
		    ipp_lex_show(key, strlen(key), text));
	return 0;
}

static int
show_default(struct ipp_cli *c, struct ipp_policy_tree *t, json_t *doc, struct ipp_err *e)
{
	json_t *p;

	if (doc == NULL) {
		ipp_show_defrule(c->out, &t->policy.defrule, c->secrets);
		return 0;
	}
	p = ipp_json_policy(&t->policy, c->secrets);
	if (p == NULL || json_object_set(doc, "default_rule",
	    json_object_get(p, "default_rule")) == -1) {
		json_decref(p);
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	}
	json_decref(p);
	return 0;
}

static int
show_rule(struct ipp_cli *c, const struct ipp_nargs *a, struct ipp_err *e)
{
	const char *key = ipp_st_str(a, R_NAME);
	struct ipp_policy_tree t;
	json_t *doc = c->json ? doc_new() : NULL;
	int rc;

	if (ipp_store_policy_get(c->st, ipp_st_str(a, R_POLICY), &t, e) == -1) {
		json_decref(doc);
		return ipp_cli_exit(e);
	}
	if (key != NULL && strcasecmp(key, "default") == 0)
		rc = show_default(c, &t, doc, e);
	else
		rc = show_rules(c, a, &t, doc, e);
	ipp_policy_tree_clear(&t);
	if (rc == 0 && doc != NULL)
		return json_out(c, doc, e) == 0 ? IPP_EXIT_OK : ipp_cli_exit(e);
	json_decref(doc);
	return rc == 0 ? IPP_EXIT_OK : ipp_cli_exit(e);
}

static int
show_everything(struct ipp_cli *c, struct ipp_show_opts *o, json_t *doc, struct ipp_err *e)
{
	struct ipp_names n[3] = { 0 };
	int (*lists[3])(struct ipp_store *, struct ipp_names *, struct ipp_err *) = {
		ipp_store_policy_list, ipp_store_filterlist_list, ipp_store_filteraction_list };
	shower fns[3] = { show_policies, show_lists, show_actions };
	char *assigned = NULL;
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < 3; i++) {
		if ((rc = lists[i](c->st, &n[i], e)) == 0)
			rc = fns[i](c, &n[i], o, doc, e);
		ipp_names_free(&n[i]);
	}
	if (rc == 0 && doc != NULL && (rc = ipp_store_assigned(c->st, &assigned, e)) == 0) {
		if (json_object_set_new(doc, "assigned", assigned != NULL ?
		    json_string(assigned) : json_null()) == -1)
			rc = ipp_errf(e, IPP_E_NOMEM, "out of memory");
		free(assigned);
	}
	return rc;
}

static int
show_all(struct ipp_cli *c, const struct ipp_nargs *a, struct ipp_err *e)
{
	const struct ipp_nargs_val *f = ipp_nargs_get(a, A_FORMAT);
	struct ipp_show_opts o = { 0 };
	json_t *doc = c->json ? doc_new() : NULL;

	o.table = f != NULL && f->choice == 1;
	o.secrets = c->secrets;
	o.where = ipp_store_where(c->st);
	if (show_everything(c, &o, doc, e) == -1) {
		json_decref(doc);
		return ipp_cli_exit(e);
	}
	if (doc != NULL)
		return json_out(c, doc, e) == 0 ? IPP_EXIT_OK : ipp_cli_exit(e);
	return IPP_EXIT_OK;
}

static int
show_store(struct ipp_cli *c, const struct ipp_nargs *a, struct ipp_err *e)
{
	char *assigned = NULL;
	json_t *doc;

	(void)a;
	if (ipp_store_assigned(c->st, &assigned, e) == -1)
		return ipp_cli_exit(e);
	if (!c->json) {
		if (c->directory)
			fprintf(c->out, "Store: domain (%s)\nAssigned policy: %s\n",
			    ipp_store_where(c->st), assigned != NULL ? assigned : "none");
		else
			fprintf(c->out, "Store: local (%s)\nAssigned policy: %s\n", c->store_path,
			    assigned != NULL ? assigned : "none");
		free(assigned);
		return IPP_EXIT_OK;
	}
	doc = doc_new();
	if (doc != NULL && json_object_set_new(doc, "store", json_pack("{s:s, s:s, s:o}",
	    "location", c->directory ? "domain" : "local", "path", c->directory ?
	    ipp_store_where(c->st) : c->store_path, "assigned", assigned != NULL ?
	    json_string(assigned) : json_null())) == -1) {
		json_decref(doc);
		doc = NULL;
	}
	free(assigned);
	return json_out(c, doc, e) == 0 ? IPP_EXIT_OK : ipp_cli_exit(e);
}

static int
show_gpo(struct ipp_cli *c, const struct ipp_nargs *a, struct ipp_err *e)
{
	(void)c;
	(void)a;
	ipp_errf(e, IPP_E_UNSUPP, "show gpoassignedpolicy: group policy assignments live in "
	    "the directory store, which is not available yet");
	return IPP_EXIT_UNSUPP;
}

static const struct ipp_stcmd cmds[] = {
	{ "show", "policy", policy_tags, IPP_NELEM(policy_tags), IPP_STCMD_READ, show_policy,
	    "show a policy (name=all: every policy)" },
	{ "show", "filterlist", list_tags, IPP_NELEM(list_tags), IPP_STCMD_READ,
	    show_filterlist, "show filter lists (name=, rule= or all)" },
	{ "show", "filteraction", action_tags, IPP_NELEM(action_tags), IPP_STCMD_READ,
	    show_filteraction, "show filter actions (name=, rule= or all)" },
	{ "show", "rule", rule_tags, IPP_NELEM(rule_tags), IPP_STCMD_READ, show_rule,
	    "show the rules of a policy (name=, id=, all or default)" },
	{ "show", "all", all_tags, IPP_NELEM(all_tags), IPP_STCMD_READ, show_all,
	    "show every policy, filter list and filter action" },
	{ "show", "store", NULL, 0, IPP_STCMD_READ, show_store,
	    "show which store is used and the assigned policy" },
	{ "show", "gpoassignedpolicy", gpo_tags, IPP_NELEM(gpo_tags), IPP_STCMD_NOSTORE,
	    show_gpo, "not available: needs the directory store" },
};

const struct ipp_stcmd_set ipp_st_show_cmds = { cmds, IPP_NELEM(cmds) };
