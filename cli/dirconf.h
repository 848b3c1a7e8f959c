/*
 * ipp_dirconf: where the CLI finds the directory: the ldap_* keys of the agent's
 * ipsecpold.conf(5), then the --ldap-* options over them.  Other keys of the file are the
 * agent's and are skipped here; the agent checks them.
 */
#ifndef IPP_DIRCONF_H
#define IPP_DIRCONF_H

#include "store/store.h"

struct ipp_dirconf {
	struct ipp_dir_config cfg;	/* points into strs */
	char *strs[16];			/* what the file gave, owned */
	size_t nstrs;
};

/* Reads path into dc (zeroed first).  IPP_E_NOENT when the file does not exist; a bad
 * ldap_* line fails naming FILE:LINE. */
int ipp_dirconf_load(struct ipp_dirconf *dc, const char *path, struct ipp_err *e);
void ipp_dirconf_clear(struct ipp_dirconf *dc);

#endif
