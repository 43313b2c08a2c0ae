/*
 * cmd_tenant.c - `tsunagu tenant`: the super-admin's command for the tenants
 * (municipalities, federations) of a deployment. Whoever can run it against
 * the database is the super-admin; there is no web equivalent on purpose:
 * tenant admins administer their own tenant in the web UI, and no web
 * account reaches across tenants.
 *
 *   tenant list                 every tenant with its hosts and state
 *   tenant add --code --name    a new tenant, optionally with its first
 *                               organization and admin (one transaction)
 *   tenant update CODE ...      rename, set hosts, disable or enable
 *
 * A running server picks changes up within a few seconds (tenancy.h).
 */
#include "cli/cli.h"

#include <inttypes.h>
#include <string.h>

#include "app/tenancy.h"
#include "core/validate.h"
#include "core/validate.h"
#include "util/password.h"

static const char usage[] = "usage: tsunagu tenant list [--db URL]\n"
                            "       tsunagu tenant add --code CODE --name NAME [--host HOST]... [--db URL]\n"
                            "                          [--org-name NAME] [--admin-login LOGIN [--admin-name NAME]\n"
                            "                           [--admin-password-file FILE | --password-stdin]]\n"
                            "       tsunagu tenant update CODE [--name NAME] [--host HOST]... [--no-hosts]\n"
                            "                          [--disable | --enable] [--db URL]\n"
                            "\n"
                            "Tenants are the municipalities (or federations) one deployment serves; each\n"
                            "has its own users, organizations and directory, invisible to the others.\n"
                            "CODE is 1-32 of a-z 0-9 - (used with --tenant and the X-Tsunagu-Tenant\n"
                            "header); HOST is a host name the tenant answers on (sakura.example.jp), and\n"
                            "may be given several times (update: replaces the list; --no-hosts clears it).\n"
                            "add with --admin-login also creates the tenant's first organization\n"
                            "(--org-name, default 事務局) and an admin user in it; the password is read\n"
                            "from FILE, standard input, or asked on the terminal. A disabled tenant is\n"
                            "not served (its requests get 404 unknown_tenant) but keeps its data.\n";

#define MAX_HOSTS 16

struct opts {
	const char *db, *code, *name, *org_name, *login, *admin_name, *pw_file;
	const char *hosts[MAX_HOSTS];
	size_t n_hosts;
	int hosts_given, no_hosts, pw_stdin, disable, enable;
};

static int parse(int argc, char **argv, int first, struct opts *o, int positional_code)
{
	for (int i = first; i < argc; i++) {
		int m;
		const char *host = NULL;
		if (tg_cli_is_help(argv[i])) {
			fputs(usage, stdout);
			return -1;
		}
		if ((m = tg_cli_opt(argc, argv, &i, "--host", &host))) {
			if (m < 0)
				return TG_EXIT_USAGE;
			if (o->n_hosts == MAX_HOSTS)
				return tg_cli_usage_error(usage, "tenant: at most %d --host", MAX_HOSTS);
			if (!tg_tenant_host_ok(host))
				return tg_cli_usage_error(
				    usage, "tenant: invalid host name '%s' (lower case a-z 0-9 . -)", host);
			o->hosts[o->n_hosts++] = host;
			o->hosts_given = 1;
			continue;
		}
		if ((m = tg_cli_opt(argc, argv, &i, "--db", &o->db)) ||
		    (m = tg_cli_opt(argc, argv, &i, "--code", &o->code)) ||
		    (m = tg_cli_opt(argc, argv, &i, "--name", &o->name)) ||
		    (m = tg_cli_opt(argc, argv, &i, "--org-name", &o->org_name)) ||
		    (m = tg_cli_opt(argc, argv, &i, "--admin-login", &o->login)) ||
		    (m = tg_cli_opt(argc, argv, &i, "--admin-name", &o->admin_name)) ||
		    (m = tg_cli_opt(argc, argv, &i, "--admin-password-file", &o->pw_file))) {
			if (m < 0)
				return TG_EXIT_USAGE;
			continue;
		}
		if (strcmp(argv[i], "--password-stdin") == 0)
			o->pw_stdin = 1;
		else if (strcmp(argv[i], "--no-hosts") == 0)
			o->no_hosts = 1;
		else if (strcmp(argv[i], "--disable") == 0)
			o->disable = 1;
		else if (strcmp(argv[i], "--enable") == 0)
			o->enable = 1;
		else if (positional_code && !o->code && argv[i][0] != '-')
			o->code = argv[i];
		else
			return tg_cli_usage_error(usage, "tenant: unknown argument '%s'", argv[i]);
	}
	return TG_EXIT_OK;
}

