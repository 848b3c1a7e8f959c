/* ike_dos: the half-open table under pressure; see dos.h. */
#include <syslog.h>

#include "ike/dos.h"

struct dos_scan {
	unsigned	total, peer;
	struct ike_sa	*oldest, *oldest_peer;	/* unproven responder exchanges */
};

/* Responder exchanges that sent message 2 and got nothing back yet. */
static bool
unproven(const struct ike_sa *sa)
{
	return !sa->initiator && sa->step == IKE_MM_R2;
}

static void
dos_scan(struct ike_engine *e, const struct sockaddr *remote, struct dos_scan *x)
{
	const struct sockaddr_storage *r = (const struct sockaddr_storage *)(const void *)remote;

	x->total = x->peer = 0;
	x->oldest = x->oldest_peer = NULL;
	for (struct ike_sa *sa = e->sas; sa != NULL; sa = sa->next) {
		bool mine;

		if (sa->step == IKE_MM_DONE)
			continue;
		x->total++;
		mine = ike_host_equal(&sa->remote, r);
		if (mine)
			x->peer++;
		if (!unproven(sa))
			continue;
		if (x->oldest == NULL || sa->serial < x->oldest->serial)
			x->oldest = sa;
		if (mine && (x->oldest_peer == NULL || sa->serial < x->oldest_peer->serial))
			x->oldest_peer = sa;
	}
}

bool
ike_dos_admit(struct ike_engine *e, const struct sockaddr *remote)
{
	struct dos_scan x;

	for (;;) {
		struct ike_sa *victim;

		dos_scan(e, remote, &x);
		if (x.peer < e->lim.half_open_peer && x.total < e->lim.half_open_total)
			break;
		victim = x.peer >= e->lim.half_open_peer ? x.oldest_peer : x.oldest;
		if (victim == NULL) {
			e->st.half_open_drops++;
			ike_dos_log(e);
			return false;
		}
		/* No callback to call, nothing to tell: an unproven exchange has no keys, no
		 * pending ACQUIRE and no child, and its initiator is likely not at that
		 * address at all. */
		ike_sa_free(e, victim);
		e->st.half_open_evicted++;
	}
	e->dos_admitted = x.total + 1;
	if (e->dos_admitted > e->st.half_open_peak)
		e->st.half_open_peak = e->dos_admitted;
	ike_dos_log(e);
	return true;
}

uint64_t
ike_dos_deadline(struct ike_engine *e)
{
	/* The initiator's whole schedule: first * (2^(tries+1) - 1). */
	uint64_t full = (uint64_t)e->lim.retrans_first_ms * ((2ull << e->lim.retrans_tries) - 1);

	/* The count ike_dos_admit saw: no second walk over the table per first message. */
	if ((uint64_t)e->dos_admitted * 2 >= e->lim.half_open_total &&
	    e->lim.half_open_busy_ms < full)
		return e->lim.half_open_busy_ms;
	return full;
}

void
ike_dos_log(struct ike_engine *e)
{
	uint64_t now = ike_now(e), ev, dr;

	if (e->dos_logged && now - e->dos_log_ms < IKE_DOS_LOG_MS)
		return;
	ev = e->st.half_open_evicted - e->dos_evicted_logged;
	dr = e->st.half_open_drops - e->dos_drops_logged;
	if (ev == 0 && dr == 0)
		return;
	e->dos_logged = true;
	e->dos_log_ms = now;
	e->dos_evicted_logged = e->st.half_open_evicted;
	e->dos_drops_logged = e->st.half_open_drops;
	ike_log(e, LOG_WARNING, "half-open limits (%u in total, %u per peer) reached: "
	    "%llu unanswered exchanges evicted, %llu new ones refused since the last report "
	    "(a flood of first messages from forged addresses looks like this)",
	    e->lim.half_open_total, e->lim.half_open_peer, (unsigned long long)ev,
	    (unsigned long long)dr);
}
