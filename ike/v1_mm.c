/*
 * ike_v1 Main Mode (RFC 2409 §5, identity protection), initiator and responder:
 *   1 I->R SA              2 R->I SA
 *   3 I->R KE, Ni          4 R->I KE, Nr
 *   5 I->R *IDii, HASH_I [, N(INITIAL-CONTACT)]
 *   6 R->I *IDir, HASH_R
 * With certificates (sa_auth_cert.c) messages 3 and 4 add CERTREQ, and 5 and 6 carry
 * *IDii/IDir (DER_ASN1_DN), CERT, SIG_I/SIG_R instead.
 * The initiator retransmits 1, 3 and 5 with backoff; the responder answers a repeat with
 * its last message and gives up on a half-open SA after the initiator's whole schedule.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "ike/cert.h"
#include "ike/dos.h"
#include "ike/sa_auth.h"
#include "ike/v1.h"

/* Our ID payload's data: an address, an FQDN or a certificate's subject DN. */
#define IKE_AUTH_ID_MAX	1024

/* Our Main Mode ID: our address, or the configured FQDN.  data holds 254 bytes. */
static void
our_id(const struct ike_engine *e, const struct ike_sa *sa, struct isakmp_id *id,
    uint8_t *data)
{
	memset(id, 0, sizeof(id[0]));
	/* RFC 2407 §4.6.2: UDP port 500, or zeros; Windows sends UDP/500. */
	id->proto = IPPROTO_UDP;
	id->port = 500;
	id->data = data;
	if (e->id.type == IKE_ID_FQDN) {
		id->type = ISAKMP_ID_FQDN;
		id->len = strlen(e->id.fqdn);
		memcpy(data, e->id.fqdn, id->len);
	} else if (sa->local.ss_family == AF_INET6) {
		id->type = ISAKMP_ID_IPV6_ADDR;
		id->len = 16;
		memcpy(data, &((const struct sockaddr_in6 *)(const void *)&sa->local)->sin6_addr,
		    16);
	} else {
		id->type = ISAKMP_ID_IPV4_ADDR;
		id->len = 4;
		memcpy(data, &((const struct sockaddr_in *)(const void *)&sa->local)->sin_addr, 4);
	}
}

static void
p1_in(const struct ike_sa *sa, struct ike_v1_p1_in *in, const uint8_t *gxy, size_t gxy_len)
{
	memset(in, 0, sizeof(*in));
	in->hash = sa->chosen.hash;
	in->cipher = sa->chosen.cipher;
	in->cky_i = sa->icookie;
	in->cky_r = sa->rcookie;
	in->ni_b = sa->ni;
	in->ni_len = sa->ni_len;
	in->nr_b = sa->nr;
	in->nr_len = sa->nr_len;
	in->gxi = sa->gxi;
	in->gxi_len = sa->gx_len;
	in->gxr = sa->gxr;
	in->gxr_len = sa->gx_len;
	in->gxy = gxy;
	in->gxy_len = gxy_len;
}

/* Our key pair and nonce for the chosen group. */
static int
make_ke(struct ike_sa *sa)
{
	uint8_t *pub = sa->initiator ? sa->gxi : sa->gxr;
	uint8_t *nonce = sa->initiator ? sa->ni : sa->nr;

	sa->dh = ike_dh_new(sa->chosen.group, NULL);
	if (sa->dh == NULL)
		return -1;
	sa->gx_len = ike_dh_public_len(sa->chosen.group);
	memcpy(pub, ike_dh_public(sa->dh), sa->gx_len);
	if (ike_random(nonce, IKE_NONCE_LEN, NULL) != 0)
		return -1;
	if (sa->initiator)
		sa->ni_len = IKE_NONCE_LEN;
	else
		sa->nr_len = IKE_NONCE_LEN;
	return 0;
}

/* Takes the peer's KE and nonce from in; -1 if missing or malformed. */
static int
take_ke(struct ike_sa *sa, const struct v1_in *in)
{
	const struct isakmp_pl *ke = v1_pl(in, ISAKMP_PL_KE), *no = v1_pl(in, ISAKMP_PL_NONCE);
	struct isakmp_data d, n;
	struct isakmp_err err;

	if (ke == NULL || no == NULL || isakmp_data_decode(ke, &d, &err) != 0 ||
	    isakmp_data_decode(no, &n, &err) != 0 ||
	    d.len != ike_dh_public_len(sa->chosen.group) || n.len > IKE_NONCE_MAX)
		return -1;
	memcpy(sa->initiator ? sa->gxr : sa->gxi, d.p, d.len);
	memcpy(sa->initiator ? sa->nr : sa->ni, n.p, n.len);
	if (sa->initiator)
		sa->nr_len = n.len;
	else
		sa->ni_len = n.len;
	return 0;
}

