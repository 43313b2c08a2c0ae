#!/bin/sh
# pg-cluster.sh - a throwaway PostgreSQL cluster for the tests.
#
#   pg-cluster.sh start DIR   initdb into DIR (must not exist or be empty), start the
#                             server on a Unix socket in DIR and a free port on
#                             127.0.0.1, create the ordinary role tsunagu and the
#                             database tsunagu_test owned by it, and print its URL on
#                             stdout (connecting as that role):
#                               postgresql:///tsunagu_test?host=DIR&port=PORT&user=tsunagu
#   pg-cluster.sh stop DIR    stop the server (fast shutdown); DIR stays, remove it
#                             yourself.
#   pg-cluster.sh url DIR     print the URL again.
#   pg-cluster.sh admin-url DIR
#                             the same database as the cluster's superuser (for what
#                             the role may not do: look past row-level security,
#                             terminate any backend).
#   pg-cluster.sh restart DIR pg_ctl restart -m fast (every connection is cut;
#                             the failure test tests/pg/test_restart.mjs uses it).
#
# Authentication is "trust" for local connections only (socket and 127.0.0.1): the
# cluster exists for one test run. Encoding UTF8, locale C (byte order, like
# SQLite's default collation, so ORDER BY name matches on both backends).
#
# The role: tsunagu runs as an ordinary role (NOSUPERUSER NOBYPASSRLS), as in
# production (docs/scaling.md): superusers and BYPASSRLS roles pass row-level
# security, so the tests would not exercise the tenant policies of migration
# 0003. It owns tsunagu_test (its tables, so drop_all works) and has CREATEDB,
# so the API suites can create and drop a database per server with its URL
# (TSUNAGU_TEST_PG_ADMIN=the url; CREATEDB does not lift row-level security).
#
# Root: Debian's initdb and postgres refuse to run as root, so when run as root
# the script chowns DIR to the `postgres` user (created by the postgresql
# package) and runs initdb/pg_ctl through `runuser -u postgres --` (or su).
# The superuser of the cluster (admin-url) is then `postgres`; otherwise it is
# the calling user.
#
# Binaries: `pg_config --bindir` when it has initdb, else the newest
# /usr/lib/postgresql/*/bin (Debian keeps them off PATH).
set -eu

die() {
	echo "pg-cluster.sh: $*" >&2
	exit 1
}

find_bindir() {
	if command -v pg_config >/dev/null 2>&1; then
		d=$(pg_config --bindir 2>/dev/null || true)
		if [ -n "$d" ] && [ -x "$d/initdb" ]; then
			echo "$d"
			return
		fi
	fi
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		if [ -x "$d/initdb" ]; then
			echo "$d"
			return
		fi
	done
	command -v initdb >/dev/null 2>&1 && dirname "$(command -v initdb)" && return
	die "initdb not found: install the postgresql package (sh scripts/deps.sh test)"
}

free_port() {
	# Ask the kernel for a free port; fall back to a random high port.
	if command -v python3 >/dev/null 2>&1; then
		python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
	elif command -v node >/dev/null 2>&1; then
		node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
	else
		echo $((20000 + $$ % 20000))
	fi
}

# as_owner CMD...: run as the cluster's owner (postgres when we are root).
as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		if command -v runuser >/dev/null 2>&1; then
			runuser -u postgres -- "$@"
		else
			# su needs one command string; quote each argument.
			q=""
			for a in "$@"; do
				q="$q '$(printf '%s' "$a" | sed "s/'/'\\\\''/g")'"
			done
			su postgres -s /bin/sh -c "$q"
		fi
	else
		"$@"
	fi
}

cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || die "usage: pg-cluster.sh start|stop|restart|url|admin-url DIR"
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
bindir=$(find_bindir)
data=$dir/data

ROLE=tsunagu

url() {
	echo "postgresql:///tsunagu_test?host=$dir&port=$(cat "$dir/port")&user=$ROLE"
}

admin_url() {
	port=$(cat "$dir/port")
	if [ -f "$dir/user" ]; then
		echo "postgresql:///tsunagu_test?host=$dir&port=$port&user=$(cat "$dir/user")"
	else
		echo "postgresql:///tsunagu_test?host=$dir&port=$port"
	fi
}

case $cmd in
start)
	[ -e "$data" ] && die "$data exists: stop and remove it first"
	if [ "$(id -u)" -eq 0 ]; then
		id postgres >/dev/null 2>&1 || die "running as root needs the postgres user (postgresql package)"
		chown postgres: "$dir"
		# the socket directory must be reachable by postgres
		chmod 0755 "$dir"
	fi
	port=$(free_port)
	echo "$port" >"$dir/port"
	rm -f "$dir/user"
	[ "$(id -u)" -eq 0 ] && echo postgres >"$dir/user"
	as_owner "$bindir/initdb" -D "$data" -A trust -E UTF8 --locale=C --no-instructions >"$dir/initdb.log" 2>&1 ||
		{ cat "$dir/initdb.log" >&2; die "initdb failed"; }
	# Small, fast, local only: no TCP beyond 127.0.0.1, fsync off (throwaway data).
	cat >>"$data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
shared_buffers = 64MB
EOF
	as_owner "$bindir/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 30 start >/dev/null ||
		{ tail -20 "$dir/server.log" >&2; die "server did not start"; }
	as_owner "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -d postgres \
		-c "CREATE ROLE $ROLE LOGIN NOSUPERUSER NOBYPASSRLS CREATEDB" >/dev/null || die "create role failed"
	as_owner "$bindir/createdb" -h "$dir" -p "$port" -O "$ROLE" tsunagu_test || die "createdb failed"
	url
	;;
stop)
	[ -d "$data" ] || exit 0
	as_owner "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
	;;
url)
	url
	;;
admin-url)
	admin_url
	;;
restart)
	[ -d "$data" ] || die "$data does not exist: start the cluster first"
	as_owner "$bindir/pg_ctl" -D "$data" -l "$dir/server.log" -m fast -w -t 30 restart >/dev/null ||
		{ tail -20 "$dir/server.log" >&2; die "server did not restart"; }
	;;
*)
	die "usage: pg-cluster.sh start|stop|restart|url|admin-url DIR"
	;;
esac
