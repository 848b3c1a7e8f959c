# tests/store: unit tests of the model, validation and the local store.
if HAVE_CHECK
STORE_UNIT_TESTS = tests/store/check_algo
check_PROGRAMS += $(STORE_UNIT_TESTS)
TESTS += $(STORE_UNIT_TESTS)
tests_store_check_algo_CFLAGS = $(TEST_CFLAGS)
tests_store_check_algo_LDADD = store/libippstore.la $(TEST_LIBS)
endif
# tests/store: the model's text forms, validation and lifecycle.
if HAVE_CHECK
STORE_MODEL_TESTS = tests/store/check_model tests/store/check_addr tests/store/check_validate
check_PROGRAMS += $(STORE_MODEL_TESTS)
TESTS += $(STORE_MODEL_TESTS)
tests_store_check_model_CFLAGS = $(TEST_CFLAGS)
tests_store_check_model_LDADD = store/libippstore.la $(TEST_LIBS)
tests_store_check_addr_CFLAGS = $(TEST_CFLAGS)
tests_store_check_addr_LDADD = store/libippstore.la $(TEST_LIBS)
tests_store_check_validate_CFLAGS = $(TEST_CFLAGS)
tests_store_check_validate_LDADD = store/libippstore.la $(TEST_LIBS)
endif
