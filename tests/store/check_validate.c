/*
 * Validation: one table row per rule.  Each row breaks one field of a valid policy tree and
 * expects IPP_E_INVAL from the whole-tree check and from the narrowest validator of the
 * object, with a message naming the object, the field, the bad value and what was expected.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "store/model.h"
#include "tests/lib/ipp_check.h"

/* ---- a valid tree to break ---- */

static char *
xstrdup(const char *s)
{
	char *d = strdup(s);

	ck_assert_ptr_nonnull(d);
	return d;
}

static void
set_str(char **p, const char *s)
{
	free(*p);
	*p = s != NULL ? xstrdup(s) : NULL;
}

static void
set_addr(struct ipp_addr *a, const char *text)
{
	struct ipp_err e;

	ipp_addr_clear(a);
	ck_assert_msg(ipp_addr_parse(a, text, NULL, &e) == 0, "%s", e.msg);
}

static void
add_filter(struct ipp_filterlist *fl, const char *src, const char *dst, uint8_t proto,
    uint16_t sport, uint16_t dport, bool mirrored)
{
	struct ipp_filter f;

	ipp_filter_init(&f);
	set_addr(&f.src, src);
	set_addr(&f.dst, dst);
	f.proto = proto;
	f.sport = sport;
	f.dport = dport;
	f.mirrored = mirrored;
	ck_assert_ptr_nonnull(ipp_array_push(&fl->filters, &fl->nfilters, sizeof(f), &f));
}

static void
add_offer(struct ipp_filteraction *fa, enum ipp_qm_proto proto, enum ipp_hash ah,
    enum ipp_cipher c, enum ipp_hash auth)
{
	struct ipp_qm_offer o;

	ipp_qm_offer_init(&o);
	o.proto = proto;
	o.ah_hash = ah;
	o.esp_cipher = c;
	o.esp_auth = auth;
	ck_assert_ptr_nonnull(ipp_array_push(&fa->offers, &fa->noffers, sizeof(o), &o));
}

static void
add_auth(struct ipp_rule *r, enum ipp_auth_kind kind, const char *value)
{
	struct ipp_auth a = { .kind = kind };

	a.value = value != NULL ? xstrdup(value) : NULL;
	ck_assert_ptr_nonnull(ipp_array_push(&r->auth, &r->nauth, sizeof(a), &a));
}

static void
add_rule(struct ipp_policy *p, const char *name, const char *list, const char *action,
    const char *tunnel)
{
	struct ipp_rule r;

	ipp_rule_init(&r);
	r.name = xstrdup(name);
	r.filterlist = xstrdup(list);
	r.filteraction = xstrdup(action);
	if (tunnel != NULL)
		set_addr(&r.tunnel, tunnel);
	ck_assert_ptr_nonnull(ipp_array_push(&p->rules, &p->nrules, sizeof(r), &r));
}

/*
 * Policy 'P': rule 'R1' (Web -> Require Security; Kerberos, PSK, root CA) and rule 'R2'
 * (Tunnel Out -> Require Security, tunnel to 5.6.7.8; PSK); main mode AES256-SHA256-14 and
 * 3DES-SHA1-2; default response rule with Windows' defaults.  Filter action 'Permit'.
 */
static void
build(struct ipp_policy_tree *t)
{
	struct ipp_mm_offer mm[] = {
		{ IPP_CIPHER_AES256, IPP_HASH_SHA256, 14 }, { IPP_CIPHER_3DES, IPP_HASH_SHA1, 2 },
	};
	struct ipp_filterlist fl;
	struct ipp_filteraction fa;
	struct ipp_err e;

	memset(t, 0, sizeof(*t));
	memset(&fl, 0, sizeof(fl));
	fl.name = xstrdup("Web");
	fl.description = xstrdup("HTTP and HTTPS\tto the web servers\n");
	add_filter(&fl, "me", "any", IPPROTO_TCP, 0, 80, true);
	add_filter(&fl, "me", "10.0.0.0/8", IPPROTO_TCP, 0, 443, true);
	add_filter(&fl, "2001:db8::/32", "me", IPPROTO_UDP, 53, 0, true);
	add_filter(&fl, "dns", "me", IPPROTO_UDP, 53, 0, true);
	add_filter(&fl, "10.1.0.1-10.1.0.9", "www.example.com", 0, 0, 0, true);
	ck_assert_ptr_nonnull(ipp_array_push(&t->lists, &t->nlists, sizeof(fl), &fl));
	memset(&fl, 0, sizeof(fl));
	fl.name = xstrdup("Tunnel Out");
	add_filter(&fl, "10.1.0.0/16", "10.2.0.0/16", 0, 0, 0, false);
	ck_assert_ptr_nonnull(ipp_array_push(&t->lists, &t->nlists, sizeof(fl), &fl));

	ipp_filteraction_init(&fa);
	fa.name = xstrdup("Require Security");
	fa.inpass = true;
	add_offer(&fa, IPP_QM_ESP, IPP_HASH_NONE, IPP_CIPHER_3DES, IPP_HASH_SHA1);
	add_offer(&fa, IPP_QM_ESP, IPP_HASH_NONE, IPP_CIPHER_AES256GCM16, IPP_HASH_NONE);
	add_offer(&fa, IPP_QM_AH_ESP, IPP_HASH_SHA256, IPP_CIPHER_AES128, IPP_HASH_SHA256);
	add_offer(&fa, IPP_QM_AH, IPP_HASH_SHA1, IPP_CIPHER_NONE, IPP_HASH_NONE);
	fa.offers[2].pfs = true;
	fa.offers[2].pfs_group = 14;
	fa.offers[3].life_s = 0;	/* 0: the defaults */
	fa.offers[3].life_kb = 0;
	ck_assert_ptr_nonnull(ipp_array_push(&t->actions, &t->nactions, sizeof(fa), &fa));
	ipp_filteraction_init(&fa);
	fa.name = xstrdup("Permit");
	fa.action = IPP_ACTION_PERMIT;
	ck_assert_ptr_nonnull(ipp_array_push(&t->actions, &t->nactions, sizeof(fa), &fa));

	ipp_policy_init(&t->policy);
	t->policy.name = xstrdup("P");
	t->policy.description = xstrdup("Secure the web");
	ck_assert(ipp_guid_new(t->policy.guid) == 0);
	for (size_t i = 0; i < 2; i++)
		ck_assert_ptr_nonnull(ipp_array_push(&t->policy.mm.offers, &t->policy.mm.noffers,
		    sizeof(mm[i]), &mm[i]));
	ck_assert(ipp_policy_fill_defaults(&t->policy, &e) == 0);
	add_rule(&t->policy, "R1", "Web", "Require Security", NULL);
	add_auth(&t->policy.rules[0], IPP_AUTH_KERBEROS, NULL);
	add_auth(&t->policy.rules[0], IPP_AUTH_PSK, "correct horse battery staple");
	add_auth(&t->policy.rules[0], IPP_AUTH_CERT, "CN=Example Root CA,O=Example");
	add_rule(&t->policy, "R2", "Tunnel Out", "Require Security", "5.6.7.8");
	add_auth(&t->policy.rules[1], IPP_AUTH_PSK, "k");
}

