#!/usr/bin/env bash
# test_cli.sh — the `lend` program end to end, in a temporary folder.
#
# usage: test_cli.sh PATH/TO/lend
#
# A scripted scenario (init, library, reader, ticket, book, fund, take,
# verdict, queue, tick with --now, loans, check) with the --json output parsed
# by python3, the exit codes of a usage error (2), a refusal (3) and a missing
# object (4), a storage failure (6), CSV import with a progress bar on a
# terminal and without one otherwise, a maildir delivery, the output rules
# (times in $TZ, money with its currency, columns aligned by display width,
# refusals on stderr in words), and `lend demo`.
set -u

LEND=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
[ -x "$LEND" ] || { echo "not executable: $LEND" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 2
unset LEND_NOW LEND_DEMO_CATALOG
export TZ=UTC # times are shown in the local zone: the tests choose theirs
export LEND_DB="$tmp/test.db"

. "$here/cli_test_lib.sh"

T0=1772442000 # 2026-03-02 09:00 UTC
DAY=86400

# ------------------------------------------------------------------ setup
run 1 "a command without a database says so" -- "$LEND" library list
grep_in err.txt "missing database message" "lend init"
run 0 "init" -- "$LEND" --now $T0 init
grep_in out.txt "init names the file" "test.db"
run 0 "init again is fine" -- "$LEND" init

run 0 "library add" -- "$LEND" --json --now $T0 library add "Хабаровская краевая библиотека" --address "Хабаровск"
check "library json" 'j["id"] == 1 and j["name"] == "Хабаровская краевая библиотека" and j["budget"] == {"minor": 0, "currency": "RUB"}'
run 0 "second library" -- "$LEND" library add "Библиотека им. Некрасова"
run 0 "budget top-up" -- "$LEND" --json budget top-up 1 1500.00 --note "март"
check "budget in minor units" 'j["budget"]["minor"] == 150000'
run 0 "policy set" -- "$LEND" --json library policy 1 max-self-price 500.00
check "policy value in minor units" 'j["settings"]["max-self-price"] == 50000'
run 0 "policy show" -- "$LEND" --json library policy 1
check "policy defaults" 'j["settings"]["loan-days"] == 14 and j["settings"]["self-service-limit"] == 3 and j["settings"]["monthly-quota"] == -1'
run 0 "library list" -- "$LEND" library list
grep_in out.txt "library list shows the name" "Библиотека им. Некрасова"

run 0 "reader add" -- "$LEND" --json reader add "Иван Петров" --born 1987-04-12
check "reader json" 'j == {"id": 1, "name": "Иван Петров", "birth_date": "1987-04-12"}'
run 0 "second reader" -- "$LEND" --json reader add "Маша Соколова" --born 2010-09-01
run 0 "third reader" -- "$LEND" --json reader add "Анна Ким" --born 1992-11-23
run 0 "ticket issue" -- "$LEND" --json ticket issue 1 1
check "ticket json" 'j["id"] == 1 and j["library_id"] == 1 and j["reader_id"] == 1 and j["blocked"] is False and len(j["number"]) > 4'
run 0 "ticket with a number" -- "$LEND" --json ticket issue 2 1 --number "N-0001"
check "ticket number kept" 'j["number"] == "N-0001"'
run 0 "ticket for reader 2" -- "$LEND" ticket issue 1 2
run 0 "ticket for reader 3" -- "$LEND" ticket issue 1 3
run 0 "ticket list" -- "$LEND" --json ticket list 1
check "two tickets in two libraries" 'sorted(t["library_id"] for t in j) == [1, 2]'

run 0 "book add" -- "$LEND" --json book add "Вишнёвый сад" --author "Антон Чехов" --age 12 --price 199.00
check "book json" 'j["id"] == 1 and j["authors"] == ["Антон Чехов"] and j["kind"] == "ebook" and j["age_rating"] == 12 and j["price"] == {"minor": 19900, "currency": "RUB"} and j["lendable"] is True'
run 0 "audiobook with two authors" -- "$LEND" --json book add "Les Misérables" --author "Victor Hugo" --author "Чтец Иванов" --kind audiobook --price 1490
check "audiobook json" 'j["kind"] == "audiobook" and j["authors"] == ["Victor Hugo", "Чтец Иванов"] and j["price"]["minor"] == 149000'
run 0 "an 18+ book" -- "$LEND" --json book add "Крейцерова соната" --author "Лев Толстой" --age 18 --price 99
run 0 "book list" -- "$LEND" --json book list --limit 2
check "book list pages" 'len(j) == 2 and j[0]["id"] == 1'

run 0 "fund add" -- "$LEND" --json fund add 1 1 1
check "fund json" 'j == {"library_id": 1, "book_id": 1, "copies": 1, "on_loan": 0, "free": 1, "waiting": 0}'
run 0 "fund add the 18+ book" -- "$LEND" fund add 1 3 1

# ------------------------------------------------------------ circulation
run 0 "verdict take" -- "$LEND" --json --as reader:1 --now $T0 verdict 1 1
check "verdict is take" 'j["verdict"] == "take" and j["reason"] is None and j["buys"] is False'
run 0 "take" -- "$LEND" --json --as reader:1 --now $T0 take 1 1
check "loan json" 'j["id"] == 1 and j["origin"] == "self" and j["active"] is True and j["due_at"] - j["issued_at"] == 14 * 86400 and j["issued_at"] == '$T0
run 3 "a second take of the same book is refused" -- "$LEND" --as reader:1 --now $T0 take 1 1
grep_in err.txt "refusal wording" "lend: refused:"
run 0 "verdict queue for another reader" -- "$LEND" --json --as reader:2 --now $T0 verdict 3 1
check "verdict is queue with a position and an estimate" 'j["verdict"] == "queue" and j["position"] == 1 and j["wait_until"] == '$T0' + 14 * 86400'
run 0 "queue join" -- "$LEND" --json --as reader:2 --now $T0 queue join 3 1
check "hold json" 'j["id"] == 1 and j["state"] == "waiting" and j["position"] == 1 and j["wait_until"] == '$T0' + 14 * 86400'
run 0 "second in the queue" -- "$LEND" --json --as reader:3 --now $T0 queue join 4 1
check "position 2, one loan period later" 'j["position"] == 2 and j["wait_until"] == '$T0' + 28 * 86400'
run 0 "queue show" -- "$LEND" --json --now $T0 queue show 1 1
check "queue holds in order" '[h["reader_id"] for h in j["holds"]] == [2, 3]'
run 0 "verdict request for an expensive book" -- "$LEND" --json --as reader:1 --now $T0 verdict 1 2
check "request because too expensive" 'j["verdict"] == "request" and j["reason"] == "too_expensive"'
run 3 "the 15-year-old is refused an 18+ book" -- "$LEND" --as reader:2 --now $T0 take 3 3
grep_in err.txt "age refusal" "younger than the book's age rating"
run 0 "ticket limits" -- "$LEND" --json --as reader:1 --now $T0 ticket limits 1
check "one self-service book used" 'j["settings"]["self-service-limit"] == {"value": 3, "used": 1} and "1 of 3" in j["summary"]'

# fifteen days later: from here on the clock stays there (a command without
# --now would run at today's date and end every loan of 2026-03).
export LEND_NOW=$((T0 + 15 * DAY))
run 0 "tick with --now ends the loan and hands the copy on" -- "$LEND" --json --now $((T0 + 15 * DAY)) tick
check "tick counts" 'j["loans_ended"] == 1 and j["handoffs"] == 1 and j["delivered"] == 3'
check "tick notifications" 'sorted(n["kind"] for n in j["notifications"]) == ["loan_ended", "loan_issued", "queue_handoff"]'
run 0 "loans of the first reader" -- "$LEND" --json --now $((T0 + 15 * DAY)) loans 1
check "the loan ended by itself" 'len(j) == 1 and j[0]["active"] is False and j[0]["end_reason"] == "expired" and j[0]["ended_at"] == '$T0' + 14 * 86400'
run 0 "active loans of the second reader" -- "$LEND" --json --now $((T0 + 15 * DAY)) loans 2 --active
check "the second reader got it from the queue" 'len(j) == 1 and j[0]["origin"] == "queue" and j[0]["book_id"] == 1'
run 0 "queue mine" -- "$LEND" --json --as reader:3 --now $((T0 + 15 * DAY)) queue mine 3
check "the third reader moved up" 'j[0]["position"] == 1'
run 0 "outbox" -- "$LEND" --json outbox
check "every notification delivered" 'len(j) == 3 and all(n["delivered_at"] for n in j) and all(len(n["uuid"]) == 36 for n in j)'
export LEND_NOW=$((T0 + 16 * DAY))
run 0 "return early" -- "$LEND" --json --as reader:2 return 2
check "returned" 'j["end_reason"] == "returned" and j["active"] is False'
run 0 "maildir delivery" -- "$LEND" deliver --to "maildir:$tmp/mail"
n_mail=$(ls "$tmp/mail/new" | wc -l)
[ "$n_mail" -ge 2 ] && ok "maildir has $n_mail messages" || not_ok "maildir has $n_mail messages"
[ -z "$(ls "$tmp/mail/tmp")" ] && ok "maildir tmp is empty" || not_ok "maildir tmp is not empty"
msg=$(ls "$tmp/mail/new" | head -1)
grep_in "$tmp/mail/new/$msg" "an RFC 5322 message" "Message-ID: <"
run 0 "check" -- "$LEND" --json check
check "check is clean" 'j == {"ok": True, "violations": []}'
run 0 "check, in words" -- "$LEND" check
grep_in out.txt "check says no violations" "No violations"
unset LEND_NOW

# --------------------------------------------------------------- errors
run 2 "usage error: missing arguments" -- "$LEND" take 1
grep_in err.txt "usage line" "usage: lend take TICKET BOOK"
run 2 "usage error: not an id" -- "$LEND" take one 1
run 2 "usage error: unknown command" -- "$LEND" frobnicate
run 2 "usage error: unknown option" -- "$LEND" book list --colour
run 2 "usage error: bad --as" -- "$LEND" --as nobody library list
run 4 "not found: a book" -- "$LEND" book show 999
run 4 "not found: a loan" -- "$LEND" return 999
run 5 "permission: a reader may not add a library" -- "$LEND" --as reader:1 library add "X"
run 0 "grant a librarian" -- "$LEND" library grant 1 3
run 0 "the librarian tops up his library" -- "$LEND" --as librarian:3 budget top-up 1 10
run 5 "but not another library" -- "$LEND" --as librarian:3 budget top-up 2 10
run 0 "revoke" -- "$LEND" library revoke 1 3
run 5 "a revoked librarian is no librarian" -- "$LEND" --as librarian:3 budget top-up 1 10
run 0 "help" -- "$LEND" help
grep_in out.txt "help lists the groups" "Lending and queues"
run 0 "a command's help" -- "$LEND" take --help
grep_in out.txt "help has an example" "Example:"
run 0 "help for a group" -- "$LEND" help queue
grep_in out.txt "group help" "lend queue suspend HOLD UNTIL"

# ---------------------------------------------------------------- import
cat >books.csv <<'CSV'
title,authors,kind,age,price,currency
"Мёртвые души",Николай Гоголь,ebook,12,149.00,RUB
"Les Misérables, Tome I",Victor Hugo;Чтец Петров,audiobook,12,329.00,RUB
"A title
on two lines",Somebody,ebook,0,99,RUB
CSV
run 0 "import a CSV" -- "$LEND" --json book import books.csv
check "three books imported" 'j["added"] == 3 and j["skipped"] == 0 and len(j["book_ids"]) == 3'
run 0 "a title on two lines is a title and a subtitle" -- "$LEND" --json book show 6
check "the title and subtitle of the import" 'j["title"] == "A title" and j["subtitle"] == "on two lines"'
run 0 "two authors from one field" -- "$LEND" --json book show 5
check "authors split on ;" 'j["authors"] == ["Victor Hugo", "Чтец Петров"] and j["kind"] == "audiobook" and j["title"] == "Les Misérables, Tome I"'
if grep -q $'\r\|importing' err.txt; then not_ok "progress bytes on a non-terminal stderr"; else ok "no progress bar when stderr is not a terminal"; fi
printf 'title,authors,kind,age,price,currency\nGood,A,ebook,0,1.00,RUB\nBad,B,vinyl,0,1.00,RUB\n' >bad.csv
run 1 "import with a bad row exits 1" -- "$LEND" book import bad.csv
grep_in err.txt "the bad row is named" "line 3"

if command -v script >/dev/null; then
	printf 'title,authors,kind,age,price,currency\nНос,Николай Гоголь,ebook,12,49.00,RUB\n' >tty.csv
	# script(1) gives the command a terminal; its output (stdout and stderr) lands in tty.txt
	script -qec "'$LEND' book import tty.csv" /dev/null >tty.txt 2>&1
	grep_in tty.txt "a progress bar when stderr is a terminal" "importing ["
	grep -q $'\r' tty.txt && ok "the bar redraws itself with carriage returns" || not_ok "no carriage return on a terminal"
fi

# ---------------------------------------------------------- output rules
export LEND_DB="$tmp/out.db"
export LEND_NOW=$T0 # every call settles what is due: keep the clock in March 2026
"$LEND" init >/dev/null
run 0 "a library in roubles" -- "$LEND" library add "Хабаровская краевая библиотека"
run 0 "a library in euros" -- "$LEND" library add "City Library" --currency EUR
run 0 "money in, with decimals" -- "$LEND" budget top-up 1 1500.5
grep_in out.txt "a top-up names the amount with its currency" "by 1500.50 RUB: the budget is now 1500.50 RUB"
run 0 "euros in" -- "$LEND" budget top-up 2 12
run 0 "library list, in words" -- "$LEND" library list
grep_in out.txt "a budget in roubles" "1500.50 RUB"
grep_in out.txt "a budget in euros" "12.00 EUR"
if grep -q "150050" out.txt; then not_ok "minor units in human output"; else ok "no minor units in human output"; fi
"$LEND" reader add "Иван Петров" >/dev/null
"$LEND" ticket issue 1 1 >/dev/null
n=0
for title in "Вишнёвый сад" "源氏物語" "War and Peace" "Мёртвые души"; do
	n=$((n + 1))
	"$LEND" book add "$title" --author "Автор" --price 399 >/dev/null
	"$LEND" fund add 1 "$n" 1 >/dev/null
done
run 0 "book list with Cyrillic and wide titles" -- "$LEND" book list
grep_in out.txt "a price with its currency" "399.00 RUB"
# The last column (PRICE) is right-aligned: every line ends at the same
# display column, though the lines differ in bytes and characters.
if /usr/bin/python3 -c 'import sys, unicodedata
def width(s):
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)
lines = open("out.txt", encoding="utf-8").read().splitlines()
widths = {width(l) for l in lines}
sizes = {len(l.encode()) for l in lines}
print(lines, widths, sizes)
sys.exit(0 if len(lines) == 5 and len(widths) == 1 and len(sizes) > 1 else 1)' >py.txt 2>&1; then
	ok "columns aligned by display width (Cyrillic 1 column, CJK 2)"
