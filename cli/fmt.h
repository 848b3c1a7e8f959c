/* ipp_fmt: the text forms of model values, as the CLI prints and exports them.  Each is the
 * inverse of the CLI's parser for that value, so an exported script reads back equal. */
#ifndef IPP_FMT_H
#define IPP_FMT_H

#include <stdbool.h>
#include <stddef.h>

#include "store/model.h"

#define IPP_FMT_OFFER_MAX 96

/* netsh qmsecmethods entry: "ESP[3DES,SHA1]:100000k/3600s", "AH[SHA1]+ESP[AES128,NONE]:...";
 * a PFS offer ends in "PFS" or "PFS14" (the group).  Returns buf. */
const char *ipp_fmt_qm_offer(const struct ipp_qm_offer *o, char *buf, size_t len);
/* netsh mmsecmethods entry: "3DES-SHA1-2", "AES256-SHA256-19" (IANA group numbers). */
const char *ipp_fmt_mm_offer(const struct ipp_mm_offer *o, char *buf, size_t len);
/* The protocol as netsh writes it: "ANY", "TCP", "UDP", "ICMP", "RAW" or the number. */
const char *ipp_fmt_proto(unsigned proto, char *buf, size_t len);
const char *ipp_fmt_action(enum ipp_action a);
const char *ipp_fmt_conntype(enum ipp_conntype c);
const char *ipp_fmt_auth_kind(enum ipp_auth_kind k);
/* An auth value as shown: a PSK is "<redacted>" unless secrets is true. */
const char *ipp_fmt_auth_value(const struct ipp_auth *a, bool secrets);
/* "yes" / "no" */
const char *ipp_fmt_bool(bool b);
/* Local time as "2026-11-27 03:12:47"; "" for 0.  Returns buf. */
const char *ipp_fmt_time(time_t t, char *buf, size_t len);

#endif
