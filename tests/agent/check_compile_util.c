/* Helpers for the compiler's tests (check_compile_util.h). */
#include <arpa/inet.h>
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel-xfrm/xfrm.h"
#include "store/store.h"
#include "tests/agent/check_compile_util.h"

static unsigned guid_seq;

static char *
xstrdup(const char *s)
{
	char *d = strdup(s);

	ck_assert_ptr_nonnull(d);
	return d;
}

static void
fake_guid(char out[IPP_GUID_SIZE])
{
	snprintf(out, IPP_GUID_SIZE, "{00000000-0000-0000-0000-%012u}", ++guid_seq);
}

void
tb_init(struct ipp_policy_tree *t, const char *policy)
{
	memset(t, 0, sizeof(*t));
	ipp_policy_init(&t->policy);
	t->policy.name = xstrdup(policy);
	fake_guid(t->policy.guid);
}

static struct ipp_filterlist *
list_get(struct ipp_policy_tree *t, const char *name)
{
	struct ipp_filterlist fl = { 0 }, *p;
	size_t i;

	for (i = 0; i < t->nlists; i++) {
		if (strcmp(t->lists[i].name, name) == 0)
			return &t->lists[i];
	}
	fl.name = xstrdup(name);
	fake_guid(fl.guid);
	p = ipp_array_push(&t->lists, &t->nlists, sizeof(fl), &fl);
	ck_assert_ptr_nonnull(p);
	return p;
}

static void
addr(struct ipp_addr *a, const char *text)
{
	struct ipp_err e = { 0 };

	memset(a, 0, sizeof(*a));
	ck_assert_msg(ipp_addr_parse(a, text, NULL, &e) == 0, "address %s: %s", text, e.msg);
}

void
tb_filter(struct ipp_policy_tree *t, const char *list, const char *src, const char *dst,
    unsigned proto, unsigned sport, unsigned dport, bool mirrored)
{
	struct ipp_filterlist *fl = list_get(t, list);
	struct ipp_filter f;

	ipp_filter_init(&f);
	addr(&f.src, src);
	addr(&f.dst, dst);
	f.proto = (uint8_t)proto;
	f.sport = (uint16_t)sport;
	f.dport = (uint16_t)dport;
	f.mirrored = mirrored;
	ck_assert_ptr_nonnull(ipp_array_push(&fl->filters, &fl->nfilters, sizeof(f), &f));
}

static struct ipp_qm_offer
offer(const char *kind)
{
	struct ipp_qm_offer o;

	ipp_qm_offer_init(&o);
	o.esp_cipher = IPP_CIPHER_AES128;
	o.esp_auth = IPP_HASH_SHA256;
	o.ah_hash = IPP_HASH_SHA256;
	if (strcmp(kind, "esp") == 0)
		o.proto = IPP_QM_ESP;
	else if (strcmp(kind, "ah") == 0)
		o.proto = IPP_QM_AH;
	else
		o.proto = IPP_QM_AH_ESP;
	return o;
}

void
tb_action(struct ipp_policy_tree *t, const char *name, enum ipp_action a, bool inpass,
    int soft, ...)	/* int: the last named parameter before ... must not be promoted */
{
	struct ipp_filteraction fa;
	struct ipp_qm_offer o;
	const char *k;
	va_list ap;

	ipp_filteraction_init(&fa);
	fa.name = xstrdup(name);
	fake_guid(fa.guid);
	fa.action = a;
	fa.inpass = inpass;
	fa.soft = soft;
	va_start(ap, soft);
	while ((k = va_arg(ap, const char *)) != NULL) {
		o = offer(k);
		ck_assert_ptr_nonnull(ipp_array_push(&fa.offers, &fa.noffers, sizeof(o), &o));
	}
	va_end(ap);
	ck_assert_ptr_nonnull(ipp_array_push(&t->actions, &t->nactions, sizeof(fa), &fa));
}