else
	not_ok "columns not aligned by display width"
	sed 's/^/    /' out.txt py.txt
fi
run 0 "a take shows the due time in the reader's zone (Moscow)" -- env TZ=Europe/Moscow "$LEND" --now $T0 --as reader:1 take 1 1
grep_in out.txt "due at noon in Moscow" "until 2026-03-16 12:00 MSK"
run 0 "a second take" -- "$LEND" --now $T0 --as reader:1 take 1 2
grep_in out.txt "due at 09:00 UTC with TZ=UTC" "until 2026-03-16 09:00 UTC"
run 0 "a third take" -- "$LEND" --now $T0 --as reader:1 take 1 3
run 0 "loans in Vladivostok" -- env TZ=Asia/Vladivostok "$LEND" --now $T0 loans 1
grep_in out.txt "issued and due in UTC+10" "2026-03-02 19:00 +10  2026-03-16 19:00 +10"
run 0 "JSON times do not depend on the zone" -- env TZ=Asia/Vladivostok "$LEND" --json --now $T0 loans 1
check "issued_at in UTC seconds" 'all(l["issued_at"] == '$T0' and l["due_at"] == '$T0' + 14 * 86400 for l in j)'
run 3 "the fourth take is refused" -- "$LEND" --now $T0 --as reader:1 take 1 4
[ -s out.txt ] && not_ok "a refusal printed on stdout" || ok "a refusal prints nothing on stdout"
if [ "$(cat err.txt)" = "lend: refused: self-service limit reached (3 of 3); ask the librarian" ]; then
	ok "the refusal on stderr, in words, naming the limit"
