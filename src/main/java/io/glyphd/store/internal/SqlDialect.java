package io.glyphd.store.internal;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The seam where SQL databases differ, for everything the shared JDBC core ({@link ListingSql},
 * {@link ListingQueries}, {@link ListingAnalytics}, {@link ImportWriter}) reads, writes or builds for every backend
 * (after db-scheduler's {@code JdbcCustomization}): column types and their conversions, the few SQL fragments that
 * differ, and the analytics statements whose best form differs per engine. Each backend implements it once;
 * implementations are stateless and thread-safe.
 */
public interface SqlDialect {
    /** Returns the column that holds the price in the listings table. */
    String priceColumn();

    /** Returns the bind value for the lowest price a query accepts, rounded up to what the column can hold. */
    Object priceLowerBound(BigDecimal price);

    /** Returns the bind value for the highest price a query accepts, rounded down to what the column can hold. */
    Object priceUpperBound(BigDecimal price);

    /** Returns the bind value for a price a page token holds, as exact micro-dollars. */
    Object priceKeyValue(long micros);

    /** Returns the bind value for an instant; bounds outside what the column holds are clamped. */
    Object instantValue(Instant instant);

    /**
     * Returns a predicate comparing a text column (any of them; an index serves it where one is declared for it) to
     * one {@code ?} ignoring ASCII case, and only ASCII case.
     */
    String equalsIgnoringCase(String column);

    /** Returns a predicate comparing {@code column} to any of {@code count} {@code ?}s ignoring ASCII case. */
    String inIgnoringCase(String column, int count);

    /** Returns a predicate comparing two text columns ignoring ASCII case, e.g. two listings' canonical models. */
    String equalIgnoringCase(String column, String otherColumn);

    /**
     * Returns a SELECT of the storage ids of the current imports, with no parameter: the newest import of each
     * source, by {@code (imported_at, id)}, and every import without a source; see
     * {@link io.glyphd.store.ListingQuery#current()}. It reads the imports table only.
     */
    String currentImports();

    /**
     * Returns one arm of a merge of several models' index ranges ({@code arm UNION ALL arm ... ORDER BY ...}) in the
     * form the engine merges in order as it reads them, rather than sorting every match.
     *
     * @param arm a SELECT with its WHERE clause
     * @param orderBy the ORDER BY terms of the arm's index range, over alias {@code l}
     * @param rows the most rows the statement takes from the merge, so also the most it needs from one arm
     */
    Sql mergeArm(Sql arm, String orderBy, long rows);

    /**
     * Returns true if a second writer of an import waits on the lock of the import's row, taken by the upsert that
     * begins an import (PostgreSQL); false if writers already took turns for the whole store before their
     * transaction began (SQLite). Tells where an import's lock wait is measured.
     */
    boolean importsWaitOnTheImportRow();

    /**
     * Returns the statement that takes a lock on an input fingerprint (its one parameter) until the transaction ends,
     * so that two imports refusing duplicate input check the fingerprint in turn; null where writers already take
     * turns for the whole store before their transaction begins (SQLite).
     */
    String fingerprintLockSql();

    /** Returns the bind value for a boolean. */
    Object booleanValue(boolean value);

    /**
     * Returns the predicate on listings {@code l} that {@link io.glyphd.store.ListingQuery#inStock()} asks for, with
     * its values written out rather than bound: it is the WHERE clause of the partial index of in-stock listings,
     * and a planner uses a partial index only for a query whose WHERE clause it can prove implies the index's, which
     * a bound value does not let it prove when it plans the statement.
     */
    String inStock();

    /**
     * Returns {@code column} in a form the planner does not pick an index for, so that a predicate on it is tested on
     * the rows of the range another predicate or the order chose, rather than leading to a seek and a sort of all its
     * matches: for an engine without statistics, which cannot tell which is cheaper.
     */
    String residual(String column);

    /** Returns {@code expression DESC} with nulls sorted last. */
    String descendingNullsLast(String expression);

    /**
     * Returns how this engine selects and reads the listing columns: by default each column as itself, read through
     * the {@code read*} methods below.
     *
     * @param columns the columns, column {@code n} at index {@code n - 1}
     */
    default ListingRow.Layout listingLayout(List<ListingRow.Column> columns) {
        return ListingRow.columns(this, columns);
    }

    /** Reads a text column, or null. */
    default String readText(ResultSet rs, int column) throws SQLException {
        return rs.getString(column);
    }

    /** Reads a price column (never null). */
    BigDecimal readPrice(ResultSet rs, int column) throws SQLException;

    /** Reads an instant column, or null. */
    Instant readInstant(ResultSet rs, int column) throws SQLException;

    /** Reads a boolean column, or null. */
    Boolean readBoolean(ResultSet rs, int column) throws SQLException;

    /** Reads the heuristics column as an immutable map; SQL NULL is empty. */
    Map<String, Object> readHeuristics(ResultSet rs, int column) throws SQLException;

    /**
     * Returns a listing's sightings, one row per import that holds it, oldest import first (by {@code imported_at},
     * ties by the import's storage id). Parameters: the source URL (matched exactly), the model (ignoring ASCII
     * case). Columns: import id, imported_at, the first row's seen_at, price and score, the number of rows.
     */
    String historySql();

    /**
     * Returns the diff of two imports in one statement; see {@link ListingAnalytics} for its output rows.
     * Parameters, in order: the "from" import id, the "to" import id, the most entries per kind.
     */
    String diffSql();

    /**
     * Returns per-model statistics over the listings {@code where} selects, one row per model ordered by the model
     * ignoring ASCII case, then byte-wise. Columns: {@code listingColumns}, then the model's first spelling
     * byte-wise, count, min price, median price, max price, two columns for {@link #readPriceTotal}, average score.
     * The best listing the columns hold is the highest score, ties to the greatest storage id.
     *
     * @param listingColumns the listing columns over aliases {@code l} and {@code i}, see {@link ListingQueries}
     * @param where the filter's {@code WHERE ...} over alias {@code l}, or empty for every listing
     * @param parameters the filter's values, once, in order
     * @param wideSums true for the form whose price sums cannot overflow, after {@link #sumOverflowed} said the
     *        other one did
     */
    Sql modelStats(String listingColumns, String where, List<Object> parameters, boolean wideSums);

    /**
     * Returns the statistics {@link #modelStats} gives for a filter on one import alone, in a form that reads every
     * listing's entry of a model index carrying the import key instead of seeking the import's rows: cheaper once
     * the import holds a large share of the store (see {@link ListingAnalytics}), or null where the dialect has no
     * such form. Its one parameter is the import id; {@code wideSums} as for {@link #modelStats}.
     */
    default Sql modelStatsOfLargeImport(String listingColumns, String importId, boolean wideSums) {
        return null;
    }

    /**
     * Returns true if {@code e}, thrown by a {@link #modelStats} statement made without {@code wideSums}, says that
     * an integer sum overflowed, so that the statement is to run again with them; false where sums cannot overflow.
     */
    default boolean sumOverflowed(SQLException e) {
        return false;
    }

    /** Reads the median a {@link #modelStats} row holds in its median column, in USD, within [min, max]. */
    BigDecimal readMedian(ResultSet rs, int column, BigDecimal min, BigDecimal max) throws SQLException;

    /** Reads the exact sum of prices a {@link #modelStats} row holds in {@code column} and the one after it. */
    BigDecimal readPriceTotal(ResultSet rs, int column) throws SQLException;

    /** Returns the schema version this build creates and works with. */
    int schemaVersion();

    /** Returns a query, with no parameter, of the schema version the storage holds: one row, one integer column. */
    String schemaVersionSql();
}
