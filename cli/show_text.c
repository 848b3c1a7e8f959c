/* ipp_show: netsh-style list and table output of policies and their parts. */
#include <stdio.h>
#include <string.h>

#include "cli/fmt.h"
#include "cli/show_text.h"

#define LEGACY_MARK "  [legacy]"

static void
field(FILE *out, int indent, const char *label, const char *value)
{
	fprintf(out, "%*s%-22s: %s\n", indent, "", label, value != NULL ? value : "");
}

static void
field_u(FILE *out, int indent, const char *label, unsigned v, const char *unit)
{
	fprintf(out, "%*s%-22s: %u%s%s\n", indent, "", label, v, unit ? " " : "",
	    unit ? unit : "");
}

static void
offers(FILE *out, int indent, const struct ipp_qm_offer *v, size_t n)
{
	char buf[IPP_FMT_OFFER_MAX];

	for (size_t i = 0; i < n; i++)
		fprintf(out, "%*s%s%s\n", indent, "", ipp_fmt_qm_offer(&v[i], buf, sizeof(buf)),
		    ipp_qm_offer_is_legacy(&v[i]) ? LEGACY_MARK : "");
}

static void
auths(FILE *out, int indent, const struct ipp_auth *v, size_t n, bool secrets)
{
	if (n == 0)
		fprintf(out, "%*skerberos (default)\n", indent, "");
	for (size_t i = 0; i < n; i++) {
		if (v[i].kind == IPP_AUTH_KERBEROS)
			fprintf(out, "%*skerberos\n", indent, "");
		else
			fprintf(out, "%*s%s \"%s\"%s%s\n", indent, "", ipp_fmt_auth_kind(v[i].kind),
			    ipp_fmt_auth_value(&v[i], secrets),
			    v[i].certmap ? " certmap:yes" : "",
			    v[i].excludecaname ? " excludecaname:yes" : "");
	}
}

static void
filter_line(FILE *out, int indent, const struct ipp_filter *f)
{
	char src[IPP_ADDR_STRLEN], dst[IPP_ADDR_STRLEN], proto[8];

	fprintf(out, "%*s%-20s %-20s %-5s %5u %5u %-8s %s\n", indent, "",
	    ipp_addr_format(&f->src, src, sizeof(src)), ipp_addr_format(&f->dst, dst, sizeof(dst)),
	    ipp_fmt_proto(f->proto, proto, sizeof(proto)), f->sport, f->dport,
	    f->mirrored ? "mirrored" : "one-way", f->description ? f->description : "");
}

void
ipp_show_filterlist(FILE *out, const struct ipp_filterlist *fl, const struct ipp_show_opts *o)
{
	char t[32];

	field(out, 0, "FilterList Name", fl->name);
	field(out, 0, "Description", fl->description);
	field(out, 0, "GUID", fl->guid);
	field(out, 0, "Last Modified", ipp_fmt_time(fl->changed, t, sizeof(t)));
	field_u(out, 0, "No. of Filters", (unsigned)fl->nfilters, NULL);
	if (fl->nfilters > 0)
		fprintf(out, "  %-20s %-20s %-5s %5s %5s %-8s %s\n", "Source", "Destination",
		    "Proto", "SPort", "DPort", "Mirror", "Description");
	for (size_t i = 0; i < fl->nfilters; i++)
		filter_line(out, 2, &fl->filters[i]);
	fputc('\n', out);
}

void
ipp_show_filteraction(FILE *out, const struct ipp_filteraction *fa,
    const struct ipp_show_opts *o)
{
	char t[32];

	field(out, 0, "FilterAction Name", fa->name);
	field(out, 0, "Description", fa->description);
	field(out, 0, "GUID", fa->guid);
	field(out, 0, "Last Modified", ipp_fmt_time(fa->changed, t, sizeof(t)));
	field(out, 0, "Action", ipp_fmt_action(fa->action));
	if (fa->action == IPP_ACTION_NEGOTIATE) {
		field(out, 0, "AllowUnsecuredIn", ipp_fmt_bool(fa->inpass));
		field(out, 0, "AllowUnsecuredOut", ipp_fmt_bool(fa->soft));
		fprintf(out, "Security Methods:\n");
		offers(out, 2, fa->offers, fa->noffers);
	}
	fputc('\n', out);
}

