/*
 * sqlstore_load: a whole policy tree in one query per table.
 *
 * The agent loads the assigned policy at every poll, and a policy may hold ten thousand
 * filters: so no query per object.  Each child table is read once for the whole tree,
 * ordered by owner and position, and its rows are merged into their owners in one pass.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/sqlite.h"

/* The lists and actions of the policy's rules, as a subquery on ?1 = policy id. */
#define TREE_LISTS "(SELECT filterlist_id FROM rule WHERE policy_id = ?1)"
#define TREE_ACTIONS "(SELECT action_id FROM rule WHERE policy_id = ?1)"

struct load {
	struct sqlstore *s;
	sqlite3_int64 pid;
	struct ipp_policy_tree *t;
	sqlite3_int64 *rule_ids;	/* parallel to t->policy.rules */
	sqlite3_int64 *list_ids;	/* parallel to t->lists */
	size_t *list_room;		/* parallel to t->lists: filters allocated */
	sqlite3_int64 *action_ids;	/* parallel to t->actions */
	struct ipp_err *e;
};

static sqlite3_stmt *
query(struct load *l, const char *sql)
{
	sqlite3_stmt *stmt = sqlstore_stmt(l->s, sql, l->e);

	if (stmt != NULL)
		sqlite3_bind_int64(stmt, 1, l->pid);
	return stmt;
}

/* Ends a row loop: rc is the last sqlite3_step result, failed whether a row was bad. */
static int
finish(struct load *l, sqlite3_stmt *stmt, int rc, bool failed, const char *what)
{
	if (!failed && rc != SQLITE_DONE)
		sqlstore_err(l->s, sqlite3_extended_errcode(l->s->db), what, l->e);
	sqlstore_done(stmt);
	return !failed && rc == SQLITE_DONE ? 0 : -1;
}

static void *
push(struct load *l, void *arrayp, size_t *n, size_t size, const void *item)
{
	void *p = ipp_array_push(arrayp, n, size, item);

	if (p == NULL)
		ipp_errf(l->e, IPP_E_NOMEM, "out of memory");
	return p;
}

/* An index of ids (ascending) holding id, at or after *at; false if none. */
static bool
seek(const sqlite3_int64 *ids, size_t n, size_t *at, sqlite3_int64 id)
{
	while (*at < n && ids[*at] < id)
		(*at)++;
	return *at < n && ids[*at] == id;
}

static int
load_policy(struct load *l)
{
	struct ipp_policy *p = &l->t->policy;
	sqlite3_stmt *stmt = query(l, "SELECT guid, name, description, poll_min, mm_life_min, "
	    "mm_qm_per_mm, mm_pfs, defrule_active, assigned, changed, mm_soft_expire_s "
	    "FROM policy WHERE id = ?1");
	int rc = SQLITE_DONE;
	bool failed = false;

	if (stmt == NULL)
		return -1;
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		snprintf(p->guid, sizeof(p->guid), "%s", sqlite3_column_text(stmt, 0));
		failed = sqlstore_text(stmt, 1, &p->name, l->e) == -1 ||
		    sqlstore_text(stmt, 2, &p->description, l->e) == -1;
		p->poll_min = (uint32_t)sqlite3_column_int64(stmt, 3);
		p->mm.lifetime_min = (uint32_t)sqlite3_column_int64(stmt, 4);
		p->mm.qm_per_mm = (uint32_t)sqlite3_column_int64(stmt, 5);
		p->mm.pfs = sqlite3_column_int(stmt, 6) != 0;
		p->defrule.active = sqlite3_column_int(stmt, 7) != 0;
		p->assigned = sqlite3_column_int(stmt, 8) != 0;
		p->changed = (time_t)sqlite3_column_int64(stmt, 9);
		p->mm.soft_expire_s = (uint32_t)sqlite3_column_int64(stmt, 10);
		rc = SQLITE_DONE;
	}
	return finish(l, stmt, rc, failed, "reading a policy");
}

