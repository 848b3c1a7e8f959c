/* ipsecpold: the Policy Agent.  Everything but the command line is in libippagent. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "agent/agent.h"
#include "agent/conf.h"

static void
usage(void)
{
	fprintf(stderr, "usage: ipsecpold [-dnv] [-f config]\n"
	    "  -f config  configuration file (default " AGENT_CONF_DEFAULT ")\n"
	    "  -d         stay in the foreground and log to stderr\n"
	    "  -n         check the configuration and exit\n"
	    "  -v         log debug messages too\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct agent_opts o = { .conf_path = AGENT_CONF_DEFAULT };
	int ch;

	while ((ch = getopt(argc, argv, "df:hnv")) != -1) {
		switch (ch) {
		case 'd':
			o.foreground = true;
			break;
		case 'f':
			o.conf_path = optarg;
			break;
		case 'n':
			o.check_only = true;
			break;
		case 'v':
			o.verbose = true;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	return agent_main(&o);
}
