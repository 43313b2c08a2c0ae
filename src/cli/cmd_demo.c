/*
 * cmd_demo.c - `tsunagu demo`: create a database filled with the demo ward
 * (data/demo/demo.json) and print how much it loaded (the accounts are in the
 * usage text; scripts/run.sh lists them for `make run`).
 */
#include <getopt.h>
#include <limits.h>
#include <unistd.h>

#include "app/demo.h"
#include "cli/cli.h"

/* The fictional ward of data/demo/demo.json: the default tenant's name. */
#define DEMO_TENANT_NAME "みなと市さくら区"

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: tsunagu demo [--db PATH] [--data FILE] [--force]\n"
	        "       tsunagu demo [--db PATH] [--data FILE] --tenant CODE\n"
	        "\n"
	        "Creates a new database with the demo data of the fictional みなと市さくら区\n"
	        "(organizations, demo accounts for every role, about fifty places and programs)\n"
	        "and prints how many areas, organizations, users and places it loaded. The\n"
	        "default data's accounts are admin, coord, staff_a, staff_b, volunteer and\n"
	        "viewer, each with the password tsunagu-demo-2026. With --tenant, loads the\n"
	        "same data into that tenant of an existing database instead (the tenant must\n"
	        "hold no organization yet; create it with tsunagu tenant add).\n"
	        "\n"
	        "  --db PATH     database to create (default $TSUNAGU_DB, else %s)\n"
	        "  --data FILE   demo data (default: data/demo/demo.json next to the binary)\n"
	        "  --force       replace an existing database file (PostgreSQL: drop the\n"
	        "                tsunagu tables of a non-empty database first)\n",
	        TG_DEFAULT_DB);
}

static void default_data(char *out, size_t n)
{
	char exe[PATH_MAX];
	ssize_t k = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (k > 0) {
		exe[k] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			int m = snprintf(out, n, "%s/../data/demo/demo.json", exe);
			if (m > 0 && (size_t)m < n && access(out, R_OK) == 0)
				return;
		}
	}
	snprintf(out, n, "data/demo/demo.json");
}

/* Load the demo data into db's current tenant and print what was made
 * under `heading`; 0 or 1. */
static int load_into(struct tg_db *db, const char *url, const char *data, const char *heading)
{
	char err[512];
	struct tg_app app;
	struct tg_demo_summary sum;
	int ret = 1;
	if (tg_app_init(&app, url, db)) {
		fprintf(stderr, "tsunagu demo: cannot read reference data\n");
		tg_app_release(&app);
		return 1;
	}
	err[0] = '\0';
	if (tg_demo_load(&app, db, data, &sum, err, sizeof(err))) {
		fprintf(stderr, "tsunagu demo: %s\n", err[0] ? err : "loading the demo data failed");
	} else {
		printf("%s\n", heading);
		printf("  %zu areas, %zu organizations, %zu users, %zu resources\n", sum.areas, sum.orgs, sum.users,
		       sum.resources);
		ret = 0;
	}
	tg_app_release(&app);
	return ret;
}

/* Load the demo data into an existing, empty tenant of an existing database. */
static int demo_into_tenant(const char *url, const char *data, const char *tenant)
{
	int applied = 0, ret = 1;
	int64_t n_orgs = 0;
	struct tg_db *db = tg_cli_open_db(url, 0);
	if (!db)
		return 1;
	if (db->ops->migrate(db, &applied)) {
		fprintf(stderr, "tsunagu demo: migration failed: %s\n", db->ops->errmsg(db));
		goto out;
	}
	if (tg_cli_use_tenant(db, tenant))
		goto out;
	if (db->ops->org_count(db, &n_orgs)) {
		fprintf(stderr, "tsunagu demo: %s\n", db->ops->errmsg(db));
		goto out;
	}
	if (n_orgs > 0) {
		fprintf(stderr,
		        "tsunagu demo: tenant '%s' already has organizations; demo data goes into an empty tenant\n",
		        tenant);
		goto out;
	}
	char heading[128];
	snprintf(heading, sizeof(heading), "demo data loaded into tenant %s", tenant);
	ret = load_into(db, url, data, heading);
out:
	tg_db_close(db);
	return ret;
}

int cmd_demo(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},     {"data", required_argument, NULL, 'f'},
	    {"force", no_argument, NULL, 'F'},        {"help", no_argument, NULL, 'h'},
	    {"tenant", required_argument, NULL, 'T'}, {NULL, 0, NULL, 0},
	};
	const char *db_arg = NULL, *data = NULL, *tenant = NULL;
	int force = 0, c;
	char data_buf[PATH_MAX + 32], err[512];
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db_arg = optarg; break;
		case 'f': data = optarg; break;
		case 'F': force = 1; break;
		case 'T': tenant = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}
	const char *url = tg_cli_db_url(db_arg);
	if (tg_cli_check_db_url(url))
		return TG_EXIT_USAGE;
	if (!data) {
		default_data(data_buf, sizeof(data_buf));
		data = data_buf;
	}
	const char *path = strncmp(url, "sqlite:", 7) == 0 ? url + 7 : url;
	int server = tg_db_url_is_server(url);
	if (tenant) {
		if (force) {
			fprintf(stderr,
			        "tsunagu demo: --force replaces a whole database; it does not go with --tenant\n");
			return 2;
		}
		return demo_into_tenant(url, data, tenant);
	}
	if (!server && access(path, F_OK) == 0) {
		if (!force) {
			fprintf(stderr, "tsunagu demo: %s exists; use --force to replace it\n", path);
			return 1;
		}
		char side[PATH_MAX + 8];
		unlink(path);
		snprintf(side, sizeof(side), "%s-wal", path);
		unlink(side);
		snprintf(side, sizeof(side), "%s-shm", path);
		unlink(side);
	}
	struct tg_db *db = tg_db_open(url, 1, err, sizeof(err));
	if (!db) {
		fprintf(stderr, "tsunagu demo: %s\n", err);
		return 1;
	}
	int applied, ret = 1;
	if (server) {
		/* A server database is not a file to replace: it must be empty, or
		 * --force drops the tsunagu tables first (drop_all). */
		int version = 0;
		if (db->ops->schema_version(db, &version)) {
			fprintf(stderr, "tsunagu demo: %s\n", db->ops->errmsg(db));
			goto out;
		}
		if (version > 0 && !force) {
			fprintf(stderr,
			        "tsunagu demo: the database already holds tsunagu data; use --force to replace it\n");
			goto out;
		}
		if (version > 0 && db->ops->drop_all(db)) {
			fprintf(stderr, "tsunagu demo: %s\n", db->ops->errmsg(db));
			goto out;
		}
	}
	if (db->ops->migrate(db, &applied)) {
		fprintf(stderr, "tsunagu demo: migration failed: %s\n", db->ops->errmsg(db));
		goto out;
	}
	if (tg_cli_use_tenant(db, "default") || tg_cli_name_tenant(db, "default", DEMO_TENANT_NAME))
		goto out;
	snprintf(err, sizeof(err), "demo database: %s", path);
	ret = load_into(db, url, data, err);
out:
	db->ops->close(db);
	if (ret && !server && access(path, F_OK) == 0) {
		/* leave nothing half made behind */
		unlink(path);
	}
	return ret;
}
