package io.glyphd.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.glyphd.store.ImportMetadata;
import io.glyphd.store.ImportRequest;
import io.glyphd.store.Listing;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.RowHooks;
import io.glyphd.store.StoreException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writers of one file in one process queue and all land within the lock wait; a blocked writer fails after the
 * lock wait and not later; a write from an import's own iterator fails at once; {@code close()} is a barrier; an
 * interrupted import rolls back; the connection bound holds. Times asserted are bounds of waits the store promises
 * (at least the wait it was told, well under the next figure), not performance.
 */
class WritersQueueTest {
    /** A guard against a hang: nothing here should take nearly as long. */
    private static final long GIVE_UP_SECONDS = 60;

    @TempDir
    Path dir;
    private Path file;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<SqliteListingStore> stores = new ArrayList<>();

    @BeforeEach
    void createFile() {
        file = dir.resolve("listings.sqlite3");
        new SqliteListingStore(file).close();
    }

    @AfterEach
    void stop() {
        threads.shutdownNow();
        stores.forEach(SqliteListingStore::close);
    }

    private SqliteListingStore open(SqliteListingStore.Builder builder) {
        SqliteListingStore store = builder.build();
        stores.add(store);
        return store;
    }

    /** Hands out {@code n} generated listings. */
    private static Iterator<Listing> rows(String tag, int n) {
        return IntStream.rangeClosed(1, n).mapToObj(row -> ChildImporter.listing(tag, row)).iterator();
    }

    /** Hands out {@code n} generated listings, held before row {@code pauseAt} until released. */
    private static RowHooks.Held pausing(String tag, int n, int pauseAt) {
        return RowHooks.heldAtRow(rows(tag, n), pauseAt);
    }

