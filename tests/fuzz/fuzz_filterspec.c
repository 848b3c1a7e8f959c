/* libFuzzer target: ipsecpol filterspecs (cli/filterspec.c). */
#include <sys/socket.h>

#include "cli/filterspec.h"
#include "tests/fuzz/fuzz_cli.h"

static void
check_addr(const struct ipp_addr *a)
{
	if (a->kind == IPP_ADDR_NET)
		FUZZ_CHECK((a->family == AF_INET && a->prefix <= 32) ||
		    (a->family == AF_INET6 && a->prefix <= 128));
	FUZZ_CHECK((a->kind == IPP_ADDR_DNSNAME) == (a->dns != NULL));
	FUZZ_CHECK(a->kind == IPP_ADDR_ME || a->kind == IPP_ADDR_ANY ||
	    a->kind == IPP_ADDR_NET || a->kind == IPP_ADDR_DNSNAME);
}

static void
check(const struct ipp_fspec *fs)
{
	const struct ipp_filter *f = &fs->filter;

	if (fs->kind == IPP_FSPEC_DEFAULT)
		return;
	check_addr(&f->src);
	check_addr(&f->dst);
	if (f->sport != 0 || f->dport != 0)
		FUZZ_CHECK(f->proto == 6 || f->proto == 17);
}

/* Whatever parses has a canonical form that parses to itself. */
static void
round_trip(const struct ipp_fspec *fs)
{
	char t1[1024], t2[1024];
	struct ipp_fspec again;
	struct ipp_err e = { 0 };

	FUZZ_CHECK(ipp_fspec_format(fs, t1, sizeof(t1)) == 0);
	FUZZ_CHECK(ipp_fspec_parse(t1, &again, &e) == 0);
	FUZZ_CHECK(ipp_fspec_format(&again, t2, sizeof(t2)) == 0);
	FUZZ_CHECK(strcmp(t1, t2) == 0);
	ipp_fspec_clear(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipp_fspec_list l = { 0 };
	struct ipp_fspec fs;
	struct ipp_err e = { 0 };
	char *s = fuzz_str(data, size);

	if (s == NULL)
		return 0;
	if (ipp_fspec_parse(s, &fs, &e) == 0) {
		check(&fs);
		round_trip(&fs);
		ipp_fspec_clear(&fs);
	} else
		fuzz_check_err(&e);
	if (ipp_fspec_list_add(&l, s, &e) == 0) {
		for (size_t i = 0; i < l.n; i++)
			check(&l.v[i]);
	} else {
		fuzz_check_err(&e);
		FUZZ_CHECK(l.n == 0);
	}
	ipp_fspec_list_clear(&l);
	free(s);
	return 0;
}
