#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the tests of the PostgreSQL store (ADR 0023), from Debian's postgresql
# (installed by Scripts/setup.sh). Nothing outside DIR is touched.
#
#   Scripts/postgres-test-server.sh start DIR    initdb in DIR, start on a free 127.0.0.1 port and a unix socket
#                                                in DIR; prints the variables the tests read (eval-able lines):
#                                                YARDSTICK_TEST_POSTGRES_URL, _PASSWORD, _SOCKET, _DIR
#   Scripts/postgres-test-server.sh restart DIR  restarts the server (fast shutdown: open connections are cut)
#   Scripts/postgres-test-server.sh stop DIR     stops it and removes DIR
#
# The superuser is `yardstick`, with a password over TCP (scram-sha-256) and trust over the socket. initdb refuses
# to run as root: as root, the cluster runs as the `postgres` system user.
set -euo pipefail

command=${1:-}
dir=${2:-}
if [ -z "$command" ] || [ -z "$dir" ]; then
    echo "usage: $0 start|restart|stop DIR" >&2
    exit 2
fi

# The server must not inherit the caller's other descriptors (a test runner's pipes): a caller reading its pipes to
# the end would wait for the server to stop. Bash reads this script from 255.
for fd in /proc/$$/fd/*; do
    fd=${fd##*/}
    if [ "$fd" -gt 2 ] && [ "$fd" != 255 ]; then eval "exec $fd>&-" 2>/dev/null || true; fi
done

bin=""
for candidate in /usr/lib/postgresql/*/bin; do
    if [ -x "$candidate/initdb" ]; then bin=$candidate; fi
done
if [ -z "$bin" ]; then
    echo "postgres-test-server: no PostgreSQL server (Debian's postgresql; Scripts/setup.sh installs it)" >&2
    exit 1
fi

as_owner() {
    if [ "$(id -u)" = "0" ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

case "$command" in
start)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ "$(id -u)" = "0" ]; then chown postgres: "$dir"; fi
    password="yardstick-test-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
    as_owner bash -c "umask 077; printf '%s\n' '$password' > '$dir/pwfile'"
    as_owner "$bin/initdb" -D "$dir/data" -U yardstick --pwfile="$dir/pwfile" --auth-local=trust \
        --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
        cat "$dir/initdb.log" >&2
        exit 1
    }
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=60" \
        start </dev/null >/dev/null 2>>"$dir/pg_ctl.log" || {
        cat "$dir/pg_ctl.log" >&2
        cat "$dir/server.log" >&2
        exit 1
    }
    echo "$port" >"$dir/port"
    as_owner "$bin/psql" -q -h "$dir" -p "$port" -U yardstick -d postgres -c "CREATE DATABASE yardstick" >/dev/null
    echo "YARDSTICK_TEST_POSTGRES_URL=postgres://yardstick@127.0.0.1:$port/yardstick"
    echo "YARDSTICK_TEST_POSTGRES_PASSWORD=$password"
    echo "YARDSTICK_TEST_POSTGRES_SOCKET=$dir"
    echo "YARDSTICK_TEST_POSTGRES_DIR=$dir"
    ;;
restart)
    # Nor its standard output or error.
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -m fast restart \
        </dev/null >/dev/null 2>>"$dir/pg_ctl.log" || {
        cat "$dir/pg_ctl.log" >&2
        exit 1
    }
    ;;
stop)
    if [ -d "$dir/data" ]; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -w -t 60 -m fast stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start|restart|stop DIR" >&2
    exit 2
    ;;
esac
