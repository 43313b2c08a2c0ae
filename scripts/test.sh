#!/bin/sh
# test.sh - everything `make test` runs, in order, with one summary at the end:
#   1. the normal build (-Werror, hardening) and its unit tests
#   2. the ASan+UBSan build and the same unit tests
#   3. the CLI test against both binaries
#   4. the API and HSDS suites (node:test) against a real server, both binaries
#   5. the browser test (Debian's chromium via playwright-core, axe-core)
# Every step runs against SQLite and, on a throwaway PostgreSQL cluster that this
# script starts and stops (scripts/pg-cluster.sh), against PostgreSQL too.
# Output of each step goes to test-output/; failures print their tail.
set -u
cd "$(dirname "$0")/.."
out=test-output
rm -rf "$out"
mkdir -p "$out"
jobs=$(nproc 2>/dev/null || echo 2)
steps_ok=0
steps_failed=0
failed=""

step() {
	name=$1
	shift
	printf '== %s\n' "$name"
	start=$(date +%s)
	if "$@" >"$out/$name.log" 2>&1; then
		steps_ok=$((steps_ok + 1))
		printf '   ok (%ss)\n' $(($(date +%s) - start))
		grep -E '^(unit:|# (pass|fail)|[0-9]+ passed)' "$out/$name.log" | sed 's/^/   /'
	else
		steps_failed=$((steps_failed + 1))
		failed="$failed $name"
		printf '   FAILED (%ss), log in %s\n' $(($(date +%s) - start)) "$out/$name.log"
		# The failing tests first (node:test "not ok" with its diagnostics,
		# cmocka "[  FAILED  ]", sanitizer reports), then the tail.
		awk '/^ *not ok /{n=45} /\[  FAILED  \]|ERROR: AddressSanitizer|runtime error:/{n=25} n>0{print; n--}' \
			"$out/$name.log" | head -150 | sed 's/^/   ! /'
		tail -25 "$out/$name.log" | sed 's/^/   | /'
	fi
}

# ASan in containers: leak checking needs ptrace, which may be refused.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1:strict_string_checks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# A throwaway PostgreSQL cluster for the store tests and the API suites.
pgdir=$(mktemp -d /tmp/tsunagu-pg.XXXXXX)
pgurl=""
cleanup_pg() {
	[ -n "$pgurl" ] && sh scripts/pg-cluster.sh stop "$pgdir" >/dev/null 2>&1
	rm -rf "$pgdir"
}
trap cleanup_pg EXIT INT TERM
if pgurl=$(sh scripts/pg-cluster.sh start "$pgdir" 2>"$out/pg-cluster.log"); then
	echo "== postgresql cluster: $pgurl"
else
	pgurl=""
	steps_failed=$((steps_failed + 1))
	failed="$failed pg-cluster"
	echo "== postgresql cluster FAILED to start:"
	tail -20 "$out/pg-cluster.log" | sed 's/^/   | /'
fi
export TSUNAGU_TEST_PG="$pgurl"

step format make check-fmt
step build make -j"$jobs" all
step unit make -j"$jobs" test-unit
step build-asan make -j"$jobs" SANITIZE=1 all
step unit-asan make -j"$jobs" SANITIZE=1 test-unit
step cli sh tests/cli/test_cli.sh build/tsunagu
step cli-asan sh tests/cli/test_cli.sh build-asan/tsunagu
if [ -n "$pgurl" ]; then
	step cli-pg env TSUNAGU_TEST_PG_ADMIN="$pgurl" sh tests/cli/test_cli.sh build/tsunagu
fi
step migrate-db sh tests/cli/test_migrate_db.sh build/tsunagu
step api env TSUNAGU_BIN=build/tsunagu node --test --test-concurrency=1 tests/api/ tests/hsds/
step api-asan env TSUNAGU_BIN=build-asan/tsunagu node --test --test-concurrency=1 tests/api/ tests/hsds/
if [ -n "$pgurl" ]; then
	step api-pg env TSUNAGU_BIN=build/tsunagu TSUNAGU_TEST_PG_ADMIN="$pgurl" \
		node --test --test-concurrency=1 tests/api/ tests/hsds/
	step api-asan-pg env TSUNAGU_BIN=build-asan/tsunagu TSUNAGU_TEST_PG_ADMIN="$pgurl" \
		node --test --test-concurrency=1 tests/api/ tests/hsds/
fi
step pg-restart node tests/pg/test_restart.mjs build/tsunagu
step browser sh scripts/browser-test.sh build/tsunagu
if [ -n "$pgurl" ]; then
	step browser-pg env TSUNAGU_TEST_PG_ADMIN="$pgurl" sh scripts/browser-test.sh build/tsunagu
fi

echo
echo "steps: $steps_ok passed, $steps_failed failed"
[ -z "$failed" ] || echo "failed steps:$failed (logs in $out/)"
[ "$steps_failed" -eq 0 ]
