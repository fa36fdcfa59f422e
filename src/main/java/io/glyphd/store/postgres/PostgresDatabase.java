package io.glyphd.store.postgres;

import io.glyphd.store.StoreException;
import io.glyphd.store.internal.Database;
import io.glyphd.store.internal.HeldSnapshot;
import io.glyphd.store.internal.JdbcWork;
import io.glyphd.store.internal.StoreMetrics;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs units of work on the caller's {@link DataSource}: every unit of work is one transaction on a connection
 * borrowed for its duration and given back as it was lent (in its auto-commit mode, session settings untouched: the
 * store's settings are transaction-local). Reads run in a REPEATABLE READ READ ONLY transaction, so a unit of work of
 * several statements (a page) reads one snapshot; writes in READ COMMITTED, where a second writer of the same import
 * waits on the first's row lock and then sees its commit. This is the one place that translates {@link SQLException}s
 * and runs a unit of work again after a serialization failure or a deadlock. Thread-safe.
 */
final class PostgresDatabase implements Database {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresListingStore.class);
    private static final String READ_TRANSACTION = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY";
    /** Said, not assumed: a pool configured for REPEATABLE READ would make a writer miss what it waited for. */
    private static final String WRITE_TRANSACTION = "SET TRANSACTION ISOLATION LEVEL READ COMMITTED";
    /**
     * Transaction-local settings: the store's schema, and no JIT (one analytics query spent minutes compiling on a bad
     * row estimate; the store's statements are short and indexed).
     */
    private static final String SETTINGS = """
            SELECT set_config('search_path', ?, true), set_config('jit', 'off', true),
                set_config('statement_timeout', ?, true)""";

    private final DataSource dataSource;
    private final String searchPath;
    private final String where;
    private final boolean readOnly;
    private final int attempts;
    private final String statementTimeout;
    private final Set<HeldSnapshot> snapshots = ConcurrentHashMap.newKeySet();
    private final StoreMetrics metrics;
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger pending = new AtomicInteger();
    private volatile boolean closed;

    PostgresDatabase(DataSource dataSource, String schema, String where, boolean readOnly, int attempts,
            Duration statementTimeout, StoreMetrics metrics) {
        this.dataSource = dataSource;
        // pg_temp last: by default it comes first, and a temporary table named listings would stand in for ours.
        this.searchPath = "\"" + schema + "\", pg_temp";
        this.where = where;
        this.readOnly = readOnly;
        this.attempts = attempts;
        this.statementTimeout = statementTimeout == null ? "0" : String.valueOf(statementTimeout.toMillis());
        this.metrics = metrics;
    }

    @Override
    public String where() {
        return where;
    }

    @Override
    public StoreMetrics.FailureKind failureKind(SQLException e) {
        return PostgresErrors.kind(e);
    }

    @Override
    public int activeConnections() {
        return active.get();
    }

    @Override
    public int pendingConnections() {
        return pending.get();
    }

    @Override
    public boolean isReadOnly() {
        return readOnly;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public <T> T read(String action, JdbcWork<T> work) {
        return run(action, true, () -> true, work);
    }

    @Override
    public <T> T write(String action, BooleanSupplier repeatable, JdbcWork<T> work) {
        ensureOpen();
        if (readOnly) {
            throw new StoreException(action + " " + where + ": the store was opened read-only");
        }
        return run(action, false, repeatable, work);
    }

    private <T> T run(String action, boolean read, BooleanSupplier repeatable, JdbcWork<T> work) {
        for (int attempt = 1; ; attempt++) {
            ensureOpen();
            try {
                return once(read, work);
            } catch (SQLException e) {
                if (!PostgresErrors.isRetryable(e) || attempt >= attempts || !repeatable.getAsBoolean()) {
                    throw PostgresErrors.translate(action, where, e);
                }
                LOG.warn("{}: {} (attempt {} of {}); running it again", where, PostgresErrors.meaning(e), attempt,
                        attempts);
                metrics.retried(PostgresErrors.kind(e));
            }
            pause(action, attempt);
        }
    }

    private <T> T once(boolean read, JdbcWork<T> work) throws SQLException {
        Connection connection = borrow();
        try (connection) {
            boolean autoCommit = connection.getAutoCommit();
            try {
                begin(connection, read);
                T result = work.run(connection);
                if (read) {
                    connection.commit();
                }
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                rollback(connection, e);
                throw e;
            } finally {
                restoreAutoCommit(connection, autoCommit);
            }
        } finally {
            active.decrementAndGet();
        }
    }

    /** Borrows a connection, counted as active until the caller's {@code finally} uncounts it. */
    private Connection borrow() throws SQLException {
        pending.incrementAndGet();
        try {
            Connection connection = dataSource.getConnection();
            active.incrementAndGet();
            return connection;
        } finally {
            pending.decrementAndGet();
        }
    }

    /**
     * Opens the unit of work's transaction: REPEATABLE READ READ ONLY for a read, READ COMMITTED for a write, and the
     * store's settings.
     */
    private void begin(Connection connection, boolean read) throws SQLException {
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.execute(read ? READ_TRANSACTION : WRITE_TRANSACTION);
        }
        try (PreparedStatement settings = connection.prepareStatement(SETTINGS)) {
            settings.setString(1, searchPath);
            settings.setString(2, statementTimeout);
            settings.execute();
        }
    }

    /**
     * Opens a REPEATABLE READ READ ONLY transaction on a connection borrowed from the caller's {@link DataSource}
     * until the snapshot is closed: every unit of work run in it reads the snapshot its first statement took. While
     * it is open the server keeps every row version that snapshot may see (its xmin holds back VACUUM on the whole
     * database) and the connection is out of the caller's pool. Writers do not wait for it.
     */
    @Override
    public Snapshot snapshot(String action) {
        ensureOpen();
        return new ReadTransaction(action);
    }

    /** One read transaction on one borrowed connection; see {@link #snapshot(String)}. */
    private final class ReadTransaction extends HeldSnapshot {
        private final String action;
        private boolean autoCommit;

        ReadTransaction(String action) {
            super(PostgresDatabase.this, action, snapshots);
            this.action = action;
        }

        @Override
        protected <T> T run(JdbcWork<T> work) {
            ensureOpen();
            try {
                if (held() == null) {
                    Connection connection = borrow();
                    hold(connection);
                    autoCommit = connection.getAutoCommit();
                    begin(connection, true);
                }
                return work.run(held());
            } catch (SQLException e) {
                drop(false);
                throw PostgresErrors.translate(action, where, e);
            }
        }

        @Override
        protected void release(Connection held, boolean broken) {
            try (held) {
                held.rollback(); // a read changed nothing: rollback and commit are alike
                restoreAutoCommit(held, autoCommit);
            } catch (SQLException e) {
                LOG.debug("{}: could not end a read transaction: {}", where, PostgresErrors.meaning(e));
            } finally {
                active.decrementAndGet();
            }
        }
    }

    private static void rollback(Connection connection, Throwable failure) {
        try {
            connection.rollback();
        } catch (SQLException | RuntimeException e) {
            // A lost connection cannot roll back; the server rolls the transaction back when the session ends.
            failure.addSuppressed(e);
        }
    }

    /** Gives the connection back in the mode it was lent in (a pool may lend them with auto-commit off). */
    private void restoreAutoCommit(Connection connection, boolean autoCommit) {
        try {
            if (autoCommit && !connection.isClosed()) {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            LOG.debug("{}: could not return a connection to auto-commit: {}", where, PostgresErrors.meaning(e));
        }
    }

    private void pause(String action, int failedAttempt) {
        try {
            Thread.sleep(20L * failedAttempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException(action + " " + where + ": interrupted while waiting to run it again; nothing of"
                    + " this operation was written", e);
        }
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("Store " + where + " is closed");
        }
    }

    /**
     * Marks the store closed and gives back the connections of snapshots (open streams) between two page reads; one
     * whose page read is running gives its connection back when the read returns. The caller's {@link DataSource}
     * is left open.
     */
    @Override
    public void close() {
        closed = true;
        HeldSnapshot.endAll(snapshots);
    }
}
