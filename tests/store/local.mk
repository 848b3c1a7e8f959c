# tests/store: unit tests of the model, validation and the local store.
if HAVE_CHECK
STORE_UNIT_TESTS = tests/store/check_algo
check_PROGRAMS += $(STORE_UNIT_TESTS)
TESTS += $(STORE_UNIT_TESTS)
tests_store_check_algo_CFLAGS = $(TEST_CFLAGS)
tests_store_check_algo_LDADD = store/libippstore.la $(TEST_LIBS)
endif
