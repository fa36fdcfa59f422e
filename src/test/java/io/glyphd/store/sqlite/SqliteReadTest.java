package io.glyphd.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glyphd.store.StoreException;
import io.glyphd.store.internal.Database;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
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
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * How {@link SqliteDatabase} runs reads: each in one DEFERRED read transaction (one snapshot, no write lock), a
 * {@link Database#snapshot} across several units of work, and BUSY retried as a write's is. Another plain connection
 * plays another process; a BUSY that cannot be provoked on demand is raised by the unit of work as the driver raises
 * it.
 */
class SqliteReadTest {
    private static final Duration LOCK_WAIT = Duration.ofMillis(300);
    @TempDir
    Path dir;
    private Path file;
    private Connection otherProcess;
    private final List<Integer> pauses = new ArrayList<>();
    private SqliteDatabase database;

    @BeforeEach
    void createStore() throws SQLException {
        file = dir.resolve("listings.sqlite3");
        new SqliteListingStore(file).close();
        otherProcess = DriverManager.getConnection("jdbc:sqlite:" + file);
        SQLiteConfig config = SqliteListingStore.config(false, SqliteListingStore.Synchronous.NORMAL, LOCK_WAIT);
        SQLiteDataSource dataSource = new SQLiteDataSource(config);
        dataSource.setUrl("jdbc:sqlite:" + file);
        database = new SqliteDatabase(file, false, dataSource,
                new SqliteDatabase.Limits(LOCK_WAIT, 2, Duration.ofSeconds(5), who -> { }), attempt -> {
                    pauses.add(attempt);
                    Thread.sleep(20);
                });
    }

    @AfterEach
    void close() throws SQLException {
        database.close();
        otherProcess.close();
    }

    private void commitAnImportElsewhere(String id) throws SQLException {
        try (Statement s = otherProcess.createStatement()) {
            s.execute("PRAGMA busy_timeout = 0");
            s.execute("BEGIN IMMEDIATE");
            s.execute("INSERT INTO imports (import_id, imported_at, record_count) VALUES ('" + id + "', 0, 0)");
            s.execute("COMMIT");
        }
    }

    private static long imports(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM imports")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static SQLiteException busy() {
        return new SQLiteException("[SQLITE_BUSY] raised by the test", SQLiteErrorCode.SQLITE_BUSY);
    }

    @Test
    void aReadOfSeveralStatementsSeesOneSnapshotAndTakesNoWriteLockWhileAnotherProcessCommits() {
        long[] counts = database.read("Cannot test", connection -> {
            long before = imports(connection);
            // With busy_timeout 0 this fails at once if the read holds the write lock (an IMMEDIATE transaction).
            commitAnImportElsewhere("meanwhile");
            return new long[] {before, imports(connection)};
        });

        assertThat(counts).containsExactly(0, 0);
        assertThat(database.read("Cannot test", SqliteReadTest::imports)).isEqualTo(1);
    }

    @Test
    void aSnapshotReadsOneStateAcrossUnitsOfWorkUntilClosed() throws SQLException {
        Database.Snapshot snapshot = database.snapshot("Cannot test");
        long first = snapshot.read(SqliteReadTest::imports);
        commitAnImportElsewhere("meanwhile");

        assertThat(snapshot.read(SqliteReadTest::imports)).isEqualTo(first).isZero();
        snapshot.close();
        snapshot.close();
        assertThat(database.read("Cannot test", SqliteReadTest::imports)).isEqualTo(1);
        assertThatThrownBy(() -> snapshot.read(SqliteReadTest::imports)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ended");
    }

    @Test
    void aReadThatStaysBusyFailsClearlyAfterTheLockWait() {
        int[] runs = new int[1];
        long start = System.nanoTime();

        assertThatThrownBy(() -> database.read("Cannot test", connection -> {
            runs[0]++;
            throw busy();
        })).isInstanceOf(StoreException.class).hasMessageContaining(file.toString()).hasMessageContaining("locked")
                .hasMessageContaining("within the lock wait of 300 ms");

        assertThat((System.nanoTime() - start) / 1_000_000).isBetween(290L, 3_000L);
        assertThat(runs[0]).isGreaterThan(1).isEqualTo(pauses.size() + 1);
    }

    @Test
    void aSnapshotIsNotRunAgainOnceItHasReadAndAFailureEndsIt() {
        Database.Snapshot snapshot = database.snapshot("Cannot test");
        snapshot.read(SqliteReadTest::imports);
        int[] runs = new int[1];

        assertThatThrownBy(() -> snapshot.read(connection -> {
            runs[0]++;
            throw busy();
        })).isInstanceOf(StoreException.class).hasMessageContaining("locked");

        assertThat(runs[0]).as("a second attempt would read another snapshot").isEqualTo(1);
        assertThat(pauses).isEmpty();
        assertThatThrownBy(() -> snapshot.read(SqliteReadTest::imports)).isInstanceOf(IllegalStateException.class);
    }
}
