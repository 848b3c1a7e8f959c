/*
 * ipp_store_seed_examples: the example policies Windows 2000/XP ship, with their filter
 * lists and filter actions, under Windows' own GUIDs (windows-cli.md §1.4-1.5,
 * ad-schema.md §6.4).  None is assigned.  Descriptions are paraphrased.
 */
#include <stdlib.h>
#include <string.h>

#include "store/backend.h"

#define WIN_GUID(x)	"{" x "-70FA-11D1-864C-14A300000000}"

#define LIST_ALL_IP	"All IP Traffic"
#define LIST_ALL_ICMP	"All ICMP Traffic"
#define ACT_PERMIT	"Permit"
#define ACT_REQUEST	"Request Security (Optional)"
#define ACT_REQUIRE	"Require Security"

#define ESP(c, h, s)	{ .proto = IPP_QM_ESP, .esp_cipher = IPP_CIPHER_##c, \
			  .esp_auth = IPP_HASH_##h, .life_s = (s), .life_kb = 100000 }
#define AH(h, s)	{ .proto = IPP_QM_AH, .ah_hash = IPP_HASH_##h, .life_s = (s), \
			  .life_kb = 100000 }

/* The last, algorithm-less offer of Windows' "Request Security (Optional)" is how it
 * encodes the fall-back to clear; here that is the soft flag. */
static const struct ipp_qm_offer request_offers[] = {
	ESP(3DES, SHA1, 900), ESP(DES, SHA1, 900), AH(SHA1, 300), AH(MD5, 300),
};
static const struct ipp_qm_offer require_offers[] = {
	ESP(3DES, SHA1, 900), ESP(3DES, MD5, 900), ESP(DES, SHA1, 900), ESP(DES, MD5, 900),
};
/* The default response rule's offers, lifetimes left to the defaults. */
static const struct ipp_qm_offer defrule_offers[] = {
	{ .proto = IPP_QM_ESP, .esp_cipher = IPP_CIPHER_3DES, .esp_auth = IPP_HASH_SHA1 },
	{ .proto = IPP_QM_ESP, .esp_cipher = IPP_CIPHER_3DES, .esp_auth = IPP_HASH_MD5 },
	{ .proto = IPP_QM_ESP, .esp_cipher = IPP_CIPHER_DES, .esp_auth = IPP_HASH_SHA1 },
	{ .proto = IPP_QM_ESP, .esp_cipher = IPP_CIPHER_DES, .esp_auth = IPP_HASH_MD5 },
	{ .proto = IPP_QM_AH, .ah_hash = IPP_HASH_SHA1 },
	{ .proto = IPP_QM_AH, .ah_hash = IPP_HASH_MD5 },
};
static const struct ipp_mm_offer mm_offers[] = {
	{ IPP_CIPHER_3DES, IPP_HASH_SHA1, 2 }, { IPP_CIPHER_3DES, IPP_HASH_MD5, 2 },
	{ IPP_CIPHER_DES, IPP_HASH_SHA1, 1 }, { IPP_CIPHER_DES, IPP_HASH_MD5, 1 },
};

static const struct example_list {
	const char *guid, *name, *description, *filter_description;
	uint8_t proto;
} lists[] = {
	{ WIN_GUID("7238523A"), LIST_ALL_IP, "Matches all IP packets from this computer to "
	    "any other computer, except broadcast, multicast, Kerberos, RSVP and ISAKMP (IKE).",
	    NULL, 0 },
	{ WIN_GUID("72385235"), LIST_ALL_ICMP, "Matches all ICMP packets between this "
	    "computer and any other computer.", "ICMP", 1 },
};

static const struct example_action {
	const char *guid, *name, *description;
	enum ipp_action action;
	bool inpass, soft;
	const struct ipp_qm_offer *offers;
	size_t noffers;
} actions[] = {
	{ WIN_GUID("7238523B"), ACT_PERMIT, "Let unsecured IP packets pass.",
	    IPP_ACTION_PERMIT, false, false, NULL, 0 },
	{ WIN_GUID("72385233"), ACT_REQUEST, "Accept unsecured communication, but ask "
	    "clients to establish trust and security; talk in the clear to clients that do "
	    "not answer.", IPP_ACTION_NEGOTIATE, true, true, request_offers,
	    sizeof(request_offers) / sizeof(request_offers[0]) },
	{ WIN_GUID("7238523F"), ACT_REQUIRE, "Accept unsecured communication, but always "
	    "require clients to establish trust and security; never talk to untrusted "
	    "clients.", IPP_ACTION_NEGOTIATE, true, false, require_offers,
	    sizeof(require_offers) / sizeof(require_offers[0]) },
};

