/* rc.c - names and HTTP statuses of enum tg_rc. */
#include "util/rc.h"

const char *tg_rc_code(enum tg_rc rc)
{
	switch (rc) {
	case TG_OK: return "ok";
	case TG_ERR_INVALID: return "invalid";
	case TG_ERR_NOT_FOUND: return "not_found";
	case TG_ERR_FORBIDDEN: return "forbidden";
	case TG_ERR_UNAUTHORIZED: return "unauthorized";
	case TG_ERR_CONFLICT: return "conflict";
	case TG_ERR_TOO_LARGE: return "too_large";
	case TG_ERR_RATE_LIMITED: return "rate_limited";
	case TG_ERR_UNSUPPORTED: return "unsupported_media_type";
	case TG_ERR_IO: return "io_error";
	case TG_ERR_DB: return "database_error";
	case TG_ERR_BUSY: return "busy";
	case TG_ERR_INTERNAL: return "internal";
	}
	return "internal";
}

int tg_rc_http_status(enum tg_rc rc)
{
	switch (rc) {
	case TG_OK: return 200;
	case TG_ERR_INVALID: return 400;
	case TG_ERR_NOT_FOUND: return 404;
	case TG_ERR_FORBIDDEN: return 403;
	case TG_ERR_UNAUTHORIZED: return 401;
	case TG_ERR_CONFLICT: return 409;
	case TG_ERR_TOO_LARGE: return 413;
	case TG_ERR_RATE_LIMITED: return 429;
	case TG_ERR_UNSUPPORTED: return 415;
	case TG_ERR_BUSY: return 503;
	case TG_ERR_IO:
	case TG_ERR_DB:
	case TG_ERR_INTERNAL: return 500;
	}
	return 500;
}
