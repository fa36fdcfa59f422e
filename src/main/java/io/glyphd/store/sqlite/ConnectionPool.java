package io.glyphd.store.sqlite;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 *
 * <p>Each pooled connection keeps the last {@value #CACHED_STATEMENTS} queries it prepared (see
 * {@link StatementCache}): preparing a statement through sqlite-jdbc costs about 0.3 ms at a million rows, as much
 * as running a typical query.
 */
final class ConnectionPool implements AutoCloseable {
    /** Prepares a connection the data source has just opened, before its first use. */
    @FunctionalInterface
    interface Setup {
        void prepare(Connection connection) throws SQLException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(SqliteListingStore.class);
    /** Most prepared queries one connection keeps for reuse. */
    static final int CACHED_STATEMENTS = 32;

    private final DataSource dataSource;
    private final int maxConnections;
    private final long waitNanos;
    private final Setup setup;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Deque<Connection> idle = new ArrayDeque<>();
    private final Set<Connection> lent = Collections.newSetFromMap(new IdentityHashMap<>());
    private int opening;
    private int waiting;
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

    /** Returns how many connections are lent now, counting those being opened for a borrower. */
    int active() {
        lock.lock();
        try {
            return lent.size() + opening;
        } finally {
            lock.unlock();
        }
    }

