/*
 * A two-engine lab for the IKEv1 engine tests: two real engines (A = 10.0.0.1,
 * B = 10.0.0.2) wired through their send callbacks to an in-memory wire that can drop,
 * duplicate or corrupt datagrams, a controllable clock, and recording kernel callbacks
 * (spi_alloc hands out SPIs and remembers them; child_install keeps copies with keys).
 */
#ifndef IPP_TESTS_ENGINE_TEST_H
#define IPP_TESTS_ENGINE_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ike/engine.h"

#define ET_MAX_CHILD	64
#define ET_MAX_SPI	128
#define ET_MAX_DGRAM	256
#define ET_LOG_MAX	65536

struct et_dgram {
	int		from;		/* 0 = A, 1 = B */
	size_t		len;
	uint8_t		buf[10000];
};

struct et_peer {
	struct ike_engine	*e;
	struct sockaddr_in	addr;		/* IPv4 labs */
	struct sockaddr_in6	addr6;		/* IPv6 labs: fd00::1, fd00::2 */
	struct ike_plan		plan;
	struct ipp_ike_rule	rule;		/* reqid 100 */
	struct ipp_qm_offer	qm[8];
	struct ipp_mm_offer	mm[8];
	struct ipp_auth		auth[3];
	struct ipp_qm_offer	def_qm[4];
	struct ipp_auth		def_auth[2];
	char			psk[64];
	bool			rule_matches;	/* rule_for_ids gives the rule (else NULL) */
	uint32_t		spis[ET_MAX_SPI];
	size_t			nspis;
	bool			spi_fail;
	int			install_result;
	struct ike_child	installed[ET_MAX_CHILD];
	size_t			ninstalled;
	struct ike_child	deleted[ET_MAX_CHILD];
	size_t			ndeleted;
	char			log[ET_LOG_MAX];
	size_t			loglen;
	/* dpd: the kernel's inbound packet count child_rx_packets reports, when set */
	bool			rx_counters;
	uint64_t		rx_packets;
	/* the install call blocks this long: the clock moves on inside child_install */
	uint64_t		install_ms;
	/* soft: what ops->soft_allow was asked, and what it answers */
	struct ike_acquire	soft[8];
	size_t			nsoft;
	int			soft_result;
};

struct et_lab {
	struct et_peer	p[2];
	uint64_t	now;
	/* the wire: datagrams in flight, and what to do to the n-th datagram sent (0-based) */
	struct et_dgram	*q;
	size_t		nq;
	unsigned	sent;
	uint64_t	drop, dup, corrupt;	/* bit n: datagram n; corrupt flips byte 30 */
	bool		drop_all_from[2];
	/* every datagram ever sent, for replays */
	struct et_dgram	*hist;
	size_t		nhist;
	struct ike_limits lim[2];	/* given to the engines by et_start */
	bool		v6;		/* the peers talk over addr6 */
};

/* A lab with default plans on both sides: MM AES128-SHA1-14, QM ESP AES128/SHA1,
 * transport, PSK "secret", the rule matching on the responder. */
struct et_lab *et_new(void);
/* The same lab over IPv6. */
struct et_lab *et_new6(void);
/* Peer i's IKE address in the lab's family. */
const struct sockaddr *et_sa(const struct et_lab *l, int i);
void	et_free(struct et_lab *l);
/* (Re)starts both engines with the plans as set now (after tests changed them). */
void	et_start(struct et_lab *l);
/* Kernel ACQUIRE on peer i for traffic to the other peer (ICMP). */
int	et_acquire(struct et_lab *l, int i);
/* Delivers datagrams until the wire is empty (or a bound is hit); returns how many. */
unsigned et_pump(struct et_lab *l);
/* Advances the clock by ms in steps, ticking both engines and pumping. */
void	et_advance(struct et_lab *l, uint64_t ms);
/* Re-sends datagram n of the history as it was. */
void	et_replay(struct et_lab *l, size_t n);
struct ike_stats et_stats(struct et_lab *l, int i);
/* Checks that A's and B's last installed children mirror each other. */
void	et_check_mirror(struct et_lab *l);
/* The main of a bench program: runs TEST in this process (not forked, so the CPU times it
 * reads are its own), after storing a positive first argument in *ARG. */
struct TTest;
int	et_bench_main(int argc, char **argv, const char *name, const struct TTest *test,
	    unsigned *arg);

#endif
