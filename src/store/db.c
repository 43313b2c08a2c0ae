/*
 * db.c - tg_db_open(): chooses the store implementation from a URL, and the
 * small tg_db_* shorthands declared in store.h.
 *
 *   "sqlite:PATH", "sqlite://PATH" (sqlite:///abs/path) or a plain path
 *                                   -> tg_sqlite_open(PATH)
 *   "postgresql://..." / "postgres://..." -> tg_pg_open(url) (libpq URL)
 *   any other "scheme://..."        -> refused (tg_db_url_check)
 *
 * Invariant: on failure tg_db_open returns NULL and err holds a message
 * (Japanese first, English in parentheses) that never contains a password
 * from the URL.
 */
#include "store/store.h"

#include <stdio.h>
#include <string.h>

static int has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

int tg_db_url_is_server(const char *url)
{
	return url && (has_prefix(url, "postgresql://") || has_prefix(url, "postgres://"));
}

int tg_db_url_check(const char *url, char *err, size_t errlen)
{
	size_t n = 0;
	if (!url || tg_db_url_is_server(url) || has_prefix(url, "sqlite:"))
		return 0;
	/* RFC 3986 scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) */
	if ((url[0] >= 'a' && url[0] <= 'z') || (url[0] >= 'A' && url[0] <= 'Z'))
		while ((url[n] >= 'a' && url[n] <= 'z') || (url[n] >= 'A' && url[n] <= 'Z') ||
		       (url[n] >= '0' && url[n] <= '9') || url[n] == '+' || url[n] == '-' || url[n] == '.')
			n++;
	if (n == 0 || strncmp(url + n, "://", 3) != 0)
		return 0;
	snprintf(err, errlen,
	         "対応していないデータベースURLです (unsupported database URL scheme '%.*s://': use a file path, "
	         "sqlite:PATH or postgresql://...)",
	         (int)(n > 32 ? 32 : n), url);
	return -1;
}

struct tg_db *tg_db_open(const char *url, int create, char *err, size_t errlen)
{
	struct tg_db *db = NULL;
	if (errlen)
		err[0] = '\0';
	if (!url || !*url) {
		snprintf(err, errlen, "データベースの指定がありません (no database given)");
		goto out;
	}
	if (tg_db_url_check(url, err, errlen))
		goto out;
	if (tg_db_url_is_server(url)) {
		db = tg_pg_open(url, create, err, errlen);
		goto out;
	}
	if (has_prefix(url, "sqlite://"))
		url += strlen("sqlite://");
	else if (has_prefix(url, "sqlite:"))
		url += strlen("sqlite:");
	if (!*url) {
		snprintf(err, errlen, "データベースのパスが空です (empty database path)");
		goto out;
	}
	db = tg_sqlite_open(url, create, err, errlen);
out:
	return db;
}

enum tg_rc tg_db_begin(struct tg_db *db)
{
	return db->ops->begin(db);
}

enum tg_rc tg_db_commit(struct tg_db *db)
{
	return db->ops->commit(db);
}

void tg_db_rollback(struct tg_db *db)
{
	db->ops->rollback(db);
}

void tg_db_close(struct tg_db *db)
{
	if (db)
		db->ops->close(db);
}
