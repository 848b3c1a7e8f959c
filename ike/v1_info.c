/*
 * ike_v1 Informational exchanges (RFC 2408 §4.8, RFC 2409 §5.7): notifications and DELETE,
 * protected by HASH(1) under an established IKE SA, in the clear only for errors during
 * Main Mode.  INITIAL-CONTACT (RFC 2407 §4.6.3.3) drops what we hold with the peer.
 */
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "ike/v1.h"

static void
send_info(struct ike_engine *e, struct ike_sa *sa, const struct isakmp_notify *n,
    const struct isakmp_delete *d)
{
	bool protect = sa->step == IKE_MM_DONE;
	uint32_t msgid = protect ? v1_new_msgid(sa) : 0;
	uint8_t iv[IKE_BLOCK_MAX];
	struct isakmp_buf b;
	struct isakmp_err err;
	size_t hoff = 0;
	int r = 0;

	v1_begin(&b, sa, ISAKMP_EXCH_INFO, msgid, protect);
	if (protect)
		isakmp_put_payload(&b, ISAKMP_PL_HASH, NULL, sa->keys.hash_len, &hoff);
	if (n != NULL)
		isakmp_put_notify(&b, n);
	if (d != NULL)
		isakmp_put_delete(&b, d);
	r = isakmp_buf_finish(&b, &err);
	if (r == 0 && protect) {
		size_t start = hoff + sa->keys.hash_len;

		ike_sa_msgid_add(sa, msgid);
		r = ike_v1_iv_phase2(&sa->keys, sa->iv, msgid, iv, NULL);
		if (r == 0)
			r = ike_v1_info_hash(&sa->keys, msgid, b.p + start, b.len - start,
			    b.p + hoff, NULL);
		if (r == 0)
			r = v1_seal(e, sa, &b, iv);
	}
	if (r == 0)
		v1_transmit(e, sa, &b, NULL);
	isakmp_buf_free(&b);
}

void
v1_info_notify(struct ike_engine *e, struct ike_sa *sa, uint8_t proto, uint16_t type,
    const uint8_t *spi, uint8_t spi_len, const uint8_t *data, size_t data_len)
{
	struct isakmp_notify n;

	memset(&n, 0, sizeof(n));
	n.doi = ISAKMP_DOI_IPSEC;
	n.proto = proto;
	n.type = type;
	n.spi = spi;
	n.spi_len = spi != NULL ? spi_len : 0;
	n.data = data;
	n.data_len = data_len;
	send_info(e, sa, &n, NULL);
}

void
v1_info_delete(struct ike_engine *e, struct ike_sa *sa, uint8_t proto, const uint8_t *spis,
    uint8_t spi_len, uint16_t nspi)
{
	struct isakmp_delete d;
	uint8_t cookies[2 * IKE_SPI_LEN];

	if (sa->step != IKE_MM_DONE)
		return;
	if (spis == NULL) {
		memcpy(cookies, sa->icookie, IKE_SPI_LEN);
		memcpy(cookies + IKE_SPI_LEN, sa->rcookie, IKE_SPI_LEN);
		spis = cookies;
		spi_len = sizeof(cookies);
		nspi = 1;
	}
	memset(&d, 0, sizeof(d));
	d.doi = ISAKMP_DOI_IPSEC;
	d.proto = proto;
	d.spi_len = spi_len;
	d.nspi = nspi;
	d.spis = spis;
	e->st.deletes_tx++;
	send_info(e, sa, NULL, &d);
}

void
ike_v1_send_delete_child(struct ike_engine *e, const struct ike_child *c)
{
	struct ike_sa *sa = ike_sa_find_peer(e, (const struct sockaddr *)&c->local,
	    (const struct sockaddr *)&c->remote, true);

	if (sa == NULL)
		return;
	for (size_t j = 0; j < c->nproto; j++) {
		uint8_t spi[4];

		/* Our inbound SPI: the one the peer knows as its outbound SA. */
		v1_spi_put(spi, c->p[j].spi_in);
		v1_info_delete(e, sa, c->p[j].proto == IPPROTO_AH ? ISAKMP_PROTO_AH :
		    ISAKMP_PROTO_ESP, spi, 4, 1);
	}
}

