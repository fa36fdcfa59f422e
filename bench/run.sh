#!/usr/bin/env bash
# Runs the glyphd-store benchmark: bench/run.sh [--quick] [more options, see docs/BENCHMARKS.md]
# Installs the sqlite3 CLI (and GNU time, for the CLI's peak RSS) if missing, builds the benchmark against the
# library's current sources, and prints the result table (also written to bench/target/work/report.md).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v sqlite3 >/dev/null || [ ! -x /usr/bin/time ]; then
    echo "installing sqlite3 and time with apt-get" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sqlite3 time >/dev/null
fi

mvn -B -q -f bench/pom.xml package -DskipTests
CLASSPATH_FILE=bench/target/classpath.txt
JAR=bench/target/glyphd-store-bench-0.1.0-SNAPSHOT.jar
# The orchestrating JVM runs the queries; each import runs in its own JVM with -Xmx256m.
exec java -Xmx1g -cp "$JAR:$(cat "$CLASSPATH_FILE")" io.glyphd.store.bench.Bench "$@"
