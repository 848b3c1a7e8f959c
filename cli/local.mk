# cli: the grammar layer of the ipsecpol command line, a convenience library the program
# and the tests link.
noinst_LTLIBRARIES += cli/libippcli.la
cli_libippcli_la_SOURCES = \
	cli/lex.c cli/lex.h \
	cli/filterspec.c cli/filterspec.h \
	cli/negpol.c cli/negpol.h \
	cli/authspec.c cli/authspec.h \
	cli/mmspec.c cli/mmspec.h \
	cli/netsh_args.c cli/netsh_args.h
# Show (text and JSON) and export: the CLI's writers.
cli_libippcli_la_SOURCES += cli/fmt.c cli/fmt.h cli/show_text.c cli/show_text.h \
	cli/show_json.c cli/show_json.h cli/export.c cli/export.h
cli_libippcli_la_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
cli_libippcli_la_LIBADD = $(JANSSON_LIBS)
