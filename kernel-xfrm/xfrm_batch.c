/*
 * Batches: many requests per sendmsg, every one acked, each ack mapped back to its operation
 * by sequence number (operation i carries seq0 + i).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include "kernel-xfrm/xfrm_int.h"

/*
 * Bytes per sendmsg; the buffer is twice this, as mnl_nlmsg_batch requires.  Bigger sends
 * cost more than they save: every ack of a send waits in the receive queue until we read
 * it, so the kernel takes fresh slab pages for them instead of reusing freed ones (10,000
 * policy adds, growing windows: 32 KiB sends took about a fifth less CPU than 256 KiB).
 */
#define XFRM_BATCH_LIMIT	(32 * 1024)
_Static_assert(XFRM_TXBUF <= XFRM_BATCH_LIMIT, "a message must fit the buffer's second half");
/* An ack costs under this much of the receive buffer (its skb's truesize). */
#define XFRM_ACK_COST		2048
/*
 * Operations in the first send; each later send may carry twice as many.  The kernel's
 * SPD and SAD hash tables start with 8 buckets and double in a work item that an insert
 * queues when a table is fuller than it has buckets, one doubling per run.  The work runs
 * on our CPU, at best between two of our sends, so a send of N messages onto a table of
 * N/8 buckets walks long chains for each insert.  Growing sends keep the table close to its due size: 10,000
 * policy adds took about a fifth less CPU than with full 256 KiB sends from the start.
 */
#define XFRM_WINDOW0		8
/* Result of an operation sent but not yet answered. */
#define XFRM_PENDING		1

enum xfrm_batch_op {
	XFRM_OP_POLICY_ADD,
	XFRM_OP_POLICY_UPDATE,
	XFRM_OP_POLICY_DEL,
	XFRM_OP_STATE_ADD,
	XFRM_OP_STATE_UPDATE,
	XFRM_OP_STATE_DEL,
};

struct xfrm_batch {
	struct xfrm_handle	*h;
	uint8_t			*buf;		/* 2 * XFRM_BATCH_LIMIT */
	struct mnl_nlmsg_batch	*mb;
	uint32_t		seq0;		/* sequence number of operation 0 */
	size_t			nops;		/* operations queued since the last commit */
	size_t			sent;		/* operations already sent */
	size_t			max_inflight;	/* acks the receive buffer surely holds */
	size_t			window;		/* most operations per send, doubling */
	size_t			dirty;		/* buf bytes that may hold data */
	int			*res;
	size_t			rescap;
	size_t			last;		/* operations of the last commit */
	bool			committed;
	int			fatal;		/* the exchange broke; batch unusable */
};

int
xfrm_batch_new(struct xfrm_handle *h, struct xfrm_batch **bp)
{
	struct xfrm_batch *b;

	*bp = NULL;
	if ((b = calloc(1, sizeof(*b))) == NULL)
		return -ENOMEM;
	if ((b->buf = calloc(2, XFRM_BATCH_LIMIT)) == NULL ||
	    (b->mb = mnl_nlmsg_batch_start(b->buf, XFRM_BATCH_LIMIT)) == NULL) {
		free(b->buf);
		free(b);
		return -ENOMEM;
	}
	b->h = h;
	b->max_inflight = (size_t)h->rcvbuf / XFRM_ACK_COST;
	if (b->max_inflight < 8)
		b->max_inflight = 8;
	b->window = XFRM_WINDOW0 < b->max_inflight ? XFRM_WINDOW0 : b->max_inflight;
	*bp = b;
	return 0;
}

void
xfrm_batch_free(struct xfrm_batch *b)
{
	if (b == NULL)
		return;
	mnl_nlmsg_batch_stop(b->mb);
	/* Past dirty the buffer was never written: wiping it would only fault pages in. */
	explicit_bzero(b->buf, b->dirty);
	free(b->buf);
	free(b->res);
	free(b);
}

