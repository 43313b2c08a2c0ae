#!/bin/sh
# browser-test.sh BIN: demo database + server on a free port, then the
# Playwright/axe browser test against it. Screenshots land in test-output/browser/
# (test-output/browser-pg/ on PostgreSQL).
# With TSUNAGU_TEST_PG_ADMIN=postgresql://... (scripts/pg-cluster.sh) the demo
# database is a new PostgreSQL database, dropped at the end.
set -eu
bin=$1
dir=$(mktemp -d)
port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
pgadmin=${TSUNAGU_TEST_PG_ADMIN:-}
pgname=""
if [ -n "$pgadmin" ]; then
	pgname="t_browser_$$"
	psql -X -q -v ON_ERROR_STOP=1 -d "$pgadmin" -c "CREATE DATABASE $pgname" >/dev/null
	db=$(printf '%s' "$pgadmin" | sed -E "s#^(postgres(ql)?://[^/]*)/[^?]*#\1/$pgname#")
	export TSUNAGU_BROWSER_OUT=test-output/browser-pg
else
	db=$dir/demo.db
fi
"$bin" demo --db "$db" >/dev/null
# A second tenant with the same demo data, reached by its host name.
tenant_host=kita.tsunagu.test
tenant_name="みなと市きた区"
"$bin" tenant add --db "$db" --code kita --name "$tenant_name" --host "$tenant_host" >/dev/null
"$bin" demo --db "$db" --tenant kita >/dev/null
"$bin" serve --db "$db" --listen "127.0.0.1:$port" --tile-url "" --no-access-log 2>"$dir/server.log" &
pid=$!
cleanup() {
	kill -TERM "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	rm -rf "$dir"
	if [ -n "$pgname" ]; then
		psql -X -q -d "$pgadmin" -c "DROP DATABASE IF EXISTS $pgname WITH (FORCE)" >/dev/null 2>&1 || true
	fi
}
trap cleanup EXIT INT TERM
i=0
until curl -fsS "http://127.0.0.1:$port/healthz" 2>/dev/null | grep -q ok; do
	i=$((i + 1))
	[ $i -gt 200 ] && { echo "server did not start"; cat "$dir/server.log"; exit 1; }
	sleep 0.05
done
TSUNAGU_TENANT_HOST=$tenant_host TSUNAGU_TENANT_NAME=$tenant_name \
TSUNAGU_URL="http://127.0.0.1:$port" TSUNAGU_LOGIN=coord TSUNAGU_PASSWORD=tsunagu-demo-2026 \
	node --test tests/browser/
