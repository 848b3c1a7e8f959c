/* The test PKI: certgen.sh into a temporary directory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "tests/ike/cert_pki.h"

static char dir[256];
static pid_t owner;

const char *
pki_dir(const char *addr_a, const char *addr_b)
{
	const char *src = getenv("top_srcdir");
	char cmd[1024];

	if (dir[0] != '\0')
		return dir;
	snprintf(dir, sizeof(dir), "/tmp/ipp-cert-XXXXXX");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		exit(99);
	}
	owner = getpid();
	snprintf(cmd, sizeof(cmd), "sh '%s/tests/ike/certgen.sh' '%s' %s %s",
	    src != NULL ? src : ".", dir, addr_a, addr_b);
	if (system(cmd) != 0) {
		fprintf(stderr, "certgen.sh failed: %s\n", cmd);
		pki_remove();
		exit(99);
	}
	return dir;
}

void
pki_remove(void)
{
	char cmd[512];

	if (dir[0] == '\0' || getpid() != owner)
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	dir[0] = '\0';
}

const char *
pki_path(const char *name)
{
	static char buf[4][1024];
	static unsigned n;
	char *p = buf[n++ % 4];

	snprintf(p, sizeof(buf[0]), "%s/%s", dir, name);
	return p;
}

uint8_t *
pki_der(const char *name, size_t *len)
{
	char file[300];
	FILE *f;
	X509 *x;
	unsigned char *der = NULL;
	int n;

	snprintf(file, sizeof(file), "%s.pem", name);
	if ((f = fopen(pki_path(file), "r")) == NULL)
		return NULL;
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (x == NULL)
		return NULL;
	n = i2d_X509(x, &der);
	X509_free(x);
	if (n <= 0)
		return NULL;
	*len = (size_t)n;
	return der;
}
