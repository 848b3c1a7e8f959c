/*
 * ike_v1: the IKEv1 exchanges (RFC 2409): Main Mode with preshared keys (v1_mm.c), Quick
 * Mode (v1_qm.c), Informational (v1_info.c), over the message layer (v1_msg.c: dispatch,
 * encryption, retransmission) and the payload translations (v1_sa.c).  Internal to
 * libikev1; the engine (engine.c) calls only the functions under "entry points".
 */
#ifndef IPP_IKE_V1_H
#define IPP_IKE_V1_H

#include "ike/isakmp.h"
#include "ike/sa.h"

/* ---- entry points ---- */
void	ike_v1_input(struct ike_engine *e, const struct sockaddr *local,
	    const struct sockaddr *remote, const uint8_t *buf, size_t len);
/* Starts Main Mode for a as initiator with authentication method auth, or queues a
 * behind a Main Mode already running; starts Quick Mode when one is established. */
int	ike_v1_acquire(struct ike_engine *e, const struct ike_acquire *a,
	    const struct ipp_ike_rule *r);
void	ike_v1_tick(struct ike_engine *e);
int64_t	ike_v1_next_timeout(struct ike_engine *e, uint64_t now);
/* Tells the peer that c is gone (protected DELETE, when an IKE SA is left). */
void	ike_v1_send_delete_child(struct ike_engine *e, const struct ike_child *c);
/* Starts the rekey of c: a Quick Mode for its rule and IDs under an IKE SA with the peer
 * that may carry one more, or a new Main Mode.  0 (started or queued), -ENOENT (no
 * negotiate rule c->reqid in the plan), or -errno as ike_engine_acquire. */
int	ike_v1_rekey(struct ike_engine *e, const struct ike_child *c);

/* ---- v1_msg.c ---- */
/* A message decoded: header, its chain (decrypted when E), and what to free. */
struct v1_in {
	const struct sockaddr	*local, *remote;
	struct isakmp_msg	m;
	struct isakmp_chain	c;
	uint8_t			*plain;		/* decrypted body, wiped and freed by v1_in_done */
	size_t			plain_len;
	uint8_t			iv_next[IKE_BLOCK_MAX];	/* last ciphertext block */
	uint8_t			rxhash[IKE_RXHASH_LEN];
};
/* Decrypts in->m's body with sa's keys and iv, parses the chain.  0, or -1 (counted as
 * malformed by the caller; nothing changed). */
int	v1_decrypt(struct ike_engine *e, struct ike_sa *sa, struct v1_in *in, const uint8_t *iv);
void	v1_in_done(struct v1_in *in);
/* Starts a message of sa: header with its cookies. */
int	v1_begin(struct isakmp_buf *b, const struct ike_sa *sa, uint8_t exchange,
	    uint32_t msgid, bool encrypted);
/* Pads and encrypts the body of a finished message in place; *iv is the CBC IV and
 * receives the last ciphertext block. */
int	v1_seal(struct ike_engine *e, struct ike_sa *sa, struct isakmp_buf *b, uint8_t *iv);
/* Sends b (finished) and keeps a copy in keep (NULL: no copy). */
void	v1_transmit(struct ike_engine *e, struct ike_sa *sa, const struct isakmp_buf *b,
	    struct ike_pkt *keep);
/* The first payload of type in in's chain, or NULL. */
const struct isakmp_pl *v1_pl(const struct v1_in *in, uint8_t type);
/* Bytes of the chain after payload pl (for HASH(1)/(2)): *len set, returns the start. */
const uint8_t *v1_after(const struct v1_in *in, const struct isakmp_pl *pl, size_t *len);
void	v1_drop(struct ike_engine *e, const struct v1_in *in, uint64_t *counter,
	    const char *why);
