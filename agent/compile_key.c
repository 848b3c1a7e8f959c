/*
 * Kernel policy keys: what the kernel compares to decide that two policies are one
 * (selector, direction, mark, if_id), in a canonical form, and a hash index over them so
 * that compile and diff stay linear in the number of policies.
 */
#include <string.h>
#include <sys/socket.h>

#include "agent/compile_int.h"

static void
addr_masked(uint8_t out[16], const xfrm_address_t *a, unsigned prefix, unsigned bits)
{
	const uint8_t *b = (const uint8_t *)a;
	unsigned i, full;

	if (prefix > bits)
		prefix = bits;
	full = prefix / 8;
	for (i = 0; i < full; i++)
		out[i] = b[i];
	if (prefix % 8 != 0)
		out[full] = b[full] & (uint8_t)(0xff << (8 - prefix % 8));
}

/* A multiply-xorshift over the key's 64-bit words; the key is zero-filled, so padding is
 * stable.  Not keyed: the input is the administrator's policy, not an attacker's. */
static uint32_t
key_hash(const struct ipp_polkey *k)
{
	const unsigned char *b = (const unsigned char *)k;
	size_t i, n = offsetof(struct ipp_polkey, hash);
	uint64_t h = 0x6a09e667f3bcc909ull, w;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, b + i, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 29;
	}
	for (; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	h ^= h >> 32;
	return (uint32_t)h;
}

static void
port_canon(uint16_t port, uint16_t mask, uint16_t *p, uint16_t *m)
{
	if (mask == 0 && port != 0)
		mask = 0xffff;
	*p = port & mask;
	*m = mask;
}

void
ipp_polkey_make(struct ipp_polkey *k, const struct xfrm_policy *p)
{
	const struct xfrm_sel *s = &p->sel;
	unsigned bits = s->family == AF_INET6 ? 128 : 32;

	memset(k, 0, sizeof(*k));
	k->family = s->family;
	k->sprefix = s->sprefix;
	k->dprefix = s->dprefix;
	addr_masked(k->saddr, &s->saddr, s->sprefix, bits);
	addr_masked(k->daddr, &s->daddr, s->dprefix, bits);
	k->proto = s->proto;
	k->dir = p->dir;
	port_canon(s->sport, s->sport_mask, &k->sport, &k->sport_mask);
	port_canon(s->dport, s->dport_mask, &k->dport, &k->dport_mask);
	k->ifindex = s->ifindex;
	k->mark_v = p->mark.v & p->mark.m;
	k->mark_m = p->mark.m;
	k->if_id = p->if_id;
	k->hash = key_hash(k);
}

bool
ipp_polkey_eq(const struct ipp_polkey *a, const struct ipp_polkey *b)
{
	return a->hash == b->hash && memcmp(a, b, sizeof(*a)) == 0;
}

int
ipp_polkey_index_init(struct ipp_polkey_index *x, size_t n)
{
	size_t cap = 16;

	while (cap < 2 * n + 1) {
		if (cap > UINT32_MAX / 4)
			return -1;
		cap *= 2;
	}
	x->slot = ipp_big_alloc(cap * sizeof(*x->slot));
	if (x->slot == NULL)
		return -1;
	x->mask = cap - 1;
	x->used = 0;
	return 0;
}

void
ipp_polkey_index_free(struct ipp_polkey_index *x)
{
	ipp_big_free(x->slot);
	memset(x, 0, sizeof(*x));
}

#define SLOT(hash, i)	((uint64_t)(hash) << 32 | (uint64_t)((i) + 1))
#define SLOT_HASH(s)	((uint32_t)((s) >> 32))
#define SLOT_INDEX(s)	((size_t)(uint32_t)(s) - 1)

static bool
slot_is(uint64_t s, const struct ipp_policy_set *v, const struct ipp_polkey *k)
{
	struct ipp_polkey other;

	if (SLOT_HASH(s) != k->hash)
		return false;
	ipp_polkey_make(&other, ipp_policy_set_at(v, SLOT_INDEX(s)));
	return ipp_polkey_eq(&other, k);
}

static size_t
probe(const struct ipp_polkey_index *x, const struct ipp_policy_set *v,
    const struct ipp_polkey *k)
{
	size_t i = k->hash & x->mask;

	while (x->slot[i] != 0 && !slot_is(x->slot[i], v, k))
		i = (i + 1) & x->mask;
	return i;
}

/* Rehashes from the stored hashes alone. */
static int
grow(struct ipp_polkey_index *x)
{
	struct ipp_polkey_index bigger;
	size_t i, j;

	if (ipp_polkey_index_init(&bigger, x->mask + 1) == -1)
		return -1;
	for (i = 0; i <= x->mask; i++) {
		if (x->slot[i] == 0)
			continue;
		j = SLOT_HASH(x->slot[i]) & bigger.mask;
		while (bigger.slot[j] != 0)
			j = (j + 1) & bigger.mask;
		bigger.slot[j] = x->slot[i];
	}
	bigger.used = x->used;
	ipp_big_free(x->slot);
	*x = bigger;
	return 0;
}

long
ipp_polkey_index_put(struct ipp_polkey_index *x, const struct ipp_policy_set *v,
    const struct ipp_polkey *k, size_t i)
{
	size_t at;

	if (i >= UINT32_MAX)
		return -1;
	if (2 * (x->used + 1) > x->mask + 1 && grow(x) == -1)
		return -1;
	at = probe(x, v, k);
	if (x->slot[at] != 0)
		return (long)SLOT_INDEX(x->slot[at]);
	x->slot[at] = SLOT(k->hash, i);
	x->used++;
	return (long)i;
}

long
ipp_polkey_index_find(const struct ipp_polkey_index *x, const struct ipp_policy_set *v,
    const struct ipp_polkey *k)
{
	size_t at = probe(x, v, k);

	return x->slot[at] == 0 ? -1 : (long)SLOT_INDEX(x->slot[at]);
}
