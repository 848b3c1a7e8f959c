/* ipp_show: the text forms of show, in netsh's list and table layouts. */
#ifndef IPP_SHOW_TEXT_H
#define IPP_SHOW_TEXT_H

#include <stdbool.h>
#include <stdio.h>

#include "store/model.h"

struct ipp_show_opts {
	bool verbose;		/* level=verbose: expand filter lists and actions per rule */
	bool table;		/* format=table */
	bool secrets;		/* show preshared keys (root with --show-secrets) */
	const char *where;	/* the store, for the "Store" line; may be NULL */
};

void ipp_show_policy_tree(FILE *out, const struct ipp_policy_tree *t,
    const struct ipp_show_opts *o);
void ipp_show_filterlist(FILE *out, const struct ipp_filterlist *fl,
    const struct ipp_show_opts *o);
void ipp_show_filteraction(FILE *out, const struct ipp_filteraction *fa,
    const struct ipp_show_opts *o);
void ipp_show_defrule(FILE *out, const struct ipp_defrule *d, bool secrets);
void ipp_show_rule(FILE *out, const struct ipp_rule *r, const struct ipp_show_opts *o);

#endif
