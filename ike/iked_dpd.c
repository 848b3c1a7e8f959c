/* iked_dpd: the kernel's side of dead peer detection: inbound packet counts of a bundle. */
#include <errno.h>

#include "ike/iked.h"

int
iked_dpd_rx_packets(void *arg, const struct ike_child *c, uint64_t *packets)
{
	struct xfrm_counters in, out;
	int rc = iked_kernel_counters(arg, c->id, &in, &out);

	*packets = rc == 0 ? in.packets : 0;
	return rc;
}
