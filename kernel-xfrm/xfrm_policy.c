/* Security policies: validation, the message codec, and the SPD operations. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "kernel-xfrm/xfrm_int.h"

#define XFRM_POLICY_FLAGS	(XFRM_POLICY_LOCALOK | XFRM_POLICY_ICMP)

int
xfrm_policy_check(const struct xfrm_policy *p)
{
	unsigned int i;
	uint16_t prev = p->sel.family;
	int rc;

	if ((rc = xfrm_attr_sel_check(&p->sel)) < 0)
		return rc;
	if (p->dir != XFRM_POLICY_IN && p->dir != XFRM_POLICY_OUT && p->dir != XFRM_POLICY_FWD)
		return -EINVAL;
	if (p->action != XFRM_POLICY_ALLOW && p->action != XFRM_POLICY_BLOCK)
		return -EINVAL;
	if ((p->flags & ~XFRM_POLICY_FLAGS) != 0)
		return -EINVAL;
	/* The kernel keeps the direction in an index's low three bits. */
	if (p->index != 0 && (p->index & 7) != p->dir)
		return -EINVAL;
	if (p->ntmpl > XFRM_TMPL_MAX)
		return -EINVAL;
	for (i = 0; i < p->ntmpl; i++)
		if ((rc = xfrm_attr_tmpl_check(&p->tmpl[i], p->dir, &prev)) < 0)
			return rc;
	return 0;
}

/* Fills a NEWPOLICY/UPDPOLICY message started in nlh (room bytes in all). */
int
xfrm_policy_build(struct nlmsghdr *nlh, size_t room, const struct xfrm_policy *p)
{
	struct xfrm_userpolicy_info k;
	int rc;

	if ((rc = xfrm_policy_check(p)) < 0)
		return rc;
	if (room < NLMSG_HDRLEN + MNL_ALIGN(sizeof(k)))
		return -EMSGSIZE;
	memset(&k, 0, sizeof(k));
	xfrm_attr_sel_put(&k.sel, &p->sel);
	xfrm_attr_lft_put(&k.lft, &p->lft);
	k.priority = p->priority;
	k.index = p->index;
	k.dir = p->dir;
	k.action = p->action;
	k.flags = p->flags;
	k.share = XFRM_SHARE_ANY;
	memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(k)), &k, sizeof(k));
	if (!xfrm_attr_tmpl_put(nlh, room, p->tmpl, p->ntmpl, p->sel.family) ||
	    !xfrm_attr_mark_put(nlh, room, &p->mark) ||
	    (p->if_id != 0 && !mnl_attr_put_u32_check(nlh, room, XFRMA_IF_ID, p->if_id)))
		return -EMSGSIZE;
	return 0;
}

/* Fills a DELPOLICY/GETPOLICY message: by index when p->index is set, else by selector. */
int
xfrm_policy_id_build(struct nlmsghdr *nlh, size_t room, const struct xfrm_policy *p)
{
	struct xfrm_userpolicy_id k;
	int rc;

	if (p->dir != XFRM_POLICY_IN && p->dir != XFRM_POLICY_OUT && p->dir != XFRM_POLICY_FWD)
		return -EINVAL;
	if (p->index == 0 && (rc = xfrm_attr_sel_check(&p->sel)) < 0)
		return rc;
	if (p->index != 0 && (p->index & 7) != p->dir)
		return -EINVAL;
	if (room < NLMSG_HDRLEN + MNL_ALIGN(sizeof(k)))
		return -EMSGSIZE;
	memset(&k, 0, sizeof(k));
	if (p->index == 0)
		xfrm_attr_sel_put(&k.sel, &p->sel);
	k.index = p->index;
	k.dir = p->dir;
	memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(k)), &k, sizeof(k));
	if (!xfrm_attr_mark_put(nlh, room, &p->mark) ||
	    (p->if_id != 0 && !mnl_attr_put_u32_check(nlh, room, XFRMA_IF_ID, p->if_id)))
		return -EMSGSIZE;
	return 0;
}

/* Fills p from the policy info and the attributes shared by policies and events. */
int
xfrm_policy_from(struct xfrm_policy *p, const struct xfrm_userpolicy_info *k,
    const struct nlattr **tb)
{
	int rc;

	memset(p, 0, sizeof(*p));
	xfrm_attr_sel_get(&p->sel, &k->sel);
	xfrm_attr_lft_get(&p->lft, &k->lft);
	xfrm_attr_cur_get(&p->cur, &k->curlft);
	p->priority = k->priority;
	p->index = k->index;
	p->dir = k->dir;
	p->action = k->action;
	p->flags = k->flags;
	if (tb[XFRMA_TMPL] != NULL &&
	    (rc = xfrm_attr_tmpl_get(tb[XFRMA_TMPL], p->tmpl, &p->ntmpl)) < 0)
		return rc;
	if (tb[XFRMA_MARK] != NULL)
		memcpy(&p->mark, mnl_attr_get_payload(tb[XFRMA_MARK]), sizeof(p->mark));
	if (tb[XFRMA_IF_ID] != NULL)
		p->if_id = mnl_attr_get_u32(tb[XFRMA_IF_ID]);
	return 0;
}

