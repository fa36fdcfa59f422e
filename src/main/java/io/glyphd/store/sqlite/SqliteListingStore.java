package io.glyphd.store.sqlite;

import io.glyphd.store.ImportMetadata;
import io.glyphd.store.ImportRequest;
import io.glyphd.store.ImportResult;
import io.glyphd.store.InvalidListingException;
import io.glyphd.store.Listing;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.ListingStore;
import io.glyphd.store.StoreException;
import io.glyphd.store.internal.JdbcValues;
import io.glyphd.store.internal.JsonCodec;
import io.glyphd.store.internal.ListingSql;
import io.glyphd.store.internal.Sql;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * A {@link ListingStore} in one SQLite file, on plain JDBC.
 *
 * <p>Settings, applied to every connection: foreign keys on, WAL journal, {@code synchronous=NORMAL}, a busy
 * timeout of {@value #BUSY_TIMEOUT_MS} ms, IMMEDIATE write transactions. In WAL mode with
 * {@code synchronous=NORMAL} a committed import survives a crash of the process; a power loss may lose the most
 * recent commits but never leaves a partial import or a damaged file.
 *
 * <p>Opening: the file is inspected before anything is written (header, {@code application_id},
 * {@code user_version}); a file that is not a glyphd-store database or whose schema is newer is refused and left
 * byte-for-byte as it was. A missing or empty file gets the bundled {@code schema.sql}; an older schema is
 * migrated; both in one transaction.
 *
 * <p>Import algorithm, in one IMMEDIATE transaction:
 * <ol>
 *   <li>look up the import id; if it exists, delete its listings (counted as replaced) and refresh its
 *       metadata, otherwise insert the import row;</li>
 *   <li>insert the listings through one reused prepared statement, in batches of {@value #BATCH_SIZE},
 *       numbering them 1..n; a null listing, or a failure of the iterator, stops the import;</li>
 *   <li>record the count and commit. On any failure, roll back: the store is as it was before.</li>
 * </ol>
 *
 * <p>Thread-safety: instances are thread-safe. Each operation takes a connection from a small pool and gives it
 * back, so no connection is used by two threads at once; readers run in parallel with each other and with a
 * writer (WAL). Writers in one process take turns on a lock; writers in other processes wait up to the busy
 * timeout. A connection that met a BUSY, FULL, I/O or corruption error is discarded, not reused.
 */
public final class SqliteListingStore implements ListingStore {
    /** How long a statement waits for another connection's lock before failing with SQLITE_BUSY. */
    public static final int BUSY_TIMEOUT_MS = 10_000;
    static final int BATCH_SIZE = 1_000;
    private static final int MAX_IDLE_CONNECTIONS = 8;
    private static final Logger LOG = LoggerFactory.getLogger(SqliteListingStore.class);

    private static final String LISTING_COLUMNS = """
            i.import_id, l.import_index, l.canonical_model, l.price_micros, l.score, l.vram_gb, l.tdp_watts,
            l.mig_support, l.nvlink, l.generation, l.cuda_cores, l.slot_width, l.pcie_generation, l.form_factor,
            l.title, l.condition, l.quantity, l.availability, l.min_order_qty, l.seller, l.region, l.source_url,
            l.source_type, l.seen_at, l.match_type, l.match_score, l.notes, l.warnings, l.heuristics""";
    private static final String SELECT_LISTINGS = "SELECT " + LISTING_COLUMNS
            + " FROM listings l JOIN imports i ON i.id = l.import_key";
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
    private static final String DELETE_IMPORT = "DELETE FROM imports WHERE import_id = ?";
    private static final String IMPORT_COLUMNS = "import_id, imported_at, source, record_count, description";
    private static final String LIST_IMPORTS = "SELECT " + IMPORT_COLUMNS
            + " FROM imports ORDER BY imported_at DESC, import_id ASC";
    private static final String FIND_IMPORT = "SELECT " + IMPORT_COLUMNS + " FROM imports WHERE import_id = ?";

    private final Path file;
    private final boolean readOnly;
    private final ConnectionPool pool;
    private final ListingSql listingSql = new ListingSql(SqliteDialect.INSTANCE);
    private final ReentrantLock writeLock = new ReentrantLock(true);
    private volatile boolean closed;

    /**
     * Opens the store in {@code dbPath}, creating the file, its parent directories and the schema if needed.
     *
     * @throws io.glyphd.store.SchemaVersionException if the file is not a glyphd-store database or is newer than
     *         this build; the file is left untouched
     * @throws StoreException if the file cannot be opened or created
     */
    public SqliteListingStore(Path dbPath) {
        this(dbPath, false);
    }

    /**
     * Opens the store in the file named {@code dbPath}; see {@link #SqliteListingStore(Path)}.
     *
     * @throws io.glyphd.store.SchemaVersionException if the file is not a glyphd-store database or is newer
     * @throws StoreException if the file cannot be opened or created
     */
    public SqliteListingStore(String dbPath) {
        this(Path.of(Objects.requireNonNull(dbPath, "dbPath")));
    }

    private SqliteListingStore(Path dbPath, boolean readOnly) {
        this.file = Objects.requireNonNull(dbPath, "dbPath").toAbsolutePath().normalize();
        this.readOnly = readOnly;
        long start = System.nanoTime();
        SqliteSchema.State state = SqliteSchema.inspect(file);
        if (readOnly && state != SqliteSchema.State.CURRENT) {
            throw new StoreException("Cannot open " + file + " read-only: "
                    + (state == SqliteSchema.State.NEW ? "there is no glyphd-store database there"
                            : "its schema must first be migrated by opening it writable once"));
        }
        if (!readOnly) {
            createParentDirectories();
        }
        SQLiteDataSource dataSource = new SQLiteDataSource(config(readOnly));
        dataSource.setUrl("jdbc:sqlite:" + file);
        this.pool = new ConnectionPool(dataSource, MAX_IDLE_CONNECTIONS);
        int version = SqliteSchema.CURRENT_VERSION;
        Connection connection = null;
        boolean broken = false;
        try {
            connection = pool.acquire();
            if (state != SqliteSchema.State.CURRENT) {
                int before = SqliteSchema.createOrMigrate(connection, file);
                if (before == 0) {
                    LOG.info("{}: created glyphd-store schema version {}", file, version);
                } else if (before < version) {
                    LOG.info("{}: migrated glyphd-store schema from version {} to {}", file, before, version);
                }
            }
        } catch (SQLException e) {
            broken = true;
            pool.close();
            throw SqliteErrors.translate("Cannot open", file, e);
        } catch (RuntimeException e) {
            broken = true;
            pool.close();
            throw e;
        } finally {
            if (connection != null) {
                pool.release(connection, broken);
            }
        }
        LOG.info("{}: opened glyphd-store (schema version {}{}) in {} ms", file, version,
                readOnly ? ", read-only" : "", (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * Opens an existing store for reading only: queries work, every write throws {@link StoreException}. Nothing is
     * created, migrated or written, not even the journal mode.
     *
     * @throws StoreException if there is no current glyphd-store database at {@code dbPath}
     */
    public static SqliteListingStore openReadOnly(Path dbPath) {
        return new SqliteListingStore(dbPath, true);
    }

    private static SQLiteConfig config(boolean readOnly) {
        SQLiteConfig config = new SQLiteConfig();
        config.enforceForeignKeys(true);
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        if (readOnly) {
            config.setReadOnly(true);
        } else {
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
            config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        }
        return config;
    }

    private void createParentDirectories() {
        Path parent = file.getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            try {
                Files.createDirectories(parent);
            } catch (IOException e) {
                throw new StoreException("Cannot create directory " + parent + " for " + file + ": " + e, e);
            }
        }
    }

    /** Returns the database file this store uses. */
    public Path path() {
        return file;
    }

    /** Returns true if this store was opened with {@link #openReadOnly(Path)}. */
    public boolean isReadOnly() {
        return readOnly;
    }

    @Override
    public ImportResult importListings(Iterator<Listing> listings, ImportRequest request) {
        Objects.requireNonNull(listings, "listings");
        Objects.requireNonNull(request, "request");
        String action = "Cannot import listings as " + request + " into";
        return write(action, connection -> importInTransaction(connection, listings, request));
    }

    private ImportResult importInTransaction(Connection connection, Iterator<Listing> listings,
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

    private long insertRows(Connection connection, long importKey, Iterator<Listing> listings, ImportRequest request)
            throws SQLException {
        long row = 0;
        int pending = 0;
        Listing listing = null;
        try (PreparedStatement insert = connection.prepareStatement(INSERT_LISTING)) {
            while (true) {
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

    private void executeBatch(PreparedStatement insert, long firstRow, ImportRequest request) throws SQLException {
        try {
            insert.executeBatch();
        } catch (java.sql.BatchUpdateException e) {
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

    /** Maps one row of {@link #LISTING_COLUMNS}. */
    private static Listing mapListing(ResultSet rs) throws SQLException {
        return new Listing(
                rs.getString(3), SqliteDialect.fromMicros(rs.getLong(4)), rs.getDouble(5),
                JdbcValues.getInteger(rs, 6), JdbcValues.getInteger(rs, 7), JdbcValues.getInteger(rs, 8),
                JdbcValues.getBoolean01(rs, 9), rs.getString(10), JdbcValues.getInteger(rs, 11),
                JdbcValues.getDouble(rs, 12), JdbcValues.getInteger(rs, 13), rs.getString(14),
                rs.getString(15), rs.getString(16), JdbcValues.getInteger(rs, 17), rs.getString(18),
                JdbcValues.getInteger(rs, 19), rs.getString(20), rs.getString(21), rs.getString(22),
                rs.getString(23), JdbcValues.getInstantMicros(rs, 24), rs.getString(25),
                JdbcValues.getDouble(rs, 26), rs.getString(27), rs.getString(28),
                JsonCodec.readObject(rs.getString(29)), rs.getString(1), rs.getInt(2));
    }

    private static ImportMetadata mapImport(ResultSet rs) throws SQLException {
        return new ImportMetadata(rs.getString(1), JdbcValues.fromEpochMicros(rs.getLong(2)), rs.getString(3),
                rs.getLong(4), rs.getString(5));
    }

    private static Long findImportKey(Connection connection, String importId) throws SQLException {
        try (PreparedStatement find = connection.prepareStatement(FIND_IMPORT_KEY)) {
            find.setString(1, importId);
            try (ResultSet rs = find.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    @Override
    public List<Listing> queryListings(ListingQuery query) {
        Objects.requireNonNull(query, "query");
        Sql sql = listingSql.select(SELECT_LISTINGS, query);
        return read("Cannot query listings in", connection -> {
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
            LOG.debug("{}: {} rows in {} us: {}", file, result.size(), (System.nanoTime() - start) / 1_000, sql);
            return result;
        });
    }

    @Override
    public long countListings(ListingQuery query) {
        Objects.requireNonNull(query, "query");
        Sql sql = listingSql.count(query);
        return read("Cannot count listings in", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql.text())) {
                sql.bind(statement);
                try (ResultSet rs = statement.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    @Override
    public List<ImportMetadata> listImports() {
        return read("Cannot list imports in", connection -> {
            List<ImportMetadata> imports = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement(LIST_IMPORTS);
                    ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    imports.add(mapImport(rs));
                }
            }
            return imports;
        });
    }

    @Override
    public Optional<ImportMetadata> findImport(String importId) {
        Objects.requireNonNull(importId, "importId");
        return read("Cannot read import " + importId + " in", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(FIND_IMPORT)) {
                statement.setString(1, importId);
                try (ResultSet rs = statement.executeQuery()) {
                    return rs.next() ? Optional.of(mapImport(rs)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public boolean deleteImport(String importId) {
        Objects.requireNonNull(importId, "importId");
        return write("Cannot delete import " + importId + " from", connection -> {
            boolean deleted;
            try (PreparedStatement statement = connection.prepareStatement(DELETE_IMPORT)) {
                statement.setString(1, importId);
                deleted = statement.executeUpdate() > 0;
            }
            connection.commit();
            if (deleted) {
                LOG.info("Deleted import {} from {}", importId, file);
            }
            return deleted;
        });
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            pool.close();
            LOG.debug("{}: closed", file);
        }
    }

    @Override
    public String toString() {
        return "SqliteListingStore[" + file + (readOnly ? ", read-only" : "") + (closed ? ", closed" : "") + "]";
    }

    /** One unit of work on a connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Runs {@code work} on a pooled connection in auto-commit mode; for tests that inspect the connection. */
    <T> T withConnection(Work<T> work) {
        return read("Cannot run a statement on", work);
    }

    private <T> T read(String action, Work<T> work) {
        ensureOpen();
        Connection connection = null;
        boolean broken = false;
        try {
            connection = pool.acquire();
            return work.run(connection);
        } catch (SQLException e) {
            broken = SqliteErrors.poisonsConnection(e);
            throw SqliteErrors.translate(action, file, e);
        } finally {
            if (connection != null) {
                pool.release(connection, broken);
            }
        }
    }

    /**
     * Runs {@code work} in an IMMEDIATE transaction that it commits itself; rolls back on any failure, keeping
     * the original exception, and discards the connection rather than trust its state afterwards.
     */
    private <T> T write(String action, Work<T> work) {
        ensureOpen();
        if (readOnly) {
            throw new StoreException(action + " " + file + ": the store was opened read-only");
        }
        writeLock.lock();
        Connection connection = null;
        boolean broken = true;
        try {
            connection = pool.acquire();
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                // sqlite-jdbc opens the next transaction right after commit(); end it before the connection is reused.
                connection.setAutoCommit(true);
                broken = false;
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                rollback(connection, e);
                throw e;
            }
        } catch (SQLException e) {
            throw SqliteErrors.translate(action, file, e);
        } finally {
            if (connection != null) {
                pool.release(connection, broken);
            }
            writeLock.unlock();
        }
    }

    private static void rollback(Connection connection, Throwable failure) {
        try {
            connection.rollback();
        } catch (SQLException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("Store " + file + " is closed");
        }
    }
}
