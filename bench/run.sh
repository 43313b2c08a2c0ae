#!/usr/bin/env bash
# bench/run.sh - national-scale benchmark of tsunagu (see docs/performance.md).
#
#   make bench            (builds build/tsunagu first), or: bash bench/run.sh
#
# Generates a 100k-row jp-facilities CSV (bench/gen_facilities.c), imports it, starts the
# server on loopback and measures: import time, cold start to first answered request, RSS
# after load, req/s on /healthz and on a rotating set of realistic searches, search p99.
# Every figure is printed on its own line as "name: value (target ...)" and also written
# to bench/out/results.txt. Everything it creates is under bench/out/ (git-ignored).
#
# Then the same import, start and search run on PostgreSQL: a throwaway cluster
# (scripts/pg-cluster.sh, in a temporary directory, stopped and removed at the end). Its
# figures carry a pg_ prefix, and pg_vs_sqlite_search_ratio compares the two search req/s.
# The cluster is the test one: fsync off, synchronous_commit off, shared_buffers 64MB.
#
# Environment: BENCH_ROWS (100000), BENCH_DURATION (10s), BENCH_CONNECTIONS (64),
# BENCH_THREADS (min(4, nproc)), BENCH_PORT (a free port), BENCH_SEED (20261122),
# BENCH_PG (1; 0 skips PostgreSQL), TSUNAGU (the binary, default build/tsunagu).

# `make bench` runs this with sh; the rest needs bash.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=$ROOT/bench/out
BIN=${TSUNAGU:-$ROOT/build/tsunagu}
GEN=$ROOT/build/gen_facilities
ROWS=${BENCH_ROWS:-100000}
DURATION=${BENCH_DURATION:-10s}
CONNS=${BENCH_CONNECTIONS:-64}
NPROC=$(nproc 2>/dev/null || echo 4)
THREADS=${BENCH_THREADS:-$((NPROC < 4 ? NPROC : 4))}
SEED=${BENCH_SEED:-20261122}
BENCH_PG=${BENCH_PG:-1}
CC=${CC:-cc}

die() { echo "bench: $*" >&2; exit 1; }

for tool in curl wrk "$CC" awk; do
	command -v "$tool" >/dev/null 2>&1 ||
		die "'$tool' is missing. Install it (Debian/Ubuntu: apt-get install curl wrk gcc gawk) and run again."
done
[ -x "$BIN" ] || die "$BIN not found; run 'make' first (or 'make bench')."

