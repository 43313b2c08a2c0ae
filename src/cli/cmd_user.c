/*
 * cmd_user.c - `tsunagu user add|passwd|disable|enable|list`: account
 * administration from the server's shell (the first admin, lost passwords,
 * leaving staff).
 *
 * Invariants: passwords come only from a file, stdin or a no-echo prompt
 * and are wiped after hashing; passwd and disable end every session of the
 * user in the same transaction as the change; each change writes an audit
 * entry (user_id 0 = the command line) with ids only, no names.
 */
#include "cli/cli.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "core/validate.h"
#include "util/password.h"

static const char usage[] = "usage: tsunagu user add --login LOGIN --name NAME --role ROLE\n"
                            "                        (--org ID | --org-name NAME)\n"
                            "                        [--password-stdin | --password-file FILE]\n"
                            "       tsunagu user passwd LOGIN [--password-stdin | --password-file FILE]\n"
                            "       tsunagu user disable LOGIN\n"
                            "       tsunagu user enable LOGIN\n"
                            "       tsunagu user list [--org ID]\n"
                            "\n"
                            "Every form also takes --db PATH and --tenant CODE (default $TSUNAGU_TENANT,\n"
                            "else \"default\"): logins are unique within a tenant. ROLE is admin, coordinator, staff,\n"
                            "volunteer or viewer. Without a password option the password is asked\n"
                            "on the terminal. passwd and disable end the user's sessions.\n";

/* Options shared by the subcommands. */
struct user_opts {
	const char *db, *login, *name, *role, *org, *org_name, *pw_file, *tenant;
	int pw_stdin;
	const char *positional;
};

/* Parse argv[2..] of `user SUB ...`; returns 0, or an exit code. */
static int parse(int argc, char **argv, struct user_opts *o)
{
	memset(o, 0, sizeof(*o));
	for (int i = 2; i < argc; i++) {
		int m;
		if ((m = tg_cli_opt(argc, argv, &i, "--db", &o->db)) ||
		    (m = tg_cli_opt(argc, argv, &i, "--tenant", &o->tenant)) ||
		    (m = tg_cli_opt(argc, argv, &i, "--login", &o->login)) ||
		    (m = tg_cli_opt(argc, argv, &i, "--name", &o->name)) ||
		    (m = tg_cli_opt(argc, argv, &i, "--role", &o->role)) ||
		    (m = tg_cli_opt(argc, argv, &i, "--org", &o->org)) ||
		    (m = tg_cli_opt(argc, argv, &i, "--org-name", &o->org_name)) ||
		    (m = tg_cli_opt(argc, argv, &i, "--password-file", &o->pw_file))) {
			if (m < 0)
				return TG_EXIT_USAGE;
			continue;
		}
		if (strcmp(argv[i], "--password-stdin") == 0) {
			o->pw_stdin = 1;
			continue;
		}
		if (argv[i][0] == '-' || o->positional)
			return tg_cli_usage_error(usage, "user %s: unexpected argument '%s'", argv[1], argv[i]);
		o->positional = argv[i];
	}
	if (o->pw_file && o->pw_stdin)
		return tg_cli_usage_error(usage, "user: give either --password-file or --password-stdin");
	return 0;
}

static int parse_id(const char *s, int64_t *out)
{
	char *end;
	long long v;
	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v <= 0)
		return -1;
	*out = (int64_t)v;
	return 0;
}

static int audit(struct tg_db *db, const char *action, int64_t user_id)
{
	struct tg_audit ev = {0};
	char oid[32];
	snprintf(oid, sizeof(oid), "%" PRId64, user_id);
	ev.action = action;
	ev.object_type = "user";
	ev.object_id = oid;
	ev.detail = "cli";
	return db->ops->audit_insert(db, &ev);
}

