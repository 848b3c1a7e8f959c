/*
 * storetool: writes a local store the way the CLI will, for the agent's tests (until the
 * CLI's static mode lands).  Every command is one store transaction.
 *
 *   storetool DB create                      new store seeded with the Windows examples
 *   storetool DB assign POLICY | unassign
 *   storetool DB list NAME FILTER...         filter list; FILTER is SRC>DST[:PROTO[:SP[:DP]]]
 *                                            with '>' for one-way, '=' for mirrored
 *   storetool DB action NAME permit|block|negotiate|inpass
 *   storetool DB policy NAME                 an empty policy with Windows' defaults
 *   storetool DB rule POLICY RULE LIST ACTION [TUNNEL]
 *   storetool DB filter-add LIST FILTER | filter-del LIST FILTER
 *   storetool DB filter-mod LIST OLD NEW     both in one transaction
 *   storetool DB bulk POLICY N ACTION        policy with one rule over N filters
 *                                            me=10.X.Y.Z (mirrored), X.Y.Z from 200.0.1 on
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "store/store.h"

static int
die(const char *what, const struct ipp_err *e)
{
	fprintf(stderr, "storetool: %s: %s\n", what, e->msg);
	return 1;
}

/* SRC>DST or SRC=DST, then optional :PROTO:SPORT:DPORT. */
static int
parse_filter(const char *spec, struct ipp_filter *f, struct ipp_err *e)
{
	char buf[512], *sep, *rest, *proto = NULL, *sp = NULL, *dp = NULL;
	int p;

	ipp_filter_init(f);
	snprintf(buf, sizeof(buf), "%s", spec);
	if ((sep = strpbrk(buf, ">=")) == NULL)
		return ipp_errf(e, IPP_E_INVAL, "filter '%s': no '>' or '='", spec);
	f->mirrored = *sep == '=';
	*sep = '\0';
	rest = sep + 1;
	/* Ports and protocol follow the last ']' or the destination's end; IPv6 is bracketed. */
	if (*rest == '[') {
		rest++;
		if ((sep = strchr(rest, ']')) == NULL)
			return ipp_errf(e, IPP_E_INVAL, "filter '%s': no ']'", spec);
		*sep++ = '\0';
		proto = *sep == ':' ? sep + 1 : NULL;
	} else if ((proto = strchr(rest, ':')) != NULL)
		*proto++ = '\0';
	if (proto != NULL && (sp = strchr(proto, ':')) != NULL) {
		*sp++ = '\0';
		if ((dp = strchr(sp, ':')) != NULL)
			*dp++ = '\0';
	}
	if (ipp_addr_parse(&f->src, buf[0] == '[' ? buf + 1 : buf, NULL, e) < 0 ||
	    ipp_addr_parse(&f->dst, rest, NULL, e) < 0)
		return -1;
	if (proto != NULL) {
		if ((p = ipp_proto_from_name(proto)) < 0)
			return ipp_errf(e, IPP_E_INVAL, "protocol '%s'", proto);
		f->proto = (uint8_t)p;
	}
	f->sport = sp != NULL ? (uint16_t)atoi(sp) : 0;
	f->dport = dp != NULL ? (uint16_t)atoi(dp) : 0;
	return 0;
}

static int
cmd_list(struct ipp_store *st, const char *name, int n, char **specs, struct ipp_err *e)
{
	struct ipp_filterlist fl = { 0 };
	struct ipp_filter f;
	int rc = 0;

	fl.name = strdup(name);
	for (int i = 0; i < n && rc == 0; i++) {
		if ((rc = parse_filter(specs[i], &f, e)) == 0 &&
		    ipp_array_push(&fl.filters, &fl.nfilters, sizeof(f), &f) == NULL)
			rc = ipp_errf(e, IPP_E_NOMEM, "out of memory");
	}
	if (rc == 0)
		rc = ipp_store_filterlist_create(st, &fl, e);
	ipp_filterlist_clear(&fl);
	return rc;
}

static int
cmd_action(struct ipp_store *st, const char *name, const char *kind, struct ipp_err *e)
{
	struct ipp_filteraction fa;
	struct ipp_qm_offer o;
	int rc;

	ipp_filteraction_init(&fa);
	fa.name = strdup(name);
	if (strcmp(kind, "permit") == 0)
		fa.action = IPP_ACTION_PERMIT;
	else if (strcmp(kind, "block") == 0)
		fa.action = IPP_ACTION_BLOCK;
	else {
		fa.action = IPP_ACTION_NEGOTIATE;
		fa.inpass = strcmp(kind, "inpass") == 0;
		ipp_qm_offer_init(&o);
		o.proto = IPP_QM_ESP;
		o.esp_cipher = IPP_CIPHER_AES128;
		o.esp_auth = IPP_HASH_SHA256;
		ipp_array_push(&fa.offers, &fa.noffers, sizeof(o), &o);
	}
	rc = ipp_store_filteraction_create(st, &fa, e);
	ipp_filteraction_clear(&fa);
	return rc;
}

