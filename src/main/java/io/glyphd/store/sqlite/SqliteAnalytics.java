package io.glyphd.store.sqlite;

import io.glyphd.store.ImportDiff;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.ModelStats;
import io.glyphd.store.PricePoint;
import io.glyphd.store.UnknownImportException;
import io.glyphd.store.internal.JdbcValues;
import io.glyphd.store.internal.Sql;
import io.glyphd.store.internal.SqlScript;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The analytics side of the SQLite backend: a listing's history, the diff of two imports and per-model statistics.
 * Each is one statement, so it reads one snapshot of the store even in auto-commit mode. Stateless.
 */
final class SqliteAnalytics {

    /**
     * A listing's sightings, one per import. With exactly one min() aggregate, SQLite takes the bare columns
     * (seen_at, price, score) from the row holding min(import_index): the import's first row for the listing.
     * The WHERE clause is a range seek on listings_identity (schema version 2), which also delivers the rows
     * grouped by import_key, so the GROUP BY needs no sort.
     */
    static final String HISTORY = """
            SELECT i.import_id, i.imported_at, p.seen_at, p.price_micros, p.score, p.row_count
            FROM (SELECT l.import_key, min(l.import_index) AS first_index, l.seen_at, l.price_micros, l.score,
                    count(*) AS row_count
                FROM listings l
                WHERE l.source_url = ? AND l.canonical_model = ?
                GROUP BY l.import_key) p
            JOIN imports i ON i.id = p.import_key
            ORDER BY i.imported_at, i.id""";

    /** See import_diff.sql: parameters from import id, to import id, limit per kind. */
    static final String IMPORT_DIFF = single(SqlScript.load(SqliteAnalytics.class, "import_diff.sql"));

    /**
     * Per-model statistics over a filter's listings. %1$s: the listing columns; %2$s: the median aggregate; %3$s:
     * the filter's WHERE clause; %4$s: the same clause followed by AND. The filter's values are bound twice, once
     * for the aggregate and once for the best listing. The best listing is the highest score, ties to the row
     * stored last (max id), as SCORE_DESC orders; (canonical_model, score) finds it with one seek per model. Prices
     * are summed as whole dollars and remaining micro-dollars so that the sum cannot overflow 64 bits before
     * about 9 million listings at the largest price a listing may have. The unary + in GROUP BY (which keeps the
     * column's NOCASE collation) stops SQLite from walking a whole model index for the group order with one table
     * lookup per row to test the filter; the filter's own index and a sort of its matches are cheaper.
     */
    private static final String MODEL_STATS = """
            SELECT %1$s, g.canonical_model, g.listing_count, g.min_price, g.median_price, g.max_price,
                g.whole_dollars, g.micro_dollars, g.average_score
            FROM (SELECT min(l.canonical_model COLLATE BINARY) AS canonical_model, count(*) AS listing_count,
                    min(l.price_micros) AS min_price, %2$s AS median_price, max(l.price_micros) AS max_price,
                    sum(l.price_micros / 1000000) AS whole_dollars, sum(l.price_micros %% 1000000) AS micro_dollars,
                    avg(l.score) AS average_score, max(l.score) AS best_score
                FROM listings l%3$s
                GROUP BY +l.canonical_model) g
            JOIN listings l ON l.id = (SELECT max(l.id) FROM listings l%4$s
                l.canonical_model = g.canonical_model AND l.score = g.best_score)
            JOIN imports i ON i.id = l.import_key
            ORDER BY g.canonical_model COLLATE NOCASE, g.canonical_model""";

    /**
     * Per-model statistics over every listing, the same values as {@link #MODEL_STATS} without a filter. %1$s: the
     * listing columns; %2$s: the median aggregate. The aggregate is one pass over the covering index
     * (canonical_model, price_micros, id, score), which delivers each model's rows together, so the grouping needs
     * no sort and no table row is read. Min and max price are one seek each per model at either end of that
     * index's model range rather than min()/max() aggregates (which compare every row), and the best listing is one
     * seek per model at the top of (canonical_model, score): ORDER BY score DESC, id DESC is that index backwards.
     */
    private static final String MODEL_STATS_ALL = """
            SELECT %1$s, g.canonical_model, g.listing_count,
                (SELECT min(p.price_micros) FROM listings p WHERE p.canonical_model = g.canonical_model),
                g.median_price,
                (SELECT max(p.price_micros) FROM listings p WHERE p.canonical_model = g.canonical_model),
                g.whole_dollars, g.micro_dollars, g.average_score
            FROM (SELECT min(l.canonical_model COLLATE BINARY) AS canonical_model, count(*) AS listing_count,
                    %2$s AS median_price,
                    sum(l.price_micros / 1000000) AS whole_dollars, sum(l.price_micros %% 1000000) AS micro_dollars,
                    avg(l.score) AS average_score
                FROM listings l
                GROUP BY l.canonical_model) g
            JOIN listings l ON l.id = (SELECT b.id FROM listings b WHERE b.canonical_model = g.canonical_model
                ORDER BY b.score DESC, b.id DESC LIMIT 1)
            JOIN imports i ON i.id = l.import_key
            ORDER BY g.canonical_model COLLATE NOCASE, g.canonical_model""";
    /** First column after the listing columns in {@link #MODEL_STATS}. */
    private static final int STATS = 30;

    private static final int ADDED = 1;
    private static final int REMOVED = 2;
    private static final int CHANGED = 3;
    private static final int UNCHANGED = 0;

    private SqliteAnalytics() {
    }