static const struct example_policy {
	const char *guid, *name, *description;
	const char *all_ip_action;	/* NULL: the default response rule only */
} policies[] = {
	{ WIN_GUID("72385236"), "Client (Respond Only)", "Talk in the clear; use the "
	    "default response rule to negotiate with servers that request security, securing "
	    "only the protocol and port traffic they asked for.", NULL },
	{ WIN_GUID("72385230"), "Server (Request Security)", "For all IP traffic, always "
	    "request security with Kerberos trust; allow unsecured communication with "
	    "clients that do not answer.", ACT_REQUEST },
	{ WIN_GUID("7238523C"), "Secure Server (Require Security)", "For all IP traffic, "
	    "always require security with Kerberos trust; never talk to untrusted clients.",
	    ACT_REQUIRE },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int
dup(char **dst, const char *src, struct ipp_err *e)
{
	if (src == NULL)
		return 0;
	if ((*dst = strdup(src)) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	return 0;
}

static int
copy_array(void *dstp, size_t *n, const void *src, size_t count, size_t size,
    struct ipp_err *e)
{
	for (size_t i = 0; i < count; i++)
		if (ipp_array_push(dstp, n, size, (const char *)src + i * size) == NULL)
			return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	return 0;
}

static int
seed_list(struct ipp_store *st, const struct example_list *x, struct ipp_err *e)
{
	struct ipp_filterlist fl = { 0 };
	struct ipp_filter f;
	int rc = -1;

	ipp_filter_init(&f);
	f.src.kind = IPP_ADDR_ME;
	f.dst.kind = IPP_ADDR_ANY;
	f.proto = x->proto;
	memcpy(fl.guid, x->guid, IPP_GUID_SIZE);
	if (dup(&f.description, x->filter_description, e) == 0 &&
	    dup(&fl.name, x->name, e) == 0 && dup(&fl.description, x->description, e) == 0) {
		if (ipp_array_push(&fl.filters, &fl.nfilters, sizeof(f), &f) == NULL)
			ipp_errf(e, IPP_E_NOMEM, "out of memory");
		else {
			f.description = NULL;	/* the list owns it now */
			rc = ipp_store_filterlist_create(st, &fl, e);
		}
	}
	ipp_filter_clear(&f);
	ipp_filterlist_clear(&fl);
	return rc;
}

static int
seed_action(struct ipp_store *st, const struct example_action *x, struct ipp_err *e)
{
	struct ipp_filteraction fa;
	int rc = -1;

	ipp_filteraction_init(&fa);
	memcpy(fa.guid, x->guid, IPP_GUID_SIZE);
	fa.action = x->action;
	fa.inpass = x->inpass;
	fa.soft = x->soft;
	if (dup(&fa.name, x->name, e) == 0 && dup(&fa.description, x->description, e) == 0 &&
	    copy_array(&fa.offers, &fa.noffers, x->offers, x->noffers, sizeof(*x->offers),
	    e) == 0)
		rc = ipp_store_filteraction_create(st, &fa, e);
	ipp_filteraction_clear(&fa);
	return rc;
}

static int
kerberos(struct ipp_auth **v, size_t *n, struct ipp_err *e)
{
	struct ipp_auth a = { .kind = IPP_AUTH_KERBEROS };

	return copy_array(v, n, &a, 1, sizeof(a), e);
}

static int
add_rule(struct ipp_policy *p, const char *list, const char *action, struct ipp_err *e)
{
	struct ipp_rule r, *rp;

	ipp_rule_init(&r);
	if ((rp = ipp_array_push(&p->rules, &p->nrules, sizeof(r), &r)) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	/* Windows shows a rule by its filter list; the rule is named after it. */
	if (dup(&rp->name, list, e) == -1 || dup(&rp->filterlist, list, e) == -1 ||
	    dup(&rp->filteraction, action, e) == -1 || kerberos(&rp->auth, &rp->nauth, e) == -1)
		return -1;
	return 0;
}

static int
build_policy(struct ipp_policy *p, const struct example_policy *x, struct ipp_err *e)
{
	memcpy(p->guid, x->guid, IPP_GUID_SIZE);
	if (dup(&p->name, x->name, e) == -1 || dup(&p->description, x->description, e) == -1 ||
	    copy_array(&p->mm.offers, &p->mm.noffers, mm_offers, N(mm_offers),
	    sizeof(mm_offers[0]), e) == -1 ||
	    copy_array(&p->defrule.offers, &p->defrule.noffers, defrule_offers,
	    N(defrule_offers), sizeof(defrule_offers[0]), e) == -1 ||
	    kerberos(&p->defrule.auth, &p->defrule.nauth, e) == -1)
		return -1;
	if (x->all_ip_action == NULL)
		return 0;
	if (add_rule(p, LIST_ALL_IP, x->all_ip_action, e) == -1 ||
	    add_rule(p, LIST_ALL_ICMP, ACT_PERMIT, e) == -1)
		return -1;
	return 0;
}

static int
seed_policy(struct ipp_store *st, const struct example_policy *x, struct ipp_err *e)
{
	struct ipp_policy p;
	int rc = -1;

	/* Windows' defaults: poll every 180 min, 480 min main mode, no QM limit, no PFS,
	 * the default response rule active. */
	ipp_policy_init(&p);
	if (build_policy(&p, x, e) == 0)
		rc = ipp_store_policy_create(st, &p, e);
	ipp_policy_clear(&p);
	return rc;
}

static int
seed_all(struct ipp_store *st, struct ipp_err *e)
{
	for (size_t i = 0; i < N(lists); i++)
		if (seed_list(st, &lists[i], e) == -1)
			return -1;
	for (size_t i = 0; i < N(actions); i++)
		if (seed_action(st, &actions[i], e) == -1)
			return -1;
	for (size_t i = 0; i < N(policies); i++)
		if (seed_policy(st, &policies[i], e) == -1)
			return -1;
	return 0;
}

int
ipp_store_seed_examples(struct ipp_store *st, struct ipp_err *e)
{
	int rc;

	/* All or nothing: in the caller's transaction (as when a store is created) under a
	 * savepoint, else in a transaction of its own. */
	if (st->in_tx) {
		if (ipp_store_op_begin(st, true, e) == -1)
			return -1;
		rc = ipp_store_op_end(st, true, seed_all(st, e), e);
	} else {
		if (ipp_store_begin(st, e) == -1)
			return -1;
		if ((rc = seed_all(st, e)) == 0)
			rc = ipp_store_commit(st, e);
		else
			ipp_store_rollback(st);
	}
	if (rc == -1)
		return ipp_err_prefix(e, "seeding the example policies");
	return 0;
}
