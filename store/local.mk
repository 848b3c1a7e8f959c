# store/: the policy model and its backends, one convenience library every program links.
noinst_LTLIBRARIES += store/libippstore.la
store_libippstore_la_SOURCES = \
	store/err.c store/err.h \
	store/model.c store/model.h \
	store/algo.c \
	store/store.h
store_libippstore_la_CFLAGS = $(AM_CFLAGS) $(SQLITE_CFLAGS) $(CRYPTO_CFLAGS)
store_libippstore_la_LIBADD = $(SQLITE_LIBS) $(CRYPTO_LIBS)
store_libippstore_la_SOURCES += store/addr.c store/validate.c store/defaults.c
