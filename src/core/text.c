/*
 * text.c - Japanese search normalization (rules in text.h), match mapping,
 * highlights and snippets.
 *
 * Design: the input is decoded once into code points and cut into grapheme
 * chunks (utf8proc's grapheme breaking, which keeps a base character with
 * its combining marks and with the half-width voiced marks ﾞﾟ). Each chunk
 * is normalized on its own (NFKC + case fold by utf8proc, then our kana
 * rules), which gives the same result as normalizing the whole string
 * because canonical composition never crosses a grapheme boundary for the
 * scripts we care about, and it lets every output code point carry the
 * [start, end) range of original code points it came from.
 *
 * Invariants: output is valid UTF-8 with no control/format characters, no
 * leading/trailing space and no two spaces in a row; map entries are
 * non-decreasing in both start and end.
 */
#include "core/text.h"
#include "core/validate.h"
#include "util/memfind.h"

#include <stdint.h>
#include <string.h>
#include <utf8proc.h>

#define TEXT_MAX_INPUT ((size_t)1 << 30)

/* Growable code point array (scratch, malloc-owned). */
struct cpvec {
	int32_t *v;
	size_t n, cap;
};

static void cpvec_reserve(struct cpvec *c, size_t need)
{
	if (need <= c->cap)
		return;
	size_t cap = c->cap ? c->cap : 64;
	while (cap < need)
		cap *= 2;
	c->v = tg_xrealloc(c->v, cap * sizeof(*c->v));
	c->cap = cap;
}

/* Output side of one normalization call. */
struct emit {
	struct tg_buf *out;
	int want_map;
	struct tg_text_range *map; /* malloc-owned until copied to the arena */
	size_t n_map, cap_map;
	int pending_space; /* whitespace seen since the last output */
	struct tg_text_range space_span;
	int have_out;
	int32_t last; /* last code point emitted, for the dash rule */
	enum tg_rc rc;
};

static void emit_cp(struct emit *e, int32_t cp, struct tg_text_range span)
{
	utf8proc_uint8_t b[4];
	utf8proc_ssize_t n;

	if (e->rc)
		return;
	n = utf8proc_encode_char(cp, b);
	e->rc = tg_buf_add(e->out, b, (size_t)n);
	if (e->rc)
		return;
	if (e->want_map) {
		if (e->n_map == e->cap_map) {
			e->cap_map = e->cap_map ? e->cap_map * 2 : 64;
			e->map = tg_xrealloc(e->map, e->cap_map * sizeof(*e->map));
		}
		e->map[e->n_map++] = span;
	}
	e->last = cp;
	e->have_out = 1;
}

