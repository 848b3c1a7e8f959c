/* ike_certs: our certificate and key, and the CAs and CRLs we trust, loaded once. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "ike/cert_int.h"
#include "ike/crypto.h"
#include "ike/isakmp.h"

#define CERT_FILE_MAX	(1024 * 1024)	/* a CA bundle or CRL file */
#define KEY_FILE_MAX	(64 * 1024)

/* The whole file at path (fd already open), at most max bytes.  *buf: malloc'd. */
static int
read_all(int fd, const char *what, const char *path, size_t max, uint8_t **buf, size_t *len,
    struct ipp_err *e)
{
	struct stat sb;
	ssize_t r;
	size_t off = 0;

	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode))
		return ipp_errf(e, IPP_E_INVAL, "%s %s: not a regular file", what, path);
	if ((size_t)sb.st_size > max)
		return ipp_errf(e, IPP_E_INVAL, "%s %s: larger than %zu bytes", what, path, max);
	if ((*buf = malloc((size_t)sb.st_size + 1)) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "%s %s: out of memory", what, path);
	while (off < (size_t)sb.st_size) {
		r = read(fd, *buf + off, (size_t)sb.st_size - off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			ike_wipe(*buf, off);
			free(*buf);
			*buf = NULL;
			return ipp_errf(e, IPP_E_INVAL, "%s %s: read: %s", what, path,
			    r < 0 ? strerror(errno) : "short file");
		}
		off += (size_t)r;
	}
	*len = off;
	return 0;
}

/* The key is opened without following a symbolic link: its owner and mode are checked on
 * the file itself.  CA files may be links (hashed directories are made of them). */
static int
open_file(const char *what, const char *path, bool nofollow, struct ipp_err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0));

	if (fd < 0)
		ipp_errf(e, IPP_E_INVAL, "%s %s: %s", what, path, strerror(errno));
	return fd;
}

uint16_t
ike_cert_key_method(const EVP_PKEY *key)
{
	char group[64];

	switch (EVP_PKEY_get_base_id(key)) {
	case EVP_PKEY_RSA:
		return EVP_PKEY_get_bits(key) >= 1024 ? ISAKMP_P1_AUTH_RSA_SIG : 0;
	case EVP_PKEY_EC:
		if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group,
		    sizeof(group), NULL) != 1)
			return 0;
		if (strcmp(group, "prime256v1") == 0)
			return ISAKMP_P1_AUTH_ECDSA_256;
		if (strcmp(group, "secp384r1") == 0)
			return ISAKMP_P1_AUTH_ECDSA_384;
		if (strcmp(group, "secp521r1") == 0)
			return ISAKMP_P1_AUTH_ECDSA_521;
		return 0;
	}
	return 0;
}

/* The key file must be root's alone: it is the host's identity. */
static int
load_key(struct ike_certs *cs, const char *path, struct ipp_err *e)
{
	struct stat sb;
	uint8_t *buf = NULL;
	size_t len = 0;
	BIO *b;
	int fd;

	if ((fd = open_file("ike_key_file", path, true, e)) < 0)
		return -1;
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) || sb.st_uid != 0 ||
	    (sb.st_mode & 077) != 0) {
		close(fd);
		return ipp_errf(e, IPP_E_INVAL, "ike_key_file %s: must be a regular file owned "
		    "by root with mode 0600 or 0400 (it is owned by uid %u, mode %04o): "
		    "refusing to use it", path, (unsigned)sb.st_uid,
		    (unsigned)(sb.st_mode & 07777));
	}
	if (read_all(fd, "ike_key_file", path, KEY_FILE_MAX, &buf, &len, e) != 0) {
		close(fd);
		return -1;
	}
	close(fd);
	if ((b = BIO_new_mem_buf(buf, (int)len)) != NULL) {
		cs->key = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
		BIO_free(b);
	}
	if (cs->key == NULL) {
		const unsigned char *p = buf;

		cs->key = d2i_AutoPrivateKey(NULL, &p, (long)len);
	}
	ike_wipe(buf, len);
	free(buf);
	if (cs->key == NULL)
		return ipp_errf(e, IPP_E_INVAL, "ike_key_file %s: not a PEM or DER private key "
		    "(an encrypted key is not supported: the module has no one to ask)", path);
	return 0;
}

/* Every certificate of a PEM file (or the one of a DER file) onto sk. */
static int
load_certs(const char *what, const char *path, STACK_OF(X509) *sk, struct ipp_err *e)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int fd, before = sk_X509_num(sk);
	BIO *b;
	X509 *x;

	if ((fd = open_file(what, path, false, e)) < 0)
		return -1;
	if (read_all(fd, what, path, CERT_FILE_MAX, &buf, &len, e) != 0) {
		close(fd);
		return -1;
	}
	close(fd);
	if ((b = BIO_new_mem_buf(buf, (int)len)) != NULL) {
		while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL)
			if (sk_X509_push(sk, x) <= 0)
				X509_free(x);
		BIO_free(b);
	}
	if (sk_X509_num(sk) == before) {
		const unsigned char *p = buf;

		x = d2i_X509(NULL, &p, (long)len);
		if (x != NULL && sk_X509_push(sk, x) <= 0)
			X509_free(x);
	}
	free(buf);
	ERR_clear_error();
	if (sk_X509_num(sk) == before)
		return ipp_errf(e, IPP_E_INVAL, "%s %s: no certificate in it (PEM or DER "
		    "expected)", what, path);
	return 0;
}

