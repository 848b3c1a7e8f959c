# tests/: the harness shared by every test tier.
noinst_HEADERS += tests/lib/ipp_check.h
EXTRA_DIST += tests/lib/tap.sh
TEST_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
TEST_LIBS = $(CHECK_LIBS)

# tools/test runs the sanitizer flavour over every test but the VM lab: it lists them here.
print-tests:
	@echo $(TESTS)
.PHONY: print-tests
