/* agent_source: the choice between the directory, its cache and the local store. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "agent/source.h"
#include "store/store.h"

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

const char *
agent_source_kind_name(enum agent_source_kind k)
{
	static const char *names[] = { "none", "directory", "cache", "local" };

	return (unsigned)k < 4 ? names[k] : "?";
}

static void
fmt_time(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "%lld", (long long)t);
}

/* The directory answered with a policy: it is in force, and cached. */
static void
select_directory(const struct agent_conf *c, struct cache_meta *m,
    struct agent_source_result *r)
{
	struct ipp_err e;

	r->outcome = AGENT_SOURCE_FOUND;
	r->kind = AGENT_KIND_DIRECTORY;
	r->fetched = (time_t)m->fetched;
	snprintf(r->policy_dn, sizeof(r->policy_dn), "%s", m->policy_dn);
	snprintf(r->where, sizeof(r->where), "directory %s", c->ldap_uri);
	snprintf(r->reason, sizeof(r->reason), "policy '%s' (%.400s) is assigned to host "
	    "%.128s in directory %.200s; directory policy overrides local policy",
	    r->tree.policy.name, m->policy_dn, m->host, c->ldap_uri);
	if (cache_write(c->cache, m, &r->tree, &e) < 0)
		snprintf(r->cache_error, sizeof(r->cache_error), "%s", e.msg);
}

/*
 * The directory could not be reached and no directory policy is in force: its cache, if
 * it is sound and was fetched for this directory and host.  1 when it is applied, else 0
 * with note saying why not.
 */
static int
select_cache(const struct agent_conf *c, struct agent_source_result *r, char *note,
    size_t len)
{
	struct cache_meta m;
	struct ipp_err e;
	char host[256], when[32];
	int rc;

	agent_conf_host(c, host, sizeof(host));
	rc = cache_read(c->cache, &m, &r->tree, &e);
	if (rc > 0) {
		snprintf(note, len, "and there is no cache %.300s", c->cache);
		return 0;
	}
	if (rc == 0 && (strcmp(m.uri, c->ldap_uri) != 0 || strcmp(m.host, host) != 0)) {
		rc = ipp_errf(&e, IPP_E_STORE, "cache %.200s holds the policy of host %.128s in "
		    "directory %.200s, not of host %.128s in %.200s: ignoring it", c->cache,
		    m.host, m.uri, host, c->ldap_uri);
		ipp_policy_tree_clear(&r->tree);
		cache_meta_clear(&m);
	}
	if (rc < 0) {
		snprintf(r->cache_error, sizeof(r->cache_error), "%s", e.msg);
		snprintf(note, len, "and its cache is unusable (%.400s)", e.msg);
		return 0;
	}
	r->outcome = AGENT_SOURCE_FOUND;
	r->kind = AGENT_KIND_CACHE;
	r->fetched = (time_t)m.fetched;
	snprintf(r->policy_dn, sizeof(r->policy_dn), "%s", m.policy_dn);
	snprintf(r->where, sizeof(r->where), "cache %s", c->cache);
	fmt_time(r->fetched, when, sizeof(when));
	snprintf(r->reason, sizeof(r->reason), "directory %.200s cannot be read (%.300s); "
	    "applying its cached copy of policy '%s' (%.300s) fetched at %s", c->ldap_uri,
	    r->dir_error, r->tree.policy.name, m.policy_dn, when);
	cache_meta_clear(&m);
	return 1;
}

void
agent_source_select(const struct agent_conf *c, enum agent_source_kind in_force,
    struct agent_source_result *r)
{
	struct cache_meta m = { 0 };
	char note[1024], why[512], rest[sizeof(r->reason)];
	int rc, n;

	memset(r, 0, sizeof(*r));
	if (c->ldap_uri == NULL) {
		snprintf(note, sizeof(note), "no directory configured");
		goto local;
	}
	rc = agent_source_fetch(c, &r->tree, &m, why, sizeof(why));
	if (rc > 0) {
		select_directory(c, &m, r);
		cache_meta_clear(&m);
		return;
	}
	if (rc == 0) {
		/* An unassigned policy must not come back from the cache in an outage. */
		if (unlink(c->cache) == 0)
			snprintf(note, sizeof(note), "%s (its cache %.200s is removed)", why,
			    c->cache);
		else
			snprintf(note, sizeof(note), "%s", why);
		goto local;
	}
	snprintf(r->dir_error, sizeof(r->dir_error), "%s", why);
	if (in_force == AGENT_KIND_DIRECTORY || in_force == AGENT_KIND_CACHE) {
		r->outcome = AGENT_SOURCE_FAILED;
		snprintf(r->reason, sizeof(r->reason), "directory %.200s cannot be read: %s",
		    c->ldap_uri, why);
		return;
	}
	n = snprintf(note, sizeof(note), "directory %.200s cannot be read (%.300s) ",
	    c->ldap_uri, why);
	if (select_cache(c, r, note + n, sizeof(note) - (size_t)n) > 0)
		return;
local:
	r->outcome = source_local(c, r);
	r->kind = r->outcome == AGENT_SOURCE_FOUND ? AGENT_KIND_LOCAL : AGENT_KIND_NONE;
	/* Without a directory only "nothing assigned" needs the directory's part told. */
	if (c->ldap_uri != NULL || r->outcome == AGENT_SOURCE_NONE) {
		memcpy(rest, r->reason, sizeof(rest));
		snprintf(r->reason, sizeof(r->reason), "%.500s; %.500s", note, rest);
	}
	if (r->outcome == AGENT_SOURCE_NONE)
		snprintf(r->where, sizeof(r->where), "none");
}

void
agent_source_result_clear(struct agent_source_result *r)
{
	ipp_policy_tree_clear(&r->tree);
	memset(r, 0, sizeof(*r));
}
