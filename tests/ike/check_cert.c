/*
 * Certificate authentication, the OpenSSL side (ike/cert*.c): loading our credentials and
 * the trust store, chains to the rule's CA, expiry, CRLs, key usage, IDs, signatures.  The
 * CA and certificates are made by tests/ike/certgen.sh when the test runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/crypto.h>

#include "ike/cert.h"
#include "ike/isakmp.h"
#include "tests/ike/cert_pki.h"
#include "tests/lib/ipp_check.h"

#define ROOT_LDAP	"CN=Test Root CA, O=ipsecpol test, C=CH"
#define ROOT_X500	"C=CH, O=ipsecpol test, CN=Test Root CA"
#define OTHER		"CN=Other Root CA, O=ipsecpol test, C=CH"

static void
setup(void)
{
	pki_dir("10.0.0.1", "10.0.0.2");
}

static struct ike_certs *
load(const char *host, const char *ca, const char *crl, struct ipp_err *e)
{
	char c[64], k[64];
	struct ike_cert_conf conf = { 0 };
	struct ike_certs *cs = NULL;

	if (host != NULL) {
		snprintf(c, sizeof(c), "%s.pem", host);
		snprintf(k, sizeof(k), "%s.key", host);
		conf.cert_file = pki_path(c);
		conf.key_file = pki_path(k);
	}
	conf.ca_file = ca != NULL ? pki_path(ca) : NULL;
	conf.crl_file = crl != NULL ? pki_path(crl) : NULL;
	if (ike_certs_load(&conf, &cs, e) != 0)
		return NULL;
	return cs;
}

/* Verifies DIR/peer.pem with the trust of cs against the CA DNs given. */
static int
verify(const struct ike_certs *cs, const char *peer, const char *const *dns, size_t n,
    struct ike_cert_peer **out, struct ipp_err *e)
{
	size_t len;
	uint8_t *der = pki_der(peer, &len);
	const uint8_t *certs[1] = { der };
	int r;

	ck_assert_ptr_nonnull(der);
	r = ike_cert_peer_verify(cs, certs, &len, 1, dns, n, out, e);
	OPENSSL_free(der);
	return r;
}

START_TEST(test_load_methods)
{
	static const struct { const char *host; uint16_t m; } t[] = {
		{ "rsa-a", ISAKMP_P1_AUTH_RSA_SIG }, { "ec-a", ISAKMP_P1_AUTH_ECDSA_256 },
		{ "ec384-a", ISAKMP_P1_AUTH_ECDSA_384 },
	};
	struct ipp_err e;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct ike_certs *cs = load(t[i].host, "ca.pem", NULL, &e);
		size_t len;

		ck_assert_msg(cs != NULL, "%s: %s", t[i].host, e.msg);
		ck_assert(ike_certs_have_key(cs) && ike_certs_have_cas(cs));
		ck_assert_uint_eq(ike_certs_v1_method(cs), t[i].m);
		ck_assert_ptr_nonnull(strstr(ike_certs_subject(cs), t[i].host));
		ck_assert_int_eq(ike_cert_dn_match("C=CH, O=ipsecpol test, CN=x",
		    ike_certs_subject_der(cs, &len), len), 0);
		ike_certs_free(cs);
	}
}
END_TEST

START_TEST(test_key_mode_refused)
{
	struct ike_cert_conf conf = { 0 };
	struct ike_certs *cs = NULL;
	struct ipp_err e;

	conf.cert_file = pki_path("rsa-a.pem");
	conf.key_file = pki_path("rsa-a.key");
	ck_assert_int_eq(chmod(conf.key_file, 0640), 0);
	ck_assert_int_eq(ike_certs_load(&conf, &cs, &e), -1);
	chmod(conf.key_file, 0600);
	ck_assert_ptr_null(cs);
	ck_assert_msg(strstr(e.msg, conf.key_file) != NULL && strstr(e.msg, "0640") != NULL,
	    "%s", e.msg);
	/* 0400 is fine too. */
	ck_assert_int_eq(chmod(conf.key_file, 0400), 0);
	ck_assert_int_eq(ike_certs_load(&conf, &cs, &e), 0);
	chmod(conf.key_file, 0600);
	ike_certs_free(cs);
}
END_TEST

