# tests/fuzz: build fragment, included by the top-level Makefile.am
# fuzz_addr: ipp_addr_parse (address text, NUL, mask).
if ENABLE_FUZZER
noinst_PROGRAMS += tests/fuzz/fuzz_addr
tests_fuzz_fuzz_addr_SOURCES = tests/fuzz/fuzz_addr.c
tests_fuzz_fuzz_addr_LDADD = store/libippstore.la
tests_fuzz_fuzz_addr_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
endif
# fuzz_import: the import-script reader and the whole static command layer behind it.
if ENABLE_FUZZER
noinst_PROGRAMS += tests/fuzz/fuzz_import
tests_fuzz_fuzz_import_SOURCES = tests/fuzz/fuzz_import.c
tests_fuzz_fuzz_import_LDADD = cli/libippcli.la store/libippstore.la
tests_fuzz_fuzz_import_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
endif
