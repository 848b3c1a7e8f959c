# schema/: the SQL schema of the local store.  The library carries it built in, as a C
# string made from schema/ipsecpol.sql; the file is installed for reference.
dist_pkgdata_DATA += schema/ipsecpol.sql
EXTRA_DIST += schema/sql2c.awk
BUILT_SOURCES += schema/ipsecpol_sql.c
CLEANFILES += schema/ipsecpol_sql.c
schema/ipsecpol_sql.c: $(top_srcdir)/schema/ipsecpol.sql $(top_srcdir)/schema/sql2c.awk
	$(AM_V_GEN)$(MKDIR_P) schema && \
	$(AWK) -v name=sqlstore_schema_sql -f $(top_srcdir)/schema/sql2c.awk \
	    $(top_srcdir)/schema/ipsecpol.sql > $@.tmp && mv $@.tmp $@
# The OpenLDAP schema: .schema for slapd.conf, .ldif for cn=config (made from the .schema
# by schema2ldif.awk; tests/ldap/schema.sh checks the shipped .ldif is up to date), and a
# sample fleet.
dist_pkgdata_DATA += schema/ipsecpol.schema schema/ipsecpol.ldif schema/fleet-sample.ldif
EXTRA_DIST += schema/schema2ldif.awk
dist_man_MANS += man/ipsecpol-schema.5
