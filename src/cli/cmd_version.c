/*
 * cmd_version.c - `tsunagu version`: the program version (TG_VERSION) and
 * the versions of the libraries actually loaded at run time, which is what
 * matters when reporting a bug.
 */
#include "cli/cli.h"

#include <jansson.h>
#include <libpq-fe.h>
#include <microhttpd.h>
#include <sodium.h>
#include <sqlite3.h>

#include "store/migrations.h"

static const char usage[] = "usage: tsunagu version\n\nPrints the versions of tsunagu and its libraries.\n";

int cmd_version(int argc, char **argv)
{
	int schema = 0;
	for (int i = 1; i < argc; i++) {
		if (tg_cli_is_help(argv[i])) {
			fputs(usage, stdout);
			return TG_EXIT_OK;
		}
		return tg_cli_usage_error(usage, "version: unexpected argument '%s'", argv[i]);
	}
	for (size_t i = 0; i < tg_n_migrations; i++)
		if (tg_migrations[i].version > schema)
			schema = tg_migrations[i].version;
	printf("tsunagu %s (schema %d)\n", TG_VERSION, schema);
	printf("SQLite %s\n", sqlite3_libversion());
	printf("libmicrohttpd %s\n", MHD_get_version());
	printf("jansson %s\n", jansson_version_str());
	printf("libsodium %s\n", sodium_version_string());
	int pq = PQlibVersion(); /* 150010 = 15.10 (since PostgreSQL 10: major * 10000 + minor) */
	printf("libpq %d.%d\n", pq / 10000, pq % 10000);
	return TG_EXIT_OK;
}
