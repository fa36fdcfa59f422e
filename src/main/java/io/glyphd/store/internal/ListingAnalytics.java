package io.glyphd.store.internal;

import io.glyphd.store.ImportDiff;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.ModelStats;
import io.glyphd.store.PricePoint;
import io.glyphd.store.UnknownImportException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The analytics every backend shares: a listing's history, the diff of two imports and per-model statistics. Each is
 * one statement whose text comes from the {@link SqlDialect} (the best form differs per engine) and whose rows are
 * mapped here, so the results are the same on every backend. One statement reads one snapshot of the store.
 *
 * <p>Rows of {@link SqlDialect#diffSql()}: every row carries the two import keys in columns 1 and 2 (null when that
 * import does not exist); then one row per non-empty kind (column 3: 1 added, 2 removed, 3 changed, 0 unchanged)
 * with its exact count in column 4, and up to the limit of entries per listed kind with a null count: source URL
 * (5), model (6), then the "from" price, score and row count (7-9) and the "to" ones (10-12). Immutable.
 */
public final class ListingAnalytics {
    private static final int ADDED = 1;
    private static final int REMOVED = 2;
    private static final int CHANGED = 3;
    private static final int UNCHANGED = 0;
    /** First column after the listing columns in a {@link SqlDialect#modelStats} row. */
    private static final int STATS = 31;

    private static final String LARGE_SHARE = "SELECT i.record_count * 5 >= (SELECT sum(a.record_count)"
            + " FROM imports a) FROM imports i WHERE i.import_id = ?";

    private final ListingQueries queries;
    private final SqlDialect dialect;

    /** Creates the analytics of one backend. */
    public ListingAnalytics(ListingQueries queries) {
        this.queries = queries;
        this.dialect = queries.dialect();
    }

    /** Returns a listing's price points, oldest import first. */
    public List<PricePoint> history(Connection connection, String sourceUrl, String canonicalModel)
            throws SQLException {
        List<PricePoint> points = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(dialect.historySql())) {
            statement.setString(1, sourceUrl);
            statement.setString(2, canonicalModel);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    points.add(new PricePoint(rs.getString(1), dialect.readInstant(rs, 2), dialect.readInstant(rs, 3),
                            dialect.readPrice(rs, 4), rs.getDouble(5), rs.getInt(6)));
                }
            }
        }
        return points;
    }

    /**
     * Returns the diff of two imports with at most {@code limit} entries of each kind.
     *
     * @param where the store's location, for the message of an {@link UnknownImportException}
     */
    public ImportDiff diff(Connection connection, String where, String fromImportId, String toImportId, int limit)
            throws SQLException {
        long[] counts = new long[4];
        List<ImportDiff.Entry> added = new ArrayList<>();
        List<ImportDiff.Entry> removed = new ArrayList<>();
        List<ImportDiff.Change> changed = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(dialect.diffSql())) {
            statement.setString(1, fromImportId);
            statement.setString(2, toImportId);
            statement.setInt(3, limit);
            try (ResultSet rs = statement.executeQuery()) {
                boolean first = true;
                while (rs.next()) {
                    if (first) {
                        checkImportsExist(rs, where, fromImportId, toImportId);
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
                                dialect.readPrice(rs, 7), dialect.readPrice(rs, 10),
                                rs.getDouble(8), rs.getDouble(11), rs.getInt(9), rs.getInt(12)));
                    }
                }
            }
        }
        return new ImportDiff(fromImportId, toImportId, counts[ADDED], counts[REMOVED], counts[CHANGED],
                counts[UNCHANGED], added, removed, changed);
    }

    private static void checkImportsExist(ResultSet rs, String where, String fromImportId, String toImportId)
            throws SQLException {
        boolean fromExists = rs.getObject(1) != null;
        boolean toExists = rs.getObject(2) != null;
        if (fromExists && toExists) {
            return;
        }
        String missing = !fromExists && !toExists ? "imports " + fromImportId + " and " + toImportId
                : "import " + (fromExists ? toImportId : fromImportId);
        throw new UnknownImportException("Cannot diff import " + fromImportId + " against import " + toImportId
                + " in " + where + ": there is no " + missing, fromExists ? toImportId : fromImportId);
    }

    /** Maps the source URL and model, then the price, score and row count starting at {@code column}. */
    private ImportDiff.Entry entry(ResultSet rs, int column) throws SQLException {
        return new ImportDiff.Entry(rs.getString(5), rs.getString(6), dialect.readPrice(rs, column),
                rs.getDouble(column + 1), rs.getInt(column + 2));
    }

    /** Returns the statistics statement for a filter. */
    public Sql modelStatsSql(ListingQuery filter) {
        return modelStatsSql(filter, false);
    }

    private Sql modelStatsSql(ListingQuery filter, boolean wideSums) {
        List<Object> parameters = new ArrayList<>();
        StringBuilder where = new StringBuilder();
        queries.listingSql().appendWhere(where, filter, parameters);
        return dialect.modelStats(queries.listingColumns(filter), where.toString(), parameters, wideSums);
    }

    /**
     * Returns per-model statistics over the listings a filter selects. A filter on one import alone, where that
     * import holds at least a fifth of the store's listings (by the imports' record counts, read in the same
     * snapshot), takes the dialect's {@link SqlDialect#modelStatsOfLargeImport} form if it has one: seeking a large
     * import's rows reads a table row for each and sorts them by model, which costs more than one pass over a
     * covering model index. Either form gives the same statistics.
     */
    public List<ModelStats> modelStats(Connection connection, ListingQuery filter) throws SQLException {
        Sql sql = modelStatsSql(filter);
        String importId = filter.importId();
        Sql largeImport = importId == null ? null
                : dialect.modelStatsOfLargeImport(queries.listingColumns(filter), importId, false);
        boolean useLargeImport = largeImport != null
                && sql.equals(modelStatsSql(ListingQuery.builder().importId(importId).build()))
                && holdsLargeShare(connection, importId);
        try {
            return modelStats(connection, useLargeImport ? largeImport : sql);
        } catch (SQLException e) {
            if (!dialect.sumOverflowed(e)) {
                throw e;
            }
            return modelStats(connection, useLargeImport
                    ? dialect.modelStatsOfLargeImport(queries.listingColumns(filter), importId, true)
                    : modelStatsSql(filter, true));
        }
    }

    private List<ModelStats> modelStats(Connection connection, Sql sql) throws SQLException {
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

    /** Returns true if the import holds at least a fifth of all listings, by the imports' record counts. */
    private static boolean holdsLargeShare(Connection connection, String importId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(LARGE_SHARE)) {
            statement.setString(1, importId);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private ModelStats mapModelStats(ResultSet rs) throws SQLException {
        long count = rs.getLong(STATS + 1);
        BigDecimal min = dialect.readPrice(rs, STATS + 2);
        BigDecimal max = dialect.readPrice(rs, STATS + 4);
        BigDecimal median = dialect.readMedian(rs, STATS + 3, min, max);
        BigDecimal average = Prices.average(dialect.readPriceTotal(rs, STATS + 5), count);
        return new ModelStats(rs.getString(STATS), count, min, median, max, average, rs.getDouble(STATS + 7),
                queries.mapListing(rs));
    }
}
