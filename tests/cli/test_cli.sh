#!/bin/sh
# test_cli.sh - drives the tsunagu binary through init, user, backup and
# version, and checks exit codes (0 ok, 1 runtime error, 2 usage).
#   usage: tests/cli/test_cli.sh path/to/tsunagu
# Prints one line per failed check and "N passed, M failed"; exits non-zero
# when anything failed. Works in a temporary directory it removes.
set -u

bin=${1:?usage: test_cli.sh path/to/tsunagu}
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
[ -x "$bin" ] || { echo "not executable: $bin" >&2; exit 2; }

tmp=$(mktemp -d /tmp/tg-cli-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
unset TSUNAGU_DB
pass=0
fail=0

# expect CODE DESCRIPTION -- command...   (stdin is /dev/null unless redirected)
expect() {
	want=$1 desc=$2
	shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" -eq "$want" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $desc: exit $got, want $want"
		sed 's/^/  | /' "$tmp/err" | head -5
	fi
}

# check DESCRIPTION -- shell condition
check() {
	desc=$1
	shift 2
	if "$@"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $desc"
	fi
}

has() { grep -q -- "$1" "$2"; }

db=$tmp/d/t.db
printf 'admin-pass-1\n' >"$tmp/pw"

# --- help and usage ---
expect 0 "--help" -- "$bin" --help
check "--help lists commands" -- has "backup" "$tmp/out"
for c in serve init import export user demo backup version; do
	check "--help lists $c" -- has "  $c " "$tmp/out"
done
expect 2 "no arguments" -- "$bin"
expect 2 "unknown command" -- "$bin" frobnicate
check "unknown command message" -- has "unknown command 'frobnicate'" "$tmp/err"
for c in init user backup version; do
	expect 0 "$c --help" -- "$bin" $c --help
	check "$c --help prints usage" -- has "usage: tsunagu $c" "$tmp/out"
	expect 0 "help $c" -- "$bin" help $c
	check "help $c prints usage" -- has "usage: tsunagu $c" "$tmp/out"
done
expect 0 "user add --help" -- "$bin" user add --help
expect 2 "help of unknown command" -- "$bin" help nothing

# --- version ---
expect 0 "version" -- "$bin" version
check "version names tsunagu" -- has "^tsunagu 0" "$tmp/out"
for lib in SQLite libmicrohttpd jansson libsodium; do
	check "version names $lib" -- has "^$lib [0-9]" "$tmp/out"
done
expect 2 "version with extra argument" -- "$bin" version extra

# --- init ---
expect 2 "init unknown option" -- "$bin" init --db "$db" --bogus
expect 2 "init --db without value" -- "$bin" init --db
expect 2 "init admin options without login" -- "$bin" init --db "$db" --admin-password-file "$tmp/pw"
expect 2 "init bad login" -- "$bin" init --db "$db" --admin-login "a b" --admin-password-file "$tmp/pw"
expect 2 "init admin without password source" -- "$bin" init --db "$db" --admin-login admin
check "failed init leaves no database" -- test ! -e "$db"
printf 'short\n' >"$tmp/shortpw"
expect 1 "init short password" -- "$bin" init --db "$db" --admin-login admin --admin-password-file "$tmp/shortpw"
check "init with short password leaves no database" -- test ! -e "$db"
expect 0 "init with admin" -- "$bin" init --db "$db" --org-name "中区社会福祉協議会" \
	--admin-login admin --admin-name "管理者" --admin-password-file "$tmp/pw"
check "init reports admin" -- has "created admin user 'admin'" "$tmp/out"
check "database file exists" -- test -s "$db"
check "database is private (0600)" -- test "$(stat -c %a "$db")" = 600
expect 1 "init refuses existing database" -- "$bin" init --db "$db"
check "refusal says why" -- has "refusing to overwrite" "$tmp/err"
expect 0 "init plain via TSUNAGU_DB" -- env TSUNAGU_DB="$tmp/plain.db" "$bin" init
check "plain init created file" -- test -s "$tmp/plain.db"
expect 0 "init with sqlite: URL" -- "$bin" init --db "sqlite:$tmp/url.db" --org-name "事務局"
expect 1 "init on an unreachable PostgreSQL" -- "$bin" init --db "postgresql://127.0.0.1:1/tsunagu"
check "postgres message" -- has "cannot connect to database" "$tmp/err"

# --- user ---
expect 2 "user without subcommand" -- "$bin" user
expect 2 "user unknown subcommand" -- "$bin" user frob --db "$db"
expect 2 "user add missing options" -- "$bin" user add --db "$db" --login hanako
expect 2 "user add bad role" -- "$bin" user add --db "$db" --login hanako --name 花子 --role boss --org 1 --password-stdin
expect 1 "user add missing database" -- "$bin" user list --db "$tmp/none.db"
expect 0 "user add staff" -- sh -c "printf 'staff-pass-1\n' | '$bin' user add --db '$db' --login hanako --name '山田 花子' --role staff --org-name '中区社会福祉協議会' --password-stdin"
check "user add reports id" -- has "created user 'hanako'" "$tmp/out"
expect 1 "user add duplicate login" -- sh -c "printf 'staff-pass-1\n' | '$bin' user add --db '$db' --login hanako --name X --role viewer --org 1 --password-stdin"
check "duplicate message" -- has "already exists" "$tmp/err"
expect 1 "user add unknown org" -- sh -c "printf 'staff-pass-1\n' | '$bin' user add --db '$db' --login taro --name X --role viewer --org 99 --password-stdin"
expect 2 "user add without password source" -- "$bin" user add --db "$db" --login taro --name X --role viewer --org 1
expect 0 "user add with password file" -- "$bin" user add --db "$db" --login taro --name "佐藤 太郎" --role volunteer --org 1 --password-file "$tmp/pw"
expect 0 "user list" -- "$bin" user list --db "$db"
check "list header" -- has "^id *login *name *role *organization *disabled" "$tmp/out"
check "list has admin" -- grep -q "admin *管理者 *admin *#1 中区社会福祉協議会 *no" "$tmp/out"
check "list has hanako" -- grep -q "hanako *山田 花子 *staff" "$tmp/out"
check "list has 3 users" -- test "$(wc -l <"$tmp/out")" -eq 4
expect 0 "user list --org" -- "$bin" user list --db "$db" --org 1
expect 2 "user list bad --org" -- "$bin" user list --db "$db" --org x
expect 0 "user passwd" -- sh -c "printf 'new-password-2\n' | '$bin' user passwd hanako --db '$db' --password-stdin"
check "passwd ends sessions" -- has "sessions ended" "$tmp/out"
expect 1 "user passwd unknown" -- sh -c "printf 'new-password-2\n' | '$bin' user passwd nobody --db '$db' --password-stdin"
expect 2 "user passwd missing login" -- "$bin" user passwd --db "$db" --password-stdin
expect 0 "user disable" -- "$bin" user disable hanako --db "$db"
"$bin" user list --db "$db" >"$tmp/list" 2>&1
check "hanako disabled in list" -- grep -q "hanako .* yes$" "$tmp/list"
expect 0 "user enable" -- "$bin" user enable hanako --db "$db"
"$bin" user list --db "$db" >"$tmp/list" 2>&1
check "hanako enabled in list" -- grep -q "hanako .* no$" "$tmp/list"
expect 2 "user disable with password" -- "$bin" user disable hanako --db "$db" --password-stdin

# --- backup ---
expect 2 "backup without DEST" -- "$bin" backup --db "$db"
expect 2 "backup two DESTs" -- "$bin" backup --db "$db" "$tmp/a.db" "$tmp/b.db"
expect 0 "backup" -- "$bin" backup --db "$db" "$tmp/copy.db"
check "backup file exists" -- test -s "$tmp/copy.db"
expect 0 "backup is a working database" -- "$bin" user list --db "$tmp/copy.db"
check "backup has the users" -- has "hanako" "$tmp/out"
expect 1 "backup refuses existing DEST" -- "$bin" backup --db "$db" "$tmp/copy.db"
expect 1 "backup of a missing database" -- "$bin" backup --db "$tmp/none.db" "$tmp/x.db"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
