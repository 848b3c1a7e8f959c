# tests/xfrm: kernel-xfrm unit tests, netns tests against iproute2, and xfrmtool (also run by
# the VM lab).
check_PROGRAMS += tests/xfrm/xfrmtool
tests_xfrm_xfrmtool_SOURCES = tests/xfrm/xfrmtool.c
tests_xfrm_xfrmtool_CFLAGS = $(AM_CFLAGS) $(MNL_CFLAGS)
tests_xfrm_xfrmtool_LDADD = kernel-xfrm/libxfrm.la
