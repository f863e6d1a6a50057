#!/usr/bin/env bash
# test_cli_accounts.sh — accounts and sign-in through the `lend` program:
# passwords (never on the command line), sign-in as --as ticket:/email:,
# throttling, methods with their codes, recovery, app activation, sessions,
# merge and the audit log, human and --json.
#
# usage: test_cli_accounts.sh PATH/TO/lend
set -u

LEND=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
[ -x "$LEND" ] || { echo "not executable: $LEND" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 2
unset LEND_NOW LEND_PASSWORD LEND_NEW_PASSWORD LEND_OTHER_PASSWORD
export LEND_DB="$tmp/test.db"
PY=/usr/bin/python3

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok - $*"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $*"; }

# run EXPECTED_CODE DESCRIPTION -- COMMAND...: stdout in out.txt, stderr in err.txt
run() {
	local want=$1 desc=$2
	shift 3
	"$@" </dev/null >out.txt 2>err.txt
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
	if $PY -c 'import json, sys
j = json.load(open("out.txt", encoding="utf-8"))
sys.exit(0 if eval(sys.argv[1]) else 1)' "$2" 2>err.py.txt; then
		ok "$1"
	else
		not_ok "$1: $2"
		sed 's/^/    json: /' out.txt | head -30
		sed 's/^/    python: /' err.py.txt | head -5
	fi
}

grep_in() {
	if grep -qF -- "$3" "$1"; then ok "$2"; else not_ok "$2: no '$3' in $1"; sed 's/^/    /' "$1" | head -20; fi
}

# The value of KEY= in the newest outbox note of KIND.
secret() {
	"$LEND" --json outbox >outbox.json
	$PY -c 'import json, sys
notes = [n for n in json.load(open("outbox.json")) if n["kind"] == sys.argv[1]]
for line in notes[-1]["detail"].split("\n"):
    if line.startswith(sys.argv[2] + "="):
        print(line.split("=", 1)[1])' "$1" "$2"
}

T0=1772442000 # 2026-03-02 09:00 UTC
export LEND_NOW=$T0

run 0 "init" -- "$LEND" init
run 0 "library" -- "$LEND" library add "Library"
run 0 "reader A" -- "$LEND" reader add "Reader A" --born 1990-05-05
run 0 "reader B" -- "$LEND" reader add "Reader B"
run 0 "ticket A" -- "$LEND" --json ticket issue 1 1 --number A-1
run 0 "ticket B" -- "$LEND" --json ticket issue 1 2 --number B-1

# ---------------------------------------------------------------- passwords
run 2 "a password never comes from the command line" -- "$LEND" password set 1 secret-password
run 2 "without a terminal or \$LEND_NEW_PASSWORD it is refused" -- "$LEND" password set 1
grep_in err.txt "says where the password comes from" "LEND_NEW_PASSWORD"
LEND_NEW_PASSWORD="Password-A-1" run 0 "password set from the environment" -- "$LEND" password set 1
run 0 "password generated" -- "$LEND" --json password set 2 --generate
check "generated password shown once" 'len(j["password"]) == 12'
PB=$($PY -c 'import json; print(json.load(open("out.txt"))["password"])')

# ------------------------------------------------------------------ sign-in
LEND_PASSWORD="Password-A-1" run 0 "login" -- "$LEND" --json login ticket A-1 --library 1
check "login gives the reader and a session" 'j["reader"] == 1 and j["session"] >= 1'
LEND_PASSWORD="wrong password" run 5 "wrong password" -- "$LEND" login ticket A-1 --library 1
cp err.txt wrong.txt
LEND_PASSWORD="Password-A-1" run 5 "unknown card" -- "$LEND" login ticket NO-SUCH --library 1
if diff -q wrong.txt err.txt >/dev/null; then ok "unknown login and wrong password read the same"; else not_ok "the two failures differ"; fi
run 2 "a ticket login needs its library" -- "$LEND" login ticket A-1
LEND_PASSWORD="Password-A-1" run 0 "act as a signed-in reader" -- "$LEND" --json --as ticket:1:A-1 ticket list 1
check "his cards" 'len(j) == 1'
LEND_PASSWORD="Password-A-1" run 5 "the signed-in reader sees only his own" -- "$LEND" --as ticket:1:A-1 ticket list 2

# Throttling: five failures, then a delay even for the right password.
for i in 1 2 3 4; do LEND_PASSWORD="guess $i" "$LEND" login ticket B-1 --library 1 >/dev/null 2>&1; done
LEND_PASSWORD="guess 5" run 5 "fifth failure" -- "$LEND" login ticket B-1 --library 1
LEND_PASSWORD="$PB" run 3 "then a delay" -- "$LEND" login ticket B-1 --library 1
grep_in err.txt "the delay is named" "try again in 30 seconds"
LEND_NOW=$((T0 + 30)) LEND_PASSWORD="$PB" run 0 "after the delay the right password works" -- "$LEND" login ticket B-1 --library 1

