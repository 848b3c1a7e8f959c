/* ipp_export: write a store as "ipsecpol static" commands that rebuild it. */
#include <stdlib.h>
#include <string.h>

#include "cli/export.h"
#include "cli/fmt.h"
#include "cli/netsh_args.h"

/* The output and whether a word could not be written (quoting fails only for memory:
 * model strings hold no control characters). */
struct ectx {
	FILE *out;
	bool failed;
};

/* Values go through the argument splitter's own quoting, so import reads back each word
 * exactly. */
static void
tag(struct ectx *x, const char *name, const char *value)
{
	char *q = ipp_nargs_quote(value, NULL);

	if (q == NULL) {
		x->failed = true;
		return;
	}
	fprintf(x->out, " %s=%s", name, q);
	free(q);
}

static void
addr_tags(struct ectx *x, const char *side, const struct ipp_addr *a)
{
	char buf[IPP_ADDR_STRLEN], name[16];
	unsigned full = a->family == AF_INET6 ? 128 : 32;

	snprintf(name, sizeof(name), "%saddr", side);
	if (a->kind == IPP_ADDR_NET && a->prefix != full) {
		/* netsh writes the mask apart: srcaddr=10.0.0.0 srcmask=8 */
		struct ipp_addr host = *a;

		host.prefix = (uint8_t)full;
		tag(x, name, ipp_addr_format(&host, buf, sizeof(buf)));
		fprintf(x->out, " %smask=%u", side, a->prefix);
		return;
	}
	tag(x, name, ipp_addr_format(a, buf, sizeof(buf)));
}

static void
filter_cmd(struct ectx *x, const char *list, const struct ipp_filter *f)
{
	char proto[8];

	fputs("ipsecpol static add filter", x->out);
	tag(x, "filterlist", list);
	addr_tags(x, "src", &f->src);
	addr_tags(x, "dst", &f->dst);
	fprintf(x->out, " protocol=%s srcport=%u dstport=%u mirrored=%s",
	    ipp_fmt_proto(f->proto, proto, sizeof(proto)), f->sport, f->dport,
	    ipp_fmt_bool(f->mirrored));
	if (f->description != NULL)
		tag(x, "description", f->description);
	fputc('\n', x->out);
}

static void
offers_tag(struct ectx *x, const char *name, const struct ipp_qm_offer *v, size_t n)
{
	char buf[IPP_FMT_OFFER_MAX];
	size_t len = 0;
	char *all = NULL;
	FILE *m;

	if (n == 0)
		return;
	if ((m = open_memstream(&all, &len)) == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		fprintf(m, "%s%s", i ? " " : "", ipp_fmt_qm_offer(&v[i], buf, sizeof(buf)));
	fclose(m);
	tag(x, name, all);
	free(all);
}

static void
auth_tags(struct ectx *x, const struct ipp_auth *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *ca = NULL;

		switch (v[i].kind) {
		case IPP_AUTH_KERBEROS:
			fputs(" kerberos=yes", x->out);
			break;
		case IPP_AUTH_PSK:
			tag(x, "psk", v[i].value);
			break;
		case IPP_AUTH_CERT:
			if (asprintf(&ca, "%s certmap:%s excludecaname:%s", v[i].value,
			    ipp_fmt_bool(v[i].certmap), ipp_fmt_bool(v[i].excludecaname)) == -1)
				break;
			tag(x, "rootca", ca);
			free(ca);
			break;
		}
	}
}

static void
description_tag(struct ectx *x, const char *d)
{
	if (d != NULL)
		tag(x, "description", d);
}

static int
export_filterlist(struct ectx *x, struct ipp_store *st, const char *name, struct ipp_err *e)
{
	struct ipp_filterlist fl = { 0 };

	if (ipp_store_filterlist_get(st, name, &fl, e) == -1)
		return -1;
	fputs("ipsecpol static add filterlist", x->out);
	tag(x, "name", fl.name);
	description_tag(x, fl.description);
	tag(x, "guid", fl.guid);
	fputc('\n', x->out);
	for (size_t i = 0; i < fl.nfilters; i++)
		filter_cmd(x, fl.name, &fl.filters[i]);
	ipp_filterlist_clear(&fl);
	return 0;
}

static int
export_filteraction(struct ectx *x, struct ipp_store *st, const char *name, struct ipp_err *e)
{
	struct ipp_filteraction fa = { 0 };

	if (ipp_store_filteraction_get(st, name, &fa, e) == -1)
		return -1;
	fputs("ipsecpol static add filteraction", x->out);
	tag(x, "name", fa.name);
	description_tag(x, fa.description);
	tag(x, "guid", fa.guid);
	fprintf(x->out, " action=%s inpass=%s soft=%s", ipp_fmt_action(fa.action),
	    ipp_fmt_bool(fa.inpass), ipp_fmt_bool(fa.soft));
	offers_tag(x, "qmsecmethods", fa.offers, fa.noffers);
	fputc('\n', x->out);
	ipp_filteraction_clear(&fa);
	return 0;
}

