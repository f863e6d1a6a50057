# cli_test_lib.sh — what the CLI test scripts share: counters, run, check
# and grep_in. Sourced (bash) from the test's temporary folder.

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok - $*"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $*"; }

# run EXPECTED_CODE DESCRIPTION -- COMMAND...: stdout in out.txt, stderr in err.txt
run() {
	local want=$1 desc=$2
	shift 3
	"$@" >out.txt 2>err.txt
	local got=$?
	if [ "$got" -eq "$want" ]; then
		ok "$desc (exit $got)"
	else
		not_ok "$desc: exit $got, wanted $want"
		sed 's/^/    stdout: /' out.txt | head -20
		sed 's/^/    stderr: /' err.txt | head -20
	fi
}

# check DESCRIPTION PYTHON_EXPR: evaluate with j = the JSON in out.txt
check() {
	local desc=$1 expr=$2
	if /usr/bin/python3 -c 'import json, sys
j = json.load(open("out.txt", encoding="utf-8"))
sys.exit(0 if eval(sys.argv[1]) else 1)' "$expr" 2>err.py.txt; then
		ok "$desc"
	else
		not_ok "$desc: $expr"
		sed 's/^/    json: /' out.txt | head -30
		sed 's/^/    python: /' err.py.txt | head -5
	fi
}

# grep_in FILE DESCRIPTION PATTERN (fixed string)
grep_in() {
	if grep -qF -- "$3" "$1"; then ok "$2"; else not_ok "$2: no '$3' in $1"; sed 's/^/    /' "$1" | head -20; fi
}
