/*
 * agent_env: what the compiler needs to know about this host, gathered before each
 * compile: interface indexes for lan/dialup rules, local and broadcast addresses, and a
 * resolver for DNS names and the DNS server keyword.
 */
#ifndef IPP_AGENT_ENV_H
#define IPP_AGENT_ENV_H

#include "agent/compile.h"
#include "agent/conf.h"

#define AGENT_ENV_ADDR_MAX	256

struct agent_env {
	struct ipp_compile_env	env;
	int			lan[AGENT_IFLIST_MAX * 4];
	int			dialup[AGENT_IFLIST_MAX * 4];
	struct ipp_hostaddr	local[AGENT_ENV_ADDR_MAX];
	struct ipp_hostaddr	bcast[AGENT_ENV_ADDR_MAX];
};

/* Fills ae from c and the host's interfaces (getifaddrs).  Warnings are logged. */
void	agent_env_build(struct agent_env *ae, const struct agent_conf *c);

#endif
