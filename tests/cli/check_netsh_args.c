/* netsh-style arguments: splitting with netsh/cmd quoting, prefixes, types and ranges. */
#include <stdlib.h>

#include "cli/netsh_args.h"
#include "tests/cli/cli_test.h"
#include "tests/lib/ipp_check.h"

static const char *const actions[] = { "permit", "block", "negotiate", NULL };

/* A table shaped like netsh's "add filter" and "add rule" put together. */
enum { T_NAME, T_POLICY, T_PSK, T_SRCADDR, T_SRCMASK, T_SRCPORT, T_MIRRORED, T_ACTION,
	T_ROOTCA, T_MMLIFE };
static const struct ipp_nargs_tag tags[] = {
	[T_NAME] = { "name", IPP_NARG_STRING, IPP_NARG_REQUIRED, 0, 0, NULL },
	[T_POLICY] = { "policy", IPP_NARG_STRING, 0, 0, 0, NULL },
	[T_PSK] = { "psk", IPP_NARG_STRING, IPP_NARG_SECRET, 0, 0, NULL },
	[T_SRCADDR] = { "srcaddr", IPP_NARG_STRING, 0, 0, 0, NULL },
	[T_SRCMASK] = { "srcmask", IPP_NARG_STRING, 0, 0, 0, NULL },
	[T_SRCPORT] = { "srcport", IPP_NARG_UINT, 0, 0, 65535, NULL },
	[T_MIRRORED] = { "mirrored", IPP_NARG_BOOL, 0, 0, 0, NULL },
	[T_ACTION] = { "action", IPP_NARG_ENUM, 0, 0, 0, actions },
	[T_ROOTCA] = { "rootca", IPP_NARG_STRING, IPP_NARG_REPEAT, 0, 0, NULL },
	[T_MMLIFE] = { "mmlifetime", IPP_NARG_UINT, 0, 1, 2879, NULL },
};

static const struct {
	const char *line;
	int argc;
	const char *words;	/* argv joined by '|' */
} splits[] = {
	{ "add policy name=\"My Pol\" assign=no", 4, "add|policy|name=My Pol|assign=no" },
	{ "  a\tb\r\n", 2, "a|b" },
	{ "", 0, "" },
	{ "   ", 0, "" },
	{ "\"\"", 1, "" },
	{ "x \"\" y", 3, "x||y" },
	{ "\"a b\"c\" d\"", 1, "a bc d" },
	{ "file=C:\\dir\\pol.ipsec", 1, "file=C:\\dir\\pol.ipsec" },
	{ "say=\\\"hi\\\"", 1, "say=\"hi\"" },
	{ "\"tail\\\\\" x", 2, "tail\\|x" },
	{ "a\\\\\\\"b", 1, "a\\\"b" },
	{ "rootca=\"CN=x certmap:yes excludecaname:no\"", 1,
	  "rootca=CN=x certmap:yes excludecaname:no" },
	{ "name='single' quotes", 2, "name='single'|quotes" },
	{ "caf\xc3\xa9=1", 1, "caf\xc3\xa9=1" },
};

START_TEST(test_split)
{
	struct ipp_err e = { 0 };
	char buf[512] = "", **argv;
	int argc;

	ck_assert_msg(ipp_nargs_split(splits[_i].line, &argv, &argc, &e) == 0, "%s",
	    e.msg);
	ck_assert_int_eq(argc, splits[_i].argc);
	ck_assert_ptr_null(argv[argc]);
	for (int i = 0; i < argc; i++) {
		if (i > 0)
			strcat(buf, "|");
		strcat(buf, argv[i]);
	}
	ck_assert_str_eq(buf, splits[_i].words);
	ipp_nargs_free_argv(argv, argc);
}
END_TEST

START_TEST(test_split_errors)
{
	struct ipp_err e = { 0 };
	char **argv = (char **)1;
	int argc = 7;

	ck_assert_int_eq(ipp_nargs_split("name=\"open", &argv, &argc, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "not closed"));
	ck_assert_ptr_null(argv);
	ck_assert_int_eq(argc, 0);
	ck_assert_int_eq(ipp_nargs_split("a \x01 b", &argv, &argc, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "0x01"));
	ck_assert_int_eq(ipp_nargs_split("a\x7f", &argv, &argc, &e), -1);
}
END_TEST

