/* agent: start-up, the main loop, reload, compile and apply, shutdown. */
#include <errno.h>
#include <libgen.h>
#include <poll.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>

#include "agent/agent.h"
#include "agent/env.h"
#include "agent/log.h"
#include "agent/source.h"

uint64_t
agent_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t
agent_now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static void
agent_set_error(struct agent *a, const char *msg)
{
	snprintf(a->last_error, sizeof(a->last_error), "%s", msg);
}

static void
agent_log_warnings(const struct ipp_compiled *c)
{
	for (size_t i = 0; i < c->nwarnings; i++)
		log_warn("compile: %s", c->warnings[i]);
	if (c->nwarnings_lost > 0)
		log_warn("compile: %zu more warnings not shown", c->nwarnings_lost);
}

static const char *
agent_policy_name(const struct agent *a)
{
	return a->have_static ? a->static_tree.policy.name : "";
}

/*
 * Compiles the static policy (if any) with the dynamic rules and applies the result as a
 * diff.  On a compile error nothing changes in the kernel.
 */
int
agent_recompile(struct agent *a, struct ipp_err *e)
{
	const struct ipp_policy_tree *trees[2];
	struct agent_apply_stats st;
	struct ipp_compiled c;
	struct ipp_policy_set want;
	struct agent_env *env;
	uint64_t t0;
	int rc;

	trees[0] = a->have_static ? &a->static_tree : NULL;
	trees[1] = agent_dyn_tree(&a->dyn);
	if ((env = calloc(1, sizeof(*env))) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	agent_env_build(env, &a->conf);
	memset(&c, 0, sizeof(c));
	rc = ipp_compile(trees, 2, &env->env, &c, e);
	free(env);
	if (rc < 0) {
		ipp_err_prefix(e, "compiling policy '%s': ", agent_policy_name(a));
		log_err("%s; the kernel keeps what is installed", e->msg);
		agent_set_error(a, e->msg);
		return -1;
	}
	agent_log_warnings(&c);
	memset(&st, 0, sizeof(st));
	want = ipp_policy_set_compiled(&c);
	t0 = agent_now_usec();
	rc = agent_apply(a->xh, &a->inst, &want, a->conf.priority_base,
	    a->conf.priority_base + IPP_COMPILE_PRIO_SPAN, &st, e);
	a->last_apply_usec = agent_now_usec() - t0;
	a->nl_total += st.nl_ops;
	a->nl_last = st.nl_ops;
	a->last_add = st.nadd;
	a->last_update = st.nupdate;
	a->last_delete = st.ndelete;
	a->applies++;
	a->last_apply = time(NULL);
	if (st.nconflict > 0)
		log_warn("%u policies not installed: a policy outside our band (not ours) "
		    "holds their selector", st.nconflict);
	if (rc < 0) {
		log_err("applying policy '%s': %s", agent_policy_name(a), e->msg);
		agent_set_error(a, e->msg);
	} else {
		log_notice("applied %s%s%s: %zu kernel policies (%u added, %u updated, "
		    "%u deleted) in %u netlink operations, %llu us",
		    a->have_static ? "policy '" : "no static policy",
		    agent_policy_name(a), a->have_static ? "'" : "", c.npolicies, st.nadd,
		    st.nupdate, st.ndelete, st.nl_ops,
		    (unsigned long long)a->last_apply_usec);
		if (trees[1] != NULL)
			log_info("with %zu dynamic rules", agent_dyn_count(&a->dyn));
	}
	ipp_compiled_free(&a->compiled);
	a->compiled = c;
	agent_ike_send_plan(&a->ike, &a->compiled);
	return rc;
}

/* Minutes until the next polling: the policy's interval, within the configured bounds. */
static uint32_t
agent_poll_minutes(const struct agent *a)
{
	uint32_t m = IPP_DEF_POLL_MIN;

	if (a->have_static && a->static_tree.policy.poll_min != 0)
		m = a->static_tree.policy.poll_min;
	if (a->conf.poll_interval_min != 0 && m < a->conf.poll_interval_min)
		m = a->conf.poll_interval_min;
	if (a->conf.poll_interval_max != 0 && m > a->conf.poll_interval_max)
		m = a->conf.poll_interval_max;
	return m;
}

/* The static policy from r replaces the one in force.  False when nothing changed. */
static bool
agent_take_source(struct agent *a, struct agent_source_result *r)
{
	uint8_t digest[CACHE_DIGEST_LEN] = { 0 };
	bool found = r->outcome == AGENT_SOURCE_FOUND, changed;

	if (found && cache_tree_digest(&r->tree, digest) < 0)
		memset(digest, 0xff, sizeof(digest));	/* no digest: count as a change */
	changed = found != a->have_static || !a->applied_ok ||
	    (found && memcmp(digest, a->digest, sizeof(digest)) != 0);
	if (r->kind == AGENT_KIND_DIRECTORY || (r->kind == AGENT_KIND_CACHE &&
	    a->last_fetch == 0))
		a->last_fetch = r->fetched;
	a->kind = r->kind;
	snprintf(a->policy_dn, sizeof(a->policy_dn), "%s", r->policy_dn);
	snprintf(a->source, sizeof(a->source), "%s", r->where);
	snprintf(a->reason, sizeof(a->reason), "%s", r->reason);
	if (!changed)
		return false;
	if (a->have_static)
		ipp_policy_tree_clear(&a->static_tree);
	a->have_static = found;
	if (found) {
		a->static_tree = r->tree;
		memset(&r->tree, 0, sizeof(r->tree));
	}
	memcpy(a->digest, digest, sizeof(digest));
	a->last_change = time(NULL);
	return true;
}

void
agent_reload(struct agent *a, const char *why)
{
	struct agent_source_result r;
	struct ipp_err e;
	char hex[CACHE_DIGEST_HEX];
	uint64_t retry = (uint64_t)a->conf.retry_interval * 1000;
	bool dir_failed;

	log_info("reading the policy source (%s)", why);
	agent_source_select(&a->conf, a->have_static ? a->kind : AGENT_KIND_NONE, &r);
	if (r.cache_error[0] != '\0')
		log_err("%s", r.cache_error);
	/* A failed directory is tried again soon, a good one at its polling interval. */
	a->poll_at_ms = agent_now_ms() + retry;
	switch (r.outcome) {
	case AGENT_SOURCE_FAILED:
		log_err("keeping the last applied policy%s%s%s: %s",
		    a->have_static ? " '" : "", agent_policy_name(a),
		    a->have_static ? "'" : "", r.reason);
		agent_set_error(a, r.reason);
		agent_source_result_clear(&r);
		return;
	case AGENT_SOURCE_NONE:
		log_notice("source: none: %s; no ipsecpol policy in the kernel, waiting",
		    r.reason);
		break;
	case AGENT_SOURCE_FOUND:
		log_notice("source: %s: %s", r.where, r.reason);
		break;
	}
	if (!agent_take_source(a, &r)) {
		cache_hex(a->digest, 8, hex);
		log_info("the policy is unchanged (digest %s...): nothing to apply", hex);
		a->last_error[0] = '\0';
	} else if (agent_recompile(a, &e) == 0) {
		a->last_error[0] = '\0';
		a->applied_ok = true;
	} else
		a->applied_ok = false;
	dir_failed = r.dir_error[0] != '\0';
	if (dir_failed)
		agent_set_error(a, r.dir_error);
	agent_source_result_clear(&r);
	if (!dir_failed)
		a->poll_at_ms = agent_now_ms() + 60000ull * agent_poll_minutes(a);
}

/* ---------------------------------------------------------------- store watching */

static void
agent_watch_open(struct agent *a)
{
	char *dcopy, *bcopy;

	a->inofd = -1;
	if ((dcopy = strdup(a->conf.local_store)) == NULL ||
	    (bcopy = strdup(a->conf.local_store)) == NULL) {
		free(dcopy);
		return;
	}
	a->store_base = strdup(basename(bcopy));
	free(bcopy);
	if ((a->inofd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) < 0 ||
	    inotify_add_watch(a->inofd, dirname(dcopy), IN_CLOSE_WRITE | IN_MOVED_TO |
	    IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_MODIFY) < 0) {
		log_warn("cannot watch %s for changes (%s): changes are seen at the next "
		    "polling, SIGHUP or refresh", a->conf.local_store, strerror(errno));
		if (a->inofd >= 0)
			close(a->inofd);
		a->inofd = -1;
	}
	free(dcopy);
}

/* The store file or its journal changed: reload once things are quiet. */
static void
agent_watch_input(struct agent *a)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ev;
	size_t blen = a->store_base ? strlen(a->store_base) : 0;
	bool ours = false;
	ssize_t n;

	while ((n = read(a->inofd, buf, sizeof(buf))) > 0)
		for (char *p = buf; p < buf + n; p += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)p;
			/* The -shm file changes when anyone reads, us included. */
			if (ev->len > 0 && strncmp(ev->name, a->store_base, blen) == 0 &&
			    strstr(ev->name + blen, "-shm") == NULL)
				ours = true;
		}
	if (ours)
		a->reload_at_ms = agent_now_ms() + a->conf.debounce_ms;
}

