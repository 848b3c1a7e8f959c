/*
 * agent_ctl: the control socket.  SOCK_SEQPACKET keeps message boundaries; the socket is
 * 0600 in a 0700 directory and every peer must be uid 0 by SO_PEERCRED.
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <arpa/inet.h>

#include "agent/agent.h"
#include "agent/ctl_proto.h"
#include "agent/log.h"

/* Creates the socket's directory 0700 when missing; refuses one others can write. */
static int
ctl_dir(const char *path)
{
	char *copy, *dir;
	struct stat sb;
	int rc = 0;

	if ((copy = strdup(path)) == NULL)
		return -1;
	dir = dirname(copy);
	if ((mkdir(dir, 0700) < 0 && errno != EEXIST) || stat(dir, &sb) < 0) {
		log_err("control socket directory %s: %s", dir, strerror(errno));
		rc = -1;
	} else if (sb.st_uid != 0 || (sb.st_mode & 022)) {
		log_err("control socket directory %s is writable by others than root "
		    "(mode %04o, owner %u): refusing to use it", dir, sb.st_mode & 07777,
		    (unsigned)sb.st_uid);
		rc = -1;
	}
	free(copy);
	return rc;
}

int
agent_ctl_open(struct agent *a)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	const char *path = a->conf.control_socket;
	mode_t old;
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path))
		return log_err("control_socket %s: longer than %zu bytes", path,
		    sizeof(sun.sun_path) - 1), -1;
	if (ctl_dir(path) < 0)
		return -1;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0)
		return log_err("control socket: %s", strerror(errno)), -1;
	unlink(path);
	old = umask(077);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 || chmod(path, 0600) < 0 ||
	    listen(fd, 8) < 0) {
		umask(old);
		log_err("control socket %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	umask(old);
	a->ctl_lfd = fd;
	return 0;
}

void
agent_ctl_close(struct agent *a)
{
	for (int i = 0; i < AGENT_CTL_CONN_MAX; i++)
		if (a->ctl_conn[i] >= 0) {
			close(a->ctl_conn[i]);
			a->ctl_conn[i] = -1;
		}
	if (a->ctl_lfd >= 0) {
		close(a->ctl_lfd);
		unlink(a->conf.control_socket);
		a->ctl_lfd = -1;
	}
}

void
agent_ctl_accept(struct agent *a)
{
	struct timeval tv = { .tv_sec = 2 };
	struct ucred cr;
	socklen_t len = sizeof(cr);
	int fd, slot;

	if ((fd = accept4(a->ctl_lfd, NULL, NULL, SOCK_CLOEXEC)) < 0)
		return;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0 || cr.uid != 0) {
		log_warn("refused a control connection from uid %d pid %d: root only",
		    (int)cr.uid, (int)cr.pid);
		close(fd);
		return;
	}
	for (slot = 0; slot < AGENT_CTL_CONN_MAX && a->ctl_conn[slot] >= 0; slot++)
		;
	if (slot == AGENT_CTL_CONN_MAX) {
		log_warn("refused a control connection from pid %d: %d clients already",
		    (int)cr.pid, AGENT_CTL_CONN_MAX);
		close(fd);
		return;
	}
	/* A client that does not read its replies must not stall the agent for long. */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	a->ctl_conn[slot] = fd;
}

static int
ctl_send(int fd, struct ctl_msg *m)
{
	ssize_t n;

	if (ctl_msg_finish(m) < 0)
		return -1;
	do
		n = send(fd, m->buf, m->len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)m->len ? 0 : -1;
}

static void
ctl_status(struct agent *a, struct ctl_msg *m)
{
	struct ctl_status s = {
		.source = a->source, .reason = a->reason,
		.policy = a->have_static ? a->static_tree.policy.name : (char *)"",
		.last_error = a->last_error, .last_apply = (uint64_t)a->last_apply,
		.nl_total = a->nl_total, .ninstalled = (uint32_t)a->inst.set.n,
		.ndynamic = (uint32_t)agent_dyn_count(&a->dyn), .nl_last = a->nl_last,
		.applies = a->applies, .last_add = a->last_add,
		.last_update = a->last_update, .last_delete = a->last_delete,
		.ike_pid = (uint32_t)a->ike.pid, .ike_restarts = a->ike.restarts,
		.apply_usec = a->last_apply_usec,
		.source_kind = (char *)agent_source_kind_name(a->have_static ? a->kind :
		    AGENT_KIND_NONE),
		.policy_dn = a->policy_dn, .last_fetch = (uint64_t)a->last_fetch,
		.last_change = (uint64_t)a->last_change,
	};
	struct ipp_err e;

	if (agent_ike_dos(&a->ike, &s, &e) < 0)
		log_warn("status: no half-open figures from the IKE module: %s", e.msg);
	ctl_status_put(m, &s);
}

