/*
 * ipp_store: where policies live.  One interface, several backends: the local SQLite file
 * now, the LDAP directory later (store/backend.h is the seam).
 *
 * Every write validates its input first and is atomic: it runs inside the caller's
 * transaction (ipp_store_begin .. commit/rollback) or, when none is open, inside its own.
 * A failed call leaves the store exactly as it was.  Names are unique per object kind.
 * Calls return 0, or -1 with e set (class in e->code, message naming the object).
 */
#ifndef IPP_STORE_H
#define IPP_STORE_H

#include "store/model.h"

struct ipp_store;

enum ipp_store_kind {
	IPP_STORE_LOCAL = 0,	/* SQLite file */
	IPP_STORE_DIRECTORY,	/* LDAP */
};

/* Open flags. */
#define IPP_STORE_CREATE	0x1	/* create (and seed with the examples) if missing */
#define IPP_STORE_RDONLY	0x2
#define IPP_STORE_NOSEED	0x4	/* with CREATE: leave the new store empty */

struct ipp_store_opts {
	int flags;
	int busy_timeout_ms;	/* how long a writer waits for another; 0 = 5000 */
};

/* Opens the local store at path.  A file that is not an ipsecpol store, is corrupt or
 * has a newer schema is refused and left untouched (IPP_E_STORE).  New files are 0600. */
int ipp_store_open_local(struct ipp_store **out, const char *path,
    const struct ipp_store_opts *opts, struct ipp_err *e);
/* The LDAP directory (store/ldap.c, schema in ipsecpol-schema(5)).  TLS certificates are
 * verified unless tls_noverify; timeouts of 0 mean 10 s.  The bind password is read from
 * its file (one trailing newline ignored) and wiped once the bind is done. */
enum ipp_dir_bind {
	IPP_DIR_BIND_NONE = 0,		/* anonymous */
	IPP_DIR_BIND_SIMPLE,		/* bind_dn + bind_password_file */
	IPP_DIR_BIND_EXTERNAL,		/* SASL EXTERNAL: ldapi:// peer or TLS client cert */
};

struct ipp_dir_config {
	const char *uri;		/* ldap://, ldaps:// or ldapi:// */
	const char *base;		/* the policy objects are under cn=IP Security,<base> */
	enum ipp_dir_bind bind;
	const char *bind_dn;
	const char *bind_password_file;
	bool starttls;			/* ldap:// only: StartTLS, and fail without it */
	const char *ca_file;		/* NULL: the system's CA store */
	const char *cert_file;		/* TLS client certificate (EXTERNAL over TLS) */
	const char *key_file;
	bool tls_noverify;		/* for tests only: do not verify the server */
	int net_timeout_s;		/* connecting, TLS handshake */
	int op_timeout_s;		/* each operation */
	struct ipp_dir_cancel *cancel;	/* NULL, or how another thread stops it */
};

/* store/dir_cancel.c: firing it from any thread shuts down every connection of the store
 * opened with it (now and later), so that the operation under way fails at once. */
struct ipp_dir_cancel *ipp_dir_cancel_new(void);
void ipp_dir_cancel_free(struct ipp_dir_cancel *c);
void ipp_dir_cancel_fire(struct ipp_dir_cancel *c);
bool ipp_dir_cancel_fired(struct ipp_dir_cancel *c);
void ipp_dir_cancel_watch(struct ipp_dir_cancel *c, int fd);
void ipp_dir_cancel_unwatch(struct ipp_dir_cancel *c, int fd);

/* Connects and binds.  With IPP_STORE_CREATE a missing policy container is made. */
int ipp_store_open_directory(struct ipp_store **out, const struct ipp_dir_config *cfg,
    const struct ipp_store_opts *opts, struct ipp_err *e);
void ipp_store_close(struct ipp_store *st);
enum ipp_store_kind ipp_store_kind(const struct ipp_store *st);
/* Human description of where the store is ("local store /var/lib/...", "directory ..."). */
const char *ipp_store_where(const struct ipp_store *st);

int ipp_store_begin(struct ipp_store *st, struct ipp_err *e);
int ipp_store_commit(struct ipp_store *st, struct ipp_err *e);
void ipp_store_rollback(struct ipp_store *st);

