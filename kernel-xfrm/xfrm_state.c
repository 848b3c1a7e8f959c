/* Security associations: validation, the message codec, SAD operations and ALLOCSPI. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/ipsec.h>
#include <linux/udp.h>

#include "kernel-xfrm/xfrm_int.h"

/* The kernel's largest replay bitmap: XFRMA_REPLAY_ESN_MAX bits. */
#define XFRM_REPLAY_MAX		XFRMA_REPLAY_ESN_MAX
/* The legacy replay state has a 32-bit bitmap; wider windows need the ESN attribute. */
#define XFRM_REPLAY_LEGACY	32

static bool
xfrm_state_has(const struct xfrm_alg *a)
{
	return a->name[0] != '\0';
}

static bool
xfrm_state_esn(const struct xfrm_state *s)
{
	return s->esn || (s->flags & XFRM_STATE_ESN) != 0;
}

/* Which algorithms each protocol takes: ESP enc[+auth] or AEAD, AH auth, IPComp comp. */
static int
xfrm_state_algs_check(const struct xfrm_state *s)
{
	bool enc = xfrm_state_has(&s->enc), auth = xfrm_state_has(&s->auth);
	bool aead = xfrm_state_has(&s->aead), comp = xfrm_state_has(&s->comp);

	switch (s->proto) {
	case IPPROTO_ESP:
		if (comp || aead == enc || (aead && auth))
			return -EINVAL;
		break;
	case IPPROTO_AH:
		if (!auth || enc || aead || comp)
			return -EINVAL;
		break;
	case IPPROTO_COMP:
		if (!comp || enc || auth || aead)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	if ((enc && (xfrm_attr_alg_check(&s->enc, true) < 0 || s->enc.icv_bits != 0)) ||
	    (auth && xfrm_attr_alg_check(&s->auth, true) < 0) ||
	    (aead && (xfrm_attr_alg_check(&s->aead, true) < 0 || s->aead.icv_bits == 0)) ||
	    (comp && (xfrm_attr_alg_check(&s->comp, false) < 0 || s->comp.icv_bits != 0)))
		return -EINVAL;
	return 0;
}

int
xfrm_state_check(const struct xfrm_state *s)
{
	static const struct xfrm_sel nosel;
	int rc;

	if (!xfrm_attr_family_ok(s->family) || xfrm_attr_addr_zero(&s->daddr))
		return -EINVAL;
	if (s->mode != XFRM_MODE_TRANSPORT && s->mode != XFRM_MODE_TUNNEL &&
	    s->mode != XFRM_MODE_BEET)
		return -EINVAL;
	if (s->sel.family == 0 ? memcmp(&s->sel, &nosel, sizeof(nosel)) != 0 :
	    xfrm_attr_sel_check(&s->sel) < 0)
		return -EINVAL;
	if ((rc = xfrm_state_algs_check(s)) < 0)
		return rc;
	if (s->replay_window > XFRM_REPLAY_MAX || (xfrm_state_esn(s) &&
	    (s->proto != IPPROTO_ESP || s->replay_window == 0)))
		return -EINVAL;
	if (s->encap.type != 0 && (s->proto != IPPROTO_ESP ||
	    (s->encap.type != UDP_ENCAP_ESPINUDP && s->encap.type != UDP_ENCAP_ESPINUDP_NON_IKE) ||
	    s->encap.sport == 0 || s->encap.dport == 0))
		return -EINVAL;
	return 0;
}

/* XFRMA_REPLAY_ESN_VAL: the only way to ask for ESN or a window over 32 packets. */
static bool
xfrm_state_replay_put(struct nlmsghdr *nlh, size_t room, const struct xfrm_state *s)
{
	uint8_t buf[sizeof(struct xfrm_replay_state_esn) + XFRM_REPLAY_MAX / 8];
	struct xfrm_replay_state_esn r;
	size_t len;

	memset(&r, 0, sizeof(r));
	r.replay_window = s->replay_window;
	r.bmp_len = (s->replay_window + 31) / 32;
	len = sizeof(r) + r.bmp_len * sizeof(uint32_t);
	memset(buf, 0, len);
	memcpy(buf, &r, sizeof(r));
	return mnl_attr_put_check(nlh, room, XFRMA_REPLAY_ESN_VAL, len, buf);
}

static bool
xfrm_state_encap_put(struct nlmsghdr *nlh, size_t room, const struct xfrm_encap *e)
{
	struct xfrm_encap_tmpl k;

	memset(&k, 0, sizeof(k));
	k.encap_type = e->type;
	k.encap_sport = htons(e->sport);
	k.encap_dport = htons(e->dport);
	k.encap_oa = e->oa;
	return mnl_attr_put_check(nlh, room, XFRMA_ENCAP, sizeof(k), &k);
}

static bool
xfrm_state_algs_put(struct nlmsghdr *nlh, size_t room, const struct xfrm_state *s)
{
	return (!xfrm_state_has(&s->aead) ||
		xfrm_attr_alg_put(nlh, room, XFRMA_ALG_AEAD, &s->aead)) &&
	    (!xfrm_state_has(&s->enc) ||
		xfrm_attr_alg_put(nlh, room, XFRMA_ALG_CRYPT, &s->enc)) &&
	    (!xfrm_state_has(&s->auth) ||
		xfrm_attr_alg_put(nlh, room, XFRMA_ALG_AUTH_TRUNC, &s->auth)) &&
	    (!xfrm_state_has(&s->comp) ||
		xfrm_attr_alg_put(nlh, room, XFRMA_ALG_COMP, &s->comp));
}

static void
xfrm_state_info_put(struct xfrm_usersa_info *k, const struct xfrm_state *s, bool wide)
{
	memset(k, 0, sizeof(*k));
	if (s->sel.family != 0)
		xfrm_attr_sel_put(&k->sel, &s->sel);
	k->id.daddr = s->daddr;
	k->id.spi = htonl(s->spi);
	k->id.proto = s->proto;
	k->saddr = s->saddr;
	xfrm_attr_lft_put(&k->lft, &s->lft);
	k->seq = s->seq;
	k->reqid = s->reqid;
	k->family = s->family;
	k->mode = s->mode;
	k->replay_window = wide ? 0 : (uint8_t)s->replay_window;
	k->flags = s->flags | (xfrm_state_esn(s) ? XFRM_STATE_ESN : 0);
}

/* Fills a NEWSA/UPDSA message started in nlh.  The caller wipes the buffer (it has keys). */
int
xfrm_state_build(struct nlmsghdr *nlh, size_t room, const struct xfrm_state *s)
{
	struct xfrm_usersa_info k;
	bool wide = xfrm_state_esn(s) || s->replay_window > XFRM_REPLAY_LEGACY;
	int rc;

	if ((rc = xfrm_state_check(s)) < 0)
		return rc;
	if (room < NLMSG_HDRLEN + MNL_ALIGN(sizeof(k)))
		return -EMSGSIZE;
	xfrm_state_info_put(&k, s, wide);
	memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(k)), &k, sizeof(k));
	if (!xfrm_state_algs_put(nlh, room, s) ||
	    (s->encap.type != 0 && !xfrm_state_encap_put(nlh, room, &s->encap)) ||
	    (wide && !xfrm_state_replay_put(nlh, room, s)) ||
	    !xfrm_attr_mark_put(nlh, room, &s->mark) ||
	    (s->extra_flags != 0 &&
		!mnl_attr_put_u32_check(nlh, room, XFRMA_SA_EXTRA_FLAGS, s->extra_flags)) ||
	    (s->if_id != 0 && !mnl_attr_put_u32_check(nlh, room, XFRMA_IF_ID, s->if_id)))
		return -EMSGSIZE;
	return 0;
}

