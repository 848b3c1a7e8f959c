/* agent_conf: the table-driven reader of ipsecpold.conf(5). */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <fcntl.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/stat.h>

#include <ldap.h>

#include "agent/compile.h"
#include "agent/conf.h"

enum conf_type {
	CONF_PATH,		/* absolute path */
	CONF_PROGRAM,		/* absolute path or "none" */
	CONF_BOOL,		/* yes/no, true/false, on/off, 1/0 */
	CONF_UINT,		/* decimal in [lo, hi] */
	CONF_IFLIST,		/* interface names, separated by commas or blanks */
	CONF_URI,		/* one ldap://, ldaps:// or ldapi:// URI */
	CONF_DN,		/* an LDAPv3 distinguished name */
	CONF_HOST,		/* a DN, or a host name */
	CONF_ENUM,		/* one of names[], stored as its index */
};

struct conf_key {
	const char	*name;
	enum conf_type	type;
	size_t		off;
	uint32_t	lo, hi;
	const char *const *names;	/* CONF_ENUM, NULL-terminated */
};

static const char *const bind_names[] = { "none", "simple", "external", NULL };
/* In enum ipp_dpd_action order. */
static const char *const dpd_action_names[] = { "clear", "hold", "restart", NULL };

#define F(field) offsetof(struct agent_conf, field)
static const struct conf_key conf_keys[] = {
	{ "local_store",	CONF_PATH,	F(local_store),		0, 0, NULL },
	{ "cache",		CONF_PATH,	F(cache),		0, 0, NULL },
	{ "control_socket",	CONF_PATH,	F(control_socket),	0, 0, NULL },
	{ "iked",		CONF_PROGRAM,	F(iked),		0, 0, NULL },
	{ "iked_socket",	CONF_PATH,	F(iked_socket),		0, 0, NULL },
	{ "pidfile",		CONF_PATH,	F(pidfile),		0, 0, NULL },
	{ "exempt",		CONF_UINT,	F(exempt),		0, 3, NULL },
	{ "keep_policy_on_exit", CONF_BOOL,	F(keep_policy_on_exit),	0, 0, NULL },
	{ "lan_interfaces",	CONF_IFLIST,	F(lan),			0, 0, NULL },
	{ "dialup_interfaces",	CONF_IFLIST,	F(dialup),		0, 0, NULL },
	{ "priority_base",	CONF_UINT,	F(priority_base),	1,
	    0x7fffffff - IPP_COMPILE_PRIO_SPAN, NULL },
	{ "reqid_base",		CONF_UINT,	F(reqid_base),		1,
	    0xffffffffu - IPP_COMPILE_REQID_SPAN, NULL },
	{ "ipv4_only",		CONF_BOOL,	F(ipv4_only),		0, 0, NULL },
	{ "debounce_ms",	CONF_UINT,	F(debounce_ms),		0, 1500, NULL },
	{ "ldap_uri",		CONF_URI,	F(ldap_uri),		0, 0, NULL },
	{ "ldap_base",		CONF_DN,	F(ldap_base),		0, 0, NULL },
	{ "host_identity",	CONF_HOST,	F(host_identity),	0, 0, NULL },
	{ "ldap_bind",		CONF_ENUM,	F(ldap_bind),		0, 0, bind_names },
	{ "ldap_bind_dn",	CONF_DN,	F(ldap_bind_dn),	0, 0, NULL },
	{ "ldap_bind_password_file", CONF_PATH,	F(ldap_bind_password_file), 0, 0, NULL },
	{ "ldap_starttls",	CONF_BOOL,	F(ldap_starttls),	0, 0, NULL },
	{ "ldap_ca_file",	CONF_PATH,	F(ldap_ca_file),	0, 0, NULL },
	{ "ldap_cert_file",	CONF_PATH,	F(ldap_cert_file),	0, 0, NULL },
	{ "ldap_key_file",	CONF_PATH,	F(ldap_key_file),	0, 0, NULL },
	{ "ldap_timeout",	CONF_UINT,	F(ldap_timeout),	1, 300, NULL },
	{ "poll_interval_min",	CONF_UINT,	F(poll_interval_min),	IPP_POLL_MIN_LO,
	    IPP_POLL_MIN_HI, NULL },
	{ "poll_interval_max",	CONF_UINT,	F(poll_interval_max),	IPP_POLL_MIN_LO,
	    IPP_POLL_MIN_HI, NULL },
	{ "retry_interval",	CONF_UINT,	F(retry_interval),	5, 86400, NULL },
	{ "ike_dpd_delay",	CONF_UINT,	F(ike_dpd_delay),	0, IPP_DPD_DELAY_MAX, NULL },
	{ "ike_dpd_timeout",	CONF_UINT,	F(ike_dpd_timeout),	1, IPP_DPD_TIMEOUT_MAX,
	    NULL },
	{ "ike_dpd_action",	CONF_ENUM,	F(ike_dpd_action),	0, 0, dpd_action_names },
	{ "ike_cert_file",	CONF_PATH,	F(ike_cert_file),	0, 0, NULL },
	{ "ike_key_file",	CONF_PATH,	F(ike_key_file),	0, 0, NULL },
	{ "ike_ca_file",	CONF_PATH,	F(ike_ca_file),		0, 0, NULL },
	{ "ike_ca_dir",		CONF_PATH,	F(ike_ca_dir),		0, 0, NULL },
	{ "ike_crl_file",	CONF_PATH,	F(ike_crl_file),	0, 0, NULL },
	/* dos */
	{ "ike_half_open_max",	CONF_UINT,	F(ike_half_open_max),	1, 1048576, NULL },
	{ "ike_half_open_peer_max", CONF_UINT,	F(ike_half_open_peer_max), 1, 1048576, NULL },
};
#define NKEYS	(sizeof(conf_keys) / sizeof(conf_keys[0]))
#undef F

