/*
 * libFuzzer target for the IKE module's plan decoder (ike/plan.c): the input is a run of
 * messages as they come off the IKE socket, each prefixed by a 16-bit big-endian length.
 * A completed plan must hold its invariants: rules sorted by distinct reqids, each a
 * negotiate rule with offers, found again by ike_plan_rule.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ike/plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const struct ike_plan *p)
{
	for (size_t i = 0; i < p->nrules; i++) {
		if (p->rules[i].reqid == 0 || p->rules[i].noffers == 0 ||
		    p->rules[i].action != IPP_ACTION_NEGOTIATE ||
		    (i > 0 && p->rules[i - 1].reqid >= p->rules[i].reqid) ||
		    ike_plan_rule(p, p->rules[i].reqid) != &p->rules[i])
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ike_plan_rx rx = { 0 };
	struct ike_plan p = { 0 };
	struct ipp_err e;
	size_t len;

	while (size >= 2) {
		len = (size_t)data[0] << 8 | data[1];
		data += 2;
		size -= 2;
		if (len > size)
			len = size;
		if (ike_plan_rx_feed(&rx, data, len, &p, &e) == 1) {
			check(&p);
			ike_plan_free(&p);
		}
		data += len;
		size -= len;
	}
	ike_plan_rx_reset(&rx);
	return 0;
}