    /** Returns how many callers of {@link #acquire()} are waiting for a connection to come back. */
    int waiting() {
        lock.lock();
        try {
            return waiting;
        } finally {
            lock.unlock();
        }
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
                waiting++;
                try {
                    changed.awaitNanos(left);
                } finally {
                    waiting--;
                }
            }
        } finally {
            lock.unlock();
        }
        Connection connection = null;
        try {
            connection = dataSource.getConnection();
            setup.prepare(connection);
            connection = StatementCache.wrap(connection, CACHED_STATEMENTS);
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

    /**
     * A connection whose {@code prepareStatement(sql)} of a query ({@code SELECT} or {@code WITH}) returns a statement
     * kept, once closed, for the next preparation of the same text on this connection: an LRU of at most
     * {@code capacity} idle statements, the eldest closed when a new one would exceed it, all closed with the
     * connection. Closing a cached statement closes its result set (which resets the SQLite statement, so an idle
     * one holds no read transaction) and clears its parameters; one that threw is closed for good. A statement in
     * use is out of the cache, so the same text prepared twice at once gives two statements. Every other call goes
     * to the driver's connection ({@code unwrap} included). Used by one thread at a time, as the pool lends it, but
     * safe to close from another.
     */
    static final class StatementCache implements InvocationHandler {
        /** Statement methods whose effect lasts beyond one execution. */
        private static final Set<String> SETTINGS = Set.of("setMaxRows", "setLargeMaxRows", "setFetchSize",
                "setFetchDirection", "setQueryTimeout", "setMaxFieldSize", "setPoolable", "setEscapeProcessing",
                "setCursorName", "closeOnCompletion");
        private final Connection connection;
        private final int capacity;
        private final LinkedHashMap<String, PreparedStatement> idle = new LinkedHashMap<>(16, 0.75f, true);
        private Connection proxy;
        private boolean closed;

        private StatementCache(Connection connection, int capacity) {
            this.connection = connection;
            this.capacity = capacity;
        }

        static Connection wrap(Connection connection, int capacity) {
            StatementCache cache = new StatementCache(connection, capacity);
            cache.proxy = (Connection) Proxy.newProxyInstance(ConnectionPool.class.getClassLoader(),
                    new Class<?>[] {Connection.class}, cache);
            return cache.proxy;
        }

        /** Returns how many idle statements a connection {@link #wrap} made keeps now; for tests. */
        static int idleStatements(Connection connection) {
            StatementCache cache = (StatementCache) Proxy.getInvocationHandler(connection);
            synchronized (cache) {
                return cache.idle.size();
            }
        }

        @Override
        public Object invoke(Object self, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "prepareStatement" -> {
                    if (args.length == 1 && isQuery((String) args[0])) {
                        return prepare((String) args[0]);
                    }
                }
                case "close" -> {
                    if (args == null) {
                        close();
                        return null;
                    }
                }
                case "equals" -> {
                    return self == args[0];
                }
                case "hashCode" -> {
                    return System.identityHashCode(self);
                }
                case "toString" -> {
                    return "cached statements of " + connection;
                }
                default -> {
                    // handed to the driver below
                }
            }
            return forward(connection, method, args);
        }

        private static Object forward(Object target, Method method, Object[] args) throws Throwable {
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }

        private static boolean isQuery(String sql) {
            String head = sql.stripLeading();
            return head.regionMatches(true, 0, "SELECT", 0, 6) || head.regionMatches(true, 0, "WITH", 0, 4);
        }

        private PreparedStatement prepare(String sql) throws SQLException {
            PreparedStatement statement;
            synchronized (this) {
                statement = idle.remove(sql);
            }
            if (statement == null) {
                statement = connection.prepareStatement(sql);
            }
            Lent lent = new Lent(sql, statement);
            return (PreparedStatement) Proxy.newProxyInstance(ConnectionPool.class.getClassLoader(),
                    new Class<?>[] {PreparedStatement.class}, lent);
        }

        /** Takes a statement back, or closes it if the cache is full of others, the connection closed, or it failed. */
        private void giveBack(String sql, PreparedStatement statement, boolean reusable) {
            if (reusable) {
                synchronized (this) {
                    if (!closed && !idle.containsKey(sql)) {
                        idle.put(sql, statement);
                        if (idle.size() <= capacity) {
                            return;
                        }
                        Iterator<Map.Entry<String, PreparedStatement>> eldest = idle.entrySet().iterator();
                        statement = eldest.next().getValue();
                        eldest.remove();
                    }
                }
            }
            closeQuietly(statement);
        }

        private void close() throws SQLException {
            List<PreparedStatement> statements;
            synchronized (this) {
                closed = true;
                statements = new ArrayList<>(idle.values());
                idle.clear();
            }
            statements.forEach(StatementCache::closeQuietly);
            connection.close();
        }

        private static void closeQuietly(PreparedStatement statement) {
            try {
                statement.close();
            } catch (SQLException ignored) {
                // Thrown away: nothing else holds it.
            }
        }

        /** One use of a statement, from {@code prepareStatement} to {@code close}. */
        private final class Lent implements InvocationHandler {
            private final String sql;
            private final PreparedStatement statement;
            private final List<ResultSet> results = new ArrayList<>(1);
            private boolean failed;
            private boolean done;

            Lent(String sql, PreparedStatement statement) {
                this.sql = sql;
                this.statement = statement;
            }

            @Override
            public Object invoke(Object self, Method method, Object[] args) throws Throwable {
                String name = method.getName();
                switch (name) {
                    case "close" -> {
                        close();
                        return null;
                    }
                    case "isClosed" -> {
                        return done || statement.isClosed();
                    }
                    case "getConnection" -> {
                        return proxy;
                    }
                    case "equals" -> {
                        return self == args[0];
                    }
                    case "hashCode" -> {
                        return System.identityHashCode(self);
                    }
                    case "toString" -> {
                        return "cached " + statement;
                    }
                    default -> {
                        // handed to the driver below
                    }
                }
                if (done) {
                    throw new SQLException("statement is closed");
                }
                try {
                    Object result = method.invoke(statement, args);
                    if (result instanceof ResultSet rs) {
                        results.add(rs);
                    } else if (SETTINGS.contains(name)) {
                        // A setting would outlive this use: such a statement is not kept.
                        failed = true;
                    }
                    return result;
                } catch (InvocationTargetException e) {
                    failed = true;
                    throw e.getCause();
                }
            }

            private void close() {
                if (done) {
                    return;
                }
                done = true;
                boolean reusable = !failed;
                try {
                    for (ResultSet rs : results) {
                        rs.close();
                    }
                    statement.clearParameters();
                } catch (SQLException e) {
                    reusable = false;
                }
                giveBack(sql, statement, reusable);
            }
        }
    }
}
