#!/usr/bin/env bash
# Builds the C anchor of the import benchmark, bench/target/c/glyphd-anchor, with gcc against SQLite 3.54.1: the
# version inside sqlite-jdbc 3.54.1.0. The amalgamation (sqlite3.c, sqlite3.h) comes from the npm package
# better-sqlite3 13.2.0, which ships it in deps/sqlite3; `npm pack` fetches the package without installing it.
# Compile options: those of sqlite-jdbc's build that change how SQLite works (PRAGMA compile_options there), at -O2.
# Also builds the query floor, bench/target/c/glyphd-floor. Prints the anchor's path. Rebuilds only what is older
# than its sources.
set -euo pipefail
cd "$(dirname "$0")/../.."

VERSION=3.54.1
PACKAGE=better-sqlite3@13.2.0
out=bench/target/c
src=bench/target/sqlite-$VERSION
bin=$out/glyphd-anchor
mkdir -p "$out"

if [ ! -f "$src/sqlite3.c" ]; then
    command -v npm >/dev/null || { echo "bench/c/build.sh: npm is needed to fetch $PACKAGE (apt-get install npm)" >&2; exit 1; }
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "$PACKAGE" >/dev/null)
    tar -xzf "$tmp"/better-sqlite3-*.tgz -C "$tmp" package/deps/sqlite3/sqlite3.c package/deps/sqlite3/sqlite3.h
    found=$(sed -n 's/^#define SQLITE_VERSION *"\(.*\)"/\1/p' "$tmp/package/deps/sqlite3/sqlite3.h")
    if [ "$found" != "$VERSION" ]; then
        echo "bench/c/build.sh: $PACKAGE carries SQLite $found, not $VERSION" >&2
        exit 1
    fi
    mkdir -p "$src"
    mv "$tmp/package/deps/sqlite3/sqlite3.c" "$tmp/package/deps/sqlite3/sqlite3.h" "$src/"
    rm -rf "$tmp"
fi

# sqlite3.c takes minutes on a busy machine: its object is built once and kept next to it.
options=(-DSQLITE_THREADSAFE=1 -DSQLITE_DEFAULT_MEMSTATUS=0 -DSQLITE_TEMP_STORE=1 -DSQLITE_DEFAULT_WORKER_THREADS=0
    -DSQLITE_MAX_WORKER_THREADS=8 -DSQLITE_ENABLE_STAT4 -DSQLITE_ENABLE_DBSTAT_VTAB -DSQLITE_ENABLE_MATH_FUNCTIONS
    -DSQLITE_ENABLE_PERCENTILE -DSQLITE_ENABLE_COLUMN_METADATA -DSQLITE_DIRECT_OVERFLOW_READ
    -DSQLITE_DISABLE_PAGECACHE_OVERFLOW_STATS -DSQLITE_MALLOC_SOFT_LIMIT=1024 -DSQLITE_MAX_MMAP_SIZE=1099511627776
    -DSQLITE_MAX_VARIABLE_NUMBER=250000 -DSQLITE_DEFAULT_FILE_PERMISSIONS=0666 -DSQLITE_HAVE_ISNAN -DHAVE_USLEEP=1)
if [ ! -f "$src/sqlite3.o" ] || [ bench/c/build.sh -nt "$src/sqlite3.o" ]; then
    echo "compiling SQLite $VERSION (gcc -O2; a few minutes)" >&2
    gcc -O2 -c -o "$src/sqlite3.o" "$src/sqlite3.c" "${options[@]}"
fi
if [ ! -x "$bin" ] || [ bench/c/anchor.c -nt "$bin" ] || [ "$src/sqlite3.o" -nt "$bin" ]; then
    gcc -O2 -std=c11 -Wall -Wextra -Werror -I"$src" -o "$bin" bench/c/anchor.c "$src/sqlite3.o" -lpthread -lm -ldl
fi
# The query floor (bench/c/floor.c), built next to the anchor from the same object.
floor=$out/glyphd-floor
if [ ! -x "$floor" ] || [ bench/c/floor.c -nt "$floor" ] || [ "$src/sqlite3.o" -nt "$floor" ]; then
    gcc -O2 -std=c11 -Wall -Wextra -Werror -I"$src" -o "$floor" bench/c/floor.c "$src/sqlite3.o" -lpthread -lm -ldl
fi
echo "$bin"
