/*
 * text.h - Japanese text normalization for search: one folding used for the
 * indexed text (resources.search_text), for query terms and for locating
 * matches in the original text (highlights, snippets). Pure: no I/O, no
 * global state, thread safe.
 *
 * Folding rules, applied in this order to every grapheme-sized chunk of the
 * input (a chunk is a base character plus everything Unicode says attaches
 * to it, so that composition never crosses a chunk and each output code
 * point can be traced back to the chunk it came from):
 *  1. U+309B/U+309C (spacing ゛゜) are read as the combining marks U+3099/
 *     U+309A, so "か゛" folds like "が".
 *  2. NFKC: full-width ASCII and digits become half-width (ＨＩＲＯＢＡ ->
 *     HIROBA, １２ -> 12), half-width katakana become full-width (ﾋﾛﾊﾞ ->
 *     ヒロバ, the voiced mark is composed), ideographic space U+3000 becomes
 *     U+0020, compatibility forms (①, ㈱, ㌔) expand. Exception: Hangul
 *     compatibility jamo (ㄱ..ㆎ) are kept and half-width ones (ﾡ) become
 *     them, as conjoining jamo from two chunks would compose on a second
 *     pass.
 *  3. Case folding (Unicode full case folding): HIROBA -> hiroba, ß -> ss.
 *  4. Katakana -> hiragana: U+30A1..U+30F6 -> U+3041..U+3096 (ヴ -> ゔ),
 *     katakana iteration marks ヽヾ -> ゝゞ. Iteration marks are never
 *     expanded (ゝ stays ゝ).
 *  5. ヷヸヹヺ -> ゔぁ ゔぃ ゔぇ ゔぉ (then rule 6 makes them ゔあ ...), so they
 *     fold like the common spelling ヴァ ヴィ ヴェ ヴォ.
 *  6. Small kana -> large: ぁぃぅぇぉ っ ゃゅょ ゎ ゕ(->か) ゖ(->け), and the
 *     small katakana extensions U+31F0..U+31FF (ㇰ -> く ...).
 *  7. Old kana: ゐ -> い, ゑ -> え (ヰ ヱ via rule 4).
 *  8. Long vowel: ー (and ｰ, via NFKC) is kept. A dash variant directly after
 *     a kana or ー (- ‐ ‑ ‒ – — ― − ─ ━ and full-width －, which NFKC makes
 *     '-') becomes ー, so "ケ－キ", "ケ―キ" and "ケーキ" all fold to "けーき";
 *     elsewhere dashes stay ("045-123" keeps its '-').
 *  9. Whitespace (Unicode White_Space incl. U+3000, TAB, CR, LF) runs become
 *     one ASCII space; leading and trailing whitespace is dropped.
 * 10. Other control characters (Cc) and format characters (Cf: ZWSP, ZWJ,
 *     BOM, soft hyphen) are dropped, so the output never contains the search
 *     field separator 0x1F nor NUL. A combining mark whose base was dropped
 *     or is a space is dropped too (keeps normalization idempotent).
 * 11. Words of this field that are written several ways (表記ゆれ) fold to
 *     one spelling, wherever they occur in the output of rules 1-10:
 *     子供 こども -> 子ども, こそだて -> 子育て, おやこ -> 親子, あかちゃん ->
 *     赤ちゃん, あそびば 遊びば -> 遊び場, あそび -> 遊び,
 *     ともだち 友だち -> 友達, おかあさん -> お母さん, おとうさん -> お父さん,
 *     障害 障碍 -> 障がい (not before a combining mark or a dash); and a block
 *     number in kanji from 1 to 99 right before 丁目, not after another kanji
 *     numeral, becomes Arabic digits (三丁目 -> 3丁目, 二十三丁目 -> 23丁目;
 *     ３丁目 is 3丁目 by rule 2). So "こども食堂",
 *     "子供食堂" and "子ども食堂" find each other, and a one-character query
 *     such as 子 still finds all three. A spelling as long as its variant
 *     maps code point to code point (子 in こども marks こ); otherwise each of
 *     its code points maps to the whole variant (子 in 子供 … marks 子供).
 *     The list is tg_text_word_folds; changing it changes what stored
 *     search texts mean, which tg_text_fold_words brings up to date.
 * 12. A lone ヶ, ケ, ｹ or ゖ, which place names and counters write for が
 *     and か, is read from its neighbours in the input: after a number (an
 *     Arabic digit, or a kanji numeral or 何 数 幾 before a counter 月 所
 *     国 年 条 村 処 日) and before a kanji or the end, か (3ヶ月 3ケ月 一ヶ所
 *     -> 3か月 3か月 一か所, like 3カ月 and 3ヵ月 by rules 4 and 6); after
 *     any other kanji (or 々) and before a kanji or the end, が (霞ヶ関 霞ケ関
 *     -> 霞が関, 八ヶ岳 -> 八が岳; the end lets the query 霞ヶ find 霞ヶ関);
 *     elsewhere rules 4 and 6 make it け (ケーキ, 大ケガ). It needs the
 *     original text (け between kanji in hiragana is okurigana: 受け付け),
 *     so stored texts from before it are rebuilt (search.h
 *     TG_SEARCH_TEXT_VERSION). One code point for one: highlights are exact.
 * Invalid UTF-8 (overlong forms, surrogates, truncated sequences, values
 * above U+10FFFF) is rejected with TG_ERR_INVALID; nothing is appended.
 *
 * Code point positions: all positions and ranges in this API count Unicode
 * code points (not bytes), matching the JSON API's highlight ranges.
 */
