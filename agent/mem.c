/*
 * agent_mem_tune: the agent's heap in huge pages.
 *
 * A refresh from the directory builds a policy tree of about 2 MB for 10,000 filters, in
 * thousands of small blocks, and frees it again.  On virtualised hosts the first touch
 * of each fresh 4 KiB page costs 10-20 us, more than decoding what goes into it (page
 * faults were half of a refresh's time in a fresh process).  So at start the heap is
 * grown once by HEAP_RESERVE, kept (no trimming), and advised to use 2 MiB pages; every
 * thread allocates from it (one arena: the only other thread is the directory fetch, and
 * the agent waits for it).  Large blocks come from the heap too, so the fetch's tree and
 * the compile's small arrays reuse what a refresh freed before.  Where transparent huge
 * pages are off the advice is ignored and the heap has small pages, as before.
 */
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "agent/agent.h"

#define HUGE_PAGE	((uintptr_t)2 << 20)
#define HEAP_RESERVE	((size_t)16 << 20)

static void *pad;	/* the small pages below the first huge one, kept */

#if defined(__SANITIZE_ADDRESS__)
#define MEM_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MEM_SANITIZED 1
#endif
#endif

void
agent_mem_tune(void)
{
#if !defined(MEM_SANITIZED) && defined(MADV_HUGEPAGE)
	uintptr_t lo, hi;
	char *p;

	if (mallopt(M_ARENA_MAX, 1) != 1 || mallopt(M_MMAP_THRESHOLD, 2 * HEAP_RESERVE) != 1 ||
	    mallopt(M_TRIM_THRESHOLD, 4 * HEAP_RESERVE) != 1)
		return;
	lo = (uintptr_t)sbrk(0);
	if ((p = malloc(HEAP_RESERVE)) == NULL)
		return;
	hi = (uintptr_t)sbrk(0);
	/* Only whole huge pages inside the heap can be huge, and only if nothing in them was
	 * touched before the advice: the new part of the heap, from its first huge page on. */
	lo = (lo + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	hi &= ~(HUGE_PAGE - 1);
	if (hi <= lo || (uintptr_t)p > lo || madvise((void *)lo, hi - lo, MADV_HUGEPAGE) != 0) {
		free(p);
		return;
	}
	/* The block shrinks in place to end there and is kept: the rest of the reserve goes
	 * back to the top of the heap, and new blocks are cut from the first huge page on. */
	pad = realloc(p, lo - (uintptr_t)p - 2 * sizeof(size_t));
#endif
}
