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

static void
usage(void)
{
	fprintf(stderr, "usage: ipsecpol-iked [-dfv] [-L seconds] [-l limit=value] [-p port]\n"
	    "                     [-S socket] [-C cert -K key] [-A ca_file] [-a ca_dir]\n"
	    "                     [-R crl_file]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct iked d;
	bool to_stderr = false, debug = false;
	unsigned long port = IKED_PORT, life;
	char *end;
	int ch, rc;

	memset(&d, 0, sizeof(d));
	d.sockpath = IKED_SOCKET_DEFAULT;
	while ((ch = getopt(argc, argv, "A:a:C:dfK:L:l:p:R:S:v")) != -1) {
		switch (ch) {
		case 'A':
			d.certconf.ca_file = optarg;
			break;
		case 'a':
			d.certconf.ca_dir = optarg;
			break;
		case 'C':
			d.certconf.cert_file = optarg;
			break;
		case 'K':
			d.certconf.key_file = optarg;
			break;
		case 'R':
			d.certconf.crl_file = optarg;
			break;
		case 'd':
			to_stderr = true;
			break;
		case 'f':
			/* The module never detaches: the agent supervises it by its pid. */
			break;
		case 'L':
			errno = 0;
			life = strtoul(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || errno != 0 || life < 10 ||
			    life > 172800) {
				fprintf(stderr, "ipsecpol-iked: -L %s: expected the most seconds "
				    "a child SA may live, 10..172800\n", optarg);
				return 2;
			}
			d.child_life_max_s = (uint32_t)life;
			break;
		case 'l': {
			char msg[160];

			if (iked_limit_set(&d.lim, optarg, msg, sizeof(msg)) < 0) {
				fprintf(stderr, "ipsecpol-iked: %s\n", msg);
				return 2;
			}
			break;
		}
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
