/* ipp_cli: the store a command works on, its one transaction, and exit codes. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "agent/conf.h"

int
ipp_cli_exit(const struct ipp_err *e)
{
	switch (e->code) {
	case IPP_OK:
		return IPP_EXIT_OK;
	case IPP_E_UNSUPP:
		return IPP_EXIT_UNSUPP;
	default:
		return IPP_EXIT_ERROR;
	}
}

void
ipp_cli_note(struct ipp_cli *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->note, sizeof(c->note), fmt, ap);
	va_end(ap);
}

int
ipp_cli_use_directory(struct ipp_cli *c, const char *domain, struct ipp_err *e)
{
	if (c->st != NULL && ipp_store_kind(c->st) != IPP_STORE_DIRECTORY) {
		ipp_errf(e, IPP_E_INVAL, "the directory store cannot be selected here: this run "
		    "already works on %s; give --domain (or --ldap-uri) to ipsecpol instead",
		    ipp_store_where(c->st));
		return IPP_EXIT_USAGE;
	}
	c->directory = true;
	if (domain != NULL && *domain != '\0') {
		free(c->domain);
		if ((c->domain = strdup(domain)) == NULL) {
			ipp_errf(e, IPP_E_NOMEM, "out of memory");
			return IPP_EXIT_ERROR;
		}
	}
	return IPP_EXIT_OK;
}

const char *
ipp_cli_where(const struct ipp_cli *c)
{
	static char buf[600];

	if (c->st != NULL)
		return ipp_store_where(c->st);
	snprintf(buf, sizeof(buf), "local store %s", c->store_path);
	return buf;
}

/* "example.test" as "dc=example,dc=test". */
static char *
domain_base(const char *domain)
{
	size_t n = strlen(domain);
	char *b = malloc(4 * n + 4), *p = b;

	if (b == NULL)
		return NULL;
	p += sprintf(p, "dc=");
	for (; *domain != '\0'; domain++) {
		if (*domain == '.')
			p += sprintf(p, ",dc=");
		else
			*p++ = *domain;
	}
	*p = '\0';
	return b;
}

/*
 * The directory's settings: the ldap_* keys of the agent's configuration (read and
 * checked by the agent's own reader, agent/conf.c), the --ldap-* options over them.  A
 * missing default file is no error when the options name a directory.  The strings point
 * into ac and c, which must outlive the open.
 */
static int
dir_config(struct ipp_cli *c, struct agent_conf *ac, struct ipp_dir_config *d, char **base,
    struct ipp_err *e)
{
	const struct ipp_dir_config *o = &c->dir_opts;

	*base = NULL;
	memset(d, 0, sizeof(*d));
	if (!c->config_given && access(c->config_path, F_OK) == -1 && errno == ENOENT) {
		if (o->uri == NULL)
			return ipp_errf(e, IPP_E_INVAL, "no directory is configured: %s does "
			    "not exist; give --config FILE, or --ldap-uri and --ldap-base",
			    c->config_path);
	} else {
		if (agent_conf_load(ac, c->config_path, e) == -1)
			return ipp_err_prefix(e, "the directory's settings (--config)");
		if (ac->ldap_uri != NULL && agent_conf_dir(ac, d, e) == -1)
			return -1;
	}
	if (o->uri != NULL)
		d->uri = o->uri;
	if (o->base != NULL)
		d->base = o->base;
	if (o->bind_dn != NULL) {
		d->bind_dn = o->bind_dn;
		d->bind = IPP_DIR_BIND_SIMPLE;
	}
	if (o->bind_password_file != NULL)
		d->bind_password_file = o->bind_password_file;
	if (o->bind == IPP_DIR_BIND_EXTERNAL)
		d->bind = IPP_DIR_BIND_EXTERNAL;
	if (o->ca_file != NULL)
		d->ca_file = o->ca_file;
	if (o->starttls)
		d->starttls = true;
	if (d->uri == NULL)
		return ipp_errf(e, IPP_E_INVAL, "no directory is configured: %s has no "
		    "ldap_uri and no --ldap-uri was given", c->config_path);
	if (d->base == NULL && c->domain != NULL) {
		if ((*base = domain_base(c->domain)) == NULL)
			return ipp_errf(e, IPP_E_NOMEM, "out of memory");
		d->base = *base;
	}
	if (d->base == NULL)
		return ipp_errf(e, IPP_E_INVAL, "the directory %s has no base: set ldap_base "
		    "in %s, or give --ldap-base or DS:DOMAIN", d->uri, c->config_path);
	return 0;
}

static int
open_directory(struct ipp_cli *c, const struct ipp_store_opts *o, struct ipp_err *e)
{
	struct agent_conf ac;
	struct ipp_dir_config d;
	char *base = NULL;
	int rc;

	memset(&ac, 0, sizeof(ac));
	rc = dir_config(c, &ac, &d, &base, e);
	if (rc == 0)
		rc = ipp_store_open_directory(&c->st, &d, o, e);
	agent_conf_clear(&ac);
	free(base);
	return rc == 0 ? IPP_EXIT_OK : ipp_cli_exit(e);
}

int
ipp_cli_open(struct ipp_cli *c, bool write, struct ipp_err *e)
{
	struct ipp_store_opts o = { 0 };

	if (c->st != NULL)
		return IPP_EXIT_OK;
	o.flags = write ? IPP_STORE_CREATE | (c->empty ? IPP_STORE_NOSEED : 0) :
	    IPP_STORE_RDONLY;
	if (c->directory)
		return open_directory(c, &o, e);
	if (ipp_store_open_local(&c->st, c->store_path, &o, e) == -1) {
		if (!write && e->code == IPP_E_NOENT)
			ipp_err_prefix(e, "nothing to show (the store is created by the first "
			    "change; --store selects another)");
		return ipp_cli_exit(e);
	}
	return IPP_EXIT_OK;
}

void
ipp_cli_close(struct ipp_cli *c)
{
	if (c->batch)
		return;
	ipp_store_close(c->st);
	c->st = NULL;
}

/*
 * A failed command leaves the store as it was, and that includes not being there: a
 * store this command created (seeded in a transaction of its own) is removed again.
 */
int
ipp_cli_write(struct ipp_cli *c, int (*fn)(struct ipp_cli *, void *, struct ipp_err *),
    void *arg, struct ipp_err *e)
{
	bool existed = c->batch || c->directory || access(c->store_path, F_OK) == 0;
	int rc;

	if (c->batch)
		return fn(c, arg, e);
	if ((rc = ipp_cli_open(c, true, e)) != IPP_EXIT_OK)
		return rc;
	if (ipp_store_begin(c->st, e) == -1) {
		rc = ipp_cli_exit(e);
		goto out;
	}
	if ((rc = fn(c, arg, e)) != IPP_EXIT_OK)
		ipp_store_rollback(c->st);
	else if (ipp_store_commit(c->st, e) == -1)
		rc = ipp_cli_exit(e);
out:
	ipp_cli_close(c);
	if (rc != IPP_EXIT_OK && !existed && unlink(c->store_path) == -1 && errno != ENOENT)
		ipp_err_prefix(e, "%s: could not remove the new store: %s", c->store_path,
		    strerror(errno));
	return rc;
}
