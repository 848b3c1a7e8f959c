/*
 * ike_plan: the IKE plan on the IKE socket (ipsecpold(8), IKE SOCKET PROTOCOL).  Same
 * framing as the control protocol (agent/ctl_proto.h); the agent sends, the IKE module
 * reads.  A plan is IKE_PLAN_BEGIN, IKE_PLAN_MAIN, one IKE_PLAN_RULE per reqid, then
 * IKE_PLAN_END with the same generation; a module applies it whole at END.
 */
#ifndef IPP_AGENT_IKE_PLAN_H
#define IPP_AGENT_IKE_PLAN_H

#include "agent/compile.h"
#include "agent/ctl_proto.h"

enum ike_plan_type {
	IKE_PLAN_BEGIN = 0x40,	/* IKE_A_GEN, IKE_A_NRULES */
	IKE_PLAN_MAIN,		/* main-mode settings and the default response rule */
	IKE_PLAN_RULE,		/* one negotiate rule */
	IKE_PLAN_END,		/* IKE_A_GEN, IKE_A_NRULES */
	/*
	 * The agent's questions for `ipsecpol dynamic show`; the module answers with the type
	 * or-ed with CTL_REPLY and the request's sequence number, in the control protocol's
	 * attributes (CTL_A_MMSA, CTL_A_QMSA, CTL_A_IKESTAT, CTL_A_SOFTSA; ctl_proto.h),
	 * CTL_F_MORE on all but the last reply.  The agent relays the replies to its client.
	 * IKE_SHOW_QMSA's replies end with the soft associations; IKE_SHOW_SOFTSA's have only
	 * them.
	 */
	IKE_SHOW_MMSA = 0x48,
	IKE_SHOW_QMSA,
	IKE_SHOW_STATS,
	IKE_SHOW_SOFTSA,
};

enum ike_plan_attr {
	IKE_A_GEN = 1,		/* u32 */
	IKE_A_NRULES,		/* u32 */
	IKE_A_POLICY,		/* string */
	IKE_A_GUID,		/* string */
	IKE_A_MM_LIFE_MIN,	/* u32 */
	IKE_A_QM_PER_MM,	/* u32 */
	IKE_A_MM_PFS,		/* u8 */
	IKE_A_MM_OFFER,		/* nested: IKE_M_* */
	IKE_A_DEF_ACTIVE,	/* u8 */
	IKE_A_DEF_OFFER,	/* nested CTL_O_* */
	IKE_A_DEF_AUTH,		/* nested CTL_U_* (preshared keys included) */
	IKE_A_REQID,		/* u32 */
	IKE_A_NAME,		/* string: the rule */
	IKE_A_ACTION,		/* u8 ipp_action */
	IKE_A_INPASS,		/* u8 */
	IKE_A_SOFT,		/* u8 */
	IKE_A_CONNTYPE,		/* u8 */
	IKE_A_MODE,		/* u8 XFRM_MODE_* */
	IKE_A_TUNNEL_FAMILY,	/* u16 AF_* */
	IKE_A_TUNNEL_LOCAL,	/* 16 bytes, network order */
	IKE_A_TUNNEL_REMOTE,	/* 16 bytes */
	IKE_A_OFFER,		/* nested CTL_O_* */
	IKE_A_AUTH,		/* nested CTL_U_* (preshared keys included) */
	IKE_A_DROPPED_OFFERS,	/* u32 */
	/* dpd (IKE_PLAN_MAIN; absent: DPD off) */
	IKE_A_DPD_DELAY = 0x40,	/* u32 seconds, 0 = off */
	IKE_A_DPD_TIMEOUT = 0x41, /* u32 seconds */
	IKE_A_DPD_ACTION = 0x42, /* u8 ipp_dpd_action */
	/* soft */
	IKE_A_SOFT_EXPIRE_S = 0x48,	/* u32 (MAIN): soft associations' lifetime, 0 = 300 s */
};

enum ike_mm_attr {
	IKE_M_CIPHER = 1,	/* u8 ipp_cipher */
	IKE_M_HASH,		/* u8 ipp_hash */
	IKE_M_GROUP,		/* u16 IANA group */
};

/*
 * Calls send(m, arg) for each message of plan c (NULL: an empty plan) with generation gen.
 * Each message is wiped after send.  Returns 0 or the first non-zero value send returned.
 */
typedef int (*ike_plan_send_fn)(const struct ctl_msg *m, void *arg);
int	ike_plan_emit(const struct ipp_compiled *c, uint32_t gen, ike_plan_send_fn send,
	    void *arg);

#endif
