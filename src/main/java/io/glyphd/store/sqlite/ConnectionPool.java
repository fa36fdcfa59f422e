package io.glyphd.store.sqlite;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * Keeps a few open connections for reuse, because opening a SQLite connection (and applying its pragmas) costs
 * more than a typical query. A connection belongs to one thread between {@link #acquire()} and
 * {@link #release}; the pool itself is thread-safe.
 */
final class ConnectionPool implements AutoCloseable {
    private final DataSource dataSource;
    private final int maxIdle;
    private final Deque<Connection> idle = new ArrayDeque<>();
    private final AtomicInteger inUse = new AtomicInteger();
    private boolean closed;

    ConnectionPool(DataSource dataSource, int maxIdle) {
        this.dataSource = dataSource;
        this.maxIdle = maxIdle;
    }

    Connection acquire() throws SQLException {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("connection pool is closed");
            }
            Connection connection = idle.pollFirst();
            if (connection != null) {
                inUse.incrementAndGet();
                return connection;
            }
        }
        Connection connection = dataSource.getConnection();
        inUse.incrementAndGet();
        return connection;
    }

    /** Returns how many connections are lent out now. */
    int inUse() {
        return inUse.get();
    }

    /** Returns a connection for reuse, or closes it if it is {@code broken}, the pool is full or closed. */
    void release(Connection connection, boolean broken) {
        inUse.decrementAndGet();
        if (!broken) {
            synchronized (this) {
                if (!closed && idle.size() < maxIdle) {
                    idle.addFirst(connection);
                    return;
                }
            }
        }
        closeQuietly(connection);
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            idle.forEach(ConnectionPool::closeQuietly);
            idle.clear();
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // Nothing useful to do: the connection is being thrown away.
        }
    }
}
