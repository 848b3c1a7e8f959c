/*
 * agent_source_fetch: one fetch of this host's policy from the directory.
 *
 * libldap's own timeouts do not cover every way a server can hang (a stopped slapd
 * accepts the TCP connection and then says nothing; a TLS handshake can stall), so the
 * fetch runs in a child process that the agent kills when it runs past ldap_timeout.
 * The child hands its result back over a pipe in the cache's own format, which the agent
 * reads with the same verifying parser it uses for the cache file.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include <ldap.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "agent/source.h"
#include "store/ldap.h"
#include "store/store.h"

#define REPLY_FOUND	"found\n"

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------------------ child */

/*
 * libldap says only "Can't contact LDAP server" when an ldaps:// handshake fails (the
 * TLS library's reason is lost), which reads like a dead server.  Redo the handshake
 * alone with OpenSSL, with the same CA file and host check, and say why the server's
 * certificate was refused, if it was.
 */
static void
tls_explain(const struct agent_conf *c, struct ipp_err *e)
{
	LDAPURLDesc *lud = NULL;
	SSL_CTX *ctx = NULL;
	BIO *bio = NULL;
	SSL *ssl = NULL;
	char target[300];
	long vr;

	if (strncasecmp(c->ldap_uri, "ldaps://", 8) != 0 ||
	    ldap_url_parse(c->ldap_uri, &lud) != LDAP_URL_SUCCESS || lud->lud_host == NULL)
		goto done;
	snprintf(target, sizeof(target), "%s:%d", lud->lud_host,
	    lud->lud_port ? lud->lud_port : 636);
	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL ||
	    (c->ldap_ca_file != NULL ?
	    SSL_CTX_load_verify_locations(ctx, c->ldap_ca_file, NULL) :
	    SSL_CTX_set_default_verify_paths(ctx)) != 1 ||
	    (bio = BIO_new_ssl_connect(ctx)) == NULL)
		goto done;
	BIO_get_ssl(bio, &ssl);
	if (ssl == NULL || BIO_set_conn_hostname(bio, target) != 1 ||
	    SSL_set1_host(ssl, lud->lud_host) != 1)
		goto done;
	/* Verification runs in the handshake; its result is kept whatever the outcome. */
	if (BIO_do_connect(bio) == 1)
		BIO_do_handshake(bio);
	if ((vr = SSL_get_verify_result(ssl)) != X509_V_OK) {
		char msg[sizeof(e->msg)];

		snprintf(msg, sizeof(msg), "%s", e->msg);
		ipp_errf(e, IPP_E_STORE, "TLS: the certificate of %s does not verify against "
		    "%s%s: %s (%s)", target, c->ldap_ca_file ? "ldap_ca_file " : "the system's CAs",
		    c->ldap_ca_file ? c->ldap_ca_file : "", X509_verify_cert_error_string(vr), msg);
	}
done:
	BIO_free_all(bio);
	SSL_CTX_free(ctx);
	if (lud != NULL)
		ldap_free_urldesc(lud);
}

/*
 * The LDAP part: bind as configured, find the policy assigned to host (its entry, then
 * the nearest OU up to the base), load the whole tree.  1 found, 0 none, -1 with e.
 */
static int
dir_fetch(const struct agent_conf *c, const char *host, struct ipp_policy_tree *t,
    char **dn, struct ipp_err *e)
{
	struct ipp_dir_config cfg;
	struct ipp_store_opts o = { .flags = IPP_STORE_RDONLY };
	struct ipp_dir_assignment as = { 0 };
	struct ipp_store *st;
	bool by_dn = strchr(host, '=') != NULL;
	char pw[AGENT_SECRET_MAX];
	int rc;

	/* The agent's rule for the password file is stricter than the store's: root's. */
	if (c->ldap_bind == AGENT_BIND_SIMPLE) {
		rc = agent_conf_password(c, pw, sizeof(pw), e);
		explicit_bzero(pw, sizeof(pw));
		if (rc < 0)
			return -1;
	}
	if (agent_conf_dir(c, &cfg, e) < 0)
		return -1;
	if (ipp_store_open_directory(&st, &cfg, &o, e) < 0) {
		tls_explain(c, e);
		return -1;
	}
	rc = ipp_dir_resolve(st, by_dn ? host : NULL, by_dn ? NULL : host, &as, e);
	if (rc < 0 && e->code == IPP_E_NOENT) {
		/* Not a member of the directory: as a host outside the domain on Windows. */
		ipp_store_close(st);
		return 0;
	}
	if (rc == 0 && as.level != IPP_DIR_NONE) {
		if (ipp_store_policy_get(st, as.policy_guid, t, e) < 0 ||
		    ipp_policy_tree_validate(t, e) < 0)
			rc = ipp_err_prefix(e, "policy %s assigned by %s", as.policy_dn,
			    as.from_dn);
		else if ((*dn = strdup(as.policy_dn)) == NULL)
			rc = ipp_errf(e, IPP_E_NOMEM, "out of memory");
		else
			rc = 1;
		if (rc < 0)
			ipp_policy_tree_clear(t);
	}
	ipp_dir_assignment_clear(&as);
	ipp_store_close(st);
	return rc;
}

