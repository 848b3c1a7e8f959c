/*
 * ipp_mmspec: main-mode settings as ipsecpol.exe writes them (-1s, -1k, -p; windows-cli.md
 * §2.3, §2.7) and as netsh's mmsecmethods= does (§4.1).
 *
 *   methods ::= method { blanks method }
 *   method  ::= cipher "-" hash "-" group          e.g. 3DES-SHA-2, AES256-SHA256-19
 *   rekey   ::= N "Q" [ "/" N "S" ] | N "S" [ "/" N "Q" ]     (-1k)
 *   policy  ::= name [ ":" poll-minutes ]                       (-p)
 *
 * cipher: DES 3DES AES128 AES192 AES256 (GCM is for ESP only); hash: MD5 SHA SHA1 SHA256
 * SHA384 SHA512; group: 1, 2, Windows' 3 (the 2048-bit MODP group, stored as IANA 14), and
 * the IANA numbers 14 15 19 20 21.  Names are case-insensitive.
 * Rekey: Q is quick modes per main mode (0..2147483647, 0 = no limit); S is the main-mode
 * lifetime in seconds, 300..172800 and whole minutes, since the model keeps minutes.
 * Policy: the poll interval follows the last ':' and is in minutes (1..71582788, which
 * keeps it within 32 bits when stored as seconds); a name holding ':' must therefore be
 * given with an interval.
 */
#ifndef IPP_CLI_MMSPEC_H
#define IPP_CLI_MMSPEC_H

#include "store/model.h"

/* One method word into *o. */
int ipp_mmspec_offer(const char *word, struct ipp_mm_offer *o, struct ipp_err *e);
/* Writes "CIPHER-HASH-GROUP" with the IANA group number; 0, or -1 if buf is too small. */
int ipp_mmspec_format_offer(const struct ipp_mm_offer *o, char *buf, size_t len);
/* Appends the methods of text to mm->offers.  All or nothing. */
int ipp_mmspec_add(struct ipp_mm *mm, const char *text, struct ipp_err *e);
/* Sets mm->qm_per_mm and/or mm->lifetime_min from a -1k value. */
int ipp_mmspec_rekey(struct ipp_mm *mm, const char *text, struct ipp_err *e);
/* Splits -p's value; *name is allocated, *poll_min is 0 when no interval is given. */
int ipp_mmspec_policy(const char *text, char **name, uint32_t *poll_min, struct ipp_err *e);

#endif
