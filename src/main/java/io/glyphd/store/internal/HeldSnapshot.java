package io.glyphd.store.internal;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.Set;

/**
 * What both backends' {@link Database.Snapshot}s share: the one connection held between units of work, and how the
 * snapshot ends, by its owner ({@link #close()}, a failed unit of work) or by the store's close. A backend runs each
 * unit of work in {@link #run} and says how a connection is given back in {@link #release}.
 *
 * <p>The store's close ends every snapshot at once ({@link #endAll}) except one whose unit of work is running; that
 * one ends as soon as its unit of work returns. A snapshot between units of work runs nothing and can commit
 * nothing, so the store's close barrier does not wait for it: a stream left open makes no {@code close()} hang, and
 * its next page read throws {@link IllegalStateException}. A snapshot is used by one thread; the store's close may
 * come from another, hence the lock.
 */
public abstract class HeldSnapshot implements Database.Snapshot {
    private final Database database;
    private final String action;
    private final Set<HeldSnapshot> open;
    private Connection connection;
    private boolean running;
    private String ended;

    /**
     * Registers the snapshot in {@code open}, the set its database ends at its close.
     *
     * @param action what is being done, for error messages, e.g. "Cannot stream listings from"
     */
    protected HeldSnapshot(Database database, String action, Set<HeldSnapshot> open) {
        this.database = database;
        this.action = action;
        this.open = open;
        open.add(this);
    }

    /** Runs {@code work} in the snapshot: on {@link #held()}, after {@link #hold}ing one if none is held. */
    protected abstract <T> T run(JdbcWork<T> work);

    /** Ends the read transaction on {@code held} and gives it back, or discards it if {@code broken}. */
    protected abstract void release(Connection held, boolean broken);

    /** Returns the connection the snapshot holds, or null before the first unit of work (or after a failed start). */
    protected final Connection held() {
        return connection;
    }

    /** Makes {@code begun}, on which the read transaction has begun, the connection the snapshot holds. */
    protected final synchronized void hold(Connection begun) {
        connection = begun;
    }

    /** Gives the held connection back at once, e.g. before the first unit of work is tried again on another. */
    protected final synchronized void drop(boolean broken) {
        Connection held = connection;
        connection = null;
        if (held != null) {
            release(held, broken);
        }
    }

    @Override
    public final <T> T read(JdbcWork<T> work) {
        synchronized (this) {
            if (ended != null) {
                throw new IllegalStateException(action + " " + database.where() + ": " + ended);
            }
            running = true;
        }
        boolean done = false;
        try {
            T result = run(work);
            done = true;
            return result;
        } finally {
            synchronized (this) {
                running = false;
                if (!done) {
                    end("the read has ended: an earlier unit of work in it failed");
                } else if (database.isClosed()) {
                    end("the store is closed");
                }
            }
        }
    }

    @Override
    public final synchronized void close() {
        end("the read has ended");
    }

    private synchronized void end(String why) {
        if (ended == null) {
            ended = why;
        }
        open.remove(this);
        drop(false);
    }

    /**
     * Ends every snapshot in {@code open} whose unit of work is not running; a running one ends when it returns.
     * Called by a database's close, after {@link Database#isClosed()} has turned true.
     */
    public static void endAll(Set<HeldSnapshot> open) {
        for (HeldSnapshot snapshot : new ArrayList<>(open)) {
            synchronized (snapshot) {
                if (!snapshot.running) {
                    snapshot.end("the store is closed");
                }
            }
        }
    }
}
