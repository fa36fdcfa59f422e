/*
 * The C anchor of the import benchmark (issue 12): what SqliteImporter does, in C, on the same SQLite.
 *
 *   glyphd-anchor DB CSV SCHEMA_DIR IMPORT_ID THREADS
 *
 * Not timed: reading CSV (the benchmark's table-order CSV, ListingGenerator.HEADER) and parsing every value into
 * integers, doubles and text, and, when DB does not exist, creating the schema from SCHEMA_DIR's schema.sql and its
 * V<n>__*.sql migrations in order (as SqliteSchema does, application_id and user_version included).
 *
 * Timed, with the connection settings of SqliteListingStore (foreign_keys=ON, WAL, synchronous=NORMAL) and the steps
 * of ImportWriter and SqliteImporter: BEGIN IMMEDIATE; upsert the import row (RETURNING id); delete its old rows;
 * max(id); page cache to 256 MiB; insert every row with one reused statement, and after every 1,000 rows, once
 * max(10,000, max(id) before) rows are written, drop the secondary indexes of listings (read from sqlite_schema in
 * name order); after the last row, with PRAGMA threads = THREADS, CREATE INDEX each again in that order (then
 * threads back to 0); restore the page cache; record the count; COMMIT; close (which checkpoints the WAL).
 *
 * Prints: RESULT rows total_ns rows_ns rebuild_ns commit_ns close_ns cpu_ns  (total = rows + rebuild + commit;
 * cpu_ns = the process's CPU time in that window).
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "sqlite3.h"

#define BATCH_SIZE 1000
#define REBUILD_MIN_ROWS 10000
#define IMPORT_CACHE_KIB 262144
#define CSV_COLUMNS 32
#define MAX_INDEXES 64

/* How each of the 29 inserted columns (CSV columns 1..29: import_key .. heuristics) is bound. */
enum kind { K_INT, K_REAL, K_TEXT };
static const enum kind KINDS[29] = {
    K_INT,  /* import_key (replaced by the import's key) */
    K_INT,  /* import_index */
    K_TEXT, /* canonical_model */
    K_INT,  /* price_micros */
    K_REAL, /* score */
    K_INT, K_INT, K_INT, K_INT, /* vram_gb, tdp_watts, mig_support, nvlink */
    K_TEXT, /* generation */
    K_INT,  /* cuda_cores */
    K_REAL, /* slot_width */
    K_INT,  /* pcie_generation */
    K_TEXT, K_TEXT, K_TEXT, /* form_factor, title, condition */
    K_INT,  /* quantity */
    K_TEXT, /* availability */
    K_INT,  /* min_order_qty */
    K_TEXT, K_TEXT, K_TEXT, K_TEXT, /* seller, region, source_url, source_type */
    K_INT,  /* seen_at */
    K_TEXT, /* match_type */
    K_REAL, /* match_score */
    K_TEXT, K_TEXT, K_TEXT, /* notes, warnings, heuristics */
};

/* One parsed value: a number, or text in the CSV buffer (unquoted in place); null when the field was empty. */
struct value {
    union {
        int64_t i;
        double d;
        struct {
            uint32_t offset;
            uint32_t length;
        } text;
    } v;
    int null;
};

static const char *INSERT_LISTING =
    "INSERT INTO listings (import_key, import_index, canonical_model, price_micros, score, vram_gb, tdp_watts,"
    " mig_support, nvlink, generation, cuda_cores, slot_width, pcie_generation, form_factor, title,"
    " condition, quantity, availability, min_order_qty, seller, region, source_url, source_type, seen_at,"
    " match_type, match_score, notes, warnings, heuristics)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

static sqlite3 *db;

static void die(const char *what) {
    fprintf(stderr, "glyphd-anchor: %s: %s\n", what, db ? sqlite3_errmsg(db) : strerror(errno));
    exit(1);
}

static int64_t clock_ns(clockid_t clock) {
    struct timespec t;
    clock_gettime(clock, &t);
    return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int64_t now_ns(void) {
    return clock_ns(CLOCK_MONOTONIC);
}

static void exec(const char *sql) {
    char *error = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &error) != SQLITE_OK) {
        fprintf(stderr, "glyphd-anchor: %s: %s\n", sql, error);
        exit(1);
    }
}

static int64_t query_int(const char *sql) {
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK || sqlite3_step(s) != SQLITE_ROW) {
        die(sql);
    }
    int64_t value = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return value;
}

static char *read_file(const char *path, size_t *size) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        die(path);
    }
    struct stat st;
    fstat(fileno(f), &st);
    char *buffer = malloc((size_t)st.st_size + 1);
    if (!buffer || fread(buffer, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
        die(path);
    }
    fclose(f);
    buffer[st.st_size] = '\0';
    *size = (size_t)st.st_size;
    return buffer;
}

