/*
 * ipp_cli: what the ipsecpol program's command modules share: the run context, the exit
 * codes and the static command table type.  Command functions print only their results
 * (show, export) to c->out; errors go back in struct ipp_err with an exit code, and only
 * the program's main prints them.
 */
#ifndef IPP_CLI_H
#define IPP_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "cli/netsh_args.h"
#include "store/store.h"

/* Exit codes: one table, documented in ipsecpol(8) "EXIT STATUS". */
enum ipp_exit {
	IPP_EXIT_OK = 0,
	IPP_EXIT_USAGE = 1,	/* unknown command, option or tag; missing argument */
	IPP_EXIT_ERROR = 2,	/* bad value, store or validation error; nothing changed */
	IPP_EXIT_UNSUPP = 3,	/* not supported yet: directory store, remote computers */
	IPP_EXIT_AGENT = 4,	/* the policy agent is not running or did not answer */
	IPP_EXIT_PERM = 5,	/* permission denied (--show-secrets without root) */
};

/* What one run of the program works with. */
struct ipp_cli {
	const char *store_path;	/* --store, IPSECPOL_STORE or the default */
	const char *socket_path;	/* the agent's control socket */
	bool json;		/* --json */
	bool secrets;		/* --show-secrets, allowed (root) */
	bool empty;		/* --empty: a new store starts without the examples */
	FILE *out;		/* results */
	char note[256];		/* a warning for main to print, or "" */
	struct ipp_store *st;	/* open while a command or an import runs */
	bool batch;		/* inside importpolicy: the transaction is the import's */
	unsigned depth;		/* importpolicy nesting guard */
	/* The directory store (cli/cli_store.c): selected by --domain, an --ldap-* option,
	 * -w DS or set store location=domain; found through --config (the agent's file,
	 * ipsecpold.conf) with the --ldap-* options over it. */
	bool directory;
	const char *config_path;
	bool config_given;	/* --config: its file must exist */
	struct ipp_dir_config dir_opts;
	char *domain;		/* DS:DOMAIN or domain=: the base when none is configured */
};

/* One netsh-style static command: verb and object, its tags, its function. */
enum ipp_stcmd_mode {
	IPP_STCMD_READ = 0,	/* reads the store (show) */
	IPP_STCMD_WRITE,	/* changes the store, in one transaction */
	IPP_STCMD_NOSTORE,	/* needs no store (show gpoassignedpolicy) */
};

struct ipp_stcmd {
	const char *verb;	/* "add" */
	const char *object;	/* "policy"; "" for exportpolicy/importpolicy */
	const struct ipp_nargs_tag *tags;
	size_t ntags;
	enum ipp_stcmd_mode mode;
	/* Returns an exit code; e set unless IPP_EXIT_OK. */
	int (*run)(struct ipp_cli *c, const struct ipp_nargs *a, struct ipp_err *e);
	const char *summary;
};

struct ipp_stcmd_set {
	const struct ipp_stcmd *v;
	size_t n;
};

#define IPP_NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The command sets of each module (cli/st_policy.c and its siblings). */
extern const struct ipp_stcmd_set ipp_st_policy_cmds, ipp_st_filter_cmds,
    ipp_st_action_cmds, ipp_st_rule_cmds, ipp_st_show_cmds, ipp_st_file_cmds,
    ipp_st_assign_cmds;

/* ---- cli/cli_store.c ---- */
/* The exit code for an error class. */
int ipp_cli_exit(const struct ipp_err *e);
/* Opens c->st (creating the store for writes) unless an import holds it open. */
int ipp_cli_open(struct ipp_cli *c, bool write, struct ipp_err *e);
void ipp_cli_close(struct ipp_cli *c);
/* Switches the run to the directory store (domain may be NULL); refused once another
 * store is open.  Returns an exit code. */
