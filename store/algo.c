/* ipp_algo: names and properties of the algorithms the model knows. */
#include <stddef.h>
#include <strings.h>

#include "store/model.h"

struct name_entry {
	const char *name;
	int value;
};

static const char *const cipher_names[IPP_CIPHER_COUNT] = {
	[IPP_CIPHER_NONE] = "NONE", [IPP_CIPHER_DES] = "DES", [IPP_CIPHER_3DES] = "3DES",
	[IPP_CIPHER_AES128] = "AES128", [IPP_CIPHER_AES192] = "AES192",
	[IPP_CIPHER_AES256] = "AES256", [IPP_CIPHER_AES128GCM16] = "AES128GCM16",
	[IPP_CIPHER_AES256GCM16] = "AES256GCM16",
};

static const char *const hash_names[IPP_HASH_COUNT] = {
	[IPP_HASH_NONE] = "NONE", [IPP_HASH_MD5] = "MD5", [IPP_HASH_SHA1] = "SHA1",
	[IPP_HASH_SHA256] = "SHA256", [IPP_HASH_SHA384] = "SHA384", [IPP_HASH_SHA512] = "SHA512",
};

/* Spellings beyond the canonical names: Windows writes "SHA" for SHA-1. */
static const struct name_entry hash_aliases[] = {
	{ "SHA", IPP_HASH_SHA1 },
};

static const struct {
	unsigned group;
	const char *name;
	bool legacy;
} groups[] = {
	{ 1, "modp768", true }, { 2, "modp1024", true }, { 14, "modp2048", false },
	{ 15, "modp3072", false }, { 19, "ecp256", false }, { 20, "ecp384", false },
	{ 21, "ecp521", false },
};

static int
lookup(const char *const *names, size_t n, const struct name_entry *alias, size_t nalias,
    const char *s)
{
	if (s == NULL)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (names[i] != NULL && strcasecmp(names[i], s) == 0)
			return (int)i;
	for (size_t i = 0; i < nalias; i++)
		if (strcasecmp(alias[i].name, s) == 0)
			return alias[i].value;
	return -1;
}

const char *
ipp_cipher_name(enum ipp_cipher c)
{
	return (unsigned)c < IPP_CIPHER_COUNT ? cipher_names[c] : "?";
}

const char *
ipp_hash_name(enum ipp_hash h)
{
	return (unsigned)h < IPP_HASH_COUNT ? hash_names[h] : "?";
}

int
ipp_cipher_from_name(const char *s)
{
	return lookup(cipher_names, IPP_CIPHER_COUNT, NULL, 0, s);
}

int
ipp_hash_from_name(const char *s)
{
	return lookup(hash_names, IPP_HASH_COUNT, hash_aliases,
	    sizeof(hash_aliases) / sizeof(hash_aliases[0]), s);
}

bool
ipp_cipher_is_aead(enum ipp_cipher c)
{
	return c == IPP_CIPHER_AES128GCM16 || c == IPP_CIPHER_AES256GCM16;
}

bool
ipp_cipher_is_legacy(enum ipp_cipher c)
{
	return c == IPP_CIPHER_DES;
}

bool
ipp_hash_is_legacy(enum ipp_hash h)
{
	return h == IPP_HASH_MD5;
}

static int
group_index(unsigned group)
{
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (groups[i].group == group)
			return (int)i;
	return -1;
}

bool
ipp_group_is_known(unsigned group)
{
	return group_index(group) >= 0;
}

bool
ipp_group_is_legacy(unsigned group)
{
	int i = group_index(group);

	return i >= 0 && groups[i].legacy;
}

const char *
ipp_group_name(unsigned group)
{
	int i = group_index(group);

	return i >= 0 ? groups[i].name : NULL;
}