/*
 * SIGHUP: reread the configuration, then the source.  Sockets and the pidfile stay as they
 * are until a restart; a bad file keeps the running configuration.
 */
static void
agent_reload_conf(struct agent *a)
{
	static const size_t fixed[] = {
		offsetof(struct agent_conf, control_socket),
		offsetof(struct agent_conf, iked),
		offsetof(struct agent_conf, iked_socket),
		offsetof(struct agent_conf, pidfile),
	};
	struct agent_conf n;
	struct ipp_err e;
	bool store_moved;

	if (agent_conf_load(&n, a->opts.conf_path, &e) < 0) {
		log_err("%s; keeping the running configuration", e.msg);
		return;
	}
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		char **o = (char **)((char *)&a->conf + fixed[i]);
		char **w = (char **)((char *)&n + fixed[i]);
		char *t = *o;

		if ((*o == NULL) != (*w == NULL) || (*o != NULL && strcmp(*o, *w) != 0))
			log_warn("%s: %s changed: it takes effect when the agent restarts",
			    a->opts.conf_path, *w != NULL ? *w : "none");
		/* The running values stay (the IKE supervisor points at them). */
		*o = *w;
		*w = t;
	}
	store_moved = strcmp(n.local_store, a->conf.local_store) != 0;
	agent_conf_clear(&a->conf);
	a->conf = n;
	if (store_moved) {
		if (a->inofd >= 0)
			close(a->inofd);
		free(a->store_base);
		a->store_base = NULL;
		agent_watch_open(a);
	}
	log_notice("reread the configuration %s", a->opts.conf_path);
}

