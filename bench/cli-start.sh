#!/usr/bin/env bash
# Measures how long a trivial glyphd-store command takes, this checkout's ./glyphd-store against a baseline's,
# side by side: bench/cli-start.sh [--rounds N] [--baseline-ref REF | --baseline-dir DIR]
#
# The baseline is another checkout of the project (default: `main` of this repository, exported with git archive
# into a temp directory and built there with mvn -B -q -DskipTests package). Each side runs through its own
# ./glyphd-store launcher, as a user types it, after one untimed warm-up run (which also lets this checkout's
# launcher make its class-data-sharing archive, in a cache directory of the run's own). A third variant runs this
# checkout's CLI jar as plain `java -jar`, without the launcher's archive and JVM options, to separate what the
# jar's own changes buy from what the archive buys. The rounds are interleaved (every variant and command once
# per round, in a rotating order), so a change of load on the machine hits all variants alike; the report gives
# medians of the wall time and of the CPU time (user + sys, the JVM's threads summed) and each variant's ratio to
# the baseline. The commands: `--help`, and `imports` and `query --limit 5` on a 300-listing store (`demo`).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

rounds=15
baseline_ref=main
baseline_dir=
while [[ $# -gt 0 ]]; do
    case "$1" in
        --rounds) rounds="$2"; shift 2 ;;
        --baseline-ref) baseline_ref="$2"; shift 2 ;;
        --baseline-dir) baseline_dir="$2"; shift 2 ;;
        *) echo "usage: bench/cli-start.sh [--rounds N] [--baseline-ref REF | --baseline-dir DIR]" >&2; exit 2 ;;
    esac
done

work="$(mktemp -d "${TMPDIR:-/tmp}/glyphd-cli-start.XXXXXX")"
trap 'rm -rf "$work"' EXIT

if [[ -z "$baseline_dir" ]]; then
    baseline_dir="$work/baseline"
    mkdir -p "$baseline_dir"
    echo "exporting $baseline_ref ($(git rev-parse --short "$baseline_ref")) and building its jar..." >&2
    git archive "$baseline_ref" | tar -x -C "$baseline_dir"
    exported=yes
fi
export GLYPHD_STORE_CACHE_DIR="$work/cache"
unset GLYPHD_DB_PATH GLYPHD_DB_URL GLYPHD_DB_PASSWORD
for checkout in "$baseline_dir" "$root"; do
    # Each launcher builds its jar if it is missing or older than its sources; --help then runs once.
    "$checkout/glyphd-store" --help >/dev/null
done
new_jar="$(ls -t "$root"/target/glyphd-store-*-cli.jar | head -n 1)"

store="$work/store.sqlite3"
"$root/glyphd-store" --db "$store" demo >/dev/null

variants=(baseline launcher plain-jar)
commands=("--help" "imports" "query --limit 5")
program() { # variant: sets the array prog to how that variant is started
    case "$1" in
        baseline) prog=("$baseline_dir/glyphd-store") ;;
        launcher) prog=("$root/glyphd-store") ;;
        plain-jar) prog=(java -jar "$new_jar") ;;
    esac
}
arguments() { # command: sets the array args to its words, with the store for all but --help
    read -r -a args <<<"$1"
    if [[ "$1" != --help ]]; then args=(--db "$store" "${args[@]}"); fi
}

# Warm-up: the page cache, and this checkout's archive (made on the launcher's first run).
for variant in "${variants[@]}"; do
    for command in "${commands[@]}"; do
        program "$variant"
        arguments "$command"
        "${prog[@]}" "${args[@]}" >/dev/null 2>&1
    done
done

results="$work/results.tsv"
for ((r = 0; r < rounds; r++)); do
    for ((v = 0; v < ${#variants[@]}; v++)); do
        variant="${variants[(v + r) % ${#variants[@]}]}"
        program "$variant"
        for command in "${commands[@]}"; do
            arguments "$command"
            /usr/bin/time -f "%e %U %S" -o "$work/time" "${prog[@]}" "${args[@]}" >/dev/null 2>"$work/stderr" \
                || { cat "$work/stderr" >&2; exit 1; }
            read -r wall user sys <"$work/time"
            printf '%s\t%s\t%s\t%s\n' "$variant" "$command" "$wall" "$(awk "BEGIN { print $user + $sys }")" \
                >>"$results"
        done
    done
done

echo "glyphd-store CLI start: $rounds interleaved rounds, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "baseline: $baseline_dir ($( [[ -n "${exported:-}" ]] && echo "$baseline_ref" || echo "given")); this checkout: $root ($(git rev-parse --short HEAD)$(git diff --quiet \
    HEAD -- src pom.xml glyphd-store || echo ', uncommitted changes'))"
echo
awk -F'\t' -v rounds="$rounds" '
    function median(list, n,    sorted, i, j, t) {
        for (i = 1; i <= n; i++) sorted[i] = list[i]
        for (i = 2; i <= n; i++) for (j = i; j > 1 && sorted[j - 1] > sorted[j]; j--) {
            t = sorted[j]; sorted[j] = sorted[j - 1]; sorted[j - 1] = t
        }
        return n % 2 ? sorted[(n + 1) / 2] : (sorted[n / 2] + sorted[n / 2 + 1]) / 2
    }
    {
        key = $1 SUBSEP $2
        n[key]++
        wall[key, n[key]] = $3
        cpu[key, n[key]] = $4
        if (!($2 in seen)) { seen[$2] = 1; order[++commands] = $2 }
    }
    END {
        split("baseline launcher plain-jar", variants, " ")
        printf "| command | variant | wall median (s) | wall min-max (s) | CPU user+sys median (s) | wall vs baseline | CPU vs baseline |\n"
        printf "|---|---|---:|---:|---:|---:|---:|\n"
        for (c = 1; c <= commands; c++) {
            command = order[c]
            for (v = 1; v <= 3; v++) {
                key = variants[v] SUBSEP command
                delete w; delete u
                lo = 1e9; hi = 0
                for (i = 1; i <= n[key]; i++) {
                    w[i] = wall[key, i]; u[i] = cpu[key, i]
                    if (w[i] < lo) lo = w[i]
                    if (w[i] > hi) hi = w[i]
                }
                mw[v] = median(w, n[key]); mc[v] = median(u, n[key])
                printf "| `%s` | %s | %.2f | %.2f-%.2f | %.2f | %.2fx | %.2fx |\n", command, variants[v], mw[v], lo, hi,
                    mc[v], mw[v] / mw[1], mc[v] / mc[1]
            }
        }
    }' "$results"
