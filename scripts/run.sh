#!/bin/sh
# run.sh - what `make run` does after building: create the demo database on
# first use, print the demo accounts, serve on http://127.0.0.1:8080/ .
# Environment: TSUNAGU_DB (default data/demo.db), TSUNAGU_LISTEN (127.0.0.1:8080).
set -eu
cd "$(dirname "$0")/.."
db=${TSUNAGU_DB:-data/demo.db}
listen=${TSUNAGU_LISTEN:-127.0.0.1:8080}
if [ ! -f "$db" ]; then
	build/tsunagu demo --db "$db"
fi
cat <<MSG

  tsunagu is running: http://$listen/       (public page for families)
                      http://$listen/app    (staff: login below)

  Demo accounts (password: tsunagu-demo-2026)
    admin     管理者 (admin)
    coord     コーディネーター (coordinator, さくら区社会福祉協議会)
    staff_a   スタッフ (staff, NPO法人 ひだまり)
    staff_b   スタッフ (staff, NPO法人 こどもの森)
    volunteer ボランティア (volunteer)
    viewer    閲覧のみ (viewer)

  Stop with Ctrl-C. The demo database is $db (delete it to start over).

MSG
exec build/tsunagu serve --db "$db" --listen "$listen"