#ifndef TG_TEXT_H
#define TG_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/mem.h"
#include "util/rc.h"

/* Caps for query terms (tg_text_terms). */
#define TG_TEXT_MAX_TERMS   16
#define TG_TEXT_MAX_TERM_CP 64

/* A half-open range [start, end) of code points. */
struct tg_text_range {
	uint32_t start, end;
};

/* Normalize s[0..len) and APPEND the result (UTF-8) to out. Input longer
 * than 1 GiB is TG_ERR_TOO_LARGE; out's own cap gives TG_ERR_TOO_LARGE too.
 * On error out is left as it was. */
enum tg_rc tg_text_normalize(const char *s, size_t len, struct tg_buf *out);

/* Same as tg_text_normalize, and also sets *map to an array (from arena a)
 * with one entry per code point appended to out: the range of ORIGINAL code
 * points that produced it. Several output code points may share one range
 * (㌔ -> キロ), and one output code point may cover several originals
 * (ﾊﾞ -> ば). *n_map is the number of code points appended. */
enum tg_rc tg_text_normalize_map(const char *s, size_t len, struct tg_buf *out, struct tg_arena *a,
                                 struct tg_text_range **map, size_t *n_map);

/* Split a user query into normalized terms: normalize, split on spaces,
 * drop exact duplicates (first occurrence kept, order kept). *terms is an
 * arena array of NUL-terminated strings. More than TG_TEXT_MAX_TERMS terms
 * or a term over TG_TEXT_MAX_TERM_CP code points is TG_ERR_TOO_LARGE;
 * invalid UTF-8 is TG_ERR_INVALID. An empty or blank query gives 0 terms. */
enum tg_rc tg_text_terms(const char *q, size_t len, struct tg_arena *a, const char ***terms, size_t *n_terms);

/* Where any of the normalized terms occurs in the ORIGINAL text: sorted,
 * merged (overlapping or touching ranges joined) [start, end) ranges in code
 * points of original. Terms must be normalized (from tg_text_terms); empty
 * terms are ignored. Arrays come from arena a. */
enum tg_rc tg_text_highlight(const char *original, size_t len, const char *const *terms, size_t n_terms,
                             struct tg_arena *a, struct tg_text_range **ranges, size_t *n_ranges);

