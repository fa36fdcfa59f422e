package io.glyphd.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.glyphd.store.DuplicateInputException;
import io.glyphd.store.ImportMetadata;
import io.glyphd.store.ImportRequest;
import io.glyphd.store.ImportResult;
import io.glyphd.store.Listing;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.TestListings;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Several store instances on one schema, as several services on several machines share one database: each test
 * opens two stores of its own on the same schema and drives them from different threads.
 */
class PostgresConcurrencyTest {
    private static final int ROWS = 6_000;
    private static final int GATE = 3_000;

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final DataSource dataSource = PostgresStores.sharedDatabase();
    private String schema;
    private PostgresListingStore first;
    private PostgresListingStore second;

    @BeforeEach
    void openTwoInstances() {
        schema = PostgresStores.freshSchema();
        first = PostgresListingStore.builder(dataSource).schema(schema).build();
        second = PostgresListingStore.builder(dataSource).schema(schema).build();
    }

    @AfterEach
    void close() {
        threads.shutdownNow();
        first.close();
        second.close();
    }

    private static ListingQuery importFilter(String importId) {
        return ListingQuery.builder().importId(importId).build();
    }

    @Test
    void importsOfDifferentIdsRunInParallel() throws Exception {
        GatedListings slow = new GatedListings(ROWS, GATE, "RTX_4090");
        Future<ImportResult> held = threads.submit(() -> first.importListings(slow, ImportRequest.of("slow")));
        slow.awaitGate();

        // While the first import's transaction is open, the second instance imports another id to the end.
        ImportResult quick = CompletableFuture.supplyAsync(
                () -> second.insertListings(TestListings.sample(500), ImportRequest.of("quick")), threads)
                .get(30, TimeUnit.SECONDS);
        assertThat(quick.recordCount()).isEqualTo(500);
        assertThat(first.countListings(importFilter("quick"))).isEqualTo(500);
        assertThat(first.findImport("slow")).isEmpty();

        slow.open();
        assertThat(held.get(60, TimeUnit.SECONDS).recordCount()).isEqualTo(ROWS);
        assertThat(second.countListings(importFilter("slow"))).isEqualTo(ROWS);
        assertThat(second.countListings(ListingQuery.all())).isEqualTo(ROWS + 500);
    }

    @Test
    void twoInstancesImportingOneIdTakeTurnsAndTheLastOneWinsWhole() throws Exception {
        GatedListings slow = new GatedListings(ROWS, GATE, "RTX_4090");
        Future<ImportResult> held = threads.submit(() -> first.importListings(slow, ImportRequest.of("same")));
        slow.awaitGate();

        List<Listing> other = new ArrayList<>();
        for (int i = 0; i < 700; i++) {
            other.add(TestListings.listing("A100_40GB_PCIE", "10", 0.5));
        }
        Future<ImportResult> waiting = threads.submit(() -> second.insertListings(other, ImportRequest.of("same")));
        assertThat(finishesWithin(waiting, 1_000)).as("the second import of the id waits for the first").isFalse();

        slow.open();
        assertThat(held.get(60, TimeUnit.SECONDS).rowsReplaced()).isZero();
        ImportResult replacing = waiting.get(60, TimeUnit.SECONDS);
        assertThat(replacing.rowsReplaced()).as("it replaced the first import whole").isEqualTo(ROWS);

        List<Listing> stored = first.queryListings(ListingQuery.builder().importId("same")
                .limit(ListingQuery.MAX_LIMIT).build());
        assertThat(stored).hasSize(700).allSatisfy(l -> assertThat(l.canonicalModel()).isEqualTo("A100_40GB_PCIE"));
        assertThat(stored).extracting(Listing::importIndex).doesNotHaveDuplicates();
        assertThat(first.listImports()).singleElement().satisfies(i -> assertThat(i.recordCount()).isEqualTo(700));
    }

