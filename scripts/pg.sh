#!/bin/sh
# A throw-away PostgreSQL server for the tests and the benchmark.
#
#   sh scripts/pg.sh start DIR   initdb a cluster in DIR (created, must not
#                                exist or be empty), start it on a free
#                                loopback port, create the database
#                                lend_test, print its connection URI
#                                (also kept in DIR/conninfo)
#   sh scripts/pg.sh stop DIR    stop that server and remove DIR
#
# PostgreSQL refuses to run as root: as root the cluster belongs to the
# unprivileged user 'nobody' and every server command runs as that user.
# The server binaries come from Debian's postgresql package
# (/usr/lib/postgresql/<version>/bin); PG_BIN overrides where they are.
# PG_FAST=1 starts the server without fsync (for the test suite, whose
# stores are thrown away; never for the benchmark's figures).
set -eu

usage() {
	echo "usage: $0 start|stop DIR" >&2
	exit 2
}
[ $# -eq 2 ] || usage
cmd=$1
dir=$2

bin=${PG_BIN:-}
if [ -z "$bin" ]; then
	for d in /usr/lib/postgresql/*/bin; do
		[ -x "$d/initdb" ] && bin=$d
	done
fi
if [ -z "$bin" ] || [ ! -x "$bin/pg_ctl" ]; then
	echo "pg.sh: no PostgreSQL server binaries (install Debian's postgresql)" >&2
	exit 1
fi

if [ "$(id -u)" = 0 ]; then
	as() { runuser -u nobody -- "$@"; }
	owner=nobody
else
	as() { "$@"; }
	owner=$(id -un)
fi

case "$cmd" in
start)
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	[ -z "$(ls -A "$dir")" ] || { echo "pg.sh: $dir is not empty" >&2; exit 1; }
	chown "$owner" "$dir"
	chmod 700 "$dir"
	as "$bin/initdb" -D "$dir/data" -U lend -E UTF8 --locale=C --auth=trust >"$dir/initdb.log" 2>&1 || {
		cat "$dir/initdb.log" >&2
		exit 1
	}
	fast=""
	[ "${PG_FAST:-0}" = 1 ] && fast="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	# A free port: try a few from a pid-derived start.
	port=$((20000 + $$ % 20000))
	tries=0
	while :; do
		if as "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
			-o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir \
			-c max_connections=200 -c shared_buffers=64MB $fast" start >/dev/null 2>&1; then
			break
		fi
		tries=$((tries + 1))
		if [ $tries -ge 10 ]; then
			cat "$dir/server.log" >&2
			exit 1
		fi
		port=$((port + 1))
	done
	as "$bin/createdb" -h 127.0.0.1 -p "$port" -U lend lend_test
	uri="postgresql://lend@127.0.0.1:$port/lend_test"
	echo "$uri" >"$dir/conninfo"
	echo "$uri"
	;;
stop)
	[ -d "$dir/data" ] || { echo "pg.sh: no cluster in $dir" >&2; exit 1; }
	as "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
	rm -rf "$dir"
	;;
*)
	usage
	;;
esac
