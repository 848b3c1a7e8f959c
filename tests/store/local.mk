# tests/store: unit tests of the model, validation and the local store.
if HAVE_CHECK
STORE_UNIT_TESTS = tests/store/check_algo tests/store/check_dir_cancel
check_PROGRAMS += $(STORE_UNIT_TESTS)
TESTS += $(STORE_UNIT_TESTS)
tests_store_check_algo_CFLAGS = $(TEST_CFLAGS)
tests_store_check_algo_LDADD = $(LIBIPPSTORE) $(TEST_LIBS)
tests_store_check_dir_cancel_CFLAGS = $(TEST_CFLAGS)
tests_store_check_dir_cancel_LDADD = $(LIBIPPSTORE) $(TEST_LIBS)
endif
# tests/store: the model's text forms, validation and lifecycle.
if HAVE_CHECK
STORE_MODEL_TESTS = tests/store/check_model tests/store/check_addr tests/store/check_validate
check_PROGRAMS += $(STORE_MODEL_TESTS)
TESTS += $(STORE_MODEL_TESTS)
tests_store_check_model_CFLAGS = $(TEST_CFLAGS)
tests_store_check_model_LDADD = $(LIBIPPSTORE) $(TEST_LIBS)
tests_store_check_addr_CFLAGS = $(TEST_CFLAGS)
tests_store_check_addr_LDADD = $(LIBIPPSTORE) $(TEST_LIBS)
tests_store_check_validate_CFLAGS = $(TEST_CFLAGS)
tests_store_check_validate_LDADD = $(LIBIPPSTORE) $(TEST_LIBS)
endif
# The local store (SQLite backend): operations, failure paths, examples, concurrency.
if HAVE_CHECK
STORE_DB_TESTS = tests/store/check_store tests/store/check_store_open \
	tests/store/check_store_examples tests/store/check_store_concurrent
check_PROGRAMS += $(STORE_DB_TESTS)
TESTS += $(STORE_DB_TESTS)
check_LIBRARIES += tests/store/libstoretest.a
tests_store_libstoretest_a_SOURCES = tests/store/store_test.c tests/store/store_test.h
tests_store_libstoretest_a_CFLAGS = $(TEST_CFLAGS) $(SQLITE_CFLAGS)
STORE_TEST_HELPERS = tests/store/store_test.h
STORE_TEST_LDADD = tests/store/libstoretest.a $(LIBIPPSTORE) $(TEST_LIBS) $(SQLITE_LIBS)
STORE_TEST_CFLAGS = $(TEST_CFLAGS) $(SQLITE_CFLAGS)
tests_store_check_store_SOURCES = tests/store/check_store.c $(STORE_TEST_HELPERS)
tests_store_check_store_CFLAGS = $(STORE_TEST_CFLAGS)
tests_store_check_store_LDADD = $(STORE_TEST_LDADD)
tests_store_check_store_open_SOURCES = tests/store/check_store_open.c $(STORE_TEST_HELPERS)
tests_store_check_store_open_CFLAGS = $(STORE_TEST_CFLAGS)
tests_store_check_store_open_LDADD = $(STORE_TEST_LDADD)
tests_store_check_store_examples_SOURCES = tests/store/check_store_examples.c \
	$(STORE_TEST_HELPERS)
tests_store_check_store_examples_CFLAGS = $(STORE_TEST_CFLAGS)
tests_store_check_store_examples_LDADD = $(STORE_TEST_LDADD)
tests_store_check_store_concurrent_SOURCES = tests/store/check_store_concurrent.c \
	$(STORE_TEST_HELPERS)
tests_store_check_store_concurrent_CFLAGS = $(STORE_TEST_CFLAGS)
tests_store_check_store_concurrent_LDADD = $(STORE_TEST_LDADD)
endif
# The store benchmark's program: built by "make check", run only by tests/bench/store.
if HAVE_CHECK
check_PROGRAMS += tests/bench/bench_store
tests_bench_bench_store_LDADD = $(LIBIPPSTORE)
endif
EXTRA_DIST += tests/bench/store
# fuzz_store_file: the local store's file reader, on raw files and damaged real stores.
if ENABLE_FUZZER
noinst_PROGRAMS += tests/fuzz/fuzz_store_file
tests_fuzz_fuzz_store_file_SOURCES = tests/fuzz/fuzz_store_file.c
tests_fuzz_fuzz_store_file_LDADD = $(LIBIPPSTORE)
tests_fuzz_fuzz_store_file_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
endif
