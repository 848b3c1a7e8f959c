/*
 * The apply diff (diff.h): match installed and desired policies by kernel key through a
 * hash index, then list adds, updates and deletes in that order.  Linear in the number of
 * policies, plus the index's growth.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "agent/compile_int.h"
#include "agent/diff.h"

#define NONE	((size_t)-1)

struct ipp_policy_set
ipp_policy_set_array(const struct xfrm_policy *p, size_t n)
{
	return (struct ipp_policy_set){ .first = p, .n = n, .stride = sizeof(*p) };
}

struct ipp_policy_set
ipp_policy_set_compiled(const struct ipp_compiled *c)
{
	return (struct ipp_policy_set){
		.first = c->npolicies != 0 ? &c->policies[0].xp : NULL,
		.n = c->npolicies,
		.stride = sizeof(c->policies[0]),
	};
}

const struct xfrm_policy *
ipp_policy_set_at(const struct ipp_policy_set *s, size_t i)
{
	return (const struct xfrm_policy *)(const void *)
	    ((const char *)s->first + i * s->stride);
}

const char *
ipp_diff_op_name(enum ipp_diff_op op)
{
	switch (op) {
	case IPP_DIFF_ADD:
		return "add";
	case IPP_DIFF_UPDATE:
		return "update";
	case IPP_DIFF_DELETE:
		return "delete";
	}
	return "?";
}

bool
ipp_xfrm_policy_same_key(const struct xfrm_policy *a, const struct xfrm_policy *b)
{
	struct ipp_polkey ka, kb;

	ipp_polkey_make(&ka, a);
	ipp_polkey_make(&kb, b);
	return ipp_polkey_eq(&ka, &kb);
}

static bool
addr_eq(const xfrm_address_t *a, const xfrm_address_t *b, uint16_t family)
{
	return memcmp(a, b, family == AF_INET ? 4 : 16) == 0;
}

/* Templates compared as the kernel holds them: family 0 is the previous one's. */
static bool
tmpls_equal(const struct xfrm_policy *a, const struct xfrm_policy *b)
{
	uint16_t fa = a->sel.family, fb = b->sel.family;
	const struct xfrm_tmpl *x, *y;
	unsigned i;

	if (a->ntmpl != b->ntmpl || a->ntmpl > XFRM_TMPL_MAX)
		return false;
	for (i = 0; i < a->ntmpl; i++) {
		x = &a->tmpl[i];
		y = &b->tmpl[i];
		fa = x->family != 0 ? x->family : fa;
		fb = y->family != 0 ? y->family : fb;
		if (fa != fb || x->proto != y->proto || x->mode != y->mode ||
		    x->optional != y->optional || x->spi != y->spi || x->reqid != y->reqid ||
		    x->aalgos != y->aalgos || x->ealgos != y->ealgos ||
		    x->calgos != y->calgos || !addr_eq(&x->saddr, &y->saddr, fa) ||
		    !addr_eq(&x->daddr, &y->daddr, fa))
			return false;
	}
	return true;
}

static bool
content_equal(const struct xfrm_policy *a, const struct xfrm_policy *b)
{
	return a->action == b->action && a->flags == b->flags &&
	    a->priority == b->priority &&
	    memcmp(&a->lft, &b->lft, sizeof(a->lft)) == 0 && tmpls_equal(a, b);
}

bool
ipp_xfrm_policy_equal(const struct xfrm_policy *a, const struct xfrm_policy *b)
{
	return ipp_xfrm_policy_same_key(a, b) && content_equal(a, b);
}

struct dctx {
	const struct ipp_policy_set	*inst, *want;
	struct ipp_polkey_index		index;
	size_t				*match;		/* per desired: installed index */
	bool				*conflict;	/* per desired */
	bool				*keep;		/* per installed: not to delete */
	struct ipp_diff			*out;
};

static bool
in_band(const struct xfrm_policy *p, uint32_t lo, uint32_t hi)
{
	return p->priority >= lo && p->priority < hi;
}

