/*
 * Memory for the compiler's and the diff's large arrays (about 12 MB for a 10,000-filter
 * policy).  On virtualised hosts the first touch of each fresh 4 KiB page costs more than
 * the compile's own work on it (about 10 us a page on a PVM guest, populated or not:
 * 40 ms for 12 MB), so arrays of HUGE_MIN or more are mapped in whole 2 MiB huge pages
 * (MADV_HUGEPAGE: a dozen faults instead of 3,000; not populated, which zeroed the
 * unused part of every doubling too, up to 30 ms), smaller ones with their page tables
 * filled in one call (MAP_POPULATE).  They grow with mremap,
 * which moves no bytes.  Where transparent huge pages are off, the advice is ignored and
 * the pages are small, as before.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "agent/compile_int.h"

/* Kept in front of the caller's block; 64 bytes keep the block cache-line aligned. */
struct big_hdr {
	size_t	bytes;		/* mapped, header included */
	char	pad[64 - sizeof(size_t)];
};

#if defined(__SANITIZE_ADDRESS__)
#define BIG_ON_HEAP 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BIG_ON_HEAP 1
#endif
#endif

#ifdef BIG_ON_HEAP
/* Under AddressSanitizer the heap is used, so that overruns of these arrays are caught. */
void *
ipp_big_alloc(size_t bytes)
{
	struct big_hdr *h = calloc(1, sizeof(*h) + bytes);

	if (h == NULL)
		return NULL;
	h->bytes = bytes;
	return h + 1;
}

void *
ipp_big_realloc(void *p, size_t bytes)
{
	struct big_hdr *h;

	if (p == NULL)
		return ipp_big_alloc(bytes);
	h = (struct big_hdr *)p - 1;
	if (bytes <= h->bytes)
		return p;
	h = realloc(h, sizeof(*h) + bytes);
	if (h == NULL)
		return NULL;
	memset((char *)(h + 1) + h->bytes, 0, bytes - h->bytes);
	h->bytes = bytes;
	return h + 1;
}

void
ipp_big_free(void *p)
{
	if (p != NULL)
		free((struct big_hdr *)p - 1);
}
#else
#define HUGE_PAGE	((size_t)2 << 20)
#define HUGE_MIN	(HUGE_PAGE / 4)	/* below, a whole huge page would waste too much */

/* The mapping's length for bytes: whole pages, or whole huge pages from HUGE_MIN up. */
static size_t
map_len(size_t bytes)
{
	size_t pg = bytes >= HUGE_MIN ? HUGE_PAGE : (size_t)sysconf(_SC_PAGESIZE);

	return (bytes + pg - 1) / pg * pg;
}

/*
 * Huge pages for [p, p + len) when len is a whole number of them: each then faults in
 * once, when first used, and what is never used is never zeroed.  Smaller mappings are
 * populated whole (their page tables filled in one call: fewer faults than pages).
 */
static void
populate(void *p, size_t len)
{
#ifdef MADV_HUGEPAGE
	if (len % HUGE_PAGE == 0) {
		(void)madvise(p, len, MADV_HUGEPAGE);
		return;
	}
#endif
#ifdef MADV_POPULATE_WRITE
	/* Older kernels refuse it; the pages then fault in as they are used. */
	(void)madvise(p, len, MADV_POPULATE_WRITE);
#endif
	(void)p;
	(void)len;
}

void *
ipp_big_alloc(size_t bytes)
{
	struct big_hdr *h;
	size_t len;

	if (bytes > SIZE_MAX / 2)
		return NULL;
	len = map_len(bytes + sizeof(*h));
	/* Huge pages must be advised before the first fault: no MAP_POPULATE for them. */
	h = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS |
	    (len % HUGE_PAGE != 0 ? MAP_POPULATE : 0), -1, 0);
	if (h == MAP_FAILED)
		return NULL;
	if (len % HUGE_PAGE == 0)
		populate(h, len);
	h->bytes = len;
	return h + 1;
}

void *
ipp_big_realloc(void *p, size_t bytes)
{
	struct big_hdr *h;
	size_t len, old;
	void *q;

	if (p == NULL)
		return ipp_big_alloc(bytes);
	if (bytes > SIZE_MAX / 2)
		return NULL;
	h = (struct big_hdr *)p - 1;
	old = h->bytes;
	len = map_len(bytes + sizeof(*h));
	if (len <= old)
		return p;
	q = mremap(h, old, len, MREMAP_MAYMOVE);
	if (q == MAP_FAILED)
		return NULL;
	h = q;
	h->bytes = len;
	/* The advice covers the whole mapping; populating skips the pages already there. */
	if (len % HUGE_PAGE == 0)
		populate(h, len);
	else
		populate((char *)h + old, len - old);
	return h + 1;
}

void
ipp_big_free(void *p)
{
	struct big_hdr *h;

	if (p == NULL)
		return;
	h = (struct big_hdr *)p - 1;
	munmap(h, h->bytes);
}
#endif
