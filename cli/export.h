/* ipp_export: a store as a re-playable script of "ipsecpol static" commands. */
#ifndef IPP_EXPORT_H
#define IPP_EXPORT_H

#include <stdio.h>

#include "store/store.h"

/* Writes every filter list, filter action and policy of st, then the assignment, in a
 * stable order, so that exporting an imported export gives the same bytes.  Preshared
 * keys are written in the clear (the script must be able to recreate the store): callers
 * create the file 0600.  0, or -1 with e set. */
int ipp_export_store(FILE *out, struct ipp_store *st, struct ipp_err *e);


#endif
