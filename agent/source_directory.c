/*
 * agent_source_fetch: one fetch of this host's policy from the directory.
 *
 * libldap's own timeouts do not cover every way a server can hang (a stopped slapd
 * accepts the TCP connection and then says nothing; a TLS handshake can stall), so the
 * fetch runs in a thread that the agent waits for until ldap_timeout.  At the deadline it
 * shuts the fetch's connections down (ipp_dir_cancel), which ends any wait in libldap,
 * and goes on without waiting further: a thread that is still stuck (in the resolver, say)
 * finishes on its own and frees what it holds.  The thread builds the tree in the agent's
 * own memory, so the policy is decoded once, from the directory's answer.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent/source.h"
#include "store/ldap.h"
#include "store/store.h"

/* Fetches that ran past their deadline and have not ended yet: past this, no new one. */
#define STUCK_MAX	4

static atomic_uint stuck;

/* What one fetch needs, its own copies: the agent may reload its configuration while a
 * fetch that ran past its deadline is still going. */
struct job {
	pthread_mutex_t		mu;
	pthread_cond_t		cv;
	unsigned		refs;		/* the agent's and the thread's */
	bool			done;
	bool			abandoned;	/* the agent stopped waiting */
	struct ipp_dir_config	cfg;
	char			*str[7];	/* cfg's strings */
	char			host[256];
	/* the outcome */
	int			rc;
	struct ipp_policy_tree	tree;
	char			*policy_dn;
	uint8_t			digest[CACHE_DIGEST_LEN];
	struct ipp_err		e;
};

static void
job_free(struct job *j)
{
	ipp_policy_tree_clear(&j->tree);
	free(j->policy_dn);
	for (size_t i = 0; i < sizeof(j->str) / sizeof(j->str[0]); i++)
		free(j->str[i]);
	ipp_dir_cancel_free(j->cfg.cancel);
	pthread_cond_destroy(&j->cv);
	pthread_mutex_destroy(&j->mu);
	free(j);
}

/* Drops one reference, with j->mu held; the last one frees the job. */
static void
job_release(struct job *j)
{
	bool last = --j->refs == 0;

	pthread_mutex_unlock(&j->mu);
	if (last)
		job_free(j);
}

/* A copy of *p kept in the job, which frees it. */
static int
job_str(struct job *j, size_t i, const char **p)
{
	if (*p == NULL)
		return 0;
	if ((j->str[i] = strdup(*p)) == NULL)
		return -1;
	*p = j->str[i];
	return 0;
}

static struct job *
job_new(const struct agent_conf *c, char *why, size_t len)
{
	struct ipp_err e = { 0 };
	pthread_condattr_t ca;
	struct job *j;
	int rc;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		return snprintf(why, len, "out of memory starting the fetch"), NULL;
	pthread_mutex_init(&j->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&j->cv, &ca);
	pthread_condattr_destroy(&ca);
	j->refs = 1;
	/* The agent's rule for the password file is stricter than the store's: root's. */
	if (c->ldap_bind == AGENT_BIND_SIMPLE) {
		char pw[AGENT_SECRET_MAX];

		rc = agent_conf_password(c, pw, sizeof(pw), &e);
		explicit_bzero(pw, sizeof(pw));
		if (rc < 0) {
			snprintf(why, len, "%s", e.msg);
			job_free(j);
			return NULL;
		}
	}
	if (agent_conf_dir(c, &j->cfg, &e) < 0) {
		snprintf(why, len, "%s", e.msg);
		job_free(j);
		return NULL;
	}
	agent_conf_host(c, j->host, sizeof(j->host));
	rc = job_str(j, 0, &j->cfg.uri) | job_str(j, 1, &j->cfg.base) |
	    job_str(j, 2, &j->cfg.bind_dn) | job_str(j, 3, &j->cfg.bind_password_file) |
	    job_str(j, 4, &j->cfg.ca_file) | job_str(j, 5, &j->cfg.cert_file) |
	    job_str(j, 6, &j->cfg.key_file);
	if (rc < 0 || (j->cfg.cancel = ipp_dir_cancel_new()) == NULL) {
		snprintf(why, len, "out of memory starting the fetch");
		job_free(j);
		return NULL;
	}
	return j;
}

/*
 * The LDAP part: bind as configured, find the policy assigned to host (its entry, then
 * the nearest OU up to the base), load and validate the whole tree and digest it.
 * 1 found, 0 none, -1 with e.
 */
