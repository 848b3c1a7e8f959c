/* ipp_err: formatting of library errors. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "store/err.h"

int
ipp_errf(struct ipp_err *e, enum ipp_errclass code, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return -1;
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int
ipp_err_prefix(struct ipp_err *e, const char *fmt, ...)
{
	char pre[256], old[sizeof(e->msg)];
	va_list ap;

	if (e == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(pre, sizeof(pre), fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof(old));
	/* A long chain of context may not fit; the start of it is what matters most. */
	if (snprintf(e->msg, sizeof(e->msg), "%s: %s", pre, old) >= (int)sizeof(e->msg))
		memcpy(e->msg + sizeof(e->msg) - 4, "...", 4);
	return -1;
}

void
ipp_err_clear(struct ipp_err *e)
{
	if (e == NULL)
		return;
	e->code = IPP_OK;
	e->msg[0] = '\0';
}

const char *
ipp_errclass_name(enum ipp_errclass code)
{
	static const char *const names[] = {
		[IPP_OK] = "ok", [IPP_E_INVAL] = "invalid", [IPP_E_NOENT] = "not found",
		[IPP_E_EXIST] = "exists", [IPP_E_INUSE] = "in use", [IPP_E_STORE] = "store",
		[IPP_E_NOMEM] = "out of memory", [IPP_E_UNSUPP] = "unsupported",
	};

	if ((unsigned)code >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[code];
}
