package io.glyphd.store.internal;

import io.glyphd.store.ImportMetadata;
import io.glyphd.store.Listing;
import io.glyphd.store.ListingPage;
import io.glyphd.store.ListingQuery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The read side every backend shares: statements, their binding and the row mappers. Immutable, thread-safe. */
public final class ListingQueries {
    private static final Logger LOG = LoggerFactory.getLogger(ListingQueries.class);
    /** Column of {@link Listing#offerRows()}, the last of the listing columns. */
    private static final int OFFER_ROWS_COLUMN = 30;
    /** Column of the storage id in {@link #selectListings()}, after the listing columns. */
    private static final int ID_COLUMN = 31;
    /** Column of the import's storage key in {@link #selectListings()}. */
    private static final int IMPORT_KEY_COLUMN = 32;

    private static final String IMPORT_COLUMNS = "import_id, imported_at, source, record_count, description,"
            + " fingerprint";
    private static final String IMPORT_ORDER = " ORDER BY imported_at DESC, import_id ASC";
    private static final String LIST_IMPORTS = "SELECT " + IMPORT_COLUMNS + " FROM imports" + IMPORT_ORDER;
    private static final String FIND_IMPORT = "SELECT " + IMPORT_COLUMNS + " FROM imports WHERE import_id = ?";
    private static final String FIND_FINGERPRINT = "SELECT " + IMPORT_COLUMNS
            + " FROM imports WHERE fingerprint = ?" + IMPORT_ORDER;
    private static final String DELETE_IMPORT = "DELETE FROM imports WHERE import_id = ?";

    private final SqlDialect dialect;
    private final ListingSql listingSql;
    private final ListingRow.Layout layout;
    private final String listingColumns;
    private final String offerColumns;
    private final String selectListings;
    private final String selectOffers;

    /** Creates the queries of one backend. */
    public ListingQueries(SqlDialect dialect) {
        this.dialect = dialect;
        this.listingSql = new ListingSql(dialect);
        // Price and score stay as they are because a merge of several models orders by them by name; slot width
        // and match score because they are reals.
        List<ListingRow.Column> columns = List.of(
                new ListingRow.Column("i.import_id", ListingRow.Kind.TEXT),
                new ListingRow.Column("l.import_index", ListingRow.Kind.INTEGER),
                new ListingRow.Column("l.canonical_model", ListingRow.Kind.TEXT),
                new ListingRow.Column("l." + dialect.priceColumn(), ListingRow.Kind.PLAIN),
                new ListingRow.Column("l.score", ListingRow.Kind.PLAIN),
                new ListingRow.Column("l.vram_gb", ListingRow.Kind.INTEGER),
                new ListingRow.Column("l.tdp_watts", ListingRow.Kind.INTEGER),
                new ListingRow.Column("l.mig_support", ListingRow.Kind.INTEGER),
                new ListingRow.Column("l.nvlink", ListingRow.Kind.INTEGER),
                new ListingRow.Column("l.generation", ListingRow.Kind.TEXT),
                new ListingRow.Column("l.cuda_cores", ListingRow.Kind.INTEGER),
                new ListingRow.Column("l.slot_width", ListingRow.Kind.PLAIN),
                new ListingRow.Column("l.pcie_generation", ListingRow.Kind.INTEGER),
                new ListingRow.Column("l.form_factor", ListingRow.Kind.TEXT),
                new ListingRow.Column("l.title", ListingRow.Kind.TEXT),
                new ListingRow.Column("l.condition", ListingRow.Kind.TEXT),
                new ListingRow.Column("l.quantity", ListingRow.Kind.INTEGER),
                new ListingRow.Column("l.availability", ListingRow.Kind.TEXT),
                new ListingRow.Column("l.min_order_qty", ListingRow.Kind.INTEGER),
                new ListingRow.Column("l.seller", ListingRow.Kind.TEXT),
                new ListingRow.Column("l.region", ListingRow.Kind.TEXT),
                new ListingRow.Column("l.source_url", ListingRow.Kind.TEXT),
                new ListingRow.Column("l.source_type", ListingRow.Kind.TEXT),
                new ListingRow.Column("l.seen_at", ListingRow.Kind.INTEGER),
                new ListingRow.Column("l.match_type", ListingRow.Kind.TEXT),
                new ListingRow.Column("l.match_score", ListingRow.Kind.PLAIN),
                new ListingRow.Column("l.notes", ListingRow.Kind.TEXT),
                new ListingRow.Column("l.warnings", ListingRow.Kind.TEXT),
                new ListingRow.Column("l.heuristics", ListingRow.Kind.TEXT));
        this.layout = dialect.listingLayout(columns);
        this.listingColumns = layout.selectList() + ", CAST(NULL AS integer) AS offer_rows";
        this.offerColumns = layout.selectList() + ", " + listingSql.offerRowsColumn() + " AS offer_rows";
        String from = ", l.id AS " + ListingSql.ID_ALIAS + ", l.import_key FROM listings l JOIN imports i"
                + " ON i.id = l.import_key";
        this.selectListings = "SELECT " + listingColumns + from;
        this.selectOffers = "SELECT " + offerColumns + from;
    }

    /** Returns the backend's dialect. */
    public SqlDialect dialect() {
        return dialect;
    }

    /** Returns the query builder. */
    public ListingSql listingSql() {
        return listingSql;
    }

    /**
     * Returns every listing column, in the order {@link #mapListing} reads them, for a query with or without
     * {@link ListingQuery#distinctOffers()} (whose last column, {@code offer_rows}, is null without it); {@code l}
     * is listings, {@code i} imports.
     */
    public String listingColumns(ListingQuery query) {
        return query.distinctOffers() ? offerColumns : listingColumns;
    }

