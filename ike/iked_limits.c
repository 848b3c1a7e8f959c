/* iked_limits: the engine's limits from the command line (-l name=value). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike/iked.h"

struct limit_opt {
	const char	*name;
	size_t		off;		/* an unsigned in struct ike_limits */
	unsigned long	lo, hi;
};

static const struct limit_opt limit_opts[] = {
	{ "half_open_max", offsetof(struct ike_limits, half_open_total), 1, 1048576 },
	{ "half_open_peer_max", offsetof(struct ike_limits, half_open_peer), 1, 1048576 },
	{ "half_open_busy_ms", offsetof(struct ike_limits, half_open_busy_ms), 100, 600000 },
	/* Tests shorten the wait for a silent peer (soft associations). */
	{ "retrans_first_ms", offsetof(struct ike_limits, retrans_first_ms), 100, 60000 },
	{ "retrans_tries", offsetof(struct ike_limits, retrans_tries), 1, 16 },
};
#define NLIMITS	(sizeof(limit_opts) / sizeof(limit_opts[0]))

int
iked_limit_set(struct ike_limits *lim, const char *arg, char *err, size_t errlen)
{
	const char *eq = strchr(arg, '=');
	unsigned long v;
	char *end;

	for (size_t i = 0; eq != NULL && i < NLIMITS; i++) {
		const struct limit_opt *o = &limit_opts[i];

		if (strlen(o->name) != (size_t)(eq - arg) ||
		    strncmp(o->name, arg, (size_t)(eq - arg)) != 0)
			continue;
		errno = 0;
		v = strtoul(eq + 1, &end, 10);
		if (eq[1] < '0' || eq[1] > '9' || *end != '\0' || errno != 0 || v < o->lo ||
		    v > o->hi) {
			snprintf(err, errlen, "-l %s: expected a number %lu..%lu for %s", arg,
			    o->lo, o->hi, o->name);
			return -1;
		}
		*(unsigned *)(void *)((char *)lim + o->off) = (unsigned)v;
		return 0;
	}
	snprintf(err, errlen, "-l %s: expected half_open_max=N, half_open_peer_max=N, "
	    "half_open_busy_ms=N, retrans_first_ms=N or retrans_tries=N", arg);
	return -1;
}
