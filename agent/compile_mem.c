/*
 * Memory for the compiler's and the diff's large arrays (about 12 MB for a 10,000-filter
 * policy).  Taking fresh pages one fault at a time costs more than the compile itself on
 * virtualised hosts, so these arrays are mapped with their page tables filled in one call
 * (MAP_POPULATE, MADV_POPULATE_WRITE) and grown with mremap, which moves no bytes.
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
static size_t
round_pages(size_t n)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);

	return (n + pg - 1) / pg * pg;
}

static void
populate(void *p, size_t len)
{
#ifdef MADV_POPULATE_WRITE
	/* Older kernels refuse it; the pages then fault in as they are used. */
	(void)madvise(p, len, MADV_POPULATE_WRITE);
#else
	(void)p;
	(void)len;
#endif
}

void *
ipp_big_alloc(size_t bytes)
{
	struct big_hdr *h;
	size_t len;

	if (bytes > SIZE_MAX / 2)
		return NULL;
	len = round_pages(bytes + sizeof(*h));
	h = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
	    -1, 0);
	if (h == MAP_FAILED)
		return NULL;
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
	len = round_pages(bytes + sizeof(*h));
	if (len <= old)
		return p;
	q = mremap(h, old, len, MREMAP_MAYMOVE);
	if (q == MAP_FAILED)
		return NULL;
	h = q;
	h->bytes = len;
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
