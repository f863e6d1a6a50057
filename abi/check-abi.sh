#!/bin/sh
# Compare the built library with the committed ABI baseline. Removing or
# changing a function is a break; adding one is fine (--no-added-syms).
# Regenerate the baseline deliberately with: abi/check-abi.sh LIB SRC --update
lib="$1"; src="$2"
if ! command -v abidiff >/dev/null 2>&1; then
	echo "SKIP: abidiff not installed (Debian package abigail-tools)"; exit 77
fi
if [ "$3" = "--update" ]; then
	abidw --no-corpus-path --headers-dir "$src/include" --out-file "$src/abi/liblend.abi" "$lib"
	echo "baseline updated"; exit 0
fi
abidiff --no-added-syms --suppressions "$src/abi/suppressions.ini" --headers-dir2 "$src/include" \
	"$src/abi/liblend.abi" "$lib"
rc=$?
[ $rc -eq 0 ] && echo "ok: ABI matches abi/liblend.abi"
exit $rc
