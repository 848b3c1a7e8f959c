/*
 * Internals of the LDAP backend, shared by store/ldap*.c only.  The design (layout, write
 * order, transactions) is described at the top of store/ldap.c.
 */
#ifndef IPP_LDAP_INT_H
#define IPP_LDAP_INT_H

#include <ldap.h>

#include "store/backend.h"
#include "store/ldap.h"

#define LDS_CONTAINER_RDN	"cn=IP Security"
#define LDS_REF_BATCH		256	/* referenced objects fetched by GUID in one search */

/* Object classes, in the order of enum lds_class. */
enum lds_class {
	LDS_POLICY = 0,
	LDS_MAINMODE,
	LDS_RULE,
	LDS_FILTERLIST,
	LDS_FILTERACTION,
	LDS_NCLASS
};

/* One entry as read: its DN and its attributes' values (ordered values in server order,
 * which X-ORDERED keeps by index). */
struct lds_attr {
	char *name;
	struct berval **vals;	/* NULL-terminated */
	size_t n;
	struct berval *inplace;	/* read: what vals point to, the values in msg's buffer;
				 * NULL: vals and their values are copies (ber_bvdup) */
};

struct lds_entry {
	char *dn;
	struct lds_attr *attrs;
	size_t nattrs;
	LDAPMessage *msg;	/* read: the message the values are in, freed with it */
};

struct lds_entries {
	struct lds_entry *v;
	size_t n;
};

/* A write that can be undone: the inverse of what was done. */
enum lds_undo_kind {
	LDS_UNDO_DELETE,	/* an entry was added: delete it */
	LDS_UNDO_ADD,		/* an entry was deleted: add it back as it was */
	LDS_UNDO_RESTORE,	/* an entry was modified: put these attributes back */
};

struct lds_undo {
	enum lds_undo_kind kind;
	struct lds_entry ent;	/* DN, and for ADD/RESTORE the old attributes */
	char **touched;		/* RESTORE: attributes to remove when absent from ent */
	size_t ntouched;
};

struct ldstore {
	struct ipp_store base;		/* first: what the front sees */
	LDAP *ld;
	char *uri;
	char *suffix;			/* the configured base DN */
	char *container;		/* cn=IP Security,<base> */
	struct timeval op_timeout;
	struct timeval net_timeout;
	struct ldap_conncb conncb;	/* bounds blocking socket calls (store/ldap.c) */
	char *ca_file;			/* for messages: NULL = the system's CAs */
	struct ipp_dir_cancel *cancel;	/* the caller's, or NULL */
	bool tls;
	struct lds_undo *undo;		/* writes of the open transaction, oldest first */
	size_t nundo;
	size_t marks[32];		/* savepoints: undo-log lengths */
	size_t nmarks;
	bool in_write;
};

static inline struct ldstore *
lds_of(struct ipp_store *st)
{
	return (struct ldstore *)st;
}

/* ---- store/ldap.c: connection, searches, writes with undo, errors ---- */
extern const char *const lds_class_names[LDS_NCLASS];
extern const char *const lds_class_what[LDS_NCLASS];
/* An LDAP result code as an ipp_err naming the server and what was being done. */
int lds_err(struct ldstore *s, int rc, const char *what, struct ipp_err *e);
/* Searches; attrs NULL-terminated (NULL: all user attributes).  No such base: no
 * entries. */
int lds_search(struct ldstore *s, const char *base, int scope, const char *filter,
    const char *const *attrs, struct lds_entries *out, struct ipp_err *e);
/* The same, each entry handed to fn as it arrives and freed when fn returns (fn may
 * take it over, leaving *en zeroed).  fn returns 0, or -1 with e to stop the search. */
typedef int (*lds_entry_fn)(struct ldstore *s, struct lds_entry *en, void *arg,
    struct ipp_err *e);
int lds_search_each(struct ldstore *s, const char *base, int scope, const char *filter,
    const char *const *attrs, lds_entry_fn fn, void *arg, struct ipp_err *e);
