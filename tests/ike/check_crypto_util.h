/* Helpers of the IKE crypto tests: hex text to bytes. */
#ifndef IPP_TESTS_IKE_CHECK_CRYPTO_UTIL_H
#define IPP_TESTS_IKE_CHECK_CRYPTO_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Decodes hex digits of s (spaces, tabs, newlines and ':' skipped) into out; returns the
 * byte count.  A test fails (ck_abort) on a bad digit, an odd count or more than max. */
size_t	unhex(const char *s, uint8_t *out, size_t max);

/* A static buffer with s decoded; *len gets its length (for one-off vectors). */
const uint8_t *hexbuf(const char *s, size_t *len);

#endif
