/*
 * lds assign: which policy an entry assigns (the auxiliary class ipsecpolAssignment), and
 * which one is in force for a host: its own entry's, else the nearest entry's above it,
 * up to the default on the base, as Group Policy lets the nearest OU win.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store/ldap_int.h"

#define AUX	"ipsecpolAssignment"
#define ATTR	"ipsecpolAssignedPolicy"

/* ---- DNs ---- */

static bool
ava_eq(const LDAPAVA *x, const LDAPAVA *y)
{
	return x->la_attr.bv_len == y->la_attr.bv_len && x->la_value.bv_len == y->la_value.bv_len &&
	    strncasecmp(x->la_attr.bv_val, y->la_attr.bv_val, x->la_attr.bv_len) == 0 &&
	    strncasecmp(x->la_value.bv_val, y->la_value.bv_val, x->la_value.bv_len) == 0;
}

static size_t
dn_len(LDAPDN dn)
{
	size_t n = 0;

	while (dn != NULL && dn[n] != NULL)
		n++;
	return n;
}

/* Number of RDNs of dn when it is base or under it, else -1.  Multi-valued RDNs are
 * compared on their first value only, which is enough to place an entry. */
static ssize_t
dn_depth_under(const char *dn, const char *base)
{
	LDAPDN d = NULL, b = NULL;
	ssize_t depth = -1;

	if (ldap_str2dn(dn, &d, LDAP_DN_FORMAT_LDAPV3) == LDAP_SUCCESS &&
	    ldap_str2dn(base, &b, LDAP_DN_FORMAT_LDAPV3) == LDAP_SUCCESS) {
		size_t nd = dn_len(d), nb = dn_len(b);
		bool ok = nd >= nb;

		for (size_t i = 0; ok && i < nb; i++)
			ok = ava_eq(d[nd - nb + i][0], b[i][0]);
		if (ok)
			depth = (ssize_t)nd;
	}
	ldap_dnfree(d);
	ldap_dnfree(b);
	return depth;
}

/* ---- the base's assignment: the store's "assigned" policy ---- */

static int
entry_read1(struct ldstore *s, const char *dn, struct lds_entry *out, struct ipp_err *e)
{
	static const char *const attrs[] = { "objectClass", ATTR, NULL };
	struct lds_entries es;

	memset(out, 0, sizeof(*out));
	if (lds_search(s, dn, LDAP_SCOPE_BASE, "(objectClass=*)", attrs, &es, e) == -1)
		return -1;
	if (es.n != 1) {
		lds_entries_free(&es);
		return ipp_errf(e, IPP_E_NOENT, "%s: entry '%s' does not exist", s->base.where, dn);
	}
	*out = es.v[0];
	free(es.v);
	return 0;
}

int
lds_base_assignment(struct ldstore *s, char **pdn, struct ipp_err *e)
{
	struct lds_entry en;
	int rc;

	*pdn = NULL;
	if (entry_read1(s, s->suffix, &en, e) == -1)
		return -1;
	if ((rc = lds_get_str(&en, ATTR, false, pdn, e)) == -1)
		ipp_err_prefix(e, "%s", s->base.where);
	lds_entry_free(&en);
	return rc;
}

static bool
has_aux(const struct lds_entry *en)
{
	const struct lds_attr *oc = lds_attr(en, "objectClass");

	for (size_t i = 0; oc != NULL && i < oc->n; i++)
		if (strcasecmp(oc->vals[i]->bv_val, AUX) == 0)
			return true;
	return false;
}

/* One modify sets or clears the assignment on dn: readers see the old or the new. */
static int
assign_entry(struct ldstore *s, const char *dn, const char *key, struct ipp_err *e)
{
	struct lds_entry en, pent = { 0 };
	struct lds_mods m = { 0 };
	int rc = -1;

	if (entry_read1(s, dn, &en, e) == -1)
		return -1;
	if (key != NULL && lds_find(s, LDS_POLICY, key, &pent, e) == -1)
		goto out;
	if (key != NULL) {
		if (!has_aux(&en))
			lds_mods_put1(&m, LDAP_MOD_ADD, "objectClass", AUX);
		lds_mods_put1(&m, LDAP_MOD_REPLACE, ATTR, pent.dn);
	} else if (has_aux(&en)) {
		lds_mods_put1(&m, LDAP_MOD_REPLACE, ATTR, NULL);
		lds_mods_put1(&m, LDAP_MOD_DELETE, "objectClass", AUX);
	} else {
		rc = 0;
		goto out;
	}
	rc = m.oom ? ipp_errf(e, IPP_E_NOMEM, "out of memory") : lds_modify(s, &en, m.v, e);
out:
	lds_mods_free(&m);
	lds_entry_free(&en);
	lds_entry_free(&pent);
	return rc;
}

int
lds_assign(struct ipp_store *st, const char *key, struct ipp_err *e)
{
	struct ldstore *s = lds_of(st);

	return assign_entry(s, s->suffix, key, e);
}

