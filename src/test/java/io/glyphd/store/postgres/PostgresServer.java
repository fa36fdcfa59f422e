package io.glyphd.store.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * PLACEHOLDER, replaced by the pg-server branch's {@code PostgresServer} (same API) when it is merged; drop this
 * file then. It starts nothing: it points at a development server already running on 127.0.0.1:55432 with trust
 * authentication for user postgres, started as an unprivileged user, e.g.
 * <pre>
 * mkdir /tmp/pgdev &amp;&amp; chown nobody /tmp/pgdev
 * runuser -u nobody -- /usr/lib/postgresql/15/bin/initdb -D /tmp/pgdev/data -U postgres --auth=trust
 * runuser -u nobody -- /usr/lib/postgresql/15/bin/pg_ctl -D /tmp/pgdev/data \
 *     -o "-p 55432 -k /tmp/pgdev -c listen_addresses=127.0.0.1" -l /tmp/pgdev/log start
 * </pre>
 */
final class PostgresServer {
    private static final String BASE_URL = "jdbc:postgresql://127.0.0.1:55432/";
    private static final PostgresServer SHARED = new PostgresServer();
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final String runId = Long.toString(ProcessHandle.current().pid()) + "_" + System.currentTimeMillis();

    private PostgresServer() {
    }

    /** Returns the one server the tests share. */
    static PostgresServer shared() {
        return SHARED;
    }

    /** Returns a JDBC URL for {@code database}, with the user in its query string. */
    String jdbcUrl(String database) {
        return BASE_URL + database + "?user=postgres";
    }

    /** Returns a data source for {@code database}; each call to getConnection opens a new connection. */
    DataSource dataSource(String database) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(jdbcUrl(database));
        return dataSource;
    }

    /** Creates a fresh, empty database and returns its name. */
    String createDatabase() {
        String name = "glyphd_test_" + runId + "_" + DATABASES.incrementAndGet();
        try (Connection connection = dataSource("postgres").getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create a test database on the development PostgreSQL at "
                    + BASE_URL + " (see PostgresServer's javadoc for how to start it): " + e.getMessage(), e);
        }
        return name;
    }

    /** Not available in this placeholder: restarting is the pg-server branch's. */
    void restart() {
        throw new UnsupportedOperationException("PostgresServer placeholder: restart() comes with the pg-server"
                + " branch");
    }
}