static int is_white(int32_t cp)
{
	return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
	       (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
	       cp == 0x3000;
}

static int is_kana_out(int32_t cp)
{
	return (cp >= 0x3041 && cp <= 0x3096) || cp == 0x309D || cp == 0x309E || cp == 0x30FC;
}

static int is_dash(int32_t cp)
{
	return cp == 0x2D || (cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212 || cp == 0x2500 || cp == 0x2501;
}

/* Small hiragana (after katakana folding) -> large; 0 if not small. */
static int32_t small_to_large(int32_t cp)
{
	switch (cp) {
	case 0x3041:
	case 0x3043:
	case 0x3045:
	case 0x3047:
	case 0x3049:
	case 0x3063:
	case 0x3083:
	case 0x3085:
	case 0x3087:
	case 0x308E: return cp + 1;
	case 0x3095: return 0x304B; /* ゕ -> か */
	case 0x3096: return 0x3051; /* ゖ -> け */
	case 0x3090: return 0x3044; /* ゐ -> い (old kana, rule 7) */
	case 0x3091: return 0x3048; /* ゑ -> え */
	default: return 0;
	}
}

/* U+31F0..U+31FF small katakana extensions, as large hiragana. */
static const int32_t small_ext[16] = {
    0x304F, 0x3057, 0x3059, 0x3068, 0x306C, 0x306F, 0x3072, 0x3075,
    0x3078, 0x307B, 0x3080, 0x3089, 0x308A, 0x308B, 0x308C, 0x308D,
};

/* Rules 4-7 for one NFKC+casefolded code point: writes 1 or 2 code
 * points to seq and returns the count. */
static size_t fold_kana(int32_t cp, int32_t seq[2])
{
	size_t n = 1;

	seq[0] = cp;
	if (cp >= 0x30A1 && cp <= 0x30F6) {
		seq[0] = cp - 0x60;
	} else if (cp == 0x30FD || cp == 0x30FE) {
		seq[0] = cp - 0x60; /* ヽヾ -> ゝゞ */
	} else if (cp >= 0x30F7 && cp <= 0x30FA) {
		/* ヷヸヹヺ -> ゔ + small vowel, made large below. */
		static const int32_t vowel[4] = {0x3041, 0x3043, 0x3047, 0x3049};
		seq[0] = 0x3094;
		seq[1] = vowel[cp - 0x30F7];
		n = 2;
	} else if (cp >= 0x31F0 && cp <= 0x31FF) {
		seq[0] = small_ext[cp - 0x31F0];
	}
	for (size_t i = 0; i < n; i++) {
		int32_t l = small_to_large(seq[i]);
		if (l)
			seq[i] = l;
	}
	return n;
}

/* Rules 8-10 and output for one folded code point. based says whether a
 * base character of this chunk has been emitted: a combining mark without
 * one (its base was a dropped control, a space, or nothing) is dropped, or
 * it would compose with the previous chunk's output on a second pass and
 * normalization would not be idempotent. Returns 1 if cp was a base that
 * got emitted. */
static int fold_emit(struct emit *e, int32_t cp, struct tg_text_range span, int based)
{
	utf8proc_category_t cat;

	if (is_white(cp)) {
		if (e->have_out && !e->pending_space) {
			e->pending_space = 1;
			e->space_span = span;
		}
		return 0;
	}
	cat = utf8proc_category(cp);
	if (cat == UTF8PROC_CATEGORY_CC || cat == UTF8PROC_CATEGORY_CF)
		return 0;
	if (!based && (cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC || cat == UTF8PROC_CATEGORY_ME))
		return 0;
	if (e->pending_space) {
		emit_cp(e, 0x20, e->space_span);
		e->pending_space = 0;
	}
	if (is_dash(cp) && e->have_out && is_kana_out(e->last))
		cp = 0x30FC;
	emit_cp(e, cp, span);
	return 1;
}

/* Stable insertion sort of non-starters by combining class (the canonical
 * ordering step of normalization; utf8proc_normalize_utf32 assumes it). */
static void canonical_order(int32_t *v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		size_t j = i;
		while (j > 0) {
			int ca = utf8proc_get_property(v[j - 1])->combining_class;
			int cb = utf8proc_get_property(v[j])->combining_class;
			if (cb == 0 || ca <= cb)
				break;
			int32_t t = v[j - 1];
			v[j - 1] = v[j];
			v[j] = t;
			j--;
		}
	}
}

/* The Hangul compatibility jamo of c (itself, or a half-width jamo's
 * full-width form), or 0 when c is neither. */
static int32_t hangul_compat(int32_t c)
{
	if (c >= 0x3131 && c <= 0x318E)
		return c;
	if (c < 0xFFA0 || c > 0xFFDC)
		return 0;
	if (c == 0xFFA0)
		return 0x3164; /* filler */
	if (c <= 0xFFBE)
		return c - 0xFFA1 + 0x3131; /* consonants */
	/* vowels, in runs of six with two gaps between */
	if (c >= 0xFFC2 && c <= 0xFFC7)
		return c - 0xFFC2 + 0x314F;
	if (c >= 0xFFCA && c <= 0xFFCF)
		return c - 0xFFCA + 0x3155;
	if (c >= 0xFFD2 && c <= 0xFFD7)
		return c - 0xFFD2 + 0x315B;
	if (c >= 0xFFDA)
		return c - 0xFFDA + 0x3161;
	return 0;
}

static int is_han(int32_t c)
{
	return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0xF900 && c <= 0xFAFF) ||
	       (c >= 0x20000 && c <= 0x3134F) || c == 0x3005; /* 々 */
}

/* A kanji numeral or the number words before a counter (何ヶ月, 数ヶ所). */
static int is_kanji_num(int32_t c)
{
	switch (c) {
	case 0x3007: /* 〇 */
	case 0x4E00: /* 一 */
	case 0x4E8C: /* 二 */
	case 0x4E09: /* 三 */
	case 0x56DB: /* 四 */
	case 0x4E94: /* 五 */
	case 0x516D: /* 六 */
	case 0x4E03: /* 七 */
	case 0x516B: /* 八 */
	case 0x4E5D: /* 九 */
	case 0x5341: /* 十 */
	case 0x767E: /* 百 */
	case 0x5343: /* 千 */
	case 0x4E07: /* 万 */
	case 0x4F55: /* 何 */
	case 0x6570: /* 数 */
	case 0x5E7E: /* 幾 */ return 1;
	default: return 0;
	}
}

/* Counters written with ヶ after a number, read か: 3ヶ月, 一ヶ所, 三ヶ日. */
static int is_ka_counter(int32_t c)
{
	switch (c) {
	case 0x6708: /* 月 */
	case 0x6240: /* 所 */
	case 0x56FD: /* 国 */
	case 0x570B: /* 國 */
	case 0x5E74: /* 年 */
	case 0x6761: /* 条 */
	case 0x6751: /* 村 */
	case 0x51E6: /* 処 */
	case 0x65E5: /* 日 */ return 1;
	default: return 0;
	}
}

/* Rule 12: what a lone ヶ, ケ, ｹ or ゖ (c) becomes between prev (the last
 * code point written, 0 if none or a space came between) and next (the
 * following original code point, -1 at the end): か after a number (3ヶ月,
 * 一ヶ所; a kanji numeral only before a counter, as 八ヶ岳 is a name), が
 * after any other kanji before a kanji or the end (霞ヶ関, 宮ケ丘, and the
 * query 霞ヶ); 0 elsewhere (rules 4 and 6 make it け). */
static int32_t ke_fold(int32_t c, int32_t prev, int32_t next)
{
	if (c != 0x30F6 && c != 0x30B1 && c != 0xFF79 && c != 0x3096)
		return 0;
	if (next >= 0 && !is_han(next))
		return 0;
	if ((prev >= '0' && prev <= '9') || (is_kanji_num(prev) && (next < 0 || is_ka_counter(next))))
		return 0x304B; /* か */
	return is_han(prev) ? 0x304C /* が */ : 0;
}