/* Shorthands for the rows. */
#define TREE		(t)
#define POL		(t->policy)
#define WEB		(t->lists[0])
#define TUN		(t->lists[1])
#define REQ		(t->actions[0])
#define R1		(t->policy.rules[0])
#define R2		(t->policy.rules[1])

/* Which validator besides the whole-tree one sees the broken object. */
enum scope { S_TREE, S_FILTER, S_LIST, S_OFFER, S_ACTION, S_AUTH, S_MM, S_RULE, S_POLICY };

struct row {
	const char *what;
	void (*breakit)(struct ipp_policy_tree *t);
	enum scope scope;
	const char *want[4];		/* in the whole-tree message */
};

/* Runs the narrow validator of a row; its message may name less context than the tree's. */
static int
narrow(const struct ipp_policy_tree *t, enum scope s, struct ipp_err *e)
{
	switch (s) {
	case S_FILTER: {
		for (size_t i = 0; i < WEB.nfilters; i++)
			if (ipp_filter_validate(&WEB.filters[i], e) == -1)
				return -1;
		return 0;
	}
	case S_LIST:
		return ipp_filterlist_validate(&WEB, e);
	case S_OFFER:
		for (size_t i = 0; i < REQ.noffers; i++)
			if (ipp_qm_offer_validate(&REQ.offers[i], e) == -1)
				return -1;
		return 0;
	case S_ACTION:
		return ipp_filteraction_validate(&REQ, e);
	case S_AUTH:
		for (size_t i = 0; i < R1.nauth; i++)
			if (ipp_auth_validate(&R1.auth[i], e) == -1)
				return -1;
		return 0;
	case S_MM:
		return ipp_mm_validate(&POL.mm, e);
	case S_RULE:
		return ipp_rule_validate(&R2, &TUN, &REQ, e) == -1 ||
		    ipp_rule_validate(&R1, NULL, NULL, e) == -1 ? -1 : 0;
	case S_POLICY:
		return ipp_policy_validate(&POL, e);
	case S_TREE:
		break;
	}
	return ipp_policy_tree_validate(t, e);
}

/* ---- the breakers ---- */

static void
raw_net(struct ipp_addr *a, int family, const char *ip, unsigned prefix)
{
	ipp_addr_clear(a);
	a->kind = IPP_ADDR_NET;
	a->family = family;
	inet_pton(family == AF_INET ? AF_INET : AF_INET6, ip, &a->ip);
	a->prefix = (uint8_t)prefix;
}

static void b_list_name_empty(struct ipp_policy_tree *t) { set_str(&WEB.name, ""); }
static void b_list_name_null(struct ipp_policy_tree *t) { set_str(&WEB.name, NULL); }
static void
b_list_name_long(struct ipp_policy_tree *t)
{
	char n[IPP_NAME_MAX + 2];

	memset(n, 'W', IPP_NAME_MAX + 1);
	n[IPP_NAME_MAX + 1] = '\0';
	set_str(&WEB.name, n);
}
static void b_list_name_ctl(struct ipp_policy_tree *t) { set_str(&WEB.name, "We\x01" "b"); }
static void b_list_name_utf8(struct ipp_policy_tree *t) { set_str(&WEB.name, "We\xc0\xaf" "b"); }
static void b_list_name_space(struct ipp_policy_tree *t) { set_str(&WEB.name, "Web "); }
static void
b_list_name_guid(struct ipp_policy_tree *t)
{
	set_str(&WEB.name, "{7238523A-70FA-11D1-864C-14A300000000}");
}
static void
b_policy_desc_long(struct ipp_policy_tree *t)
{
	char d[IPP_DESC_MAX + 2];

	memset(d, 'd', IPP_DESC_MAX + 1);
	d[IPP_DESC_MAX + 1] = '\0';
	set_str(&POL.description, d);
}
static void b_rule_desc_ctl(struct ipp_policy_tree *t) { set_str(&R1.description, "a\x1b[2Jb"); }
static void b_action_name_empty(struct ipp_policy_tree *t) { set_str(&REQ.name, ""); }
static void b_policy_name_empty(struct ipp_policy_tree *t) { set_str(&POL.name, ""); }
static void b_rule_name_ctl(struct ipp_policy_tree *t) { set_str(&R1.name, "R\t1"); }
static void b_filter_desc_utf8(struct ipp_policy_tree *t)
{
	set_str(&WEB.filters[1].description, "\xed\xa0\x80");
}
static void b_policy_guid(struct ipp_policy_tree *t) { strcpy(POL.guid, "{not-a-guid}"); }
static void
b_policy_guid_unterminated(struct ipp_policy_tree *t)
{
	memset(POL.guid, 'A', sizeof(POL.guid));
}

