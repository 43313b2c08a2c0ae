/*
 * cmd_export.c - `tsunagu export`: the whole directory as HSDS 3 JSON or
 * CSV, for an administrator (so confidential locations are included unless
 * --public is given, which writes what an anonymous family may see).
 */
#include <getopt.h>

#include "app/app.h"
#include "cli/cli.h"
#include "app/export.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: tsunagu export [--db URL] [--tenant CODE] --format hsds|csv [--public] [-o FILE]\n"
	           "\n"
	           "Writes every resource as HSDS 3 services (JSON array) or as CSV (UTF-8 with BOM,\n"
	           "the 自治体標準オープンデータセット columns plus tsunagu's own). A confidential\n"
	           "place's address, coordinates and phone are never written (its front-door contact\n"
	           "is): a file leaves tsunagu's access rules. `tsunagu backup` copies everything.\n"
	           "\n"
	           "  --tenant CODE  the tenant to export (default $TSUNAGU_TENANT, else \"default\")\n"
	           "  --public    only public resources (what families see)\n"
	           "  -o FILE     write to FILE instead of standard output\n");
}

int cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"format", required_argument, NULL, 'f'},
	    {"public", no_argument, NULL, 'p'},
	    {"output", required_argument, NULL, 'o'},
	    {"help", no_argument, NULL, 'h'},
	    {"tenant", required_argument, NULL, 'T'},
	    {NULL, 0, NULL, 0},
	};
	const char *db_arg = NULL, *format = NULL, *output = NULL, *tenant = NULL;
	int public_only = 0, c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db_arg = optarg; break;
		case 'f': format = optarg; break;
		case 'p': public_only = 1; break;
		case 'o': output = optarg; break;
		case 'T': tenant = optarg; break;
		case 'h': usage(stdout); return TG_EXIT_OK;
		default: usage(stderr); return TG_EXIT_USAGE;
		}
	}
	if (!format || (strcmp(format, "hsds") && strcmp(format, "csv")) || optind != argc) {
		fprintf(stderr, "tsunagu: --format must be hsds or csv\n");
		usage(stderr);
		return TG_EXIT_USAGE;
	}
	if (tg_cli_check_db_url(tg_cli_db_url(db_arg)))
		return TG_EXIT_USAGE;
	int csv = !strcmp(format, "csv");
	int ret = TG_EXIT_ERROR;
	struct tg_app app;
	int app_ok = 0;
	FILE *out = stdout;
	struct tg_buf buf;
	tg_buf_init(&buf, (size_t)1 << 30);
	struct tg_db *db = tg_cli_open_db(tg_cli_db_url(db_arg), 0);
	if (!db)
		goto done;
	int applied = 0;
	if (db->ops->migrate(db, &applied)) {
		tg_cli_error("migration failed: %s", db->ops->errmsg(db));
		goto done;
	}
	if (tg_cli_use_tenant(db, tenant))
		goto done;
	if (tg_app_init(&app, tg_cli_db_url(db_arg), db)) {
		tg_cli_error("cannot read reference data");
		goto done;
	}
	app_ok = 1;
	size_t count = 0;
	enum tg_rc rc = tg_app_export(&app, db, csv, public_only, NULL, NULL, &buf, &count);
	if (rc) {
		tg_cli_error("export failed (%s)", tg_rc_code(rc));
		goto done;
	}
	if (output && !(out = fopen(output, "wb"))) {
		out = stdout;
		tg_cli_error("cannot write %s", output);
		goto done;
	}
	if (fwrite(buf.data, 1, buf.len, out) != buf.len || fflush(out)) {
		tg_cli_error("write failed");
		goto done;
	}
	fprintf(stderr, "tsunagu: exported %zu resources\n", count);
	ret = TG_EXIT_OK;
done:
	if (out != stdout)
		fclose(out);
	tg_buf_release(&buf);
	if (app_ok)
		tg_app_release(&app);
	if (db)
		db->ops->close(db);
	return ret;
}
