#!/usr/bin/env bash
# test_cli_catalog.sh — the catalog through `lend`, end to end, in a
# temporary folder: import (CSV and JSON Lines, bad rows, re-import), book
# show/update/withdraw, author show/alias, the listings with verdicts and a
# cursor, ratings and reviews, human and --json.
#
# usage: test_cli_catalog.sh PATH/TO/lend
set -u

LEND=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
[ -x "$LEND" ] || { echo "not executable: $LEND" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 2
unset LEND_NOW LEND_DEMO_CATALOG
export LEND_DB="$tmp/test.db"

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

T0=1772442000 # 2026-03-02 09:00 UTC
DAY=86400

run 0 "init" -- "$LEND" --now $T0 init
run 0 "library" -- "$LEND" --now $T0 library add "Библиотека"
run 0 "a grown-up reader" -- "$LEND" --now $T0 reader add "Анна" --born 1990-01-01
run 0 "a young reader" -- "$LEND" --now $T0 reader add "Петя" --born 2016-01-01
run 0 "ticket 1" -- "$LEND" --now $T0 ticket issue 1 1
run 0 "ticket 2" -- "$LEND" --now $T0 ticket issue 1 2

# ---------------------------------------------------------------- import
cat >cat.csv <<'CSV'
external_id,title,authors,author_aliases,kind,age,price,currency,isbn,genres,language,year,series,series_no
ru:1,"Мастер и Маргарита
роман",Михаил Булгаков,"Bulgakov, Mikhail|Булгаков М. А.",ebook,16,399.00,RUB,5-04-001234-9,Роман;Мистика,ru,1967,Классика,3
ru:2,Собачье сердце,Михаил Булгаков,,audiobook,12,199.00,RUB,,Повесть,ru,1925,,
ru:3,Каштанка,Антон Чехов,"Chekhov, Anton",ebook,0,49.00,RUB,,Рассказ,ru,1887,,
ru:4,Без названия автора,,,ebook,0,1.00,RUB,978-0-306-40615-8,,,,,
CSV
run 1 "import with a bad row exits 1" -- "$LEND" --now $T0 --json book import cat.csv
check "three added, one bad" 'j["added"] == 3 and j["skipped"] == 1 and len(j["book_ids"]) == 3'
grep_in err.txt "the bad row has its line and reason" "line 6: ISBN"
run 1 "import again: nothing new" -- "$LEND" --now $T0 --json book import cat.csv
check "re-import never duplicates" 'j["added"] == 0 and j["unchanged"] == 3'
cat >more.jsonl <<'JSONL'
{"external_id": "ru:2", "title": "Собачье сердце", "authors": ["Михаил Булгаков"], "kind": "audiobook", "age": 12, "price": 249, "narrators": ["Владимир Самойлов"], "genres": ["Повесть"], "language": "ru", "year": 1925}
{"external_id": "ru:5", "title": "Скоро", "authors": [{"name": "Новый Автор", "aliases": ["Novyj Avtor"]}], "release": "2027-01-01"}
JSONL
run 0 "import JSON Lines" -- "$LEND" --now $T0 --json book import more.jsonl
check "one updated, one added" 'j["updated"] == 1 and j["added"] == 1'

# ------------------------------------------------------------ book show
run 0 "book show (json)" -- "$LEND" --json book show 1
check "metadata round trip" 'j["title"] == "Мастер и Маргарита" and j["subtitle"] == "роман" and j["isbn"] == "9785040012343" and j["series"] == "Классика" and j["series_no"] == 3 and j["genres"] == ["Роман", "Мистика"] and j["year"] == 1967 and j["external_id"] == "ru:1"'
run 0 "book show" -- "$LEND" book show 2
grep_in out.txt "narrators shown" "Владимир Самойлов"
grep_in out.txt "the updated price" "249.00 RUB"
run 0 "book update" -- "$LEND" --now $T0 --json book update 3 --publisher "Детская литература" --length 32 --isbn 0306406152
check "update keeps the rest" 'j["publisher"] == "Детская литература" and j["length"] == 32 and j["isbn"] == "9780306406157" and j["title"] == "Каштанка" and j["external_id"] == "ru:3"'
run 2 "book update with a bad ISBN" -- "$LEND" book update 3 --isbn 123
run 4 "book update of no book" -- "$LEND" book update 99 --year 1900

# --------------------------------------------------------------- authors
run 0 "author show" -- "$LEND" author show "Михаил Булгаков"
grep_in out.txt "aliases shown" "Bulgakov, Mikhail"
grep_in out.txt "the author's books" "Собачье сердце"
run 0 "author alias" -- "$LEND" --json author alias "Антон Чехов" "Чехов А. П."
check "aliases kept in order" 'j["aliases"] == ["Chekhov, Anton", "Чехов А. П."]'
run 4 "no such author" -- "$LEND" author show "Никто"
run 5 "a reader adds no alias" -- "$LEND" --as reader:1 author alias 1 "X"

# -------------------------------------------------------------- listings
run 0 "fund" -- "$LEND" --now $T0 fund add 1 1 1
run 0 "fund 2" -- "$LEND" --now $T0 fund add 1 2 1
run 0 "fund 3" -- "$LEND" --now $T0 fund add 1 3 2
run 0 "the young reader's fund listing" -- "$LEND" --now $T0 --as reader:2 --json list fund --ticket 2
check "verdicts per book, age marked" '[i["book"]["id"] for i in j["items"]] == [1, 2, 3] and j["items"][0]["availability"]["verdict"] == "refused" and j["items"][0]["availability"]["reason"] == "age" and j["items"][2]["availability"]["verdict"] == "take"'
run 0 "without a ticket the young reader's age still marks" -- "$LEND" --now $T0 --as reader:2 --json list fund --library 1
check "age marks (16+ and 12+ are too old for him)" '[i["age_ok"] for i in j["items"]] == [False, False, True]'
run 0 "a page of one" -- "$LEND" --now $T0 --json list fund --library 1 --limit 1
check "a cursor to the next page" 'len(j["items"]) == 1 and j["next"] != ""'
cursor=$(/usr/bin/python3 -c 'import json; print(json.load(open("out.txt"))["next"])')
run 0 "the next page" -- "$LEND" --now $T0 --json list fund --library 1 --limit 1 --cursor "$cursor"
check "the next book" '[i["book"]["id"] for i in j["items"]] == [2]'
run 2 "a bad cursor" -- "$LEND" list fund --library 1 --cursor nonsense
run 0 "an author's list" -- "$LEND" --json list author "Михаил Булгаков"
check "newest year first" '[i["book"]["id"] for i in j["items"]] == [1, 2]'
run 0 "a genre" -- "$LEND" --json list genre "Рассказ"
check "the genre's book" '[i["book"]["id"] for i in j["items"]] == [3]'
run 0 "coming soon" -- "$LEND" --now $T0 --json list soon
check "the future book" '[i["book"]["title"] for i in j["items"]] == ["Скоро"]'
run 0 "new" -- "$LEND" --now $T0 --json list new
check "released books only" 'sorted(i["book"]["id"] for i in j["items"]) == [1, 2, 3]'
run 0 "a loan" -- "$LEND" --now $T0 --as reader:1 take 1 3
run 0 "another" -- "$LEND" --now $T0 --as reader:2 take 2 3
run 0 "and one more" -- "$LEND" --now $T0 --as reader:1 take 1 2
run 0 "popular" -- "$LEND" --now $((T0 + 60)) --json list popular
check "most loans first" '[(i["book"]["id"], i["key"]) for i in j["items"]] == [(3, 2), (2, 1)]'
run 0 "what to read" -- "$LEND" --now $((T0 + 60)) --as reader:2 list recommended
grep_in out.txt "read by the other reader of Каштанка" "Собачье сердце"
run 0 "popular, human" -- "$LEND" --now $((T0 + 60)) list popular
grep_in out.txt "a table of books" "Каштанка"

# -------------------------------------------------------------- withdraw
run 0 "withdraw" -- "$LEND" --now $((T0 + 120)) book withdraw 3
run 3 "no new loans of it" -- "$LEND" --now $((T0 + 120)) --as reader:1 take 1 3
run 0 "gone from the listings" -- "$LEND" --now $((T0 + 120)) --json list fund --library 1
check "book 3 not listed" '3 not in [i["book"]["id"] for i in j["items"]]'
run 0 "its loans stay" -- "$LEND" --now $((T0 + 120)) --json loans 2
check "the loan of book 3" '3 in [l["book_id"] for l in j]'
run 1 "withdraw again" -- "$LEND" book withdraw 3

# ------------------------------------------------------ ratings, reviews
run 0 "rate" -- "$LEND" --as reader:1 --json rate 1 5
check "one rating of 5" 'j["rating"]["count"] == 1 and j["rating"]["stars"] == [0, 0, 0, 0, 1]'
run 0 "rate again changes it" -- "$LEND" --as reader:1 --json rate 1 3
check "still one rating" 'j["rating"]["count"] == 1 and j["rating"]["stars"] == [0, 0, 1, 0, 0]'
run 0 "the admin rates for a reader" -- "$LEND" --json rate 1 4 --reader 2
check "two ratings" 'j["rating"]["count"] == 2 and j["rating"]["average"] == 3.5'
run 0 "book show has the rating" -- "$LEND" book show 1
grep_in out.txt "the rating line" "3.50 of 5 (2 readers"
run 0 "remove a rating" -- "$LEND" --as reader:1 --json rate 1 --remove
check "one left" 'j["rating"]["count"] == 1'
run 2 "six stars" -- "$LEND" --as reader:1 rate 1 6
run 5 "rating as another" -- "$LEND" --as reader:1 rate 1 2 --reader 2
run 0 "review add" -- "$LEND" --now $T0 --as reader:1 --json review add 1 "Прекрасная книга"
check "review id" 'j["id"] == 1'
run 0 "second review" -- "$LEND" --now $((T0 + 60)) --as reader:2 review add 1 "Страшновато"
run 0 "review list" -- "$LEND" --json review list 1
check "newest first" '[r["id"] for r in j] == [2, 1] and j[1]["text"] == "Прекрасная книга"'
run 5 "editing another's review" -- "$LEND" --as reader:2 review edit 1 "Испорчено"
run 0 "edit own" -- "$LEND" --now $((T0 + 120)) --as reader:1 review edit 1 "Прекрасная книга!"
run 0 "review list, human" -- "$LEND" review list 1
grep_in out.txt "the edited review" "Прекрасная книга!"
grep_in out.txt "marked edited" "(edited)"
run 0 "delete own" -- "$LEND" --as reader:2 review delete 2
run 4 "delete again" -- "$LEND" --as reader:2 review delete 2
run 0 "the check is clean" -- "$LEND" --json check
check "clean" 'j["ok"] is True'

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
