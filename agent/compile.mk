# agent/compile.mk: the Policy Agent's compiler (policy in, XFRM policies out) and the
# apply diff, a convenience library the daemon and the tests link.
noinst_LIBRARIES += agent/libippcompile.a
agent_libippcompile_a_SOURCES = \
	agent/compile.h agent/compile_int.h \
	agent/compile.c agent/compile_key.c agent/compile_addr.c agent/compile_prio.c \
	agent/compile_exempt.c agent/compile_plan.c agent/compile_mem.c \
	agent/diff.h agent/diff.c
LIBIPPCOMPILE = agent/libippcompile.a $(LIBIPPSTORE)
