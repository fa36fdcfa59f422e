package io.glyphd.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The test server itself: reachable, loopback only, not root, fresh empty databases, and a restart that keeps the
 * data. With {@value PostgresServer#URL_VARIABLE} set, the checks of a server of our own become a check that it
 * cannot be restarted; nothing is skipped.
 */
class PostgresServerTest {
    private final PostgresServer server = PostgresServer.shared();

    @Test
    void sharedIsOneServerPerJvm() {
        assertThat(PostgresServer.shared()).isSameAs(server);
    }

    @Test
    void connectsThroughTheDataSourceAndTheUrlWithoutItsPassword() throws SQLException {
        String database = server.createDatabase();
        try (Connection connection = server.dataSource(database).getConnection()) {
            assertThat(queryString(connection, "SELECT current_database()")).isEqualTo(database);
            assertThat(queryString(connection, "SELECT current_user")).isEqualTo(server.user());
        }
        String url = server.jdbcUrl(database);
        assertThat(url).startsWith("jdbc:postgresql://").contains(database).doesNotContainIgnoringCase("password");
        try (Connection connection = DriverManager.getConnection(url, server.user(), server.password())) {
            assertThat(queryString(connection, "SELECT 'ok'")).isEqualTo("ok");
        }
    }

    @Test
    void listensOnLoopbackOnly() throws SQLException {
        if (!server.embedded()) {
            assertThat(server.toString()).contains(PostgresServer.URL_VARIABLE);
            return;
        }
        assertThat(server.host()).isEqualTo("127.0.0.1");
        try (Connection connection = server.dataSource("postgres").getConnection()) {
            assertThat(queryString(connection, "SELECT current_setting('listen_addresses')")).isEqualTo("127.0.0.1");
            assertThat(queryString(connection, "SELECT current_setting('port')"))
                    .isEqualTo(Integer.toString(server.port()));
            assertThat(queryString(connection, "SELECT current_setting('unix_socket_directories')")).isEmpty();
        }
    }

    @Test
    void serverDoesNotRunAsRoot() throws SQLException, IOException {
        if (!server.embedded()) {
            assertThat(server.toString()).contains(PostgresServer.URL_VARIABLE);
            return;
        }
        try (Connection connection = server.dataSource("postgres").getConnection()) {
            // The backend serving this session is a child of the postmaster, with its credentials.
            long backend = Long.parseLong(queryString(connection, "SELECT pg_backend_pid()"));
            String uidLine = Files.readAllLines(Path.of("/proc", Long.toString(backend), "status")).stream()
                    .filter(line -> line.startsWith("Uid:"))
                    .findFirst()
                    .orElseThrow();
            List<String> uids = List.of(uidLine.substring("Uid:".length()).trim().split("\\s+"));
            assertThat(uids).as("real, effective, saved and file-system uids of %s", uidLine)
                    .hasSize(4)
                    .doesNotContain("0");
            Path dataDirectory = Path.of(queryString(connection, "SELECT current_setting('data_directory')"));
            assertThat((Integer) Files.getAttribute(dataDirectory, "unix:uid")).isNotZero()
                    .isEqualTo(Integer.parseInt(uids.get(1)));
        }
    }

    @Test
    void createDatabaseGivesDistinctEmptyDatabases() throws SQLException {
        String first = server.createDatabase();
        String second = server.createDatabase();
        assertThat(first).isNotEqualTo(second).matches("[a-z0-9_]+");
        try (Connection connection = server.dataSource(first).getConnection();
                Statement statement = connection.createStatement()) {
            assertThat(userTables(connection)).isZero();
            statement.execute("CREATE TABLE only_in_first (id integer)");
            assertThat(userTables(connection)).isOne();
            assertThat(queryString(connection, "SELECT pg_encoding_to_char(encoding) FROM pg_database"
                    + " WHERE datname = current_database()")).isEqualTo("UTF8");
        }
        try (Connection connection = server.dataSource(second).getConnection()) {
            assertThat(userTables(connection)).isZero();
        }
    }

    @Test
    void restartKeepsTheDataAndPortAndEndsOpenSessions() throws SQLException {
        if (!server.embedded()) {
            assertThatThrownBy(server::restart).isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining(PostgresServer.URL_VARIABLE);
            return;
        }
        String database = server.createDatabase();
        int port = server.port();
        try (Connection open = server.dataSource(database).getConnection();
                Statement statement = open.createStatement()) {
            statement.execute("CREATE TABLE kept (id integer PRIMARY KEY, name text)");
            statement.execute("INSERT INTO kept SELECT i, 'row ' || i FROM generate_series(1, 1000) AS i");
            // A session still open: a fast shutdown ends it instead of waiting for it.
            server.restart();
            assertThatThrownBy(() -> statement.executeQuery("SELECT 1")).isInstanceOf(SQLException.class);
        }
        assertThat(server.port()).isEqualTo(port);
        try (Connection connection = server.dataSource(database).getConnection()) {
            assertThat(queryString(connection, "SELECT count(*) || ' ' || max(name) FROM kept"))
                    .isEqualTo("1000 row 999");
        }
        server.stop();
        server.stop();
        assertThatThrownBy(() -> server.dataSource(database).getConnection()).isInstanceOf(SQLException.class);
        server.start();
        server.start();
        try (Connection connection = server.dataSource(database).getConnection()) {
            assertThat(queryString(connection, "SELECT count(*) FROM kept")).isEqualTo("1000");
        }
    }

    private static long userTables(Connection connection) throws SQLException {
        return Long.parseLong(queryString(connection, "SELECT count(*) FROM pg_class c"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'"));
    }

    private static String queryString(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).as(sql).isTrue();
            String value = rows.getString(1);
            assertThat(rows.next()).as(sql).isFalse();
            return value;
        }
    }
}