/* quote() is the inverse of split(): every value comes back as one equal word. */
START_TEST(test_quote_round_trip)
{
	static const char *const values[] = {
		"plain", "", "two words", "quote\"inside", "\"", "back\\slash", "trail\\",
		"trail\\\\", "\\\"", "mixed \\\" and \\\\\"", "tab\there", "C:\\Program Files\\",
		"10.0.0.0/8", "ESP[3DES,SHA1]:100000k/3600s AH[MD5]", "name=x", "'", "caf\xc3\xa9",
	};
	struct ipp_err e = { 0 };

	for (size_t i = 0; i < NELEM(values); i++) {
		char *q = ipp_nargs_quote(values[i], &e), **argv;
		int argc;

		ck_assert_ptr_nonnull(q);
		ck_assert_msg(ipp_nargs_split(q, &argv, &argc, &e) == 0, "%s: %s", q, e.msg);
		ck_assert_msg(argc == 1, "'%s' quoted as '%s' gave %d words", values[i], q, argc);
		ck_assert_str_eq(argv[0], values[i]);
		ipp_nargs_free_argv(argv, argc);
		free(q);
	}
	ck_assert_ptr_null(ipp_nargs_quote("bell\a", &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "0x07"));
}
END_TEST

static int
parse_line(const char *line, struct ipp_nargs *out, struct ipp_err *e)
{
	char **argv;
	int argc, rc;

	ck_assert_int_eq(ipp_nargs_split(line, &argv, &argc, e), 0);
	rc = ipp_nargs_parse("add rule", tags, NELEM(tags), argc, argv, out, e);
	/* Values point into argv; copy what the tests look at before freeing. */
	if (rc == 0)
		for (size_t i = 0; i < out->n; i++)
			out->v[i].str = strdup(out->v[i].str);
	ipp_nargs_free_argv(argv, argc);
	return rc;
}

static void
free_vals(struct ipp_nargs *a)
{
	for (size_t i = 0; i < a->n; i++)
		free((char *)(void *)a->v[i].str);
	ipp_nargs_clear(a);
}

START_TEST(test_parse)
{
	struct ipp_nargs a;
	struct ipp_err e = { 0 };
	const struct ipp_nargs_val *v;

	ck_assert_msg(parse_line("NAME=\"Allow HTTP\" srca=10.0.0.0 rootca=\"CN=A\" "
	    "srcm=255.0.0.0 mir=y srcp=80 act=Negotiate rootca=CN=B mml=480 pol=P", &a, &e) == 0,
	    "%s", e.msg);
	ck_assert_str_eq(ipp_nargs_get(&a, T_NAME)->str, "Allow HTTP");
	ck_assert_str_eq(ipp_nargs_get(&a, T_SRCADDR)->str, "10.0.0.0");
	ck_assert_str_eq(ipp_nargs_get(&a, T_SRCMASK)->str, "255.0.0.0");
	ck_assert_str_eq(ipp_nargs_get(&a, T_POLICY)->str, "P");
	ck_assert(ipp_nargs_get(&a, T_MIRRORED)->b);
	ck_assert_uint_eq(ipp_nargs_get(&a, T_SRCPORT)->u, 80);
	ck_assert_uint_eq(ipp_nargs_get(&a, T_ACTION)->choice, 2);
	ck_assert_uint_eq(ipp_nargs_get(&a, T_MMLIFE)->u, 480);
	ck_assert_ptr_null(ipp_nargs_get(&a, T_PSK));
	/* Repeated tags stay in command-line order. */
	v = ipp_nargs_get(&a, T_ROOTCA);
	ck_assert_str_eq(v->str, "CN=A");
	v = ipp_nargs_next(&a, v);
	ck_assert_str_eq(v->str, "CN=B");
	ck_assert_ptr_null(ipp_nargs_next(&a, v));
	free_vals(&a);

	/* Bare values take the tag at their position (add policy "Name"). */
	ck_assert_int_eq(parse_line("\"My Rule\" Pol psk=k", &a, &e), 0);
	ck_assert_str_eq(ipp_nargs_get(&a, T_NAME)->str, "My Rule");
	ck_assert_str_eq(ipp_nargs_get(&a, T_POLICY)->str, "Pol");
	ck_assert_str_eq(ipp_nargs_get(&a, T_PSK)->str, "k");
	free_vals(&a);

	/* mirrored=no, n, and "exact name beats prefix" (srcaddr is not ambiguous with srca). */
	ck_assert_int_eq(parse_line("name=x mirrored=n", &a, &e), 0);
	ck_assert(!ipp_nargs_get(&a, T_MIRRORED)->b);
	free_vals(&a);
}
END_TEST

