/* ipp_err: the error every library call of ipsecpol fills when it fails. */
#ifndef IPP_ERR_H
#define IPP_ERR_H

#include <stddef.h>

/*
 * Error classes; programs map them to exit codes (see ipsecpol(8)).
 * IPP_E_INVAL: bad input (validation, parse); the store was not touched.
 * IPP_E_NOENT: a named object does not exist.
 * IPP_E_EXIST: an object of that name exists already.
 * IPP_E_INUSE: the object is referenced by others (e.g. a filter list used by rules).
 * IPP_E_STORE: the store itself failed: corrupt, foreign, newer schema, I/O, busy.
 * IPP_E_NOMEM: out of memory.
 * IPP_E_UNSUPP: the operation is not available on this backend or build.
 */
enum ipp_errclass {
	IPP_OK = 0,
	IPP_E_INVAL,
	IPP_E_NOENT,
	IPP_E_EXIST,
	IPP_E_INUSE,
	IPP_E_STORE,
	IPP_E_NOMEM,
	IPP_E_UNSUPP,
};

struct ipp_err {
	enum ipp_errclass code;
	char msg[512];
};

/* Sets e (if not NULL) and returns -1, so callers can "return ipp_errf(...)". */
int ipp_errf(struct ipp_err *e, enum ipp_errclass code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prefixes the message already in e with more context ("policy 'X': ..."). */
int ipp_err_prefix(struct ipp_err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void ipp_err_clear(struct ipp_err *e);
const char *ipp_errclass_name(enum ipp_errclass code);

#endif