static int
der_of(X509 *x, uint8_t **der, size_t *len)
{
	int n = i2d_X509(x, NULL);
	unsigned char *p;

	if (n <= 0 || (*der = malloc((size_t)n)) == NULL)
		return -1;
	p = *der;
	*len = (size_t)i2d_X509(x, &p);
	return 0;
}

static int
load_own(struct ike_certs *cs, const struct ike_cert_conf *c, struct ipp_err *e)
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	const X509_NAME *subj;
	unsigned char *p;
	int n;

	if (sk == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	if (load_certs("ike_cert_file", c->cert_file, sk, e) != 0) {
		sk_X509_pop_free(sk, X509_free);
		return -1;
	}
	cs->cert = sk_X509_shift(sk);
	sk_X509_pop_free(sk, X509_free);
	subj = X509_get_subject_name(cs->cert);
	ike_cert_name_str(subj, cs->subject, sizeof(cs->subject));
	if (load_key(cs, c->key_file, e) != 0)
		return -1;
	if (X509_check_private_key(cs->cert, cs->key) != 1) {
		ERR_clear_error();
		return ipp_errf(e, IPP_E_INVAL, "ike_key_file %s: not the key of the certificate "
		    "'%s' in %s", c->key_file, cs->subject, c->cert_file);
	}
	if ((cs->method = ike_cert_key_method(cs->key)) == 0)
		return ipp_errf(e, IPP_E_INVAL, "ike_cert_file %s ('%s'): the key is neither "
		    "RSA (1024 bits or more) nor ECDSA on P-256, P-384 or P-521", c->cert_file,
		    cs->subject);
	if (X509_cmp_current_time(X509_get0_notAfter(cs->cert)) <= 0)
		return ipp_errf(e, IPP_E_INVAL, "ike_cert_file %s: the certificate '%s' has "
		    "expired", c->cert_file, cs->subject);
	if (der_of(cs->cert, &cs->der, &cs->der_len) != 0 ||
	    (n = i2d_X509_NAME(subj, NULL)) <= 0 ||
	    (cs->subject_der = malloc((size_t)n)) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	p = cs->subject_der;
	cs->subject_len = (size_t)i2d_X509_NAME(subj, &p);
	return 0;
}

/* Every regular file of dir that holds PEM certificates; others are skipped. */
static int
load_ca_dir(struct ike_certs *cs, const char *dir, struct ipp_err *e)
{
	struct dirent *de;
	char path[4096];
	struct ipp_err ignore;
	DIR *d = opendir(dir);

	if (d == NULL)
		return ipp_errf(e, IPP_E_INVAL, "ike_ca_dir %s: %s", dir, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' ||
		    snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= (int)sizeof(path))
			continue;
		load_certs("ike_ca_dir", path, cs->cas, &ignore);
	}
	closedir(d);
	return 0;
}

