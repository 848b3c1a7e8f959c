/*
 * Every example command line of windows-cli.md §2.8 and §2.9 (and the ipseccmd lines of
 * §3.4): the line is split as a shell would (ipp_nargs_split follows the same quote rules
 * for these lines), its -p/-f/-n/-a/-1s/-1k values go through the grammar parsers, and the
 * objects must be the ones the line means.
 */
#include <stdlib.h>

#include "cli/authspec.h"
#include "cli/filterspec.h"
#include "cli/mmspec.h"
#include "cli/negpol.h"
#include "cli/netsh_args.h"
#include "tests/cli/cli_test.h"
#include "tests/lib/ipp_check.h"

struct want {
	const char *line;
	const char *policy;	/* -p name, or NULL */
	unsigned poll;
	const char *filters;	/* see t_filter(), joined by ' ' */
	const char *negpol;	/* action[/inpass] then offers, "" without -n */
	const char *auth;
	const char *mm;
	const char *rekey;	/* "QM/MIN" after -1k */
};

static const struct want examples[] = {
	/* §2.8 */
	{ "ipsecpol -w REG -p \"MyPol\" -y -o", "MyPol", 0, "", "", "", "", "" },
	{ "ipsecpol -w REG -p \"MyPol\" -r \"Blocker\" -n BLOCK -x -f 0+*", "MyPol", 0,
	  "me:0+any:0/0", "block", "", "", "" },
	{ "ipsecpol -w REG -p \"MyPol\" -r \"GoHTTP\"  -n PASS  -x -f 0:80+*::TCP", "MyPol", 0,
	  "me:80+any:0/6", "permit", "", "", "" },
	{ "ipsecpol -w REG -p \"MyPol\" -r \"GoHTTPS\" -n PASS  -x -f 0:443+*::TCP", "MyPol", 0,
	  "me:443+any:0/6", "permit", "", "", "" },
	{ "ipsecpol -w REG -p \"MyPol\" -r \"GoICMP\"  -n PASS  -x -f 0+*::ICMP", "MyPol", 0,
	  "me:0+any:0/1", "permit", "", "", "" },
	/* §2.9, KB 813878 */
	{ "ipsecpol -w REG -p \"Block UDP 1434 Filter\" -r \"Block Inbound UDP 1434 Rule\" "
	  "-f *=0:1434:UDP -n BLOCK -x", "Block UDP 1434 Filter", 0, "any:0=me:1434/17", "block",
	  "", "", "" },
	{ "ipsecpol -w REG -p \"Block TCP 80 Filter\"   -r \"Block Inbound TCP 80 Rule\"   "
	  "-f *=0:80:TCP   -n BLOCK -x", "Block TCP 80 Filter", 0, "any:0=me:80/6", "block", "",
	  "", "" },
	{ "ipsecpol -w REG -p \"Block UDP 1434 Filter\" -r \"Block Outbound UDP 1434 Rule\" "
	  "-f 0=*:1434:UDP -n BLOCK", "Block UDP 1434 Filter", 0, "me:0=any:1434/17", "block", "",
	  "", "" },
	{ "ipsecpol -p \"Block UDP 1434 Filter\" -w REG -r \"Block Inbound TCP 80 Rule\" "
	  "-f *=0:80:TCP -n BLOCK", "Block UDP 1434 Filter", 0, "any:0=me:80/6", "block", "", "",
	  "" },
	{ "ipsecpol -f [*=0:1434:UDP]", NULL, 0, "[any:0=me:1434/17", "", "", "", "" },
	{ "ipsecpol -w REG -p \"Block UDP 1434 Filter\" -y", "Block UDP 1434 Filter", 0, "", "",
	  "", "", "" },
	{ "ipsecpol -w REG -p \"Block UDP 1434 Filter\" -r \"Block Inbound UDP 1434 Rule\" "
	  "-r \"Block Outbound UDP 1434 Rule\" -o", "Block UDP 1434 Filter", 0, "", "", "", "",
	  "" },
	{ "ipsecpol -u", NULL, 0, "", "", "", "", "" },
	/* §2.9, Fossen */
	{ "ipsecpol.exe \\\\127.0.0.1 -u", NULL, 0, "", "", "", "", "" },
	{ "ipsecpol.exe \\\\127.0.0.1 -f [0+*]", NULL, 0, "[me:0+any:0/0", "", "", "", "" },
	{ "ipsecpol.exe \\\\127.0.0.1 -f (0:80+*::TCP)", NULL, 0, "(me:80+any:0/6", "", "", "",
	  "" },
	{ "ipsecpol.exe \\\\169.254.18.2 -f (0:80+*::TCP) (0:443+*::TCP) [0+*]", NULL, 0,
	  "(me:80+any:0/6 (me:443+any:0/6 [me:0+any:0/0", "", "", "", "" },
	{ "ipsecpol -f (0+*::ICMP) (0+*:110:TCP) (0:53+*::UDP) [*=0:135:TCP] [*=0:445:TCP] "
	  "[*=0:138:UDP]", NULL, 0, "(me:0+any:0/1 (me:0+any:110/6 (me:53+any:0/17 "
	  "[any:0=me:135/6 [any:0=me:445/6 [any:0=me:138/17", "", "", "", "" },
	/* §2.9, other lines in the wild */
	{ "ipsecpol -p myfw -r dwmrc_pass_me -f *+0:8000:tcp -n PASS -w reg -x", "myfw", 0,
	  "any:0+me:8000/6", "permit", "", "", "" },
	{ "ipsecpol -w REG -p \"Packet Filter\" -r \"Inbound/outbound mail\" "
	  "-f *+131.107.1.1:110:TCP -f *+131.107.1.1:995:TCP -f 131.107.1.1+*:25:TCP -n PASS",
	  "Packet Filter", 0, "any:0+131.107.1.1/32:110/6 any:0+131.107.1.1/32:995/6 "
	  "131.107.1.1/32:0+any:25/6", "permit", "", "", "" },
	{ "ipsecpol -x -w REG -p \"nanny_firewall\" -r \"nanny_appid_1\" -f 0=*:80:TCP "
	  "-f 0=*:443:TCP -f 0=*:8080:TCP -n BLOCK", "nanny_firewall", 0,
	  "me:0=any:80/6 me:0=any:443/6 me:0=any:8080/6", "block", "", "", "" },
	{ "ipsecpol -w reg -p \"nanny_firewall\" -y", "nanny_firewall", 0, "", "", "", "", "" },
	{ "ipsecpol -w reg -p \"nanny_firewall\" -o", "nanny_firewall", 0, "", "", "", "", "" },
	{ "ipsec -f \"0+10.0.0.0/255.0.0.0:445:TCP\" \"0+10.0.0.0/255.0.0.0:139:TCP\" "
	  "-n \"esp[3des,sha] 3600S/100000K\" -a p:\"KEY\" -1s 3DES-SHA-2 -r \"rule\" -w REG "
	  "-p \"pol\"", "pol", 0, "me:0+10.0.0.0/8:445/6 me:0+10.0.0.0/8:139/6",
	  "negotiate ESP[3DES,SHA1]:100000k/3600s", "P:KEY", "3DES-SHA1-2", "" },
	/* §2.9, the tunnel sketch: one-way filters, PFS, PSK */
	{ "ipsecpol -w REG -p Tun -r out -t 5.6.7.8 -f 10.1.0.0/255.255.0.0=10.2.0.0/255.255.0.0 "
	  "-n ESP[3DES,SHA]3600S/50000KPFS -a PRESHARE:\"k\" -1s 3DES-SHA-2", "Tun", 0,
	  "10.1.0.0/16:0=10.2.0.0/16:0/0", "negotiate ESP[3DES,SHA1]:50000k/3600s:pfs", "P:k",
	  "3DES-SHA1-2", "" },
	{ "ipsecpol -w REG -p Tun -r in  -t 1.2.3.4 -f 10.2.0.0/255.255.0.0=10.1.0.0/255.255.0.0 "
	  "-n ESP[3DES,SHA]3600S/50000KPFS -a PRESHARE:\"k\" -1s 3DES-SHA-2 -x", "Tun", 0,
	  "10.2.0.0/16:0=10.1.0.0/16:0/0", "negotiate ESP[3DES,SHA1]:50000k/3600s:pfs", "P:k",
	  "3DES-SHA1-2", "" },
	/* §3.4, ipseccmd lines with the same grammar */
	{ "ipseccmd -f [0=78.131.193.150:*:*]", NULL, 0, "[me:0=78.131.193.150/32:0/0", "", "",
	  "", "" },
	{ "ipseccmd -w REG -p \"clxp safe policy1\" -r \"disable connect ip\" "
	  "-f 0/255.255.255.255=202.108.22.5/255.255.255.255:: -n BLOCK -x", "clxp safe policy1",
	  0, "me:0=202.108.22.5/32:0/0", "block", "", "", "" },
	{ "ipseccmd -w REG -p \"clxp safe policy\" -r \"disable out ping\" -f *=0::icmp -n BLOCK "
	  "-x", "clxp safe policy", 0, "any:0=me:0/1", "block", "", "", "" },
	{ "ipseccmd -p \"SECCPP\" -r \"Block TCP/135\" -f *=0:135:TCP -n BLOCK -x", "SECCPP", 0,
	  "any:0=me:135/6", "block", "", "", "" },
	/* The issue's own modern example, and the other flags of §2.3 */
	{ "ipsecpol -w REG -p Modern:60 -r r -f 0+10.0.0.0/8 -n ESP[AES256,SHA256] "
	  "-a KERBEROS CERT:\"CN=Example Root\" -1s AES256-SHA256-19 3DES-SHA-3 -1k 10Q/3600S -1p",
	  "Modern", 60, "me:0+10.0.0.0/8:0/0", "negotiate ESP[AES256,SHA256]:100000k/3600s",
	  "K|C:CN=Example Root", "AES256-SHA256-19 3DES-SHA1-14", "10/60" },
	{ "ipsecpol -w REG -p P -r r -f 0+* -n INPASS -soft -lan", "P", 0, "me:0+any:0/0",
	  "negotiate/inpass ESP[3DES,SHA1]:100000k/3600s ESP[3DES,MD5]:100000k/3600s "
	  "ESP[DES,SHA1]:100000k/3600s ESP[DES,MD5]:100000k/3600s", "", "", "" },
};