static int
ctl_dyn_add(struct agent *a, const uint8_t *p, size_t len, struct ctl_msg *m,
    struct ipp_err *e)
{
	struct ctl_iter it;
	struct ctl_attr at;
	struct ctl_rule r;
	uint32_t id = 0;
	int rc, found = 0;

	ctl_iter_init(&it, p, len);
	while ((rc = ctl_iter_next(&it, &at, e)) > 0) {
		if (at.type != CTL_A_RULE || found++)
			continue;
		memset(&r, 0, sizeof(r));
		if (ctl_rule_parse(&at, &r, e) < 0)
			return -1;
		rc = agent_dyn_add(&a->dyn, &r, &id, e);
		ctl_rule_clear(&r);
		if (rc < 0)
			return -1;
	}
	if (rc < 0)
		return -1;
	if (!found)
		return ipp_errf(e, IPP_E_INVAL, "dynamic-add: the request holds no rule");
	log_notice("dynamic rule %u added by a control client", id);
	ctl_put_u32(m, CTL_A_RULE_ID, id);
	return agent_recompile(a, e);
}

static int
ctl_dyn_del(struct agent *a, const uint8_t *p, size_t len, struct ipp_err *e)
{
	struct ctl_iter it;
	struct ctl_attr at;
	uint32_t id = 0;
	int rc;

	ctl_iter_init(&it, p, len);
	while ((rc = ctl_iter_next(&it, &at, e)) > 0)
		if (at.type == CTL_A_RULE_ID && ctl_get_u32(&at, &id, e) < 0)
			return -1;
	if (rc < 0 || agent_dyn_del(&a->dyn, id, e) < 0)
		return -1;
	log_notice("dynamic rule %u deleted by a control client", id);
	return agent_recompile(a, e);
}

/* Sends a multi-part reply: each full message goes out with CTL_F_MORE. */
static int
ctl_more(int fd, struct ctl_msg *m, const struct ctl_hdr *h, size_t need)
{
	if (ctl_msg_room(m) >= need + 64)
		return 0;
	m->buf[5] |= CTL_F_MORE;
	if (ctl_send(fd, m) < 0)
		return -1;
	ctl_msg_free(m);
	ctl_msg_init(m, h->type | CTL_REPLY, h->seq, 0);
	return 0;
}

static int
ctl_dyn_list(struct agent *a, int fd, struct ctl_msg *m, const struct ctl_hdr *h)
{
	struct ctl_rule v;

	for (size_t i = 0; i < agent_dyn_count(&a->dyn); i++) {
		agent_dyn_view(&a->dyn, i, &v);
		if (ctl_more(fd, m, h, 4096 + v.list.nfilters * 128) < 0)
			return -1;
		ctl_rule_put(m, &v, false);
	}
	return 0;
}

/* One kernel policy in the words of `ip xfrm policy`. */
static void
ctl_kpol_text(const struct xfrm_policy *p, char *buf, size_t len)
{
	static const char *dirs[] = { "in", "out", "fwd" };
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	size_t l;

	inet_ntop(p->sel.family, &p->sel.saddr, s, sizeof(s));
	inet_ntop(p->sel.family, &p->sel.daddr, d, sizeof(d));
	l = (size_t)snprintf(buf, len, "src %s/%u dst %s/%u", s, p->sel.sprefix, d,
	    p->sel.dprefix);
	if (p->sel.proto && l < len)
		l += (size_t)snprintf(buf + l, len - l, " proto %u", p->sel.proto);
	if (p->sel.sport_mask && l < len)
		l += (size_t)snprintf(buf + l, len - l, " sport %u", p->sel.sport);
	if (p->sel.dport_mask && l < len)
		l += (size_t)snprintf(buf + l, len - l, " dport %u", p->sel.dport);
	if (p->sel.ifindex && l < len)
		l += (size_t)snprintf(buf + l, len - l, " ifindex %d", p->sel.ifindex);
	if (l < len)
		l += (size_t)snprintf(buf + l, len - l, " dir %s priority %u action %s",
		    p->dir < 3 ? dirs[p->dir] : "?", p->priority,
		    p->action == XFRM_POLICY_BLOCK ? "block" : "allow");
	for (unsigned i = 0; i < p->ntmpl && l < len; i++)
		l += (size_t)snprintf(buf + l, len - l, " tmpl %s %s reqid %u%s",
		    p->tmpl[i].proto == IPPROTO_AH ? "ah" : p->tmpl[i].proto == IPPROTO_ESP ?
		    "esp" : "comp", p->tmpl[i].mode == XFRM_MODE_TUNNEL ? "tunnel" : "transport",
		    p->tmpl[i].reqid, p->tmpl[i].optional ? " optional" : "");
}

