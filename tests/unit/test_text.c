/*
 * test_text.c - unit tests for core/text.c: every folding rule listed in
 * text.h, the original-position map, highlights and snippets (including
 * mixed 1/2/3/4-byte text), terms and their caps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "core/text.h"

/* Normalize s and compare with want; a NULL want means "must be rejected". */
static void check_norm(const char *s, const char *want)
{
	struct tg_buf b = TG_BUF_INIT;
	enum tg_rc rc = tg_text_normalize(s, strlen(s), &b);

	if (!want) {
		assert_int_equal(rc, TG_ERR_INVALID);
		assert_true(b.len == 0);
	} else {
		assert_int_equal(rc, TG_OK);
		assert_string_equal(b.data ? b.data : "", want);
	}
	tg_buf_release(&b);
}

static void test_width_case_kana(void **state)
{
	(void)state;
	check_norm("ヒロバ", "ひろば");
	check_norm("ひろば", "ひろば");
	check_norm("ﾋﾛﾊﾞ", "ひろば");
	check_norm("ﾊﾟﾊﾟ", "ぱぱ");
	check_norm("ＨＩＲＯＢＡ", "hiroba");
	check_norm("HiRoBa", "hiroba");
	check_norm("ｈｉｒｏｂａ１２３", "hiroba123");
	check_norm("か゛", "が");           /* spacing voiced mark */
	check_norm("ハ\xE3\x82\x9A", "ぱ"); /* combining semi-voiced mark */
	check_norm("Straße", "strasse");
	check_norm("㈱つなぐ", "(株)つなぐ");
}

static void test_small_old_kana(void **state)
{
	(void)state;
	check_norm("ぁぃぅぇぉっゃゅょゎゕゖ", "あいうえおつやゆよわかけ");
	check_norm("ァィゥェォッャュョヮヵヶ", "あいうえおつやゆよわかけ");
	check_norm("ゐゑヰヱ", "いえいえ");
	check_norm("ヴ", "ゔ");
	check_norm("ヷヸヹヺ", "ゔあゔいゔえゔお");
	check_norm("ヴァイオリン", "ゔあいおりん");
	check_norm("ㇰㇷ゚", "くぷ");
	/* iteration marks are not expanded; the katakana ones fold to hiragana */
	check_norm("こゝろ", "こゝろ");
	check_norm("いすゞ", "いすゞ");
	check_norm("バナヽ", "ばなゝ");
	check_norm("佐々木", "佐々木");
}

static void test_long_vowel(void **state)
{
	(void)state;
	check_norm("ケーキ", "けーき");
	check_norm("ｹｰｷ", "けーき");
	check_norm("ケ－キ", "けーき");
	check_norm("ケ‐キ", "けーき");
	check_norm("ケ―キ", "けーき");
	check_norm("ケ−キ", "けーき");
	check_norm("スーパー-", "すーぱーー");
	/* not after kana: dashes stay */
	check_norm("045-123", "045-123");
	check_norm("Ａ－１", "a-1");
}

/* Hangul compatibility jamo are kept: as conjoining jamo, a leading and a
 * vowel jamo next to each other would compose on a second pass (found by
 * fuzz_text). */
static void test_hangul_jamo(void **state)
{
	(void)state;
	check_norm("ㅂㅝ", "ㅂㅝ");
	check_norm("あㅂㅝび", "あㅂㅝび");
	check_norm("\xe1\x84\x87\xe1\x85\xaf", "붜"); /* conjoining jamo compose */
	check_norm("ﾡ", "ㄱ");                        /* half-width: its compatibility jamo */
	check_norm("ﾲￔￂￜﾠ", "ㅂㅝㅏㅣㅤ");
	/* every half-width jamo gives what NFKC's narrow mapping gives */
	for (int32_t c = 0xFFA0; c <= 0xFFDC; c++) {
		char in[8] = {0};
		struct tg_buf b = TG_BUF_INIT;
		utf8proc_encode_char(c, (utf8proc_uint8_t *)in);
		assert_int_equal(tg_text_normalize(in, strlen(in), &b), TG_OK);
		utf8proc_uint8_t *nfkc = utf8proc_NFKC((const utf8proc_uint8_t *)in);
		if (b.len) { /* the narrow mapping, then NFKC: the same conjoining jamo */
			utf8proc_uint8_t *again = utf8proc_NFKC((const utf8proc_uint8_t *)b.data);
			assert_string_equal((const char *)again, (const char *)nfkc);
			free(again);
		}
		free(nfkc);
		tg_buf_release(&b);
	}
	check_norm("붜", "붜");
}