static int open_registry(const char *db_opt, struct tg_db **out)
{
	int applied = 0;
	if (tg_cli_check_db_url(tg_cli_db_url(db_opt)))
		return TG_EXIT_USAGE;
	struct tg_db *db = tg_cli_open_db(tg_cli_db_url(db_opt), 0);
	if (!db)
		return TG_EXIT_ERROR;
	if (db->ops->migrate(db, &applied)) {
		int rc = tg_cli_error("migration failed: %s", db->ops->errmsg(db));
		tg_db_close(db);
		return rc;
	}
	*out = db;
	return TG_EXIT_OK;
}

static void print_hosts(const struct tg_tenant *t)
{
	if (!t->n_hosts) {
		fputs("-", stdout);
		return;
	}
	for (size_t k = 0; k < t->n_hosts; k++)
		printf("%s%s", k ? "," : "", t->hosts[k]);
}

static int do_list(const struct opts *o)
{
	struct tg_db *db = NULL;
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_tenant *ts = NULL;
	size_t n = 0;
	int rc = open_registry(o->db, &db);
	if (rc)
		return rc;
	if (db->ops->tenant_list(db, &a, &ts, &n)) {
		rc = tg_cli_error("cannot list tenants: %s", db->ops->errmsg(db));
		goto out;
	}
	printf("%-4s %-20s %-9s %-30s %s\n", "id", "code", "state", "hosts", "name");
	for (size_t i = 0; i < n; i++) {
		char hosts[512] = "-";
		size_t len = 0;
		for (size_t k = 0; k < ts[i].n_hosts && len < sizeof(hosts); k++)
			len += (size_t)snprintf(hosts + len, sizeof(hosts) - len, "%s%s", k ? "," : "", ts[i].hosts[k]);
		printf("%-4" PRId64 " %-20s %-9s %-30s %s\n", ts[i].id, ts[i].code,
		       ts[i].disabled ? "disabled" : "enabled", hosts, ts[i].name);
	}
out:
	tg_arena_release(&a);
	tg_db_close(db);
	return rc;
}

static int do_add(struct opts *o)
{
	char pw[TG_PASSWORD_MAX_LEN + 2];
	char hash[TG_PASSWORD_HASH_MAX];
	struct tg_db *db = NULL;
	int rc = TG_EXIT_OK;
	pw[0] = '\0';
	hash[0] = '\0';
	if (!o->code || !o->name)
		return tg_cli_usage_error(usage, "tenant add: --code and --name are required");
	if (!tg_tenant_code_ok(o->code))
		return tg_cli_usage_error(usage, "tenant add: invalid code '%s' (1-32 of a-z 0-9 -)", o->code);
	if (tg_blank(o->name) || strlen(o->name) > 200)
		return tg_cli_usage_error(usage, "tenant add: --name must be 1-200 bytes, not only spaces");
	if (o->disable || o->enable || o->no_hosts)
		return tg_cli_usage_error(usage, "tenant add: --disable, --enable and --no-hosts are for update");
	if (!o->login && (o->pw_file || o->pw_stdin || o->admin_name))
		return tg_cli_usage_error(usage, "tenant add: the admin options need --admin-login");
	if (o->pw_file && o->pw_stdin)
		return tg_cli_usage_error(usage, "tenant add: give either --admin-password-file or --password-stdin");
	if (o->login && !tg_valid_login(o->login))
		return tg_cli_usage_error(usage, "tenant add: invalid login '%s' (3-64 of A-Z a-z 0-9 . _ @ -)",
		                          o->login);
	if (o->org_name && tg_blank(o->org_name))
		return tg_cli_usage_error(usage, "tenant add: --org-name must not be empty or only spaces");
	if (o->login) {
		if ((rc = tg_cli_read_password(o->pw_file, o->pw_stdin, 1, pw, sizeof(pw))))
			goto out;
		if (tg_password_hash(pw, hash) != TG_OK) {
			rc = tg_cli_error("cannot hash the password");
			goto out;
		}
	}
	if ((rc = open_registry(o->db, &db)))
		goto out;
	struct tg_tenant t = {.code = o->code, .name = o->name, .hosts = o->hosts, .n_hosts = o->n_hosts};
	int64_t org_id = 0, user_id = 0;
	enum tg_rc r = tg_db_begin(db);
	if (!r)
		r = db->ops->tenant_insert(db, &t);
	if (r == TG_ERR_CONFLICT) {
		tg_db_rollback(db);
		rc = tg_cli_error("the code '%s' or one of the hosts is taken by another tenant", o->code);
		goto out;
	}
	if (!r) {
		tg_db_set_tenant(db, t.id);
		struct tg_audit ev = {
		    .action = "tenant.create", .object_type = "tenant", .object_id = o->code, .detail = "cli"};
		r = db->ops->audit_insert(db, &ev);
	}
	if (!r && (o->login || o->org_name))
		r = tg_cli_first_admin(db, o->org_name, o->login, o->admin_name, hash, "tenant add", &org_id, &user_id);
	if (!r)
		r = tg_db_commit(db);
	if (r) {
		tg_db_rollback(db);
		rc = tg_cli_error("cannot create the tenant: %s", db->ops->errmsg(db));
		goto out;
	}
	printf("created tenant #%" PRId64 " %s (%s)\n", t.id, o->code, o->name);
	if (o->login || o->org_name)
		printf("created organization #%" PRId64 " %s\n", org_id, o->org_name ? o->org_name : "事務局");
	if (o->login)
		printf("created admin user '%s' (#%" PRId64 ")\n", o->login, user_id);
out:
	tg_db_close(db);
	tg_password_wipe(pw, sizeof(pw));
	return rc;
}