/* Decodes NEWPOLICY/UPDPOLICY; *ptype is the policy type (main or sub). */
static int
xfrm_policy_decode(const void *buf, size_t len, struct xfrm_policy *p, uint8_t *ptype)
{
	const struct nlattr *tb[XFRMA_MAX + 1];
	const struct nlmsghdr *nlh;
	struct xfrm_userpolicy_info k;
	struct xfrm_userpolicy_type t;
	int rc;

	nlh = xfrm_attr_msg(buf, len, XFRM_MSG_NEWPOLICY, XFRM_MSG_UPDPOLICY, sizeof(k), tb, &rc);
	if (nlh == NULL)
		return rc;
	if (nlh->nlmsg_type != XFRM_MSG_NEWPOLICY && nlh->nlmsg_type != XFRM_MSG_UPDPOLICY)
		return -EPROTO;
	memcpy(&k, mnl_nlmsg_get_payload(nlh), sizeof(k));
	*ptype = XFRM_POLICY_TYPE_MAIN;
	if (tb[XFRMA_POLICY_TYPE] != NULL) {
		memcpy(&t, mnl_attr_get_payload(tb[XFRMA_POLICY_TYPE]), sizeof(t));
		*ptype = t.type;
	}
	return xfrm_policy_from(p, &k, tb);
}

int
xfrm_policy_parse(const void *buf, size_t len, struct xfrm_policy *p)
{
	uint8_t ptype;

	return xfrm_policy_decode(buf, len, p, &ptype);
}

static int
xfrm_policy_send(struct xfrm_handle *h, uint16_t type, uint16_t flags,
    const struct xfrm_policy *p)
{
	struct nlmsghdr *nlh = xfrm_msg_start(h, type, flags);
	int rc;

	if (type == XFRM_MSG_NEWPOLICY || type == XFRM_MSG_UPDPOLICY)
		rc = xfrm_policy_build(nlh, sizeof(h->tx), p);
	else
		rc = xfrm_policy_id_build(nlh, sizeof(h->tx), p);
	if (rc < 0)
		return rc;
	return xfrm_talk(h, nlh, NULL, NULL, false);
}

int
xfrm_policy_add(struct xfrm_handle *h, const struct xfrm_policy *p)
{
	return xfrm_policy_send(h, XFRM_MSG_NEWPOLICY, NLM_F_CREATE | NLM_F_EXCL, p);
}

int
xfrm_policy_update(struct xfrm_handle *h, const struct xfrm_policy *p)
{
	return xfrm_policy_send(h, XFRM_MSG_UPDPOLICY, NLM_F_CREATE | NLM_F_REPLACE, p);
}

int
xfrm_policy_del(struct xfrm_handle *h, const struct xfrm_policy *p)
{
	return xfrm_policy_send(h, XFRM_MSG_DELPOLICY, 0, p);
}

struct xfrm_policy_get {
	struct xfrm_policy	*out;
	int			n;
};

static int
xfrm_policy_get_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct xfrm_policy_get *g = arg;
	int rc;

	if (g->n++ > 0)
		return -EPROTO;
	if ((rc = xfrm_policy_parse(nlh, nlh->nlmsg_len, g->out)) < 0)
		return rc;
	return 0;
}

int
xfrm_policy_get(struct xfrm_handle *h, const struct xfrm_policy *key, struct xfrm_policy *out)
{
	struct xfrm_policy_get g = { .out = out };
	struct nlmsghdr *nlh = xfrm_msg_start(h, XFRM_MSG_GETPOLICY, 0);
	int rc;

	if ((rc = xfrm_policy_id_build(nlh, sizeof(h->tx), key)) < 0)
		return rc;
	if ((rc = xfrm_talk(h, nlh, xfrm_policy_get_cb, &g, false)) < 0)
		return rc;
	return g.n == 1 ? 0 : -EPROTO;
}

struct xfrm_policy_walk {
	xfrm_policy_cb		cb;
	void			*arg;
	int			n;
};

static int
xfrm_policy_dump_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct xfrm_policy_walk *w = arg;
	struct xfrm_policy p;
	uint8_t ptype;
	int rc;

	if ((rc = xfrm_policy_decode(nlh, nlh->nlmsg_len, &p, &ptype)) < 0)
		return rc;
	if (ptype != XFRM_POLICY_TYPE_MAIN)
		return 0;
	w->n++;
	return w->cb(&p, w->arg);
}

int
xfrm_policy_dump(struct xfrm_handle *h, xfrm_policy_cb cb, void *arg)
{
	struct xfrm_policy_walk w = { .cb = cb, .arg = arg };
	struct nlmsghdr *nlh = xfrm_msg_start(h, XFRM_MSG_GETPOLICY, NLM_F_DUMP);
	int rc;

	if ((rc = xfrm_talk(h, nlh, xfrm_policy_dump_cb, &w, false)) < 0)
		return rc;
	return w.n;
}

int
xfrm_policy_flush(struct xfrm_handle *h)
{
	return xfrm_talk(h, xfrm_msg_start(h, XFRM_MSG_FLUSHPOLICY, 0), NULL, NULL, false);
}