static void test_whitespace_controls(void **state)
{
	(void)state;
	check_norm("子育て\xE3\x80\x80ひろば", "子育て ひろば"); /* U+3000 */
	check_norm("  a \t\r\n b  ", "a b");
	check_norm("\xE3\x80\x80\xE3\x80\x80", "");
	check_norm("a\x1f"
	           "b\x01"
	           "c",
	           "abc");
	check_norm("zw\xE2\x80\x8Bsp\xEF\xBB\xBF", "zwsp"); /* ZWSP, BOM */
	check_norm("", "");
	/* a mark whose base was dropped does not reach the previous character */
	check_norm("ひ\x01\xEF\xBE\x9E", "ひ");
	check_norm("ひ \xE3\x82\x99", "ひ");
}

static void test_invalid_utf8(void **state)
{
	struct tg_buf b = TG_BUF_INIT;

	(void)state;
	check_norm("\xff", NULL);
	check_norm("ab\xe3\x81", NULL);       /* truncated */
	check_norm("\xc0\xaf", NULL);         /* overlong '/' */
	check_norm("\xed\xa0\x80", NULL);     /* surrogate */
	check_norm("\xf4\x90\x80\x80", NULL); /* > U+10FFFF */
	/* an error leaves earlier content alone */
	assert_int_equal(tg_buf_adds(&b, "keep"), TG_OK);
	assert_int_equal(tg_text_normalize("x\xff", 2, &b), TG_ERR_INVALID);
	assert_string_equal(b.data, "keep");
	/* appends */
	assert_int_equal(tg_text_normalize("ア", strlen("ア"), &b), TG_OK);
	assert_string_equal(b.data, "keepあ");
	tg_buf_release(&b);
	/* embedded NUL is a control character: dropped, not a terminator */
	assert_int_equal(tg_text_normalize("a\0b", 3, &b), TG_OK);
	assert_string_equal(b.data, "ab");
	tg_buf_release(&b);
}

static void test_map(void **state)
{
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_buf b = TG_BUF_INIT;
	struct tg_text_range *m;
	size_t n;
	const char *s = "ﾊﾞ  ㌔A";

	(void)state;
	/* original code points: ﾊ0 ﾞ1 ' '2 ' '3 ㌔4 A5 */
	assert_int_equal(tg_text_normalize_map(s, strlen(s), &b, &a, &m, &n), TG_OK);
	assert_string_equal(b.data, "ば きろa");
	assert_int_equal(n, 5);
	assert_int_equal(m[0].start, 0);
	assert_int_equal(m[0].end, 2); /* ば <- ﾊﾞ */
	assert_int_equal(m[1].start, 2);
	assert_int_equal(m[1].end, 3); /* space <- first blank */
	assert_int_equal(m[2].start, 4);
	assert_int_equal(m[2].end, 5); /* き <- ㌔ */
	assert_int_equal(m[3].start, 4);
	assert_int_equal(m[3].end, 5); /* ろ <- ㌔ */
	assert_int_equal(m[4].start, 5);
	assert_int_equal(m[4].end, 6);
	tg_buf_release(&b);
	tg_arena_release(&a);
}

static void test_terms(void **state)
{
	struct tg_arena a = TG_ARENA_INIT;
	const char **t;
	size_t n;
	const char *q = " ヒロバ　ひろば 子育て ＨＩＲＯ hiro ";
	char big[TG_TEXT_MAX_TERMS * 3 + 8];
	char longterm[TG_TEXT_MAX_TERM_CP * 3 + 4];

	(void)state;
	assert_int_equal(tg_text_terms(q, strlen(q), &a, &t, &n), TG_OK);
	assert_int_equal(n, 3);
	assert_string_equal(t[0], "ひろば");
	assert_string_equal(t[1], "子育て");
	assert_string_equal(t[2], "hiro");
	assert_int_equal(tg_text_terms("   ", 3, &a, &t, &n), TG_OK);
	assert_int_equal(n, 0);
	assert_int_equal(tg_text_terms("\xff", 1, &a, &t, &n), TG_ERR_INVALID);
	/* 16 distinct terms are fine, 17 are not */
	size_t k = 0;
	for (int i = 0; i < TG_TEXT_MAX_TERMS; i++) {
		big[k++] = (char)('a' + i);
		big[k++] = ' ';
	}
	assert_int_equal(tg_text_terms(big, k, &a, &t, &n), TG_OK);
	assert_int_equal(n, TG_TEXT_MAX_TERMS);
	big[k++] = 'z';
	assert_int_equal(tg_text_terms(big, k, &a, &t, &n), TG_ERR_TOO_LARGE);
	/* duplicates do not count against the cap */
	assert_int_equal(tg_text_terms("a a a a a a a a a a a a a a a a a a a a", 39, &a, &t, &n), TG_OK);
	assert_int_equal(n, 1);
	/* 64 code points ok, 65 too long */
	k = 0;
	for (int i = 0; i < TG_TEXT_MAX_TERM_CP; i++) {
		memcpy(longterm + k, "あ", 3);
		k += 3;
	}
	assert_int_equal(tg_text_terms(longterm, k, &a, &t, &n), TG_OK);
	assert_int_equal(n, 1);
	memcpy(longterm + k, "あ", 3);
	assert_int_equal(tg_text_terms(longterm, k + 3, &a, &t, &n), TG_ERR_TOO_LARGE);
	tg_arena_release(&a);
}

