/* Helpers for the store tests: scratch files, snapshots of a store, builders, equality. */
#ifndef IPP_STORE_TEST_H
#define IPP_STORE_TEST_H

#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"

/* A fresh scratch directory (removed with its files by st_tmp_cleanup); returns
 * dir/name in a static rotating buffer. */
const char *st_tmp_path(const char *name);
void st_tmp_cleanup(void);

/* Opens (creating, seeded unless noseed) the store at path; fails the test on error. */
struct ipp_store *st_open(const char *path, int flags);

/* A snapshot of a store file: its bytes and a canonical dump of every table, read through
 * a separate SQLite connection.  st_same fails the test, naming what differs. */
struct st_snap {
	unsigned char *bytes;
	size_t len;
	char *dump;
};
void st_snap_take(struct st_snap *s, const char *path);
void st_snap_free(struct st_snap *s);
bool st_snap_same_dump(const struct st_snap *a, const struct st_snap *b);
bool st_snap_same_bytes(const struct st_snap *a, const struct st_snap *b);
/* The canonical dump alone. */
char *st_dump(const char *path);
/* True if the file exists. */
bool st_exists(const char *path);
/* Bytes of a file; NULL if missing. */
unsigned char *st_read_file(const char *path, size_t *len);

/*
 * ST_FAILS(path, call, code, needle): call must fail with that class and a message holding
 * needle (unless NULL), and the store file must be byte-identical and dump-identical
 * afterwards, with no journal left behind.
 */
#define ST_FAILS(path_, call, class_, needle_) do {						\
	struct st_snap before_, after_;						\
	struct ipp_err ce_ = { 0 };						\
	struct ipp_err *e = &ce_;						\
	st_snap_take(&before_, path_);						\
	ck_assert_msg((call) == -1, "%s succeeded", #call);			\
	ck_assert_msg(ce_.code == (class_), "%s: class %s, not %s: %s", #call,	\
	    ipp_errclass_name(ce_.code), ipp_errclass_name(class_), ce_.msg);	\
	ck_assert_msg(st_has(ce_.msg, (needle_)),				\
	    "%s: message '%s' lacks '%s'", #call, ce_.msg,			\
	    st_or(needle_));							\
	st_snap_take(&after_, path_);						\
	ck_assert_msg(st_snap_same_dump(&before_, &after_),			\
	    "%s changed the store's content", #call);				\
	ck_assert_msg(st_snap_same_bytes(&before_, &after_),			\
	    "%s changed the store file", #call);				\
	ck_assert(!st_exists(st_journal(path_)));				\
	st_snap_free(&before_);							\
	st_snap_free(&after_);							\
	(void)e;								\
} while (0)

/* ST_OK(call): call must succeed; e is in scope for it. */
#define ST_OK(call) do {							\
	struct ipp_err ce_ = { 0 };						\
	struct ipp_err *e = &ce_;						\
	ck_assert_msg((call) == 0, "%s: %s", #call, ce_.msg);			\
	(void)e;								\
} while (0)

const char *st_journal(const char *path);
/* True if needle is NULL or in msg. */
bool st_has(const char *msg, const char *needle);
const char *st_or(const char *s);

/* ---- builders (all heap, released by the model's *_clear) ---- */
struct ipp_addr st_addr(enum ipp_addr_kind kind);
struct ipp_addr st_net(const char *ip, int prefix);
struct ipp_addr st_range(const char *from, const char *to);
struct ipp_addr st_dns(const char *name);
struct ipp_filter st_filter(struct ipp_addr src, struct ipp_addr dst, int proto, int sport,
    int dport, bool mirrored, const char *desc);
/* A filter list of that name with n filters me -> 10.x.y.z/32 udp port i. */
void st_list(struct ipp_filterlist *fl, const char *name, size_t n);
void st_action(struct ipp_filteraction *fa, const char *name, enum ipp_action action);
void st_rule(struct ipp_rule *r, const char *name, const char *list, const char *action);
void st_policy(struct ipp_policy *p, const char *name);
void st_push_filter(struct ipp_filterlist *fl, struct ipp_filter f);
void st_push_rule(struct ipp_policy *p, struct ipp_rule r);
void st_push_auth(struct ipp_auth **v, size_t *n, enum ipp_auth_kind kind, const char *value);
void st_push_qm(struct ipp_qm_offer **v, size_t *n, struct ipp_qm_offer o);

/* ---- deep equality; the message names the first difference ---- */
bool st_policy_eq(const struct ipp_policy *a, const struct ipp_policy *b, char *why,
    size_t len);
bool st_list_eq(const struct ipp_filterlist *a, const struct ipp_filterlist *b, char *why,
    size_t len);
bool st_action_eq(const struct ipp_filteraction *a, const struct ipp_filteraction *b,
    char *why, size_t len);

#endif
