/*
 * The C floor of a documented query shape (issue 12): what SQLite itself takes to answer it, for the API to be
 * compared with side by side. Usage: glyphd-floor DB SQL PARAM CALLS
 *
 * Opens DB read-only, then CALLS times: prepares SQL (one statement, one text parameter), binds PARAM, steps every
 * row and reads every column by its type as a C program would (an integer or a real into a variable, a text or blob
 * copied out of SQLite's buffer, as the JVM copies it into a String), then finalizes. The statement is prepared per
 * call, as the floor was. Prints one line: "calls N rows R wall_p50_us W cpu_p50_us C", where the CPU time
 * is the thread's (CLOCK_THREAD_CPUTIME_ID) and both p50s are over the calls after the first tenth (a warm-up).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sqlite3.h"

static int64_t clock_ns(clockid_t clock) {
    struct timespec t;
    clock_gettime(clock, &t);
    return (int64_t) t.tv_sec * 1000000000 + t.tv_nsec;
}

static int compare(const void *a, const void *b) {
    int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
    return (x > y) - (x < y);
}

static int64_t median(int64_t *values, int count) {
    qsort(values, (size_t) count, sizeof *values, compare);
    return values[count / 2];
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: glyphd-floor DB SQL PARAM CALLS\n");
        return 2;
    }
    int calls = atoi(argv[4]);
    if (calls < 10) {
        fprintf(stderr, "glyphd-floor: CALLS must be at least 10\n");
        return 2;
    }
    sqlite3 *db;
    if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        fprintf(stderr, "glyphd-floor: cannot open %s: %s\n", argv[1], sqlite3_errmsg(db));
        return 1;
    }
    int warmup = calls / 10;
    int64_t *wall = malloc(sizeof *wall * (size_t) calls);
    int64_t *cpu = malloc(sizeof *cpu * (size_t) calls);
    char *copy = malloc(1 << 20);
    long rows = 0;
    int64_t sink = 0;
    for (int call = 0; call < calls; call++) {
        int64_t w = clock_ns(CLOCK_MONOTONIC), c = clock_ns(CLOCK_THREAD_CPUTIME_ID);
        sqlite3_stmt *statement;
        if (sqlite3_prepare_v2(db, argv[2], -1, &statement, NULL) != SQLITE_OK) {
            fprintf(stderr, "glyphd-floor: cannot prepare: %s\n", sqlite3_errmsg(db));
            return 1;
        }
        sqlite3_bind_text(statement, 1, argv[3], -1, SQLITE_STATIC);
        long returned = 0;
        int step;
        while ((step = sqlite3_step(statement)) == SQLITE_ROW) {
            returned++;
            int columns = sqlite3_column_count(statement);
            for (int i = 0; i < columns; i++) {
                switch (sqlite3_column_type(statement, i)) {
                    case SQLITE_INTEGER:
                        sink += sqlite3_column_int64(statement, i);
                        break;
                    case SQLITE_FLOAT:
                        sink += (int64_t) sqlite3_column_double(statement, i);
                        break;
                    case SQLITE_TEXT: {
                        const unsigned char *text = sqlite3_column_text(statement, i);
                        int bytes = sqlite3_column_bytes(statement, i);
                        memcpy(copy, text, (size_t) (bytes < (1 << 20) ? bytes : (1 << 20)));
                        sink += bytes + copy[0];
                        break;
                    }
                    case SQLITE_BLOB: {
                        const void *blob = sqlite3_column_blob(statement, i);
                        int bytes = sqlite3_column_bytes(statement, i);
                        memcpy(copy, blob, (size_t) (bytes < (1 << 20) ? bytes : (1 << 20)));
                        sink += bytes;
                        break;
                    }
                    default:
                        break;
                }
            }
        }
        if (step != SQLITE_DONE) {
            fprintf(stderr, "glyphd-floor: step: %s\n", sqlite3_errmsg(db));
            return 1;
        }
        sqlite3_finalize(statement);
        cpu[call] = clock_ns(CLOCK_THREAD_CPUTIME_ID) - c;
        wall[call] = clock_ns(CLOCK_MONOTONIC) - w;
        rows = returned;
    }
    printf("calls %d rows %ld wall_p50_us %.1f cpu_p50_us %.1f sink %lld\n", calls - warmup, rows,
            median(wall + warmup, calls - warmup) / 1e3, median(cpu + warmup, calls - warmup) / 1e3,
            (long long) (sink & 0xff));
    sqlite3_close(db);
    free(copy);
    free(cpu);
    free(wall);
    return 0;
}
