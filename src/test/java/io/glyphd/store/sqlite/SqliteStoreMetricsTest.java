package io.glyphd.store.sqlite;

import static io.glyphd.store.TestListings.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glyphd.store.ImportRequest;
import io.glyphd.store.ImportResult;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.ListingStore;
import io.glyphd.store.RowHooks;
import io.glyphd.store.StoreException;
import io.glyphd.store.StoreMetricsContract;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The metrics contract on SQLite, and what only SQLite has: the bounded pool's gauges and its connection wait, the
 * lock wait of a write that another process's write holds up, and lock waits that run out.
 */
class SqliteStoreMetricsTest extends StoreMetricsContract {
    private static final String NAME = "sqlite";
    private static final long GIVE_UP_SECONDS = 30;

    private final List<RowHooks.Held> held = new ArrayList<>();
    private ListingStore tuned;

    @Override
    protected ListingStore openStore(Path dir, MeterRegistry registry, String name) {
        return SqliteListingStore.builder(dir.resolve("listings.sqlite3")).metrics(registry, name).build();
    }

    @AfterEach
    void closeTuned() {
        release();
        if (tuned != null) {
            tuned.close();
        }
    }

    /** Opens a second store, on its own file, with options changed by {@code options}. */
    private ListingStore tuned(UnaryOperator<SqliteListingStore.Builder> options) {
        tuned = options.apply(SqliteListingStore.builder(dir.resolve("tuned.sqlite3")).metrics(registry, NAME))
                .build();
        return tuned;
    }

    private double gauge(String name) {
        return registry.get(name).tag("store", NAME).gauge().value();
    }

    private double failures(String operation, String kind) {
        Counter counter = registry.find("glyphd.store.failures").tag("store", NAME).tag("operation", operation)
                .tag("kind", kind).counter();
        return counter == null ? 0 : counter.count();
    }

    private Timer lockWait() {
        return registry.get("glyphd.store.lock.wait").tag("store", NAME).timer();
    }

    /** Starts an import of 3 rows that holds its connection (and the file's write turn) until {@link #release}. */
    private CompletableFuture<ImportResult> heldImport(ListingStore into, String id) throws InterruptedException {
        RowHooks.Held rows = RowHooks.heldAtRow(sample(3).iterator(), 1);
        held.add(rows);
        CompletableFuture<ImportResult> running = CompletableFuture.supplyAsync(
                () -> into.importListings(rows, ImportRequest.of(id)));
        rows.awaitHeld();
        return running;
    }

    /** Lets every held import go on. */
    private void release() {
        held.forEach(RowHooks.Held::release);
    }

    private static void awaitValue(DoubleSupplier value, double expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GIVE_UP_SECONDS);
        while (value.getAsDouble() != expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(value.getAsDouble()).isEqualTo(expected);
    }

    @Test
    void theGaugesCountTheConnectionLentToAnImportAndAReaderWaitingForIt() throws Exception {
        ListingStore one = tuned(b -> b.maxConnections(1));
        CompletableFuture<ImportResult> importing = heldImport(one, "a");
        assertThat(gauge("glyphd.store.connections.active")).isEqualTo(1);
        assertThat(gauge("glyphd.store.connections.pending")).isZero();

        CompletableFuture<Long> counting = CompletableFuture.supplyAsync(() -> one.countListings(ListingQuery.all()));
        awaitValue(() -> gauge("glyphd.store.connections.pending"), 1);
        assertThat(gauge("glyphd.store.connections.active")).as("bounded by maxConnections").isEqualTo(1);
        assertThat(counting).isNotDone();
        release();

        assertThat(importing.get(GIVE_UP_SECONDS, TimeUnit.SECONDS).recordCount()).isEqualTo(3);
        assertThat(counting.get(GIVE_UP_SECONDS, TimeUnit.SECONDS)).isIn(0L, 3L);
        assertThat(gauge("glyphd.store.connections.active")).isZero();
        assertThat(gauge("glyphd.store.connections.pending")).isZero();
    }

