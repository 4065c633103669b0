#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the test suite, reachable only through a Unix socket.
#
#   scripts/pg_test_cluster.sh start      # prints: export NEWS_ANNOTATOR_TEST_PG_URL=...; export PG_TEST_DIR=...
#   scripts/pg_test_cluster.sh stop DIR   # stops the cluster started in DIR and removes DIR
#   scripts/pg_test_cluster.sh install    # installs Debian's postgresql package when missing
#   scripts/pg_test_cluster.sh run CMD... # start, run CMD with the exports, stop (whatever CMD did);
#                                          without PostgreSQL (and no root to install it): CMD alone
#
# The cluster lives in a fresh temporary folder, runs as an unprivileged user (the "postgres"
# system user when started by root, else the caller), listens on no TCP address at all
# (listen_addresses=''), and trades durability for speed (fsync off): it holds test data only.
set -euo pipefail

pg_bindir() {
    local dir
    for dir in /usr/lib/postgresql/*/bin; do
        if [ -x "$dir/initdb" ]; then
            echo "$dir"
            return 0
        fi
    done
    command -v initdb >/dev/null 2>&1 && dirname "$(command -v initdb)" && return 0
    return 1
}

as_owner() {
    # Run a command as the cluster's owner: "postgres" when we are root, else ourselves.
    if [ "$(id -u)" = 0 ]; then
        su postgres -s /bin/sh -c "$*"
    else
        sh -c "$*"
    fi
}

cmd_install() {
    if pg_bindir >/dev/null; then
        return 0
    fi
    if [ "$(id -u)" != 0 ]; then
        echo "pg_test_cluster: PostgreSQL is not installed and we are not root; install 'postgresql'" >&2
        return 1
    fi
    echo "pg_test_cluster: installing Debian's postgresql package" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
}

cmd_start() {
    local bin dir
    bin="$(pg_bindir)" || { echo "pg_test_cluster: initdb not found" >&2; return 1; }
    # Short path: a Unix socket path must stay under ~100 bytes.
    dir="$(mktemp -d /tmp/pgtest.XXXXXX)"
    chmod 0700 "$dir"
    if [ "$(id -u)" = 0 ]; then
        chown postgres: "$dir"
    fi
    as_owner "'$bin/initdb' -D '$dir/data' -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync" >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; return 1; }
    # Members of the group role na_password_login (the tests create it) must give a password,
    # so the app's password prompt can be tested; everyone else is trusted on the socket.
    as_owner "{ echo 'local all +na_password_login scram-sha-256'; cat '$dir/data/pg_hba.conf'; } \
        > '$dir/data/pg_hba.new' && mv '$dir/data/pg_hba.new' '$dir/data/pg_hba.conf'"
    as_owner "'$bin/pg_ctl' -D '$dir/data' -l '$dir/server.log' -w -t 60 start \
        -o \"-c listen_addresses='' -c unix_socket_directories='$dir' -c fsync=off \
        -c synchronous_commit=off -c full_page_writes=off -c max_connections=200\"" >/dev/null \
        || { cat "$dir/server.log" >&2; return 1; }
    echo "export PG_TEST_DIR=$dir"
    echo "export NEWS_ANNOTATOR_TEST_PG_URL='postgresql+psycopg://postgres@/postgres?host=$dir'"
}

cmd_stop() {
    local bin dir="${1:?usage: pg_test_cluster.sh stop DIR}"
    case "$dir" in /tmp/pgtest.*) ;; *) echo "pg_test_cluster: refusing to remove $dir" >&2; return 1 ;; esac
    bin="$(pg_bindir)"
    if [ -d "$dir/data" ]; then
        as_owner "'$bin/pg_ctl' -D '$dir/data' -m fast -w stop" >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
}

cmd_run() {
    local exports
    exports="$(cmd_start)"
    eval "$exports"
    # shellcheck disable=SC2064  # expand now: the folder is known
    trap "'$0' stop '$PG_TEST_DIR'" EXIT
    echo "pg_test_cluster: PostgreSQL test server on $PG_TEST_DIR (Unix socket only)" >&2
    "$@"
}

case "${1:-}" in
    install) cmd_install ;;
    run)
        shift
        if cmd_install && pg_bindir >/dev/null; then
            cmd_run "$@"
        else
            echo "pg_test_cluster: WARNING: no PostgreSQL here: the server tests will skip" \
                "(and fail under CI=true); install Debian's 'postgresql' to run them" >&2
            "$@"
        fi
        ;;
    start) cmd_install && cmd_start ;;
    stop) cmd_stop "${2:-}" ;;
    *) echo "usage: $0 install | start | stop DIR | run CMD..." >&2; exit 2 ;;
esac
