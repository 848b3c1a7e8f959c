/* ipp_import: runs a script of "ipsecpol static" lines, as exportpolicy writes them.  A
 * failure names the line where the failing command starts. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "cli/lex.h"

#define IMPORT_LINE_MAX	65536

/* Blank lines and lines whose first non-blank is '#' are comments. */
static bool
comment(const char *line)
{
	line += strspn(line, " \t\r");
	return *line == '\0' || *line == '#';
}

/* "ipsecpol static ..." (or netsh's "netsh ipsec static ..."): the index of the verb. */
static int
verb_at(int argc, char **argv, struct ipp_err *e)
{
	if (argc >= 2 && strcasecmp(argv[0], "ipsecpol") == 0 &&
	    strcasecmp(argv[1], "static") == 0)
		return 2;
	if (argc >= 3 && strcasecmp(argv[0], "netsh") == 0 &&
	    strcasecmp(argv[1], "ipsec") == 0 && strcasecmp(argv[2], "static") == 0)
		return 3;
	ipp_errf(e, IPP_E_INVAL, "expected a line \"ipsecpol static VERB ...\" (or \"netsh "
	    "ipsec static VERB ...\")");
	return -1;
}

static int
one_line(struct ipp_cli *c, const char *line, struct ipp_err *e)
{
	char **argv = NULL;
	int argc = 0, v, rc;

	if (ipp_nargs_split(line, &argv, &argc, e) == -1)
		return IPP_EXIT_ERROR;
	if ((v = verb_at(argc, argv, e)) == -1)
		rc = IPP_EXIT_ERROR;
	else
		rc = ipp_static_run(c, argc - v, argv + v, e);
	ipp_nargs_free_argv(argv, argc);
	return rc;
}

/*
 * The length of the command at text: up to a newline outside double quotes, so that a
 * quoted value may hold newlines (descriptions may).  Quotes follow ipp_nargs_split's
 * rule: n backslashes before '"' escape it when n is odd.  *lines counts the newlines.
 */
static size_t
command_len(const char *text, size_t len, size_t *lines)
{
	size_t i, bs = 0, lead = 0;
	bool quoted = false, comment;

	*lines = 0;
	while (lead < len && (text[lead] == ' ' || text[lead] == '\t' || text[lead] == '\r'))
		lead++;
	/* A comment is one line, whatever quotes it holds. */
	comment = lead < len && text[lead] == '#';
	for (i = 0; i < len; i++) {
		char ch = text[i];

		if (ch == '"' && bs % 2 == 0 && !comment)
			quoted = !quoted;
		bs = ch == '\\' ? bs + 1 : 0;
		if (ch == '\n') {
			if (!quoted)
				break;
			(*lines)++;
		}
	}
	return i;
}

int
ipp_import_text(struct ipp_cli *c, const char *name, const char *text, size_t len,
    struct ipp_err *e)
{
	size_t at = 0, lineno = 0;
	char *line;
	int rc = IPP_EXIT_OK;

	if ((line = malloc(IMPORT_LINE_MAX)) == NULL) {
		ipp_errf(e, IPP_E_NOMEM, "out of memory");
		return IPP_EXIT_ERROR;
	}
	while (rc == IPP_EXIT_OK && at < len) {
		size_t inner, n = command_len(text + at, len - at, &inner);

		lineno++;
		if (n >= IMPORT_LINE_MAX) {
			ipp_errf(e, IPP_E_INVAL, "line longer than %d bytes", IMPORT_LINE_MAX - 1);
			rc = IPP_EXIT_ERROR;
		} else if (memchr(text + at, '\0', n) != NULL) {
			ipp_errf(e, IPP_E_INVAL, "NUL byte in the line");
			rc = IPP_EXIT_ERROR;
		} else {
			memcpy(line, text + at, n);
			line[n] = '\0';
			if (!comment(line))
				rc = one_line(c, line, e);
		}
		if (rc != IPP_EXIT_OK)
			ipp_err_prefix(e, "%s:%zu", name, lineno);
		lineno += inner;
		at += n + 1;
	}
	explicit_bzero(line, IMPORT_LINE_MAX);
	free(line);
	return rc;
}
