/* ike_v1 payload translations: SA payloads <-> proposals, ID payloads <-> selectors. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "ike/v1.h"

void
v1_spi_put(uint8_t out[4], uint32_t spi)
{
	out[0] = (uint8_t)(spi >> 24);
	out[1] = (uint8_t)(spi >> 16);
	out[2] = (uint8_t)(spi >> 8);
	out[3] = (uint8_t)spi;
}

uint32_t
v1_spi_get(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* ---- Main Mode ---- */

static const struct {
	enum ipp_cipher	c;
	uint16_t	encr;
	uint16_t	keylen;		/* bits; 0: no key length attribute */
} mm_ciphers[] = {
	{ IPP_CIPHER_DES, ISAKMP_P1_ENCR_DES, 0 },
	{ IPP_CIPHER_3DES, ISAKMP_P1_ENCR_3DES, 0 },
	{ IPP_CIPHER_AES128, ISAKMP_P1_ENCR_AES_CBC, 128 },
	{ IPP_CIPHER_AES192, ISAKMP_P1_ENCR_AES_CBC, 192 },
	{ IPP_CIPHER_AES256, ISAKMP_P1_ENCR_AES_CBC, 256 },
};

static const struct {
	enum ipp_hash	h;
	uint16_t	p1;		/* phase 1 hash attribute */
	uint16_t	p2;		/* phase 2 authentication algorithm */
	uint8_t		ah;		/* AH transform id */
} hashes[] = {
	{ IPP_HASH_MD5, ISAKMP_P1_HASH_MD5, ISAKMP_P2_AUTH_HMAC_MD5, ISAKMP_AH_MD5 },
	{ IPP_HASH_SHA1, ISAKMP_P1_HASH_SHA, ISAKMP_P2_AUTH_HMAC_SHA, ISAKMP_AH_SHA },
	{ IPP_HASH_SHA256, ISAKMP_P1_HASH_SHA2_256, ISAKMP_P2_AUTH_HMAC_SHA2_256,
	    ISAKMP_AH_SHA2_256 },
	{ IPP_HASH_SHA384, ISAKMP_P1_HASH_SHA2_384, ISAKMP_P2_AUTH_HMAC_SHA2_384,
	    ISAKMP_AH_SHA2_384 },
	{ IPP_HASH_SHA512, ISAKMP_P1_HASH_SHA2_512, ISAKMP_P2_AUTH_HMAC_SHA2_512,
	    ISAKMP_AH_SHA2_512 },
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static int
hash_index(enum ipp_hash h)
{
	for (size_t i = 0; i < NELEM(hashes); i++)
		if (hashes[i].h == h)
			return (int)i;
	return -1;
}

int
v1_sa_put_mm(struct isakmp_buf *b, const struct ipp_mm_offer *o, size_t n,
    uint16_t auth_method, uint32_t life_s)
{
	isakmp_sa_begin(b, ISAKMP_DOI_IPSEC, ISAKMP_SIT_IDENTITY_ONLY);
	isakmp_prop_begin(b, 1, ISAKMP_PROTO_ISAKMP, NULL, 0);
	for (size_t i = 0; i < n && i < 255; i++) {
		size_t c;
		int h = hash_index(o[i].hash);

		for (c = 0; c < NELEM(mm_ciphers); c++)
			if (mm_ciphers[c].c == o[i].cipher)
				break;
		if (c == NELEM(mm_ciphers) || h < 0)
			continue;	/* validation keeps these out of plans */
		isakmp_xform_begin(b, (uint8_t)(i + 1), ISAKMP_KEY_IKE);
		isakmp_attr_put(b, ISAKMP_P1_ENCR, mm_ciphers[c].encr);
		if (mm_ciphers[c].keylen != 0)
			isakmp_attr_put(b, ISAKMP_P1_KEY_LEN, mm_ciphers[c].keylen);
		isakmp_attr_put(b, ISAKMP_P1_HASH, hashes[h].p1);
		isakmp_attr_put(b, ISAKMP_P1_AUTH, auth_method);
		isakmp_attr_put(b, ISAKMP_P1_GROUP, o[i].group);
		isakmp_attr_put(b, ISAKMP_P1_LIFE_TYPE, ISAKMP_LIFE_SECONDS);
		isakmp_attr_put(b, ISAKMP_P1_LIFE_DURATION, life_s);
		isakmp_xform_end(b);
	}
	isakmp_prop_end(b);
	return isakmp_sa_end(b);
}

static int
mm_cipher(uint64_t encr, uint64_t keylen, enum ipp_cipher *c)
{
	for (size_t i = 0; i < NELEM(mm_ciphers); i++)
		if (mm_ciphers[i].encr == encr && mm_ciphers[i].keylen == keylen) {
			*c = mm_ciphers[i].c;
			return 0;
		}
	return -1;
}

static int
mm_auth(uint64_t v, enum ipp_auth_kind *k)
{
	switch (v) {
	case ISAKMP_P1_AUTH_PSK:
		*k = IPP_AUTH_PSK;
		return 0;
	case ISAKMP_P1_AUTH_RSA_SIG:
	case ISAKMP_P1_AUTH_ECDSA_256:
	case ISAKMP_P1_AUTH_ECDSA_384:
	case ISAKMP_P1_AUTH_ECDSA_521:
		*k = IPP_AUTH_CERT;
		return 0;
	case ISAKMP_P1_AUTH_GSSAPI_KRB:
		*k = IPP_AUTH_KERBEROS;
		return 0;
	}
	return -1;
}

int
v1_mm_xform(const struct isakmp_xform *x, struct ike_mm_prop *p)
{
	struct isakmp_iter it;
	struct isakmp_attr a;
	uint64_t encr = 0, keylen = 0, hash = 0, auth = 0, v, life_type = 0;
	bool have_auth = false;

	memset(p, 0, sizeof(*p));
	if (x->id != ISAKMP_KEY_IKE)
		return -1;
	isakmp_xform_attrs(x, &it);
	while (isakmp_attr_next(&it, &a)) {
		if (isakmp_attr_uint(&a, &v) != 0)
			return -1;
		switch (a.type) {
		case ISAKMP_P1_ENCR:
			encr = v;
			break;
		case ISAKMP_P1_KEY_LEN:
			keylen = v;
			break;
		case ISAKMP_P1_HASH:
			hash = v;
			break;
		case ISAKMP_P1_AUTH:
			auth = v;
			have_auth = true;
			p->auth_method = v <= 0xffff ? (uint16_t)v : 0;
			break;
		case ISAKMP_P1_GROUP:
			if (v > 0xffff)
				return -1;
			p->group = (ipp_dhgroup)v;
			break;
		case ISAKMP_P1_LIFE_TYPE:
			life_type = v;
			break;
		case ISAKMP_P1_LIFE_DURATION:
			/* Kilobytes have no meaning for a Main Mode SA here: accepted, unused. */
			if (life_type == ISAKMP_LIFE_SECONDS)
				p->life_s = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
			else if (life_type != ISAKMP_LIFE_KILOBYTES)
				return -1;
			break;
		default:
			return -1;	/* PRF, custom groups: not supported */
		}
	}
	if (mm_cipher(encr, keylen, &p->cipher) != 0 || !have_auth ||
	    mm_auth(auth, &p->auth) != 0)
		return -1;
	for (size_t i = 0; i < NELEM(hashes); i++)
		if (hashes[i].p1 == hash)
			p->hash = hashes[i].h;
	return p->hash == IPP_HASH_NONE || p->group == 0 ? -1 : 0;
}

/* ---- Quick Mode ---- */

static const struct {
	enum ipp_cipher	c;
	uint8_t		id;
	uint16_t	keylen;
} esp_ciphers[] = {
	{ IPP_CIPHER_NONE, ISAKMP_ESP_NULL, 0 },
	{ IPP_CIPHER_DES, ISAKMP_ESP_DES, 0 },
	{ IPP_CIPHER_3DES, ISAKMP_ESP_3DES, 0 },
	{ IPP_CIPHER_AES128, ISAKMP_ESP_AES_CBC, 128 },
	{ IPP_CIPHER_AES192, ISAKMP_ESP_AES_CBC, 192 },
	{ IPP_CIPHER_AES256, ISAKMP_ESP_AES_CBC, 256 },
	{ IPP_CIPHER_AES128GCM16, ISAKMP_ESP_AES_GCM_16, 128 },
	{ IPP_CIPHER_AES256GCM16, ISAKMP_ESP_AES_GCM_16, 256 },
};

static void
put_qm_attrs(struct isakmp_buf *b, const struct ike_qm_prop *pr, const struct ike_qm_proto *q,
    uint16_t keylen)
{
	int h = hash_index(q->auth);

	isakmp_attr_put(b, ISAKMP_P2_LIFE_TYPE, ISAKMP_LIFE_SECONDS);
	isakmp_attr_put(b, ISAKMP_P2_LIFE_DURATION, pr->life_s);
	isakmp_attr_put(b, ISAKMP_P2_LIFE_TYPE, ISAKMP_LIFE_KILOBYTES);
	isakmp_attr_put(b, ISAKMP_P2_LIFE_DURATION, pr->life_kb);
	if (pr->pfs_group != 0)
		isakmp_attr_put(b, ISAKMP_P2_GROUP, pr->pfs_group);
	isakmp_attr_put(b, ISAKMP_P2_ENCAP, pr->mode == XFRM_MODE_TUNNEL ?
	    ISAKMP_ENCAP_TUNNEL : ISAKMP_ENCAP_TRANSPORT);
	if (h >= 0)
		isakmp_attr_put(b, ISAKMP_P2_AUTH, hashes[h].p2);
	if (keylen != 0)
		isakmp_attr_put(b, ISAKMP_P2_KEY_LEN, keylen);
}

static int
put_qm_proto(struct isakmp_buf *b, uint8_t num, const struct ike_qm_prop *pr,
    const struct ike_qm_proto *q, uint32_t spi)
{
	uint8_t spib[4];
	uint8_t id = 0;
	uint16_t keylen = 0;

	v1_spi_put(spib, spi);
	if (q->proto == IPPROTO_ESP) {
		for (size_t c = 0; c < NELEM(esp_ciphers); c++)
			if (esp_ciphers[c].c == q->cipher) {
				id = esp_ciphers[c].id;
				keylen = esp_ciphers[c].keylen;
			}
	} else {
		int h = hash_index(q->auth);

		if (h >= 0)
			id = hashes[h].ah;
	}
	if (id == 0)
		return -1;
	isakmp_prop_begin(b, num, q->proto == IPPROTO_ESP ? ISAKMP_PROTO_ESP : ISAKMP_PROTO_AH,
	    spib, 4);
	isakmp_xform_begin(b, 1, id);
	put_qm_attrs(b, pr, q, keylen);
	isakmp_xform_end(b);
	return isakmp_prop_end(b);
}

int
v1_sa_put_qm(struct isakmp_buf *b, const struct ike_qm_prop *props, size_t n)
{
	isakmp_sa_begin(b, ISAKMP_DOI_IPSEC, ISAKMP_SIT_IDENTITY_ONLY);
	for (size_t i = 0; i < n && i < 255; i++)
		for (size_t j = 0; j < props[i].nproto; j++)
			put_qm_proto(b, (uint8_t)(i + 1), &props[i], &props[i].p[j],
			    props[i].p[j].spi);
	return isakmp_sa_end(b);
}

int
v1_sa_put_qm_reply(struct isakmp_buf *b, const struct v1_qm_alt *alt, const uint32_t *our_spi)
{
	isakmp_sa_begin(b, ISAKMP_DOI_IPSEC, ISAKMP_SIT_IDENTITY_ONLY);
	for (size_t j = 0; j < alt->prop.nproto; j++) {
		struct isakmp_iter it;
		struct isakmp_attr a;
		uint8_t spib[4];

		v1_spi_put(spib, our_spi[j]);
		isakmp_prop_begin(b, alt->num, alt->prop.p[j].proto == IPPROTO_ESP ?
		    ISAKMP_PROTO_ESP : ISAKMP_PROTO_AH, spib, 4);
		isakmp_xform_begin(b, alt->xf[j].num, alt->xf[j].id);
		isakmp_xform_attrs(&alt->xf[j], &it);
		while (isakmp_attr_next(&it, &a))
			isakmp_attr_copy(b, &a);
		isakmp_xform_end(b);
		isakmp_prop_end(b);
	}
	return isakmp_sa_end(b);
}

/* One transform of protocol proto into q and the shared fields of pr; -1 if not usable. */
static int
qm_xform(const struct isakmp_xform *x, uint8_t proto, struct ike_qm_prop *pr,
    struct ike_qm_proto *q)
{
	struct isakmp_iter it;
	struct isakmp_attr a;
	uint64_t v, life_type = 0, keylen = 0, auth = 0, encap = 0;
	bool found = false;

	memset(q, 0, sizeof(*q));
	isakmp_xform_attrs(x, &it);
	while (isakmp_attr_next(&it, &a)) {
		if (isakmp_attr_uint(&a, &v) != 0)
			return -1;
		switch (a.type) {
		case ISAKMP_P2_LIFE_TYPE:
			life_type = v;
			break;
		case ISAKMP_P2_LIFE_DURATION:
			v = v > UINT32_MAX ? UINT32_MAX : v;
			if (life_type == ISAKMP_LIFE_SECONDS)
				pr->life_s = (uint32_t)v;
			else if (life_type == ISAKMP_LIFE_KILOBYTES)
				pr->life_kb = (uint32_t)v;
			else
				return -1;
			break;
		case ISAKMP_P2_GROUP:
			if (v == 0 || v > 0xffff)
				return -1;
			pr->pfs_group = (ipp_dhgroup)v;
			break;
		case ISAKMP_P2_ENCAP:
			encap = v;
			break;
		case ISAKMP_P2_AUTH:
			auth = v;
			break;
		case ISAKMP_P2_KEY_LEN:
			keylen = v;
			break;
		default:
			return -1;	/* ESN, ECN, compression: not negotiated here */
		}
	}
	if (encap == ISAKMP_ENCAP_TUNNEL)
		pr->mode = XFRM_MODE_TUNNEL;
	else if (encap == ISAKMP_ENCAP_TRANSPORT)
		pr->mode = XFRM_MODE_TRANSPORT;
	else
		return -1;	/* UDP encapsulation (NAT-T) is not supported yet */
	q->proto = proto;
	q->auth = IPP_HASH_NONE;
	if (auth != 0) {
		for (size_t i = 0; i < NELEM(hashes); i++)
			if (hashes[i].p2 == auth)
				q->auth = hashes[i].h;
		if (q->auth == IPP_HASH_NONE)
			return -1;
	}
	if (proto == IPPROTO_AH) {
		int h = hash_index(q->auth);

		/* The transform id names the hash; the attribute must agree (RFC 2407 4.5). */
		return h >= 0 && hashes[h].ah == x->id && keylen == 0 ? 0 : -1;
	}
	for (size_t c = 0; c < NELEM(esp_ciphers); c++)
		if (esp_ciphers[c].id == x->id && esp_ciphers[c].keylen ==
		    (x->id == ISAKMP_ESP_AES_CBC && keylen == 0 ? 128 : keylen)) {
			q->cipher = esp_ciphers[c].c;
			found = true;
		}
	if (!found)
		return -1;
	if (ipp_cipher_is_aead(q->cipher) != (q->auth == IPP_HASH_NONE))
		return -1;
	return 0;
}

static uint8_t
kernel_proto(uint8_t p)
{
	return p == ISAKMP_PROTO_ESP ? IPPROTO_ESP : p == ISAKMP_PROTO_AH ? IPPROTO_AH : 0;
}

/* Adds the alternatives of one proposal bundle (props[0..np), same number). */
static void
add_bundle(const struct isakmp_prop *props, size_t np, struct v1_qm_alt *alts, size_t max,
    size_t *n)
{
	struct isakmp_iter it0, it1;
	struct isakmp_xform x0, x1;

	if (np > 2)
		return;
	isakmp_prop_xforms(&props[0], &it0);
	while (isakmp_xform_next(&it0, &x0) && *n < max) {
		bool more = true;

		if (np == 2)
			isakmp_prop_xforms(&props[1], &it1);
		while (more && *n < max) {
			struct v1_qm_alt *a = &alts[*n];
			struct ike_qm_prop p1;

			memset(a, 0, sizeof(*a));
			a->num = props[0].num;
			a->xf[0] = x0;
			a->prop.nproto = np;
			a->ok = props[0].spi_len == 4 &&
			    qm_xform(&x0, kernel_proto(props[0].proto), &a->prop,
			    &a->prop.p[0]) == 0;
			a->prop.p[0].spi = props[0].spi_len == 4 ? v1_spi_get(props[0].spi) : 0;
			if (np == 2) {
				if (!isakmp_xform_next(&it1, &x1))
					break;
				a->xf[1] = x1;
				memset(&p1, 0, sizeof(p1));
				if (props[1].spi_len != 4 || qm_xform(&x1,
				    kernel_proto(props[1].proto), &p1, &a->prop.p[1]) != 0 ||
				    p1.mode != a->prop.mode || p1.pfs_group != a->prop.pfs_group)
					a->ok = false;
				a->prop.p[1].spi = props[1].spi_len == 4 ?
				    v1_spi_get(props[1].spi) : 0;
			} else
				more = false;
			/* Our order for bundles is ESP then AH. */
			if (np == 2 && a->prop.p[0].proto == IPPROTO_AH) {
				struct ike_qm_proto t = a->prop.p[0];
				struct isakmp_xform tx = a->xf[0];

				a->prop.p[0] = a->prop.p[1];
				a->prop.p[1] = t;
				a->xf[0] = a->xf[1];
				a->xf[1] = tx;
			}
			(*n)++;
		}
	}
}

int
v1_qm_alts(const struct isakmp_sa *sa, struct v1_qm_alt *alts, size_t max, size_t *n)
{
	struct isakmp_iter it;
	struct isakmp_prop p, bundle[3];
	size_t nb = 0;

	*n = 0;
	isakmp_sa_props(sa, &it);
	while (isakmp_prop_next(&it, &p)) {
		if (kernel_proto(p.proto) == 0)
			continue;	/* IPComp is not negotiated */
		if (nb > 0 && bundle[0].num != p.num) {
			add_bundle(bundle, nb, alts, max, n);
			nb = 0;
		}
		if (nb < 3)
			bundle[nb++] = p;
	}
	if (nb > 0)
		add_bundle(bundle, nb, alts, max, n);
	return *n > 0 ? 0 : -1;
}

/* ---- identities ---- */

int
v1_ts_from_id(const struct isakmp_id *id, struct ike_ts *ts)
{
	size_t alen;

	memset(ts, 0, sizeof(*ts));
	if (id->af != AF_INET && id->af != AF_INET6)
		return -1;
	alen = id->af == AF_INET ? 4 : 16;
	ts->family = (uint16_t)id->af;
	ts->proto = id->proto;
	ts->port = id->port;
	memcpy(&ts->addr, id->addr, alen);
	switch (id->type) {
	case ISAKMP_ID_IPV4_ADDR:
	case ISAKMP_ID_IPV6_ADDR:
		ts->prefix = (uint8_t)(alen * 8);
		return 0;
	case ISAKMP_ID_IPV4_ADDR_SUBNET:
	case ISAKMP_ID_IPV6_ADDR_SUBNET:
		ts->prefix = id->prefix;
		break;
	case ISAKMP_ID_IPV4_ADDR_RANGE:
	case ISAKMP_ID_IPV6_ADDR_RANGE: {
		/* Only a range that is exactly one prefix maps to a kernel selector. */
		uint8_t pfx = 0;
		size_t i;

		for (i = 0; i < alen * 8; i++) {
			unsigned bit = 0x80u >> (i % 8);

			if ((id->addr[i / 8] & bit) != (id->addr2[i / 8] & bit))
				break;
			pfx++;
		}
		for (; i < alen * 8; i++) {
			unsigned bit = 0x80u >> (i % 8);

			if ((id->addr[i / 8] & bit) != 0 || (id->addr2[i / 8] & bit) == 0)
				return -1;
		}
		ts->prefix = pfx;
		break;
	}
	default:
		return -1;
	}
	/* Host bits below the prefix must be clear, as the kernel requires. */
	for (size_t i = ts->prefix; i < alen * 8; i++)
		if (((const uint8_t *)&ts->addr)[i / 8] & (0x80u >> (i % 8)))
			return -1;
	return 0;
}

void
v1_id_from_ts(const struct ike_ts *ts, struct isakmp_id *id, uint8_t *data)
{
	size_t alen = ts->family == AF_INET6 ? 16 : 4;

	memset(id, 0, sizeof(*id));
	id->proto = ts->proto;
	id->port = ts->port;
	id->data = data;
	memcpy(data, &ts->addr, alen);
	if (ts->prefix == alen * 8) {
		id->type = alen == 4 ? ISAKMP_ID_IPV4_ADDR : ISAKMP_ID_IPV6_ADDR;
		id->len = alen;
		return;
	}
	id->type = alen == 4 ? ISAKMP_ID_IPV4_ADDR_SUBNET : ISAKMP_ID_IPV6_ADDR_SUBNET;
	memset(data + alen, 0, alen);
	for (size_t i = 0; i < ts->prefix; i++)
		data[alen + i / 8] |= (uint8_t)(0x80u >> (i % 8));
	id->len = 2 * alen;
}

void
v1_ts_host(const struct sockaddr_storage *ss, struct ike_ts *ts)
{
	memset(ts, 0, sizeof(*ts));
	ts->family = ss->ss_family;
	if (ss->ss_family == AF_INET6) {
		memcpy(&ts->addr, &((const struct sockaddr_in6 *)(const void *)ss)->sin6_addr, 16);
		ts->prefix = 128;
	} else {
		memcpy(&ts->addr, &((const struct sockaddr_in *)(const void *)ss)->sin_addr, 4);
		ts->prefix = 32;
	}
}

const char *
v1_ts_str(const struct ike_ts *ts, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "?";

	inet_ntop(ts->family, &ts->addr, a, sizeof(a));
	snprintf(buf, len, "%s/%u proto %u port %u", a, ts->prefix, ts->proto, ts->port);
	return buf;
}