    private static String single(List<String> statements) {
        if (statements.size() != 1) {
            throw new IllegalStateException("import_diff.sql must hold one statement, holds " + statements.size());
        }
        return statements.get(0);
    }

    static List<PricePoint> history(Connection connection, String sourceUrl, String canonicalModel)
            throws SQLException {
        List<PricePoint> points = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(HISTORY)) {
            statement.setString(1, sourceUrl);
            statement.setString(2, canonicalModel);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    points.add(new PricePoint(rs.getString(1), JdbcValues.fromEpochMicros(rs.getLong(2)),
                            JdbcValues.getInstantMicros(rs, 3), SqliteDialect.fromMicros(rs.getLong(4)),
                            rs.getDouble(5), rs.getInt(6)));
                }
            }
        }
        return points;
    }

    static ImportDiff diff(Connection connection, Path file, String fromImportId, String toImportId, int limit)
            throws SQLException {
        long[] counts = new long[4];
        List<ImportDiff.Entry> added = new ArrayList<>();
        List<ImportDiff.Entry> removed = new ArrayList<>();
        List<ImportDiff.Change> changed = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(IMPORT_DIFF)) {
            statement.setString(1, fromImportId);
            statement.setString(2, toImportId);
            statement.setInt(3, limit);
            try (ResultSet rs = statement.executeQuery()) {
                boolean first = true;
                while (rs.next()) {
                    if (first) {
                        checkImportsExist(rs, file, fromImportId, toImportId);
                        first = false;
                    }
                    int kind = rs.getInt(3);
                    if (rs.wasNull()) {
                        continue;
                    }
                    Long total = JdbcValues.getLong(rs, 4);
                    if (total != null) {
                        counts[kind] = total;
                    } else if (kind == ADDED) {
                        added.add(entry(rs, 10));
                    } else if (kind == REMOVED) {
                        removed.add(entry(rs, 7));
                    } else if (kind == CHANGED) {
                        changed.add(new ImportDiff.Change(rs.getString(5), rs.getString(6),
                                SqliteDialect.fromMicros(rs.getLong(7)), SqliteDialect.fromMicros(rs.getLong(10)),
                                rs.getDouble(8), rs.getDouble(11), rs.getInt(9), rs.getInt(12)));
                    }
                }
            }
        }
        return new ImportDiff(fromImportId, toImportId, counts[ADDED], counts[REMOVED], counts[CHANGED],
                counts[UNCHANGED], added, removed, changed);
    }

    private static void checkImportsExist(ResultSet rs, Path file, String fromImportId, String toImportId)
            throws SQLException {
        boolean fromExists = rs.getObject(1) != null;
        boolean toExists = rs.getObject(2) != null;
        if (fromExists && toExists) {
            return;
        }
        String missing = !fromExists && !toExists ? "imports " + fromImportId + " and " + toImportId
                : "import " + (fromExists ? toImportId : fromImportId);
        throw new UnknownImportException("Cannot diff import " + fromImportId + " against import " + toImportId
                + " in " + file + ": there is no " + missing, fromExists ? toImportId : fromImportId);
    }

    /** Maps the source URL and model, then the price, score and row count starting at {@code column}. */
    private static ImportDiff.Entry entry(ResultSet rs, int column) throws SQLException {
        return new ImportDiff.Entry(rs.getString(5), rs.getString(6), SqliteDialect.fromMicros(rs.getLong(column)),
                rs.getDouble(column + 1), rs.getInt(column + 2));
    }

    /** Returns the statistics statement for a filter, with the filter's values bound twice. */
    static Sql modelStatsSql(ListingQuery filter) {
        List<Object> parameters = new ArrayList<>();
        StringBuilder where = new StringBuilder();
        SqliteQueries.LISTING_SQL.appendWhere(where, filter, parameters);
        if (where.length() == 0) {
            return new Sql(MODEL_STATS_ALL.formatted(SqliteQueries.LISTING_COLUMNS,
                    SqliteDialect.INSTANCE.median("l.price_micros")), List.of());
        }
        String text = MODEL_STATS.formatted(SqliteQueries.LISTING_COLUMNS,
                SqliteDialect.INSTANCE.median("l.price_micros"), where,
                where.length() == 0 ? " WHERE" : where + " AND");
        List<Object> twice = new ArrayList<>(parameters);
        twice.addAll(parameters);
        return new Sql(text, twice);
    }

    static List<ModelStats> modelStats(Connection connection, ListingQuery filter) throws SQLException {
        Sql sql = modelStatsSql(filter);
        List<ModelStats> stats = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql.text())) {
            sql.bind(statement);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    stats.add(mapModelStats(rs));
                }
            }
        }
        return stats;
    }

    private static ModelStats mapModelStats(ResultSet rs) throws SQLException {
        long count = rs.getLong(STATS + 1);
        long min = rs.getLong(STATS + 2);
        long max = rs.getLong(STATS + 4);
        BigDecimal totalMicros = BigDecimal.valueOf(rs.getLong(STATS + 5))
                .movePointRight(SqliteDialect.MICROS_SCALE)
                .add(BigDecimal.valueOf(rs.getLong(STATS + 6)));
        BigDecimal averageMicros = totalMicros.divide(BigDecimal.valueOf(count), 0, RoundingMode.HALF_EVEN);
        return new ModelStats(rs.getString(STATS), count, SqliteDialect.fromMicros(min),
                median(rs.getDouble(STATS + 3), min, max), SqliteDialect.fromMicros(max),
                SqliteDialect.fromMicros(averageMicros),
                rs.getDouble(STATS + 7), SqliteQueries.mapListing(rs));
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
        return SqliteDialect.fromMicros(value);
    }
}