/* Compiled policies by kernel key, to name the origin of what a dump returns. */
struct origin_index {
	size_t	nb;
	size_t	*head;		/* bucket -> policy index + 1, 0 = empty */
	size_t	*next;		/* policy index -> next index + 1 */
};

static size_t
origin_hash(const struct xfrm_policy *p, size_t nb)
{
	const struct xfrm_sel *s = &p->sel;
	uint64_t h = 1469598103934665603ull;
	uint8_t b[48];

	memset(b, 0, sizeof(b));
	memcpy(b, &s->saddr, 16);
	memcpy(b + 16, &s->daddr, 16);
	b[32] = s->sprefix;
	b[33] = s->dprefix;
	b[34] = s->proto;
	b[35] = p->dir;
	memcpy(b + 36, &s->sport, 2);
	memcpy(b + 38, &s->dport, 2);
	memcpy(b + 40, &s->ifindex, 4);
	memcpy(b + 44, &s->family, 2);
	for (size_t i = 0; i < sizeof(b); i++)
		h = (h ^ b[i]) * 1099511628211ull;
	return (size_t)(h % nb);
}

static int
origin_index_build(struct origin_index *x, const struct ipp_compiled *c)
{
	x->nb = c->npolicies * 2 + 1;
	x->head = calloc(x->nb, sizeof(*x->head));
	x->next = calloc(c->npolicies + 1, sizeof(*x->next));
	if (x->head == NULL || x->next == NULL)
		return -1;
	for (size_t i = 0; i < c->npolicies; i++) {
		size_t h = origin_hash(&c->policies[i].xp, x->nb);

		x->next[i] = x->head[h];
		x->head[h] = i + 1;
	}
	return 0;
}

static void
origin_index_free(struct origin_index *x)
{
	free(x->head);
	free(x->next);
}

struct show_ctx {
	struct agent		*a;
	struct origin_index	idx;
	int			fd;
	struct ctl_msg		*m;
	const struct ctl_hdr	*h;
	uint32_t		lo, hi;
};

static int
show_one(const struct xfrm_policy *p, void *arg)
{
	struct show_ctx *x = arg;
	const struct ipp_compiled *c = &x->a->compiled;
	char text[512], origin[IPP_ORIGIN_STRLEN] = "";

	if (p->priority < x->lo || p->priority >= x->hi)
		return 0;
	for (size_t i = x->idx.head[origin_hash(p, x->idx.nb)]; i != 0; i = x->idx.next[i - 1])
		if (ipp_xfrm_policy_same_key(p, &c->policies[i - 1].xp)) {
			ipp_compiled_origin(c, &c->policies[i - 1], origin, sizeof(origin));
			break;
		}
	if (origin[0] == '\0')
		snprintf(origin, sizeof(origin), "in our band, not in the policy compiled last");
	ctl_kpol_text(p, text, sizeof(text));
	if (ctl_more(x->fd, x->m, x->h, strlen(text) + strlen(origin) + 16) < 0)
		return -EPIPE;
	ctl_nest_begin(x->m, CTL_A_KPOL);
	ctl_put_str(x->m, CTL_A_TEXT, text);
	ctl_put_str(x->m, CTL_A_ORIGIN, origin);
	ctl_nest_end(x->m);
	return 0;
}