static int
xfrm_state_id_check(const struct xfrm_state_id *id)
{
	if (!xfrm_attr_family_ok(id->family) || xfrm_attr_addr_zero(&id->daddr))
		return -EINVAL;
	if (id->proto != IPPROTO_ESP && id->proto != IPPROTO_AH && id->proto != IPPROTO_COMP)
		return -EINVAL;
	return 0;
}

/* Fills a DELSA/GETSA message: destination, SPI, protocol, and source when given. */
int
xfrm_state_id_build(struct nlmsghdr *nlh, size_t room, const struct xfrm_state_id *id)
{
	struct xfrm_usersa_id k;
	int rc;

	if ((rc = xfrm_state_id_check(id)) < 0)
		return rc;
	if (room < NLMSG_HDRLEN + MNL_ALIGN(sizeof(k)))
		return -EMSGSIZE;
	memset(&k, 0, sizeof(k));
	k.daddr = id->daddr;
	k.spi = htonl(id->spi);
	k.family = id->family;
	k.proto = id->proto;
	memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(k)), &k, sizeof(k));
	if ((!xfrm_attr_addr_zero(&id->saddr) &&
		!mnl_attr_put_check(nlh, room, XFRMA_SRCADDR, sizeof(id->saddr), &id->saddr)) ||
	    !xfrm_attr_mark_put(nlh, room, &id->mark))
		return -EMSGSIZE;
	return 0;
}

