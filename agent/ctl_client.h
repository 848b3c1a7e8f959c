/*
 * ctl_client: the client side of the agent's control socket, for ipsecpol and the tests.
 * One request per call; calls return 0 or -1 with e set (IPP_E_STORE when the agent cannot
 * be reached, the agent's own error class when it refused).
 */
#ifndef IPP_AGENT_CTL_CLIENT_H
#define IPP_AGENT_CTL_CLIENT_H

#include "agent/ctl_proto.h"

/* The default socket (ipsecpold.conf(5), control_socket). */
#define CTL_SOCKET_DEFAULT	IPP_RUNDIR "/ipsecpold.sock"

/* Called once per reply message (several for lists). */
typedef int (*ctl_reply_fn)(const struct ctl_hdr *h, const uint8_t *payload, void *arg,
    struct ipp_err *e);

int	ctl_client_open(const char *path, int *fd, struct ipp_err *e);
/* Sends req (finished here) on fd and reads replies until the last; fn may be NULL. */
int	ctl_client_call(int fd, struct ctl_msg *req, ctl_reply_fn fn, void *arg,
	    struct ipp_err *e);

/* Convenience: open, one request, close.  path NULL = CTL_SOCKET_DEFAULT. */
int	ctl_client_status(const char *path, struct ctl_status *s, struct ipp_err *e);
int	ctl_client_refresh(const char *path, struct ipp_err *e);
/* fn gets each installed kernel policy as text and its origin. */
typedef int (*ctl_kpol_fn)(const char *text, const char *origin, void *arg);
int	ctl_client_show_kernel(const char *path, ctl_kpol_fn fn, void *arg, struct ipp_err *e);
int	ctl_client_dyn_add(const char *path, const struct ctl_rule *r, uint32_t *id,
	    struct ipp_err *e);
int	ctl_client_dyn_del(const char *path, uint32_t id, struct ipp_err *e);
int	ctl_client_dyn_flush(const char *path, struct ipp_err *e);
/* fn gets each dynamic rule (preshared keys left out); r lives during the call. */
typedef int (*ctl_rule_fn)(const struct ctl_rule *r, void *arg);
int	ctl_client_dyn_list(const char *path, ctl_rule_fn fn, void *arg, struct ipp_err *e);

#endif
