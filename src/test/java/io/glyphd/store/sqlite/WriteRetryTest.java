package io.glyphd.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glyphd.store.StoreException;
import io.glyphd.store.internal.JdbcWork;
import io.glyphd.store.internal.TrackedIterator;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * How {@link SqliteDatabase} runs a unit of work when SQLite reports BUSY, FULL, I/O or corruption errors: which
 * units it runs again, that a failed attempt leaves nothing behind, and that the connection involved is thrown
 * away. Another connection holding the write lock plays the other process; the lock wait is cut to 300 ms so
 * that a BUSY comes quickly. Errors a test cannot provoke on demand (BUSY inside a transaction, FULL, IOERR,
 * CORRUPT) are raised by the unit of work itself as the driver would raise them.
 */
class WriteRetryTest {
    private static final Duration LOCK_WAIT = Duration.ofMillis(300);
    @TempDir
    Path dir;
    private Path file;
    private Connection otherProcess;
    private final List<Integer> pauses = new ArrayList<>();
    private final AtomicInteger runs = new AtomicInteger();
    private SqliteDatabase database;

    private final List<String> waitedFor = new CopyOnWriteArrayList<>();

    @BeforeEach
    void createStore() throws SQLException {
        file = dir.resolve("listings.sqlite3");
        new SqliteListingStore(file).close();
        otherProcess = DriverManager.getConnection("jdbc:sqlite:" + file);
        database = open(LOCK_WAIT, attempt -> pauses.add(attempt));
    }

    @AfterEach
    void close() throws SQLException {
        database.close();
        otherProcess.close();
    }

    private SqliteDatabase open(Duration lockWait, SqliteDatabase.Backoff backoff) {
        SQLiteConfig config = SqliteListingStore.config(false, SqliteListingStore.Synchronous.NORMAL, lockWait);
        SQLiteDataSource dataSource = new SQLiteDataSource(config);
        dataSource.setUrl("jdbc:sqlite:" + file);
        return new SqliteDatabase(file, false, dataSource,
                new SqliteDatabase.Limits(lockWait, 2, Duration.ofSeconds(5), waitedFor::add), backoff);
    }

    private void lockTheFile() throws SQLException {
        otherProcess.createStatement().execute("BEGIN IMMEDIATE");
    }

    private void releaseTheFile() throws SQLException {
        otherProcess.createStatement().execute("ROLLBACK");
    }

    /** A unit of work that adds one import row named {@code id} and commits. */
    private JdbcWork<Connection> insertImport(String id) {
        return connection -> {
            runs.incrementAndGet();
            insert(connection, id);
            connection.commit();
            return connection;
        };
    }