static void
xfrm_state_info_get(struct xfrm_state *s, const struct xfrm_usersa_info *k)
{
	static const struct xfrm_selector none;

	/* Larval SAs carry a selector without a family: the SA's own is meant. */
	if (memcmp(&k->sel, &none, sizeof(none)) != 0) {
		xfrm_attr_sel_get(&s->sel, &k->sel);
		if (s->sel.family == 0)
			s->sel.family = k->family;
	}
	s->family = k->family;
	s->saddr = k->saddr;
	s->daddr = k->id.daddr;
	s->spi = ntohl(k->id.spi);
	s->proto = k->id.proto;
	s->mode = k->mode;
	s->reqid = k->reqid;
	s->seq = k->seq;
	s->esn = (k->flags & XFRM_STATE_ESN) != 0;
	s->flags = k->flags & ~XFRM_STATE_ESN;
	s->replay_window = k->replay_window;
	xfrm_attr_lft_get(&s->lft, &k->lft);
	xfrm_attr_cur_get(&s->cur, &k->curlft);
	s->replay_drops = k->stats.replay;
	s->integrity_failed = k->stats.integrity_failed;
}

static int
xfrm_state_algs_get(struct xfrm_state *s, const struct nlattr **tb)
{
	int rc = 0;

	if (tb[XFRMA_ALG_AEAD] != NULL)
		rc = xfrm_attr_alg_get(tb[XFRMA_ALG_AEAD], &s->aead);
	if (rc == 0 && tb[XFRMA_ALG_CRYPT] != NULL)
		rc = xfrm_attr_alg_get(tb[XFRMA_ALG_CRYPT], &s->enc);
	/* The kernel sends both forms of the auth algorithm; the truncated one is exact. */
	if (rc == 0 && tb[XFRMA_ALG_AUTH_TRUNC] != NULL)
		rc = xfrm_attr_alg_get(tb[XFRMA_ALG_AUTH_TRUNC], &s->auth);
	else if (rc == 0 && tb[XFRMA_ALG_AUTH] != NULL)
		rc = xfrm_attr_alg_get(tb[XFRMA_ALG_AUTH], &s->auth);
	if (rc == 0 && tb[XFRMA_ALG_COMP] != NULL)
		rc = xfrm_attr_alg_get(tb[XFRMA_ALG_COMP], &s->comp);
	return rc;
}

