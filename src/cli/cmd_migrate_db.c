/*
 * cmd_migrate_db.c - `tsunagu migrate-db --from URL --to URL [--force]`:
 * copy a whole deployment between databases (SQLite -> PostgreSQL when a
 * ward grows, and back), verified by per-table row counts and SHA-256
 * checksums (store/copy.h), printed as a table.
 *
 * The command prepares the destination (creates the SQLite file, or with
 * --force replaces it / drops the tsunagu tables of a PostgreSQL database;
 * applies the migrations) and refuses a destination that holds data or is at
 * another schema version than the source. The copy itself, its verification
 * and the all-or-nothing transaction are tg_copy_run()'s. A SQLite file this
 * command created is removed again when the copy fails.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/copy.h"
#include "store/migrations.h"

static const char usage[] = "usage: tsunagu migrate-db --from URL --to URL [--force]\n"
                            "\n"
                            "Copies every table of the database --from into the database --to, e.g.\n"
                            "  tsunagu migrate-db --from sqlite:data/tsunagu.db --to postgresql://tsunagu@db/tsunagu\n"
                            "  tsunagu migrate-db --from postgresql://tsunagu@db/tsunagu --to sqlite:data/back.db\n"
                            "\n"
                            "The destination gets the same schema and must hold no data: a new SQLite file,\n"
                            "or an existing PostgreSQL database that is empty or only migrated. The copy is\n"
                            "one transaction; every table's row count and SHA-256 checksum are compared on\n"
                            "both sides before it commits, and printed. Stop the server during the copy.\n"
                            "\n"
                            "  --from URL   the database to copy (read only; sqlite:PATH, PATH, postgresql://...)\n"
                            "  --to URL     the new database\n"
                            "  --force      replace a destination that holds data (SQLite: delete the file;\n"
                            "               PostgreSQL: drop the tsunagu tables first)\n"
                            "\n"
                            "Exit status: 0 copied and verified, 1 refused or failed (nothing written),\n"
                            "2 bad usage.\n";

static const char *sqlite_path(const char *url)
{
	return strncmp(url, "sqlite:", 7) == 0 ? url + 7 : url;
}

/* Remove a SQLite file and its WAL side files. */
static void remove_sqlite(const char *path)
{
	char side[4096];
	unlink(path);
	if (snprintf(side, sizeof(side), "%s-wal", path) < (int)sizeof(side))
		unlink(side);
	if (snprintf(side, sizeof(side), "%s-shm", path) < (int)sizeof(side))
		unlink(side);
}

static int newest_schema(void)
{
	int v = 0;
	for (size_t i = 0; i < tg_n_migrations; i++)
		if (tg_migrations[i].version > v)
			v = tg_migrations[i].version;
	return v;
}

static void hex(const unsigned char *sum, char *out)
{
	for (int i = 0; i < TG_COPY_SUM_LEN; i++)
		snprintf(out + 2 * i, 3, "%02x", sum[i]);
}

static void print_report(const struct tg_copy_report *rep)
{
	char hs[2 * TG_COPY_SUM_LEN + 1], hd[2 * TG_COPY_SUM_LEN + 1];
	if (!rep->n)
		return;
	printf("%-22s %12s %12s  %-64s  %s\n", "table", "source rows", "dest rows", "sha256", "");
	for (size_t i = 0; i < rep->n; i++) {
		const struct tg_copy_table_report *t = &rep->t[i];
		int same =
		    t->checked && t->src_rows == t->dst_rows && memcmp(t->src_sum, t->dst_sum, TG_COPY_SUM_LEN) == 0;
		if (!t->copied)
			continue;
		hex(t->src_sum, hs);
		if (!t->checked) {
			printf("%-22s %12lld %12s  %-64s  %s\n", t->name, (long long)t->src_rows, "-", hs,
			       "not verified");
			continue;
		}
		printf("%-22s %12lld %12lld  %-64s  %s\n", t->name, (long long)t->src_rows, (long long)t->dst_rows, hs,
		       same ? "ok" : "MISMATCH");
		if (!same) {
			hex(t->dst_sum, hd);
			printf("%-22s %12s %12s  %-64s  %s\n", "", "", "", hd, "(destination)");
		}
	}
}