static int
load_trust(struct ike_certs *cs, const struct ike_cert_conf *c, struct ipp_err *e)
{
	X509_LOOKUP *lk;

	if ((cs->store = X509_STORE_new()) == NULL || (cs->cas = sk_X509_new_null()) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	if (c->ca_file != NULL && load_certs("ike_ca_file", c->ca_file, cs->cas, e) != 0)
		return -1;
	if (c->ca_dir != NULL && load_ca_dir(cs, c->ca_dir, e) != 0)
		return -1;
	if (sk_X509_num(cs->cas) == 0)
		return ipp_errf(e, IPP_E_INVAL, "ike_ca_file/ike_ca_dir: no CA certificate "
		    "found in %s%s%s", c->ca_file != NULL ? c->ca_file : "",
		    c->ca_file != NULL && c->ca_dir != NULL ? " or " : "",
		    c->ca_dir != NULL ? c->ca_dir : "");
	for (int i = 0; i < sk_X509_num(cs->cas); i++)
		X509_STORE_add_cert(cs->store, sk_X509_value(cs->cas, i));
	ERR_clear_error();
	if (c->crl_file == NULL)
		return 0;
	if ((lk = X509_STORE_add_lookup(cs->store, X509_LOOKUP_file())) == NULL ||
	    X509_load_crl_file(lk, c->crl_file, X509_FILETYPE_PEM) <= 0) {
		ERR_clear_error();
		return ipp_errf(e, IPP_E_INVAL, "ike_crl_file %s: cannot be read or holds no "
		    "PEM CRL", c->crl_file);
	}
	X509_STORE_set_flags(cs->store, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
	cs->crl = true;
	return 0;
}

int
ike_certs_load(const struct ike_cert_conf *c, struct ike_certs **out, struct ipp_err *e)
{
	struct ike_certs *cs;

	*out = NULL;
	if ((c->cert_file == NULL) != (c->key_file == NULL))
		return ipp_errf(e, IPP_E_INVAL, "%s is set but %s is not: both are needed",
		    c->cert_file != NULL ? "ike_cert_file" : "ike_key_file",
		    c->cert_file != NULL ? "ike_key_file" : "ike_cert_file");
	if (c->crl_file != NULL && c->ca_file == NULL && c->ca_dir == NULL)
		return ipp_errf(e, IPP_E_INVAL, "ike_crl_file %s: no CA to check it against "
		    "(set ike_ca_file or ike_ca_dir)", c->crl_file);
	if (c->cert_file == NULL && c->ca_file == NULL && c->ca_dir == NULL)
		return 0;
	if ((cs = calloc(1, sizeof(*cs))) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	if ((c->cert_file != NULL && load_own(cs, c, e) != 0) ||
	    ((c->ca_file != NULL || c->ca_dir != NULL) && load_trust(cs, c, e) != 0)) {
		ike_certs_free(cs);
		return -1;
	}
	*out = cs;
	return 0;
}

void
ike_certs_free(struct ike_certs *cs)
{
	if (cs == NULL)
		return;
	/* EVP_PKEY_free clears the key's numbers (OpenSSL frees them with BN_clear_free). */
	EVP_PKEY_free(cs->key);
	X509_free(cs->cert);
	free(cs->der);
	free(cs->subject_der);
	X509_STORE_free(cs->store);
	sk_X509_pop_free(cs->cas, X509_free);
	ike_wipe(cs, sizeof(*cs));
	free(cs);
}

bool
ike_certs_have_key(const struct ike_certs *cs)
{
	return cs != NULL && cs->key != NULL;
}

bool
ike_certs_have_cas(const struct ike_certs *cs)
{
	return cs != NULL && cs->store != NULL;
}

uint16_t
ike_certs_v1_method(const struct ike_certs *cs)
{
	return cs != NULL ? cs->method : 0;
}

const uint8_t *
ike_certs_der(const struct ike_certs *cs, size_t *len)
{
	*len = cs->der_len;
	return cs->der;
}

const uint8_t *
ike_certs_subject_der(const struct ike_certs *cs, size_t *len)
{
	*len = cs->subject_len;
	return cs->subject_der;
}

const char *
ike_certs_subject(const struct ike_certs *cs)
{
	return cs != NULL && cs->cert != NULL ? cs->subject : "(no certificate)";
}

/* r | s, each the order's length, from a DER ECDSA-Sig-Value. */
static int
ecdsa_raw(const EVP_PKEY *key, const uint8_t *der, size_t dlen, uint8_t *sig, size_t *slen)
{
	const unsigned char *p = der;
	ECDSA_SIG *s = d2i_ECDSA_SIG(NULL, &p, (long)dlen);
	size_t half = ((size_t)EVP_PKEY_get_bits(key) + 7) / 8;
	int r = -1;

	if (s != NULL && 2 * half <= *slen &&
	    BN_bn2binpad(ECDSA_SIG_get0_r(s), sig, (int)half) == (int)half &&
	    BN_bn2binpad(ECDSA_SIG_get0_s(s), sig + half, (int)half) == (int)half) {
		*slen = 2 * half;
		r = 0;
	}
	ECDSA_SIG_free(s);
	return r;
}

int
ike_certs_sign(const struct ike_certs *cs, const uint8_t *hash, size_t hlen, uint8_t *sig,
    size_t *slen)
{
	EVP_PKEY_CTX *ctx;
	uint8_t der[IKE_CERT_SIG_MAX];
	size_t dlen = sizeof(der);
	bool rsa;
	int r = -1;

	if (!ike_certs_have_key(cs) || (ctx = EVP_PKEY_CTX_new(cs->key, NULL)) == NULL)
		return -1;
	rsa = EVP_PKEY_get_base_id(cs->key) == EVP_PKEY_RSA;
	if (EVP_PKEY_sign_init(ctx) == 1 &&
	    (!rsa || EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1) &&
	    EVP_PKEY_sign(ctx, rsa ? sig : der, rsa ? slen : &dlen, hash, hlen) == 1)
		r = rsa ? 0 : ecdsa_raw(cs->key, der, dlen, sig, slen);
	EVP_PKEY_CTX_free(ctx);
	ERR_clear_error();
	return r;
}

int
ike_certs_ca_der(const struct ike_certs *cs, const char *dn, uint8_t *out, size_t *len,
    struct ipp_err *e)
{
	for (int i = 0; cs != NULL && cs->cas != NULL && i < sk_X509_num(cs->cas); i++) {
		const X509_NAME *n = X509_get_subject_name(sk_X509_value(cs->cas, i));
		unsigned char *p = out;
		int l;

		if (!ike_cert_name_match(dn, n))
			continue;
		if ((l = i2d_X509_NAME(n, NULL)) <= 0 || (size_t)l > *len)
			return ipp_errf(e, IPP_E_INVAL, "CA '%s': its name is too long", dn);
		*len = (size_t)i2d_X509_NAME(n, &p);
		return 0;
	}
	return ipp_errf(e, IPP_E_NOENT, "CA '%s': no such CA certificate in ike_ca_file or "
	    "ike_ca_dir", dn);
}
