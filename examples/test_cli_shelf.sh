#!/usr/bin/env bash
# test_cli_shelf.sh — the reader's shelf through the `lend` program: shelf,
# cabinet, balance (a repeated payment key), buy (a refusal naming the
# amount missing), defer, read (a stale device write), bookmark, grant (ends
# with the loan), prefs (opt-out), and the rendered texts the notifier prints.
#
# usage: test_cli_shelf.sh PATH/TO/lend
set -u

LEND=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
[ -x "$LEND" ] || { echo "not executable: $LEND" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 2
unset LEND_NOW LEND_DEMO_CATALOG
export LEND_DB="$tmp/test.db"

. "$here/cli_test_lib.sh"

T0=1772442000 # 2026-03-02 09:00 UTC
DAY=86400
export LEND_NOW=$T0

run 0 "init" -- "$LEND" init
run 0 "library 1" -- "$LEND" library add "Central"
run 0 "library 2" -- "$LEND" library add "Pushkin"
run 0 "reader" -- "$LEND" reader add "Анна" --born 1990-01-01
run 0 "card 1" -- "$LEND" ticket issue 1 1
run 0 "card 2" -- "$LEND" ticket issue 2 1
run 0 "book 1" -- "$LEND" book add "Мастер и Маргарита" --author "Михаил Булгаков" --price 399.00
run 0 "book 2" -- "$LEND" book add "Мёртвые души" --author "Николай Гоголь" --kind audiobook --price 199.00
run 0 "copies 1" -- "$LEND" fund add 1 1 1
run 0 "copies 2" -- "$LEND" fund add 2 2 1
run 0 "take 1" -- "$LEND" --as reader:1 take 1 1
run 0 "take 2" -- "$LEND" --as reader:1 take 2 2

# ------------------------------------------------------------- balance
run 0 "credit" -- "$LEND" --json balance credit 1 100.00 --key pay-1
check "credited" 'j["credited"] is True and j["balance"]["minor"] == 10000'
run 0 "the same payment again" -- "$LEND" --json balance credit 1 100.00 --key pay-1
check "not credited twice" 'j["credited"] is False and j["balance"]["minor"] == 10000'
run 2 "a credit needs a key" -- "$LEND" balance credit 1 100.00
run 5 "a reader cannot credit himself" -- "$LEND" --as reader:1 balance credit 1 100.00 --key x

# ----------------------------------------------------------------- buy
run 3 "buy with too little" -- "$LEND" --as reader:1 buy 1 1
grep_in err.txt "the refusal names the amount missing" "lacks 299.00 RUB"
run 0 "credit more" -- "$LEND" balance credit 1 300.00 --key pay-2
run 0 "buy" -- "$LEND" --json --as reader:1 buy 1 1
check "bought at the price" 'j["price"]["minor"] == 39900 and j["book_id"] == 1'
run 3 "buy twice" -- "$LEND" --as reader:1 buy 1 1

# --------------------------------------------------------------- shelf
run 0 "defer" -- "$LEND" --as reader:1 defer add 1 2
run 0 "shelf json" -- "$LEND" --json --as reader:1 shelf 1
check "one shelf over two libraries" '[i["section"] for i in j["items"]] == ["loans", "loans", "bought", "deferred", "history", "history"]'
check "loans carry days left" 'j["items"][0]["days_left"] == 14 and j["items"][1]["library_id"] == 2'
run 0 "shelf by kind" -- "$LEND" --json --as reader:1 shelf 1 --kind audiobook
check "only the audiobook" 'all(i["kind"] == "audiobook" for i in j["items"]) and len(j["items"]) == 3'
run 0 "shelf pages" -- "$LEND" --json --as reader:1 shelf 1 --limit 4
check "a first page" 'len(j["items"]) == 4 and j["next"] > 0'
next=$(/usr/bin/python3 -c 'import json; print(json.load(open("out.txt"))["next"])')
run 0 "shelf next page" -- "$LEND" --json --as reader:1 shelf 1 --limit 4 --after "$next"
check "the rest" 'len(j["items"]) == 2 and j["next"] == 0'
run 0 "shelf human" -- "$LEND" --as reader:1 shelf 1
grep_in out.txt "sections in words" "History (everything borrowed):"
run 2 "a bad section" -- "$LEND" shelf 1 --section nonsense
run 0 "defer list" -- "$LEND" --json --as reader:1 defer list 1 --ticket 2
check "verdict on the card" 'j[0]["book_id"] == 2 and j[0]["verdict"] == "yours"'
run 0 "cabinet" -- "$LEND" --json --as reader:1 cabinet 1
check "two cards, active, with limits" 'len(j) == 2 and j[0]["state"] == "active" and j[0]["loans_left"] == 9'

# ---------------------------------------------------- reading, bookmarks
run 0 "phone position" -- "$LEND" --json --as reader:1 read set 1 1 40 --device phone --at @$((T0 + 100)) --percent 20
check "applied" 'j["applied"] is True'
run 0 "stale tablet position" -- "$LEND" --json --as reader:1 read set 1 1 12 --device tablet --at @$((T0 + 50))
check "ignored" 'j["applied"] is False'
run 0 "read show" -- "$LEND" --json --as reader:1 read show 1 1
check "the newest position kept" 'j["position"] == 40 and j["device"] == "phone" and j["access"] == "loan"'
run 0 "bookmark" -- "$LEND" --json --as reader:1 bookmark add 1 1 40 --note "Рукописи не горят"
run 0 "bookmarks" -- "$LEND" --json --as reader:1 bookmark list 1 1
check "the bookmark" 'j[0]["note"] == "Рукописи не горят" and j[0]["position"] == 40'

# ------------------------------------------------------- offline grants
run 0 "grant for the loan" -- "$LEND" --json --as reader:1 grant add 1 2 --device phone
check "until the due time" 'j["valid_until"] == '$((T0 + 14 * DAY))
run 0 "grant for the bought book" -- "$LEND" --json --as reader:1 grant add 1 1 --device phone
check "no end" 'j["valid_until"] is None'
run 0 "grants" -- "$LEND" --json --as reader:1 grant list 1 --device phone
check "two grants" 'len(j) == 2'

# ------------------------------------------- preferences and reminders
run 0 "prefs" -- "$LEND" --json --as reader:1 prefs set 1 --lang en --channel email --email anna@example.org --mute loan_ended
check "stored" 'j["language"] == "en" and j["channel"] == "email" and j["muted"] == ["loan_ended"]'
run 2 "security cannot be muted" -- "$LEND" --as reader:1 prefs set 1 --mute verification_code
run 0 "deliver what is pending" -- "$LEND" deliver --to none
run 0 "tick three days before" -- "$LEND" --now $((T0 + 11 * DAY)) tick --to stdout
grep_in out.txt "the reminder in English" "The loan of «Мёртвые души» ends on 16 March 2026"
run 0 "tick again" -- "$LEND" --now $((T0 + 11 * DAY + 600)) tick --to stdout
if grep -qF "ends on" out.txt; then not_ok "the reminder came twice"; else ok "the reminder came once"; fi
run 0 "the loans end" -- "$LEND" --now $((T0 + 15 * DAY)) tick --to stdout
if grep -qF "loan_ended" out.txt; then not_ok "a switched-off kind was sent"; else ok "loan_ended switched off"; fi
run 0 "grants after the loans" -- "$LEND" --now $((T0 + 15 * DAY)) --json --as reader:1 grant list 1
check "only the bought book" 'len(j) == 1 and j[0]["book_id"] == 1'
run 0 "bought book stays" -- "$LEND" --now $((T0 + 15 * DAY)) --json --as reader:1 shelf 1 --section bought
check "still bought" 'len(j["items"]) == 1'

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
