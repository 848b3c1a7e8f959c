/*
 * agent: the Policy Agent's state and main loop.  main.c parses the command line and
 * calls agent_main(); everything else is here and in the files it names, so tests link
 * the same objects.
 */
#ifndef IPP_AGENT_AGENT_H
#define IPP_AGENT_AGENT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "agent/apply.h"
#include "agent/cache.h"
#include "agent/compile.h"
#include "agent/conf.h"
#include "agent/dyn.h"
#include "agent/ike.h"
#include "agent/source.h"

#define AGENT_CTL_CONN_MAX	16

struct agent_opts {
	const char	*conf_path;
	bool		foreground;	/* -d: no fork, log to stderr */
	bool		check_only;	/* -n: check the configuration and exit */
	bool		verbose;	/* -v: debug messages too */
};

struct agent {
	struct agent_opts	opts;
	struct agent_conf	conf;
	struct xfrm_handle	*xh;
	struct agent_installed	inst;
	struct ipp_policy_tree	static_tree;	/* the last good static policy */
	bool			have_static;
	char			source[512];
	char			reason[1024];
	/* the source of the static policy (ipsecpold(8), "Where the policy comes from") */
	enum agent_source_kind	kind;
	char			policy_dn[1024];
	uint8_t			digest[CACHE_DIGEST_LEN];	/* of static_tree */
	bool			applied_ok;	/* the last compile and apply succeeded */
	time_t			last_fetch;	/* the last good directory fetch */
	time_t			last_change;	/* the static policy last changed */
	struct agent_dyn	dyn;
	struct ipp_compiled	compiled;	/* of the last successful apply */
	/* counters for status */
	uint64_t		nl_total;
	uint32_t		nl_last, applies, last_add, last_update, last_delete;
	uint64_t		last_apply_usec;	/* kernel part of the last apply */
	time_t			last_apply;
	char			last_error[1024];
	/* descriptors */
	int			sigfd, inofd, ctl_lfd;
	int			ctl_conn[AGENT_CTL_CONN_MAX];
	char			*store_base;		/* file name of the store, for inotify */
	struct agent_ike	ike;
	uint64_t		reload_at_ms;		/* debounced store change; 0: none */
	uint64_t		poll_at_ms;		/* next polling of the source */
	bool			stop;
};

int	agent_main(const struct agent_opts *o);
/* mem.c: the heap in huge pages, one arena; called once at start, before any thread. */
void	agent_mem_tune(void);

/* agent.c: the work the control socket asks for too. */
void	agent_reload(struct agent *a, const char *why);
int	agent_recompile(struct agent *a, struct ipp_err *e);
uint64_t agent_now_ms(void);

/* agent_ctl.c: the control socket. */
int	agent_ctl_open(struct agent *a);
void	agent_ctl_accept(struct agent *a);
void	agent_ctl_input(struct agent *a, int slot);
void	agent_ctl_close(struct agent *a);

/* daemon.c */
int	agent_daemonize(void);
int	agent_pidfile_write(const char *path);

#endif
