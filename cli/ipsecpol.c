/*
 * ipsecpol: the command line.  Global options, then either netsh-style "static" commands
 * or ipsecpol.exe's options.  This is the only file that prints errors or exits.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/ctl_client.h"
#include "cli/cli.h"
#include "cli/lex.h"

#define DEFAULT_STORE	IPP_STATEDIR "/local.db"
#define DEFAULT_CONFIG	IPP_SYSCONFDIR "/ipsecpol/ipsecpold.conf"

static void
help(FILE *out)
{
	fputs("usage: ipsecpol [--store PATH] [--agent-socket PATH] [--json] [--show-secrets]\n"
	    "                [--empty] [--domain] [--config FILE] [--ldap-uri URI]\n"
	    "                [--ldap-base DN] [--bind-dn DN] [--bind-password-file FILE]\n"
	    "                [--ldap-ca-file FILE] [--starttls] [--sasl-external] COMMAND\n"
	    "Commands:\n"
	    "  static VERB OBJECT [TAG=VALUE ...]   netsh-style commands on the store\n"
	    "  -w REG -p POLICY ... | -f ...        ipsecpol.exe's options\n"
	    "  -f [spec] (spec) ... | -u            dynamic rules in the running agent\n"
	    "  status                               the policy agent's state\n"
	    "  refresh                              the agent rereads its policy source\n"
	    "  dynamic show|delete ...              the agent's dynamic rules\n"
	    "  help [static|exe|agent]              this text, or more\n"
	    "  complete-bash                        print the bash completion script\n"
	    "Options:\n"
	    "  --store PATH     the local store (default $IPSECPOL_STORE, else "
	    DEFAULT_STORE ")\n"
	    "  --agent-socket PATH  the agent's control socket (default\n"
	    "                   $IPSECPOL_AGENT_SOCKET, else " CTL_SOCKET_DEFAULT ")\n"
	    "  --json           show writes JSON (schema in ipsecpol(8))\n"
	    "  --show-secrets   show preshared keys (root only)\n"
	    "  --empty          a store created by this run starts without the examples\n"
	    "  --domain         work on the directory store instead of the local one\n"
	    "  --config FILE    the agent's configuration, whose ldap_* keys name the\n"
	    "                   directory (default " DEFAULT_CONFIG ")\n"
	    "  --ldap-uri URI, --ldap-base DN, --bind-dn DN, --bind-password-file FILE,\n"
	    "  --ldap-ca-file FILE, --starttls, --sasl-external\n"
	    "                   the directory's settings over the file's; each selects the\n"
	    "                   directory store\n"
	    "  --version        print the version\n", out);
}

static int
command_help(struct ipp_cli *c, int argc, char **argv)
{
	if (argc > 0 && strcmp(argv[0], "static") == 0)
		ipp_static_help(c->out, NULL);
	else if (argc > 0 && strcmp(argv[0], "exe") == 0)
		ipp_exe_help(c->out);
	else if (argc > 0 && strcmp(argv[0], "agent") == 0)
		ipp_agent_help(c->out);
	else
		help(c->out);
	return IPP_EXIT_OK;
}

/* The directory options: each takes a value and selects the directory store. */
static bool
dir_option(struct ipp_cli *c, int argc, char **argv, int *i)
{
	static const struct {
		const char *name;
		size_t off;
	} opts[] = {
		{ "--ldap-uri", offsetof(struct ipp_dir_config, uri) },
		{ "--ldap-base", offsetof(struct ipp_dir_config, base) },
		{ "--bind-dn", offsetof(struct ipp_dir_config, bind_dn) },
		{ "--bind-password-file", offsetof(struct ipp_dir_config, bind_password_file) },
		{ "--ldap-ca-file", offsetof(struct ipp_dir_config, ca_file) },
	};
	const char *o = argv[*i];

	for (size_t k = 0; k < IPP_NELEM(opts); k++) {
		size_t n = strlen(opts[k].name);
		const char **dst = (const char **)((char *)&c->dir_opts + opts[k].off);

		if (strcmp(o, opts[k].name) == 0 && *i + 1 < argc)
			*dst = argv[++*i];
		else if (strncmp(o, opts[k].name, n) == 0 && o[n] == '=')
			*dst = o + n + 1;
		else
			continue;
		c->directory = true;
		return true;
	}
	if (strcmp(o, "--starttls") == 0)
		c->dir_opts.starttls = true;
	else if (strcmp(o, "--sasl-external") == 0)
		c->dir_opts.bind = IPP_DIR_BIND_EXTERNAL;
	else if (strcmp(o, "--domain") == 0)
		;
	else
		return false;
	c->directory = true;
	return true;
}

