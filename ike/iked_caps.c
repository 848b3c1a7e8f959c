/*
 * iked_caps: after the sockets are bound the module needs only CAP_NET_ADMIN (netlink
 * XFRM: SAs, SPI allocation, the default response rule's policies, the SPD dump).  It
 * keeps that one in its permitted and effective sets, clears the inheritable and ambient
 * sets and the bounding set of everything else, keeps it across no setuid (there is none),
 * and sets PR_SET_NO_NEW_PRIVS so nothing it could ever exec gains privileges.  Raw
 * syscalls (capget/capset, prctl): no library for two calls.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <linux/capability.h>

#include "ike/iked.h"

static int
caps_set(uint64_t keep)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct c[_LINUX_CAPABILITY_U32S_3];

	memset(c, 0, sizeof(c));
	for (int i = 0; i < _LINUX_CAPABILITY_U32S_3; i++) {
		c[i].permitted = (uint32_t)(keep >> (32 * i));
		c[i].effective = c[i].permitted;
	}
	if (syscall(SYS_capset, &h, c) < 0)
		return -errno;
	return 0;
}

int
iked_caps_drop(void)
{
	uint64_t keep = 1ull << CAP_NET_ADMIN;
	int rc;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	/* Ambient capabilities would survive an exec; the module never execs, still none. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return -errno;
	/* The bounding set needs CAP_SETPCAP, which goes with the capset below. */
	for (int cap = 0; cap <= 63; cap++) {
		if (cap == CAP_NET_ADMIN)
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			return -errno;
	}
	if ((rc = caps_set(keep)) < 0)
		return rc;
	return 0;
}
