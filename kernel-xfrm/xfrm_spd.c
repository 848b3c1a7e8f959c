/* SPD information and hash thresholds (XFRM_MSG_GETSPDINFO / NEWSPDINFO). */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "kernel-xfrm/xfrm_int.h"

/* Minimum payload of each XFRMA_SPD_* attribute read here. */
static const unsigned int xfrm_spd_len[XFRMA_SPD_MAX + 1] = {
	[XFRMA_SPD_INFO] = sizeof(struct xfrmu_spdinfo),
	[XFRMA_SPD_HINFO] = sizeof(struct xfrmu_spdhinfo),
	[XFRMA_SPD_IPV4_HTHRESH] = sizeof(struct xfrmu_spdhthresh),
	[XFRMA_SPD_IPV6_HTHRESH] = sizeof(struct xfrmu_spdhthresh),
};

static int
xfrm_spd_attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(a);

	if (type > XFRMA_SPD_MAX || xfrm_spd_len[type] == 0)
		return MNL_CB_OK;
	if (mnl_attr_get_payload_len(a) < xfrm_spd_len[type])
		return MNL_CB_ERROR;
	tb[type] = a;
	return MNL_CB_OK;
}

int
xfrm_spd_parse(const void *buf, size_t len, struct xfrm_spd_info *out)
{
	const struct nlattr *tb[XFRMA_SPD_MAX + 1] = { NULL };
	const struct nlmsghdr *nlh;
	struct xfrmu_spdinfo si;
	struct xfrmu_spdhinfo hi;
	struct xfrmu_spdhthresh th;
	int rc;

	memset(out, 0, sizeof(*out));
	nlh = xfrm_attr_msg(buf, len, XFRM_MSG_NEWSPDINFO, XFRM_MSG_NEWSPDINFO, sizeof(uint32_t),
	    NULL, &rc);
	if (nlh == NULL)
		return rc;
	if ((rc = xfrm_attr_walk(nlh, sizeof(uint32_t), xfrm_spd_attr_cb, tb)) < 0)
		return rc;
	if (tb[XFRMA_SPD_INFO] != NULL) {
		memcpy(&si, mnl_attr_get_payload(tb[XFRMA_SPD_INFO]), sizeof(si));
		out->in = si.incnt;
		out->out = si.outcnt;
		out->fwd = si.fwdcnt;
		out->in_sock = si.inscnt;
		out->out_sock = si.outscnt;
		out->fwd_sock = si.fwdscnt;
	}
	if (tb[XFRMA_SPD_HINFO] != NULL) {
		memcpy(&hi, mnl_attr_get_payload(tb[XFRMA_SPD_HINFO]), sizeof(hi));
		out->hash_buckets = hi.spdhcnt;
		out->hash_max = hi.spdhmcnt;
	}
	if (tb[XFRMA_SPD_IPV4_HTHRESH] != NULL) {
		memcpy(&th, mnl_attr_get_payload(tb[XFRMA_SPD_IPV4_HTHRESH]), sizeof(th));
		out->thresh.v4_lbits = th.lbits;
		out->thresh.v4_rbits = th.rbits;
	}
	if (tb[XFRMA_SPD_IPV6_HTHRESH] != NULL) {
		memcpy(&th, mnl_attr_get_payload(tb[XFRMA_SPD_IPV6_HTHRESH]), sizeof(th));
		out->thresh.v6_lbits = th.lbits;
		out->thresh.v6_rbits = th.rbits;
	}
	return 0;
}

static int
xfrm_spd_get_cb(const struct nlmsghdr *nlh, void *arg)
{
	return xfrm_spd_parse(nlh, nlh->nlmsg_len, arg);
}

int
xfrm_spd_get(struct xfrm_handle *h, struct xfrm_spd_info *out)
{
	struct nlmsghdr *nlh = xfrm_msg_start(h, XFRM_MSG_GETSPDINFO, 0);
	uint32_t flags = 0;

	memset(out, 0, sizeof(*out));
	memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(flags)), &flags, sizeof(flags));
	return xfrm_talk(h, nlh, xfrm_spd_get_cb, out, false);
}

int
xfrm_spd_set_thresh(struct xfrm_handle *h, const struct xfrm_spd_thresh *t)
{
	struct nlmsghdr *nlh;
	struct xfrmu_spdhthresh v4 = { t->v4_lbits, t->v4_rbits };
	struct xfrmu_spdhthresh v6 = { t->v6_lbits, t->v6_rbits };
	uint32_t flags = 0;

	if (t->v4_lbits > 32 || t->v4_rbits > 32 || t->v6_lbits > 128 || t->v6_rbits > 128)
		return -EINVAL;
	nlh = xfrm_msg_start(h, XFRM_MSG_NEWSPDINFO, 0);
	memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(flags)), &flags, sizeof(flags));
	if (!mnl_attr_put_check(nlh, sizeof(h->tx), XFRMA_SPD_IPV4_HTHRESH, sizeof(v4), &v4) ||
	    !mnl_attr_put_check(nlh, sizeof(h->tx), XFRMA_SPD_IPV6_HTHRESH, sizeof(v6), &v6))
		return -EMSGSIZE;
	return xfrm_talk(h, nlh, NULL, NULL, false);
}