/* A fresh message id for sa, not used before with it. */
uint32_t v1_new_msgid(struct ike_sa *sa);
/* Fails sa: logs, counts, drops pending ACQUIREs, frees it. */
void	v1_sa_fail(struct ike_engine *e, struct ike_sa *sa, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* ---- v1_sa.c: payload translations ---- */
/* One alternative of a Quick Mode SA: a proposal (bundle) with one transform per protocol. */
struct v1_qm_alt {
	struct ike_qm_prop	prop;
	uint8_t			num;
	struct isakmp_xform	xf[2];
	bool			ok;		/* every attribute understood */
};
#define V1_QM_ALT_MAX		32

int	v1_sa_put_mm(struct isakmp_buf *b, const struct ipp_mm_offer *o, size_t n,
	    uint16_t auth_method, uint32_t life_s);
/* ISAKMP transform -> proposal; -1 when an attribute is unknown or a value unsupported. */
int	v1_mm_xform(const struct isakmp_xform *x, struct ike_mm_prop *p);
int	v1_sa_put_qm(struct isakmp_buf *b, const struct ike_qm_prop *props, size_t n);
/* Echo of one alternative with our SPIs (responder). */
int	v1_sa_put_qm_reply(struct isakmp_buf *b, const struct v1_qm_alt *alt,
	    const uint32_t *our_spi);
/* All alternatives of an IPsec SA payload, initiator's order.  0, or -1 (no proposal of
 * AH/ESP at all, too many). */
int	v1_qm_alts(const struct isakmp_sa *sa, struct v1_qm_alt *alts, size_t max, size_t *n);
int	v1_ts_from_id(const struct isakmp_id *id, struct ike_ts *ts);
/* data must hold 32 bytes. */
void	v1_id_from_ts(const struct ike_ts *ts, struct isakmp_id *id, uint8_t *data);
void	v1_ts_host(const struct sockaddr_storage *ss, struct ike_ts *ts);
const char *v1_ts_str(const struct ike_ts *ts, char *buf, size_t len);
#define V1_TS_STRLEN	80
void	v1_spi_put(uint8_t out[4], uint32_t spi);
uint32_t v1_spi_get(const uint8_t *p);

/* ---- v1_mm.c ---- */
void	v1_mm_input(struct ike_engine *e, struct ike_sa *sa, struct v1_in *in);
/* A new responder SA for a first message. */
void	v1_mm_respond(struct ike_engine *e, struct v1_in *in);
/* A new Main Mode as initiator with a's addresses; q (its Quick Mode) waits for it. */
int	v1_mm_start(struct ike_engine *e, const struct ike_acquire *a,
	    const struct ike_qm_req *q, const struct ipp_ike_rule *r,
	    const struct ipp_auth *auth);
void	v1_mm_timeout(struct ike_engine *e, struct ike_sa *sa);
/* Quick Modes one IKE SA may carry under the plan (master-key PFS: 1); 0 = no limit. */
uint32_t v1_qm_per_mm(const struct ike_engine *e);
/* v1_soft.c: an initiator's Main Mode that never got an answer: soft rules fall back. */
void	v1_soft_fallback(struct ike_engine *e, struct ike_sa *sa);

/* ---- v1_qm.c ---- */
/* The Quick Mode of an ACQUIRE: its IDs are the policy's selector, with the packet's
 * host addresses where the selector has a wildcard side. */
void	v1_qm_req_acquire(const struct ike_acquire *a, struct ike_qm_req *q);
void	v1_qm_start(struct ike_engine *e, struct ike_sa *sa, const struct ike_qm_req *q);
void	v1_qm_input(struct ike_engine *e, struct ike_sa *sa, struct v1_in *in);
/* Retransmits or gives up; returns false when qm was freed. */
bool	v1_qm_timeout(struct ike_engine *e, struct ike_sa *sa, struct ike_qm *qm);
/* Quick Modes of sa still negotiating. */
unsigned v1_qm_running(const struct ike_sa *sa);
/* The peer refused our Quick Modes under sa (NO-PROPOSAL-CHOSEN ...). */
void	v1_qm_refused(struct ike_engine *e, struct ike_sa *sa, uint16_t type);

/* ---- v1_info.c ---- */
void	v1_info_input(struct ike_engine *e, struct ike_sa *sa, struct v1_in *in);
/* Protected Informational with one notify (spi may be NULL) when sa is established,
 * else a clear one (errors during Main Mode). */
void	v1_info_notify(struct ike_engine *e, struct ike_sa *sa, uint8_t proto, uint16_t type,
	    const uint8_t *spi, uint8_t spi_len, const uint8_t *data, size_t data_len);
void	v1_info_delete(struct ike_engine *e, struct ike_sa *sa, uint8_t proto,
	    const uint8_t *spis, uint8_t spi_len, uint16_t nspi);
/* INITIAL-CONTACT from the peer of sa: drop every other SA with it. */
void	v1_initial_contact(struct ike_engine *e, struct ike_sa *sa);

/* ---- v1_dpd.c: dead peer detection (RFC 3706) ---- */
/* Our DPD vendor ID payload (Main Mode messages 1 and 2). */
int	v1_dpd_put_vid(struct isakmp_buf *b);
/* Notes whether the peer's message carries the DPD vendor ID. */
void	v1_dpd_scan_vid(struct ike_sa *sa, const struct v1_in *in);
/* sa is established: starts the idle timer when the peer and the plan want DPD. */
void	v1_dpd_start(struct ike_engine *e, struct ike_sa *sa);
/* An authenticated message from the peer of sa: it is alive. */
void	v1_dpd_alive(struct ike_engine *e, struct ike_sa *sa);
/* A protected R-U-THERE (answered) or R-U-THERE-ACK (checked against ours). */
void	v1_dpd_notify(struct ike_engine *e, struct ike_sa *sa, const struct isakmp_notify *n);
/* The plan changed: DPD starts or stops on established SAs. */
void	v1_dpd_replan(struct ike_engine *e);
/* Runs what is due: probes, and the DPD action on dead peers (which frees SAs). */
void	v1_dpd_tick(struct ike_engine *e, uint64_t now);

#endif