/* "none" or "error" and a quoted message. */
static void
child_reply(int fd, const char *what, const char *msg)
{
	struct cache_buf b = { 0 };

	cache_buf_printf(&b, "%s ", what);
	cache_buf_quote(&b, msg);
	cache_buf_add(&b, "\n", 1);
	if (!b.oom)
		cache_buf_write(fd, &b);
	cache_buf_free(&b);
}

static void
child_found(int fd, const struct cache_meta *m, const struct cache_buf *text)
{
	if (cache_write_text(fd, REPLY_FOUND, m, text) < 0 && errno == ENOMEM)
		child_reply(fd, "error", "out of memory formatting the fetched policy");
}

static void
child_fetch(const struct agent_conf *c, int fd)
{
	struct ipp_policy_tree t = { 0 };
	struct cache_meta m = { 0 };
	struct cache_buf text = { 0 };
	struct ipp_err e = { 0 };
	char host[256], msg[1024];
	int rc;

	agent_conf_host(c, host, sizeof(host));
	rc = dir_fetch(c, host, &t, &m.policy_dn, &e);
	if (rc < 0) {
		child_reply(fd, "error", e.msg);
		return;
	}
	if (rc == 0) {
		snprintf(msg, sizeof(msg), "directory %.300s answers but assigns no policy to "
		    "host %.128s (not to its entry, its OUs or the base): the local policy applies",
		    c->ldap_uri, host);
		child_reply(fd, "none", msg);
		return;
	}
	m.uri = c->ldap_uri;
	m.host = host;
	m.fetched = (int64_t)time(NULL);
	/* One canonical text serves the digest and the reply. */
	cache_tree_encode(&text, &t);
	ipp_policy_tree_clear(&t);
	if (cache_text_digest(&text, m.digest) < 0)
		child_reply(fd, "error", "out of memory hashing the fetched policy");
	else
		child_found(fd, &m, &text);
	cache_buf_free(&text);
	free(m.policy_dn);
}

/* ------------------------------------------------------------------ parent */

/*
 * The child's reply is read straight into one reserved mapping of the largest size it
 * may have: no growing, no copy, and only the pages the reply fills are touched.  The
 * parser then works on it in place.
 */
struct reply {
	char	*p;
	size_t	len, cap;
	bool	big;	/* larger than CACHE_FILE_MAX */
};

#define REPLY_MAX	(CACHE_FILE_MAX + 4096)

static int
reply_map(struct reply *r)
{
	memset(r, 0, sizeof(*r));
	r->cap = REPLY_MAX + 1;	/* and a NUL */
	r->p = mmap(NULL, r->cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS |
	    MAP_NORESERVE, -1, 0);
	return r->p == MAP_FAILED ? (r->p = NULL, -1) : 0;
}

static void
reply_unmap(struct reply *r)
{
	if (r->p == NULL)
		return;
	explicit_bzero(r->p, r->len);
	munmap(r->p, r->cap);
	r->p = NULL;
}

