/* agent_ike: start, feed and restart the IKE module. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "agent/ike.h"
#include "agent/ike_plan.h"
#include "agent/log.h"

static int
ike_listen(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	mode_t old;
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		log_err("iked_socket %s: longer than %zu bytes", path, sizeof(sun.sun_path) - 1);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0)
		return log_err("iked_socket: %s", strerror(errno)), -1;
	unlink(path);
	old = umask(077);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(fd, 4) < 0) {
		umask(old);
		log_err("iked_socket %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	umask(old);
	return fd;
}

static uint64_t
ike_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* In the child: the module with its options. */
static void
ike_exec(const struct agent_ike *k)
{
	char ho[32], hp[40];
	const char *argv[AGENT_IKE_ARGS_MAX + 9];
	size_t n = 0;

	argv[n++] = k->prog;
	argv[n++] = "-d";
	argv[n++] = "-S";
	argv[n++] = k->sockpath;
	if (k->half_open_max != 0) {
		snprintf(ho, sizeof(ho), "half_open_max=%u", k->half_open_max);
		argv[n++] = "-l";
		argv[n++] = ho;
	}
	if (k->half_open_peer_max != 0) {
		snprintf(hp, sizeof(hp), "half_open_peer_max=%u", k->half_open_peer_max);
		argv[n++] = "-l";
		argv[n++] = hp;
	}
	for (size_t i = 0; k->args[i] != NULL; i++)
		argv[n++] = k->args[i];
	argv[n] = NULL;
	execv(k->prog, (char *const *)(uintptr_t)argv);
}

static void
ike_spawn(struct agent_ike *k)
{
	sigset_t all;
	pid_t pid;

	if ((pid = fork()) < 0) {
		log_err("cannot start IKE module %s: fork: %s", k->prog, strerror(errno));
		k->restart_at_ms = ike_now_ms() + k->backoff_s * 1000ull;
		return;
	}
	if (pid == 0) {
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		signal(SIGPIPE, SIG_DFL);
		ike_exec(k);
		fprintf(stderr, "ipsecpold: cannot run IKE module %s: %s\n", k->prog,
		    strerror(errno));
		_exit(127);
	}
	k->pid = pid;
	k->started_ms = ike_now_ms();
	k->restart_at_ms = 0;
	log_notice("started IKE module %s (pid %d)", k->prog, (int)pid);
}

void
agent_ike_cert_args(const struct agent_conf *c, const char **args)
{
	const struct { const char *opt, *path; } o[] = {
		{ "-C", c->ike_cert_file }, { "-K", c->ike_key_file },
		{ "-A", c->ike_ca_file }, { "-a", c->ike_ca_dir }, { "-R", c->ike_crl_file },
	};
	size_t n = 0;

	for (size_t i = 0; i < sizeof(o) / sizeof(o[0]); i++)
		if (o[i].path != NULL) {
			args[n++] = o[i].opt;
			args[n++] = o[i].path;
		}
	args[n] = NULL;
}

int
agent_ike_start(struct agent_ike *k, const char *prog, const char *sockpath,
    const char *const *args)
{
	uint32_t ho = k->half_open_max, hp = k->half_open_peer_max;

	memset(k, 0, sizeof(*k));
	k->half_open_max = ho;
	k->half_open_peer_max = hp;
	for (size_t i = 0; args != NULL && args[i] != NULL && i < AGENT_IKE_ARGS_MAX; i++)
		k->args[i] = args[i];
	k->lfd = k->cfd = -1;
	k->backoff_s = AGENT_IKE_BACKOFF_MIN_S;
	k->prog = prog;
	k->sockpath = sockpath;
	if (prog == NULL) {
		log_notice("no IKE module configured (iked = none): negotiate rules will not "
		    "get SAs");
		return 0;
	}
	if ((k->lfd = ike_listen(sockpath)) < 0)
		return -1;
	ike_spawn(k);
	return 0;
}

static void
ike_drop_conn(struct agent_ike *k)
{
	if (k->cfd >= 0)
		close(k->cfd);
	k->cfd = -1;
}

void
agent_ike_reap(struct agent_ike *k, uint64_t now_ms)
{
	uint64_t ran;
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid != k->pid)
			continue;
		ran = now_ms - k->started_ms;
		if (ran >= AGENT_IKE_STABLE_S * 1000ull)
			k->backoff_s = AGENT_IKE_BACKOFF_MIN_S;
		k->pid = 0;
		ike_drop_conn(k);
		k->restart_at_ms = now_ms + k->backoff_s * 1000ull;
		if (WIFSIGNALED(status))
			log_err("IKE module %s was killed by signal %d after %llu.%03llu s; "
			    "restarting in %u s", k->prog, WTERMSIG(status),
			    (unsigned long long)ran / 1000, (unsigned long long)ran % 1000,
			    k->backoff_s);
		else
			log_err("IKE module %s exited with status %d after %llu.%03llu s; "
			    "restarting in %u s", k->prog, WEXITSTATUS(status),
			    (unsigned long long)ran / 1000, (unsigned long long)ran % 1000,
			    k->backoff_s);
		k->backoff_s = k->backoff_s * 2 > AGENT_IKE_BACKOFF_MAX_S ?
		    AGENT_IKE_BACKOFF_MAX_S : k->backoff_s * 2;
	}
}

