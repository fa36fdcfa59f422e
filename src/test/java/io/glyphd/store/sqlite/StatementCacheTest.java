package io.glyphd.store.sqlite;

import static io.glyphd.store.TestListings.listing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glyphd.store.Listing;
import io.glyphd.store.ListingQuery;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/**
 * The prepared statements each pooled connection keeps ({@link ConnectionPool.StatementCache}), on a real SQLite file
 * in WAL mode; a plain second connection plays another process.
 */
class StatementCacheTest {
    private static final String QUERY = "SELECT v FROM t WHERE k >= ? ORDER BY k";
    @TempDir
    Path dir;
    private ConnectionPool pool;
    private Connection connection;
    private Connection otherProcess;

    @BeforeEach
    void open() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("cache.sqlite3");
        otherProcess = DriverManager.getConnection(url);
        try (Statement s = otherProcess.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)");
            s.execute("INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')");
        }
        SQLiteDataSource dataSource = new SQLiteDataSource();
        dataSource.setUrl(url);
        pool = new ConnectionPool(dataSource, 1, Duration.ofSeconds(1).toNanos(), c -> { });
        connection = pool.acquire();
    }

    @AfterEach
    void close() throws SQLException {
        pool.release(connection, false);
        pool.close();
        otherProcess.close();
    }

    @Test
    void aQueryPreparedAgainReusesTheDriversStatementWithFreshParameters() throws SQLException {
        PreparedStatement first;
        try (PreparedStatement statement = connection.prepareStatement(QUERY)) {
            first = statement.unwrap(PreparedStatement.class);
            assertThat(values(statement, 2)).containsExactly("b", "c");
        }
        try (PreparedStatement statement = connection.prepareStatement(QUERY)) {
            assertThat(statement.unwrap(PreparedStatement.class)).isSameAs(first);
            assertThat(statement.getConnection()).isSameAs(connection);
            assertThat(values(statement, 1)).containsExactly("a", "b", "c");
        }
        assertThat(ConnectionPool.StatementCache.idleStatements(connection)).isEqualTo(1);
    }

    @Test
    void aConnectionGivenBackAndLentAgainKeepsItsStatements() throws Exception {
        PreparedStatement first;
        try (PreparedStatement statement = connection.prepareStatement(QUERY)) {
            first = statement.unwrap(PreparedStatement.class);
        }
        pool.release(connection, false);
        connection = pool.acquire();
        try (PreparedStatement statement = connection.prepareStatement(QUERY)) {
            assertThat(statement.unwrap(PreparedStatement.class)).isSameAs(first);
        }
    }

    @Test
    void anIdleStatementHoldsNoReadTransaction() throws SQLException {
        // Read one row of three and close: the statement must be reset, or it would pin the WAL snapshot.
        try (PreparedStatement statement = connection.prepareStatement(QUERY)) {
            statement.setInt(1, 1);
            ResultSet rs = statement.executeQuery();
            assertThat(rs.next()).isTrue();
        }
        try (Statement s = otherProcess.createStatement()) {
            s.execute("INSERT INTO t VALUES (4, 'd')");
            try (ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
                rs.next();
                assertThat(rs.getInt(1)).as("checkpoint blocked by a reader").isZero();
            }
        }
        try (PreparedStatement statement = connection.prepareStatement(QUERY)) {
            assertThat(values(statement, 3)).containsExactly("c", "d");
        }
    }

    @Test
    void theSameQueryInUseTwiceAtOnceGetsTwoStatements() throws SQLException {
        try (PreparedStatement outer = connection.prepareStatement(QUERY)) {
            outer.setInt(1, 1);
            try (ResultSet rs = outer.executeQuery()) {
                rs.next();
                try (PreparedStatement inner = connection.prepareStatement(QUERY)) {
                    assertThat(inner.unwrap(PreparedStatement.class))
                            .isNotSameAs(outer.unwrap(PreparedStatement.class));
                    assertThat(values(inner, 3)).containsExactly("c");
                }
                assertThat(rs.getString(1)).isEqualTo("a");
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("b");
            }
        }
        assertThat(ConnectionPool.StatementCache.idleStatements(connection)).isEqualTo(1);
    }

    @Test
    void theCacheIsBoundedAndClosesWhatItDropsAndWhatItHoldsWithTheConnection() throws Exception {
        List<PreparedStatement> drivers = new ArrayList<>();
        for (int i = 0; i < ConnectionPool.CACHED_STATEMENTS + 5; i++) {
            try (PreparedStatement statement = connection.prepareStatement(QUERY + " LIMIT " + (i + 1))) {
                drivers.add(statement.unwrap(PreparedStatement.class));
                assertThat(values(statement, 1)).isNotEmpty();
            }
        }
        assertThat(ConnectionPool.StatementCache.idleStatements(connection))
                .isEqualTo(ConnectionPool.CACHED_STATEMENTS);
        for (int i = 0; i < 5; i++) {
            assertThat(drivers.get(i).isClosed()).as("eldest %d closed", i).isTrue();
        }
        assertThat(drivers.get(5).isClosed()).isFalse();
        pool.release(connection, true);
        assertThat(drivers).allSatisfy(statement -> assertThat(statement.isClosed()).isTrue());
        connection = pool.acquire();
    }

    @Test
    void writesAndStatementsWithLastingSettingsAreNotKept() throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("INSERT INTO t VALUES (?, 'x')")) {
            statement.setInt(1, 10);
            statement.executeUpdate();
        }
        try (PreparedStatement statement = connection.prepareStatement(QUERY)) {
            statement.setMaxRows(1);
            assertThat(values(statement, 1)).containsExactly("a");
        }
        assertThat(ConnectionPool.StatementCache.idleStatements(connection)).isZero();
        try (PreparedStatement statement = connection.prepareStatement(QUERY)) {
            assertThat(values(statement, 1)).hasSize(4);
        }
    }

    @Test
    void aStatementThatFailedIsNotKept() throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT json(?)")) {
            statement.setString(1, "{not json");
            assertThatThrownBy(statement::executeQuery).isInstanceOf(SQLException.class);
        }
        assertThat(ConnectionPool.StatementCache.idleStatements(connection)).isZero();
        try (PreparedStatement statement = connection.prepareStatement("SELECT json(?)")) {
            statement.setString(1, "{}");
            try (ResultSet rs = statement.executeQuery()) {
                assertThat(rs.next()).isTrue();
            }
        }
        assertThat(ConnectionPool.StatementCache.idleStatements(connection)).isEqualTo(1);
    }

    @Test
    void theStoresQueriesReuseTheirStatements() {
        try (SqliteListingStore store = SqliteListingStore.builder(dir.resolve("store.sqlite3")).maxConnections(1)
                .build()) {
            store.insertListings(List.of(listing("RTX_4090", "1500.00", 0.5), listing("RTX_4090", "1400.00", 0.6)),
                    "one");
            ListingQuery query = ListingQuery.builder().model("rtx_4090").orderBy(ListingQuery.Order.SCORE_DESC)
                    .build();
            int before = store.withConnection(ConnectionPool.StatementCache::idleStatements);
            assertThat(store.queryListings(query)).hasSize(2);
            int after = store.withConnection(ConnectionPool.StatementCache::idleStatements);
            assertThat(store.queryListings(query)).extracting(Listing::score).containsExactly(0.6, 0.5);
            assertThat(store.countListings(query)).isEqualTo(2);
            assertThat(after).as("the query's statement kept").isEqualTo(before + 1);
            assertThat(store.withConnection(ConnectionPool.StatementCache::idleStatements)).isEqualTo(after + 1);
        }
    }

    private static List<String> values(PreparedStatement statement, int from) throws SQLException {
        statement.setInt(1, from);
        List<String> values = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }
}
