/*
 * log.h - structured logging: one line of key=value pairs per event on
 * stderr (or a stream set for tests), e.g.
 *
 *   ts=2025-04-01T09:00:00Z level=info event=http.request status=200 ms=3
 *
 * THE RULE: never log personal data, passwords, tokens, session ids, or
 * free text a user typed (names, addresses, consultation notes, search
 * queries). Log only ids, codes, counts and durations: user_id=12, not
 * login=hanako; rc=conflict, not the row. Database error text is allowed
 * because store errmsg() never contains row data.
 *
 * Invariants: an event is written with one fwrite, so lines from several
 * threads do not interleave; control characters in the formatted pairs are
 * replaced with '?' so one event is always exactly one line.
 */
#ifndef TG_LOG_H
#define TG_LOG_H

#include <stdio.h>

enum tg_log_level {
	TG_LOG_DEBUG = 0,
	TG_LOG_INFO,
	TG_LOG_WARN,
	TG_LOG_ERROR,
};

/* Events below this level are dropped (default TG_LOG_INFO). */
void tg_log_set_level(enum tg_log_level level);
enum tg_log_level tg_log_get_level(void);
/* "debug" | "info" | "warn" | "error" -> 0 and *out; -1 for anything else. */
int tg_log_parse_level(const char *s, enum tg_log_level *out);
/* Write to f instead of stderr (NULL restores stderr); for tests. */
void tg_log_set_stream(FILE *f);

/* Log event (a dotted code such as "db.open") with extra pairs formatted
 * from fmt, which should read "key=%s key2=%d"; fmt may be NULL. */
void tg_log(enum tg_log_level level, const char *event, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#define tg_log_debug(event, ...) tg_log(TG_LOG_DEBUG, (event), __VA_ARGS__)
#define tg_log_info(event, ...)  tg_log(TG_LOG_INFO, (event), __VA_ARGS__)
#define tg_log_warn(event, ...)  tg_log(TG_LOG_WARN, (event), __VA_ARGS__)
#define tg_log_error(event, ...) tg_log(TG_LOG_ERROR, (event), __VA_ARGS__)

#endif
