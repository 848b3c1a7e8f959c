/*
 * ipp_agent: the CLI side of the agent's control socket (agent/ctl_client): dynamic rules
 * for ipsecpol.exe's dynamic mode, and the status, refresh and dynamic commands.
 *
 * Every request first connects once by itself so that "nothing listens" (exit 4) and
 * "not allowed" (exit 5) are told apart from the agent's own refusals (exit 2).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "agent/ctl_client.h"
#include "cli/cli.h"
#include "cli/fmt.h"
#include "cli/lex.h"
#include "cli/show_json.h"

/* Can we talk to the agent at all?  IPP_EXIT_OK, or the exit code with e set. */
static int
reach(struct ipp_cli *c, const char *what, struct ipp_err *e)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd, rc, err;

	if (strlen(c->socket_path) >= sizeof(sun.sun_path)) {
		ipp_errf(e, IPP_E_INVAL, "%s: control socket path %s is longer than %zu bytes",
		    what, c->socket_path, sizeof(sun.sun_path) - 1);
		return IPP_EXIT_USAGE;
	}
	memcpy(sun.sun_path, c->socket_path, strlen(c->socket_path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) == -1) {
		ipp_errf(e, IPP_E_STORE, "%s: cannot make a socket: %s", what, strerror(errno));
		return IPP_EXIT_AGENT;
	}
	rc = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	err = errno;
	close(fd);
	if (rc == 0)
		return IPP_EXIT_OK;
	if (err == EACCES || err == EPERM) {
		ipp_errf(e, IPP_E_INVAL, "%s: permission denied on the control socket %s; only "
		    "root may talk to the policy agent", what, c->socket_path);
		return IPP_EXIT_PERM;
	}
	ipp_errf(e, IPP_E_STORE, "%s: the policy agent is not running (control socket %s: %s)",
	    what, c->socket_path, strerror(err));
	return IPP_EXIT_AGENT;
}

/* The exit code of a failed request; e already says what failed, prefixed here. */
static int
failed(const char *what, struct ipp_err *e)
{
	char msg[sizeof(e->msg)];

	memcpy(msg, e->msg, sizeof(msg));
	msg[sizeof(msg) - 1] = '\0';
	ipp_errf(e, e->code, "%s: %s", what, msg);
	/*
	 * ctl_client reports the agent's refusals in the agent's own class, and a failed
	 * exchange as IPP_E_STORE with a "control socket:" message; a refusal of class
	 * IPP_E_STORE (the agent cannot read its store) is the agent answering, exit 2.
	 */
	if (e->code != IPP_E_STORE || strncmp(msg, "control socket:", 15) != 0)
		return ipp_cli_exit(e);
	/* The agent hangs up on anyone but root (SO_PEERCRED) before it says anything. */
	return geteuid() != 0 ? IPP_EXIT_PERM : IPP_EXIT_AGENT;
}

int
ipp_agent_add(struct ipp_cli *c, struct ctl_rule *v, size_t n, struct ipp_err *e)
{
	const char *what = "adding dynamic rules (-f)";
	uint32_t *ids;
	size_t i;
	int rc;

	if ((rc = reach(c, what, e)) != IPP_EXIT_OK)
		return rc;
	if ((ids = calloc(n ? n : 1, sizeof(*ids))) == NULL) {
		ipp_errf(e, IPP_E_NOMEM, "out of memory");
		return IPP_EXIT_ERROR;
	}
	for (i = 0; i < n; i++)
		if (ctl_client_dyn_add(c->socket_path, &v[i], &ids[i], e) == -1)
			break;
	if (i == n) {
		for (i = 0; i < n; i++)
			fprintf(c->out, "dynamic rule %" PRIu32 " added (%s)\n", ids[i],
			    ipp_fmt_action(v[i].action.action));
		free(ids);
		return IPP_EXIT_OK;
	}
	rc = failed(what, e);
	/* All or nothing: take back the rules of this run that went in. */
	while (i-- > 0) {
		struct ipp_err de = { 0 };

		if (ctl_client_dyn_del(c->socket_path, ids[i], &de) == -1)
			ipp_cli_note(c, "could not take back dynamic rule %" PRIu32 ": %s", ids[i],
			    de.msg);
	}
	free(ids);
	return rc;
}

int
ipp_agent_flush(struct ipp_cli *c, struct ipp_err *e)
{
	const char *what = "deleting the dynamic rules (-u)";
	int rc;

	if ((rc = reach(c, what, e)) != IPP_EXIT_OK)
		return rc;
	if (ctl_client_dyn_flush(c->socket_path, e) == -1)
		return failed(what, e);
	return IPP_EXIT_OK;
}