static void
b_esp_none_none(struct ipp_policy_tree *t)
{
	REQ.offers[0].esp_cipher = IPP_CIPHER_NONE;
	REQ.offers[0].esp_auth = IPP_HASH_NONE;
}
static void b_gcm_with_auth(struct ipp_policy_tree *t) { REQ.offers[1].esp_auth = IPP_HASH_SHA1; }
static void b_ah_none(struct ipp_policy_tree *t) { REQ.offers[3].ah_hash = IPP_HASH_NONE; }
static void b_ahesp_ah_none(struct ipp_policy_tree *t) { REQ.offers[2].ah_hash = IPP_HASH_NONE; }
static void
b_ahesp_gcm_auth(struct ipp_policy_tree *t)
{
	REQ.offers[2].esp_cipher = IPP_CIPHER_AES128GCM16;
}
static void b_qm_cipher_garbage(struct ipp_policy_tree *t) { REQ.offers[0].esp_cipher = 99; }
static void b_qm_auth_garbage(struct ipp_policy_tree *t) { REQ.offers[0].esp_auth = 77; }
static void b_ah_hash_garbage(struct ipp_policy_tree *t) { REQ.offers[3].ah_hash = -5; }
static void b_qm_proto_garbage(struct ipp_policy_tree *t) { REQ.offers[3].proto = 9; }
static void b_pfs_group_unknown(struct ipp_policy_tree *t) { REQ.offers[2].pfs_group = 3; }
static void b_pfs_group_no_pfs(struct ipp_policy_tree *t) { REQ.offers[2].pfs = false; }
static void b_life_s_low(struct ipp_policy_tree *t) { REQ.offers[0].life_s = 299; }
static void b_life_s_high(struct ipp_policy_tree *t) { REQ.offers[0].life_s = 172801; }
static void b_life_kb_low(struct ipp_policy_tree *t) { REQ.offers[0].life_kb = 20479; }
static void b_life_kb_high(struct ipp_policy_tree *t) { REQ.offers[0].life_kb = 2147483648u; }
static void b_negotiate_no_offers(struct ipp_policy_tree *t)
{
	free(REQ.offers);
	REQ.offers = NULL;
	REQ.noffers = 0;
}
static void b_offers_null(struct ipp_policy_tree *t)
{
	free(REQ.offers);
	REQ.offers = NULL;
}
static void b_action_garbage(struct ipp_policy_tree *t) { REQ.action = 3; }
static void b_defrule_offer(struct ipp_policy_tree *t)
{
	POL.defrule.offers[5].ah_hash = IPP_HASH_NONE;
}
static void b_defrule_auth(struct ipp_policy_tree *t)
{
	POL.defrule.auth[0].kind = IPP_AUTH_CERT;
}

static void b_port_icmp(struct ipp_policy_tree *t) { WEB.filters[0].proto = IPPROTO_ICMP; }
static void b_port_any(struct ipp_policy_tree *t) { WEB.filters[2].proto = 0; }
static void
b_family_mix(struct ipp_policy_tree *t)
{
	set_addr(&WEB.filters[1].src, "10.1.0.0/16");
	set_addr(&WEB.filters[1].dst, "2001:db8::/32");
}
static void
b_family_mix_range(struct ipp_policy_tree *t)
{
	set_addr(&WEB.filters[4].dst, "2001:db8::1");
}
static void
b_range_backwards(struct ipp_policy_tree *t)
{
	struct ipp_addr *a = &WEB.filters[4].src;

	inet_pton(AF_INET, "10.1.0.99", &a->ip);
}
static void b_range_family(struct ipp_policy_tree *t) { WEB.filters[4].src.family = 99; }
static void
b_prefix_long_v4(struct ipp_policy_tree *t)
{
	raw_net(&WEB.filters[1].dst, AF_INET, "10.0.0.0", 33);
}
static void
b_prefix_long_v6(struct ipp_policy_tree *t)
{
	raw_net(&WEB.filters[2].src, AF_INET6, "2001:db8::", 200);
}
static void
b_host_bits(struct ipp_policy_tree *t)
{
	raw_net(&WEB.filters[1].dst, AF_INET, "10.1.2.3", 8);
}
static void b_srv_other_any(struct ipp_policy_tree *t) { set_addr(&WEB.filters[3].dst, "any"); }
static void
b_srv_dst_other(struct ipp_policy_tree *t)
{
	set_addr(&WEB.filters[3].src, "10.0.0.1");
	set_addr(&WEB.filters[3].dst, "gateway");
}
static void b_srv_both(struct ipp_policy_tree *t) { set_addr(&WEB.filters[3].dst, "wins"); }
static void b_addr_unset(struct ipp_policy_tree *t) { ipp_addr_clear(&WEB.filters[0].dst); }
static void b_addr_kind_garbage(struct ipp_policy_tree *t) { WEB.filters[0].dst.kind = 42; }
static void b_dns_bad(struct ipp_policy_tree *t) { set_str(&WEB.filters[4].dst.dns, "www_x"); }
static void b_filters_null(struct ipp_policy_tree *t)
{
	for (size_t i = 0; i < WEB.nfilters; i++)
		ipp_filter_clear(&WEB.filters[i]);
	free(WEB.filters);
	WEB.filters = NULL;
}

static void b_psk_empty(struct ipp_policy_tree *t) { set_str(&R1.auth[1].value, ""); }
static void b_psk_null(struct ipp_policy_tree *t) { set_str(&R1.auth[1].value, NULL); }
static void
b_psk_long(struct ipp_policy_tree *t)
{
	char k[IPP_PSK_MAX + 2];

	memset(k, 'K', IPP_PSK_MAX + 1);
	k[IPP_PSK_MAX + 1] = '\0';
	set_str(&R1.auth[1].value, k);
}
static void b_cert_empty(struct ipp_policy_tree *t) { set_str(&R1.auth[2].value, ""); }
static void b_cert_not_dn(struct ipp_policy_tree *t) { set_str(&R1.auth[2].value, "Root CA"); }
static void b_cert_ctl(struct ipp_policy_tree *t) { set_str(&R1.auth[2].value, "CN=a\nb"); }
static void b_kerberos_value(struct ipp_policy_tree *t) { set_str(&R1.auth[0].value, "EXAMPLE"); }
static void b_certmap_psk(struct ipp_policy_tree *t) { R1.auth[1].certmap = true; }
static void b_auth_garbage(struct ipp_policy_tree *t) { R1.auth[0].kind = 17; }
static void b_auth_null(struct ipp_policy_tree *t)
{
	for (size_t i = 0; i < R1.nauth; i++)
		ipp_auth_clear(&R1.auth[i]);
	free(R1.auth);
	R1.auth = NULL;
}

