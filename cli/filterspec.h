/*
 * ipp_fspec: the filterspec grammar of ipsecpol.exe -f (windows-cli.md §2.4).
 *
 *   filterspec ::= "[" spec "]" | "(" spec ")" | spec | "DEFAULT"
 *   spec       ::= side ("=" | "+") side
 *   side       ::= addr [ "/" mask ] [ ":" [ port ] [ ":" [ proto ] ] ]
 *   addr       ::= "0" | "*" | ipv4 | ipv4-wildcard | dnsname | "{" ipv6 [ "/" prefix ] "}"
 *   mask       ::= dotted contiguous mask | prefix length
 *   port       ::= "*" | 0..65535                      (0 and * = any)
 *   proto      ::= "*" | ANY | TCP | UDP | ICMP | ICMPV6 | RAW | 0..255   (any case)
 *
 * "=" is one one-way filter, "+" a mirrored one.  "0" is this host, "*" any address, a
 * wildcard such as 144.92.*.* replaces trailing octets (= 144.92.0.0/16).  The protocol is
 * written on the destination side (`0:80+*::TCP`); scripts also put "*" placeholders on the
 * source side (`0:*:*+1.2.3.4:80:TCP`), which is accepted, and a protocol given on both
 * sides must agree.  A port needs protocol TCP or UDP.
 *
 * IPv6 (an extension; Windows 2000 had none): the address goes in braces, because ":" and
 * "[" are taken by the grammar, e.g. `{2001:db8::1}+{2001:db8:1::}/48::TCP`; the prefix may
 * also be written inside the braces, `{2001:db8:1::/48}`.  Braces survive the shell unquoted
 * as long as they hold no comma.
 *
 * [spec] and (spec) are ipsecpol's dynamic-mode shortcuts for a blocking and a pass-through
 * filter; they are reported in shortcut and the spec is otherwise the same.
 */
#ifndef IPP_CLI_FILTERSPEC_H
#define IPP_CLI_FILTERSPEC_H

#include "store/model.h"

enum ipp_fspec_kind {
	IPP_FSPEC_FILTER = 0,
	IPP_FSPEC_DEFAULT,		/* "DEFAULT": the default response rule */
};

enum ipp_fspec_shortcut {
	IPP_FSPEC_PLAIN = 0,		/* the action comes from -n */
	IPP_FSPEC_BLOCK,		/* [spec] */
	IPP_FSPEC_PASS,			/* (spec) */
};

struct ipp_fspec {
	enum ipp_fspec_kind kind;
	enum ipp_fspec_shortcut shortcut;
	struct ipp_filter filter;	/* FILTER only */
};

struct ipp_fspec_list {
	struct ipp_fspec *v;
	size_t n;
};

/*
 * Parses one filterspec.  On success *out owns its filter (ipp_fspec_clear); on failure it
 * is left cleared and e says "filterspec '<text>': <what was wrong and what was expected>".
 */
int ipp_fspec_parse(const char *text, struct ipp_fspec *out, struct ipp_err *e);
void ipp_fspec_clear(struct ipp_fspec *fs);

/*
 * Writes fs in the canonical filterspec form that ipp_fspec_parse() reads back to the same
 * filter: masks as prefix lengths, the protocol by name when it has one, e.g.
 * "0:80+*::TCP", "[10.0.0.0/8=0:445:TCP]", "{2001:db8::}/32+0".  Returns 0, or -1 if the
 * filter has no filterspec form (address ranges, server keywords) or buf is too small.
 */
int ipp_fspec_format(const struct ipp_fspec *fs, char *buf, size_t len);

/*
 * Appends every blank-separated filterspec of text (one -f argument may hold several).
 * All or nothing: on failure the list is as before.
 */
int ipp_fspec_list_add(struct ipp_fspec_list *l, const char *text, struct ipp_err *e);
void ipp_fspec_list_clear(struct ipp_fspec_list *l);

#endif
