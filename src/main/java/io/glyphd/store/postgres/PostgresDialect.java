package io.glyphd.store.postgres;

import io.glyphd.store.Listing;
import io.glyphd.store.internal.JsonCodec;
import io.glyphd.store.internal.Prices;
import io.glyphd.store.internal.Sql;
import io.glyphd.store.internal.SqlDialect;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * PostgreSQL's side of the seam: prices as {@code numeric(19,6)}, instants as {@code timestamptz}, booleans as
 * {@code boolean}, heuristics as {@code jsonb}. Text matched ignoring case is declared {@code COLLATE "C"}, where
 * {@code lower()} folds ASCII letters only (as SQLite's NOCASE does) and the {@code lower(column)} indexes serve the
 * match. Analytics use {@code DISTINCT ON} where SQLite uses its bare-column rule.
 */
final class PostgresDialect implements SqlDialect {
    static final PostgresDialect INSTANCE = new PostgresDialect();

    /** "GLYF" in ASCII: the first key of the fingerprint lock, apart from the schema lock's "GLYP". */
    private static final int FINGERPRINT_LOCK_CLASS_ID = 0x474C5946;
    /** Above every price a listing may have; price bounds beyond it are clamped so that no huge number is sent. */
    private static final BigDecimal PRICE_CEILING = Listing.MAX_PRICE.add(BigDecimal.ONE);
    /** timestamptz holds 4713 BC to 294276 AD; bounds beyond are clamped. */
    private static final Instant EARLIEST = Instant.parse("-4712-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("+294275-12-31T00:00:00Z");

    /**
     * A listing's sightings: DISTINCT ON keeps each import's first row (lowest import_index) and the window counts
     * its rows. The WHERE clause is a range seek on listings_identity, which also delivers the rows in the DISTINCT
     * ON order.
     */
    private static final String HISTORY = """
            SELECT i.import_id, i.imported_at, p.seen_at, p.price, p.score, p.row_count
            FROM (SELECT DISTINCT ON (l.import_key) l.import_key, l.seen_at, l.price, l.score,
                    count(*) OVER (PARTITION BY l.import_key) AS row_count
                FROM listings l
                WHERE l.source_url = ? AND lower(l.canonical_model) = lower(CAST(? AS text) COLLATE "C")
                ORDER BY l.import_key, l.import_index) p
            JOIN imports i ON i.id = p.import_key
            ORDER BY i.imported_at, i.id""";

    /**
     * The diff of two imports; the output rows are described in {@code ListingAnalytics}. Each side is one row per
     * listing identity (its first row, by DISTINCT ON) read through the (import_key, import_index) key; the two
     * sides meet in a FULL JOIN, which PostgreSQL runs as a hash or merge join.
     */
    private static final String IMPORT_DIFF = """
            WITH keys AS (
                SELECT (SELECT id FROM imports WHERE import_id = ?) AS from_key,
                    (SELECT id FROM imports WHERE import_id = ?) AS to_key,
                    CAST(? AS integer) AS max_entries),
            from_points AS (
                SELECT DISTINCT ON (l.source_url, lower(l.canonical_model)) l.source_url, l.canonical_model,
                    lower(l.canonical_model) AS model_key, l.price, l.score,
                    count(*) OVER (PARTITION BY l.source_url, lower(l.canonical_model)) AS row_count
                FROM listings l
                WHERE l.import_key = (SELECT from_key FROM keys) AND l.source_url <> ''
                ORDER BY l.source_url, lower(l.canonical_model), l.import_index),
            to_points AS (
                SELECT DISTINCT ON (l.source_url, lower(l.canonical_model)) l.source_url, l.canonical_model,
                    lower(l.canonical_model) AS model_key, l.price, l.score,
                    count(*) OVER (PARTITION BY l.source_url, lower(l.canonical_model)) AS row_count
                FROM listings l
                WHERE l.import_key = (SELECT to_key FROM keys) AND l.source_url <> ''
                ORDER BY l.source_url, lower(l.canonical_model), l.import_index),
            classified AS (
                SELECT CASE WHEN f.source_url IS NULL THEN 1 WHEN t.source_url IS NULL THEN 2
                        WHEN f.price <> t.price OR f.score <> t.score THEN 3 ELSE 0 END AS kind,
                    coalesce(t.source_url, f.source_url) AS source_url,
                    coalesce(t.canonical_model, f.canonical_model) AS canonical_model,
                    coalesce(t.model_key, f.model_key) AS model_key,
                    f.price AS from_price, f.score AS from_score, f.row_count AS from_rows,
                    t.price AS to_price, t.score AS to_score, t.row_count AS to_rows
                FROM from_points f FULL JOIN to_points t ON t.source_url = f.source_url AND t.model_key = f.model_key),
            output AS (
                SELECT kind, count(*) AS total, NULL AS source_url, NULL AS canonical_model, NULL AS model_key,
                    NULL::numeric AS from_price, NULL::float8 AS from_score, NULL::bigint AS from_rows,
                    NULL::numeric AS to_price, NULL::float8 AS to_score, NULL::bigint AS to_rows
                FROM classified GROUP BY kind
                UNION ALL
                (SELECT kind, NULL, source_url, canonical_model, model_key, from_price, from_score, from_rows,
                    to_price, to_score, to_rows FROM classified WHERE kind = 1
                    ORDER BY source_url COLLATE "C", model_key COLLATE "C" LIMIT (SELECT max_entries FROM keys))
                UNION ALL
                (SELECT kind, NULL, source_url, canonical_model, model_key, from_price, from_score, from_rows,
                    to_price, to_score, to_rows FROM classified WHERE kind = 2
                    ORDER BY source_url COLLATE "C", model_key COLLATE "C" LIMIT (SELECT max_entries FROM keys))
                UNION ALL
                (SELECT kind, NULL, source_url, canonical_model, model_key, from_price, from_score, from_rows,
                    to_price, to_score, to_rows FROM classified WHERE kind = 3
                    ORDER BY source_url COLLATE "C", model_key COLLATE "C" LIMIT (SELECT max_entries FROM keys)))
            SELECT k.from_key, k.to_key, o.kind, o.total, o.source_url, o.canonical_model, o.from_price, o.from_score,
                o.from_rows, o.to_price, o.to_score, o.to_rows
            FROM keys k LEFT JOIN output o ON true
            ORDER BY o.kind, o.total IS NULL, o.source_url COLLATE "C", o.model_key COLLATE "C\"""";

    /**
     * Per-model statistics of all listings. %1$s: the listing columns. One pass over listings_model_price, which
     * carries score and canonical_model (INCLUDE) so that the pass reads the index alone (an index-only scan, given a
     * visibility map as VACUUM leaves it), groups in index order with no sort and aggregates only what needs every
     * row: count, sum, average score, first spelling. The rest are seeks into the model's range of the same index:
     * min and max price at its ends, and the exact median by stepping to the middle (one row when the count is odd,
     * the two middle rows when it is even, their mean taken in numeric; the same rows as percentile_disc at 0.5 and
     * just above it, without sorting a million prices); the best listing is one seek per model at the top of
     * (lower(canonical_model), score, id).
     */
    private static final String MODEL_STATS_ALL = """
            SELECT %1$s, g.canonical_model, g.listing_count, lo.price, (m.low + m.high) / 2, hi.price, g.total_price,
                NULL, g.average_score
            FROM (SELECT lower(l.canonical_model) AS model_key, min(l.canonical_model) AS canonical_model,
                    count(*) AS listing_count, sum(l.price) AS total_price, avg(l.score) AS average_score
                FROM listings l GROUP BY lower(l.canonical_model)) g
            CROSS JOIN LATERAL (SELECT l.price FROM listings l WHERE lower(l.canonical_model) = g.model_key
                ORDER BY l.price ASC LIMIT 1) lo
            CROSS JOIN LATERAL (SELECT l.price FROM listings l WHERE lower(l.canonical_model) = g.model_key
                ORDER BY l.price DESC LIMIT 1) hi
            CROSS JOIN LATERAL (SELECT min(p.price) AS low, max(p.price) AS high
                FROM (SELECT l.price FROM listings l WHERE lower(l.canonical_model) = g.model_key
                    ORDER BY l.price ASC OFFSET (g.listing_count - 1) / 2 LIMIT 2 - g.listing_count %% 2) p) m
            CROSS JOIN LATERAL (SELECT b.* FROM listings b WHERE lower(b.canonical_model) = g.model_key
                ORDER BY b.score DESC, b.id DESC LIMIT 1) l
            JOIN imports i ON i.id = l.import_key
            ORDER BY g.model_key, g.canonical_model""";

    /**
     * Per-model statistics of the listings a filter selects. %1$s: the listing columns; %2$s: the filter's WHERE
     * clause; %3$s: the same clause followed by AND. The filter's values are bound twice. The filter's index finds
     * the rows; the median is exact: one sort per model yields both middle prices (percentile_disc at 0.5 and just
     * above it, which picks the next row when the count is even and the same row when it is odd, for any count below
     * 10^11), and their mean is taken in numeric. The best listing is one seek per model on
     * (lower(canonical_model), score, id) at the model's best score.
     */
    private static final String MODEL_STATS = """
            SELECT %1$s, g.canonical_model, g.listing_count, g.min_price, (g.middle[1] + g.middle[2]) / 2,
                g.max_price, g.total_price, NULL, g.average_score
            FROM (SELECT min(l.canonical_model) AS canonical_model, lower(l.canonical_model) AS model_key,
                    count(*) AS listing_count, min(l.price) AS min_price, max(l.price) AS max_price,
                    percentile_disc(ARRAY[0.5, 0.5 + 1e-12]) WITHIN GROUP (ORDER BY l.price) AS middle,
                    sum(l.price) AS total_price, avg(l.score) AS average_score, max(l.score) AS best_score
                FROM listings l%2$s
                GROUP BY lower(l.canonical_model)) g
            JOIN listings l ON l.id = (SELECT max(l.id) FROM listings l%3$s
                lower(l.canonical_model) = g.model_key AND l.score = g.best_score)
            JOIN imports i ON i.id = l.import_key
            ORDER BY g.model_key, g.canonical_model""";

    /**
     * The current imports: per source, the first by (imported_at, id) descending, read backwards from imports_source
     * (source, imported_at, id) with no sort; then every import without a source, each its own source. Written with
     * DISTINCT ON rather than SQLite's NOT EXISTS because the planner estimates DISTINCT ON from the number of
     * distinct sources, which it knows, while it estimates the anti-join at about two thirds of all imports: at 1% of
     * the listings it would then read every listing to count the current market.
     */
    private static final String CURRENT_IMPORTS = """
            SELECT newest.id FROM (SELECT DISTINCT ON (ci.source) ci.id FROM imports ci WHERE ci.source IS NOT NULL
                ORDER BY ci.source DESC, ci.imported_at DESC, ci.id DESC) newest
            UNION ALL SELECT ci.id FROM imports ci WHERE ci.source IS NULL""";

    private PostgresDialect() {
    }

    @Override
    public String priceColumn() {
        return "price";
    }

    @Override
    public Object priceLowerBound(BigDecimal price) {
        return clampPrice(price).setScale(Prices.MICROS_SCALE, RoundingMode.CEILING);
    }

    @Override
    public Object priceUpperBound(BigDecimal price) {
        return clampPrice(price).setScale(Prices.MICROS_SCALE, RoundingMode.FLOOR);
    }

    private static BigDecimal clampPrice(BigDecimal price) {
        return price.compareTo(PRICE_CEILING) > 0 ? PRICE_CEILING : price;
    }

    @Override
    public Object priceKeyValue(long micros) {
        return BigDecimal.valueOf(micros, Prices.MICROS_SCALE);
    }

    @Override
    public Object instantValue(Instant instant) {
        Instant clamped = instant.isBefore(EARLIEST) ? EARLIEST : instant.isAfter(LATEST) ? LATEST : instant;
        // Truncated as SQLite's epoch microseconds are; timestamptz would round to the microsecond instead.
        return OffsetDateTime.ofInstant(clamped.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
    }

    @Override
    public String equalsIgnoringCase(String column) {
        return "lower(" + column + ") = lower(CAST(? AS text) COLLATE \"C\")";
    }

    @Override
    public String inIgnoringCase(String column, int count) {
        return "lower(" + column + ") IN (" + String.join(", ",
                Collections.nCopies(count, "lower(CAST(? AS text) COLLATE \"C\")")) + ")";
    }

    @Override
    public String equalIgnoringCase(String column, String otherColumn) {
        return "lower(" + column + ") = lower(" + otherColumn + ")";
    }

    /**
     * {@inheritDoc} A parenthesised SELECT with the arm's own ORDER BY and LIMIT: over such arms PostgreSQL runs a
     * Merge Append of each model's index scan. Without the ORDER BY the arm's WHERE clause does not make its index
     * order usable, and it appends the arms and sorts every match; without the LIMIT it plans each arm as if all its
     * rows were read, and may sort each one whole.
     */
    @Override
    public Sql mergeArm(Sql arm, String orderBy, long rows) {
        List<Object> parameters = new ArrayList<>(arm.parameters());
        parameters.add(rows);
        return new Sql("(" + arm.text() + " ORDER BY " + orderBy + " LIMIT ?)", parameters);
    }

    @Override
    public boolean importsWaitOnTheImportRow() {
        return true;
    }

    /**
     * Takes the advisory lock ("GLYF", hash of schema and fingerprint) until the transaction ends: imports of other
     * ids run in parallel, so without it two imports of one input would both find no holder. A hash collision only
     * makes two imports of different inputs take turns.
     */
    @Override
    public String fingerprintLockSql() {
        return "SELECT pg_advisory_xact_lock(" + FINGERPRINT_LOCK_CLASS_ID
                + ", hashtext(current_schema() || ' ' || ?))";
    }

    @Override
    public String currentImports() {
        return CURRENT_IMPORTS;
    }

    @Override
    public Object booleanValue(boolean value) {
        return value;
    }

    /** {@inheritDoc} The WHERE clause of the listings_in_stock_* indexes (schema version 3), term for term. */
    @Override
    public String inStock() {
        return "(lower(l.availability) = 'available' OR (l.availability IS NULL AND l.quantity >= 1))";
    }

    /** {@inheritDoc} PostgreSQL has statistics and weighs the choice itself: the column as it is. */
    @Override
    public String residual(String column) {
        return column;
    }

    @Override
    public String descendingNullsLast(String expression) {
        return expression + " DESC NULLS LAST";
    }

    @Override
    public BigDecimal readPrice(ResultSet rs, int column) throws SQLException {
        return Prices.normalize(rs.getBigDecimal(column));
    }

    @Override
    public Instant readInstant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    @Override
    public Boolean readBoolean(ResultSet rs, int column) throws SQLException {
        boolean value = rs.getBoolean(column);
        return !value && rs.wasNull() ? null : value;
    }

    @Override
    public Map<String, Object> readHeuristics(ResultSet rs, int column) throws SQLException {
        return JsonCodec.readStoredObject(rs.getString(column));
    }

    @Override
    public String historySql() {
        return HISTORY;
    }

    @Override
    public String diffSql() {
        return IMPORT_DIFF;
    }

    /** {@inheritDoc} Sums are numeric, which cannot overflow: {@code wideSums} changes nothing. */
    @Override
    public Sql modelStats(String listingColumns, String where, List<Object> parameters, boolean wideSums) {
        if (where.isEmpty()) {
            return new Sql(MODEL_STATS_ALL.formatted(listingColumns), List.of());
        }
        String text = MODEL_STATS.formatted(listingColumns, where, where + " AND");
        List<Object> twice = new ArrayList<>(parameters);
        twice.addAll(parameters);
        return new Sql(text, twice);
    }

    @Override
    public BigDecimal readMedian(ResultSet rs, int column, BigDecimal min, BigDecimal max) throws SQLException {
        return Prices.normalize(rs.getBigDecimal(column));
    }

    @Override
    public BigDecimal readPriceTotal(ResultSet rs, int column) throws SQLException {
        return rs.getBigDecimal(column);
    }

    @Override
    public int schemaVersion() {
        return PostgresSchema.CURRENT_VERSION;
    }

    @Override
    public String schemaVersionSql() {
        return "SELECT max(version) FROM glyphd_store_schema";
    }
}
