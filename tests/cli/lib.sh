# lib.sh - what the CLI test scripts share. Source it after setting $tmp
# (a scratch directory): it counts checks in $pass and $fail.
#   expect CODE DESCRIPTION -- command...  run it (stdin /dev/null, output in
#                                          $tmp/out and $tmp/err), check its exit code
#   check DESCRIPTION -- shell condition
#   has PATTERN FILE                       grep -q
# Each failed check prints one line (and, for expect, the first lines of stderr).
pass=0
fail=0

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
