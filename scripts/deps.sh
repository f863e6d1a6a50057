#!/bin/sh
# Install the Debian 12 packages liblend needs to build, test and run its demo,
# if any is missing. Uses apt-get as root, or sudo otherwise.
set -eu
pkgs="gcc g++ meson ninja-build pkg-config libsqlite3-dev libutf8proc-dev libcmocka-dev uuid-dev
libsodium-dev libjansson-dev libcsv-dev abigail-tools python3 ca-certificates clang libclang-rt-14-dev
libcurl4-openssl-dev python3-aiosmtpd openssl golang-go python3-mypy libpq-dev postgresql"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing
