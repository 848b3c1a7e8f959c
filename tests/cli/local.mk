# tests/cli: table tests of the command-line grammars (cli/libippcli.la).
if HAVE_CHECK
CLI_UNIT_TESTS = tests/cli/check_filterspec tests/cli/check_negpol tests/cli/check_authspec \
	tests/cli/check_mmspec tests/cli/check_netsh_args tests/cli/check_examples \
	tests/cli/check_malformed
check_PROGRAMS += $(CLI_UNIT_TESTS)
TESTS += $(CLI_UNIT_TESTS)
noinst_HEADERS += tests/cli/cli_test.h
CLI_TEST_LIBS = cli/libippcli.la store/libippstore.la $(TEST_LIBS)
tests_cli_check_filterspec_CFLAGS = $(TEST_CFLAGS)
tests_cli_check_filterspec_LDADD = $(CLI_TEST_LIBS)
tests_cli_check_negpol_CFLAGS = $(TEST_CFLAGS)
tests_cli_check_negpol_LDADD = $(CLI_TEST_LIBS)
tests_cli_check_authspec_CFLAGS = $(TEST_CFLAGS)
tests_cli_check_authspec_LDADD = $(CLI_TEST_LIBS)
tests_cli_check_mmspec_CFLAGS = $(TEST_CFLAGS)
tests_cli_check_mmspec_LDADD = $(CLI_TEST_LIBS)
tests_cli_check_netsh_args_CFLAGS = $(TEST_CFLAGS)
tests_cli_check_netsh_args_LDADD = $(CLI_TEST_LIBS)
tests_cli_check_examples_CFLAGS = $(TEST_CFLAGS)
tests_cli_check_examples_LDADD = $(CLI_TEST_LIBS)
tests_cli_check_malformed_CFLAGS = $(TEST_CFLAGS)
tests_cli_check_malformed_LDADD = $(CLI_TEST_LIBS)
endif