static int
cmd_policy(struct ipp_store *st, const char *name, struct ipp_err *e)
{
	struct ipp_policy p;
	int rc;

	ipp_policy_init(&p);
	p.name = strdup(name);
	rc = ipp_policy_fill_defaults(&p, e);
	if (rc == 0)
		rc = ipp_store_policy_create(st, &p, e);
	ipp_policy_clear(&p);
	return rc;
}

static int
cmd_rule(struct ipp_store *st, char **av, int ac, struct ipp_err *e)
{
	struct ipp_rule r;
	int rc = 0;

	ipp_rule_init(&r);
	r.name = strdup(av[1]);
	r.filterlist = strdup(av[2]);
	r.filteraction = strdup(av[3]);
	if (ac > 4)
		rc = ipp_addr_parse(&r.tunnel, av[4], NULL, e);
	if (rc == 0)
		rc = ipp_store_rule_create(st, av[0], &r, e);
	ipp_rule_clear(&r);
	return rc;
}

static int
cmd_filter(struct ipp_store *st, bool add, const char *list, const char *spec,
    struct ipp_err *e)
{
	struct ipp_filter f;
	int rc;

	if ((rc = parse_filter(spec, &f, e)) == 0)
		rc = add ? ipp_store_filter_add(st, list, &f, e) :
		    ipp_store_filter_delete(st, list, &f, e);
	ipp_filter_clear(&f);
	return rc;
}

static int
cmd_bulk(struct ipp_store *st, const char *name, long n, const char *action, struct ipp_err *e)
{
	struct ipp_filterlist fl = { 0 };
	struct ipp_filter f;
	char *rule[4];
	char lname[300];
	int rc;

	snprintf(lname, sizeof(lname), "%s list", name);
	fl.name = strdup(lname);
	for (long i = 0; i < n; i++) {
		ipp_filter_init(&f);
		f.src.kind = IPP_ADDR_ME;
		f.dst.kind = IPP_ADDR_NET;
		f.dst.family = AF_INET;
		f.dst.prefix = 32;
		f.dst.ip.v4.s_addr = htonl(0x0ac80000u | (uint32_t)(i + 1));
		if (ipp_array_push(&fl.filters, &fl.nfilters, sizeof(f), &f) == NULL)
			return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	}
	rc = ipp_store_filterlist_create(st, &fl, e);
	ipp_filterlist_clear(&fl);
	rule[0] = (char *)name;
	rule[1] = (char *)"bulk";
	rule[2] = lname;
	rule[3] = (char *)action;
	if (rc == 0)
		rc = cmd_action(st, action, action, e);
	if (rc == 0)
		rc = cmd_policy(st, name, e);
	if (rc == 0)
		rc = cmd_rule(st, rule, 4, e);
	return rc;
}

static int
run(struct ipp_store *st, int ac, char **av, struct ipp_err *e)
{
	const char *c = av[0];

	if (strcmp(c, "create") == 0)
		return 0;
	if (strcmp(c, "assign") == 0 && ac == 2)
		return ipp_store_assign(st, av[1], e);
	if (strcmp(c, "unassign") == 0)
		return ipp_store_unassign(st, e);
	if (strcmp(c, "list") == 0 && ac >= 2)
		return cmd_list(st, av[1], ac - 2, av + 2, e);
	if (strcmp(c, "action") == 0 && ac == 3)
		return cmd_action(st, av[1], av[2], e);
	if (strcmp(c, "policy") == 0 && ac == 2)
		return cmd_policy(st, av[1], e);
	if (strcmp(c, "rule") == 0 && (ac == 5 || ac == 6))
		return cmd_rule(st, av + 1, ac - 1, e);
	if ((strcmp(c, "filter-add") == 0 || strcmp(c, "filter-del") == 0) && ac == 3)
		return cmd_filter(st, c[7] == 'a', av[1], av[2], e);
	if (strcmp(c, "filter-mod") == 0 && ac == 4)
		return cmd_filter(st, false, av[1], av[2], e) < 0 ? -1 :
		    cmd_filter(st, true, av[1], av[3], e);
	if (strcmp(c, "bulk") == 0 && ac == 4)
		return cmd_bulk(st, av[1], atol(av[2]), av[3], e);
	return ipp_errf(e, IPP_E_INVAL, "unknown command or wrong arguments: %s", c);
}

int
main(int argc, char **argv)
{
	struct ipp_store_opts o = { .flags = IPP_STORE_CREATE };
	struct ipp_store *st;
	struct ipp_err e;
	int rc;

	if (argc < 3) {
		fprintf(stderr, "usage: storetool DB COMMAND ARGS... (see the source)\n");
		return 2;
	}
	if (ipp_store_open_local(&st, argv[1], &o, &e) < 0)
		return die(argv[1], &e);
	if ((rc = ipp_store_begin(st, &e)) == 0) {
		if ((rc = run(st, argc - 2, argv + 2, &e)) == 0)
			rc = ipp_store_commit(st, &e);
		else
			ipp_store_rollback(st);
	}
	ipp_store_close(st);
	return rc == 0 ? 0 : die(argv[2], &e);
}