static int
load_policy_children(struct load *l)
{
	struct ipp_policy *p = &l->t->policy;
	sqlite3_stmt *stmt;
	int rc = SQLITE_DONE;
	bool failed = false;

	stmt = query(l, "SELECT cipher, hash, dhgroup FROM mm_offer WHERE policy_id = ?1 "
	    "ORDER BY pos");
	if (stmt == NULL)
		return -1;
	while (!failed && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct ipp_mm_offer o;

		failed = sqlstore_mm_read(stmt, 0, &o, l->e) == -1 ||
		    push(l, &p->mm.offers, &p->mm.noffers, sizeof(o), &o) == NULL;
	}
	if (finish(l, stmt, rc, failed, "reading main-mode offers") == -1)
		return -1;

	stmt = query(l, "SELECT " SQLSTORE_QM_COLS " FROM defrule_offer WHERE policy_id = ?1 "
	    "ORDER BY pos");
	if (stmt == NULL)
		return -1;
	while (!failed && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct ipp_qm_offer o;

		failed = sqlstore_qm_read(stmt, 0, &o, l->e) == -1 ||
		    push(l, &p->defrule.offers, &p->defrule.noffers, sizeof(o), &o) == NULL;
	}
	if (finish(l, stmt, rc, failed, "reading default rule offers") == -1)
		return -1;

	stmt = query(l, "SELECT " SQLSTORE_AUTH_COLS " FROM defrule_auth WHERE policy_id = ?1 "
	    "ORDER BY pos");
	if (stmt == NULL)
		return -1;
	while (!failed && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct ipp_auth a;

		if (sqlstore_auth_read(stmt, 0, &a, l->e) == -1)
			failed = true;
		else if (push(l, &p->defrule.auth, &p->defrule.nauth, sizeof(a), &a) == NULL) {
			ipp_auth_clear(&a);
			failed = true;
		}
	}
	return finish(l, stmt, rc, failed, "reading default rule authentication");
}

static int
rule_row(struct load *l, sqlite3_stmt *stmt, struct ipp_rule *r)
{
	ipp_rule_init(r);
	snprintf(r->guid, sizeof(r->guid), "%s", sqlite3_column_text(stmt, 1));
	r->active = sqlite3_column_int(stmt, 11) != 0;
	if (sqlstore_text(stmt, 2, &r->name, l->e) == -1 ||
	    sqlstore_text(stmt, 3, &r->description, l->e) == -1 ||
	    sqlstore_text(stmt, 4, &r->filterlist, l->e) == -1 ||
	    sqlstore_text(stmt, 5, &r->filteraction, l->e) == -1 ||
	    sqlstore_read_addr(stmt, 6, &r->tunnel, l->e) == -1 ||
	    sqlstore_conntype_read(stmt, 10, &r->conntype, l->e) == -1) {
		ipp_rule_clear(r);
		return -1;
	}
	return 0;
}

