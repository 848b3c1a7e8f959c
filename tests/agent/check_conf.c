/*
 * ipsecpold.conf(5), the directory keys: defaults, good values, and every refusal naming
 * the file, the line, the key and what was expected.  The password file's rule (root's,
 * 0600 or 0400) is checked as whoever runs the test: root gets it accepted, others refused.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "agent/conf.h"
#include "tests/lib/ipp_check.h"

static char dir[] = "/tmp/ipp-check-conf-XXXXXX";
static char conf[sizeof(dir) + 16], pwfile[sizeof(dir) + 16];

static void
setup(void)
{
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(strcpy(dir, "/tmp/ipp-check-conf-XXXXXX")));
	snprintf(conf, sizeof(conf), "%s/conf", dir);
	snprintf(pwfile, sizeof(pwfile), "%s/pw", dir);
	ck_assert_ptr_nonnull(f = fopen(pwfile, "w"));
	fputs("reader-secret\n", f);
	fclose(f);
	ck_assert_int_eq(chmod(pwfile, 0600), 0);
}

static void
teardown(void)
{
	char cmd[sizeof(dir) + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Writes the lines (NULL-terminated) to conf and loads it. */
static int
load(struct agent_conf *c, struct ipp_err *e, ...)
{
	const char *l;
	va_list ap;
	FILE *f;

	ck_assert_ptr_nonnull(f = fopen(conf, "w"));
	va_start(ap, e);
	while ((l = va_arg(ap, const char *)) != NULL)
		fprintf(f, "%s\n", l);
	va_end(ap);
	fclose(f);
	return agent_conf_load(c, conf, e);
}

/* The load fails with "conf:LINE: ...want...". */
#define REFUSED(line, want, ...) do {						\
	struct agent_conf c_;							\
	struct ipp_err e_;							\
	char pre_[sizeof(conf) + 16];						\
	snprintf(pre_, sizeof(pre_), "%s:%d: ", conf, line);			\
	ck_assert_int_eq(load(&c_, &e_, __VA_ARGS__, NULL), -1);		\
	ck_assert_msg(strncmp(e_.msg, pre_, strlen(pre_)) == 0 &&		\
	    strstr(e_.msg, want) != NULL, "got '%s', want '%s%s'", e_.msg,	\
	    pre_, want);							\
} while (0)

START_TEST(test_defaults)
{
	struct agent_conf c;
	struct ipp_err e;

	ck_assert_msg(load(&c, &e, "# nothing", NULL) == 0, "%s", e.msg);
	ck_assert_ptr_null(c.ldap_uri);
	ck_assert_uint_eq(c.ldap_timeout, 10);
	ck_assert_uint_eq(c.retry_interval, 60);
	ck_assert_uint_eq(c.ldap_bind, AGENT_BIND_NONE);
	ck_assert_str_eq(c.cache, IPP_CACHEDIR "/directory.db");
	agent_conf_clear(&c);
}
END_TEST

START_TEST(test_good_directory)
{
	char pw[128], host[256], bind[128];
	struct agent_conf c;
	struct ipp_err e;
	int rc;

	snprintf(bind, sizeof(bind), "ldap_bind_password_file = %s", pwfile);
	rc = load(&c, &e, "ldap_uri = ldaps://ldap.example.org:636", "ldap_base = dc=example,dc=org",
	    "host_identity = cn=lab1,ou=Labs,dc=example,dc=org", "ldap_bind = simple",
	    "ldap_bind_dn = cn=reader,dc=example,dc=org", bind, "ldap_timeout = 5",
	    "poll_interval_min = 5", "poll_interval_max = 60", "retry_interval = 30",
	    "cache = /var/cache/ipsecpol/dir.cache", NULL);
	if (geteuid() != 0) {
		ck_assert_int_eq(rc, -1);
		ck_assert_ptr_nonnull(strstr(e.msg, "owned by root"));
		return;
	}
	ck_assert_msg(rc == 0, "%s", e.msg);
	ck_assert_str_eq(c.ldap_uri, "ldaps://ldap.example.org:636");
	ck_assert_uint_eq(c.ldap_bind, AGENT_BIND_SIMPLE);
	ck_assert_uint_eq(c.ldap_timeout, 5);
	ck_assert_str_eq(agent_conf_host(&c, host, sizeof(host)),
	    "cn=lab1,ou=Labs,dc=example,dc=org");
	ck_assert_int_eq(agent_conf_password(&c, pw, sizeof(pw), &e), 0);
	ck_assert_str_eq(pw, "reader-secret");
	/* 0400 is fine too; group or others, or a second line, are not. */
	ck_assert_int_eq(chmod(pwfile, 0400), 0);
	ck_assert_int_eq(agent_conf_password(&c, pw, sizeof(pw), &e), 0);
	ck_assert_int_eq(chmod(pwfile, 0640), 0);
	ck_assert_int_eq(agent_conf_password(&c, pw, sizeof(pw), &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "mode 0600 or 0400 (it is a file, owner 0, mode 0640)"));
	ck_assert_int_eq(chown(pwfile, 65534, 65534), 0);
	ck_assert_int_eq(chmod(pwfile, 0600), 0);
	ck_assert_int_eq(agent_conf_password(&c, pw, sizeof(pw), &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "owner 65534"));
	agent_conf_clear(&c);
}
END_TEST

