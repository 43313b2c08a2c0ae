/*
 * cmd_init.c - `tsunagu init`: create a new database, apply the migrations,
 * and optionally create the first organization (the secretariat, 事務局)
 * and its admin user.
 *
 * Invariants: never touches an existing non-empty database file; reads and
 * checks the admin password before creating anything; the organization,
 * the admin user and the audit entry are written in one transaction, and a
 * database file this command created is removed again when it fails.
 */
#include "cli/cli.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/validate.h"
#include "util/password.h"

static const char usage[] = "usage: tsunagu init [--db PATH] [--name MUNICIPALITY] [--org-name NAME]\n"
                            "                    [--admin-login LOGIN [--admin-name NAME]\n"
                            "                     [--admin-password-file FILE | --password-stdin]]\n"
                            "\n"
                            "Creates a new database (refuses an existing non-empty file) and applies\n"
                            "the schema. The database starts with one tenant, \"default\", named\n"
                            "--name (e.g. みなと市さくら区; more tenants: tsunagu tenant add). With --admin-login, "
                            "also creates the secretariat organization\n"
                            "(--org-name, default 事務局) and an admin user in it; the password is read\n"
                            "from FILE, from standard input, or asked on the terminal.\n";

/* The file path of a SQLite URL, or NULL for a server URL. */
static const char *file_path(const char *url)
{
	if (strncmp(url, "postgres", 8) == 0)
		return NULL;
	if (strncmp(url, "sqlite:", 7) == 0)
		return url + 7;
	return url;
}

static void remove_db_files(const char *path)
{
	char p[4096];
	unlink(path);
	if (snprintf(p, sizeof(p), "%s-wal", path) < (int)sizeof(p))
		unlink(p);
	if (snprintf(p, sizeof(p), "%s-shm", path) < (int)sizeof(p))
		unlink(p);
}

/* Make the missing directories above path, like mkdir -p; each one made here
 * is private (0700), existing ones are left as they are. */
static int ensure_parent(const char *path)
{
	char *dir = tg_xstrdup(path);
	char *slash = strrchr(dir, '/');
	int rc = 0;
	if (!slash || slash == dir) {
		free(dir);
		return 0;
	}
	*slash = '\0';
	for (char *p = dir + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		struct stat sb;
		*p = '\0';
		if (stat(dir, &sb) != 0) {
			if (mkdir(dir, 0700) != 0 && errno != EEXIST)
				rc = tg_cli_error("cannot create directory %s: %s", dir, strerror(errno));
		} else if (!S_ISDIR(sb.st_mode)) {
			rc = tg_cli_error("cannot create the database in %s: not a directory", dir);
		}
		*p = c;
		if (rc || !c)
			break;
	}
	free(dir);
	return rc;
}