/* g^xy and every Phase 1 key; the DH private value is dropped here. */
static int
derive(struct ike_engine *e, struct ike_sa *sa)
{
	const struct ike_auth_ops *ops = ike_auth_ops(sa->auth);
	uint8_t gxy[IKE_DH_SECRET_MAX];
	size_t slen = ike_dh_secret_len(sa->chosen.group);
	struct ike_v1_p1_in in;
	struct ipp_err err;
	int r = -1;

	if (ops == NULL)
		return -1;
	if (ike_dh_derive(sa->dh, sa->initiator ? sa->gxr : sa->gxi, sa->gx_len, gxy, slen,
	    &err) != 0) {
		ike_log(e, LOG_WARNING, "Main Mode: the peer's public value is refused: %s",
		    err.msg);
		goto out;
	}
	p1_in(sa, &in, gxy, slen);
	if (ops->v1_keys(sa, &sa->keys, &in, &err) != 0)
		goto out;
	memcpy(sa->iv, sa->keys.iv, sa->keys.block_len);
	sa->keyed = true;
	r = 0;
out:
	ike_wipe(gxy, sizeof(gxy));
	ike_dh_free(sa->dh);
	sa->dh = NULL;
	return r;
}

/* CERTREQ in message 3 or 4 when the method asks for the peer's credentials. */
static void
put_req(const struct ike_sa *sa, struct isakmp_buf *b)
{
	const struct ike_auth_ops *ops = ike_auth_ops(sa->auth);

	if (ops != NULL && ops->v1_put_req != NULL)
		ops->v1_put_req(sa, b);
}

static void
send_keep(struct ike_engine *e, struct ike_sa *sa, struct isakmp_buf *b)
{
	v1_transmit(e, sa, b, &sa->last_tx);
	isakmp_buf_free(b);
}

/* ---- initiator ---- */

int
v1_mm_start(struct ike_engine *e, const struct ike_acquire *a, const struct ike_qm_req *q,
    const struct ipp_ike_rule *r, const struct ipp_auth *auth)
{
	const struct ipp_mm *mm = &e->plan->main.mm;
	const struct ike_auth_ops *ops = ike_auth_ops(auth->kind);
	const struct sockaddr *remote = (const struct sockaddr *)&a->remote;
	struct ike_pending *p;
	struct isakmp_buf b;
	struct isakmp_err err;
	struct ike_sa *sa;
	size_t start, end;

	if (mm->noffers == 0 || ops == NULL) {
		ike_log(e, LOG_ERR, "rule '%s': the policy has no Main Mode offers", r->name);
		return -EINVAL;
	}
	if (!ike_dos_admit(e, remote)) {
		ike_log(e, LOG_WARNING, "rule '%s': half-open limit reached; ACQUIRE refused",
		    r->name);
		return -EAGAIN;
	}
	sa = ike_sa_new(e, (const struct sockaddr *)&a->local, remote, true);
	p = calloc(1, sizeof(*p));
	if (sa == NULL || p == NULL)
		goto nomem;
	p->acq = *a;
	p->req = *q;
	p->since_ms = ike_now(e);
	sa->pending = p;
	p = NULL;
	sa->offers = calloc(mm->noffers, sizeof(*sa->offers));
	if (sa->offers == NULL || ike_auth_bind(sa, auth) != 0 ||
	    (auth->kind == IPP_AUTH_CERT && ike_auth_bind_cas(e, sa, r->auth, r->nauth) != 0) ||
	    ike_random(sa->icookie, IKE_SPI_LEN, NULL) != 0)
		goto nomem;
	memcpy(sa->offers, mm->offers, mm->noffers * sizeof(*sa->offers));
	sa->noffers = mm->noffers;
	sa->rule_reqid = r->reqid;
	sa->chosen.life_s = mm->lifetime_min > UINT32_MAX / 60 ? UINT32_MAX :
	    mm->lifetime_min * 60;
	v1_begin(&b, sa, ISAKMP_EXCH_ID_PROT, 0, false);
	start = b.len;
	v1_sa_put_mm(&b, sa->offers, sa->noffers, ike_auth_v1_method(e, auth->kind),
	    sa->chosen.life_s);
	end = b.len;
	v1_dpd_put_vid(&b);
	if (isakmp_buf_finish(&b, &err) != 0 || end < start + ISAKMP_GEN_LEN ||
	    (sa->sai_b = malloc(end - start - ISAKMP_GEN_LEN)) == NULL) {
		isakmp_buf_free(&b);
		goto nomem;
	}
	sa->sai_len = end - start - ISAKMP_GEN_LEN;
	memcpy(sa->sai_b, b.p + start + ISAKMP_GEN_LEN, sa->sai_len);
	sa->step = IKE_MM_I1;
	ike_timer_start(e, &sa->rt);
	send_keep(e, sa, &b);
	return 0;
nomem:
	free(p);
	if (sa != NULL)
		ike_sa_free(e, sa);
	return -ENOMEM;
}

