/* ipp_json: model objects as jansson values for show --json. */
#include <stdio.h>

#include "cli/fmt.h"
#include "cli/show_json.h"

/* jansson's json_pack returns NULL on any allocation failure, and its "o" format steals
 * references even on failure, so every builder here is leak-free by construction. */

static json_t *
str_or_null(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

static json_t *
addr_json(const struct ipp_addr *a)
{
	char buf[IPP_ADDR_STRLEN];

	if (a->kind == IPP_ADDR_NONE)
		return json_null();
	return json_string(ipp_addr_format(a, buf, sizeof(buf)));
}

static json_t *
time_json(time_t t)
{
	char buf[32];
	struct tm tm;

	if (t == 0 || gmtime_r(&t, &tm) == NULL)
		return json_null();
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(buf);
}

json_t *
ipp_json_filter(const struct ipp_filter *f)
{
	return json_pack("{s:o, s:o, s:o, s:i, s:i, s:i, s:b}",
	    "description", str_or_null(f->description),
	    "src", addr_json(&f->src), "dst", addr_json(&f->dst),
	    "protocol", (int)f->proto, "srcport", (int)f->sport, "dstport", (int)f->dport,
	    "mirrored", f->mirrored);
}

json_t *
ipp_json_filterlist(const struct ipp_filterlist *fl)
{
	json_t *filters = json_array();

	for (size_t i = 0; filters != NULL && i < fl->nfilters; i++)
		if (json_array_append_new(filters, ipp_json_filter(&fl->filters[i])) == -1) {
			json_decref(filters);
			return NULL;
		}
	return json_pack("{s:s, s:s, s:o, s:o, s:o}", "name", fl->name, "guid", fl->guid,
	    "description", str_or_null(fl->description), "changed", time_json(fl->changed),
	    "filters", filters);
}

json_t *
ipp_json_qm_offer(const struct ipp_qm_offer *o)
{
	static const char *const protos[] = { "ESP", "AH", "AH+ESP" };
	bool ah = o->proto != IPP_QM_ESP, esp = o->proto != IPP_QM_AH;
	char text[IPP_FMT_OFFER_MAX];

	return json_pack("{s:s, s:s, s:o, s:o, s:o, s:I, s:I, s:b, s:i, s:b}",
	    "text", ipp_fmt_qm_offer(o, text, sizeof(text)),
	    "proto", protos[o->proto <= IPP_QM_AH_ESP ? o->proto : 0],
	    "ah_hash", ah ? json_string(ipp_hash_name(o->ah_hash)) : json_null(),
	    "esp_cipher", esp ? json_string(ipp_cipher_name(o->esp_cipher)) : json_null(),
	    "esp_auth", esp ? json_string(ipp_hash_name(o->esp_auth)) : json_null(),
	    "lifetime_s", (json_int_t)(o->life_s ? o->life_s : IPP_DEF_QM_LIFE_S),
	    "lifetime_kb", (json_int_t)(o->life_kb ? o->life_kb : IPP_DEF_QM_LIFE_KB),
	    "pfs", o->pfs, "pfs_group", (int)o->pfs_group, "legacy", ipp_qm_offer_is_legacy(o));
}

static json_t *
offers_json(const struct ipp_qm_offer *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a != NULL && i < n; i++)
		if (json_array_append_new(a, ipp_json_qm_offer(&v[i])) == -1) {
			json_decref(a);
			return NULL;
		}
	return a;
}

json_t *
ipp_json_filteraction(const struct ipp_filteraction *fa)
{
	return json_pack("{s:s, s:s, s:o, s:s, s:b, s:b, s:o, s:o}", "name", fa->name,
	    "guid", fa->guid, "description", str_or_null(fa->description),
	    "action", ipp_fmt_action(fa->action), "inpass", fa->inpass, "soft", fa->soft,
	    "changed", time_json(fa->changed), "offers", offers_json(fa->offers, fa->noffers));
}

json_t *
ipp_json_auth(const struct ipp_auth *a, bool secrets)
{
	json_t *o = json_pack("{s:s}", "method", ipp_fmt_auth_kind(a->kind));

	if (o == NULL || a->kind == IPP_AUTH_KERBEROS)
		return o;
	if (a->kind == IPP_AUTH_PSK) {
		if (json_object_set_new(o, "key", json_string(ipp_fmt_auth_value(a, secrets))))
			goto fail;
		return o;
	}
	if (json_object_set_new(o, "rootca", str_or_null(a->value)) == -1 ||
	    json_object_set_new(o, "certmap", json_boolean(a->certmap)) == -1 ||
	    json_object_set_new(o, "excludecaname", json_boolean(a->excludecaname)) == -1)
		goto fail;
	return o;
fail:
	json_decref(o);
	return NULL;
}

