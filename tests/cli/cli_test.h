/* Helpers shared by the tests of cli/: a plain text form of parsed objects to compare with. */
#ifndef IPP_TESTS_CLI_TEST_H
#define IPP_TESTS_CLI_TEST_H

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "store/model.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* "me", "any", "dns:NAME", "ADDR/PREFIX" (independent of store/addr.c on purpose). */
static inline const char *
t_addr(const struct ipp_addr *a, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN];

	switch (a->kind) {
	case IPP_ADDR_ME:
		return "me";
	case IPP_ADDR_ANY:
		return "any";
	case IPP_ADDR_DNSNAME:
		snprintf(buf, len, "dns:%s", a->dns);
		return buf;
	case IPP_ADDR_NET:
		inet_ntop(a->family, &a->ip, ip, sizeof(ip));
		snprintf(buf, len, "%s/%u", ip, a->prefix);
		return buf;
	default:
		snprintf(buf, len, "kind%d", (int)a->kind);
		return buf;
	}
}

/* "ESP[3DES,SHA1]:100000k/3600s", "AH[MD5]+ESP[DES,NONE]:...", with ":pfs" or ":pfs14". */
static inline const char *
t_offer(const struct ipp_qm_offer *o, char *buf, size_t len)
{
	char pfs[16] = "";
	int n = 0;

	if (o->proto == IPP_QM_AH || o->proto == IPP_QM_AH_ESP)
		n = snprintf(buf, len, "AH[%s]%s", ipp_hash_name(o->ah_hash),
		    o->proto == IPP_QM_AH_ESP ? "+" : "");
	if (o->proto == IPP_QM_ESP || o->proto == IPP_QM_AH_ESP)
		n += snprintf(buf + n, len - (size_t)n, "ESP[%s,%s]", ipp_cipher_name(o->esp_cipher),
		    ipp_hash_name(o->esp_auth));
	if (o->pfs)
		snprintf(pfs, sizeof(pfs), ":pfs%.0u", (unsigned)o->pfs_group);
	snprintf(buf + n, len - (size_t)n, ":%uk/%us%s", o->life_kb, o->life_s, pfs);
	return buf;
}

static inline const char *
t_mm(const struct ipp_mm_offer *o, char *buf, size_t len)
{
	snprintf(buf, len, "%s-%s-%u", ipp_cipher_name(o->cipher), ipp_hash_name(o->hash),
	    (unsigned)o->group);
	return buf;
}

#endif