static int do_update(struct opts *o)
{
	struct tg_db *db = NULL;
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_tenant t;
	int rc;
	if (!o->code)
		return tg_cli_usage_error(usage, "tenant update: which tenant? (tenant update CODE ...)");
	if (o->disable && o->enable)
		return tg_cli_usage_error(usage, "tenant update: give --disable or --enable, not both");
	if (o->no_hosts && o->hosts_given)
		return tg_cli_usage_error(usage, "tenant update: give --host or --no-hosts, not both");
	if (o->login || o->org_name || o->pw_file || o->pw_stdin || o->admin_name)
		return tg_cli_usage_error(usage, "tenant update: the admin options are for add (then use tsunagu "
		                                 "user add --tenant CODE)");
	if (o->name && (tg_blank(o->name) || strlen(o->name) > 200))
		return tg_cli_usage_error(usage, "tenant update: --name must be 1-200 bytes, not only spaces");
	if (!o->name && !o->hosts_given && !o->no_hosts && !o->disable && !o->enable)
		return tg_cli_usage_error(usage, "tenant update: nothing to change");
	if ((rc = open_registry(o->db, &db)))
		return rc;
	enum tg_rc r = db->ops->tenant_get_by_code(db, &a, o->code, &t);
	if (r == TG_ERR_NOT_FOUND) {
		rc = tg_cli_error("no tenant '%s' (tsunagu tenant list)", o->code);
		goto out;
	}
	if (!r) {
		if (o->name)
			t.name = o->name;
		if (o->hosts_given || o->no_hosts) {
			t.hosts = o->hosts;
			t.n_hosts = o->n_hosts;
		}
		if (o->disable)
			t.disabled = 1;
		if (o->enable)
			t.disabled = 0;
		r = db->ops->tenant_update(db, &t);
	}
	if (r == TG_ERR_CONFLICT) {
		rc = tg_cli_error("one of the hosts is taken by another tenant");
		goto out;
	}
	if (!r) {
		tg_db_set_tenant(db, t.id);
		struct tg_audit ev = {
		    .action = "tenant.update", .object_type = "tenant", .object_id = t.code, .detail = "cli"};
		r = db->ops->audit_insert(db, &ev);
	}
	if (r) {
		rc = tg_cli_error("cannot update the tenant: %s", db->ops->errmsg(db));
		goto out;
	}
	printf("tenant %s: %s, %s, hosts ", t.code, t.name, t.disabled ? "disabled" : "enabled");
	print_hosts(&t);
	printf("\n");
out:
	tg_arena_release(&a);
	tg_db_close(db);
	return rc;
}

int cmd_tenant(int argc, char **argv)
{
	struct opts o = {0};
	int rc;
	if (argc < 2)
		return tg_cli_usage_error(usage, "tenant: which action? (list, add, update)");
	if (tg_cli_is_help(argv[1])) {
		fputs(usage, stdout);
		return TG_EXIT_OK;
	}
	const char *verb = argv[1];
	int is_update = strcmp(verb, "update") == 0;
	if (strcmp(verb, "list") && strcmp(verb, "add") && !is_update)
		return tg_cli_usage_error(usage, "tenant: unknown action '%s' (list, add, update)", verb);
	rc = parse(argc, argv, 2, &o, is_update);
	if (rc == -1)
		return TG_EXIT_OK;
	if (rc)
		return rc;
	if (strcmp(verb, "list") == 0) {
		if (o.code || o.name || o.hosts_given || o.login || o.org_name || o.disable || o.enable || o.no_hosts)
			return tg_cli_usage_error(usage, "tenant list: takes only --db");
		return do_list(&o);
	}
	if (strcmp(verb, "add") == 0)
		return do_add(&o);
	return do_update(&o);
}
