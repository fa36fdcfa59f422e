package io.glyphd.store.internal;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * The seam where SQL databases differ, for the parts of SQL that {@link ListingSql} builds for every backend
 * (after db-scheduler's {@code JdbcCustomization}). Each backend implements it once.
 */
public interface SqlDialect {
    /** Returns the column that holds the price in the listings table. */
    String priceColumn();

    /** Returns the bind value for the lowest price a query accepts, rounded up to what the column can hold. */
    Object priceLowerBound(BigDecimal price);

    /** Returns the bind value for the highest price a query accepts, rounded down to what the column can hold. */
    Object priceUpperBound(BigDecimal price);

    /** Returns the bind value for an instant. */
    Object instantValue(Instant instant);

    /** Returns a predicate comparing {@code column} to one {@code ?} ignoring ASCII case. */
    String equalsIgnoringCase(String column);

    /** Returns {@code expression DESC} with nulls sorted last. */
    String descendingNullsLast(String expression);

    /**
     * Returns an aggregate expression for the median of {@code expression} over a group: the middle value, or the
     * mean of the two middle values for an even count, as a floating-point number (SQLite's {@code median(x)};
     * PostgreSQL's {@code percentile_cont(0.5) WITHIN GROUP (ORDER BY x)}).
     */
    String median(String expression);
}