/* "[src:sport+dst:dport/proto": '[' block, '(' pass, '+' mirrored, '=' one-way. */
static void
t_filter(const struct ipp_fspec *fs, char *buf, size_t len)
{
	const struct ipp_filter *f = &fs->filter;
	char a[200], b[200];

	snprintf(buf, len, "%s%s:%u%c%s:%u/%u",
	    fs->shortcut == IPP_FSPEC_BLOCK ? "[" : fs->shortcut == IPP_FSPEC_PASS ? "(" : "",
	    t_addr(&f->src, a, sizeof(a)), f->sport, f->mirrored ? '+' : '=',
	    t_addr(&f->dst, b, sizeof(b)), f->dport, f->proto);
}

static void
append(char *buf, size_t len, const char *sep, const char *s)
{
	if (buf[0] != '\0')
		strncat(buf, sep, len - strlen(buf) - 1);
	strncat(buf, s, len - strlen(buf) - 1);
}

struct got {
	char policy[300], filters[2048], negpol[1024], auth[512], mm[512], rekey[64];
	unsigned poll;
	bool has_n;
	struct ipp_fspec_list fl;
	struct ipp_negpol np;
	struct ipp_authlist al;
	struct ipp_mm mm_obj;
};

static bool
is_flag(const char *s)
{
	return s[0] == '-';
}

