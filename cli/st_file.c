/* ipp_st_file: static exportpolicy and importpolicy. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/export.h"

#define IMPORT_MAX	(64u << 20)	/* bytes of a script */

static const struct ipp_nargs_tag file_tags[] = {
	{ "file", IPP_NARG_STRING, IPP_NARG_REQUIRED, 0, 0, NULL },
};

/* The script may hold preshared keys: it is written 0600 beside the target and renamed
 * over it, so a reader sees the old file or the whole new one. */
static int
export_file(struct ipp_cli *c, const char *path, struct ipp_err *e)
{
	char *tmp = NULL;
	FILE *f = NULL;
	int fd = -1, rc = -1;

	if (asprintf(&tmp, "%s.XXXXXX", path) == -1)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	if ((fd = mkstemp(tmp)) == -1) {
		ipp_errf(e, IPP_E_STORE, "exportpolicy: cannot create %s: %s", tmp,
		    strerror(errno));
		goto out;
	}
	if (fchmod(fd, 0600) == -1 || (f = fdopen(fd, "w")) == NULL) {
		ipp_errf(e, IPP_E_STORE, "exportpolicy: %s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		goto out;
	}
	rc = ipp_export_store(f, c->st, e);
	if (fflush(f) == EOF || fsync(fileno(f)) == -1) {
		if (rc == 0)
			ipp_errf(e, IPP_E_STORE, "exportpolicy: writing %s: %s", tmp,
			    strerror(errno));
		rc = -1;
	}
	fclose(f);
	if (rc == 0 && rename(tmp, path) == -1) {
		ipp_errf(e, IPP_E_STORE, "exportpolicy: cannot rename %s to %s: %s", tmp, path,
		    strerror(errno));
		rc = -1;
	}
	if (rc == -1)
		unlink(tmp);
out:
	free(tmp);
	return rc;
}

static int
exportpolicy(struct ipp_cli *c, const struct ipp_nargs *a, struct ipp_err *e)
{
	const char *path = ipp_st_str(a, 0);

	if (strcmp(path, "-") == 0)
		return ipp_export_store(c->out, c->st, e) == 0 ? IPP_EXIT_OK : ipp_cli_exit(e);
	return export_file(c, path, e) == 0 ? IPP_EXIT_OK : ipp_cli_exit(e);
}

/* The whole script, or -1 with e set. */
static int
slurp(const char *path, char **buf, size_t *len, struct ipp_err *e)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	size_t cap = 0;

	*buf = NULL;
	*len = 0;
	if (f == NULL)
		return ipp_errf(e, IPP_E_NOENT, "importpolicy: cannot open %s: %s", path,
		    strerror(errno));
	for (;;) {
		char *nb;
		size_t got;

		if (*len == cap) {
			cap = cap ? cap * 2 : 65536;
			if (cap > IMPORT_MAX || (nb = realloc(*buf, cap)) == NULL) {
				ipp_errf(e, IPP_E_INVAL, "importpolicy: %s is larger than %u bytes "
				    "or memory ran out", path, IMPORT_MAX);
				break;
			}
			*buf = nb;
		}
		got = fread(*buf + *len, 1, cap - *len, f);
		*len += got;
		if (got == 0) {
			if (ferror(f))
				ipp_errf(e, IPP_E_STORE, "importpolicy: reading %s failed", path);
			else
				e->code = IPP_OK;
			break;
		}
	}
	if (f != stdin)
		fclose(f);
	if (e->code != IPP_OK) {
		free(*buf);
		*buf = NULL;
		return -1;
	}
	return 0;
}

/* Runs inside the one transaction the dispatcher opened: all lines or none. */
static int
importpolicy(struct ipp_cli *c, const struct ipp_nargs *a, struct ipp_err *e)
{
	const char *path = ipp_st_str(a, 0);
	char *buf;
	size_t len;
	int rc;

	if (c->batch) {
		ipp_errf(e, IPP_E_INVAL, "importpolicy: an imported script cannot import another");
		return IPP_EXIT_ERROR;
	}
	e->code = IPP_OK;
	if (slurp(path, &buf, &len, e) == -1)
		return ipp_cli_exit(e);
	c->batch = true;
	rc = ipp_import_text(c, path, buf, len, e);
	c->batch = false;
	explicit_bzero(buf, len);
	free(buf);
	return rc;
}

static const struct ipp_stcmd cmds[] = {
	{ "exportpolicy", "", file_tags, IPP_NELEM(file_tags), IPP_STCMD_READ, exportpolicy,
	    "write the store as a script of ipsecpol static commands (file=- : stdout)" },
	{ "importpolicy", "", file_tags, IPP_NELEM(file_tags), IPP_STCMD_WRITE, importpolicy,
	    "run such a script in one transaction: every line or none" },
};

const struct ipp_stcmd_set ipp_st_file_cmds = { cmds, IPP_NELEM(cmds) };