static int
dir_fetch(struct job *j, struct ipp_err *e)
{
	struct ipp_store_opts o = { .flags = IPP_STORE_RDONLY };
	struct ipp_dir_assignment as = { 0 };
	struct ipp_store *st;
	bool by_dn = strchr(j->host, '=') != NULL;
	int rc;

	if (ipp_store_open_directory(&st, &j->cfg, &o, e) < 0) {
		if (!ipp_dir_cancel_fired(j->cfg.cancel))
			agent_dir_tls_explain(&j->cfg, e);
		return -1;
	}
	rc = ipp_dir_resolve(st, by_dn ? j->host : NULL, by_dn ? NULL : j->host, &as, e);
	if (rc < 0 && e->code == IPP_E_NOENT) {
		/* Not a member of the directory: as a host outside the domain on Windows. */
		ipp_store_close(st);
		return 0;
	}
	if (rc == 0 && as.level != IPP_DIR_NONE) {
		/* The store validates what it loads (ipp_policy_tree_validate). */
		if (ipp_store_policy_get(st, as.policy_guid, &j->tree, e) < 0)
			rc = ipp_err_prefix(e, "policy %s assigned by %s", as.policy_dn,
			    as.from_dn);
		else if ((j->policy_dn = strdup(as.policy_dn)) == NULL ||
		    cache_tree_digest(&j->tree, j->digest) < 0)
			rc = ipp_errf(e, IPP_E_NOMEM, "out of memory");
		else
			rc = 1;
	}
	ipp_dir_assignment_clear(&as);
	ipp_store_close(st);
	return rc;
}

static void *
job_run(void *arg)
{
	struct job *j = arg;
	struct ipp_err e = { 0 };
	int rc;

	rc = dir_fetch(j, &e);
	pthread_mutex_lock(&j->mu);
	j->rc = rc;
	j->e = e;
	j->done = true;
	if (j->abandoned)
		atomic_fetch_sub(&stuck, 1);
	pthread_cond_signal(&j->cv);
	job_release(j);
	return NULL;
}

/* Waits for the thread until the deadline; false if it is still running then. */
static bool
job_wait(struct job *j, const struct timespec *deadline)
{
	int rc = 0;

	while (!j->done && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&j->cv, &j->mu, deadline);
	return j->done;
}

static int
job_start(struct job *j, char *why, size_t len)
{
	pthread_attr_t a;
	pthread_t tid;
	int rc;

	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	j->refs = 2;
	rc = pthread_create(&tid, &a, job_run, j);
	pthread_attr_destroy(&a);
	if (rc != 0) {
		j->refs = 1;
		return snprintf(why, len, "cannot start the fetch: %s", strerror(rc)), -1;
	}
	return 0;
}

/* The thread's outcome into t and m (1), or why (0 nothing assigned, -1 failed). */
static int
job_take(struct job *j, const struct agent_conf *c, struct ipp_policy_tree *t,
    struct cache_meta *m, char *why, size_t len)
{
	if (j->rc < 0)
		return snprintf(why, len, "%s", j->e.msg), -1;
	if (j->rc == 0)
		return snprintf(why, len, "directory %.300s answers but assigns no policy to "
		    "host %.128s (not to its entry, its OUs or the base): the local policy "
		    "applies", c->ldap_uri, j->host), 0;
	if ((m->uri = strdup(c->ldap_uri)) == NULL || (m->host = strdup(j->host)) == NULL) {
		cache_meta_clear(m);
		return snprintf(why, len, "out of memory"), -1;
	}
	*t = j->tree;
	memset(&j->tree, 0, sizeof(j->tree));
	m->policy_dn = j->policy_dn;
	j->policy_dn = NULL;
	memcpy(m->digest, j->digest, sizeof(m->digest));
	m->fetched = (int64_t)time(NULL);
	return 1;
}

int
agent_source_fetch(const struct agent_conf *c, struct ipp_policy_tree *t,
    struct cache_meta *m, char *why, size_t len)
{
	struct timespec deadline;
	struct job *j;
	int rc;

	memset(t, 0, sizeof(*t));
	memset(m, 0, sizeof(*m));
	if (atomic_load(&stuck) >= STUCK_MAX)
		return snprintf(why, len, "directory %.200s: %u earlier fetches are still stuck "
		    "past ldap_timeout; no new one until they end", c->ldap_uri,
		    atomic_load(&stuck)), -1;
	if ((j = job_new(c, why, len)) == NULL)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += c->ldap_timeout;
	pthread_mutex_lock(&j->mu);
	if (job_start(j, why, len) < 0) {
		job_release(j);
		return -1;
	}
	if (job_wait(j, &deadline))
		rc = job_take(j, c, t, m, why, len);
	else {
		ipp_dir_cancel_fire(j->cfg.cancel);
		j->abandoned = true;
		atomic_fetch_add(&stuck, 1);
		snprintf(why, len, "directory %.200s did not answer within %u s (ldap_timeout): "
		    "the fetch was stopped", c->ldap_uri, c->ldap_timeout);
		rc = -1;
	}
	job_release(j);
	return rc;
}