/* Feeds the values after one flag to its parser; returns how many arguments it took. */
static int
feed(struct got *g, int argc, char **argv, int i)
{
	struct ipp_err e = { 0 };
	const char *flag = argv[i];
	int j = i + 1;
	char *name;

	if (strcmp(flag, "-p") == 0) {
		ck_assert_msg(ipp_mmspec_policy(argv[j], &name, &g->poll, &e) == 0, "%s", e.msg);
		snprintf(g->policy, sizeof(g->policy), "%s", name);
		free(name);
		return 2;
	}
	if (strcmp(flag, "-1k") == 0) {
		g->mm_obj.lifetime_min = IPP_DEF_MM_LIFE_MIN;
		ck_assert_msg(ipp_mmspec_rekey(&g->mm_obj, argv[j], &e) == 0, "%s", e.msg);
		snprintf(g->rekey, sizeof(g->rekey), "%u/%u", g->mm_obj.qm_per_mm,
		    g->mm_obj.lifetime_min);
		return 2;
	}
	if (strcmp(flag, "-r") == 0 || strcmp(flag, "-t") == 0 || strcmp(flag, "-w") == 0)
		return 2;
	for (; j < argc && !is_flag(argv[j]); j++) {
		int rc = 0;

		if (strcmp(flag, "-f") == 0)
			rc = ipp_fspec_list_add(&g->fl, argv[j], &e);
		else if (strcmp(flag, "-n") == 0)
			rc = ipp_negpol_add(&g->np, argv[j], IPP_NEGPOL_IPSECPOL, &e);
		else if (strcmp(flag, "-a") == 0)
			rc = ipp_authspec_add(&g->al, argv[j], &e);
		else if (strcmp(flag, "-1s") == 0)
			rc = ipp_mmspec_add(&g->mm_obj, argv[j], &e);
		else
			break;
		ck_assert_msg(rc == 0, "%s %s: %s", flag, argv[j], e.msg);
	}
	g->has_n |= strcmp(flag, "-n") == 0;
	return j - i;
}

