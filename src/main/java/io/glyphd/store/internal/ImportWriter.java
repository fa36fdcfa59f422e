package io.glyphd.store.internal;

import io.glyphd.store.DuplicateInputException;
import io.glyphd.store.ImportMetadata;
import io.glyphd.store.ImportRequest;
import io.glyphd.store.ImportResult;
import io.glyphd.store.Listing;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one import inside a write transaction, the same way on every backend:
 * <ol>
 *   <li>if the request {@linkplain ImportRequest#refuseDuplicateInput() refuses duplicate input}: lock its fingerprint
 *       (where the dialect needs a lock for that) and refuse the import if imports of other ids hold it. Inside the
 *       transaction, so that the check and the import are one step;</li>
 *   <li>upsert the import row ({@code INSERT ... ON CONFLICT (import_id) DO UPDATE ... RETURNING id}): a new id gets
 *       a row, a known id has its metadata refreshed and keeps its storage key. Its time is the request's
 *       {@link ImportRequest#importedAt()} if it gives one, else now. The row lock this takes makes a
 *       second writer of the same id, on any connection or machine, wait until the first commits, then replace
 *       its rows whole;</li>
 *   <li>delete the import's old listings (counted as replaced);</li>
 *   <li>hand the listings to the backend's {@link BulkLoader};</li>
 *   <li>record the count and commit.</li>
 * </ol>
 * Looking the id up first and inserting when it is missing would race on PostgreSQL: two writers of a new id would
 * both miss it and one would fail on the unique key.
 */
public final class ImportWriter {
    private static final Logger LOG = LoggerFactory.getLogger(ImportWriter.class);

    private static final String UPSERT_IMPORT = """
            INSERT INTO imports (import_id, imported_at, source, description, fingerprint, record_count)
            VALUES (?, ?, ?, ?, ?, 0)
            ON CONFLICT (import_id) DO UPDATE SET imported_at = excluded.imported_at, source = excluded.source,
                description = excluded.description, fingerprint = excluded.fingerprint, record_count = 0
            RETURNING id""";
    private static final String DELETE_IMPORT_ROWS = "DELETE FROM listings WHERE import_key = ?";
    private static final String SET_RECORD_COUNT = "UPDATE imports SET record_count = ? WHERE id = ?";

    private ImportWriter() {
    }

    /**
     * Replaces or creates the import, loads every listing, records the count and commits.
     *
     * @param where the store's location, for the log
     * @param metrics told how long the upsert waited for another writer of the import, where writers wait there
     * @param queries reads the imports that hold the request's fingerprint
     * @throws IllegalArgumentException if {@code listings} yields nothing
     * @throws DuplicateInputException if the request refuses duplicate input and imports of other ids hold it
     */
    public static ImportResult write(Connection connection, SqlDialect dialect, ListingQueries queries, String where,
            Iterator<Listing> listings, ImportRequest request, BulkLoader loader, StoreMetrics metrics)
            throws SQLException {
        long start = System.nanoTime();
        if (request.refuseDuplicateInput()) {
            refuseDuplicateInput(connection, dialect, queries, where, request);
        }
        Instant importedAt = request.importedAt() != null ? request.importedAt()
                : Instant.now().truncatedTo(ChronoUnit.MICROS);
        long importKey;
        try (PreparedStatement upsert = connection.prepareStatement(UPSERT_IMPORT)) {
            upsert.setString(1, request.importId());
            upsert.setObject(2, dialect.instantValue(importedAt));
            JdbcValues.setString(upsert, 3, request.source());
            JdbcValues.setString(upsert, 4, request.description());
            JdbcValues.setString(upsert, 5, request.fingerprint());
            try (ResultSet rs = upsert.executeQuery()) {
                rs.next();
                importKey = rs.getLong(1);
            }
        }
        if (dialect.importsWaitOnTheImportRow()) {
            metrics.lockWaited(System.nanoTime() - start);
        }
        long replaced;
        try (PreparedStatement delete = connection.prepareStatement(DELETE_IMPORT_ROWS)) {
            delete.setLong(1, importKey);
            replaced = delete.executeUpdate();
        }
        ImportRows rows = new ImportRows(listings, request);
        loader.load(connection, importKey, rows);
        long count = rows.row();
        if (count == 0) {
            throw new IllegalArgumentException("Cannot import 0 listings as " + request
                    + ": an import needs at least one listing");
        }
        try (PreparedStatement update = connection.prepareStatement(SET_RECORD_COUNT)) {
            update.setLong(1, count);
            update.setLong(2, importKey);
            update.executeUpdate();
        }
        connection.commit();
        Duration duration = Duration.ofNanos(System.nanoTime() - start);
        LOG.info("Imported {} listings as import {} into {} in {} ms ({} replaced)", count, request.importId(), where,
                duration.toMillis(), replaced);
        return new ImportResult(request.importId(), count, replaced, duration);
    }

    private static void refuseDuplicateInput(Connection connection, SqlDialect dialect, ListingQueries queries,
            String where, ImportRequest request) throws SQLException {
        String lock = dialect.fingerprintLockSql();
        if (lock != null) {
            try (PreparedStatement statement = connection.prepareStatement(lock)) {
                statement.setString(1, request.fingerprint());
                statement.execute();
            }
        }
        List<ImportMetadata> holders = queries.findImportsByFingerprint(connection, request.fingerprint());
        if (holders.isEmpty() || holders.stream().anyMatch(i -> i.importId().equals(request.importId()))) {
            return;
        }
        ImportMetadata newest = holders.get(0);
        throw new DuplicateInputException("Refused to import " + request + " into " + where + ": its input ("
                + request.fingerprint() + ") is already held by import " + newest.importId() + " ("
                + newest.recordCount() + " listings, imported at " + newest.importedAt() + ")"
                + (holders.size() > 1 ? " and " + (holders.size() - 1) + " more" : "") + "; nothing was written",
                request.fingerprint(), holders);
    }
}
