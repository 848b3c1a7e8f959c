# agent/compile.mk: the Policy Agent's compiler (policy in, XFRM policies out) and the
# apply diff, a convenience library the daemon and the tests link.
noinst_LTLIBRARIES += agent/libippcompile.la
agent_libippcompile_la_SOURCES = \
	agent/compile.h \
	agent/diff.h
agent_libippcompile_la_LIBADD = store/libippstore.la
