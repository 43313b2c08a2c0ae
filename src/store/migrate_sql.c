/*
 * migrate_sql.c - the text of a migration for one database.
 *
 * A migration file is portable SQL. Where the two databases cannot share a
 * statement (SQLite rebuilds a table where PostgreSQL alters it), the file
 * has sections, each started by a line of its own:
 *   -- @both        (the default before any marker)
 *   -- @sqlite
 *   -- @postgresql
 * tg_migration_sql() keeps the lines of the sections for `dialect` and of
 * "both", and blanks the others (line numbers in error messages stay those
 * of the file). test_pg_migrate checks that both give the same schema.
 */
#include "store/store.h"

#include <string.h>

#include "util/buf.h"

static int marker(const char *line, size_t n, const char *name)
{
	size_t k = strlen(name);
	return n >= 4 + k && memcmp(line, "-- @", 4) == 0 && memcmp(line + 4, name, k) == 0 &&
	       (n == 4 + k || line[4 + k] == ' ' || line[4 + k] == '\r' || line[4 + k] == '\t');
}

char *tg_migration_sql(const char *sql, const char *dialect)
{
	struct tg_buf b = TG_BUF_INIT;
	int keep = 1;
	const char *p = sql;
	while (*p) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (marker(p, n, "both"))
			keep = 1;
		else if (marker(p, n, "sqlite"))
			keep = strcmp(dialect, "sqlite") == 0;
		else if (marker(p, n, "postgresql"))
			keep = strcmp(dialect, "postgresql") == 0;
		if (keep)
			tg_buf_add(&b, p, n);
		if (!e)
			break;
		tg_buf_addc(&b, '\n');
		p = e + 1;
	}
	return tg_buf_detach(&b, NULL);
}
