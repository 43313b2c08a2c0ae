#!/bin/sh
# test_cli.sh - drives the tsunagu binary through init, user, tenant, backup
# and version, and checks exit codes (0 ok, 1 runtime error, 2 usage).
#   usage: tests/cli/test_cli.sh path/to/tsunagu
# Prints one line per failed check and "N passed, M failed"; exits non-zero
# when anything failed. Works in a temporary directory it removes.
#
# With TSUNAGU_TEST_PG_ADMIN=postgresql://... (a maintenance URL, see
# scripts/pg-cluster.sh) every database is a new PostgreSQL database instead
# of a file (created with psql, dropped at the end); checks about files
# (mode 0600, sqlite: URLs) are SQLite-only, and the backup is checked with
# pg_restore --list.
set -u

bin=${1:?usage: test_cli.sh path/to/tsunagu}
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
[ -x "$bin" ] || { echo "not executable: $bin" >&2; exit 2; }

tmp=$(mktemp -d /tmp/tg-cli-XXXXXX)
pg=${TSUNAGU_TEST_PG_ADMIN:-}
pgdbs=""
cleanup() {
	for d in $pgdbs; do
		psql -X -q -d "$pg" -c "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null 2>&1
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
unset TSUNAGU_DB TSUNAGU_TENANT

# pgurl NAME: the URL of database NAME next to the maintenance database.
pgurl() {
	printf '%s' "$pg" | sed -E "s#^(postgres(ql)?://[^/]*)/[^?]*#\1/$1#"
}
# newdb NAME: a database URL for this run; SQLite: a file path (not created),
# PostgreSQL: a new empty database.
newdb() {
	if [ -n "$pg" ]; then
		n="t_cli_$$_$1"
		psql -X -q -v ON_ERROR_STOP=1 -d "$pg" -c "CREATE DATABASE $n" >/dev/null || exit 2
		pgdbs="$pgdbs $n"
		pgurl "$n"
	else
		printf '%s' "$tmp/$1.db"
	fi
}
# missingdb: a database that does not exist.
missingdb() {
	if [ -n "$pg" ]; then pgurl "t_cli_missing_$$"; else printf '%s' "$tmp/none.db"; fi
}
# emptydb URL: true when no tsunagu table exists in it.
emptydb() {
	if [ -n "$pg" ]; then
		test "$(psql -X -A -t -d "$1" -c "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")" = 0
	else
		test ! -e "$1"
	fi
}

. "$(dirname "$0")/lib.sh"

if [ -n "$pg" ]; then db=$(newdb t); else db=$tmp/d/t.db; fi
printf 'admin-pass-1\n' >"$tmp/pw"

# --- help and usage ---
expect 0 "--help" -- "$bin" --help
check "--help lists commands" -- has "backup" "$tmp/out"
for c in serve init import export user demo tenant backup version; do
	check "--help lists $c" -- has "  $c " "$tmp/out"
done
expect 2 "no arguments" -- "$bin"
expect 2 "unknown command" -- "$bin" frobnicate
check "unknown command message" -- has "unknown command 'frobnicate'" "$tmp/err"
for c in init user tenant backup version; do
	expect 0 "$c --help" -- "$bin" $c --help
	check "$c --help prints usage" -- has "usage: tsunagu $c" "$tmp/out"
	expect 0 "help $c" -- "$bin" help $c
	check "help $c prints usage" -- has "usage: tsunagu $c" "$tmp/out"
done
expect 0 "user add --help" -- "$bin" user add --help
expect 0 "serve --help" -- "$bin" serve --help
check "serve --help names --search-cache" -- has "search-cache N" "$tmp/out"
for v in x -1 1000001 ""; do
	expect 2 "serve --search-cache '$v'" -- "$bin" serve --search-cache "$v"
	check "serve --search-cache '$v' says the range" -- has "search-cache must be 0..1000000" "$tmp/err"
done
expect 2 "serve --threads 0" -- "$bin" serve --threads 0
expect 2 "serve --threads 3abc" -- "$bin" serve --threads 3abc
for v in bogus 127.0.0.1 127.0.0.1:0 localhost:http; do
	expect 2 "serve --listen '$v' is a usage error" -- "$bin" serve --listen "$v"
	check "serve --listen '$v' says what it wants" -- has "listen must be IPv4ADDR:PORT" "$tmp/err"
done
# a URL scheme tsunagu does not know is a usage error, never a file named bogus:
for c in "user list" "tenant list" "init" "backup $tmp/b.db" "export --format csv" "serve"; do
	expect 2 "$c --db bogus://x" -- sh -c "cd '$tmp' && '$bin' $c --db bogus://x"
	check "$c --db bogus://x names the scheme" -- has "unsupported database URL scheme 'bogus://'" "$tmp/err"
done
expect 2 "import --db mysql://" -- "$bin" import --db mysql://h/x --format hsds "$tmp/none.json"
expect 2 "TSUNAGU_DB=bogus://x" -- env TSUNAGU_DB=bogus://x "$bin" user list
# sqlite:PATH and sqlite:///absolute/path are the SQLite file PATH
expect 0 "init --db sqlite:///ABS" -- "$bin" init --db "sqlite://$tmp/url3.db"
check "sqlite:///ABS is the file ABS" -- test -s "$tmp/url3.db"
expect 0 "init --db sqlite:PATH" -- "$bin" init --db "sqlite:$tmp/url1.db"
check "sqlite:PATH is the file PATH" -- test -s "$tmp/url1.db"
expect 2 "migrate-db --to bogus://" -- "$bin" migrate-db --from "$tmp/none.db" --to bogus://x
check "no file was made for bogus://" -- test ! -e "$tmp/bogus:"
expect 0 "demo --help" -- "$bin" demo --help
check "demo --help says what it prints and the accounts" -- has "tsunagu-demo-2026" "$tmp/out"
expect 2 "help of unknown command" -- "$bin" help nothing

# --- version ---
expect 0 "version" -- "$bin" version
check "version names tsunagu" -- has "^tsunagu 0" "$tmp/out"
for lib in SQLite libmicrohttpd jansson libsodium libpq; do
	check "version names $lib" -- has "^$lib [0-9]" "$tmp/out"
done
expect 2 "version with extra argument" -- "$bin" version extra

# --- init ---
expect 2 "init unknown option" -- "$bin" init --db "$db" --bogus
expect 2 "init --db without value" -- "$bin" init --db
expect 2 "init admin options without login" -- "$bin" init --db "$db" --admin-password-file "$tmp/pw"
expect 2 "init bad login" -- "$bin" init --db "$db" --admin-login "a b" --admin-password-file "$tmp/pw"
expect 2 "init admin without password source" -- "$bin" init --db "$db" --admin-login admin
check "failed init leaves no database" -- emptydb "$db"
printf 'short\n' >"$tmp/shortpw"
expect 1 "init short password" -- "$bin" init --db "$db" --admin-login admin --admin-password-file "$tmp/shortpw"
check "init with short password leaves no database" -- emptydb "$db"
expect 2 "init empty --name" -- "$bin" init --db "$db" --name ""
expect 0 "init with admin" -- "$bin" init --db "$db" --name "みなと市なか区" --org-name "中区社会福祉協議会" \
	--admin-login admin --admin-name "管理者" --admin-password-file "$tmp/pw"
check "init reports admin" -- has "created admin user 'admin'" "$tmp/out"
if [ -z "$pg" ]; then
	check "database file exists" -- test -s "$db"
	check "database is private (0600)" -- test "$(stat -c %a "$db")" = 600
fi
check "init made tables" -- test ! "$(emptydb "$db" && echo empty)"
expect 1 "init refuses existing database" -- "$bin" init --db "$db"
check "refusal says why" -- has "refusing to overwrite" "$tmp/err"
plain=$(newdb plain)
expect 0 "init plain via TSUNAGU_DB" -- env TSUNAGU_DB="$plain" "$bin" init
check "plain init created the schema" -- test ! "$(emptydb "$plain" && echo empty)"
if [ -z "$pg" ]; then
	expect 0 "init with sqlite: URL" -- "$bin" init --db "sqlite:$tmp/url.db" --org-name "事務局"
fi
expect 1 "init on an unreachable PostgreSQL" -- "$bin" init --db "postgresql://127.0.0.1:1/tsunagu"
check "postgres message" -- has "cannot connect to database" "$tmp/err"
if [ -z "$pg" ]; then
	# missing parent directories are made, each private
	expect 0 "init makes missing parent directories" -- "$bin" init --db "$tmp/newdir/sub/a.db"
	check "new parent is 0700" -- test "$(stat -c %a "$tmp/newdir")" = 700
	check "new subdirectory is 0700" -- test "$(stat -c %a "$tmp/newdir/sub")" = 700
	check "database in the new directory" -- test -s "$tmp/newdir/sub/a.db"
	: >"$tmp/plainfile"
	expect 1 "init under a file" -- "$bin" init --db "$tmp/plainfile/sub/a.db"
	check "init under a file says why" -- has "not a directory" "$tmp/err"
fi

# --- user ---
expect 2 "user without subcommand" -- "$bin" user
expect 2 "user unknown subcommand" -- "$bin" user frob --db "$db"
expect 2 "user add missing options" -- "$bin" user add --db "$db" --login hanako
expect 2 "user add bad role" -- "$bin" user add --db "$db" --login hanako --name 花子 --role boss --org 1 --password-stdin
expect 2 "user add with a name of spaces only" -- sh -c "printf 'staff-pass-1\n' | '$bin' user add --db '$db' --login hanako --name '　 ' --role staff --org 1 --password-stdin"
expect 1 "user add missing database" -- "$bin" user list --db "$(missingdb)"
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
# the length is counted in characters, like the API: 3 kanji (9 bytes) are too short
expect 1 "user passwd with 3 characters in 9 bytes" -- sh -c "printf '日本語\n' | '$bin' user passwd hanako --db '$db' --password-stdin"
check "short password message" -- has "at least 8 characters" "$tmp/err"
expect 1 "user add with 3 characters in 9 bytes" -- sh -c "printf '日本語\n' | '$bin' user add --db '$db' --login jiro --name X --role viewer --org 1 --password-stdin"
expect 0 "user passwd with 8 characters" -- sh -c "printf '日本語のパスワー\n' | '$bin' user passwd hanako --db '$db' --password-stdin"
expect 0 "user disable" -- "$bin" user disable hanako --db "$db"
"$bin" user list --db "$db" >"$tmp/list" 2>&1
check "hanako disabled in list" -- grep -q "hanako .* yes$" "$tmp/list"
expect 0 "user enable" -- "$bin" user enable hanako --db "$db"
"$bin" user list --db "$db" >"$tmp/list" 2>&1
check "hanako enabled in list" -- grep -q "hanako .* no$" "$tmp/list"
expect 2 "user disable with password" -- "$bin" user disable hanako --db "$db" --password-stdin

# --- tenant ---
expect 2 "tenant without action" -- "$bin" tenant
expect 2 "tenant unknown action" -- "$bin" tenant frob --db "$db"
expect 0 "tenant list" -- "$bin" tenant list --db "$db"
check "list header" -- has "^id *code *state *hosts *name" "$tmp/out"
check "default tenant named by init --name" -- grep -q "^1 *default *enabled *- *みなと市なか区" "$tmp/out"
expect 2 "tenant add without name" -- "$bin" tenant add --db "$db" --code kita
expect 2 "tenant add bad code" -- "$bin" tenant add --db "$db" --code "Kita Ku" --name 北区
expect 2 "tenant add with a name of spaces only" -- "$bin" tenant add --db "$db" --code kita --name "　 "
expect 2 "tenant add bad host" -- "$bin" tenant add --db "$db" --code kita --name 北区 --host "bad host"
expect 2 "tenant add --disable" -- "$bin" tenant add --db "$db" --code kita --name 北区 --disable
expect 0 "tenant add with admin" -- "$bin" tenant add --db "$db" --code kita --name "みなと市きた区" \
	--host kita.example.test --host www.kita.example.test --org-name "きた区社会福祉協議会" \
	--admin-login kitaadmin --admin-password-file "$tmp/pw"
check "add reports tenant" -- has "created tenant #2 kita" "$tmp/out"
check "add reports admin" -- has "created admin user 'kitaadmin'" "$tmp/out"
expect 1 "tenant add duplicate code" -- "$bin" tenant add --db "$db" --code kita --name 別
check "duplicate code message" -- has "taken" "$tmp/err"
expect 1 "tenant add taken host" -- "$bin" tenant add --db "$db" --code minami --name 南区 --host kita.example.test
"$bin" tenant list --db "$db" >"$tmp/list" 2>&1
check "failed add wrote nothing" -- test "$(grep -c minami "$tmp/list")" -eq 0
expect 0 "tenant add without admin" -- "$bin" tenant add --db "$db" --code minami --name "みなと市みなみ区"
expect 0 "tenant list after add" -- "$bin" tenant list --db "$db"
check "list shows kita with hosts" -- grep -q "^2 *kita *enabled *kita.example.test,www.kita.example.test *みなと市きた区" "$tmp/out"
check "list has 3 tenants" -- test "$(wc -l <"$tmp/out")" -eq 4
# users and logins per tenant
expect 0 "user list --tenant kita" -- "$bin" user list --db "$db" --tenant kita
check "kita has its admin" -- has "kitaadmin" "$tmp/out"
check "kita does not list default's users" -- test "$(grep -c hanako "$tmp/out")" -eq 0
expect 0 "the same login in another tenant" -- sh -c "printf 'kita-pass-12\n' | '$bin' user add --db '$db' --tenant kita --login hanako --name '北 花子' --role staff --org-name 'きた区社会福祉協議会' --password-stdin"
expect 0 "user list via TSUNAGU_TENANT" -- env TSUNAGU_TENANT=kita "$bin" user list --db "$db"
check "kita's hanako" -- has "北 花子" "$tmp/out"
expect 0 "default tenant's user list" -- "$bin" user list --db "$db"
check "default does not list kita's users" -- test "$(grep -c kitaadmin "$tmp/out")" -eq 0
check "default's hanako is unchanged" -- has "山田 花子" "$tmp/out"
expect 1 "user list unknown tenant" -- "$bin" user list --db "$db" --tenant nosuch
check "unknown tenant message" -- has "no tenant 'nosuch'" "$tmp/err"
expect 1 "user add into another tenant's org" -- sh -c "printf 'kita-pass-12\n' | '$bin' user add --db '$db' --tenant kita --login cross --name X --role viewer --org 1 --password-stdin"
expect 0 "export --tenant minami" -- "$bin" export --db "$db" --tenant minami --format csv -o "$tmp/minami.csv"
check "export of an empty tenant reports 0" -- has "exported 0 resources" "$tmp/err"
expect 1 "demo into a tenant with organizations" -- "$bin" demo --db "$db" --tenant kita
expect 2 "demo --tenant with --force" -- "$bin" demo --db "$db" --tenant minami --force
# a demo file whose last resource is invalid: the load fails and leaves nothing behind
demo_src=$(dirname "$bin")/../data/demo/demo.json
node -e 'const f = require("fs"), d = JSON.parse(f.readFileSync(process.argv[1]));
d.resources[d.resources.length - 1].type = "no_such_type"; f.writeFileSync(process.argv[2], JSON.stringify(d));' \
	"$demo_src" "$tmp/broken-demo.json"
expect 1 "demo with an invalid last resource" -- "$bin" demo --db "$db" --tenant minami --data "$tmp/broken-demo.json"
check "the failure names the resource" -- has "resources\[" "$tmp/err"
expect 0 "user list of minami after the failed demo" -- "$bin" user list --db "$db" --tenant minami
check "the failed demo left no users" -- test "$(grep -c coord "$tmp/out")" -eq 0
expect 0 "demo into an empty tenant" -- "$bin" demo --db "$db" --tenant minami
expect 0 "export --tenant minami after demo" -- "$bin" export --db "$db" --tenant minami --format csv -o "$tmp/minami2.csv"
check "minami now has the demo places" -- has "exported 51 resources" "$tmp/err"
expect 0 "default tenant still has no places" -- "$bin" export --db "$db" --format csv -o "$tmp/default.csv"
check "default export reports 0" -- has "exported 0 resources" "$tmp/err"
# update
expect 2 "tenant update without code" -- "$bin" tenant update --db "$db" --name X
expect 2 "tenant update nothing" -- "$bin" tenant update kita --db "$db"
expect 2 "tenant update --disable --enable" -- "$bin" tenant update kita --db "$db" --disable --enable
expect 1 "tenant update unknown" -- "$bin" tenant update nosuch --db "$db" --name X
expect 1 "tenant update to a taken host" -- "$bin" tenant update minami --db "$db" --host kita.example.test
expect 0 "tenant update" -- "$bin" tenant update kita --db "$db" --name "みなと市北区" --host kita2.example.test --disable
check "update reports" -- has "tenant kita: みなと市北区, disabled, hosts kita2.example.test" "$tmp/out"
expect 0 "tenant update --no-hosts --enable" -- "$bin" tenant update kita --db "$db" --no-hosts --enable
"$bin" tenant list --db "$db" >"$tmp/list" 2>&1
check "kita enabled without hosts" -- grep -q "^2 *kita *enabled *- *みなと市北区" "$tmp/list"

# --- backup ---
expect 2 "backup without DEST" -- "$bin" backup --db "$db"
expect 2 "backup two DESTs" -- "$bin" backup --db "$db" "$tmp/a.db" "$tmp/b.db"
expect 0 "backup" -- "$bin" backup --db "$db" "$tmp/copy.db"
check "backup file exists" -- test -s "$tmp/copy.db"
check "backup is private (0600)" -- test "$(stat -c %a "$tmp/copy.db")" = 600
if [ -z "$pg" ]; then
	expect 0 "backup is a working database" -- "$bin" user list --db "$tmp/copy.db"
	check "backup has the users" -- has "hanako" "$tmp/out"
	expect 0 "backup keeps the tenants" -- "$bin" user list --db "$tmp/copy.db" --tenant kita
	check "backup has kita's users" -- has "kitaadmin" "$tmp/out"
else
	expect 0 "backup is a pg_dump archive" -- pg_restore --list "$tmp/copy.db"
	check "archive holds the users table" -- grep -q "TABLE DATA public users" "$tmp/out"
	check "archive holds the tenants table" -- grep -q "TABLE DATA public tenants" "$tmp/out"
	restored=$(newdb restored)
	expect 0 "archive restores (docs/cli.md)" -- env PGOPTIONS='-c tsunagu.tenant=*' pg_restore --no-owner -d "$restored" "$tmp/copy.db"
	expect 0 "restored database works" -- "$bin" user list --db "$restored"
	check "restored has the users" -- has "hanako" "$tmp/out"
	expect 0 "restored keeps the tenants" -- "$bin" user list --db "$restored" --tenant kita
	check "restored has kita's users" -- has "kitaadmin" "$tmp/out"
fi
expect 1 "backup refuses existing DEST" -- "$bin" backup --db "$db" "$tmp/copy.db"
expect 1 "backup of a missing database" -- "$bin" backup --db "$(missingdb)" "$tmp/x.db"

# --- import options ---
printf '[]\n' >"$tmp/empty.json"
for v in abc 3abc 0 -2 ""; do
	expect 2 "import --org-id '$v'" -- "$bin" import --db "$db" --format hsds --org-id "$v" "$tmp/empty.json"
	check "import --org-id '$v' says it needs a number" -- has "org-id needs a numeric organization id" "$tmp/err"
done

# --- two imports at once that name the same new organization: created once ---
# (SQLite serializes them by its IMMEDIATE transactions; PostgreSQL by the
# store's lock_names, without which both would create it)
cdb=$(newdb conc)
expect 0 "init for concurrent imports" -- "$bin" init --db "$cdb"
head -n 1 tests/data/jp_facilities_new.csv >"$tmp/conc_a.csv"
cp "$tmp/conc_a.csv" "$tmp/conc_b.csv"
i=0
while [ $i -lt 300 ]; do
	printf '131016,CA-%03d,千代田区,同時取込ひろばA%d,,,認可外保育所,東京都千代田区神田1-1-1,,,,,,,,同時取込テスト会,,,,,,,,,,\n' $i $i >>"$tmp/conc_a.csv"
	printf '131016,CB-%03d,千代田区,同時取込ひろばB%d,,,認可外保育所,東京都千代田区神田1-1-1,,,,,,,,同時取込テスト会,,,,,,,,,,\n' $i $i >>"$tmp/conc_b.csv"
	i=$((i + 1))
done
"$bin" import --db "$cdb" --format jp-facilities "$tmp/conc_a.csv" >"$tmp/conc_a.out" 2>&1 &
pa=$!
"$bin" import --db "$cdb" --format jp-facilities "$tmp/conc_b.csv" >"$tmp/conc_b.out" 2>&1 &
pb=$!
wait $pa; ra=$?
wait $pb; rb=$?
check "concurrent import A" -- test "$ra" = 0
check "concurrent import B" -- test "$rb" = 0
expect 0 "export after concurrent imports" -- "$bin" export --db "$cdb" --format hsds -o "$tmp/conc.json"
check "both imports wrote their rows" -- test "$(grep -o '同時取込ひろば[AB]' "$tmp/conc.json" | wc -l)" -ge 600
orgs=$(node -e '
  const services = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const ids = new Set(services.filter((s) => s.organization && s.organization.name === "同時取込テスト会")
    .map((s) => s.organization_id));
  console.log(ids.size);' "$tmp/conc.json")
check "the new organization exists once (found $orgs)" -- test "$orgs" = 1

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