/* Names of all objects of a kind, sorted.  Free with ipp_names_free. */
struct ipp_names {
	char **v;
	size_t n;
};
void ipp_names_free(struct ipp_names *n);
int ipp_store_policy_list(struct ipp_store *st, struct ipp_names *out, struct ipp_err *e);
int ipp_store_filterlist_list(struct ipp_store *st, struct ipp_names *out, struct ipp_err *e);
int ipp_store_filteraction_list(struct ipp_store *st, struct ipp_names *out, struct ipp_err *e);

/* Policies.  key is a name or a braced GUID.  get loads the whole tree; clear it with
 * ipp_policy_tree_clear.  create fills p->guid when empty; rules in p are created too.
 * update changes the policy's own settings, main mode and default rule (not its rules);
 * newname may be NULL.  delete removes the policy and its rules (not the shared lists
 * and actions). */
int ipp_store_policy_get(struct ipp_store *st, const char *key, struct ipp_policy_tree *out,
    struct ipp_err *e);
int ipp_store_policy_create(struct ipp_store *st, struct ipp_policy *p, struct ipp_err *e);
int ipp_store_policy_update(struct ipp_store *st, const char *key, const struct ipp_policy *p,
    struct ipp_err *e);
int ipp_store_policy_delete(struct ipp_store *st, const char *key, struct ipp_err *e);

/* Assignment: at most one policy is assigned.  assign unassigns the previous one.
 * assigned returns 0 with *name NULL when none is; free *name. */
int ipp_store_assign(struct ipp_store *st, const char *key, struct ipp_err *e);
int ipp_store_unassign(struct ipp_store *st, struct ipp_err *e);
int ipp_store_assigned(struct ipp_store *st, char **name, struct ipp_err *e);

/* Filter lists: create takes the list with its filters; update changes name/description
 * (keyed by the old name or GUID); delete fails with IPP_E_INUSE naming the rules that use
 * it.  filter_add appends one filter; filter_delete removes every filter equal to match
 * (IPP_E_NOENT if none). */
int ipp_store_filterlist_get(struct ipp_store *st, const char *key, struct ipp_filterlist *out,
    struct ipp_err *e);
int ipp_store_filterlist_create(struct ipp_store *st, struct ipp_filterlist *fl,
    struct ipp_err *e);
int ipp_store_filterlist_update(struct ipp_store *st, const char *key,
    const struct ipp_filterlist *fl, struct ipp_err *e);
int ipp_store_filterlist_delete(struct ipp_store *st, const char *key, struct ipp_err *e);
int ipp_store_filter_add(struct ipp_store *st, const char *list, const struct ipp_filter *f,
    struct ipp_err *e);
int ipp_store_filter_delete(struct ipp_store *st, const char *list,
    const struct ipp_filter *match, struct ipp_err *e);

/* Filter actions: update replaces every setting (offers too) of the action named key. */
int ipp_store_filteraction_get(struct ipp_store *st, const char *key,
    struct ipp_filteraction *out, struct ipp_err *e);
int ipp_store_filteraction_create(struct ipp_store *st, struct ipp_filteraction *fa,
    struct ipp_err *e);
int ipp_store_filteraction_update(struct ipp_store *st, const char *key,
    const struct ipp_filteraction *fa, struct ipp_err *e);
int ipp_store_filteraction_delete(struct ipp_store *st, const char *key, struct ipp_err *e);

/* Rules, within a policy.  The referenced filter list and action must exist (IPP_E_NOENT).
 * update replaces the rule named key (r->name may rename it). */
int ipp_store_rule_create(struct ipp_store *st, const char *policy, struct ipp_rule *r,
    struct ipp_err *e);
int ipp_store_rule_update(struct ipp_store *st, const char *policy, const char *key,
    const struct ipp_rule *r, struct ipp_err *e);
int ipp_store_rule_delete(struct ipp_store *st, const char *policy, const char *key,
    struct ipp_err *e);

/* Seeds the Windows example policies (store/examples.c); fails with IPP_E_EXIST if any of
 * their objects exists. */
int ipp_store_seed_examples(struct ipp_store *st, struct ipp_err *e);

#endif
