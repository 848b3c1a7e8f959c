# kernel-xfrm: the XFRM netlink library (libmnl), linked by the agent, the IKE module and tests.
noinst_LTLIBRARIES += kernel-xfrm/libxfrm.la
kernel_xfrm_libxfrm_la_SOURCES = \
	kernel-xfrm/xfrm.h \
	kernel-xfrm/xfrm_int.h \
	kernel-xfrm/xfrm_handle.c \
	kernel-xfrm/xfrm_attr.c \
	kernel-xfrm/xfrm_policy.c \
	kernel-xfrm/xfrm_state.c \
	kernel-xfrm/xfrm_event.c \
	kernel-xfrm/xfrm_spd.c \
	kernel-xfrm/xfrm_batch.c
kernel_xfrm_libxfrm_la_CFLAGS = $(AM_CFLAGS) $(MNL_CFLAGS)
kernel_xfrm_libxfrm_la_LIBADD = $(MNL_LIBS)
