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
     * Runs {@code work} as one read, in one snapshot of the store: every statement it runs sees the same committed
     * state, whatever commits meanwhile. The read is run again from the start if the engine says it may succeed on
     * a new attempt (it has written nothing and returned nothing yet).
     *
     * @param action what is being done, for the error message, e.g. "Cannot query listings in"
     */
    <T> T read(String action, JdbcWork<T> work);

    /**
     * Opens a read that lasts until it is closed: one connection and one read transaction, held between the units of
     * work run in it, so that all of them see the snapshot the first statement saw. While it is open it pins that
     * snapshot (SQLite cannot checkpoint the WAL past it; PostgreSQL keeps the row versions it may see) and holds a
     * connection. Closing it more than once does nothing.
     *
     * @param action what is being done, for error messages, e.g. "Cannot stream listings from"
     */
    Snapshot snapshot(String action);

    /**
     * A read transaction held open across several units of work; see {@link #snapshot(String)}. Used by one thread;
     * the database's {@link Database#close()} ends it from any thread (at once between units of work, else when the
     * running one returns), after which {@link #read} throws {@link IllegalStateException}.
     */
    interface Snapshot extends AutoCloseable {
        /**
         * Runs {@code work} in the snapshot. A failure ends the snapshot (its connection is released) and is thrown
         * as a {@link io.glyphd.store.StoreException}, or as the {@link IllegalStateException} of a closed store.
         *
         * @throws IllegalStateException also if the snapshot is closed
         */
        <T> T read(JdbcWork<T> work);

        /** Ends the read transaction and releases the connection. */
        @Override
        void close();
    }

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
