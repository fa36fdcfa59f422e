package io.glyphd.store.sqlite;

import io.glyphd.store.ImportRequest;
import io.glyphd.store.Listing;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.StoreException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The main class of the child JVMs that crash and multi-process tests start. It writes to a store and reports
 * on stdout, one line per event, so the parent knows where it is:
 * <ul>
 *   <li>{@code import <db> <importId> <rows> <pauseAt>}: imports {@code rows} {@linkplain #listing generated
 *       listings}. Prints {@code FLUSHED n} each time the store asks for the row after a full batch (so n rows
 *       have been handed over and written inside the open transaction), {@code EXHAUSTED n} when the input
 *       ends (the commit comes next) and {@code COMMITTED n} when the import returned. If {@code pauseAt} is
 *       between 1 and {@code rows}, it prints {@code PAUSED pauseAt} when asked for that row and blocks; if it is
 *       {@code rows + 1}, it does so when asked whether there are more rows after the last one.</li>
 *   <li>{@code race <db> <prefix> <rounds> <rows>}: prints {@code READY}, waits for a line on stdin, then per
 *       round imports {@code <prefix>-<round>} ({@code rows} rows) and re-imports {@code shared}
 *       ({@code rows / 2} rows tagged {@code <prefix>-<round>}), printing {@code DONE <id> <n>} or
 *       {@code FAILED <id> <message>} for each; then {@code EXIT}.</li>
 *   <li>{@code open <db>}: prints {@code OPENING}, opens the store (creating or migrating it), prints
 *       {@code OPENED n} with its listing count, closes it and prints {@code CLOSED}.</li>
 *   <li>{@code count <db> <readOnly>}: opens the store (read-only if {@code readOnly} is true) and prints
 *       {@code COUNT n}, or {@code FAILED <message>} if opening or counting throws a {@link StoreException}.</li>
 *   <li>{@code rollback-writer <db> <rows>}: writes as a plain SQLite client in the file's own journal mode (a
 *       version-1 file's rollback journal) with a small page cache, so that pages of the open transaction reach
 *       the file: inserts import {@code rollback-writer} with {@code rows} listings, prints {@code PAUSED} and
 *       waits, uncommitted, to be killed.</li>
 *   <li>{@code queue <db> <importId> <tag> <rows> <lockWaitMillis>}: opens the store with that lock wait, prints
 *       {@code READY}, waits for a line on stdin, imports {@code rows} rows tagged {@code tag} as {@code importId}
 *       and prints {@code DONE <id> <n> <millis>} or {@code FAILED <id> <message>}; then {@code EXIT}.</li>
 * </ul>
 * A pause ends only when the parent kills the process; if the parent goes away instead, the child halts at
 * once, so the paused import is never committed.
 */
@SuppressWarnings("checkstyle:RegexpSinglelineJava")
final class ChildImporter {
    private ChildImporter() {
    }

    /** Returns row {@code i} (1-based) of the generated listings tagged {@code tag}; the parent rebuilds them. */
    static Listing listing(String tag, int i) {
        return Listing.builder().canonicalModel("M" + (i % 17)).price(BigDecimal.valueOf(100_000L + i, 2))
                .score(i / 1000.0).region(i % 3 == 0 ? "USA" : "EU").title(tag + " #" + i)
                .seenAt(Instant.ofEpochSecond(1_750_000_000L + i)).build();
    }

