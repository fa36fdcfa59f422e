package io.glyphd.store.sqlite;

import static io.glyphd.store.sqlite.SqlResults.strings;
import static org.assertj.core.api.Assertions.assertThat;

import io.glyphd.store.ImportMetadata;
import io.glyphd.store.ImportRequest;
import io.glyphd.store.Listing;
import io.glyphd.store.ListingQuery;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many threads on one store, and two processes on one file. Readers must see each import whole or not at all
 * (counts per import id), and must not wait for a running import (WAL); two processes writing at once must both
 * finish their imports (the busy timeout and the whole-unit retry make them wait, not fail) without damaging the
 * file or half-applying anything.
 */
class ConcurrencyTest {
    private static final int READERS = 8;
    private static final int IMPORTS = 8;
    private static final int SLOW_ROWS = 3_000;
    private static final int READS_WHILE_PAUSED = 16;
    /** A guard against a hang, not a timing check: a blocked reader would keep the writer paused forever. */
    private static final long GIVE_UP_SECONDS = 120;
    /** The rows each of the four queued processes imports. */
    private static final int QUEUE_ROWS = 20_000;
    /** Generous, as the CLI's --wait is: four imports on a loaded 2-core machine must fit, one after another. */
    private static final long QUEUE_LOCK_WAIT_MS = 120_000;

    @TempDir
    Path dir;

    private static int size(int v) {
        return 400 + 137 * v;
    }