static bool
conf_is_str(const struct conf_key *k)
{
	return k->type == CONF_PATH || k->type == CONF_PROGRAM || k->type == CONF_URI ||
	    k->type == CONF_DN || k->type == CONF_HOST;
}

static char **
conf_str(struct agent_conf *c, const struct conf_key *k)
{
	return (char **)((char *)c + k->off);
}

static int
conf_set_str(struct agent_conf *c, const struct conf_key *k, const char *v)
{
	char **p = conf_str(c, k), *s;

	if ((s = strdup(v)) == NULL)
		return -1;
	free(*p);
	*p = s;
	return 0;
}

static int
conf_defaults(struct agent_conf *c)
{
	static const struct { const char *key, *value; } def[] = {
		{ "local_store", IPP_STATEDIR "/local.db" },
		{ "cache", IPP_CACHEDIR "/directory.db" },
		{ "control_socket", IPP_RUNDIR "/ipsecpold.sock" },
		{ "iked", IPP_SBINDIR "/ipsecpol-iked" },
		{ "iked_socket", IPP_RUNDIR "/iked.sock" },
		{ "pidfile", IPP_RUNDIR "/ipsecpold.pid" },
	};

	memset(c, 0, sizeof(*c));
	c->exempt = IPP_COMPILE_EXEMPT_DEFAULT;
	c->priority_base = IPP_COMPILE_PRIO_BASE_DEFAULT;
	c->reqid_base = IPP_COMPILE_REQID_BASE_DEFAULT;
	c->debounce_ms = 200;
	c->ldap_timeout = AGENT_LDAP_TIMEOUT_DEFAULT;
	c->retry_interval = AGENT_RETRY_DEFAULT;
	c->ike_dpd_delay = IPP_DPD_DELAY_DEFAULT;
	c->ike_dpd_timeout = IPP_DPD_TIMEOUT_DEFAULT;
	c->ike_dpd_action = IPP_DPD_CLEAR;
	for (size_t i = 0; i < sizeof(def) / sizeof(def[0]); i++)
		for (size_t j = 0; j < NKEYS; j++)
			if (strcmp(conf_keys[j].name, def[i].key) == 0 &&
			    conf_set_str(c, &conf_keys[j], def[i].value) < 0)
				return -1;
	return 0;
}

static int
conf_bool(const char *v, bool *out)
{
	static const char *yes[] = { "yes", "true", "on", "1" };
	static const char *no[] = { "no", "false", "off", "0" };

	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return *out = true, 0;
		if (strcasecmp(v, no[i]) == 0)
			return *out = false, 0;
	}
	return -1;
}