static void b_mm_group(struct ipp_policy_tree *t) { POL.mm.offers[0].group = 3; }
static void b_mm_group_zero(struct ipp_policy_tree *t) { POL.mm.offers[1].group = 0; }
static void b_mm_gcm(struct ipp_policy_tree *t) { POL.mm.offers[0].cipher = IPP_CIPHER_AES256GCM16; }
static void b_mm_hash_none(struct ipp_policy_tree *t) { POL.mm.offers[1].hash = IPP_HASH_NONE; }
static void b_mm_cipher_none(struct ipp_policy_tree *t) { POL.mm.offers[0].cipher = IPP_CIPHER_NONE; }
static void b_mm_cipher_garbage(struct ipp_policy_tree *t) { POL.mm.offers[0].cipher = 200; }
static void b_mm_hash_garbage(struct ipp_policy_tree *t) { POL.mm.offers[0].hash = 66; }
static void b_mm_life_low(struct ipp_policy_tree *t) { POL.mm.lifetime_min = 4; }
static void b_mm_life_zero(struct ipp_policy_tree *t) { POL.mm.lifetime_min = 0; }
static void b_mm_life_high(struct ipp_policy_tree *t) { POL.mm.lifetime_min = 71582789; }
static void
b_mm_pfs_qm(struct ipp_policy_tree *t)
{
	POL.mm.pfs = true;
	POL.mm.qm_per_mm = 5;
}
static void b_mm_offers_null(struct ipp_policy_tree *t)
{
	free(POL.mm.offers);
	POL.mm.offers = NULL;
}

static void b_tunnel_subnet(struct ipp_policy_tree *t) { set_addr(&R2.tunnel, "5.6.7.0/24"); }
static void b_tunnel_any(struct ipp_policy_tree *t) { set_addr(&R2.tunnel, "any"); }
static void b_tunnel_me(struct ipp_policy_tree *t) { set_addr(&R2.tunnel, "me"); }
static void b_tunnel_range(struct ipp_policy_tree *t) { set_addr(&R2.tunnel, "5.6.7.8-5.6.7.9"); }
static void b_tunnel_srv(struct ipp_policy_tree *t) { set_addr(&R2.tunnel, "gateway"); }
static void
b_tunnel_v6_prefix(struct ipp_policy_tree *t)
{
	raw_net(&R2.tunnel, AF_INET6, "2001:db8::", 130);
}
static void b_tunnel_mirrored(struct ipp_policy_tree *t) { TUN.filters[0].mirrored = true; }
static void b_tunnel_rule_mirrored_list(struct ipp_policy_tree *t)
{
	set_str(&R2.filterlist, "Web");
}
static void b_rule_missing_list(struct ipp_policy_tree *t) { set_str(&R1.filterlist, "Nope"); }
static void b_rule_missing_action(struct ipp_policy_tree *t)
{
	set_str(&R2.filteraction, "Block");
}
static void b_rule_no_list(struct ipp_policy_tree *t) { set_str(&R1.filterlist, NULL); }
static void b_rule_no_action(struct ipp_policy_tree *t) { set_str(&R1.filteraction, ""); }
static void b_rule_dup(struct ipp_policy_tree *t) { set_str(&R2.name, "r1"); }
static void b_rule_dup_guid(struct ipp_policy_tree *t)
{
	ck_assert(ipp_guid_new(R1.guid) == 0);
	memcpy(R2.guid, R1.guid, sizeof(R2.guid));
}
static void b_conntype(struct ipp_policy_tree *t) { R1.conntype = 8; }
static void b_rules_null(struct ipp_policy_tree *t)
{
	for (size_t i = 0; i < POL.nrules; i++)
		ipp_rule_clear(&POL.rules[i]);
	free(POL.rules);
	POL.rules = NULL;
}
static void b_poll_zero(struct ipp_policy_tree *t) { POL.poll_min = 0; }
static void b_poll_high(struct ipp_policy_tree *t) { POL.poll_min = 43201; }
static void b_tree_dup_list(struct ipp_policy_tree *t) { set_str(&TUN.name, "Web"); }
static void b_tree_dup_action(struct ipp_policy_tree *t) { set_str(&t->actions[1].name, "Require Security"); }
static void b_tree_bad_list(struct ipp_policy_tree *t) { set_str(&TUN.filters[0].description, "\x7f"); }

