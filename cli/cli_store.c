/* ipp_cli: the store a command works on, its one transaction, and exit codes. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

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
ipp_cli_open(struct ipp_cli *c, bool write, struct ipp_err *e)
{
	struct ipp_store_opts o = { 0 };

	if (c->st != NULL)
		return IPP_EXIT_OK;
	o.flags = write ? IPP_STORE_CREATE | (c->empty ? IPP_STORE_NOSEED : 0) :
	    IPP_STORE_RDONLY;
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
	bool existed = c->batch || access(c->store_path, F_OK) == 0;
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
