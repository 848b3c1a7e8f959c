/* ike_plan: the compiled IKE plan as messages for the IKE socket. */
#include <errno.h>
#include <string.h>

#include "agent/ike_plan.h"

static int
plan_flush(struct ctl_msg *m, ike_plan_send_fn send, void *arg)
{
	int rc = ctl_msg_finish(m);

	if (rc == 0)
		rc = send(m, arg);
	ctl_msg_free(m);
	return rc;
}

static int
plan_main(const struct ipp_compiled *c, uint32_t gen, ike_plan_send_fn send, void *arg)
{
	const struct ipp_ike_main *mn = &c->main;
	struct ctl_msg m;

	ctl_msg_init(&m, IKE_PLAN_MAIN, gen, 0);
	ctl_put_str(&m, IKE_A_POLICY, mn->policy);
	ctl_put_str(&m, IKE_A_GUID, mn->guid);
	ctl_put_u32(&m, IKE_A_MM_LIFE_MIN, mn->mm.lifetime_min);
	ctl_put_u32(&m, IKE_A_QM_PER_MM, mn->mm.qm_per_mm);
	ctl_put_u8(&m, IKE_A_MM_PFS, mn->mm.pfs);
	ctl_put_u32(&m, IKE_A_SOFT_EXPIRE_S, mn->mm.soft_expire_s);
	for (size_t i = 0; i < mn->mm.noffers; i++) {
		ctl_nest_begin(&m, IKE_A_MM_OFFER);
		ctl_put_u8(&m, IKE_M_CIPHER, (uint8_t)mn->mm.offers[i].cipher);
		ctl_put_u8(&m, IKE_M_HASH, (uint8_t)mn->mm.offers[i].hash);
		ctl_put_u16(&m, IKE_M_GROUP, mn->mm.offers[i].group);
		ctl_nest_end(&m);
	}
	ctl_put_u8(&m, IKE_A_DEF_ACTIVE, mn->defrule.active);
	for (size_t i = 0; i < mn->defrule.noffers; i++)
		ctl_offer_put(&m, IKE_A_DEF_OFFER, &mn->defrule.offers[i]);
	for (size_t i = 0; i < mn->defrule.nauth; i++)
		ctl_auth_put(&m, IKE_A_DEF_AUTH, &mn->defrule.auth[i], true);
	ctl_put_u32(&m, IKE_A_DPD_DELAY, mn->dpd.delay_s);
	ctl_put_u32(&m, IKE_A_DPD_TIMEOUT, mn->dpd.timeout_s);
	ctl_put_u8(&m, IKE_A_DPD_ACTION, (uint8_t)mn->dpd.action);
	return plan_flush(&m, send, arg);
}

static int
plan_rule(const struct ipp_ike_rule *r, uint32_t gen, ike_plan_send_fn send, void *arg)
{
	struct ctl_msg m;

	ctl_msg_init(&m, IKE_PLAN_RULE, gen, 0);
	ctl_put_u32(&m, IKE_A_REQID, r->reqid);
	ctl_put_str(&m, IKE_A_POLICY, r->policy);
	ctl_put_str(&m, IKE_A_NAME, r->name);
	ctl_put_str(&m, IKE_A_GUID, r->guid);
	ctl_put_u8(&m, IKE_A_ACTION, (uint8_t)r->action);
	ctl_put_u8(&m, IKE_A_INPASS, r->inpass);
	ctl_put_u8(&m, IKE_A_SOFT, r->soft);
	ctl_put_u8(&m, IKE_A_CONNTYPE, (uint8_t)r->conntype);
	ctl_put_u8(&m, IKE_A_MODE, r->mode);
	if (r->mode == XFRM_MODE_TUNNEL) {
		ctl_put_u16(&m, IKE_A_TUNNEL_FAMILY, r->tunnel_family);
		ctl_put_bytes(&m, IKE_A_TUNNEL_LOCAL, &r->tunnel_local, 16);
		ctl_put_bytes(&m, IKE_A_TUNNEL_REMOTE, &r->tunnel_remote, 16);
	}
	for (size_t i = 0; i < r->noffers; i++)
		ctl_offer_put(&m, IKE_A_OFFER, &r->offers[i]);
	for (size_t i = 0; i < r->nauth; i++)
		ctl_auth_put(&m, IKE_A_AUTH, &r->auth[i], true);
	ctl_put_u32(&m, IKE_A_DROPPED_OFFERS, (uint32_t)r->dropped_offers);
	return plan_flush(&m, send, arg);
}

static int
plan_mark(uint16_t type, uint32_t gen, uint32_t nrules, ike_plan_send_fn send, void *arg)
{
	struct ctl_msg m;

	ctl_msg_init(&m, type, gen, 0);
	ctl_put_u32(&m, IKE_A_GEN, gen);
	ctl_put_u32(&m, IKE_A_NRULES, nrules);
	return plan_flush(&m, send, arg);
}

int
ike_plan_emit(const struct ipp_compiled *c, uint32_t gen, ike_plan_send_fn send, void *arg)
{
	uint32_t n = 0;
	int rc;

	for (size_t i = 0; c != NULL && i < c->nrules; i++)
		n += c->rules[i].reqid != 0;
	if ((rc = plan_mark(IKE_PLAN_BEGIN, gen, n, send, arg)) != 0)
		return rc;
	if (c != NULL && c->main.present && (rc = plan_main(c, gen, send, arg)) != 0)
		return rc;
	for (size_t i = 0; c != NULL && i < c->nrules; i++)
		if (c->rules[i].reqid != 0 && (rc = plan_rule(&c->rules[i], gen, send, arg)) != 0)
			return rc;
	return plan_mark(IKE_PLAN_END, gen, n, send, arg);
}