START_TEST(test_host_default)
{
	struct agent_conf c;
	struct ipp_err e;
	char host[256], want[256];

	ck_assert_msg(load(&c, &e, "ldap_uri = ldapi://%2Frun%2Fslapd%2Fldapi",
	    "ldap_base = dc=x", "ldap_bind = external", NULL) == 0, "%s", e.msg);
	ck_assert_int_eq(gethostname(want, sizeof(want)), 0);
	ck_assert_str_eq(agent_conf_host(&c, host, sizeof(host)), want);
	agent_conf_clear(&c);
}
END_TEST

START_TEST(test_bad_values)
{
	REFUSED(2, "'http://x' is not an ldap://, ldaps:// or ldapi:// URI for key 'ldap_uri'",
	    "# x", "ldap_uri = http://x");
	REFUSED(1, "is not one URI", "ldap_uri = ldap://a,ldap://b");
	REFUSED(1, "names more than a server (give the base DN with ldap_base)",
	    "ldap_uri = ldap://h/dc=x");
	REFUSED(2, "'not a dn' is not a distinguished name", "ldap_uri = ldap://h",
	    "ldap_base = not a dn");
	REFUSED(3, "'bad host!' is neither a distinguished name nor a host name",
	    "ldap_uri = ldap://h", "ldap_base = dc=x", "host_identity = bad host!");
	REFUSED(3, "'kerberos' is not one of none, simple, external for key 'ldap_bind'",
	    "ldap_uri = ldap://h", "ldap_base = dc=x", "ldap_bind = kerberos");
	REFUSED(1, "'0' is not a number from 1 to 300 for key 'ldap_timeout'",
	    "ldap_timeout = 0");
	REFUSED(1, "'maybe' is not yes or no for key 'ldap_starttls'", "ldap_starttls = maybe");
	REFUSED(1, "'0' is not a number from 1 to 43200 for key 'poll_interval_min'",
	    "poll_interval_min = 0");
	REFUSED(1, "'relative' is not an absolute path for key 'ldap_ca_file'",
	    "ldap_ca_file = relative");
}
END_TEST

START_TEST(test_keys_that_go_together)
{
	REFUSED(2, "key 'ldap_base' needs ldap_uri (no directory is configured)", "# x",
	    "ldap_base = dc=x");
	REFUSED(1, "key 'ldap_uri' needs ldap_base", "ldap_uri = ldap://h");
	REFUSED(3, "key 'ldap_starttls' is for ldap:// only (ldaps:// speaks TLS from the start)",
	    "ldap_uri = ldaps://h", "ldap_base = dc=x", "ldap_starttls = yes");
	REFUSED(3, "ldap_bind = simple needs ldap_bind_dn and ldap_bind_password_file",
	    "ldap_uri = ldap://h", "ldap_base = dc=x", "ldap_bind = simple");
	REFUSED(3, "key 'ldap_bind_dn' is for ldap_bind = simple only",
	    "ldap_uri = ldap://h", "ldap_base = dc=x", "ldap_bind_dn = cn=a,dc=x");
	REFUSED(3, "ldap_bind = external needs ldapi:// or a TLS client certificate",
	    "ldap_uri = ldap://h", "ldap_base = dc=x", "ldap_bind = external");
	REFUSED(3, "ldap_ca_file /nonexistent/ca.pem cannot be read: No such file",
	    "ldap_uri = ldaps://h", "ldap_base = dc=x", "ldap_ca_file = /nonexistent/ca.pem");
	REFUSED(2, "poll_interval_max 5 is below poll_interval_min 10",
	    "poll_interval_min = 10", "poll_interval_max = 5");
}
END_TEST

START_TEST(test_password_file_refused_at_load)
{
	char line[128];

	snprintf(line, sizeof(line), "ldap_bind_password_file = %s", pwfile);
	ck_assert_int_eq(chmod(pwfile, 0644), 0);
	REFUSED(5, "must be a regular file owned by root with mode 0600 or 0400",
	    "ldap_uri = ldap://h", "ldap_base = dc=x", "ldap_bind = simple",
	    "ldap_bind_dn = cn=a,dc=x", line);
}
END_TEST

static Suite *
conf_suite(void)
{
	Suite *s = suite_create("conf");
	TCase *tc = tcase_create("directory keys");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_good_directory);
	tcase_add_test(tc, test_host_default);
	tcase_add_test(tc, test_bad_values);
	tcase_add_test(tc, test_keys_that_go_together);
	tcase_add_test(tc, test_password_file_refused_at_load);
	suite_add_tcase(s, tc);
	return s;
}

IPP_CHECK_MAIN(conf_suite)
