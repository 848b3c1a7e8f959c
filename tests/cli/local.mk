# tests/cli: table tests of the command-line grammars (cli/libippcli.a).
if HAVE_CHECK
CLI_UNIT_TESTS = tests/cli/check_filterspec tests/cli/check_negpol tests/cli/check_authspec \
	tests/cli/check_mmspec tests/cli/check_netsh_args tests/cli/check_examples \
	tests/cli/check_malformed
check_PROGRAMS += $(CLI_UNIT_TESTS)
TESTS += $(CLI_UNIT_TESTS)
noinst_HEADERS += tests/cli/cli_test.h
CLI_TEST_LIBS = $(LIBIPPCLI) $(LIBIPPSTORE) $(TEST_LIBS)
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
# The ipsecpol program itself, driven like an administrator would (shell tests, TAP).
CLI_SH_TESTS = tests/cli/exe_examples.sh tests/cli/netsh.sh tests/cli/grammar.sh \
	tests/cli/malformed.sh tests/cli/golden.sh tests/cli/roundtrip.sh tests/cli/show_state.sh \
	tests/cli/docs.sh tests/cli/dynamic.sh
TESTS += $(CLI_SH_TESTS)
dist_check_SCRIPTS += $(CLI_SH_TESTS)
dist_check_DATA += tests/cli/cli_env.sh tests/cli/grammar.txt tests/cli/malformed.txt \
	tests/cli/gen_policy.awk
# The golden show outputs (golden.sh; GOLDEN_UPDATE=1 rewrites them).
dist_check_DATA += tests/cli/golden/export.txt tests/cli/golden/show_all.json \
	tests/cli/golden/show_all.txt tests/cli/golden/show_filteraction.json \
	tests/cli/golden/show_filteraction.txt tests/cli/golden/show_filterlist.json \
	tests/cli/golden/show_filterlist.txt tests/cli/golden/show_policy.json \
	tests/cli/golden/show_policy_table.txt tests/cli/golden/show_policy_verbose.txt \
	tests/cli/golden/show_rule.json tests/cli/golden/show_rule.txt \
	tests/cli/golden/show_rule_default.json tests/cli/golden/show_rule_default.txt \
	tests/cli/golden/show_store.json tests/cli/golden/show_store.txt
