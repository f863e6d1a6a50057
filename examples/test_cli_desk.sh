#!/usr/bin/env bash
# test_cli_desk.sh — the librarian's desk through the `lend` program, in a
# temporary folder: requests (create, list with context, approve, deny,
# cancel), direct issue with an override, renewals, the budget ledger,
# reserve hand-off and licenses, with --json parsed by python3 and the exit
# codes of refusals (3) and permissions (5).
#
# usage: test_cli_desk.sh PATH/TO/lend
set -u

LEND=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
[ -x "$LEND" ] || { echo "not executable: $LEND" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 2
unset LEND_DEMO_CATALOG
export LEND_DB="$tmp/desk.db"
T0=1772442000 # 2026-03-02 09:00 UTC
DAY=86400
export LEND_NOW=$T0

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok - $*"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $*"; }

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

grep_in() {
	if grep -qF -- "$3" "$1"; then ok "$2"; else not_ok "$2: no '$3' in $1"; sed 's/^/    /' "$1" | head -20; fi
}

# ------------------------------------------------------------------ setup
run 0 "init" -- "$LEND" init
run 0 "library 1" -- "$LEND" library add "Центральная библиотека"
run 0 "library 2" -- "$LEND" library add "Филиал"
run 0 "budget" -- "$LEND" budget top-up 1 500.00 --note "март"
for name in "Библиотекарь" "Иван Петров" "Анна Ким" "Олег Сидоров"; do
	run 0 "reader $name" -- "$LEND" reader add "$name" --born 1980-01-01
done
run 0 "grant the librarian" -- "$LEND" library grant 1 1
for r in 2 3 4; do run 0 "card for reader $r" -- "$LEND" ticket issue 1 $r; done
run 0 "a cheap book" -- "$LEND" book add "Вишнёвый сад" --author "Антон Чехов" --price 199.00
run 0 "a dear book" -- "$LEND" book add "Война и мир" --author "Лев Толстой" --price 500.00
run 0 "a popular book" -- "$LEND" book add "Мастер и Маргарита" --author "Михаил Булгаков" --price 100.00
run 0 "the popular book has one copy" -- "$LEND" fund add 1 3 1

# --------------------------------------------------------------- requests
run 0 "request" -- "$LEND" --json --as reader:2 request 1 2
check "pending request" 'j["id"] == 1 and j["state"] == "pending" and j["origin"] == "reader" and j["book_id"] == 2'
run 3 "the same request twice is refused" -- "$LEND" --as reader:2 request 1 2
grep_in err.txt "duplicate wording" "already with the librarian"
run 0 "a second request" -- "$LEND" --as reader:3 request 2 1
run 0 "pending list" -- "$LEND" --json --as librarian:1 requests list 1
check "oldest first with context" '[r["id"] for r in j] == [1, 2] and j[0]["context"]["book_price"]["minor"] == 50000 and j[0]["context"]["budget"]["minor"] == 50000 and j[0]["context"]["limits"]["requests"]["used"] == 1'
run 0 "pending list in words" -- "$LEND" --as librarian:1 requests list 1
grep_in out.txt "the reader's limits in words" "requests open"
run 5 "another library's librarian may not read them" -- "$LEND" --as librarian:1 requests list 2
run 0 "approve: buys with exactly the budget" -- "$LEND" --json --as librarian:1 requests approve 1
check "approved with a loan" 'j["state"] == "approved" and j["loan_id"] == 1 and j["decided_by"] == 1'
run 3 "approve the other: one kopeck short" -- "$LEND" --as librarian:1 requests approve 2
grep_in err.txt "budget refusal" "budget"
run 2 "deny with words needs text" -- "$LEND" --as librarian:1 requests deny 2
run 0 "deny with words" -- "$LEND" --json --as librarian:1 requests deny 2 --text "Ждём поступления"
check "denied with the words" 'j["state"] == "denied" and j["reason"] == "librarian" and j["text"] == "Ждём поступления"'
run 0 "the reader sees his requests" -- "$LEND" --json --as reader:3 requests mine 3
check "denied shown to the reader" 'len(j) == 1 and j[0]["state"] == "denied" and "context" not in j[0]'
run 0 "cancel" -- "$LEND" --as reader:4 request 3 1
run 0 "cancel it" -- "$LEND" --json --as reader:4 requests cancel 3
check "cancelled" 'j["state"] == "cancelled"'

