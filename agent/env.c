/* agent_env: interfaces, addresses and names, as the compiler wants them. */
#include <ifaddrs.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/socket.h>

#include "agent/env.h"
#include "agent/log.h"

static bool
env_listed(const struct agent_iflist *l, const char *name)
{
	for (unsigned i = 0; i < l->n; i++)
		if (strcmp(l->name[i], name) == 0)
			return true;
	return false;
}

static void
env_add_if(int *v, size_t *n, size_t max, int idx)
{
	for (size_t i = 0; i < *n; i++)
		if (v[i] == idx)
			return;
	if (*n < max)
		v[(*n)++] = idx;
}

static void
env_add_addr(struct ipp_hostaddr *v, size_t *n, const struct sockaddr *sa)
{
	if (*n >= AGENT_ENV_ADDR_MAX || sa == NULL)
		return;
	memset(&v[*n], 0, sizeof(v[*n]));
	v[*n].family = sa->sa_family;
	if (sa->sa_family == AF_INET)
		v[*n].ip.v4 = ((const struct sockaddr_in *)sa)->sin_addr;
	else if (sa->sa_family == AF_INET6)
		v[*n].ip.v6 = ((const struct sockaddr_in6 *)sa)->sin6_addr;
	else
		return;
	(*n)++;
}

/*
 * Connection types: lan is the configured lan_interfaces, or else every up interface that
 * is neither loopback nor dial-up; dialup is ppp* plus the configured dialup_interfaces.
 */
static void
env_interfaces(struct agent_env *ae, const struct agent_conf *c, struct ifaddrs *ifa)
{
	size_t nlan = 0, ndial = 0, max = sizeof(ae->lan) / sizeof(ae->lan[0]);
	int idx;

	for (unsigned i = 0; i < c->lan.n; i++) {
		if ((idx = (int)if_nametoindex(c->lan.name[i])) == 0)
			log_warn("lan interface %s does not exist (yet): its rules apply nowhere",
			    c->lan.name[i]);
		else
			env_add_if(ae->lan, &nlan, max, idx);
	}
	for (unsigned i = 0; i < c->dialup.n; i++) {
		if ((idx = (int)if_nametoindex(c->dialup.name[i])) == 0)
			log_warn("dialup interface %s does not exist (yet)", c->dialup.name[i]);
		else
			env_add_if(ae->dialup, &ndial, max, idx);
	}
	for (struct ifaddrs *p = ifa; p != NULL; p = p->ifa_next) {
		bool dial = strncmp(p->ifa_name, "ppp", 3) == 0 || env_listed(&c->dialup,
		    p->ifa_name);

		if ((idx = (int)if_nametoindex(p->ifa_name)) == 0)
			continue;
		if (dial)
			env_add_if(ae->dialup, &ndial, max, idx);
		else if (c->lan.n == 0 && (p->ifa_flags & IFF_UP) &&
		    !(p->ifa_flags & IFF_LOOPBACK))
			env_add_if(ae->lan, &nlan, max, idx);
	}
	ae->env.lan_ifindex = ae->lan;
	ae->env.nlan = nlan;
	ae->env.dialup_ifindex = ae->dialup;
	ae->env.ndialup = ndial;
}

static void
env_addresses(struct agent_env *ae, struct ifaddrs *ifa)
{
	size_t nl = 0, nb = 0;

	for (struct ifaddrs *p = ifa; p != NULL; p = p->ifa_next) {
		if (p->ifa_addr == NULL || !(p->ifa_flags & IFF_UP))
			continue;
		env_add_addr(ae->local, &nl, p->ifa_addr);
		if (p->ifa_addr->sa_family == AF_INET && (p->ifa_flags & IFF_BROADCAST) &&
		    p->ifa_broadaddr != NULL)
			env_add_addr(ae->bcast, &nb, p->ifa_broadaddr);
	}
	ae->env.local = ae->local;
	ae->env.nlocal = nl;
	ae->env.broadcast = ae->bcast;
	ae->env.nbroadcast = nb;
}

/* The DNS keyword: the name servers of /etc/resolv.conf. */
static int
env_resolv_conf(struct ipp_hostaddr *out, size_t max)
{
	char line[256], addr[128];
	size_t n = 0;
	FILE *f;

	if ((f = fopen("/etc/resolv.conf", "re")) == NULL)
		return 0;
	while (n < max && fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, " nameserver %127s", addr) != 1)
			continue;
		memset(&out[n], 0, sizeof(out[n]));
		if (inet_pton(AF_INET, addr, &out[n].ip.v4) == 1)
			out[n++].family = AF_INET;
		else if (inet_pton(AF_INET6, addr, &out[n].ip.v6) == 1)
			out[n++].family = AF_INET6;
	}
	fclose(f);
	return (int)n;
}

static int
env_resolve(void *arg, enum ipp_addr_kind kind, const char *name, struct ipp_hostaddr *out,
    size_t max, struct ipp_err *e)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM }, *res, *p;
	size_t n = 0;
	int rc;

	if (kind == IPP_ADDR_SRV_DNS)
		return env_resolv_conf(out, max);
	if (kind != IPP_ADDR_DNSNAME)
		return 0;	/* WINS, DHCP, gateway: not known on Linux; filter dropped */
	if ((rc = getaddrinfo(name, NULL, &hints, &res)) != 0) {
		if (rc == EAI_NONAME || rc == EAI_NODATA)
			return 0;
		return ipp_errf(e, IPP_E_INVAL, "resolving '%s': %s", name, gai_strerror(rc));
	}
	for (p = res; p != NULL && n < max; p = p->ai_next)
		env_add_addr(out, &n, p->ai_addr);
	freeaddrinfo(res);
	return (int)n;
}

void
agent_env_build(struct agent_env *ae, const struct agent_conf *c)
{
	struct ifaddrs *ifa = NULL;

	memset(ae, 0, sizeof(*ae));
	ipp_compile_env_init(&ae->env);
	ae->env.exempt = c->exempt;
	ae->env.prio_base = c->priority_base;
	ae->env.reqid_base = c->reqid_base;
	ae->env.ipv4_only = c->ipv4_only;
	ae->env.dpd.delay_s = c->ike_dpd_delay;
	ae->env.dpd.timeout_s = c->ike_dpd_timeout;
	ae->env.dpd.action = (enum ipp_dpd_action)c->ike_dpd_action;
	ae->env.resolve = env_resolve;
	if (getifaddrs(&ifa) < 0)
		log_warn("cannot list interfaces (getifaddrs): lan and tunnel rules may "
		    "apply nowhere");
	env_interfaces(ae, c, ifa);
	env_addresses(ae, ifa);
	if (ifa != NULL)
		freeifaddrs(ifa);
}
