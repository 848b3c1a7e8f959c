/*
 * What only a directory store offers, beyond store/store.h: where a host's policy comes
 * from (Group Policy's precedence), and assignments to OUs and hosts.  The store must have
 * been opened with ipp_store_open_directory; on another store these fail with IPP_E_UNSUPP.
 */
#ifndef IPP_LDAP_H
#define IPP_LDAP_H

#include "store/store.h"

enum ipp_dir_level {
	IPP_DIR_NONE = 0,	/* nothing is assigned on the way up to the base */
	IPP_DIR_HOST,		/* on the host's own entry */
	IPP_DIR_OU,		/* on an entry above the host (an OU, nearest first) */
	IPP_DIR_BASE,		/* the default, on the base entry */
};

struct ipp_dir_assignment {
	enum ipp_dir_level level;
	char *host_dn;		/* the host entry the search started from */
	char *from_dn;		/* the entry that carries the winning assignment */
	char *policy_dn;	/* what it assigns */
	char policy_guid[IPP_GUID_SIZE];	/* the key to ipp_store_policy_get */
	char reason[768];	/* one sentence: which entry won and which had none */
};

/*
 * The policy in force for a host: host_dn names its entry (under the base), or, when
 * host_dn is NULL, host_name is looked up as (&(objectClass=device)(cn=NAME)) under the
 * base.  The nearest assignment wins: the host entry, then each entry above it up to the
 * base.  Two searches at most, whatever the depth.  Returns 0 with level IPP_DIR_NONE when
 * nothing is assigned; IPP_E_NOENT when the host is not found; IPP_E_STORE when the
 * winning assignment is malformed (not a policy DN in the container), naming the entry.
 */
int ipp_dir_resolve(struct ipp_store *st, const char *host_dn, const char *host_name,
    struct ipp_dir_assignment *out, struct ipp_err *e);
void ipp_dir_assignment_clear(struct ipp_dir_assignment *a);

/*
 * An extension to Windows (which assigns through GPOs): assign the policy named key to the
 * entry dn (an OU or a host, under the base), replacing what it had; unassign_at removes
 * it.  ipp_store_assign/unassign work on the base entry: the default.
 */
int ipp_dir_assign_at(struct ipp_store *st, const char *dn, const char *key,
    struct ipp_err *e);
int ipp_dir_unassign_at(struct ipp_store *st, const char *dn, struct ipp_err *e);

#endif