    /**
     * Returns {@code SELECT} of the listing columns from listings joined to imports, with no WHERE clause, then the
     * row's position: storage id (column 31, named {@value ListingSql#ID_ALIAS}), import key (column 32).
     */
    public String selectListings() {
        return selectListings;
    }

    /** Returns {@link #selectListings()} with the listing columns {@link #listingColumns(ListingQuery)} gives. */
    public String selectListings(ListingQuery query) {
        return query.distinctOffers() ? selectOffers : selectListings;
    }

    /** Returns the listings a query selects, in its order. */
    public List<Listing> queryListings(Connection connection, ListingQuery query) throws SQLException {
        return listings(connection, listingSql.select(selectListings(query), query));
    }

    /** Runs a statement selecting {@link #listingColumns(ListingQuery)} and maps every row. */
    public List<Listing> listings(Connection connection, Sql sql) throws SQLException {
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
     * Returns the query every page of {@code streamListings(query)} reads: {@code query} with its limit capped at
     * {@link ListingQuery#STREAM_PAGE_LIMIT}.
     */
    public static ListingQuery streamPageQuery(ListingQuery query) {
        return query.limit() <= ListingQuery.STREAM_PAGE_LIMIT ? query
                : query.toBuilder().limit(ListingQuery.STREAM_PAGE_LIMIT).build();
    }

    /**
     * Reads one page: runs the page's statements in turn until it holds one row more than the limit, which tells
     * whether there is a next page without an extra query.
     */
    public ListingPage queryPage(Connection connection, ListingQuery query, PageToken after) throws SQLException {
        long start = System.nanoTime();
        int wanted = query.limit() + 1;
        List<Listing> listings = new ArrayList<>(Math.min(wanted, 1_000));
        PageToken last = null;
        List<Sql> segments = listingSql.page(selectListings(query), query, after);
        for (int i = 0; i < segments.size() && listings.size() < wanted; i++) {
            Sql sql = segments.get(i).withLimit(wanted - listings.size());
            try (PreparedStatement statement = connection.prepareStatement(sql.text())) {
                sql.bind(statement);
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        Listing listing = mapListing(rs);
                        listings.add(listing);
                        if (listings.size() == query.limit()) {
                            last = position(rs, listing, query);
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

    /**
     * Returns the position of a row of a {@link #selectListings()} result in the query's order. Keys are taken from the
     * mapped listing, whose price and time are exactly what the row stores, in backend-neutral units (micro-dollars,
     * epoch microseconds), so a token does not depend on the engine that issued it.
     */
    private static PageToken position(ResultSet rs, Listing listing, ListingQuery query) throws SQLException {
        return switch (query.orderBy()) {
            case SCORE_DESC -> PageToken.after(query, listing.score(), rs.getLong(ID_COLUMN));
            case PRICE_ASC, PRICE_DESC -> PageToken.after(query, Prices.toMicros(listing.price()),
                    rs.getLong(ID_COLUMN));
            case SEEN_AT_DESC -> PageToken.after(query, JdbcValues.toEpochMicrosOrNull(listing.seenAt()),
                    rs.getLong(ID_COLUMN));
            case IMPORT_ORDER -> PageToken.after(query, rs.getLong(IMPORT_KEY_COLUMN), listing.importIndex());
        };
    }

    /** Counts the listings a query's filters select. */
    public long countListings(Connection connection, ListingQuery query) throws SQLException {
        Sql sql = listingSql.count(query);
        try (PreparedStatement statement = connection.prepareStatement(sql.text())) {
            sql.bind(statement);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Returns every import, most recently imported first (ties by import id). */
    public List<ImportMetadata> listImports(Connection connection) throws SQLException {
        List<ImportMetadata> imports = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(LIST_IMPORTS);
                ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                imports.add(mapImport(rs));
            }
        }
        return imports;
    }

    /** Returns one import's metadata, or empty. */
    public Optional<ImportMetadata> findImport(Connection connection, String importId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(FIND_IMPORT)) {
            statement.setString(1, importId);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? Optional.of(mapImport(rs)) : Optional.empty();
            }
        }
    }

    /** Returns the imports with this fingerprint, newest first. */
    public List<ImportMetadata> findImportsByFingerprint(Connection connection, String fingerprint)
            throws SQLException {
        List<ImportMetadata> imports = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(FIND_FINGERPRINT)) {
            statement.setString(1, fingerprint);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    imports.add(mapImport(rs));
                }
            }
        }
        return imports;
    }

    /** Deletes an import; its listings go with it through the foreign key's ON DELETE CASCADE. */
    public boolean deleteImport(Connection connection, String importId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(DELETE_IMPORT)) {
            statement.setString(1, importId);
            return statement.executeUpdate() > 0;
        }
    }

    /** Maps one row of {@link #listingColumns(ListingQuery)}. */
    public Listing mapListing(ResultSet rs) throws SQLException {
        ListingRow r = layout.row(rs);
        return new Listing(
                r.text(3), r.price(4), r.realValue(5),
                r.integer(6), r.integer(7), r.integer(8), r.bool(9), r.text(10), r.integer(11),
                r.real(12), r.integer(13), r.text(14),
                r.text(15), r.text(16), r.integer(17), r.text(18), r.integer(19), r.text(20),
                r.text(21), r.text(22), r.text(23), r.instant(24),
                r.text(25), r.real(26), r.text(27), r.text(28), r.heuristics(29),
                r.text(1), r.integer(2), JdbcValues.getInteger(rs, OFFER_ROWS_COLUMN));
    }

    private ImportMetadata mapImport(ResultSet rs) throws SQLException {
        return new ImportMetadata(rs.getString(1), dialect.readInstant(rs, 2), rs.getString(3), rs.getLong(4),
                rs.getString(5), rs.getString(6));
    }
}