static void
xfrm_state_extra_get(struct xfrm_state *s, const struct nlattr **tb)
{
	struct xfrm_replay_state_esn r;
	struct xfrm_encap_tmpl e;

	if (tb[XFRMA_REPLAY_ESN_VAL] != NULL) {
		memcpy(&r, mnl_attr_get_payload(tb[XFRMA_REPLAY_ESN_VAL]), sizeof(r));
		s->replay_window = r.replay_window;
	}
	if (tb[XFRMA_ENCAP] != NULL) {
		memcpy(&e, mnl_attr_get_payload(tb[XFRMA_ENCAP]), sizeof(e));
		s->encap.type = e.encap_type;
		s->encap.sport = ntohs(e.encap_sport);
		s->encap.dport = ntohs(e.encap_dport);
		s->encap.oa = e.encap_oa;
	}
	if (tb[XFRMA_MARK] != NULL)
		memcpy(&s->mark, mnl_attr_get_payload(tb[XFRMA_MARK]), sizeof(s->mark));
	if (tb[XFRMA_SA_EXTRA_FLAGS] != NULL)
		s->extra_flags = mnl_attr_get_u32(tb[XFRMA_SA_EXTRA_FLAGS]);
	if (tb[XFRMA_IF_ID] != NULL)
		s->if_id = mnl_attr_get_u32(tb[XFRMA_IF_ID]);
}

int
xfrm_state_parse(const void *buf, size_t len, struct xfrm_state *s)
{
	const struct nlattr *tb[XFRMA_MAX + 1];
	const struct nlmsghdr *nlh;
	struct xfrm_usersa_info k;
	int rc;

	memset(s, 0, sizeof(*s));
	nlh = xfrm_attr_msg(buf, len, XFRM_MSG_NEWSA, XFRM_MSG_UPDSA, sizeof(k), tb, &rc);
	if (nlh == NULL)
		return rc;
	if (nlh->nlmsg_type != XFRM_MSG_NEWSA && nlh->nlmsg_type != XFRM_MSG_UPDSA)
		return -EPROTO;
	memcpy(&k, mnl_nlmsg_get_payload(nlh), sizeof(k));
	xfrm_state_info_get(s, &k);
	if ((rc = xfrm_state_algs_get(s, tb)) < 0) {
		xfrm_state_wipe(s);
		return rc;
	}
	xfrm_state_extra_get(s, tb);
	return 0;
}

void
xfrm_state_wipe(struct xfrm_state *s)
{
	if (s != NULL)
		explicit_bzero(s, sizeof(*s));
}

/* ---- operations */

static int
xfrm_state_send(struct xfrm_handle *h, uint16_t type, uint16_t flags, const struct xfrm_state *s)
{
	struct nlmsghdr *nlh = xfrm_msg_start(h, type, flags);
	int rc;

	if ((rc = xfrm_state_build(nlh, sizeof(h->tx), s)) < 0) {
		explicit_bzero(h->tx, sizeof(h->tx));
		return rc;
	}
	return xfrm_talk(h, nlh, NULL, NULL, true);
}

int
xfrm_state_add(struct xfrm_handle *h, const struct xfrm_state *s)
{
	return xfrm_state_send(h, XFRM_MSG_NEWSA, NLM_F_CREATE | NLM_F_EXCL, s);
}

int
xfrm_state_update(struct xfrm_handle *h, const struct xfrm_state *s)
{
	return xfrm_state_send(h, XFRM_MSG_UPDSA, NLM_F_REPLACE, s);
}

int
xfrm_state_del(struct xfrm_handle *h, const struct xfrm_state_id *id)
{
	struct nlmsghdr *nlh = xfrm_msg_start(h, XFRM_MSG_DELSA, 0);
	int rc;

	if ((rc = xfrm_state_id_build(nlh, sizeof(h->tx), id)) < 0)
		return rc;
	return xfrm_talk(h, nlh, NULL, NULL, false);
}

struct xfrm_state_one {
	struct xfrm_state	*out;
	int			n;
};

