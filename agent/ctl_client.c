/* ctl_client: requests over the agent's SOCK_SEQPACKET control socket. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include "agent/ctl_client.h"

#define CTL_CLIENT_TIMEOUT_S	30

int
ctl_client_open(const char *path, int *fd, struct ipp_err *e)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = CTL_CLIENT_TIMEOUT_S };
	int s;

	if (path == NULL)
		path = CTL_SOCKET_DEFAULT;
	if (strlen(path) >= sizeof(sun.sun_path))
		return ipp_errf(e, IPP_E_INVAL, "control socket path '%s' is longer than %zu "
		    "bytes", path, sizeof(sun.sun_path) - 1);
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) < 0)
		return ipp_errf(e, IPP_E_STORE, "control socket: %s", strerror(errno));
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(s, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		int err = errno;

		close(s);
		return ipp_errf(e, IPP_E_STORE, "cannot reach the agent at %s: %s%s", path,
		    strerror(err), err == ENOENT || err == ECONNREFUSED ?
		    " (is ipsecpold running?)" : "");
	}
	*fd = s;
	return 0;
}

static int
ctl_client_read(int fd, uint8_t *buf, struct ctl_hdr *h, uint32_t seq, uint16_t type,
    struct ipp_err *e)
{
	ssize_t n;

	do
		n = recv(fd, buf, CTL_MSG_MAX, MSG_TRUNC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return ipp_errf(e, IPP_E_STORE, "control socket: no reply from the agent: %s",
		    strerror(errno));
	if (n == 0)
		return ipp_errf(e, IPP_E_STORE, "control socket: the agent closed the "
		    "connection (not root?)");
	if (n > CTL_MSG_MAX)
		return ipp_errf(e, IPP_E_STORE, "control socket: reply of %zd bytes, at most "
		    "%d allowed", n, CTL_MSG_MAX);
	if (ctl_hdr_parse(buf, (size_t)n, h, e) < 0)
		return -1;
	if (h->len != (size_t)n - CTL_HDR_LEN || h->seq != seq || h->type != (type | CTL_REPLY))
		return ipp_errf(e, IPP_E_STORE, "control socket: reply %s seq %u of %u bytes "
		    "does not answer %s seq %u", ctl_type_name(h->type), h->seq, h->len,
		    ctl_type_name(type), seq);
	return ctl_reply_error(buf + CTL_HDR_LEN, h->len, e);
}

int
ctl_client_call(int fd, struct ctl_msg *req, ctl_reply_fn fn, void *arg, struct ipp_err *e)
{
	struct ctl_hdr h, rh;
	uint8_t *buf;
	ssize_t n;
	int rc;

	if ((rc = ctl_msg_finish(req)) < 0)
		return ipp_errf(e, IPP_E_INVAL, "control request: %s", strerror(-rc));
	if (ctl_hdr_parse(req->buf, req->len, &h, e) < 0)
		return -1;
	do
		n = send(fd, req->buf, req->len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return ipp_errf(e, IPP_E_STORE, "control socket: cannot send %s: %s",
		    ctl_type_name(h.type), strerror(errno));
	if ((buf = malloc(CTL_MSG_MAX)) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "control socket: out of memory");
	do {
		if ((rc = ctl_client_read(fd, buf, &rh, h.seq, h.type, e)) == 0 && fn != NULL)
			rc = fn(&rh, buf + CTL_HDR_LEN, arg, e);
	} while (rc == 0 && (rh.flags & CTL_F_MORE));
	explicit_bzero(buf, CTL_MSG_MAX);
	free(buf);
	return rc;
}

/* open + call + close for the one-shot requests. */
static int
ctl_client_once(const char *path, struct ctl_msg *req, ctl_reply_fn fn, void *arg,
    struct ipp_err *e)
{
	int fd, rc;

	if (req->err != 0) {
		rc = ipp_errf(e, IPP_E_INVAL, "control request too large: %s",
		    strerror(-req->err));
		ctl_msg_free(req);
		return rc;
	}
	if (ctl_client_open(path, &fd, e) < 0) {
		ctl_msg_free(req);
		return -1;
	}
	rc = ctl_client_call(fd, req, fn, arg, e);
	close(fd);
	ctl_msg_free(req);
	return rc;
}

static uint32_t
ctl_client_seq(void)
{
	static uint32_t seq;

	return ++seq ^ (uint32_t)getpid() << 16;
}

static int
status_cb(const struct ctl_hdr *h, const uint8_t *p, void *arg, struct ipp_err *e)
{
	return ctl_status_parse(p, h->len, arg, e);
}

int
ctl_client_status(const char *path, struct ctl_status *s, struct ipp_err *e)
{
	struct ctl_msg m;

	ctl_msg_init(&m, CTL_STATUS, ctl_client_seq(), 0);
	return ctl_client_once(path, &m, status_cb, s, e);
}

