package io.glyphd.store.internal;

import java.sql.SQLException;
import java.util.function.BooleanSupplier;

/**
 * Where a backend runs units of work: it lends connections, opens and ends transactions, translates
 * {@link java.sql.SQLException}s into {@link io.glyphd.store.StoreException}s that name the store, decides whether
 * a connection may be reused, and runs a write again when its engine says it may (SQLite's BUSY, PostgreSQL's
 * serialization failures). Implementations are thread-safe.
 */
public interface Database extends AutoCloseable {
    /**
     * Runs {@code work} as one read, in one snapshot of the store.
     *
     * @param action what is being done, for the error message, e.g. "Cannot query listings in"
     */
    <T> T read(String action, JdbcWork<T> work);

    /**
     * Runs {@code work} in a write transaction that {@code work} commits itself. On any failure the transaction is
     * rolled back (a rollback failure is added to the original as suppressed) and nothing of it is written.
     *
     * @param action what is being done, for the error message, e.g. "Cannot delete import x from"
     * @param repeatable asked after a failure that the engine says may succeed on a new attempt: true if running
     *        {@code work} again from the start is safe (e.g. it has consumed no input)
     */
    <T> T write(String action, BooleanSupplier repeatable, JdbcWork<T> work);

    /** Returns the store's location for messages and logs (a file, or a server and schema); never a password. */
    String where();

    /** Says what kind of failure {@code e}, met by this database's work, is; for metrics. */
    default StoreMetrics.FailureKind failureKind(SQLException e) {
        return StoreMetrics.FailureKind.OTHER;
    }

    /** Returns how many connections are lent to units of work now; for metrics. */
    int activeConnections();

    /** Returns how many units of work are waiting for a connection now; for metrics. */
    int pendingConnections();

    /** Returns true if writes are refused. */
    boolean isReadOnly();

    /** Returns true once {@link #close()} has been called. */
    boolean isClosed();

    /** Closes what the database owns; later calls throw {@link IllegalStateException}. */
    @Override
    void close();
}
