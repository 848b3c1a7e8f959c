/* ipp_static: the netsh-style static command table, its dispatcher and its help. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"

static const struct ipp_stcmd_set *const sets[] = {
	&ipp_st_policy_cmds, &ipp_st_filter_cmds, &ipp_st_action_cmds, &ipp_st_rule_cmds,
	&ipp_st_show_cmds, &ipp_st_file_cmds, &ipp_st_assign_cmds,
};

/* Verbs in the order help lists them; lookup takes unambiguous prefixes ("del"). */
static const char *const verbs[] = {
	"add", "set", "delete", "show", "exportpolicy", "importpolicy",
};

void
ipp_static_each(void (*fn)(const struct ipp_stcmd *, void *), void *arg)
{
	for (size_t v = 0; v < IPP_NELEM(verbs); v++)
		for (size_t s = 0; s < IPP_NELEM(sets); s++)
			for (size_t i = 0; i < sets[s]->n; i++)
				if (strcmp(sets[s]->v[i].verb, verbs[v]) == 0)
					fn(&sets[s]->v[i], arg);
}

/* The commands of one verb, by object name (a table ipp_nargs_lookup can search). */
struct objects {
	const char *name[32];
	const struct ipp_stcmd *cmd[32];
	size_t n;
	const char *verb;
};

static void
collect(const struct ipp_stcmd *cmd, void *arg)
{
	struct objects *o = arg;

	if (strcmp(cmd->verb, o->verb) == 0 && o->n < IPP_NELEM(o->name)) {
		o->name[o->n] = cmd->object;
		o->cmd[o->n++] = cmd;
	}
}

static bool
is_help(const char *s)
{
	return strcmp(s, "-h") == 0 || strcmp(s, "-?") == 0 || strcmp(s, "--help") == 0 ||
	    strcmp(s, "/?") == 0;
}

static void
tag_help(FILE *out, const struct ipp_nargs_tag *t)
{
	bool opt = !(t->flags & IPP_NARG_REQUIRED);

	fprintf(out, " %s%s=", opt ? "[" : "", t->name);
	switch (t->type) {
	case IPP_NARG_BOOL:
		fputs("yes|no", out);
		break;
	case IPP_NARG_UINT:
		fprintf(out, "%u..%u", t->min, t->max);
		break;
	case IPP_NARG_ENUM:
		for (size_t i = 0; t->choices[i] != NULL; i++)
			fprintf(out, "%s%s", i ? "|" : "", t->choices[i]);
		break;
	default:
		fputs(t->flags & IPP_NARG_SECRET ? "KEY" : "TEXT", out);
		break;
	}
	fputs(opt ? "]" : "", out);
	fputs(t->flags & IPP_NARG_REPEAT ? "..." : "", out);
}

static void
help_line(const struct ipp_stcmd *cmd, void *arg)
{
	FILE *out = arg;

	fprintf(out, "  %-12s %-17s %s\n", cmd->verb, cmd->object, cmd->summary);
}

void
ipp_static_help(FILE *out, const struct ipp_stcmd *cmd)
{
	if (cmd == NULL) {
		fputs("usage: ipsecpol [OPTIONS] static VERB OBJECT [TAG=VALUE ...]\n"
		    "Commands (verbs, objects and tags may be abbreviated while unambiguous;\n"
		    "'ipsecpol static VERB OBJECT -h' lists the tags):\n", out);
		ipp_static_each(help_line, out);
		return;
	}
	fprintf(out, "usage: ipsecpol static %s%s%s", cmd->verb, *cmd->object ? " " : "",
	    cmd->object);
	for (size_t i = 0; i < cmd->ntags; i++)
		tag_help(out, &cmd->tags[i]);
	fprintf(out, "\n  %s\n", cmd->summary);
}

struct call {
	const struct ipp_stcmd *cmd;
	const struct ipp_nargs *a;
};

static int
call_write(struct ipp_cli *c, void *arg, struct ipp_err *e)
{
	struct call *k = arg;

	return k->cmd->run(c, k->a, e);
}

static int
execute(struct ipp_cli *c, const struct ipp_stcmd *cmd, const struct ipp_nargs *a,
    struct ipp_err *e)
{
	struct call k = { cmd, a };
	int rc;

	switch (cmd->mode) {
	case IPP_STCMD_WRITE:
		return ipp_cli_write(c, call_write, &k, e);
	case IPP_STCMD_READ:
		if ((rc = ipp_cli_open(c, false, e)) != IPP_EXIT_OK)
			return rc;
		rc = cmd->run(c, a, e);
		ipp_cli_close(c);
		return rc;
	default:
		return cmd->run(c, a, e);
	}
}

/* Finds the command argv names; *used is how many words that took. */
static int
find(int argc, char **argv, const struct ipp_stcmd **cmd, int *used, struct ipp_err *e)
{
	struct objects o = { .n = 0 };
	int v, i;

	if (argc == 0) {
		ipp_errf(e, IPP_E_INVAL, "static: a verb is required (add, set, delete, show, "
		    "exportpolicy, importpolicy)");
		return -1;
	}
	if ((v = ipp_nargs_lookup(argv[0], strlen(argv[0]), verbs, IPP_NELEM(verbs),
	    sizeof(verbs[0]), "static: verb", e)) == -1)
		return -1;
	o.verb = verbs[v];
	ipp_static_each(collect, &o);
	if (o.n == 1 && *o.name[0] == '\0') {
		*cmd = o.cmd[0];
		*used = 1;
		return 0;
	}
	if (argc < 2 || is_help(argv[1])) {
		ipp_errf(e, IPP_E_INVAL, "static %s: an object is required", o.verb);
		return -1;
	}
	if ((i = ipp_nargs_lookup(argv[1], strlen(argv[1]), o.name, o.n, sizeof(o.name[0]),
	    "static: object", e)) == -1)
		return ipp_err_prefix(e, "static %s", o.verb);
	*cmd = o.cmd[i];
	*used = 2;
	return 0;
}

int
ipp_static_run(struct ipp_cli *c, int argc, char **argv, struct ipp_err *e)
{
	const struct ipp_stcmd *cmd = NULL;
	struct ipp_nargs a;
	char name[64];
	int used = 0, rc;

	if (argc >= 1 && (is_help(argv[0]) || strcasecmp(argv[0], "help") == 0)) {
		ipp_static_help(c->out, NULL);
		return IPP_EXIT_OK;
	}
	if (find(argc, argv, &cmd, &used, e) == -1)
		return IPP_EXIT_USAGE;
	for (int i = used; i < argc; i++)
		if (is_help(argv[i])) {
			ipp_static_help(c->out, cmd);
			return IPP_EXIT_OK;
		}
	snprintf(name, sizeof(name), "%s%s%s", cmd->verb, *cmd->object ? " " : "", cmd->object);
	if (ipp_nargs_parse(name, cmd->tags, cmd->ntags, argc - used, argv + used, &a, e) == -1)
		return IPP_EXIT_USAGE;
	rc = execute(c, cmd, &a, e);
	ipp_nargs_clear(&a);
	return rc;
}
