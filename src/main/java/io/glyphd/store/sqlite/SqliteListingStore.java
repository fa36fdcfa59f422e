package io.glyphd.store.sqlite;

import io.glyphd.store.ImportDiff;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.ListingStore;
import io.glyphd.store.ModelStats;
import io.glyphd.store.PricePoint;
import io.glyphd.store.SchemaVersionException;
import io.glyphd.store.StoreException;
import io.glyphd.store.internal.JdbcListingStore;
import io.glyphd.store.internal.ListingAnalytics;
import io.glyphd.store.internal.ListingQueries;
import io.glyphd.store.internal.JdbcWork;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;
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
 * byte-for-byte as it was. A missing or empty file gets the bundled {@code schema.sql} and every migration after
 * it; an older schema is migrated in place, keeping its rows; either in one transaction, which leaves the file at
 * its old version if a statement fails.
 *
 * <p>Import algorithm, in one IMMEDIATE transaction:
 * <ol>
 *   <li>upsert the import row ({@code INSERT ... ON CONFLICT (import_id) DO UPDATE ... RETURNING id}: a known id
 *       keeps its storage key and gets fresh metadata) and delete its old listings (counted as replaced), as every
 *       backend does;</li>
 *   <li>raise the connection's page cache to {@value SqliteImporter#IMPORT_CACHE_KIB} KiB, so that index upkeep
 *       and index builds work in memory (pages are allocated only as they are used);</li>
 *   <li>insert the listings through one reused prepared statement, in batches of {@value SqliteImporter#BATCH_SIZE},
 *       numbering them 1..n; a null listing, or a failure of the iterator, stops the import;</li>
 *   <li>once the import has written as many rows as the table held before it (and at least
 *       {@value SqliteImporter#REBUILD_MIN_ROWS}), drop the secondary indexes of listings and, after the last row,
 *       create them again from their schema text: building an index from sorted rows costs far less than keeping it
 *       up to date row by row when the import dwarfs the table, and more when it does not, so a small import into a
 *       big store keeps its indexes. The row count of a stream is not known up front; this rule needs none;</li>
 *   <li>restore the page cache, record the count and commit. On any failure, roll back, index drops included: the
 *       store is as it was before.</li>
 * </ol>
 *
 * <p>Thread-safety: instances are thread-safe. Each operation takes a connection from a small pool and gives it
 * back, so no connection is used by two threads at once; readers run in parallel with each other and with a
 * writer (WAL). Writers in one process take turns on a lock; writers in other processes wait up to the busy
 * timeout. A connection that met a BUSY, FULL, I/O or corruption error is discarded, not reused.
 *
 * <p>Several processes (or several instances on one file): every write waits up to the busy timeout for another
 * writer to finish. If SQLite still reports BUSY, the whole write is run again on a fresh connection, up to
 * {@value SqliteDatabase#WRITE_ATTEMPTS} attempts in all, but only when running it again is safe: an import is
 * retried only if its iterator has not yet been asked for a listing (the BUSY came when the transaction began),
 * {@link #deleteImport(String)} at any point. Otherwise the write fails with a {@link StoreException} saying the
 * database is locked, and nothing of it is written. Either way a reader sees each import whole or not at all.
 *
 * <p>Damage: opening checks only what is cheap (header, {@code application_id}, {@code user_version}, the tables'
 * presence); an operation that meets a damaged page fails with a {@link StoreException} saying the file is
 * damaged, and {@link #verify()} checks every page.
 */
public final class SqliteListingStore extends JdbcListingStore {
    /** How long a statement waits for another connection's lock before failing with SQLITE_BUSY. */
    public static final int BUSY_TIMEOUT_MS = 10_000;
    private static final int MAX_IDLE_CONNECTIONS = 8;
    private static final Logger LOG = LoggerFactory.getLogger(SqliteListingStore.class);

    private final SqliteDatabase database;

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
        super(open(dbPath, readOnly));
        this.database = (SqliteDatabase) database();
    }

    private static Backend open(Path dbPath, boolean readOnly) {
        Path file = Objects.requireNonNull(dbPath, "dbPath").toAbsolutePath().normalize();
        long start = System.nanoTime();
        SqliteSchema.State state = SqliteSchema.inspect(file);
        if (readOnly && state == SqliteSchema.State.NEW) {
            throw new StoreException("Cannot open " + file + " read-only: there is no glyphd-store database there");
        }
        if (readOnly && state == SqliteSchema.State.OLDER) {
            int found = SqliteSchema.version(file);
            throw new SchemaVersionException("Cannot open " + file + " read-only: it has schema version " + found
                    + " of an older release, and this build reads version " + SqliteSchema.CURRENT_VERSION
                    + "; opening it writable once migrates it in place", found, SqliteSchema.CURRENT_VERSION, null);
        }
        if (!readOnly) {
            createParentDirectories(file);
            enableWal(file);
        }
        SQLiteDataSource dataSource = new SQLiteDataSource(config(readOnly));
        dataSource.setUrl("jdbc:sqlite:" + file);
        ConnectionPool pool = new ConnectionPool(dataSource, MAX_IDLE_CONNECTIONS);
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
        return new Backend(new SqliteDatabase(file, readOnly, pool), SqliteDialect.INSTANCE,
                (c, importKey, rows) -> SqliteImporter.load(c, file, importKey, rows),
                c -> SqliteVerifier.verify(c, file));
    }

    /**
     * Opens an existing store for reading only: queries work, every write throws {@link StoreException}. Nothing is
     * created, migrated or written, not even the journal mode.
     *
     * @throws SchemaVersionException if the file is not a glyphd-store database, is newer than this build, or is
     *         older and must first be migrated by opening it writable ({@link SchemaVersionException#found()} is then
     *         below {@link SchemaVersionException#supported()}); the file is left untouched
     * @throws StoreException if there is no glyphd-store database at {@code dbPath}
     */
    public static SqliteListingStore openReadOnly(Path dbPath) {
        return new SqliteListingStore(dbPath, true);
    }

    /**
     * Switches the file to WAL before the pool opens connections that ask for it. The switch needs the file's
     * exclusive lock, and SQLite reports BUSY at once, without waiting, when two connections ask for it together
     * (the wait could deadlock), so two stores opening one rollback-journal file at the same moment would fail.
     * Retrying here, within the busy timeout, makes them take turns; once the file is in WAL (the mode is kept in
     * the file) the pool's own request is a no-op.
     */
    private static void enableWal(Path file) {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        long deadline = System.nanoTime() + BUSY_TIMEOUT_MS * 1_000_000L;
        try (Connection connection = config.createConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement()) {
            for (int attempt = 1; ; attempt++) {
                try {
                    statement.execute("PRAGMA journal_mode = WAL");
                    return;
                } catch (SQLException e) {
                    if (!SqliteErrors.isBusy(e) || System.nanoTime() > deadline) {
                        throw e;
                    }
                    sleep(Math.min(50, attempt * 2L));
                }
            }
        } catch (SQLException e) {
            throw SqliteErrors.translate("Cannot open", file, e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("Interrupted while waiting for another connection's lock", e);
        }
    }

    /** Returns the settings every connection gets; package-private so that tests can derive variants. */
    static SQLiteConfig config(boolean readOnly) {
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

    private static void createParentDirectories(Path file) {
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
        return database.file();
    }

    /** Returns true if this store was opened with {@link #openReadOnly(Path)}. */
    public boolean isReadOnly() {
        return database.isReadOnly();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Cost: one range seek on the {@code (source_url, canonical_model, ...)} index, O(log n + k) for the
     * listing's k rows across all imports, plus sorting its points by import time.
     *
     * @throws IllegalArgumentException if {@code sourceUrl} is empty or {@code canonicalModel} is blank
     */
    @Override
    public List<PricePoint> history(String sourceUrl, String canonicalModel) {
        return super.history(sourceUrl, canonicalModel);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Cost: reads only the two imports' rows through their import index, O(a log a + b log b) for imports of
     * a and b rows whatever the size of the store, in one statement (one consistent snapshot); memory holds only
     * the entries returned.
     *
     * @throws io.glyphd.store.UnknownImportException if either import does not exist
     * @throws IllegalArgumentException if {@code limit} is negative
     */
    @Override
    public ImportDiff diff(String fromImportId, String toImportId, int limit) {
        return super.diff(fromImportId, toImportId, limit);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Cost without a filter: one pass over the covering index {@code (canonical_model, price_micros, id,
     * score)}, which delivers each model's prices together and in order, so no table row is read and nothing is
     * sorted for the grouping, O(n); each of the g models' min and max price and best listing is one seek, O(g log
     * n). With a filter: one pass over the m matching rows (through the filter's index where one applies, else the
     * table), grouped by model with a sort, O(m log m), and each model's best listing one seek on
     * {@code (canonical_model, score)}. One statement either way: one consistent snapshot.
     * The median comes from SQLite's {@code median()}, which works on doubles: it is exact below 2^52
     * micro-dollars (about 4.5 billion USD) and the nearest double above.
     */
    @Override
    public List<ModelStats> modelStats(ListingQuery filter) {
        return super.modelStats(filter);
    }

    @Override
    public String toString() {
        return "SqliteListingStore[" + database.file() + (isReadOnly() ? ", read-only" : "")
                + (database.isClosed() ? ", closed" : "") + "]";
    }

    /** Runs {@code work} on a pooled connection in auto-commit mode; for tests that inspect the connection. */
    <T> T withConnection(JdbcWork<T> work) {
        return database.read("Cannot run a statement on", work);
    }

    /** Returns the statements the store runs; for tests of their plans. */
    ListingQueries statements() {
        return queries();
    }

    /** Returns the analytics statements the store runs; for tests of their plans. */
    ListingAnalytics analyticsStatements() {
        return analytics();
    }
}
