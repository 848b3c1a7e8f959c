/*
 * agent_dir_tls_explain: why an ldaps:// directory's certificate was refused.
 *
 * libldap says only "Can't contact LDAP server" when an ldaps:// handshake fails (the
 * TLS library's reason is lost), which reads like a dead server.  This redoes the
 * handshake alone, with GnuTLS (libldap's own TLS library on Debian, so no second TLS
 * stack is loaded), the same CA file and the same host check, bounded by the network
 * timeout, and says why the server's certificate was refused, if it was.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#include <gnutls/gnutls.h>
#include <ldap.h>

#include "agent/source.h"

/* A connected socket to host:port within ms, or -1. */
static int
tls_connect(const char *host, const char *port, int ms)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
	struct pollfd p = { .events = POLLOUT };
	int fd = -1, err = 0;
	socklen_t len = sizeof(err);

	if (getaddrinfo(host, port, &hints, &res) != 0)
		return -1;
	for (struct addrinfo *ai = res; ai != NULL && fd == -1; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    ai->ai_protocol)) == -1)
			continue;
		p.fd = fd;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 || (errno == EINPROGRESS &&
		    poll(&p, 1, ms) == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err,
		    &len) == 0 && err == 0))
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	/* The handshake below blocks, bounded by its own timeout. */
	if (fd != -1)
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

/* The handshake's verification status, or 0 when it did not get that far. */
static unsigned int
tls_status(int fd, const char *host, const char *ca_file, int ms)
{
	gnutls_certificate_credentials_t cred = NULL;
	gnutls_session_t ses = NULL;
	unsigned int status = 0;
	int rc;

	if (gnutls_certificate_allocate_credentials(&cred) < 0)
		return 0;
	rc = ca_file != NULL ?
	    gnutls_certificate_set_x509_trust_file(cred, ca_file, GNUTLS_X509_FMT_PEM) :
	    gnutls_certificate_set_x509_system_trust(cred);
	if (rc >= 0 && gnutls_init(&ses, GNUTLS_CLIENT) == 0 &&
	    gnutls_server_name_set(ses, GNUTLS_NAME_DNS, host, strlen(host)) == 0 &&
	    gnutls_set_default_priority(ses) == 0 &&
	    gnutls_credentials_set(ses, GNUTLS_CRD_CERTIFICATE, cred) == 0) {
		gnutls_session_set_verify_cert(ses, host, 0);
		gnutls_transport_set_int(ses, fd);
		gnutls_handshake_set_timeout(ses, (unsigned int)ms);
		do
			rc = gnutls_handshake(ses);
		while (rc < 0 && gnutls_error_is_fatal(rc) == 0);
		if (rc == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR)
			status = gnutls_session_get_verify_cert_status(ses);
	}
	if (ses != NULL)
		gnutls_deinit(ses);
	gnutls_certificate_free_credentials(cred);
	return status;
}

void
agent_dir_tls_explain(const struct ipp_dir_config *c, struct ipp_err *e)
{
	LDAPURLDesc *lud = NULL;
	gnutls_datum_t why = { 0 };
	char port[16], msg[sizeof(e->msg)];
	int ms = (c->net_timeout_s > 0 ? c->net_timeout_s : 10) * 1000, fd;
	unsigned int status = 0;

	if (strncasecmp(c->uri, "ldaps://", 8) != 0 ||
	    ldap_url_parse(c->uri, &lud) != LDAP_URL_SUCCESS || lud->lud_host == NULL ||
	    *lud->lud_host == '\0')
		goto done;
	snprintf(port, sizeof(port), "%d", lud->lud_port ? lud->lud_port : 636);
	if ((fd = tls_connect(lud->lud_host, port, ms)) == -1)
		goto done;
	status = tls_status(fd, lud->lud_host, c->ca_file, ms);
	close(fd);
	if (status == 0 ||
	    gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &why, 0) < 0)
		goto done;
	/* GnuTLS ends its sentences with a blank. */
	while (why.size > 0 && why.data[why.size - 1] == ' ')
		why.size--;
	snprintf(msg, sizeof(msg), "%s", e->msg);
	ipp_errf(e, IPP_E_STORE, "TLS: the certificate of %s:%s does not verify against %s%s: "
	    "%.*s (%s)", lud->lud_host, port, c->ca_file ? "ldap_ca_file " : "the system's CAs",
	    c->ca_file ? c->ca_file : "", (int)why.size, (const char *)why.data, msg);
	gnutls_free(why.data);
done:
	if (lud != NULL)
		ldap_free_urldesc(lud);
}
