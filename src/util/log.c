/*
 * log.c - one key=value line per event (see log.h for the rule about
 * personal data).
 *
 * Invariants: level and stream are process-wide and set at start-up (the
 * atomics only keep concurrent readers well defined); a line is at most
 * LINE_MAX_BYTES, longer pair text is cut and marked with "...".
 */
#include "util/log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#define LINE_MAX_BYTES 2048

static atomic_int cur_level = TG_LOG_INFO;
static _Atomic(FILE *) cur_stream = NULL;

static const char *const level_names[] = {"debug", "info", "warn", "error"};

void tg_log_set_level(enum tg_log_level level)
{
	if (level >= TG_LOG_DEBUG && level <= TG_LOG_ERROR)
		atomic_store(&cur_level, (int)level);
}

enum tg_log_level tg_log_get_level(void)
{
	return (enum tg_log_level)atomic_load(&cur_level);
}

int tg_log_parse_level(const char *s, enum tg_log_level *out)
{
	for (int i = 0; i < 4; i++) {
		if (s && strcmp(s, level_names[i]) == 0) {
			*out = (enum tg_log_level)i;
			return 0;
		}
	}
	return -1;
}

void tg_log_set_stream(FILE *f)
{
	atomic_store(&cur_stream, f);
}

void tg_log(enum tg_log_level level, const char *event, const char *fmt, ...)
{
	char line[LINE_MAX_BYTES];
	char ts[32];
	struct tm tm;
	time_t now;
	size_t len;
	int n;
	FILE *out;
	if ((int)level < atomic_load(&cur_level) || level > TG_LOG_ERROR)
		return;
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	n = snprintf(line, sizeof(line), "ts=%s level=%s event=%s", ts, level_names[level], event ? event : "unknown");
	len = n < 0 ? 0 : (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;
	if (fmt && *fmt && len < sizeof(line) - 2) {
		va_list ap;
		line[len++] = ' ';
		va_start(ap, fmt);
		n = vsnprintf(line + len, sizeof(line) - len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n >= sizeof(line) - len) {
			len = sizeof(line) - 1;
			memcpy(line + len - 3, "...", 3); /* truncated */
		} else if (n >= 0) {
			len += (size_t)n;
		}
	}
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			line[i] = '?';
	line[len++] = '\n';
	out = atomic_load(&cur_stream);
	if (!out)
		out = stderr;
	fwrite(line, 1, len, out);
	fflush(out);
}