static const struct {
	const char *line;
	const char *msg;	/* the whole message */
} bad[] = {
	{ "name=x s=1", "add rule: tag 's' is ambiguous (could be: srcaddr, srcmask, srcport)" },
	{ "name=x src=1", "add rule: tag 'src' is ambiguous (could be: srcaddr, srcmask, srcport)" },
	{ "name=x p=1", "add rule: tag 'p' is ambiguous (could be: policy, psk)" },
	{ "name=x bogus=1", "add rule: tag 'bogus' is unknown (valid: name, policy, psk, srcaddr, "
	  "srcmask, srcport, mirrored, action, rootca, mmlifetime)" },
	{ "name=x =1", "add rule: tag '' is unknown (valid: name, policy, psk, srcaddr, srcmask, "
	  "srcport, mirrored, action, rootca, mmlifetime)" },
	{ "name=x srcaddrx=1", "add rule: tag 'srcaddrx' is unknown (valid: name, policy, psk, "
	  "srcaddr, srcmask, srcport, mirrored, action, rootca, mmlifetime)" },
	{ "name=x mir=maybe", "add rule: mirrored='maybe': expected yes or no (y, n)" },
	{ "name=x mir=", "add rule: mirrored='': expected yes or no (y, n)" },
	{ "name=x srcport=65536", "add rule: srcport='65536': expected a whole number from 0 to "
	  "65535" },
	{ "name=x srcport=-1", "add rule: srcport='-1': expected a whole number from 0 to 65535" },
	{ "name=x srcport=0x50", "add rule: srcport='0x50': expected a whole number from 0 to "
	  "65535" },
	{ "name=x mml=0", "add rule: mmlifetime='0': expected a whole number from 1 to 2879" },
	{ "name=x mml=99999999999", "add rule: mmlifetime='99999999999': expected a whole number "
	  "from 1 to 2879" },
	{ "name=x action=allow", "add rule: action='allow': expected one of permit, block, "
	  "negotiate" },
	{ "name=x action=perm", "add rule: action='perm': expected one of permit, block, "
	  "negotiate" },
	{ "name=x name=y", "add rule: name= given more than once" },
	{ "name=x na=y", "add rule: name= given more than once" },
	{ "policy=P", "add rule: name= is required" },
	{ "", "add rule: name= is required" },
	{ "a b c d e 1 y permit g 480 k", "add rule: 'k' is not TAG=VALUE (and no tag takes it "
	  "by position)" },
	{ "name=x psk=a psk=b", "add rule: psk= given more than once" },
	{ "x srcaddr=1 y z", "add rule: 'z' is not TAG=VALUE (and no tag takes it by "
	  "position)" },
	{ "name=x mirrored=yes mi=no", "add rule: mirrored= given more than once" },
};

START_TEST(test_parse_errors)
{
	struct ipp_nargs a = { (void *)1, 9 };
	struct ipp_err e = { 0 };

	ck_assert_int_eq(parse_line(bad[_i].line, &a, &e), -1);
	ck_assert_int_eq(e.code, IPP_E_INVAL);
	ck_assert_str_eq(e.msg, bad[_i].msg);
	ck_assert_ptr_null(a.v);
	ck_assert_uint_eq(a.n, 0);
}
END_TEST

