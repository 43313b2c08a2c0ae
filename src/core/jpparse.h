/*
 * jpparse.h - parsing the free-text fields of Japanese open data (pure).
 *
 * All functions take a slice (s, len) of UTF-8 text, never write to it,
 * fold full-width ASCII first (see tg_jp_fold) and trim spaces. They
 * return 0 on success and -1 when the text is not understood; an empty
 * (all-space) input returns 1 ("not given") and leaves outputs alone.
 * Inputs longer than TG_JP_MAX_TEXT bytes are refused (-1).
 */
#ifndef TG_JPPARSE_H
#define TG_JPPARSE_H

#include <stddef.h>

#define TG_JP_MAX_TEXT 512

/*
 * Fold full-width ASCII (U+FF01..U+FF5E, so ０-９, ：, ～) to ASCII, the
 * ideographic space U+3000 to ' ', the wave dash U+301C to '~', and the
 * dashes U+2010..U+2015 and U+2212 to '-'. Writes at most len bytes to out
 * (the folded text is never longer) and returns the folded length; out
 * needs room for len bytes (it is not NUL-terminated).
 */
size_t tg_jp_fold(const char *s, size_t len, char *out);

/*
 * 利用可能曜日 -> bit mask, bit d for weekday d (0 = Sunday .. 6 = Saturday,
 * 7 = TG_WEEKDAY_HOLIDAY). Understands day characters 日月火水木金土 with
 * optional 曜/曜日, 祝/祝日/祝祭日/休日 (holiday), 平日 (月-金), 毎日 (every day
 * and holidays), 週末/土日, ranges with ~ - から (月～金, wrapping 金～月),
 * separators ・、,/ and spaces, と/及び, and exclusions with 除く/以外:
 * "土日祝除く" = Monday..Friday, "月～金（祝日を除く）" = Monday..Friday.
 * Whatever precedes 除く in the same clause (parentheses start a clause)
 * is excluded; with nothing else included, the base is every day.
 */
int tg_jp_parse_weekdays(const char *s, size_t len, unsigned *mask);

/*
 * 開始時間/終了時間 -> minutes after midnight (0..1440). "9:00", "09:00",
 * "9:00:00" (seconds must be 00), "９時", "9時30分", "9時半", "24:00".
 */
int tg_jp_parse_time(const char *s, size_t len, int *minutes);

/*
 * 受入年齢 -> [min, max] in months, -1 = no bound. A term is
 *   N歳 / N歳児 / 満N歳 / Nか月 (ヶ月, カ月, ケ月, ヵ月, ヶ月児) / 生後N日 /
 *   生後Nか月 / 就学前 / 小学生 / 中学生
 * and the text is a term, a range "A～B" / "AからB" (A may be a bare
 * number taking B's unit: "0～5歳"), or a term with 以上 / 以下 / まで / 未満 /
 * ～. As a lower bound N歳 is N*12 months and 生後N日 is N/30 (completed
 * months: 生後57日 = 1). As an upper bound N歳 means "until the next
 * birthday": N*12+11 ("0歳～5歳" = 0..71). N歳児 (nursery class age) is
 * treated like N歳. 就学前 (before primary school) is an upper bound of 83
 * months: a child stays 就学前 until the April after its sixth birthday,
 * so it can be 6 years 11 months old. 小学生 = 72..155, 中学生 = 144..191.
 * "満3歳以上" = 36..-1.
 */
int tg_jp_parse_ages(const char *s, size_t len, int *min_months, int *max_months);

/* 一時預かりの有無 -> 1 (有, あり, 有り, 実施, ○, 〇, yes, 1) or 0 (無, なし,
 * 無し, 未実施, ×, -, no, 0). */
int tg_jp_parse_yesno(const char *s, size_t len, int *yes);

#endif
