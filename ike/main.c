/* ipsecpol-iked: the IKE module; see ipsecpol-iked(8). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "agent/log.h"
#include "ike/iked.h"

#define IKED_SOCKET_DEFAULT	IPP_RUNDIR "/iked.sock"

/* -R FIRST_MS,TRIES: Main and Quick Mode retransmissions (tests shorten them). */
static int
retrans_opt(const char *v, struct ike_limits *lim)
{
	unsigned long ms, tries;
	char *end;

	errno = 0;
	ms = strtoul(v, &end, 10);
	if (*end == ',')
		tries = strtoul(end + 1, &end, 10);
	else
		tries = 0;
	if (*v == '\0' || *end != '\0' || errno != 0 || ms < 100 || ms > 60000 ||
	    tries < 1 || tries > 16) {
		fprintf(stderr, "ipsecpol-iked: -R %s: expected FIRST_MS,TRIES: the first "
		    "retransmission after 100..60000 ms, 1..16 retransmissions\n", v);
		return -1;
	}
	lim->retrans_first_ms = (unsigned)ms;
	lim->retrans_tries = (unsigned)tries;
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: ipsecpol-iked [-dfv] [-p port] [-R first_ms,tries] [-S socket]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct iked d;
	bool to_stderr = false, debug = false;
	unsigned long port = IKED_PORT;
	char *end;
	int ch, rc;

	memset(&d, 0, sizeof(d));
	d.sockpath = IKED_SOCKET_DEFAULT;
	while ((ch = getopt(argc, argv, "dfp:R:S:v")) != -1) {
		switch (ch) {
		case 'd':
			to_stderr = true;
			break;
		case 'f':
			/* The module never detaches: the agent supervises it by its pid. */
			break;
		case 'p':
			errno = 0;
			port = strtoul(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || errno != 0 || port == 0 ||
			    port > 65535) {
				fprintf(stderr, "ipsecpol-iked: -p %s: expected a UDP port, "
				    "1..65535\n", optarg);
				return 2;
			}
			break;
		case 'R':
			if (retrans_opt(optarg, &d.lim) < 0)
				return 2;
			break;
		case 'S':
			d.sockpath = optarg;
			break;
		case 'v':
			debug = true;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	d.port = htons((uint16_t)port);
	agent_log_open("ipsecpol-iked", to_stderr, debug);
	if (iked_init(&d) < 0) {
		iked_fini(&d);
		return 1;
	}
	log_notice("IKE module started (pid %d), plan from %s", (int)getpid(), d.sockpath);
	rc = iked_run(&d);
	iked_fini(&d);
	log_notice("IKE module stopped");
	return rc < 0 ? 1 : 0;
}