else
	not_ok "refusal wording: $(cat err.txt)"
fi
run 3 "a refusal with --json" -- "$LEND" --json --now $T0 --as reader:1 take 1 4
grep_in err.txt "with --json the refusal is still on stderr in words" "refused: self-service limit reached (3 of 3)"
[ -s out.txt ] && not_ok "a refusal with --json printed on stdout" || ok "with --json a refusal leaves stdout empty"
run 0 "a card valid until a local time" -- env TZ=Europe/Moscow "$LEND" --json ticket validity 1 - "2026-12-31 23:00"
check "23:00 in Moscow is 20:00 UTC" 'j["valid_until"] == 1798747200'
run 0 "the same time in UTC" -- env TZ=Europe/Moscow "$LEND" --json ticket validity 1 - "2026-12-31 23:00Z"
check "23:00Z is 23:00 UTC" 'j["valid_until"] == 1798758000'
run 2 "a time with another suffix is a usage error" -- "$LEND" ticket validity 1 - "2026-12-31 23:00 MSK"
# book update; --not-lendable stops the lending of a title (the catalog's
# `book withdraw` is tested in test_cli_catalog.sh)
run 0 "book update" -- "$LEND" --json book update 4 --title "Мёртвые души, том 1" --price 149.5 --currency EUR --age 12
check "the update kept the authors and changed the rest" 'j["title"] == "Мёртвые души, том 1" and j["authors"] == ["Автор"] and j["price"] == {"minor": 14950, "currency": "EUR"} and j["age_rating"] == 12'
run 0 "book update, in words" -- "$LEND" book update 4 --price 150
grep_in out.txt "the price keeps its currency" "150.00 EUR"
"$LEND" reader add "Анна Ким" >/dev/null
"$LEND" ticket issue 1 2 >/dev/null
run 0 "stop lending a title on loan" -- "$LEND" --now $T0 book update 1 --not-lendable
grep_in out.txt "book update shows the book" "no (libraries may not lend it)"
run 0 "the loan on it runs on" -- "$LEND" --json --now $T0 loans 1 --active
check "three active loans still" 'len(j) == 3'
run 0 "a title no longer lent: the verdict" -- "$LEND" --json --now $T0 --as reader:2 verdict 2 1
check "refused as not lendable" 'j["verdict"] == "refused" and j["reason"] == "not_lendable"'
run 3 "a take of a title no longer lent is refused" -- "$LEND" --now $T0 --as reader:2 take 2 1
run 0 "bring it back" -- "$LEND" --json book update 1 --lendable
check "lendable again" 'j["lendable"] is True'
run 0 "the verdict after it came back" -- "$LEND" --json --now $T0 --as reader:2 verdict 2 1
check "queue, the copy being on loan" 'j["verdict"] == "queue"'
run 2 "contradicting flags" -- "$LEND" book update 1 --lendable --not-lendable
run 2 "a bad currency" -- "$LEND" book update 1 --currency EURO
run 4 "withdraw an unknown book" -- "$LEND" book withdraw 999
run 5 "a reader may not withdraw a book" -- "$LEND" --as reader:1 book withdraw 1
# a title of 990 bytes: the message's lines stay within RFC 5322's 998
long=$(printf 'Я%.0s' $(seq 1 495))
"$LEND" book add "$long" --author "Автор" >/dev/null
"$LEND" fund add 1 5 1 >/dev/null
run 0 "a take of a book with a long title" -- "$LEND" --as reader:2 take 2 5
run 0 "its notification to a maildir" -- "$LEND" deliver --to "maildir:$tmp/longmail"
if /usr/bin/python3 -c 'import glob, sys
mails = [open(p, "rb").read() for p in glob.glob(sys.argv[1] + "/new/*")]
longest = max(len(line) for m in mails for line in m.split(b"\n"))
whole = any(m.decode("utf-8").count("Я") == 495 for m in mails)
sys.exit(0 if mails and longest <= 998 and whole else 1)' "$tmp/longmail"; then
	ok "no line of a message passes 998 bytes, and the title is all there"
