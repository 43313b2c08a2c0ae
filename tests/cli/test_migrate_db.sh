#!/bin/sh
# test_migrate_db.sh - `tsunagu migrate-db`: usage errors always; with
# TSUNAGU_TEST_PG (a postgresql:// URL of a throwaway cluster, see
# scripts/pg-cluster.sh; its tsunagu tables are dropped) a round trip
# SQLite -> PostgreSQL -> SQLite of a database with two tenants holding data
# (the demo in "default" and in a second tenant "sakura" with two hosts) that
# must keep every table's row count and checksum, each tenant's HSDS and CSV
# exports byte for byte, the tenant registry and each tenant's users, plus the
# refusals (non-empty destination, existing file) and --force. On PostgreSQL
# the URL's role is an ordinary one, so row-level security is in force: the
# exports there prove each tenant sees exactly its own rows.
#   usage: tests/cli/test_migrate_db.sh path/to/tsunagu
# Prints one line per failed check and "N passed, M failed"; exits non-zero
# when anything failed.
set -u

bin=${1:?usage: test_migrate_db.sh path/to/tsunagu}
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
[ -x "$bin" ] || { echo "not executable: $bin" >&2; exit 2; }

tmp=$(mktemp -d /tmp/tg-migdb-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
unset TSUNAGU_DB

. "$(dirname "$0")/lib.sh"
differ() { test -s "$1" && test -s "$2" && ! cmp -s "$1" "$2"; }

# "table rows sha256" of every table, from migrate-db's report: the source
# columns (2, 4) or the destination ones (3, 4; the sums match when ok).
sums() { awk -v c="$2" 'NF >= 5 && $NF == "ok" { print $1, $c, $4 }' "$1"; }

# --- usage, always ---
expect 0 "--help" -- "$bin" migrate-db --help
check "--help shows the usage" -- has "usage: tsunagu migrate-db" "$tmp/out"
expect 0 "help lists migrate-db" -- "$bin" --help
check "help lists migrate-db" -- has "  migrate-db " "$tmp/out"
expect 2 "no options" -- "$bin" migrate-db
expect 2 "only --from" -- "$bin" migrate-db --from "$tmp/a.db"
expect 2 "unknown option" -- "$bin" migrate-db --from x --to y --bogus
expect 2 "same database" -- "$bin" migrate-db --from "$tmp/a.db" --to "$tmp/a.db"
expect 1 "missing source" -- "$bin" migrate-db --from "$tmp/none.db" --to "$tmp/b.db"
check "missing source leaves no destination" -- test ! -e "$tmp/b.db"

# --- SQLite -> SQLite (no server needed) ---
expect 0 "demo database" -- "$bin" demo --db "$tmp/a.db"
expect 0 "second tenant" -- "$bin" tenant add --db "$tmp/a.db" --code sakura --name "さくら区" \
	--host sakura.example.jp --host www.sakura.example.jp
expect 0 "demo data in the second tenant" -- "$bin" demo --db "$tmp/a.db" --tenant sakura
expect 0 "sqlite -> sqlite" -- "$bin" migrate-db --from "sqlite:$tmp/a.db" --to "sqlite:$tmp/c.db"
check "report says match" -- has "counts and checksums match" "$tmp/out"
check "report lists resources" -- has "^resources " "$tmp/out"
expect 1 "existing destination file refused" -- "$bin" migrate-db --from "$tmp/a.db" --to "$tmp/c.db"
check "refusal names --force" -- has "use --force" "$tmp/err"
check "refused destination kept" -- test -s "$tmp/c.db"
expect 0 "--force replaces the file" -- "$bin" migrate-db --from "$tmp/a.db" --to "$tmp/c.db" --force

if [ -z "${TSUNAGU_TEST_PG:-}" ]; then
	echo "TSUNAGU_TEST_PG not set: PostgreSQL round trip skipped"
else
	pg=$TSUNAGU_TEST_PG
	for t in default sakura; do
		"$bin" export --db "$tmp/a.db" --tenant $t --format hsds -o "$tmp/a-$t.json" 2>/dev/null
		"$bin" export --db "$tmp/a.db" --tenant $t --format csv -o "$tmp/a-$t.csv" 2>/dev/null
	done
	check "each tenant has its own export" -- differ "$tmp/a-sakura.json" "$tmp/a-default.json"
	"$bin" tenant list --db "$tmp/a.db" >"$tmp/ta"
	# start from an empty database whatever an earlier run left
	"$bin" demo --db "$pg" --force >/dev/null 2>&1
	expect 0 "sqlite -> postgresql (replacing the demo)" -- "$bin" migrate-db --from "sqlite:$tmp/a.db" --to "$pg" --force
	cp "$tmp/out" "$tmp/r1"
	check "14 tables verified" -- test "$(sums "$tmp/r1" 2 | wc -l)" -eq 14
	expect 1 "non-empty postgresql refused" -- "$bin" migrate-db --from "$tmp/a.db" --to "$pg"
	check "refusal says not empty" -- has "not empty" "$tmp/err"
	for t in default sakura; do
		expect 0 "export of $t from postgresql" -- "$bin" export --db "$pg" --tenant $t --format hsds -o "$tmp/p-$t.json"
		check "HSDS export of $t identical on postgresql" -- cmp -s "$tmp/a-$t.json" "$tmp/p-$t.json"
	done
	expect 0 "tenant list on postgresql" -- "$bin" tenant list --db "$pg"
	check "tenant list identical on postgresql" -- cmp -s "$tmp/ta" "$tmp/out"
	expect 0 "postgresql -> sqlite" -- "$bin" migrate-db --from "$pg" --to "sqlite:$tmp/b.db"
	cp "$tmp/out" "$tmp/r2"
	sums "$tmp/r1" 2 >"$tmp/s1"
	sums "$tmp/r2" 3 >"$tmp/s2"
	check "every table's count and checksum survive the round trip" -- cmp -s "$tmp/s1" "$tmp/s2"
	check "round trip compared 14 tables" -- test "$(wc -l <"$tmp/s2")" -eq 14
	check "tenants and tenant_hosts were copied" -- \
		test "$(awk '$1 == "tenants" || $1 == "tenant_hosts" { print $1, $2 }' "$tmp/r1" | tr '\n' ' ')" = \
		"tenants 2 tenant_hosts 2 "
	for t in default sakura; do
		expect 0 "export of $t after the round trip" -- "$bin" export --db "$tmp/b.db" --tenant $t --format hsds \
			-o "$tmp/b-$t.json"
		check "HSDS export of $t identical after the round trip" -- cmp -s "$tmp/a-$t.json" "$tmp/b-$t.json"
		expect 0 "CSV export of $t after the round trip" -- "$bin" export --db "$tmp/b.db" --tenant $t --format csv \
			-o "$tmp/b-$t.csv"
		check "CSV export of $t identical after the round trip" -- cmp -s "$tmp/a-$t.csv" "$tmp/b-$t.csv"
		# the copy is a working deployment: each tenant's users are there
		expect 0 "user list of $t on the copy" -- "$bin" user list --db "$tmp/b.db" --tenant $t
		check "demo users of $t on the copy" -- test "$(wc -l <"$tmp/out")" -gt 5
		"$bin" user list --db "$tmp/a.db" --tenant $t >"$tmp/ua"
		"$bin" user list --db "$pg" --tenant $t >"$tmp/up"
		"$bin" user list --db "$tmp/b.db" --tenant $t >"$tmp/ub"
		check "user list of $t identical on postgresql" -- cmp -s "$tmp/ua" "$tmp/up"
		check "user list of $t identical after the round trip" -- cmp -s "$tmp/ua" "$tmp/ub"
	done
	expect 0 "tenant list after the round trip" -- "$bin" tenant list --db "$tmp/b.db"
	check "tenant list identical after the round trip" -- cmp -s "$tmp/ta" "$tmp/out"
	# a new tenant on the copy gets the next id (sequences_reset covers tenants.id)
	expect 0 "a third tenant on postgresql" -- "$bin" tenant add --db "$pg" --code third --name "三"
	expect 0 "tenant list on postgresql" -- "$bin" tenant list --db "$pg"
	check "the third tenant has id 3" -- grep -q "^ *3 *third" "$tmp/out"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
