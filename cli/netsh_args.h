/*
 * ipp_nargs: netsh-style arguments, table-driven.  One module serves the command line and
 * script files (exportpolicy/importpolicy): ipp_nargs_split() turns a line into argv with
 * netsh/cmd quoting, ipp_nargs_lookup() finds a verb or tag by an unambiguous prefix, and
 * ipp_nargs_parse() checks a command's TAG=VALUE arguments against its table.
 *
 * Quoting (ipp_nargs_split, the inverse of ipp_nargs_quote):
 *   - blanks (space, tab, CR, LF) separate words outside double quotes;
 *   - '"' opens or closes a quoted part, which joins the text around it:
 *     name="My Policy" is the one word name=My Policy, and "" is an empty word;
 *   - backslashes are literal (C:\dir\file) except before '"': 2n backslashes and '"' give
 *     n backslashes and open/close quoting, 2n+1 backslashes and '"' give n backslashes and
 *     a literal '"' (the rule of Windows' CommandLineToArgvW);
 *   - other control characters and an unclosed quote are errors.
 *
 * Arguments (ipp_nargs_parse): TAG=VALUE with TAG any unambiguous prefix of a table name,
 * in any case (srca= is srcaddr=); an argument without '=' takes the tag at its own
 * position in the table, as netsh does (add policy "Name").  Booleans are yes|no|y|n,
 * integers decimal within the table's range, enums one of the table's words (any case).
 */
#ifndef IPP_CLI_NETSH_ARGS_H
#define IPP_CLI_NETSH_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/err.h"

enum ipp_nargs_type {
	IPP_NARG_STRING = 0,
	IPP_NARG_BOOL,
	IPP_NARG_UINT,
	IPP_NARG_ENUM,
};

#define IPP_NARG_REQUIRED	0x1u	/* must be given */
#define IPP_NARG_REPEAT		0x2u	/* may be given more than once (rootca=) */
#define IPP_NARG_SECRET		0x4u	/* the value never appears in a message (psk=) */

struct ipp_nargs_tag {
	const char *name;		/* first member: ipp_nargs_lookup() reads it */
	enum ipp_nargs_type type;
	unsigned flags;
	uint32_t min, max;		/* UINT */
	const char *const *choices;	/* ENUM: NULL-terminated */
};

struct ipp_nargs_val {
	size_t tag;			/* index into the command's table */
	const char *str;		/* the value text; points into the caller's argv */
	bool b;				/* BOOL */
	uint32_t u;			/* UINT */
	size_t choice;			/* ENUM: index into choices */
};

/* The values in command-line order (which is the preference order of repeated tags). */
struct ipp_nargs {
	struct ipp_nargs_val *v;
	size_t n;
};

/*
 * Finds word[0..len) among the names of a table whose elements are stride bytes apart and
 * start with a const char *name (a tag table or a caller's command table).  An exact name
 * wins; else a unique prefix.  Returns the index, or -1 with e saying
 * "<what> '<word>' is unknown (valid: a, b, c)" or "... is ambiguous (could be: a, b)".
 */
int ipp_nargs_lookup(const char *word, size_t len, const void *table, size_t n,
    size_t stride, const char *what, struct ipp_err *e);

/*
 * Checks argv against tags; cmd names the command in messages ("add filter").  On success
 * out holds the values (free with ipp_nargs_clear; the strings stay in argv).  On failure
 * out is empty.
 */
int ipp_nargs_parse(const char *cmd, const struct ipp_nargs_tag *tags, size_t ntags,
    int argc, char *const argv[], struct ipp_nargs *out, struct ipp_err *e);
void ipp_nargs_clear(struct ipp_nargs *a);
/* The first value of table entry tag, or NULL if it was not given. */
const struct ipp_nargs_val *ipp_nargs_get(const struct ipp_nargs *a, size_t tag);
/* The next value of the same tag after prev (a REPEAT tag), or NULL. */
const struct ipp_nargs_val *ipp_nargs_next(const struct ipp_nargs *a,
    const struct ipp_nargs_val *prev);

/*
 * Splits a command or script line into a NULL-terminated argv (rules above).  *argvp is
 * freed with ipp_nargs_free_argv, which wipes the words: a line may carry a psk=.
 */
int ipp_nargs_split(const char *line, char ***argvp, int *argcp, struct ipp_err *e);
void ipp_nargs_free_argv(char **argv, int argc);

/*
 * Quotes s so that ipp_nargs_split() reads it back as one word equal to s.  Words of
 * letters, digits and . , : / @ + = - _ stay bare.  Returns a new string, or NULL with e
 * set (control characters cannot be written; out of memory).
 */
char *ipp_nargs_quote(const char *s, struct ipp_err *e);

#endif