/* Global options; returns the index of the command, or -1 with an exit code in *rc. */
static int
options(struct ipp_cli *c, int argc, char **argv, int *rc, struct ipp_err *e)
{
	int i;

	for (i = 1; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		const char *o = argv[i];

		if (strcmp(o, "--store") == 0 && i + 1 < argc)
			c->store_path = argv[++i];
		else if (strncmp(o, "--store=", 8) == 0)
			c->store_path = o + 8;
		else if (strcmp(o, "--agent-socket") == 0 && i + 1 < argc)
			c->socket_path = argv[++i];
		else if (strncmp(o, "--agent-socket=", 15) == 0)
			c->socket_path = o + 15;
		else if (strcmp(o, "--json") == 0)
			c->json = true;
		else if (strcmp(o, "--config") == 0 && i + 1 < argc)
			c->config_path = argv[++i], c->config_given = true;
		else if (strncmp(o, "--config=", 9) == 0)
			c->config_path = o + 9, c->config_given = true;
		else if (dir_option(c, argc, argv, &i))
			;
		else if (strcmp(o, "--empty") == 0)
			c->empty = true;
		else if (strcmp(o, "--show-secrets") == 0)
			c->secrets = true;
		else if (strcmp(o, "--help") == 0) {
			help(stdout);
			*rc = IPP_EXIT_OK;
			return -1;
		} else if (strcmp(o, "--version") == 0) {
			puts(PACKAGE_STRING);
			*rc = IPP_EXIT_OK;
			return -1;
		} else {
			char shown[IPP_LEX_SHOWLEN];

			ipp_errf(e, IPP_E_INVAL, "option '%s' is unknown or lacks its value "
			    "(--store PATH, --agent-socket PATH, --json, --show-secrets, --empty, --domain, "
			    "--config FILE, --ldap-uri URI, --ldap-base DN, --bind-dn DN, "
			    "--bind-password-file FILE, --ldap-ca-file FILE, --starttls, "
			    "--sasl-external, --help)",
			    ipp_lex_show(o, strlen(o), shown));
			*rc = IPP_EXIT_USAGE;
			return -1;
		}
	}
	if (c->secrets && geteuid() != 0) {
		ipp_errf(e, IPP_E_INVAL, "--show-secrets: only root may see preshared keys");
		*rc = IPP_EXIT_PERM;
		return -1;
	}
	if (*c->store_path == '\0' || *c->socket_path == '\0') {
		ipp_errf(e, IPP_E_INVAL, "%s: empty path", *c->store_path == '\0' ? "--store" :
		    "--agent-socket");
		*rc = IPP_EXIT_USAGE;
		return -1;
	}
	return i;
}

static int
dispatch(struct ipp_cli *c, int argc, char **argv, struct ipp_err *e)
{
	const char *cmd = argv[0];
	char shown[IPP_LEX_SHOWLEN];

	if (strcmp(cmd, "static") == 0)
		return ipp_static_run(c, argc - 1, argv + 1, e);
	if (strcmp(cmd, "help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "-?") == 0)
		return command_help(c, argc - 1, argv + 1);
	if (strcmp(cmd, "complete-bash") == 0) {
		ipp_complete_bash(c->out);
		return IPP_EXIT_OK;
	}
	if (strcmp(cmd, "status") == 0 || strcmp(cmd, "refresh") == 0 ||
	    strcmp(cmd, "dynamic") == 0)
		return ipp_agent_run(c, argc, argv, e);
	if (cmd[0] == '-' || strncmp(cmd, "\\\\", 2) == 0)
		return ipp_exe_run(c, argc, argv, e);
	ipp_errf(e, IPP_E_INVAL, "command '%s' is unknown (expected static, status, refresh, "
	    "dynamic, help, complete-bash or ipsecpol.exe options such as -w REG)",
	    ipp_lex_show(cmd, strlen(cmd), shown));
	return IPP_EXIT_USAGE;
}

int
main(int argc, char **argv)
{
	struct ipp_cli c = { .out = stdout };
	struct ipp_err e = { 0 };
	const char *env;
	int i, rc = IPP_EXIT_OK;

	env = getenv("IPSECPOL_STORE");
	c.store_path = env != NULL && *env != '\0' ? env : DEFAULT_STORE;
	env = getenv("IPSECPOL_AGENT_SOCKET");
	c.socket_path = env != NULL && *env != '\0' ? env : CTL_SOCKET_DEFAULT;
	env = getenv("IPSECPOL_CONFIG");
	c.config_path = env != NULL && *env != '\0' ? env : DEFAULT_CONFIG;
	if ((i = options(&c, argc, argv, &rc, &e)) == -1)
		goto out;
	if (i == argc) {
		help(stderr);
		return IPP_EXIT_USAGE;
	}
	rc = dispatch(&c, argc - i, argv + i, &e);
	if (fflush(stdout) == EOF && rc == IPP_EXIT_OK) {
		ipp_errf(&e, IPP_E_STORE, "writing the output failed");
		rc = IPP_EXIT_ERROR;
	}
out:
	if (c.note[0] != '\0')
		fprintf(stderr, "ipsecpol: warning: %s\n", c.note);
	if (rc != IPP_EXIT_OK)
		fprintf(stderr, "ipsecpol: %s\n", e.msg[0] ? e.msg : "failed");
	free(c.domain);
	return rc;
}
