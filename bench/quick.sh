#!/usr/bin/env bash
# bench/quick.sh - a quick search-vs-/healthz measurement on an existing bench database.
#
#   bash bench/quick.sh [BINARY]       (default build/tsunagu)
#
# Needs bench/out/bench.db and bench/out/search.lua from an earlier bench/run.sh. Starts
# the server on loopback (access log on, as in run.sh), waits for the index, warms up, then
# runs wrk on /healthz and on the rotating searches back to back (QUICK_DURATION, 10s) and
# prints, for each: req/s, p99 and the server's CPU time per request (user + system time
# of all its threads from /proc/PID/task/*/stat, before and after the run, over requests).
# Environment: QUICK_DB (bench/out/bench.db), QUICK_DURATION (10s), QUICK_CONNECTIONS (64), QUICK_PORT (18090),
# QUICK_ROUNDS (1; runs the healthz/search pair that many times), QUICK_ARGS (more `serve`
# options, e.g. "--search-cache 0" to measure every search computed).
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-build/tsunagu}
OUT=bench/out
DB=${QUICK_DB:-$OUT/bench.db}
DUR=${QUICK_DURATION:-10s}
CONNS=${QUICK_CONNECTIONS:-64}
PORT=${QUICK_PORT:-18090}
ROUNDS=${QUICK_ROUNDS:-1}
NPROC=$(nproc 2>/dev/null || echo 4)
THREADS=$((NPROC < 4 ? NPROC : 4))
BASE=http://127.0.0.1:$PORT
[ -f "$DB" ] && [ -f "$OUT/search.lua" ] || { echo "quick: run bench/run.sh once first" >&2; exit 1; }

# shellcheck disable=SC2086 # QUICK_ARGS is a list of options
"$BIN" serve --db "$DB" --listen "127.0.0.1:$PORT" ${QUICK_ARGS:-} >"$OUT/quick-server.log" 2>&1 &
PID=$!
trap 'kill -TERM $PID 2>/dev/null; wait $PID 2>/dev/null || true' EXIT
until curl -fs -o /dev/null "$BASE/healthz" 2>/dev/null; do sleep 0.05; done
first=$(head -n 1 "$OUT/queries.txt")
until [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE$first")" = 200 ]; do sleep 0.1; done

# user and system clock ticks of all the server's threads
ticks() { cat /proc/"$PID"/task/*/stat 2>/dev/null | awk '{ u += $14; s += $15 } END { print u, s }'; }
HZ=$(getconf CLK_TCK)
run() { # name wrk-args...
	local name=$1
	shift
	local t0 t1 f=$OUT/quick-$name.txt
	t0=$(ticks)
	wrk -t"$THREADS" -c"$CONNS" -d"$DUR" --latency "$@" >"$f"
	t1=$(ticks)
	awk -v n="$name" -v t0="$t0" -v t1="$t1" -v hz="$HZ" '
		/^Requests\/sec:/ { rps = $2 }
		/requests in/ { reqs = $1 }
		$1 == "99%" { p99 = $2 }
		/Non-2xx/ { bad = $5 }
		END { split(t0, a, " "); split(t1, b, " "); u = (b[1] - a[1]) / hz * 1e6 / reqs; s = (b[2] - a[2]) / hz * 1e6 / reqs
		      printf "%-8s %9.0f req/s  p99 %-8s cpu %6.1f us/req (user %.1f, sys %.1f)%s\n", n, rps, p99,
		      u + s, u, s, bad ? "  NON-2XX " bad : "" }' "$f"
}
wrk -t"$THREADS" -c"$CONNS" -d2s "$BASE/healthz" >/dev/null
wrk -t"$THREADS" -c"$CONNS" -d2s -s "$OUT/search.lua" "$BASE" >/dev/null
for _ in $(seq 1 "$ROUNDS"); do
	run healthz "$BASE/healthz"
	run search -s "$OUT/search.lua" "$BASE"
done
