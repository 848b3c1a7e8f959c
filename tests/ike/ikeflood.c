/*
 * ikeflood: a flood of IKEv1 Main Mode first messages from forged sources, for the
 * denial-of-service tests (tests/ike/flood.sh).  Root only (a raw socket).
 *
 *   ikeflood -d DST -s PREFIX/LEN [-r RATE] [-t SECONDS]
 *	sends, for SECONDS (default 10), RATE (default 20000, 0 = as fast as it can)
 *	datagrams a second to DST:500, each an Identity Protection exchange's first message
 *	(an SA payload offering AES-128/256 and 3DES with SHA-1, SHA-256 and MD5, groups 2
 *	and 14, preshared key) with a fresh random initiator cookie, from the next address of
 *	PREFIX/LEN (port 500), round robin; /32 is one source.  The IP and UDP headers are
 *	ours (IP_HDRINCL), so the sources need not be local.  At the end it prints
 *	"sent N datagrams from M sources in T s (R/s)".
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "ike/isakmp.h"

#define PKT_MAX		2048

struct flood {
	struct in_addr	dst, base;
	uint32_t	nsrc;		/* addresses in the prefix we use */
	unsigned long	rate;
	unsigned long	seconds;
	uint8_t		pkt[PKT_MAX];	/* IP + UDP + ISAKMP */
	size_t		len;
	uint64_t	rng;
};

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void
usage(void)
{
	fprintf(stderr, "usage: ikeflood -d DST -s PREFIX/LEN [-r RATE] [-t SECONDS]\n");
	exit(2);
}

/* xorshift64*: cookies only need to differ, not to be secret. */
static uint64_t
rnd(struct flood *f)
{
	f->rng ^= f->rng >> 12;
	f->rng ^= f->rng << 25;
	f->rng ^= f->rng >> 27;
	return f->rng * 0x2545f4914f6cdd1dull;
}

/* The ISAKMP part: header and one SA payload with every usual offer. */
static size_t
build_isakmp(uint8_t *out, size_t size)
{
	static const struct { uint16_t encr, keylen; } ciphers[] = {
		{ ISAKMP_P1_ENCR_AES_CBC, 128 }, { ISAKMP_P1_ENCR_AES_CBC, 256 },
		{ ISAKMP_P1_ENCR_3DES, 0 },
	};
	static const uint16_t hashes[] = {
		ISAKMP_P1_HASH_SHA, ISAKMP_P1_HASH_SHA2_256, ISAKMP_P1_HASH_MD5,
	};
	static const uint16_t groups[] = { 14, 2 };
	struct isakmp_hdr h;
	struct isakmp_buf b;
	struct isakmp_err e;
	uint8_t num = 1;
	size_t len = 0;

	memset(&h, 0, sizeof(h));
	h.version = ISAKMP_VERSION;
	h.exchange = ISAKMP_EXCH_ID_PROT;
	isakmp_buf_init(&b, 0);
	isakmp_put_hdr(&b, &h);
	isakmp_sa_begin(&b, ISAKMP_DOI_IPSEC, ISAKMP_SIT_IDENTITY_ONLY);
	isakmp_prop_begin(&b, 1, ISAKMP_PROTO_ISAKMP, NULL, 0);
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
		for (size_t c = 0; c < sizeof(ciphers) / sizeof(ciphers[0]); c++)
			for (size_t k = 0; k < sizeof(hashes) / sizeof(hashes[0]); k++) {
				isakmp_xform_begin(&b, num++, ISAKMP_KEY_IKE);
				isakmp_attr_put(&b, ISAKMP_P1_ENCR, ciphers[c].encr);
				if (ciphers[c].keylen != 0)
					isakmp_attr_put(&b, ISAKMP_P1_KEY_LEN,
					    ciphers[c].keylen);
				isakmp_attr_put(&b, ISAKMP_P1_HASH, hashes[k]);
				isakmp_attr_put(&b, ISAKMP_P1_AUTH, ISAKMP_P1_AUTH_PSK);
				isakmp_attr_put(&b, ISAKMP_P1_GROUP, groups[g]);
				isakmp_attr_put(&b, ISAKMP_P1_LIFE_TYPE, ISAKMP_LIFE_SECONDS);
				isakmp_attr_put(&b, ISAKMP_P1_LIFE_DURATION, 28800);
				isakmp_xform_end(&b);
			}
	isakmp_prop_end(&b);
	isakmp_sa_end(&b);
	if (isakmp_buf_finish(&b, &e) == 0 && b.len <= size) {
		memcpy(out, b.p, b.len);
		len = b.len;
	}
	isakmp_buf_free(&b);
	return len;
}