    @Test
    void aCallerThatFindsNoFreeConnectionWithinTheConnectionWaitIsAConnectionTimeout() throws Exception {
        ListingStore one = tuned(b -> b.maxConnections(1).connectionWait(Duration.ofMillis(100)));
        CompletableFuture<ImportResult> importing = heldImport(one, "a");

        assertThatThrownBy(() -> one.listImports()).isInstanceOf(StoreException.class)
                .hasMessageContaining("connection wait of 100 ms");

        release();
        importing.get(GIVE_UP_SECONDS, TimeUnit.SECONDS);
        assertThat(failures("list_imports", "connection_timeout")).isEqualTo(1);
        assertThat(registry.get("glyphd.store.operations").tag("store", NAME).tag("operation", "list_imports")
                .tag("outcome", "failure").timer().count()).isEqualTo(1);
        assertThat(gauge("glyphd.store.connections.pending")).isZero();
    }

    @Test
    void aWriteThatAnotherProcessHoldsUpWaitsInBeginImmediateAndThatWaitIsItsLockWait() throws Exception {
        ListingStore waiting = tuned(b -> b.lockWait(Duration.ofSeconds(20)));
        try (Connection otherProcess = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("tuned.sqlite3"))) {
            otherProcess.createStatement().execute("BEGIN IMMEDIATE");
            CompletableFuture<ImportResult> importing = CompletableFuture.supplyAsync(
                    () -> waiting.insertListings(sample(2), ImportRequest.of("a")));
            Thread.sleep(400);
            assertThat(importing).isNotDone();
            otherProcess.createStatement().execute("ROLLBACK");

            assertThat(importing.get(GIVE_UP_SECONDS, TimeUnit.SECONDS).recordCount()).isEqualTo(2);
        }
        assertThat(lockWait().count()).isEqualTo(1);
        assertThat(lockWait().max(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(350);
        assertThat(failures("import", "lock_timeout")).isZero();
    }

    @Test
    void aWriteThatAnotherProcessHoldsUpPastTheLockWaitIsALockTimeoutAndNoLockWait() throws SQLException {
        ListingStore waiting = tuned(b -> b.lockWait(Duration.ofMillis(200)));
        try (Connection otherProcess = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("tuned.sqlite3"))) {
            otherProcess.createStatement().execute("BEGIN IMMEDIATE");

            assertThatThrownBy(() -> waiting.insertListings(sample(2), "a")).isInstanceOf(StoreException.class)
                    .hasMessageContaining("lock wait of 200 ms");
            otherProcess.createStatement().execute("ROLLBACK");
        }
        assertThat(failures("import", "lock_timeout")).isEqualTo(1);
        assertThat(lockWait().count()).as("a write that never began has no lock wait").isZero();
    }

    @Test
    void aWriteQueuedBehindAWriterOfThisProcessPastTheLockWaitIsALockTimeout() throws Exception {
        ListingStore waiting = tuned(b -> b.lockWait(Duration.ofMillis(200)));
        CompletableFuture<ImportResult> importing = heldImport(waiting, "a");

        assertThatThrownBy(() -> waiting.deleteImport("a")).isInstanceOf(StoreException.class)
                .hasMessageContaining("another writer in this process");

        release();
        importing.get(GIVE_UP_SECONDS, TimeUnit.SECONDS);
        assertThat(failures("delete_import", "lock_timeout")).isEqualTo(1);
        assertThat(lockWait().count()).as("the import's own, at once").isEqualTo(1);
        assertThat(lockWait().max(TimeUnit.MILLISECONDS)).isLessThan(150);
    }

    @Test
    void aWriteToAReadOnlyStoreIsAReadOnlyFailure() {
        tuned(b -> b).close();
        ListingStore readOnly = tuned(b -> b.readOnly(true));

        assertThatThrownBy(() -> readOnly.deleteImport("a")).isInstanceOf(StoreException.class)
                .hasMessageContaining("read-only");

        assertThat(failures("delete_import", "read_only")).isEqualTo(1);
    }

    @Test
    void theMetricsOptionIsCheckedWhenSet() {
        SqliteListingStore.Builder builder = SqliteListingStore.builder(dir.resolve("unused.sqlite3"));

        assertThatThrownBy(() -> builder.metrics(registry, " ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("metrics name must not be blank");
        assertThatThrownBy(() -> builder.metrics(null, "x")).isInstanceOf(NullPointerException.class)
                .hasMessage("registry");
        assertThatThrownBy(() -> builder.metrics(registry, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("name");
        assertThat(dir.resolve("unused.sqlite3")).doesNotExist();
    }
}
