/*
 * ike-standin: stands in for ipsecpol-iked in the agent's tests.  Run by the agent as
 * `ike-standin -d -S SOCKET`; connects, and appends one line per message of the IKE plan to
 * $IKE_STANDIN_RECORD ("begin gen=G rules=N", "main policy=P mm_offers=K",
 * "rule reqid=R name=N offers=K auth=K", "end gen=G rules=N"), plus "start pid=P".
 * SIGUSR1 makes it crash (abort), as a real module might.
 *
 * The agent's show requests (IKE_SHOW_MMSA, _QMSA, _STATS) are answered as the real module
 * answers them: no SAs, and statistics with the half-open figures (the limits given as
 * -l half_open_max=N / -l half_open_peer_max=N, the rest 0) and the plans received.  Each
 * is recorded as "show type=T seq=S".  With $IKE_STANDIN_SILENT set it answers none of
 * them, as a module stuck in a long operation would not.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "agent/ctl_proto.h"
#include "agent/ike_plan.h"

static FILE *rec;
static uint32_t half_open_max, half_open_peer_max, plans;

static void
crash(int sig)
{
	(void)sig;
	abort();
}

static void
record(const struct ctl_hdr *h, const uint8_t *p)
{
	static const char *names[] = { "begin", "main", "rule", "end" };
	struct ctl_iter it;
	struct ctl_attr a;
	struct ipp_err e;
	uint32_t u32;
	char *s = NULL;
	unsigned offers = 0, auth = 0, mm = 0;

	fprintf(rec, "%s", names[h->type - IKE_PLAN_BEGIN]);
	ctl_iter_init(&it, p, h->len);
	while (ctl_iter_next(&it, &a, &e) > 0) {
		switch (a.type) {
		case IKE_A_GEN:
			if (ctl_get_u32(&a, &u32, &e) == 0)
				fprintf(rec, " gen=%u", u32);
			break;
		case IKE_A_NRULES:
			if (ctl_get_u32(&a, &u32, &e) == 0)
				fprintf(rec, " rules=%u", u32);
			break;
		case IKE_A_REQID:
			if (ctl_get_u32(&a, &u32, &e) == 0)
				fprintf(rec, " reqid=%u", u32);
			break;
		case IKE_A_POLICY:
			if (h->type == IKE_PLAN_MAIN && ctl_get_str(&a, &s, &e) == 0)
				fprintf(rec, " policy=%s", s);
			break;
		case IKE_A_NAME:
			if (ctl_get_str(&a, &s, &e) == 0)
				fprintf(rec, " name=%s", s);
			break;
		case IKE_A_MM_OFFER:	mm++; break;
		case IKE_A_OFFER:
		case IKE_A_DEF_OFFER:	offers++; break;
		case IKE_A_AUTH:
		case IKE_A_DEF_AUTH:	auth++; break;
		}
	}
	if (h->type == IKE_PLAN_MAIN)
		fprintf(rec, " mm_offers=%u", mm);
	if (h->type == IKE_PLAN_MAIN || h->type == IKE_PLAN_RULE)
		fprintf(rec, " offers=%u auth=%u", offers, auth);
	plans += h->type == IKE_PLAN_END;
	fprintf(rec, "\n");
	free(s);
}

static void
limit(const char *arg)
{
	unsigned long v;

	if (sscanf(arg, "half_open_max=%lu", &v) == 1)
		half_open_max = (uint32_t)v;
	else if (sscanf(arg, "half_open_peer_max=%lu", &v) == 1)
		half_open_peer_max = (uint32_t)v;
}

static void
answer(int fd, const struct ctl_hdr *h)
{
	struct ctl_status s = {
		.ike_dos = true, .ike_half_open_max = half_open_max,
		.ike_half_open_peer_max = half_open_peer_max,
	};
	struct ctl_msg m;

	fprintf(rec, "show type=%u seq=%u\n", h->type, h->seq);
	if (getenv("IKE_STANDIN_SILENT") != NULL)
		return;
	ctl_msg_init(&m, h->type | CTL_REPLY, h->seq, 0);
	switch (h->type) {
	case IKE_SHOW_MMSA:
	case IKE_SHOW_QMSA:
		break;
	case IKE_SHOW_STATS:
		ctl_status_put_dos(&m, &s);
		ctl_nest_begin(&m, CTL_A_IKESTAT);
		ctl_put_str(&m, CTL_S_NAME, "plans");
		ctl_put_u64(&m, CTL_S_VALUE, plans);
		ctl_nest_end(&m);
		break;
	default:
		ctl_put_u32(&m, CTL_A_ERRCODE, IPP_E_UNSUPP);
		ctl_put_str(&m, CTL_A_ERRMSG, "request type not known to the IKE stand-in");
		break;
	}
	if (ctl_msg_finish(&m) < 0 || send(fd, m.buf, m.len, MSG_NOSIGNAL) != (ssize_t)m.len)
		fprintf(rec, "cannot answer: %s\n", strerror(errno));
	ctl_msg_free(&m);
}

int
main(int argc, char **argv)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	const char *path = NULL, *recpath = getenv("IKE_STANDIN_RECORD");
	uint8_t buf[CTL_MSG_MAX];
	struct ctl_hdr h;
	struct ipp_err e;
	ssize_t n;
	int fd, ch;

	while ((ch = getopt(argc, argv, "dS:l:")) != -1)
		if (ch == 'S')
			path = optarg;
		else if (ch == 'l')
			limit(optarg);
	if (path == NULL || recpath == NULL || strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "ike-standin: needs -S SOCKET and $IKE_STANDIN_RECORD\n");
		return 2;
	}
	if ((rec = fopen(recpath, "a")) == NULL)
		return 1;
	setvbuf(rec, NULL, _IOLBF, 0);
	signal(SIGUSR1, crash);
	fprintf(rec, "start pid=%d\n", (int)getpid());
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_SEQPACKET, 0)) < 0 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		fprintf(rec, "connect failed: %s\n", strerror(errno));
		return 1;
	}
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0 || (n < 0 && errno == EINTR)) {
		if (n < 0)
			continue;
		if (ctl_hdr_parse(buf, (size_t)n, &h, &e) < 0 || h.len != (size_t)n - CTL_HDR_LEN)
			fprintf(rec, "bad message: %s\n", e.msg);
		else if (h.type >= IKE_PLAN_BEGIN && h.type <= IKE_PLAN_END)
			record(&h, buf + CTL_HDR_LEN);
		else
			answer(fd, &h);
		explicit_bzero(buf, (size_t)n);
	}
	fprintf(rec, "eof\n");
	return 0;
}
