/*
 * ipp_negpol: quick-mode security methods, as ipsecpol.exe -n takes them
 * (windows-cli.md §2.5) and as netsh's qmsecmethods= writes them (§4.1).
 *
 *   list    ::= entry { blanks entry }
 *   entry   ::= offer [ [":"] rekey ] [ pfs ]  |  rekey  |  pfs  |  BLOCK | PASS | INPASS
 *   offer   ::= "ESP[" cipher [ "," auth ] "]" | "AH[" hash "]"
 *             | "AH[" hash "]+ESP[" cipher [ "," auth ] "]"
 *   rekey   ::= N "S" [ "/" N "K" ] | N "K" [ "/" N "S" ]
 *   pfs     ::= ( "PFS" | "P" ) [ group ]
 *
 * Everything is case-insensitive.  cipher: NONE DES 3DES AES128 AES192 AES256 AES128GCM16
 * AES256GCM16; auth and hash: NONE (not for AH) MD5 SHA SHA1 SHA256 SHA384 SHA512.  The
 * GCM ciphers authenticate by themselves: write ESP[AES128GCM16] or ESP[AES128GCM16,NONE].
 * Any other cipher needs its auth written out (ESP[3DES,SHA1], ESP[NONE,SHA1],
 * ESP[3DES,NONE]); ESP[NONE,NONE] is refused.  A rekey or pfs word standing alone applies
 * to the offer before it, as in `-n "esp[3des,sha] 3600S/100000K"`.
 * Lifetimes: 300..172800 s and 20480..2147483647 KB (the snap-in's limits); unset ones keep
 * Windows' defaults, 3600 s and 100000 KB.  PFS groups: 1, 2, Windows' 3 (= 14), 14, 15,
 * 19, 20, 21; without a group the main-mode group is used.
 * BLOCK and PASS stand alone; INPASS (negotiate, accept clear inbound) may come with offers.
 * The netsh syntax (qmsecmethods=) takes offers and lifetimes only, no keywords and no PFS
 * (netsh has qmpfs= for that).
 */
#ifndef IPP_CLI_NEGPOL_H
#define IPP_CLI_NEGPOL_H

#include "store/model.h"

enum ipp_negpol_syntax {
	IPP_NEGPOL_IPSECPOL = 0,	/* -n */
	IPP_NEGPOL_NETSH,		/* qmsecmethods= */
};

struct ipp_negpol {
	enum ipp_action action;		/* NEGOTIATE unless BLOCK or PASS */
	bool inpass;			/* INPASS */
	struct ipp_qm_offer *offers;
	size_t noffers;
	/* Parser state across calls: what the last offer was given already. */
	bool keyword;			/* BLOCK, PASS or INPASS seen */
	bool last_rekey, last_pfs;
};

/* Starts an empty list (action NEGOTIATE, no offers). */
void ipp_negpol_init(struct ipp_negpol *np);
/*
 * Appends the entries of text (one -n argument or one qmsecmethods= value).  All or
 * nothing: on failure np is as before and e says
 * "negotiation policy '<entry>': <what was wrong and what was expected>".
 */
int ipp_negpol_add(struct ipp_negpol *np, const char *text, enum ipp_negpol_syntax syn,
    struct ipp_err *e);
/* Gives a negotiating list without offers ipsecpol's default offers
 * ESP[3DES,SHA] ESP[3DES,MD5] ESP[DES,SHA] ESP[DES,MD5]. */
int ipp_negpol_defaults(struct ipp_negpol *np, struct ipp_err *e);
void ipp_negpol_clear(struct ipp_negpol *np);

/*
 * Writes one offer as ipp_negpol_offer() reads it back: netsh syntax
 * "AH[SHA1]+ESP[3DES,SHA1]:100000k/3600s" (no PFS: netsh keeps it in qmpfs=), or ipsecpol
 * syntax "ESP[3DES,SHA1]3600S/100000KPFS14".  Returns 0, or -1 if buf is too small.
 */
int ipp_negpol_format_offer(const struct ipp_qm_offer *o, enum ipp_negpol_syntax syn,
    char *buf, size_t len);

/* Parses one offer word (no keywords, no blanks) into *o; used by the list parser and by
 * readers of stored offer text. */
int ipp_negpol_offer(const char *word, enum ipp_negpol_syntax syn, struct ipp_qm_offer *o,
    struct ipp_err *e);

#endif
