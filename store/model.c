/* ipp_model: lifecycle of the policy objects (defaults, copies, release). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <strings.h>


#include "store/model.h"

void
ipp_addr_clear(struct ipp_addr *a)
{
	free(a->dns);
	memset(a, 0, sizeof(*a));
}

void
ipp_filter_init(struct ipp_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->mirrored = true;
}

void
ipp_filter_clear(struct ipp_filter *f)
{
	free(f->description);
	ipp_addr_clear(&f->src);
	ipp_addr_clear(&f->dst);
	memset(f, 0, sizeof(*f));
}

void
ipp_filterlist_clear(struct ipp_filterlist *fl)
{
	for (size_t i = 0; i < fl->nfilters; i++)
		ipp_filter_clear(&fl->filters[i]);
	free(fl->filters);
	free(fl->name);
	free(fl->description);
	memset(fl, 0, sizeof(*fl));
}

void
ipp_qm_offer_init(struct ipp_qm_offer *o)
{
	memset(o, 0, sizeof(*o));
	o->life_s = IPP_DEF_QM_LIFE_S;
	o->life_kb = IPP_DEF_QM_LIFE_KB;
}

void
ipp_filteraction_init(struct ipp_filteraction *fa)
{
	memset(fa, 0, sizeof(*fa));
	fa->action = IPP_ACTION_NEGOTIATE;
}

void
ipp_filteraction_clear(struct ipp_filteraction *fa)
{
	free(fa->offers);
	free(fa->name);
	free(fa->description);
	memset(fa, 0, sizeof(*fa));
}

void
ipp_auth_clear(struct ipp_auth *a)
{
	/* The value may be a preshared key: it must not linger in freed memory. */
	if (a->value != NULL) {
		explicit_bzero(a->value, strlen(a->value));
		free(a->value);
	}
	memset(a, 0, sizeof(*a));
}

static void
auth_array_clear(struct ipp_auth **v, size_t *n)
{
	for (size_t i = 0; i < *n; i++)
		ipp_auth_clear(&(*v)[i]);
	free(*v);
	*v = NULL;
	*n = 0;
}

void
ipp_rule_init(struct ipp_rule *r)
{
	memset(r, 0, sizeof(*r));
	r->active = true;
	r->conntype = IPP_CONN_ALL;
}

void
ipp_rule_clear(struct ipp_rule *r)
{
	free(r->name);
	free(r->description);
	free(r->filterlist);
	free(r->filteraction);
	auth_array_clear(&r->auth, &r->nauth);
	ipp_addr_clear(&r->tunnel);
	memset(r, 0, sizeof(*r));
}

void
ipp_defrule_clear(struct ipp_defrule *d)
{
	free(d->offers);
	auth_array_clear(&d->auth, &d->nauth);
	memset(d, 0, sizeof(*d));
}

void
ipp_policy_init(struct ipp_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->poll_min = IPP_DEF_POLL_MIN;
	p->mm.lifetime_min = IPP_DEF_MM_LIFE_MIN;
	p->mm.qm_per_mm = IPP_DEF_QM_PER_MM;
	p->mm.soft_expire_s = IPP_DEF_SOFT_EXPIRE_S;
	p->defrule.active = true;
}

void
ipp_policy_clear(struct ipp_policy *p)
{
	for (size_t i = 0; i < p->nrules; i++)
		ipp_rule_clear(&p->rules[i]);
	free(p->rules);
	free(p->mm.offers);
	ipp_defrule_clear(&p->defrule);
	free(p->name);
	free(p->description);
	memset(p, 0, sizeof(*p));
}

void
ipp_policy_tree_clear(struct ipp_policy_tree *t)
{
	ipp_policy_clear(&t->policy);
	for (size_t i = 0; i < t->nlists; i++)
		ipp_filterlist_clear(&t->lists[i]);
	free(t->lists);
	for (size_t i = 0; i < t->nactions; i++)
		ipp_filteraction_clear(&t->actions[i]);
	free(t->actions);
	memset(t, 0, sizeof(*t));
}

void *
ipp_array_push(void *arrayp, size_t *n, size_t size, const void *item)
{
	char **array = arrayp;
	size_t cap = 4;

	/* Capacity is implied by n: it doubles at every power of two from 4 on. */
	while (cap < *n)
		cap *= 2;
	if (*array == NULL || *n == cap) {
		size_t ncap = *array == NULL ? 4 : cap * 2;
		char *p = reallocarray(*array, ncap, size);

		if (p == NULL)
			return NULL;
		*array = p;
	}
	memcpy(*array + *n * size, item, size);
	return *array + (*n)++ * size;
}

static int
dup_str(char **dst, const char *src, struct ipp_err *e)
{
	if (src == NULL) {
		*dst = NULL;
		return 0;
	}
	if ((*dst = strdup(src)) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	return 0;
}

int
ipp_addr_copy(struct ipp_addr *dst, const struct ipp_addr *src, struct ipp_err *e)
{
	*dst = *src;
	return dup_str(&dst->dns, src->dns, e);
}

int
ipp_filter_copy(struct ipp_filter *dst, const struct ipp_filter *src, struct ipp_err *e)
{
	*dst = *src;
	dst->description = NULL;
	dst->src.dns = dst->dst.dns = NULL;
	if (dup_str(&dst->description, src->description, e) == -1 ||
	    dup_str(&dst->src.dns, src->src.dns, e) == -1 ||
	    dup_str(&dst->dst.dns, src->dst.dns, e) == -1) {
		ipp_filter_clear(dst);
		return -1;
	}
	return 0;
}

int
ipp_auth_copy(struct ipp_auth *dst, const struct ipp_auth *src, struct ipp_err *e)
{
	*dst = *src;
	return dup_str(&dst->value, src->value, e);
}

const struct ipp_filterlist *
ipp_tree_filterlist(const struct ipp_policy_tree *t, const char *name)
{
	for (size_t i = 0; name != NULL && i < t->nlists; i++)
		if (t->lists[i].name != NULL && strcmp(t->lists[i].name, name) == 0)
			return &t->lists[i];
	return NULL;
}

const struct ipp_filteraction *
ipp_tree_filteraction(const struct ipp_policy_tree *t, const char *name)
{
	for (size_t i = 0; name != NULL && i < t->nactions; i++)
		if (t->actions[i].name != NULL && strcmp(t->actions[i].name, name) == 0)
			return &t->actions[i];
	return NULL;
}

int
ipp_guid_new(char out[IPP_GUID_SIZE])
{
	unsigned char b[16];

	/* 16 bytes never come short from getrandom(2) once the pool is ready; it blocks until
	 * then (early boot only). */
	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		return -1;
	b[6] = (b[6] & 0x0f) | 0x40;	/* version 4 */
	b[8] = (b[8] & 0x3f) | 0x80;	/* RFC 4122 variant */
	snprintf(out, IPP_GUID_SIZE,
	    "{%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X%02X%02X}",
	    b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
	    b[12], b[13], b[14], b[15]);
	return 0;
}

bool
ipp_guid_valid(const char *s)
{
	static const char shape[] = "{........-....-....-....-............}";

	if (s == NULL || strlen(s) != sizeof(shape) - 1)
		return false;
	for (size_t i = 0; shape[i] != '\0'; i++) {
		if (shape[i] == '.') {
			if (strchr("0123456789abcdefABCDEF", s[i]) == NULL || s[i] == '\0')
				return false;
		} else if (s[i] != shape[i])
			return false;
	}
	return true;
}
