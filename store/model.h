/*
 * The Windows IPsec policy object model (design.md, "The policy model").
 *
 * Ownership: every char * and array in these structs is owned by the struct that holds it
 * and is released by the matching ipp_*_clear().  Preshared keys are wiped when cleared.
 * References between objects (a rule's filter list and filter action) are by name; a store
 * resolves them, and a loaded policy tree carries the referenced objects beside the policy.
 */
#ifndef IPP_MODEL_H
#define IPP_MODEL_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "store/err.h"

#define IPP_NAME_MAX	255		/* bytes of a name, without the NUL */
#define IPP_DESC_MAX	1024		/* bytes of a description */
#define IPP_GUID_SIZE	39		/* "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}" + NUL */
#define IPP_DNS_MAX	253

/* Windows' defaults (reference windows-cli.md §1.5, §4.1). */
#define IPP_DEF_POLL_MIN	180
#define IPP_DEF_MM_LIFE_MIN	480
#define IPP_DEF_QM_PER_MM	0
#define IPP_DEF_SOFT_EXPIRE_S	300	/* ipseccmd -1e: soft associations' lifetime */
#define IPP_DEF_QM_LIFE_S	3600
#define IPP_DEF_QM_LIFE_KB	100000

/*
 * Bounds that validation enforces.  Quick mode: Windows' range for security methods
 * (5 min .. 48 h, 20 MB .. 2 TB); 0 still means the default.  Main mode: Windows' 5-minute
 * floor; the ceiling is the largest number of minutes whose seconds fit the 32-bit
 * lifetime of IKE and of Windows' stored policy.  Polling: 1 min .. 30 days (ours).
 */
#define IPP_QM_LIFE_S_LO	300
#define IPP_QM_LIFE_S_HI	172800
#define IPP_QM_LIFE_KB_LO	20480
#define IPP_QM_LIFE_KB_HI	2147483647
#define IPP_MM_LIFE_MIN_LO	5
#define IPP_MM_LIFE_MIN_HI	71582788
#define IPP_POLL_MIN_LO		1
#define IPP_POLL_MIN_HI		43200
/* Soft associations (clear traffic with a peer that never answered IKE): 1 s .. 48 h. */
#define IPP_SOFT_EXPIRE_S_LO	1
#define IPP_SOFT_EXPIRE_S_HI	172800
#define IPP_PSK_MAX		1024	/* bytes of a preshared key */
#define IPP_CA_DN_MAX		1024	/* bytes of a root CA's distinguished name */

/* ---- algorithms (store/algo.c) ---- */
enum ipp_cipher {
	IPP_CIPHER_NONE = 0,
	IPP_CIPHER_DES,			/* legacy */
	IPP_CIPHER_3DES,
	IPP_CIPHER_AES128,
	IPP_CIPHER_AES192,
	IPP_CIPHER_AES256,
	IPP_CIPHER_AES128GCM16,		/* ESP only */
	IPP_CIPHER_AES256GCM16,		/* ESP only */
	IPP_CIPHER_COUNT
};

enum ipp_hash {
	IPP_HASH_NONE = 0,
	IPP_HASH_MD5,			/* legacy */
	IPP_HASH_SHA1,
	IPP_HASH_SHA256,
	IPP_HASH_SHA384,
	IPP_HASH_SHA512,
	IPP_HASH_COUNT
};

/* Diffie-Hellman groups are kept as IANA numbers: 1, 2 (legacy), 14, 15, 19, 20, 21.
 * Windows' main-mode "group 3" (DH2048) is IANA 14; parsers translate it. */
typedef uint16_t ipp_dhgroup;

const char *ipp_cipher_name(enum ipp_cipher c);
const char *ipp_hash_name(enum ipp_hash h);
/* Case-insensitive; accepts Windows spellings ("SHA" = SHA1, "None"). -1 if unknown. */
int ipp_cipher_from_name(const char *s);
int ipp_hash_from_name(const char *s);
bool ipp_cipher_is_aead(enum ipp_cipher c);
bool ipp_cipher_is_legacy(enum ipp_cipher c);
bool ipp_hash_is_legacy(enum ipp_hash h);
bool ipp_group_is_known(unsigned group);
bool ipp_group_is_legacy(unsigned group);
/* "modp768", "modp2048", "ecp256", ... for display; NULL if unknown. */
const char *ipp_group_name(unsigned group);

