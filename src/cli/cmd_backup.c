/*
 * cmd_backup.c - `tsunagu backup [--db PATH] DEST`: an online, consistent
 * copy of the database into a new file (store backup op; the server may
 * keep running). Refuses an existing DEST; the copy is created mode 0600.
 */
#include "cli/cli.h"

#include <string.h>

static const char usage[] = "usage: tsunagu backup [--db PATH] DEST\n"
                            "\n"
                            "Copies the database to the new file DEST while the server keeps running.\n"
                            "DEST must not exist. The copy is readable by its owner only.\n";

int cmd_backup(int argc, char **argv)
{
	const char *db_opt = NULL, *dest = NULL;
	struct tg_db *db = NULL;
	int rc = TG_EXIT_OK;
	for (int i = 1; i < argc; i++) {
		int m;
		if (tg_cli_is_help(argv[i])) {
			fputs(usage, stdout);
			return TG_EXIT_OK;
		}
		if ((m = tg_cli_opt(argc, argv, &i, "--db", &db_opt)) != 0) {
			if (m < 0)
				return TG_EXIT_USAGE;
			continue;
		}
		if (argv[i][0] == '-' || dest)
			return tg_cli_usage_error(usage, "backup: unexpected argument '%s'", argv[i]);
		dest = argv[i];
	}
	if (!dest)
		return tg_cli_usage_error(usage, "backup: missing DEST");
	if (tg_cli_check_db_url(tg_cli_db_url(db_opt)))
		return TG_EXIT_USAGE;
	db = tg_cli_open_db(tg_cli_db_url(db_opt), 0);
	if (!db)
		return TG_EXIT_ERROR;
	if (db->ops->backup(db, dest) != TG_OK) {
		rc = tg_cli_error("%s", db->ops->errmsg(db));
		goto out;
	}
	printf("backup written to %s\n", dest);
out:
	tg_db_close(db);
	return rc;
}
