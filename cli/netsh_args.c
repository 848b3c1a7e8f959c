/* ipp_nargs: netsh-style argument splitting and table-driven TAG=VALUE parsing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/lex.h"
#include "cli/netsh_args.h"
#include "store/model.h"

static const char *
name_at(const void *table, size_t stride, size_t i)
{
	return *(const char *const *)(const void *)((const char *)table + i * stride);
}

/* Appends ", name" (or "name" first) to msg while it fits; a long list ends in "...". */
static void
list_names(char *msg, size_t size, const void *table, size_t n, size_t stride,
    const char *word, size_t len)
{
	size_t o = strlen(msg);
	bool first = true;

	for (size_t i = 0; i < n; i++) {
		const char *nm = name_at(table, stride, i);
		int w;

		if (word != NULL && strncasecmp(nm, word, len) != 0)
			continue;
		if (size - o < 8)
			return;
		/* Keep room for ", ..." after the last name that fits. */
		w = snprintf(msg + o, size - o, "%s%s", first ? "" : ", ", nm);
		if (w < 0 || (size_t)w >= size - o - 6) {
			snprintf(msg + o, size - o, "%s...", first ? "" : ", ");
			return;
		}
		o += (size_t)w;
		first = false;
	}
}

int
ipp_nargs_lookup(const char *word, size_t len, const void *table, size_t n, size_t stride,
    const char *what, struct ipp_err *e)
{
	char shown[IPP_LEX_SHOWLEN];
	size_t hits = 0;
	int found = -1;

	for (size_t i = 0; i < n; i++) {
		const char *nm = name_at(table, stride, i);

		if (ipp_lex_eq(word, len, nm))
			return (int)i;
		if (len > 0 && strlen(nm) > len && strncasecmp(nm, word, len) == 0) {
			found = (int)i;
			hits++;
		}
	}
	if (hits == 1)
		return found;
	ipp_lex_show(word, len, shown);
	if (e == NULL)
		return -1;
	if (hits == 0) {
		ipp_errf(e, IPP_E_INVAL, "%s '%s' is unknown (valid: ", what, shown);
		list_names(e->msg, sizeof(e->msg) - 1, table, n, stride, NULL, 0);
	} else {
		ipp_errf(e, IPP_E_INVAL, "%s '%s' is ambiguous (could be: ", what, shown);
		list_names(e->msg, sizeof(e->msg) - 1, table, n, stride, word, len);
	}
	strcat(e->msg, ")");
	return -1;
}

static int
convert(const char *cmd, const struct ipp_nargs_tag *t, struct ipp_nargs_val *v,
    struct ipp_err *e)
{
	char shown[IPP_LEX_SHOWLEN], msg[256] = "";
	size_t len = strlen(v->str);
	int i;

	ipp_lex_show(v->str, len, shown);
	if (t->flags & IPP_NARG_SECRET)
		strcpy(shown, "(hidden)");
	switch (t->type) {
	case IPP_NARG_STRING:
		return 0;
	case IPP_NARG_BOOL:
		if (ipp_lex_bool(v->str, len, &v->b) == 0)
			return 0;
		return ipp_errf(e, IPP_E_INVAL, "%s: %s='%s': expected yes or no (y, n)", cmd,
		    t->name, shown);
	case IPP_NARG_UINT:
		if (ipp_lex_u32(v->str, len, t->min, t->max, &v->u) == 0)
			return 0;
		return ipp_errf(e, IPP_E_INVAL, "%s: %s='%s': expected a whole number from %u "
		    "to %u", cmd, t->name, shown, t->min, t->max);
	case IPP_NARG_ENUM:
		for (i = 0; t->choices[i] != NULL; i++) {
			if (ipp_lex_eq(v->str, len, t->choices[i])) {
				v->choice = (size_t)i;
				return 0;
			}
		}
		list_names(msg, sizeof(msg), t->choices, (size_t)i, sizeof(t->choices[0]),
		    NULL, 0);
		return ipp_errf(e, IPP_E_INVAL, "%s: %s='%s': expected one of %s", cmd, t->name,
		    shown, msg);
	}
	return ipp_errf(e, IPP_E_INVAL, "%s: %s: bad tag table", cmd, t->name);
}