int ipp_cli_use_directory(struct ipp_cli *c, const char *domain, struct ipp_err *e);
/* "local store PATH" or "directory URI (BASE)". */
const char *ipp_cli_where(const struct ipp_cli *c);
/* Runs fn in one transaction of c's store: commit on IPP_EXIT_OK, else roll back. */
int ipp_cli_write(struct ipp_cli *c, int (*fn)(struct ipp_cli *, void *, struct ipp_err *),
    void *arg, struct ipp_err *e);
/* Sets c->note (printed by main as a warning). */
void ipp_cli_note(struct ipp_cli *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- cli/cmd_static.c ---- */
/* argv[0] is the verb ("add"); runs one static command. */
int ipp_static_run(struct ipp_cli *c, int argc, char **argv, struct ipp_err *e);
/* Help: every command (cmd NULL) or the one of verb/object. */
void ipp_static_help(FILE *out, const struct ipp_stcmd *cmd);
/* Calls fn for every command of every module. */
void ipp_static_each(void (*fn)(const struct ipp_stcmd *, void *), void *arg);

/* ---- cli/st_common.c: values several command modules share ---- */
/* An optional string tag's value, or NULL. */
const char *ipp_st_str(const struct ipp_nargs *a, size_t tag);
/* Duplicates an optional string into *dst (freeing the old one); 0 or -1 (ENOMEM). */
int ipp_st_dup(char **dst, const char *s, struct ipp_err *e);
/* "all" (any case) */
bool ipp_st_is_all(const char *s);
/* Copies a guid= value into guid (validated by the store). */
int ipp_st_guid(char guid[IPP_GUID_SIZE], const char *s, struct ipp_err *e);
/* The auth tags kerberos=, psk=, rootca= in command-line order into v and n (replacing
 * them when any is given); *given says whether one was.  0 or exit code with e set. */
int ipp_st_auth(const struct ipp_nargs *a, size_t kerb, size_t psk, size_t rootca,
    struct ipp_auth **v, size_t *n, bool *given, struct ipp_err *e);
/* A qmsecmethods= value: the netsh form, with ipsecpol's PFS suffix accepted; BLOCK,
 * PASS and INPASS refused. */
int ipp_st_qmsec(const char *text, struct ipp_qm_offer **v, size_t *n, struct ipp_err *e);
/* mmsecmethods= into mm->offers (replacing them). */
int ipp_st_mmsec(const char *text, struct ipp_mm *mm, struct ipp_err *e);

/* ---- cli/import.c ---- */
/* Runs the script text (name for messages) line by line in c's open transaction.  A
 * failure names the line: "FILE:LINE: message". */
int ipp_import_text(struct ipp_cli *c, const char *name, const char *text, size_t len,
    struct ipp_err *e);

/* ---- cli/cmd_exe.c ---- */
/* ipsecpol.exe-style options (argv[0] is the first option). */
int ipp_exe_run(struct ipp_cli *c, int argc, char **argv, struct ipp_err *e);
void ipp_exe_help(FILE *out);

/* ---- cli/agent.c ---- */
/* The agent's control socket (agent/ctl_client).  Exit codes: IPP_EXIT_AGENT when nothing
 * listens at c->socket_path, IPP_EXIT_PERM when the caller is not root. */
struct ctl_rule;
/* Adds the rules as dynamic rules, all or none; prints their ids. */
int ipp_agent_add(struct ipp_cli *c, struct ctl_rule *v, size_t n, struct ipp_err *e);
/* Deletes every dynamic rule (-u). */
int ipp_agent_flush(struct ipp_cli *c, struct ipp_err *e);
/* argv[0] is status, refresh or dynamic. */
int ipp_agent_run(struct ipp_cli *c, int argc, char **argv, struct ipp_err *e);
void ipp_agent_help(FILE *out);

/* ---- cli/complete.c ---- */
/* The bash completion script, from the command table. */
void ipp_complete_bash(FILE *out);

#endif
