package io.glyphd.store.postgres;

import io.glyphd.store.internal.MicrometerMetrics;
import io.glyphd.store.internal.StoreMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.glyphd.store.Listing;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.StoreException;
import io.glyphd.store.TestListings;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** How {@link PostgresDatabase} runs units of work on a caller's pool. */
class PostgresDatabaseTest {

    private static long count(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT count(*) FROM listings")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aReadOfSeveralStatementsSeesOneSnapshotWhileAnImportCommitsInBetween() throws Exception {
        String schema = PostgresStores.freshSchema();
        try (PostgresListingStore store = PostgresListingStore.builder(PostgresStores.sharedDatabase()).schema(schema)
                .build(); PostgresListingStore writer = PostgresListingStore.builder(PostgresStores.sharedDatabase())
                        .schema(schema).build()) {
            store.insertListings(TestListings.sample(10), "first");

            PostgresDatabase database = new PostgresDatabase(PostgresStores.sharedDatabase(), schema, "test", false, 1,
                    null, StoreMetrics.NONE);
            long[] counts = database.read("Cannot test", connection -> {
                long before = count(connection);
                // Another instance commits a whole import between this read's two statements.
                CompletableFuture.runAsync(() -> writer.insertListings(TestListings.sample(7), "second"))
                        .orTimeout(30, TimeUnit.SECONDS).join();
                return new long[] {before, count(connection)};
            });

            assertThat(counts).containsExactly(10, 10);
            assertThat(store.countListings(ListingQuery.all())).isEqualTo(17);
        }
    }

