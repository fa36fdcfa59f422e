package io.glyphd.store.sqlite;

import io.glyphd.store.StoreException;
import io.glyphd.store.internal.Database;
import io.glyphd.store.internal.JdbcWork;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.BusyHandler;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;

/**
 * Runs units of work on one SQLite file: reads on a pooled connection in auto-commit mode, writes in an
 * IMMEDIATE transaction, one at a time per file in this process. This is the one place that translates
 * {@link SQLException}s, decides whether a connection may be reused, waits for other writers and retries work that
 * SQLite reports BUSY. Thread-safe.
 *
 * <p>Waiting: a write waits at most the lock wait in all, from when it is called: first its turn among the writers
 * of this file in this process (a fair lock per real path, shared by every store instance on the file), then, across
 * processes, for SQLite's write lock ({@link BusyWait}), then again after each BUSY retry. A read waits as long for
 * a lock SQLite makes it wait for (WAL recovery, a journal-mode switch) and is retried as a write is.
 *
 * <p>Closing is a barrier: see {@link #close()}.
 */
final class SqliteDatabase implements Database {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteListingStore.class);
    private static final Backoff SLEEP = attempt -> Thread.sleep(Math.min(50, 5L * attempt));
    /** One writers' queue per real file path, for every store instance of this class loader. */
    private static final ConcurrentMap<Path, ReentrantLock> WRITERS = new ConcurrentHashMap<>();
    private static final Consumer<String> NOBODY = who -> { };

    private final Path file;
    private final boolean readOnly;
    private final long lockWaitNanos;
    private final Duration lockWait;
    private final Duration connectionWait;
    private final Consumer<String> onLockWait;
    private final BusyWait busy;
    private final ConnectionPool pool;
    private final Backoff backoff;
    private final ReentrantLock writeLock;
    private volatile boolean closed;

    /** How long operations may wait, and who hears when a write starts to wait for another writer. */
    record Limits(Duration lockWait, int maxConnections, Duration connectionWait, Consumer<String> onLockWait) {
        static Limits defaults() {
            return new Limits(SqliteListingStore.DEFAULT_LOCK_WAIT, SqliteListingStore.DEFAULT_MAX_CONNECTIONS,
                    SqliteListingStore.DEFAULT_CONNECTION_WAIT, NOBODY);
        }
    }

    SqliteDatabase(Path file, boolean readOnly, DataSource dataSource, Limits limits) {
        this(file, readOnly, dataSource, limits, SLEEP);
    }

    SqliteDatabase(Path file, boolean readOnly, DataSource dataSource, Limits limits, Backoff backoff) {
        this.file = file;
        this.readOnly = readOnly;
        this.lockWait = limits.lockWait();
        this.lockWaitNanos = limits.lockWait().toNanos();
        this.connectionWait = limits.connectionWait();
        this.onLockWait = limits.onLockWait();
        this.busy = new BusyWait(lockWaitNanos);
        this.pool = new ConnectionPool(dataSource, limits.maxConnections(), limits.connectionWait().toNanos(),
                connection -> BusyHandler.setHandler(connection, busy));
        this.backoff = backoff;
        this.writeLock = WRITERS.computeIfAbsent(realPath(file), path -> new ReentrantLock(true));
    }

    /** Waits before the next attempt of work that met SQLITE_BUSY; tests replace it to act in between. */
    @FunctionalInterface
    interface Backoff {
        void pause(int failedAttempt) throws InterruptedException;
    }

    private static Path realPath(Path file) {
        try {
            return file.toRealPath();
        } catch (IOException e) {
            return file.toAbsolutePath().normalize();
        }
    }

    Path file() {
        return file;
    }

    int maxConnections() {
        return pool.maxConnections();
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
     * Runs {@code work} on a pooled connection once, without a transaction of its own and without retries: for
     * opening the store (creating or migrating its schema), before it serves anything.
     */
    <T> T setUp(String action, JdbcWork<T> work) {
        Connection connection = null;
        boolean broken = false;
        try {
            connection = connection(action);
            return work.run(connection);
        } catch (SQLException e) {
            broken = true;
            throw SqliteErrors.translate(action, file, e);
        } finally {
            if (connection != null) {
                pool.release(connection, broken);
            }
        }
    }

    /**
     * Runs {@code work} on a pooled connection in auto-commit mode. A BUSY error runs it again (a read has no effect
     * to repeat) until the lock wait is over.
     *
     * @param action what is being done, for the error message, e.g. "Cannot query listings in"
     */
    @Override
    public <T> T read(String action, JdbcWork<T> work) {
        ensureOpen(action);
        long deadline = System.nanoTime() + lockWaitNanos;
        for (int attempt = 1; ; attempt++) {
            Connection connection = null;
            boolean broken = false;
            busy.begin(deadline, NOBODY);
            try {
                connection = connection(action);
                return work.run(connection);
            } catch (SQLException e) {
                broken = SqliteErrors.poisonsConnection(e);
                throwIfStopped(action, e, "");
                if (!SqliteErrors.isBusy(e)) {
                    throw SqliteErrors.translate(action, file, e);
                }
                if (System.nanoTime() - deadline >= 0) {
                    throw SqliteErrors.busy(action, file, e, lockWait, attempt);
                }
            } finally {
                busy.end();
                if (connection != null) {
                    pool.release(connection, broken);
                }
            }
            pause(action, attempt);
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
     * <p>When SQLite reports BUSY (another process held the write lock past the lock wait, or SQLite refused to
     * wait), the whole unit of work is run again on a fresh connection until the lock wait is over: always if the
     * transaction could not begin (so {@code work} never ran), and after {@code work} started only if
     * {@code repeatable} says that running it again from the start is safe (e.g. it has consumed no input).
     *
     * @param repeatable asked after a BUSY inside {@code work} has been rolled back
     * @throws StoreException at once, writing nothing, if this thread is already inside a write to this file (a
     *         write from an import's own iterator): the write would wait for itself
     */
    @Override
    public <T> T write(String action, BooleanSupplier repeatable, JdbcWork<T> work) {
        ensureOpen(action);
        if (readOnly) {
            throw new StoreException(action + " " + file + ": the store was opened read-only");
        }
        if (writeLock.isHeldByCurrentThread()) {
            throw new StoreException(action + " " + file + ": this thread is already writing to this file (a"
                    + " re-entrant write, e.g. from inside an import's own iterator); it would wait for itself, so"
                    + " nothing of this operation was written. Write after the import has returned");
        }
        long deadline = System.nanoTime() + lockWaitNanos;
        Consumer<String> tell = once(onLockWait);
        takeTurn(action, deadline, tell);
        try {
            for (int attempt = 1; ; attempt++) {
                Connection connection = null;
                boolean broken = true;
                boolean begun = false;
                busy.begin(deadline, tell);
                try {
                    connection = connection(action);
                    beginImmediate(connection);
                    begun = true;
                    T result = work.run(connection);
                    broken = !endTransaction(connection);
                    return result;
                } catch (SQLException e) {
                    if (begun) {
                        rollback(connection, e);
                    }
                    throwIfStopped(action, e, begun ? "; it was rolled back, nothing of it was written" : "");
                    if (!SqliteErrors.isBusy(e)) {
                        throw SqliteErrors.translate(action, file, e);
                    }
                    if (System.nanoTime() - deadline >= 0 || (begun && !repeatable.getAsBoolean())) {
                        throw SqliteErrors.busy(action, file, e, lockWait, attempt);
                    }
                    LOG.debug("{}: SQLite reported BUSY (attempt {}); running the write again", file, attempt);
                } catch (RuntimeException | Error e) {
                    if (begun) {
                        rollback(connection, e);
                    }
                    throw e;
                } finally {
                    busy.end();
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

    /** Waits for this file's writers ahead of this one in this process, up to {@code deadline}. */
    private void takeTurn(String action, long deadline, Consumer<String> tell) {
        try {
            // tryLock() would jump the queue of a fair lock; a zero timeout keeps its order.
            if (writeLock.tryLock(0, TimeUnit.NANOSECONDS)) {
                return;
            }
            tell.accept("another writer in this process");
            if (!writeLock.tryLock(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                throw new StoreException(action + " " + file + ": another writer in this process held the file past"
                        + " the lock wait of " + human(lockWait) + "; nothing of this operation was written");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw interrupted(action, e, "");
        }
    }

    private Connection connection(String action) throws SQLException {
        try {
            return pool.acquire();
        } catch (TimeoutException e) {
            throw new StoreException(action + " " + file + ": all " + pool.maxConnections() + " connections"
                    + " (maxConnections) stayed in use for the connection wait of " + human(connectionWait)
                    + "; nothing of this operation was done", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw interrupted(action, e, "");
        } catch (IllegalStateException e) {
            throw closedMeanwhile(action, e, "");
        }
    }

    /** Throws if the failure came from the store being closed or the thread interrupted, which explain it best. */
    private void throwIfStopped(String action, SQLException e, String rolledBack) {
        if (closed) {
            throw closedMeanwhile(action, e, rolledBack);
        }
        if (Thread.currentThread().isInterrupted()) {
            throw interrupted(action, e, rolledBack);
        }
    }

    private StoreException closedMeanwhile(String action, Exception e, String rolledBack) {
        return new StoreException(action + " " + file + ": the store was closed while this operation ran"
                + rolledBack, e);
    }

    /** Returns the exception of an operation whose thread was interrupted; the interrupt flag stays set. */
    private StoreException interrupted(String action, Exception e, String rolledBack) {
        return new StoreException(action + " " + file + ": the thread was interrupted"
                + (rolledBack.isEmpty() ? "; nothing of this operation was done" : rolledBack), e);
    }

    /** Returns a listener that passes on only the first call: a write says once that it waits. */
    private static Consumer<String> once(Consumer<String> listener) {
        boolean[] told = new boolean[1];
        return who -> {
            if (!told[0]) {
                told[0] = true;
                listener.accept(who);
            }
        };
    }

    static String human(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 != 0 || millis == 0 ? millis + " ms"
                : String.format(Locale.ROOT, "%d s", millis / 1000);
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
            throw interrupted(action, e, "");
        }
    }

    private static void rollback(Connection connection, Throwable failure) {
        try {
            connection.rollback();
        } catch (SQLException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    private void ensureOpen(String action) {
        if (closed) {
            throw new IllegalStateException(action + " " + file + ": the store is closed");
        }
    }

    /**
     * Closes the store as a barrier: from now on every operation fails ("the store is closed"); operations waiting
     * for a lock stop waiting and fail; running ones get up to the lock wait to finish. Any still running then has
     * its statement interrupted and its connection closed, which rolls it back; it fails. When this returns, no
     * operation of this store commits any more and none holds the file open.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        busy.close();
        int forced = pool.close(lockWaitNanos);
        if (forced > 0) {
            LOG.warn("{}: closed {} connection(s) of operations still running after the lock wait of {}; they were"
                    + " rolled back", file, forced, human(lockWait));
        }
    }
}