static int
conf_iflist(const char *v, struct agent_iflist *l, char *why, size_t len)
{
	char *copy, *tok, *save = NULL;
	int rc = 0;

	for (unsigned i = 0; i < l->n; i++)
		free(l->name[i]);
	l->n = 0;
	if ((copy = strdup(v)) == NULL)
		return snprintf(why, len, "out of memory"), -1;
	for (tok = strtok_r(copy, ", \t", &save); tok != NULL && rc == 0;
	    tok = strtok_r(NULL, ", \t", &save)) {
		if (strlen(tok) >= IFNAMSIZ || strchr(tok, '/') != NULL) {
			snprintf(why, len, "'%s' is not an interface name (1..%d bytes, no '/')",
			    tok, IFNAMSIZ - 1);
			rc = -1;
		} else if (l->n == AGENT_IFLIST_MAX) {
			snprintf(why, len, "more than %d interfaces", AGENT_IFLIST_MAX);
			rc = -1;
		} else if ((l->name[l->n] = strdup(tok)) == NULL) {
			snprintf(why, len, "out of memory");
			rc = -1;
		} else
			l->n++;
	}
	free(copy);
	return rc;
}

/* One URI of a scheme libldap speaks, naming a server only: the base has its own key. */
static int
conf_uri(const char *v, char *why, size_t len)
{
	static const char *schemes[] = { "ldap://", "ldaps://", "ldapi://" };
	LDAPURLDesc *lud = NULL;
	size_t i;
	int ok;

	for (i = 0; i < 3; i++)
		if (strncasecmp(v, schemes[i], strlen(schemes[i])) == 0)
			break;
	if (i == 3) {
		snprintf(why, len, "'%.200s' is not an ldap://, ldaps:// or ldapi:// URI", v);
		return -1;
	}
	for (const char *p = v; *p != '\0'; p++)
		if (isspace((unsigned char)*p) || iscntrl((unsigned char)*p) || *p == ',') {
			snprintf(why, len, "'%.200s' is not one URI (no blanks or commas)", v);
			return -1;
		}
	if (ldap_url_parse(v, &lud) != LDAP_URL_SUCCESS) {
		snprintf(why, len, "'%.200s' is not a valid LDAP URI", v);
		return -1;
	}
	ok = (lud->lud_dn == NULL || lud->lud_dn[0] == '\0') && lud->lud_attrs == NULL &&
	    lud->lud_filter == NULL && lud->lud_exts == NULL;
	ldap_free_urldesc(lud);
	if (!ok) {
		snprintf(why, len, "'%.200s' names more than a server (give the base DN with "
		    "ldap_base)", v);
		return -1;
	}
	return 0;
}

static bool
conf_is_dn(const char *v)
{
	LDAPDN dn = NULL;
	int rc;

	rc = ldap_str2dn(v, &dn, LDAP_DN_FORMAT_LDAPV3);
	if (rc == LDAP_SUCCESS && dn == NULL)
		rc = LDAP_INVALID_DN_SYNTAX;
	ldap_dnfree(dn);
	return rc == LDAP_SUCCESS;
}

