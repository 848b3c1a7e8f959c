# cli: the grammar layer of the ipsecpol command line, a convenience library the program
# and the tests link.
noinst_LIBRARIES += cli/libippcli.a
cli_libippcli_a_SOURCES = \
	cli/lex.c cli/lex.h \
	cli/filterspec.c cli/filterspec.h \
	cli/negpol.c cli/negpol.h \
	cli/authspec.c cli/authspec.h \
	cli/mmspec.c cli/mmspec.h \
	cli/netsh_args.c cli/netsh_args.h
# Show (text and JSON) and export: the CLI's writers.
cli_libippcli_a_SOURCES += cli/fmt.c cli/fmt.h cli/show_text.c cli/show_text.h \
	cli/show_json.c cli/show_json.h cli/export.c cli/export.h
cli_libippcli_a_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
LIBIPPCLI = cli/libippcli.a $(LIBIPPCTL) $(JANSSON_LIBS)
# The program's command modules: the netsh-style static table, ipsecpol.exe's options,
# import, completion; main is cli/ipsecpol.c alone.
cli_libippcli_a_SOURCES += cli/cli.h cli/cli_store.c cli/st_common.c cli/st_policy.c \
	cli/st_filter.c cli/st_action.c cli/st_rule.c cli/st_show.c cli/st_file.c \
	cli/cmd_static.c cli/import.c cli/exe.h cli/exe_args.c cli/cmd_exe.c cli/agent.c \
	cli/complete.c
sbin_PROGRAMS += cli/ipsecpol
cli_ipsecpol_SOURCES = cli/ipsecpol.c
cli_ipsecpol_LDADD = $(LIBIPPCLI) $(LIBIPPSTORE)
# Bash completion is a product of the build: the program writes it from its table.
bashcompdir = $(datadir)/bash-completion/completions
# bash-completion loads it by the command's name, hence a directory of its own.
bashcomp_DATA = cli/bash-completion/ipsecpol
cli/bash-completion/ipsecpol: cli/ipsecpol$(EXEEXT)
	$(AM_V_GEN)$(MKDIR_P) cli/bash-completion && \
	    cli/ipsecpol$(EXEEXT) complete-bash > $@.tmp && mv $@.tmp $@
CLEANFILES += cli/bash-completion/ipsecpol
# Directory assignments (OUs, hosts) and where a host gets its policy.
cli_libippcli_a_SOURCES += cli/st_assign.c
