/*
 * fuzz_text.c - libFuzzer target for core/text.c: tg_text_normalize,
 * tg_text_normalize_map, tg_text_terms, tg_text_highlight and
 * tg_text_snippet on arbitrary bytes. Build and run: fuzz/README.md.
 *
 * Input layout: the first byte picks the snippet width; the rest is split
 * at the first 0x00 byte into a query and a text (no 0x00: both are the
 * whole rest). Beyond "no crash, no sanitizer report" it checks the
 * invariants text.h promises: normalizing is idempotent, output never holds
 * 0x1F, a space at either end or two spaces in a row, the map has one
 * entry per output code point with non-decreasing ranges inside the input,
 * and highlight ranges are sorted, disjoint and inside the text.
 */
#include <stdint.h>
#include <string.h>

#include "core/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_buf b = TG_BUF_INIT, b2 = TG_BUF_INIT;
	struct tg_text_range *map, *r;
	const char **terms;
	size_t n_map, n_terms, n_r, width;
	const char *s, *q, *nul;
	size_t len, qlen;
	char *snip;

	if (size < 1)
		return 0;
	width = 1 + data[0] % 64;
	s = (const char *)data + 1;
	len = size - 1;
	nul = memchr(s, 0, len);
	q = s;
	qlen = nul ? (size_t)(nul - s) : len;
	if (nul) {
		len -= qlen + 1;
		s = nul + 1;
	}

	if (tg_text_normalize_map(s, len, &b, &a, &map, &n_map) == TG_OK && b.data) {
		size_t in_cp = tg_text_cp_count(s, len);
		check(tg_text_cp_count(b.data, b.len) == n_map);
		check(!memchr(b.data, 0x1f, b.len) && !memchr(b.data, 0, b.len));
		check(b.len == 0 || (b.data[0] != ' ' && b.data[b.len - 1] != ' '));
		check(!memmem(b.data, b.len, "  ", 2));
		for (size_t i = 0; i < n_map; i++) {
			check(map[i].start < map[i].end && map[i].end <= in_cp);
			check(i == 0 || (map[i].start >= map[i - 1].start && map[i].end >= map[i - 1].end));
		}
		/* idempotent: normalizing the output changes nothing */
		check(tg_text_normalize(b.data, b.len, &b2) == TG_OK);
		check(b2.len == b.len && (b.len == 0 || memcmp(b.data, b2.data, b.len) == 0));

		if (tg_text_terms(q, qlen, &a, &terms, &n_terms) == TG_OK) {
			check(tg_text_highlight(s, len, terms, n_terms, &a, &r, &n_r) == TG_OK);
			for (size_t i = 0; i < n_r; i++) {
				check(r[i].start < r[i].end && r[i].end <= in_cp);
				check(i == 0 || r[i].start > r[i - 1].end);
			}
			check(tg_text_snippet(s, len, terms, n_terms, width, &a, &snip, &r, &n_r) == TG_OK);
			/* the snippet is a C string: only texts without NUL (all
			 * database strings) can be measured with strlen */
			if (!memchr(s, 0, len)) {
				size_t sn_cp = tg_text_cp_count(snip, strlen(snip));
				check(sn_cp <= width + 2);
				for (size_t i = 0; i < n_r; i++)
					check(r[i].start < r[i].end && r[i].end <= sn_cp);
			}
		}
	}
	tg_buf_release(&b);
	tg_buf_release(&b2);
	tg_arena_release(&a);
	return 0;
}
