/*
 * iked_loop: the module's life.  Start: kernel handle and event subscription, the IKE
 * sockets (port 500 needs privilege, so they come first), the agent's socket, then the
 * capability drop and the engine.  Then one epoll loop over the sockets, the kernel's
 * events, the agent, a signalfd and the engine's next timer.  SIGTERM/SIGINT, or the
 * agent hanging up, end it: every SA is deleted with the peer (DELETE), and every SA and
 * policy the module installed is removed.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>

#include "agent/log.h"
#include "ike/iked.h"

uint64_t
iked_now_ms(void *arg)
{
	struct timespec ts;

	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void
iked_log_cb(void *arg, int prio, const char *msg)
{
	(void)arg;
	agent_log(prio, "%s", msg);
}

static int
loop_signals(struct iked *d)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0 ||
	    (d->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) < 0) {
		log_err("signals: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int
loop_watch(struct iked *d, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	if (fd < 0)
		return 0;
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		log_err("epoll: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * A certificate, key, CA or CRL that does not load disables certificate authentication
 * (rules that need it get no SA, which fails closed) but not the preshared-key rules.
 */
static void
loop_certs(struct iked *d)
{
	struct ipp_err e;

	if (ike_certs_load(&d->certconf, &d->certs, &e) != 0) {
		log_err("certificate authentication disabled: %s", e.msg);
		return;
	}
	if (d->certs == NULL)
		return;
	ike_engine_set_certs(d->eng, d->certs);
	if (ike_certs_have_key(d->certs))
		log_notice("certificate authentication: our certificate '%s' (%s)",
		    ike_certs_subject(d->certs),
		    ike_certs_v1_method(d->certs) == 3 ? "RSA" : "ECDSA");
}

static int
loop_engine(struct iked *d)
{
	struct ike_ops ops = {
		.arg = d, .now_ms = iked_now_ms, .send = iked_net_send,
		.spi_alloc = iked_spi_alloc, .child_install = iked_child_install,
		.child_delete = iked_child_delete, .rule_for_ids = iked_rule_for_ids,
		.auth_for_peer = iked_auth_for_peer, .log = iked_log_cb,
		.child_rx_packets = iked_dpd_rx_packets,
		.soft_allow = iked_soft_allow,
	};
	static struct ike_ops keep;

	/* The engine keeps the ops table: it must outlive it. */
	keep = ops;
	d->lim.child_life_max_s = d->child_life_max_s;
	if ((d->eng = ike_engine_new(&keep, &d->lim)) == NULL) {
		log_err("cannot start the IKE engine: %s", strerror(errno));
		return -1;
	}
	if (d->child_life_max_s != 0)
		log_notice("child SAs live at most %u s (-L), whatever the policy says",
		    d->child_life_max_s);
	ike_engine_set_plan(d->eng, NULL);
	loop_certs(d);
	return 0;
}

int
iked_init(struct iked *d)
{
	int rc;

	d->udp4 = d->udp6 = d->agent = d->sigfd = d->epfd = -1;
	if ((rc = xfrm_open(&d->xh)) < 0) {
		log_err("cannot open the kernel's XFRM interface: %s", strerror(-rc));
		return -1;
	}
	if (iked_events_open(d) < 0 || iked_net_open(d) < 0 || iked_agent_connect(d) < 0)
		return -1;
	if ((rc = iked_caps_drop()) < 0) {
		log_err("cannot drop capabilities: %s", strerror(-rc));
		return -1;
	}
	log_info("running with CAP_NET_ADMIN only, no new privileges");
	if (loop_engine(d) < 0 || loop_signals(d) < 0)
		return -1;
	if ((d->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0) {
		log_err("epoll: %s", strerror(errno));
		return -1;
	}
	if (loop_watch(d, d->udp4) < 0 || loop_watch(d, d->udp6) < 0 ||
	    loop_watch(d, xfrm_event_fd(d->mon)) < 0 || loop_watch(d, d->agent) < 0 ||
	    loop_watch(d, d->sigfd) < 0)
		return -1;
	return 0;
}

static void
loop_signal(struct iked *d)
{
	struct signalfd_siginfo si;

	while (read(d->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			log_info("SIGHUP: the plan comes from the agent; nothing to reread");
			continue;
		}
		log_notice("signal %u: stopping", si.ssi_signo);
		d->stop = true;
	}
}

static void
loop_dispatch(struct iked *d, int fd)
{
	if (fd == d->udp4 || fd == d->udp6)
		iked_net_input(d, fd);
	else if (fd == xfrm_event_fd(d->mon))
		iked_events_input(d);
	else if (fd == d->sigfd)
		loop_signal(d);
	else if (fd == d->agent && iked_agent_input(d) < 0)
		d->stop = true;
}

int
iked_run(struct iked *d)
{
	struct epoll_event ev[16];
	int64_t t, h;
	int n, timeout;

	while (!d->stop) {
		t = ike_engine_next_timeout_ms(d->eng);
		h = iked_events_next_ms(d);
		if (h >= 0 && (t < 0 || h < t))
			t = h;
		timeout = t < 0 ? -1 : t > 60000 ? 60000 : (int)t;
		n = epoll_wait(d->epfd, ev, 16, timeout);
		if (n < 0 && errno != EINTR) {
			log_err("epoll_wait: %s", strerror(errno));
			return -1;
		}
		for (int i = 0; i < n && !d->stop; i++)
			loop_dispatch(d, ev[i].data.fd);
		if (ike_engine_next_timeout_ms(d->eng) == 0)
			ike_engine_tick(d->eng);
		iked_events_tick(d);
	}
	return 0;
}

void
iked_fini(struct iked *d)
{
	/* Peers learn that our SAs are gone (DELETE) while the sockets are still open;
	 * the flush then removes whatever the engine no longer tracks. */
	if (d->eng != NULL)
		ike_engine_shutdown(d->eng);
	if (d->xh != NULL) {
		iked_events_stop(d);
		iked_soft_flush(d, "the module stops");
		iked_kernel_flush(d);
	}
	if (d->eng != NULL)
		ike_engine_free(d->eng);
	d->eng = NULL;
	ike_certs_free(d->certs);
	d->certs = NULL;
	ike_plan_free(&d->plan);
	ike_plan_rx_reset(&d->rx);
	iked_spd_forget(d);
	free(d->authbuf);
	d->authbuf = NULL;
	iked_net_close(d);
	if (d->agent >= 0)
		close(d->agent);
	if (d->sigfd >= 0)
		close(d->sigfd);
	if (d->epfd >= 0)
		close(d->epfd);
	d->agent = d->sigfd = d->epfd = -1;
	xfrm_event_close(d->mon);
	xfrm_close(d->xh);
	d->mon = NULL;
	d->xh = NULL;
}
