/* ike_child_xfrm: a negotiated child SA in the form kernel-xfrm installs. */
#include <errno.h>
#include <string.h>

#include "ike/crypto_alg.h"
#include "ike/engine.h"

static void
put_addr(xfrm_address_t *dst, const struct sockaddr_storage *ss)
{
	memset(dst, 0, sizeof(*dst));
	if (ss->ss_family == AF_INET6)
		memcpy(dst, &((const struct sockaddr_in6 *)(const void *)ss)->sin6_addr, 16);
	else
		memcpy(dst, &((const struct sockaddr_in *)(const void *)ss)->sin_addr, 4);
}

static void
put_sel(struct xfrm_sel *sel, const struct ike_ts *src, const struct ike_ts *dst)
{
	sel->family = src->family;
	sel->saddr = src->addr;
	sel->sprefix = src->prefix;
	sel->daddr = dst->addr;
	sel->dprefix = dst->prefix;
	/* One protocol for the pair: the Quick Mode IDs agree or one says any. */
	sel->proto = src->proto != 0 ? src->proto : dst->proto;
	if (src->port != 0) {
		sel->sport = src->port;
		sel->sport_mask = 0xffff;
	}
	if (dst->port != 0) {
		sel->dport = dst->port;
		sel->dport_mask = 0xffff;
	}
}

static int
put_algs(const struct ike_child_proto *p, const uint8_t *key, struct xfrm_state *out)
{
	const struct ike_kernel_alg *enc = NULL, *integ = NULL;
	size_t need;

	if (p->proto == IPPROTO_ESP) {
		enc = ike_alg_esp_enc(p->cipher);
		if (enc == NULL)
			return -EINVAL;
	}
	if (p->auth != IPP_HASH_NONE && (integ = ike_alg_integ(p->auth)) == NULL)
		return -EINVAL;
	if (p->proto == IPPROTO_AH && integ == NULL)
		return -EINVAL;
	need = (enc != NULL ? enc->key_len : 0) + (integ != NULL ? integ->key_len : 0);
	if (need != (size_t)p->enc_key_len + p->auth_key_len || need > IKE_CHILD_KEY_MAX ||
	    (enc != NULL && enc->key_len != p->enc_key_len))
		return -EINVAL;
	if (enc != NULL) {
		struct xfrm_alg *a = enc->aead ? &out->aead : &out->enc;

		strncpy(a->name, enc->name, sizeof(a->name) - 1);
		a->key_len = (uint16_t)enc->key_len;
		a->icv_bits = enc->icv_bits;
		memcpy(a->key, key, enc->key_len);
	}
	if (integ != NULL) {
		strncpy(out->auth.name, integ->name, sizeof(out->auth.name) - 1);
		out->auth.key_len = (uint16_t)integ->key_len;
		out->auth.icv_bits = integ->icv_bits;
		memcpy(out->auth.key, key + p->enc_key_len, integ->key_len);
	}
	return 0;
}

int
ike_child_xfrm(const struct ike_child *c, size_t i, bool inbound, struct xfrm_state *out)
{
	const struct ike_child_proto *p;
	int r;

	memset(out, 0, sizeof(*out));
	if (i >= c->nproto || i >= IKE_CHILD_PROTO_MAX)
		return -EINVAL;
	p = &c->p[i];
	out->family = c->local.ss_family;
	put_addr(inbound ? &out->saddr : &out->daddr, &c->remote);
	put_addr(inbound ? &out->daddr : &out->saddr, &c->local);
	out->spi = inbound ? p->spi_in : p->spi_out;
	out->proto = p->proto;
	out->mode = c->mode;
	out->reqid = c->reqid;
	out->replay_window = 32;
	if (c->mode == XFRM_MODE_TRANSPORT) {
		if (inbound)
			put_sel(&out->sel, &c->ts_remote, &c->ts_local);
		else
			put_sel(&out->sel, &c->ts_local, &c->ts_remote);
	}
	if (!inbound)
		out->seq = c->acq_seq;
	out->lft.hard_add_secs = c->hard_s;
	out->lft.soft_add_secs = c->soft_s;
	out->lft.hard_bytes = c->hard_bytes;
	out->lft.soft_bytes = c->soft_bytes;
	r = put_algs(p, inbound ? p->key_in : p->key_out, out);
	if (r != 0)
		explicit_bzero(out, sizeof(*out));
	return r;
}