static const struct row rows[] = {
	/* names and descriptions */
	{ "list name empty", b_list_name_empty, S_LIST, { "filter list name is empty", "1 to 255" } },
	{ "list name NULL", b_list_name_null, S_LIST, { "filter list name is empty" } },
	{ "list name long", b_list_name_long, S_LIST, { "filter list name 'WWW", "256 bytes",
	    "at most 255" } },
	{ "list name control", b_list_name_ctl, S_LIST, { "filter list name 'We\\x01b'",
	    "control character" } },
	{ "list name utf8", b_list_name_utf8, S_LIST, { "filter list name 'We\\xc0\\xafb'",
	    "not valid UTF-8" } },
	{ "list name space", b_list_name_space, S_LIST, { "filter list name 'Web '", "space" } },
	{ "list name guid", b_list_name_guid, S_LIST, { "filter list name '{7238523A",
	    "form of a GUID" } },
	{ "action name empty", b_action_name_empty, S_ACTION, { "filter action name is empty" } },
	{ "policy name empty", b_policy_name_empty, S_POLICY, { "policy name is empty" } },
	{ "rule name control", b_rule_name_ctl, S_POLICY, { "policy 'P'", "rule name 'R\\x091'",
	    "control character" } },
	{ "policy desc long", b_policy_desc_long, S_POLICY, { "policy 'P' description 'ddd",
	    "1025 bytes", "at most 1024" } },
	{ "rule desc control", b_rule_desc_ctl, S_POLICY, { "rule 'R1' of policy 'P' description",
	    "a\\x1b[2Jb", "control character" } },
	{ "filter desc utf8", b_filter_desc_utf8, S_LIST, { "filter 2 of filter list 'Web' "
	    "description", "UTF-8" } },
	{ "policy guid", b_policy_guid, S_POLICY, { "policy 'P' id '{not-a-guid}'", "not a GUID" } },
	{ "policy guid unterminated", b_policy_guid_unterminated, S_POLICY, { "policy 'P' id",
	    "not terminated" } },
	/* quick-mode offers and filter actions */
	{ "ESP none none", b_esp_none_none, S_OFFER, { "filter action 'Require Security' offer 1",
	    "ESP[NONE,NONE]", "expected a cipher" } },
	{ "GCM with auth", b_gcm_with_auth, S_OFFER, { "filter action 'Require Security' offer 2",
	    "ESP[AES256GCM16,SHA1]", "integrity built in", "integrity NONE" } },
	{ "AH none", b_ah_none, S_OFFER, { "offer 4", "AH hash is NONE", "SHA1" } },
	{ "AH+ESP ah none", b_ahesp_ah_none, S_OFFER, { "offer 3", "AH hash is NONE" } },
	{ "AH+ESP GCM with auth", b_ahesp_gcm_auth, S_OFFER, { "offer 3",
	    "ESP[AES128GCM16,SHA256]", "integrity built in" } },
	{ "ESP cipher garbage", b_qm_cipher_garbage, S_OFFER, { "offer 1", "ESP cipher 99 is "
	    "unknown", "AES256GCM16" } },
	{ "ESP auth garbage", b_qm_auth_garbage, S_OFFER, { "offer 1", "ESP integrity 77 is "
	    "unknown", "SHA512" } },
	{ "AH hash garbage", b_ah_hash_garbage, S_OFFER, { "offer 4", "AH hash -5 is unknown" } },
	{ "QM proto garbage", b_qm_proto_garbage, S_OFFER, { "offer 4", "protocol 9 is unknown",
	    "ESP, AH or AH+ESP" } },
	{ "PFS group unknown", b_pfs_group_unknown, S_OFFER, { "offer 3", "PFS group 3 is "
	    "unknown", "14" } },
	{ "PFS group without PFS", b_pfs_group_no_pfs, S_OFFER, { "offer 3", "PFS group 14",
	    "PFS is off" } },
	{ "QM life s low", b_life_s_low, S_OFFER, { "offer 1", "lifetime 299 s",
	    "300 to 172800 s", "0 for the default" } },
	{ "QM life s high", b_life_s_high, S_OFFER, { "offer 1", "lifetime 172801 s" } },
	{ "QM life kb low", b_life_kb_low, S_OFFER, { "offer 1", "lifetime 20479 KB",
	    "20480 to 2147483647 KB" } },
	{ "QM life kb high", b_life_kb_high, S_OFFER, { "lifetime 2147483648 KB" } },
	{ "negotiate no offers", b_negotiate_no_offers, S_ACTION, { "filter action "
	    "'Require Security'", "negotiate with no security methods", "at least one offer" } },
	{ "offers NULL", b_offers_null, S_ACTION, { "filter action 'Require Security'",
	    "4 offers announced" } },
	{ "action garbage", b_action_garbage, S_ACTION, { "filter action 'Require Security'",
	    "action 3 is unknown", "permit, block or negotiate" } },
	{ "default rule offer", b_defrule_offer, S_POLICY, { "default response rule of policy "
	    "'P' offer 6", "AH hash is NONE" } },
	{ "default rule auth", b_defrule_auth, S_POLICY, { "authentication method 1 of default "
	    "response rule of policy 'P'", "root CA name is empty" } },
	/* filters */
	{ "port on ICMP", b_port_icmp, S_FILTER, { "filter 1 of filter list 'Web'",
	    "destination port 80", "ICMP", "only with TCP or UDP" } },
	{ "port on any", b_port_any, S_FILTER, { "filter 3 of filter list 'Web'",
	    "source port 53", "protocol ANY" } },
	{ "family mix", b_family_mix, S_FILTER, { "filter 2 of filter list 'Web'",
	    "source 10.1.0.0/16 is IPv4", "destination 2001:db8::/32 is IPv6", "one family" } },
	{ "family mix range", b_family_mix_range, S_FILTER, { "filter 5 of filter list 'Web'",
	    "10.1.0.1-10.1.0.9", "2001:db8::1" } },
	{ "range backwards", b_range_backwards, S_FILTER, { "filter 5 of filter list 'Web': "
	    "source address", "10.1.0.99-10.1.0.9", "backwards" } },
	{ "range family", b_range_family, S_FILTER, { "filter 5 of filter list 'Web': source "
	    "address", "address family 99" } },
	{ "prefix long v4", b_prefix_long_v4, S_FILTER, { "filter 2 of filter list 'Web': "
	    "destination address", "10.0.0.0/33", "prefix /33 is longer than IPv4",
	    "at most /32" } },
	{ "prefix long v6", b_prefix_long_v6, S_FILTER, { "filter 3 of filter list 'Web': "
	    "source address", "prefix /200 is longer than IPv6", "at most /128" } },
	{ "host bits", b_host_bits, S_FILTER, { "filter 2 of filter list 'Web': destination "
	    "address", "10.1.2.3/8", "host bits", "10.0.0.0/8" } },
	{ "server keyword other side any", b_srv_other_any, S_FILTER, { "filter 4 of filter "
	    "list 'Web'", "server keyword dns", "destination is any", "expected destination me" } },
	{ "server keyword dst, src host", b_srv_dst_other, S_FILTER, { "filter 4",
	    "server keyword gateway", "source is 10.0.0.1", "expected source me" } },
	{ "server keywords both sides", b_srv_both, S_FILTER, { "filter 4", "both sides",
	    "source dns", "destination wins" } },
	{ "address unset", b_addr_unset, S_FILTER, { "filter 1 of filter list 'Web'",
	    "destination address is not set", "expected me, any" } },
	{ "address kind garbage", b_addr_kind_garbage, S_FILTER, { "filter 1 of filter list "
	    "'Web': destination address", "address kind 42 is unknown" } },
	{ "bad DNS name", b_dns_bad, S_FILTER, { "filter 5 of filter list 'Web': destination "
	    "address", "'www_x'", "not a valid DNS name" } },
	{ "filters NULL", b_filters_null, S_LIST, { "filter list 'Web'", "5 filters announced" } },
	/* authentication */
	{ "PSK empty", b_psk_empty, S_AUTH, { "authentication method 2 of rule 'R1' of policy "
	    "'P'", "preshared key is empty", "1 to 1024 bytes" } },
	{ "PSK NULL", b_psk_null, S_AUTH, { "authentication method 2", "preshared key is "
	    "empty" } },
	{ "PSK long", b_psk_long, S_AUTH, { "authentication method 2", "preshared key is 1025 "
	    "bytes long", "at most 1024" } },
	{ "CERT empty", b_cert_empty, S_AUTH, { "authentication method 3 of rule 'R1'",
	    "root CA name is empty", "distinguished name" } },
	{ "CERT not DN", b_cert_not_dn, S_AUTH, { "authentication method 3", "root CA name "
	    "'Root CA' is not a distinguished name", "CN=" } },
	{ "CERT control", b_cert_ctl, S_AUTH, { "authentication method 3", "'CN=a\\x0ab'",
	    "control character" } },
	{ "Kerberos value", b_kerberos_value, S_AUTH, { "authentication method 1 of rule 'R1'",
	    "Kerberos takes no value", "7 bytes" } },
	{ "certmap on PSK", b_certmap_psk, S_AUTH, { "authentication method 2", "certmap",
	    "preshared-key" } },
	{ "auth kind garbage", b_auth_garbage, S_AUTH, { "authentication method 1",
	    "kind 17 is unknown", "kerberos, psk or rootca" } },
	{ "auth NULL", b_auth_null, S_RULE, { "rule 'R1'", "3 authentication methods "
	    "announced" } },
	/* main mode */
	{ "MM group unknown", b_mm_group, S_MM, { "main mode of policy 'P' offer 1",
	    "DH group 3 is unknown", "1, 2, 14, 15, 19, 20 or 21" } },
	{ "MM group zero", b_mm_group_zero, S_MM, { "main mode of policy 'P' offer 2",
	    "DH group 0 is unknown" } },
	{ "MM GCM", b_mm_gcm, S_MM, { "main mode of policy 'P' offer 1", "AES256GCM16",
	    "not allowed in main mode", "AES256" } },
	{ "MM hash none", b_mm_hash_none, S_MM, { "offer 2", "hash NONE (0) is not a main-mode "
	    "hash", "SHA1" } },
	{ "MM cipher none", b_mm_cipher_none, S_MM, { "offer 1", "cipher NONE (0) is not a "
	    "main-mode cipher", "3DES" } },
	{ "MM cipher garbage", b_mm_cipher_garbage, S_MM, { "offer 1", "cipher ? (200)" } },
	{ "MM hash garbage", b_mm_hash_garbage, S_MM, { "offer 1", "hash ? (66)" } },
	{ "MM life low", b_mm_life_low, S_MM, { "main mode of policy 'P'", "lifetime 4 min",
	    "5 to 71582788 min" } },
	{ "MM life zero", b_mm_life_zero, S_MM, { "lifetime 0 min" } },
	{ "MM life high", b_mm_life_high, S_MM, { "lifetime 71582789 min" } },
	{ "MM PFS with QM limit", b_mm_pfs_qm, S_MM, { "main mode of policy 'P'", "master-key "
	    "PFS with 5 quick modes", "0 or 1" } },
	{ "MM offers NULL", b_mm_offers_null, S_MM, { "main mode of policy 'P'", "2 offers "
	    "announced" } },
	/* rules */
	{ "tunnel subnet", b_tunnel_subnet, S_RULE, { "rule 'R2'", "tunnel endpoint 5.6.7.0/24",
	    "not a single host", "IP address or a DNS name" } },
	{ "tunnel any", b_tunnel_any, S_RULE, { "rule 'R2'", "tunnel endpoint any" } },
	{ "tunnel me", b_tunnel_me, S_RULE, { "rule 'R2'", "tunnel endpoint me" } },
	{ "tunnel range", b_tunnel_range, S_RULE, { "tunnel endpoint 5.6.7.8-5.6.7.9" } },
	{ "tunnel server keyword", b_tunnel_srv, S_RULE, { "tunnel endpoint gateway" } },
	{ "tunnel v6 prefix", b_tunnel_v6_prefix, S_RULE, { "rule 'R2'", "tunnel endpoint",
	    "prefix /130" } },
	{ "tunnel mirrored filter", b_tunnel_mirrored, S_RULE, { "rule 'R2'", "tunnel rule",
	    "filter 1 of filter list 'Tunnel Out' is mirrored", "mirrored=no" } },
	{ "tunnel rule on mirrored list", b_tunnel_rule_mirrored_list, S_TREE, { "rule 'R2' of "
	    "policy 'P'", "filter 1 of filter list 'Web' is mirrored" } },
	{ "missing filter list", b_rule_missing_list, S_TREE, { "rule 'R1' of policy 'P'",
	    "filter list 'Nope' does not exist" } },
	{ "missing filter action", b_rule_missing_action, S_TREE, { "rule 'R2' of policy 'P'",
	    "filter action 'Block' does not exist" } },
	{ "rule without list", b_rule_no_list, S_RULE, { "rule 'R1'", "no filter list",
	    "name of a filter list" } },
	{ "rule without action", b_rule_no_action, S_RULE, { "rule 'R1'", "no filter action" } },
	{ "duplicate rule names", b_rule_dup, S_POLICY, { "policy 'P'", "rules 1 and 2",
	    "'r1'", "unique rule names" } },
	{ "duplicate rule ids", b_rule_dup_guid, S_POLICY, { "policy 'P'", "same id" } },
	{ "conntype garbage", b_conntype, S_RULE, { "rule 'R1'", "connection type 8",
	    "all, lan or dialup" } },
	{ "rules NULL", b_rules_null, S_POLICY, { "policy 'P'", "2 rules announced" } },
	/* policy */
	{ "poll zero", b_poll_zero, S_POLICY, { "policy 'P'", "polling interval 0 min",
	    "1 to 43200" } },
	{ "poll high", b_poll_high, S_POLICY, { "polling interval 43201 min" } },
	/* tree */
	{ "tree duplicate list", b_tree_dup_list, S_TREE, { "filter list 'Web' appears twice" } },
	{ "tree duplicate action", b_tree_dup_action, S_TREE, { "filter action 'Require "
	    "Security' appears twice" } },
	{ "tree list invalid", b_tree_bad_list, S_TREE, { "filter 1 of filter list 'Tunnel Out' "
	    "description", "\\x7f" } },
};