int cmd_migrate_db(int argc, char **argv)
{
	const char *from = NULL, *to = NULL;
	int force = 0, created = 0, rc = TG_EXIT_ERROR;
	struct tg_db *src = NULL, *dst = NULL;
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_copy_report rep = {0};
	char err[512];
	for (int i = 1; i < argc; i++) {
		int m;
		if (tg_cli_is_help(argv[i])) {
			fputs(usage, stdout);
			return TG_EXIT_OK;
		}
		if ((m = tg_cli_opt(argc, argv, &i, "--from", &from)) != 0 ||
		    (m = tg_cli_opt(argc, argv, &i, "--to", &to)) != 0) {
			if (m < 0)
				return TG_EXIT_USAGE;
			continue;
		}
		if (strcmp(argv[i], "--force") == 0) {
			force = 1;
			continue;
		}
		return tg_cli_usage_error(usage, "migrate-db: unexpected argument '%s'", argv[i]);
	}
	if (!from || !*from || !to || !*to)
		return tg_cli_usage_error(usage, "migrate-db: --from and --to are both required");
	if (tg_cli_check_db_url(from) || tg_cli_check_db_url(to))
		return TG_EXIT_USAGE;
	int dst_server = tg_db_url_is_server(to);
	const char *dpath = sqlite_path(to);
	struct stat sf, sd;
	if (strcmp(from, to) == 0 || (!tg_db_url_is_server(from) && !dst_server && stat(sqlite_path(from), &sf) == 0 &&
	                              stat(dpath, &sd) == 0 && sf.st_dev == sd.st_dev && sf.st_ino == sd.st_ino))
		return tg_cli_usage_error(usage, "migrate-db: --from and --to name the same database");

	/* the source: read only, and at this program's schema version */
	if (!(src = tg_cli_open_db(from, 0)))
		goto out;
	int sver = 0, dver = 0, applied = 0, newest = newest_schema();
	if (src->ops->schema_version(src, &sver)) {
		rc = tg_cli_error("source: %s", src->ops->errmsg(src));
		goto out;
	}
	if (sver == 0) {
		rc = tg_cli_error("the source holds no tsunagu database");
		goto out;
	}
	if (sver != newest) {
		rc = tg_cli_error("the source is at schema version %d, this tsunagu's is %d: %s", sver, newest,
		                  sver < newest ? "start this version's `tsunagu serve` on it once to migrate it first"
		                                : "use a newer tsunagu");
		goto out;
	}

	/* the destination: new or empty, then migrated */
	if (!dst_server && access(dpath, F_OK) == 0) {
		struct stat st;
		if (force) {
			remove_sqlite(dpath);
			created = 1;
		} else if (stat(dpath, &st) == 0 && st.st_size > 0) {
			rc = tg_cli_error("%s exists; use --force to replace it", dpath);
			goto out;
		}
	} else if (!dst_server) {
		created = 1;
	}
	if (!(dst = tg_cli_open_db(to, 1)))
		goto out;
	if (dst->ops->schema_version(dst, &dver)) {
		rc = tg_cli_error("destination: %s", dst->ops->errmsg(dst));
		goto out;
	}
	if (dver > 0 && force && dst->ops->drop_all) {
		if (dst->ops->drop_all(dst)) {
			rc = tg_cli_error("destination: %s", dst->ops->errmsg(dst));
			goto out;
		}
		dver = 0;
	}
	if (dver > 0 && dver != sver) {
		rc = tg_cli_error(
		    "the destination is at schema version %d, the source at %d; use --force to replace it", dver, sver);
		goto out;
	}
	if (dst->ops->migrate(dst, &applied)) {
		rc = tg_cli_error("destination: migration failed: %s", dst->ops->errmsg(dst));
		goto out;
	}

	enum tg_rc crc = tg_copy_run(src, dst, &a, &rep, err, sizeof(err));
	print_report(&rep);
	if (crc) {
		rc = tg_cli_error("%s", err);
		goto out;
	}
	printf("copied %zu tables from %s to %s; counts and checksums match\n", rep.n, src->ops->name, dst->ops->name);
	rc = TG_EXIT_OK;
out:
	tg_db_close(src);
	tg_db_close(dst);
	tg_arena_release(&a);
	if (rc && created)
		remove_sqlite(dpath); /* leave nothing half made behind */
	return rc;
}