struct ipp_rule *
tb_rule(struct ipp_policy_tree *t, const char *name, const char *list, const char *action,
    const char *tunnel)
{
	struct ipp_rule r;
	struct ipp_rule *p;

	ipp_rule_init(&r);
	r.name = xstrdup(name);
	fake_guid(r.guid);
	r.filterlist = xstrdup(list);
	r.filteraction = xstrdup(action);
	if (tunnel != NULL)
		addr(&r.tunnel, tunnel);
	p = ipp_array_push(&t->policy.rules, &t->policy.nrules, sizeof(r), &r);
	ck_assert_ptr_nonnull(p);
	return p;
}

void
tb_psk(struct ipp_rule *r, const char *key)
{
	struct ipp_auth a = { .kind = IPP_AUTH_PSK };

	ck_assert_ptr_nonnull(a.value = strdup(key));
	ck_assert_ptr_nonnull(ipp_array_push(&r->auth, &r->nauth, sizeof(a), &a));
}

void
tb_valid(const struct ipp_policy_tree *t)
{
	struct ipp_err e = { 0 };

	ck_assert_msg(ipp_policy_tree_validate(t, &e) == 0, "tree invalid: %s", e.msg);
}

static const char *
sel_addr(uint16_t family, const xfrm_address_t *a, unsigned prefix, unsigned port,
    char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN];
	int n;

	inet_ntop(family, a, ip, sizeof(ip));
	n = snprintf(buf, len, "%s/%u", ip, prefix);
	if (port != 0 && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, ":%u", port);
	return buf;
}

static const char *
rule_of(const struct ipp_compiled *c, uint32_t reqid)
{
	const struct ipp_ike_rule *r = ipp_compiled_rule_by_reqid(c, reqid);

	return r != NULL ? r->name : "?";
}

static size_t
tmpl_text(const struct ipp_compiled *c, const struct xfrm_tmpl *t, char *buf, size_t len)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	int n;

	if (t->mode == XFRM_MODE_TUNNEL) {
		inet_ntop(t->family, &t->saddr, s, sizeof(s));
		inet_ntop(t->family, &t->daddr, d, sizeof(d));
		n = snprintf(buf, len, " %s/tun/%s>%s/r=%s%s", t->proto == IPPROTO_AH ? "ah" :
		    "esp", s, d, rule_of(c, t->reqid), t->optional ? "/opt" : "");
	} else
		n = snprintf(buf, len, " %s/tr%s/r=%s%s", t->proto == IPPROTO_AH ? "ah" : "esp",
		    t->family == AF_INET6 ? "6" : "", rule_of(c, t->reqid),
		    t->optional ? "/opt" : "");
	return n < 0 ? 0 : (size_t)n < len ? (size_t)n : len - 1;
}

const char *
pol_text(const struct ipp_compiled *c, const struct ipp_compile_env *env,
    const struct xfrm_policy *p, char *buf, size_t len)
{
	static const char *dirs[] = { "in", "out", "fwd" };
	char s[80], d[80];
	size_t at;
	unsigned i;
	int n;

	n = snprintf(buf, len, "%s %s > %s %u if%d %s p%u", p->dir < 3 ? dirs[p->dir] : "?",
	    sel_addr(p->sel.family, &p->sel.saddr, p->sel.sprefix, p->sel.sport, s, sizeof(s)),
	    sel_addr(p->sel.family, &p->sel.daddr, p->sel.dprefix, p->sel.dport, d, sizeof(d)),
	    p->sel.proto, p->sel.ifindex, p->action == XFRM_POLICY_BLOCK ? "block" : "allow",
	    p->priority - env->prio_base);
	at = n < 0 ? 0 : (size_t)n;
	for (i = 0; i < p->ntmpl && at < len; i++)
		at += tmpl_text(c, &p->tmpl[i], buf + at, len - at);
	return buf;
}

