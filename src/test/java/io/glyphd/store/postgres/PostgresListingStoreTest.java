package io.glyphd.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.glyphd.store.ListingStore;
import io.glyphd.store.ListingStoreContract;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The store contract against a real PostgreSQL server, each test in a schema of its own. */
class PostgresListingStoreTest extends ListingStoreContract {
    private String schema;

    @Override
    protected ListingStore openStore(Path dir) {
        schema = PostgresStores.freshSchema();
        return PostgresListingStore.builder(PostgresStores.sharedDatabase()).schema(schema).build();
    }

    /** The pool of one connection behind {@link #openStoreWithOneConnection}, closed after its test. */
    private HikariDataSource onePool;

    @Override
    protected ListingStore openStoreWithOneConnection(Path dir) {
        HikariConfig config = PostgresStores.poolOnNewDatabase(1);
        config.setConnectionTimeout(1_000);
        onePool = new HikariDataSource(config);
        return PostgresListingStore.builder(onePool).build();
    }

    @AfterEach
    void closeOnePool() {
        if (onePool != null) {
            onePool.close();
        }
    }

    @Override
    protected void runSql(String sql) {
        PostgresStores.runSql(((PostgresListingStore) store).schema(), sql);
    }

    @Override
    protected boolean storesNulInText() {
        return false;
    }

    @Override
    protected void setImportedAt(String importId, Instant importedAt) {
        try (Connection c = PostgresStores.sharedDatabase().getConnection();
                PreparedStatement update = c.prepareStatement("UPDATE " + schema
                        + ".imports SET imported_at = ? WHERE import_id = ?")) {
            update.setObject(1, OffsetDateTime.ofInstant(importedAt, ZoneOffset.UTC));
            update.setString(2, importId);
            assertThat(update.executeUpdate()).isEqualTo(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Connections of the database other than {@code c} that are in a transaction, e.g. reading a result set. */
    private static long transactionsBesides(Connection c) throws SQLException {
        try (PreparedStatement count = c.prepareStatement("SELECT count(*) FROM pg_stat_activity"
                + " WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
                + " AND xact_start IS NOT NULL");
                ResultSet rs = count.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    protected boolean aReadIsOpen() {
        try (Connection c = PostgresStores.sharedDatabase().getConnection()) {
            return transactionsBesides(c) > 0;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anOpenTransactionShowsAsAnOpenRead() throws SQLException {
        try (Connection reader = PostgresStores.sharedDatabase().getConnection()) {
            reader.setAutoCommit(false);
            reader.createStatement().executeQuery("SELECT 1").close();
            assertThat(aReadIsOpen()).isTrue();
            reader.rollback();
            assertThat(aReadIsOpen()).isFalse();
        }
    }
}