/* Normalize one chunk of original code points [cs, ce); next is the code
 * point after it (-1 at the end). */
static void do_chunk(struct emit *e, const int32_t *cps, size_t cs, size_t ce, int32_t next, struct cpvec *d)
{
	struct tg_text_range span = {(uint32_t)cs, (uint32_t)ce};
	utf8proc_ssize_t r;

	if (ce == cs + 1) {
		int32_t k = ke_fold(cps[cs], e->have_out && !e->pending_space ? e->last : 0, next);
		if (k) {
			fold_emit(e, k, span, 0);
			return;
		}
	}

	/* Hangul compatibility jamo (ㅂ ㅝ) stay as they are, and half-width
	 * ones (ﾡ) become them: NFKC makes each a conjoining jamo, and a leading
	 * and a vowel jamo that come out side by side would compose into a
	 * syllable when normalized again. */
	if (ce == cs + 1) {
		int32_t c = hangul_compat(cps[cs]);
		if (c) {
			fold_emit(e, c, span, 0);
			return;
		}
	}
#ifndef TG_TEXT_NO_FAST_PATH
	/* Fast path for a lone code point that NFKC and case folding leave
	 * alone: CJK ideographs, lower-case ASCII letters and digits, and kana
	 * (whose only change is the kana fold). Most Japanese text is these,
	 * and utf8proc's general path costs ~10x more per code point.
	 * tests/unit/test_text.c checks both paths agree on every such code point. */
	if (ce == cs + 1) {
		int32_t c = cps[cs];
		if ((c >= 0x4E00 && c <= 0x9FFF) || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			fold_emit(e, c, span, 0);
			return;
		}
		if ((c >= 0x3041 && c <= 0x3096) || (c >= 0x30A1 && c <= 0x30F6)) {
			int32_t k[4];
			if (fold_kana(c, k) == 1) {
				fold_emit(e, k[0], span, 0);
				return;
			}
		}
	}
#endif
	d->n = 0;
	for (size_t i = cs; i < ce; i++) {
		for (;;) {
			cpvec_reserve(d, d->n + 32);
			r = utf8proc_decompose_char(cps[i], d->v + d->n, (utf8proc_ssize_t)(d->cap - d->n),
			                            UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD, NULL);
			if (r < 0) { /* cannot happen for valid scalar values */
				e->rc = TG_ERR_INVALID;
				return;
			}
			if ((size_t)r <= d->cap - d->n)
				break;
			cpvec_reserve(d, d->n + (size_t)r);
		}
		d->n += (size_t)r;
	}
	canonical_order(d->v, d->n);
	r = utf8proc_normalize_utf32(d->v, (utf8proc_ssize_t)d->n, UTF8PROC_COMPOSE);
	if (r < 0) {
		e->rc = TG_ERR_INVALID;
		return;
	}
	/* Kana folding can grow the chunk (ヷ -> ゔあ), so it goes to the tail
	 * of the same vector and is composed again: ㇷ゚ only becomes ぷ once
	 * ㇷ is ふ. */
	size_t base = (size_t)r, m = base;
	for (size_t i = 0; i < base; i++) {
		cpvec_reserve(d, m + 2);
		m += fold_kana(d->v[i], d->v + m);
	}
	r = utf8proc_normalize_utf32(d->v + base, (utf8proc_ssize_t)(m - base), UTF8PROC_COMPOSE);
	if (r < 0) {
		e->rc = TG_ERR_INVALID;
		return;
	}
	int based = 0;
	for (utf8proc_ssize_t i = 0; i < r; i++)
		based |= fold_emit(e, d->v[base + (size_t)i], span, based);
}

/* Rule 11: words of this field written several ways (表記ゆれ), in their
 * normalized form (after rules 1-10), each folded to one spelling. Where
 * two variants start alike the longer comes first. The spellings contain
 * no variant, so folding twice changes nothing. */
const struct tg_text_word_fold tg_text_word_folds[] = {
    {"子供", "子ども"},         {"こども", "子ども"},   {"こそだて", "子育て"},     {"おやこ", "親子"},
    {"あかちやん", "赤ちやん"}, {"あそびば", "遊び場"}, {"遊びば", "遊び場"},       {"あそび", "遊び"},
    {"ともだち", "友達"},       {"友だち", "友達"},     {"おかあさん", "お母さん"}, {"おとうさん", "お父さん"},
    {"障害", "障がい"},         {"障碍", "障がい"},
};
const size_t tg_text_n_word_folds = sizeof(tg_text_word_folds) / sizeof(tg_text_word_folds[0]);
#define word_folds   tg_text_word_folds
#define N_WORD_FOLDS tg_text_n_word_folds

/* 1 when s (at least 3 bytes) starts with the first character of a
 * variant: 子 こ お あ 遊 と 友 障. Most text has none, so nothing else is
 * compared there. The unit test folds every variant, so a word added to
 * the list with another first character fails it until it is added here. */
