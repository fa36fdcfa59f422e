package io.glyphd.store.sqlite;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConnection;

/**
 * At most {@code maxConnections} open connections, kept for reuse because opening a SQLite connection (and applying
 * its pragmas) costs more than a typical query. A connection belongs to one thread between {@link #acquire()} and
 * {@link #release}; a caller over the bound waits for one to come back, up to the pool's wait. The pool itself is
 * thread-safe.
 */
final class ConnectionPool implements AutoCloseable {
    /** Prepares a connection the data source has just opened, before its first use. */
    @FunctionalInterface
    interface Setup {
        void prepare(Connection connection) throws SQLException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(SqliteListingStore.class);

    private final DataSource dataSource;
    private final int maxConnections;
    private final long waitNanos;
    private final Setup setup;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Deque<Connection> idle = new ArrayDeque<>();
    private final Set<Connection> lent = Collections.newSetFromMap(new IdentityHashMap<>());
    private int opening;
    private boolean closed;

    ConnectionPool(DataSource dataSource, int maxConnections, long waitNanos, Setup setup) {
        this.dataSource = dataSource;
        this.maxConnections = maxConnections;
        this.waitNanos = waitNanos;
        this.setup = setup;
    }

    int maxConnections() {
        return maxConnections;
    }

    /**
     * Lends a connection: an idle one, a new one while fewer than {@code maxConnections} are open, else the first one
     * given back within the pool's wait.
     *
     * @throws TimeoutException if every connection stayed lent for the whole wait
     * @throws InterruptedException if the thread was interrupted while it waited
     * @throws IllegalStateException if the pool is closed
     */
    Connection acquire() throws SQLException, InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + waitNanos;
        lock.lockInterruptibly();
        try {
            while (true) {
                ensureOpen();
                Connection connection = idle.pollFirst();
                if (connection != null) {
                    lent.add(connection);
                    return connection;
                }
                if (lent.size() + opening < maxConnections) {
                    opening++;
                    break;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException();
                }
                changed.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
        Connection connection = null;
        try {
            connection = dataSource.getConnection();
            setup.prepare(connection);
        } catch (SQLException | RuntimeException | Error e) {
            if (connection != null) {
                closeQuietly(connection);
            }
            lock.lock();
            try {
                opening--;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            throw e;
        }
        lock.lock();
        try {
            opening--;
            changed.signalAll();
            if (!closed) {
                lent.add(connection);
                return connection;
            }
        } finally {
            lock.unlock();
        }
        closeQuietly(connection);
        throw new IllegalStateException("connection pool is closed");
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("connection pool is closed");
        }
    }

    /** Takes a connection back for reuse, or closes it if it is {@code broken} or the pool is closed. */
    void release(Connection connection, boolean broken) {
        lock.lock();
        try {
            boolean wasLent = lent.remove(connection);
            changed.signalAll();
            if (!broken && !closed && wasLent) {
                idle.addFirst(connection);
                return;
            }
        } finally {
            lock.unlock();
        }
        closeQuietly(connection);
    }

    /** Closes the idle connections at once and every lent one as soon as it comes back; see {@link #close(long)}. */
    @Override
    public void close() {
        close(0);
    }

    /**
     * Closes the pool: lends nothing more, closes the idle connections, waits up to {@code waitNanos} for the lent
     * ones to come back, then interrupts the statement each of the others runs and closes it, which rolls back its
     * transaction. A connection is closed under the driver's lock of that connection, so a commit on it either ended
     * before this returns or never happens.
     *
     * @return how many lent connections had to be closed under their users
     */
    int close(long waitNanos) {
        List<Connection> toClose = new ArrayList<>();
        List<Connection> forced;
        lock.lock();
        try {
            closed = true;
            toClose.addAll(idle);
            idle.clear();
            long deadline = System.nanoTime() + waitNanos;
            boolean interrupted = false;
            while (!lent.isEmpty() && !interrupted) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    changed.awaitNanos(left);
                } catch (InterruptedException e) {
                    interrupted = true;
                    Thread.currentThread().interrupt();
                }
            }
            forced = new ArrayList<>(lent);
            lent.clear();
        } finally {
            lock.unlock();
        }
        toClose.forEach(ConnectionPool::closeQuietly);
        for (Connection connection : forced) {
            try {
                connection.unwrap(SQLiteConnection.class).getDatabase().interrupt();
            } catch (SQLException e) {
                LOG.debug("cannot interrupt a connection being closed: {}", e.toString());
            }
            closeQuietly(connection);
        }
        return forced.size();
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // Nothing useful to do: the connection is being thrown away.
        }
    }
}
