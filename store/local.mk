# store/: the policy model and its backends, one convenience library every program links.
noinst_LIBRARIES += store/libippstore.a
store_libippstore_a_SOURCES = \
	store/err.c store/err.h \
	store/model.c store/model.h \
	store/algo.c \
	store/store.h
store_libippstore_a_CFLAGS = $(AM_CFLAGS) $(SQLITE_CFLAGS)
LIBIPPSTORE = store/libippstore.a $(SQLITE_LIBS)
store_libippstore_a_SOURCES += store/addr.c store/validate.c store/defaults.c
# The store interface and its SQLite backend.
store_libippstore_a_SOURCES += store/backend.h store/store.c store/examples.c
store_libippstore_a_SOURCES += store/sqlite.h store/sqlite.c store/sqlite_schema.c \
	store/sqlite_col.c store/sqlite_names.c store/sqlite_policy.c store/sqlite_load.c \
	store/sqlite_filter.c store/sqlite_action.c store/sqlite_rule.c
nodist_store_libippstore_a_SOURCES = schema/ipsecpol_sql.c
