/*
 * ipp_authspec: authentication method lists, as ipsecpol.exe -a takes them
 * (windows-cli.md §2.6) and as netsh's kerberos=, psk= and rootca= give them (§4.1).
 *
 *   ipsecpol ::= method { blanks method }
 *   method   ::= ( "KERBEROS" | "K" )
 *              | ( "PRESHARE" | "P" ) ":" value
 *              | ( "CERT" | "C" ) ":" value
 *   value    ::= '"' any-but-quote '"' | rest-of-argument
 *
 * Keywords are case-insensitive; keys and CA names are kept exactly.  The shell usually
 * strips the quotes (`-a PRESHARE:"my key"` arrives as `PRESHARE:my key`), so an unquoted
 * value runs to the end of its argument, blanks included; a quoted one ends at its closing
 * quote and more methods may follow in the same argument.  A CA name is a distinguished
 * name such as `CN=My Root CA` or `C=AT, O=Example, CN=Root`.
 *
 * netsh rootca= takes `<DN> [certmap:yes|no] [excludecaname:yes|no]`, the options last,
 * and writes an embedded double quote as \'.
 *
 * Preshared keys never appear in error messages.  Every list keeps its methods in the
 * order given, which is the order of preference.
 */
#ifndef IPP_CLI_AUTHSPEC_H
#define IPP_CLI_AUTHSPEC_H

#include "store/model.h"

struct ipp_authlist {
	struct ipp_auth *v;
	size_t n;
};

/* Appends the methods of one -a argument.  All or nothing. */
int ipp_authspec_add(struct ipp_authlist *l, const char *text, struct ipp_err *e);

/* netsh kerberos=yes, psk=<key>, rootca="<DN> certmap:.. excludecaname:..". */
int ipp_authspec_add_kerberos(struct ipp_authlist *l, struct ipp_err *e);
int ipp_authspec_add_psk(struct ipp_authlist *l, const char *key, struct ipp_err *e);
int ipp_authspec_add_rootca(struct ipp_authlist *l, const char *value, struct ipp_err *e);

/* Frees the list, wiping every preshared key. */
void ipp_authspec_clear(struct ipp_authlist *l);

#endif