static int
load_rules(struct load *l)
{
	struct ipp_policy *p = &l->t->policy;
	sqlite3_stmt *stmt;
	size_t nids = 0, at = 0;
	int rc = SQLITE_DONE;
	bool failed = false;

	stmt = query(l, "SELECT r.id, r.guid, r.name, r.description, fl.name, fa.name, "
	    "r.tunnel_kind, r.tunnel_addr, r.tunnel_end, r.tunnel_prefix, r.conntype, r.active "
	    "FROM rule r JOIN filterlist fl ON fl.id = r.filterlist_id "
	    "JOIN filteraction fa ON fa.id = r.action_id WHERE r.policy_id = ?1 ORDER BY r.pos");
	if (stmt == NULL)
		return -1;
	while (!failed && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		sqlite3_int64 id = sqlite3_column_int64(stmt, 0);
		struct ipp_rule r;

		if (rule_row(l, stmt, &r) == -1)
			failed = true;
		else if (push(l, &p->rules, &p->nrules, sizeof(r), &r) == NULL) {
			ipp_rule_clear(&r);
			failed = true;
		} else if (push(l, &l->rule_ids, &nids, sizeof(id), &id) == NULL)
			failed = true;
	}
	if (finish(l, stmt, rc, failed, "reading rules") == -1)
		return -1;

	/* Authentication rows come in rule order, as the rules did. */
	stmt = query(l, "SELECT a.rule_id, a.kind, a.value, a.certmap, a.excludecaname "
	    "FROM rule_auth a JOIN rule r ON r.id = a.rule_id WHERE r.policy_id = ?1 "
	    "ORDER BY r.pos, a.pos");
	if (stmt == NULL)
		return -1;
	while (!failed && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		sqlite3_int64 id = sqlite3_column_int64(stmt, 0);
		struct ipp_auth a;
		struct ipp_rule *r;

		while (at < nids && l->rule_ids[at] != id)
			at++;
		if (at == nids) {
			ipp_errf(l->e, IPP_E_STORE, "rule_auth row of an unknown rule");
			failed = true;
			break;
		}
		r = &p->rules[at];
		if (sqlstore_auth_read(stmt, 1, &a, l->e) == -1)
			failed = true;
		else if (push(l, &r->auth, &r->nauth, sizeof(a), &a) == NULL) {
			ipp_auth_clear(&a);
			failed = true;
		}
	}
	return finish(l, stmt, rc, failed, "reading rule authentication");
}

/* ipp_array_push's capacity for n elements: a power of two, at least 4. */
static size_t
capacity(size_t n)
{
	size_t cap = 4;

	while (cap < n)
		cap *= 2;
	return cap;
}

/* The list's own columns; its filter array is allocated at once for *room filters (ten
 * thousand filters grown by doubling cost more than the query), in the shape
 * ipp_array_push expects, so a caller may still push onto it. */
static int
list_row(struct load *l, sqlite3_stmt *stmt, struct ipp_filterlist *fl, size_t *room)
{
	sqlite3_int64 n = sqlite3_column_int64(stmt, 5);

	memset(fl, 0, sizeof(*fl));
	*room = 0;
	if (n > 0) {
		/* Not zeroed: the rows fill it, and untouched pages cost no faults. */
		fl->filters = reallocarray(NULL, capacity((size_t)n), sizeof(*fl->filters));
		if (fl->filters == NULL)
			return ipp_errf(l->e, IPP_E_NOMEM, "out of memory");
		*room = capacity((size_t)n);
	}
	snprintf(fl->guid, sizeof(fl->guid), "%s", sqlite3_column_text(stmt, 1));
	fl->changed = (time_t)sqlite3_column_int64(stmt, 4);
	if (sqlstore_text(stmt, 2, &fl->name, l->e) == -1 ||
	    sqlstore_text(stmt, 3, &fl->description, l->e) == -1) {
		ipp_filterlist_clear(fl);
		return -1;
	}
	return 0;
}

static int
load_lists(struct load *l)
{
	struct ipp_policy_tree *t = l->t;
	sqlite3_stmt *stmt;
	size_t nids = 0, at = 0;
	int rc = SQLITE_DONE;
	bool failed = false;

	stmt = query(l, "SELECT id, guid, name, description, changed, "
	    "(SELECT count(*) FROM filter f WHERE f.list_id = filterlist.id) FROM filterlist "
	    "WHERE id IN " TREE_LISTS " ORDER BY id");
	if (stmt == NULL)
		return -1;
	while (!failed && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		sqlite3_int64 id = sqlite3_column_int64(stmt, 0);
		struct ipp_filterlist fl;
		size_t room, nroom = nids;

		if (list_row(l, stmt, &fl, &room) == -1) {
			ipp_filterlist_clear(&fl);
			failed = true;
		} else if (push(l, &t->lists, &t->nlists, sizeof(fl), &fl) == NULL) {
			ipp_filterlist_clear(&fl);
			failed = true;
		} else if (push(l, &l->list_ids, &nids, sizeof(id), &id) == NULL ||
		    push(l, &l->list_room, &nroom, sizeof(room), &room) == NULL)
			failed = true;
	}
	if (finish(l, stmt, rc, failed, "reading filter lists") == -1)
		return -1;

	stmt = query(l, "SELECT list_id, " SQLSTORE_FILTER_COLS " FROM filter "
	    "WHERE list_id IN " TREE_LISTS " ORDER BY list_id, pos");
	if (stmt == NULL)
		return -1;
	while (!failed && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct ipp_filterlist *fl;
		struct ipp_filter f;

		if (!seek(l->list_ids, nids, &at, sqlite3_column_int64(stmt, 0))) {
			ipp_errf(l->e, IPP_E_STORE, "filter row of an unknown list");
			failed = true;
			break;
		}
		fl = &t->lists[at];
		if (sqlstore_filter_read(stmt, 1, &f, l->e) == -1)
			failed = true;
		else if (fl->nfilters < l->list_room[at])
			fl->filters[fl->nfilters++] = f;
		else if (push(l, &fl->filters, &fl->nfilters, sizeof(f), &f) == NULL) {
			ipp_filter_clear(&f);
			failed = true;
		}
	}
	return finish(l, stmt, rc, failed, "reading filters");
}

