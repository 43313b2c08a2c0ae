/*
 * rc.h - the one result type of tsunagu.
 *
 * Every fallible internal function returns enum tg_rc. TG_OK is zero so
 * callers can write `if (rc) goto out;`. The HTTP layer maps each code to a
 * status and a JSON error with tg_rc_http_status() / tg_rc_code().
 */
#ifndef TG_RC_H
#define TG_RC_H

enum tg_rc {
	TG_OK = 0,
	TG_ERR_INVALID,      /* input failed validation (400/422) */
	TG_ERR_NOT_FOUND,    /* unknown id (404) */
	TG_ERR_FORBIDDEN,    /* authenticated but not allowed (403) */
	TG_ERR_UNAUTHORIZED, /* no valid session (401) */
	TG_ERR_CONFLICT,     /* stale version, duplicate key (409) */
	TG_ERR_TOO_LARGE,    /* body or field over its cap (413) */
	TG_ERR_RATE_LIMITED, /* login throttling (429) */
	TG_ERR_UNSUPPORTED,  /* unsupported media type / format (415) */
	TG_ERR_IO,           /* file or network error */
	TG_ERR_DB,           /* database error (500) */
	TG_ERR_BUSY,         /* database busy / serialization failure, retryable (503) */
	TG_ERR_INTERNAL,     /* programmer error (500) */
};

/* Stable machine-readable code, e.g. "invalid", "not_found". */
const char *tg_rc_code(enum tg_rc rc);
/* HTTP status for the code. */
int tg_rc_http_status(enum tg_rc rc);

#endif
