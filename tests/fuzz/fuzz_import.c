/*
 * fuzz_import: the import-script reader (cli/import.c) with everything behind it: line
 * splitting, the static command table, every tag parser and grammar, and the store, run
 * inside one transaction on a scratch store that is rolled back after each input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ipp_cli cli;
static char path[] = "/tmp/fuzz_import.XXXXXX";

static void
remove_store(void)
{
	unlink(path);
}

static int
setup(void)
{
	struct ipp_store_opts o = { .flags = IPP_STORE_CREATE };
	struct ipp_err e = { 0 };
	int fd = mkstemp(path);

	if (fd == -1)
		return -1;
	close(fd);
	unlink(path);
	atexit(remove_store);
	cli.store_path = path;
	cli.socket_path = "/nonexistent/fuzz.sock";
	if ((cli.out = fopen("/dev/null", "w")) == NULL ||
	    ipp_store_open_local(&cli.st, path, &o, &e) == -1) {
		fprintf(stderr, "fuzz_import: %s\n", e.msg);
		return -1;
	}
	cli.batch = true;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipp_err e = { 0 };

	if (cli.st == NULL && setup() == -1)
		abort();
	if (ipp_store_begin(cli.st, &e) == -1)
		abort();
	cli.note[0] = '\0';
	if (ipp_import_text(&cli, "fuzz", (const char *)data, size, &e) != IPP_EXIT_OK &&
	    (e.msg[0] == '\0' || memchr(e.msg, '\0', sizeof(e.msg)) == NULL))
		abort();	/* every failure says why, in a terminated message */
	ipp_store_rollback(cli.st);
	return 0;
}
