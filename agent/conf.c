/* agent_conf: the table-driven reader of ipsecpold.conf(5). */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>

#include "agent/compile.h"
#include "agent/conf.h"

enum conf_type {
	CONF_PATH,		/* absolute path */
	CONF_PROGRAM,		/* absolute path or "none" */
	CONF_BOOL,		/* yes/no, true/false, on/off, 1/0 */
	CONF_UINT,		/* decimal in [lo, hi] */
	CONF_IFLIST,		/* interface names, separated by commas or blanks */
};

struct conf_key {
	const char	*name;
	enum conf_type	type;
	size_t		off;
	uint32_t	lo, hi;
};

#define F(field) offsetof(struct agent_conf, field)
static const struct conf_key conf_keys[] = {
	{ "local_store",	CONF_PATH,	F(local_store),		0, 0 },
	{ "cache",		CONF_PATH,	F(cache),		0, 0 },
	{ "control_socket",	CONF_PATH,	F(control_socket),	0, 0 },
	{ "iked",		CONF_PROGRAM,	F(iked),		0, 0 },
	{ "iked_socket",	CONF_PATH,	F(iked_socket),		0, 0 },
	{ "pidfile",		CONF_PATH,	F(pidfile),		0, 0 },
	{ "exempt",		CONF_UINT,	F(exempt),		0, 3 },
	{ "keep_policy_on_exit", CONF_BOOL,	F(keep_policy_on_exit),	0, 0 },
	{ "lan_interfaces",	CONF_IFLIST,	F(lan),			0, 0 },
	{ "dialup_interfaces",	CONF_IFLIST,	F(dialup),		0, 0 },
	{ "priority_base",	CONF_UINT,	F(priority_base),	1,
	    0x7fffffff - IPP_COMPILE_PRIO_SPAN },
	{ "reqid_base",		CONF_UINT,	F(reqid_base),		1,
	    0xffffffffu - IPP_COMPILE_REQID_SPAN },
	{ "ipv4_only",		CONF_BOOL,	F(ipv4_only),		0, 0 },
	{ "debounce_ms",	CONF_UINT,	F(debounce_ms),		0, 1500 },
};
#undef F

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
	for (size_t i = 0; i < sizeof(def) / sizeof(def[0]); i++)
		for (size_t j = 0; j < sizeof(conf_keys) / sizeof(conf_keys[0]); j++)
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
	}
	return -1;
}

static const struct conf_key *
conf_find(const char *name)
{
	for (size_t i = 0; i < sizeof(conf_keys) / sizeof(conf_keys[0]); i++)
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

/* One line: blank, "# comment", or "key = value".  why says what is wrong. */
static int
conf_line(struct agent_conf *c, char *line, uint64_t *seen, char *why, size_t len)
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
	if (*seen & (1ull << (k - conf_keys))) {
		snprintf(why, len, "key '%s' given twice", key);
		return -1;
	}
	*seen |= 1ull << (k - conf_keys);
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

static int
conf_check(const struct agent_conf *c, char *why, size_t len)
{
	for (unsigned i = 0; i < c->lan.n; i++)
		for (unsigned j = 0; j < c->dialup.n; j++)
			if (strcmp(c->lan.name[i], c->dialup.name[j]) == 0) {
				snprintf(why, len, "interface '%s' is both lan and dialup",
				    c->lan.name[i]);
				return -1;
			}
	return 0;
}

int
agent_conf_load(struct agent_conf *c, const char *path, struct ipp_err *e)
{
	char line[8192], why[384];
	uint64_t seen = 0;
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
		else if (conf_line(c, line, &seen, why, sizeof(why)) < 0)
			rc = ipp_errf(e, IPP_E_INVAL, "%s:%u: %s", path, lineno, why);
	}
	if (rc == 0 && ferror(f))
		rc = ipp_errf(e, IPP_E_INVAL, "%s: read error", path);
	fclose(f);
	if (rc == 0 && conf_check(c, why, sizeof(why)) < 0)
		rc = ipp_errf(e, IPP_E_INVAL, "%s: %s", path, why);
	if (rc < 0)
		agent_conf_clear(c);
	return rc;
}

void
agent_conf_clear(struct agent_conf *c)
{
	for (size_t i = 0; i < sizeof(conf_keys) / sizeof(conf_keys[0]); i++) {
		const struct conf_key *k = &conf_keys[i];
		struct agent_iflist *l;

		if (k->type == CONF_PATH || k->type == CONF_PROGRAM)
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
