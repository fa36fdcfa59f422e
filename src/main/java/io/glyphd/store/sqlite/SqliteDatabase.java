package io.glyphd.store.sqlite;

import io.glyphd.store.StoreException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs units of work on one SQLite file: reads on a pooled connection in auto-commit mode, writes in an
 * IMMEDIATE transaction under an in-process lock. This is the one place that translates {@link SQLException}s
 * and decides whether a connection may be reused. Thread-safe.
 */
final class SqliteDatabase implements AutoCloseable {
    private final Path file;
    private final boolean readOnly;
    private final ConnectionPool pool;
    private final ReentrantLock writeLock = new ReentrantLock(true);
    private volatile boolean closed;

    SqliteDatabase(Path file, boolean readOnly, ConnectionPool pool) {
        this.file = file;
        this.readOnly = readOnly;
        this.pool = pool;
    }

    /** One unit of work on a connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    Path file() {
        return file;
    }

    boolean isReadOnly() {
        return readOnly;
    }

    boolean isClosed() {
        return closed;
    }

    /**
     * Runs {@code work} on a pooled connection in auto-commit mode.
     *
     * @param action what is being done, for the error message, e.g. "Cannot query listings in"
     */
    <T> T read(String action, Work<T> work) {
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
     * Runs {@code work} in an IMMEDIATE transaction that {@code work} commits itself. On any failure, rolls back
     * (a rollback failure is added to the original as suppressed) and discards the connection rather than trust
     * the driver's transaction state afterwards.
     */
    <T> T write(String action, Work<T> work) {
        ensureOpen();
        if (readOnly) {
            throw new StoreException(action + " " + file + ": the store was opened read-only");
        }
        writeLock.lock();
        Connection connection = null;
        boolean broken = true;
        try {
            connection = pool.acquire();
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                // sqlite-jdbc opens the next transaction right after commit(); end it before the connection is reused.
                connection.setAutoCommit(true);
                broken = false;
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                rollback(connection, e);
                throw e;
            }
        } catch (SQLException e) {
            throw SqliteErrors.translate(action, file, e);
        } finally {
            if (connection != null) {
                pool.release(connection, broken);
            }
            writeLock.unlock();
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
