#!/usr/bin/env bash
# bench/compare.sh - two (or more) server binaries side by side on a noisy machine.
#
#   bash bench/compare.sh OLD_BINARY NEW_BINARY [MORE...]
#
# Runs bench/quick.sh (the /healthz and search pair on bench/out/bench.db) for each binary
# in turn, COMPARE_ROUNDS times (5), so every binary sees the same moments of the machine,
# and prints for each the median over the rounds of: /healthz and search req/s, their ratio,
# search p99 and the server's CPU per request (user + system, all threads). Medians, not
# means: one round disturbed by another tenant of the machine does not move them.
# A binary given as BINARY@DB runs on that database instead (a binary older than the
# schema of bench/out/bench.db cannot open it: give it a copy it imported itself).
# Environment: COMPARE_ROUNDS (5); QUICK_DURATION (quick.sh's, default here 6s).
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: bench/compare.sh OLD_BINARY[@DB] NEW_BINARY[@DB] [MORE...]" >&2; exit 2; }
ROUNDS=${COMPARE_ROUNDS:-5}
export QUICK_DURATION=${QUICK_DURATION:-6s}
OUT=bench/out/compare.txt
: >"$OUT"
for r in $(seq 1 "$ROUNDS"); do
	i=0
	for b in "$@"; do
		i=$((i + 1))
		case $b in *@*) db=${b#*@} bin=${b%%@*} ;; *) db="" bin=$b ;; esac
		QUICK_DB=${db:-bench/out/bench.db} bash bench/quick.sh "$bin" | awk -v i="$i" -v r="$r" '
			function ms(v) { return v ~ /us$/ ? v / 1000 : v ~ /ms$/ ? v + 0 : v ~ /s$/ ? v * 1000 : v }
			$1 == "healthz" { h = $2; hc = $7 }
			$1 == "search" { s = $2; p = ms($5); sc = $7 }
			END { print i, r, h, s, s / h, p, hc, sc }' >>"$OUT"
		echo "round $r/$ROUNDS: $b done" >&2
	done
done
printf '%-3s %-40s %9s %9s %6s %9s %11s %11s\n' "" binary "healthz/s" "search/s" ratio "p99" "healthz cpu" "search cpu"
i=0
for b in "$@"; do
	i=$((i + 1))
	awk -v i="$i" '$1 == i' "$OUT" | awk -v b="$b" -v i="$i" '
		function med(col,   n, k, v, t) { n = 0; for (k = 1; k <= NR; k++) v[++n] = row[k, col];
			for (k = 1; k <= n; k++) for (t = k + 1; t <= n; t++) if (v[t] < v[k]) { x = v[k]; v[k] = v[t]; v[t] = x }
			return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }
		{ for (c = 3; c <= 8; c++) row[NR, c] = $c + 0 }
		END { printf "%-3s %-40s %9.0f %9.0f %6.3f %7.2fms %8.1f us %8.1f us\n", i, b, med(3), med(4), med(5), med(6), med(7), med(8) }'
done