    private static void insert(Connection connection, String id) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO imports (import_id, imported_at, record_count) VALUES (?, 0, 0)")) {
            insert.setString(1, id);
            insert.executeUpdate();
        }
    }

    private List<String> importIds() throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Statement s = otherProcess.createStatement();
                ResultSet rs = s.executeQuery("SELECT import_id FROM imports ORDER BY id")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    private static SQLiteException driverError(SQLiteErrorCode code) {
        return new SQLiteException("[" + code.name() + "] raised by the test", code);
    }

    @Test
    void aWriteThatFindsTheFileLockedWaitsAndGoesOnAsSoonAsTheLockIsGone() throws Exception {
        database.close();
        database = open(Duration.ofSeconds(20), attempt -> pauses.add(attempt));
        lockTheFile();
        Thread releaser = new Thread(() -> {
            sleepQuietly(400);
            releaseQuietly();
        });
        long start = System.nanoTime();
        releaser.start();

        database.write("Cannot test", insertImport("a"));

        long waitedMs = (System.nanoTime() - start) / 1_000_000;
        releaser.join();
        assertThat(waitedMs).as("waited for the other writer").isGreaterThanOrEqualTo(350)
                .as("and went on soon after it was gone, long before the lock wait").isLessThan(5_000);
        assertThat(runs).hasValue(1);
        assertThat(pauses).as("the busy handler waited; no retry was needed").isEmpty();
        assertThat(waitedFor).containsExactly("another connection or process");
        assertThat(importIds()).containsExactly("a");
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void releaseQuietly() {
        try {
            releaseTheFile();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aWriteThatStaysLockedFailsClearlyAfterTheLockWaitWritesNothingAndTheNextWriteWorks() throws SQLException {
        lockTheFile();
        long start = System.nanoTime();

        assertThatThrownBy(() -> database.write("Cannot test", insertImport("a")))
                .isInstanceOf(StoreException.class).hasMessageContaining(file.toString())
                .hasMessageContaining("locked by another connection or process")
                .hasMessageContaining("within the lock wait of 300 ms")
                .hasMessageContaining("nothing of this operation was written")
                .cause().isInstanceOfSatisfying(SQLiteException.class,
                        e -> assertThat(e.getResultCode().name()).startsWith("SQLITE_BUSY"));
        long waitedMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(waitedMs).as("waits the lock wait, in all").isBetween(290L, 3_000L);
        assertThat(runs).as("the unit never began").hasValue(0);

        releaseTheFile();
        database.write("Cannot test", insertImport("b"));
        assertThat(importIds()).containsExactly("b");
    }

    @Test
    void aReadThatMeetsBusyRunsAgain() {
        AtomicInteger reads = new AtomicInteger();

        int result = database.read("Cannot test", connection -> {
            if (reads.incrementAndGet() == 1) {
                throw driverError(SQLiteErrorCode.SQLITE_BUSY);
            }
            return 42;
        });

        assertThat(result).isEqualTo(42);
        assertThat(reads).hasValue(2);
        assertThat(pauses).containsExactly(1);
    }

    @Test
    void aRepeatableUnitThatMeetsBusyInsideItsTransactionRunsAgainFromTheStart() throws SQLException {
        List<Connection> used = new ArrayList<>();

        database.write("Cannot test", () -> true, connection -> {
            used.add(connection);
            insert(connection, "attempt-" + used.size());
            if (used.size() == 1) {
                throw driverError(SQLiteErrorCode.SQLITE_BUSY);
            }
            connection.commit();
            return null;
        });

        assertThat(importIds()).containsExactly("attempt-2");
        assertThat(used).hasSize(2);
        assertThat(used.get(0).isClosed()).as("the connection that met BUSY is discarded").isTrue();
        assertThat(used.get(1)).isNotSameAs(used.get(0));
        assertThat(pauses).containsExactly(1);
    }

    @Test
    void anImportIsNotRunAgainOnceItsInputWasTouched() throws SQLException {
        TrackedIterator<String> input = new TrackedIterator<>(List.of("x", "y").iterator());

        assertThatThrownBy(() -> database.write("Cannot import", () -> !input.touched(), connection -> {
            runs.incrementAndGet();
            insert(connection, input.next());
            throw driverError(SQLiteErrorCode.SQLITE_BUSY);
        })).isInstanceOf(StoreException.class).hasMessageContaining("gave up after 1 attempt ");

        assertThat(runs).hasValue(1);
        assertThat(pauses).isEmpty();
        assertThat(importIds()).isEmpty();
    }

    @Test
    void anImportThatMeetsBusyBeforeTouchingItsInputRunsAgain() throws SQLException {
        TrackedIterator<String> input = new TrackedIterator<>(List.of("x").iterator());

        database.write("Cannot import", () -> !input.touched(), connection -> {
            if (runs.incrementAndGet() == 1) {
                throw driverError(SQLiteErrorCode.SQLITE_BUSY);
            }
            insert(connection, input.next());
            connection.commit();
            return null;
        });

        assertThat(runs).hasValue(2);
        assertThat(importIds()).containsExactly("x");
    }

    @Test
    void aCommittedUnitDoesNotHoldTheWriteLockAfterItsCommit() throws SQLException {
        database.write("Cannot test", connection -> {
            insert(connection, "a");
            connection.commit();
            // sqlite-jdbc begins the next transaction inside commit(); it must not take the write lock again.
            otherProcess.createStatement().execute("PRAGMA busy_timeout = 0");
            lockTheFile();
            releaseTheFile();
            return null;
        });

        assertThat(importIds()).containsExactly("a");
    }

    /** Errors after which a connection must not be reused. */
    enum Poison {
        SQLITE_BUSY, SQLITE_FULL, SQLITE_IOERR_WRITE, SQLITE_CORRUPT, SQLITE_IOERR_SHORT_READ
    }

    @ParameterizedTest
    @EnumSource(Poison.class)
    void aWriteThatFailsWithAnErrorOfTheFileDiscardsItsConnectionAndTheNextWriteWorks(Poison error)
            throws SQLException {
        Connection[] failed = new Connection[1];

        assertThatThrownBy(() -> database.write("Cannot test", connection -> {
            failed[0] = connection;
            insert(connection, "lost");
            throw driverError(SQLiteErrorCode.valueOf(error.name()));
        })).isInstanceOf(StoreException.class).hasMessageContaining(file.toString())
                .hasMessageContaining(error.name());

        assertThat(failed[0].isClosed()).isTrue();
        Connection next = database.write("Cannot test", insertImport("kept"));
        assertThat(next).isNotSameAs(failed[0]);
        assertThat(importIds()).containsExactly("kept");
    }

    @ParameterizedTest
    @EnumSource(Poison.class)
    void aReadThatFailsWithAnErrorOfTheFileDiscardsItsConnectionAndTheNextReadWorks(Poison error)
            throws SQLException {
        Connection[] failed = new Connection[1];

        assertThatThrownBy(() -> database.read("Cannot test", connection -> {
            failed[0] = connection;
            throw driverError(SQLiteErrorCode.valueOf(error.name()));
        })).isInstanceOf(StoreException.class).hasMessageContaining(error.name());

        assertThat(failed[0].isClosed()).isTrue();
        Connection next = database.read("Cannot test", connection -> {
            try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
                rs.next();
            }
            return connection;
        });
        assertThat(next).isNotSameAs(failed[0]);
    }

    @Test
    void aReadThatFailsForAnotherReasonKeepsItsConnection() {
        Connection[] used = new Connection[2];

        assertThatThrownBy(() -> database.read("Cannot test", connection -> {
            used[0] = connection;
            try (Statement s = connection.createStatement()) {
                s.executeQuery("SELECT no_such_column FROM imports");
            }
            return null;
        })).isInstanceOf(StoreException.class).hasMessageContaining("no_such_column");

        database.read("Cannot test", connection -> used[1] = connection);
        assertThat(used[1]).isSameAs(used[0]);
    }
}