/* Sets one key from its text; on failure why says what was expected. */
static int
conf_set(struct agent_conf *c, const struct conf_key *k, const char *v, char *why, size_t len)
{
	char *end;
	unsigned long n;

	switch (k->type) {
	case CONF_PROGRAM:
		if (strcmp(v, "none") == 0) {
			free(*conf_str(c, k));
			*conf_str(c, k) = NULL;
			return 0;
		}
		/* FALLTHROUGH */
	case CONF_PATH:
		if (v[0] != '/' || strlen(v) > 4095) {
			snprintf(why, len, "'%s' is not an absolute path%s", v,
			    k->type == CONF_PROGRAM ? " or 'none'" : "");
			return -1;
		}
		return conf_set_str(c, k, v) < 0 ? (snprintf(why, len, "out of memory"), -1) : 0;
	case CONF_BOOL:
		if (conf_bool(v, (bool *)((char *)c + k->off)) < 0) {
			snprintf(why, len, "'%s' is not yes or no", v);
			return -1;
		}
		return 0;
	case CONF_UINT:
		errno = 0;
		n = strtoul(v, &end, 10);
		if (!isdigit((unsigned char)v[0]) || *end != '\0' || errno != 0 ||
		    n < k->lo || n > k->hi) {
			snprintf(why, len, "'%s' is not a number from %u to %u", v, k->lo, k->hi);
			return -1;
		}
		*(uint32_t *)((char *)c + k->off) = (uint32_t)n;
		return 0;
	case CONF_IFLIST:
		return conf_iflist(v, (struct agent_iflist *)((char *)c + k->off), why, len);
	case CONF_URI:
		if (conf_uri(v, why, len) < 0)
			return -1;
		break;
	case CONF_DN:
		if (!conf_is_dn(v)) {
			snprintf(why, len, "'%.200s' is not a distinguished name (RFC 4514, for "
			    "example dc=example,dc=org)", v);
			return -1;
		}
		break;
	case CONF_HOST:
		if (strchr(v, '=') != NULL ? !conf_is_dn(v) : !ipp_dnsname_valid(v)) {
			snprintf(why, len, "'%.200s' is neither a distinguished name nor a host "
			    "name", v);
			return -1;
		}
		break;
	case CONF_ENUM:
		for (n = 0; k->names[n] != NULL; n++)
			if (strcasecmp(v, k->names[n]) == 0) {
				*(uint32_t *)((char *)c + k->off) = (uint32_t)n;
				return 0;
			}
		snprintf(why, len, "'%.64s' is not one of", v);
		for (n = 0; k->names[n] != NULL; n++) {
			size_t l = strlen(why);
			snprintf(why + l, len - l, "%s %s", n ? "," : "", k->names[n]);
		}
		return -1;
	}
	return conf_set_str(c, k, v) < 0 ? (snprintf(why, len, "out of memory"), -1) : 0;
}

static const struct conf_key *
conf_find(const char *name)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (strcmp(conf_keys[i].name, name) == 0)
			return &conf_keys[i];
	return NULL;
}

static char *
conf_trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/* Which keys the file gave, and on which line. */
struct conf_seen {
	unsigned	line[NKEYS];	/* 0: not given */
};

/* One line: blank, "# comment", or "key = value".  why says what is wrong. */
static int
conf_line(struct agent_conf *c, char *line, unsigned lineno, struct conf_seen *seen,
    char *why, size_t len)
{
	const struct conf_key *k;
	char *eq, *key, *val;

	if ((eq = strchr(line, '#')) != NULL)
		*eq = '\0';
	line = conf_trim(line);
	if (*line == '\0')
		return 0;
	if ((eq = strchr(line, '=')) == NULL) {
		snprintf(why, len, "expected 'key = value', found '%.64s'", line);
		return -1;
	}
	*eq = '\0';
	key = conf_trim(line);
	val = conf_trim(eq + 1);
	if ((k = conf_find(key)) == NULL) {
		snprintf(why, len, "unknown key '%.64s' (see ipsecpold.conf(5))", key);
		return -1;
	}
	if (seen->line[k - conf_keys] != 0) {
		snprintf(why, len, "key '%s' given twice", key);
		return -1;
	}
	seen->line[k - conf_keys] = lineno;
	if (*val == '\0' && k->type != CONF_IFLIST) {
		snprintf(why, len, "key '%s' has no value", key);
		return -1;
	}
	if (conf_set(c, k, val, why, len) < 0) {
		size_t l = strlen(why);
		snprintf(why + l, len - l, " for key '%s'", key);
		return -1;
	}
	return 0;
}

/* The line of a key in the file, 0 when it was not given. */
static unsigned
conf_lineof(const struct conf_seen *seen, const char *name)
{
	const struct conf_key *k = conf_find(name);

	return k != NULL ? seen->line[k - conf_keys] : 0;
}

