#!/bin/sh
# Installs what tsunagu needs on a Debian machine, only when it is missing.
#   deps.sh run   - build and run: compiler, libraries, Node for the UI's npm packages
#   deps.sh test  - also the test tools: cmocka, chromium, wrk, valgrind, npm packages
# Uses sudo when not root. Prints what it installs; silent when all is there.
set -eu

mode=${1:-run}
pkgs_run="build-essential pkg-config libmicrohttpd-dev libjansson-dev libsqlite3-dev \
libsodium-dev libutf8proc-dev zlib1g-dev libpq-dev nodejs npm"
pkgs_test="libcmocka-dev chromium fonts-noto-cjk wrk valgrind curl postgresql clang-format"

want=$pkgs_run
[ "$mode" = test ] && want="$pkgs_run $pkgs_test"

missing=""
for p in $want; do
	# nodejs/npm may come from elsewhere (nvm, NodeSource): accept a working binary.
	case $p in
	nodejs) command -v node >/dev/null 2>&1 && continue ;;
	npm) command -v npm >/dev/null 2>&1 && continue ;;
	esac
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done

if [ -n "$missing" ]; then
	echo "tsunagu: installing Debian packages:$missing"
	SUDO=""
	[ "$(id -u)" -ne 0 ] && SUDO=sudo
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# npm packages (Leaflet for the map; playwright-core and axe-core for tests)
# come from the lock file. Reinstall only when the lock file changed.
if [ -f package-lock.json ]; then
	stamp=node_modules/.tsunagu-lock
	if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
		echo "tsunagu: installing npm packages from package-lock.json"
		npm ci --no-audit --no-fund --loglevel=error
		cp package-lock.json "$stamp"
	fi
fi
