/*
 * agent_ike: supervision of the IKE module.  The agent listens on iked_socket, starts
 * `iked -d -S iked_socket`, and when the module connects (its pid checked with
 * SO_PEERCRED) sends it the IKE plan (ike_plan.h); every new plan is sent again.  When the
 * module exits it is restarted after 1 s, doubling to 60 s; a run of AGENT_IKE_STABLE_S
 * resets the delay.  Every exit and restart is logged.
 */
#ifndef IPP_AGENT_IKE_H
#define IPP_AGENT_IKE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "agent/compile.h"
#include "agent/conf.h"
#include "store/err.h"

#define AGENT_IKE_BACKOFF_MIN_S	1
#define AGENT_IKE_BACKOFF_MAX_S	60
#define AGENT_IKE_STABLE_S	60
#define AGENT_IKE_ARGS_MAX	16

struct agent_ike {
	const char	*prog;		/* NULL: no IKE module */
	const char	*sockpath;
	int		lfd, cfd;
	pid_t		pid;
	uint64_t	started_ms;	/* monotonic */
	uint64_t	restart_at_ms;	/* 0: none pending */
	unsigned	backoff_s;
	uint32_t	restarts;
	uint32_t	gen;		/* plan generation */
	/* options after "-d -S sockpath" (certificate paths, cert); NULL-terminated */
	const char	*args[AGENT_IKE_ARGS_MAX + 1];
	/* dos: passed to the module as -l half_open_max=N, -l half_open_peer_max=N; set
	 * before agent_ike_start (which keeps them); 0: the module's default */
	uint32_t	half_open_max, half_open_peer_max;
};

/* The module's options for the certificate keys of c (ipsecpol-iked(8): -C -K -A -a -R)
 * into args (AGENT_IKE_ARGS_MAX + 1 entries, NULL-terminated). */
void	agent_ike_cert_args(const struct agent_conf *c, const char **args);
/* args: more options for the module (NULL-terminated, at most AGENT_IKE_ARGS_MAX; the
 * strings must outlive k), or NULL. */
int	agent_ike_start(struct agent_ike *k, const char *prog, const char *sockpath,
	    const char *const *args);
/* After SIGCHLD: reaps the module if it exited and schedules its restart. */
void	agent_ike_reap(struct agent_ike *k, uint64_t now_ms);
/* Restarts the module when its time has come. */
void	agent_ike_tick(struct agent_ike *k, uint64_t now_ms);
/* The module connected (lfd readable): accept it and send plan c (may be NULL). */
void	agent_ike_accept(struct agent_ike *k, const struct ipp_compiled *c);
/* The connection is readable or hung up. */
void	agent_ike_input(struct agent_ike *k);
void	agent_ike_send_plan(struct agent_ike *k, const struct ipp_compiled *c);
/*
 * Relays a show request of a control client (CTL_SHOW_MMSA, _QMSA, _IKESTATS, _SOFTSA) to the
 * module and forwards each of its replies to client_fd with the client's type and seq and
 * CTL_F_MORE set: the caller's own (empty) reply ends the list.  Waits at most
 * AGENT_IKE_SHOW_TIMEOUT_MS for the module.  0, or -1 with e saying why nothing came
 * (no module configured, not running, no answer).
 */
#define AGENT_IKE_SHOW_TIMEOUT_MS	3000
int	agent_ike_relay(struct agent_ike *k, int client_fd, uint16_t type, uint32_t seq,
	    struct ipp_err *e);
/*
 * dos: asks the running module for its half-open table and fills s's ike_half_open*
 * fields (ike_dos set).  0 (also when the module is not connected: s unchanged), or -1
 * with e; waits at most AGENT_IKE_STATUS_TIMEOUT_MS: status answers at once whatever the
 * module does (a busy module only costs the figures, which say so by their absence).
 */
#define AGENT_IKE_STATUS_TIMEOUT_MS	500
struct ctl_status;
int	agent_ike_dos(struct agent_ike *k, struct ctl_status *s, struct ipp_err *e);
/* Milliseconds until the next restart, or -1. */
int	agent_ike_timeout(const struct agent_ike *k, uint64_t now_ms);
void	agent_ike_stop(struct agent_ike *k);

#endif
