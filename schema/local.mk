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