/* Versioned scripts in order: schema.sql is version 1, V<n>__*.sql version n. */
static int create_schema(const char *dir) {
    char path[4096];
    snprintf(path, sizeof path, "%s/schema.sql", dir);
    size_t size;
    char *sql = read_file(path, &size);
    exec(sql);
    free(sql);
    int version = 1;
    for (;;) {
        DIR *d = opendir(dir);
        if (!d) {
            die(dir);
        }
        char prefix[32];
        snprintf(prefix, sizeof prefix, "V%d__", version + 1);
        struct dirent *e;
        int found = 0;
        while ((e = readdir(d)) != NULL) {
            size_t n = strlen(e->d_name);
            if (strncmp(e->d_name, prefix, strlen(prefix)) == 0 && n > 4 && strcmp(e->d_name + n - 4, ".sql") == 0) {
                snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
                found = 1;
                break;
            }
        }
        closedir(d);
        if (!found) {
            break;
        }
        sql = read_file(path, &size);
        exec(sql);
        free(sql);
        version++;
    }
    char pragma[128];
    snprintf(pragma, sizeof pragma, "PRAGMA application_id = %d; PRAGMA user_version = %d", 0x474C5950, version);
    exec(pragma);
    return version;
}

/*
 * Splits the CSV into rows of values: RFC 4180 quoting ("" inside quotes), unquoted in place. Column 0 (id) and
 * 30-31 (created_at, updated_at) are the table's own and not inserted.
 */
