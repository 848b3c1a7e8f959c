/*
 * ldapfetch: opens the directory store and loads one policy tree, validated, as the agent
 * does; the benchmark (tests/bench/ldap/run) times it against ldapsearch.
 * Usage: ldapfetch URI BASE BIND-DN PASSWORD-FILE POLICY
 */
#include <stdio.h>

#include "store/store.h"

int
main(int argc, char **argv)
{
	struct ipp_dir_config cfg = { 0 };
	struct ipp_store_opts opts = { .flags = IPP_STORE_RDONLY };
	struct ipp_policy_tree t;
	struct ipp_store *st;
	struct ipp_err e = { 0 };
	size_t nf = 0;

	if (argc != 6) {
		fprintf(stderr, "usage: ldapfetch URI BASE BIND-DN PASSWORD-FILE POLICY\n");
		return 1;
	}
	cfg.uri = argv[1];
	cfg.base = argv[2];
	cfg.bind = IPP_DIR_BIND_SIMPLE;
	cfg.bind_dn = argv[3];
	cfg.bind_password_file = argv[4];
	if (ipp_store_open_directory(&st, &cfg, &opts, &e) == -1 ||
	    ipp_store_policy_get(st, argv[5], &t, &e) == -1) {
		fprintf(stderr, "ldapfetch: %s\n", e.msg);
		return 2;
	}
	for (size_t i = 0; i < t.nlists; i++)
		nf += t.lists[i].nfilters;
	printf("%zu rules, %zu filter lists, %zu filters\n", t.policy.nrules, t.nlists, nf);
	ipp_policy_tree_clear(&t);
	ipp_store_close(st);
	return 0;
}
