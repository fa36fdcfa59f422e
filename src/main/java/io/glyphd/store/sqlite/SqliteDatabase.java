package io.glyphd.store.sqlite;

import io.glyphd.store.StoreException;
import io.glyphd.store.internal.Database;
import io.glyphd.store.internal.HeldSnapshot;
import io.glyphd.store.internal.JdbcWork;
import io.glyphd.store.internal.StoreFailure;
import io.glyphd.store.internal.StoreMetrics;
import io.glyphd.store.internal.StoreMetrics.FailureKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
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
 * Runs units of work on one SQLite file: reads in a DEFERRED read transaction on a pooled connection (one snapshot
 * per unit of work, or per {@link #snapshot(String)} for as long as it is open), writes in an IMMEDIATE transaction,
 * one at a time per file in this process. This is the one place that translates
 * {@link SQLException}s, decides whether a connection may be reused, waits for other writers and retries work that
 * SQLite reports BUSY. Thread-safe.
 *
 * <p>Waiting: a write waits at most the lock wait in all, from when it is called: first its turn among the writers
 * of this file in this process (a fair lock per real path, shared by every store instance on the file), then, across
 * processes, for SQLite's write lock ({@link BusyWait}), then again after each BUSY retry. A read waits as long for
 * a lock SQLite makes it wait for (WAL recovery, a journal-mode switch) and is retried as a write is.
 *
 * <p>The {@code -wal} file: a write that has committed and left it past {@value #WAL_LIMIT_BYTES} bytes
 * checkpoints it and truncates it, without waiting (see {@link #trimWal(Connection)}).
 *
 * <p>Closing is a barrier: see {@link #close()}.
 */
final class SqliteDatabase implements Database {
    /**
     * Size of the {@code -wal} file above which a write that has committed checkpoints it and truncates it to zero;
     * also every connection's {@code journal_size_limit}, which truncates it to this size whenever SQLite restarts it.
     */
    static final long WAL_LIMIT_BYTES = 64L << 20;
    private static final Logger LOG = LoggerFactory.getLogger(SqliteListingStore.class);
    private static final Backoff SLEEP = attempt -> Thread.sleep(Math.min(50, 5L * attempt));
    /** One writers' queue per real file path, for every store instance of this class loader. */
    private static final ConcurrentMap<Path, ReentrantLock> WRITERS = new ConcurrentHashMap<>();
    private static final Consumer<String> NOBODY = who -> { };

    private final Path file;
    private final Path wal;
    private final boolean readOnly;
    private final long lockWaitNanos;
    private final Duration lockWait;
    private final Duration connectionWait;
    private final Consumer<String> onLockWait;
    private final BusyWait busy;
    private final ConnectionPool pool;
    private final Backoff backoff;
    private final ReentrantLock writeLock;
    private final Set<HeldSnapshot> snapshots = ConcurrentHashMap.newKeySet();
    private final StoreMetrics metrics;
    private volatile boolean closed;

    /** How long operations may wait, and who hears when a write starts to wait for another writer. */
    record Limits(Duration lockWait, int maxConnections, Duration connectionWait, Consumer<String> onLockWait) {
        static Limits defaults() {
            return new Limits(SqliteListingStore.DEFAULT_LOCK_WAIT, SqliteListingStore.DEFAULT_MAX_CONNECTIONS,
                    SqliteListingStore.DEFAULT_CONNECTION_WAIT, NOBODY);
        }
    }

    SqliteDatabase(Path file, boolean readOnly, DataSource dataSource, Limits limits, StoreMetrics metrics) {
        this(file, readOnly, dataSource, limits, SLEEP, metrics);
    }

    SqliteDatabase(Path file, boolean readOnly, DataSource dataSource, Limits limits, Backoff backoff) {
        this(file, readOnly, dataSource, limits, backoff, StoreMetrics.NONE);
    }

    /**
     * Opens the pool (no connection yet).
     *
     * @param metrics told of lock waits and retries; the store reads the connection counts itself
     */
    SqliteDatabase(Path file, boolean readOnly, DataSource dataSource, Limits limits, Backoff backoff,
            StoreMetrics metrics) {
        this.file = file;
        this.wal = file.resolveSibling(file.getFileName() + "-wal");
        this.readOnly = readOnly;
        this.lockWait = limits.lockWait();
        this.lockWaitNanos = limits.lockWait().toNanos();
        this.connectionWait = limits.connectionWait();
        this.onLockWait = limits.onLockWait();
        this.busy = new BusyWait(lockWaitNanos);
        this.pool = new ConnectionPool(dataSource, limits.maxConnections(), limits.connectionWait().toNanos(),
                connection -> BusyHandler.setHandler(connection, busy));
        this.backoff = backoff;
        this.metrics = metrics;
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
    public FailureKind failureKind(SQLException e) {
        return SqliteErrors.kind(e);
    }

    @Override
    public int activeConnections() {
        return pool.active();
    }

    @Override
    public int pendingConnections() {
        return pool.waiting();
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
     * Runs {@code work} on a pooled connection without a transaction of its own, for opening the store (creating or
     * migrating its schema) before it serves anything; retried after BUSY as {@link #read} is, so {@code work} must
     * be safe to run again. The connection is discarded after any failure.
     *
     * <p>The retry matters at the first connection of a file in rollback-journal mode (a file of the earlier
     * release): the connection switches it to WAL, which needs the file's exclusive lock, and SQLite refuses that
     * at once, BUSY without waiting, when two connections ask together (waiting could deadlock).
     */
    <T> T setUp(String action, JdbcWork<T> work) {
        return withBusyRetries(action, work);
    }

    /**
     * Runs {@code work} in one DEFERRED read transaction on a pooled connection, so that all its statements read one
     * snapshot. A BUSY error runs it again (a read has no effect to repeat) until the lock wait is over.
     *
     * @param action what is being done, for the error message, e.g. "Cannot query listings in"
     */
    @Override
    public <T> T read(String action, JdbcWork<T> work) {
        try (Snapshot snapshot = snapshot(action)) {
            return snapshot.read(work);
        }
    }

    /**
     * Runs {@code work} on a pooled connection, again on a fresh one after each BUSY, until the lock wait (counted
     * from this call) is over. The connection is discarded after any failure.
     */
    private <T> T withBusyRetries(String action, JdbcWork<T> work) {
        return retryingBusy(action, true, () -> {
            Connection connection = connection(action);
            boolean broken = true;
            try {
                T result = work.run(connection);
                broken = false;
                return result;
            } finally {
                pool.release(connection, broken);
            }
        });
    }

    /** One try of a unit of work, which cleans up after itself; see {@link #retryingBusy}. */
    @FunctionalInterface
    private interface Attempt<T> {
        T run() throws SQLException;
    }

    /**
     * Runs {@code attempt}, and if {@code mayRetry}, again after each BUSY error until the lock wait (counted from
     * this call) is over; any other failure, or BUSY past the lock wait, is translated to a {@link StoreException}
     * naming {@code action}. Not for writes, whose retry depends on how far the transaction got (see
     * {@link #write(String, BooleanSupplier, JdbcWork)}).
     */
    private <T> T retryingBusy(String action, boolean mayRetry, Attempt<T> attempt) {
        long deadline = System.nanoTime() + lockWaitNanos;
        for (int tried = 1; ; tried++) {
            busy.begin(deadline, NOBODY);
            try {
                return attempt.run();
            } catch (SQLException e) {
                throwIfStopped(action, e, "");
                if (!mayRetry || !SqliteErrors.isBusy(e)) {
                    throw SqliteErrors.translate(action, file, e);
                }
                if (System.nanoTime() - deadline >= 0) {
                    throw SqliteErrors.busy(action, file, e, lockWait, tried);
                }
                metrics.retried(SqliteErrors.kind(e));
            } finally {
                busy.end();
            }
            pause(action, tried);
        }
    }

    /**
     * Opens a read transaction (BEGIN DEFERRED, so it takes no lock; its snapshot is the state its first statement
     * sees) on a connection of the pool, which it keeps until it is closed. While it is open, no checkpoint can move
     * the WAL past its snapshot, so the {@code -wal} file grows with every commit made meanwhile; writers do not wait
     * for it. Its first unit of work is run again after a BUSY error until the lock wait is over, as
     * {@link #read(String, JdbcWork)} is; a later one is not (it would read another snapshot). {@link #close()} of
     * the store ends it, see {@link HeldSnapshot}.
     */
    @Override
    public Snapshot snapshot(String action) {
        ensureOpen(action);
        return new ReadTransaction(action);
    }

    /** One read transaction on one pooled connection; see {@link #snapshot(String)}. */
    private final class ReadTransaction extends HeldSnapshot {
        private final String action;

        ReadTransaction(String action) {
            super(SqliteDatabase.this, action, snapshots);
            this.action = action;
        }

        @Override
        protected <T> T run(JdbcWork<T> work) {
            ensureOpen(action);
            // Only the first unit of work may run again: a later one would read another snapshot.
            return retryingBusy(action, held() == null, () -> {
                try {
                    if (held() == null) {
                        Connection connection = SqliteDatabase.this.connection(action);
                        hold(connection);
                        beginDeferred(connection);
                    }
                    return work.run(held());
                } catch (SQLException e) {
                    drop(SqliteErrors.poisonsConnection(e));
                    throw e;
                }
            });
        }

        /** Ends the read transaction and gives the connection back, or discards it if ending fails. */
        @Override
        protected void release(Connection held, boolean broken) {
            boolean discard = broken;
            try {
                if (!held.getAutoCommit()) {
                    held.setAutoCommit(true); // a read changed nothing: commit and rollback are alike
                }
            } catch (SQLException e) {
                LOG.debug("{}: discarding a connection whose read transaction could not end: {}", file,
                        SqliteErrors.meaning(e));
                discard = true;
            }
            pool.release(held, discard);
        }
    }

    /**
     * Begins a DEFERRED transaction: it takes no lock until its first statement, which then reads one snapshot that
     * the rest of the transaction keeps.
     */
    private static void beginDeferred(Connection connection) throws SQLException {
        SQLiteConnection sqlite = connection.unwrap(SQLiteConnection.class);
        sqlite.getConnectionConfig().setTransactionMode(SQLiteConfig.TransactionMode.DEFERRED);
        connection.setAutoCommit(false);
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
            throw new StoreFailure(FailureKind.READ_ONLY, action + " " + file + ": the store was opened read-only",
                    null);
        }
        requireNotWriting(action);
        long called = System.nanoTime();
        long deadline = called + lockWaitNanos;
        Consumer<String> tell = once(onLockWait);
        takeTurn(action, deadline, tell);
        // The metrics' lock wait: the turn among this process's writers, then SQLite's busy waits in BEGIN
        // IMMEDIATE (another process's write), not the wait for a pooled connection. Reported once, at the begin.
        long lockWaited = System.nanoTime() - called;
        boolean reported = false;
        try {
            for (int attempt = 1; ; attempt++) {
                Connection connection = null;
                boolean broken = true;
                boolean begun = false;
                busy.begin(deadline, tell);
                try {
                    connection = connection(action);
                    long beginning = System.nanoTime();
                    try {
                        beginImmediate(connection);
                    } finally {
                        lockWaited += System.nanoTime() - beginning;
                    }
                    begun = true;
                    if (!reported) {
                        reported = true;
                        metrics.lockWaited(lockWaited);
                    }
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
                    throwIfStopped(action, e, begun ? "; it was rolled back, nothing of it was written" : "");
                    if (!SqliteErrors.isBusy(e)) {
                        throw SqliteErrors.translate(action, file, e);
                    }
                    if (System.nanoTime() - deadline >= 0 || (begun && !repeatable.getAsBoolean())) {
                        throw SqliteErrors.busy(action, file, e, lockWait, attempt);
                    }
                    LOG.debug("{}: SQLite reported BUSY (attempt {}); running the write again", file, attempt);
                    metrics.retried(SqliteErrors.kind(e));
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

    /**
     * Runs {@code work} on a pooled connection in auto-commit mode in this file's writers' turn (see
     * {@link #write(String, BooleanSupplier, JdbcWork)}), for statements that cannot run inside a transaction, such
     * as {@code VACUUM}; SQLite takes its own locks, waiting for them within the lock wait, and a BUSY runs
     * {@code work} again as setUp does (such a statement does nothing unless it completes).
     */
    <T> T exclusive(String action, JdbcWork<T> work) {
        ensureOpen(action);
        if (readOnly) {
            throw new StoreException(action + " " + file + ": the store was opened read-only");
        }
        requireNotWriting(action);
        takeTurn(action, System.nanoTime() + lockWaitNanos, once(onLockWait));
        try {
            return autoCommit(action, work);
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Runs {@code work} on a pooled connection in auto-commit mode, again after each BUSY until the lock wait is
     * over, as {@link #setUp} does: for statements that cannot run inside the read transaction {@link #read} opens,
     * such as {@code VACUUM INTO}. The connection is discarded after any failure.
     */
    <T> T autoCommit(String action, JdbcWork<T> work) {
        ensureOpen(action);
        return withBusyRetries(action, work);
    }

    private void requireNotWriting(String action) {
        if (writeLock.isHeldByCurrentThread()) {
            throw new StoreException(action + " " + file + ": this thread is already writing to this file (a"
                    + " re-entrant write, e.g. from inside an import's own iterator); it would wait for itself, so"
                    + " nothing of this operation was written. Write after the import has returned");
        }
    }

    /**
     * Once a write has committed, checkpoints the WAL and truncates it if it has grown past {@value #WAL_LIMIT_BYTES}
     * bytes (a big import leaves it about the size of the rows it wrote), without waiting: the busy handler is told
     * that the deadline has passed, so a reader still on an older snapshot makes it stop at once, leaving the WAL to
     * the next write or to {@code journal_size_limit}. Never fails the write, which has committed.
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
        busy.begin(System.nanoTime(), NOBODY);
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
            boolean blocked = rs.next() && rs.getInt(1) != 0;
            LOG.debug("{}: checkpointed a {}-byte WAL{}", file, size,
                    blocked ? "; a reader or writer still needs it, so it was not truncated" : " and truncated it");
        } catch (SQLException e) {
            LOG.debug("{}: could not checkpoint the {}-byte WAL: {}", file, size, SqliteErrors.meaning(e));
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
                throw new StoreFailure(FailureKind.LOCK_TIMEOUT, action + " " + file + ": another writer in this"
                        + " process held the file past the lock wait of " + human(lockWait) + "; nothing of this"
                        + " operation was written", null);
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
            throw new StoreFailure(FailureKind.CONNECTION_TIMEOUT, action + " " + file + ": all "
                    + pool.maxConnections() + " connections (maxConnections) stayed in use for the connection wait"
                    + " of " + human(connectionWait) + "; nothing of this operation was done", e);
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
        return new StoreFailure(FailureKind.CLOSED, action + " " + file + ": the store was closed while this"
                + " operation ran" + rolledBack, e);
    }

    /** Returns the exception of an operation whose thread was interrupted; the interrupt flag stays set. */
    private StoreException interrupted(String action, Exception e, String rolledBack) {
        return new StoreFailure(FailureKind.INTERRUPTED, action + " " + file + ": the thread was interrupted"
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

    void ensureOpen(String action) {
        if (closed) {
            throw new IllegalStateException(action + " " + file + ": the store is closed");
        }
    }

    /**
     * Closes the store as a barrier: from now on every operation fails ("the store is closed"); operations waiting
     * for a lock stop waiting and fail; running ones get up to the lock wait to finish. Any still running then has
     * its statement interrupted and its connection closed, which rolls it back; it fails. A snapshot (an open
     * stream) between two page reads is ended at once: it runs nothing, and its next page read fails. When this
     * returns, no operation of this store commits any more and none holds the file open.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        busy.close();
        HeldSnapshot.endAll(snapshots);
        int forced = pool.close(lockWaitNanos);
        if (forced > 0) {
            LOG.warn("{}: closed {} connection(s) of operations still running after the lock wait of {}; they were"
                    + " rolled back", file, forced, human(lockWait));
        }
    }
}