static struct value *parse_csv(char *buffer, size_t size, long *row_count) {
    long capacity = 1 << 16, rows = 0;
    struct value *values = malloc(sizeof(struct value) * 29 * (size_t)capacity);
    char *p = buffer, *end = buffer + size;
    while (p < end && *p != '\n') {
        p++; /* the header */
    }
    p++;
    while (p < end) {
        if (rows == capacity) {
            capacity *= 2;
            values = realloc(values, sizeof(struct value) * 29 * (size_t)capacity);
            if (!values) {
                die("out of memory");
            }
        }
        struct value *row = values + 29 * rows;
        for (int column = 0; column < CSV_COLUMNS; column++) {
            char *start = p, *out = p;
            if (*p == '"') {
                p++;
                start = out = p;
                for (;;) {
                    if (p >= end) {
                        die("unterminated quote in the CSV");
                    }
                    if (*p == '"') {
                        if (p + 1 < end && p[1] == '"') {
                            *out++ = '"';
                            p += 2;
                            continue;
                        }
                        p++;
                        break;
                    }
                    *out++ = *p++;
                }
            } else {
                while (p < end && *p != ',' && *p != '\n') {
                    p++;
                }
                out = p;
            }
            char separator = p < end ? *p : '\n';
            if (separator != (column == CSV_COLUMNS - 1 ? '\n' : ',')) {
                fprintf(stderr, "glyphd-anchor: row %ld has the wrong number of fields\n", rows + 1);
                exit(1);
            }
            p++;
            if (column == 0 || column > 29) {
                continue;
            }
            struct value *v = row + column - 1;
            size_t length = (size_t)(out - start);
            v->null = length == 0;
            if (v->null) {
                continue;
            }
            char saved = *out;
            *out = '\0';
            char *parsed_end;
            switch (KINDS[column - 1]) {
                case K_INT:
                    v->v.i = strtoll(start, &parsed_end, 10);
                    break;
                case K_REAL:
                    v->v.d = strtod(start, &parsed_end);
                    break;
                default:
                    v->v.text.offset = (uint32_t)(start - buffer);
                    v->v.text.length = (uint32_t)length;
                    parsed_end = out;
            }
            if (parsed_end != out) {
                fprintf(stderr, "glyphd-anchor: row %ld column %d is not a number: %s\n", rows + 1, column, start);
                exit(1);
            }
            *out = saved;
        }
        rows++;
    }
    *row_count = rows;
    return values;
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: glyphd-anchor DB CSV SCHEMA_DIR IMPORT_ID THREADS\n");
        return 2;
    }
    const char *db_path = argv[1], *import_id = argv[4];
    int threads = atoi(argv[5]);
    size_t size;
    char *csv = read_file(argv[2], &size);
    if (size > (size_t)UINT32_MAX) {
        fprintf(stderr, "glyphd-anchor: the CSV must be smaller than 4 GiB\n");
        return 1;
    }
    long rows;
    struct value *values = parse_csv(csv, size, &rows);

    struct stat st;
    int fresh = stat(db_path, &st) != 0;
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        die(db_path);
    }
    exec("PRAGMA foreign_keys = ON");
    exec("PRAGMA journal_mode = WAL");
    exec("PRAGMA synchronous = NORMAL");
    if (fresh) {
        exec("BEGIN IMMEDIATE");
        create_schema(argv[3]);
        exec("COMMIT");
    }

    int64_t start = now_ns(), cpu_start = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
    exec("BEGIN IMMEDIATE");
    sqlite3_stmt *s;
    struct timespec wall;
    clock_gettime(CLOCK_REALTIME, &wall);
    int64_t imported_at = (int64_t)wall.tv_sec * 1000000LL + wall.tv_nsec / 1000;
    if (sqlite3_prepare_v2(db, "INSERT INTO imports (import_id, imported_at, source, description, record_count)"
                " VALUES (?, ?, ?, ?, 0) ON CONFLICT (import_id) DO UPDATE SET imported_at = excluded.imported_at,"
                " source = excluded.source, description = excluded.description, record_count = 0 RETURNING id",
                -1, &s, NULL) != SQLITE_OK) {
        die("prepare upsert");
    }
    sqlite3_bind_text(s, 1, import_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, imported_at);
    sqlite3_bind_text(s, 3, "generated", -1, SQLITE_STATIC);
    sqlite3_bind_null(s, 4);
    if (sqlite3_step(s) != SQLITE_ROW) {
        die("upsert import");
    }
    int64_t import_key = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    if (sqlite3_prepare_v2(db, "DELETE FROM listings WHERE import_key = ?", -1, &s, NULL) != SQLITE_OK) {
        die("prepare delete");
    }
    sqlite3_bind_int64(s, 1, import_key);
    if (sqlite3_step(s) != SQLITE_DONE) {
        die("delete old rows");
    }
    sqlite3_finalize(s);
    int64_t existing = query_int("SELECT coalesce(max(id), 0) FROM listings");
    int64_t cache_before = query_int("PRAGMA cache_size");
    char pragma[128];
    snprintf(pragma, sizeof pragma, "PRAGMA cache_size = %d", -IMPORT_CACHE_KIB);
    exec(pragma);
    int64_t threshold = existing > REBUILD_MIN_ROWS ? existing : REBUILD_MIN_ROWS;
    char *names[MAX_INDEXES], *definitions[MAX_INDEXES];
    int dropped = 0, switched = 0;

    sqlite3_stmt *insert;
    if (sqlite3_prepare_v2(db, INSERT_LISTING, -1, &insert, NULL) != SQLITE_OK) {
        die("prepare insert");
    }
    for (long r = 0; r < rows; r++) {
        const struct value *row = values + 29 * r;
        sqlite3_bind_int64(insert, 1, import_key);
        sqlite3_bind_int64(insert, 2, r + 1);
        for (int c = 2; c < 29; c++) {
            const struct value *v = row + c;
            if (v->null) {
                sqlite3_bind_null(insert, c + 1);
            } else if (KINDS[c] == K_INT) {
                sqlite3_bind_int64(insert, c + 1, v->v.i);
            } else if (KINDS[c] == K_REAL) {
                sqlite3_bind_double(insert, c + 1, v->v.d);
            } else {
                sqlite3_bind_text(insert, c + 1, csv + v->v.text.offset, (int)v->v.text.length, SQLITE_STATIC);
            }
        }
        if (sqlite3_step(insert) != SQLITE_DONE) {
            die("insert");
        }
        sqlite3_reset(insert);
        long written = r + 1;
        if (written % BATCH_SIZE == 0 && written >= threshold && !switched) {
            switched = 1;
            sqlite3_stmt *list;
            if (sqlite3_prepare_v2(db, "SELECT name, sql FROM sqlite_schema WHERE type = 'index'"
                        " AND tbl_name = 'listings' AND sql IS NOT NULL ORDER BY name", -1, &list, NULL) != SQLITE_OK) {
                die("list indexes");
            }
            while (sqlite3_step(list) == SQLITE_ROW && dropped < MAX_INDEXES) {
                names[dropped] = strdup((const char *)sqlite3_column_text(list, 0));
                definitions[dropped] = strdup((const char *)sqlite3_column_text(list, 1));
                dropped++;
            }
            sqlite3_finalize(list);
            for (int i = 0; i < dropped; i++) {
                char *drop = sqlite3_mprintf("DROP INDEX \"%w\"", names[i]);
                exec(drop);
                sqlite3_free(drop);
            }
        }
    }
    sqlite3_finalize(insert);
    int64_t rows_done = now_ns();
    if (dropped > 0) {
        snprintf(pragma, sizeof pragma, "PRAGMA threads = %d", threads);
        exec(pragma);
        for (int i = 0; i < dropped; i++) {
            exec(definitions[i]);
        }
        exec("PRAGMA threads = 0");
    }
    int64_t rebuild_done = now_ns();
    snprintf(pragma, sizeof pragma, "PRAGMA cache_size = %lld", (long long)cache_before);
    exec(pragma);
    if (sqlite3_prepare_v2(db, "UPDATE imports SET record_count = ? WHERE id = ?", -1, &s, NULL) != SQLITE_OK) {
        die("prepare update");
    }
    sqlite3_bind_int64(s, 1, rows);
    sqlite3_bind_int64(s, 2, import_key);
    if (sqlite3_step(s) != SQLITE_DONE) {
        die("record count");
    }
    sqlite3_finalize(s);
    exec("COMMIT");
    int64_t commit_done = now_ns(), cpu = clock_ns(CLOCK_PROCESS_CPUTIME_ID) - cpu_start;
    if (sqlite3_close(db) != SQLITE_OK) {
        die("close");
    }
    db = NULL;
    int64_t closed = now_ns();
    printf("RESULT %ld %lld %lld %lld %lld %lld %lld\n", rows, (long long)(commit_done - start),
            (long long)(rows_done - start), (long long)(rebuild_done - rows_done),
            (long long)(commit_done - rebuild_done), (long long)(closed - commit_done), (long long)cpu);
    free(values);
    free(csv);
    return 0;
}
