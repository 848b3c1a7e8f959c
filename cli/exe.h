/*
 * ipp_exe: ipsecpol.exe's options (windows-cli.md §2.2-2.3), parsed (cli/exe_args.c) and
 * applied to the store (cli/cmd_exe.c).
 */
#ifndef IPP_CLI_EXE_H
#define IPP_CLI_EXE_H

#include "cli/authspec.h"
#include "cli/filterspec.h"
#include "cli/negpol.h"
#include "store/model.h"

struct ipp_exe {
	const char *w;			/* -w TYPE[:DOMAIN]; NULL = dynamic mode */
	char *policy;			/* -p NAME[:POLL] */
	uint32_t poll_min;		/* 0 = not given */
	const char **rules;		/* -r, repeatable (with -o) */
	size_t nrules;
	struct ipp_fspec_list filters;	/* -f, repeatable, several specs each */
	struct ipp_negpol neg;		/* -n */
	bool neg_given;
	struct ipp_addr tunnel;		/* -t */
	struct ipp_authlist auth;	/* -a */
	bool soft;			/* -soft */
	enum ipp_conntype conn;		/* -lan, -dialup */
	bool conn_given;
	struct ipp_mm mm;		/* -1s offers, -1k rekey, -1p */
	const char *rekey;		/* -1k */
	bool mm_offers, mm_pfs;
	bool x, y, o, u, confirm;
	uint32_t soft_expire_s;		/* -1e (ipseccmd); 0 = not given */
};

/* Fills x from argv (the options only).  Returns an exit code; e set unless OK.  x must
 * be zeroed; ipp_exe_clear releases it either way. */
int ipp_exe_parse(struct ipp_exe *x, int argc, char **argv, struct ipp_err *e);
void ipp_exe_clear(struct ipp_exe *x);

#endif
