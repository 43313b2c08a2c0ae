/* timefmt.h - UTC timestamps as the store keeps them ("YYYY-MM-DDTHH:MM:SSZ"). */
#ifndef TG_TIMEFMT_H
#define TG_TIMEFMT_H

#include <time.h>

#define TG_ISO_LEN 21

/* Write t (UTC) as ISO 8601 into out. */
void tg_time_iso(time_t t, char out[TG_ISO_LEN]);
/* Today's date in Japan (YYYY-MM-DD) for t. */
void tg_date_jst(time_t t, char out[11]);
/* Days between two YYYY-MM-DD dates (b - a); 0 on malformed input. */
long tg_days_between(const char *a, const char *b);

#endif