void lds_entries_free(struct lds_entries *es);
void lds_entry_free(struct lds_entry *en);
/* Adds (mods: LDAP_MOD_ADD|LDAP_MOD_BVALUES), deletes, modifies; each records its undo.
 * old is the entry as it was (for delete: all attributes; for modify: at least the
 * modified ones). */
int lds_add(struct ldstore *s, const char *dn, LDAPMod **mods, struct ipp_err *e);
int lds_delete(struct ldstore *s, const struct lds_entry *old, struct ipp_err *e);
int lds_modify(struct ldstore *s, const struct lds_entry *old, LDAPMod **mods,
    struct ipp_err *e);
/* The DN of an object: cn=<class>{GUID},<container>.  Free it. */
char *lds_dn(struct ldstore *s, enum lds_class c, const char *guid);
/* Checks that dn is cn=<class>{GUID},<container> and copies the GUID out; else
 * IPP_E_STORE naming the entry that holds the reference and the attribute. */
int lds_ref_guid(struct ldstore *s, const char *dn, enum lds_class c, const char *holder,
    const char *attr, char guid[IPP_GUID_SIZE], struct ipp_err *e);
/* An LDAP filter value with *()\ and NUL escaped (RFC 4515).  Free it. */
char *lds_filter_escape(const char *s);

/* ---- store/ldap_probe.c ---- */
/* IPP_E_STORE unless the ldaps:// server at uri answers within the network timeout. */
int lds_tls_probe(struct ldstore *s, const char *uri, struct ipp_err *e);

/* ---- store/ldap_values.c: attribute values <-> model (fuzzed) ---- */
const struct lds_attr *lds_attr(const struct lds_entry *en, const char *name);
/* The single value of name as a string; required: IPP_E_STORE when absent. */
int lds_get_str(const struct lds_entry *en, const char *name, bool required, char **out,
    struct ipp_err *e);
int lds_get_uint(const struct lds_entry *en, const char *name, uint32_t lo, uint32_t hi,
    uint32_t *out, struct ipp_err *e);
int lds_get_bool(const struct lds_entry *en, const char *name, bool *out, struct ipp_err *e);
/* The values of an ordered attribute, "{n}" stripped, checked to run 0, 1, 2... */
int lds_get_ordered(const struct lds_entry *en, const char *name, struct ipp_names *out,
    struct ipp_err *e);
int lds_dec_filter(const char *v, struct ipp_filter *f, struct ipp_err *e);
int lds_dec_qm_offer(const char *v, struct ipp_qm_offer *o, struct ipp_err *e);
int lds_dec_mm_offer(const char *v, struct ipp_mm_offer *o, struct ipp_err *e);
int lds_dec_auth(const char *v, struct ipp_auth *a, struct ipp_err *e);
/* Encoders: malloc'd text, NULL when out of memory. */
char *lds_enc_filter(const struct ipp_filter *f);
char *lds_enc_qm_offer(const struct ipp_qm_offer *o);
char *lds_enc_mm_offer(const struct ipp_mm_offer *o);
char *lds_enc_auth(const struct ipp_auth *a);
/* Whole objects from entries.  Messages name the entry's DN and the attribute. */
int lds_dec_filterlist(const struct lds_entry *en, struct ipp_filterlist *fl,
    struct ipp_err *e);
int lds_dec_filteraction(const struct lds_entry *en, struct ipp_filteraction *fa,
    struct ipp_err *e);
int lds_dec_mainmode(const struct lds_entry *en, struct ipp_mm *mm, struct ipp_err *e);
/* The rule's references are left as DNs in r->filterlist / r->filteraction. */
int lds_dec_rule(const struct lds_entry *en, struct ipp_rule *r, struct ipp_err *e);
int lds_dec_policy(const struct lds_entry *en, struct ipp_policy *p, struct ipp_err *e);
time_t lds_changed(const struct lds_entry *en);

/* ---- store/ldap_mods.c: building LDAPMod arrays ---- */
struct lds_mods {
	LDAPMod **v;
	size_t n;
	bool oom;
};
/* Adds one attribute with values (copied); op LDAP_MOD_ADD or LDAP_MOD_REPLACE. A NULL
 * or empty value list with REPLACE deletes the attribute; with ADD it is skipped. */