static void test_highlight(void **state)
{
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_text_range *r;
	size_t n;
	/* mixed widths: 'a' 1 byte, 'é' 2, kana 3, '𠮷' 4 bytes */
	const char *s = "aé𠮷ﾋﾛﾊﾞ と ヒロバ、ＨＩＲＯＢＡ";
	const char *t1[] = {"ひろば"};
	const char *t2[] = {"hiroba", "𠮷"};
	const char *t3[] = {"ろば", "ひろ"};
	const char *t4[] = {"ない", ""};

	(void)state;
	/* code points: a0 é1 𠮷2 ﾋ3 ﾛ4 ﾊ5 ﾞ6 ' '7 と8 ' '9 ヒ10 ロ11 バ12 、13 Ｈ14..Ａ19 */
	assert_int_equal(tg_text_highlight(s, strlen(s), t1, 1, &a, &r, &n), TG_OK);
	assert_int_equal(n, 2);
	assert_int_equal(r[0].start, 3);
	assert_int_equal(r[0].end, 7);
	assert_int_equal(r[1].start, 10);
	assert_int_equal(r[1].end, 13);
	assert_int_equal(tg_text_highlight(s, strlen(s), t2, 2, &a, &r, &n), TG_OK);
	assert_int_equal(n, 2);
	assert_int_equal(r[0].start, 2);
	assert_int_equal(r[0].end, 3);
	assert_int_equal(r[1].start, 14);
	assert_int_equal(r[1].end, 20);
	/* overlapping terms merge */
	assert_int_equal(tg_text_highlight(s, strlen(s), t3, 2, &a, &r, &n), TG_OK);
	assert_int_equal(n, 2);
	assert_int_equal(r[0].start, 3);
	assert_int_equal(r[0].end, 7);
	assert_int_equal(r[1].start, 10);
	assert_int_equal(r[1].end, 13);
	/* no match, empty term ignored */
	assert_int_equal(tg_text_highlight(s, strlen(s), t4, 2, &a, &r, &n), TG_OK);
	assert_int_equal(n, 0);
	/* overlapping occurrences of one term */
	const char *t5[] = {"ああ"};
	assert_int_equal(tg_text_highlight("あああいああ", strlen("あああいああ"), t5, 1, &a, &r, &n), TG_OK);
	assert_int_equal(n, 2);
	assert_int_equal(r[0].start, 0);
	assert_int_equal(r[0].end, 3);
	assert_int_equal(r[1].start, 4);
	assert_int_equal(r[1].end, 6);
	assert_int_equal(tg_text_highlight("\xff", 1, t5, 1, &a, &r, &n), TG_ERR_INVALID);
	tg_arena_release(&a);
}

