/*
 * agent_source: where the policy in force comes from (design.md, "Where the effective
 * policy comes from"; ipsecpold(8)).  The directory first: its policy overrides the local
 * one.  A directory that cannot be reached hands over to its cache, unless a directory
 * policy is in force already (then that one stays); no usable cache hands over to the
 * local store.  A directory that answers with nothing assigned to this host hands over
 * to the local store, as Windows does without a domain policy.  Every outcome carries
 * its reason, which the agent logs.
 */
#ifndef IPP_AGENT_SOURCE_H
#define IPP_AGENT_SOURCE_H

#include <time.h>

#include "agent/cache.h"
#include "agent/conf.h"
#include "store/store.h"
#include "store/model.h"

enum agent_source_outcome {
	AGENT_SOURCE_FOUND = 0,	/* tree filled: apply it */
	AGENT_SOURCE_NONE,	/* nothing assigned anywhere: no ipsecpol policy */
	AGENT_SOURCE_FAILED,	/* a source that should answer could not: keep what is applied */
};

enum agent_source_kind {
	AGENT_KIND_NONE = 0,
	AGENT_KIND_DIRECTORY,
	AGENT_KIND_CACHE,
	AGENT_KIND_LOCAL,
};

struct agent_source_result {
	enum agent_source_outcome outcome;
	enum agent_source_kind	kind;		/* FOUND: which source gave the tree */
	struct ipp_policy_tree	tree;		/* FOUND */
	char			where[512];	/* "local store /var/lib/ipsecpol/local.db" */
	char			reason[1024];	/* why this outcome */
	char			policy_dn[1024];	/* DIRECTORY, CACHE */
	time_t			fetched;	/* DIRECTORY: now; CACHE: when it was fetched */
	char			dir_error[512];	/* the directory's failure, "" if none */
	char			cache_error[512];	/* the cache's failure, "" if none */
};

/*
 * Chooses and loads.  in_force is the kind of the policy applied now: a directory or
 * cache policy in force stays when the directory fails.  r is zeroed here; clear it with
 * agent_source_result_clear.
 */
void	agent_source_select(const struct agent_conf *c, enum agent_source_kind in_force,
	    struct agent_source_result *r);
void	agent_source_result_clear(struct agent_source_result *r);
const char *agent_source_kind_name(enum agent_source_kind k);

/* source_directory.c: one fetch from the directory, in a thread whose connections are
 * shut down when it runs past ldap_timeout.  1 with t and m filled (m->fetched now), 0 when nothing is
 * assigned to this host (why says so), -1 with why on failure. */
int	agent_source_fetch(const struct agent_conf *c, struct ipp_policy_tree *t,
	    struct cache_meta *m, char *why, size_t len);

/* dir_tls.c: after a failed ldaps:// connection, says in e why the server's certificate
 * was refused, if that was the reason (else e stays). */
void	agent_dir_tls_explain(const struct ipp_dir_config *c, struct ipp_err *e);

#endif
