package io.glyphd.store.sqlite;

import io.glyphd.store.ImportMetadata;
import io.glyphd.store.Listing;
import io.glyphd.store.ListingPage;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.internal.JdbcValues;
import io.glyphd.store.internal.JsonCodec;
import io.glyphd.store.internal.ListingSql;
import io.glyphd.store.internal.PageToken;
import io.glyphd.store.internal.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The read side of the SQLite backend: statements, their binding and the row mappers. Stateless. */
final class SqliteQueries {
    static final ListingSql LISTING_SQL = new ListingSql(SqliteDialect.INSTANCE);
    private static final Logger LOG = LoggerFactory.getLogger(SqliteListingStore.class);

    /** Every listing column, in the order {@link #mapListing} reads them; {@code l} is listings, {@code i} imports. */
    static final String LISTING_COLUMNS = """
            i.import_id, l.import_index, l.canonical_model, l.price_micros, l.score, l.vram_gb, l.tdp_watts,
            l.mig_support, l.nvlink, l.generation, l.cuda_cores, l.slot_width, l.pcie_generation, l.form_factor,
            l.title, l.condition, l.quantity, l.availability, l.min_order_qty, l.seller, l.region, l.source_url,
            l.source_type, l.seen_at, l.match_type, l.match_score, l.notes, l.warnings, l.heuristics""";
    static final String SELECT_LISTINGS = "SELECT " + LISTING_COLUMNS
            + " FROM listings l JOIN imports i ON i.id = l.import_key";
    /** {@link #LISTING_COLUMNS} plus the row's position: storage id (column 30) and import key (column 31). */
    static final String SELECT_PAGE = "SELECT " + LISTING_COLUMNS
            + ", l.id, l.import_key FROM listings l JOIN imports i ON i.id = l.import_key";
    private static final String IMPORT_COLUMNS = "import_id, imported_at, source, record_count, description";
    private static final String LIST_IMPORTS = "SELECT " + IMPORT_COLUMNS
            + " FROM imports ORDER BY imported_at DESC, import_id ASC";
    private static final String FIND_IMPORT = "SELECT " + IMPORT_COLUMNS + " FROM imports WHERE import_id = ?";
    private static final String DELETE_IMPORT = "DELETE FROM imports WHERE import_id = ?";

    private SqliteQueries() {
    }

    static List<Listing> queryListings(Connection connection, ListingQuery query) throws SQLException {
        return listings(connection, LISTING_SQL.select(SELECT_LISTINGS, query));
    }

    /** Runs a statement selecting {@link #LISTING_COLUMNS} and maps every row. */
    static List<Listing> listings(Connection connection, Sql sql) throws SQLException {
        long start = System.nanoTime();
        List<Listing> result = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql.text())) {
            sql.bind(statement);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    result.add(mapListing(rs));
                }
            }
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} rows in {} us: {}", result.size(), (System.nanoTime() - start) / 1_000, sql);
        }
        return result;
    }

    /**
     * Reads one page: runs the page's statements in turn until it holds one row more than the limit, which tells
     * whether there is a next page without an extra query.
     */
    static ListingPage queryPage(Connection connection, ListingQuery query, PageToken after) throws SQLException {
        long start = System.nanoTime();
        int wanted = query.limit() + 1;
        List<Listing> listings = new ArrayList<>(Math.min(wanted, 1_000));
        PageToken last = null;
        List<Sql> segments = LISTING_SQL.page(SELECT_PAGE, query, after);
        for (int i = 0; i < segments.size() && listings.size() < wanted; i++) {
            Sql sql = segments.get(i).withLimit(wanted - listings.size());
            try (PreparedStatement statement = connection.prepareStatement(sql.text())) {
                sql.bind(statement);
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        listings.add(mapListing(rs));
                        if (listings.size() == query.limit()) {
                            last = position(rs, query);
                        }
                    }
                }
            }
        }
        boolean more = listings.size() > query.limit();
        if (LOG.isDebugEnabled()) {
            LOG.debug("page of {} rows in {} us ({} statements)", Math.min(listings.size(), query.limit()),
                    (System.nanoTime() - start) / 1_000, segments.size());
        }
        return new ListingPage(more ? listings.subList(0, query.limit()) : listings,
                more ? Optional.of(last.encode()) : Optional.empty());
    }

    /** Returns the position of the current row of a {@link #SELECT_PAGE} result in the query's order. */
    private static PageToken position(ResultSet rs, ListingQuery query) throws SQLException {
        return switch (query.orderBy()) {
            case SCORE_DESC -> PageToken.after(query, rs.getDouble(5), rs.getLong(30));
            case PRICE_ASC, PRICE_DESC -> PageToken.after(query, rs.getLong(4), rs.getLong(30));
            case SEEN_AT_DESC -> PageToken.after(query, JdbcValues.getLong(rs, 24), rs.getLong(30));
            case IMPORT_ORDER -> PageToken.after(query, rs.getLong(31), rs.getLong(2));
        };
    }

    static long countListings(Connection connection, ListingQuery query) throws SQLException {
        Sql sql = LISTING_SQL.count(query);
        try (PreparedStatement statement = connection.prepareStatement(sql.text())) {
            sql.bind(statement);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static List<ImportMetadata> listImports(Connection connection) throws SQLException {
        List<ImportMetadata> imports = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(LIST_IMPORTS);
                ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                imports.add(mapImport(rs));
            }
        }
        return imports;
    }

    static Optional<ImportMetadata> findImport(Connection connection, String importId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(FIND_IMPORT)) {
            statement.setString(1, importId);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? Optional.of(mapImport(rs)) : Optional.empty();
            }
        }
    }

    /** Deletes an import; its listings go with it through the foreign key's ON DELETE CASCADE. */
    static boolean deleteImport(Connection connection, String importId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(DELETE_IMPORT)) {
            statement.setString(1, importId);
            return statement.executeUpdate() > 0;
        }
    }

    /** Maps one row of {@link #LISTING_COLUMNS}. */
    static Listing mapListing(ResultSet rs) throws SQLException {
        return new Listing(
                rs.getString(3), SqliteDialect.fromMicros(rs.getLong(4)), rs.getDouble(5),
                JdbcValues.getInteger(rs, 6), JdbcValues.getInteger(rs, 7), JdbcValues.getInteger(rs, 8),
                JdbcValues.getBoolean01(rs, 9), rs.getString(10), JdbcValues.getInteger(rs, 11),
                JdbcValues.getDouble(rs, 12), JdbcValues.getInteger(rs, 13), rs.getString(14),
                rs.getString(15), rs.getString(16), JdbcValues.getInteger(rs, 17), rs.getString(18),
                JdbcValues.getInteger(rs, 19), rs.getString(20), rs.getString(21), rs.getString(22),
                rs.getString(23), JdbcValues.getInstantMicros(rs, 24), rs.getString(25),
                JdbcValues.getDouble(rs, 26), rs.getString(27), rs.getString(28),
                JsonCodec.readStoredObject(rs.getString(29)), rs.getString(1), rs.getInt(2));
    }

    static ImportMetadata mapImport(ResultSet rs) throws SQLException {
        return new ImportMetadata(rs.getString(1), JdbcValues.fromEpochMicros(rs.getLong(2)), rs.getString(3),
                rs.getLong(4), rs.getString(5));
    }
}
