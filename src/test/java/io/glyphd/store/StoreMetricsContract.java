package io.glyphd.store;

import static io.glyphd.store.TestListings.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every {@link ListingStore} opened with a Micrometer registry records in it; each backend extends this. */
public abstract class StoreMetricsContract {
    private static final String NAME = "listings";

    @TempDir
    protected Path dir;
    protected MeterRegistry registry;
    protected ListingStore store;

    /** Opens a store on fresh, empty storage under {@code dir}, recording into {@code registry} as {@code name}. */
    protected abstract ListingStore openStore(Path dir, MeterRegistry registry, String name);

    @BeforeEach
    void openStore() {
        registry = new SimpleMeterRegistry();
        store = openStore(dir, registry, NAME);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private Timer operation(String operation, String outcome) {
        return registry.get("glyphd.store.operations").tag("store", NAME).tag("operation", operation)
                .tag("outcome", outcome).timer();
    }

    private double failures(String operation, String kind) {
        Counter counter = registry.find("glyphd.store.failures").tag("store", NAME).tag("operation", operation)
                .tag("kind", kind).counter();
        return counter == null ? 0 : counter.count();
    }

    private double activeConnections() {
        return registry.get("glyphd.store.connections.active").tag("store", NAME).gauge().value();
    }

    @Test
    void everyOperationIsTimedOnceBySuccessAndEachImportsRowsAndReplacedRowsAreRecorded() {
        store.insertListings(sample(3), "a");
        store.insertListings(sample(5), "b");
        store.insertListings(sample(2), "a");
        store.queryListings(ListingQuery.all());
        store.queryPage(ListingQuery.builder().limit(2).build());
        store.countListings(ListingQuery.all());
        store.listImports();
        store.findImport("a");
        store.history("https://example.com/listing/0", "RTX_4090");
        store.diff("a", "b", 10);
        store.modelStats(ListingQuery.all());
        store.verify();
        store.deleteImport("b");

        assertThat(operation("import", "success").count()).isEqualTo(3);
        for (String kind : List.of("query", "page", "count", "list_imports", "find_import", "history", "diff",
                "model_stats", "verify", "delete_import")) {
            assertThat(operation(kind, "success").count()).as(kind).isEqualTo(1);
            assertThat(operation(kind, "failure").count()).as(kind).isZero();
        }
        assertThat(operation("import", "success").totalTime(TimeUnit.NANOSECONDS)).isPositive();
        DistributionSummary rows = registry.get("glyphd.store.import.rows").tag("store", NAME).summary();
        assertThat(rows.count()).isEqualTo(3);
        assertThat(rows.totalAmount()).isEqualTo(10);
        assertThat(rows.max()).isEqualTo(5);
        DistributionSummary replaced = registry.get("glyphd.store.import.replaced").tag("store", NAME).summary();
        assertThat(replaced.totalAmount()).isEqualTo(3);
        assertThat(registry.find("glyphd.store.failures").counters()).isEmpty();
    }

    @Test
    void failuresAreCountedByOperationAndKindAndTimedAsFailures() {
        store.insertListings(sample(2), "a");

        assertThatThrownBy(() -> store.diff("a", "missing", 10)).isInstanceOf(UnknownImportException.class);
        // Refused for its arguments before any work: not an operation of the store, so not recorded.
        assertThatThrownBy(() -> store.queryPage(ListingQuery.builder().offset(1).build()))
                .isInstanceOf(IllegalArgumentException.class);
        List<Listing> invalid = new ArrayList<>(sample(2));
        invalid.add(null);
        assertThatThrownBy(() -> store.insertListings(invalid, "b")).isInstanceOf(RuntimeException.class);

        assertThat(failures("diff", "unknown_import")).isEqualTo(1);
        assertThat(failures("page", "invalid_input")).isZero();
        assertThat(operation("page", "failure").count()).isZero();
        assertThat(failures("import", "invalid_input")).isEqualTo(1);
        assertThat(operation("diff", "failure").count()).isEqualTo(1);
        assertThat(operation("import", "failure").count()).isEqualTo(1);
        assertThat(operation("import", "success").count()).isEqualTo(1);
        assertThat(registry.get("glyphd.store.import.rows").tag("store", NAME).summary().count()).isEqualTo(1);
    }

    @Test
    void aConnectionLentToAnImportIsCountedAsActiveUntilItEnds() {
        double[] seen = new double[1];
        Iterator<Listing> watching = RowHooks.beforeEachRow(sample(3).iterator(),
                row -> seen[0] = Math.max(seen[0], activeConnections()));

        store.importListings(watching, ImportRequest.of("a"));

        assertThat(seen[0]).isEqualTo(1);
        assertThat(activeConnections()).isZero();
        assertThat(registry.get("glyphd.store.connections.pending").tag("store", NAME).gauge().value()).isZero();
    }

    @Test
    void aWriterWaitingForAnotherWritersImportOfTheSameIdShowsAsALockWait() throws Exception {
        RowHooks.Held held = RowHooks.heldAtRow(sample(3).iterator(), 1);
        CompletableFuture<ImportResult> first = CompletableFuture.supplyAsync(
                () -> store.importListings(held, ImportRequest.of("same")));
        held.awaitHeld();
        CountDownLatch secondStarts = new CountDownLatch(1);
        CompletableFuture<ImportResult> second = CompletableFuture.supplyAsync(() -> {
            secondStarts.countDown();
            return store.insertListings(sample(2), ImportRequest.of("same"));
        });
        assertThat(secondStarts.await(30, TimeUnit.SECONDS)).isTrue();
        // Long enough that the second is blocked well over 300 ms even if it takes a while to get there.
        Thread.sleep(1000);
        assertThat(second).isNotDone();
        held.release();

        assertThat(first.get(30, TimeUnit.SECONDS).recordCount()).isEqualTo(3);
        assertThat(second.get(30, TimeUnit.SECONDS).rowsReplaced()).isEqualTo(3);
        Timer lockWait = registry.get("glyphd.store.lock.wait").tag("store", NAME).timer();
        assertThat(lockWait.count()).as("each write once").isEqualTo(2);
        assertThat(lockWait.max(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(300);
    }

    @Test
    void closingTheStoreRemovesItsConnectionGauges() {
        assertThat(registry.find("glyphd.store.connections.active").gauges()).hasSize(1);

        store.close();

        assertThat(registry.find("glyphd.store.connections.active").gauges()).isEmpty();
        assertThat(registry.find("glyphd.store.connections.pending").gauges()).isEmpty();
        assertThat(registry.find("glyphd.store.operations").timers()).isNotEmpty();
    }

    @Test
    void aSecondOpenStoreUnderTheSameNameInTheSameRegistryIsRefusedUntilTheFirstCloses() {
        assertThatThrownBy(() -> openStore(dir.resolve("second"), registry, NAME))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("metrics name 'listings' is already used by an open store");

        store.close();
        try (ListingStore again = openStore(dir.resolve("second"), registry, NAME)) {
            again.insertListings(sample(2), "a");
            assertThat(registry.find("glyphd.store.connections.active").gauges()).hasSize(1);
            assertThat(registry.get("glyphd.store.import.rows").tag("store", NAME).summary().count()).isEqualTo(1);
        }
    }

    @Test
    void twoStoresInOneRegistryKeepTheirOwnMeters() {
        try (ListingStore other = openStore(dir.resolve("other"), registry, "other")) {
            other.insertListings(sample(4), "x");
            store.insertListings(sample(1), "y");

            assertThat(registry.get("glyphd.store.import.rows").tag("store", "other").summary().totalAmount())
                    .isEqualTo(4);
            assertThat(registry.get("glyphd.store.import.rows").tag("store", NAME).summary().totalAmount())
                    .isEqualTo(1);
            assertThat(registry.find("glyphd.store.connections.active").gauges()).extracting(Gauge::value)
                    .containsExactly(0.0, 0.0);
        }
    }
}