/* Verbs and commands use the same lookup: unique prefixes, exact names first. */
START_TEST(test_lookup_commands)
{
	static const struct {
		const char *name;
		int id;
	} verbs[] = { { "add", 1 }, { "set", 2 }, { "delete", 3 }, { "show", 4 },
	    { "exportpolicy", 5 }, { "importpolicy", 6 } };
	static const char *const objs[] = { "policy", "filterlist", "filter", "filteraction",
	    "rule", "defaultrule", "all", "store" };
	struct ipp_err e = { 0 };

	ck_assert_int_eq(ipp_nargs_lookup("del", 3, verbs, NELEM(verbs), sizeof(verbs[0]),
	    "verb", &e), 2);
	ck_assert_int_eq(ipp_nargs_lookup("EXP", 3, verbs, NELEM(verbs), sizeof(verbs[0]),
	    "verb", &e), 4);
	ck_assert_int_eq(ipp_nargs_lookup("s", 1, verbs, NELEM(verbs), sizeof(verbs[0]),
	    "verb", &e), -1);
	ck_assert_str_eq(e.msg, "verb 's' is ambiguous (could be: set, show)");
	ck_assert_int_eq(ipp_nargs_lookup("filter", 6, objs, NELEM(objs), sizeof(objs[0]),
	    "object", &e), 2);
	ck_assert_int_eq(ipp_nargs_lookup("filtera", 7, objs, NELEM(objs), sizeof(objs[0]),
	    "object", &e), 3);
	ck_assert_int_eq(ipp_nargs_lookup("filterl", 7, objs, NELEM(objs), sizeof(objs[0]),
	    "object", &e), 1);
	ck_assert_int_eq(ipp_nargs_lookup("fil", 3, objs, NELEM(objs), sizeof(objs[0]),
	    "object", &e), -1);
	ck_assert_str_eq(e.msg, "object 'fil' is ambiguous (could be: filterlist, filter, "
	    "filteraction)");
	ck_assert_int_eq(ipp_nargs_lookup("d", 1, objs, NELEM(objs), sizeof(objs[0]),
	    "object", &e), 5);
	ck_assert_int_eq(ipp_nargs_lookup("x\x1b", 2, objs, NELEM(objs), sizeof(objs[0]),
	    "object", &e), -1);
	ck_assert_ptr_null(strchr(e.msg, '\x1b'));
}
END_TEST

/* A secret value is never echoed, even when it is the bad part. */
START_TEST(test_secret_hidden)
{
	static const struct ipp_nargs_tag t[] = {
		{ "name", IPP_NARG_STRING, 0, 0, 0, NULL },
		{ "pin", IPP_NARG_UINT, IPP_NARG_SECRET, 0, 9999, NULL },
	};
	char arg[] = "pin=12345sekrit", *argv[] = { arg, NULL };
	struct ipp_nargs a;
	struct ipp_err e = { 0 };

	ck_assert_int_eq(ipp_nargs_parse("x", t, NELEM(t), 1, argv, &a, &e), -1);
	ck_assert_ptr_null(strstr(e.msg, "sekrit"));
	ck_assert_ptr_nonnull(strstr(e.msg, "pin="));
}
END_TEST

/* A long list of valid names is cut with "..." inside the message buffer. */
START_TEST(test_long_list)
{
	static char names[64][40];
	struct ipp_nargs_tag t[64];
	char cmd[200], arg[] = "zzz=1", *argv[] = { arg, NULL };
	struct ipp_nargs a;
	struct ipp_err e = { 0 };
	size_t len;

	for (int i = 0; i < 64; i++) {
		snprintf(names[i], sizeof(names[i]), "a_rather_long_tag_name_number_%02d", i);
		t[i] = (struct ipp_nargs_tag){ names[i], IPP_NARG_STRING, 0, 0, 0, NULL };
	}
	memset(cmd, 'c', sizeof(cmd) - 1);
	cmd[sizeof(cmd) - 1] = '\0';
	ck_assert_int_eq(ipp_nargs_parse(cmd, t, 64, 1, argv, &a, &e), -1);
	len = strlen(e.msg);
	ck_assert_uint_lt(len, sizeof(e.msg));
	ck_assert_str_eq(e.msg + len - 6, ", ...)");
	ck_assert_ptr_nonnull(strstr(e.msg, "'zzz' is unknown (valid: a_rather_long_tag_name"));
}
END_TEST

static Suite *
nargs_suite(void)
{
	Suite *s = suite_create("netsh_args");
	TCase *tc = tcase_create("grammar");

	tcase_add_loop_test(tc, test_split, 0, (int)NELEM(splits));
	tcase_add_test(tc, test_split_errors);
	tcase_add_test(tc, test_quote_round_trip);
	tcase_add_test(tc, test_parse);
	tcase_add_loop_test(tc, test_parse_errors, 0, (int)NELEM(bad));
	tcase_add_test(tc, test_lookup_commands);
	tcase_add_test(tc, test_secret_hidden);
	tcase_add_test(tc, test_long_list);
	suite_add_tcase(s, tc);
	return s;
}

IPP_CHECK_MAIN(nargs_suite)