mkdir -p "$OUT" "$ROOT/build"
RESULTS=$OUT/results.txt
: >"$RESULTS"
SERVER_PID=
PGDIR=
cleanup() {
	if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
		kill -TERM "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
	fi
	if [ -n "$PGDIR" ]; then
		sh "$ROOT/scripts/pg-cluster.sh" stop "$PGDIR" >/dev/null 2>&1 || true
		rm -rf "$PGDIR"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Figures of the PostgreSQL run carry the prefix P (pg_); the SQLite run has none.
P=
report() { # name value target
	echo "$P$1: $2 ($3)" | tee -a "$RESULTS"
}

# Microseconds since the epoch, without spawning a process when bash can.
now_us() {
	if [ -n "${EPOCHREALTIME:-}" ]; then
		local t=${EPOCHREALTIME/[.,]/}
		echo "$t"
	else
		echo $(($(date +%s%N) / 1000))
	fi
}

# ---- 1. data ---------------------------------------------------------------------------
echo "bench: building the generator and writing $ROWS rows"
"$CC" -O2 -o "$GEN" bench/gen_facilities.c
CSV=$OUT/facilities-$ROWS.csv
"$GEN" -n "$ROWS" -s "$SEED" -o "$CSV"
"$GEN" --query-terms -q 32 -s "$SEED" -o "$OUT/queries.txt"
echo "bench: $(wc -c <"$CSV") bytes in $CSV"

# ---- 2-7: import, start, search, throughput, memory, stop: once per database --------------
# bench_db PREFIX SUFFIX DB: figures are named PREFIX<name>, files <name>SUFFIX.<ext>.
# Sets S_RPS (search req/s) and IMPORT_S.
bench_db() {
	P=$1 SFX=$2 DB=$3
	# ---- 2. import -------------------------------------------------------------------------
	"$BIN" init --db "$DB" >"$OUT/init$SFX.log" 2>&1 || { cat "$OUT/init$SFX.log" >&2; die "init failed"; }
	t0=$(now_us)
	if ! "$BIN" import --db "$DB" --format jp-facilities "$CSV" >"$OUT/import$SFX.log" 2>&1; then
		tail -n 20 "$OUT/import$SFX.log" >&2
		die "import failed (full log: $OUT/import$SFX.log)"
	fi
	t1=$(now_us)
	IMPORT_S=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e6 }')
	[ -n "$P" ] || echo "rows: $ROWS" | tee -a "$RESULTS"
	if [ "$ROWS" = 100000 ]; then
		report import_100k_seconds "$IMPORT_S" "target < 10"
	else
		report import_seconds "$IMPORT_S" "$ROWS rows; the target of 10 s is for 100k"
	fi
	if [ -n "$P" ]; then
		# PostgreSQL's autovacuum visits tables about a minute after a large insert, which
		# would land in the middle of the measurements below (it took their p99 from 8 to
		# 20 ms): vacuum now, as after any bulk load, and say how long it took.
		t0=$(now_us)
		psql -X -q -d "$DB" -c "SET client_min_messages = error" -c "VACUUM (ANALYZE)" >"$OUT/vacuum$SFX.log" 2>&1 ||
			{ cat "$OUT/vacuum$SFX.log" >&2; die "VACUUM after the import failed"; }
		t1=$(now_us)
		report vacuum_after_import_seconds "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e6 }')" \
			"not part of the import; keeps autovacuum out of the measurements"
	fi

	# ---- 3. cold start ---------------------------------------------------------------------
	port_free() { ! curl -s -o /dev/null --max-time 0.5 "http://127.0.0.1:$1/" 2>/dev/null; }
	PORT=${BENCH_PORT:-}
	if [ -z "$PORT" ]; then
		for _ in $(seq 1 50); do
			PORT=$((20000 + RANDOM % 30000))
			port_free "$PORT" && break
		done
	fi
	port_free "$PORT" || die "port $PORT is in use; set BENCH_PORT"
	BASE=http://127.0.0.1:$PORT

	t0=$(now_us)
	"$BIN" serve --db "$DB" --listen "127.0.0.1:$PORT" >"$OUT/server$SFX.log" 2>&1 &
	SERVER_PID=$!
	deadline=$((t0 + 30000000))
	until curl -fs -o /dev/null --max-time 1 "$BASE/healthz" 2>/dev/null; do
		kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 20 "$OUT/server$SFX.log" >&2; die "server exited during start"; }
		[ "$(now_us)" -lt "$deadline" ] || die "server did not answer /healthz within 30 s"
	done
	t1=$(now_us)
	COLD_MS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", (b - a) / 1e3 }')
	report cold_start_ms "$COLD_MS" "target < 200"

	# The server may answer /healthz before its search index is built; searches wait for the
	# index (or answer 503). Time to the first answered search, from the same exec.
	first_query=$(head -n 1 "$OUT/queries.txt")
	deadline=$((t0 + 300000000))
	until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 "$BASE$first_query" || true)" = 200 ]; do
		kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 20 "$OUT/server$SFX.log" >&2; die "server exited"; }
		[ "$(now_us)" -lt "$deadline" ] || die "no search answered 200 within 300 s of start"
	done
	t2=$(now_us)
	report search_ready_ms "$(awk -v a="$t0" -v b="$t2" 'BEGIN { printf "%.0f", (b - a) / 1e3 }')" \
		"first answered search after start; no separate target"

	# ---- 4. the search queries answer ------------------------------------------------------
	# Each query once, alone: status, result count and time, so a fast figure cannot hide empty
	# or failing answers, and a slow query shows up by name in queries-timing.txt.
	n_ok=0 n_bad=0 totals=
	: >"$OUT/queries-timing$SFX.txt"
	while IFS= read -r path; do
		body=$(curl -s -w '\n%{http_code} %{time_total}' --max-time 30 "$BASE$path" || true)
		last=${body##*$'\n'}
		code=${last%% *}
		secs=${last#* }
		if [ "$code" = 200 ]; then
			n_ok=$((n_ok + 1))
			t=$(printf '%s' "$body" | grep -o '"total" *: *[0-9]*' | head -n 1 | grep -o '[0-9]*$' || true)
			totals="$totals ${t:-?}"
			echo "$secs ${t:-?} $path" >>"$OUT/queries-timing$SFX.txt"
		else
			n_bad=$((n_bad + 1))
			echo "bench: HTTP $code for $path" >&2
		fi
	done <"$OUT/queries.txt"
	echo "${P}search_queries: $((n_ok + n_bad)) run, $n_ok answered 200, totals:$totals" | tee -a "$RESULTS"
	[ "$n_ok" -gt 0 ] || die "no search query answered 200; see $OUT/server$SFX.log"
	sort -n "$OUT/queries-timing$SFX.txt" | awk -v p="$P" '{ t[NR] = $1 * 1000 } END {
		printf "" p "search_single_ms: median %.1f, max %.1f (one request at a time)\n", t[int((NR + 1) / 2)], t[NR] }' |
		tee -a "$RESULTS"

	# ---- 5. throughput ---------------------------------------------------------------------

	rps() { awk '/^Requests\/sec:/ { print $2 }' "$1"; }
	non2xx() { awk '/Non-2xx or 3xx responses:/ { print $5 }' "$1"; }
	p99_ms() {
		awk '$1 == "99%" {
			v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v)
			if (u == "us") v /= 1000; else if (u == "s") v *= 1000; else if (u == "m") v *= 60000
			printf "%.2f", v }' "$1"
	}

	# user and system clock ticks of all the server's threads, before and after a run
	ticks() { cat /proc/"$SERVER_PID"/task/*/stat 2>/dev/null | awk '{ t += $14 + $15 } END { print t + 0 }'; }
	requests() { awk '/requests in/ { print $1 }' "$1"; }
	cpu_us() { # ticks-before ticks-after wrk-output: server CPU time per request
		awk -v a="$1" -v b="$2" -v n="$(requests "$3")" -v hz="$(getconf CLK_TCK)" \
			'BEGIN { if (n > 0) printf "%.1f", (b - a) / hz * 1e6 / n; else print "?" }'
	}

	echo "bench: ${P:+PostgreSQL: }wrk -t$THREADS -c$CONNS -d$DURATION on /healthz and on search"
	wrk -t"$THREADS" -c"$CONNS" -d2s "$BASE/healthz" >/dev/null # warm-up
	c0=$(ticks)
	wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency "$BASE/healthz" >"$OUT/wrk-healthz$SFX.txt"
	c1=$(ticks)
	wrk -t"$THREADS" -c"$CONNS" -d2s -s "$OUT/search.lua" "$BASE" >/dev/null # warm-up
	c2=$(ticks)
	wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s "$OUT/search.lua" "$BASE" >"$OUT/wrk-search$SFX.txt"
	c3=$(ticks)

	H_RPS=$(rps "$OUT/wrk-healthz$SFX.txt")
	S_RPS=$(rps "$OUT/wrk-search$SFX.txt")
	[ -n "$H_RPS" ] && [ -n "$S_RPS" ] || die "could not read wrk output (see $OUT/wrk-*$SFX.txt)"
	report healthz_rps "$H_RPS" "req/s, $CONNS connections"
	report search_rps "$S_RPS" "req/s, $CONNS connections"
	report search_vs_healthz_ratio "$(awk -v s="$S_RPS" -v h="$H_RPS" 'BEGIN { printf "%.2f", s / h }')" "target >= 0.50"
	report search_p99_ms "$(p99_ms "$OUT/wrk-search$SFX.txt")" "target < 10"
	report healthz_p99_ms "$(p99_ms "$OUT/wrk-healthz$SFX.txt")" "for comparison"
	# What a request costs the server itself (user + system time of its threads over the
	# run, per request): unlike the ratio, it does not depend on how the CPU is shared
	# with wrk. No target; see docs/performance.md.
	report healthz_server_cpu_us "$(cpu_us "$c0" "$c1" "$OUT/wrk-healthz$SFX.txt")" "server CPU per request, µs"
	report search_server_cpu_us "$(cpu_us "$c2" "$c3" "$OUT/wrk-search$SFX.txt")" "server CPU per request, µs"
	for f in healthz search; do
		bad=$(non2xx "$OUT/wrk-$f$SFX.txt")
		errs=$(awk '/Socket errors:/ { print }' "$OUT/wrk-$f$SFX.txt")
		[ -z "$bad" ] || echo "bench: WARNING ${P}$bad non-2xx answers during the $f run" | tee -a "$RESULTS"
		[ -z "$errs" ] || echo "bench: WARNING ${P}$f: $errs" | tee -a "$RESULTS"
	done

	# ---- 6. memory -------------------------------------------------------------------------
	rss_mb() { awk -v k="$1:" '$1 == k { printf "%.1f", $2 / 1024 }' "/proc/$SERVER_PID/status"; }
	report rss_mb "$(rss_mb VmRSS)" "target < 100; after load"
	report rss_peak_mb "$(rss_mb VmHWM)" "high-water mark"

	# ---- 7. stop ---------------------------------------------------------------------------
	kill -TERM "$SERVER_PID"
	status=0
	for _ in $(seq 1 100); do
		kill -0 "$SERVER_PID" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$SERVER_PID" 2>/dev/null; then
		echo "bench: WARNING server still running 5 s after SIGTERM; killing it" | tee -a "$RESULTS"
		kill -KILL "$SERVER_PID" 2>/dev/null || true
	fi
	wait "$SERVER_PID" 2>/dev/null || status=$?
	SERVER_PID=
	echo "${P}server_exit_status: $status (after SIGTERM; 0 expected)" | tee -a "$RESULTS"
	# Searches answered from the server's memo of recent answers (search.h), over the
	# whole run: the bench rotates 32 requests, so all but their first answers are kept.
	awk -v p="$P" '/event=search_cache/ { for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] } }
		END { if (f["hits"] + f["misses"] > 0) printf "%ssearch_cache_hits: %d of %d searches\n", p, f["hits"], f["hits"] + f["misses"] }' \
		"$OUT/server$SFX.log" | tee -a "$RESULTS"
}

# The search requests, rotating (wrk script), shared by both runs.
{
	echo "-- generated by bench/run.sh: rotate among realistic searches"
	echo "local paths = {"
	sed 's/.*/  "&",/' "$OUT/queries.txt"
	echo "}"
	# formatted once per thread (init), so the client's per-request work is a table
	# lookup, as close as a script gets to wrk's static /healthz request
	echo "local reqs, i = {}, 0"
	echo "init = function(args)"
	echo "  for j, p in ipairs(paths) do reqs[j] = wrk.format(\"GET\", p) end"
	echo "end"
	echo "request = function()"
	echo "  i = i % #reqs + 1"
	echo "  return reqs[i]"
	echo "end"
} >"$OUT/search.lua"