static json_t *
auths_json(const struct ipp_auth *v, size_t n, bool secrets)
{
	json_t *a = json_array();

	for (size_t i = 0; a != NULL && i < n; i++)
		if (json_array_append_new(a, ipp_json_auth(&v[i], secrets)) == -1) {
			json_decref(a);
			return NULL;
		}
	return a;
}

json_t *
ipp_json_rule(const struct ipp_rule *r, bool secrets)
{
	return json_pack("{s:s, s:s, s:o, s:s, s:s, s:o, s:s, s:b, s:o}", "name", r->name,
	    "guid", r->guid, "description", str_or_null(r->description),
	    "filterlist", r->filterlist, "filteraction", r->filteraction,
	    "tunnel", addr_json(&r->tunnel), "conntype", ipp_fmt_conntype(r->conntype),
	    "active", r->active, "auth", auths_json(r->auth, r->nauth, secrets));
}

static json_t *
mm_json(const struct ipp_mm *mm)
{
	json_t *offers = json_array();
	char text[64];

	for (size_t i = 0; offers != NULL && i < mm->noffers; i++) {
		const struct ipp_mm_offer *o = &mm->offers[i];
		json_t *j = json_pack("{s:s, s:s, s:s, s:i, s:b}",
		    "text", ipp_fmt_mm_offer(o, text, sizeof(text)),
		    "cipher", ipp_cipher_name(o->cipher), "hash", ipp_hash_name(o->hash),
		    "group", (int)o->group, "legacy", ipp_mm_offer_is_legacy(o));

		if (json_array_append_new(offers, j) == -1) {
			json_decref(offers);
			return NULL;
		}
	}
	return json_pack("{s:I, s:I, s:b, s:o, s:I}", "lifetime_min",
	    (json_int_t)mm->lifetime_min, "qm_per_mm", (json_int_t)mm->qm_per_mm, "pfs", mm->pfs,
	    "offers", offers, "soft_expire_s", (json_int_t)(mm->soft_expire_s != 0 ?
	    mm->soft_expire_s : IPP_DEF_SOFT_EXPIRE_S));
}

json_t *
ipp_json_policy(const struct ipp_policy *p, bool secrets)
{
	json_t *rules = json_array();

	for (size_t i = 0; rules != NULL && i < p->nrules; i++)
		if (json_array_append_new(rules, ipp_json_rule(&p->rules[i], secrets)) == -1) {
			json_decref(rules);
			return NULL;
		}
	return json_pack("{s:s, s:s, s:o, s:b, s:I, s:o, s:o, s:{s:b, s:o, s:o}, s:o}",
	    "name", p->name, "guid", p->guid, "description", str_or_null(p->description),
	    "assigned", p->assigned, "polling_interval_min", (json_int_t)p->poll_min,
	    "changed", time_json(p->changed), "main_mode", mm_json(&p->mm),
	    "default_rule", "active", p->defrule.active,
	    "offers", offers_json(p->defrule.offers, p->defrule.noffers),
	    "auth", auths_json(p->defrule.auth, p->defrule.nauth, secrets),
	    "rules", rules);
}

json_t *
ipp_json_policy_tree(const struct ipp_policy_tree *t, bool secrets)
{
	json_t *lists = json_array(), *actions = json_array();

	for (size_t i = 0; lists != NULL && i < t->nlists; i++)
		if (json_array_append_new(lists, ipp_json_filterlist(&t->lists[i])) == -1)
			goto fail;
	for (size_t i = 0; actions != NULL && i < t->nactions; i++)
		if (json_array_append_new(actions, ipp_json_filteraction(&t->actions[i])) == -1)
			goto fail;
	return json_pack("{s:i, s:o, s:o, s:o}", "schema", IPP_JSON_SCHEMA,
	    "policy", ipp_json_policy(&t->policy, secrets), "filterlists", lists,
	    "filteractions", actions);
fail:
	json_decref(lists);
	json_decref(actions);
	return NULL;
}