void lds_mods_put(struct lds_mods *m, int op, const char *attr, const char *const *vals,
    size_t n);
void lds_mods_put1(struct lds_mods *m, int op, const char *attr, const char *val);
/* Ordered values: each value gets its "{i}" prefix. */
void lds_mods_put_ordered(struct lds_mods *m, int op, const char *attr, char **vals,
    size_t n);
void lds_mods_free(struct lds_mods *m);

/* ---- store/ldap_read.c ---- */
int lds_list(struct ipp_store *st, enum ipp_objkind kind, struct ipp_names *out,
    struct ipp_err *e);
int lds_users(struct ipp_store *st, enum ipp_objkind kind, const char *key,
    struct ipp_users *out, struct ipp_err *e);
int lds_policy_get(struct ipp_store *st, const char *key, struct ipp_policy_tree *out,
    struct ipp_err *e);
int lds_filterlist_get(struct ipp_store *st, const char *key, struct ipp_filterlist *out,
    struct ipp_err *e);
int lds_filteraction_get(struct ipp_store *st, const char *key,
    struct ipp_filteraction *out, struct ipp_err *e);
/* The entry of an object of class c named key (a name or GUID), all attributes. */
int lds_find(struct ldstore *s, enum lds_class c, const char *key, struct lds_entry *out,
    struct ipp_err *e);
/* IPP_E_EXIST when another object of class c than self_dn has that name. */
int lds_unique_name(struct ldstore *s, enum lds_class c, const char *name,
    const char *self_dn, struct ipp_err *e);
/* The rules of a policy (by its DN), in no order. */
int lds_policy_rules(struct ldstore *s, const char *pdn, struct lds_entries *out,
    struct ipp_err *e);

/* ---- store/ldap_write.c ---- */
int lds_policy_create(struct ipp_store *st, const struct ipp_policy *p, struct ipp_err *e);
int lds_policy_update(struct ipp_store *st, const char *key, const struct ipp_policy *p,
    struct ipp_err *e);
int lds_policy_delete(struct ipp_store *st, const char *key, struct ipp_err *e);
int lds_filterlist_create(struct ipp_store *st, const struct ipp_filterlist *fl,
    struct ipp_err *e);
int lds_filterlist_update(struct ipp_store *st, const char *key,
    const struct ipp_filterlist *fl, struct ipp_err *e);
int lds_filterlist_delete(struct ipp_store *st, const char *key, struct ipp_err *e);
int lds_filter_add(struct ipp_store *st, const char *list, const struct ipp_filter *f,
    struct ipp_err *e);
int lds_filter_delete(struct ipp_store *st, const char *list,
    const struct ipp_filter *match, struct ipp_err *e);
int lds_filteraction_create(struct ipp_store *st, const struct ipp_filteraction *fa,
    struct ipp_err *e);
int lds_filteraction_update(struct ipp_store *st, const char *key,
    const struct ipp_filteraction *fa, struct ipp_err *e);
int lds_filteraction_delete(struct ipp_store *st, const char *key, struct ipp_err *e);
int lds_rule_create(struct ipp_store *st, const char *policy, const struct ipp_rule *r,
    struct ipp_err *e);
int lds_rule_update(struct ipp_store *st, const char *policy, const char *key,
    const struct ipp_rule *r, struct ipp_err *e);
int lds_rule_delete(struct ipp_store *st, const char *policy, const char *key,
    struct ipp_err *e);

/* ---- store/ldap_assign.c ---- */
int lds_assign(struct ipp_store *st, const char *key, struct ipp_err *e);
int lds_unassign(struct ipp_store *st, struct ipp_err *e);
int lds_assigned(struct ipp_store *st, char **name, struct ipp_err *e);
/* The DN of the policy assigned at the base, NULL when none. */
int lds_base_assignment(struct ldstore *s, char **pdn, struct ipp_err *e);

#endif