# ---- SQLite ------------------------------------------------------------------------------
SQLITE_DB=$OUT/bench.db
rm -f "$SQLITE_DB" "$SQLITE_DB"-*
bench_db "" "" "$SQLITE_DB"
SQLITE_S_RPS=$S_RPS

# ---- every search computed ---------------------------------------------------------------
# The same measurement with the answer memo off (serve --search-cache 0): each request runs
# the index query, as a search nobody made in the last moments does. No target of its own;
# it follows the search's own cost (docs/performance.md).
echo "bench: wrk -t$THREADS -c$CONNS -d$DURATION again, with serve --search-cache 0"
QUICK_ARGS="--search-cache 0" QUICK_DURATION=$DURATION QUICK_CONNECTIONS=$CONNS QUICK_PORT=$PORT \
	bash "$ROOT/bench/quick.sh" "$BIN" >"$OUT/uncached.txt" 2>&1 || { cat "$OUT/uncached.txt" >&2; die "uncached run failed"; }
awk '$1 == "healthz" { h = $2 } $1 == "search" { s = $2; p99 = $5; cpu = $7 }
	END { printf "uncached_search_vs_healthz_ratio: %.2f (no target; healthz %d, search %d req/s)\n", s / h, h, s
	      printf "uncached_search_p99_ms: %s (no target)\n", p99
	      printf "uncached_search_server_cpu_us: %s (server CPU per request, µs)\n", cpu }' "$OUT/uncached.txt" | tee -a "$RESULTS"

