# tests/cli: table tests of the command-line grammars (cli/libippcli.la).
if HAVE_CHECK
CLI_UNIT_TESTS = tests/cli/check_filterspec tests/cli/check_negpol
check_PROGRAMS += $(CLI_UNIT_TESTS)
TESTS += $(CLI_UNIT_TESTS)
noinst_HEADERS += tests/cli/cli_test.h
CLI_TEST_LIBS = cli/libippcli.la store/libippstore.la $(TEST_LIBS)
tests_cli_check_filterspec_CFLAGS = $(TEST_CFLAGS)
tests_cli_check_filterspec_LDADD = $(CLI_TEST_LIBS)
tests_cli_check_negpol_CFLAGS = $(TEST_CFLAGS)
tests_cli_check_negpol_LDADD = $(CLI_TEST_LIBS)
endif
