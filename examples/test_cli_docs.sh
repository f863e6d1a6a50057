#!/usr/bin/env bash
# test_cli_docs.sh — the manual page and bash completion of `lend`.
#
# usage: test_cli_docs.sh PATH/TO/lend SOURCE_ROOT
#
# doc/lend.1 is what the built binary prints with `lend help --man` (remake it
# with `ninja -C build man`), it renders without warnings and names every
# command of `lend help`; completions/lend completes commands, subcommands,
# options and option values from the binary's own tables.
set -u

LEND=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ROOT=$(cd "$2" && pwd)
[ -x "$LEND" ] || { echo "not executable: $LEND" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 2

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok - $*"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $*"; }

# ------------------------------------------------------------- the manual
"$LEND" help --man >man.1
if diff -u "$ROOT/doc/lend.1" man.1 >man.diff; then
	ok "doc/lend.1 is what 'lend help --man' prints"
else
	not_ok "doc/lend.1 is stale: remake it with 'ninja -C build man'"
	head -40 man.diff | sed 's/^/    /'
fi
if LC_ALL=C grep -q '[^[:print:][:space:]]' man.1; then not_ok "the page is not plain ASCII"; else ok "the page is plain ASCII"; fi
if command -v groff >/dev/null; then
	LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z man.1 2>groff.txt
	if [ -s groff.txt ]; then not_ok "groff warns"; sed 's/^/    /' groff.txt | head; else ok "groff renders it without a warning"; fi
	LC_ALL=C.UTF-8 groff -man -Tutf8 -P-cbou man.1 >man.txt 2>/dev/null
	grep -qF 'lend library add "Хабаровская краевая библиотека"' man.txt &&
		ok "Cyrillic examples come out as written" || not_ok "Cyrillic examples are mangled"
fi
for section in NAME SYNOPSIS DESCRIPTION "GLOBAL OPTIONS" COMMANDS "EXIT STATUS" ENVIRONMENT FILES EXAMPLES "SEE ALSO"; do
	grep -qx ".SH $section" man.1 && ok "section $section" || not_ok "no section $section"
done
"$LEND" help >help.txt
missing=""
count=0
# Command lines of `lend help`: three spaces, the name (one or two words), the summary.
while IFS= read -r name; do
	count=$((count + 1))
	grep -qF "\\fBlend $name\\fR" man.1 || missing="$missing [$name]"
done < <(sed -n 's/^   \([a-z][a-z-]*\( [a-z][a-z-]*\)\?\)  .*/\1/p' help.txt | sed 's/ *$//')
[ "$count" -gt 30 ] && [ -z "$missing" ] && ok "all $count commands of 'lend help' are in the page" ||
	not_ok "commands missing from the page ($count read):$missing"
for var in LEND_DB LEND_NOW TZ LEND_SMTP_USER LEND_SMTP_PASSWORD LEND_SMTP_FROM; do
	grep -qx ".B $var" man.1 && ok "ENVIRONMENT names $var" || not_ok "ENVIRONMENT lacks $var"
done
grep -qF '4 not found' man.1 && ok "EXIT STATUS lists the codes" || not_ok "EXIT STATUS lacks the codes"

# ------------------------------------------------------------- completion
# shellcheck source=../completions/lend
source "$ROOT/completions/lend"
complete -p lend >/dev/null 2>&1 && ok "the script registers a completion for lend" || not_ok "no 'complete' for lend"

# comp LINE: complete at the end of LINE (lend stands for the binary)
comp() {
	COMP_LINE="$LEND $1"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_lend
	got=" ${COMPREPLY[*]} "
}
# has LINE WORD... : every WORD is offered
has() {
	local line=$1 w miss=""
	shift
	comp "$line"
	for w in "$@"; do [[ $got == *" $w "* ]] || miss="$miss $w"; done
	[ -z "$miss" ] && ok "'$line' offers $*" || not_ok "'$line' lacks$miss (got:$got)"
}
# only LINE WORDS : exactly these words
only() {
	comp "$1"
	[ "$got" = " $2 " ] && ok "'$1' offers exactly: $2" || not_ok "'$1' offers:$got wanted: $2"
}

groups=$(sed -n 's/^   \([a-z-]*\) [a-z].*/\1/p' help.txt | sort -u | tr '\n' ' ')
has "" help $groups
only "lib" "library"
has "library " add list show policy grant revoke
only "queue su" "suspend"
has "help " library queue take
only "help queue le" "leave"
has "take 1 1 --" --help --json --db --as --now
has "deliver --" --to --smtp --from --rcpt --starttls --max
has "library policy 1 --kind " ebook audiobook
has "tick --to " stdout maildir: none
has "--as " admin reader: librarian:
only "--as rea" "reader:"
only "book import --not-an-option x --h" "--help"
only "frobnicate " ""
only "--db lend.db --json take 1 --ac" ""
touch catalog-one.csv
only "book import catalog-o" "catalog-one.csv"
only "--db catalog-o" "catalog-one.csv"
only "book add T --author A --kind audiobook --pr" "--price"
has "library policy 1 " loan-days self-service-limit max-self-price renewals
only "library policy 1 --kind ebook self" "self-service-limit"
only "ticket limit 3 max-l" "max-loans"
only "take 1 " ""
# every command's options, from its usage line
while IFS= read -r name; do
	usage=$("$LEND" help $name | head -1)
	opts=$(grep -o -- '--[a-z][a-z-]*' <<<"$usage" | sort -u | tr '\n' ' ')
	[ -z "$opts" ] && continue
	has "$name --" $opts
done < <(sed -n 's/^   \([a-z][a-z-]*\( [a-z][a-z-]*\)\?\)  .*/\1/p' help.txt | sed 's/ *$//')

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
