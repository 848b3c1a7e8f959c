/*
 * bench_store: writes one policy of 10,000 filters in 100 filter lists (one rule per list)
 * into a new local store, then times loading it back through ipp_store_policy_get.
 * Driven by tests/bench/store, which times sqlite3 reading the same rows beside it.
 *
 * Usage: bench_store FILE [RUNS]; prints "name value" lines.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"

#define NLISTS		100
#define NPERLIST	100

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void
die(const char *what, const struct ipp_err *e)
{
	fprintf(stderr, "bench_store: %s: %s\n", what, e->msg);
	exit(1);
}

/* Filter i of list l: IPv4 and IPv6 hosts and subnets, TCP and UDP ports. */
static void
make_filter(struct ipp_filter *f, size_t l, size_t i)
{
	char ip[64];

	ipp_filter_init(f);
	f->src.kind = IPP_ADDR_ME;
	f->dst.kind = IPP_ADDR_NET;
	if (i % 4 == 3) {
		snprintf(ip, sizeof(ip), "2001:db8:%zx:%zx::", l, i);
		f->dst.family = AF_INET6;
		f->dst.prefix = 64;
	} else {
		snprintf(ip, sizeof(ip), "10.%zu.%zu.0", l, i);
		f->dst.family = AF_INET;
		f->dst.prefix = i % 2 ? 32 : 24;
		if (f->dst.prefix == 32)
			ip[strlen(ip) - 1] = '1';
	}
	inet_pton(f->dst.family, ip, &f->dst.ip);
	f->proto = i % 3 == 0 ? 6 : 17;
	f->dport = (uint16_t)(1000 + i);
}

static void
build(struct ipp_store *st)
{
	struct ipp_filteraction fa;
	struct ipp_qm_offer o;
	struct ipp_policy p;
	struct ipp_err e = { 0 };

	ipp_filteraction_init(&fa);
	fa.name = strdup("Bench ESP");
	ipp_qm_offer_init(&o);
	o.esp_cipher = IPP_CIPHER_AES256;
	o.esp_auth = IPP_HASH_SHA256;
	ipp_array_push(&fa.offers, &fa.noffers, sizeof(o), &o);
	if (ipp_store_begin(st, &e) == -1 || ipp_store_filteraction_create(st, &fa, &e) == -1)
		die("action", &e);
	ipp_filteraction_clear(&fa);

	ipp_policy_init(&p);
	p.name = strdup("Bench");
	for (size_t l = 0; l < NLISTS; l++) {
		struct ipp_filterlist fl = { 0 };
		struct ipp_rule r;
		char name[32];

		snprintf(name, sizeof(name), "List %03zu", l);
		fl.name = strdup(name);
		for (size_t i = 0; i < NPERLIST; i++) {
			struct ipp_filter f;

			make_filter(&f, l, i);
			ipp_array_push(&fl.filters, &fl.nfilters, sizeof(f), &f);
		}
		if (ipp_store_filterlist_create(st, &fl, &e) == -1)
			die(name, &e);
		ipp_filterlist_clear(&fl);
		ipp_rule_init(&r);
		snprintf(name, sizeof(name), "Rule %03zu", l);
		r.name = strdup(name);
		snprintf(name, sizeof(name), "List %03zu", l);
		r.filterlist = strdup(name);
		r.filteraction = strdup("Bench ESP");
		ipp_array_push(&p.rules, &p.nrules, sizeof(r), &r);
	}
	if (ipp_store_policy_create(st, &p, &e) == -1 || ipp_store_commit(st, &e) == -1)
		die("policy", &e);
	ipp_policy_clear(&p);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static size_t
count_filters(const struct ipp_policy_tree *t)
{
	size_t n = 0;

	for (size_t i = 0; i < t->nlists; i++)
		n += t->lists[i].nfilters;
	return n;
}

int
main(int argc, char **argv)
{
	struct ipp_store_opts o = { .flags = IPP_STORE_CREATE | IPP_STORE_NOSEED };
	struct ipp_store *st;
	struct ipp_err e = { 0 };
	double t0, *get, *full;
	int runs = argc > 2 ? atoi(argv[2]) : 30;

	if (argc < 2 || runs < 1) {
		fprintf(stderr, "usage: bench_store FILE [RUNS]\n");
		return 2;
	}
	unlink(argv[1]);
	t0 = now_ms();
	if (ipp_store_open_local(&st, argv[1], &o, &e) == -1)
		die("open", &e);
	build(st);
	ipp_store_close(st);
	printf("write_ms %.2f\n", now_ms() - t0);

	get = calloc((size_t)runs, sizeof(*get));
	full = calloc((size_t)runs, sizeof(*full));
	o.flags = IPP_STORE_RDONLY;
	for (int i = 0; i < runs; i++) {
		struct ipp_policy_tree t;

		t0 = now_ms();
		if (ipp_store_open_local(&st, argv[1], &o, &e) == -1)
			die("open", &e);
		full[i] = now_ms();
		if (ipp_store_policy_get(st, "Bench", &t, &e) == -1)
			die("get", &e);
		get[i] = now_ms() - full[i];
		if (t.policy.nrules != NLISTS || t.nlists != NLISTS ||
		    count_filters(&t) != NLISTS * NPERLIST) {
			fprintf(stderr, "bench_store: loaded %zu rules, %zu lists, %zu filters\n",
			    t.policy.nrules, t.nlists, count_filters(&t));
			return 1;
		}
		ipp_policy_tree_clear(&t);
		ipp_store_close(st);
		full[i] = now_ms() - t0;
	}
	qsort(get, (size_t)runs, sizeof(*get), cmp_double);
	qsort(full, (size_t)runs, sizeof(*full), cmp_double);
	printf("filters %d\n", NLISTS * NPERLIST);
	printf("runs %d\n", runs);
	printf("load_ms_median %.3f\n", get[runs / 2]);
	printf("load_ms_min %.3f\n", get[0]);
	printf("open_load_close_ms_median %.3f\n", full[runs / 2]);
	free(get);
	free(full);
	return 0;
}
