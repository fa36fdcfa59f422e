package io.glyphd.store.internal;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * One unit of work on a connection that a {@link Database} lends for its duration.
 *
 * @param <T> what the work returns
 */
@FunctionalInterface
public interface JdbcWork<T> {
    /** Runs the work; a write commits the transaction itself before it returns. */
    T run(Connection connection) throws SQLException;
}