/* Records one ack: its sequence number names the operation. */
static int
xfrm_batch_ack(struct xfrm_batch *b, const struct nlmsghdr *nlh, size_t lo, size_t hi,
    size_t *got)
{
	const struct nlmsgerr *e;
	size_t i = (uint32_t)(nlh->nlmsg_seq - b->seq0);

	if (i < lo || i >= hi)
		return 0;	/* a stale reply to an earlier request */
	if (nlh->nlmsg_pid != b->h->portid || nlh->nlmsg_type != NLMSG_ERROR ||
	    nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*e))
		return -EPROTO;
	e = mnl_nlmsg_get_payload(nlh);
	if (e->error > 0 || e->error < -4095)
		return -EBADMSG;
	if (b->res[i] != XFRM_PENDING)
		return -EPROTO;
	b->res[i] = e->error;
	(*got)++;
	return 0;
}

/* Acks are small: many datagrams per recvmmsg cut the syscalls per operation. */
#define XFRM_ACK_SLOTS	128
#define XFRM_ACK_SLOT	(XFRM_RXBUF / XFRM_ACK_SLOTS)

/* Checks and records every ack in one datagram. */
static int
xfrm_batch_datagram(struct xfrm_batch *b, const struct mmsghdr *m, const uint8_t *buf,
    size_t lo, size_t hi, size_t *got)
{
	const struct sockaddr_nl *sa = m->msg_hdr.msg_name;
	const struct nlmsghdr *nlh = (const void *)buf;
	int len = (int)m->msg_len, rc;
	size_t i;

	if (m->msg_hdr.msg_namelen != sizeof(*sa) || sa->nl_pid != 0)
		return -EPROTO;
	if (m->msg_hdr.msg_flags & MSG_TRUNC) {
		/* Only a stale dump part is this big; an answer of ours never is. */
		i = (uint32_t)(nlh->nlmsg_seq - b->seq0);
		return len >= NLMSG_HDRLEN && (i < lo || i >= hi) ? 0 : -EMSGSIZE;
	}
	for (; xfrm_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len))
		if ((rc = xfrm_batch_ack(b, nlh, lo, hi, got)) < 0)
			return rc;
	return len == 0 ? 0 : -EBADMSG;
}

