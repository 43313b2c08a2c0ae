/*
 * main.c - `tsunagu <command> [options]`: finds the command in a table
 * (git-style: name, function, one-line help) and runs it; also the helpers
 * declared in cli.h that every command shares.
 *
 * Invariant: main() does no work of its own beyond dispatch, `--help`,
 * `help <command>` and the log level from $TSUNAGU_LOG_LEVEL.
 */
#include "cli/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "util/log.h"
#include "util/password.h"

struct cli_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const struct cli_cmd commands[] = {
    {"serve", cmd_serve, "run the web server and JSON API"},
    {"init", cmd_init, "create a new database, optionally with the first admin user"},
    {"import", cmd_import, "import resources (jp-facilities CSV, HSDS)"},
    {"export", cmd_export, "export resources (HSDS JSON, CSV)"},
    {"user", cmd_user, "add and list users, set passwords, disable and enable"},
    {"demo", cmd_demo, "create a demo database with sample data"},
    {"tenant", cmd_tenant, "list, add and change tenants (municipalities) of the deployment"},
    {"backup", cmd_backup, "copy the database, online and consistent, to a new file"},
    {"migrate-db", cmd_migrate_db, "copy a whole deployment SQLite <-> PostgreSQL, verified"},
    {"version", cmd_version, "print the versions of tsunagu and its libraries"},
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	fprintf(f, "つなぐ tsunagu %s - 地域の子育て支援の資源台帳 (community resource directory)\n\n", TG_VERSION);
	fprintf(f, "usage: tsunagu <command> [options]\n       tsunagu help <command>\n\ncommands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\nThe database is --db URL, else $TSUNAGU_DB, else %s.\n", TG_DEFAULT_DB);
}

static const struct cli_cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	const struct cli_cmd *c;
	const char *lv = getenv("TSUNAGU_LOG_LEVEL");
	enum tg_log_level level;
	if (lv && tg_log_parse_level(lv, &level) == 0)
		tg_log_set_level(level);
	if (argc < 2) {
		usage(stderr);
		return TG_EXIT_USAGE;
	}
	if (tg_cli_is_help(argv[1]) || (strcmp(argv[1], "help") == 0 && argc == 2)) {
		usage(stdout);
		return TG_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0)
		return cmd_version(1, argv + 1);
	if (strcmp(argv[1], "help") == 0) {
		c = find_cmd(argv[2]);
		if (!c)
			return tg_cli_usage_error(NULL, "unknown command '%s' (see 'tsunagu --help')", argv[2]);
		char help[] = "--help";
		char *hargv[] = {argv[2], help, NULL};
		return c->fn(2, hargv);
	}
	c = find_cmd(argv[1]);
	if (!c)
		return tg_cli_usage_error(NULL, "unknown command '%s' (see 'tsunagu --help')", argv[1]);
	return c->fn(argc - 1, argv + 1);
}

/* ---- helpers shared by the commands (cli.h) ---------------------------- */

