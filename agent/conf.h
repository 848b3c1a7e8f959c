/*
 * agent_conf: ipsecpold.conf(5), "key = value" lines.  Each key is one row of a table in
 * conf.c (name, type, field, bounds), so a new key is one row and one field here.
 */
#ifndef IPP_AGENT_CONF_H
#define IPP_AGENT_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/err.h"
#include "store/store.h"

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
	/* the directory (ldap_uri NULL: none configured) */
	char	*ldap_uri;		/* ldap://, ldaps:// or ldapi:// */
	char	*ldap_base;
	char	*host_identity;		/* a DN or a name; NULL: the host name */
	uint32_t ldap_bind;		/* enum agent_bind */
	char	*ldap_bind_dn;
	char	*ldap_bind_password_file;
	bool	ldap_starttls;
	char	*ldap_ca_file;
	char	*ldap_cert_file;	/* TLS client certificate (SASL EXTERNAL over TLS) */
	char	*ldap_key_file;
	uint32_t ldap_timeout;		/* seconds: bounds a whole fetch */
	uint32_t poll_interval_min;	/* minutes; clamp the policy's interval; 0: no clamp */
	uint32_t poll_interval_max;
	uint32_t retry_interval;	/* seconds after a failed fetch */
	/* dpd: dead peer detection, handed to the IKE module in the plan */
	uint32_t ike_dpd_delay;		/* seconds; 0 = off */
	uint32_t ike_dpd_timeout;	/* seconds */
	uint32_t ike_dpd_action;	/* enum ipp_dpd_action */
	/* IKE certificate authentication (cert): passed to the IKE module as options */
	char	*ike_cert_file;
	char	*ike_key_file;		/* root-owned, mode 0600 or 0400 */
	char	*ike_ca_file;
	char	*ike_ca_dir;
	char	*ike_crl_file;
	/* dos: the IKE module's half-open limits (0: the module's defaults) */
	uint32_t ike_half_open_max;
	uint32_t ike_half_open_peer_max;
};

enum agent_bind {
	AGENT_BIND_NONE = 0,
	AGENT_BIND_SIMPLE,
	AGENT_BIND_EXTERNAL,		/* SASL EXTERNAL */
};

#define AGENT_LDAP_TIMEOUT_DEFAULT	10
#define AGENT_RETRY_DEFAULT		60
#define AGENT_SECRET_MAX		1024

/* Fills defaults, then reads path.  0, or -1 with e: "FILE:LINE: reason". */
int	agent_conf_load(struct agent_conf *c, const char *path, struct ipp_err *e);
void	agent_conf_clear(struct agent_conf *c);
/*
 * Reads the simple bind's password from ldap_bind_password_file: a regular file owned by
 * root with no permission for group or others (0600 or 0400), whole, one trailing newline
 * dropped.  buf holds a secret: the caller wipes it.  0, or -1 with e.
 */
int	agent_conf_password(const struct agent_conf *c, char *buf, size_t len,
	    struct ipp_err *e);
/*
 * c's directory settings as ipp_store_open_directory takes them; the strings stay c's.
 * -1 with e (IPP_E_INVAL) when no directory is configured.
 */
int	agent_conf_dir(const struct agent_conf *c, struct ipp_dir_config *out,
	    struct ipp_err *e);
/* The host's identity: host_identity, else the host name.  Returns buf. */
const char *agent_conf_host(const struct agent_conf *c, char *buf, size_t len);

#endif