START_TEST(test_key_mismatch_and_pairs)
{
	struct ike_cert_conf conf = { 0 };
	struct ike_certs *cs = NULL;
	struct ipp_err e;

	conf.cert_file = pki_path("rsa-a.pem");
	conf.key_file = pki_path("rsa-b.key");
	ck_assert_int_eq(ike_certs_load(&conf, &cs, &e), -1);
	ck_assert_msg(strstr(e.msg, "not the key of the certificate") != NULL, "%s", e.msg);
	conf.key_file = NULL;
	ck_assert_int_eq(ike_certs_load(&conf, &cs, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "ike_key_file"));
	conf.cert_file = pki_path("expired.pem");
	conf.key_file = pki_path("expired.key");
	ck_assert_int_eq(ike_certs_load(&conf, &cs, &e), -1);
	ck_assert_msg(strstr(e.msg, "expired") != NULL, "%s", e.msg);
	memset(&conf, 0, sizeof(conf));
	ck_assert_int_eq(ike_certs_load(&conf, &cs, &e), 0);
	ck_assert_ptr_null(cs);
}
END_TEST

START_TEST(test_chain_ok_both_dn_orders)
{
	const char *dns[] = { OTHER, ROOT_X500 };
	struct ike_cert_peer *p = NULL;
	struct ike_certs *cs;
	struct ipp_err e;

	cs = load("rsa-a", "ca.pem", NULL, &e);
	ck_assert_msg(cs != NULL, "%s", e.msg);
	ck_assert_msg(verify(cs, "rsa-b", dns, 2, &p, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(ike_cert_peer_anchor(p), 1);
	ck_assert_uint_eq(ike_cert_peer_v1_method(p), ISAKMP_P1_AUTH_RSA_SIG);
	ck_assert_ptr_nonnull(strstr(ike_cert_peer_subject(p), "rsa-b"));
	ike_cert_peer_free(p);
	dns[1] = ROOT_LDAP;
	ck_assert_msg(verify(cs, "ec-b", dns, 2, &p, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(ike_cert_peer_v1_method(p), ISAKMP_P1_AUTH_ECDSA_256);
	ike_cert_peer_free(p);
	ike_certs_free(cs);
}
END_TEST

START_TEST(test_wrong_ca)
{
	const char *root[] = { ROOT_LDAP }, *other[] = { OTHER };
	struct ike_cert_peer *p = NULL;
	struct ike_certs *cs;
	struct ipp_err e;

	/* Issued by a CA we do not trust at all. */
	cs = load("rsa-a", "ca.pem", NULL, &e);
	ck_assert_int_eq(verify(cs, "other-a", root, 1, &p, &e), -1);
	ck_assert_ptr_null(p);
	ck_assert_msg(strstr(e.msg, "'C=CH, O=ipsecpol test, CN=other-a'") != NULL &&
	    strstr(e.msg, "wrong CA") != NULL && strstr(e.msg, "Other Root CA") != NULL,
	    "%s", e.msg);
	ike_certs_free(cs);
	/* Trusted, but not the CA this rule names; and the other way round. */
	cs = load("rsa-a", "cas.pem", NULL, &e);
	ck_assert_int_eq(verify(cs, "other-a", root, 1, &p, &e), -1);
	ck_assert_msg(strstr(e.msg, "wrong CA") != NULL && strstr(e.msg, ROOT_LDAP) != NULL,
	    "%s", e.msg);
	ck_assert_int_eq(verify(cs, "rsa-b", other, 1, &p, &e), -1);
	ck_assert_int_eq(verify(cs, "other-a", other, 1, &p, &e), 0);
	ike_cert_peer_free(p);
	ike_certs_free(cs);
}
END_TEST

START_TEST(test_expired_noku)
{
	const char *root[] = { ROOT_LDAP };
	struct ike_cert_peer *p = NULL;
	struct ike_certs *cs = load(NULL, "ca.pem", NULL, NULL);
	struct ipp_err e;

	ck_assert_ptr_nonnull(cs);
	ck_assert(!ike_certs_have_key(cs));
	ck_assert_int_eq(verify(cs, "expired", root, 1, &p, &e), -1);
	ck_assert_msg(strstr(e.msg, "CN=expired") != NULL && strstr(e.msg, "expired") != NULL,
	    "%s", e.msg);
	ck_assert_int_eq(verify(cs, "noku", root, 1, &p, &e), -1);
	ck_assert_msg(strstr(e.msg, "digitalSignature") != NULL, "%s", e.msg);
	ike_certs_free(cs);
}
END_TEST

START_TEST(test_crl)
{
	const char *root[] = { ROOT_LDAP }, *other[] = { OTHER };
	struct ike_cert_peer *p = NULL;
	struct ike_certs *cs;
	struct ipp_err e;

	/* Without CRLs a revoked certificate cannot be known. */
	cs = load(NULL, "ca.pem", NULL, &e);
	ck_assert_int_eq(verify(cs, "revoked", root, 1, &p, &e), 0);
	ike_cert_peer_free(p);
	ike_certs_free(cs);
	cs = load(NULL, "cas.pem", "crl.pem", &e);
	ck_assert_msg(cs != NULL, "%s", e.msg);
	ck_assert_int_eq(verify(cs, "revoked", root, 1, &p, &e), -1);
	ck_assert_msg(strstr(e.msg, "CN=revoked") != NULL && strstr(e.msg, "revoked (") !=
	    NULL, "%s", e.msg);
	ck_assert_int_eq(verify(cs, "rsa-b", root, 1, &p, &e), 0);
	ike_cert_peer_free(p);
	/* CRLs configured, none for the other CA: its certificates are refused. */
	ck_assert_int_eq(verify(cs, "other-a", other, 1, &p, &e), -1);
	ck_assert_msg(strstr(e.msg, "no CRL") != NULL, "%s", e.msg);
	ike_certs_free(cs);
	ck_assert_ptr_null(load(NULL, "ca.pem", "rsa-a.key", &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "ike_crl_file"));
}
END_TEST

START_TEST(test_ids)
{
	const char *root[] = { ROOT_LDAP };
	static const uint8_t a4[4] = { 10, 0, 0, 1 }, b4[4] = { 10, 0, 0, 2 };
	struct ike_cert_peer *p = NULL;
	struct ike_certs *cs = load("rsa-a", "ca.pem", NULL, NULL), *cb;
	struct ipp_err e;
	size_t len;
	const uint8_t *dn;

	ck_assert_int_eq(verify(cs, "rsa-a", root, 1, &p, &e), 0);
	dn = ike_certs_subject_der(cs, &len);
	ck_assert_int_eq(ike_cert_peer_id(p, ISAKMP_ID_DER_ASN1_DN, dn, len, &e), 0);
	ck_assert_int_eq(ike_cert_peer_id(p, ISAKMP_ID_IPV4_ADDR, a4, 4, &e), 0);
	ck_assert_int_eq(ike_cert_peer_id(p, ISAKMP_ID_IPV4_ADDR, b4, 4, &e), -1);
	ck_assert_int_eq(ike_cert_peer_id(p, ISAKMP_ID_FQDN, (const uint8_t *)"A.test", 6,
	    &e), 0);
	ck_assert_int_eq(ike_cert_peer_id(p, ISAKMP_ID_FQDN, (const uint8_t *)"b.test", 6,
	    &e), -1);
	ck_assert_msg(strstr(e.msg, "b.test") != NULL, "%s", e.msg);
	ck_assert_int_eq(ike_cert_peer_id(p, ISAKMP_ID_KEY_ID, (const uint8_t *)"k", 1, &e),
	    -1);
	cb = load("rsa-b", "ca.pem", NULL, NULL);
	dn = ike_certs_subject_der(cb, &len);
	ck_assert_int_eq(ike_cert_peer_id(p, ISAKMP_ID_DER_ASN1_DN, dn, len, &e), -1);
	ck_assert_msg(strstr(e.msg, "not the certificate's subject") != NULL, "%s", e.msg);
	ck_assert_int_eq(ike_cert_peer_id(p, ISAKMP_ID_DER_ASN1_DN, dn, len - 1, &e), -1);
	ike_certs_free(cb);
	ike_cert_peer_free(p);
	ike_certs_free(cs);
}
END_TEST

/* Our signature verifies with our certificate as the peer sees it; a changed hash or
 * signature does not. */
START_TEST(test_sign_verify)
{
	static const char *hosts[] = { "rsa-a", "ec-a", "ec384-a" };
	const char *root[] = { ROOT_LDAP };
	const char *h = hosts[_i];
	struct ike_certs *cs = load(h, "ca.pem", NULL, NULL);
	struct ike_cert_peer *p = NULL;
	uint8_t hash[32], sig[IKE_CERT_SIG_MAX];
	size_t slen = sizeof(sig);
	struct ipp_err e;

	ck_assert_ptr_nonnull(cs);
	memset(hash, 0xa5, sizeof(hash));
	ck_assert_int_eq(ike_certs_sign(cs, hash, 20, sig, &slen), 0);
	ck_assert_uint_eq(slen, _i == 0 ? 256u : _i == 1 ? 64u : 96u);
	ck_assert_int_eq(verify(cs, h, root, 1, &p, &e), 0);
	ck_assert(ike_cert_peer_check_sig(p, hash, 20, sig, slen));
	ck_assert(!ike_cert_peer_check_sig(p, hash, 19, sig, slen));
	hash[3] ^= 1;
	ck_assert(!ike_cert_peer_check_sig(p, hash, 20, sig, slen));
	hash[3] ^= 1;
	sig[slen - 1] ^= 1;
	ck_assert(!ike_cert_peer_check_sig(p, hash, 20, sig, slen));
	ck_assert(!ike_cert_peer_check_sig(p, hash, 20, sig, slen - 1));
	ck_assert(!ike_cert_peer_check_sig(p, hash, 20, sig, 0));
	ike_cert_peer_free(p);
	ike_certs_free(cs);
}
END_TEST

START_TEST(test_dn_and_certreq)
{
	struct ike_certs *cs = load(NULL, "cas.pem", NULL, NULL);
	uint8_t der[IKE_CERT_DER_MAX];
	size_t len = sizeof(der);
	struct ipp_err e;

	ck_assert_int_eq(ike_certs_ca_der(cs, "cn=test root ca;o=IPSECPOL TEST;c=ch", der, &len,
	    &e), 0);
	ck_assert_int_eq(ike_cert_dn_match(ROOT_X500, der, len), 1);
	ck_assert_int_eq(ike_cert_dn_match(" C = CH , O=\"ipsecpol test\", CN=Test Root CA ",
	    der, len), 1);
	ck_assert_int_eq(ike_cert_dn_match("CN=Test Root CA, O=ipsecpol test", der, len), 0);
	ck_assert_int_eq(ike_cert_dn_match("O=ipsecpol test, C=CH, CN=Test Root CA", der, len),
	    0);
	ck_assert_int_eq(ike_cert_dn_match(OTHER, der, len), 0);
	ck_assert_int_eq(ike_cert_dn_match(ROOT_X500, der, len - 1), 0);
	ck_assert_int_eq(ike_cert_dn_match("garbage", der, len), -1);
	ck_assert_int_eq(ike_cert_dn_match("XYZZY=1", der, len), -1);
	ck_assert_int_eq(ike_cert_dn_match("CN=\"open", der, len), -1);
	len = sizeof(der);
	ck_assert_int_eq(ike_certs_ca_der(cs, "CN=No Such CA", der, &len, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "CN=No Such CA"));
	ike_certs_free(cs);
}
END_TEST

static Suite *
cert_suite(void)
{
	Suite *s = suite_create("ike_cert");
	TCase *tc = tcase_create("cert");

	tcase_add_unchecked_fixture(tc, setup, pki_remove);
	tcase_add_test(tc, test_load_methods);
	tcase_add_test(tc, test_key_mode_refused);
	tcase_add_test(tc, test_key_mismatch_and_pairs);
	tcase_add_test(tc, test_chain_ok_both_dn_orders);
	tcase_add_test(tc, test_wrong_ca);
	tcase_add_test(tc, test_expired_noku);
	tcase_add_test(tc, test_crl);
	tcase_add_test(tc, test_ids);
	tcase_add_loop_test(tc, test_sign_verify, 0, 3);
	tcase_add_test(tc, test_dn_and_certreq);
	suite_add_tcase(s, tc);
	return s;
}

IPP_CHECK_MAIN(cert_suite)