START_TEST(test_valid_tree)
{
	struct ipp_policy_tree tree, *t = &tree;
	struct ipp_err e = { 0 };

	build(t);
	ck_assert_msg(ipp_policy_tree_validate(t, &e) == 0, "%s", e.msg);
	for (enum scope s = S_TREE; s <= S_POLICY; s++)
		ck_assert_msg(narrow(t, s, &e) == 0, "scope %d: %s", s, e.msg);
	ck_assert(ipp_name_validate("policy", "Secure Server (Require Security)", &e) == 0);
	ck_assert(ipp_name_validate("policy", "Richtlinie f\xc3\xbcr Server", &e) == 0);
	ck_assert(ipp_desc_validate("policy", NULL, &e) == 0);
	ck_assert(ipp_desc_validate("policy", "", &e) == 0);
	ipp_policy_tree_clear(t);
}
END_TEST

/* Values at the very ends of every range are accepted. */
START_TEST(test_valid_bounds)
{
	struct ipp_policy_tree tree, *t = &tree;
	struct ipp_err e = { 0 };
	char name[IPP_NAME_MAX + 1], desc[IPP_DESC_MAX + 1];

	build(t);
	memset(name, 'n', IPP_NAME_MAX);
	name[IPP_NAME_MAX] = '\0';
	memset(desc, 'd', IPP_DESC_MAX);
	desc[IPP_DESC_MAX] = '\0';
	set_str(&POL.name, name);
	set_str(&POL.description, desc);
	POL.poll_min = IPP_POLL_MIN_HI;
	POL.mm.lifetime_min = IPP_MM_LIFE_MIN_LO;
	POL.mm.pfs = true;
	POL.mm.qm_per_mm = 1;
	REQ.offers[0].life_s = IPP_QM_LIFE_S_LO;
	REQ.offers[0].life_kb = IPP_QM_LIFE_KB_HI;
	REQ.offers[1].life_s = IPP_QM_LIFE_S_HI;
	REQ.offers[1].life_kb = IPP_QM_LIFE_KB_LO;
	REQ.offers[0].esp_cipher = IPP_CIPHER_NONE;	/* ESP[NONE,SHA1]: integrity only */
	REQ.offers[1].esp_cipher = IPP_CIPHER_DES;	/* ESP[DES,NONE]: legacy but legal */
	set_addr(&R2.tunnel, "gw.example.net");
	add_rule(&POL, "R3", "Tunnel Out", "Permit", "2001:db8::1");
	TUN.filters[0].mirrored = false;
	R1.conntype = IPP_CONN_DIALUP;
	ck_assert_msg(ipp_policy_tree_validate(t, &e) == 0, "%s", e.msg);
	POL.poll_min = IPP_POLL_MIN_LO;
	POL.mm.lifetime_min = IPP_MM_LIFE_MIN_HI;
	POL.mm.qm_per_mm = 0;
	ck_assert_msg(ipp_policy_tree_validate(t, &e) == 0, "%s", e.msg);
	ipp_policy_tree_clear(t);
}
END_TEST

