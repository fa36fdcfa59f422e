package io.glyphd.store.sqlite;

import io.glyphd.store.ImportRequest;
import io.glyphd.store.ImportResult;
import io.glyphd.store.InvalidListingException;
import io.glyphd.store.Listing;
import io.glyphd.store.StoreException;
import io.glyphd.store.internal.JdbcValues;
import io.glyphd.store.internal.JsonCodec;
import java.nio.file.Path;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes one import inside a transaction the caller opened; see {@link SqliteListingStore} for the algorithm. */
final class SqliteImporter {
    static final int BATCH_SIZE = 1_000;
    private static final Logger LOG = LoggerFactory.getLogger(SqliteListingStore.class);

    private static final String INSERT_LISTING = """
            INSERT INTO listings (import_key, import_index, canonical_model, price_micros, score, vram_gb, tdp_watts,
                mig_support, nvlink, generation, cuda_cores, slot_width, pcie_generation, form_factor, title,
                condition, quantity, availability, min_order_qty, seller, region, source_url, source_type, seen_at,
                match_type, match_score, notes, warnings, heuristics)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";
    private static final String FIND_IMPORT_KEY = "SELECT id FROM imports WHERE import_id = ?";
    private static final String INSERT_IMPORT = """
            INSERT INTO imports (import_id, imported_at, source, description, record_count) VALUES (?, ?, ?, ?, 0)""";
    private static final String REFRESH_IMPORT = """
            UPDATE imports SET imported_at = ?, source = ?, description = ?, record_count = 0 WHERE id = ?""";
    private static final String DELETE_IMPORT_ROWS = "DELETE FROM listings WHERE import_key = ?";
    private static final String SET_RECORD_COUNT = "UPDATE imports SET record_count = ? WHERE id = ?";

    private SqliteImporter() {
    }

    /** Replaces or creates the import, inserts every listing, records the count and commits. */
    static ImportResult importListings(Connection connection, Path file, Iterator<Listing> listings,
            ImportRequest request) throws SQLException {
        long start = System.nanoTime();
        Instant importedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        long importKey;
        long replaced = 0;
        Long existing = findImportKey(connection, request.importId());
        if (existing != null) {
            importKey = existing;
            try (PreparedStatement delete = connection.prepareStatement(DELETE_IMPORT_ROWS)) {
                delete.setLong(1, importKey);
                replaced = delete.executeUpdate();
            }
            try (PreparedStatement refresh = connection.prepareStatement(REFRESH_IMPORT)) {
                refresh.setLong(1, JdbcValues.toEpochMicros(importedAt));
                JdbcValues.setString(refresh, 2, request.source());
                JdbcValues.setString(refresh, 3, request.description());
                refresh.setLong(4, importKey);
                refresh.executeUpdate();
            }
        } else {
            try (PreparedStatement insert = connection.prepareStatement(INSERT_IMPORT)) {
                insert.setString(1, request.importId());
                insert.setLong(2, JdbcValues.toEpochMicros(importedAt));
                JdbcValues.setString(insert, 3, request.source());
                JdbcValues.setString(insert, 4, request.description());
                insert.executeUpdate();
            }
            importKey = findImportKey(connection, request.importId());
        }
        long count = insertRows(connection, importKey, listings, request);
        try (PreparedStatement update = connection.prepareStatement(SET_RECORD_COUNT)) {
            update.setLong(1, count);
            update.setLong(2, importKey);
            update.executeUpdate();
        }
        connection.commit();
        Duration duration = Duration.ofNanos(System.nanoTime() - start);
        LOG.info("Imported {} listings as import {} into {} in {} ms ({} replaced)", count, request.importId(), file,
                duration.toMillis(), replaced);
        return new ImportResult(request.importId(), count, replaced, duration);
    }

    private static long insertRows(Connection connection, long importKey, Iterator<Listing> listings,
            ImportRequest request) throws SQLException {
        long row = 0;
        int pending = 0;
        try (PreparedStatement insert = connection.prepareStatement(INSERT_LISTING)) {
            while (true) {
                Listing listing;
                try {
                    if (!listings.hasNext()) {
                        break;
                    }
                    row++;
                    listing = listings.next();
                } catch (StoreException e) {
                    throw e;
                } catch (RuntimeException e) {
                    throw new InvalidListingException("Cannot import listings as " + request + ": row " + row + ": "
                            + e.getMessage(), row, null, e);
                }
                if (listing == null) {
                    throw new InvalidListingException("Cannot import listings as " + request + ": row " + row
                            + ": listing is null", row, null, null);
                }
                bindListing(insert, importKey, row, listing);
                insert.addBatch();
                if (++pending == BATCH_SIZE) {
                    executeBatch(insert, row - pending + 1, request);
                    pending = 0;
                }
            }
            if (pending > 0) {
                executeBatch(insert, row - pending + 1, request);
            }
        }
        if (row == 0) {
            throw new IllegalArgumentException("Cannot import 0 listings as " + request
                    + ": an import needs at least one listing");
        }
        return row;
    }

    private static void executeBatch(PreparedStatement insert, long firstRow, ImportRequest request)
            throws SQLException {
        try {
            insert.executeBatch();
        } catch (BatchUpdateException e) {
            if (SqliteErrors.code(e) != null && SqliteErrors.code(e).name().startsWith("SQLITE_CONSTRAINT")) {
                long row = firstRow + (e.getUpdateCounts() == null ? 0 : e.getUpdateCounts().length);
                throw new InvalidListingException("Cannot import listings as " + request + ": row " + row
                        + " violates a constraint: " + e.getMessage(), row, null, e);
            }
            throw e;
        }
    }

    private static void bindListing(PreparedStatement s, long importKey, long row, Listing l) throws SQLException {
        s.setLong(1, importKey);
        s.setLong(2, row);
        s.setString(3, l.canonicalModel());
        s.setLong(4, SqliteDialect.toMicros(l.price()));
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

    static Long findImportKey(Connection connection, String importId) throws SQLException {
        try (PreparedStatement find = connection.prepareStatement(FIND_IMPORT_KEY)) {
            find.setString(1, importId);
            try (ResultSet rs = find.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }
}