void
ipp_show_rule(FILE *out, const struct ipp_rule *r, const struct ipp_show_opts *o)
{
	char tun[IPP_ADDR_STRLEN];

	field(out, 2, "Rule Name", r->name);
	field(out, 2, "Description", r->description);
	field(out, 2, "GUID", r->guid);
	field(out, 2, "Filter List", r->filterlist);
	field(out, 2, "Filter Action", r->filteraction);
	field(out, 2, "Tunnel Endpoint", r->tunnel.kind == IPP_ADDR_NONE ? "none (transport)" :
	    ipp_addr_format(&r->tunnel, tun, sizeof(tun)));
	field(out, 2, "Connection Type", ipp_fmt_conntype(r->conntype));
	field(out, 2, "Active", ipp_fmt_bool(r->active));
	fprintf(out, "  Authentication Methods:\n");
	auths(out, 4, r->auth, r->nauth, o->secrets);
}

static void
policy_head(FILE *out, const struct ipp_policy *p, const struct ipp_show_opts *o)
{
	char t[32], buf[64];

	field(out, 0, "Policy Name", p->name);
	field(out, 0, "Description", p->description);
	if (o->where != NULL)
		field(out, 0, "Store", o->where);
	field(out, 0, "Last Modified", ipp_fmt_time(p->changed, t, sizeof(t)));
	field(out, 0, "GUID", p->guid);
	field(out, 0, "Assigned", p->assigned ? "YES" : "NO");
	field_u(out, 0, "Polling Interval", p->poll_min, "minutes");
	field(out, 0, "Master PFS", ipp_fmt_bool(p->mm.pfs));
	field_u(out, 0, "MM Lifetime", p->mm.lifetime_min, "minutes");
	field_u(out, 0, "QM per MM", p->mm.qm_per_mm, p->mm.qm_per_mm ? NULL : "(unlimited)");
	field_u(out, 0, "Soft SA Expiration", p->mm.soft_expire_s != 0 ? p->mm.soft_expire_s :
	    IPP_DEF_SOFT_EXPIRE_S, "seconds");
	fprintf(out, "Main Mode Security Methods:\n");
	for (size_t i = 0; i < p->mm.noffers; i++)
		fprintf(out, "  %s%s\n", ipp_fmt_mm_offer(&p->mm.offers[i], buf, sizeof(buf)),
		    ipp_mm_offer_is_legacy(&p->mm.offers[i]) ? LEGACY_MARK : "");
}

void
ipp_show_defrule(FILE *out, const struct ipp_defrule *d, bool secrets)
{
	fprintf(out, "Default Response Rule:\n");
	field(out, 2, "Active", ipp_fmt_bool(d->active));
	fprintf(out, "  Security Methods:\n");
	offers(out, 4, d->offers, d->noffers);
	fprintf(out, "  Authentication Methods:\n");
	auths(out, 4, d->auth, d->nauth, secrets);
}

static void
rules_table(FILE *out, const struct ipp_policy *p)
{
	char tun[IPP_ADDR_STRLEN];

	fprintf(out, "%-24s %-24s %-28s %-16s %-6s %s\n", "Rule", "Filter List",
	    "Filter Action", "Tunnel", "Conn", "Active");
	for (size_t i = 0; i < p->nrules; i++) {
		const struct ipp_rule *r = &p->rules[i];

		fprintf(out, "%-24s %-24s %-28s %-16s %-6s %s\n", r->name, r->filterlist,
		    r->filteraction, r->tunnel.kind == IPP_ADDR_NONE ? "-" :
		    ipp_addr_format(&r->tunnel, tun, sizeof(tun)), ipp_fmt_conntype(r->conntype),
		    ipp_fmt_bool(r->active));
	}
	fprintf(out, "%-24s %-24s %-28s %-16s %-6s %s\n", "<Default Response>", "<Dynamic>",
	    "Default Response", "-", "all", ipp_fmt_bool(p->defrule.active));
}

void
ipp_show_policy_tree(FILE *out, const struct ipp_policy_tree *t, const struct ipp_show_opts *o)
{
	const struct ipp_policy *p = &t->policy;

	policy_head(out, p, o);
	fputc('\n', out);
	if (o->table) {
		rules_table(out, p);
		fputc('\n', out);
	} else {
		fprintf(out, "Rules:\n");
		for (size_t i = 0; i < p->nrules; i++) {
			const struct ipp_filterlist *fl =
			    ipp_tree_filterlist(t, p->rules[i].filterlist);
			const struct ipp_filteraction *fa =
			    ipp_tree_filteraction(t, p->rules[i].filteraction);

			ipp_show_rule(out, &p->rules[i], o);
			fputc('\n', out);
			if (o->verbose && fl != NULL)
				ipp_show_filterlist(out, fl, o);
			if (o->verbose && fa != NULL)
				ipp_show_filteraction(out, fa, o);
		}
		ipp_show_defrule(out, &p->defrule, o->secrets);
		fputc('\n', out);
	}
}