    @Test
    void pooledConnectionsGoBackWithTheirSessionAsTheyCame() throws SQLException {
        HikariConfig config = PostgresStores.poolOnNewDatabase(1);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            String searchPath;
            try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
                    ResultSet rs = statement.executeQuery("SHOW search_path")) {
                rs.next();
                searchPath = rs.getString(1);
            }
            try (PostgresListingStore store = PostgresListingStore.builder(pool).schema("elsewhere").build()) {
                store.insertListings(TestListings.sample(3), "a");
                assertThat(store.queryListings(ListingQuery.all())).hasSize(3);
                assertThat(store.modelStats(ListingQuery.all())).isNotEmpty();
            }
            try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
                    ResultSet rs = statement.executeQuery("SELECT current_setting('search_path'),"
                            + " current_setting('jit'), current_setting('transaction_isolation'),"
                            + " current_setting('transaction_read_only'), current_setting('statement_timeout')")) {
                rs.next();
                assertThat(connection.getAutoCommit()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(searchPath);
                assertThat(rs.getString(3)).isEqualTo("read committed");
                assertThat(rs.getString(4)).isEqualTo("off");
                assertThat(rs.getString(5)).isEqualTo("0");
            }
            assertThat(pool.isClosed()).isFalse();
        }
    }

    @Test
    void aPoolThatLendsConnectionsWithoutAutoCommitWorksAndGetsThemBackSo() throws SQLException {
        HikariConfig config = PostgresStores.poolOnNewDatabase(1);
        config.setAutoCommit(false);
        try (HikariDataSource pool = new HikariDataSource(config);
                PostgresListingStore store = PostgresListingStore.builder(pool).build()) {
            store.insertListings(TestListings.sample(4), "a");
            assertThat(store.countListings(ListingQuery.all())).isEqualTo(4);
            assertThat(store.deleteImport("a")).isTrue();
            assertThat(store.listImports()).isEmpty();
            try (Connection connection = pool.getConnection()) {
                assertThat(connection.getAutoCommit()).isFalse();
            }
        }
    }

    @Test
    void aStreamGivesItsConnectionBackAsItCame() throws SQLException {
        HikariConfig config = PostgresStores.poolOnNewDatabase(1);
        config.setConnectionTimeout(1_000);
        try (HikariDataSource pool = new HikariDataSource(config);
                PostgresListingStore store = PostgresListingStore.builder(pool).build()) {
            store.insertListings(TestListings.sample(25), "a");
            try (Stream<Listing> listings = store.streamListings(ListingQuery.builder().limit(10).build())) {
                assertThat(listings.limit(15)).hasSize(15);
            }

            try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
                    ResultSet rs = statement.executeQuery("SELECT current_setting('transaction_isolation'),"
                            + " current_setting('transaction_read_only')")) {
                rs.next();
                assertThat(connection.getAutoCommit()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("read committed");
                assertThat(rs.getString(2)).isEqualTo("off");
            }
        }
    }

    /** Makes the server itself raise an error with {@code sqlState}, as a real conflict would. */
    private static void raise(Connection connection, String sqlState) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("DO $$ BEGIN RAISE EXCEPTION 'provoked' USING ERRCODE = '" + sqlState + "'; END $$");
        }
    }

    @Test
    void aRepeatableWriteRunsAgainAfterASerializationFailureOrADeadlock() {
        String schema = PostgresStores.freshSchema();
        try (PostgresListingStore store = PostgresListingStore.builder(PostgresStores.sharedDatabase()).schema(schema)
                .build()) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            PostgresDatabase database = new PostgresDatabase(PostgresStores.sharedDatabase(), schema, "test", false, 3,
                    null, new MicrometerMetrics(registry, "test"));
            int[] attempts = {0};
            database.write("Cannot test", () -> true, connection -> {
                attempts[0]++;
                try (Statement statement = connection.createStatement()) {
                    statement.execute("INSERT INTO imports (import_id, imported_at) VALUES ('x" + attempts[0]
                            + "', now())");
                }
                if (attempts[0] == 1) {
                    raise(connection, "40001");
                } else if (attempts[0] == 2) {
                    raise(connection, "40P01");
                }
                connection.commit();
                return null;
            });

            assertThat(attempts[0]).isEqualTo(3);
            assertThat(store.listImports()).extracting(i -> i.importId()).containsExactly("x3");
            assertThat(registry.get("glyphd.store.retries").tag("reason", "serialization").counter().count())
                    .isEqualTo(1);
            assertThat(registry.get("glyphd.store.retries").tag("reason", "deadlock").counter().count())
                    .isEqualTo(1);
        }
    }

    @Test
    void aWriteThatIsNotRepeatableFailsOnceAndWritesNothing() {
        String schema = PostgresStores.freshSchema();
        try (PostgresListingStore store = PostgresListingStore.builder(PostgresStores.sharedDatabase()).schema(schema)
                .build()) {
            PostgresDatabase database = new PostgresDatabase(PostgresStores.sharedDatabase(), schema, "test", false, 3,
                    null, StoreMetrics.NONE);
            int[] attempts = {0};
            assertThatThrownBy(() -> database.write("Cannot test", () -> false, connection -> {
                attempts[0]++;
                try (Statement statement = connection.createStatement()) {
                    statement.execute("INSERT INTO imports (import_id, imported_at) VALUES ('y', now())");
                }
                raise(connection, "40001");
                return null;
            })).isInstanceOf(StoreException.class).hasMessageStartingWith("Cannot test test: ")
                    .hasMessageContaining("40001");

            assertThat(attempts[0]).isEqualTo(1);
            assertThat(store.listImports()).isEmpty();
        }
    }

    @Test
    void aWrongPasswordIsNamedAsSuchAndNeverShown() {
        PostgresServer server = PostgresServer.shared();
        org.postgresql.ds.PGSimpleDataSource wrong = new org.postgresql.ds.PGSimpleDataSource();
        wrong.setURL(server.jdbcUrl("postgres") + "&password=s3cret-in-url");
        org.postgresql.ds.PGSimpleDataSource wrongToo = new org.postgresql.ds.PGSimpleDataSource();
        wrongToo.setURL(server.jdbcUrl("postgres"));
        wrongToo.setPassword("s3cret-set");

        for (javax.sql.DataSource dataSource : List.of(wrong, wrongToo)) {
            assertThatThrownBy(() -> new PostgresListingStore(dataSource)).isInstanceOf(StoreException.class)
                    .hasMessageContaining("authentication")
                    .satisfies(e -> assertThat(fullText(e)).doesNotContain("s3cret"));
        }
    }

    private static String fullText(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            text.append(t).append('\n');
        }
        return text.toString();
    }
}
