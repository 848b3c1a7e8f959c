# store/ldap.mk: the LDAP directory store backend.  Included by the top-level Makefile.am.