static inline int fold_first(const unsigned char *s)
{
	/* their third bytes (0x82 0x8A 0x8B 0x90 0x93 0x9C 0xA8), as bits of a
	 * mask: one test rejects most other characters without a branch miss */
	static const uint64_t third =
	    1ull << 0x02 | 1ull << 0x0A | 1ull << 0x0B | 1ull << 0x10 | 1ull << 0x13 | 1ull << 0x1C | 1ull << 0x28;
	if (!(third >> (s[2] & 63) & 1))
		return 0;
	switch ((uint32_t)s[0] << 16 | (uint32_t)s[1] << 8 | s[2]) {
	case 0xE5AD90: /* 子 */
	case 0xE38193: /* こ */
	case 0xE3818A: /* お */
	case 0xE38182: /* あ */
	case 0xE9818A: /* 遊 */
	case 0xE381A8: /* と */
	case 0xE58F8B: /* 友 */
	case 0xE99A9C: /* 障 */ return 1;
	default: return 0;
	}
}

/* The fold whose variant starts s[0..n), or NULL. */
static const struct tg_text_word_fold *word_fold_at(const unsigned char *s, size_t n)
{
	if (n < 6 || !fold_first(s))
		return NULL;
	for (size_t i = 0; i < N_WORD_FOLDS; i++) {
		const char *f = word_folds[i].from;
		if ((unsigned char)f[0] != s[0] || (unsigned char)f[1] != s[1] || (unsigned char)f[2] != s[2])
			continue;
		size_t fl = strlen(f);
		if (fl > n || memcmp(f, s, fl) != 0)
			continue;
		/* Not when a combining mark follows: it belongs to the last
		 * character, which would then not be the one in the table. Nor
		 * before a dash: rule 8 reads a dash after kana as ー, so 障害- ->
		 * 障がい- would become 障がいー when normalized again. */
		if (fl < n) {
			utf8proc_int32_t cp;
			if (utf8proc_iterate(s + fl, (utf8proc_ssize_t)(n - fl), &cp) > 0) {
				utf8proc_category_t cat = utf8proc_category(cp);
				if (cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC ||
				    cat == UTF8PROC_CATEGORY_ME || is_dash(cp))
					continue;
			}
		}
		return &word_folds[i];
	}
	return NULL;
}

static size_t utf8_len(unsigned char b)
{
	return b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
}

