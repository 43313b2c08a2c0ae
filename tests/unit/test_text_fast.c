/*
 * test_text_fast.c - core/text.c's fast path for lone, stable code points
 * gives exactly what the general utf8proc path gives. This file compiles a
 * second copy of text.c with the fast path off (its exported names renamed)
 * and compares the two on every code point the fast path takes, alone and
 * next to combining marks, and on the demo data's texts.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/text.h"

#define TG_TEXT_NO_FAST_PATH
#define tg_text_normalize      slow_text_normalize
#define tg_text_normalize_map  slow_text_normalize_map
#define tg_text_terms          slow_text_terms
#define tg_text_highlight      slow_text_highlight
#define tg_text_snippet        slow_text_snippet
#define tg_text_cp_count       slow_text_cp_count
#define tg_text_norm_make      slow_text_norm_make
#define tg_text_highlight_norm slow_text_highlight_norm
#define tg_text_snippet_norm   slow_text_snippet_norm
#define tg_text_snip_src_make  slow_text_snip_src_make
#define tg_text_snippet_src    slow_text_snippet_src
#define tg_text_norm_contains  slow_text_norm_contains
#define tg_text_fold_words     slow_text_fold_words
#define tg_text_has_fold       slow_text_has_fold
#define tg_text_word_folds     slow_text_word_folds
#define tg_text_n_word_folds   slow_text_n_word_folds
int slow_text_norm_contains(const struct tg_text_norm *nrm, const char *term);
enum tg_rc slow_text_fold_words(const char *s, size_t len, struct tg_buf *out);
int slow_text_has_fold(const char *s, size_t len);
enum tg_rc slow_text_snip_src_make(const char *original, size_t len, struct tg_arena *a, struct tg_text_snip_src *out);
enum tg_rc slow_text_snippet_src(const struct tg_text_snip_src *src, const char *const *terms, size_t n_terms,
                                 size_t max_cp, struct tg_arena *a, char **snippet, struct tg_text_range **ranges,
                                 size_t *n_ranges, uint32_t *found);
enum tg_rc slow_text_norm_make(const char *original, size_t len, struct tg_arena *a, struct tg_text_norm *out);
enum tg_rc slow_text_highlight_norm(const struct tg_text_norm *nrm, const char *const *terms, size_t n_terms,
                                    struct tg_arena *a, struct tg_text_range **ranges, size_t *n_ranges,
                                    uint32_t *found);
enum tg_rc slow_text_snippet_norm(const char *original, size_t len, const struct tg_text_norm *nrm,
                                  const char *const *terms, size_t n_terms, size_t max_cp, struct tg_arena *a,
                                  char **snippet, struct tg_text_range **ranges, size_t *n_ranges);
enum tg_rc slow_text_normalize(const char *s, size_t len, struct tg_buf *out);
enum tg_rc slow_text_normalize_map(const char *s, size_t len, struct tg_buf *out, struct tg_arena *a,
                                   struct tg_text_range **map, size_t *n_map);
enum tg_rc slow_text_terms(const char *q, size_t len, struct tg_arena *a, const char ***terms, size_t *n_terms);
enum tg_rc slow_text_highlight(const char *original, size_t len, const char *const *terms, size_t n_terms,
                               struct tg_arena *a, struct tg_text_range **ranges, size_t *n_ranges);
enum tg_rc slow_text_snippet(const char *original, size_t len, const char *const *terms, size_t n_terms, size_t max_cp,
                             struct tg_arena *a, char **snippet, struct tg_text_range **ranges, size_t *n_ranges);
size_t slow_text_cp_count(const char *s, size_t len);
#include "../../src/core/text.c"
#undef tg_text_normalize
#undef tg_text_normalize_map

static size_t put_cp(char *p, uint32_t c)
{
	if (c < 0x80) {
		p[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		p[0] = (char)(0xC0 | (c >> 6));
		p[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	p[0] = (char)(0xE0 | (c >> 12));
	p[1] = (char)(0x80 | ((c >> 6) & 0x3F));
	p[2] = (char)(0x80 | (c & 0x3F));
	return 3;
}

static void same(const char *s, size_t len)
{
	struct tg_buf a = TG_BUF_INIT, b = TG_BUF_INIT;
	struct tg_arena ar = TG_ARENA_INIT;
	struct tg_text_range *ma, *mb;
	size_t na, nb;
	enum tg_rc ra = tg_text_normalize_map(s, len, &a, &ar, &ma, &na);
	enum tg_rc rb = slow_text_normalize_map(s, len, &b, &ar, &mb, &nb);
	assert_int_equal(ra, rb);
	assert_int_equal(a.len, b.len);
	if (a.len)
		assert_memory_equal(a.data, b.data, a.len);
	assert_int_equal(na, nb);
	for (size_t i = 0; i < na; i++) {
		assert_int_equal(ma[i].start, mb[i].start);
		assert_int_equal(ma[i].end, mb[i].end);
	}
	tg_buf_release(&a);
	tg_buf_release(&b);
	tg_arena_release(&ar);
}

static void test_every_fast_code_point(void **state)
{
	(void)state;
	static const uint32_t ranges[][2] = {{'0', '9'},       {'A', 'Z'},       {'a', 'z'},
	                                     {0x3041, 0x3096}, {0x30A1, 0x30F6}, {0x4E00, 0x9FFF}};
	static const uint32_t neighbours[] = {0, 0x3099, 0x309A, 0xFF9E, 0x0301, 0x30FC, ' ', 0x3000};
	for (size_t r = 0; r < sizeof(ranges) / sizeof(ranges[0]); r++)
		for (uint32_t c = ranges[r][0]; c <= ranges[r][1]; c++)
			for (size_t k = 0; k < sizeof(neighbours) / sizeof(neighbours[0]); k++) {
				char buf[16];
				size_t n = put_cp(buf, 'x');
				n += put_cp(buf + n, c);
				if (neighbours[k])
					n += put_cp(buf + n, neighbours[k]);
				same(buf, n);
			}
}

static void test_sentences(void **state)
{
	(void)state;
	static const char *const texts[] = {
	    "マンションの一室を使った、少人数でアットホームなつどいの広場です。",
	    "ﾋﾀﾞﾏﾘ ひろば　ＨＩＲＯＢＡ Hiroba 2ちょうめ",
	    "ゐゑヰヱヴヷぁっゃゕゖ ㇷ゚ か\xE3\x82\x99 は\xE3\x82\x9A",
	    "①②③ ㌔ ｶﾞｷﾞ 子育て支援拠点 (こそだて) — ～〜",
	};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		same(texts[i], strlen(texts[i]));
}

/* the prepared-text variants (norm, snip_src) give exactly what the
 * one-shot calls give */
