/*
 * libFuzzer target for the agent's control-message decoder (agent/ctl_proto.c): the input
 * is one message as it comes off the control socket.  Whatever decodes as a rule must
 * encode again and decode to the same rule (counts, action, flags, ports).  The IKE
 * module's listings (CTL_A_MMSA, CTL_A_QMSA, CTL_A_SOFTSA) go through the CLI's decoder.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "agent/ctl_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
roundtrip(const struct ctl_rule *r)
{
	struct ctl_msg m;
	struct ctl_iter it;
	struct ctl_attr a;
	struct ctl_rule back;
	struct ipp_err e;

	ctl_msg_init(&m, CTL_DYN_ADD, 1, 0);
	ctl_rule_put(&m, r, true);
	if (ctl_msg_finish(&m) != 0) {
		ctl_msg_free(&m);	/* a rule too large to send back is not an error */
		return;
	}
	ctl_iter_init(&it, m.buf + CTL_HDR_LEN, m.len - CTL_HDR_LEN);
	if (ctl_iter_next(&it, &a, &e) != 1 || a.type != CTL_A_RULE)
		abort();
	memset(&back, 0, sizeof(back));
	if (ctl_rule_parse(&a, &back, &e) != 0)
		abort();
	if (back.list.nfilters != r->list.nfilters || back.action.noffers != r->action.noffers ||
	    back.rule.nauth != r->rule.nauth || back.action.action != r->action.action ||
	    back.action.inpass != r->action.inpass || back.rule.conntype != r->rule.conntype)
		abort();
	for (size_t i = 0; i < r->list.nfilters; i++)
		if (back.list.filters[i].sport != r->list.filters[i].sport ||
		    back.list.filters[i].dport != r->list.filters[i].dport ||
		    back.list.filters[i].src.kind != r->list.filters[i].src.kind)
			abort();
	ctl_rule_clear(&back);
	ctl_msg_free(&m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data + CTL_HDR_LEN;
	struct ctl_status s;
	struct ctl_hdr h;
	struct ctl_iter it;
	struct ctl_attr a;
	struct ctl_rule r;
	struct ipp_err e;
	size_t len;

	if (ctl_hdr_parse(data, size, &h, &e) != 0)
		return 0;
	len = size - CTL_HDR_LEN < h.len ? size - CTL_HDR_LEN : h.len;
	if (ctl_status_parse(p, len, &s, &e) == 0)
		ctl_status_clear(&s);
	(void)ctl_reply_error(p, len, &e);
	ctl_iter_init(&it, p, len);
	while (ctl_iter_next(&it, &a, &e) == 1) {
		if (a.type == CTL_A_MMSA || a.type == CTL_A_QMSA || a.type == CTL_A_SOFTSA) {
			struct ctl_sa sa;

			if (ctl_sa_parse(&a, &sa, &e) == 0) {
				if (sa.soft != (a.type == CTL_A_SOFTSA) || sa.nproto > 2)
					abort();
				ctl_sa_clear(&sa);
			}
			continue;
		}
		if (a.type != CTL_A_RULE)
			continue;
		memset(&r, 0, sizeof(r));
		if (ctl_rule_parse(&a, &r, &e) == 0) {
			roundtrip(&r);
			ctl_rule_clear(&r);
		}
	}
	return 0;
}