/* The value of kanji numeral s[0..3), or -1 (〇 is 0, 十 is 10). */
static int kanji_digit(const unsigned char *s)
{
	static const char *const digits[] = {"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};
	if (s[0] != 0xE3 && s[0] != 0xE4 && s[0] != 0xE5)
		return -1;
	for (int d = 0; d <= 10; d++)
		if (memcmp(s, digits[d], 3) == 0)
			return d;
	return -1;
}

/* One replacement found by next_fold: from_len bytes (from_cp code points)
 * of the text become to[0..to_len). */
struct fold_hit {
	const char *to;
	size_t to_len, from_len, from_cp;
	char buf[4];
};

/* Rule 11's block numbers: a kanji number from 1 to 99 right before 丁目, not
 * after another kanji numeral, in Arabic digits (三丁目 -> 3丁目, 二十三丁目 ->
 * 23丁目), as addresses are written both ways. */
static int chome_at(const unsigned char *s, size_t n, struct fold_hit *h)
{
	int d[3], k = 0, v;
	while (k < 3 && (size_t)(k + 1) * 3 <= n && (d[k] = kanji_digit(s + 3 * k)) >= 0)
		k++;
	if (k == 0 || (size_t)k * 3 + 6 > n || memcmp(s + 3 * k, "丁目", 6) != 0)
		return 0;
	if (k == 1)
		v = d[0]; /* 三, 十 */
	else if (k == 2 && d[0] == 10 && d[1] >= 1 && d[1] <= 9)
		v = 10 + d[1]; /* 十三 */
	else if (k == 2 && d[0] >= 2 && d[0] <= 9 && d[1] == 10)
		v = d[0] * 10; /* 二十 */
	else if (k == 3 && d[0] >= 2 && d[0] <= 9 && d[1] == 10 && d[2] >= 1 && d[2] <= 9)
		v = d[0] * 10 + d[2]; /* 二十三 */
	else
		return 0;
	if (v < 1 || v > 99)
		return 0;
	int len = snprintf(h->buf, sizeof(h->buf), "%d", v);
	h->to = h->buf;
	h->to_len = (size_t)len;
	h->from_len = (size_t)k * 3;
	h->from_cp = (size_t)k;
	return 1;
}

/* The next replacement of rule 11 in t[*i..n), scanning from *i; *prev_num
 * carries "the code point before *i is a kanji numeral" between calls. On a
 * hit, *i is where it starts; 0 at the end. */
static int next_fold(const unsigned char *t, size_t n, size_t *i, size_t *cp, int *prev_num, struct fold_hit *h)
{
	while (*i < n) {
		const unsigned char *p = t + *i;
		if (n - *i >= 6 && fold_first(p)) {
			const struct tg_text_word_fold *w = word_fold_at(p, n - *i);
			if (w) {
				h->to = w->to;
				h->to_len = strlen(w->to);
				h->from_len = strlen(w->from);
				h->from_cp = tg_text_cp_count(w->from, h->from_len);
				return 1;
			}
		}
		int num = n - *i >= 3 && kanji_digit(p) >= 0;
		if (num && !*prev_num && chome_at(p, n - *i, h))
			return 1;
		*prev_num = num;
		*i += utf8_len(*p);
		(*cp)++;
	}
	return 0;
}

/* Rule 11 over out[start..] (normalized by rules 1-10), whose code points
 * have the map entries e->map[map_start..] when e->want_map: a folded word's
 * code points all map to the original range of the variant they replace. */
static enum tg_rc fold_pass(struct tg_buf *out, size_t start, struct emit *e, size_t map_start, int *changed_out)
{
	const unsigned char *t = (const unsigned char *)out->data + start;
	size_t n = out->len - start, i = 0, cp = 0, done = 0, done_cp = 0;
	struct tg_buf nb = TG_BUF_INIT;
	struct tg_text_range *nm = NULL;
	size_t n_nm = 0, cap_nm = 0;
	enum tg_rc rc = TG_OK;
	int changed = 0;

	struct fold_hit h;
	int prev_num = 0;
	while (next_fold(t, n, &i, &cp, &prev_num, &h)) {
		size_t fl = h.from_len, tl = h.to_len, fcp = h.from_cp, tcp = tg_text_cp_count(h.to, tl);
		if (!changed) {
			changed = 1;
			if (e->want_map) {
				cap_nm = e->n_map - map_start + 16;
				nm = tg_xmalloc(cap_nm * sizeof(*nm));
			}
		}
		/* the unchanged text before the word, then the word's spelling */
		if ((rc = tg_buf_add(&nb, t + done, i - done)) || (rc = tg_buf_add(&nb, h.to, tl)))
			goto out;
		if (e->want_map) {
			size_t need = n_nm + (cp - done_cp) + tcp;
			if (need > cap_nm) {
				cap_nm = need * 2;
				nm = tg_xrealloc(nm, cap_nm * sizeof(*nm));
			}
			memcpy(nm + n_nm, e->map + map_start + done_cp, (cp - done_cp) * sizeof(*nm));
			n_nm += cp - done_cp;
			/* as many code points as the variant (こども -> 子ども, 三 -> 3):
			 * each keeps its own; else each maps to the whole variant */
			struct tg_text_range span = {e->map[map_start + cp].start,
			                             e->map[map_start + cp + fcp - 1].end};
			for (size_t k = 0; k < tcp; k++)
				nm[n_nm++] = tcp == fcp ? e->map[map_start + cp + k] : span;
		}
		i += fl;
		cp += fcp;
		done = i;
		done_cp = cp;
		prev_num = 0; /* what was replaced ends in a word or digits */
	}
	*changed_out = changed;
	if (!changed)
		return TG_OK;
	if ((rc = tg_buf_add(&nb, t + done, n - done)))
		goto out;
	if (e->want_map) {
		size_t need = n_nm + (cp - done_cp);
		if (need > cap_nm) {
			cap_nm = need;
			nm = tg_xrealloc(nm, cap_nm * sizeof(*nm));
		}
		memcpy(nm + n_nm, e->map + map_start + done_cp, (cp - done_cp) * sizeof(*nm));
		n_nm += cp - done_cp;
	}
	/* put the folded text in place of the unfolded one */
	out->len = start;
	out->data[start] = '\0';
	if ((rc = tg_buf_add(out, nb.data, nb.len)))
		goto out;
	if (e->want_map) {
		if (map_start + n_nm > e->cap_map) {
			e->cap_map = map_start + n_nm;
			e->map = tg_xrealloc(e->map, e->cap_map * sizeof(*e->map));
		}
		memcpy(e->map + map_start, nm, n_nm * sizeof(*nm));
		e->n_map = map_start + n_nm;
	}
out:
	tg_buf_release(&nb);
	free(nm);
	return rc;
}

/* Rule 11 until nothing changes: a spelling can end with the start of a
 * variant (おやこ供 -> 親子供, whose 子供 folds on a second pass), so one
 * pass is not always idempotent. Two passes settle every text of the
 * current list; the cap only guards against a future list with a cycle. */
static enum tg_rc fold_words(struct tg_buf *out, size_t start, struct emit *e, size_t map_start)
{
	enum tg_rc rc = TG_OK;
	int changed = 1;
	for (int pass = 0; pass < 4 && changed && !rc; pass++)
		rc = fold_pass(out, start, e, map_start, &changed);
	return rc;
}

static int joins_previous(int32_t prev, int32_t cp, utf8proc_int32_t *state)
{
	/* Half-width voiced marks must stay with their kana whatever the
	 * grapheme tables of the installed utf8proc say. */
	if (cp == 0xFF9E || cp == 0xFF9F || cp == 0x3099 || cp == 0x309A)
		return 1;
	return !utf8proc_grapheme_break_stateful(prev, cp, state);
}

static enum tg_rc normalize_impl(const char *s, size_t len, struct tg_buf *out, struct emit *e)
{
	struct cpvec cps = {0}, d = {0};
	size_t start_len = out->len, map_start = e->n_map;
	size_t i = 0, cs;
	utf8proc_int32_t state = 0;
	enum tg_rc rc = TG_OK;

	if (len > TEXT_MAX_INPUT)
		return TG_ERR_TOO_LARGE;
	while (i < len) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k =
		    utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &cp);
		if (k <= 0) {
			rc = TG_ERR_INVALID;
			goto out;
		}
		if (cp == 0x309B)
			cp = 0x3099; /* rule 1 */
		else if (cp == 0x309C)
			cp = 0x309A;
		cpvec_reserve(&cps, cps.n + 1);
		cps.v[cps.n++] = cp;
		i += (size_t)k;
	}
	cs = 0;
	for (size_t j = 1; j <= cps.n; j++) {
		if (j < cps.n && joins_previous(cps.v[j - 1], cps.v[j], &state))
			continue;
		do_chunk(e, cps.v, cs, j, j < cps.n ? cps.v[j] : -1, &d);
		if (e->rc) {
			rc = e->rc;
			goto out;
		}
		cs = j;
	}
	rc = fold_words(out, start_len, e, map_start);