static void test_snippet(void **state)
{
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_text_range *r;
	size_t n;
	char *sn;
	const char *s = "毎週月曜日と水曜日に親子で遊べるひろばを開いています。予約は不要です。";
	const char *t[] = {"ひろば"};
	const char *none[] = {"ぞう"};

	(void)state;
	/* ひろば is at code points 16..19; window 12, lead 4 -> [12, 24) */
	assert_int_equal(tg_text_snippet(s, strlen(s), t, 1, 12, &a, &sn, &r, &n), TG_OK);
	assert_string_equal(sn, "…で遊べるひろばを開いてい…");
	assert_int_equal(n, 1);
	assert_int_equal(r[0].start, 5); /* 1 for the ellipsis + 4 of lead */
	assert_int_equal(r[0].end, 8);
	/* window larger than the text: whole text, no ellipsis */
	assert_int_equal(tg_text_snippet(s, strlen(s), t, 1, 100, &a, &sn, &r, &n), TG_OK);
	assert_string_equal(sn, s);
	assert_int_equal(r[0].start, 16);
	/* no match: from the start */
	assert_int_equal(tg_text_snippet(s, strlen(s), none, 1, 5, &a, &sn, &r, &n), TG_OK);
	assert_string_equal(sn, "毎週月曜日…");
	assert_int_equal(n, 0);
	/* match near the end: window shifted back to stay full */
	const char *t2[] = {"不要"};
	assert_int_equal(tg_text_snippet(s, strlen(s), t2, 1, 10, &a, &sn, &r, &n), TG_OK);
	assert_string_equal(sn, "…す。予約は不要です。");
	assert_int_equal(r[0].start, 6);
	assert_int_equal(r[0].end, 8);
	/* cut on both sides */
	assert_int_equal(tg_text_snippet(s, strlen(s), t2, 1, 6, &a, &sn, &r, &n), TG_OK);
	assert_string_equal(sn, "…約は不要です…");
	assert_int_equal(r[0].start, 3);
	assert_int_equal(r[0].end, 5);
	/* a match cut by the window is clipped */
	const char *t3[] = {"毎週月曜日と水曜日"};
	assert_int_equal(tg_text_snippet(s, strlen(s), t3, 1, 4, &a, &sn, &r, &n), TG_OK);
	assert_string_equal(sn, "毎週月曜…");
	assert_int_equal(n, 1);
	assert_int_equal(r[0].start, 0);
	assert_int_equal(r[0].end, 4);
	assert_int_equal(tg_text_snippet(s, strlen(s), t, 1, 0, &a, &sn, &r, &n), TG_ERR_INVALID);
	tg_arena_release(&a);
}

/* tg_text_cp_count (eight bytes at a time) against a byte loop, at every
 * offset and length of a mixed 1/2/3/4-byte text */
static void test_cp_count(void **state)
{
	const char *s = "aé𠮷ﾋﾛﾊﾞ と ヒロバ、ＨＩＲＯＢＡ x\x7f\xc2\x80 end 子育て𠮷";
	size_t len = strlen(s);

	(void)state;
	for (size_t off = 0; off < len; off++)
		for (size_t n = 0; off + n <= len; n++) {
			size_t want = 0;
			for (size_t i = off; i < off + n; i++)
				want += ((unsigned char)s[i] & 0xC0) != 0x80;
			assert_int_equal(tg_text_cp_count(s + off, n), want);
		}
}

static void test_norm_contains(void **state)
{
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_text_norm nrm;
	const char *s = "ﾋﾀﾞﾏﾘ広場（土曜）";

	(void)state;
	assert_int_equal(tg_text_norm_make(s, strlen(s), &a, &nrm), TG_OK);
	assert_true(tg_text_norm_contains(&nrm, "ひだまり")); /* normalized: kana and width fold */
	assert_true(tg_text_norm_contains(&nrm, "土曜"));
	assert_true(tg_text_norm_contains(&nrm, "り広"));
	assert_false(tg_text_norm_contains(&nrm, "ひろば"));
	assert_false(tg_text_norm_contains(&nrm, "日曜"));
	assert_false(tg_text_norm_contains(&nrm, ""));
	assert_false(tg_text_norm_contains(&nrm, NULL));
	tg_arena_release(&a);
}

