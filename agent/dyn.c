/* agent_dyn: rules kept index-aligned with their filter lists and actions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/dyn.h"

static int
dyn_init(struct agent_dyn *d, struct ipp_err *e)
{
	if (d->init)
		return 0;
	ipp_policy_init(&d->tree.policy);
	if ((d->tree.policy.name = strdup("dynamic")) == NULL ||
	    ipp_policy_fill_defaults(&d->tree.policy, e) < 0) {
		ipp_policy_clear(&d->tree.policy);
		return ipp_errf(e, IPP_E_NOMEM, "dynamic rules: out of memory");
	}
	d->next_id = 1;
	d->init = true;
	return 0;
}

/* Names the rule, its list and its action "dynamic-ID" and checks them together. */
static int
dyn_check(struct ctl_rule *r, uint32_t id, struct ipp_err *e)
{
	char name[32];

	snprintf(name, sizeof(name), "dynamic-%u", id);
	free(r->list.name);
	free(r->action.name);
	free(r->rule.filterlist);
	free(r->rule.filteraction);
	r->list.name = strdup(name);
	r->action.name = strdup(name);
	r->rule.filterlist = strdup(name);
	r->rule.filteraction = strdup(name);
	if (r->rule.name == NULL)
		r->rule.name = strdup(name);
	if (!r->list.name || !r->action.name || !r->rule.filterlist || !r->rule.filteraction ||
	    !r->rule.name)
		return ipp_errf(e, IPP_E_NOMEM, "dynamic rule: out of memory");
	r->rule.active = true;
	if (r->list.nfilters == 0)
		return ipp_errf(e, IPP_E_INVAL, "dynamic rule: no filters (give at least one -f)");
	if (ipp_filterlist_validate(&r->list, e) < 0 ||
	    ipp_filteraction_validate(&r->action, e) < 0 ||
	    ipp_rule_validate(&r->rule, &r->list, &r->action, e) < 0)
		return ipp_err_prefix(e, "dynamic rule: ");
	return 0;
}

int
agent_dyn_add(struct agent_dyn *d, struct ctl_rule *r, uint32_t *id, struct ipp_err *e)
{
	struct ipp_policy_tree *t = &d->tree;
	size_t n = t->policy.nrules, nl = t->nlists, na = t->nactions;
	uint32_t *nid;

	if (dyn_init(d, e) < 0)
		return -1;
	if (n >= AGENT_DYN_MAX)
		return ipp_errf(e, IPP_E_INVAL, "dynamic rules: %d already, no more allowed",
		    AGENT_DYN_MAX);
	if (dyn_check(r, d->next_id, e) < 0)
		return -1;
	if ((nid = reallocarray(d->ids, n + 1, sizeof(*nid))) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "dynamic rules: out of memory");
	d->ids = nid;
	if (ipp_array_push(&t->policy.rules, &t->policy.nrules, sizeof(r->rule), &r->rule) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "dynamic rules: out of memory");
	if (ipp_array_push(&t->lists, &t->nlists, sizeof(r->list), &r->list) == NULL) {
		t->policy.nrules = n;
		return ipp_errf(e, IPP_E_NOMEM, "dynamic rules: out of memory");
	}
	if (ipp_array_push(&t->actions, &t->nactions, sizeof(r->action), &r->action) == NULL) {
		t->policy.nrules = n;
		t->nlists = nl;
		t->nactions = na;
		return ipp_errf(e, IPP_E_NOMEM, "dynamic rules: out of memory");
	}
	/* The tree owns the contents now. */
	memset(&r->rule, 0, sizeof(r->rule));
	memset(&r->list, 0, sizeof(r->list));
	memset(&r->action, 0, sizeof(r->action));
	d->ids[n] = *id = d->next_id++;
	return 0;
}

static void
dyn_remove(struct agent_dyn *d, size_t i)
{
	struct ipp_policy_tree *t = &d->tree;
	size_t rest = t->policy.nrules - i - 1;

	ipp_rule_clear(&t->policy.rules[i]);
	ipp_filterlist_clear(&t->lists[i]);
	ipp_filteraction_clear(&t->actions[i]);
	memmove(&t->policy.rules[i], &t->policy.rules[i + 1], rest * sizeof(t->policy.rules[0]));
	memmove(&t->lists[i], &t->lists[i + 1], rest * sizeof(t->lists[0]));
	memmove(&t->actions[i], &t->actions[i + 1], rest * sizeof(t->actions[0]));
	memmove(&d->ids[i], &d->ids[i + 1], rest * sizeof(d->ids[0]));
	t->policy.nrules--;
	t->nlists--;
	t->nactions--;
}

int
agent_dyn_del(struct agent_dyn *d, uint32_t id, struct ipp_err *e)
{
	for (size_t i = 0; i < d->tree.policy.nrules; i++)
		if (d->ids[i] == id) {
			dyn_remove(d, i);
			return 0;
		}
	return ipp_errf(e, IPP_E_NOENT, "dynamic rule %u does not exist", id);
}

void
agent_dyn_flush(struct agent_dyn *d)
{
	while (d->tree.policy.nrules > 0)
		dyn_remove(d, d->tree.policy.nrules - 1);
}

size_t
agent_dyn_count(const struct agent_dyn *d)
{
	return d->tree.policy.nrules;
}

const struct ipp_policy_tree *
agent_dyn_tree(const struct agent_dyn *d)
{
	return d->tree.policy.nrules > 0 ? &d->tree : NULL;
}

void
agent_dyn_view(const struct agent_dyn *d, size_t i, struct ctl_rule *out)
{
	memset(out, 0, sizeof(*out));
	out->id = d->ids[i];
	out->rule = d->tree.policy.rules[i];
	out->list = d->tree.lists[i];
	out->action = d->tree.actions[i];
}