static int
load_actions(struct load *l)
{
	struct ipp_policy_tree *t = l->t;
	sqlite3_stmt *stmt;
	size_t nids = 0, at = 0;
	int rc = SQLITE_DONE;
	bool failed = false;

	stmt = query(l, "SELECT " SQLSTORE_ACTION_COLS ", id FROM filteraction "
	    "WHERE id IN " TREE_ACTIONS " ORDER BY id");
	if (stmt == NULL)
		return -1;
	while (!failed && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		sqlite3_int64 id = sqlite3_column_int64(stmt, 7);
		struct ipp_filteraction fa;

		memset(&fa, 0, sizeof(fa));
		if (sqlstore_action_row(stmt, &fa, l->e) == -1) {
			ipp_filteraction_clear(&fa);
			failed = true;
		} else if (push(l, &t->actions, &t->nactions, sizeof(fa), &fa) == NULL) {
			ipp_filteraction_clear(&fa);
			failed = true;
		} else if (push(l, &l->action_ids, &nids, sizeof(id), &id) == NULL)
			failed = true;
	}
	if (finish(l, stmt, rc, failed, "reading filter actions") == -1)
		return -1;

	stmt = query(l, "SELECT action_id, " SQLSTORE_QM_COLS " FROM action_offer "
	    "WHERE action_id IN " TREE_ACTIONS " ORDER BY action_id, pos");
	if (stmt == NULL)
		return -1;
	while (!failed && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct ipp_filteraction *fa;
		struct ipp_qm_offer o;

		if (!seek(l->action_ids, nids, &at, sqlite3_column_int64(stmt, 0))) {
			ipp_errf(l->e, IPP_E_STORE, "offer row of an unknown action");
			failed = true;
			break;
		}
		fa = &t->actions[at];
		failed = sqlstore_qm_read(stmt, 1, &o, l->e) == -1 ||
		    push(l, &fa->offers, &fa->noffers, sizeof(o), &o) == NULL;
	}
	return finish(l, stmt, rc, failed, "reading offers");
}

int
sqlstore_policy_get(struct ipp_store *st, const char *key, struct ipp_policy_tree *out,
    struct ipp_err *e)
{
	struct load l = { .s = sqlstore_of(st), .t = out, .e = e };
	int rc = SQLITE_DONE;

	memset(out, 0, sizeof(*out));
	if (sqlstore_id(l.s, IPP_OBJ_POLICY, key, &l.pid, e) == -1)
		return -1;
	rc = load_policy(&l);
	if (rc == 0)
		rc = load_policy_children(&l);
	if (rc == 0)
		rc = load_rules(&l);
	if (rc == 0)
		rc = load_lists(&l);
	if (rc == 0)
		rc = load_actions(&l);
	free(l.rule_ids);
	free(l.list_ids);
	free(l.list_room);
	free(l.action_ids);
	if (rc == -1) {
		sqlstore_err_where(sqlstore_of(st), e);
		ipp_policy_tree_clear(out);
	}
	return rc;
}