int
lds_unassign(struct ipp_store *st, struct ipp_err *e)
{
	struct ldstore *s = lds_of(st);

	return assign_entry(s, s->suffix, NULL, e);
}

int
lds_assigned(struct ipp_store *st, char **name, struct ipp_err *e)
{
	struct ldstore *s = lds_of(st);
	struct lds_entry pent;
	char *pdn, g[IPP_GUID_SIZE];
	int rc;

	*name = NULL;
	if (lds_base_assignment(s, &pdn, e) == -1)
		return -1;
	if (pdn == NULL)
		return 0;
	rc = lds_ref_guid(s, pdn, LDS_POLICY, s->suffix, ATTR, g, e);
	free(pdn);
	if (rc == -1)
		return -1;
	if (lds_find(s, LDS_POLICY, g, &pent, e) == -1) {
		if (e != NULL && e->code == IPP_E_NOENT) {
			e->code = IPP_E_STORE;
			ipp_err_prefix(e, "%s: entry '%s': %s names a policy that", s->base.where,
			    s->suffix, ATTR);
		}
		return -1;
	}
	rc = lds_get_str(&pent, "ipsecpolName", true, name, e);
	lds_entry_free(&pent);
	return rc;
}

/* ---- the extension: OUs and hosts ---- */

static int
dir_store(struct ipp_store *st, struct ipp_err *e)
{
	if (st == NULL || ipp_store_kind(st) != IPP_STORE_DIRECTORY)
		return ipp_errf(e, IPP_E_UNSUPP, "assignments to OUs and hosts need a directory "
		    "store");
	return 0;
}

static int
assign_at(struct ipp_store *st, const char *dn, const char *key, struct ipp_err *e)
{
	struct ldstore *s;
	int rc;

	if (dir_store(st, e) == -1)
		return -1;
	s = lds_of(st);
	if (dn == NULL || dn_depth_under(dn, s->suffix) < 0)
		return ipp_errf(e, IPP_E_INVAL, "'%s' is not a DN under the base '%s'",
		    dn != NULL ? dn : "", s->suffix);
	if (ipp_store_op_begin(st, true, e) == -1)
		return -1;
	rc = assign_entry(s, dn, key, e);
	return ipp_store_op_end(st, true, rc, e);
}

int
ipp_dir_assign_at(struct ipp_store *st, const char *dn, const char *key, struct ipp_err *e)
{
	if (key == NULL || *key == '\0')
		return ipp_errf(e, IPP_E_INVAL, "no policy name or GUID given");
	return assign_at(st, dn, key, e);
}

int
ipp_dir_unassign_at(struct ipp_store *st, const char *dn, struct ipp_err *e)
{
	return assign_at(st, dn, NULL, e);
}

/* ---- resolution ---- */

void
ipp_dir_assignment_clear(struct ipp_dir_assignment *a)
{
	free(a->host_dn);
	free(a->from_dn);
	free(a->policy_dn);
	memset(a, 0, sizeof(*a));
}

static int
host_by_name(struct ldstore *s, const char *name, char **dn, struct ipp_err *e)
{
	static const char *const attrs[] = { "1.1", NULL };
	struct lds_entries es;
	char *esc = lds_filter_escape(name), *filter = NULL;
	int rc;

	if (esc == NULL || asprintf(&filter, "(&(objectClass=device)(cn=%s))", esc) == -1) {
		free(esc);
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	}
	free(esc);
	rc = lds_search(s, s->suffix, LDAP_SCOPE_SUBTREE, filter, attrs, &es, e);
	free(filter);
	if (rc == -1)
		return -1;
	if (es.n == 0)
		rc = ipp_errf(e, IPP_E_NOENT, "%s: no host entry (objectClass device) named '%s' "
		    "under the base", s->base.where, name);
	else if (es.n > 1)
		rc = ipp_errf(e, IPP_E_STORE, "%s: %zu host entries are named '%s' ('%s', '%s'); "
		    "give the host's DN instead", s->base.where, es.n, name, es.v[0].dn,
		    es.v[1].dn);
	else if ((*dn = strdup(es.v[0].dn)) == NULL)
		rc = ipp_errf(e, IPP_E_NOMEM, "out of memory");
	lds_entries_free(&es);
	return rc;
}

/* "(|(entryDN=host)(&(objectClass=ipsecpolAssignment)(|(entryDN=parent)...)))": the
 * host (so that its absence shows) and every assigning entry on its way to the base. */