/* Reads the child's whole reply until EOF or the deadline.  0, or -1 on timeout. */
static int
read_reply(int fd, uint64_t deadline, struct reply *r)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint64_t now;
	ssize_t n;

	for (;;) {
		if ((now = now_ms()) >= deadline)
			return -1;
		if (poll(&p, 1, (int)(deadline - now)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (p.revents == 0)
			continue;
		/* One byte more than allowed tells a reply that is too large. */
		n = read(fd, r->p + r->len, REPLY_MAX + 1 - r->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		r->len += (size_t)n;
		if (r->len > REPLY_MAX) {
			r->big = true;
			break;
		}
	}
	r->p[r->len] = '\0';
	return 0;
}

static int
parse_reply(const struct agent_conf *c, struct reply *r, struct ipp_policy_tree *t,
    struct cache_meta *m, char *why, size_t len)
{
	size_t flen = strlen(REPLY_FOUND);
	struct cache_line l;
	struct ipp_err e;
	char *nl;

	if (r->len >= flen && memcmp(r->p, REPLY_FOUND, flen) == 0) {
		if (cache_parse_buf(r->p + flen, r->len - flen, m, t, &e) < 0)
			return snprintf(why, len, "the policy fetched from %.200s is refused: %s",
			    c->ldap_uri, e.msg), -1;
		return 1;
	}
	if (r->len == 0 || (nl = memchr(r->p, '\n', r->len)) == NULL)
		return snprintf(why, len, "the fetch from %.200s ended without an answer",
		    c->ldap_uri), -1;
	*nl = '\0';
	if (cache_line_split(r->p, 1, &l, &e) < 0 || l.n != 2 || !l.quoted[1] ||
	    (strcmp(l.f[0], "none") != 0 && strcmp(l.f[0], "error") != 0))
		return snprintf(why, len, "the fetch from %.200s gave a malformed answer",
		    c->ldap_uri), -1;
	snprintf(why, len, "%s", l.f[1]);
	return strcmp(l.f[0], "none") == 0 ? 0 : -1;
}

int
agent_source_fetch(const struct agent_conf *c, struct ipp_policy_tree *t,
    struct cache_meta *m, char *why, size_t len)
{
	struct reply b;
	uint64_t deadline;
	int fds[2], status, rc;
	pid_t pid;

	memset(t, 0, sizeof(*t));
	memset(m, 0, sizeof(*m));
	if (reply_map(&b) < 0)
		return snprintf(why, len, "cannot map room for the fetch's answer: %s",
		    strerror(errno)), -1;
	if (pipe2(fds, O_CLOEXEC) < 0) {
		reply_unmap(&b);
		return snprintf(why, len, "cannot make a pipe: %s", strerror(errno)), -1;
	}
	deadline = now_ms() + (uint64_t)c->ldap_timeout * 1000;
	if ((pid = fork()) < 0) {
		close(fds[0]);
		close(fds[1]);
		reply_unmap(&b);
		return snprintf(why, len, "cannot fork the fetch: %s", strerror(errno)), -1;
	}
	if (pid == 0) {
		/* The child talks to the directory: leave it nothing of the agent's (the
		 * netlink socket, the control sockets) but the pipe and stderr. */
		if (dup2(fds[1], STDERR_FILENO + 1) < 0)
			_exit(1);
		close_range(STDERR_FILENO + 2, ~0U, 0);
		fds[1] = STDERR_FILENO + 1;
		/* A backstop should the agent be gone and nobody kill us. */
		alarm(c->ldap_timeout + 5);
		child_fetch(c, fds[1]);
		_exit(0);
	}
	close(fds[1]);
	rc = read_reply(fds[0], deadline, &b);
	close(fds[0]);
	if (rc < 0)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (rc < 0) {
		snprintf(why, len, "directory %.200s did not answer within %u s (ldap_timeout): "
		    "the fetch was stopped", c->ldap_uri, c->ldap_timeout);
	} else if (b.big) {
		snprintf(why, len, "the answer of directory %.200s is larger than %u bytes",
		    c->ldap_uri, CACHE_FILE_MAX);
		rc = -1;
	} else if (WIFSIGNALED(status) && b.len == 0) {
		snprintf(why, len, "the fetch from %.200s died of signal %d", c->ldap_uri,
		    WTERMSIG(status));
		rc = -1;
	} else
		rc = parse_reply(c, &b, t, m, why, len);
	reply_unmap(&b);
	return rc;
}
