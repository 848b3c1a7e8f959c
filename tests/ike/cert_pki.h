/*
 * A test PKI for the certificate tests: tests/ike/certgen.sh run once per test program into
 * a fresh directory (removed at exit by the parent), and helpers to read its files.
 */
#ifndef IPP_TESTS_CERT_PKI_H
#define IPP_TESTS_CERT_PKI_H

#include <stddef.h>
#include <stdint.h>

/* Makes the PKI (addresses for host A and B's subjectAltName) unless made; its directory. */
const char *pki_dir(const char *addr_a, const char *addr_b);
/* Removes it (call from the parent only). */
void	pki_remove(void);
/* DIR/name in a static buffer (one of 4 rotating). */
const char *pki_path(const char *name);
/* The certificate of DIR/name.pem as DER (malloc'd). */
uint8_t *pki_der(const char *name, size_t *len);

#endif
