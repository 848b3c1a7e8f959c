# kernel-xfrm: the XFRM netlink library (libmnl), linked by the agent, the IKE module and tests.
noinst_LIBRARIES += kernel-xfrm/libxfrm.a
kernel_xfrm_libxfrm_a_SOURCES = \
	kernel-xfrm/xfrm.h \
	kernel-xfrm/xfrm_int.h \
	kernel-xfrm/xfrm_handle.c \
	kernel-xfrm/xfrm_attr.c \
	kernel-xfrm/xfrm_policy.c \
	kernel-xfrm/xfrm_state.c \
	kernel-xfrm/xfrm_event.c \
	kernel-xfrm/xfrm_spd.c \
	kernel-xfrm/xfrm_batch.c
kernel_xfrm_libxfrm_a_CFLAGS = $(AM_CFLAGS) $(MNL_CFLAGS)
LIBXFRM = kernel-xfrm/libxfrm.a $(MNL_LIBS)