void
agent_ike_tick(struct agent_ike *k, uint64_t now_ms)
{
	if (k->prog == NULL || k->pid != 0 || k->restart_at_ms == 0 || now_ms < k->restart_at_ms)
		return;
	k->restarts++;
	log_notice("restarting IKE module %s (restart %u)", k->prog, k->restarts);
	ike_spawn(k);
}

int
agent_ike_timeout(const struct agent_ike *k, uint64_t now_ms)
{
	if (k->prog == NULL || k->pid != 0 || k->restart_at_ms == 0)
		return -1;
	return k->restart_at_ms <= now_ms ? 0 : (int)(k->restart_at_ms - now_ms);
}

static int
ike_send_one(const struct ctl_msg *m, void *arg)
{
	int fd = *(int *)arg;
	ssize_t n;

	do
		n = send(fd, m->buf, m->len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)m->len ? 0 : -1;
}

void
agent_ike_send_plan(struct agent_ike *k, const struct ipp_compiled *c)
{
	size_t n = 0;

	if (k->cfd < 0)
		return;
	k->gen++;
	for (size_t i = 0; c != NULL && i < c->nrules; i++)
		n += c->rules[i].reqid != 0;
	if (ike_plan_emit(c, k->gen, ike_send_one, &k->cfd) != 0) {
		log_err("cannot send the IKE plan to the IKE module: %s; dropping the "
		    "connection", strerror(errno));
		ike_drop_conn(k);
		return;
	}
	log_info("sent IKE plan %u (%zu negotiate rules) to the IKE module", k->gen, n);
}

void
agent_ike_accept(struct agent_ike *k, const struct ipp_compiled *c)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);
	struct timeval tv = { .tv_sec = 5 };
	int fd;

	if ((fd = accept4(k->lfd, NULL, NULL, SOCK_CLOEXEC)) < 0)
		return;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0 ||
	    (cr.pid != k->pid && cr.uid != 0)) {
		log_warn("refused a connection on the IKE socket from pid %d uid %d: not the "
		    "IKE module we started", (int)cr.pid, (int)cr.uid);
		close(fd);
		return;
	}
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	ike_drop_conn(k);
	k->cfd = fd;
	log_info("IKE module connected (pid %d)", (int)cr.pid);
	agent_ike_send_plan(k, c);
}

void
agent_ike_input(struct agent_ike *k)
{
	char buf[256];
	ssize_t n;

	/* The module sends nothing yet; what comes is drained, EOF closes. */
	n = recv(k->cfd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		ike_drop_conn(k);
}

static int
ike_show_type(uint16_t type)
{
	switch (type) {
	case CTL_SHOW_MMSA:	return IKE_SHOW_MMSA;
	case CTL_SHOW_QMSA:	return IKE_SHOW_QMSA;
	case CTL_SHOW_IKESTATS:	return IKE_SHOW_STATS;
	case CTL_SHOW_SOFTSA:	return IKE_SHOW_SOFTSA;
	default:		return -1;
	}
}

/* Sends the module an empty request of type itype; on failure the link is dropped. */
static int
ike_ask(struct agent_ike *k, uint16_t itype, uint32_t seq, struct ipp_err *e)
{
	struct ctl_msg m;
	int rc;

	ctl_msg_init(&m, itype, seq, 0);
	rc = ctl_msg_finish(&m) == 0 ? ike_send_one(&m, &k->cfd) : -1;
	ctl_msg_free(&m);
	if (rc != 0) {
		ike_drop_conn(k);
		return ipp_errf(e, IPP_E_STORE, "cannot reach the IKE module: %s",
		    strerror(errno));
	}
	return 0;
}

/*
 * One reply of the module to request (itype, iseq) before deadline, which is wait_ms after
 * the request; 0 when what came is not one (a late reply to an earlier request, dropped);
 * -1 with e on timeout or a broken connection.
 */
static int
ike_relay_read(struct agent_ike *k, uint8_t *buf, uint16_t itype, uint32_t iseq,
    uint64_t deadline, int wait_ms, ssize_t *len, struct ipp_err *e)
{
	struct pollfd pfd = { .fd = k->cfd, .events = POLLIN };
	struct ctl_hdr h;
	uint64_t now = ike_now_ms();
	ssize_t n;

	if (now >= deadline || poll(&pfd, 1, (int)(deadline - now)) <= 0)
		return ipp_errf(e, IPP_E_STORE, "the IKE module did not answer within %d ms",
		    wait_ms);
	n = recv(k->cfd, buf, CTL_MSG_MAX, MSG_DONTWAIT | MSG_TRUNC);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0 || n > CTL_MSG_MAX || ctl_hdr_parse(buf, (size_t)n, &h, e) < 0 ||
	    h.len != (size_t)n - CTL_HDR_LEN) {
		ike_drop_conn(k);
		return ipp_errf(e, IPP_E_STORE, "the IKE module's connection broke or sent a "
		    "malformed reply; it will be restarted");
	}
	if (h.type != (itype | CTL_REPLY) || h.seq != iseq)
		return 0;
	*len = n;
	return 1;
}