out:
	if (rc && out->data) {
		out->len = start_len;
		out->data[start_len] = '\0';
	}
	free(cps.v);
	free(d.v);
	return rc;
}

enum tg_rc tg_text_normalize(const char *s, size_t len, struct tg_buf *out)
{
	struct emit e = {0};

	e.out = out;
	return normalize_impl(s, len, out, &e);
}

enum tg_rc tg_text_normalize_map(const char *s, size_t len, struct tg_buf *out, struct tg_arena *a,
                                 struct tg_text_range **map, size_t *n_map)
{
	struct emit e = {0};
	enum tg_rc rc;

	*map = NULL;
	*n_map = 0;
	e.out = out;
	e.want_map = 1;
	rc = normalize_impl(s, len, out, &e);
	if (rc)
		goto out;
	*map = TG_ARENA_ARRAY(a, struct tg_text_range, e.n_map ? e.n_map : 1);
	if (e.n_map)
		memcpy(*map, e.map, e.n_map * sizeof(**map));
	*n_map = e.n_map;
out:
	free(e.map);
	return rc;
}

enum tg_rc tg_text_fold_words(const char *s, size_t len, struct tg_buf *out)
{
	struct emit e = {0};
	size_t start = out->len;
	enum tg_rc rc = tg_buf_add(out, s, len);
	if (!rc)
		rc = fold_words(out, start, &e, 0);
	if (rc && out->data) {
		out->len = start;
		out->data[start] = '\0';
	}
	return rc;
}

int tg_text_has_fold(const char *s, size_t len)
{
	const unsigned char *t = (const unsigned char *)s;
	size_t i = 0, cp = 0;
	int prev_num = 0;
	struct fold_hit h;
	return next_fold(t, len, &i, &cp, &prev_num, &h);
}

size_t tg_text_cp_count(const char *s, size_t len)
{
	size_t n = 0, i = 0;

	/* eight bytes at a time: a byte starts a code point unless it is
	 * 10xxxxxx, i.e. when bit 7 is clear or bit 6 is set */
	for (; i + 8 <= len; i += 8) {
		uint64_t x;
		memcpy(&x, s + i, 8);
		x = (~x | (x << 1)) & 0x8080808080808080ull;
		x = (x >> 7) * 0x0101010101010101ull;
		n += (size_t)(x >> 56);
	}
	for (; i < len; i++)
		n += ((unsigned char)s[i] & 0xC0) != 0x80;
	return n;
}

enum tg_rc tg_text_terms(const char *q, size_t len, struct tg_arena *a, const char ***terms, size_t *n_terms)
{
	struct tg_buf nb = TG_BUF_INIT;
	const char **t = TG_ARENA_ARRAY(a, const char *, TG_TEXT_MAX_TERMS);
	size_t n = 0, i = 0;
	enum tg_rc rc;

	*terms = t;
	*n_terms = 0;
	rc = tg_text_normalize(q, len, &nb);
	if (rc || !nb.data)
		goto out;
	while (i < nb.len) {
		size_t j = i;
		while (j < nb.len && nb.data[j] != ' ')
			j++;
		if (tg_text_cp_count(nb.data + i, j - i) > TG_TEXT_MAX_TERM_CP) {
			rc = TG_ERR_TOO_LARGE;
			goto out;
		}
		int dup = 0;
		for (size_t k = 0; k < n && !dup; k++)
			dup = strlen(t[k]) == j - i && memcmp(t[k], nb.data + i, j - i) == 0;
		if (!dup) {
			if (n == TG_TEXT_MAX_TERMS) {
				rc = TG_ERR_TOO_LARGE;
				goto out;
			}
			t[n++] = tg_arena_strndup(a, nb.data + i, j - i);
		}
		i = j + 1;
	}
	*n_terms = n;
out:
	tg_buf_release(&nb);
	return rc;
}

static int range_cmp(const void *pa, const void *pb)
{
	const struct tg_text_range *x = pa, *y = pb;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->end < y->end ? -1 : x->end > y->end;
}

enum tg_rc tg_text_norm_make(const char *original, size_t len, struct tg_arena *a, struct tg_text_norm *out)
{
	struct tg_buf nb = TG_BUF_INIT;
	memset(out, 0, sizeof(*out));
	enum tg_rc rc = tg_text_normalize_map(original, len, &nb, a, &out->map, &out->n_map);
	if (!rc) {
		out->text = tg_arena_strndup(a, nb.data ? nb.data : "", nb.len);
		out->len = nb.len;
	}
	tg_buf_release(&nb);
	return rc;
}

