# tests/ldap/local.mk: directory tests with a real slapd: the LDAP store.  Included by the top-level Makefile.am.