/* ---- addresses ---- */
enum ipp_addr_kind {
	IPP_ADDR_NONE = 0,	/* unset: a rule without tunnel endpoint */
	IPP_ADDR_ME,		/* this host's addresses */
	IPP_ADDR_ANY,
	IPP_ADDR_NET,		/* ip/prefix; a host is a full-length prefix */
	IPP_ADDR_RANGE,		/* ip .. ip_end inclusive, one family */
	IPP_ADDR_DNSNAME,	/* resolved by the agent at compile time */
	IPP_ADDR_SRV_DNS,	/* server keywords: the other side must be ME */
	IPP_ADDR_SRV_WINS,
	IPP_ADDR_SRV_DHCP,
	IPP_ADDR_SRV_GATEWAY,
};

union ipp_ip {
	struct in_addr v4;
	struct in6_addr v6;
	uint8_t b[16];
};

struct ipp_addr {
	enum ipp_addr_kind kind;
	int family;		/* AF_INET or AF_INET6 for NET and RANGE, else AF_UNSPEC */
	union ipp_ip ip;
	union ipp_ip ip_end;	/* RANGE only */
	uint8_t prefix;		/* NET only */
	char *dns;		/* DNSNAME only */
};

/* ---- filters ---- */
struct ipp_filter {
	char *description;
	struct ipp_addr src;
	struct ipp_addr dst;
	uint8_t proto;		/* IP protocol number; 0 = any */
	uint16_t sport;		/* 0 = any; only with TCP or UDP */
	uint16_t dport;
	bool mirrored;		/* default yes */
};

struct ipp_filterlist {
	char guid[IPP_GUID_SIZE];
	char *name;
	char *description;
	struct ipp_filter *filters;
	size_t nfilters;
	time_t changed;		/* set by the store */
};

/* ---- filter actions ---- */
enum ipp_action {
	IPP_ACTION_PERMIT = 0,
	IPP_ACTION_BLOCK,
	IPP_ACTION_NEGOTIATE,
};

enum ipp_qm_proto {
	IPP_QM_ESP = 0,		/* ESP[cipher,auth] */
	IPP_QM_AH,		/* AH[hash] */
	IPP_QM_AH_ESP,		/* AH[hash]+ESP[cipher,auth] */
};

/* One quick-mode security method (an "offer"); order in the array is preference. */
struct ipp_qm_offer {
	enum ipp_qm_proto proto;
	enum ipp_hash ah_hash;		/* AH, AH_ESP */
	enum ipp_cipher esp_cipher;	/* ESP, AH_ESP; NONE = null encryption */
	enum ipp_hash esp_auth;		/* ESP, AH_ESP; NONE with an AEAD cipher */
	uint32_t life_s;		/* 0 = IPP_DEF_QM_LIFE_S */
	uint32_t life_kb;		/* 0 = IPP_DEF_QM_LIFE_KB */
	bool pfs;			/* quick-mode PFS */
	ipp_dhgroup pfs_group;		/* 0 = the main-mode group */
};

struct ipp_filteraction {
	char guid[IPP_GUID_SIZE];
	char *name;
	char *description;
	enum ipp_action action;		/* default negotiate */
	bool inpass;			/* accept clear inbound, answer secured */
	bool soft;			/* fall back to clear with peers that don't answer IKE */
	struct ipp_qm_offer *offers;	/* only meaningful with NEGOTIATE */
	size_t noffers;
	time_t changed;
};

/* ---- authentication ---- */
enum ipp_auth_kind {
	IPP_AUTH_KERBEROS = 0,
	IPP_AUTH_PSK,
	IPP_AUTH_CERT,
};

struct ipp_auth {
	enum ipp_auth_kind kind;
	char *value;		/* PSK: the secret (wiped on clear); CERT: the root CA DN */
	bool certmap;		/* CERT: map the certificate to an account */
	bool excludecaname;	/* CERT: leave the CA name out of CERTREQ */
};

/* ---- rules ---- */
enum ipp_conntype {
	IPP_CONN_ALL = 0,
	IPP_CONN_LAN,
	IPP_CONN_DIALUP,
};

struct ipp_rule {
	char guid[IPP_GUID_SIZE];
	char *name;
	char *description;
	char *filterlist;	/* name of the referenced filter list */
	char *filteraction;	/* name of the referenced filter action */
	struct ipp_auth *auth;	/* ordered by preference; empty = Kerberos */
	size_t nauth;
	struct ipp_addr tunnel;	/* IPP_ADDR_NONE = transport mode */
	enum ipp_conntype conntype;
	bool active;		/* default yes */
};

/* The default response rule: always negotiate; only offers and auth are configurable. */
struct ipp_defrule {
	bool active;		/* default yes */
	struct ipp_qm_offer *offers;
	size_t noffers;
	struct ipp_auth *auth;
	size_t nauth;
};