int cmd_init(int argc, char **argv)
{
	const char *db_opt = NULL, *tenant_name = NULL, *org_name = NULL, *login = NULL, *admin_name = NULL,
	           *pw_file = NULL;
	int pw_stdin = 0, created = 0, rc = TG_EXIT_OK, applied = 0, version = 0;
	char pw[TG_PASSWORD_MAX_LEN + 2];
	char hash[TG_PASSWORD_HASH_MAX];
	const char *path;
	struct tg_db *db = NULL;
	struct stat sb;
	pw[0] = '\0';
	for (int i = 1; i < argc; i++) {
		int m;
		if (tg_cli_is_help(argv[i])) {
			fputs(usage, stdout);
			return TG_EXIT_OK;
		}
		if ((m = tg_cli_opt(argc, argv, &i, "--db", &db_opt)) ||
		    (m = tg_cli_opt(argc, argv, &i, "--org-name", &org_name)) ||
		    (m = tg_cli_opt(argc, argv, &i, "--name", &tenant_name)) ||
		    (m = tg_cli_opt(argc, argv, &i, "--admin-login", &login)) ||
		    (m = tg_cli_opt(argc, argv, &i, "--admin-name", &admin_name)) ||
		    (m = tg_cli_opt(argc, argv, &i, "--admin-password-file", &pw_file))) {
			if (m < 0)
				return TG_EXIT_USAGE;
			continue;
		}
		if (strcmp(argv[i], "--password-stdin") == 0) {
			pw_stdin = 1;
			continue;
		}
		return tg_cli_usage_error(usage, "init: unknown argument '%s'", argv[i]);
	}
	if (!login && (pw_file || pw_stdin || admin_name))
		return tg_cli_usage_error(usage, "init: the admin options need --admin-login");
	if (pw_file && pw_stdin)
		return tg_cli_usage_error(usage, "init: give either --admin-password-file or --password-stdin");
	if (login && !tg_valid_login(login))
		return tg_cli_usage_error(usage, "init: invalid login '%s' (3-64 of A-Z a-z 0-9 . _ @ -)", login);
	if (org_name && tg_blank(org_name))
		return tg_cli_usage_error(usage, "init: --org-name must not be empty or only spaces");
	if (tenant_name && (tg_blank(tenant_name) || strlen(tenant_name) > 200))
		return tg_cli_usage_error(usage, "init: --name must be 1-200 bytes, not only spaces");

	const char *url = tg_cli_db_url(db_opt);
	if (tg_cli_check_db_url(url))
		return TG_EXIT_USAGE;
	path = file_path(url);
	if (path && stat(path, &sb) == 0 && sb.st_size > 0)
		return tg_cli_error("%s already exists and is not empty; refusing to overwrite it", path);
	if (login) {
		rc = tg_cli_read_password(pw_file, pw_stdin, 1, pw, sizeof(pw));
		if (rc)
			goto out;
		if (tg_password_hash(pw, hash) != TG_OK) {
			rc = tg_cli_error("cannot hash the password");
			goto out;
		}
	}
	if (path) {
		rc = ensure_parent(path);
		if (rc)
			goto out;
		created = stat(path, &sb) != 0;
	}
	db = tg_cli_open_db(url, 1);
	if (!db) {
		rc = TG_EXIT_ERROR;
		goto out;
	}
	if (!path) {
		/* A server database is not a file: refuse one that already holds
		 * tsunagu's tables, as for a non-empty file. */
		if (db->ops->schema_version(db, &version) != TG_OK) {
			rc = tg_cli_error("cannot read the database: %s", db->ops->errmsg(db));
			goto out;
		}
		if (version > 0) {
			rc = tg_cli_error("the database already holds tsunagu data; refusing to overwrite it");
			goto out;
		}
	}
	if (db->ops->migrate(db, &applied) != TG_OK || db->ops->schema_version(db, &version) != TG_OK) {
		rc = tg_cli_error("migration failed: %s", db->ops->errmsg(db));
		goto out;
	}
	printf("initialized %s (schema version %d, %d migrations applied)\n", url, version, applied);
	if (tenant_name && (rc = tg_cli_name_tenant(db, "default", tenant_name)))
		goto out;
	if (!login && !org_name)
		goto out;

	if ((rc = tg_cli_use_tenant(db, "default")))
		goto out;
	int64_t org_id = 0, user_id = 0;
	enum tg_rc r = tg_db_begin(db);
	if (!r)
		r = tg_cli_first_admin(db, org_name, login, admin_name, hash, "init", &org_id, &user_id);
	if (!r)
		r = tg_db_commit(db);
	if (r) {
		tg_db_rollback(db);
		rc = tg_cli_error("cannot create the first organization and admin: %s", db->ops->errmsg(db));
		goto out;
	}
	printf("created organization #%" PRId64 " %s\n", org_id, org_name ? org_name : "事務局");
	if (login)
		printf("created admin user '%s' (#%" PRId64 ")\n", login, user_id);
out:
	tg_db_close(db);
	if (rc && created && path)
		remove_db_files(path);
	tg_password_wipe(pw, sizeof(pw));
	return rc;
}

enum tg_rc tg_cli_first_admin(struct tg_db *db, const char *org_name, const char *login, const char *admin_name,
                              const char *hash, const char *detail, int64_t *org_id, int64_t *user_id)
{
	struct tg_org org = {0};
	struct tg_user u = {0};
	struct tg_audit ev = {0};
	char oid[32];
	org.name = org_name ? org_name : "事務局";
	org.kind = "事務局";
	enum tg_rc r = db->ops->org_insert(db, &org);
	if (!r && login) {
		u.org_id = org.id;
		u.login = login;
		u.display_name = admin_name && *admin_name ? admin_name : login;
		u.role = TG_ROLE_ADMIN;
		u.password_hash = hash;
		r = db->ops->user_insert(db, &u);
		if (!r) {
			snprintf(oid, sizeof(oid), "%" PRId64, u.id);
			ev.action = "user.create";
			ev.object_type = "user";
			ev.object_id = oid;
			ev.detail = detail;
			r = db->ops->audit_insert(db, &ev);
		}
	}
	*org_id = org.id;
	*user_id = u.id;
	return r;
}