/* ---------------------------------------------------------------- signals and loop */

static int
agent_signals(void)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

static void
agent_signal_input(struct agent *a)
{
	struct signalfd_siginfo si;

	while (read(a->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGHUP:
			agent_reload_conf(a);
			agent_reload(a, "SIGHUP");
			break;
		case SIGCHLD:
			agent_ike_reap(&a->ike, agent_now_ms());
			break;
		default:
			log_notice("stopping on signal %u", si.ssi_signo);
			a->stop = true;
		}
	}
}

static int
agent_timeout(const struct agent *a, uint64_t now)
{
	uint64_t next = a->poll_at_ms;
	int ike = agent_ike_timeout(&a->ike, now);

	if (a->reload_at_ms != 0 && a->reload_at_ms < next)
		next = a->reload_at_ms;
	if (ike >= 0 && now + (uint64_t)ike < next)
		next = now + (uint64_t)ike;
	if (next <= now)
		return 0;
	return next - now > 60000 ? 60000 : (int)(next - now);
}

enum { P_SIG, P_INO, P_CTL, P_IKEL, P_IKEC, P_CONN };

static void
agent_loop(struct agent *a)
{
	struct pollfd pfd[P_CONN + AGENT_CTL_CONN_MAX];
	uint64_t now;

	while (!a->stop) {
		pfd[P_SIG] = (struct pollfd){ a->sigfd, POLLIN, 0 };
		pfd[P_INO] = (struct pollfd){ a->inofd, POLLIN, 0 };
		pfd[P_CTL] = (struct pollfd){ a->ctl_lfd, POLLIN, 0 };
		pfd[P_IKEL] = (struct pollfd){ a->ike.lfd, POLLIN, 0 };
		pfd[P_IKEC] = (struct pollfd){ a->ike.cfd, POLLIN, 0 };
		for (int i = 0; i < AGENT_CTL_CONN_MAX; i++)
			pfd[P_CONN + i] = (struct pollfd){ a->ctl_conn[i], POLLIN, 0 };
		if (poll(pfd, P_CONN + AGENT_CTL_CONN_MAX, agent_timeout(a, agent_now_ms())) < 0 &&
		    errno != EINTR) {
			log_err("poll: %s", strerror(errno));
			break;
		}
		if (pfd[P_SIG].revents)
			agent_signal_input(a);
		if (a->stop)
			break;
		if (pfd[P_INO].revents)
			agent_watch_input(a);
		if (pfd[P_CTL].revents)
			agent_ctl_accept(a);
		for (int i = 0; i < AGENT_CTL_CONN_MAX; i++)
			if (a->ctl_conn[i] >= 0 && pfd[P_CONN + i].fd == a->ctl_conn[i] &&
			    pfd[P_CONN + i].revents)
				agent_ctl_input(a, i);
		if (a->ike.cfd >= 0 && pfd[P_IKEC].fd == a->ike.cfd && pfd[P_IKEC].revents)
			agent_ike_input(&a->ike);
		if (pfd[P_IKEL].revents)
			agent_ike_accept(&a->ike, &a->compiled);
		now = agent_now_ms();
		if (a->reload_at_ms != 0 && now >= a->reload_at_ms) {
			a->reload_at_ms = 0;
			agent_reload(a, "the store changed");
		} else if (now >= a->poll_at_ms)
			agent_reload(a, "polling interval");
		agent_ike_tick(&a->ike, now);
	}
}