/*
 * The peer says it holds nothing with us: what we hold between the same two addresses is
 * stale.  Only between those two: a peer that reaches several of our addresses starts
 * each with INITIAL-CONTACT (it is its first contact with that address), and must not
 * take down what it negotiated with the others.
 */
void
v1_initial_contact(struct ike_engine *e, struct ike_sa *sa)
{
	struct ike_sa *o, *next;
	struct ike_child_ent *ce, *cnext;
	char a[IKE_ADDR_STRLEN];
	unsigned nsa = 0, nchild = 0;

	for (o = e->sas; o != NULL; o = next) {
		next = o->next;
		if (o == sa || !ike_host_equal(&o->remote, &sa->remote) ||
		    !ike_host_equal(&o->local, &sa->local))
			continue;
		if (o->step == IKE_MM_DONE)
			e->st.mm_current--;
		ike_sa_free(e, o);
		nsa++;
	}
	for (ce = e->children; ce != NULL; ce = cnext) {
		cnext = ce->next;
		if (!ike_host_equal(&ce->c.remote, &sa->remote) ||
		    !ike_host_equal(&ce->c.local, &sa->local))
			continue;
		ike_child_remove(e, ce);
		nchild++;
	}
	ike_log(e, LOG_INFO, "INITIAL-CONTACT from %s: dropped %u older IKE SAs and %u child "
	    "SAs", ike_addr_str(&sa->remote, a, sizeof(a)), nsa, nchild);
}

/* Returns true when sa itself was deleted by the payload (the caller stops using it). */
static bool
got_delete(struct ike_engine *e, struct ike_sa *sa, const struct isakmp_pl *pl)
{
	struct isakmp_delete d;
	struct isakmp_err err;
	char a[IKE_ADDR_STRLEN];
	bool self = false;

	if (isakmp_delete_decode(pl, &d, &err) != 0)
		return false;
	ike_addr_str(&sa->remote, a, sizeof(a));
	for (size_t i = 0; i < d.nspi; i++) {
		const uint8_t *spi = isakmp_delete_spi(&d, i);

		e->st.deletes_rx++;
		if (d.proto == ISAKMP_PROTO_ISAKMP && d.spi_len == 2 * IKE_SPI_LEN) {
			struct ike_sa *o = ike_sa_find(e, spi, spi + IKE_SPI_LEN);

			if (o == NULL || !ike_host_equal(&o->remote, &sa->remote))
				continue;
			ike_log(e, LOG_INFO, "IKE SA with %s deleted by the peer", a);
			if (o == sa) {
				self = true;
				continue;
			}
			if (o->step == IKE_MM_DONE)
				e->st.mm_current--;
			ike_sa_free(e, o);
		} else if ((d.proto == ISAKMP_PROTO_ESP || d.proto == ISAKMP_PROTO_AH) &&
		    d.spi_len == 4) {
			uint8_t kp = d.proto == ISAKMP_PROTO_ESP ? IPPROTO_ESP : IPPROTO_AH;
			struct ike_child_ent *ce = ike_child_find_out(e, &sa->remote, kp,
			    v1_spi_get(spi));

			if (ce == NULL)
				continue;
			ike_log(e, LOG_INFO, "child SA with %s (SPI out 0x%08x) deleted by the "
			    "peer", a, v1_spi_get(spi));
			ike_child_remove(e, ce);
		}
	}
	return self;
}