    @Test
    void instancesImportingOneInputOnRepeatableReadPoolsLetOneThrough() throws Exception {
        HikariConfig config = PostgresStores.poolOnNewDatabase(4);
        // The store says its writes' isolation itself: at a pool's REPEATABLE READ the second import's snapshot
        // would predate the first's commit, and it would import a copy.
        config.setTransactionIsolation("TRANSACTION_REPEATABLE_READ");
        String fingerprint = "sha256:" + "e".repeat(64);
        try (HikariDataSource pool = new HikariDataSource(config);
                PostgresListingStore one = PostgresListingStore.builder(pool).build();
                PostgresListingStore two = PostgresListingStore.builder(pool).build()) {
            GatedListings slow = new GatedListings(ROWS, GATE, "RTX_4090");
            Future<ImportResult> held = threads.submit(() -> one.importListings(slow,
                    new ImportRequest("one", null, null).withFingerprint(fingerprint).refusingDuplicateInput()));
            slow.awaitGate();
            Future<ImportResult> waiting = threads.submit(() -> two.insertListings(TestListings.sample(5),
                    new ImportRequest("two", null, null).withFingerprint(fingerprint).refusingDuplicateInput()));
            assertThat(finishesWithin(waiting, 1_000)).as("the second import of the input waits").isFalse();

            slow.open();
            assertThat(held.get(60, TimeUnit.SECONDS).recordCount()).isEqualTo(ROWS);
            assertThatThrownBy(() -> waiting.get(60, TimeUnit.SECONDS)).cause()
                    .isInstanceOf(DuplicateInputException.class);
            assertThat(two.listImports()).extracting(ImportMetadata::importId).containsExactly("one");
        }
    }

    @Test
    void readersAreNeverBlockedByAnImportAndNeverSeePartOfIt() throws Exception {
        second.insertListings(TestListings.sample(10), "replaced");
        GatedListings slow = new GatedListings(ROWS, GATE, "RTX_4090");
        Future<ImportResult> held = threads.submit(() -> first.importListings(slow, ImportRequest.of("replaced")));
        slow.awaitGate();

        // Rows of the new version are on the server inside the open transaction; readers still see the old one.
        ListingQuery all = ListingQuery.builder().limit(ListingQuery.MAX_LIMIT).build();
        Future<List<Listing>> read = threads.submit(() -> second.queryListings(all));
        assertThat(read.get(10, TimeUnit.SECONDS)).hasSize(10);
        assertThat(second.countListings(all)).isEqualTo(10);
        assertThat(second.modelStats(all).stream().mapToLong(s -> s.listingCount()).sum()).isEqualTo(10);
        assertThat(second.findImport("replaced")).hasValueSatisfying(i -> assertThat(i.recordCount()).isEqualTo(10));

        slow.open();
        held.get(60, TimeUnit.SECONDS);
        assertThat(second.countListings(all)).isEqualTo(ROWS);
    }

    @Test
    void instancesOpeningAnEmptySchemaAtOnceCreateItOnce() throws Exception {
        String empty = PostgresStores.freshSchema();
        int instances = 6;
        CyclicBarrier start = new CyclicBarrier(instances);
        List<Future<PostgresListingStore>> opened = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            opened.add(threads.submit(() -> {
                start.await(30, TimeUnit.SECONDS);
                return PostgresListingStore.builder(dataSource).schema(empty).build();
            }));
        }
        for (Future<PostgresListingStore> store : opened) {
            try (PostgresListingStore s = store.get(60, TimeUnit.SECONDS)) {
                assertThat(s.countListings(ListingQuery.all())).isZero();
            }
        }
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT count(*) FROM " + empty + ".glyphd_store_schema")) {
            rs.next();
            assertThat(rs.getInt(1)).as("one row per script, each applied once")
                    .isEqualTo(PostgresSchema.CURRENT_VERSION);
        }
    }

    private static boolean finishesWithin(Future<?> future, long millis) throws Exception {
        try {
            future.get(millis, TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        }
    }

    static long backendsCopying(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT count(*) FROM pg_stat_activity"
                        + " WHERE query LIKE 'COPY listings%' AND pid <> pg_backend_pid()")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
