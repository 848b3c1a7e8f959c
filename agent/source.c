/* agent_source: the table of policy sources, most authoritative first. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "agent/source.h"
#include "store/store.h"

struct source {
	const char	*name;
	enum agent_source_outcome (*load)(const struct agent_conf *c,
			    struct agent_source_result *r);
};

/* The directory (and its cache) come with the directory issue: not configured yet. */
static enum agent_source_outcome
source_directory(const struct agent_conf *c, struct agent_source_result *r)
{
	snprintf(r->reason, sizeof(r->reason), "no directory configured");
	return AGENT_SOURCE_NONE;
}

static enum agent_source_outcome
source_local(const struct agent_conf *c, struct agent_source_result *r)
{
	struct ipp_store_opts o = { .flags = IPP_STORE_RDONLY, .busy_timeout_ms = 2000 };
	struct ipp_store *st;
	struct ipp_err e;
	struct stat sb;
	char *name = NULL;

	snprintf(r->where, sizeof(r->where), "local store %s", c->local_store);
	if (stat(c->local_store, &sb) < 0) {
		snprintf(r->reason, sizeof(r->reason), "local store %s cannot be read: %s",
		    c->local_store, strerror(errno));
		return AGENT_SOURCE_FAILED;
	}
	if (ipp_store_open_local(&st, c->local_store, &o, &e) < 0) {
		snprintf(r->reason, sizeof(r->reason), "local store %s: %s", c->local_store,
		    e.msg);
		return AGENT_SOURCE_FAILED;
	}
	if (ipp_store_assigned(st, &name, &e) < 0) {
		snprintf(r->reason, sizeof(r->reason), "local store %s: %s", c->local_store,
		    e.msg);
		ipp_store_close(st);
		return AGENT_SOURCE_FAILED;
	}
	if (name == NULL) {
		snprintf(r->reason, sizeof(r->reason), "no policy is assigned in local store %s",
		    c->local_store);
		ipp_store_close(st);
		return AGENT_SOURCE_NONE;
	}
	if (ipp_store_policy_get(st, name, &r->tree, &e) < 0 ||
	    ipp_policy_tree_validate(&r->tree, &e) < 0) {
		snprintf(r->reason, sizeof(r->reason), "local store %s: assigned policy '%s': %s",
		    c->local_store, name, e.msg);
		ipp_policy_tree_clear(&r->tree);
		free(name);
		ipp_store_close(st);
		return AGENT_SOURCE_FAILED;
	}
	snprintf(r->reason, sizeof(r->reason), "policy '%s' is assigned in local store %s "
	    "and no directory policy overrides it", name, c->local_store);
	free(name);
	ipp_store_close(st);
	return AGENT_SOURCE_FOUND;
}

static const struct source sources[] = {
	{ "directory", source_directory },
	{ "local", source_local },
};

void
agent_source_select(const struct agent_conf *c, struct agent_source_result *r)
{
	char skipped[1024] = "";
	size_t i, l;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < sizeof(sources) / sizeof(sources[0]); i++) {
		r->outcome = sources[i].load(c, r);
		if (r->outcome != AGENT_SOURCE_NONE)
			break;
		l = strlen(skipped);
		snprintf(skipped + l, sizeof(skipped) - l, "%s%.400s", l ? "; " : "", r->reason);
	}
	if (r->outcome == AGENT_SOURCE_NONE) {
		snprintf(r->where, sizeof(r->where), "none");
		snprintf(r->reason, sizeof(r->reason), "%s", skipped);
	}
}

void
agent_source_result_clear(struct agent_source_result *r)
{
	ipp_policy_tree_clear(&r->tree);
	memset(r, 0, sizeof(*r));
}