/* Reads acks until operations lo..hi-1 all have their answer. */
static int
xfrm_batch_collect(struct xfrm_batch *b, size_t lo, size_t hi)
{
	struct mmsghdr m[XFRM_ACK_SLOTS];
	struct iovec iov[XFRM_ACK_SLOTS];
	struct sockaddr_nl sa[XFRM_ACK_SLOTS];
	size_t got = 0, want = hi - lo, j, k;
	int n, rc;

	memset(m, 0, sizeof(m));
	for (j = 0; j < XFRM_ACK_SLOTS; j++) {
		iov[j].iov_base = b->h->rx + j * XFRM_ACK_SLOT;
		iov[j].iov_len = XFRM_ACK_SLOT;
		m[j].msg_hdr.msg_name = &sa[j];
		m[j].msg_hdr.msg_iov = &iov[j];
		m[j].msg_hdr.msg_iovlen = 1;
	}
	while (got < want) {
		j = want - got < XFRM_ACK_SLOTS ? want - got : XFRM_ACK_SLOTS;
		/* The kernel rewrites msg_len, msg_namelen and msg_flags of the slots it fills. */
		for (k = 0; k < j; k++)
			m[k].msg_hdr.msg_namelen = sizeof(sa[k]);
		n = recvmmsg(b->h->fd, m, (unsigned int)j, MSG_WAITFORONE, NULL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -errno;
		for (j = 0; j < (size_t)n; j++)
			if ((rc = xfrm_batch_datagram(b, &m[j], iov[j].iov_base, lo, hi, &got)) < 0)
				return rc;
	}
	return 0;
}

/* Sends what the buffer holds (the messages before an overflowing one) and reads the acks. */
static int
xfrm_batch_flush(struct xfrm_batch *b, size_t count)
{
	size_t size = mnl_nlmsg_batch_size(b->mb), lo = b->sent, hi = b->sent + count, i;
	int rc = 0;

	if (count == 0)
		return 0;
	if (mnl_socket_sendto(b->h->nl, mnl_nlmsg_batch_head(b->mb), size) == -1)
		rc = -errno;
	explicit_bzero(b->buf, size);
	if (rc == 0)
		rc = xfrm_batch_collect(b, lo, hi);
	b->sent = hi;
	if (rc < 0) {
		/* Outcome unknown for what was not answered: say so, and stop using the socket. */
		for (i = lo; i < hi; i++)
			if (b->res[i] == XFRM_PENDING)
				b->res[i] = -ENOBUFS;
		b->fatal = rc;
	}
	return rc;
}

static int
xfrm_batch_grow(struct xfrm_batch *b)
{
	size_t cap;
	int *r;

	if (b->committed) {
		b->committed = false;
		b->nops = b->sent = 0;
		b->seq0 = b->h->seq + 1;
	}
	if (b->nops == 0)
		b->seq0 = b->h->seq + 1;
	if (b->nops < b->rescap)
		return 0;
	cap = b->rescap == 0 ? 1024 : 2 * b->rescap;
	if ((r = realloc(b->res, cap * sizeof(*r))) == NULL)
		return -ENOMEM;
	b->res = r;
	b->rescap = cap;
	return 0;
}

static int
xfrm_batch_build(struct nlmsghdr *nlh, enum xfrm_batch_op op, const void *obj)
{
	switch (op) {
	case XFRM_OP_POLICY_ADD:
		nlh->nlmsg_type = XFRM_MSG_NEWPOLICY;
		nlh->nlmsg_flags |= NLM_F_CREATE | NLM_F_EXCL;
		return xfrm_policy_build(nlh, XFRM_TXBUF, obj);
	case XFRM_OP_POLICY_UPDATE:
		nlh->nlmsg_type = XFRM_MSG_UPDPOLICY;
		nlh->nlmsg_flags |= NLM_F_CREATE | NLM_F_REPLACE;
		return xfrm_policy_build(nlh, XFRM_TXBUF, obj);
	case XFRM_OP_POLICY_DEL:
		nlh->nlmsg_type = XFRM_MSG_DELPOLICY;
		return xfrm_policy_id_build(nlh, XFRM_TXBUF, obj);
	case XFRM_OP_STATE_ADD:
		nlh->nlmsg_type = XFRM_MSG_NEWSA;
		nlh->nlmsg_flags |= NLM_F_CREATE | NLM_F_EXCL;
		return xfrm_state_build(nlh, XFRM_TXBUF, obj);
	case XFRM_OP_STATE_UPDATE:
		nlh->nlmsg_type = XFRM_MSG_UPDSA;
		nlh->nlmsg_flags |= NLM_F_REPLACE;
		return xfrm_state_build(nlh, XFRM_TXBUF, obj);
	case XFRM_OP_STATE_DEL:
		nlh->nlmsg_type = XFRM_MSG_DELSA;
		return xfrm_state_id_build(nlh, XFRM_TXBUF, obj);
	}
	return -EINVAL;
}

/*
 * Builds one message at the batch's cursor.  When it does not fit, or the acks in flight
 * would fill the receive buffer, the messages before it go out first.
 */
static int
xfrm_batch_queue(struct xfrm_batch *b, enum xfrm_batch_op op, const void *obj)
{
	struct nlmsghdr *nlh;
	size_t inbuf, moved, old, end;
	int rc;

	if (b->fatal != 0)
		return b->fatal;
	if ((rc = xfrm_batch_grow(b)) < 0)
		return rc;
	nlh = mnl_nlmsg_put_header(mnl_nlmsg_batch_current(b->mb));
	/* The builders write at most XFRM_TXBUF bytes from nlh, which lies in the first half. */
	end = (size_t)((uint8_t *)nlh - b->buf) + XFRM_TXBUF;
	b->dirty = end > b->dirty ? end : b->dirty;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	if ((rc = xfrm_batch_build(nlh, op, obj)) < 0) {
		explicit_bzero(nlh, XFRM_TXBUF);
		return rc;
	}
	nlh->nlmsg_seq = b->seq0 + (uint32_t)b->nops;
	b->h->seq = nlh->nlmsg_seq;
	b->res[b->nops++] = XFRM_PENDING;
	inbuf = b->nops - b->sent - 1;	/* messages before this one */
	if (!mnl_nlmsg_batch_next(b->mb)) {
		old = mnl_nlmsg_batch_size(b->mb);
		moved = nlh->nlmsg_len;
		rc = xfrm_batch_flush(b, inbuf);
		mnl_nlmsg_batch_reset(b->mb);
		explicit_bzero(b->buf + moved, old);
	} else if (inbuf + 1 >= b->window) {
		rc = xfrm_batch_flush(b, inbuf + 1);
		mnl_nlmsg_batch_reset(b->mb);
		b->window = 2 * b->window < b->max_inflight ? 2 * b->window : b->max_inflight;
	}
	if (rc < 0)
		return rc;
	return (int)(b->nops - 1);
}

int
xfrm_batch_policy_add(struct xfrm_batch *b, const struct xfrm_policy *p)
{
	return xfrm_batch_queue(b, XFRM_OP_POLICY_ADD, p);
}

int
xfrm_batch_policy_update(struct xfrm_batch *b, const struct xfrm_policy *p)
{
	return xfrm_batch_queue(b, XFRM_OP_POLICY_UPDATE, p);
}

int
xfrm_batch_policy_del(struct xfrm_batch *b, const struct xfrm_policy *p)
{
	return xfrm_batch_queue(b, XFRM_OP_POLICY_DEL, p);
}

int
xfrm_batch_state_add(struct xfrm_batch *b, const struct xfrm_state *s)
{
	return xfrm_batch_queue(b, XFRM_OP_STATE_ADD, s);
}

int
xfrm_batch_state_update(struct xfrm_batch *b, const struct xfrm_state *s)
{
	return xfrm_batch_queue(b, XFRM_OP_STATE_UPDATE, s);
}

int
xfrm_batch_state_del(struct xfrm_batch *b, const struct xfrm_state_id *id)
{
	return xfrm_batch_queue(b, XFRM_OP_STATE_DEL, id);
}

int
xfrm_batch_commit(struct xfrm_batch *b)
{
	size_t i;
	int rc = 0, failed = 0;

	if (b->committed)
		return 0;	/* nothing queued since */
	if (b->fatal == 0 && b->nops > b->sent) {
		rc = xfrm_batch_flush(b, b->nops - b->sent);
		mnl_nlmsg_batch_reset(b->mb);
	}
	for (i = b->sent; i < b->nops; i++)	/* never sent: the batch broke before */
		b->res[i] = b->fatal != 0 ? -ENOBUFS : b->res[i];
	b->last = b->nops;
	b->committed = true;
	if (rc == 0 && b->fatal != 0)
		rc = b->fatal;
	if (rc < 0)
		return rc;
	for (i = 0; i < b->last; i++)
		failed += b->res[i] != 0;
	return failed;
}

size_t
xfrm_batch_count(const struct xfrm_batch *b)
{
	return b->committed ? b->last : 0;
}

int
xfrm_batch_result(const struct xfrm_batch *b, size_t i)
{
	if (!b->committed || i >= b->last)
		return -ERANGE;
	return b->res[i];
}

int
xfrm_batch_next_error(const struct xfrm_batch *b, size_t *i)
{
	size_t j;

	if (!b->committed)
		return 0;
	for (j = *i; j < b->last; j++) {
		if (b->res[j] != 0) {
			*i = j;
			return b->res[j];
		}
	}
	return 0;
}