    private static List<Listing> rows(String tag, int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> ChildImporter.listing(tag, i)).toList();
    }

    @Test
    void eightReadersSeeEveryImportWholeOrNotAtAllAndAreNotBlockedByARunningImport() throws Exception {
        Path file = dir.resolve("listings.sqlite3");
        Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicBoolean slowImportPaused = new AtomicBoolean();
        CountDownLatch readsWhilePaused = new CountDownLatch(READS_WHILE_PAUSED);
        AtomicLong reads = new AtomicLong();
        ExecutorService threads = Executors.newFixedThreadPool(READERS + 1);
        try (SqliteListingStore store = new SqliteListingStore(file)) {
            store.insertListings(rows("base", 1_000), "base");
            List<Future<?>> readers = new ArrayList<>();
            for (int r = 0; r < READERS; r++) {
                Random random = new Random(r);
                readers.add(threads.submit(() -> {
                    while (writing.get()) {
                        boolean pausedBefore = slowImportPaused.get();
                        try {
                            readOnce(store, random);
                            reads.incrementAndGet();
                        } catch (Throwable e) {
                            errors.add(e);
                            while (readsWhilePaused.getCount() > 0) {
                                readsWhilePaused.countDown(); // do not keep the writer waiting for this reader
                            }
                            return;
                        }
                        if (pausedBefore && slowImportPaused.get()) {
                            readsWhilePaused.countDown();
                        }
                    }
                }));
            }
            Future<Boolean> writer = threads.submit(() -> {
                try {
                    return write(store, slowImportPaused, readsWhilePaused);
                } finally {
                    writing.set(false);
                }
            });

            assertThat(writer.get(GIVE_UP_SECONDS, TimeUnit.SECONDS))
                    .as("readers completed reads while an import was open").isTrue();
            for (Future<?> reader : readers) {
                reader.get(GIVE_UP_SECONDS, TimeUnit.SECONDS);
            }

            assertThat(errors).isEmpty();
            assertThat(reads.get()).isGreaterThanOrEqualTo(READS_WHILE_PAUSED);
            for (int v = 1; v <= IMPORTS; v++) {
                assertThat(store.countListings(ListingQuery.builder().importId("imp-" + v).build()))
                        .isEqualTo(size(v));
            }
            assertThat(store.findImport("slow")).get().extracting(ImportMetadata::recordCount)
                    .isEqualTo((long) SLOW_ROWS);
            assertThat(store.verify().ok()).isTrue();
        } finally {
            threads.shutdownNow();
        }
    }

    /** Imports eight batches, re-imports "flip" between them, and runs one import that pauses half-way. */
    private static boolean write(SqliteListingStore store, AtomicBoolean paused, CountDownLatch readsWhilePaused)
            throws InterruptedException {
        boolean readersRan = false;
        for (int v = 1; v <= IMPORTS; v++) {
            store.insertListings(rows("imp-" + v, size(v)), "imp-" + v);
            store.insertListings(v % 2 == 0 ? rows("flip-A", 300) : rows("flip-B", 700), "flip");
            if (v == IMPORTS / 2) {
                boolean[] ran = new boolean[1];
                store.importListings(pausing(paused, readsWhilePaused, ran), ImportRequest.of("slow"));
                readersRan = ran[0];
            }
        }
        return readersRan;
    }

    /** Yields {@value #SLOW_ROWS} rows; after two batches are written, waits until readers have read meanwhile. */
    private static Iterator<Listing> pausing(AtomicBoolean paused, CountDownLatch readsWhilePaused, boolean[] ran) {
        return new Iterator<>() {
            private int row;

            @Override
            public boolean hasNext() {
                return row < SLOW_ROWS;
            }

            @Override
            public Listing next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                if (row == 2 * SqliteImporter.BATCH_SIZE) {
                    paused.set(true);
                    try {
                        ran[0] = readsWhilePaused.await(GIVE_UP_SECONDS, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    } finally {
                        paused.set(false);
                    }
                }
                row++;
                return ChildImporter.listing("slow", row);
            }
        };
    }

    /** One read of each kind, each checked against what a whole import looks like. */
    private static void readOnce(SqliteListingStore store, Random random) {
        int v = 1 + random.nextInt(IMPORTS);
        assertThat(store.countListings(ListingQuery.builder().importId("imp-" + v).build()))
                .as("imp-" + v).isIn(0L, (long) size(v));
        assertThat(store.countListings(ListingQuery.builder().importId("slow").build())).isIn(0L, (long) SLOW_ROWS);
        List<Listing> flip = store.queryListings(ListingQuery.builder().importId("flip").limit(1_000).build());
        assertThat(flip.size()).as("flip").isIn(0, 300, 700);
        if (!flip.isEmpty()) {
            String tag = flip.size() == 300 ? "flip-A" : "flip-B";
            for (int i = 0; i < flip.size(); i++) {
                assertThat(flip.get(i).title()).isEqualTo(tag + " #" + (i + 1));
            }
        }
        for (ImportMetadata m : store.listImports()) {
            switch (m.importId()) {
                case "base" -> assertThat(m.recordCount()).isEqualTo(1_000);
                case "slow" -> assertThat(m.recordCount()).isEqualTo(SLOW_ROWS);
                case "flip" -> assertThat(m.recordCount()).isIn(300L, 700L);
                default -> assertThat(m.recordCount()).as(m.importId())
                        .isEqualTo(size(Integer.parseInt(m.importId().substring("imp-".length()))));
            }
        }
    }

    @Test
    void twoProcessesImportingIntoOneFileAtOnceBothFinishAndLeaveNoHalfImport() throws Exception {
        Path file = dir.resolve("listings.sqlite3");
        new SqliteListingStore(file).close();
        int rounds = 3;
        int rowsPerImport = 20_000;
        List<List<String>> outputs = new ArrayList<>();
        try (ChildJvm a = ChildJvm.start(dir.resolve("tmp-a"), dir.resolve("logs"), "race", file.toString(), "a",
                String.valueOf(rounds), String.valueOf(rowsPerImport));
                ChildJvm b = ChildJvm.start(dir.resolve("tmp-b"), dir.resolve("logs"), "race", file.toString(), "b",
                        String.valueOf(rounds), String.valueOf(rowsPerImport))) {
            a.awaitLine("READY"::equals);
            b.awaitLine("READY"::equals);
            a.send("GO");
            b.send("GO");
            outputs.add(a.awaitExit());
            outputs.add(b.awaitExit());
            assertThat(a.exitCode()).as(a.describe()).isZero();
            assertThat(b.exitCode()).as(b.describe()).isZero();
        }

        Set<String> sharedTags = new HashSet<>();
        Map<String, Integer> done = new HashMap<>();
        for (List<String> output : outputs) {
            assertThat(output).last().isEqualTo("EXIT");
            for (String line : output) {
                assertThat(line).as("each import waits for the other process rather than fail")
                        .doesNotStartWith("FAILED");
                if (line.startsWith("DONE ")) {
                    String[] parts = line.split(" ");
                    done.put(parts[1], Integer.parseInt(parts[2]));
                }
            }
        }
        for (String prefix : List.of("a", "b")) {
            for (int round = 1; round <= rounds; round++) {
                String id = prefix + "-" + round;
                assertThat(done).containsEntry(id, rowsPerImport);
                sharedTags.add(id);
            }
        }
        try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            assertThat(strings(raw, "PRAGMA integrity_check")).containsExactly("ok");
            assertThat(strings(raw, "PRAGMA foreign_key_check")).isEmpty();
            for (String id : done.keySet()) {
                if (!id.equals("shared")) {
                    assertThat(rowsTaggedAsTheirImport(raw, id, id)).as(id).isEqualTo(rowsPerImport);
                }
            }
            List<String> shared = strings(raw, "SELECT DISTINCT substr(l.title, 1, instr(l.title, ' #') - 1)"
                    + " FROM listings l JOIN imports i ON i.id = l.import_key WHERE i.import_id = 'shared'");
            assertThat(shared).as("the shared import holds one writer's version, whole").hasSize(1);
            assertThat(sharedTags).contains(shared.get(0));
            assertThat(rowsTaggedAsTheirImport(raw, "shared", shared.get(0))).isEqualTo(rowsPerImport / 2);
            assertThat(strings(raw, "SELECT record_count FROM imports WHERE import_id = 'shared'"))
                    .containsExactly(String.valueOf(rowsPerImport / 2));
        }
    }

    /**
     * Starts {@code ids.size()} child JVMs, each importing {@code rows} rows tagged {@code child-<n>} as its id, all
     * let go at once; returns each child's result line ({@code DONE ...} or {@code FAILED ...}).
     */
    private List<String> importTogether(Path file, List<String> ids, int rows) {
        List<ChildJvm> children = new ArrayList<>();
        try {
            for (int n = 0; n < ids.size(); n++) {
                children.add(ChildJvm.start(dir.resolve("tmp-" + n), dir.resolve("logs"), "queue", file.toString(),
                        ids.get(n), "child-" + n, String.valueOf(rows), String.valueOf(QUEUE_LOCK_WAIT_MS)));
            }
            for (ChildJvm child : children) {
                child.awaitLine("READY"::equals);
            }
            children.forEach(child -> child.send("GO"));
            List<String> results = new ArrayList<>();
            for (ChildJvm child : children) {
                List<String> output = child.awaitExit();
                assertThat(child.exitCode()).as(child.describe()).isZero();
                assertThat(output).as(child.describe()).last().isEqualTo("EXIT");
                results.add(output.stream().filter(l -> l.startsWith("DONE ") || l.startsWith("FAILED "))
                        .findFirst().orElseThrow());
            }
            return results;
        } finally {
            children.forEach(ChildJvm::close);
        }
    }

    @Test
    void fourProcessesImportingDistinctIdsIntoOneFileAtOnceAllLand() throws Exception {
        Path file = dir.resolve("listings.sqlite3");
        new SqliteListingStore(file).close();
        List<String> ids = List.of("p0", "p1", "p2", "p3");

        List<String> results = importTogether(file, ids, QUEUE_ROWS);

        assertThat(results).as("every writer waits its turn and lands").allMatch(l -> l.startsWith("DONE "));
        try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            assertThat(strings(raw, "PRAGMA integrity_check")).containsExactly("ok");
            for (int n = 0; n < ids.size(); n++) {
                assertThat(rowsTaggedAsTheirImport(raw, ids.get(n), "child-" + n)).as(ids.get(n))
                        .isEqualTo(QUEUE_ROWS);
            }
            assertThat(strings(raw, "SELECT count(*) FROM listings")).containsExactly(String.valueOf(4 * QUEUE_ROWS));
        }
    }

    @Test
    void fourProcessesImportingOneIdIntoOneFileAtOnceAllLandAndOneWholeImportRemains() throws Exception {
        Path file = dir.resolve("listings.sqlite3");
        new SqliteListingStore(file).close();

        List<String> results = importTogether(file, List.of("one", "one", "one", "one"), QUEUE_ROWS);

        assertThat(results).as("every writer waits its turn and lands").allMatch(l -> l.startsWith("DONE "));
        try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            assertThat(strings(raw, "PRAGMA integrity_check")).containsExactly("ok");
            List<String> tags = strings(raw, "SELECT DISTINCT substr(title, 1, instr(title, ' #') - 1) FROM listings");
            assertThat(tags).as("one writer's version, whole").hasSize(1);
            assertThat(rowsTaggedAsTheirImport(raw, "one", tags.get(0))).isEqualTo(QUEUE_ROWS);
            assertThat(strings(raw, "SELECT count(*) FROM listings")).containsExactly(String.valueOf(QUEUE_ROWS));
            assertThat(strings(raw, "SELECT record_count FROM imports")).containsExactly(String.valueOf(QUEUE_ROWS));
        }
    }

    /** Counts the rows of {@code importId} whose title is exactly "{tag} #{import_index}". */
    private static long rowsTaggedAsTheirImport(Connection raw, String importId, String tag) throws SQLException {
        try (PreparedStatement count = raw.prepareStatement("SELECT count(*) FROM listings l JOIN imports i"
                + " ON i.id = l.import_key WHERE i.import_id = ? AND l.title = ? || ' #' || l.import_index")) {
            count.setString(1, importId);
            count.setString(2, tag);
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