/* Keys that only mean something with a directory, or with one bind method. */
static int
conf_check_directory(const struct agent_conf *c, const struct conf_seen *seen,
    unsigned *line, char *why, size_t len)
{
	static const char *needs_uri[] = { "ldap_base", "host_identity", "ldap_bind",
	    "ldap_bind_dn", "ldap_bind_password_file", "ldap_starttls", "ldap_ca_file",
	    "ldap_cert_file", "ldap_key_file", "ldap_timeout" };
	static const char *simple_only[] = { "ldap_bind_dn", "ldap_bind_password_file" };
	bool tls = c->ldap_uri != NULL && strncasecmp(c->ldap_uri, "ldaps:", 6) == 0;
	bool ldapi = c->ldap_uri != NULL && strncasecmp(c->ldap_uri, "ldapi:", 6) == 0;

	if (c->ldap_uri == NULL) {
		for (size_t i = 0; i < sizeof(needs_uri) / sizeof(needs_uri[0]); i++)
			if ((*line = conf_lineof(seen, needs_uri[i])) != 0)
				return snprintf(why, len, "key '%s' needs ldap_uri (no directory "
				    "is configured)", needs_uri[i]), -1;
		return 0;
	}
	*line = conf_lineof(seen, "ldap_uri");
	if (c->ldap_base == NULL)
		return snprintf(why, len, "key 'ldap_uri' needs ldap_base, the DN under which "
		    "the policies and the hosts are"), -1;
	if (c->ldap_starttls && (tls || ldapi)) {
		*line = conf_lineof(seen, "ldap_starttls");
		return snprintf(why, len, "key 'ldap_starttls' is for ldap:// only (%s)",
		    tls ? "ldaps:// speaks TLS from the start" : "ldapi:// is a local socket"), -1;
	}
	for (size_t i = 0; i < 2; i++)
		if (c->ldap_bind != AGENT_BIND_SIMPLE &&
		    (*line = conf_lineof(seen, simple_only[i])) != 0)
			return snprintf(why, len, "key '%s' is for ldap_bind = simple only",
			    simple_only[i]), -1;
	if (c->ldap_bind == AGENT_BIND_SIMPLE && (c->ldap_bind_dn == NULL ||
	    c->ldap_bind_password_file == NULL)) {
		*line = conf_lineof(seen, "ldap_bind");
		return snprintf(why, len, "ldap_bind = simple needs ldap_bind_dn and "
		    "ldap_bind_password_file"), -1;
	}
	if ((c->ldap_cert_file == NULL) != (c->ldap_key_file == NULL)) {
		*line = conf_lineof(seen, c->ldap_cert_file ? "ldap_cert_file" : "ldap_key_file");
		return snprintf(why, len, "ldap_cert_file and ldap_key_file go together"), -1;
	}
	if (c->ldap_bind == AGENT_BIND_EXTERNAL && !ldapi && c->ldap_cert_file == NULL) {
		*line = conf_lineof(seen, "ldap_bind");
		return snprintf(why, len, "ldap_bind = external needs ldapi:// or a TLS client "
		    "certificate (ldap_cert_file, ldap_key_file)"), -1;
	}
	if (c->ldap_bind == AGENT_BIND_EXTERNAL && !ldapi && !tls && !c->ldap_starttls) {
		*line = conf_lineof(seen, "ldap_bind");
		return snprintf(why, len, "ldap_bind = external over ldap:// needs "
		    "ldap_starttls = yes"), -1;
	}
	return 0;
}

/* Files the directory keys name must be there now, not at the first fetch. */
static int
conf_check_files(const struct agent_conf *c, const struct conf_seen *seen, unsigned *line,
    char *why, size_t len)
{
	static const char *keys[] = { "ldap_ca_file", "ldap_cert_file", "ldap_key_file" };
	const char *paths[] = { c->ldap_ca_file, c->ldap_cert_file, c->ldap_key_file };
	char buf[AGENT_SECRET_MAX];
	struct ipp_err e;
	int rc;

	for (size_t i = 0; i < 3; i++)
		if (paths[i] != NULL && access(paths[i], R_OK) < 0) {
			*line = conf_lineof(seen, keys[i]);
			return snprintf(why, len, "%s %s cannot be read: %s", keys[i], paths[i],
			    strerror(errno)), -1;
		}
	if (c->ldap_uri == NULL || c->ldap_bind != AGENT_BIND_SIMPLE)
		return 0;
	rc = agent_conf_password(c, buf, sizeof(buf), &e);
	explicit_bzero(buf, sizeof(buf));
	if (rc < 0) {
		*line = conf_lineof(seen, "ldap_bind_password_file");
		return snprintf(why, len, "%.360s", e.msg), -1;
	}
	return 0;
}

/*
 * The IKE module loads these itself; checking them here too puts a mistake in the agent's
 * start-up error, with the line, instead of only in the module's log.
 */
