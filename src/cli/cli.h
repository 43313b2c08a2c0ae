/*
 * cli.h - the command-line tool: one cmd_<verb>() per subcommand
 * (src/cli/cmd_<verb>.c), dispatched by main.c, plus the helpers every
 * command shares (option matching, the database option, password input,
 * error reporting).
 *
 * Conventions for every command:
 *  - int cmd_<verb>(int argc, char **argv): argv[0] is the verb itself.
 *  - `--help` / `-h` prints the usage to stdout and returns 0.
 *  - Exit codes: 0 success, 1 runtime error (TG_EXIT_ERROR), 2 bad usage
 *    (TG_EXIT_USAGE): a malformed option value or an unknown database URL
 *    scheme is a usage error. Messages go to stderr and start with
 *    "tsunagu" (docs/cli.md, "Messages").
 *  - The database comes from --db URL, else $TSUNAGU_DB, else
 *    TG_DEFAULT_DB. URLs are whatever tg_db_open() accepts.
 *  - Passwords never come from a plain argument: --password-file F,
 *    --password-stdin, or a prompt without echo on the terminal.
 *  - Commands on a tenant's data take --tenant CODE, else $TSUNAGU_TENANT,
 *    else the tenant "default" (tg_cli_use_tenant).
 *  - Only main() and cmd_*() end the process (by returning an exit code).
 */
#ifndef TG_CLI_H
#define TG_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

#define TG_VERSION    "0.1.0"
#define TG_DEFAULT_DB "data/tsunagu.db"

enum { TG_EXIT_OK = 0, TG_EXIT_ERROR = 1, TG_EXIT_USAGE = 2 };

/* The subcommands (main.c's table lists them with their one-line help). */
int cmd_serve(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_migrate_db(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_tenant(int argc, char **argv);

/* 1 when arg is "--help" or "-h". */
int tg_cli_is_help(const char *arg);

/*
 * Match option `name` (e.g. "--db") at argv[*i], as "--db VALUE" or
 * "--db=VALUE". Returns 1 and sets *val (advancing *i past a separate
 * value), 0 when argv[*i] is another argument, -1 when the value is missing
 * (after printing a usage error).
 */
int tg_cli_opt(int argc, char **argv, int *i, const char *name, const char **val);

/* The database URL: opt if given, else $TSUNAGU_DB, else TG_DEFAULT_DB. */
const char *tg_cli_db_url(const char *opt);

/* TG_EXIT_OK for a database URL tg_db_open() understands; for another
 * scheme ("mysql://…"), prints why and returns TG_EXIT_USAGE. Commands call
 * it before they open anything. */
int tg_cli_check_db_url(const char *url);

/* Print "tsunagu: <message>" and the usage (if any) to stderr; returns
 * TG_EXIT_USAGE. */
int tg_cli_usage_error(const char *usage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print "tsunagu: error: <message>" to stderr; returns TG_EXIT_ERROR. */
int tg_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Scope db to the tenant `code` (NULL or "": $TSUNAGU_TENANT, else
 * "default"). Returns TG_EXIT_OK, or prints why and returns TG_EXIT_ERROR.
 * Call after migrate (the registry comes with migration 0003). */
int tg_cli_use_tenant(struct tg_db *db, const char *code);

/* Rename the tenant `code` (its display name in the UI). TG_EXIT_* code. */
int tg_cli_name_tenant(struct tg_db *db, const char *code, const char *name);

/* Inside the caller's transaction: a first organization (org_name, else
 * 事務局; kind 事務局) in the db's tenant and, when login is given, an admin
 * user in it with the password hash `hash`, audited with `detail`. */
enum tg_rc tg_cli_first_admin(struct tg_db *db, const char *org_name, const char *login, const char *admin_name,
                              const char *hash, const char *detail, int64_t *org_id, int64_t *user_id);

/* Open the database (create: make the file if missing); prints the error
 * and returns NULL on failure. */
struct tg_db *tg_cli_open_db(const char *url, int create);

/*
 * Read a password into out (outlen bytes) from, in this order of choice:
 * the first line of `file`, the first line of stdin (from_stdin), or a
 * prompt on the terminal without echo, asked twice when confirm. Checks the
 * length policy of util/password.h. Returns TG_EXIT_OK, TG_EXIT_ERROR, or
 * TG_EXIT_USAGE when there is no source (stdin is not a terminal).
 */
int tg_cli_read_password(const char *file, int from_stdin, int confirm, char *out, size_t outlen);

#endif
