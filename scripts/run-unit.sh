#!/bin/sh
# run-unit.sh BIN... : runs each cmocka test program, prints one summary line.
# Exit status: 0 when every program passed.
set -u
pass=0
fail=0
failed=""
for t in "$@"; do
	if out=$("$t" 2>&1); then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		failed="$failed $t"
		printf '%s\n' "$out" | tail -30
	fi
	n=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
	printf '  %-40s %s\n' "$(basename "$t")" "${n:-?} passed"
done
echo "unit: $pass programs passed, $fail failed"
[ -z "$failed" ] || echo "failed:$failed"
[ "$fail" -eq 0 ]