static int
conf_check_ike(const struct agent_conf *c, const struct conf_seen *seen, unsigned *line,
    char *why, size_t len)
{
	static const char *keys[] = { "ike_cert_file", "ike_key_file", "ike_ca_file",
	    "ike_ca_dir", "ike_crl_file" };
	const char *paths[] = { c->ike_cert_file, c->ike_key_file, c->ike_ca_file,
	    c->ike_ca_dir, c->ike_crl_file };
	struct stat sb;

	memset(&sb, 0, sizeof(sb));
	if ((c->ike_cert_file == NULL) != (c->ike_key_file == NULL)) {
		*line = conf_lineof(seen, c->ike_cert_file ? "ike_cert_file" : "ike_key_file");
		return snprintf(why, len, "ike_cert_file and ike_key_file go together"), -1;
	}
	if (c->ike_crl_file != NULL && c->ike_ca_file == NULL && c->ike_ca_dir == NULL) {
		*line = conf_lineof(seen, "ike_crl_file");
		return snprintf(why, len, "ike_crl_file needs ike_ca_file or ike_ca_dir"), -1;
	}
	for (size_t i = 0; i < 5; i++)
		if (paths[i] != NULL && access(paths[i], R_OK) < 0) {
			*line = conf_lineof(seen, keys[i]);
			return snprintf(why, len, "%s %s cannot be read: %s", keys[i], paths[i],
			    strerror(errno)), -1;
		}
	if (c->ike_key_file != NULL && (lstat(c->ike_key_file, &sb) < 0 ||
	    !S_ISREG(sb.st_mode) || sb.st_uid != 0 || (sb.st_mode & 077) != 0)) {
		*line = conf_lineof(seen, "ike_key_file");
		return snprintf(why, len, "ike_key_file %s must be a file owned by root with "
		    "mode 0600 or 0400 (it is owned by uid %u, mode %04o): refusing to use it",
		    c->ike_key_file, (unsigned)sb.st_uid, (unsigned)(sb.st_mode & 07777)), -1;
	}
	return 0;
}

static int
conf_check(const struct agent_conf *c, const struct conf_seen *seen, unsigned *line,
    char *why, size_t len)
{
	*line = 0;
	for (unsigned i = 0; i < c->lan.n; i++)
		for (unsigned j = 0; j < c->dialup.n; j++)
			if (strcmp(c->lan.name[i], c->dialup.name[j]) == 0) {
				snprintf(why, len, "interface '%s' is both lan and dialup",
				    c->lan.name[i]);
				return -1;
			}
	if (c->poll_interval_min != 0 && c->poll_interval_max != 0 &&
	    c->poll_interval_min > c->poll_interval_max) {
		*line = conf_lineof(seen, "poll_interval_max");
		return snprintf(why, len, "poll_interval_max %u is below poll_interval_min %u",
		    c->poll_interval_max, c->poll_interval_min), -1;
	}
	if (conf_check_directory(c, seen, line, why, len) < 0 ||
	    conf_check_ike(c, seen, line, why, len) < 0)
		return -1;
	return conf_check_files(c, seen, line, why, len);
}

int
agent_conf_load(struct agent_conf *c, const char *path, struct ipp_err *e)
{
	char line[8192], why[384];
	struct conf_seen seen = { { 0 } };
	unsigned lineno = 0;
	FILE *f;
	int rc = 0;

	if (conf_defaults(c) < 0 || (c->path = strdup(path)) == NULL)
		return agent_conf_clear(c), ipp_errf(e, IPP_E_NOMEM, "%s: out of memory", path);
	if ((f = fopen(path, "re")) == NULL) {
		rc = ipp_errf(e, IPP_E_INVAL, "%s: cannot open: %s", path, strerror(errno));
		agent_conf_clear(c);
		return rc;
	}
	while (rc == 0 && fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f))
			rc = ipp_errf(e, IPP_E_INVAL, "%s:%u: line longer than %zu bytes", path,
			    lineno, sizeof(line) - 2);
		else if (conf_line(c, line, lineno, &seen, why, sizeof(why)) < 0)
			rc = ipp_errf(e, IPP_E_INVAL, "%s:%u: %s", path, lineno, why);
	}
	if (rc == 0 && ferror(f))
		rc = ipp_errf(e, IPP_E_INVAL, "%s: read error", path);
	fclose(f);
	if (rc == 0 && conf_check(c, &seen, &lineno, why, sizeof(why)) < 0) {
		if (lineno != 0)
			rc = ipp_errf(e, IPP_E_INVAL, "%s:%u: %s", path, lineno, why);
		else
			rc = ipp_errf(e, IPP_E_INVAL, "%s: %s", path, why);
	}
	if (rc < 0)
		agent_conf_clear(c);
	return rc;
}