enum tg_rc tg_text_highlight(const char *original, size_t len, const char *const *terms, size_t n_terms,
                             struct tg_arena *a, struct tg_text_range **ranges, size_t *n_ranges)
{
	struct tg_arena scratch = TG_ARENA_INIT;
	struct tg_text_norm nrm;
	enum tg_rc rc;

	*ranges = TG_ARENA_ARRAY(a, struct tg_text_range, 1);
	*n_ranges = 0;
	if (n_terms == 0) /* nothing to mark: skip the normalization, the costly part */
		return tg_valid_utf8(original, len) ? TG_OK : TG_ERR_INVALID;
	rc = tg_text_norm_make(original, len, &scratch, &nrm);
	if (!rc)
		rc = tg_text_highlight_norm(&nrm, terms, n_terms, a, ranges, n_ranges, NULL);
	tg_arena_release(&scratch);
	return rc;
}

/* First occurrence of n in h, anchored on n's last byte (see memfind.h). */
static const char *find_bytes(const char *h, size_t hl, const char *n, size_t nl)
{
	return tg_memfind(h, hl, n, nl, nl ? nl - 1 : 0);
}

int tg_text_norm_contains(const struct tg_text_norm *nrm, const char *term)
{
	size_t tl = term ? strlen(term) : 0;
	return tl && nrm->text && find_bytes(nrm->text, nrm->len, term, tl) != NULL;
}

/* Sort ranges by (start, end): insertion sort for the usual handful. */
static void sort_ranges(struct tg_text_range *r, size_t n)
{
	if (n > 16) {
		qsort(r, n, sizeof(*r), range_cmp);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		struct tg_text_range x = r[i];
		size_t j = i;
		while (j > 0 && range_cmp(&r[j - 1], &x) > 0) {
			r[j] = r[j - 1];
			j--;
		}
		r[j] = x;
	}
}

enum tg_rc tg_text_highlight_norm(const struct tg_text_norm *nrm, const char *const *terms, size_t n_terms,
                                  struct tg_arena *a, struct tg_text_range **ranges, size_t *n_ranges, uint32_t *found)
{
	const char *text = nrm->text;
	size_t len = nrm->len;
	const struct tg_text_range *map = nrm->map;
	struct tg_text_range local[32], *acc = local;
	size_t n_acc = 0, cap_acc = sizeof(local) / sizeof(local[0]), m = 0;

	*ranges = TG_ARENA_ARRAY(a, struct tg_text_range, 1);
	*n_ranges = 0;
	if (!text || len == 0 || n_terms == 0)
		return TG_OK;
	for (size_t t = 0; t < n_terms; t++) {
		size_t tl = terms[t] ? strlen(terms[t]) : 0;
		size_t from = 0, at = 0, cp = 0; /* cp = code points before byte at */
		if (tl == 0)
			continue;
		size_t term_cp = tg_text_cp_count(terms[t], tl);
		while (from + tl <= len) {
			const char *p = find_bytes(text + from, len - from, terms[t], tl);
			if (!p)
				break;
			if (found && t < 32)
				*found |= 1u << t;
			/* a match of a valid UTF-8 term starts and ends on code point
			 * boundaries: [cs, cs + term_cp) in normalized code points */
			size_t o = (size_t)(p - text);
			cp += tg_text_cp_count(text + at, o - at);
			at = o;
			if (n_acc == cap_acc) {
				cap_acc *= 2;
				if (acc == local) {
					acc = tg_xmalloc(cap_acc * sizeof(*acc));
					memcpy(acc, local, sizeof(local));
				} else {
					acc = tg_xrealloc(acc, cap_acc * sizeof(*acc));
				}
			}
			acc[n_acc].start = map[cp].start;
			acc[n_acc].end = map[cp + term_cp - 1].end;
			n_acc++;
			/* Next search starts one code point later: overlapping matches
			 * ("ああ" in "あああ") all count. */
			from = o + 1;
			while (from < len && ((unsigned char)text[from] & 0xC0) == 0x80)
				from++;
		}
	}
	if (n_acc == 0)
		goto out;
	sort_ranges(acc, n_acc);
	for (size_t i = 1; i < n_acc; i++) {
		if (acc[i].start <= acc[m].end) {
			if (acc[i].end > acc[m].end)
				acc[m].end = acc[i].end;
		} else {
			acc[++m] = acc[i];
		}
	}
	*ranges = tg_arena_alloc_uninit(a, (m + 1) * sizeof(struct tg_text_range));
	memcpy(*ranges, acc, (m + 1) * sizeof(*acc));
	*n_ranges = m + 1;
out:
	if (acc != local)
		free(acc);
	return TG_OK;
}

/* Byte offset of code point index cp in valid UTF-8 s[0..len). */
static size_t byte_of_cp(const char *s, size_t len, size_t cp)
{
	size_t i = 0, c = 0;

	for (; i < len; i++) {
		if (((unsigned char)s[i] & 0xC0) != 0x80) {
			if (c == cp)
				return i;
			c++;
		}
	}
	return len;
}

