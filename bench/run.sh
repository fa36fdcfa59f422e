#!/usr/bin/env bash
# Runs the glyphd-store benchmark: bench/run.sh [--quick] [more options, see docs/BENCHMARKS.md]
# Installs the sqlite3 CLI (and GNU time, for the CLI's peak RSS) if missing, and PostgreSQL 15 if its server is
# missing; starts a private PostgreSQL server for the PostgreSQL sections (stopped and deleted on exit); builds the
# benchmark against the library's current sources, and prints the result table (also written to
# bench/target/work/report.md).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v sqlite3 >/dev/null || [ ! -x /usr/bin/time ]; then
    echo "installing sqlite3 and time with apt-get" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sqlite3 time >/dev/null
fi

# The PostgreSQL sections run unless --only names no pg-* section; the C programs (the import anchor and the query
# floor) are built unless --only names neither "anchor" nor "floor".
postgres=yes
anchor=yes
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
    if [ "${args[i]}" = --only ] && [[ "${args[i + 1]:-}" != *pg-* ]]; then
        postgres=no
    fi
    if [ "${args[i]}" = --only ] && [[ ",${args[i + 1]:-}," != *,anchor,* ]] \
        && [[ ",${args[i + 1]:-}," != *,floor,* ]]; then
        anchor=no
    fi
done

anchor_args=()
if [ "$anchor" = yes ]; then
    if ! command -v npm >/dev/null; then
        echo "installing npm with apt-get (it fetches SQLite's amalgamation)" >&2
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null
    fi
    anchor_args=(-Dglyphd.anchor="$(bench/c/build.sh)")
fi

pg_args=()
if [ "$postgres" = yes ]; then
    PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
    if [ ! -x "$PG_BIN/postgres" ] || [ ! -x "$PG_BIN/psql" ]; then
        echo "installing postgresql-15 with apt-get" >&2
        # Only the binaries: no cluster of Debian's own, which would start a second server on port 5432.
        if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
            mkdir -p /etc/postgresql-common
            echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.conf
        fi
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null
    fi
    # PostgreSQL refuses to run as root: the server runs as an unprivileged user, in a directory of its own.
    PG_USER=${PG_USER:-nobody}
    if [ "$(id -u)" = 0 ]; then
        as_pg=(setpriv --reuid="$(id -u "$PG_USER")" --regid="$(id -g "$PG_USER")" --clear-groups --)
    else
        as_pg=()
    fi
    PG_DIR=$(mktemp -d /tmp/glyphd-bench-pg.XXXXXX)
    chmod 755 "$PG_DIR"
    [ "$(id -u)" = 0 ] && chown "$PG_USER" "$PG_DIR"
    stop_pg() {
        "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
        rm -rf "$PG_DIR"
    }
    trap stop_pg EXIT
    trap "exit 130" INT TERM
    # A free port: the first from 55700 that nothing listens on (a developer's server may be on 55432).
    PG_PORT=55700
    while (exec 3<>"/dev/tcp/127.0.0.1/$PG_PORT") 2>/dev/null; do
        PG_PORT=$((PG_PORT + 1))
    done
    "${as_pg[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
        >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; exit 1; }
    # Settings for a 1,000,000-row store on this 24 GB machine; fsync, synchronous_commit and full_page_writes stay
    # at their (durable) defaults. See docs/BENCHMARKS.md.
    cat >>"$PG_DIR/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_DIR'
shared_buffers = 2GB
wal_buffers = 64MB
max_wal_size = 8GB
checkpoint_timeout = 30min
work_mem = 64MB
maintenance_work_mem = 512MB
effective_cache_size = 8GB
random_page_cost = 1.1
jit = off
fsync = on
synchronous_commit = on
full_page_writes = on
EOF
    "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w start >/dev/null \
        || { cat "$PG_DIR/server.log" >&2; exit 1; }
    pg_args=(--pg-port "$PG_PORT" --pg-data "$PG_DIR/data" --psql "$PG_BIN/psql")
fi

mvn -B -q -f bench/pom.xml package -DskipTests
CLASSPATH_FILE=bench/target/classpath.txt
JAR=bench/target/glyphd-store-bench-0.1.0-SNAPSHOT.jar
# The orchestrating JVM runs the queries; each import runs in its own JVM with -Xmx256m.
java -Xmx1g "${anchor_args[@]}" -cp "$JAR:$(cat "$CLASSPATH_FILE")" io.glyphd.store.bench.Bench "${pg_args[@]}" "$@"
