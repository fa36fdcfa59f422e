package io.glyphd.store.sqlite;

import io.glyphd.store.internal.JdbcValues;
import io.glyphd.store.internal.JsonCodec;
import io.glyphd.store.internal.ListingRow;
import io.glyphd.store.internal.Prices;
import io.glyphd.store.internal.Sql;
import io.glyphd.store.internal.SqlDialect;
import io.glyphd.store.internal.SqlScript;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * SQLite's side of the seam: prices as INTEGER micro-dollars, instants as INTEGER epoch microseconds, booleans as
 * 0/1, heuristics as JSON text; case-insensitive columns declared COLLATE NOCASE; analytics that lean on SQLite's
 * bare-column rule and its {@code median()}.
 */
final class SqliteDialect implements SqlDialect {
    static final SqliteDialect INSTANCE = new SqliteDialect();

    /**
     * A listing's sightings, one per import. With exactly one min() aggregate, SQLite takes the bare columns
     * (seen_at, price, score) from the row holding min(import_index): the import's first row for the listing.
     * The WHERE clause is a range seek on listings_identity (schema version 2), which also delivers the rows
     * grouped by import_key, so the GROUP BY needs no sort.
     */
    private static final String HISTORY = """
            SELECT i.import_id, i.imported_at, p.seen_at, p.price_micros, p.score, p.row_count
            FROM (SELECT l.import_key, min(l.import_index) AS first_index, l.seen_at, l.price_micros, l.score,
                    count(*) AS row_count
                FROM listings l
                WHERE l.source_url = ? AND l.canonical_model = ?
                GROUP BY l.import_key) p
            JOIN imports i ON i.id = p.import_key
            ORDER BY i.imported_at, i.id""";
    /**
     * Per-model statistics over a filter's listings. %1$s: the listing columns; %2$s: the median aggregate; %3$s:
     * the filter's WHERE clause; %4$s: the same clause followed by AND; %5$s: the price sums ({@link #SUMS}). The
     * filter's values are bound twice, once for the aggregate and once for the best listing. The best listing is
     * the highest score, ties to the row stored last (max id), as SCORE_DESC orders; (canonical_model, score)
     * finds it with one seek per model. The unary + in GROUP BY (which keeps the column's NOCASE collation) stops
     * SQLite from walking a whole model index for the group order with one table lookup per row to test the
     * filter; the filter's own index and a sort of its matches are cheaper.
     */
    private static final String MODEL_STATS = """
            SELECT %1$s, g.canonical_model, g.listing_count, g.min_price, g.median_price, g.max_price,
                g.whole_dollars, g.micro_dollars, g.average_score
            FROM (SELECT min(l.canonical_model COLLATE BINARY) AS canonical_model, count(*) AS listing_count,
                    min(l.price_micros) AS min_price, %2$s AS median_price, max(l.price_micros) AS max_price,
                    %5$s, avg(l.score) AS average_score, max(l.score) AS best_score
                FROM listings l%3$s
                GROUP BY +l.canonical_model) g
            JOIN listings l ON l.id = (SELECT max(l.id) FROM listings l%4$s
                l.canonical_model = g.canonical_model AND l.score = g.best_score)
            JOIN imports i ON i.id = l.import_key
            ORDER BY g.canonical_model COLLATE NOCASE, g.canonical_model""";
    /**
     * Per-model statistics over every listing, the same values as {@link #MODEL_STATS} without a filter. %1$s: the
     * listing columns; %2$s: the median aggregate; %3$s: the price sums. The aggregate is one pass over the
     * covering index (canonical_model, price_micros, id, score), which delivers each model's rows together, so the
     * grouping needs no sort and no table row is read. Min and max price are one seek each per model at either end
     * of that index's model range rather than min()/max() aggregates (which compare every row), and the best listing
     * is one seek per model at the top of (canonical_model, score): ORDER BY score DESC, id DESC is that index
     * backwards.
     */
    private static final String MODEL_STATS_ALL = """
            SELECT %1$s, g.canonical_model, g.listing_count,
                (SELECT min(p.price_micros) FROM listings p WHERE p.canonical_model = g.canonical_model),
                g.median_price,
                (SELECT max(p.price_micros) FROM listings p WHERE p.canonical_model = g.canonical_model),
                g.whole_dollars, g.micro_dollars, g.average_score
            FROM (SELECT min(l.canonical_model COLLATE BINARY) AS canonical_model, count(*) AS listing_count,
                    %2$s AS median_price, %3$s, avg(l.score) AS average_score
                FROM listings l
                GROUP BY l.canonical_model) g
            JOIN listings l ON l.id = (SELECT b.id FROM listings b WHERE b.canonical_model = g.canonical_model
                ORDER BY b.score DESC, b.id DESC LIMIT 1)
            JOIN imports i ON i.id = l.import_key
            ORDER BY g.canonical_model COLLATE NOCASE, g.canonical_model""";
    /**
     * Per-model statistics of one import (the import id is parameter 1), the same values as {@link #MODEL_STATS}
     * with that filter alone. %1$s: the listing columns; %2$s: the median aggregate; %3$s: the price sums. One pass
     * over the covering index (canonical_model, price_micros, id, score, import_key), which tests the import key on
     * each entry (the unary + keeps the import's own index out) and delivers each model's rows together, in price
     * order. Min and max price are a walk from either end of the model's range of that index to the import's first
     * entry, as the best listing is down (canonical_model, score, id, import_key): an import this form is chosen for
     * holds a fifth of the rows or more, so the walk is a few entries, cheaper than two more aggregates per row.
     */
    private static final String MODEL_STATS_IMPORT = """
            SELECT %1$s, g.canonical_model, g.listing_count,
                (SELECT p.price_micros FROM listings p WHERE p.canonical_model = g.canonical_model
                    AND +p.import_key = (SELECT k.id FROM imports k WHERE k.import_id = ?1)
                    ORDER BY p.price_micros LIMIT 1),
                g.median_price,
                (SELECT p.price_micros FROM listings p WHERE p.canonical_model = g.canonical_model
                    AND +p.import_key = (SELECT k.id FROM imports k WHERE k.import_id = ?1)
                    ORDER BY p.price_micros DESC LIMIT 1),
                g.whole_dollars, g.micro_dollars, g.average_score
            FROM (SELECT min(l.canonical_model COLLATE BINARY) AS canonical_model, count(*) AS listing_count,
                    %2$s AS median_price, %3$s, avg(l.score) AS average_score
                FROM listings l
                WHERE +l.import_key = (SELECT k.id FROM imports k WHERE k.import_id = ?1)
                GROUP BY l.canonical_model) g
            JOIN listings l ON l.id = (SELECT b.id FROM listings b WHERE b.canonical_model = g.canonical_model
                AND +b.import_key = (SELECT k.id FROM imports k WHERE k.import_id = ?1)
                ORDER BY b.score DESC, b.id DESC LIMIT 1)
            JOIN imports i ON i.id = l.import_key
            ORDER BY g.canonical_model COLLATE NOCASE, g.canonical_model""";