static void
i_got_sa(struct ike_engine *e, struct ike_sa *sa, struct v1_in *in)
{
	const struct isakmp_pl *pl = v1_pl(in, ISAKMP_PL_SA);
	char ours[IKE_PROP_STRLEN], theirs[IKE_PROP_STRLEN];
	struct isakmp_sa s;
	struct isakmp_iter it, xit;
	struct isakmp_prop p;
	struct isakmp_xform x;
	struct isakmp_err err;
	struct isakmp_buf b;
	uint32_t mine = sa->chosen.life_s;
	bool lowered;

	if (pl == NULL || isakmp_sa_decode(pl, &s, &err) != 0 || s.nprops != 1) {
		v1_drop(e, in, &e->st.malformed, "message 2 without a valid SA payload");
		return;
	}
	isakmp_sa_props(&s, &it);
	if (!isakmp_prop_next(&it, &p) || p.proto != ISAKMP_PROTO_ISAKMP || p.ntrans != 1) {
		v1_drop(e, in, &e->st.malformed, "message 2 must choose one ISAKMP transform");
		return;
	}
	isakmp_prop_xforms(&p, &xit);
	if (!isakmp_xform_next(&xit, &x) || v1_mm_xform(&x, &sa->chosen) != 0 ||
	    ike_prop_mm_match(sa->offers, sa->noffers, sa->auth, &sa->chosen) < 0 ||
	    !ike_auth_prop_ok(e, &sa->chosen)) {
		v1_sa_fail(e, sa, "the peer chose %s, which we did not offer (ours: %s)",
		    ike_prop_mm_str(&sa->chosen, theirs, sizeof(theirs)),
		    ike_prop_mm_offers_str(sa->offers, sa->noffers, ours, sizeof(ours)));
		return;
	}
	sa->chosen.life_s = ike_prop_life(sa->chosen.life_s, mine, &lowered);
	memcpy(sa->rcookie, in->m.hdr.rcookie, IKE_SPI_LEN);
	v1_dpd_scan_vid(sa, in);
	if (make_ke(sa) != 0) {
		v1_sa_fail(e, sa, "cannot make a key pair for group %u", sa->chosen.group);
		return;
	}
	v1_begin(&b, sa, ISAKMP_EXCH_ID_PROT, 0, false);
	isakmp_put_payload(&b, ISAKMP_PL_KE, sa->gxi, sa->gx_len, NULL);
	isakmp_put_payload(&b, ISAKMP_PL_NONCE, sa->ni, sa->ni_len, NULL);
	put_req(sa, &b);
	if (isakmp_buf_finish(&b, &err) != 0) {
		isakmp_buf_free(&b);
		v1_sa_fail(e, sa, "cannot build message 3");
		return;
	}
	memcpy(sa->last_rx, in->rxhash, IKE_RXHASH_LEN);
	sa->have_rx = true;
	sa->step = IKE_MM_I3;
	ike_timer_start(e, &sa->rt);
	send_keep(e, sa, &b);
}

/* Message 5 or 6: our ID and proof, encrypted. */
static int
send_auth(struct ike_engine *e, struct ike_sa *sa, bool initial_contact)
{
	const struct ike_auth_ops *ops = ike_auth_ops(sa->auth);
	struct ike_v1_p1_in pin;
	uint8_t data[IKE_AUTH_ID_MAX], hash[IKE_HASH_MAX], proof[IKE_CERT_SIG_MAX];
	size_t id_off, id_len, plen = sizeof(proof);
	struct isakmp_id id;
	struct isakmp_buf b;
	int r = 0;

	if (ops->v1_our_id != NULL)
		r = ops->v1_our_id(sa, &id, data, sizeof(data));
	else
		our_id(e, sa, &id, data);
	if (r != 0)
		return -1;
	v1_begin(&b, sa, ISAKMP_EXCH_ID_PROT, 0, true);
	id_off = b.len;
	isakmp_put_id(&b, &id);
	id_len = b.len - id_off - ISAKMP_GEN_LEN;
	if (ops->v1_put_cred != NULL)
		ops->v1_put_cred(sa, &b);
	p1_in(sa, &pin, NULL, 0);
	r = b.err.code == ISAKMP_OK ? 0 : -1;
	if (r == 0)
		r = (sa->initiator ? ike_v1_hash_i : ike_v1_hash_r)(&sa->keys, &pin,
		    sa->sai_b, sa->sai_len, b.p + id_off + ISAKMP_GEN_LEN, id_len, hash, NULL);
	if (r == 0)
		r = ops->v1_prove(sa, hash, sa->keys.hash_len, proof, &plen);
	if (r == 0)
		isakmp_put_payload(&b, ops->v1_proof, proof, plen, NULL);
	if (r == 0 && initial_contact) {
		struct isakmp_notify n;
		uint8_t spi[2 * IKE_SPI_LEN];

		memcpy(spi, sa->icookie, IKE_SPI_LEN);
		memcpy(spi + IKE_SPI_LEN, sa->rcookie, IKE_SPI_LEN);
		memset(&n, 0, sizeof(n));
		n.doi = ISAKMP_DOI_IPSEC;
		n.proto = ISAKMP_PROTO_ISAKMP;
		n.spi_len = sizeof(spi);
		n.spi = spi;
		n.type = ISAKMP_N_INITIAL_CONTACT;
		isakmp_put_notify(&b, &n);
		sa->initial_contact = true;
	}
	if (r == 0)
		r = v1_seal(e, sa, &b, sa->iv);
	if (r == 0)
		v1_transmit(e, sa, &b, &sa->last_tx);
	isakmp_buf_free(&b);
	ike_wipe(hash, sizeof(hash));
	ike_wipe(proof, sizeof(proof));
	return r;
}