# --------------------------------------------------------------- methods
run 0 "method add" -- "$LEND" --json --as reader:1 method add 1 email A@Example.org
check "method json" 'j["id"] == 1 and j["verified"] is False'
CODE=$(secret verification_code code)
[ ${#CODE} -eq 6 ] && ok "a six-digit code in the outbox" || not_ok "code: '$CODE'"
run 5 "a wrong code" -- "$LEND" --as reader:1 method confirm 1 000000x
run 0 "confirm" -- "$LEND" --as reader:1 method confirm 1 "$CODE"
run 0 "method list" -- "$LEND" --json --as reader:1 method list 1
check "confirmed and lowercased" 'j[0]["value"] == "a@example.org" and j[0]["verified"] is True'
run 0 "method list (human)" -- "$LEND" --as reader:1 method list 1
grep_in out.txt "human list" "confirmed"
LEND_PASSWORD="Password-A-1" run 0 "sign in by e-mail" -- "$LEND" --json --as email:a@example.org ticket list 1
run 0 "identity link" -- "$LEND" method link 2 vk 42

# ---------------------------------------------------------------- recovery
run 0 "recovery for an unknown login looks the same" -- "$LEND" recover request email nobody@example.org
grep_in out.txt "same words" "If the login exists"
run 0 "recovery request" -- "$LEND" recover request ticket A-1 --library 1
TOKEN=$(secret password_recovery token)
[ ${#TOKEN} -eq 26 ] && ok "a token in the outbox" || not_ok "token: '$TOKEN'"
LEND_NEW_PASSWORD="Recovered-A-2" run 0 "recover finish" -- "$LEND" recover finish "$TOKEN"
LEND_NEW_PASSWORD="Again-A-3" run 5 "a token works once" -- "$LEND" recover finish "$TOKEN"
LEND_PASSWORD="Recovered-A-2" run 0 "the new password signs in" -- "$LEND" login email a@example.org

# ----------------------------------------------------- activation, sessions
run 0 "activation request" -- "$LEND" activate request email a@example.org
ACODE=$(secret app_activation code)
run 0 "activate" -- "$LEND" --json activate code "$ACODE" --device "e-reader"
check "a session for the app" 'j["reader"] == 1'
SESSION=$($PY -c 'import json; print(json.load(open("out.txt"))["session"])')
run 5 "an activation code works once" -- "$LEND" activate code "$ACODE"
run 0 "sessions" -- "$LEND" --json sessions list 1
check "the app's session is listed" 'any(s["device"] == "e-reader" and s["origin"] == "app" for s in j)'
check "a session ends 90 days after it began" 'all(s["expires_at"] == s["created_at"] + 90 * 86400 for s in j)'
run 0 "revoke" -- "$LEND" sessions revoke "$SESSION"
run 0 "sessions (human)" -- "$LEND" sessions list 1
grep_in out.txt "revoked shows" "revoked"
grep_in out.txt "the end shows" "ENDS"
LEND_PASSWORD="Recovered-A-2" run 0 "password change" -- env LEND_NEW_PASSWORD="Changed-A-4" "$LEND" --as ticket:1:A-1 password change

# ------------------------------------------------------------------ merge
LEND_PASSWORD="Changed-A-4" LEND_OTHER_PASSWORD="not B's" run 5 "merge needs the other password" -- "$LEND" --as ticket:1:A-1 merge ticket B-1 --library 1
LEND_PASSWORD="Changed-A-4" LEND_OTHER_PASSWORD="$PB" run 0 "merge" -- "$LEND" --json --as ticket:1:A-1 merge ticket B-1 --library 1
check "merged into A" 'j["reader"] == 1 and j["merged"]'
LEND_PASSWORD="$PB" run 0 "B's old card leads to A" -- "$LEND" --json login ticket B-1 --library 1
check "reader 1" 'j["reader"] == 1'
run 0 "check is clean" -- "$LEND" check

# ------------------------------------------------------------------ audit
run 0 "audit" -- "$LEND" --json audit --reader 1
check "audit events" 'set(["signin_ok", "method_confirmed", "recovery_done", "activated", "session_revoked", "merged", "password_changed"]) <= set(e["event"] for e in j)'
run 0 "audit (human)" -- "$LEND" audit
grep_in out.txt "human audit" "signin_failed"
run 5 "a reader reads only his own audit" -- "$LEND" --as reader:2 audit --reader 1
if grep -rqF -- "Password-A-1" "$tmp"/test.db* 2>/dev/null; then not_ok "a password in the database file"; else ok "no password in the database file"; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