/* Arrays a row took away leave counts that clearing would follow. */
static void
unbreak(struct ipp_policy_tree *t)
{
	if (WEB.filters == NULL)
		WEB.nfilters = 0;
	if (POL.rules == NULL)
		POL.nrules = 0;
	if (POL.mm.offers == NULL)
		POL.mm.noffers = 0;
	if (REQ.offers == NULL)
		REQ.noffers = 0;
	if (POL.nrules > 0 && R1.auth == NULL)
		R1.nauth = 0;
}

START_TEST(test_rule)
{
	const struct row *r = &rows[_i];
	struct ipp_policy_tree tree, *t = &tree;
	struct ipp_err e = { 0 }, n = { 0 };

	build(t);
	r->breakit(t);
	ck_assert_msg(ipp_policy_tree_validate(t, &e) == -1, "%s: tree accepted", r->what);
	ck_assert_int_eq(e.code, IPP_E_INVAL);
	for (size_t k = 0; k < 4 && r->want[k] != NULL; k++)
		ck_assert_msg(strstr(e.msg, r->want[k]) != NULL, "%s: \"%s\" lacks \"%s\"",
		    r->what, e.msg, r->want[k]);
	ck_assert_msg(narrow(t, r->scope, &n) == -1, "%s: scope %d accepted", r->what,
	    r->scope);
	ck_assert_int_eq(n.code, IPP_E_INVAL);
	ck_assert_msg(strlen(n.msg) > 20, "%s: \"%s\"", r->what, n.msg);
	unbreak(t);
	ipp_policy_tree_clear(t);
}
END_TEST

/* With the list and action given, the rule's check covers them too. */
START_TEST(test_rule_with_refs)
{
	struct ipp_policy_tree tree, *t = &tree;
	struct ipp_err e = { 0 };

	build(t);
	ck_assert_msg(ipp_rule_validate(&R1, &WEB, &REQ, &e) == 0, "%s", e.msg);
	REQ.offers[0].esp_cipher = IPP_CIPHER_NONE;
	REQ.offers[0].esp_auth = IPP_HASH_NONE;
	ck_assert(ipp_rule_validate(&R1, &WEB, &REQ, &e) == -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "filter action 'Require Security' offer 1"));
	ck_assert(ipp_rule_validate(&R1, &WEB, NULL, &e) == 0);
	WEB.filters[0].proto = IPPROTO_ICMP;
	ck_assert(ipp_rule_validate(&R1, &WEB, NULL, &e) == -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "filter 1 of filter list 'Web'"));
	ck_assert(ipp_rule_validate(&R1, NULL, NULL, &e) == 0);
	ipp_policy_tree_clear(t);
}
END_TEST