void
agent_conf_clear(struct agent_conf *c)
{
	for (size_t i = 0; i < NKEYS; i++) {
		const struct conf_key *k = &conf_keys[i];
		struct agent_iflist *l;

		if (conf_is_str(k))
			free(*conf_str(c, k));
		else if (k->type == CONF_IFLIST) {
			l = (struct agent_iflist *)((char *)c + k->off);
			for (unsigned j = 0; j < l->n; j++)
				free(l->name[j]);
		}
	}
	free(c->path);
	memset(c, 0, sizeof(*c));
}

int
agent_conf_password(const struct agent_conf *c, char *buf, size_t len, struct ipp_err *e)
{
	const char *path = c->ldap_bind_password_file;
	struct stat sb;
	ssize_t n;
	int fd;

	if (path == NULL)
		return ipp_errf(e, IPP_E_INVAL, "no ldap_bind_password_file is configured");
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)) < 0)
		return ipp_errf(e, IPP_E_INVAL, "ldap_bind_password_file %s cannot be read: %s",
		    path, strerror(errno));
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) || sb.st_uid != 0 ||
	    (sb.st_mode & 07177) != 0) {
		close(fd);
		return ipp_errf(e, IPP_E_INVAL, "ldap_bind_password_file %s must be a regular "
		    "file owned by root with mode 0600 or 0400 (it is %s, owner %u, mode %04o): "
		    "refusing to use it", path, S_ISREG(sb.st_mode) ? "a file" : "not a file",
		    (unsigned)sb.st_uid, (unsigned)(sb.st_mode & 07777));
	}
	n = read(fd, buf, len);
	close(fd);
	if (n < 0 || (size_t)n >= len) {
		explicit_bzero(buf, len);
		return ipp_errf(e, IPP_E_INVAL, "ldap_bind_password_file %s: %s", path,
		    n < 0 ? strerror(errno) : "longer than the 1023 bytes a password may have");
	}
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	if (n == 0 || memchr(buf, '\0', (size_t)n) != NULL || memchr(buf, '\n', (size_t)n)) {
		explicit_bzero(buf, len);
		return ipp_errf(e, IPP_E_INVAL, "ldap_bind_password_file %s: expected one line "
		    "holding the password, without NUL bytes", path);
	}
	return 0;
}

const char *
agent_conf_host(const struct agent_conf *c, char *buf, size_t len)
{
	if (c->host_identity != NULL)
		snprintf(buf, len, "%s", c->host_identity);
	else if (gethostname(buf, len) < 0)
		snprintf(buf, len, "localhost");
	else
		buf[len - 1] = '\0';
	return buf;
}

int
agent_conf_dir(const struct agent_conf *c, struct ipp_dir_config *out, struct ipp_err *e)
{
	static const enum ipp_dir_bind binds[] = {
		[AGENT_BIND_NONE] = IPP_DIR_BIND_NONE,
		[AGENT_BIND_SIMPLE] = IPP_DIR_BIND_SIMPLE,
		[AGENT_BIND_EXTERNAL] = IPP_DIR_BIND_EXTERNAL,
	};

	memset(out, 0, sizeof(*out));
	if (c->ldap_uri == NULL)
		return ipp_errf(e, IPP_E_INVAL, "%s: no ldap_uri: no directory is configured",
		    c->path ? c->path : "configuration");
	out->uri = c->ldap_uri;
	out->base = c->ldap_base;
	out->bind = binds[c->ldap_bind <= AGENT_BIND_EXTERNAL ? c->ldap_bind : 0];
	out->bind_dn = c->ldap_bind_dn;
	out->bind_password_file = c->ldap_bind_password_file;
	out->starttls = c->ldap_starttls;
	out->ca_file = c->ldap_ca_file;
	out->cert_file = c->ldap_cert_file;
	out->key_file = c->ldap_key_file;
	out->net_timeout_s = (int)c->ldap_timeout;
	out->op_timeout_s = (int)c->ldap_timeout;
	return 0;
}
