/*
 * v1_soft: Windows' "allow unsecured communication with non-IPsec-aware computers".  A
 * peer is taken as not IPsec-aware only when our Main Mode got no datagram at all back
 * after every retransmission: any answer, a refusal or a failed authentication included,
 * means the peer speaks IKE, and falling back then would let an attacker who drops or
 * spoofs a single reply downgrade the traffic.  The fallback itself (clear-text policies
 * with an expiry) is the daemon's, through ops->soft_allow.
 */
#include <errno.h>
#include <string.h>
#include <syslog.h>

#include "ike/sa.h"
#include "ike/v1.h"

void
v1_soft_fallback(struct ike_engine *e, struct ike_sa *sa)
{
	char a[IKE_ADDR_STRLEN];
	int rc;

	if (!sa->initiator || sa->have_rx || sa->step != IKE_MM_I1 ||
	    e->ops.soft_allow == NULL)
		return;
	ike_addr_str(&sa->remote, a, sizeof(a));
	for (struct ike_pending *p = sa->pending; p != NULL; p = p->next) {
		const struct ipp_ike_rule *r = ike_rule_by_reqid(e, p->acq.reqid);

		/* The plan may have changed while Main Mode ran: its rule decides now. */
		if (r == NULL || r->action != IPP_ACTION_NEGOTIATE || !r->soft)
			continue;
		rc = e->ops.soft_allow(e->ops.arg, &p->acq, r);
		if (rc < 0) {
			ike_log(e, LOG_ERR, "rule '%s': %s never answered IKE, but the clear-text "
			    "allowance could not be installed: %s", r->name, a, strerror(-rc));
			continue;
		}
		e->st.soft_allowed++;
		ike_log(e, LOG_NOTICE, "rule '%s': %s never answered IKE; soft: talking to it "
		    "in the clear", r->name, a);
	}
}
