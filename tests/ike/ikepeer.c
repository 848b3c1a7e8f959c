/*
 * ikepeer: the other end in the IKE module's namespace tests.  No IKE: it only watches.
 *
 *   ikepeer listen ADDR SECONDS
 *	binds UDP ADDR:500 and a raw ICMP socket; for SECONDS prints one line per datagram
 *	("isakmp <one-line decode>" when it parses as ISAKMP with ike/isakmp.c, else
 *	"udp-garbage LEN") and per ICMP echo request that arrives ("icmp-echo FROM").
 *   ikepeer send ADDR PORT TEXT
 *	sends TEXT as one UDP datagram (malformed IKE) from an ephemeral port.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <sys/socket.h>

#include "ike/isakmp.h"

static int
udp_bound(const char *addr)
{
	struct sockaddr_in s = { .sin_family = AF_INET, .sin_port = htons(500) };
	int fd, on = 1;

	if (inet_pton(AF_INET, addr, &s.sin_addr) != 1 ||
	    (fd = socket(AF_INET, SOCK_DGRAM, 0)) < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (bind(fd, (struct sockaddr *)&s, sizeof(s)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
on_udp(int fd)
{
	uint8_t buf[65536];
	char line[1024];
	struct isakmp_msg m;
	struct isakmp_err e;
	ssize_t n = recv(fd, buf, sizeof(buf), 0);

	if (n < 0)
		return;
	if (isakmp_msg_parse(&m, buf, (size_t)n, 0, &e) == 0) {
		isakmp_msg_print(line, sizeof(line), &m);
		printf("isakmp exchange=%u np=%u rcookie_zero=%d %s\n", m.hdr.exchange, m.hdr.np,
		    memcmp(m.hdr.rcookie, "\0\0\0\0\0\0\0\0", 8) == 0, line);
	} else {
		printf("udp-garbage %zd\n", n);
	}
	fflush(stdout);
}

static void
on_icmp(int fd)
{
	uint8_t buf[65536];
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	char a[INET_ADDRSTRLEN];
	ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
	size_t hl;

	if (n < (ssize_t)sizeof(struct iphdr))
		return;
	hl = (size_t)(buf[0] & 0x0f) * 4;
	if ((size_t)n < hl + 8 || buf[hl] != ICMP_ECHO)
		return;
	printf("icmp-echo %s\n", inet_ntop(AF_INET, &from.sin_addr, a, sizeof(a)));
	fflush(stdout);
}

static int
listen_for(const char *addr, int seconds)
{
	struct pollfd p[2];
	time_t end = time(NULL) + seconds;

	p[0].fd = udp_bound(addr);
	p[1].fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	if (p[0].fd < 0 || p[1].fd < 0) {
		fprintf(stderr, "ikepeer: cannot listen on %s: %s\n", addr, strerror(errno));
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	p[0].events = p[1].events = POLLIN;
	while (time(NULL) < end) {
		if (poll(p, 2, 200) <= 0)
			continue;
		if (p[0].revents)
			on_udp(p[0].fd);
		if (p[1].revents)
			on_icmp(p[1].fd);
	}
	return 0;
}

static int
send_text(const char *addr, const char *port, const char *text)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	int fd;

	to.sin_port = htons((uint16_t)atoi(port));
	if (inet_pton(AF_INET, addr, &to.sin_addr) != 1 ||
	    (fd = socket(AF_INET, SOCK_DGRAM, 0)) < 0)
		return 1;
	if (sendto(fd, text, strlen(text), 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
		fprintf(stderr, "ikepeer: send: %s\n", strerror(errno));
		return 1;
	}
	close(fd);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "listen") == 0)
		return listen_for(argv[2], atoi(argv[3]));
	if (argc == 5 && strcmp(argv[1], "send") == 0)
		return send_text(argv[2], argv[3], argv[4]);
	fprintf(stderr, "usage: ikepeer listen ADDR SECONDS | send ADDR PORT TEXT\n");
	return 2;
}
