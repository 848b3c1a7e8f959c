/* isakmp_int: wire helpers shared by the codec's files (not part of the interface). */
#ifndef IPP_IKE_ISAKMP_INT_H
#define IPP_IKE_ISAKMP_INT_H

#include <stddef.h>
#include <stdint.h>

#include "ike/isakmp.h"

static inline uint16_t
isakmp_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
isakmp_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void
isakmp_set16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
isakmp_set32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Fills e (if not NULL) and returns -1, so decoders can "return isakmp_fail(...)". */
int	isakmp_fail(struct isakmp_err *e, enum isakmp_errc code, uint16_t notify,
	    uint8_t payload, size_t off, const char *what);

/* The SPI sizes a protocol allows in proposals and deletes (0 is never allowed here). */
int	isakmp_spi_len_ok(uint8_t proto, uint8_t spi_len);

#endif