    public static void main(String[] args) throws IOException {
        Path db = Path.of(args[1]);
        switch (args[0]) {
            case "open" -> open(db);
            case "count" -> count(db, Boolean.parseBoolean(args[2]));
            case "rollback-writer" -> rollbackWriter(db, Integer.parseInt(args[2]));
            case "import" -> importRows(db, args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            case "race" -> race(db, args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            case "queue" -> queue(db, args[2], args[3], Integer.parseInt(args[4]), Long.parseLong(args[5]));
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    private static void importRows(Path db, String importId, int rows, int pauseAt) {
        try (SqliteListingStore store = new SqliteListingStore(db)) {
            store.importListings(new Reporting(importId, rows, pauseAt), ImportRequest.of(importId));
            say("COMMITTED " + rows);
        }
    }

    private static void race(Path db, String prefix, int rounds, int rows) throws IOException {
        try (SqliteListingStore store = new SqliteListingStore(db)) {
            say("READY");
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            for (int round = 1; round <= rounds; round++) {
                String tag = prefix + "-" + round;
                tryImport(store, tag, tag, rows);
                tryImport(store, "shared", tag, rows / 2);
            }
            say("EXIT");
        }
    }

    private static void queue(Path db, String importId, String tag, int rows, long lockWaitMillis)
            throws IOException {
        try (SqliteListingStore store = SqliteListingStore.builder(db)
                .lockWait(java.time.Duration.ofMillis(lockWaitMillis)).build()) {
            say("READY");
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            long start = System.nanoTime();
            try {
                store.importListings(new Reporting(tag, rows, 0, false), ImportRequest.of(importId));
                say("DONE " + importId + " " + rows + " " + (System.nanoTime() - start) / 1_000_000);
            } catch (StoreException e) {
                say("FAILED " + importId + " " + e.getMessage().replace('\n', ' '));
            }
            say("EXIT");
        }
    }

    private static void open(Path db) {
        say("OPENING");
        try (SqliteListingStore store = new SqliteListingStore(db)) {
            say("OPENED " + store.countListings(ListingQuery.all()));
        }
        say("CLOSED");
    }

    private static void count(Path db, boolean readOnly) {
        try (SqliteListingStore store = readOnly ? SqliteListingStore.openReadOnly(db) : new SqliteListingStore(db)) {
            say("COUNT " + store.countListings(ListingQuery.all()));
        } catch (StoreException e) {
            say("FAILED " + e.getMessage().replace('\n', ' '));
        }
    }

    private static void rollbackWriter(Path db, int rows) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("PRAGMA cache_size = 16");
            c.setAutoCommit(false);
            s.execute("INSERT INTO imports (import_id, imported_at, record_count) VALUES ('rollback-writer', 0, "
                    + rows + ")");
            s.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + rows + ")"
                    + " INSERT INTO listings (import_key, import_index, canonical_model, price_micros, score, title)"
                    + " SELECT (SELECT id FROM imports WHERE import_id = 'rollback-writer'), i, 'M' || (i % 17),"
                    + " i * 1000, i / 1000.0, 'uncommitted #' || i FROM n");
            Reporting.pause();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void tryImport(SqliteListingStore store, String importId, String tag, int rows) {
        try {
            store.importListings(new Reporting(tag, rows, 0, false), ImportRequest.of(importId));
            say("DONE " + importId + " " + rows);
        } catch (StoreException e) {
            say("FAILED " + importId + " " + e.getMessage().replace('\n', ' '));
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    /** Hands out the generated rows, reporting progress and pausing where asked. */
    private static final class Reporting implements Iterator<Listing> {
        private final String tag;
        private final int rows;
        private final int pauseAt;
        private final boolean report;
        private int handed;

        Reporting(String tag, int rows, int pauseAt) {
            this(tag, rows, pauseAt, true);
        }

        Reporting(String tag, int rows, int pauseAt, boolean report) {
            this.tag = tag;
            this.rows = rows;
            this.pauseAt = pauseAt;
            this.report = report;
        }

        @Override
        public boolean hasNext() {
            if (handed < rows) {
                return true;
            }
            if (report) {
                say("EXHAUSTED " + handed);
            }
            if (pauseAt == rows + 1) {
                pause();
            }
            return false;
        }

        @Override
        public Listing next() {
            if (handed >= rows) {
                throw new NoSuchElementException();
            }
            if (report && handed > 0 && handed % SqliteImporter.BATCH_SIZE == 0) {
                say("FLUSHED " + handed);
            }
            if (handed + 1 == pauseAt) {
                pause();
            }
            handed++;
            return listing(tag, handed);
        }

        private static void pause() {
            say("PAUSED");
            try {
                while (System.in.read() >= 0) {
                    // Wait to be killed; input from the parent is ignored.
                }
            } catch (IOException e) {
                // Treated like end of input below.
            }
            // The parent went away without killing us: leave without committing anything.
            Runtime.getRuntime().halt(3);
        }
    }
}