    /**
     * The current imports: those no import of the same source is newer than (later imported_at, or as late and
     * created later); an import without a source has no equal under =, so it is its own source. One seek per
     * import on imports_source (schema version 3), (source = ? AND imported_at >= ?); the listings are not read.
     */
    private static final String CURRENT_IMPORTS = "SELECT ci.id FROM imports ci WHERE NOT EXISTS (SELECT 1"
            + " FROM imports cj WHERE cj.source = ci.source AND (cj.imported_at, cj.id) > (ci.imported_at, ci.id))";

    /** See import_diff.sql: parameters from import id, to import id, limit per kind. */
    private static final String IMPORT_DIFF = single(SqlScript.load(SqliteDialect.class, "import_diff.sql"));
    private static final String MEDIAN = "median(l.price_micros)";
    /**
     * The sum of a model's prices, as the two columns {@link #readPriceTotal} reads: one integer sum of micro-dollars,
     * which overflows 64 bits only past about 9.2 trillion USD per model (nine listings at the largest price a
     * listing may have), when SQLite's sum() fails with "integer overflow" instead of wrapping around.
     */
    private static final String SUMS = "0 AS whole_dollars, sum(l.price_micros) AS micro_dollars";
    /** The same sum as whole dollars and remaining micro-dollars: no overflow before about 9 million such listings. */
    private static final String WIDE_SUMS = "sum(l.price_micros / 1000000) AS whole_dollars,"
            + " sum(l.price_micros % 1000000) AS micro_dollars";