/* One argument: TAG=VALUE, or a bare value for the tag at its position.  given[t] says
 * whether tag t has a value already (a flag per tag keeps long lines linear). */
static int
one_arg(const char *cmd, const struct ipp_nargs_tag *tags, size_t ntags, bool *given,
    int pos, const char *arg, struct ipp_nargs *out, struct ipp_err *e)
{
	char what[128], shown[IPP_LEX_SHOWLEN];
	const char *eq = strchr(arg, '=');
	struct ipp_nargs_val v = { 0 };
	int t;

	if (eq == NULL) {
		if ((size_t)pos >= ntags || given[pos])
			return ipp_errf(e, IPP_E_INVAL, "%s: '%s' is not TAG=VALUE (and no tag "
			    "takes it by position)", cmd,
			    ipp_lex_show(arg, strlen(arg), shown));
		t = pos;
		v.str = arg;
	} else {
		snprintf(what, sizeof(what), "%s: tag", cmd);
		if ((t = ipp_nargs_lookup(arg, (size_t)(eq - arg), tags, ntags, sizeof(tags[0]),
		    what, e)) == -1)
			return -1;
		v.str = eq + 1;
	}
	if (given[t] && !(tags[t].flags & IPP_NARG_REPEAT))
		return ipp_errf(e, IPP_E_INVAL, "%s: %s= given more than once", cmd, tags[t].name);
	v.tag = (size_t)t;
	if (convert(cmd, &tags[t], &v, e) == -1)
		return -1;
	if (ipp_array_push(&out->v, &out->n, sizeof(v), &v) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	given[t] = true;
	return 0;
}

int
ipp_nargs_parse(const char *cmd, const struct ipp_nargs_tag *tags, size_t ntags, int argc,
    char *const argv[], struct ipp_nargs *out, struct ipp_err *e)
{
	bool *given;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if ((given = calloc(ntags + 1, sizeof(*given))) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	for (int i = 0; i < argc && rc == 0; i++)
		rc = one_arg(cmd, tags, ntags, given, i, argv[i], out, e);
	for (size_t t = 0; t < ntags && rc == 0; t++)
		if ((tags[t].flags & IPP_NARG_REQUIRED) && !given[t])
			rc = ipp_errf(e, IPP_E_INVAL, "%s: %s= is required", cmd, tags[t].name);
	free(given);
	if (rc == -1)
		ipp_nargs_clear(out);
	return rc;
}

void
ipp_nargs_clear(struct ipp_nargs *a)
{
	free(a->v);
	memset(a, 0, sizeof(*a));
}

const struct ipp_nargs_val *
ipp_nargs_get(const struct ipp_nargs *a, size_t tag)
{
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].tag == tag)
			return &a->v[i];
	return NULL;
}

const struct ipp_nargs_val *
ipp_nargs_next(const struct ipp_nargs *a, const struct ipp_nargs_val *prev)
{
	for (size_t i = (size_t)(prev - a->v) + 1; i < a->n; i++)
		if (a->v[i].tag == prev->tag)
			return &a->v[i];
	return NULL;
}

/* ---- splitting and quoting ---- */

static bool
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * Reads one word from line at *i into out (which has room for the whole line).  Returns
 * its length, or -1 on an unclosed quote or a control character.
 */
