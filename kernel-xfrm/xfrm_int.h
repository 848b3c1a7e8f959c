/* kernel-xfrm internals shared between the library's files; not part of the API. */
#ifndef IPP_KERNEL_XFRM_INT_H
#define IPP_KERNEL_XFRM_INT_H

#include <libmnl/libmnl.h>
#include "kernel-xfrm/xfrm.h"

/* Receive buffer: dumps fill skbs up to 32 KiB; room for two. */
#define XFRM_RXBUF	(64 * 1024)
/* One request: a state with three keys and every attribute is well under this. */
#define XFRM_TXBUF	4096

struct xfrm_handle {
	struct mnl_socket	*nl;
	int			fd;
	uint32_t		portid;
	uint32_t		seq;
	int			rcvbuf;		/* bytes the kernel may queue for us */
	uint8_t			tx[XFRM_TXBUF] __attribute__((aligned(8)));
	uint8_t			*rx;		/* XFRM_RXBUF bytes */
};

/*
 * mnl_nlmsg_ok() compares nlmsg_len as a signed int, so a length of 2^31 or more passes and
 * mnl_nlmsg_next() then steps outside the buffer (found by fuzz_xfrm_msg).  Every walk over
 * received bytes uses this instead.
 */
static inline bool
xfrm_nlmsg_ok(const struct nlmsghdr *nlh, int len)
{
	return len >= (int)NLMSG_HDRLEN && nlh->nlmsg_len >= NLMSG_HDRLEN &&
	    nlh->nlmsg_len <= (unsigned int)len;
}

/* Called for each reply message that is neither an ack nor DONE; returns 0 or -errno. */
typedef int (*xfrm_msg_cb)(const struct nlmsghdr *nlh, void *arg);

/* xfrm_handle.c */
struct nlmsghdr	*xfrm_msg_start(struct xfrm_handle *h, uint16_t type, uint16_t flags);
int	xfrm_talk(struct xfrm_handle *h, struct nlmsghdr *nlh, xfrm_msg_cb cb, void *arg,
	    bool secret);
int	xfrm_socket_tune(int fd, int *rcvbuf);
ssize_t	xfrm_recv(int fd, void *buf, size_t len);

/* xfrm_attr.c: attribute groups */
int	xfrm_attr_sel_check(const struct xfrm_sel *s);
void	xfrm_attr_sel_put(struct xfrm_selector *k, const struct xfrm_sel *s);
void	xfrm_attr_sel_get(struct xfrm_sel *s, const struct xfrm_selector *k);
void	xfrm_attr_lft_put(struct xfrm_lifetime_cfg *k, const struct xfrm_lifetime *l);
void	xfrm_attr_lft_get(struct xfrm_lifetime *l, const struct xfrm_lifetime_cfg *k);
void	xfrm_attr_cur_get(struct xfrm_counters *c, const struct xfrm_lifetime_cur *k);
int	xfrm_attr_tmpl_check(const struct xfrm_tmpl *t, uint8_t dir, uint16_t *prev);
bool	xfrm_attr_tmpl_put(struct nlmsghdr *nlh, size_t room, const struct xfrm_tmpl *t,
	    unsigned int n, uint16_t family);
int	xfrm_attr_tmpl_get(const struct nlattr *a, struct xfrm_tmpl *t, unsigned int *n);
int	xfrm_attr_alg_check(const struct xfrm_alg *a, bool keyed);
bool	xfrm_attr_alg_put(struct nlmsghdr *nlh, size_t room, uint16_t type,
	    const struct xfrm_alg *a);
int	xfrm_attr_alg_get(const struct nlattr *a, struct xfrm_alg *out);
bool	xfrm_attr_mark_put(struct nlmsghdr *nlh, size_t room, const struct xfrm_mark *m);
int	xfrm_attr_parse(const struct nlmsghdr *nlh, size_t hdrlen, const struct nlattr **tb);
int	xfrm_attr_walk(const struct nlmsghdr *nlh, size_t hdrlen, mnl_attr_cb_t cb, void *data);
const struct nlmsghdr *xfrm_attr_msg(const void *buf, size_t len, uint16_t lo, uint16_t hi,
	    size_t hdrlen, const struct nlattr **tb, int *err);
bool	xfrm_attr_addr_zero(const xfrm_address_t *a);
int	xfrm_attr_family_ok(uint16_t family);

/* xfrm_policy.c, xfrm_state.c: message builders shared with batches */
int	xfrm_policy_build(struct nlmsghdr *nlh, size_t room, const struct xfrm_policy *p);
int	xfrm_policy_from(struct xfrm_policy *p, const struct xfrm_userpolicy_info *k,
	    const struct nlattr **tb);
int	xfrm_policy_id_build(struct nlmsghdr *nlh, size_t room, const struct xfrm_policy *p);
int	xfrm_state_build(struct nlmsghdr *nlh, size_t room, const struct xfrm_state *s);
int	xfrm_state_id_build(struct nlmsghdr *nlh, size_t room, const struct xfrm_state_id *id);

#endif
