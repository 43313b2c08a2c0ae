#!/bin/sh
# test_migrate_db.sh - `tsunagu migrate-db`: usage errors always; with
# TSUNAGU_TEST_PG (a postgresql:// URL of a throwaway cluster, see
# scripts/pg-cluster.sh; its tsunagu tables are dropped) a round trip of the
# demo database SQLite -> PostgreSQL -> SQLite that must keep every table's
# row count and checksum and the HSDS export byte for byte, plus the
# refusals (non-empty destination, existing file) and --force.
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
pass=0
fail=0

# expect CODE DESCRIPTION -- command...
expect() {
	want=$1 desc=$2
	shift 3
	"$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	got=$?
	if [ "$got" -eq "$want" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $desc: exit $got, want $want"
		sed 's/^/  | /' "$tmp/err" | head -5
	fi
}

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
	"$bin" export --db "$tmp/a.db" --format hsds -o "$tmp/a.json" 2>/dev/null
	"$bin" export --db "$tmp/a.db" --format csv -o "$tmp/a.csv" 2>/dev/null
	# start from an empty database whatever an earlier run left
	"$bin" demo --db "$pg" --force >/dev/null 2>&1
	expect 0 "sqlite -> postgresql (replacing the demo)" -- "$bin" migrate-db --from "sqlite:$tmp/a.db" --to "$pg" --force
	cp "$tmp/out" "$tmp/r1"
	check "13 tables verified" -- test "$(sums "$tmp/r1" 2 | wc -l)" -eq 13
	expect 1 "non-empty postgresql refused" -- "$bin" migrate-db --from "$tmp/a.db" --to "$pg"
	check "refusal says not empty" -- has "not empty" "$tmp/err"
	expect 0 "export from postgresql" -- "$bin" export --db "$pg" --format hsds -o "$tmp/p.json"
	check "HSDS export identical on postgresql" -- cmp -s "$tmp/a.json" "$tmp/p.json"
	expect 0 "postgresql -> sqlite" -- "$bin" migrate-db --from "$pg" --to "sqlite:$tmp/b.db"
	cp "$tmp/out" "$tmp/r2"
	sums "$tmp/r1" 2 >"$tmp/s1"
	sums "$tmp/r2" 3 >"$tmp/s2"
	check "every table's count and checksum survive the round trip" -- cmp -s "$tmp/s1" "$tmp/s2"
	check "round trip compared 13 tables" -- test "$(wc -l <"$tmp/s2")" -eq 13
	expect 0 "export after the round trip" -- "$bin" export --db "$tmp/b.db" --format hsds -o "$tmp/b.json"
	check "HSDS export identical after the round trip" -- cmp -s "$tmp/a.json" "$tmp/b.json"
	expect 0 "CSV export after the round trip" -- "$bin" export --db "$tmp/b.db" --format csv -o "$tmp/b.csv"
	check "CSV export identical after the round trip" -- cmp -s "$tmp/a.csv" "$tmp/b.csv"
	# the copy is a working deployment: a demo login still works on the copy
	expect 0 "user list on the copy" -- "$bin" user list --db "$tmp/b.db"
	check "demo users on the copy" -- test "$("$bin" user list --db "$tmp/b.db" | wc -l)" -gt 5
	"$bin" user list --db "$tmp/a.db" >"$tmp/ua"
	"$bin" user list --db "$tmp/b.db" >"$tmp/ub"
	check "user list identical" -- cmp -s "$tmp/ua" "$tmp/ub"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
