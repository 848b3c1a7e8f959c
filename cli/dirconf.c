/* ipp_dirconf: the ldap_* keys of ipsecpold.conf(5), for the CLI. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/dirconf.h"

void
ipp_dirconf_clear(struct ipp_dirconf *dc)
{
	for (size_t i = 0; i < dc->nstrs; i++)
		free(dc->strs[i]);
	memset(dc, 0, sizeof(*dc));
}

static int
keep(struct ipp_dirconf *dc, const char *v, const char **dst, struct ipp_err *e)
{
	char *s;

	/* A key given twice keeps its last value; the old copy stays owned until clear. */
	if (dc->nstrs == sizeof(dc->strs) / sizeof(dc->strs[0]))
		return ipp_errf(e, IPP_E_INVAL, "too many directory keys");
	if ((s = strdup(v)) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	dc->strs[dc->nstrs++] = s;
	*dst = s;
	return 0;
}

static int
yesno(const char *v, bool *out)
{
	if (strcasecmp(v, "yes") == 0 || strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0 ||
	    strcasecmp(v, "on") == 0)
		*out = true;
	else if (strcasecmp(v, "no") == 0 || strcasecmp(v, "false") == 0 ||
	    strcmp(v, "0") == 0 || strcasecmp(v, "off") == 0)
		*out = false;
	else
		return -1;
	return 0;
}

static int
set_key(struct ipp_dirconf *dc, const char *k, const char *v, struct ipp_err *e)
{
	struct ipp_dir_config *c = &dc->cfg;
	char *end;
	long n;

	if (strcmp(k, "ldap_uri") == 0)
		return keep(dc, v, &c->uri, e);
	if (strcmp(k, "ldap_base") == 0)
		return keep(dc, v, &c->base, e);
	if (strcmp(k, "ldap_bind_dn") == 0)
		return keep(dc, v, &c->bind_dn, e);
	if (strcmp(k, "ldap_bind_password_file") == 0)
		return keep(dc, v, &c->bind_password_file, e);
	if (strcmp(k, "ldap_ca_file") == 0)
		return keep(dc, v, &c->ca_file, e);
	if (strcmp(k, "ldap_cert_file") == 0)
		return keep(dc, v, &c->cert_file, e);
	if (strcmp(k, "ldap_key_file") == 0)
		return keep(dc, v, &c->key_file, e);
	if (strcmp(k, "ldap_bind") == 0) {
		if (strcasecmp(v, "none") == 0)
			c->bind = IPP_DIR_BIND_NONE;
		else if (strcasecmp(v, "simple") == 0)
			c->bind = IPP_DIR_BIND_SIMPLE;
		else if (strcasecmp(v, "external") == 0)
			c->bind = IPP_DIR_BIND_EXTERNAL;
		else
			return ipp_errf(e, IPP_E_INVAL, "ldap_bind: '%s' is not none, simple "
			    "or external", v);
		return 0;
	}
	if (strcmp(k, "ldap_starttls") == 0) {
		if (yesno(v, &c->starttls) == -1)
			return ipp_errf(e, IPP_E_INVAL, "ldap_starttls: '%s' is not yes or no",
			    v);
		return 0;
	}
	if (strcmp(k, "ldap_timeout") == 0) {
		errno = 0;
		n = strtol(v, &end, 10);
		if (*v < '0' || *v > '9' || *end != '\0' || errno != 0 || n < 1 || n > 3600)
			return ipp_errf(e, IPP_E_INVAL, "ldap_timeout: '%s' is not a number "
			    "of seconds 1..3600", v);
		c->net_timeout_s = c->op_timeout_s = (int)n;
	}
	return 0;
}

static char *
trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' ||
	    end[-1] == '\r'))
		*--end = '\0';
	return s;
}

int
ipp_dirconf_load(struct ipp_dirconf *dc, const char *path, struct ipp_err *e)
{
	char line[4096];
	unsigned lineno = 0;
	FILE *f;
	int rc = 0;

	memset(dc, 0, sizeof(*dc));
	if ((f = fopen(path, "re")) == NULL)
		return ipp_errf(e, errno == ENOENT ? IPP_E_NOENT : IPP_E_INVAL, "%s: %s", path,
		    strerror(errno));
	while (rc == 0 && fgets(line, sizeof(line), f) != NULL) {
		char *k = trim(line), *eq, *v;

		lineno++;
		if (*k == '\0' || *k == '#' || strncmp(k, "ldap_", 5) != 0)
			continue;
		if ((eq = strchr(k, '=')) == NULL) {
			rc = ipp_errf(e, IPP_E_INVAL, "%s:%u: expected KEY = VALUE", path, lineno);
			break;
		}
		*eq = '\0';
		k = trim(k);
		v = trim(eq + 1);
		if (set_key(dc, k, v, e) == -1)
			rc = ipp_err_prefix(e, "%s:%u", path, lineno);
	}
	if (rc == 0 && ferror(f))
		rc = ipp_errf(e, IPP_E_INVAL, "%s: reading failed", path);
	fclose(f);
	if (rc == -1)
		ipp_dirconf_clear(dc);
	return rc;
}