static void
rule_cmd(struct ectx *x, const char *policy, const struct ipp_rule *r)
{
	char buf[IPP_ADDR_STRLEN];

	fputs("ipsecpol static add rule", x->out);
	tag(x, "name", r->name);
	tag(x, "policy", policy);
	tag(x, "filterlist", r->filterlist);
	tag(x, "filteraction", r->filteraction);
	description_tag(x, r->description);
	tag(x, "guid", r->guid);
	if (r->tunnel.kind != IPP_ADDR_NONE)
		tag(x, "tunnel", ipp_addr_format(&r->tunnel, buf, sizeof(buf)));
	fprintf(x->out, " conntype=%s activate=%s", ipp_fmt_conntype(r->conntype),
	    ipp_fmt_bool(r->active));
	auth_tags(x, r->auth, r->nauth);
	fputc('\n', x->out);
}

static void
policy_cmds(struct ectx *x, const struct ipp_policy *p)
{
	char buf[64];

	fputs("ipsecpol static add policy", x->out);
	tag(x, "name", p->name);
	description_tag(x, p->description);
	tag(x, "guid", p->guid);
	fprintf(x->out, " mmpfs=%s qmpermm=%u mmlifetime=%u activatedefaultrule=%s"
	    " pollinginterval=%u", ipp_fmt_bool(p->mm.pfs), p->mm.qm_per_mm,
	    p->mm.lifetime_min, ipp_fmt_bool(p->defrule.active), p->poll_min);
	if (p->mm.soft_expire_s != 0 && p->mm.soft_expire_s != IPP_DEF_SOFT_EXPIRE_S)
		fprintf(x->out, " softsaexpirationtime=%u", p->mm.soft_expire_s);
	if (p->mm.noffers > 0) {
		fputs(" mmsecmethods=\"", x->out);
		for (size_t i = 0; i < p->mm.noffers; i++)
			fprintf(x->out, "%s%s", i ? " " : "",
			    ipp_fmt_mm_offer(&p->mm.offers[i], buf, sizeof(buf)));
		fputc('"', x->out);
	}
	fputc('\n', x->out);
	fputs("ipsecpol static set defaultrule", x->out);
	tag(x, "policy", p->name);
	fprintf(x->out, " activate=%s", ipp_fmt_bool(p->defrule.active));
	offers_tag(x, "qmsecmethods", p->defrule.offers, p->defrule.noffers);
	auth_tags(x, p->defrule.auth, p->defrule.nauth);
	fputc('\n', x->out);
	for (size_t i = 0; i < p->nrules; i++)
		rule_cmd(x, p->name, &p->rules[i]);
}

static int
export_policy(struct ectx *x, struct ipp_store *st, const char *name, struct ipp_err *e)
{
	struct ipp_policy_tree t = { 0 };

	if (ipp_store_policy_get(st, name, &t, e) == -1)
		return -1;
	policy_cmds(x, &t.policy);
	ipp_policy_tree_clear(&t);
	return 0;
}

typedef int (*list_fn)(struct ipp_store *, struct ipp_names *, struct ipp_err *);
typedef int (*export_fn)(struct ectx *, struct ipp_store *, const char *, struct ipp_err *);

static int
export_all(struct ectx *x, struct ipp_store *st, list_fn list, export_fn one, struct ipp_err *e)
{
	struct ipp_names names = { 0 };
	int rc = 0;

	if (list(st, &names, e) == -1)
		return -1;
	for (size_t i = 0; i < names.n && rc == 0; i++)
		rc = one(x, st, names.v[i], e);
	ipp_names_free(&names);
	return rc;
}

int
ipp_export_store(FILE *out, struct ipp_store *st, struct ipp_err *e)
{
	struct ectx ctx = { .out = out }, *x = &ctx;
	char *assigned = NULL;

	fputs("# ipsecpol static export: replay with \"ipsecpol static importpolicy file=...\"\n",
	    out);
	if (export_all(x, st, ipp_store_filterlist_list, export_filterlist, e) == -1 ||
	    export_all(x, st, ipp_store_filteraction_list, export_filteraction, e) == -1 ||
	    export_all(x, st, ipp_store_policy_list, export_policy, e) == -1 ||
	    ipp_store_assigned(st, &assigned, e) == -1)
		return -1;
	if (assigned != NULL) {
		fputs("ipsecpol static set policy", out);
		tag(x, "name", assigned);
		fputs(" assign=yes\n", out);
		free(assigned);
	}
	if (x->failed || ferror(out))
		return ipp_errf(e, IPP_E_NOMEM, "export: could not write the script (%s)",
		    x->failed ? "out of memory" : "write error");
	return 0;
}
