/*
 * agent_conf: ipsecpold.conf(5), "key = value" lines.  Each key is one row of a table in
 * conf.c (name, type, field, bounds), so a new key is one row and one field here.
 */
#ifndef IPP_AGENT_CONF_H
#define IPP_AGENT_CONF_H

#include <stdbool.h>
#include <stdint.h>

#include "store/err.h"

#define AGENT_CONF_DEFAULT	IPP_SYSCONFDIR "/ipsecpol/ipsecpold.conf"
#define AGENT_IFLIST_MAX	16

struct agent_iflist {
	char	*name[AGENT_IFLIST_MAX];
	unsigned n;
};

struct agent_conf {
	char	*path;			/* the file read */
	char	*local_store;
	char	*cache;
	char	*control_socket;
	char	*iked;			/* NULL: no IKE module ("iked = none") */
	char	*iked_socket;
	char	*pidfile;
	uint32_t exempt;		/* NoDefaultExempt 0..3 */
	bool	keep_policy_on_exit;	/* fail closed: leave the policy in the kernel */
	struct agent_iflist lan;	/* interfaces of connection type lan */
	struct agent_iflist dialup;
	uint32_t priority_base;		/* our band: [base, base + IPP_COMPILE_PRIO_SPAN) */
	uint32_t reqid_base;		/* reqids [base, base + IPP_COMPILE_REQID_SPAN) */
	bool	ipv4_only;		/* no IPv6 policies */
	uint32_t debounce_ms;		/* quiet time after a store change before reloading */
};

/* Fills defaults, then reads path.  0, or -1 with e: "FILE:LINE: reason". */
int	agent_conf_load(struct agent_conf *c, const char *path, struct ipp_err *e);
void	agent_conf_clear(struct agent_conf *c);

#endif
