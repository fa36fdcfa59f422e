#!/usr/bin/env bash
# Builds sqlite-jdbc's native library again from the same SQLite 3.54.1 amalgamation as the C anchor, with today's gcc
# at -O2, for the anchor's `--variant LABEL=bench/target/c/libsqlitejdbc-o2.so` (issue 12: sqlite-jdbc 3.54.1.0 ships
# for Linux x86_64 a library built by gcc 4.1.2 at -Os, as its PRAGMA compile_options say). Usage:
#   bench/c/build-jni.sh NATIVEDB_C
# NATIVEDB_C: sqlite-jdbc's src/main/java/org/sqlite/core/NativeDB.c, from a checkout of its sources (not in this
# repository; its JNI functions must match the sqlite-jdbc jar on the class path). Prints the library's path.
set -euo pipefail
native_db=$(readlink -f "${1:?usage: bench/c/build-jni.sh NATIVEDB_C}")
cd "$(dirname "$0")/../.."
src=$(dirname "$(bench/c/build.sh)")/../sqlite-3.54.1
out=bench/target/c
java_home=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo '#include <jni.h>' >"$tmp/NativeDB.h" # the prototypes javac -h would write; jni.h is what NativeDB.c needs
# The anchor's options (bench/c/build.sh) plus those of sqlite-jdbc's own build that the JNI code relies on.
options=(-DSQLITE_THREADSAFE=1 -DSQLITE_DEFAULT_MEMSTATUS=0 -DSQLITE_TEMP_STORE=1 -DSQLITE_DEFAULT_WORKER_THREADS=0
    -DSQLITE_MAX_WORKER_THREADS=8 -DSQLITE_ENABLE_STAT4 -DSQLITE_ENABLE_DBSTAT_VTAB -DSQLITE_ENABLE_MATH_FUNCTIONS
    -DSQLITE_ENABLE_PERCENTILE -DSQLITE_ENABLE_COLUMN_METADATA -DSQLITE_DIRECT_OVERFLOW_READ
    -DSQLITE_DISABLE_PAGECACHE_OVERFLOW_STATS -DSQLITE_MALLOC_SOFT_LIMIT=1024 -DSQLITE_MAX_MMAP_SIZE=1099511627776
    -DSQLITE_MAX_VARIABLE_NUMBER=250000 -DSQLITE_DEFAULT_FILE_PERMISSIONS=0666 -DSQLITE_HAVE_ISNAN -DHAVE_USLEEP=1
    -DSQLITE_ENABLE_LOAD_EXTENSION=1 -DSQLITE_CORE -DSQLITE_MAX_LENGTH=2147483647 -DSQLITE_MAX_COLUMN=32767
    -DSQLITE_MAX_SQL_LENGTH=1073741824 -DSQLITE_MAX_FUNCTION_ARG=127 -DSQLITE_MAX_ATTACHED=125
    -DSQLITE_MAX_PAGE_COUNT=4294967294)
echo "compiling SQLite 3.54.1 and NativeDB.c (gcc -O2 -fPIC; a few minutes)" >&2
gcc -O2 -fPIC -fvisibility=hidden -c -o "$tmp/sqlite3.o" "$src/sqlite3.c" "${options[@]}"
gcc -O2 -fPIC -fvisibility=hidden -I"$tmp" -I"$src" -I"$java_home/include" -I"$java_home/include/linux" \
    -c -o "$tmp/NativeDB.o" "$native_db"
gcc -shared -o "$out/libsqlitejdbc-o2.so" "$tmp/NativeDB.o" "$tmp/sqlite3.o" -lpthread -lm -ldl
echo "$out/libsqlitejdbc-o2.so"