static void
i_got_ke(struct ike_engine *e, struct ike_sa *sa, struct v1_in *in)
{
	bool first;

	if (take_ke(sa, in) != 0) {
		v1_drop(e, in, &e->st.malformed, "message 4 without a valid KE and nonce");
		return;
	}
	if (derive(e, sa) != 0) {
		v1_sa_fail(e, sa, "key derivation failed");
		return;
	}
	/* INITIAL-CONTACT: nothing else with this peer, so it may drop what it still holds
	 * from an earlier life of ours. */
	first = ike_sa_find_peer(e, NULL, (const struct sockaddr *)&sa->remote, true) == NULL &&
	    !ike_child_with_peer(e, &sa->remote);
	memcpy(sa->last_rx, in->rxhash, IKE_RXHASH_LEN);
	if (send_auth(e, sa, first) != 0) {
		v1_sa_fail(e, sa, "cannot build message 5");
		return;
	}
	sa->step = IKE_MM_I5;
	ike_timer_start(e, &sa->rt);
}

/* Checks the peer's ID and proof in a decrypted message 5 or 6.  0, or -1 (logged). */
static int
check_auth(struct ike_engine *e, struct ike_sa *sa, struct v1_in *in, bool *ic)
{
	const struct ike_auth_ops *ops = ike_auth_ops(sa->auth);
	const struct isakmp_pl *idp = v1_pl(in, ISAKMP_PL_ID);
	const struct isakmp_pl *pp = ops != NULL ? v1_pl(in, ops->v1_proof) : NULL;
	uint8_t hash[IKE_HASH_MAX];
	struct ike_v1_p1_in pin;
	struct isakmp_id id;
	struct isakmp_data proof;
	struct isakmp_err err;
	char a[IKE_ADDR_STRLEN];
	size_t from = 0;
	const struct isakmp_pl *np;
	int r;

	if (idp == NULL || pp == NULL || isakmp_id_decode(idp, &id, &err) != 0 ||
	    isakmp_data_decode(pp, &proof, &err) != 0) {
		v1_drop(e, in, &e->st.malformed, "no valid ID and proof");
		return -1;
	}
	ike_addr_str(&sa->remote, a, sizeof(a));
	if (ops->v1_peer != NULL) {
		struct ipp_err ce;

		if (ops->v1_peer(sa, &in->c, &id, &ce) != 0) {
			e->st.auth_failed++;
			ike_log(e, LOG_ERR, "Main Mode with %s: authentication failed: %s", a,
			    ce.msg);
			return -1;
		}
		goto proof;
	}
	switch (id.type) {
	case ISAKMP_ID_IPV4_ADDR:
	case ISAKMP_ID_IPV6_ADDR: {
		struct ike_ts ts, host;

		v1_ts_host(&sa->remote, &host);
		if (v1_ts_from_id(&id, &ts) != 0 || ts.family != host.family ||
		    memcmp(&ts.addr, &host.addr, ts.family == AF_INET ? 4 : 16) != 0) {
			ike_log(e, LOG_WARNING, "Main Mode with %s: its ID is an address other "
			    "than its own; refused", a);
			return -1;
		}
		snprintf(sa->peer_id, sizeof(sa->peer_id), "%s", a);
		break;
	}
	case ISAKMP_ID_FQDN:
	case ISAKMP_ID_USER_FQDN: {
		size_t n = id.len < sizeof(sa->peer_id) - 1 ? id.len : sizeof(sa->peer_id) - 1;

		for (size_t i = 0; i < n; i++)
			sa->peer_id[i] = id.data[i] > 0x20 && id.data[i] < 0x7f ?
			    (char)id.data[i] : '?';
		sa->peer_id[n] = '\0';
		break;
	}
	default:
		ike_log(e, LOG_WARNING, "Main Mode with %s: ID type %s not accepted with a "
		    "preshared key", a, isakmp_id_type_name(id.type));
		return -1;
	}
proof:
	p1_in(sa, &pin, NULL, 0);
	r = (sa->initiator ? ike_v1_hash_r : ike_v1_hash_i)(&sa->keys, &pin, sa->sai_b,
	    sa->sai_len, idp->body, idp->len, hash, NULL);
	if (r != 0 || !ops->v1_verify(sa, hash, sa->keys.hash_len, proof.p, proof.len)) {
		ike_wipe(hash, sizeof(hash));
		e->st.auth_failed++;
		ike_log(e, LOG_ERR, "Main Mode with %s (ID %s): authentication failed "
		    "(%s_%s does not match)", a, sa->peer_id,
		    ops->v1_proof == ISAKMP_PL_SIG ? "SIG" : "HASH", sa->initiator ? "R" : "I");
		return -1;
	}
	ike_wipe(hash, sizeof(hash));
	*ic = false;
	while ((np = isakmp_chain_next(&in->c, ISAKMP_PL_N, &from)) != NULL) {
		struct isakmp_notify n;

		if (isakmp_notify_decode(np, &n, &err) == 0 &&
		    n.type == ISAKMP_N_INITIAL_CONTACT)
			*ic = true;
	}
	return 0;
}