static int
word(const char *line, size_t *i, char *out, size_t *len, struct ipp_err *e)
{
	bool quoted = false;
	size_t o = 0, p = *i, opened = 0;

	while (line[p] != '\0' && (quoted || !blank(line[p]))) {
		unsigned char c = (unsigned char)line[p];
		size_t bs = 0;

		if ((c < 0x20 && !blank((char)c)) || c == 0x7f)
			return ipp_errf(e, IPP_E_INVAL, "command line: control character 0x%02x "
			    "at offset %zu", c, p);
		while (line[p + bs] == '\\')
			bs++;
		if (bs > 0 && line[p + bs] != '"') {
			memset(out + o, '\\', bs);
			o += bs;
			p += bs;
			continue;
		}
		memset(out + o, '\\', bs / 2);
		o += bs / 2;
		p += bs;
		if (line[p] == '"' && bs % 2 == 1)
			out[o++] = '"';
		else if (line[p] == '"') {
			quoted = !quoted;
			opened = p;
		}
		else
			out[o++] = line[p];
		p++;
	}
	/* The text after the quote is not shown: it may be a psk= value. */
	if (quoted)
		return ipp_errf(e, IPP_E_INVAL, "command line: the quote at offset %zu is not "
		    "closed", opened);
	out[o] = '\0';
	*len = o;
	*i = p;
	return 0;
}

void
ipp_nargs_free_argv(char **argv, int argc)
{
	if (argv == NULL)
		return;
	for (int i = 0; i < argc; i++) {
		explicit_bzero(argv[i], strlen(argv[i]));
		free(argv[i]);
	}
	free(argv);
}

int
ipp_nargs_split(const char *line, char ***argvp, int *argcp, struct ipp_err *e)
{
	size_t i = 0, n = 0, len = 0, linelen = strlen(line);
	char **argv = NULL, *buf;
	int rc = 0;

	*argvp = NULL;
	*argcp = 0;
	if ((buf = malloc(linelen + 1)) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	for (;;) {
		char *w;

		while (blank(line[i]))
			i++;
		if (line[i] == '\0')
			break;
		if ((rc = word(line, &i, buf, &len, e)) == -1)
			break;
		if ((w = strndup(buf, len)) == NULL ||
		    ipp_array_push(&argv, &n, sizeof(w), &w) == NULL) {
			if (w != NULL)
				explicit_bzero(w, len);
			free(w);
			rc = ipp_errf(e, IPP_E_NOMEM, "out of memory");
			break;
		}
	}
	explicit_bzero(buf, linelen + 1);
	free(buf);
	if (rc == 0 && n > (size_t)INT32_MAX)
		rc = ipp_errf(e, IPP_E_INVAL, "command line: too many words");
	if (rc == 0 && ipp_array_push(&argv, &n, sizeof(char *), &(char *){ NULL }) == NULL)
		rc = ipp_errf(e, IPP_E_NOMEM, "out of memory");
	if (rc == -1) {
		ipp_nargs_free_argv(argv, (int)n);
		return -1;
	}
	*argvp = argv;
	*argcp = (int)(n - 1);
	return 0;
}

static bool
bare(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
		    ".,:/@+=-_", *s) == NULL)
			return false;
	return true;
}

char *
ipp_nargs_quote(const char *s, struct ipp_err *e)
{
	size_t len = strlen(s), o = 0;
	char *q;

	if (bare(s)) {
		if ((q = strdup(s)) == NULL)
			ipp_errf(e, IPP_E_NOMEM, "out of memory");
		return q;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f) {
			ipp_errf(e, IPP_E_INVAL, "cannot write control character 0x%02x in a "
			    "command line", c);
			return NULL;
		}
	}
	/* Worst case: every byte a backslash before a quote, doubled, plus the quotes. */
	if (len > (SIZE_MAX - 3) / 2 || (q = malloc(2 * len + 3)) == NULL) {
		ipp_errf(e, IPP_E_NOMEM, "out of memory");
		return NULL;
	}
	q[o++] = '"';
	for (size_t i = 0; i < len;) {
		size_t bs = 0;

		while (s[i + bs] == '\\')
			bs++;
		if (s[i + bs] == '"' || s[i + bs] == '\0') {
			/* Backslashes before a quote (or before the closing one) double. */
			memset(q + o, '\\', 2 * bs);
			o += 2 * bs;
			i += bs;
			if (s[i] == '"') {
				q[o++] = '\\';
				q[o++] = '"';
				i++;
			}
		} else {
			memset(q + o, '\\', bs);
			o += bs;
			i += bs;
			q[o++] = s[i++];
		}
	}
	q[o++] = '"';
	q[o] = '\0';
	return q;
}
