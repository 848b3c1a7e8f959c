/*
 * libFuzzer target: every kernel-xfrm decoder of kernel messages (policy, state, event,
 * SPD info) on the same bytes, as a datagram of one or more netlink messages would reach
 * them.  Anything but a clean return is a bug: out-of-bounds reads, misaligned loads, or a
 * state left holding key bytes after a failed parse.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "kernel-xfrm/xfrm.h"

static void
one(const struct nlmsghdr *nlh, size_t len)
{
	struct xfrm_policy p;
	struct xfrm_state s;
	struct xfrm_event ev;
	struct xfrm_spd_info i;

	(void)xfrm_policy_parse(nlh, len, &p);
	if (xfrm_state_parse(nlh, len, &s) < 0 && s.enc.key_len + s.auth.key_len +
	    s.aead.key_len != 0)
		abort();	/* a failed parse must leave no key behind */
	xfrm_state_wipe(&s);
	(void)xfrm_event_parse(nlh, len, &ev);
	(void)xfrm_spd_parse(nlh, len, &i);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct nlmsghdr *nlh;
	uint8_t *buf;
	int len = (int)size;

	if (size > 65536)
		return 0;
	/* Datagrams arrive 4-byte aligned: give the decoders the same. */
	if ((buf = malloc(size + 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	/* Walk as the library does (mnl_nlmsg_ok() is not safe with lengths >= 2^31). */
	for (nlh = (const void *)buf; len >= (int)NLMSG_HDRLEN &&
	    nlh->nlmsg_len >= NLMSG_HDRLEN && nlh->nlmsg_len <= (unsigned int)len;
	    nlh = mnl_nlmsg_next(nlh, &len))
		one(nlh, (size_t)len);
	one((const void *)buf, size);
	free(buf);
	return 0;
}