static int user_add(struct tg_db *db, const struct user_opts *o)
{
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_org org = {0};
	struct tg_user u = {0};
	enum tg_role role;
	int64_t org_id = 0;
	char pw[TG_PASSWORD_MAX_LEN + 2];
	char hash[TG_PASSWORD_HASH_MAX];
	int rc = TG_EXIT_OK;
	enum tg_rc r;
	pw[0] = '\0';
	if (!o->login || !o->name || !o->role || (!o->org && !o->org_name) || o->positional) {
		rc = tg_cli_usage_error(usage, "user add: needs --login, --name, --role and --org or --org-name");
		goto out;
	}
	if (!tg_valid_login(o->login)) {
		rc = tg_cli_usage_error(NULL, "user add: invalid login '%s' (3-64 of A-Z a-z 0-9 . _ @ -)", o->login);
		goto out;
	}
	if (tg_blank(o->name) || strlen(o->name) > 200) {
		rc = tg_cli_usage_error(NULL, "user add: --name must be 1-200 bytes, not only spaces");
		goto out;
	}
	if (tg_role_parse(o->role, &role) != 0) {
		rc = tg_cli_usage_error(usage, "user add: unknown role '%s'", o->role);
		goto out;
	}
	if (o->org && parse_id(o->org, &org_id) != 0) {
		rc = tg_cli_usage_error(usage, "user add: --org needs a numeric organization id");
		goto out;
	}
	r = o->org ? db->ops->org_get(db, &a, org_id, &org) : db->ops->org_find_by_name(db, &a, o->org_name, &org);
	if (r == TG_ERR_NOT_FOUND) {
		rc = tg_cli_error("no such organization: %s", o->org ? o->org : o->org_name);
		goto out;
	} else if (r) {
		rc = tg_cli_error("%s", db->ops->errmsg(db));
		goto out;
	}
	rc = tg_cli_read_password(o->pw_file, o->pw_stdin, 1, pw, sizeof(pw));
	if (rc)
		goto out;
	if (tg_password_hash(pw, hash) != TG_OK) {
		rc = tg_cli_error("cannot hash the password");
		goto out;
	}
	u.org_id = org.id;
	u.login = o->login;
	u.display_name = o->name;
	u.role = role;
	u.password_hash = hash;
	r = tg_db_begin(db);
	if (!r)
		r = db->ops->user_insert(db, &u);
	if (!r)
		r = audit(db, "user.create", u.id);
	if (!r)
		r = tg_db_commit(db);
	if (r) {
		tg_db_rollback(db);
		if (r == TG_ERR_CONFLICT)
			rc = tg_cli_error("login '%s' already exists", o->login);
		else
			rc = tg_cli_error("cannot add the user: %s", db->ops->errmsg(db));
		goto out;
	}
	printf("created user '%s' (#%" PRId64 ", %s, organization #%" PRId64 ")\n", o->login, u.id, tg_role_name(role),
	       org.id);
out:
	tg_password_wipe(pw, sizeof(pw));
	tg_arena_release(&a);
	return rc;
}

/* passwd, disable, enable: change one user found by login. */
static int user_change(struct tg_db *db, const char *sub, const struct user_opts *o)
{
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_user u = {0};
	char pw[TG_PASSWORD_MAX_LEN + 2];
	char hash[TG_PASSWORD_HASH_MAX];
	int rc = TG_EXIT_OK, is_pw = strcmp(sub, "passwd") == 0;
	enum tg_rc r;
	pw[0] = '\0';
	const char *login = o->positional ? o->positional : o->login;
	if (!login) {
		rc = tg_cli_usage_error(usage, "user %s: missing LOGIN", sub);
		goto out;
	}
	if (!is_pw && (o->pw_file || o->pw_stdin)) {
		rc = tg_cli_usage_error(usage, "user %s: takes no password", sub);
		goto out;
	}
	r = db->ops->user_get_by_login(db, &a, login, &u);
	if (r == TG_ERR_NOT_FOUND) {
		rc = tg_cli_error("no such user: %s", login);
		goto out;
	} else if (r) {
		rc = tg_cli_error("%s", db->ops->errmsg(db));
		goto out;
	}
	if (is_pw) {
		rc = tg_cli_read_password(o->pw_file, o->pw_stdin, 1, pw, sizeof(pw));
		if (rc)
			goto out;
		if (tg_password_hash(pw, hash) != TG_OK) {
			rc = tg_cli_error("cannot hash the password");
			goto out;
		}
	}
	r = tg_db_begin(db);
	if (!r && is_pw)
		r = db->ops->user_set_password(db, u.id, hash);
	if (!r && !is_pw) {
		u.disabled = strcmp(sub, "disable") == 0;
		r = db->ops->user_update(db, &u);
	}
	if (!r && (is_pw || u.disabled))
		r = db->ops->session_delete_user(db, u.id, NULL);
	if (!r)
		r = audit(db, is_pw ? "user.password" : u.disabled ? "user.disable" : "user.enable", u.id);
	if (!r)
		r = tg_db_commit(db);
	if (r) {
		tg_db_rollback(db);
		rc = tg_cli_error("cannot change user %s: %s", login, db->ops->errmsg(db));
		goto out;
	}
	if (is_pw)
		printf("password of '%s' changed; sessions ended\n", login);
	else if (u.disabled)
		printf("user '%s' disabled; sessions ended\n", login);
	else
		printf("user '%s' enabled\n", login);
out:
	tg_password_wipe(pw, sizeof(pw));
	tg_arena_release(&a);
	return rc;
}