void
golden(const struct ipp_compiled *c, const struct ipp_compile_env *env, bool exempts,
    const char *const *expect, size_t n)
{
	char buf[POL_STRLEN], *all = NULL;
	size_t i, k = 0, alen = 0;
	FILE *f = open_memstream(&all, &alen);
	bool ok = true;

	ck_assert_ptr_nonnull(f);
	for (i = 0; i < c->npolicies; i++) {
		if (!exempts && c->policies[i].origin.kind == IPP_ORIGIN_EXEMPT)
			continue;
		pol_text(c, env, &c->policies[i].xp, buf, sizeof(buf));
		fprintf(f, "\t\"%s\",\n", buf);
		if (k >= n || strcmp(buf, expect[k]) != 0) {
			if (ok)
				fprintf(f, "\t^ first difference; expected \"%s\"\n",
				    k < n ? expect[k] : "(nothing)");
			ok = false;
		}
		k++;
	}
	if (k != n)
		ok = false;
	fclose(f);
	ck_assert_msg(ok, "compiled %zu policies, expected %zu:\n%s", k, n, all);
	free(all);
}

int
res_table_resolve(void *arg, enum ipp_addr_kind kind, const char *name,
    struct ipp_hostaddr *out, size_t max, struct ipp_err *e)
{
	static const char *kw[] = { [IPP_ADDR_SRV_DNS] = "dns", [IPP_ADDR_SRV_WINS] = "wins",
		[IPP_ADDR_SRV_DHCP] = "dhcp", [IPP_ADDR_SRV_GATEWAY] = "gateway" };
	struct res_table *rt = arg;
	const char *key = kind == IPP_ADDR_DNSNAME ? name : kw[kind];
	char row[256], *save = NULL, *tok, *eq;
	size_t i, n = 0, kl = strlen(key);

	rt->calls++;
	if (rt->fail)
		return ipp_errf(e, IPP_E_STORE, "resolving %s: temporary failure", key);
	for (i = 0; i < rt->n; i++) {
		if (strncmp(rt->rows[i], key, kl) != 0 || rt->rows[i][kl] != '=')
			continue;
		snprintf(row, sizeof(row), "%s", rt->rows[i]);
		eq = strchr(row, '=');
		for (tok = strtok_r(eq + 1, ",", &save); tok != NULL && n < max;
		    tok = strtok_r(NULL, ",", &save)) {
			memset(&out[n], 0, sizeof(out[n]));
			out[n].family = strchr(tok, ':') != NULL ? AF_INET6 : AF_INET;
			ck_assert_int_eq(inet_pton(out[n].family, tok, &out[n].ip), 1);
			n++;
		}
	}
	return (int)n;
}

void
compile_ok(const struct ipp_policy_tree *const *trees, size_t ntrees,
    const struct ipp_compile_env *env, struct ipp_compiled *out)
{
	struct ipp_err e = { 0 };
	char buf[POL_STRLEN];
	size_t i;

	ck_assert_msg(ipp_compile(trees, ntrees, env, out, &e) == 0, "compile: %s", e.msg);
	for (i = 0; i < out->npolicies; i++)
		ck_assert_msg(xfrm_policy_check(&out->policies[i].xp) == 0,
		    "kernel-xfrm refuses %s", pol_text(out, env, &out->policies[i].xp, buf,
		    sizeof(buf)));
}

size_t
n_filter_policies(const struct ipp_compiled *c)
{
	size_t i, n = 0;

	for (i = 0; i < c->npolicies; i++)
		n += c->policies[i].origin.kind == IPP_ORIGIN_FILTER;
	return n;
}

/* One of the Windows examples, from a freshly seeded local store. */
void
load_example(const char *name, struct ipp_policy_tree *t)
{
	char dir[] = "/tmp/ipp-example-XXXXXX", path[64];
	struct ipp_store_opts opts = { .flags = IPP_STORE_CREATE };
	struct ipp_store *st = NULL;
	struct ipp_err e = { 0 };

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/local.db", dir);
	ck_assert_msg(ipp_store_open_local(&st, path, &opts, &e) == 0, "open: %s", e.msg);
	memset(t, 0, sizeof(*t));
	ck_assert_msg(ipp_store_policy_get(st, name, t, &e) == 0, "get %s: %s", name, e.msg);
	ipp_store_close(st);
	unlink(path);
	rmdir(dir);
}
