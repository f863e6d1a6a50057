#!/bin/sh
# The main job: install what is missing, build, and run `lend demo` on an
# embedded SQLite file (lend-demo.db in the current folder).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
sh "$root/scripts/deps.sh"
[ -f "$root/build/build.ninja" ] || meson setup "$root/build" "$root" >/dev/null
ninja -C "$root/build" >/dev/null
exec "$root/build/examples/lend" demo "$@"