# -------------------------------------------------------- direct issue
run 0 "policy: one loan at most" -- "$LEND" library policy 1 max-loans 1
run 3 "direct issue past max loans is refused" -- "$LEND" --as librarian:1 issue 1 3
run 0 "direct issue with override" -- "$LEND" --json --as librarian:1 issue 1 3 --override --note "exam"
check "issued by the librarian" 'j["origin"] == "librarian" and j["book_id"] == 3'
run 0 "the override is recorded" -- "$LEND" --json --as reader:2 requests mine 2
check "direct record" 'j[-1]["origin"] == "direct" and j[-1]["overridden"] is True and j[-1]["reason"] == "max_loans" and j[-1]["text"] == "exam"'

# ------------------------------------------------------------- renewals
run 3 "renewal off by default" -- "$LEND" --as reader:2 renew 1
grep_in err.txt "renewal refusal" "does not renew"
run 0 "renewals on" -- "$LEND" library policy 1 renewals on
run 0 "renew" -- "$LEND" --json --as reader:2 renew 1
check "a loan period more" 'j["due_at"] == '$T0' + 28 * 86400'
run 3 "once only" -- "$LEND" --as reader:2 renew 1

# ---------------------------------------------------------------- ledger
run 0 "correction" -- "$LEND" --json budget correct 1 50.00 --note "возврат"
check "budget after correction" 'j["budget"]["minor"] == 5000'
run 3 "never below zero" -- "$LEND" budget correct 1 -60.00 --note "too much"
run 0 "ledger" -- "$LEND" --json --as librarian:1 budget ledger 1
check "top-up, purchase, correction" '[x["kind"] for x in j] == ["top-up", "purchase", "correction"] and j[1]["book_id"] == 2 and j[1]["note"] == "bought on approval of request 1" and j[2]["balance"]["minor"] == 5000'
run 0 "ledger for a period" -- "$LEND" --json budget ledger 1 --from @$((T0 - DAY)) --to @$((T0 - 1))
check "nothing before today" 'j == []'
run 0 "ledger in words" -- "$LEND" budget ledger 1
grep_in out.txt "ledger table" "purchase"

# ---------------------------------------------------------- reserve mode
export LEND_NOW=$((T0 + DAY))
run 0 "reserve mode" -- "$LEND" library policy 1 handoff-mode 1
run 0 "queue behind the popular book" -- "$LEND" --as reader:3 queue join 2 3
run 0 "return it" -- "$LEND" --as reader:2 return 2
run 0 "reserved for the waiting reader" -- "$LEND" --json --as reader:3 reserve list 3
check "one active reservation" 'len(j) == 1 and j[0]["state"] == "active" and j[0]["expires_at"] == '$((T0 + DAY))' + 3 * 86400'
run 0 "confirm" -- "$LEND" --json --as reader:3 reserve confirm 1
check "the loan starts" 'j["origin"] == "queue" and j["issued_at"] == '$((T0 + DAY))
run 1 "confirm again" -- "$LEND" --as reader:3 reserve confirm 1

# -------------------------------------------------------------- licenses
run 0 "license" -- "$LEND" --json license add 1 1 2 --expires @$((T0 + 10 * DAY)) --checkouts 5
check "license json" 'len(j) == 1 and j[0]["copies"] == 2 and j[0]["checkouts_left"] == 5 and j[0]["open"] is True'
run 0 "take on the license" -- "$LEND" --as reader:4 take 3 1
run 0 "license list" -- "$LEND" --json license list 1 1
check "one on loan, four checkouts left" 'j[0]["on_loan"] == 1 and j[0]["checkouts_left"] == 4'
run 0 "license list in words" -- "$LEND" license list 1 1
grep_in out.txt "license table" "open"
export LEND_NOW=$((T0 + 11 * DAY))
run 0 "after expiry" -- "$LEND" --json license list 1 1
check "closed" 'j[0]["open"] is False and j[0]["closed_at"] == '$((T0 + 10 * DAY))
run 0 "check" -- "$LEND" --json check
check "check is clean" 'j == {"ok": True, "violations": []}'
run 0 "help lists the desk" -- "$LEND" help
grep_in out.txt "desk section" "The librarian's desk"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