enum tg_rc tg_text_snippet(const char *original, size_t len, const char *const *terms, size_t n_terms, size_t max_cp,
                           struct tg_arena *a, char **snippet, struct tg_text_range **ranges, size_t *n_ranges)
{
	return tg_text_snippet_norm(original, len, NULL, terms, n_terms, max_cp, a, snippet, ranges, n_ranges);
}

/* The window of the snippet around hl[0] (see tg_text_snippet), cut from
 * original (total code points); cp_off, when not NULL, gives the byte
 * offset of every code point. */
static enum tg_rc snippet_cut(const char *original, size_t len, size_t total, const uint32_t *cp_off,
                              const struct tg_text_range *hl, size_t n_hl, size_t max_cp, struct tg_arena *a,
                              char **snippet, struct tg_text_range **ranges, size_t *n_ranges)
{
	static const char ellipsis[] = "\xE2\x80\xA6"; /* … U+2026 */
	struct tg_text_range *res;
	size_t start = 0, end, bs, be, n = 0, shift;
	char *p;

	if (n_hl > 0) {
		size_t lead = max_cp / 3;
		start = hl[0].start > lead ? hl[0].start - lead : 0;
	}
	end = start + max_cp < total ? start + max_cp : total;
	if (end - start < max_cp)
		start = end > max_cp ? end - max_cp : 0;
	bs = cp_off ? cp_off[start] : byte_of_cp(original, len, start);
	be = cp_off ? cp_off[end] : byte_of_cp(original, len, end);
	p = tg_arena_alloc_uninit(a, (be - bs) + 2 * (sizeof(ellipsis) - 1) + 1);
	*snippet = p;
	if (start > 0) {
		memcpy(p, ellipsis, sizeof(ellipsis) - 1);
		p += sizeof(ellipsis) - 1;
	}
	memcpy(p, original + bs, be - bs);
	p += be - bs;
	if (end < total) {
		memcpy(p, ellipsis, sizeof(ellipsis) - 1);
		p += sizeof(ellipsis) - 1;
	}
	*p = '\0';
	shift = start > 0 ? 1 : 0;
	res = tg_arena_alloc_uninit(a, (n_hl ? n_hl : 1) * sizeof(struct tg_text_range));
	for (size_t i = 0; i < n_hl; i++) {
		if (hl[i].end <= start || hl[i].start >= end)
			continue;
		size_t s0 = hl[i].start > start ? hl[i].start : start;
		size_t e0 = hl[i].end < end ? hl[i].end : end;
		res[n].start = (uint32_t)(s0 - start + shift);
		res[n].end = (uint32_t)(e0 - start + shift);
		n++;
	}
	*ranges = res;
	*n_ranges = n;
	return TG_OK;
}

enum tg_rc tg_text_snippet_norm(const char *original, size_t len, const struct tg_text_norm *nrm,
                                const char *const *terms, size_t n_terms, size_t max_cp, struct tg_arena *a,
                                char **snippet, struct tg_text_range **ranges, size_t *n_ranges)
{
	struct tg_text_range *hl;
	size_t n_hl;
	enum tg_rc rc;

	*snippet = NULL;
	*ranges = NULL;
	*n_ranges = 0;
	if (max_cp == 0)
		return TG_ERR_INVALID;
	rc = nrm && n_terms ? tg_text_highlight_norm(nrm, terms, n_terms, a, &hl, &n_hl, NULL)
	                    : tg_text_highlight(original, len, terms, n_terms, a, &hl, &n_hl);
	if (rc)
		return rc;
	return snippet_cut(original, len, tg_text_cp_count(original, len), NULL, hl, n_hl, max_cp, a, snippet, ranges,
	                   n_ranges);
}

enum tg_rc tg_text_snip_src_make(const char *original, size_t len, struct tg_arena *a, struct tg_text_snip_src *out)
{
	memset(out, 0, sizeof(*out));
	enum tg_rc rc = tg_text_norm_make(original, len, a, &out->nrm);
	if (rc)
		return rc;
	size_t n = tg_text_cp_count(original, len), c = 0;
	uint32_t *off = TG_ARENA_ARRAY(a, uint32_t, n + 1);
	for (size_t i = 0; i < len; i++)
		if (((unsigned char)original[i] & 0xC0) != 0x80)
			off[c++] = (uint32_t)i;
	off[n] = (uint32_t)len;
	out->text = original;
	out->len = len;
	out->cp_off = off;
	out->n_cp = n;
	return TG_OK;
}

enum tg_rc tg_text_snippet_src(const struct tg_text_snip_src *src, const char *const *terms, size_t n_terms,
                               size_t max_cp, struct tg_arena *a, char **snippet, struct tg_text_range **ranges,
                               size_t *n_ranges, uint32_t *found)
{
	struct tg_text_range *hl;
	size_t n_hl;

	*snippet = NULL;
	*ranges = NULL;
	*n_ranges = 0;
	if (max_cp == 0)
		return TG_ERR_INVALID;
	tg_text_highlight_norm(&src->nrm, terms, n_terms, a, &hl, &n_hl, found);
	return snippet_cut(src->text, src->len, src->n_cp, src->cp_off, hl, n_hl, max_cp, a, snippet, ranges, n_ranges);
}