    private SqliteDialect() {
    }

    private static String single(List<String> statements) {
        if (statements.size() != 1) {
            throw new IllegalStateException("import_diff.sql must hold one statement, holds " + statements.size());
        }
        return statements.get(0);
    }

    static long toMicros(BigDecimal price) {
        return Prices.toMicros(price);
    }

    @Override
    public String priceColumn() {
        return "price_micros";
    }

    @Override
    public Object priceLowerBound(BigDecimal price) {
        return saturate(price.movePointRight(Prices.MICROS_SCALE).setScale(0, RoundingMode.CEILING));
    }

    @Override
    public Object priceUpperBound(BigDecimal price) {
        return saturate(price.movePointRight(Prices.MICROS_SCALE).setScale(0, RoundingMode.FLOOR));
    }

    private static long saturate(BigDecimal micros) {
        return micros.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0 ? Long.MAX_VALUE : micros.longValueExact();
    }

    @Override
    public Object priceKeyValue(long micros) {
        return micros;
    }

    @Override
    public Object instantValue(Instant instant) {
        // Bounds may lie outside the range a Listing accepts; clamp rather than overflow.
        if (instant.getEpochSecond() > Long.MAX_VALUE / 1_000_000L - 1) {
            return Long.MAX_VALUE;
        }
        if (instant.getEpochSecond() < Long.MIN_VALUE / 1_000_000L + 1) {
            return Long.MIN_VALUE;
        }
        return JdbcValues.toEpochMicros(instant);
    }

    @Override
    public String equalsIgnoringCase(String column) {
        // NOCASE folds ASCII letters only. model, region and condition are declared COLLATE NOCASE, so their indexes
        // serve the comparison; for the other columns it names the collation the column lacks.
        return column + " = ? COLLATE NOCASE";
    }

    @Override
    public String inIgnoringCase(String column, int count) {
        return column + " COLLATE NOCASE IN (" + String.join(", ", Collections.nCopies(count, "?")) + ")";
    }

    @Override
    public String equalIgnoringCase(String column, String otherColumn) {
        return column + " = " + otherColumn + " COLLATE NOCASE";
    }

    /**
     * {@inheritDoc} The arm as it is: SQLite merges the arms of a compound SELECT by its ORDER BY (MERGE (UNION ALL) in
     * its plans) and reads each only as far as the statement's LIMIT; an arm may not have an ORDER BY of its own.
     */
    @Override
    public Sql mergeArm(Sql arm, String orderBy, long rows) {
        return arm;
    }

    @Override
    public boolean importsWaitOnTheImportRow() {
        return false;
    }

    @Override
    public String fingerprintLockSql() {
        return null;
    }

    @Override
    public String currentImports() {
        return CURRENT_IMPORTS;
    }

    @Override
    public Object booleanValue(boolean value) {
        return value ? 1 : 0;
    }

    /** {@inheritDoc} The WHERE clause of the listings_in_stock_* indexes (schema version 6), term for term. */
    @Override
    public String inStock() {
        return "(l.availability = 'Available' COLLATE NOCASE OR (l.availability IS NULL AND l.quantity >= 1))";
    }

    /** {@inheritDoc} SQLite's unary {@code +}: the store never runs ANALYZE, so its planner guesses blind. */
    @Override
    public String residual(String column) {
        return "+" + column;
    }

    @Override
    public String descendingNullsLast(String expression) {
        return expression + " DESC";
    }

    /** Packs the text and integer columns into one value; see {@link PackedListingColumns}. */
    @Override
    public ListingRow.Layout listingLayout(List<ListingRow.Column> columns) {
        return new PackedListingColumns(columns);
    }

    /**
     * Reads the text's UTF-8 bytes and decodes them here: sqlite-jdbc's {@code getString} wraps the value in a direct
     * {@code ByteBuffer} made through JNI and copies it out before decoding, which made text columns the largest
     * cost of mapping a row; {@code getBytes} is one JNI call returning an array (null for SQL NULL, empty for
     * empty text). The database's text encoding is UTF-8, the default, which the store never changes.
     */
    @Override
    public String readText(ResultSet rs, int column) throws SQLException {
        byte[] utf8 = rs.getBytes(column);
        return utf8 == null ? null : new String(utf8, StandardCharsets.UTF_8);
    }