# ---- PostgreSQL --------------------------------------------------------------------------
# The same file, import, start and search run against a throwaway cluster. Only the
# database differs: the search itself is served from the same in-memory index.
if [ "$BENCH_PG" != 0 ]; then
	PGDIR=$(mktemp -d /tmp/tsunagu-bench-pg.XXXXXX)
	echo "bench: starting a throwaway PostgreSQL cluster in $PGDIR"
	if ! PG_URL=$(sh "$ROOT/scripts/pg-cluster.sh" start "$PGDIR" 2>"$OUT/pg-cluster.log"); then
		cat "$OUT/pg-cluster.log" >&2
		die "could not start PostgreSQL (install it: sh scripts/deps.sh test; or set BENCH_PG=0)"
	fi
	PG_VERSION=$(psql -X -At -d "$PG_URL" -c 'SHOW server_version' 2>/dev/null || echo '?')
	echo "pg_server_version: $PG_VERSION" | tee -a "$RESULTS"
	bench_db pg_ -pg "$PG_URL"
	P=
	report pg_vs_sqlite_search_ratio "$(awk -v p="$S_RPS" -v s="$SQLITE_S_RPS" 'BEGIN { printf "%.2f", p / s }')" \
		"target >= 0.50"
	PG_SIZE=$(psql -X -At -d "$PG_URL" -c 'SELECT pg_size_pretty(pg_database_size(current_database()))' 2>/dev/null || echo '?')
	echo "pg_database_size: $PG_SIZE" | tee -a "$RESULTS"
	sh "$ROOT/scripts/pg-cluster.sh" stop "$PGDIR" >/dev/null 2>&1 || true
	rm -rf "$PGDIR"
	PGDIR=
fi
echo "bench: done; details in $OUT (results.txt, wrk-*.txt, server*.log, import*.log)"