else
	not_ok "a message line passes 998 bytes or the title is cut"
fi
echo "this is not a database" >"$tmp/garbage.db"
run 6 "a storage failure exits 6" -- "$LEND" --db "$tmp/garbage.db" library list
grep_in err.txt "the storage failure in words" "storage failure"
export LEND_DB="$tmp/test.db"
unset LEND_NOW

# ------------------------------------------------------------------ demo
mkdir demo && cd demo || exit 2
run 0 "lend demo" -- env -u LEND_DB "$LEND" demo
for line in "== 1. Two libraries connect to the service ==" \
	"holds cards of both libraries" \
	"lend: the login or the password is wrong" \
	"The right one opens session 1" \
	"Imported 223 titles" \
	"анна кар      → «Анна Каренина»" \
	"fyyf rfh      → «Анна Каренина»" \
	"anna karen    → «Анна Каренина»" \
	"«Анна Каренина», Лев Толстой, ebook: take" \
	"lend: refused: self-service limit reached (3 of 3)" \
	"verdict: request" \
	"Ivan presses it: request 1 for «Герой нашего времени» goes to the librarian." \
	"Olga sees 2 requests" \
	"She approves Ivan's: loan 5, «Герой нашего времени»" \
	"to Иван Петров: Библиотекарь одобрил ваш запрос: книга «Герой нашего времени» выдана вам" \
	"to Анна Ким: The librarian declined your request for «Les Misérables» at Хабаровская краевая библиотека. Reason: the budget of this quarter is spent, please ask again in April." \
	"asked    Les Misérables  Хабаровская краевая библиотека  denied: the book is too expensive for self-service" \
	"The library bought one copy in the same step: budget 5000.00 RUB -> 4691.00 RUB" \
	"younger than the book's age rating" \
	"number 2, expected to get the book by" \
	"to Иван Петров: Срок выдачи книги «Анна Каренина» заканчивается 16 марта 2026." \
	"to Анна Ким: The loan of «Pride and Prejudice» ends on 16 March 2026" \
	"6 reminders; nothing ended yet" \
	"6 loans ended by themselves and went back to the funds; 1 copy was handed on" \
	"Masha was first" \
	"to Маша Соколова: Подошла ваша очередь: книга «Вишнёвый сад»" \
	"to Иван Петров: Ваша очередь за книгой «Вишнёвый сад» в библиотеке «Хабаровская краевая библиотека» продвинулась: теперь вы 1-й в очереди." \
	"reading  Евгений Онегин        Библиотека им. Некрасова        until 2026-03-23, 6 days left" \
	"waiting  Вишнёвый сад          Хабаровская краевая библиотека  number 1, by 2026-03-31" \
	"history  Анна Каренина         Хабаровская краевая библиотека  ended by itself 2026-03-16" \
	"lend_engine_check: " \
	"queue_handoff    Маша Соколова: Подошла ваша очередь" \
	"request_denied   Анна Ким: The librarian declined your request" \
	"24 notifications delivered."; do
	grep_in out.txt "demo: $line" "$line"