static void
established(struct ike_engine *e, struct ike_sa *sa, bool ic)
{
	char a[IKE_ADDR_STRLEN], p[IKE_PROP_STRLEN];
	struct ike_pending *pend;

	sa->step = IKE_MM_DONE;
	sa->rt.due_ms = 0;
	sa->expire_ms = ike_now(e) + (uint64_t)sa->chosen.life_s * 1000;
	ike_wipe(sa->gxi, sizeof(sa->gxi));
	ike_wipe(sa->gxr, sizeof(sa->gxr));
	e->st.mm_ok++;
	e->st.mm_current++;
	ike_log(e, LOG_INFO, "IKE SA established with %s (ID %s) as %s: %s, %us",
	    ike_addr_str(&sa->remote, a, sizeof(a)), sa->peer_id,
	    sa->initiator ? "initiator" : "responder",
	    ike_prop_mm_str(&sa->chosen, p, sizeof(p)), (unsigned)sa->chosen.life_s);
	if (ic)
		v1_initial_contact(e, sa);
	v1_dpd_start(e, sa);
	pend = sa->pending;
	sa->pending = NULL;
	while (pend != NULL) {
		struct ike_pending *next = pend->next;

		v1_qm_start(e, sa, &pend->req);
		free(pend);
		pend = next;
	}
}

/*
 * Decrypts Main Mode message msgno (5 or 6).  One that does not decrypt is dropped without a
 * state change: a forger cannot end the exchange; a wrong preshared key ends it by the
 * peer's timeout and ours, logged once.
 */
static int
auth_decrypt(struct ike_engine *e, struct ike_sa *sa, struct v1_in *in, int msgno)
{
	char a[IKE_ADDR_STRLEN];

	if ((in->m.hdr.flags & ISAKMP_FLAG_E) && v1_decrypt(e, sa, in, sa->iv) == 0)
		return 0;
	e->st.malformed++;
	if (!sa->logged_decrypt) {
		sa->logged_decrypt = true;
		e->st.auth_failed++;
		ike_log(e, LOG_ERR, "Main Mode with %s: authentication failed: "
		    "message %d does not decrypt (do the preshared keys differ?)",
		    ike_addr_str(&sa->remote, a, sizeof(a)), msgno);
	}
	return -1;
}

static void
i_got_auth(struct ike_engine *e, struct ike_sa *sa, struct v1_in *in)
{
	bool ic;

	if (auth_decrypt(e, sa, in, 6) != 0)
		return;
	if (check_auth(e, sa, in, &ic) != 0) {
		v1_sa_fail(e, sa, "the responder did not authenticate");
		return;
	}
	memcpy(sa->iv, in->iv_next, sa->keys.block_len);
	memcpy(sa->last_rx, in->rxhash, IKE_RXHASH_LEN);
	/* A repeat of message 6 needs no answer: the exchange is over. */
	ike_pkt_clear(&sa->last_tx);
	established(e, sa, ic);
}

/* ---- responder ---- */