/* Terminal columns of a UTF-8 string: CJK and other wide code points count 2. */
static int display_width(const char *s)
{
	int w = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p & 0xc0) == 0x80)
			continue;        /* continuation byte */
		w += *p >= 0xe1 ? 2 : 1; /* 3- and 4-byte sequences: U+1000 and up */
	}
	return w;
}

static void cell(const char *s, int width)
{
	fputs(s, stdout);
	for (int w = display_width(s); w < width; w++)
		fputc(' ', stdout);
	fputs("  ", stdout);
}

static int user_list(struct tg_db *db, const struct user_opts *o)
{
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_user *users = NULL;
	struct tg_org *orgs = NULL;
	size_t n = 0, n_orgs = 0;
	int64_t org_id = 0;
	int rc = TG_EXIT_OK;
	int w_login = 5, w_name = 4, w_org = 12;
	if (o->positional || o->login || o->name || o->role || o->org_name || o->pw_file || o->pw_stdin) {
		rc = tg_cli_usage_error(usage, "user list: takes only --org, --db and --tenant");
		goto out;
	}
	if (o->org && parse_id(o->org, &org_id) != 0) {
		rc = tg_cli_usage_error(usage, "user list: --org needs a numeric organization id");
		goto out;
	}
	if (db->ops->user_list(db, &a, org_id, &users, &n) != TG_OK ||
	    db->ops->org_list(db, &a, 0, 0, &orgs, &n_orgs) != TG_OK) {
		rc = tg_cli_error("%s", db->ops->errmsg(db));
		goto out;
	}
	const char **org_of = TG_ARENA_ARRAY(&a, const char *, n ? n : 1);
	for (size_t i = 0; i < n; i++) {
		org_of[i] = "?";
		for (size_t k = 0; k < n_orgs; k++)
			if (orgs[k].id == users[i].org_id)
				org_of[i] = tg_arena_printf(&a, "#%" PRId64 " %s", orgs[k].id, orgs[k].name);
		if (display_width(users[i].login) > w_login)
			w_login = display_width(users[i].login);
		if (display_width(users[i].display_name) > w_name)
			w_name = display_width(users[i].display_name);
		if (display_width(org_of[i]) > w_org)
			w_org = display_width(org_of[i]);
	}
	printf("%-6s", "id");
	cell("login", w_login);
	cell("name", w_name);
	cell("role", 11);
	cell("organization", w_org);
	printf("disabled\n");
	for (size_t i = 0; i < n; i++) {
		printf("%-6" PRId64, users[i].id);
		cell(users[i].login, w_login);
		cell(users[i].display_name, w_name);
		cell(tg_role_name(users[i].role), 11);
		cell(org_of[i], w_org);
		printf("%s\n", users[i].disabled ? "yes" : "no");
	}
out:
	tg_arena_release(&a);
	return rc;
}

int cmd_user(int argc, char **argv)
{
	struct user_opts o;
	struct tg_db *db = NULL;
	int rc;
	if (argc < 2)
		return tg_cli_usage_error(usage, "user: missing subcommand");
	for (int i = 1; i < argc; i++) {
		if (tg_cli_is_help(argv[i])) {
			fputs(usage, stdout);
			return TG_EXIT_OK;
		}
	}
	const char *sub = argv[1];
	if (strcmp(sub, "add") != 0 && strcmp(sub, "passwd") != 0 && strcmp(sub, "disable") != 0 &&
	    strcmp(sub, "enable") != 0 && strcmp(sub, "list") != 0)
		return tg_cli_usage_error(usage, "user: unknown subcommand '%s'", sub);
	rc = parse(argc, argv, &o);
	if (rc)
		return rc;
	if (tg_cli_check_db_url(tg_cli_db_url(o.db)))
		return TG_EXIT_USAGE;
	db = tg_cli_open_db(tg_cli_db_url(o.db), 0);
	if (!db)
		return TG_EXIT_ERROR;
	int applied = 0;
	if (db->ops->migrate(db, &applied)) {
		rc = tg_cli_error("migration failed: %s", db->ops->errmsg(db));
		tg_db_close(db);
		return rc;
	}
	if ((rc = tg_cli_use_tenant(db, o.tenant))) {
		tg_db_close(db);
		return rc;
	}
	if (strcmp(sub, "add") == 0)
		rc = user_add(db, &o);
	else if (strcmp(sub, "list") == 0)
		rc = user_list(db, &o);
	else
		rc = user_change(db, sub, &o);
	tg_db_close(db);
	return rc;
}
