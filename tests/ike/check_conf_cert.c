/*
 * The IKE certificate keys of ipsecpold.conf(5): accepted, passed to the module as its
 * options, and refused with the line when they cannot work (a key file another user may
 * read, a certificate without key, CRLs without CAs, a missing file).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "agent/conf.h"
#include "agent/ike.h"
#include "tests/lib/ipp_check.h"

static char dir[] = "/tmp/ipp-conf-cert-XXXXXX";
static char conf[64], cert[64], key[64], ca[64];
static char l_cert[128], l_key[128], l_ca[128], l_crl[128], l_dir[128];

static void
touch(const char *path, mode_t mode)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs("x\n", f);
	fclose(f);
	ck_assert_int_eq(chmod(path, mode), 0);
}

static void
setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(strcpy(dir, "/tmp/ipp-conf-cert-XXXXXX")));
	snprintf(conf, sizeof(conf), "%s/conf", dir);
	snprintf(cert, sizeof(cert), "%s/host.pem", dir);
	snprintf(key, sizeof(key), "%s/host.key", dir);
	snprintf(ca, sizeof(ca), "%s/ca.pem", dir);
	touch(cert, 0644);
	touch(key, 0600);
	touch(ca, 0644);
	snprintf(l_cert, sizeof(l_cert), "ike_cert_file = %s", cert);
	snprintf(l_key, sizeof(l_key), "ike_key_file = %s", key);
	snprintf(l_ca, sizeof(l_ca), "ike_ca_file = %s", ca);
	snprintf(l_crl, sizeof(l_crl), "ike_crl_file = %s", ca);
	snprintf(l_dir, sizeof(l_dir), "ike_ca_dir = %s", dir);
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static int
load(struct agent_conf *c, struct ipp_err *e, const char *const *lines)
{
	FILE *f = fopen(conf, "w");

	ck_assert_ptr_nonnull(f);
	for (size_t i = 0; lines[i] != NULL; i++)
		fprintf(f, "%s\n", lines[i]);
	fclose(f);
	return agent_conf_load(c, conf, e);
}

START_TEST(test_keys_to_options)
{
	const char *lines[] = { l_cert, l_key, l_ca, l_dir, l_crl, NULL };
	const char *args[AGENT_IKE_ARGS_MAX + 1];
	struct agent_conf c;
	struct ipp_err e;

	ck_assert_msg(load(&c, &e, lines) == 0, "%s", e.msg);
	agent_ike_cert_args(&c, args);
	ck_assert_str_eq(args[0], "-C");
	ck_assert_str_eq(args[1], cert);
	ck_assert_str_eq(args[2], "-K");
	ck_assert_str_eq(args[3], key);
	ck_assert_str_eq(args[4], "-A");
	ck_assert_str_eq(args[5], ca);
	ck_assert_str_eq(args[6], "-a");
	ck_assert_str_eq(args[7], dir);
	ck_assert_str_eq(args[8], "-R");
	ck_assert_str_eq(args[9], ca);
	ck_assert_ptr_null(args[10]);
	agent_conf_clear(&c);
	/* None set: no options. */
	lines[0] = NULL;
	ck_assert_int_eq(load(&c, &e, lines), 0);
	agent_ike_cert_args(&c, args);
	ck_assert_ptr_null(args[0]);
	agent_conf_clear(&c);
}
END_TEST

START_TEST(test_refusals)
{
	const char *only_cert[] = { l_ca, l_cert, NULL };
	const char *crl_no_ca[] = { l_crl, NULL };
	const char *missing[] = { "ike_ca_file = /nonexistent/ca.pem", NULL };
	const char *both[] = { l_cert, l_key, NULL };
	struct agent_conf c;
	struct ipp_err e;
	char want[256];

	ck_assert_int_eq(load(&c, &e, only_cert), -1);
	ck_assert_msg(strstr(e.msg, ":2: ike_cert_file and ike_key_file go together") != NULL,
	    "%s", e.msg);
	ck_assert_int_eq(load(&c, &e, crl_no_ca), -1);
	ck_assert_msg(strstr(e.msg, ":1: ike_crl_file needs ike_ca_file") != NULL, "%s",
	    e.msg);
	ck_assert_int_eq(load(&c, &e, missing), -1);
	ck_assert_msg(strstr(e.msg, "/nonexistent/ca.pem cannot be read") != NULL, "%s",
	    e.msg);
	ck_assert_int_eq(chmod(key, 0644), 0);
	ck_assert_int_eq(load(&c, &e, both), -1);
	snprintf(want, sizeof(want), ":2: ike_key_file %s must be a file owned by root with "
	    "mode 0600 or 0400 (it is owned by uid %u, mode 0644)", key, (unsigned)getuid());
	ck_assert_msg(strstr(e.msg, want) != NULL, "%s", e.msg);
	ck_assert_int_eq(chmod(key, 0400), 0);
	if (getuid() == 0) {
		ck_assert_msg(load(&c, &e, both) == 0, "%s", e.msg);
		agent_conf_clear(&c);
	} else {
		ck_assert_int_eq(load(&c, &e, both), -1);
	}
}
END_TEST

static Suite *
conf_cert_suite(void)
{
	Suite *s = suite_create("conf_cert");
	TCase *tc = tcase_create("ike certificate keys");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_keys_to_options);
	tcase_add_test(tc, test_refusals);
	suite_add_tcase(s, tc);
	return s;
}

IPP_CHECK_MAIN(conf_cert_suite)