/* A clear Informational with one notify, for a message that created no SA. */
static void
refuse(struct ike_engine *e, struct v1_in *in, uint16_t type)
{
	struct ike_sa tmp;

	memset(&tmp, 0, sizeof(tmp));
	memcpy(&tmp.local, in->local, in->local->sa_family == AF_INET6 ?
	    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
	memcpy(&tmp.remote, in->remote, in->remote->sa_family == AF_INET6 ?
	    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
	memcpy(tmp.icookie, in->m.hdr.icookie, IKE_SPI_LEN);
	v1_info_notify(e, &tmp, ISAKMP_PROTO_ISAKMP, type, NULL, 0, NULL, 0);
}

static const struct ipp_auth *
responder_auth(struct ike_engine *e, struct v1_in *in, const struct ipp_auth **all,
    size_t *nall)
{
	const struct ipp_auth *auth = e->plan->main.defrule.auth;
	size_t nauth = e->plan->main.defrule.nauth;
	char a[IKE_ADDR_STRLEN], who[IKE_ADDR_STRLEN + 16];
	struct sockaddr_storage ss;

	if (e->ops.auth_for_peer != NULL && e->ops.auth_for_peer(e->ops.arg, in->local,
	    in->remote, &auth, &nauth) != 0)
		return NULL;
	memset(&ss, 0, sizeof(ss));
	memcpy(&ss, in->remote, in->remote->sa_family == AF_INET6 ?
	    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
	snprintf(who, sizeof(who), "peer %s", ike_addr_str(&ss, a, sizeof(a)));
	*all = auth;
	*nall = nauth;
	/* Quietly: a first message costs the sender nothing, so it must not cost us a log
	 * line per skipped method. */
	return ike_auth_pick(e, auth, nauth, who, false);
}

/* The first of the initiator's transforms we accept; *x is it.  -1: none. */
static int
choose_mm(struct ike_engine *e, const struct isakmp_sa *s, enum ipp_auth_kind auth,
    struct ike_mm_prop *chosen, struct isakmp_xform *x, char *theirs, size_t tlen)
{
	const struct ipp_mm *mm = &e->plan->main.mm;
	struct isakmp_iter it, xit;
	struct isakmp_prop p;
	size_t off = 0;

	theirs[0] = '\0';
	isakmp_sa_props(s, &it);
	while (isakmp_prop_next(&it, &p)) {
		if (p.proto != ISAKMP_PROTO_ISAKMP)
			continue;
		isakmp_prop_xforms(&p, &xit);
		while (isakmp_xform_next(&xit, x)) {
			char one[128];

			if (v1_mm_xform(x, chosen) != 0) {
				snprintf(one, sizeof(one), "%s(transform %u: unsupported "
				    "attributes)", off > 0 ? ", " : "", x->num);
			} else {
				if (ike_prop_mm_match(mm->offers, mm->noffers, auth, chosen) >= 0 &&
				    ike_auth_prop_ok(e, chosen))
					return 0;
				snprintf(one, sizeof(one), "%s", off > 0 ? ", " : "");
				ike_prop_mm_str(chosen, one + strlen(one),
				    sizeof(one) - strlen(one));
			}
			if (off < tlen) {
				snprintf(theirs + off, tlen - off, "%s", one);
				off += strlen(theirs + off);
			}
		}
	}
	return -1;
}

/*
 * The first usable method of all[0..n), in order, for which the initiator offered an
 * acceptable transform: the initiator's proposal says which method it authenticates with
 * (a preshared key, or RSA or ECDSA signatures), so a rule listing both serves both.
 * *auth starts as the first usable method and stays so when none matches.
 */
static int
choose_auth(struct ike_engine *e, const struct isakmp_sa *s, const struct ipp_auth *all,
    size_t n, const struct ipp_auth **auth, struct ike_mm_prop *chosen,
    struct isakmp_xform *x, char *theirs, size_t tlen)
{
	if (choose_mm(e, s, (*auth)->kind, chosen, x, theirs, tlen) == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (all[i].kind == (*auth)->kind ||
		    ike_auth_pick(e, &all[i], 1, "responder", false) == NULL)
			continue;
		if (choose_mm(e, s, all[i].kind, chosen, x, theirs, tlen) == 0) {
			*auth = &all[i];
			return 0;
		}
	}
	return -1;
}

void
v1_mm_respond(struct ike_engine *e, struct v1_in *in)
{
	const struct isakmp_pl *pl = v1_pl(in, ISAKMP_PL_SA);
	char a[IKE_ADDR_STRLEN], ours[IKE_PROP_STRLEN], theirs[IKE_PROP_STRLEN];
	const struct ipp_auth *auth, *all;
	size_t nall;
	struct ike_mm_prop chosen;
	struct isakmp_xform x;
	struct isakmp_iter it;
	struct isakmp_attr at;
	struct isakmp_err err;
	struct isakmp_buf b;
	struct isakmp_sa s;
	struct ike_sa *sa;
	struct sockaddr_storage ss;

	memset(&ss, 0, sizeof(ss));
	memcpy(&ss, in->remote, in->remote->sa_family == AF_INET6 ?
	    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
	ike_addr_str(&ss, a, sizeof(a));
	if (in->m.hdr.flags & ISAKMP_FLAG_E || in->m.hdr.msgid != 0 || pl == NULL ||
	    isakmp_sa_decode(pl, &s, &err) != 0) {
		v1_drop(e, in, &e->st.malformed, "first message without a valid SA payload");
		return;
	}
	if (e->plan == NULL) {
		v1_drop(e, in, &e->st.unknown_sa, "no policy");
		return;
	}
	if (e->st.mm_current >= e->lim.mm_max) {
		v1_drop(e, in, &e->st.half_open_drops, "IKE SA limit reached");
		return;
	}
	auth = responder_auth(e, in, &all, &nall);
	if (auth == NULL) {
		refuse(e, in, ISAKMP_N_NO_PROPOSAL_CHOSEN);
		e->st.mm_failed++;
		return;
	}
	if (choose_auth(e, &s, all, nall, &auth, &chosen, &x, theirs, sizeof(theirs)) != 0) {
		e->st.no_proposal++;
		e->st.mm_failed++;
		ike_log(e, LOG_ERR, "Main Mode with %s: no proposal chosen: the peer offered "
		    "%s; ours are %s", a, theirs, ike_prop_mm_offers_str(e->plan->main.mm.offers,
		    e->plan->main.mm.noffers, ours, sizeof(ours)));
		refuse(e, in, ISAKMP_N_NO_PROPOSAL_CHOSEN);
		return;
	}
	/* Last, so that a first message we would refuse anyway evicts nobody. */
	if (!ike_dos_admit(e, in->remote)) {
		ike_log(e, LOG_DEBUG, "Identity Protection from %s dropped: half-open limit "
		    "reached and no unanswered exchange to evict", a);
		return;
	}
	sa = ike_sa_new(e, in->local, in->remote, false);
	if (sa == NULL)
		return;
	sa->chosen = chosen;
	{
		bool lowered;
		uint32_t mine = e->plan->main.mm.lifetime_min > UINT32_MAX / 60 ? UINT32_MAX :
		    e->plan->main.mm.lifetime_min * 60;

		sa->chosen.life_s = ike_prop_life(chosen.life_s, mine, &lowered);
	}
	memcpy(sa->icookie, in->m.hdr.icookie, IKE_SPI_LEN);
	sa->sai_b = malloc(pl->len);
	if (sa->sai_b == NULL || ike_auth_bind(sa, auth) != 0 ||
	    (auth->kind == IPP_AUTH_CERT && ike_auth_bind_cas(e, sa, all, nall) != 0) ||
	    ike_random(sa->rcookie, IKE_SPI_LEN, NULL) != 0) {
		ike_sa_free(e, sa);
		return;
	}
	memcpy(sa->sai_b, pl->body, pl->len);
	sa->sai_len = pl->len;
	v1_dpd_scan_vid(sa, in);
	v1_begin(&b, sa, ISAKMP_EXCH_ID_PROT, 0, false);
	isakmp_sa_begin(&b, ISAKMP_DOI_IPSEC, ISAKMP_SIT_IDENTITY_ONLY);
	isakmp_prop_begin(&b, 1, ISAKMP_PROTO_ISAKMP, NULL, 0);
	isakmp_xform_begin(&b, x.num, x.id);
	isakmp_xform_attrs(&x, &it);
	while (isakmp_attr_next(&it, &at))
		isakmp_attr_copy(&b, &at);
	isakmp_xform_end(&b);
	isakmp_prop_end(&b);
	isakmp_sa_end(&b);
	v1_dpd_put_vid(&b);
	if (isakmp_buf_finish(&b, &err) != 0) {
		isakmp_buf_free(&b);
		ike_sa_free(e, sa);
		return;
	}
	memcpy(sa->last_rx, in->rxhash, IKE_RXHASH_LEN);
	sa->have_rx = true;
	sa->step = IKE_MM_R2;
	sa->rt.tries = e->lim.retrans_tries;
	sa->rt.due_ms = ike_now(e) + ike_dos_deadline(e);
	send_keep(e, sa, &b);
}

static void
r_got_ke(struct ike_engine *e, struct ike_sa *sa, struct v1_in *in)
{
	struct isakmp_buf b;
	struct isakmp_err err;

	if (take_ke(sa, in) != 0) {
		v1_drop(e, in, &e->st.malformed, "message 3 without a valid KE and nonce");
		return;
	}
	if (make_ke(sa) != 0 || derive(e, sa) != 0) {
		v1_sa_fail(e, sa, "key exchange failed");
		return;
	}
	v1_begin(&b, sa, ISAKMP_EXCH_ID_PROT, 0, false);
	isakmp_put_payload(&b, ISAKMP_PL_KE, sa->gxr, sa->gx_len, NULL);
	isakmp_put_payload(&b, ISAKMP_PL_NONCE, sa->nr, sa->nr_len, NULL);
	put_req(sa, &b);
	if (isakmp_buf_finish(&b, &err) != 0) {
		isakmp_buf_free(&b);
		v1_sa_fail(e, sa, "cannot build message 4");
		return;
	}
	memcpy(sa->last_rx, in->rxhash, IKE_RXHASH_LEN);
	sa->step = IKE_MM_R4;
	send_keep(e, sa, &b);
}

static void
r_got_auth(struct ike_engine *e, struct ike_sa *sa, struct v1_in *in)
{
	bool ic;

	if (auth_decrypt(e, sa, in, 5) != 0)
		return;
	if (check_auth(e, sa, in, &ic) != 0) {
		v1_info_notify(e, sa, ISAKMP_PROTO_ISAKMP, ISAKMP_N_AUTHENTICATION_FAILED, NULL,
		    0, NULL, 0);
		v1_sa_fail(e, sa, "the initiator did not authenticate");
		return;
	}
	memcpy(sa->iv, in->iv_next, sa->keys.block_len);
	memcpy(sa->last_rx, in->rxhash, IKE_RXHASH_LEN);
	if (send_auth(e, sa, false) != 0) {
		v1_sa_fail(e, sa, "cannot build message 6");
		return;
	}
	established(e, sa, ic);
}

void
v1_mm_input(struct ike_engine *e, struct ike_sa *sa, struct v1_in *in)
{
	if (in->m.hdr.msgid != 0) {
		v1_drop(e, in, &e->st.malformed, "Main Mode message with a message id");
		return;
	}
	switch (sa->step) {
	case IKE_MM_I1:
		if (!(in->m.hdr.flags & ISAKMP_FLAG_E))
			i_got_sa(e, sa, in);
		else
			v1_drop(e, in, &e->st.malformed, "message 2 encrypted");
		return;
	case IKE_MM_R2:
		r_got_ke(e, sa, in);
		return;
	case IKE_MM_I3:
		i_got_ke(e, sa, in);
		return;
	case IKE_MM_R4:
		r_got_auth(e, sa, in);
		return;
	case IKE_MM_I5:
		i_got_auth(e, sa, in);
		return;
	case IKE_MM_DONE:
		break;
	}
	v1_drop(e, in, &e->st.replays, "Main Mode message after the exchange");
}

void
v1_mm_timeout(struct ike_engine *e, struct ike_sa *sa)
{
	if (!sa->initiator) {
		v1_sa_fail(e, sa, "half-open: no message %d from the initiator in time",
		    sa->step == IKE_MM_R2 ? 3 : 5);
		return;
	}
	if (!ike_timer_next(e, &sa->rt)) {
		v1_soft_fallback(e, sa);
		v1_sa_fail(e, sa, "no answer to message %d after %u retransmissions",
		    sa->step == IKE_MM_I1 ? 1 : sa->step == IKE_MM_I3 ? 3 : 5,
		    e->lim.retrans_tries);
		return;
	}
	e->st.retransmits++;
	if (sa->last_tx.buf != NULL)
		ike_send(e, sa, sa->last_tx.buf, sa->last_tx.len);
}

/* ---- ACQUIRE ---- */

static bool
sel_equal(const struct xfrm_sel *a, const struct xfrm_sel *b)
{
	return a->family == b->family && a->sprefix == b->sprefix &&
	    a->dprefix == b->dprefix && a->proto == b->proto && a->sport == b->sport &&
	    a->dport == b->dport && memcmp(&a->saddr, &b->saddr, sizeof(a->saddr)) == 0 &&
	    memcmp(&a->daddr, &b->daddr, sizeof(a->daddr)) == 0;
}

/* The same rule and flow is already being negotiated. */
static bool
acquire_running(struct ike_engine *e, const struct ike_acquire *a)
{
	for (struct ike_sa *sa = e->sas; sa != NULL; sa = sa->next) {
		if (!ike_host_equal(&sa->remote, &a->remote))
			continue;
		for (struct ike_pending *p = sa->pending; p != NULL; p = p->next)
			if (p->acq.reqid == a->reqid &&
			    sel_equal(&p->acq.packet_sel, &a->packet_sel))
				return true;
		for (struct ike_qm *qm = sa->qms; qm != NULL; qm = qm->next)
			if (qm->initiator && qm->step == IKE_QM_I1 && qm->reqid == a->reqid &&
			    qm->acq_seq == a->seq)
				return true;
	}
	return false;
}

/* Whether sa may carry one more Quick Mode under the policy's quick modes per main mode
 * (master-key PFS means one each). */
static bool
qm_budget(const struct ike_engine *e, const struct ike_sa *sa)
{
	uint32_t per_mm = v1_qm_per_mm(e);

	return per_mm == 0 || sa->nqm + v1_qm_running(sa) < per_mm;
}

uint32_t
v1_qm_per_mm(const struct ike_engine *e)
{
	const struct ipp_mm *mm;

	if (e->plan == NULL)
		return 0;
	mm = &e->plan->main.mm;
	return mm->pfs ? 1 : mm->qm_per_mm;
}

/* An established IKE SA with a's peer that may carry the Quick Mode for r: its
 * authentication suits the rule, it has budget left, and a tenth of its life at least, so
 * that the Quick Mode ends well before the IKE SA does.  The newest. */
static struct ike_sa *
usable_sa(struct ike_engine *e, const struct ike_acquire *a, const struct ipp_ike_rule *r)
{
	struct ike_sa *best = NULL;
	uint64_t now = ike_now(e);

	for (struct ike_sa *sa = e->sas; sa != NULL; sa = sa->next) {
		if (sa->step != IKE_MM_DONE || !ike_host_equal(&sa->remote, &a->remote) ||
		    !ike_host_equal(&sa->local, &a->local) ||
		    !ike_auth_allows(r->auth, r->nauth, sa) || !qm_budget(e, sa))
			continue;
		if (sa->expire_ms != 0 && sa->expire_ms < now + (uint64_t)sa->chosen.life_s * 100)
			continue;
		if (best == NULL || sa->serial > best->serial)
			best = sa;
	}
	return best;
}

/* Quick Mode q for rule r with a's peer: now, after a Main Mode already running, or after
 * a new one. */
static int
qm_request(struct ike_engine *e, const struct ike_acquire *a, const struct ike_qm_req *q,
    const struct ipp_ike_rule *r)
{
	char who[IPP_NAME_MAX + 16];
	const struct ipp_auth *auth;
	struct ike_sa *sa;

	snprintf(who, sizeof(who), "rule '%s'", r->name);
	auth = ike_auth_pick(e, r->auth, r->nauth, who, true);
	if (auth == NULL)
		return -EPERM;
	sa = usable_sa(e, a, r);
	if (sa != NULL) {
		if (v1_qm_running(sa) >= e->lim.qm_max_per_mm ||
		    e->st.child_current >= e->lim.child_max) {
			e->st.half_open_drops++;
			return -EAGAIN;
		}
		v1_qm_start(e, sa, q);
		return 0;
	}
	for (sa = e->sas; sa != NULL; sa = sa->next) {
		struct ike_pending *p;

		if (!sa->initiator || sa->step == IKE_MM_DONE ||
		    !ike_host_equal(&sa->remote, &a->remote) ||
		    !ike_auth_allows(r->auth, r->nauth, sa))
			continue;
		p = calloc(1, sizeof(*p));
		if (p == NULL)
			return -ENOMEM;
		p->acq = *a;
		p->req = *q;
		p->since_ms = ike_now(e);
		p->next = sa->pending;
		sa->pending = p;
		return 0;
	}
	return v1_mm_start(e, a, q, r, auth);
}

int
ike_v1_acquire(struct ike_engine *e, const struct ike_acquire *a, const struct ipp_ike_rule *r)
{
	struct ike_qm_req q;

	if (acquire_running(e, a))
		return 1;
	v1_qm_req_acquire(a, &q);
	return qm_request(e, a, &q, r);
}

int
ike_v1_rekey(struct ike_engine *e, const struct ike_child *c)
{
	const struct ipp_ike_rule *r = ike_rule_by_reqid(e, c->reqid);
	struct ike_acquire a;
	struct ike_qm_req q;

	if (r == NULL || r->action != IPP_ACTION_NEGOTIATE || r->noffers == 0)
		return -ENOENT;
	memset(&a, 0, sizeof(a));
	a.reqid = c->reqid;
	a.local = c->local;
	a.remote = c->remote;
	memset(&q, 0, sizeof(q));
	q.reqid = c->reqid;
	q.ts_local = c->ts_local;
	q.ts_remote = c->ts_remote;
	q.rekey_of = c->id;
	return qm_request(e, &a, &q, r);
}
