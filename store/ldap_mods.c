/* lds mods: the LDAPMod arrays of adds and modifies, built up and freed in one place. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/ldap_int.h"

static LDAPMod *
mod_new(struct lds_mods *m, int op, const char *attr, size_t n)
{
	LDAPMod *mod;

	if (m->oom)
		return NULL;
	/* Keep a NULL at the end at every step, so m->v is always a valid mods array. */
	if ((mod = calloc(1, sizeof(*mod))) == NULL ||
	    (mod->mod_type = strdup(attr)) == NULL ||
	    (mod->mod_bvalues = calloc(n + 1, sizeof(struct berval *))) == NULL) {
		if (mod != NULL)
			free(mod->mod_type);
		free(mod);
		m->oom = true;
		return NULL;
	}
	mod->mod_op = op | LDAP_MOD_BVALUES;
	{
		LDAPMod **v = realloc(m->v, (m->n + 2) * sizeof(*v));

		if (v == NULL) {
			free(mod->mod_bvalues);
			free(mod->mod_type);
			free(mod);
			m->oom = true;
			return NULL;
		}
		m->v = v;
		m->v[m->n++] = mod;
		m->v[m->n] = NULL;
	}
	return mod;
}

static bool
mod_val(LDAPMod *mod, size_t i, const char *prefix, const char *val)
{
	size_t pl = prefix != NULL ? strlen(prefix) : 0, vl = strlen(val);
	struct berval *bv = malloc(sizeof(*bv));
	char *c = malloc(pl + vl + 1);

	if (bv == NULL || c == NULL) {
		free(bv);
		free(c);
		return false;
	}
	if (pl > 0)
		memcpy(c, prefix, pl);
	memcpy(c + pl, val, vl + 1);
	bv->bv_val = c;
	bv->bv_len = pl + vl;
	mod->mod_bvalues[i] = bv;
	return true;
}

void
lds_mods_put(struct lds_mods *m, int op, const char *attr, const char *const *vals, size_t n)
{
	LDAPMod *mod;

	if (n == 0 && op == LDAP_MOD_ADD)
		return;
	if ((mod = mod_new(m, op, attr, n)) == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		if (!mod_val(mod, i, NULL, vals[i])) {
			m->oom = true;
			return;
		}
}

void
lds_mods_put1(struct lds_mods *m, int op, const char *attr, const char *val)
{
	lds_mods_put(m, op, attr, val != NULL && *val != '\0' ? &val : NULL,
	    val != NULL && *val != '\0' ? 1 : 0);
}

void
lds_mods_put_ordered(struct lds_mods *m, int op, const char *attr, char **vals, size_t n)
{
	LDAPMod *mod;
	char prefix[24];

	if (n == 0 && op == LDAP_MOD_ADD)
		return;
	if ((mod = mod_new(m, op, attr, n)) == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		snprintf(prefix, sizeof(prefix), "{%zu}", i);
		if (vals[i] == NULL || !mod_val(mod, i, prefix, vals[i])) {
			m->oom = true;
			return;
		}
	}
}

void
lds_mods_free(struct lds_mods *m)
{
	for (size_t i = 0; i < m->n; i++) {
		LDAPMod *mod = m->v[i];

		for (size_t j = 0; mod->mod_bvalues[j] != NULL; j++) {
			/* Values may hold a preshared key. */
			explicit_bzero(mod->mod_bvalues[j]->bv_val, mod->mod_bvalues[j]->bv_len);
			free(mod->mod_bvalues[j]->bv_val);
			free(mod->mod_bvalues[j]);
		}
		free(mod->mod_bvalues);
		free(mod->mod_type);
		free(mod);
	}
	free(m->v);
	memset(m, 0, sizeof(*m));
}
