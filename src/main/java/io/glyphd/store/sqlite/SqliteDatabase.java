package io.glyphd.store.sqlite;

import io.glyphd.store.StoreException;
import io.glyphd.store.internal.Database;
import io.glyphd.store.internal.JdbcWork;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;

/**
 * Runs units of work on one SQLite file: reads on a pooled connection in auto-commit mode, writes in an
 * IMMEDIATE transaction under an in-process lock. This is the one place that translates {@link SQLException}s,
 * decides whether a connection may be reused and retries a write that SQLite reports BUSY. Thread-safe.
 */
final class SqliteDatabase implements Database {
    /** Attempts a write makes, in all, when SQLite keeps reporting BUSY; each waits up to the busy timeout. */
    static final int WRITE_ATTEMPTS = 3;
    /**
     * Size of the {@code -wal} file above which a write that has committed checkpoints it and truncates it to zero;
     * also every connection's {@code journal_size_limit}, which truncates it to this size whenever SQLite restarts it.
     */
    static final long WAL_LIMIT_BYTES = 64L << 20;
    private static final Logger LOG = LoggerFactory.getLogger(SqliteListingStore.class);
    private static final Backoff SLEEP = attempt -> Thread.sleep(100L * attempt);

    private final Path file;
    private final boolean readOnly;
    private final ConnectionPool pool;
    private final Backoff backoff;
    private final Path wal;
    private final ReentrantLock writeLock = new ReentrantLock(true);
    private volatile boolean closed;

    SqliteDatabase(Path file, boolean readOnly, ConnectionPool pool) {
        this(file, readOnly, pool, SLEEP);
    }

    SqliteDatabase(Path file, boolean readOnly, ConnectionPool pool, Backoff backoff) {
        this.file = file;
        this.wal = file.resolveSibling(file.getFileName() + "-wal");
        this.readOnly = readOnly;
        this.pool = pool;
        this.backoff = backoff;
    }

    /** Waits before the next attempt of a write that met SQLITE_BUSY; tests replace it to act in between. */
    @FunctionalInterface
    interface Backoff {
        void pause(int failedAttempt) throws InterruptedException;
    }

    Path file() {
        return file;
    }

    @Override
    public String where() {
        return file.toString();
    }

