package io.glyphd.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** SQLState translation of errors a real server raises, as the driver delivers them. */
class PostgresErrorsServerTest {
    private final PostgresServer server = PostgresServer.shared();
    private String database;
    private DataSource dataSource;

    @BeforeEach
    void createTable() throws SQLException {
        database = server.createDatabase();
        dataSource = server.dataSource(database);
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE t (id integer CONSTRAINT t_pkey PRIMARY KEY, v text)");
            statement.execute("INSERT INTO t VALUES (1, 'one')");
        }
    }

    @Test
    void aTerminatedBackendIsALostConnection() throws SQLException {
        try (Connection victim = dataSource.getConnection(); Connection admin = dataSource.getConnection()) {
            int pid;
            try (Statement statement = victim.createStatement();
                    ResultSet rs = statement.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                pid = rs.getInt(1);
            }
            try (Statement statement = admin.createStatement()) {
                statement.execute("SELECT pg_terminate_backend(" + pid + ", 5000)");
            }

            SQLException e = catchThrowableOfType(SQLException.class, () -> {
                try (Statement statement = victim.createStatement()) {
                    statement.execute("SELECT 1");
                }
            });

            assertThat(PostgresErrors.isConnectionLost(e)).as("%s %s", e.getSQLState(), e.getMessage()).isTrue();
            assertThat(PostgresErrors.isRetryable(e)).isFalse();
            assertThat(PostgresErrors.meaning(e)).contains("nothing of this operation was written")
                    .contains("the store works again once the server is reachable");
        }
    }

    @Test
    void aDuplicateKeyInABatchNamesTheConstraintButNeitherTheStatementNorTheValues() throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement("INSERT INTO t (id, v) VALUES (?, ?)")) {
            insert.setInt(1, 2);
            insert.setString(2, "payload-2");
            insert.addBatch();
            insert.setInt(1, 1);
            insert.setString(2, "payload-1");
            insert.addBatch();

            SQLException e = catchThrowableOfType(SQLException.class, insert::executeBatch);

            assertThat(PostgresErrors.sqlState(e)).isEqualTo("23505");
            assertThat(PostgresErrors.translate("Cannot import 2 rows into", "t", e).getMessage())
                    .isEqualTo("Cannot import 2 rows into t: the data breaks an integrity rule of the schema:"
                            + " duplicate key value violates unique constraint \"t_pkey\" (SQLState 23505)");
        }
    }

    @Test
    void aNulInTextIsRefusedAndExplained() throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement("INSERT INTO t (id, v) VALUES (3, ?)")) {
            insert.setString(1, "a\0b");

            SQLException e = catchThrowableOfType(SQLException.class, insert::executeUpdate);

            assertThat(PostgresErrors.meaning(e)).startsWith("a value cannot be stored as given:")
                    .contains("cannot hold the NUL character U+0000").endsWith("(SQLState 22021)");
        }
    }

    @Test
    void aSerializationFailureIsRetryable() throws SQLException {
        try (Connection first = dataSource.getConnection(); Connection second = dataSource.getConnection();
                Statement one = first.createStatement(); Statement two = second.createStatement()) {
            first.setAutoCommit(false);
            first.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            one.executeQuery("SELECT v FROM t WHERE id = 1").close();
            two.executeUpdate("UPDATE t SET v = 'changed' WHERE id = 1");

            SQLException e = catchThrowableOfType(SQLException.class, () -> one.executeUpdate(
                    "UPDATE t SET v = 'mine' WHERE id = 1"));
            first.rollback();

            assertThat(PostgresErrors.isRetryable(e)).isTrue();
            assertThat(PostgresErrors.meaning(e)).contains("nothing of it was written").endsWith("(SQLState 40001)");
        }
    }

    @Test
    void timeoutsAndReadOnlySessionsAreSaidInWords() throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("SET statement_timeout = 50");
            SQLException timeout = catchThrowableOfType(SQLException.class, () -> statement.execute(
                    "SELECT pg_sleep(5)"));
            statement.execute("RESET statement_timeout");
            statement.execute("SET default_transaction_read_only = on");
            SQLException readOnly = catchThrowableOfType(SQLException.class, () -> statement.execute(
                    "INSERT INTO t VALUES (4, 'four')"));

            assertThat(PostgresErrors.meaning(timeout)).startsWith("the statement was canceled")
                    .contains("canceling statement due to statement timeout").endsWith("(SQLState 57014)");
            assertThat(PostgresErrors.meaning(readOnly)).startsWith("the server is a read-only standby")
                    .endsWith("(SQLState 25006)");
        }
    }

    @Test
    void aMissingDatabaseIsNamed() {
        PGSimpleDataSource missing = new PGSimpleDataSource();
        missing.setURL(server.jdbcUrl(database + "_missing"));
        missing.setPassword(server.password());

        SQLException e = catchThrowableOfType(SQLException.class, () -> missing.getConnection().close());

        assertThat(PostgresErrors.meaning(e)).isEqualTo("the database does not exist: database \"" + database
                + "_missing\" does not exist; create it, or correct the database name in the JDBC URL (SQLState"
                + " 3D000)");
        assertThat(PostgresErrors.isConnectionLost(e)).isFalse();
    }
}
