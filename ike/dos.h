/*
 * ike_dos: admission to the half-open table (Main Modes not yet authenticated), and how it
 * holds under a flood of first messages from spoofed sources.  See ipsecpol-iked(8),
 * DENIAL OF SERVICE.  Internal to libikev1.
 */
#ifndef IPP_IKE_DOS_H
#define IPP_IKE_DOS_H

#include <stdbool.h>
#include <stdint.h>

#include "ike/sa.h"

/*
 * Room for one more half-open exchange with remote, in total and for that peer.  When a
 * limit is reached, the oldest responder exchange still waiting for message 3 (its
 * initiator has not shown that it receives our packets) is evicted to make room: in total
 * for the total limit, among remote's own for the per-peer limit.  Exchanges that got
 * message 3 and ours as initiator are never evicted.  False: no room, counted in
 * half_open_drops (the caller refuses the exchange).
 */
bool	ike_dos_admit(struct ike_engine *e, const struct sockaddr *remote);

/* How long a new responder exchange, admitted just before, waits for the initiator's
 * messages 3 and 5: the initiator's whole retransmission schedule, or half_open_busy_ms
 * when the table (with it) is at least half full. */
uint64_t ike_dos_deadline(struct ike_engine *e);

/* Logs, at most every IKE_DOS_LOG_MS, what the limits did since the last line. */
void	ike_dos_log(struct ike_engine *e);
#define IKE_DOS_LOG_MS	10000

#endif
