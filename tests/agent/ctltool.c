/*
 * ctltool: a small client of the agent's control socket, through agent/ctl_client (the
 * library ipsecpol links), for the tests.
 *
 *   ctltool SOCK status | refresh | show | dyn-list | dyn-flush | dyn-del ID
 *   ctltool SOCK dyn-add ACTION FILTER...    ACTION permit|block|negotiate|inpass;
 *                                            FILTER as storetool's (SRC=DST[:P[:SP[:DP]]])
 *   ctltool SOCK raw HEX                     sends bytes as they are, prints the reply size
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "agent/ctl_client.h"

static int
print_kpol(const char *text, const char *origin, void *arg)
{
	(void)arg;
	printf("%s | %s\n", text, origin);
	return 0;
}

static int
print_rule(const struct ctl_rule *r, void *arg)
{
	char s[IPP_ADDR_STRLEN], d[IPP_ADDR_STRLEN];

	(void)arg;
	printf("rule %" PRIu32 " %s action %d filters %zu offers %zu", r->id,
	    r->rule.name ? r->rule.name : "", (int)r->action.action, r->list.nfilters,
	    r->action.noffers);
	for (size_t i = 0; i < r->list.nfilters; i++)
		printf(" %s%s%s:%u:%u:%u", ipp_addr_format(&r->list.filters[i].src, s, sizeof(s)),
		    r->list.filters[i].mirrored ? "=" : ">",
		    ipp_addr_format(&r->list.filters[i].dst, d, sizeof(d)),
		    r->list.filters[i].proto, r->list.filters[i].sport, r->list.filters[i].dport);
	printf("\n");
	return 0;
}

static int
parse_filter(const char *spec, struct ipp_filter *f, struct ipp_err *e)
{
	char buf[256], *sep, *rest, *p;
	int proto;

	ipp_filter_init(f);
	snprintf(buf, sizeof(buf), "%s", spec);
	if ((sep = strpbrk(buf, ">=")) == NULL)
		return ipp_errf(e, IPP_E_INVAL, "filter '%s': no '>' or '='", spec);
	f->mirrored = *sep == '=';
	*sep = '\0';
	rest = sep + 1;
	if ((p = strchr(rest, ':')) != NULL)
		*p++ = '\0';
	if (ipp_addr_parse(&f->src, buf, NULL, e) < 0 || ipp_addr_parse(&f->dst, rest, NULL, e) < 0)
		return -1;
	if (p != NULL) {
		char *sp = strchr(p, ':'), *dp = NULL;

		if (sp != NULL) {
			*sp++ = '\0';
			if ((dp = strchr(sp, ':')) != NULL)
				*dp++ = '\0';
		}
		if ((proto = ipp_proto_from_name(p)) < 0)
			return ipp_errf(e, IPP_E_INVAL, "protocol '%s'", p);
		f->proto = (uint8_t)proto;
		f->sport = sp ? (uint16_t)atoi(sp) : 0;
		f->dport = dp ? (uint16_t)atoi(dp) : 0;
	}
	return 0;
}

static int
dyn_add(const char *sock, const char *action, int n, char **specs, struct ipp_err *e)
{
	struct ctl_rule r;
	struct ipp_filter f;
	struct ipp_qm_offer o;
	uint32_t id;
	int rc = 0;

	memset(&r, 0, sizeof(r));
	ipp_rule_init(&r.rule);
	ipp_filteraction_init(&r.action);
	if (strcmp(action, "permit") == 0)
		r.action.action = IPP_ACTION_PERMIT;
	else if (strcmp(action, "block") == 0)
		r.action.action = IPP_ACTION_BLOCK;
	else {
		r.action.inpass = strcmp(action, "inpass") == 0;
		ipp_qm_offer_init(&o);
		o.esp_cipher = IPP_CIPHER_AES128;
		o.esp_auth = IPP_HASH_SHA256;
		ipp_array_push(&r.action.offers, &r.action.noffers, sizeof(o), &o);
	}
	for (int i = 0; i < n && rc == 0; i++)
		if ((rc = parse_filter(specs[i], &f, e)) == 0)
			ipp_array_push(&r.list.filters, &r.list.nfilters, sizeof(f), &f);
	if (rc == 0 && (rc = ctl_client_dyn_add(sock, &r, &id, e)) == 0)
		printf("%" PRIu32 "\n", id);
	ctl_rule_clear(&r);
	return rc;
}

static int
raw(const char *sock, const char *hex, struct ipp_err *e)
{
	uint8_t buf[CTL_MSG_MAX];
	size_t n = 0;
	ssize_t got;
	int fd;
	unsigned b;

	while (n < sizeof(buf) && sscanf(hex + 2 * n, "%2x", &b) == 1)
		buf[n++] = (uint8_t)b;
	if (ctl_client_open(sock, &fd, e) < 0)
		return -1;
	send(fd, buf, n, 0);
	got = recv(fd, buf, sizeof(buf), 0);
	printf("reply %zd\n", got);
	close(fd);
	return 0;
}

static int
status(const char *sock, struct ipp_err *e)
{
	struct ctl_status s;

	if (ctl_client_status(sock, &s, e) < 0)
		return -1;
	printf("source=%s\nreason=%s\npolicy=%s\nlast_error=%s\nlast_apply=%" PRIu64 "\n"
	    "installed=%u\ndynamic=%u\nnl_total=%" PRIu64 "\nnl_last=%u\napplies=%u\n"
	    "last_add=%u\nlast_update=%u\nlast_delete=%u\nike_pid=%u\nike_restarts=%u\n"
	    "apply_usec=%" PRIu64 "\n", s.source, s.reason, s.policy, s.last_error,
	    s.last_apply, s.ninstalled, s.ndynamic, s.nl_total, s.nl_last, s.applies,
	    s.last_add, s.last_update, s.last_delete, s.ike_pid, s.ike_restarts,
	    s.apply_usec);
	printf("source_kind=%s\npolicy_dn=%s\nlast_fetch=%" PRIu64 "\nlast_change=%" PRIu64 "\n",
	    s.source_kind ? s.source_kind : "", s.policy_dn ? s.policy_dn : "", s.last_fetch,
	    s.last_change);
	ctl_status_clear(&s);
	return 0;
}

int
main(int argc, char **argv)
{
	struct ipp_err e;
	const char *sock, *cmd;
	int rc;

	if (argc < 3) {
		fprintf(stderr, "usage: ctltool SOCK COMMAND [ARGS] (see the source)\n");
		return 2;
	}
	sock = argv[1];
	cmd = argv[2];
	if (strcmp(cmd, "status") == 0)
		rc = status(sock, &e);
	else if (strcmp(cmd, "refresh") == 0)
		rc = ctl_client_refresh(sock, &e);
	else if (strcmp(cmd, "show") == 0)
		rc = ctl_client_show_kernel(sock, print_kpol, NULL, &e);
	else if (strcmp(cmd, "dyn-list") == 0)
		rc = ctl_client_dyn_list(sock, print_rule, NULL, &e);
	else if (strcmp(cmd, "dyn-flush") == 0)
		rc = ctl_client_dyn_flush(sock, &e);
	else if (strcmp(cmd, "dyn-del") == 0 && argc == 4)
		rc = ctl_client_dyn_del(sock, (uint32_t)strtoul(argv[3], NULL, 10), &e);
	else if (strcmp(cmd, "dyn-add") == 0 && argc >= 5)
		rc = dyn_add(sock, argv[3], argc - 4, argv + 4, &e);
	else if (strcmp(cmd, "raw") == 0 && argc == 4)
		rc = raw(sock, argv[3], &e);
	else {
		fprintf(stderr, "ctltool: unknown command %s\n", cmd);
		return 2;
	}
	if (rc < 0) {
		fprintf(stderr, "ctltool: %s: %s\n", cmd, e.msg);
		return 1;
	}
	return 0;
}