static int
index_desired(struct dctx *x, uint32_t lo, uint32_t hi, struct ipp_err *e)
{
	const struct xfrm_policy *p;
	struct ipp_polkey k;
	size_t j;
	long at;

	for (j = 0; j < x->want->n; j++) {
		p = ipp_policy_set_at(x->want, j);
		if (!in_band(p, lo, hi))
			return ipp_errf(e, IPP_E_INVAL, "desired policy %zu: priority %u outside "
			    "the band [%u, %u)", j, p->priority, lo, hi);
		ipp_polkey_make(&k, p);
		at = ipp_polkey_index_put(&x->index, x->want, &k, j);
		if (at < 0)
			return ipp_errf(e, IPP_E_NOMEM, "out of memory indexing %zu policies",
			    x->want->n);
		if ((size_t)at != j)
			return ipp_errf(e, IPP_E_INVAL, "desired policies %ld and %zu have the "
			    "same selector, direction and mark; expected one", at, j);
		x->match[j] = NONE;
	}
	return 0;
}

static void
match_installed(struct dctx *x, uint32_t lo, uint32_t hi)
{
	const struct xfrm_policy *p;
	struct ipp_polkey k;
	size_t i;
	long j;

	for (i = 0; i < x->inst->n; i++) {
		p = ipp_policy_set_at(x->inst, i);
		ipp_polkey_make(&k, p);
		j = ipp_polkey_index_find(&x->index, x->want, &k);
		if (!in_band(p, lo, hi)) {
			x->out->nforeign++;
			x->keep[i] = true;
			if (j >= 0)
				x->conflict[j] = true;
			continue;
		}
		if (j >= 0 && x->match[j] == NONE) {
			x->match[j] = i;
			x->keep[i] = true;
		}
	}
}

static void
step(struct ipp_diff *d, enum ipp_diff_op op, size_t index, const struct xfrm_policy *p)
{
	d->steps[d->nsteps++] = (struct ipp_diff_step){ .op = op, .index = index, .xp = p };
}

static void
plan(struct dctx *x)
{
	struct ipp_diff *d = x->out;
	const struct xfrm_policy *p;
	size_t i, j;

	for (j = 0; j < x->want->n; j++) {
		if (x->conflict[j]) {
			d->nconflict++;
			continue;
		}
		if (x->match[j] == NONE) {
			step(d, IPP_DIFF_ADD, j, ipp_policy_set_at(x->want, j));
			d->nadd++;
		}
	}
	for (j = 0; j < x->want->n; j++) {
		if (x->conflict[j] || x->match[j] == NONE)
			continue;
		p = ipp_policy_set_at(x->want, j);
		if (content_equal(p, ipp_policy_set_at(x->inst, x->match[j]))) {
			d->nsame++;
			continue;
		}
		step(d, IPP_DIFF_UPDATE, j, p);
		d->nupdate++;
	}
	for (i = 0; i < x->inst->n; i++) {
		if (x->keep[i])
			continue;
		step(d, IPP_DIFF_DELETE, i, ipp_policy_set_at(x->inst, i));
		d->ndelete++;
	}
}

int
ipp_diff_compute(const struct ipp_policy_set *installed,
    const struct ipp_policy_set *desired, uint32_t prio_lo, uint32_t prio_hi,
    struct ipp_diff *out, struct ipp_err *e)
{
	struct dctx x = { .inst = installed, .want = desired, .out = out };
	size_t nw = desired->n, ni = installed->n;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	x.match = ipp_big_alloc((nw + 1) * sizeof(*x.match));
	x.conflict = calloc(nw + 1, sizeof(*x.conflict));
	x.keep = calloc(ni + 1, sizeof(*x.keep));
	out->steps = ipp_big_alloc((nw + ni + 1) * sizeof(*out->steps));
	if (x.match == NULL || x.conflict == NULL || x.keep == NULL ||
	    out->steps == NULL || ipp_polkey_index_init(&x.index, nw) == -1) {
		ipp_errf(e, IPP_E_NOMEM, "out of memory comparing %zu installed and %zu desired "
		    "policies", ni, nw);
		goto done;
	}
	if (index_desired(&x, prio_lo, prio_hi, e) == -1)
		goto done;
	match_installed(&x, prio_lo, prio_hi);
	plan(&x);
	rc = 0;
done:
	ipp_polkey_index_free(&x.index);
	ipp_big_free(x.match);
	free(x.conflict);
	free(x.keep);
	if (rc == -1)
		ipp_diff_free(out);
	return rc;
}

void
ipp_diff_free(struct ipp_diff *d)
{
	if (d == NULL)
		return;
	ipp_big_free(d->steps);
	memset(d, 0, sizeof(*d));
}