/* ---- main mode ---- */
struct ipp_mm_offer {
	enum ipp_cipher cipher;
	enum ipp_hash hash;
	ipp_dhgroup group;
};

struct ipp_mm {
	uint32_t lifetime_min;	/* default 480 */
	uint32_t qm_per_mm;	/* 0 = unlimited */
	bool pfs;		/* master-key PFS */
	struct ipp_mm_offer *offers;
	size_t noffers;
	/* soft: how long clear traffic with a peer that never answered IKE is allowed */
	uint32_t soft_expire_s;	/* default 300 (ipseccmd -1e, netsh softsaexpirationtime=) */
};

/* ---- policies ---- */
struct ipp_policy {
	char guid[IPP_GUID_SIZE];
	char *name;
	char *description;
	uint32_t poll_min;	/* polling interval in minutes; default 180 */
	struct ipp_mm mm;
	struct ipp_defrule defrule;
	struct ipp_rule *rules;
	size_t nrules;
	bool assigned;		/* set by the store */
	time_t changed;		/* set by the store */
};

/* A policy with every filter list and filter action its rules reference, each once. */
struct ipp_policy_tree {
	struct ipp_policy policy;
	struct ipp_filterlist *lists;
	size_t nlists;
	struct ipp_filteraction *actions;
	size_t nactions;
};

/* ---- lifecycle (store/model.c) ---- */
/* *_init fills Windows' defaults into a zeroed object; *_clear frees what it owns and zeroes
 * it.  Both accept objects that were zeroed or partly filled. */
void ipp_filter_init(struct ipp_filter *f);
void ipp_filter_clear(struct ipp_filter *f);
void ipp_filterlist_clear(struct ipp_filterlist *fl);
void ipp_filteraction_init(struct ipp_filteraction *fa);
void ipp_filteraction_clear(struct ipp_filteraction *fa);
void ipp_qm_offer_init(struct ipp_qm_offer *o);
void ipp_auth_clear(struct ipp_auth *a);
void ipp_rule_init(struct ipp_rule *r);
void ipp_rule_clear(struct ipp_rule *r);
void ipp_defrule_clear(struct ipp_defrule *d);
void ipp_policy_init(struct ipp_policy *p);
void ipp_policy_clear(struct ipp_policy *p);
void ipp_policy_tree_clear(struct ipp_policy_tree *t);
void ipp_addr_clear(struct ipp_addr *a);

/* Appends a copy of *item to a growable array; returns the new element or NULL (ENOMEM).
 * The caller's array grows geometrically; n is updated. */
void *ipp_array_push(void *arrayp, size_t *n, size_t size, const void *item);

/* Deep copies; return 0 or -1 with e set (out of memory). dst must be zeroed. */
int ipp_addr_copy(struct ipp_addr *dst, const struct ipp_addr *src, struct ipp_err *e);
int ipp_filter_copy(struct ipp_filter *dst, const struct ipp_filter *src, struct ipp_err *e);
int ipp_auth_copy(struct ipp_auth *dst, const struct ipp_auth *src, struct ipp_err *e);

/* The tree's filter list / filter action of that name, or NULL. */
const struct ipp_filterlist *ipp_tree_filterlist(const struct ipp_policy_tree *t, const char *name);
const struct ipp_filteraction *ipp_tree_filteraction(const struct ipp_policy_tree *t, const char *name);

/* A new random GUID in Windows' braced upper-case form. 0, or -1 if no randomness. */
int ipp_guid_new(char out[IPP_GUID_SIZE]);
bool ipp_guid_valid(const char *s);

/* ---- text forms (store/addr.c) ---- */
/* Canonical text of an address: "me", "any", "10.0.0.0/8", "10.0.0.1", "10.0.0.1-10.0.0.9",
 * "host.example.", "dns", "wins", "dhcp", "gateway", "" for NONE.  Returns buf. */
const char *ipp_addr_format(const struct ipp_addr *a, char *buf, size_t len);
#define IPP_ADDR_STRLEN (2 * INET6_ADDRSTRLEN + 8 + IPP_DNS_MAX)
/* Parses the canonical text (the inverse of ipp_addr_format), netsh's address forms and a
 * dotted or numeric mask given apart (mask may be NULL).  a must be zeroed.
 * A subnet with bits set below its prefix (10.0.0.1/8) is refused, not normalized; DNS
 * names are kept in lower case; "0.0.0.0/0" stays an IPv4 subnet, distinct from "any". */