/* A window of at most max_cp code points of original around the first
 * match (about a third of the window before it), with "…" prepended and/or
 * appended where the text was cut (so the snippet has at most max_cp + 2
 * code points). Without a match the window starts at the beginning. The
 * highlight ranges are in code points of the returned snippet. max_cp must
 * be >= 1. *snippet is NUL-terminated, from arena a (an original with
 * embedded NUL bytes, which no database string has, yields a snippet whose
 * strlen stops early). */
enum tg_rc tg_text_snippet(const char *original, size_t len, const char *const *terms, size_t n_terms, size_t max_cp,
                           struct tg_arena *a, char **snippet, struct tg_text_range **ranges, size_t *n_ranges);

/* A text normalized once, with its position map, for marking matches in it
 * again and again (the server caches these for its hot resources). */
struct tg_text_norm {
	const char *text;          /* normalized, NUL-terminated */
	size_t len;                /* bytes of text */
	struct tg_text_range *map; /* per normalized code point: original range */
	size_t n_map;
};

/* Normalize original into *out (all memory from a). TG_ERR_INVALID for
 * invalid UTF-8. */
enum tg_rc tg_text_norm_make(const char *original, size_t len, struct tg_arena *a, struct tg_text_norm *out);
/* tg_text_highlight over a prepared text: the same ranges, no normalizing.
 * found, when not NULL, gets bit t set for each of the first 32 terms that
 * occurs (others left alone). */
enum tg_rc tg_text_highlight_norm(const struct tg_text_norm *nrm, const char *const *terms, size_t n_terms,
                                  struct tg_arena *a, struct tg_text_range **ranges, size_t *n_ranges, uint32_t *found);
/* 1 when the normalized term occurs in the prepared text (terms as from
 * tg_text_terms). */
int tg_text_norm_contains(const struct tg_text_norm *nrm, const char *term);
/* tg_text_snippet with nrm = tg_text_norm_make(original) done beforehand
 * (nrm may be NULL: then it is tg_text_snippet). */
enum tg_rc tg_text_snippet_norm(const char *original, size_t len, const struct tg_text_norm *nrm,
                                const char *const *terms, size_t n_terms, size_t max_cp, struct tg_arena *a,
                                char **snippet, struct tg_text_range **ranges, size_t *n_ranges);

/* An original text prepared once for cutting snippets again and again: its
 * normalization and the byte offset of every code point (the server keeps
 * one with each cached description). */
struct tg_text_snip_src {
	const char *text; /* the original (not copied: must outlive this) */
	size_t len;
	struct tg_text_norm nrm;
	const uint32_t *cp_off; /* n_cp + 1 entries; cp_off[n_cp] = len */
	size_t n_cp;
};

/* Fill *out for original (memory from a). TG_ERR_INVALID for invalid UTF-8. */
enum tg_rc tg_text_snip_src_make(const char *original, size_t len, struct tg_arena *a, struct tg_text_snip_src *out);
/* tg_text_snippet(src->text, src->len, …): the same snippet and ranges;
 * found as for tg_text_highlight_norm (terms anywhere in the text, not only
 * in the snippet). */
enum tg_rc tg_text_snippet_src(const struct tg_text_snip_src *src, const char *const *terms, size_t n_terms,
                               size_t max_cp, struct tg_arena *a, char **snippet, struct tg_text_range **ranges,
                               size_t *n_ranges, uint32_t *found);

/* Rule 11's list: a variant (normalized by rules 1-10) and its spelling. */
struct tg_text_word_fold {
	const char *from, *to;
};
extern const struct tg_text_word_fold tg_text_word_folds[];
extern const size_t tg_text_n_word_folds;

/* Append s[0..len), text normalized before rule 11 existed (or since),
 * with rule 11 applied: for a search text stored by an older version, the
 * same text tg_text_normalize now gives. Separators (0x1F) are kept. */
enum tg_rc tg_text_fold_words(const char *s, size_t len, struct tg_buf *out);
/* 1 when rule 11 would change normalized text s[0..len). */
int tg_text_has_fold(const char *s, size_t len);

/* Number of code points in valid UTF-8 s[0..len). */
size_t tg_text_cp_count(const char *s, size_t len);

#endif