/* A live dump of the kernel's policies in our band, each with where it came from. */
static int
ctl_show_kernel(struct agent *a, int fd, struct ctl_msg *m, const struct ctl_hdr *h,
    struct ipp_err *e)
{
	struct show_ctx x = { .a = a, .fd = fd, .m = m, .h = h, .lo = a->conf.priority_base,
	    .hi = a->conf.priority_base + IPP_COMPILE_PRIO_SPAN };
	int rc;

	if (origin_index_build(&x.idx, &a->compiled) < 0) {
		origin_index_free(&x.idx);
		return ipp_errf(e, IPP_E_NOMEM, "show: out of memory");
	}
	a->nl_total++;
	rc = xfrm_policy_dump(a->xh, show_one, &x);
	origin_index_free(&x.idx);
	if (rc < 0)
		return ipp_errf(e, IPP_E_STORE, "reading the kernel's policies: %s",
		    strerror(-rc));
	return 0;
}

static int
ctl_dispatch(struct agent *a, int fd, const struct ctl_hdr *h, const uint8_t *p,
    struct ctl_msg *m, struct ipp_err *e)
{
	switch (h->type) {
	case CTL_STATUS:
		ctl_status(a, m);
		return 0;
	case CTL_REFRESH:
		agent_reload(a, "refresh requested");
		if (a->last_error[0] != '\0')
			return ipp_errf(e, IPP_E_STORE, "%s", a->last_error);
		return 0;
	case CTL_SHOW_KERNEL:
		return ctl_show_kernel(a, fd, m, h, e);
	case CTL_DYN_ADD:
		return ctl_dyn_add(a, p, h->len, m, e);
	case CTL_DYN_DEL:
		return ctl_dyn_del(a, p, h->len, e);
	case CTL_DYN_LIST:
		return ctl_dyn_list(a, fd, m, h);
	case CTL_SHOW_MMSA:
	case CTL_SHOW_QMSA:
	case CTL_SHOW_IKESTATS:
	case CTL_SHOW_SOFTSA:
		return agent_ike_relay(&a->ike, fd, h->type, h->seq, e);
	case CTL_DYN_FLUSH:
		log_notice("%zu dynamic rules flushed by a control client",
		    agent_dyn_count(&a->dyn));
		agent_dyn_flush(&a->dyn);
		return agent_recompile(a, e);
	default:
		return ipp_errf(e, IPP_E_UNSUPP, "request type %u is not known to this agent "
		    "(protocol version %d)", h->type, CTL_VERSION);
	}
}

static void
ctl_drop(struct agent *a, int slot)
{
	close(a->ctl_conn[slot]);
	a->ctl_conn[slot] = -1;
}

void
agent_ctl_input(struct agent *a, int slot)
{
	uint8_t *buf;
	struct ctl_hdr h;
	struct ctl_msg m;
	struct ipp_err e;
	ssize_t n;
	int fd = a->ctl_conn[slot];

	if ((buf = malloc(CTL_MSG_MAX)) == NULL)
		return ctl_drop(a, slot);
	n = recv(fd, buf, CTL_MSG_MAX, MSG_DONTWAIT | MSG_TRUNC);
	if (n <= 0 || n > CTL_MSG_MAX || ctl_hdr_parse(buf, (size_t)n, &h, &e) < 0 ||
	    h.len != (size_t)n - CTL_HDR_LEN || (h.type & CTL_REPLY)) {
		if (n > 0)
			log_warn("control client sent a malformed message (%zd bytes): closing",
			    n);
		explicit_bzero(buf, CTL_MSG_MAX);
		free(buf);
		return ctl_drop(a, slot);
	}
	ipp_err_clear(&e);
	ctl_msg_init(&m, h.type | CTL_REPLY, h.seq, 0);
	if (ctl_dispatch(a, fd, &h, buf + CTL_HDR_LEN, &m, &e) < 0) {
		ctl_msg_free(&m);
		ctl_msg_init(&m, h.type | CTL_REPLY, h.seq, 0);
		ctl_put_u32(&m, CTL_A_ERRCODE, e.code != IPP_OK ? e.code : IPP_E_INVAL);
		ctl_put_str(&m, CTL_A_ERRMSG, e.msg);
		log_info("control request %s refused: %s", ctl_type_name(h.type), e.msg);
	}
	if (ctl_send(fd, &m) < 0)
		ctl_drop(a, slot);
	ctl_msg_free(&m);
	explicit_bzero(buf, CTL_MSG_MAX);
	free(buf);
}