static void test_prepared(void **state)
{
	(void)state;
	static const char desc[] = "ﾋﾀﾞﾏﾘのスタッフが見守ります。ひだまりひろばでは土曜日に外遊びの会があります。"
	                           "ヒダマリ通信は毎月発行。";
	static const char *const q[] = {"ひだまり", "土曜日", "ない"};
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_text_norm nrm;
	struct tg_text_snip_src src;
	assert_int_equal(tg_text_norm_make(desc, strlen(desc), &a, &nrm), TG_OK);
	assert_int_equal(tg_text_snip_src_make(desc, strlen(desc), &a, &src), TG_OK);
	assert_int_equal(src.n_cp, tg_text_cp_count(desc, strlen(desc)));
	assert_int_equal(tg_text_snip_src_make("\xff", 1, &a, &src), TG_ERR_INVALID);
	assert_int_equal(tg_text_snip_src_make(desc, strlen(desc), &a, &src), TG_OK);
	for (size_t n_terms = 0; n_terms <= 3; n_terms++)
		for (size_t max = 5; max <= 60; max += 11) {
			char *s1, *s2;
			struct tg_text_range *r1, *r2;
			size_t n1, n2;
			assert_int_equal(tg_text_snippet(desc, strlen(desc), q, n_terms, max, &a, &s1, &r1, &n1),
			                 TG_OK);
			assert_int_equal(
			    tg_text_snippet_norm(desc, strlen(desc), &nrm, q, n_terms, max, &a, &s2, &r2, &n2), TG_OK);
			assert_string_equal(s1, s2);
			assert_int_equal(n1, n2);
			for (size_t i = 0; i < n1; i++) {
				assert_int_equal(r1[i].start, r2[i].start);
				assert_int_equal(r1[i].end, r2[i].end);
			}
			uint32_t found = 0;
			assert_int_equal(tg_text_snippet_src(&src, q, n_terms, max, &a, &s2, &r2, &n2, &found), TG_OK);
			for (size_t t = 0; t < n_terms; t++) /* found: the term is in the text */
				assert_int_equal(found >> t & 1, tg_text_norm_contains(&nrm, q[t]));
			assert_string_equal(s1, s2);
			assert_int_equal(n1, n2);
			for (size_t i = 0; i < n1; i++) {
				assert_int_equal(r1[i].start, r2[i].start);
				assert_int_equal(r1[i].end, r2[i].end);
			}
		}
	struct tg_text_range *h;
	size_t nh;
	uint32_t found = 0;
	assert_int_equal(tg_text_highlight_norm(&nrm, q, 2, &a, &h, &nh, &found), TG_OK);
	assert_int_equal(nh, 4); /* ﾋﾀﾞﾏﾘ, ひだまり, 土曜日, ヒダマリ */
	assert_int_equal(found, 3);
	tg_arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_fast_code_point),
	    cmocka_unit_test(test_sentences),
	    cmocka_unit_test(test_prepared),
	};
	return cmocka_run_group_tests_name("text_fast", tests, NULL, NULL);
}
