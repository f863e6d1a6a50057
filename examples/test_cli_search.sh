#!/usr/bin/env bash
# test_cli_search.sh — `lend search` and `lend suggest` end to end.
#
# usage: test_cli_search.sh PATH/TO/lend
#
# A small catalog in Russian and English, then: folding (accents, ё),
# transliteration and the wrong keyboard layout, ranking, the human table and
# the --json schema, filters (kind, language, age, available now) with a
# reader's verdicts, FTS syntax that is only text, and the usage errors.
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
	if python3 -c 'import json, sys
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

run 0 "init" -- "$LEND" init
run 0 "book 1" -- "$LEND" book add "Мастер и Маргарита" --author "Булгаков, Михаил Афанасьевич" --age 16
run 0 "book 2" -- "$LEND" book add "Les Misérables" --author "Hugo, Victor"
run 0 "book 3" -- "$LEND" book add "Мёртвые души" --author "Гоголь, Николай" --kind audiobook
run 0 "book 4" -- "$LEND" book add "The Master of Ballantrae" --author "Stevenson, Robert Louis"
run 0 "book 5" -- "$LEND" book add "C++ (2nd ed.)" --author "Someone"
run 0 "library" -- "$LEND" library add "Central"
run 0 "reader" -- "$LEND" reader add "Ann" --born 2014-05-01
run 0 "ticket" -- "$LEND" ticket issue 1 1
run 0 "copies of 1" -- "$LEND" fund add 1 1 1
run 0 "copies of 2" -- "$LEND" fund add 1 2 1

# folding, transliteration, keyboard layout
run 0 "search without accents" -- "$LEND" --json search miserables
check "Les Misérables found" 'j["hits"][0]["title"] == "Les Misérables"'
run 0 "Latin for Russian" -- "$LEND" --json search bulgakov
check "Булгаков found by bulgakov" 'j["hits"][0]["book_id"] == 1'
run 0 "wrong layout, typing" -- "$LEND" --json suggest ",ekuf"
check "Булгаков found by ,ekuf" '[h["book_id"] for h in j["hits"]] == [1]'
run 0 "wrong layout, Gogol" -- "$LEND" --json suggest "ujujkm"
check "Гоголь found by ujujkm" 'j["hits"][0]["book_id"] == 3'
run 0 "ё = е" -- "$LEND" --json search "мертвые"
check "Мёртвые души found by мертвые" 'j["hits"][0]["book_id"] == 3'
run 0 "Cyrillic for Latin" -- "$LEND" --json search "виктор"
check "Hugo found by виктор" 'j["hits"][0]["book_id"] == 2'

# ranking and the schema
run 0 "master" -- "$LEND" --json suggest "master"
check "the title starting with it first" '[h["book_id"] for h in j["hits"]] == [1, 4]'
check "hit schema" 'set(j["hits"][0]) == {"book_id", "title", "authors", "kind", "age_rating", "score", "too_young", "verdict", "reason"}'
check "no verdict without a library" 'j["hits"][0]["verdict"] is None'
run 0 "full search wants whole words" -- "$LEND" --json search "mast"
check "no hits for a part of a word" 'j["hits"] == []'
run 0 "human table" -- "$LEND" suggest "mas"
grep_in out.txt "table head" "TITLE"
grep_in out.txt "table row" "Мастер и Маргарита"
run 0 "nothing found" -- "$LEND" search "zzzz"
grep_in out.txt "says nothing found" "nothing found"

# filters and verdicts
run 0 "kind" -- "$LEND" --json search "gogol" --kind audiobook
check "the audiobook" '[h["kind"] for h in j["hits"]] == ["audiobook"]'
run 0 "kind ebook" -- "$LEND" --json search "gogol" --kind ebook
check "no ebook" 'j["hits"] == []'
run 0 "a reader's verdicts" -- "$LEND" --as reader:1 --json suggest "m" --library 1
check "too young marked, refused for age" 'any(h["book_id"] == 1 and h["too_young"] and h["verdict"] == "refused" and h["reason"] == "age" for h in j["hits"])'
check "take where a copy is free" 'any(h["book_id"] == 2 and h["verdict"] == "take" for h in j["hits"])'
run 0 "age appropriate" -- "$LEND" --as reader:1 --json suggest "m" --age-appropriate
check "the 16+ book left out" 'all(h["book_id"] != 1 for h in j["hits"])'
run 0 "available now" -- "$LEND" --as reader:1 --json search "miserables" --library 1 --available
check "available" '[h["verdict"] for h in j["hits"]] == ["take"]'
run 0 "limit" -- "$LEND" --json suggest "m" --limit 1
check "one hit" 'len(j["hits"]) == 1'
run 0 "human verdicts" -- "$LEND" --as reader:1 suggest "мастер" --library 1
grep_in out.txt "too young in the table" "(too young)"
grep_in out.txt "refusal in the table" "refused (age)"

# FTS syntax is text, never an error
for q in '"' '*' '"*():^-' 'c++' 'title:c' 'NEAR(c ed)' 'c OR zzz' '(c' '-c'; do
	run 0 "syntax as text: $q" -- "$LEND" --json search "$q"
done
run 0 "c 2nd" -- "$LEND" --json search "c++ (2nd"
check "C++ found" 'j["hits"][0]["book_id"] == 5'
run 0 "empty text" -- "$LEND" --json search ""
check "no hits" 'j["hits"] == []'

# usage errors
run 2 "no text" -- "$LEND" search
run 2 "bad kind" -- "$LEND" search x --kind paper
run 2 "bad limit" -- "$LEND" search x --limit 0
run 2 "available without a library" -- "$LEND" search x --available
run 2 "bad language" -- "$LEND" search x --language "EN"
run 2 "invalid UTF-8" -- "$LEND" search $'\xff'
run 2 "too long" -- "$LEND" search "$(head -c 2000 /dev/zero | tr '\0' a)"

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
