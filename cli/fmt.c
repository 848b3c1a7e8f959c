/* ipp_fmt: text forms of model values for show and export. */
#include <stdio.h>
#include <string.h>

#include "cli/fmt.h"

static const char *
esp_part(const struct ipp_qm_offer *o, char *buf, size_t len)
{
	snprintf(buf, len, "ESP[%s,%s]", ipp_cipher_name(o->esp_cipher),
	    ipp_hash_name(o->esp_auth));
	return buf;
}

const char *
ipp_fmt_qm_offer(const struct ipp_qm_offer *o, char *buf, size_t len)
{
	char esp[48], pfs[16] = "";
	unsigned kb = o->life_kb ? o->life_kb : IPP_DEF_QM_LIFE_KB;
	unsigned s = o->life_s ? o->life_s : IPP_DEF_QM_LIFE_S;

	if (o->pfs && o->pfs_group != 0)
		snprintf(pfs, sizeof(pfs), "PFS%u", (unsigned)o->pfs_group);
	else if (o->pfs)
		snprintf(pfs, sizeof(pfs), "PFS");
	switch (o->proto) {
	case IPP_QM_AH:
		snprintf(buf, len, "AH[%s]:%uk/%us%s", ipp_hash_name(o->ah_hash), kb, s, pfs);
		break;
	case IPP_QM_AH_ESP:
		snprintf(buf, len, "AH[%s]+%s:%uk/%us%s", ipp_hash_name(o->ah_hash),
		    esp_part(o, esp, sizeof(esp)), kb, s, pfs);
		break;
	default:
		snprintf(buf, len, "%s:%uk/%us%s", esp_part(o, esp, sizeof(esp)), kb, s, pfs);
		break;
	}
	return buf;
}

const char *
ipp_fmt_mm_offer(const struct ipp_mm_offer *o, char *buf, size_t len)
{
	snprintf(buf, len, "%s-%s-%u", ipp_cipher_name(o->cipher), ipp_hash_name(o->hash),
	    (unsigned)o->group);
	return buf;
}

const char *
ipp_fmt_proto(unsigned proto, char *buf, size_t len)
{
	const char *w = ipp_proto_word(proto, IPP_PROTO_NETSH);

	if (w != NULL)
		return w;
	snprintf(buf, len, "%u", proto);
	return buf;
}

const char *
ipp_fmt_action(enum ipp_action a)
{
	switch (a) {
	case IPP_ACTION_PERMIT:
		return "permit";
	case IPP_ACTION_BLOCK:
		return "block";
	default:
		return "negotiate";
	}
}

const char *
ipp_fmt_conntype(enum ipp_conntype c)
{
	switch (c) {
	case IPP_CONN_LAN:
		return "lan";
	case IPP_CONN_DIALUP:
		return "dialup";
	default:
		return "all";
	}
}

const char *
ipp_fmt_auth_kind(enum ipp_auth_kind k)
{
	switch (k) {
	case IPP_AUTH_PSK:
		return "psk";
	case IPP_AUTH_CERT:
		return "rootca";
	default:
		return "kerberos";
	}
}

const char *
ipp_fmt_auth_value(const struct ipp_auth *a, bool secrets)
{
	if (a->kind == IPP_AUTH_PSK && !secrets)
		return "<redacted>";
	return a->value != NULL ? a->value : "";
}

const char *
ipp_fmt_bool(bool b)
{
	return b ? "yes" : "no";
}

const char *
ipp_fmt_time(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (t == 0 || localtime_r(&t, &tm) == NULL) {
		if (len > 0)
			buf[0] = '\0';
		return buf;
	}
	strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
	return buf;
}
