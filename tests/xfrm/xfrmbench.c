/*
 * xfrmbench: the library side of tests/bench/xfrm.  "add N" installs N out policies
 * src 10.1.X.Y/32 dst 10.2.X.Y/32, each with an ESP transport template (reqid 1), in one
 * batch; "del N" deletes them one message each, in one batch; "dump" counts the SPD.
 * Prints nothing on success except the dump count; exit 1 on any failed operation.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "kernel-xfrm/xfrm.h"

/* Fills the parts every policy shares; bench_addr() then sets policy i's addresses. */
static void
bench_policy(struct xfrm_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->sel.family = AF_INET;
	p->sel.sprefix = p->sel.dprefix = 32;
	p->dir = XFRM_POLICY_OUT;
	p->action = XFRM_POLICY_ALLOW;
	p->ntmpl = 1;
	p->tmpl[0].proto = IPPROTO_ESP;
	p->tmpl[0].mode = XFRM_MODE_TRANSPORT;
	p->tmpl[0].reqid = 1;
}

static void
bench_addr(struct xfrm_policy *p, unsigned int i)
{
	p->sel.saddr.a4 = htonl(0x0a010000u | (i & 0xffffu));
	p->sel.daddr.a4 = htonl(0x0a020000u | (i & 0xffffu));
}

static int
bench_batch(struct xfrm_handle *h, unsigned int n, bool del)
{
	struct xfrm_batch *b;
	struct xfrm_policy p;
	size_t i = 0;
	int rc;

	if ((rc = xfrm_batch_new(h, &b)) < 0)
		return rc;
	bench_policy(&p);
	for (unsigned int k = 0; k < n && rc >= 0; k++) {
		bench_addr(&p, k);
		rc = del ? xfrm_batch_policy_del(b, &p) : xfrm_batch_policy_add(b, &p);
	}
	if (rc >= 0 && (rc = xfrm_batch_commit(b)) > 0) {
		rc = xfrm_batch_next_error(b, &i);
		fprintf(stderr, "xfrmbench: operation %zu failed: %s\n", i, strerror(-rc));
	}
	xfrm_batch_free(b);
	return rc;
}

static int
count_cb(const struct xfrm_policy *p, void *arg)
{
	(void)p;
	(*(unsigned long *)arg)++;
	return 0;
}

int
main(int argc, char **argv)
{
	struct xfrm_handle *h;
	unsigned long seen = 0;
	unsigned int n = argc > 2 ? (unsigned int)strtoul(argv[2], NULL, 10) : 0;
	int rc;

	if (argc < 2 || n > 65536) {
		fprintf(stderr, "usage: xfrmbench add|del N | dump\n");
		return 2;
	}
	if ((rc = xfrm_open(&h)) < 0) {
		fprintf(stderr, "xfrmbench: open: %s\n", strerror(-rc));
		return 1;
	}
	if (strcmp(argv[1], "add") == 0)
		rc = bench_batch(h, n, false);
	else if (strcmp(argv[1], "del") == 0)
		rc = bench_batch(h, n, true);
	else if ((rc = xfrm_policy_dump(h, count_cb, &seen)) >= 0)
		printf("%lu\n", seen);
	xfrm_close(h);
	if (rc < 0)
		fprintf(stderr, "xfrmbench: %s: %s\n", argv[1], strerror(-rc));
	return rc == 0 || (rc > 0 && strcmp(argv[1], "dump") == 0) ? 0 : 1;
}