/* Rule 11: variant spellings of common words fold to one spelling. */
static void test_word_folds(void **state)
{
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_buf b = TG_BUF_INIT;
	struct tg_text_range *m, *r;
	size_t n;

	(void)state;
	check_norm("こども食堂", "子ども食堂");
	check_norm("子供食堂", "子ども食堂");
	check_norm("子ども食堂", "子ども食堂");
	check_norm("コドモ食堂", "子ども食堂");
	check_norm("ｺﾄﾞﾓ食堂", "子ども食堂"); /* after width and kana folding */
	check_norm("あかちゃん", "赤ちやん");
	check_norm("アカチャン と 赤ちゃん", "赤ちやん と 赤ちやん");
	check_norm("こそだて相談", "子育て相談");
	check_norm("おやこであそびばへ", "親子で遊び場へ");
	check_norm("外あそび", "外遊び");
	check_norm("友だち ともだち", "友達 友達");
	check_norm("障害 障碍 障がい", "障がい 障がい 障がい");
	check_norm("こど", "こど");                     /* part of a word: unchanged */
	check_norm("こども\xcc\x81", "こども\xcc\x81"); /* a combining mark on も: not the word */
	check_norm("障害-1", "障害-1");                 /* before a dash: as rule 8 would read it again */
	check_norm("子供‐", "子供‐");
	check_norm("", "");
	/* block numbers */
	check_norm("栄町三丁目4番", "栄町3丁目4番");
	check_norm("栄町３丁目", "栄町3丁目");
	check_norm("十丁目 十一丁目 二十丁目 二十三丁目 九十九丁目", "10丁目 11丁目 20丁目 23丁目 99丁目");
	check_norm("一二三丁目 〇丁目 一〇丁目 十十丁目 三十三三丁目",
	           "一二三丁目 〇丁目 一〇丁目 十十丁目 三十三三丁目");
	check_norm("三丁 三番 一時預かり", "三丁 三番 一時預かり");
	check_norm("三丁目子供", "3丁目子ども");
	check_norm("おやこ供", "親子ども"); /* a spelling that ends where a variant starts */
	/* the table is in normalized form, its spellings are stable, and
	 * folding twice changes nothing */
	for (size_t i = 0; i < tg_text_n_word_folds; i++) {
		check_norm(tg_text_word_folds[i].from, tg_text_word_folds[i].to);
		check_norm(tg_text_word_folds[i].to, tg_text_word_folds[i].to);
	}

	/* each code point of the spelling maps to the whole original word */
	const char *s = "ﾀﾉｼｲ子供の会";
	/* original code points: ﾀ0 ﾉ1 ｼ2 ｲ3 子4 供5 の6 会7 */
	assert_int_equal(tg_text_normalize_map(s, strlen(s), &b, &a, &m, &n), TG_OK);
	assert_string_equal(b.data, "たのしい子どもの会");
	assert_int_equal(n, 9);
	for (size_t i = 4; i < 7; i++) {
		assert_int_equal(m[i].start, 4);
		assert_int_equal(m[i].end, 6);
	}
	assert_int_equal(m[3].start, 3);
	assert_int_equal(m[3].end, 4);
	assert_int_equal(m[7].start, 6);
	assert_int_equal(m[8].start, 7);
	assert_int_equal(m[8].end, 8);

	/* a block number maps to the kanji it replaces */
	tg_buf_reset(&b);
	s = "栄町二十三丁目";
	assert_int_equal(tg_text_normalize_map(s, strlen(s), &b, &a, &m, &n), TG_OK);
	assert_string_equal(b.data, "栄町23丁目");
	assert_int_equal(n, 6);
	for (size_t i = 2; i < 4; i++) {
		assert_int_equal(m[i].start, 2);
		assert_int_equal(m[i].end, 5);
	}
	assert_int_equal(m[4].start, 5);
	assert_int_equal(m[5].start, 6);
	const char *t3[] = {"3丁目"};
	assert_int_equal(tg_text_highlight("栄町三丁目", strlen("栄町三丁目"), t3, 1, &a, &r, &n), TG_OK);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].start, 2);
	assert_int_equal(r[0].end, 5);

	/* highlights land on the original spelling */
	const char *t1[] = {"子ども"};
	const char *t2[] = {"子"};
	assert_int_equal(tg_text_highlight("みんなのこども食堂", strlen("みんなのこども食堂"), t1, 1, &a, &r, &n),
	                 TG_OK);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].start, 4);
	assert_int_equal(r[0].end, 7);
	assert_int_equal(tg_text_highlight("子供食堂", strlen("子供食堂"), t1, 1, &a, &r, &n), TG_OK);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].start, 0);
	assert_int_equal(r[0].end, 2);
	/* as long as its variant: code point to code point (子 in こども is こ) */
	assert_int_equal(tg_text_highlight("こども", strlen("こども"), t2, 1, &a, &r, &n), TG_OK);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].start, 0);
	assert_int_equal(r[0].end, 1);
	/* longer than its variant: the whole variant (ども in 子供 is 子供) */
	const char *t4[] = {"ども"};
	assert_int_equal(tg_text_highlight("の子供", strlen("の子供"), t4, 1, &a, &r, &n), TG_OK);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].start, 1);
	assert_int_equal(r[0].end, 3);

	/* a search text stored before rule 11: folded field by field */
	const char old[] = "みんなのこども\x1fみんなのこども\x1fnpo\x1fあそびと 障害 栄町二丁目";
	assert_true(tg_text_has_fold(old, sizeof(old) - 1));
	tg_buf_reset(&b);
	assert_int_equal(tg_text_fold_words(old, sizeof(old) - 1, &b), TG_OK);
	assert_string_equal(b.data, "みんなの子ども\x1fみんなの子ども\x1fnpo\x1f遊びと 障がい 栄町2丁目");
	assert_false(tg_text_has_fold(b.data, b.len));
	const char plain[] = "ひだまり\x1f\x1fnpo\x1f広場 一時預かり 三丁";
	assert_false(tg_text_has_fold(plain, sizeof(plain) - 1));
	tg_buf_reset(&b);
	assert_int_equal(tg_text_fold_words(plain, sizeof(plain) - 1, &b), TG_OK);
	assert_string_equal(b.data, plain);
	tg_buf_release(&b);
	tg_arena_release(&a);
}

