/*
 * The seam between the generic store front (store/store.c) and a backend (the SQLite file
 * now, the LDAP directory later).
 *
 * The front validates every input with the ipp_*_validate functions, resolves and checks
 * references between objects, and makes every write atomic; a backend only moves objects
 * in and out of its medium.  A backend may therefore assume valid input, but it still
 * reports what only it can see: a missing object (IPP_E_NOENT), a duplicate name or GUID
 * (IPP_E_EXIST), and any failure of the medium (IPP_E_STORE).
 *
 * Transactions: the front brackets every operation.  Outside an explicit transaction it
 * calls tx_begin .. tx_commit (or tx_rollback); inside one it calls sp_begin ..
 * sp_release (or sp_rollback), so that a failed operation inside a transaction undoes
 * only itself.  Reads are bracketed too (tx_begin with write false) so that a policy tree
 * comes from one consistent snapshot.
 */
#ifndef IPP_BACKEND_H
#define IPP_BACKEND_H

#include <stdbool.h>

#include "store/store.h"

enum ipp_objkind {
	IPP_OBJ_POLICY = 0,
	IPP_OBJ_FILTERLIST,
	IPP_OBJ_FILTERACTION,
};

/* Who uses a filter list or filter action: the names of the policies, and one entry per
 * rule, "'RULE' (policy 'POLICY')". */
struct ipp_users {
	struct ipp_names policies;
	struct ipp_names rules;
};

struct ipp_store_backend {
	const char *name;
	void (*close)(struct ipp_store *st);

	int (*tx_begin)(struct ipp_store *st, bool write, struct ipp_err *e);
	int (*tx_commit)(struct ipp_store *st, struct ipp_err *e);
	void (*tx_rollback)(struct ipp_store *st);
	int (*sp_begin)(struct ipp_store *st, struct ipp_err *e);
	int (*sp_release)(struct ipp_store *st, struct ipp_err *e);
	void (*sp_rollback)(struct ipp_store *st);

	int (*list)(struct ipp_store *st, enum ipp_objkind kind, struct ipp_names *out,
	    struct ipp_err *e);
	/* IPP_E_NOENT when key names no object of that kind. */
	int (*users)(struct ipp_store *st, enum ipp_objkind kind, const char *key,
	    struct ipp_users *out, struct ipp_err *e);

	int (*policy_get)(struct ipp_store *st, const char *key, struct ipp_policy_tree *out,
	    struct ipp_err *e);
	/* Inserts the policy and its rules; the rules' references exist (the front checked). */
	int (*policy_create)(struct ipp_store *st, const struct ipp_policy *p,
	    struct ipp_err *e);
	int (*policy_update)(struct ipp_store *st, const char *key, const struct ipp_policy *p,
	    struct ipp_err *e);
	int (*policy_delete)(struct ipp_store *st, const char *key, struct ipp_err *e);
	int (*assign)(struct ipp_store *st, const char *key, struct ipp_err *e);
	int (*unassign)(struct ipp_store *st, struct ipp_err *e);
	int (*assigned)(struct ipp_store *st, char **name, struct ipp_err *e);

	int (*filterlist_get)(struct ipp_store *st, const char *key, struct ipp_filterlist *out,
	    struct ipp_err *e);
	int (*filterlist_create)(struct ipp_store *st, const struct ipp_filterlist *fl,
	    struct ipp_err *e);
	int (*filterlist_update)(struct ipp_store *st, const char *key,
	    const struct ipp_filterlist *fl, struct ipp_err *e);
	int (*filterlist_delete)(struct ipp_store *st, const char *key, struct ipp_err *e);
	int (*filter_add)(struct ipp_store *st, const char *list, const struct ipp_filter *f,
	    struct ipp_err *e);
	int (*filter_delete)(struct ipp_store *st, const char *list,
	    const struct ipp_filter *match, struct ipp_err *e);

	int (*filteraction_get)(struct ipp_store *st, const char *key,
	    struct ipp_filteraction *out, struct ipp_err *e);
	int (*filteraction_create)(struct ipp_store *st, const struct ipp_filteraction *fa,
	    struct ipp_err *e);
	int (*filteraction_update)(struct ipp_store *st, const char *key,
	    const struct ipp_filteraction *fa, struct ipp_err *e);
	int (*filteraction_delete)(struct ipp_store *st, const char *key, struct ipp_err *e);

	int (*rule_create)(struct ipp_store *st, const char *policy, const struct ipp_rule *r,
	    struct ipp_err *e);
	int (*rule_update)(struct ipp_store *st, const char *policy, const char *key,
	    const struct ipp_rule *r, struct ipp_err *e);
	int (*rule_delete)(struct ipp_store *st, const char *policy, const char *key,
	    struct ipp_err *e);
};

/* What every backend's handle starts with; the backend's own state follows. */
struct ipp_store {
	const struct ipp_store_backend *be;
	enum ipp_store_kind kind;
	int flags;		/* IPP_STORE_* open flags */
	bool in_tx;		/* an explicit transaction is open */
	char where[512];	/* "local store /var/lib/ipsecpol/local.db" */
};

void ipp_users_free(struct ipp_users *u);
/* Brackets one operation (store/store.c): its own transaction, or a savepoint inside the
 * caller's.  op_end commits or releases when rc is 0, else rolls back; returns 0 or -1. */
int ipp_store_op_begin(struct ipp_store *st, bool write, struct ipp_err *e);
int ipp_store_op_end(struct ipp_store *st, bool write, int rc, struct ipp_err *e);
/* Appends a copy of s to n, keeping it unsorted. */
int ipp_names_push(struct ipp_names *n, const char *s, struct ipp_err *e);

/* ---- the SQLite backend (store/sqlite.c) ---- */
/* Opens or creates the file.  On return with *created set, the store is new and a write
 * transaction is open (st->in_tx) so that the front can seed it before it is committed. */
int sqlstore_open(struct ipp_store **out, const char *path, const struct ipp_store_opts *opts,
    bool *created, struct ipp_err *e);

#endif
