/*
 * libFuzzer target: netsh argument splitting, quoting and table parsing
 * (cli/netsh_args.c).  Besides not crashing: quote() and split() are inverses, both for
 * every word a line splits into and for the whole input taken as one value.
 */
#include "cli/netsh_args.h"
#include "tests/fuzz/fuzz_cli.h"

static const char *const actions[] = { "permit", "block", "negotiate", NULL };
static const struct ipp_nargs_tag tags[] = {
	{ "name", IPP_NARG_STRING, IPP_NARG_REQUIRED, 0, 0, NULL },
	{ "policy", IPP_NARG_STRING, 0, 0, 0, NULL },
	{ "psk", IPP_NARG_STRING, IPP_NARG_SECRET, 0, 0, NULL },
	{ "srcport", IPP_NARG_UINT, 0, 0, 65535, NULL },
	{ "mirrored", IPP_NARG_BOOL, 0, 0, 0, NULL },
	{ "action", IPP_NARG_ENUM, 0, 0, 0, actions },
	{ "rootca", IPP_NARG_STRING, IPP_NARG_REPEAT, 0, 0, NULL },
};

/* split(quote(s)) is the one word s. */
static void
round_trip(const char *s)
{
	struct ipp_err e = { 0 };
	char *q = ipp_nargs_quote(s, &e), **argv;
	int argc;

	if (q == NULL) {
		fuzz_check_err(&e);
		return;
	}
	FUZZ_CHECK(ipp_nargs_split(q, &argv, &argc, &e) == 0);
	FUZZ_CHECK(argc == 1 && strcmp(argv[0], s) == 0);
	ipp_nargs_free_argv(argv, argc);
	free(q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipp_nargs a;
	struct ipp_err e = { 0 };
	char *s = fuzz_str(data, size), **argv;
	int argc;

	if (s == NULL)
		return 0;
	round_trip(s);
	if (ipp_nargs_split(s, &argv, &argc, &e) == 0) {
		FUZZ_CHECK(argv[argc] == NULL);
		for (int i = 0; i < argc; i++)
			round_trip(argv[i]);
		if (ipp_nargs_parse("fuzz", tags, sizeof(tags) / sizeof(tags[0]), argc, argv, &a,
		    &e) == 0) {
			FUZZ_CHECK(ipp_nargs_get(&a, 0) != NULL);
			ipp_nargs_clear(&a);
		} else {
			fuzz_check_err(&e);
			FUZZ_CHECK(a.n == 0 && a.v == NULL);
		}
		ipp_nargs_free_argv(argv, argc);
	} else
		fuzz_check_err(&e);
	if (ipp_nargs_lookup(s, size, tags, sizeof(tags) / sizeof(tags[0]), sizeof(tags[0]),
	    "tag", &e) == -1)
		fuzz_check_err(&e);
	free(s);
	return 0;
}
