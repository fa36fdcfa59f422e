package io.glyphd.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/** Fresh PostgreSQL stores for tests: one shared database, a new schema per store. */
final class PostgresStores {
    private static final AtomicLong SCHEMAS = new AtomicLong();
    private static DataSource contractDatabase;

    private PostgresStores() {
    }

    /** Returns a data source on a database shared by the tests that each use a schema of their own. */
    static synchronized DataSource sharedDatabase() {
        if (contractDatabase == null) {
            PostgresServer server = PostgresServer.shared();
            contractDatabase = server.dataSource(server.createDatabase());
        }
        return contractDatabase;
    }

    /** Returns a schema name no other test in this JVM uses. */
    static String freshSchema() {
        return "t" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet();
    }

    /** Runs a statement in {@code schema} of the shared database, in its own transaction. */
    static void runSql(String schema, String sql) {
        try (Connection connection = sharedDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("SET search_path TO " + schema);
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run " + sql + " in schema " + schema, e);
        }
    }

    /** Opens a store in a fresh schema of the shared database. */
    static PostgresListingStore fresh() {
        return PostgresListingStore.builder(sharedDatabase()).schema(freshSchema()).build();
    }

    /** Returns a HikariCP configuration of at most {@code maxPoolSize} connections to a new, empty database. */
    static HikariConfig poolOnNewDatabase(int maxPoolSize) {
        PostgresServer server = PostgresServer.shared();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(server.jdbcUrl(server.createDatabase()));
        config.setUsername(server.user());
        config.setPassword(server.password());
        config.setMaximumPoolSize(maxPoolSize);
        return config;
    }
}