int
ctl_client_refresh(const char *path, struct ipp_err *e)
{
	struct ctl_msg m;

	ctl_msg_init(&m, CTL_REFRESH, ctl_client_seq(), 0);
	return ctl_client_once(path, &m, NULL, NULL, e);
}

struct kpol_arg {
	ctl_kpol_fn	fn;
	void		*arg;
};

static int
kpol_one(const struct ctl_attr *na, struct kpol_arg *ka, struct ipp_err *e)
{
	struct ctl_iter it;
	struct ctl_attr a;
	char *text = NULL, *origin = NULL;
	int rc;

	ctl_iter_nested(&it, na);
	while ((rc = ctl_iter_next(&it, &a, e)) > 0) {
		if (a.type == CTL_A_TEXT)
			rc = ctl_get_str(&a, &text, e);
		else if (a.type == CTL_A_ORIGIN)
			rc = ctl_get_str(&a, &origin, e);
		if (rc < 0)
			break;
	}
	if (rc == 0 && ka->fn(text != NULL ? text : "", origin != NULL ? origin : "",
	    ka->arg) != 0)
		rc = ipp_errf(e, IPP_E_INVAL, "stopped by the caller");
	free(text);
	free(origin);
	return rc;
}

static int
kpol_cb(const struct ctl_hdr *h, const uint8_t *p, void *arg, struct ipp_err *e)
{
	struct ctl_iter it;
	struct ctl_attr a;
	int rc;

	ctl_iter_init(&it, p, h->len);
	while ((rc = ctl_iter_next(&it, &a, e)) > 0)
		if (a.type == CTL_A_KPOL && kpol_one(&a, arg, e) < 0)
			return -1;
	return rc;
}

int
ctl_client_show_kernel(const char *path, ctl_kpol_fn fn, void *arg, struct ipp_err *e)
{
	struct kpol_arg ka = { fn, arg };
	struct ctl_msg m;

	ctl_msg_init(&m, CTL_SHOW_KERNEL, ctl_client_seq(), 0);
	return ctl_client_once(path, &m, kpol_cb, &ka, e);
}

static int
id_cb(const struct ctl_hdr *h, const uint8_t *p, void *arg, struct ipp_err *e)
{
	struct ctl_iter it;
	struct ctl_attr a;
	int rc;

	ctl_iter_init(&it, p, h->len);
	while ((rc = ctl_iter_next(&it, &a, e)) > 0)
		if (a.type == CTL_A_RULE_ID && ctl_get_u32(&a, arg, e) < 0)
			return -1;
	return rc;
}

int
ctl_client_dyn_add(const char *path, const struct ctl_rule *r, uint32_t *id,
    struct ipp_err *e)
{
	struct ctl_msg m;
	uint32_t got = 0;

	ctl_msg_init(&m, CTL_DYN_ADD, ctl_client_seq(), 0);
	ctl_rule_put(&m, r, true);
	if (ctl_client_once(path, &m, id_cb, &got, e) < 0)
		return -1;
	if (id != NULL)
		*id = got;
	return 0;
}

int
ctl_client_dyn_del(const char *path, uint32_t id, struct ipp_err *e)
{
	struct ctl_msg m;

	ctl_msg_init(&m, CTL_DYN_DEL, ctl_client_seq(), 0);
	ctl_put_u32(&m, CTL_A_RULE_ID, id);
	return ctl_client_once(path, &m, NULL, NULL, e);
}

int
ctl_client_dyn_flush(const char *path, struct ipp_err *e)
{
	struct ctl_msg m;

	ctl_msg_init(&m, CTL_DYN_FLUSH, ctl_client_seq(), 0);
	return ctl_client_once(path, &m, NULL, NULL, e);
}

struct rule_arg {
	ctl_rule_fn	fn;
	void		*arg;
};

static int
rule_cb(const struct ctl_hdr *h, const uint8_t *p, void *arg, struct ipp_err *e)
{
	struct rule_arg *ra = arg;
	struct ctl_iter it;
	struct ctl_attr a;
	struct ctl_rule r;
	int rc;

	ctl_iter_init(&it, p, h->len);
	while ((rc = ctl_iter_next(&it, &a, e)) > 0) {
		if (a.type != CTL_A_RULE)
			continue;
		memset(&r, 0, sizeof(r));
		if (ctl_rule_parse(&a, &r, e) < 0)
			return -1;
		rc = ra->fn(&r, ra->arg);
		ctl_rule_clear(&r);
		if (rc != 0)
			return ipp_errf(e, IPP_E_INVAL, "stopped by the caller");
	}
	return rc;
}

int
ctl_client_dyn_list(const char *path, ctl_rule_fn fn, void *arg, struct ipp_err *e)
{
	struct rule_arg ra = { fn, arg };
	struct ctl_msg m;

	ctl_msg_init(&m, CTL_DYN_LIST, ctl_client_seq(), 0);
	return ctl_client_once(path, &m, rule_cb, &ra, e);
}