int ipp_addr_parse(struct ipp_addr *a, const char *text, const char *mask, struct ipp_err *e);
/* The text forms that name protocols: the store's, netsh's (show, export) and ipsecpol -f's. */
enum ipp_proto_form {
	IPP_PROTO_STORE = 1,
	IPP_PROTO_NETSH = 2,
	IPP_PROTO_FSPEC = 4,
};
/* Protocol number of the name s[0..n) (any case) in one of the forms (an OR of them); -1 if
 * no such form knows it.  Numbers are not names: the caller reads those. */
int ipp_proto_lookup(const char *s, size_t n, unsigned form);
/* The name form writes proto as, or NULL if it writes proto as a decimal. */
const char *ipp_proto_word(unsigned proto, unsigned form);
/* Protocol number for "any", "tcp", "udp", "icmp", "raw", "ipv6-icmp" or a decimal; -1 if not. */
int ipp_proto_from_name(const char *s);
/* "ANY", "ICMP", "TCP", "UDP", "IPV6-ICMP", "RAW" or the decimal number.  Returns buf. */
const char *ipp_proto_name(unsigned proto, char *buf, size_t len);
#define IPP_PROTO_STRLEN 16
/* Checks one address on its own: kind, family, prefix length, host bits under the prefix,
 * range order, DNS name syntax.  The message starts with the address's text. */
int ipp_addr_check(const struct ipp_addr *a, struct ipp_err *e);
/* A host name: 1..253 bytes (a trailing dot aside) of LDH labels of 1..63 bytes, not all
 * numeric in the last label (so "10.0.0" is no name). */
bool ipp_dnsname_valid(const char *s);

/* ---- validation (store/validate.c) ---- */
/* Each returns 0 or -1 with e naming the object, the field, the bad value and what was
 * expected (IPP_E_INVAL).
 * A policy without main-mode offers, or a default response rule without offers or
 * authentication, is valid: those mean Windows' defaults (ipp_policy_fill_defaults).
 * Rule names are unique in a policy without regard to ASCII case. */
int ipp_filter_validate(const struct ipp_filter *f, struct ipp_err *e);
int ipp_filterlist_validate(const struct ipp_filterlist *fl, struct ipp_err *e);
int ipp_qm_offer_validate(const struct ipp_qm_offer *o, struct ipp_err *e);
int ipp_filteraction_validate(const struct ipp_filteraction *fa, struct ipp_err *e);
int ipp_auth_validate(const struct ipp_auth *a, struct ipp_err *e);
int ipp_mm_validate(const struct ipp_mm *mm, struct ipp_err *e);
/* Checks the rule alone; list/action may be NULL when not known (then references aren't
 * cross-checked, e.g. a tunnel rule's filters against mirroring). */
int ipp_rule_validate(const struct ipp_rule *r, const struct ipp_filterlist *list,
    const struct ipp_filteraction *action, struct ipp_err *e);
int ipp_policy_validate(const struct ipp_policy *p, struct ipp_err *e);
/* Checks the whole tree, including that every rule's references resolve. */
int ipp_policy_tree_validate(const struct ipp_policy_tree *t, struct ipp_err *e);
int ipp_name_validate(const char *what, const char *name, struct ipp_err *e);
/* A description: NULL or empty, or at most IPP_DESC_MAX bytes of UTF-8 without control
 * characters other than tab and newline. */
int ipp_desc_validate(const char *what, const char *desc, struct ipp_err *e);
/* s made safe for a message: control bytes as \xNN, cut with "..." to fit len. */
const char *ipp_str_printable(const char *s, char *buf, size_t len);
#define IPP_PRINTABLE_MAX 72

/* ---- defaults (store/defaults.c) ---- */
/* Fills what a policy leaves empty with Windows 2000's defaults: main-mode offers
 * 3DES-SHA1-2, 3DES-MD5-2, DES-SHA1-1, DES-MD5-1; default response rule offers ESP
 * 3DES/SHA1, 3DES/MD5, DES/SHA1, DES/MD5, AH SHA1, AH MD5; and Kerberos.  0, or -1 with
 * e set (IPP_E_NOMEM) and p unchanged. */
int ipp_policy_fill_defaults(struct ipp_policy *p, struct ipp_err *e);
/* True when an offer uses a legacy algorithm (DES, MD5, DH group 1 or 2). */
bool ipp_qm_offer_is_legacy(const struct ipp_qm_offer *o);
bool ipp_mm_offer_is_legacy(const struct ipp_mm_offer *o);

#endif
