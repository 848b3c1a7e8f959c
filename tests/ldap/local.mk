# tests/ldap/local.mk: directory tests with a real slapd: the LDAP store.  Included by the top-level Makefile.am.
# slapd.sh is the shared harness (sourced, not run); schema.sh checks the schema itself.
EXTRA_DIST += tests/ldap/slapd.sh
dist_check_SCRIPTS += tests/ldap/schema.sh
TESTS += tests/ldap/schema.sh
