/* ipp_json: the --json form of show.  The schema is stable and documented in ipsecpol(8)
 * ("JSON OUTPUT"); add fields, never rename or remove them. */
#ifndef IPP_SHOW_JSON_H
#define IPP_SHOW_JSON_H

#include <jansson.h>
#include <stdbool.h>

#include "store/model.h"

#define IPP_JSON_SCHEMA 1

/* Each returns a new reference, or NULL when out of memory.  PSKs are "<redacted>" unless
 * secrets is true. */
json_t *ipp_json_filter(const struct ipp_filter *f);
json_t *ipp_json_filterlist(const struct ipp_filterlist *fl);
json_t *ipp_json_qm_offer(const struct ipp_qm_offer *o);
json_t *ipp_json_filteraction(const struct ipp_filteraction *fa);
json_t *ipp_json_auth(const struct ipp_auth *a, bool secrets);
json_t *ipp_json_rule(const struct ipp_rule *r, bool secrets);
json_t *ipp_json_policy(const struct ipp_policy *p, bool secrets);
/* {"policy": ..., "filterlists": [...], "filteractions": [...]} */
json_t *ipp_json_policy_tree(const struct ipp_policy_tree *t, bool secrets);

#endif