int
agent_ike_relay(struct agent_ike *k, int client_fd, uint16_t type, uint32_t seq,
    struct ipp_err *e)
{
	static uint32_t relay_seq;
	uint8_t *buf;
	uint64_t deadline;
	ssize_t n = 0;
	int itype = ike_show_type(type), rc;

	if (itype < 0)
		return ipp_errf(e, IPP_E_INVAL, "request %u is not for the IKE module", type);
	if (k->prog == NULL)
		return ipp_errf(e, IPP_E_UNSUPP, "no IKE module is configured (iked = none): "
		    "there are no IKE security associations");
	if (k->cfd < 0)
		return ipp_errf(e, IPP_E_UNSUPP, "the IKE module is not running%s; no IKE "
		    "security associations to show", k->pid == 0 ? " (restart pending)" :
		    " (started, not connected yet)");
	if (ike_ask(k, (uint16_t)itype, ++relay_seq, e) < 0)
		return -1;
	if ((buf = malloc(CTL_MSG_MAX)) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	deadline = ike_now_ms() + AGENT_IKE_SHOW_TIMEOUT_MS;
	for (;;) {
		if ((rc = ike_relay_read(k, buf, (uint16_t)itype, relay_seq, deadline,
		    AGENT_IKE_SHOW_TIMEOUT_MS, &n, e)) < 0)
			break;
		if (rc == 0)
			continue;
		/* The client's type and seq; "more" always: our own reply closes the list. */
		bool last = !(buf[5] & CTL_F_MORE);

		buf[5] |= CTL_F_MORE;
		buf[6] = (uint8_t)((type | CTL_REPLY) >> 8);
		buf[7] = (uint8_t)((type | CTL_REPLY) & 0xff);
		buf[8] = (uint8_t)(seq >> 24);
		buf[9] = (uint8_t)(seq >> 16);
		buf[10] = (uint8_t)(seq >> 8);
		buf[11] = (uint8_t)seq;
		if (send(client_fd, buf, (size_t)n, MSG_NOSIGNAL) != n) {
			rc = ipp_errf(e, IPP_E_STORE, "control client went away");
			break;
		}
		if (last) {
			rc = 0;
			break;
		}
	}
	free(buf);
	return rc < 0 ? -1 : 0;
}

/* One reply's half-open figures, when it has them. */
static void
ike_dos_take(const uint8_t *buf, ssize_t n, struct ctl_status *s)
{
	struct ctl_status t;
	struct ipp_err e;

	if (ctl_status_parse(buf + CTL_HDR_LEN, (size_t)n - CTL_HDR_LEN, &t, &e) < 0)
		return;
	if (t.ike_dos) {
		s->ike_dos = true;
		s->ike_half_open = t.ike_half_open;
		s->ike_half_open_max = t.ike_half_open_max;
		s->ike_half_open_peer_max = t.ike_half_open_peer_max;
		s->ike_half_open_peak = t.ike_half_open_peak;
		s->ike_half_open_drops = t.ike_half_open_drops;
		s->ike_half_open_evicted = t.ike_half_open_evicted;
	}
	ctl_status_clear(&t);
}

int
agent_ike_dos(struct agent_ike *k, struct ctl_status *s, struct ipp_err *e)
{
	/* A range of its own, so a late answer is never taken for a relayed one. */
	static uint32_t dos_seq;
	uint32_t seq = 0x80000000u | (++dos_seq & 0x7fffffffu);
	uint64_t deadline;
	uint8_t *buf;
	ssize_t n = 0;
	int rc;

	if (k->cfd < 0)
		return 0;
	if (ike_ask(k, IKE_SHOW_STATS, seq, e) < 0)
		return -1;
	if ((buf = malloc(CTL_MSG_MAX)) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	deadline = ike_now_ms() + AGENT_IKE_STATUS_TIMEOUT_MS;
	while ((rc = ike_relay_read(k, buf, IKE_SHOW_STATS, seq, deadline,
	    AGENT_IKE_STATUS_TIMEOUT_MS, &n, e)) >= 0) {
		if (rc == 0)
			continue;
		ike_dos_take(buf, n, s);
		if (!(buf[5] & CTL_F_MORE))
			break;
	}
	free(buf);
	return rc < 0 ? -1 : 0;
}

void
agent_ike_stop(struct agent_ike *k)
{
	ike_drop_conn(k);
	if (k->pid > 0) {
		kill(k->pid, SIGTERM);
		for (int i = 0; i < 20 && waitpid(k->pid, NULL, WNOHANG) == 0; i++)
			usleep(100000);
		if (waitpid(k->pid, NULL, WNOHANG) == 0) {
			kill(k->pid, SIGKILL);
			waitpid(k->pid, NULL, 0);
		}
		log_info("stopped IKE module (pid %d)", (int)k->pid);
		k->pid = 0;
	}
	if (k->lfd >= 0) {
		close(k->lfd);
		unlink(k->sockpath);
		k->lfd = -1;
	}
}