static void
render(struct got *g)
{
	static const char *const act[] = { [IPP_ACTION_PERMIT] = "permit",
	    [IPP_ACTION_BLOCK] = "block", [IPP_ACTION_NEGOTIATE] = "negotiate" };
	static const char kind[] = { [IPP_AUTH_KERBEROS] = 'K', [IPP_AUTH_PSK] = 'P',
	    [IPP_AUTH_CERT] = 'C' };
	struct ipp_err e = { 0 };
	char one[512];

	for (size_t i = 0; i < g->fl.n; i++) {
		t_filter(&g->fl.v[i], one, sizeof(one));
		append(g->filters, sizeof(g->filters), " ", one);
	}
	if (g->has_n) {
		ck_assert_int_eq(ipp_negpol_defaults(&g->np, &e), 0);
		snprintf(g->negpol, sizeof(g->negpol), "%s%s", act[g->np.action],
		    g->np.inpass ? "/inpass" : "");
		for (size_t i = 0; i < g->np.noffers; i++)
			append(g->negpol, sizeof(g->negpol), " ",
			    t_offer(&g->np.offers[i], one, sizeof(one)));
	}
	for (size_t i = 0; i < g->al.n; i++) {
		snprintf(one, sizeof(one), "%c%s%s", kind[g->al.v[i].kind],
		    g->al.v[i].value != NULL ? ":" : "",
		    g->al.v[i].value != NULL ? g->al.v[i].value : "");
		append(g->auth, sizeof(g->auth), "|", one);
	}
	for (size_t i = 0; i < g->mm_obj.noffers; i++)
		append(g->mm, sizeof(g->mm), " ", t_mm(&g->mm_obj.offers[i], one, sizeof(one)));
}

START_TEST(test_example)
{
	const struct want *w = &examples[_i];
	struct got *g = calloc(1, sizeof(*g));
	struct ipp_err e = { 0 };
	char **argv;
	int argc, i = 1;

	ck_assert_ptr_nonnull(g);
	ipp_negpol_init(&g->np);
	ck_assert_msg(ipp_nargs_split(w->line, &argv, &argc, &e) == 0, "%s", e.msg);
	if (i < argc && strncmp(argv[i], "\\\\", 2) == 0)
		i++;	/* \\computer: the front end refuses it; the grammar is the same */
	while (i < argc) {
		ck_assert_msg(is_flag(argv[i]), "stray argument '%s'", argv[i]);
		i += feed(g, argc, argv, i);
	}
	render(g);
	ck_assert_str_eq(g->policy, w->policy != NULL ? w->policy : "");
	ck_assert_uint_eq(g->poll, w->poll);
	ck_assert_str_eq(g->filters, w->filters);
	ck_assert_str_eq(g->negpol, w->negpol);
	ck_assert_str_eq(g->auth, w->auth);
	ck_assert_str_eq(g->mm, w->mm);
	ck_assert_str_eq(g->rekey, w->rekey);
	ipp_nargs_free_argv(argv, argc);
	ipp_fspec_list_clear(&g->fl);
	ipp_negpol_clear(&g->np);
	ipp_authspec_clear(&g->al);
	free(g->mm_obj.offers);
	free(g);
}
END_TEST

static Suite *
examples_suite(void)
{
	Suite *s = suite_create("examples");
	TCase *tc = tcase_create("windows-cli.md");

	tcase_add_loop_test(tc, test_example, 0, (int)NELEM(examples));
	suite_add_tcase(s, tc);
	return s;
}

IPP_CHECK_MAIN(examples_suite)