static char *
chain_filter(const char *host, const char *base)
{
	LDAPDN d = NULL;
	size_t nd, nb, len;
	char *f = NULL, *p, *esc;
	ssize_t depth = dn_depth_under(base, base);

	if (depth < 0 || ldap_str2dn(host, &d, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS)
		return NULL;
	nd = dn_len(d);
	nb = (size_t)depth;
	len = 128 + (nd + 1) * (strlen(host) * 3 + 16);
	if ((f = malloc(len)) == NULL || (esc = lds_filter_escape(host)) == NULL) {
		free(f);
		ldap_dnfree(d);
		return NULL;
	}
	p = f + snprintf(f, len, "(|(entryDN=%s)(&(objectClass=" AUX ")(|", esc);
	free(esc);
	for (size_t i = 1; i + nb <= nd; i++) {
		char *up = NULL;

		if (ldap_dn2str(d + i, &up, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS ||
		    (esc = lds_filter_escape(up)) == NULL) {
			ldap_memfree(up);
			free(f);
			ldap_dnfree(d);
			return NULL;
		}
		p += snprintf(p, len - (size_t)(p - f), "(entryDN=%s)", esc);
		free(esc);
		ldap_memfree(up);
	}
	snprintf(p, len - (size_t)(p - f), ")))");
	ldap_dnfree(d);
	return f;
}

static int
resolve(struct ldstore *s, struct ipp_dir_assignment *out, struct ipp_err *e)
{
	static const char *const attrs[] = { "objectClass", ATTR, NULL };
	struct lds_entries es;
	const struct lds_entry *win = NULL;
	ssize_t hdepth = dn_depth_under(out->host_dn, s->suffix);
	ssize_t bdepth = dn_depth_under(s->suffix, s->suffix), best = -1;
	bool host_seen = false;
	char *filter;
	int rc;

	if (hdepth < 0)
		return ipp_errf(e, IPP_E_INVAL, "host '%s' is not under the base '%s'",
		    out->host_dn, s->suffix);
	if ((filter = chain_filter(out->host_dn, s->suffix)) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	rc = lds_search(s, s->suffix, LDAP_SCOPE_SUBTREE, filter, attrs, &es, e);
	free(filter);
	if (rc == -1)
		return -1;
	for (size_t i = 0; i < es.n; i++) {
		ssize_t d = dn_depth_under(es.v[i].dn, s->suffix);
		const struct lds_attr *a = lds_attr(&es.v[i], ATTR);

		host_seen = host_seen || d == hdepth;
		if (a != NULL && a->n > 0 && d > best) {
			best = d;
			win = &es.v[i];
		}
	}
	if (!host_seen) {
		lds_entries_free(&es);
		return ipp_errf(e, IPP_E_NOENT, "%s: host entry '%s' does not exist",
		    s->base.where, out->host_dn);
	}
	if (win == NULL) {
		snprintf(out->reason, sizeof(out->reason), "no policy is assigned to the host "
		    "entry %s, to any entry above it, or at the base %s", out->host_dn, s->suffix);
		lds_entries_free(&es);
		return 0;
	}
	out->level = best == hdepth ? IPP_DIR_HOST : best == bdepth ? IPP_DIR_BASE :
	    IPP_DIR_OU;
	if ((out->from_dn = strdup(win->dn)) == NULL ||
	    lds_get_str(win, ATTR, true, &out->policy_dn, e) == -1) {
		lds_entries_free(&es);
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	}
	rc = lds_ref_guid(s, out->policy_dn, LDS_POLICY, win->dn, ATTR, out->policy_guid, e);
	switch (out->level) {
	case IPP_DIR_HOST:
		snprintf(out->reason, sizeof(out->reason), "assigned on the host entry %s itself",
		    win->dn);
		break;
	case IPP_DIR_OU:
		snprintf(out->reason, sizeof(out->reason), "assigned on %s, the nearest entry "
		    "above the host %s with an assignment", win->dn, out->host_dn);
		break;
	default:
		snprintf(out->reason, sizeof(out->reason), "the default assigned at the base %s: "
		    "neither the host entry %s nor the entries above it assign a policy", win->dn,
		    out->host_dn);
		break;
	}
	lds_entries_free(&es);
	return rc;
}

int
ipp_dir_resolve(struct ipp_store *st, const char *host_dn, const char *host_name,
    struct ipp_dir_assignment *out, struct ipp_err *e)
{
	struct ldstore *s;
	int rc;

	memset(out, 0, sizeof(*out));
	if (dir_store(st, e) == -1)
		return -1;
	s = lds_of(st);
	if (host_dn == NULL && (host_name == NULL || *host_name == '\0'))
		return ipp_errf(e, IPP_E_INVAL, "no host DN or host name given");
	if (host_dn != NULL)
		out->host_dn = strdup(host_dn);
	else if (host_by_name(s, host_name, &out->host_dn, e) == -1)
		return -1;
	if (out->host_dn == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	if (ipp_store_op_begin(st, false, e) == -1) {
		ipp_dir_assignment_clear(out);
		return -1;
	}
	rc = ipp_store_op_end(st, false, resolve(s, out, e), e);
	if (rc == -1)
		ipp_dir_assignment_clear(out);
	return rc;
}
