/*
 * libFuzzer target: the ISAKMP codec over arbitrary bytes, read both as a datagram and as a
 * decrypted body starting with each payload type.  Every payload that frames is handed to
 * its typed decoder, every SA is walked down to its attributes, decoded objects are built
 * again and must parse, and the printer renders everything.  Anything but a clean return
 * is a bug.
 */
#include <stdlib.h>
#include <string.h>

#include "ike/isakmp.h"

static void
walk_sa(const struct isakmp_sa *sa, struct isakmp_buf *b)
{
	struct isakmp_iter pi, xi, ai;
	struct isakmp_prop p;
	struct isakmp_xform x;
	struct isakmp_attr a;
	unsigned np = 0;
	uint64_t v;

	isakmp_sa_begin(b, sa->doi, sa->situation);
	isakmp_sa_props(sa, &pi);
	while (isakmp_prop_next(&pi, &p)) {
		unsigned nx = 0;

		np++;
		isakmp_prop_begin(b, p.num, p.proto, p.spi, p.spi_len);
		isakmp_prop_xforms(&p, &xi);
		while (isakmp_xform_next(&xi, &x)) {
			nx++;
			isakmp_xform_begin(b, x.num, x.id);
			isakmp_xform_attrs(&x, &ai);
			while (isakmp_attr_next(&ai, &a)) {
				(void)isakmp_attr_uint(&a, &v);
				isakmp_attr_copy(b, &a);
			}
			if (ai.left != 0)
				abort();	/* validated attributes must iterate to the end */
			isakmp_xform_end(b);
		}
		if (nx != p.ntrans || xi.left != 0)
			abort();	/* the decoder checked the count */
		isakmp_prop_end(b);
	}
	if (np != sa->nprops || pi.left != 0)
		abort();
	isakmp_sa_end(b);
}

/* Decodes pl by its type and appends it to b again. */
static void
decode(const struct isakmp_pl *pl, struct isakmp_buf *b)
{
	struct isakmp_data d;
	struct isakmp_id id;
	struct isakmp_cert c;
	struct isakmp_notify n;
	struct isakmp_delete del;
	struct isakmp_natoa oa;
	struct isakmp_sa sa;
	struct isakmp_err e;

	switch (pl->type) {
	case ISAKMP_PL_SA:
		if (isakmp_sa_decode(pl, &sa, &e) == 0)
			walk_sa(&sa, b);
		break;
	case ISAKMP_PL_ID:
		if (isakmp_id_decode(pl, &id, &e) == 0)
			isakmp_put_id(b, &id);
		break;
	case ISAKMP_PL_CERT:
	case ISAKMP_PL_CR:
		if (isakmp_cert_decode(pl, &c, &e) == 0)
			isakmp_put_cert(b, pl->type, c.enc, c.data, c.len);
		break;
	case ISAKMP_PL_N:
		if (isakmp_notify_decode(pl, &n, &e) == 0)
			isakmp_put_notify(b, &n);
		break;
	case ISAKMP_PL_D:
		if (isakmp_delete_decode(pl, &del, &e) == 0) {
			for (size_t i = 0; i < del.nspi; i++)
				if (isakmp_delete_spi(&del, i) == NULL)
					abort();
			isakmp_put_delete(b, &del);
		}
		break;
	case ISAKMP_PL_NAT_OA:
		if (isakmp_natoa_decode(pl, &oa, &e) == 0)
			isakmp_put_natoa(b, &oa);
		break;
	default:
		if (isakmp_data_decode(pl, &d, &e) == 0)
			isakmp_put_payload(b, pl->type, d.p, d.len, NULL);
		break;
	}
}

/* Whatever decoded cleanly is built again; the result must frame as a chain. */
static void
chain(const struct isakmp_chain *c)
{
	struct isakmp_chain again;
	struct isakmp_buf b;
	struct isakmp_err e;
	char line[256];

	isakmp_chain_print(line, sizeof(line), c);
	isakmp_buf_init(&b, 0);
	for (size_t i = 0; i < c->n; i++)
		decode(&c->pl[i], &b);
	if (isakmp_buf_finish(&b, &e) == 0 && b.len > 0 &&
	    isakmp_chain_parse(&again, b.first, b.p, b.len, 0, ISAKMP_PARSE_PRIVATE, &e) != 0)
		abort();
	isakmp_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t firsts[] = {
		ISAKMP_PL_SA, ISAKMP_PL_KE, ISAKMP_PL_ID, ISAKMP_PL_CERT, ISAKMP_PL_CR,
		ISAKMP_PL_HASH, ISAKMP_PL_SIG, ISAKMP_PL_NONCE, ISAKMP_PL_N, ISAKMP_PL_D,
		ISAKMP_PL_VID, ISAKMP_PL_NAT_D, ISAKMP_PL_NAT_OA, 130,
	};
	struct isakmp_msg m;
	struct isakmp_chain c;
	struct isakmp_err e;
	char line[512];
	uint8_t *copy;

	/* a copy of exactly size bytes, so ASan sees any read past the datagram */
	copy = malloc(size ? size : 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	for (unsigned flags = 0; flags <= ISAKMP_PARSE_TRAILING; flags++) {
		if (isakmp_msg_parse(&m, copy, size, flags | ISAKMP_PARSE_PRIVATE, &e) == 0) {
			isakmp_msg_print(line, sizeof(line), &m);
			chain(&m.chain);
			if ((m.hdr.flags & ISAKMP_FLAG_E) && isakmp_chain_parse(&c, m.hdr.np,
			    m.body, m.body_len, 16, 0, &e) == 0)
				chain(&c);
		} else if (e.what == NULL) {
			abort();
		}
	}
	for (size_t i = 0; i < sizeof(firsts); i++) {
		if (isakmp_chain_parse(&c, firsts[i], copy, size, 16, ISAKMP_PARSE_PRIVATE,
		    &e) == 0)
			chain(&c);
		else if (e.what == NULL || e.off > size)
			abort();
	}
	free(copy);
	return 0;
}