static int
json_out(struct ipp_cli *c, json_t *doc, struct ipp_err *e)
{
	int rc = doc != NULL ? json_dumpf(doc, c->out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) :
	    -1;

	json_decref(doc);
	if (rc == -1) {
		ipp_errf(e, IPP_E_NOMEM, "could not write the JSON output");
		return IPP_EXIT_ERROR;
	}
	fputc('\n', c->out);
	return IPP_EXIT_OK;
}

/* UTC, ISO 8601; "" for 0. */
static const char *
utc(uint64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t == 0 || gmtime_r(&tt, &tm) == NULL || strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ",
	    &tm) == 0)
		buf[0] = '\0';
	return buf;
}

/* The directory source's fields, added to the status object. */
static json_t *
status_json_source(json_t *o, const struct ctl_status *s)
{
	char t[32];

	if (o == NULL)
		return NULL;
	if (json_object_set_new(o, "source_kind", json_string(s->source_kind ? s->source_kind :
	    "")) < 0 ||
	    json_object_set_new(o, "policy_dn", json_string(s->policy_dn ? s->policy_dn : "")) < 0 ||
	    json_object_set_new(o, "last_fetch", json_integer((json_int_t)s->last_fetch)) < 0 ||
	    json_object_set_new(o, "last_fetch_utc", s->last_fetch ?
	    json_string(utc(s->last_fetch, t, sizeof(t))) : json_null()) < 0 ||
	    json_object_set_new(o, "last_change", json_integer((json_int_t)s->last_change)) < 0 ||
	    json_object_set_new(o, "last_change_utc", s->last_change ?
	    json_string(utc(s->last_change, t, sizeof(t))) : json_null()) < 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* dos: "ike": {"half_open": {...}} when the module said. */
static json_t *
status_json_dos(json_t *o, const struct ctl_status *s)
{
	json_t *ike;

	if (o == NULL || !s->ike_dos)
		return o;
	ike = json_object_get(o, "ike");
	if (ike == NULL || json_object_set_new(ike, "half_open", json_pack("{s:i, s:i, s:i, "
	    "s:i, s:I, s:I}", "current", (int)s->ike_half_open, "peak",
	    (int)s->ike_half_open_peak, "max", (int)s->ike_half_open_max, "peer_max",
	    (int)s->ike_half_open_peer_max, "evicted", (json_int_t)s->ike_half_open_evicted,
	    "refused", (json_int_t)s->ike_half_open_drops)) < 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *
status_json(const struct ctl_status *s)
{
	char t[32];

	return status_json_dos(status_json_source(json_pack("{s:i, s:s, s:s, s:s, s:I, s:s?, s:I, s:s, "
	    "s:{s:i, s:i, s:i, s:i, s:i, s:I, s:i, s:I}, s:{s:i, s:b, s:i}}",
	    "schema", IPP_JSON_SCHEMA, "source", s->source, "reason", s->reason,
	    "policy", s->policy, "last_apply", (json_int_t)s->last_apply,
	    "last_apply_utc", s->last_apply ? utc(s->last_apply, t, sizeof(t)) : NULL,
	    "applies", (json_int_t)s->applies, "last_error", s->last_error,
	    "counts", "installed", (int)s->ninstalled, "dynamic", (int)s->ndynamic,
	    "last_add", (int)s->last_add, "last_update", (int)s->last_update,
	    "last_delete", (int)s->last_delete, "netlink_total", (json_int_t)s->nl_total,
	    "netlink_last", (int)s->nl_last, "apply_usec", (json_int_t)s->apply_usec,
	    "ike", "pid", (int)s->ike_pid, "running", s->ike_pid != 0,
	    "restarts", (int)s->ike_restarts), s), s);
}

static void
status_text(FILE *out, const struct ctl_status *s)
{
	char t[32];

	fprintf(out, "%-22s: %s\n", "Source", s->source[0] ? s->source : "none");
	fprintf(out, "%-22s: %s\n", "Reason", s->reason[0] ? s->reason : "none given");
	fprintf(out, "%-22s: %s\n", "Source Kind", s->source_kind && s->source_kind[0] ?
	    s->source_kind : "none");
	fprintf(out, "%-22s: %s\n", "Policy", s->policy[0] ? s->policy : "none");
	if (s->policy_dn != NULL && s->policy_dn[0] != '\0')
		fprintf(out, "%-22s: %s\n", "Policy DN", s->policy_dn);
	fprintf(out, "%-22s: %s\n", "Last Fetch (UTC)", s->last_fetch ?
	    utc(s->last_fetch, t, sizeof(t)) : "never");
	fprintf(out, "%-22s: %s\n", "Last Change (UTC)", s->last_change ?
	    utc(s->last_change, t, sizeof(t)) : "never");
	fprintf(out, "%-22s: %s\n", "Last Apply (UTC)", s->last_apply ?
	    utc(s->last_apply, t, sizeof(t)) : "never");
	fprintf(out, "%-22s: %" PRIu32 "\n", "Applies", s->applies);
	fprintf(out, "%-22s: %" PRIu32 "\n", "Kernel Policies", s->ninstalled);
	fprintf(out, "%-22s: %" PRIu32 "\n", "Dynamic Rules", s->ndynamic);
	fprintf(out, "%-22s: %" PRIu32 " added, %" PRIu32 " updated, %" PRIu32 " deleted, "
	    "%" PRIu32 " netlink messages, %" PRIu64 " us\n", "Last Apply", s->last_add,
	    s->last_update, s->last_delete, s->nl_last, s->apply_usec);
	fprintf(out, "%-22s: %" PRIu64 "\n", "Netlink Messages", s->nl_total);
	fprintf(out, "%-22s: %s\n", "Last Error", s->last_error[0] ? s->last_error : "none");
	if (s->ike_pid != 0)
		fprintf(out, "%-22s: running (pid %" PRIu32 "), %" PRIu32 " restarts\n",
		    "IKE Module", s->ike_pid, s->ike_restarts);
	else
		fprintf(out, "%-22s: not running, %" PRIu32 " restarts\n", "IKE Module",
		    s->ike_restarts);
	if (s->ike_dos)
		fprintf(out, "%-22s: %" PRIu32 " now, %" PRIu32 " peak, limit %" PRIu32
		    " (%" PRIu32 " per peer); %" PRIu64 " evicted, %" PRIu64 " refused\n",
		    "IKE Half-Open", s->ike_half_open, s->ike_half_open_peak,
		    s->ike_half_open_max, s->ike_half_open_peer_max, s->ike_half_open_evicted,
		    s->ike_half_open_drops);
}

static int
cmd_status(struct ipp_cli *c, struct ipp_err *e)
{
	struct ctl_status s = { 0 };
	int rc;

	if ((rc = reach(c, "status", e)) != IPP_EXIT_OK)
		return rc;
	if (ctl_client_status(c->socket_path, &s, e) == -1)
		return failed("status", e);
	if (c->json)
		rc = json_out(c, status_json(&s), e);
	else
		status_text(c->out, &s);
	ctl_status_clear(&s);
	return rc;
}

static int
cmd_refresh(struct ipp_cli *c, struct ipp_err *e)
{
	int rc;

	if ((rc = reach(c, "refresh", e)) != IPP_EXIT_OK)
		return rc;
	if (ctl_client_refresh(c->socket_path, e) == -1)
		return failed("refresh", e);
	fprintf(c->out, "the policy agent reread its policy source\n");
	return IPP_EXIT_OK;
}

/* What dynamic show collects before it writes. */
struct dyn_show {
	struct ipp_cli *c;
	json_t *rules, *kernel;	/* --json */
	size_t n;
};

static void
rule_text(FILE *out, const struct ctl_rule *r)
{
	char a[IPP_ADDR_STRLEN], b[IPP_ADDR_STRLEN], proto[8], o[IPP_FMT_OFFER_MAX];
	const struct ipp_filteraction *fa = &r->action;

	fprintf(out, "Rule %" PRIu32 " (%s): %s%s%s, connection type %s", r->id,
	    r->rule.name != NULL ? r->rule.name : "", ipp_fmt_action(fa->action),
	    fa->inpass ? ", inbound pass-through" : "", fa->soft ? ", soft" : "",
	    ipp_fmt_conntype(r->rule.conntype));
	if (r->rule.tunnel.kind != IPP_ADDR_NONE)
		fprintf(out, ", tunnel to %s", ipp_addr_format(&r->rule.tunnel, a, sizeof(a)));
	fputc('\n', out);
	for (size_t i = 0; i < r->list.nfilters; i++) {
		const struct ipp_filter *f = &r->list.filters[i];

		fprintf(out, "  filter  %s %s %s proto %s sport %u dport %u\n",
		    ipp_addr_format(&f->src, a, sizeof(a)), f->mirrored ? "<->" : "->",
		    ipp_addr_format(&f->dst, b, sizeof(b)),
		    ipp_fmt_proto(f->proto, proto, sizeof(proto)), f->sport, f->dport);
	}
	for (size_t i = 0; fa->action == IPP_ACTION_NEGOTIATE && i < fa->noffers; i++)
		fprintf(out, "  offer   %s\n", ipp_fmt_qm_offer(&fa->offers[i], o, sizeof(o)));
	/* The agent never sends preshared keys back; the kind is all there is to show. */
	for (size_t i = 0; fa->action == IPP_ACTION_NEGOTIATE && i < r->rule.nauth; i++)
		fprintf(out, "  auth    %s%s%s\n", ipp_fmt_auth_kind(r->rule.auth[i].kind),
		    r->rule.auth[i].kind == IPP_AUTH_CERT ? " " : "",
		    r->rule.auth[i].kind == IPP_AUTH_CERT ? ipp_fmt_auth_value(&r->rule.auth[i],
		    false) : "");
	if (fa->action == IPP_ACTION_NEGOTIATE && r->rule.nauth == 0)
		fprintf(out, "  auth    kerberos (default)\n");
}

static int
rule_cb(const struct ctl_rule *r, void *arg)
{
	struct dyn_show *d = arg;
	struct ipp_rule rule = r->rule;
	struct ipp_filterlist list = r->list;
	struct ipp_filteraction action = r->action;
	json_t *j;

	d->n++;
	if (d->rules == NULL) {
		rule_text(d->c->out, r);
		return 0;
	}
	/* The agent's rules have a list and an action of their own, named like the rule. */
	if (rule.name == NULL)
		rule.name = "";
	list.name = action.name = rule.filterlist = rule.filteraction = rule.name;
	j = json_pack("{s:I, s:o, s:o, s:o}", "id", (json_int_t)r->id,
	    "rule", ipp_json_rule(&rule, false), "filterlist", ipp_json_filterlist(&list),
	    "filteraction", ipp_json_filteraction(&action));
	return j == NULL || json_array_append_new(d->rules, j) == -1 ? -1 : 0;
}

static int
kpol_cb(const char *text, const char *origin, void *arg)
{
	struct dyn_show *d = arg;
	json_t *j;

	d->n++;
	if (d->kernel == NULL) {
		fprintf(d->c->out, "%s\n  origin  %s\n", text, origin);
		return 0;
	}
	j = json_pack("{s:s, s:s}", "policy", text, "origin", origin);
	return j == NULL || json_array_append_new(d->kernel, j) == -1 ? -1 : 0;
}

static int
dyn_show(struct ipp_cli *c, bool rules, bool kernel, struct ipp_err *e)
{
	struct dyn_show d = { .c = c };
	json_t *doc = NULL;
	int rc;

	if ((rc = reach(c, "dynamic show", e)) != IPP_EXIT_OK)
		return rc;
	if (c->json && ((doc = json_pack("{s:i}", "schema", IPP_JSON_SCHEMA)) == NULL ||
	    (rules && json_object_set_new(doc, "rules", d.rules = json_array()) == -1) ||
	    (kernel && json_object_set_new(doc, "kernel", d.kernel = json_array()) == -1))) {
		json_decref(doc);
		ipp_errf(e, IPP_E_NOMEM, "out of memory");
		return IPP_EXIT_ERROR;
	}
	if (rules && !c->json)
		fprintf(c->out, "Dynamic rules (they last until the agent stops)\n\n");
	if (rules && ctl_client_dyn_list(c->socket_path, rule_cb, &d, e) == -1)
		goto fail;
	if (rules && !c->json && d.n == 0)
		fprintf(c->out, "  none\n");
	if (rules && kernel && !c->json)
		fputc('\n', c->out);
	d.n = 0;
	if (kernel && !c->json)
		fprintf(c->out, "Kernel policies installed by the agent, with their origins\n\n");
	if (kernel && ctl_client_show_kernel(c->socket_path, kpol_cb, &d, e) == -1)
		goto fail;
	if (kernel && !c->json && d.n == 0)
		fprintf(c->out, "  none\n");
	return c->json ? json_out(c, doc, e) : IPP_EXIT_OK;
fail:
	json_decref(doc);
	return failed("dynamic show", e);
}

/*
 * ---- the IKE module's SAs, relayed by the agent (netsh: show mmsas, show qmsas, stats).
 * Soft associations (a peer that never answered our Main Mode, talked to in the clear
 * until the policy's -1e expiry) are listed by `show softsas`, and among the quick-mode
 * SAs as Windows' IPsec Monitor lists them: entries marked soft, with no offer.
 */

struct sa_show {
	struct ipp_cli	*c;
	uint16_t	type;
	json_t		*list;		/* --json */
	size_t		n;
};

static const char *
sa_ip(int family, const union ipp_ip *ip, char *buf, size_t len)
{
	return inet_ntop(family, ip, buf, (socklen_t)len) != NULL ? buf : "?";
}

static const char *
sa_ts(const struct ctl_sa_ts *t, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN], p[8];

	if (t->family == 0)
		return "any";
	snprintf(buf, len, "%s/%u proto %s port %u", sa_ip(t->family, &t->addr, a,
	    sizeof(a)), t->prefix, ipp_fmt_proto(t->proto, p, sizeof(p)), t->port);
	return buf;
}

static const char *
sa_hex(const uint8_t *b, char *buf)
{
	for (int i = 0; i < 8; i++)
		snprintf(buf + 2 * i, 3, "%02x", b[i]);
	return buf;
}

static const char *
sa_group(unsigned g)
{
	const char *n = ipp_group_name(g);

	return g == 0 ? "none" : n != NULL ? n : "unknown";
}

static void
mmsa_text(FILE *out, const struct ctl_sa *s)
{
	char l[INET6_ADDRSTRLEN], r[INET6_ADDRSTRLEN], ic[17], rc[17];

	fprintf(out, "%-22s: %s\n", "Me", sa_ip(s->family, &s->local, l, sizeof(l)));
	fprintf(out, "%-22s: %s\n", "Peer", sa_ip(s->family, &s->remote, r, sizeof(r)));
	fprintf(out, "%-22s: %s\n", "Peer Identity", s->peer_id != NULL && s->peer_id[0] ?
	    s->peer_id : "not known yet");
	fprintf(out, "%-22s: %s, %s\n", "State", s->established ? "established" :
	    "negotiating", s->initiator ? "initiator" : "responder");
	fprintf(out, "%-22s: %s\n", "Authentication", ipp_fmt_auth_kind(s->auth));
	fprintf(out, "%-22s: %s %s %s\n", "Encryption Integrity DH", ipp_cipher_name(s->cipher),
	    ipp_hash_name(s->hash), sa_group(s->group));
	fprintf(out, "%-22s: %" PRIu64 " s (age %" PRIu64 " s)\n", "Lifetime", s->life_s,
	    s->age_s);
	fprintf(out, "%-22s: %" PRIu32 "\n", "Quick Modes", s->nqm);
	fprintf(out, "%-22s: %s:%s\n\n", "Cookies", sa_hex(s->icookie, ic),
	    sa_hex(s->rcookie, rc));
}

static void
qmsa_text(FILE *out, const struct ctl_sa *s)
{
	char l[INET6_ADDRSTRLEN], r[INET6_ADDRSTRLEN], t[96];

	fprintf(out, "%-22s: %s\n", "Me", sa_ip(s->family, &s->local, l, sizeof(l)));
	fprintf(out, "%-22s: %s\n", "Peer", sa_ip(s->family, &s->remote, r, sizeof(r)));
	fprintf(out, "%-22s: %s (reqid %" PRIu32 "), %s, %s\n", "Rule", s->rule != NULL ?
	    s->rule : "", s->reqid, s->mode == 1 ? "tunnel" : "transport", s->initiator ?
	    "initiator" : "responder");
	fprintf(out, "%-22s: %s\n", "Local Traffic", sa_ts(&s->ts_local, t, sizeof(t)));
	fprintf(out, "%-22s: %s\n", "Remote Traffic", sa_ts(&s->ts_remote, t, sizeof(t)));
	for (size_t i = 0; i < s->nproto; i++)
		fprintf(out, "%-22s: %s %s %s, spi in 0x%08" PRIx32 " out 0x%08" PRIx32 "\n",
		    "Offer", s->p[i].proto == IPPROTO_AH ? "AH" : "ESP",
		    ipp_cipher_name(s->p[i].cipher), ipp_hash_name(s->p[i].auth),
		    s->p[i].spi_in, s->p[i].spi_out);
	fprintf(out, "%-22s: %s\n", "PFS", sa_group(s->group));
	fprintf(out, "%-22s: %" PRIu64 " s / %" PRIu64 " KB (age %" PRIu64 " s)\n",
	    "Lifetime", s->life_s, s->life_kb, s->age_s);
	fprintf(out, "%-22s: %" PRIu64 " in, %" PRIu64 " out (%" PRIu64 " / %" PRIu64
	    " packets)\n\n", "Bytes", s->bytes_in, s->bytes_out, s->pkts_in, s->pkts_out);
}

/* When it was installed, on our clock: now less its age. */
static const char *
sa_installed(const struct ctl_sa *s, char *buf, size_t len)
{
	uint64_t now = (uint64_t)time(NULL);

	return utc(now > s->age_s ? now - s->age_s : 0, buf, len);
}

static void
softsa_text(FILE *out, const struct ctl_sa *s)
{
	char l[INET6_ADDRSTRLEN], r[INET6_ADDRSTRLEN], t[96], w[32];

	fprintf(out, "%-22s: %s\n", "Me", sa_ip(s->family, &s->local, l, sizeof(l)));
	fprintf(out, "%-22s: %s\n", "Peer", sa_ip(s->family, &s->remote, r, sizeof(r)));
	fprintf(out, "%-22s: %s (reqid %" PRIu32 "), %s\n", "Rule", s->rule != NULL ?
	    s->rule : "", s->reqid, s->mode == 1 ? "tunnel" : "transport");
	fprintf(out, "%-22s: %s\n", "Local Traffic", sa_ts(&s->ts_local, t, sizeof(t)));
	fprintf(out, "%-22s: %s\n", "Remote Traffic", sa_ts(&s->ts_remote, t, sizeof(t)));
	fprintf(out, "%-22s: none: soft association, clear text (the peer never answered "
	    "IKE)\n", "Offer");
	fprintf(out, "%-22s: %s (age %" PRIu64 " s)\n", "Installed",
	    sa_installed(s, w, sizeof(w)), s->age_s);
	fprintf(out, "%-22s: %" PRIu64 " s left of %" PRIu64 " s\n\n", "Expires", s->left_s,
	    s->life_s);
}

static json_t *
ts_json(const struct ctl_sa_ts *t)
{
	char a[INET6_ADDRSTRLEN];

	if (t->family == 0)
		return json_null();
	return json_pack("{s:s, s:i, s:i, s:i}", "address", sa_ip(t->family, &t->addr, a,
	    sizeof(a)), "prefix", t->prefix, "protocol", t->proto, "port", t->port);
}

static json_t *
softsa_json(const struct ctl_sa *s)
{
	char l[INET6_ADDRSTRLEN], r[INET6_ADDRSTRLEN], w[32];

	return json_pack("{s:s, s:s, s:s, s:b, s:s, s:I, s:s, s:[], s:o, s:o, s:I, s:I, s:I, "
	    "s:s}", "me", sa_ip(s->family, &s->local, l, sizeof(l)), "peer",
	    sa_ip(s->family, &s->remote, r, sizeof(r)), "role", "initiator", "soft", 1,
	    "rule", s->rule != NULL ? s->rule : "", "reqid", (json_int_t)s->reqid, "mode",
	    s->mode == 1 ? "tunnel" : "transport", "offer", "local_traffic",
	    ts_json(&s->ts_local), "remote_traffic", ts_json(&s->ts_remote), "lifetime_s",
	    (json_int_t)s->life_s, "age_s", (json_int_t)s->age_s, "expires_in_s",
	    (json_int_t)s->left_s, "installed_utc", sa_installed(s, w, sizeof(w)));
}

static json_t *
sa_json(uint16_t type, const struct ctl_sa *s)
{
	char l[INET6_ADDRSTRLEN], r[INET6_ADDRSTRLEN], ic[17], rc[17];
	json_t *j, *protos;

	if (s->soft)
		return softsa_json(s);
	j = json_pack("{s:s, s:s, s:s}", "me", sa_ip(s->family, &s->local, l, sizeof(l)),
	    "peer", sa_ip(s->family, &s->remote, r, sizeof(r)), "role", s->initiator ?
	    "initiator" : "responder");
	if (j == NULL)
		return NULL;
	if (type == CTL_SHOW_MMSA) {
		json_object_update_new(j, json_pack("{s:s, s:s, s:s, s:s, s:i, s:I, s:I, s:i, "
		    "s:s, s:s, s:s}", "state", s->established ? "established" : "negotiating",
		    "authentication", ipp_fmt_auth_kind(s->auth), "encryption",
		    ipp_cipher_name(s->cipher), "integrity", ipp_hash_name(s->hash),
		    "dh_group", s->group, "lifetime_s", (json_int_t)s->life_s, "age_s",
		    (json_int_t)s->age_s, "quick_modes", (int)s->nqm, "peer_id",
		    s->peer_id != NULL ? s->peer_id : "", "icookie", sa_hex(s->icookie, ic),
		    "rcookie", sa_hex(s->rcookie, rc)));
		return j;
	}
	protos = json_array();
	for (size_t i = 0; protos != NULL && i < s->nproto; i++)
		json_array_append_new(protos, json_pack("{s:s, s:s, s:s, s:I, s:I}", "protocol",
		    s->p[i].proto == IPPROTO_AH ? "AH" : "ESP", "encryption",
		    ipp_cipher_name(s->p[i].cipher), "integrity", ipp_hash_name(s->p[i].auth),
		    "spi_in", (json_int_t)s->p[i].spi_in, "spi_out",
		    (json_int_t)s->p[i].spi_out));
	json_object_update_new(j, json_pack("{s:b, s:s, s:I, s:s, s:o, s:o, s:o, s:i, s:I, "
	    "s:I, s:I, s:I, s:I, s:I, s:I}", "soft", 0, "rule", s->rule != NULL ? s->rule : "",
	    "reqid", (json_int_t)s->reqid, "mode", s->mode == 1 ? "tunnel" : "transport", "offer",
	    protos, "local_traffic", ts_json(&s->ts_local), "remote_traffic",
	    ts_json(&s->ts_remote), "pfs_group", s->group, "lifetime_s", (json_int_t)s->life_s,
	    "lifetime_kb", (json_int_t)s->life_kb, "age_s", (json_int_t)s->age_s, "bytes_in",
	    (json_int_t)s->bytes_in, "bytes_out", (json_int_t)s->bytes_out, "packets_in",
	    (json_int_t)s->pkts_in, "packets_out", (json_int_t)s->pkts_out));
	return j;
}

static int
sa_stat(struct sa_show *d, const struct ctl_attr *na, struct ipp_err *e)
{
	struct ctl_iter it;
	struct ctl_attr a;
	char *name = NULL;
	uint64_t v = 0;
	int rc;

	ctl_iter_nested(&it, na);
	while ((rc = ctl_iter_next(&it, &a, e)) > 0) {
		if (a.type == CTL_S_NAME && name == NULL)
			rc = ctl_get_str(&a, &name, e);
		else if (a.type == CTL_S_VALUE)
			rc = ctl_get_u64(&a, &v, e);
		if (rc < 0)
			break;
	}
	if (rc == 0 && name != NULL) {
		d->n++;
		if (d->list != NULL)
			json_object_set_new(d->list, name, json_integer((json_int_t)v));
		else
			fprintf(d->c->out, "%-26s: %" PRIu64 "\n", name, v);
	}
	free(name);
	return rc;
}

static int
sa_reply(const struct ctl_hdr *h, const uint8_t *p, void *arg, struct ipp_err *e)
{
	struct sa_show *d = arg;
	struct ctl_iter it;
	struct ctl_attr a;
	struct ctl_sa s;
	int rc;

	ctl_iter_init(&it, p, h->len);
	while ((rc = ctl_iter_next(&it, &a, e)) > 0) {
		if (a.type == CTL_A_IKESTAT && d->type == CTL_SHOW_IKESTATS) {
			if (sa_stat(d, &a, e) < 0)
				return -1;
			continue;
		}
		if ((a.type != CTL_A_MMSA || d->type != CTL_SHOW_MMSA) &&
		    (a.type != CTL_A_QMSA || d->type != CTL_SHOW_QMSA) &&
		    (a.type != CTL_A_SOFTSA || (d->type != CTL_SHOW_QMSA &&
		    d->type != CTL_SHOW_SOFTSA)))
			continue;
		if (ctl_sa_parse(&a, &s, e) < 0)
			return -1;
		d->n++;
		if (d->list != NULL)
			json_array_append_new(d->list, sa_json(d->type, &s));
		else if (s.soft)
			softsa_text(d->c->out, &s);
		else if (d->type == CTL_SHOW_MMSA)
			mmsa_text(d->c->out, &s);
		else
			qmsa_text(d->c->out, &s);
		ctl_sa_clear(&s);
	}
	return rc;
}

static int
sa_show(struct ipp_cli *c, uint16_t type, struct ipp_err *e)
{
	static const char *title[] = { "Main Mode SAs", "Quick Mode SAs", "IKE statistics",
	    "Soft associations" };
	static const char *key[] = { "mmsas", "qmsas", "stats", "softsas" };
	unsigned k = type - CTL_SHOW_MMSA;
	struct sa_show d = { .c = c, .type = type };
	struct ctl_msg req;
	json_t *doc = NULL;
	int fd, rc;

	if ((rc = reach(c, "dynamic show", e)) != IPP_EXIT_OK)
		return rc;
	if (c->json && ((doc = json_pack("{s:i}", "schema", IPP_JSON_SCHEMA)) == NULL ||
	    json_object_set_new(doc, key[k], d.list = type == CTL_SHOW_IKESTATS ?
	    json_object() : json_array()) == -1)) {
		json_decref(doc);
		ipp_errf(e, IPP_E_NOMEM, "out of memory");
		return IPP_EXIT_ERROR;
	}
	if (!c->json)
		fprintf(c->out, "%s (from the IKE module)\n\n", title[k]);
	if (ctl_client_open(c->socket_path, &fd, e) < 0)
		goto fail;
	ctl_msg_init(&req, type, 1, 0);
	rc = ctl_client_call(fd, &req, sa_reply, &d, e);
	ctl_msg_free(&req);
	close(fd);
	if (rc < 0)
		goto fail;
	if (!c->json && d.n == 0)
		fprintf(c->out, "  none\n");
	return c->json ? json_out(c, doc, e) : IPP_EXIT_OK;
fail:
	json_decref(doc);
	return failed("dynamic show", e);
}

static int
dyn_delete(struct ipp_cli *c, int argc, char **argv, struct ipp_err *e)
{
	const char *what = "dynamic delete";
	char *end;
	unsigned long id;
	int rc;

	if (argc == 1 && ipp_st_is_all(argv[0])) {
		if ((rc = reach(c, what, e)) != IPP_EXIT_OK)
			return rc;
		if (ctl_client_dyn_flush(c->socket_path, e) == -1)
			return failed(what, e);
		fprintf(c->out, "all dynamic rules deleted\n");
		return IPP_EXIT_OK;
	}
	if (argc != 2 || strcasecmp(argv[0], "rule") != 0 || strncasecmp(argv[1], "id=", 3) != 0) {
		ipp_errf(e, IPP_E_INVAL, "usage: dynamic delete rule id=N | dynamic delete all");
		return IPP_EXIT_USAGE;
	}
	errno = 0;
	id = strtoul(argv[1] + 3, &end, 10);
	if (argv[1][3] < '0' || argv[1][3] > '9' || *end != '\0' || errno != 0 ||
	    id > UINT32_MAX) {
		char shown[IPP_LEX_SHOWLEN];

		ipp_errf(e, IPP_E_INVAL, "dynamic delete rule: id '%s' is not a rule number "
		    "(see ipsecpol dynamic show)", ipp_lex_show(argv[1] + 3,
		    strlen(argv[1] + 3), shown));
		return IPP_EXIT_USAGE;
	}
	if ((rc = reach(c, what, e)) != IPP_EXIT_OK)
		return rc;
	if (ctl_client_dyn_del(c->socket_path, (uint32_t)id, e) == -1)
		return failed(what, e);
	fprintf(c->out, "dynamic rule %lu deleted\n", id);
	return IPP_EXIT_OK;
}

static int
cmd_dynamic(struct ipp_cli *c, int argc, char **argv, struct ipp_err *e)
{
	if (argc >= 1 && strncasecmp(argv[0], "show", strlen(argv[0])) == 0 &&
	    strlen(argv[0]) >= 2) {
		const char *what = argc > 1 ? argv[1] : "all";

		if (argc <= 2 && ipp_st_is_all(what))
			return dyn_show(c, true, true, e);
		if (argc == 2 && strcasecmp(what, "rule") == 0)
			return dyn_show(c, true, false, e);
		if (argc == 2 && strcasecmp(what, "kernel") == 0)
			return dyn_show(c, false, true, e);
		if (argc == 2 && strcasecmp(what, "mmsas") == 0)
			return sa_show(c, CTL_SHOW_MMSA, e);
		if (argc == 2 && strcasecmp(what, "qmsas") == 0)
			return sa_show(c, CTL_SHOW_QMSA, e);
		if (argc == 2 && strcasecmp(what, "stats") == 0)
			return sa_show(c, CTL_SHOW_IKESTATS, e);
		if (argc == 2 && strcasecmp(what, "softsas") == 0)
			return sa_show(c, CTL_SHOW_SOFTSA, e);
	} else if (argc >= 1 && strncasecmp(argv[0], "delete", strlen(argv[0])) == 0 &&
	    strlen(argv[0]) >= 3)
		return dyn_delete(c, argc - 1, argv + 1, e);
	ipp_errf(e, IPP_E_INVAL, "usage: dynamic show [all|rule|kernel|mmsas|qmsas|softsas|"
	    "stats] | dynamic delete rule id=N | dynamic delete all");
	return IPP_EXIT_USAGE;
}

int
ipp_agent_run(struct ipp_cli *c, int argc, char **argv, struct ipp_err *e)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "-?") == 0) {
			ipp_agent_help(c->out);
			return IPP_EXIT_OK;
		}
	if (strcmp(argv[0], "status") == 0 && argc == 1)
		return cmd_status(c, e);
	if (strcmp(argv[0], "refresh") == 0 && argc == 1)
		return cmd_refresh(c, e);
	if (strcmp(argv[0], "dynamic") == 0)
		return cmd_dynamic(c, argc - 1, argv + 1, e);
	ipp_errf(e, IPP_E_INVAL, "%s takes no arguments", argv[0]);
	return IPP_EXIT_USAGE;
}

void
ipp_agent_help(FILE *out)
{
	fputs("usage: ipsecpol [--agent-socket PATH] [--json] status\n"
	    "       ipsecpol [--agent-socket PATH] refresh\n"
	    "       ipsecpol [--agent-socket PATH] [--json] dynamic show [all|rule|kernel]\n"
	    "       ipsecpol [--agent-socket PATH] [--json] dynamic show "
	    "mmsas|qmsas|softsas|stats\n"
	    "       ipsecpol [--agent-socket PATH] dynamic delete rule id=N\n"
	    "       ipsecpol [--agent-socket PATH] dynamic delete all\n"
	    "The policy agent's state, a reread of its source, and its dynamic rules (added\n"
	    "by ipsecpol -f without -w; they last until the agent stops).  See ipsecpol(8).\n",
	    out);
}