done
[ -f lend-demo.db ] && ok "the demo made ./lend-demo.db" || not_ok "no ./lend-demo.db"
# at the story's end (a call without --now would settle the loans at today's date)
run 0 "the demo's outbox" -- "$LEND" --db lend-demo.db --json --now $((T0 + 15 * DAY)) outbox
check "the demo delivered every notification, of every kind in the story" 'len(j) == 24 and all(n["delivered_at"] for n in j) and {n["kind"] for n in j} == {"loan_issued", "request_approved", "request_denied", "loan_ending_soon", "loan_ended", "queue_handoff", "queue_position"}'
run 0 "the demo's requests" -- "$LEND" --db lend-demo.db --json --now $((T0 + 15 * DAY)) requests mine 3
check "Anna's request was denied as too expensive, with the librarian's words" 'len(j) == 1 and j[0]["state"] == "denied" and j[0]["reason"] == "too_expensive" and "April" in j[0]["text"]'
run 0 "Anna's shelf" -- "$LEND" --db lend-demo.db --json --now $((T0 + 15 * DAY)) shelf 3 --section requests
check "the shelf shows the denied request with its reason" 'len(j["items"]) == 1 and j["items"][0]["state"] == "denied" and j["items"][0]["reason"] == "too_expensive" and j["items"][0]["request_id"] == 2'
run 0 "Anna's shelf as a table" -- "$LEND" --db lend-demo.db --now $((T0 + 15 * DAY)) shelf 3
grep_in out.txt "the table names the denial" "«Les Misérables» — Хабаровская краевая библиотека, asked 2026-03-02: denied (the book is too expensive for self-service)"
run 0 "the demo's database is usable" -- "$LEND" --db lend-demo.db --json check
check "the demo's database checks clean" 'j["ok"] is True'
run 0 "the demo runs again over its old database" -- env -u LEND_DB "$LEND" demo
grep_in out.txt "the second run is the same story" "24 notifications delivered."
run 0 "the demo with --db" -- "$LEND" demo --db "$tmp/demo/other.db"
[ -f "$tmp/demo/other.db" ] && ok "the demo used --db" || not_ok "the demo ignored --db"
cd "$tmp" || exit 2

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
