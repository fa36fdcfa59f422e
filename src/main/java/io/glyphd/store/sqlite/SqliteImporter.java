package io.glyphd.store.sqlite;

import io.glyphd.store.Listing;
import io.glyphd.store.StoreException;
import io.glyphd.store.internal.ImportRows;
import io.glyphd.store.internal.JdbcValues;
import io.glyphd.store.internal.JsonCodec;
import io.glyphd.store.internal.Prices;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteErrorCode;

/** Loads one import's rows inside the transaction {@code ImportWriter} opened; see {@link SqliteListingStore}. */
final class SqliteImporter {
    static final int BATCH_SIZE = 1_000;
    /** Fewest rows an import writes before it may switch to rebuilding the secondary indexes. */
    static final long REBUILD_MIN_ROWS = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(SqliteListingStore.class);

    private static final String INSERT_LISTING = """
            INSERT INTO listings (import_key, import_index, canonical_model, price_micros, score, vram_gb, tdp_watts,
                mig_support, nvlink, generation, cuda_cores, slot_width, pcie_generation, form_factor, title,
                condition, quantity, availability, min_order_qty, seller, region, source_url, source_type, seen_at,
                match_type, match_score, notes, warnings, heuristics)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";
    private static final String LAST_STORED_ROW =
            "SELECT coalesce(max(import_index), 0) FROM listings WHERE import_key = ?";
    /** An upper bound of the rows in listings (ids are positive and distinct), read from the end of the table. */
    private static final String MAX_LISTING_ID = "SELECT coalesce(max(id), 0) FROM listings";
    /** The secondary indexes of listings, read from the schema so that indexes added by migrations are included. */
    private static final String LIST_SECONDARY_INDEXES = """
            SELECT name, sql FROM sqlite_schema
            WHERE type = 'index' AND tbl_name = 'listings' AND sql IS NOT NULL ORDER BY name""";

    private SqliteImporter() {
    }

    /**
     * Loads an import's rows: raises the page cache, inserts every row in batches, switching to an index rebuild
     * when the import dwarfs the table, and restores the cache before the caller commits.
     *
     * @param cacheKib the page cache of the writing connection during the import, in KiB (SQLite's default is
     *        2 MiB). Index upkeep touches pages all over each index; with the indexes of a million-row store in
     *        cache, each page is read and written once. CREATE INDEX also sorts in memory up to this size. Pages are
     *        allocated only when used.
     * @throws StoreException if the thread is interrupted; the caller rolls back
     */
    static void load(Connection connection, Path file, long importKey, ImportRows rows, int cacheKib)
            throws SQLException {
        long existingRows; // an upper bound: max(id), read in O(log n) where count(*) would scan
        try (PreparedStatement max = connection.prepareStatement(MAX_LISTING_ID);
                ResultSet rs = max.executeQuery()) {
            rs.next();
            existingRows = rs.getLong(1);
        }
        int cacheBefore = intPragma(connection, "cache_size");
        setPragma(connection, "cache_size", -cacheKib);
        try {
            insertRows(connection, file, importKey, rows, new IndexPlan(file, existingRows));
        } catch (SQLException | RuntimeException e) {
            try {
                setPragma(connection, "cache_size", cacheBefore);
            } catch (SQLException restore) {
                e.addSuppressed(restore);
            }
            throw e;
        }
        // Before the commit, so that a failure here still rolls the import back.
        setPragma(connection, "cache_size", cacheBefore);
    }

    /**
     * Decides when an import drops the secondary indexes of listings and rebuilds them after its last row: once it has
     * written as many rows as the table held before it (and at least {@value #REBUILD_MIN_ROWS}). From then on,
     * building each index from sorted rows costs less than keeping it up to date row by row; before, when the import
     * is small next to the table, rebuilding would cost more than it saves. The rule needs no row count up front, so
     * it works for a stream. DDL is transactional in SQLite, so the indexes are back before the commit, and a failure
     * rolls the drop back with everything else.
     */
    private static final class IndexPlan {
        private final Path file;
        private final long threshold;
        private final Map<String, String> dropped = new LinkedHashMap<>();
        private boolean switched;

        IndexPlan(Path file, long existingRows) {
            this.file = file;
            this.threshold = Math.max(REBUILD_MIN_ROWS, existingRows);
        }

        /** Drops the secondary indexes once {@code written} rows reach the threshold; does nothing after that. */
        void afterBatch(Connection connection, long written) throws SQLException {
            if (written < threshold || switched) {
                return;
            }
            // A flag, not dropped.isEmpty(): a table without secondary indexes must not be re-listed every batch.
            switched = true;
            try (Statement statement = connection.createStatement()) {
                try (ResultSet rs = statement.executeQuery(LIST_SECONDARY_INDEXES)) {
                    while (rs.next()) {
                        dropped.put(rs.getString(1), rs.getString(2));
                    }
                }
                for (String index : dropped.keySet()) {
                    statement.execute("DROP INDEX \"" + index.replace("\"", "\"\"") + "\"");
                }
            }
            LOG.debug("{}: {} rows written, dropped {} secondary indexes to rebuild them after the import", file,
                    written, dropped.size());
        }

        /** Creates the dropped indexes again, as their schema declared them. */
        void finish(Connection connection) throws SQLException {
            try (Statement statement = connection.createStatement()) {
                for (Map.Entry<String, String> index : dropped.entrySet()) {
                    long start = System.nanoTime();
                    statement.execute(index.getValue());
                    LOG.debug("{}: rebuilt index {} in {} ms", file, index.getKey(),
                            (System.nanoTime() - start) / 1_000_000);
                }
            }
        }
    }

    private static void insertRows(Connection connection, Path file, long importKey, ImportRows rows,
            IndexPlan indexes) throws SQLException {
        int pending = 0;
        try (PreparedStatement insert = connection.prepareStatement(INSERT_LISTING)) {
            for (Listing listing = next(file, rows); listing != null; listing = next(file, rows)) {
                bindListing(insert, importKey, rows.row(), listing);
                insert.addBatch();
                if (++pending == BATCH_SIZE) {
                    executeBatch(connection, insert, importKey, rows);
                    pending = 0;
                    indexes.afterBatch(connection, rows.row());
                }
            }
            if (pending > 0) {
                executeBatch(connection, insert, importKey, rows);
            }
        }
        stopIfInterrupted(file, rows);
        indexes.finish(connection);
    }

    /** Returns the next listing, unless the importing thread has been interrupted. */
    private static Listing next(Path file, ImportRows rows) {
        stopIfInterrupted(file, rows);
        return rows.next();
    }

    /** Throws if the thread is interrupted, leaving its interrupt flag set; the caller rolls the import back. */
    private static void stopIfInterrupted(Path file, ImportRows rows) {
        if (Thread.currentThread().isInterrupted()) {
            throw new StoreException("Cannot import listings as " + rows.request() + " into " + file + ": the"
                    + " importing thread was interrupted after row " + rows.row() + "; the import was rolled back,"
                    + " nothing of it was written", new InterruptedException("import interrupted"));
        }
    }

    /**
     * Runs the pending batch. A row the schema refuses (a CHECK or a trigger; {@link Listing}'s own checks make this
     * rare) becomes an {@code InvalidListingException} naming it: rows go in in order and SQLite undoes only the
     * failing statement, so the failing row is the one after the last row stored.
     */
    private static void executeBatch(Connection connection, PreparedStatement insert, long importKey,
            ImportRows rows) throws SQLException {
        try {
            insert.executeBatch();
        } catch (SQLException e) {
            SQLiteErrorCode code = SqliteErrors.code(e);
            if (code == null || !code.name().startsWith("SQLITE_CONSTRAINT")) {
                throw e;
            }
            long row = lastStoredRow(connection, importKey) + 1;
            throw rows.refused(row, null, "the database schema refuses it: " + e.getMessage(), e);
        }
    }

    private static long lastStoredRow(Connection connection, long importKey) throws SQLException {
        try (PreparedStatement last = connection.prepareStatement(LAST_STORED_ROW)) {
            last.setLong(1, importKey);
            try (ResultSet rs = last.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    private static void bindListing(PreparedStatement s, long importKey, long row, Listing l) throws SQLException {
        s.setLong(1, importKey);
        s.setLong(2, row);
        s.setString(3, l.canonicalModel());
        s.setLong(4, Prices.toMicros(l.price()));
        s.setDouble(5, l.score());
        JdbcValues.setInteger(s, 6, l.vramGb());
        JdbcValues.setInteger(s, 7, l.tdpWatts());
        JdbcValues.setInteger(s, 8, l.migSupport());
        JdbcValues.setBoolean01(s, 9, l.nvlink());
        JdbcValues.setString(s, 10, l.generation());
        JdbcValues.setInteger(s, 11, l.cudaCores());
        JdbcValues.setDouble(s, 12, l.slotWidth());
        JdbcValues.setInteger(s, 13, l.pcieGeneration());
        JdbcValues.setString(s, 14, l.formFactor());
        JdbcValues.setString(s, 15, l.title());
        JdbcValues.setString(s, 16, l.condition());
        JdbcValues.setInteger(s, 17, l.quantity());
        JdbcValues.setString(s, 18, l.availability());
        JdbcValues.setInteger(s, 19, l.minOrderQty());
        JdbcValues.setString(s, 20, l.seller());
        JdbcValues.setString(s, 21, l.region());
        JdbcValues.setString(s, 22, l.sourceUrl());
        JdbcValues.setString(s, 23, l.sourceType());
        JdbcValues.setLong(s, 24, JdbcValues.toEpochMicrosOrNull(l.seenAt()));
        JdbcValues.setString(s, 25, l.matchType());
        JdbcValues.setDouble(s, 26, l.matchScore());
        JdbcValues.setString(s, 27, l.notes());
        JdbcValues.setString(s, 28, l.warnings());
        JdbcValues.setString(s, 29, JsonCodec.writeObject(l.heuristics()));
    }

    private static int intPragma(Connection connection, String pragma) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            return SqliteSchema.intPragma(statement, pragma);
        }
    }

    private static void setPragma(Connection connection, String pragma, int value) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA " + pragma + " = " + value);
        }
    }
}