/* Rule 12: ヶ and ケ in place names and after numbers. */
static void test_ke_fold(void **state)
{
	(void)state;
	/* place names: every spelling folds to が */
	check_norm("霞ヶ関", "霞が関");
	check_norm("霞ケ関", "霞が関");
	check_norm("霞ｹ関", "霞が関");
	check_norm("霞が関", "霞が関");
	check_norm("宮ヶ丘3丁目", "宮が丘3丁目");
	check_norm("八ヶ岳", "八が岳");         /* a numeral, but 岳 is not a counter */
	check_norm("代々木ヶ丘", "代々木が丘"); /* 々 counts as a kanji */
	check_norm("霞ヶ", "霞が");             /* a query typed so far */
	/* after a number, before a counter: か */
	check_norm("3ヶ月", "3か月");
	check_norm("３ケ月", "3か月");
	check_norm("3カ月 3か月 3ヵ月", "3か月 3か月 3か月");
	check_norm("一ヶ所 数ヶ国 何ヶ月 三ヶ日", "一か所 数か国 何か月 三か日");
	/* elsewhere it stays け (rules 4 and 6) */
	check_norm("ケーキ", "けーき");
	check_norm("大ケガ", "大けが");
	check_norm("霞 ヶ関", "霞 け関");
	check_norm("ヶ丘", "け丘");
	check_norm("霞ゲ関", "霞げ関"); /* voiced: another letter */
	check_norm("霞ｹﾞ関", "霞げ関");
	check_norm("受け付け", "受け付け"); /* hiragana け is never touched */
	check_norm("受ケ付", "受が付");     /* (katakana between kanji is read as a name) */

	/* the fold is one code point for one: highlights stay exact */
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_text_range *r;
	size_t n;
	const char *t[] = {"霞が関"};
	assert_int_equal(
	    tg_text_highlight("東京都千代田区霞ヶ関1丁目", strlen("東京都千代田区霞ヶ関1丁目"), t, 1, &a, &r, &n),
	    TG_OK);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].start, 7);
	assert_int_equal(r[0].end, 10);
	/* and normalizing twice changes nothing */
	const char *twice[] = {"霞ヶ関", "3ヶ月", "八ヶ岳", "一ヶ所", "霞ヶ", "ヶ丘"};
	for (size_t i = 0; i < sizeof(twice) / sizeof(twice[0]); i++) {
		struct tg_buf b1 = TG_BUF_INIT, b2 = TG_BUF_INIT;
		assert_int_equal(tg_text_normalize(twice[i], strlen(twice[i]), &b1), TG_OK);
		assert_int_equal(tg_text_normalize(b1.data, b1.len, &b2), TG_OK);
		assert_string_equal(b1.data, b2.data);
		tg_buf_release(&b1);
		tg_buf_release(&b2);
	}
	tg_arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_width_case_kana), cmocka_unit_test(test_small_old_kana),
	    cmocka_unit_test(test_long_vowel),      cmocka_unit_test(test_whitespace_controls),
	    cmocka_unit_test(test_invalid_utf8),    cmocka_unit_test(test_map),
	    cmocka_unit_test(test_terms),           cmocka_unit_test(test_highlight),
	    cmocka_unit_test(test_snippet),         cmocka_unit_test(test_cp_count),
	    cmocka_unit_test(test_norm_contains),   cmocka_unit_test(test_word_folds),
	    cmocka_unit_test(test_hangul_jamo),     cmocka_unit_test(test_ke_fold),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