static int
build(struct flood *f)
{
	struct iphdr *ip = (struct iphdr *)(void *)f->pkt;
	struct udphdr *udp = (struct udphdr *)(void *)(f->pkt + sizeof(*ip));
	size_t n = build_isakmp(f->pkt + sizeof(*ip) + sizeof(*udp),
	    sizeof(f->pkt) - sizeof(*ip) - sizeof(*udp));

	if (n == 0)
		return -1;
	f->len = sizeof(*ip) + sizeof(*udp) + n;
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons((uint16_t)f->len);
	ip->daddr = f->dst.s_addr;
	udp->source = htons(500);
	udp->dest = htons(500);
	udp->len = htons((uint16_t)(sizeof(*udp) + n));
	udp->check = 0;		/* none: allowed over IPv4 */
	return 0;
}

/* The next forged datagram: source, cookie. */
static void
next(struct flood *f, uint64_t i)
{
	struct iphdr *ip = (struct iphdr *)(void *)f->pkt;
	uint8_t *ck = f->pkt + sizeof(*ip) + sizeof(struct udphdr);
	uint64_t c = rnd(f);

	ip->saddr = htonl(ntohl(f->base.s_addr) + (uint32_t)(i % f->nsrc));
	ip->id = (uint16_t)c;
	memcpy(ck, &c, sizeof(c));
}

static int
parse_prefix(struct flood *f, const char *arg)
{
	char buf[64], *slash, *end;
	unsigned long len = 32;
	uint32_t host, mask;

	snprintf(buf, sizeof(buf), "%s", arg);
	if ((slash = strchr(buf, '/')) != NULL) {
		*slash = '\0';
		len = strtoul(slash + 1, &end, 10);
		if (slash[1] == '\0' || *end != '\0' || len < 8 || len > 32)
			return -1;
	}
	if (inet_pton(AF_INET, buf, &f->base) != 1)
		return -1;
	mask = len == 32 ? 0xffffffffu : ~(0xffffffffu >> len);
	host = ntohl(f->base.s_addr) & mask;
	if (len >= 31) {
		f->nsrc = len == 32 ? 1 : 2;
	} else {
		host += 1;			/* neither the network ... */
		f->nsrc = (~mask) - 1;		/* ... nor the broadcast address */
	}
	f->base.s_addr = htonl(host);
	return 0;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t
run(struct flood *f, int fd, double *took)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr = f->dst };
	double start = now_s(), t = start;
	uint64_t sent = 0;

	while (!stop && (t = now_s()) - start < (double)f->seconds) {
		/* Catch up to the rate in 1 ms slices; no sleep when RATE is 0. */
		uint64_t due = f->rate == 0 ? sent + 64 :
		    (uint64_t)((t - start) * (double)f->rate) + 1;

		while (sent < due && !stop) {
			next(f, sent);
			if (sendto(fd, f->pkt, f->len, 0, (struct sockaddr *)&to,
			    sizeof(to)) < 0 && errno != ENOBUFS && errno != EAGAIN &&
			    errno != EPERM) {
				perror("ikeflood: sendto");
				stop = 1;
			}
			sent++;
		}
		if (f->rate != 0)
			usleep(1000);
	}
	*took = t - start;
	return sent;
}

int
main(int argc, char **argv)
{
	struct flood f;
	double took = 0;
	uint64_t sent;
	char *end;
	int ch, fd, on = 1;
	bool have_dst = false, have_src = false;

	memset(&f, 0, sizeof(f));
	f.rate = 20000;
	f.seconds = 10;
	while ((ch = getopt(argc, argv, "d:r:s:t:")) != -1) {
		switch (ch) {
		case 'd':
			if (inet_pton(AF_INET, optarg, &f.dst) != 1)
				usage();
			have_dst = true;
			break;
		case 'r':
			f.rate = strtoul(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0')
				usage();
			break;
		case 's':
			if (parse_prefix(&f, optarg) < 0)
				usage();
			have_src = true;
			break;
		case 't':
			f.seconds = strtoul(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || f.seconds == 0)
				usage();
			break;
		default:
			usage();
		}
	}
	if (!have_dst || !have_src || optind != argc)
		usage();
	if (getrandom(&f.rng, sizeof(f.rng), 0) != sizeof(f.rng) || f.rng == 0)
		f.rng = 0x9e3779b97f4a7c15ull ^ (uint64_t)getpid();
	if (build(&f) < 0) {
		fprintf(stderr, "ikeflood: cannot build the first message\n");
		return 1;
	}
	if ((fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW)) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &on, sizeof(on)) < 0) {
		perror("ikeflood: raw socket");
		return 1;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	sent = run(&f, fd, &took);
	close(fd);
	printf("sent %llu datagrams from %lu sources in %.1f s (%.0f/s)\n",
	    (unsigned long long)sent, (unsigned long)(sent < f.nsrc ? sent : f.nsrc), took,
	    took > 0 ? (double)sent / took : 0.0);
	return 0;
}