    @Override
    public boolean isReadOnly() {
        return readOnly;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    /**
     * Runs {@code work} on a pooled connection in auto-commit mode.
     *
     * @param action what is being done, for the error message, e.g. "Cannot query listings in"
     */
    @Override
    public <T> T read(String action, JdbcWork<T> work) {
        ensureOpen();
        Connection connection = null;
        boolean broken = false;
        try {
            connection = pool.acquire();
            return work.run(connection);
        } catch (SQLException e) {
            broken = SqliteErrors.poisonsConnection(e);
            throw SqliteErrors.translate(action, file, e);
        } finally {
            if (connection != null) {
                pool.release(connection, broken);
            }
        }
    }

    /**
     * Runs {@code work} in an IMMEDIATE transaction that {@code work} commits itself, retrying only while SQLite
     * reports BUSY before the transaction began; see {@link #write(String, BooleanSupplier, JdbcWork)}.
     */
    <T> T write(String action, JdbcWork<T> work) {
        return write(action, () -> false, work);
    }

    /**
     * Runs {@code work} in an IMMEDIATE transaction that {@code work} commits itself. On any failure, rolls back
     * (a rollback failure is added to the original as suppressed) and discards the connection rather than trust
     * the driver's transaction state afterwards.
     *
     * <p>When SQLite reports BUSY (another process held the write lock past the busy timeout), the whole unit of
     * work is run again on a fresh connection, up to {@value #WRITE_ATTEMPTS} attempts in all: always if the
     * transaction could not begin (so {@code work} never ran), and after {@code work} started only if
     * {@code repeatable} says that running it again from the start is safe (e.g. it has consumed no input).
     *
     * @param repeatable asked after a BUSY inside {@code work} has been rolled back
     */
    @Override
    public <T> T write(String action, BooleanSupplier repeatable, JdbcWork<T> work) {
        ensureOpen();
        if (readOnly) {
            throw new StoreException(action + " " + file + ": the store was opened read-only");
        }
        writeLock.lock();
        try {
            for (int attempt = 1; ; attempt++) {
                ensureOpen();
                Connection connection = null;
                boolean broken = true;
                boolean begun = false;
                try {
                    connection = pool.acquire();
                    beginImmediate(connection);
                    begun = true;
                    T result = work.run(connection);
                    broken = !endTransaction(connection);
                    if (!broken) {
                        trimWal(connection);
                    }
                    return result;
                } catch (SQLException e) {
                    if (begun) {
                        rollback(connection, e);
                    }
                    if (!SqliteErrors.isBusy(e)) {
                        throw SqliteErrors.translate(action, file, e);
                    }
                    if (attempt == WRITE_ATTEMPTS || (begun && !repeatable.getAsBoolean())) {
                        throw SqliteErrors.busy(action, file, e, attempt);
                    }
                    LOG.warn("{}: another connection or process held the write lock past the busy timeout (attempt {}"
                            + " of {}); running the write again", file, attempt, WRITE_ATTEMPTS);
                } catch (RuntimeException | Error e) {
                    if (begun) {
                        rollback(connection, e);
                    }
                    throw e;
                } finally {
                    if (connection != null) {
                        pool.release(connection, broken);
                    }
                }
                pause(action, attempt);
            }
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Runs {@code work} on a pooled connection in auto-commit mode under the in-process write lock, for statements
     * that cannot run inside a transaction, such as {@code VACUUM}; SQLite takes its own locks, waiting up to the busy
     * timeout for them. Not retried.
     */
    <T> T exclusive(String action, JdbcWork<T> work) {
        ensureOpen();
        if (readOnly) {
            throw new StoreException(action + " " + file + ": the store was opened read-only");
        }
        writeLock.lock();
        try {
            return read(action, work);
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Once a write has committed, checkpoints the WAL and truncates it if it has grown past {@value #WAL_LIMIT_BYTES}
     * bytes (a big import leaves it about the size of the rows it wrote), without waiting: the busy timeout is set
     * to 0 for the checkpoint, so a reader still on an older snapshot makes it stop at once, leaving the WAL to the
     * next write or to {@code journal_size_limit}. Never fails the write, which has committed.
     */
    private void trimWal(Connection connection) {
        long size;
        try {
            size = Files.size(wal);
        } catch (IOException e) {
            return; // no WAL (or it just went): nothing to trim
        }
        if (size <= WAL_LIMIT_BYTES) {
            return;
        }
        try (Statement statement = connection.createStatement()) {
            int busyTimeout = SqliteSchema.intPragma(statement, "busy_timeout");
            statement.execute("PRAGMA busy_timeout = 0");
            try (ResultSet rs = statement.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
                boolean blocked = rs.next() && rs.getInt(1) != 0;
                LOG.debug("{}: checkpointed a {}-byte WAL{}", file, size,
                        blocked ? "; a reader or writer still needs it, so it was not truncated" : " and truncated it");
            } finally {
                statement.execute("PRAGMA busy_timeout = " + busyTimeout);
            }
        } catch (SQLException e) {
            LOG.debug("{}: could not checkpoint the {}-byte WAL: {}", file, size, SqliteErrors.meaning(e));
        }
    }

    /**
     * Begins an IMMEDIATE transaction, then tells the driver to make the transaction it opens right after
     * {@code commit()} a DEFERRED one. sqlite-jdbc begins the next transaction inside {@code commit()}; were that an
     * IMMEDIATE one, the connection would take the write lock again at once (blocking other processes) and could
     * fail with SQLITE_BUSY after the commit had already succeeded. A DEFERRED begin takes no lock and cannot fail
     * that way.
     */
    static void beginImmediate(Connection connection) throws SQLException {
        SQLiteConnection sqlite = connection.unwrap(SQLiteConnection.class);
        sqlite.getConnectionConfig().setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        connection.setAutoCommit(false);
        sqlite.getConnectionConfig().setTransactionMode(SQLiteConfig.TransactionMode.DEFERRED);
    }

    /**
     * Ends the empty transaction the driver opened after the unit of work committed. Returns false if the
     * connection should be discarded; the unit of work has committed either way, so a failure here is not its
     * failure.
     */
    private boolean endTransaction(Connection connection) {
        try {
            connection.setAutoCommit(true);
            return true;
        } catch (SQLException e) {
            LOG.warn("{}: discarding a connection that could not return to auto-commit after a commit: {}", file,
                    SqliteErrors.meaning(e));
            return false;
        }
    }

    private void pause(String action, int failedAttempt) {
        try {
            backoff.pause(failedAttempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException(action + " " + file + ": interrupted while waiting for another process's write"
                    + " to finish; nothing of this operation was written", e);
        }
    }

    private static void rollback(Connection connection, Throwable failure) {
        try {
            connection.rollback();
        } catch (SQLException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("Store " + file + " is closed");
        }
    }

    @Override
    public void close() {
        closed = true;
        pool.close();
    }
}
