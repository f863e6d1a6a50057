#!/bin/sh
# Only lend_* symbols may leave the shared library.
lib="$1"
bad=$(nm -D --defined-only "$lib" | awk '$2 != "A" {print $3}' | grep -v '^lend_' || true)
if [ -n "$bad" ]; then
	echo "symbols outside lend_*:"; echo "$bad"; exit 1
fi
n=$(nm -D --defined-only "$lib" | grep -c ' lend_')
echo "ok: $n exported symbols, all lend_*"