/* Empty offers and authentication mean Windows' defaults and are valid. */
START_TEST(test_empty_means_defaults)
{
	struct ipp_policy p;
	struct ipp_err e = { 0 };

	ipp_policy_init(&p);
	p.name = xstrdup("Bare");
	ck_assert_msg(ipp_policy_validate(&p, &e) == 0, "%s", e.msg);
	ipp_policy_clear(&p);
}
END_TEST

/* The key is the one thing a message must never carry. */
START_TEST(test_psk_never_in_message)
{
	struct ipp_policy_tree tree, *t = &tree;
	struct ipp_err e = { 0 };

	build(t);
	R1.auth[1].kind = IPP_AUTH_KERBEROS;	/* a mangled kind still holding the key */
	ck_assert(ipp_policy_tree_validate(t, &e) == -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "Kerberos takes no value"));
	ck_assert_ptr_null(strstr(e.msg, "horse"));
	R1.auth[1].kind = IPP_AUTH_PSK;
	R1.auth[1].certmap = true;
	ck_assert(ipp_policy_tree_validate(t, &e) == -1);
	ck_assert_ptr_null(strstr(e.msg, "horse"));
	R1.auth[1].certmap = false;
	b_psk_long(t);
	ck_assert(ipp_policy_tree_validate(t, &e) == -1);
	ck_assert_ptr_null(strstr(e.msg, "KKKK"));
	ipp_policy_tree_clear(t);
}
END_TEST

/* Garbage in every scalar field: validation answers, it never crashes or reads astray. */
START_TEST(test_garbage_fields)
{
	struct ipp_policy_tree tree, *t = &tree;
	struct ipp_err e;
	unsigned seed = 12345;

	for (int round = 0; round < 500; round++) {
		build(t);
		for (int k = 0; k < 3; k++) {
			unsigned v = (unsigned)rand_r(&seed);
			struct ipp_qm_offer *o = &REQ.offers[v % REQ.noffers];
			struct ipp_filter *f = &WEB.filters[v % WEB.nfilters];

			switch ((v >> 8) % 12) {
			case 0: o->proto = (enum ipp_qm_proto)(v >> 12); break;
			case 1: o->esp_cipher = (enum ipp_cipher)(int)(v >> 4); break;
			case 2: o->esp_auth = (enum ipp_hash)(int)(v << 3); break;
			case 3: o->ah_hash = (enum ipp_hash)(v >> 16); break;
			case 4: f->src.kind = (enum ipp_addr_kind)(v >> 13) % 12; break;
			case 5: f->dst.family = (int)(v >> 10); break;
			case 6: f->src.prefix = (uint8_t)(v >> 7); break;
			case 7: POL.mm.offers[0].group = (ipp_dhgroup)v; break;
			case 8: R1.auth[v % R1.nauth].kind = (enum ipp_auth_kind)(v >> 20); break;
			case 9: R2.tunnel.kind = (enum ipp_addr_kind)(v >> 14) % 12; break;
			case 10: REQ.action = (enum ipp_action)(v >> 9); break;
			case 11: f->proto = (uint8_t)v; f->sport = (uint16_t)(v >> 16); break;
			}
		}
		/* A kind changed to DNSNAME without a name, or from it with one: both safe. */
		if (ipp_policy_tree_validate(t, &e) == -1)
			ck_assert_int_eq(e.code, IPP_E_INVAL);
		for (enum scope s = S_TREE; s <= S_POLICY; s++)
			narrow(t, s, &e);
		ipp_policy_tree_clear(t);
	}
}
END_TEST

START_TEST(test_printable)
{
	char buf[IPP_PRINTABLE_MAX], small[8];
	char longs[200];

	ck_assert_str_eq(ipp_str_printable("a\x01\x7f" "b", buf, sizeof(buf)), "a\\x01\\x7fb");
	ck_assert_str_eq(ipp_str_printable(NULL, buf, sizeof(buf)), "");
	memset(longs, 'x', sizeof(longs) - 1);
	longs[sizeof(longs) - 1] = '\0';
	ipp_str_printable(longs, buf, sizeof(buf));
	ck_assert_uint_eq(strlen(buf), sizeof(buf) - 1);
	ck_assert_str_eq(buf + strlen(buf) - 3, "...");
	ck_assert_str_eq(ipp_str_printable("abcdefgh", small, sizeof(small)), "abcd...");
	ck_assert_str_eq(ipp_str_printable("abcdefg", small, sizeof(small)), "abcdefg");
	ck_assert_str_eq(ipp_str_printable("\x01\x02", small, sizeof(small)), "\\x01...");
	/* UTF-8 passes whole; broken UTF-8 is escaped byte by byte, never cut mid-character. */
	ck_assert_str_eq(ipp_str_printable("f\xc3\xbcr", buf, sizeof(buf)), "f\xc3\xbcr");
	ck_assert_str_eq(ipp_str_printable("a\xc3", buf, sizeof(buf)), "a\\xc3");
	ck_assert_str_eq(ipp_str_printable("\xed\xa0\x80", buf, sizeof(buf)),
	    "\\xed\\xa0\\x80");
	ck_assert_str_eq(ipp_str_printable("abc\xe2\x82\xac\xe2\x82\xac", small,
	    sizeof(small)), "abc...");
}
END_TEST

static Suite *
validate_suite(void)
{
	Suite *s = suite_create("validate");
	TCase *tc = tcase_create("rules");

	tcase_add_test(tc, test_valid_tree);
	tcase_add_test(tc, test_valid_bounds);
	tcase_add_loop_test(tc, test_rule, 0, sizeof(rows) / sizeof(rows[0]));
	tcase_add_test(tc, test_rule_with_refs);
	tcase_add_test(tc, test_empty_means_defaults);
	tcase_add_test(tc, test_psk_never_in_message);
	tcase_add_test(tc, test_printable);
	suite_add_tcase(s, tc);
	/* Hundreds of trees: room for sanitizers on a busy machine. */
	tc = tcase_create("garbage");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_garbage_fields);
	suite_add_tcase(s, tc);
	return s;
}

IPP_CHECK_MAIN(validate_suite)
