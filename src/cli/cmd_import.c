/*
 * cmd_import.c - `tsunagu import`: load a municipality's open-data facility
 * CSV or an HSDS 3 JSON file, all or nothing, with a report of every
 * rejected row. Re-importing the same file changes nothing.
 */
#include <errno.h>
#include <getopt.h>

#include "app/app.h"
#include "cli/cli.h"
#include "io/import.h"
#include "util/buf.h"

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: tsunagu import [--db URL] [--tenant CODE] --format jp-facilities|hsds [--dry-run] [--private]\n"
	        "                      [--org-id N | --org-name NAME] [--json] FILE\n"
	        "\n"
	        "Imports FILE (Shift_JIS or UTF-8 with or without BOM for CSV). Every row is checked\n"
	        "first; if any row is rejected nothing is written and each rejected row is listed\n"
	        "with its line, column and reason (exit 1). Rows are matched by their source id, so\n"
	        "importing the same file again changes nothing.\n"
	        "\n"
	        "  --tenant CODE   the tenant to import into (default $TSUNAGU_TENANT, else \"default\")\n"
	        "  --format F      jp-facilities (自治体標準オープンデータセット 子育て施設一覧) or hsds\n"
	        "  --dry-run       check only, write nothing\n"
	        "  --private       imported resources are not public (default: public)\n"
	        "  --org-id N      organization for rows that name none (default: none; such rows are rejected)\n"
	        "  --org-name NAME the same, by exact name\n"
	        "  --json          print the report as JSON (docs/api.md ImportReport)\n");
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct tg_buf b;
	tg_buf_init(&b, (size_t)1 << 30);
	char chunk[1 << 16];
	size_t n;
	int bad = 0;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (tg_buf_add(&b, chunk, n)) {
			bad = 1;
			break;
		}
	if (ferror(f))
		bad = 1;
	fclose(f);
	if (bad) {
		tg_buf_release(&b);
		return NULL;
	}
	return tg_buf_detach(&b, len);
}

int cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},     {"format", required_argument, NULL, 'f'},
	    {"dry-run", no_argument, NULL, 'n'},      {"private", no_argument, NULL, 'p'},
	    {"org-id", required_argument, NULL, 'o'}, {"org-name", required_argument, NULL, 'O'},
	    {"json", no_argument, NULL, 'j'},         {"help", no_argument, NULL, 'h'},
	    {"tenant", required_argument, NULL, 'T'}, {NULL, 0, NULL, 0},
	};
	const char *db_arg = NULL, *format = NULL, *org_name = NULL, *tenant = NULL;
	long long org_id = 0;
	int dry = 0, private_ = 0, as_json = 0, c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db_arg = optarg; break;
		case 'f': format = optarg; break;
		case 'n': dry = 1; break;
		case 'p': private_ = 1; break;
		case 'o': {
			char *end;
			errno = 0;
			org_id = strtoll(optarg, &end, 10);
			if (errno || !*optarg || *end || org_id <= 0)
				return tg_cli_usage_error(
				    NULL, "import: --org-id needs a numeric organization id, got '%s'", optarg);
			break;
		}
		case 'O': org_name = optarg; break;
		case 'j': as_json = 1; break;
		case 'T': tenant = optarg; break;
		case 'h': usage(stdout); return TG_EXIT_OK;
		default: usage(stderr); return TG_EXIT_USAGE;
		}
	}
	if (!format || (strcmp(format, "jp-facilities") && strcmp(format, "hsds"))) {
		fprintf(stderr, "tsunagu: --format must be jp-facilities or hsds\n");
		usage(stderr);
		return TG_EXIT_USAGE;
	}
	if (optind != argc - 1) {
		usage(stderr);
		return TG_EXIT_USAGE;
	}
	if (tg_cli_check_db_url(tg_cli_db_url(db_arg)))
		return TG_EXIT_USAGE;
	const char *path = argv[optind];
	size_t len;
	char *data = slurp(path, &len);
	if (!data)
		return tg_cli_error("cannot read %s", path);

	int ret = TG_EXIT_ERROR;
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_app app;
	int app_ok = 0;
	struct tg_db *db = tg_cli_open_db(tg_cli_db_url(db_arg), 0);
	if (!db)
		goto out;
	int applied;
	if (db->ops->migrate(db, &applied)) {
		tg_cli_error("migration failed: %s", db->ops->errmsg(db));
		goto out;
	}
	if (tg_cli_use_tenant(db, tenant))
		goto out;
	if (tg_app_init(&app, tg_cli_db_url(db_arg), db)) {
		tg_cli_error("cannot read reference data");
		goto out;
	}
	app_ok = 1;
	if (org_name) {
		struct tg_org o;
		if (db->ops->org_find_by_name(db, &a, org_name, &o)) {
			tg_cli_error("no organization named '%s'", org_name);
			goto out;
		}
		org_id = o.id;
	} else if (org_id) {
		struct tg_org o;
		if (db->ops->org_get(db, &a, org_id, &o)) {
			tg_cli_error("no organization with id %lld", org_id);
			goto out;
		}
	}
	struct tg_import_options o;
	tg_import_options_init(&o);
	o.dry_run = dry;
	o.make_public = !private_;
	o.default_org_id = org_id;
	o.search_text = tg_app_import_search_text;
	o.search_text_ctx = &app;
	struct tg_import_report rep;
	enum tg_rc rc = tg_import_run(db, format, data, len, &o, &a, &rep);
	if (as_json) {
		json_t *j = tg_import_report_to_json(&rep);
		char *s = json_dumps(j, JSON_INDENT(2));
		printf("%s\n", s ? s : "{}");
		free(s);
		json_decref(j);
	} else {
		printf("%s: %s, %s%s\n", path, rep.format ? rep.format : format, rep.encoding ? rep.encoding : "?",
		       dry ? " (dry run)" : "");
		printf("  rows %zu, created %zu, updated %zu, unchanged %zu, rejected %zu\n", rep.rows, rep.created,
		       rep.updated, rep.unchanged, rep.rejected);
		for (size_t i = 0; i < rep.n_errors; i++)
			printf("  line %zu%s%s: %s\n", rep.errors[i].line,
			       rep.errors[i].column && *rep.errors[i].column ? ", " : "",
			       rep.errors[i].column ? rep.errors[i].column : "", rep.errors[i].message);
	}
	if (rc == TG_ERR_INVALID || rc == TG_ERR_UNSUPPORTED) {
		if (!as_json)
			fprintf(stderr, "tsunagu: import rejected; nothing was written\n");
		goto out;
	}
	if (rc) {
		tg_cli_error("import failed (%s)", tg_rc_code(rc));
		goto out;
	}
	ret = TG_EXIT_OK;
out:
	if (app_ok)
		tg_app_release(&app);
	if (db)
		db->ops->close(db);
	tg_arena_release(&a);
	free(data);
	return ret;
}