static void
got_notify(struct ike_engine *e, struct ike_sa *sa, const struct isakmp_pl *pl,
    bool protected)
{
	struct isakmp_notify n;
	struct isakmp_err err;
	char a[IKE_ADDR_STRLEN];

	if (isakmp_notify_decode(pl, &n, &err) != 0)
		return;
	ike_addr_str(&sa->remote, a, sizeof(a));
	if (n.type == ISAKMP_N_INITIAL_CONTACT && protected) {
		v1_initial_contact(e, sa);
		return;
	}
	if ((n.type == ISAKMP_N_DPD_R_U_THERE || n.type == ISAKMP_N_DPD_R_U_THERE_ACK) &&
	    protected) {
		v1_dpd_notify(e, sa, &n);
		return;
	}
	if (n.type >= 16384)
		return;		/* status types: nothing to do here */
	ike_log(e, LOG_WARNING, "%s notification from %s: %s", protected ? "protected" :
	    "unprotected", a, isakmp_notify_name(n.type));
	if (protected)
		v1_qm_refused(e, sa, n.type);
}

void
v1_info_input(struct ike_engine *e, struct ike_sa *sa, struct v1_in *in)
{
	uint32_t msgid = in->m.hdr.msgid;
	uint8_t iv[IKE_BLOCK_MAX], want[IKE_HASH_MAX];
	const struct isakmp_pl *h;
	const uint8_t *rest;
	size_t len;
	bool self = false, ok;

	if (!(in->m.hdr.flags & ISAKMP_FLAG_E)) {
		/* Clear notifications are believed only before keys exist, and only end a
		 * Main Mode we started and that still waits for its first answer. */
		if (sa->keyed) {
			v1_drop(e, in, &e->st.malformed, "unprotected Informational");
			return;
		}
		for (size_t i = 0; i < in->c.n; i++)
			if (in->c.pl[i].type == ISAKMP_PL_N)
				got_notify(e, sa, &in->c.pl[i], false);
		if (sa->initiator && sa->step == IKE_MM_I1 && v1_pl(in, ISAKMP_PL_N) != NULL) {
			char ours[IKE_PROP_STRLEN];

			e->st.no_proposal++;
			v1_sa_fail(e, sa, "refused by the peer; we offered %s",
			    ike_prop_mm_offers_str(sa->offers, sa->noffers, ours, sizeof(ours)));
		}
		return;
	}
	if (sa->step != IKE_MM_DONE || msgid == 0 || ike_sa_msgid_seen(sa, msgid) ||
	    ike_qm_find(sa, msgid) != NULL) {
		v1_drop(e, in, &e->st.replays, "Informational with a used message id");
		return;
	}
	if (ike_v1_iv_phase2(&sa->keys, sa->iv, msgid, iv, NULL) != 0 ||
	    v1_decrypt(e, sa, in, iv) != 0) {
		v1_drop(e, in, &e->st.malformed, "Informational does not decrypt");
		return;
	}
	h = in->c.n > 0 ? &in->c.pl[0] : NULL;
	if (h == NULL || h->type != ISAKMP_PL_HASH || h->len != sa->keys.hash_len) {
		v1_drop(e, in, &e->st.malformed, "Informational without HASH(1)");
		return;
	}
	rest = v1_after(in, h, &len);
	ok = ike_v1_info_hash(&sa->keys, msgid, rest, len, want, NULL) == 0 &&
	    ike_equal(want, h->body, h->len);
	ike_wipe(want, sizeof(want));
	if (!ok) {
		v1_drop(e, in, &e->st.malformed, "Informational with a wrong HASH(1)");
		return;
	}
	ike_sa_msgid_add(sa, msgid);
	for (size_t i = 1; i < in->c.n; i++) {
		if (in->c.pl[i].type == ISAKMP_PL_N)
			got_notify(e, sa, &in->c.pl[i], true);
		else if (in->c.pl[i].type == ISAKMP_PL_D)
			self |= got_delete(e, sa, &in->c.pl[i]);
	}
	if (self) {
		e->st.mm_current--;
		ike_sa_free(e, sa);
		return;
	}
	/* After the notifies: an R-U-THERE-ACK is checked against the questions still open. */
	v1_dpd_alive(e, sa);
}
