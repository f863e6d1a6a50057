#!/bin/sh
# The whole test suite: install what is missing, build, run every test; then
# build again with AddressSanitizer and UBSan and run the suite under them.
# The 'postgres' suite (the engine tests again, on PostgreSQL) runs against
# the server of LEND_TEST_PG if it is set, else against a throw-away server
# that scripts/pg.sh starts here and stops at the end; a server that does not
# answer then fails the run instead of skipping those tests.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
sh "$root/scripts/deps.sh"
[ -f "$root/build/build.ninja" ] || meson setup "$root/build" "$root" >/dev/null
ninja -C "$root/build"
log=$(mktemp)
pgdir=""
cleanup() {
	[ -n "$pgdir" ] && sh "$root/scripts/pg.sh" stop "$pgdir" >/dev/null 2>&1
	rm -f "$log"
}
trap cleanup EXIT
if [ -z "${LEND_TEST_PG:-}" ]; then
	pgdir=$(mktemp -d "${TMPDIR:-/tmp}/liblend-pg-XXXXXX")
	LEND_TEST_PG=$(PG_FAST=1 sh "$root/scripts/pg.sh" start "$pgdir")
fi
LEND_TEST_PG_REQUIRED=1
export LEND_TEST_PG LEND_TEST_PG_REQUIRED
echo "PostgreSQL tests on $LEND_TEST_PG"
meson test -C "$root/build" --print-errorlogs | tee "$log"
[ -f "$root/build-asan/build.ninja" ] || \
	meson setup "$root/build-asan" "$root" -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
ninja -C "$root/build-asan"
meson test -C "$root/build-asan" --setup asan --print-errorlogs --no-suite abi --no-suite bench | tee -a "$log"
# ThreadSanitizer watches what lend.h promises about threads.
[ -f "$root/build-tsan/build.ninja" ] || \
	meson setup "$root/build-tsan" "$root" -Db_sanitize=thread -Db_lundef=false >/dev/null
ninja -C "$root/build-tsan" tests/test_threads
meson test -C "$root/build-tsan" --no-rebuild --print-errorlogs threads | tee -a "$log"
# libFuzzer targets (clang, ASan, UBSan) for a short fixed number of runs.
[ -f "$root/build-fuzz/build.ninja" ] || \
	CC=clang meson setup "$root/build-fuzz" "$root" -Dfuzz=true -Dfuzz_runs=1500 \
		-Db_sanitize=address,undefined -Db_lundef=false -Dc_args=-fsanitize=fuzzer-no-link >/dev/null
ninja -C "$root/build-fuzz" fuzz/fuzz_text fuzz/fuzz_api fuzz/fuzz_signin fuzz/fuzz_search fuzz/fuzz_import \
	fuzz/fuzz_isbn
meson test -C "$root/build-fuzz" --no-rebuild --print-errorlogs --suite fuzz | tee -a "$log"
ok=$(awk '/^Ok:/ {s += $2} END {print s + 0}' "$log")
bad=$(awk '/^(Fail|Timeout|Unexpected Pass):/ {s += $NF} END {print s + 0}' "$log")
echo "tests: $ok passed, $bad failed"
[ "$bad" -eq 0 ]