static int
xfrm_state_one_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct xfrm_state_one *o = arg;

	if (o->n++ > 0) {
		xfrm_state_wipe(o->out);
		return -EPROTO;
	}
	return xfrm_state_parse(nlh, nlh->nlmsg_len, o->out);
}

int
xfrm_state_get(struct xfrm_handle *h, const struct xfrm_state_id *id, struct xfrm_state *out)
{
	struct xfrm_state_one o = { .out = out };
	struct nlmsghdr *nlh = xfrm_msg_start(h, XFRM_MSG_GETSA, 0);
	int rc;

	if ((rc = xfrm_state_id_build(nlh, sizeof(h->tx), id)) < 0)
		return rc;
	rc = xfrm_talk(h, nlh, xfrm_state_one_cb, &o, true);
	if (rc == 0 && o.n != 1)
		rc = -EPROTO;
	if (rc < 0)
		xfrm_state_wipe(out);
	return rc;
}

struct xfrm_state_walk {
	xfrm_state_cb		cb;
	void			*arg;
	int			n;
};

static int
xfrm_state_dump_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct xfrm_state_walk *w = arg;
	struct xfrm_state s;
	int rc;

	if ((rc = xfrm_state_parse(nlh, nlh->nlmsg_len, &s)) == 0) {
		w->n++;
		rc = w->cb(&s, w->arg);
	}
	xfrm_state_wipe(&s);
	return rc;
}

int
xfrm_state_dump(struct xfrm_handle *h, xfrm_state_cb cb, void *arg)
{
	struct xfrm_state_walk w = { .cb = cb, .arg = arg };
	struct nlmsghdr *nlh = xfrm_msg_start(h, XFRM_MSG_GETSA, NLM_F_DUMP);
	int rc;

	if ((rc = xfrm_talk(h, nlh, xfrm_state_dump_cb, &w, true)) < 0)
		return rc;
	return w.n;
}

int
xfrm_state_flush(struct xfrm_handle *h, uint8_t proto)
{
	struct nlmsghdr *nlh = xfrm_msg_start(h, XFRM_MSG_FLUSHSA, 0);
	struct xfrm_usersa_flush k = { .proto = proto == 0 ? IPSEC_PROTO_ANY : proto };

	memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(k)), &k, sizeof(k));
	return xfrm_talk(h, nlh, NULL, NULL, false);
}

int
xfrm_state_allocspi(struct xfrm_handle *h, struct xfrm_state *s, uint32_t min, uint32_t max)
{
	struct nlmsghdr *nlh = xfrm_msg_start(h, XFRM_MSG_ALLOCSPI, 0);
	struct xfrm_state got;
	struct xfrm_state_one o = { .out = &got };
	struct xfrm_userspi_info k;
	int rc;

	if (!xfrm_attr_family_ok(s->family) || xfrm_attr_addr_zero(&s->daddr) || min > max ||
	    (s->proto != IPPROTO_ESP && s->proto != IPPROTO_AH && s->proto != IPPROTO_COMP) ||
	    (s->proto == IPPROTO_COMP && max > 0xffff))
		return -EINVAL;
	memset(&k, 0, sizeof(k));
	k.info.id.daddr = s->daddr;
	k.info.id.proto = s->proto;
	k.info.saddr = s->saddr;
	k.info.family = s->family;
	k.info.mode = s->mode;
	k.info.reqid = s->reqid;
	k.min = min;
	k.max = max;
	memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(k)), &k, sizeof(k));
	if (!xfrm_attr_mark_put(nlh, sizeof(h->tx), &s->mark))
		return -EMSGSIZE;
	rc = xfrm_talk(h, nlh, xfrm_state_one_cb, &o, false);
	if (rc == 0 && o.n != 1)
		rc = -EPROTO;
	if (rc == 0)
		s->spi = got.spi;
	xfrm_state_wipe(&got);
	return rc;
}
