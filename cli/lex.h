/*
 * ipp_lex: small lexical helpers shared by the CLI grammars (cli/filterspec.c, cli/negpol.c,
 * cli/authspec.c, cli/mmspec.c, cli/netsh_args.c).  No state; nothing here allocates.
 */
#ifndef IPP_CLI_LEX_H
#define IPP_CLI_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/err.h"

/* Room for a token quoted in an error message, with escapes and an ellipsis. */
#define IPP_LEX_SHOWLEN	128

/*
 * Copies s (at most n bytes of it) for an error message: bytes outside printable ASCII
 * become \xNN so that a hostile argument cannot drive the terminal, and a long token is cut
 * with "...".  Returns buf.
 */
const char *ipp_lex_show(const char *s, size_t n, char buf[IPP_LEX_SHOWLEN]);

/*
 * Reads the decimal number that is exactly s[0..n-1] (digits only: no sign, no spaces, no
 * base prefix) into *out if it lies in [min, max].  Returns 0, or -1 if it is not a number
 * or out of range.
 */
int ipp_lex_u32(const char *s, size_t n, uint32_t min, uint32_t max, uint32_t *out);

/* Number of leading ASCII digits of s[0..n-1]. */
size_t ipp_lex_ndigits(const char *s, size_t n);

/* Case-insensitive: s[0..n-1] equals the NUL-terminated word. */
bool ipp_lex_eq(const char *s, size_t n, const char *word);

/* Case-insensitive: s[0..n-1] starts with word; returns strlen(word) or 0. */
size_t ipp_lex_prefix(const char *s, size_t n, const char *word);

/*
 * yes|no|y|n (any case) into *out; 0 or -1.  These are the booleans netsh takes, also
 * inside values such as rootca's certmap:yes.
 */
int ipp_lex_bool(const char *s, size_t n, bool *out);

/*
 * Sets e to IPP_E_INVAL with the message "<what> '<token>': <detail>", the token shown with
 * ipp_lex_show(). Returns -1.
 */
int ipp_lex_fail(struct ipp_err *e, const char *what, const char *token, size_t n,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif
