package io.glyphd.store.sqlite;

import io.glyphd.store.ImportDiff;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.ListingStore;
import io.glyphd.store.ModelStats;
import io.glyphd.store.PricePoint;
import io.glyphd.store.StoreException;
import io.glyphd.store.internal.JdbcListingStore;
import io.glyphd.store.internal.ListingAnalytics;
import io.glyphd.store.internal.ListingQueries;
import io.glyphd.store.internal.JdbcWork;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Stream;
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
    /** The directory {@link #temporary()} made, removed on close; null for a store the caller placed. */
    private final Path temporaryDirectory;

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
        this(dbPath, readOnly, null);
    }

    private SqliteListingStore(Path dbPath, boolean readOnly, Path temporaryDirectory) {
        super(open(dbPath, readOnly));
        this.database = (SqliteDatabase) database();
        this.temporaryDirectory = temporaryDirectory;
    }

    /**
     * Opens a throwaway store for tests: a real file, {@code listings.sqlite3} in a fresh directory under
     * {@code java.io.tmpdir}, with every setting a store opened with {@link #SqliteListingStore(Path)} has (WAL,
     * locking, retries), so a test sees what production does. Each call gives a new, empty store that no other
     * store sees; {@link #close()} deletes the directory and everything in it. Opening one takes a few milliseconds
     * once the driver is loaded (the first store a JVM opens also loads SQLite's native library).
     *
     * <pre>{@code
     * try (SqliteListingStore store = SqliteListingStore.temporary()) {
     *     // exercise the code under test against store
     * }
     * }</pre>
     *
     * @throws StoreException if the directory or the store cannot be created
     */
    public static SqliteListingStore temporary() {
        Path dir;
        try {
            dir = Files.createTempDirectory("glyphd-store-");
        } catch (IOException e) {
            throw new StoreException("Cannot create a directory for a temporary store under "
                    + System.getProperty("java.io.tmpdir") + ": " + e, e);
        }
        try {
            return new SqliteListingStore(dir.resolve("listings.sqlite3"), false, dir);
        } catch (RuntimeException e) {
            try {
                deleteDirectory(dir);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /**
     * Refuses what SQLite would read as something other than a file path: sqlite-jdbc would create a file named
     * {@code :memory:}, or {@code file:...}, in the working directory, and two "fresh" stores would share it.
     */
    private static void requireFilePath(Path dbPath) {
        String text = dbPath.toString();
        String lower = text.toLowerCase(Locale.ROOT);
        if (text.equals(":memory:") || lower.startsWith("file:") || lower.startsWith("jdbc:")) {
            throw new IllegalArgumentException("Cannot open a SQLite store at '" + text + "': a store takes the path of"
                    + " a file, not " + (text.equals(":memory:") ? "an in-memory database" : "a URI or JDBC URL")
                    + "; for a throwaway store (e.g. in tests) use SqliteListingStore.temporary(), a real file in a"
                    + " fresh temporary directory that close() removes");
        }
    }

    private static Backend open(Path dbPath, boolean readOnly) {
        requireFilePath(Objects.requireNonNull(dbPath, "dbPath"));
        Path file = dbPath.toAbsolutePath().normalize();
        long start = System.nanoTime();
        SqliteSchema.State state = SqliteSchema.inspect(file);
        if (readOnly && state != SqliteSchema.State.CURRENT) {
            throw new StoreException("Cannot open " + file + " read-only: "
                    + (state == SqliteSchema.State.NEW ? "there is no glyphd-store database there"
                            : "its schema must first be migrated by opening it writable once"));
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
     * @throws StoreException if there is no current glyphd-store database at {@code dbPath}
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
            config.setJournalSizeLimit((int) SqliteDatabase.WAL_LIMIT_BYTES);
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
     * Writes a consistent copy of the store to {@code target}, a new file, while imports and queries go on: SQLite's
     * {@code VACUUM INTO} reads one snapshot (an import that commits meanwhile is in the copy whole or not at all)
     * and writes it compacted, without blocking writers. The copy goes to a temporary file next to {@code target},
     * is synced, and only then takes the name {@code target}, so {@code target} never holds part of a copy. The copy
     * is a glyphd-store database that opens as a store; it needs free space about the size of the store's live
     * data. Works on a read-only store. (A PostgreSQL store is backed up with {@code pg_dump}.)
     *
     * @param target the file to create; its parent directories are created if needed
     * @return {@code target}, absolute
     * @throws IllegalArgumentException if {@code target} already exists; nothing is written
     * @throws StoreException if the copy cannot be written (disk full, ...); no file is left at {@code target}
     */
    public Path backup(Path target) {
        Path file = Objects.requireNonNull(target, "target").toAbsolutePath().normalize();
        database.ensureOpen();
        String action = "Cannot back up " + path() + " to " + file;
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException(action + ": it already exists, and a backup never overwrites a file");
        }
        createParentDirectories(file);
        long start = System.nanoTime();
        Path partial;
        try {
            partial = Files.createTempFile(file.getParent(), file.getFileName() + ".", ".partial");
        } catch (IOException e) {
            throw new StoreException(action + ": cannot create a file in " + file.getParent() + ": " + e, e);
        }
        try {
            database.read(action + ": the copy failed in", connection -> {
                try (PreparedStatement vacuum = connection.prepareStatement("VACUUM INTO ?")) {
                    vacuum.setString(1, partial.toString());
                    vacuum.execute();
                }
                return null;
            });
            sync(partial, false);
            publish(partial, file, action);
            sync(file.getParent(), true);
        } catch (RuntimeException e) {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        LOG.info("{}: backed up to {} ({} bytes) in {} ms", path(), file, size(file),
                (System.nanoTime() - start) / 1_000_000);
        return file;
    }

    /** Gives the finished copy its name without replacing a file that appeared there meanwhile (a hard link). */
    private static void publish(Path partial, Path file, String action) {
        try {
            try {
                Files.createLink(file, partial);
            } catch (FileAlreadyExistsException e) {
                throw e;
            } catch (UnsupportedOperationException | IOException e) {
                Files.move(partial, file); // no hard links here: refuses an existing file, though not atomically
                return;
            }
        } catch (FileAlreadyExistsException e) {
            throw new IllegalArgumentException(action + ": it was created while the copy was written, and a backup"
                    + " never overwrites a file", e);
        } catch (IOException e) {
            throw new StoreException(action + ": cannot rename the finished copy " + partial + ": " + e, e);
        }
        try {
            Files.delete(partial);
        } catch (IOException e) {
            LOG.warn("{}: could not delete {}, a second name of the finished backup: {}", file, partial, e.toString());
        }
    }

    private static void sync(Path path, boolean directory) {
        try (FileChannel channel = FileChannel.open(path, directory ? StandardOpenOption.READ
                : StandardOpenOption.WRITE)) {
            channel.force(true);
        } catch (IOException e) {
            if (!directory) { // some file systems cannot sync a directory; the file itself is on disk
                throw new StoreException("Cannot sync " + path + " to disk: " + e, e);
            }
        }
    }

    /**
     * Gives the space that deleted imports left inside the file back to the file system: SQLite reuses free pages for
     * later imports but never shrinks a file by itself. Runs {@code VACUUM}, which rewrites the whole file, then
     * checkpoints and truncates the WAL. It takes about as long as {@link #backup(Path)} and needs free space up to
     * twice the size of the live data while it runs (a temporary copy in the system's temporary directory, and
     * the WAL); it waits for other writers and blocks writes until it is done (queries go on). Run it after a large
     * {@link #prune}, at a quiet time.
     *
     * @return the number of bytes the file shrank by (0 if there was no free space)
     * @throws StoreException if it cannot run (a lock held past the busy timeout, disk full, read-only store); the
     *         store is unchanged
     */
    public long compact() {
        long before = size(path());
        long start = System.nanoTime();
        database.exclusive("Cannot compact", connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("VACUUM");
                statement.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            }
            return null;
        });
        long after = size(path());
        LOG.info("{}: compacted from {} to {} bytes in {} ms", path(), before, after,
                (System.nanoTime() - start) / 1_000_000);
        return Math.max(0, before - after);
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>A store from {@link #temporary()} also deletes its directory; if that fails, a warning is logged.
     */
    @Override
    public void close() {
        super.close();
        if (temporaryDirectory != null) {
            try {
                deleteDirectory(temporaryDirectory);
            } catch (IOException e) {
                LOG.warn("{}: could not delete the temporary store's directory: {}", temporaryDirectory, e.toString());
            }
        }
    }

    private static void deleteDirectory(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
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
