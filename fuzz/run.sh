#!/bin/sh
# Run one libFuzzer target for a fixed number of executions, starting from a
# copy of its seed corpus (libFuzzer writes what it finds into the corpus, and
# the source tree must stay as it is). A crash leaves its input in the
# working directory as crash-<sha1>: add it to the corpus and a regression
# test. usage: run.sh TARGET SEED_DIR RUNS
set -eu
target=$1 seeds=$2 runs=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$seeds"/* "$work"/
"$target" -runs="$runs" -error_exitcode=1 -timeout_exitcode=1 -seed=1 -max_len=4096 -timeout=20 -print_final_stats=1 "$work"