    private static <T> T get(Future<T> future) throws Exception {
        return future.get(GIVE_UP_SECONDS, TimeUnit.SECONDS);
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    private Map<String, Long> importCounts() {
        try (SqliteListingStore store = SqliteListingStore.openReadOnly(file)) {
            return store.listImports().stream()
                    .collect(Collectors.toMap(ImportMetadata::importId, ImportMetadata::recordCount));
        }
    }

    private static void awaitCondition(String what, java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GIVE_UP_SECONDS);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as(what).isNegative();
            Thread.sleep(10);
        }
    }

    @Test
    void writersInOneProcessQueueAcrossStoreInstancesOnOneFileAndAllLand() throws Exception {
        List<String> heardByB = new CopyOnWriteArrayList<>();
        SqliteListingStore a = open(SqliteListingStore.builder(file));
        SqliteListingStore b = open(SqliteListingStore.builder(file).onLockWait(heardByB::add));
        RowHooks.Held first = pausing("first", 3_000, 1_500);
        Future<?> holding = threads.submit(() -> a.importListings(first, ImportRequest.of("first")));
        first.awaitHeld();

        List<Future<?>> queued = new ArrayList<>();
        queued.add(threads.submit(() -> b.importListings(rows("second", 1_000), ImportRequest.of("second"))));
        awaitCondition("b waits for its turn", () -> !heardByB.isEmpty());
        for (int i = 3; i <= 6; i++) {
            SqliteListingStore store = i % 2 == 0 ? a : b;
            String id = "t" + i;
            queued.add(threads.submit(() -> store.importListings(rows(id, 500), ImportRequest.of(id))));
        }
        queued.add(threads.submit(() -> b.deleteImport("nothing-to-delete")));
        first.release();

        get(holding);
        for (Future<?> f : queued) {
            get(f);
        }
        assertThat(heardByB).as("the second instance queued on the in-process lock of the file, not in SQLite")
                .first().isEqualTo("another writer in this process");
        assertThat(importCounts()).containsExactlyInAnyOrderEntriesOf(Map.of("first", 3_000L, "second", 1_000L,
                "t3", 500L, "t4", 500L, "t5", 500L, "t6", 500L));
    }

    @Test
    void aWriterBlockedByAnotherProcessFailsAfterTheLockWaitInAllAndWritesNothing() throws Exception {
        SqliteListingStore store = open(SqliteListingStore.builder(file).lockWait(Duration.ofMillis(800)));
        try (Connection otherProcess = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement s = otherProcess.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            long start = System.nanoTime();

            assertThatThrownBy(() -> store.importListings(rows("x", 10), ImportRequest.of("x")))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("locked by another connection or process")
                    .hasMessageContaining("within the lock wait of 800 ms")
                    .hasMessageContaining("nothing of this operation was written");
            assertThat(millisSince(start)).isBetween(790L, 4_000L);
            s.execute("ROLLBACK");
        }
        assertThat(importCounts()).isEmpty();
    }

    @Test
    void aWriterQueuedBehindAnotherInThisProcessFailsAfterTheLockWait() throws Exception {
        SqliteListingStore a = open(SqliteListingStore.builder(file));
        SqliteListingStore b = open(SqliteListingStore.builder(file).lockWait(Duration.ofMillis(500)));
        RowHooks.Held first = pausing("first", 2_000, 1_000);
        Future<?> holding = threads.submit(() -> a.importListings(first, ImportRequest.of("first")));
        first.awaitHeld();
        long start = System.nanoTime();

        assertThatThrownBy(() -> b.deleteImport("first")).isInstanceOf(StoreException.class)
                .hasMessageContaining("another writer in this process held the file past the lock wait of 500 ms")
                .hasMessageContaining("nothing of this operation was written");
        assertThat(millisSince(start)).isBetween(490L, 4_000L);

        first.release();
        get(holding);
        assertThat(importCounts()).containsExactly(Map.entry("first", 2_000L));
    }

    @Test
    void aWriteFromInsideAnImportsOwnIteratorFailsAtOnceNamingTheCause() {
        SqliteListingStore store = open(SqliteListingStore.builder(file));
        SqliteListingStore other = open(SqliteListingStore.builder(file));
        store.importListings(rows("old", 5), ImportRequest.of("old"));
        for (SqliteListingStore target : List.of(store, other)) {
            Iterator<Listing> reentrant = RowHooks.actingAtRow(rows("new", 10), 3, () -> target.deleteImport("old"));
            long start = System.nanoTime();

            assertThatThrownBy(() -> store.importListings(reentrant, ImportRequest.of("new")))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("Cannot delete import old from " + file)
                    .hasMessageContaining("this thread is already writing to this file")
                    .hasMessageContaining("from inside an import's own iterator")
                    .hasMessageNotContaining("another connection or process");
            assertThat(millisSince(start)).as("fails at once, not after the 10 s lock wait").isLessThan(3_000);
        }
        assertThat(importCounts()).containsExactly(Map.entry("old", 5L));
    }

    @Test
    void closeWaitsForARunningImportWhichThenCommits() throws Exception {
        SqliteListingStore store = open(SqliteListingStore.builder(file).lockWait(Duration.ofSeconds(30)));
        RowHooks.Held slow = pausing("slow", 3_000, 1_500);
        Future<?> importing = threads.submit(() -> store.importListings(slow, ImportRequest.of("slow")));
        slow.awaitHeld();

        Future<?> closing = threads.submit(store::close);
        Thread.sleep(500);
        assertThat(closing.isDone()).as("close() waits for the running import").isFalse();
        assertThatThrownBy(() -> store.countListings(ListingQuery.all())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the store is closed");
        slow.release();

        get(importing);
        get(closing);
        assertThat(importCounts()).containsExactly(Map.entry("slow", 3_000L));
    }

    @Test
    void closeRollsBackAnImportStillRunningAfterTheLockWaitAndNothingCommitsAfterItReturns() throws Exception {
        SqliteListingStore store = open(SqliteListingStore.builder(file).lockWait(Duration.ofMillis(500)));
        store.importListings(rows("keep", 10), ImportRequest.of("keep"));
        RowHooks.Held slow = pausing("slow", 3_000, 1_500);
        Future<?> importing = threads.submit(() -> store.importListings(slow, ImportRequest.of("slow")));
        slow.awaitHeld();
        long start = System.nanoTime();

        store.close();

        assertThat(millisSince(start)).as("close() waited the lock wait, then stopped the import")
                .isBetween(490L, 5_000L);
        try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement s = raw.createStatement()) {
            s.execute("PRAGMA busy_timeout = 0");
            s.execute("BEGIN IMMEDIATE"); // the closed store holds no lock on the file any more
            s.execute("ROLLBACK");
        }
        slow.release();
        Throwable failure = catchThrowable(() -> get(importing));
        assertThat(failure.getCause()).isInstanceOf(StoreException.class)
                .hasMessageContaining("Cannot import listings as import slow")
                .hasMessageContaining("the store was closed while this operation ran");
        assertThat(importCounts()).as("no commit after close() returned").containsExactly(Map.entry("keep", 10L));
    }

    @Test
    void closeStopsAWriteThatWaitsForAnotherProcessAtOnce() throws Exception {
        SqliteListingStore store = open(SqliteListingStore.builder(file).lockWait(Duration.ofSeconds(30)));
        List<String> heard = new CopyOnWriteArrayList<>();
        SqliteListingStore waiting = open(SqliteListingStore.builder(file).lockWait(Duration.ofSeconds(30))
                .onLockWait(heard::add));
        try (Connection otherProcess = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement s = otherProcess.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            Future<?> blocked = threads.submit(() -> waiting.importListings(rows("w", 10), ImportRequest.of("w")));
            awaitCondition("the write waits for the other process", () -> !heard.isEmpty());
            long start = System.nanoTime();

            waiting.close();

            assertThat(millisSince(start)).as("a waiting write stops waiting when the store closes")
                    .isLessThan(3_000);
            Throwable failure = catchThrowable(() -> get(blocked));
            assertThat(failure.getCause()).isInstanceOf(StoreException.class)
                    .hasMessageContaining("the store was closed while this operation ran");
            assertThat(heard).containsExactly("another connection or process");
            s.execute("ROLLBACK");
        }
        store.importListings(rows("after", 3), ImportRequest.of("after"));
        assertThat(importCounts()).containsExactly(Map.entry("after", 3L));
    }

    @Test
    void callsAfterCloseFailSayingTheStoreIsClosed() {
        SqliteListingStore store = open(SqliteListingStore.builder(file));
        store.close();
        store.close();

        assertThatThrownBy(() -> store.importListings(rows("x", 1), ImportRequest.of("x")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(file + ": the store is closed");
        assertThatThrownBy(store::listImports).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the store is closed");
    }

    @Test
    void interruptingTheImportingThreadRollsTheImportBackThrowsAndKeepsTheFlag() throws Exception {
        SqliteListingStore store = open(SqliteListingStore.builder(file));
        store.importListings(rows("keep", 10), ImportRequest.of("keep"));
        CountDownLatch parked = new CountDownLatch(1);
        Iterator<Listing> parksUntilInterrupted = RowHooks.actingAtRow(rows("cut", 3_000), 1_500, () -> {
            parked.countDown();
            while (!Thread.currentThread().isInterrupted()) { // parking keeps the flag, as a busy reader would
                LockSupport.parkNanos(1_000_000);
            }
        });
        AtomicBoolean flagAfter = new AtomicBoolean();
        List<Throwable> failure = new CopyOnWriteArrayList<>();
        Thread importer = new Thread(() -> {
            failure.add(catchThrowable(() -> store.importListings(parksUntilInterrupted, ImportRequest.of("cut"))));
            flagAfter.set(Thread.currentThread().isInterrupted());
        });
        importer.start();
        assertThat(parked.await(GIVE_UP_SECONDS, TimeUnit.SECONDS)).isTrue();

        importer.interrupt();
        importer.join(TimeUnit.SECONDS.toMillis(GIVE_UP_SECONDS));

        assertThat(failure).hasSize(1);
        assertThat(failure.get(0)).isInstanceOf(StoreException.class)
                .hasMessageContaining("Cannot import listings as import cut into " + file)
                .hasMessageContaining("the importing thread was interrupted after row 1500")
                .hasMessageContaining("the import was rolled back, nothing of it was written")
                .cause().isInstanceOf(InterruptedException.class);
        assertThat(flagAfter).as("the interrupt flag is still set").isTrue();
        assertThat(importCounts()).containsExactly(Map.entry("keep", 10L));
        store.importListings(rows("next", 5), ImportRequest.of("next"));
        assertThat(importCounts()).containsEntry("next", 5L);
    }

    @Test
    void maxConnectionsBoundsTheConnectionsAndACallerOverItFailsAfterTheConnectionWait() throws Exception {
        SqliteListingStore store = open(SqliteListingStore.builder(file).maxConnections(1)
                .connectionWait(Duration.ofMillis(300)));
        RowHooks.Held slow = pausing("slow", 2_000, 1_000);
        Future<?> importing = threads.submit(() -> store.importListings(slow, ImportRequest.of("slow")));
        slow.awaitHeld();
        long start = System.nanoTime();

        assertThatThrownBy(() -> store.countListings(ListingQuery.all())).isInstanceOf(StoreException.class)
                .hasMessageContaining("Cannot count listings in " + file)
                .hasMessageContaining("all 1 connections (maxConnections) stayed in use for the connection wait"
                        + " of 300 ms");
        assertThat(millisSince(start)).isBetween(290L, 4_000L);

        slow.release();
        get(importing);
        assertThat(store.countListings(ListingQuery.all())).isEqualTo(2_000);
    }

    @Test
    void theDefaultBoundIsEightConnections() throws Exception {
        SqliteListingStore store = open(SqliteListingStore.builder(file));
        CountDownLatch holding = new CountDownLatch(SqliteListingStore.DEFAULT_MAX_CONNECTIONS);
        CountDownLatch release = new CountDownLatch(1);
        List<Future<?>> readers = new ArrayList<>();
        for (int i = 0; i < SqliteListingStore.DEFAULT_MAX_CONNECTIONS; i++) {
            readers.add(threads.submit(() -> store.withConnection(c -> {
                holding.countDown();
                RowHooks.awaitUninterruptibly(release);
                return null;
            })));
        }
        assertThat(holding.await(GIVE_UP_SECONDS, TimeUnit.SECONDS)).as("8 readers hold a connection each").isTrue();

        Future<Long> ninth = threads.submit(() -> store.countListings(ListingQuery.all()));
        Thread.sleep(300);
        assertThat(ninth.isDone()).as("the ninth waits for a connection").isFalse();
        release.countDown();

        assertThat(get(ninth)).isZero();
        for (Future<?> f : readers) {
            get(f);
        }
    }

    @Test
    void interruptingAWriterThatWaitsForItsTurnFailsItAndKeepsTheFlag() throws Exception {
        SqliteListingStore store = open(SqliteListingStore.builder(file).lockWait(Duration.ofSeconds(30)));
        RowHooks.Held first = pausing("first", 2_000, 1_000);
        Future<?> holding = threads.submit(() -> store.importListings(first, ImportRequest.of("first")));
        first.awaitHeld();
        List<String> heard = new CopyOnWriteArrayList<>();
        SqliteListingStore queued = open(SqliteListingStore.builder(file).lockWait(Duration.ofSeconds(30))
                .onLockWait(heard::add));
        AtomicBoolean flagAfter = new AtomicBoolean();
        List<Throwable> failure = new CopyOnWriteArrayList<>();
        Thread waiter = new Thread(() -> {
            failure.add(catchThrowable(() -> queued.deleteImport("first")));
            flagAfter.set(Thread.currentThread().isInterrupted());
        });
        waiter.start();
        awaitCondition("the writer queues", () -> !heard.isEmpty());

        waiter.interrupt();
        waiter.join(TimeUnit.SECONDS.toMillis(GIVE_UP_SECONDS));

        assertThat(failure).hasSize(1);
        assertThat(failure.get(0)).isInstanceOf(StoreException.class)
                .hasMessageContaining("Cannot delete import first from " + file + ": the thread was interrupted");
        assertThat(flagAfter).isTrue();
        first.release();
        get(holding);
        assertThat(importCounts()).containsExactly(Map.entry("first", 2_000L));
    }
}
