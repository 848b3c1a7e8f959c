# store/ldap.mk: the LDAP directory store backend.  Included by the top-level Makefile.am.
# It is part of the one store library every program links; libldap comes with it.
store_libippstore_a_SOURCES += store/ldap.h store/ldap_int.h store/ldap.c \
	store/ldap_values.c store/ldap_mods.c store/ldap_read.c store/ldap_write.c \
	store/ldap_assign.c store/ldap_probe.c store/dir_cancel.c
store_libippstore_a_CFLAGS += $(LDAP_CFLAGS) $(SASL_CFLAGS)
LIBIPPSTORE += $(LDAP_LIBS) $(SASL_LIBS)