/* ---------------------------------------------------------------- start and stop */

static int
agent_start(struct agent *a)
{
	struct agent_apply_stats st = { 0 };
	const char *args[AGENT_IKE_ARGS_MAX + 1];
	struct ipp_err e;
	int rc;

	if ((a->sigfd = agent_signals()) < 0)
		return log_err("signals: %s", strerror(errno)), -1;
	if ((rc = xfrm_open(&a->xh)) < 0)
		return log_err("cannot open the kernel's XFRM interface: %s", strerror(-rc)), -1;
	if (agent_apply_reconcile(a->xh, a->conf.priority_base,
	    a->conf.priority_base + IPP_COMPILE_PRIO_SPAN, &a->inst, &st, &e) < 0)
		return log_err("%s", e.msg), -1;
	a->nl_total += st.nl_ops;
	log_notice("found %zu policies of ours (priority %u..%u) in the kernel%s",
	    a->inst.set.n, a->conf.priority_base,
	    a->conf.priority_base + IPP_COMPILE_PRIO_SPAN - 1,
	    a->inst.set.n ? ": left by an earlier run, reconciling" : "");
	if (agent_ctl_open(a) < 0)
		return -1;
	agent_watch_open(a);
	agent_ike_cert_args(&a->conf, args);
	a->ike.half_open_max = a->conf.ike_half_open_max;
	a->ike.half_open_peer_max = a->conf.ike_half_open_peer_max;
	if (agent_ike_start(&a->ike, a->conf.iked, a->conf.iked_socket, args) < 0)
		return -1;
	agent_reload(a, "start");
	return 0;
}

static void
agent_shutdown(struct agent *a)
{
	struct agent_apply_stats st = { 0 };
	struct ipp_policy_set none = ipp_policy_set_array(NULL, 0);
	struct ipp_err e;

	agent_ike_stop(&a->ike);
	agent_ctl_close(a);
	if (a->xh != NULL) {
		if (a->conf.keep_policy_on_exit)
			log_notice("leaving %zu policies in the kernel (keep_policy_on_exit)",
			    a->inst.set.n);
		else if (agent_apply(a->xh, &a->inst, &none, a->conf.priority_base,
		    a->conf.priority_base + IPP_COMPILE_PRIO_SPAN, &st, &e) < 0)
			log_err("removing our policies: %s", e.msg);
		else
			log_notice("removed our %u policies from the kernel", st.ndelete);
		xfrm_close(a->xh);
	}
	agent_installed_clear(&a->inst);
	ipp_compiled_free(&a->compiled);
	if (a->have_static)
		ipp_policy_tree_clear(&a->static_tree);
	agent_dyn_flush(&a->dyn);
	ipp_policy_tree_clear(&a->dyn.tree);
	free(a->dyn.ids);
	if (a->inofd >= 0)
		close(a->inofd);
	if (a->sigfd >= 0)
		close(a->sigfd);
	free(a->store_base);
	if (a->conf.pidfile != NULL)
		unlink(a->conf.pidfile);
	agent_conf_clear(&a->conf);
}

int
agent_main(const struct agent_opts *o)
{
	struct agent *a;
	struct ipp_err e;
	int rc = 1;

	agent_mem_tune();
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return fprintf(stderr, "ipsecpold: out of memory\n"), 1;
	a->opts = *o;
	a->sigfd = a->inofd = a->ctl_lfd = -1;
	for (int i = 0; i < AGENT_CTL_CONN_MAX; i++)
		a->ctl_conn[i] = -1;
	if (agent_conf_load(&a->conf, o->conf_path, &e) < 0) {
		fprintf(stderr, "ipsecpold: %s\n", e.msg);
		free(a);
		return 1;
	}
	if (o->check_only) {
		printf("ipsecpold: configuration %s is valid\n", o->conf_path);
		agent_conf_clear(&a->conf);
		free(a);
		return 0;
	}
	if (!o->foreground && agent_daemonize() < 0) {
		fprintf(stderr, "ipsecpold: cannot go to the background: %s\n", strerror(errno));
		agent_conf_clear(&a->conf);
		free(a);
		return 1;
	}
	agent_log_open("ipsecpold", o->foreground, o->verbose);
	if (agent_pidfile_write(a->conf.pidfile) < 0) {
		free(a->conf.pidfile);
		a->conf.pidfile = NULL;
	} else if (agent_start(a) == 0) {
		agent_loop(a);
		rc = 0;
	}
	agent_shutdown(a);
	free(a);
	return rc;
}
