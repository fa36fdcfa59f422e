package io.glyphd.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glyphd.store.ImportRequest;
import io.glyphd.store.ImportResult;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.SchemaVersionException;
import io.glyphd.store.StoreException;
import io.glyphd.store.TestListings;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a store on PostgreSQL does when the server, the connection or the schema fails it. */
class PostgresFailureTest {
    private static final int ROWS = 6_000;
    private static final int GATE = 3_000;

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final DataSource dataSource = PostgresStores.sharedDatabase();
    private String schema;
    private PostgresListingStore store;

    @BeforeEach
    void open() {
        schema = PostgresStores.freshSchema();
        store = PostgresListingStore.builder(dataSource).schema(schema).build();
        store.insertListings(TestListings.sample(20), "before");
    }

    @AfterEach
    void close() {
        threads.shutdownNow();
        store.close();
    }

    private Future<ImportResult> importHeldAtTheGate(GatedListings listings) throws InterruptedException {
        Future<ImportResult> running = threads.submit(() -> store.importListings(listings, ImportRequest.of("held")));
        listings.awaitGate();
        return running;
    }

    private void assertOnlyTheEarlierImportIsThere() {
        assertThat(store.listImports()).extracting(i -> i.importId()).containsExactly("before");
        assertThat(store.countListings(ListingQuery.all())).isEqualTo(20);
        assertThat(store.verify().ok()).isTrue();
    }

    @Test
    void aBackendKilledMidImportLeavesNothingOfItAndTheNextCallWorks() throws Exception {
        GatedListings listings = new GatedListings(ROWS, GATE, "RTX_4090");
        Future<ImportResult> running = importHeldAtTheGate(listings);

        assertThat(terminateCopyingBackends()).isEqualTo(1);
        listings.open();

        assertThatThrownBy(() -> unwrap(running)).isInstanceOf(StoreException.class)
                .hasMessageContaining("Cannot import listings as import held into")
                .hasMessageContaining("nothing of this operation was written");
        assertOnlyTheEarlierImportIsThere();
        assertThat(store.insertListings(TestListings.sample(5), "after")).isEqualTo(5);
    }

    @Test
    void aServerRestartMidImportLeavesNothingOfItAndTheStoreWorksOnceItIsBack() throws Exception {
        PostgresServer server = PostgresServer.shared();
        Assumptions.assumeTrue(server.embedded(), "restarting needs the server the tests started themselves");
        GatedListings listings = new GatedListings(ROWS, GATE, "RTX_4090");
        Future<ImportResult> running = importHeldAtTheGate(listings);

        server.restart();
        listings.open();

        assertThatThrownBy(() -> unwrap(running)).isInstanceOf(StoreException.class)
                .hasMessageContaining("nothing of this operation was written");
        assertOnlyTheEarlierImportIsThere();
        assertThat(store.insertListings(TestListings.sample(5), "after")).isEqualTo(5);
    }

    @Test
    void aNewerSchemaIsRefusedAndLeftAsItWas() throws SQLException {
        // One row per applied script: the newest becomes version 99, as a newer build's migration would record.
        execute("UPDATE " + schema + ".glyphd_store_schema SET version = 99 WHERE version = (SELECT max(version) FROM "
                + schema + ".glyphd_store_schema)");
        List<String> before = catalog();

        assertThatThrownBy(() -> PostgresListingStore.builder(dataSource).schema(schema).build())
                .isInstanceOfSatisfying(SchemaVersionException.class, e -> {
                    assertThat(e.found()).isEqualTo(99);
                    assertThat(e.supported()).isEqualTo(PostgresSchema.CURRENT_VERSION);
                })
                .hasMessageContaining("schema version 99");
        assertThat(catalog()).isEqualTo(before);
        assertThat(store.countListings(ListingQuery.all())).isEqualTo(20);
    }

    @Test
    void tablesOfAnotherApplicationAreRefusedAndLeftAsTheyWere() throws SQLException {
        String foreign = PostgresStores.freshSchema();
        execute("CREATE SCHEMA " + foreign);
        execute("CREATE TABLE " + foreign + ".listings (id integer PRIMARY KEY, what text)");
        execute("INSERT INTO " + foreign + ".listings VALUES (1, 'theirs')");

        assertThatThrownBy(() -> PostgresListingStore.builder(dataSource).schema(foreign).build())
                .isInstanceOf(SchemaVersionException.class).hasMessageContaining("listings");
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT string_agg(table_name, ',') FROM"
                        + " information_schema.tables WHERE table_schema = '" + foreign + "'")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("listings");
        }
    }

    @Test
    void aReadOnlyStoreReadsAndRefusesEveryWrite() {
        try (PostgresListingStore reader = PostgresListingStore.builder(dataSource).schema(schema).readOnly(true)
                .build()) {
            assertThat(reader.isReadOnly()).isTrue();
            assertThat(reader.countListings(ListingQuery.all())).isEqualTo(20);
            assertThatThrownBy(() -> reader.insertListings(TestListings.sample(1), "x"))
                    .isInstanceOf(StoreException.class).hasMessageContaining("read-only");
            assertThatThrownBy(() -> reader.deleteImport("before"))
                    .isInstanceOf(StoreException.class).hasMessageContaining("read-only");
        }
        assertThat(store.countListings(ListingQuery.all())).isEqualTo(20);
        assertThatThrownBy(() -> PostgresListingStore.builder(dataSource).schema(PostgresStores.freshSchema())
                .readOnly(true).build())
                .isInstanceOf(StoreException.class).hasMessageContaining("no glyphd-store schema there");
    }

    @Test
    void badOptionsAreRefusedByName() {
        PostgresListingStore.Builder builder = PostgresListingStore.builder(dataSource);
        assertThatThrownBy(() -> builder.schema("Public")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("schema");
        assertThatThrownBy(() -> builder.schema("a;drop")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.attempts(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("attempts");
        assertThatThrownBy(() -> builder.statementTimeout(java.time.Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("statementTimeout");
        assertThatThrownBy(() -> PostgresListingStore.builder(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aStatementTimeoutCancelsALongStatementWithAClearError() {
        try (PostgresListingStore impatient = PostgresListingStore.builder(dataSource).schema(schema)
                .statementTimeout(java.time.Duration.ofMillis(1)).build()) {
            List<io.glyphd.store.Listing> many = new ArrayList<>(TestListings.sample(50_000));
            assertThatThrownBy(() -> impatient.insertListings(many, "slow"))
                    .isInstanceOf(StoreException.class).hasMessageContaining("canceled");
        }
        assertOnlyTheEarlierImportIsThere();
    }

    private int terminateCopyingBackends() throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                        + " WHERE query LIKE 'COPY listings%' AND pid <> pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** The schema's relations (name, oid, kind) and its version rows: what "left as it was" compares. */
    private List<String> catalog() throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT c.relname || ':' || c.oid || ':' || c.relkind::text"
                        + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '"
                        + schema + "' ORDER BY c.relname")) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT version || ':' || script FROM " + schema
                        + ".glyphd_store_schema ORDER BY version")) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }

    private static <T> T unwrap(Future<T> future) throws Exception {
        try {
            return future.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