    @Override
    public BigDecimal readPrice(ResultSet rs, int column) throws SQLException {
        return Prices.fromMicros(rs.getLong(column));
    }

    @Override
    public Instant readInstant(ResultSet rs, int column) throws SQLException {
        return JdbcValues.getInstantMicros(rs, column);
    }

    @Override
    public Boolean readBoolean(ResultSet rs, int column) throws SQLException {
        return JdbcValues.getBoolean01(rs, column);
    }

    @Override
    public Map<String, Object> readHeuristics(ResultSet rs, int column) throws SQLException {
        return JsonCodec.readStoredObject(readText(rs, column));
    }

    @Override
    public String historySql() {
        return HISTORY;
    }

    @Override
    public String diffSql() {
        return IMPORT_DIFF;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Without a filter, {@link #MODEL_STATS_ALL}; with one, {@link #MODEL_STATS}, which binds the filter's values
     * twice. The median comes from SQLite's {@code median()}, built into the SQLite 3.54 that sqlite-jdbc 3.54.1.0
     * bundles; it works on doubles, so it is exact while the two middle values are below 2^52 micro-dollars.
     */
    @Override
    public Sql modelStats(String listingColumns, String where, List<Object> parameters, boolean wideSums) {
        if (where.isEmpty()) {
            return new Sql(MODEL_STATS_ALL.formatted(listingColumns, MEDIAN, sums(wideSums)), List.of());
        }
        String text = MODEL_STATS.formatted(listingColumns, MEDIAN, where, where + " AND", sums(wideSums));
        List<Object> twice = new ArrayList<>(parameters);
        twice.addAll(parameters);
        return new Sql(text, twice);
    }

    @Override
    public Sql modelStatsOfLargeImport(String listingColumns, String importId, boolean wideSums) {
        return new Sql(MODEL_STATS_IMPORT.formatted(listingColumns, MEDIAN, sums(wideSums)), List.of(importId));
    }

    private static String sums(boolean wide) {
        return wide ? WIDE_SUMS : SUMS;
    }

    /** {@inheritDoc} SQLite's sum() of integers fails with SQLITE_ERROR "integer overflow" rather than wrap. */
    @Override
    public boolean sumOverflowed(SQLException e) {
        return e instanceof SQLiteException sqlite && sqlite.getResultCode() == SQLiteErrorCode.SQLITE_ERROR
                && String.valueOf(e.getMessage()).contains("integer overflow");
    }

    @Override
    public BigDecimal readMedian(ResultSet rs, int column, BigDecimal min, BigDecimal max) throws SQLException {
        return median(rs.getDouble(column), Prices.toMicros(min), Prices.toMicros(max));
    }

    /**
     * Returns the median that {@code median()} computed in micro-dollars as USD: exact (to half a micro-dollar)
     * below 2^52 micro-dollars; above, the nearest double, kept within [min, max].
     */
    static BigDecimal median(double micros, long min, long max) {
        BigDecimal value = new BigDecimal(micros);
        if (value.compareTo(BigDecimal.valueOf(min)) < 0) {
            value = BigDecimal.valueOf(min);
        } else if (value.compareTo(BigDecimal.valueOf(max)) > 0) {
            value = BigDecimal.valueOf(max);
        }
        return Prices.fromMicros(value);
    }

    /** Whole dollars and remaining micro-dollars, summed apart so that neither overflows 64 bits. */
    @Override
    public BigDecimal readPriceTotal(ResultSet rs, int column) throws SQLException {
        return BigDecimal.valueOf(rs.getLong(column))
                .add(BigDecimal.valueOf(rs.getLong(column + 1)).movePointLeft(Prices.MICROS_SCALE));
    }

    @Override
    public int schemaVersion() {
        return SqliteSchema.CURRENT_VERSION;
    }

    @Override
    public String schemaVersionSql() {
        return "PRAGMA user_version";
    }
}