int tg_cli_is_help(const char *arg)
{
	return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

int tg_cli_opt(int argc, char **argv, int *i, const char *name, const char **val)
{
	const char *a = argv[*i];
	size_t n = strlen(name);
	if (strncmp(a, name, n) != 0)
		return 0;
	if (a[n] == '=') {
		*val = a + n + 1;
		return 1;
	}
	if (a[n] != '\0')
		return 0;
	if (*i + 1 >= argc) {
		tg_cli_usage_error(NULL, "option %s needs a value", name);
		return -1;
	}
	*val = argv[++*i];
	return 1;
}

const char *tg_cli_db_url(const char *opt)
{
	const char *env = getenv("TSUNAGU_DB");
	if (opt && *opt)
		return opt;
	if (env && *env)
		return env;
	return TG_DEFAULT_DB;
}

int tg_cli_check_db_url(const char *url)
{
	char err[256];
	if (tg_db_url_check(url, err, sizeof(err)) == 0)
		return TG_EXIT_OK;
	return tg_cli_usage_error(NULL, "%s", err);
}

int tg_cli_usage_error(const char *usage_text, const char *fmt, ...)
{
	va_list ap;
	fputs("tsunagu: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (usage_text)
		fprintf(stderr, "\n%s", usage_text);
	return TG_EXIT_USAGE;
}

int tg_cli_error(const char *fmt, ...)
{
	va_list ap;
	fputs("tsunagu: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return TG_EXIT_ERROR;
}

int tg_cli_use_tenant(struct tg_db *db, const char *code)
{
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_tenant t;
	if (!code || !*code)
		code = getenv("TSUNAGU_TENANT");
	if (!code || !*code)
		code = "default";
	enum tg_rc rc = db->ops->tenant_get_by_code(db, &a, code, &t);
	tg_arena_release(&a);
	if (rc == TG_ERR_NOT_FOUND)
		return tg_cli_error("no tenant '%s' (tsunagu tenant list)", code);
	if (rc)
		return tg_cli_error("cannot read the tenants: %s", db->ops->errmsg(db));
	tg_db_set_tenant(db, t.id);
	return TG_EXIT_OK;
}

int tg_cli_name_tenant(struct tg_db *db, const char *code, const char *name)
{
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_tenant t;
	enum tg_rc rc = db->ops->tenant_get_by_code(db, &a, code, &t);
	if (!rc) {
		t.name = name;
		rc = db->ops->tenant_update(db, &t);
	}
	tg_arena_release(&a);
	if (rc)
		return tg_cli_error("cannot name the tenant '%s': %s", code, db->ops->errmsg(db));
	return TG_EXIT_OK;
}

struct tg_db *tg_cli_open_db(const char *url, int create)
{
	char err[512];
	struct tg_db *db = tg_db_open(url, create, err, sizeof(err));
	if (!db)
		tg_cli_error("%s", err);
	return db;
}

/* Read one line (without its newline) from f into out; 0 or -1. */
static int read_line(FILE *f, char *out, size_t outlen)
{
	if (!fgets(out, (int)outlen, f))
		return -1;
	size_t n = strlen(out);
	if (n == outlen - 1 && out[n - 1] != '\n')
		return -1; /* longer than the buffer */
	while (n && (out[n - 1] == '\n' || out[n - 1] == '\r'))
		out[--n] = '\0';
	return 0;
}

/* Prompt on the terminal with echo off; 0 or -1. */
static int prompt_tty(const char *prompt, char *out, size_t outlen)
{
	FILE *tty = fopen("/dev/tty", "r+");
	struct termios old, quiet;
	int rc = -1, restore = 0;
	if (!tty)
		return -1;
	fputs(prompt, tty);
	fflush(tty);
	if (tcgetattr(fileno(tty), &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL;
		restore = tcsetattr(fileno(tty), TCSAFLUSH, &quiet) == 0;
	}
	rc = read_line(tty, out, outlen);
	if (restore)
		tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fclose(tty);
	return rc;
}

int tg_cli_read_password(const char *file, int from_stdin, int confirm, char *out, size_t outlen)
{
	char again[TG_PASSWORD_MAX_LEN + 2];
	int rc = TG_EXIT_OK;
	out[0] = '\0';
	if (file) {
		FILE *f = fopen(file, "r");
		if (!f) {
			rc = tg_cli_error("cannot read password file %s: %s", file, strerror(errno));
			goto out;
		}
		int r = read_line(f, out, outlen);
		fclose(f);
		if (r != 0) {
			rc = tg_cli_error("password file %s is empty or its first line is too long", file);
			goto out;
		}
	} else if (from_stdin) {
		if (read_line(stdin, out, outlen) != 0) {
			rc = tg_cli_error("no password on standard input");
			goto out;
		}
	} else {
		if (!isatty(STDIN_FILENO)) {
			rc =
			    tg_cli_usage_error(NULL, "no password given: use --password-stdin or --password-file FILE");
			goto out;
		}
		if (prompt_tty("パスワード (password): ", out, outlen) != 0) {
			rc = tg_cli_error("cannot read the password from the terminal");
			goto out;
		}
		if (confirm) {
			if (prompt_tty("もう一度 (again): ", again, sizeof(again)) != 0 || strcmp(out, again) != 0) {
				rc = tg_cli_error("パスワードが一致しません (passwords do not match)");
				goto out;
			}
		}
	}
	int len = tg_password_check_length(out);
	if (len < 0)
		rc = tg_cli_error("パスワードは %d 文字以上にしてください (password must be at least %d characters)",
		                  TG_PASSWORD_MIN_LEN, TG_PASSWORD_MIN_LEN);
	else if (len > 0)
		rc = tg_cli_error("パスワードは%d文字までです (password must be at most %d characters)",
		                  TG_PASSWORD_MAX_CHARS, TG_PASSWORD_MAX_CHARS);
out:
	tg_password_wipe(again, sizeof(again));
	if (rc)
		tg_password_wipe(out, outlen);
	return rc;
}
