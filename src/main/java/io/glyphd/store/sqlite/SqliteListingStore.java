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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * A {@link ListingStore} in one SQLite file, on plain JDBC. Open one with {@link #SqliteListingStore(Path)} (every
 * option at its default) or {@link #builder(Path)}; see {@link Builder} for the options and their defaults.
 *
 * <p>Settings, applied to every connection: foreign keys on, WAL journal, {@code synchronous=NORMAL} (or
 * {@link Builder#synchronous(Synchronous) FULL}), IMMEDIATE write transactions, and a busy handler that waits up to
 * the {@linkplain Builder#lockWait(Duration) lock wait}. In WAL mode with {@code synchronous=NORMAL} a committed
 * import survives a crash of the process; a power loss may lose the most recent commits but never leaves a partial
 * import or a damaged file; with {@code FULL} it loses nothing committed.
 *
 * <p>Opening: the file is inspected before anything is written (header, {@code application_id},
 * {@code user_version}); a file that is not a glyphd-store database or whose schema is newer is refused and left
 * byte-for-byte as it was. A missing or empty file gets the bundled {@code schema.sql} and every migration after
 * it; an older schema is migrated in place, keeping its rows; either in one transaction, which leaves the file at
 * its old version if a statement fails.
 *
 * <p>A store always reopens after a crash: a WAL left by a killed writer is recovered by SQLite, and a hot rollback
 * journal (left by a writer killed in rollback-journal mode, as files of the earlier release are until their first
 * open) is rolled back before the inspection, for a glyphd-store file only; a foreign file with a hot journal is
 * refused and left as it was. {@link #openReadOnly(Path)} cannot roll a journal back and says to open the store
 * writable once. A file with several hard links is refused for writing, since SQLite keeps one write-ahead log per
 * name and writers using two names would lose commits; symbolic links are resolved by SQLite and are safe.
 *
 * <p>Import algorithm, in one IMMEDIATE transaction:
 * <ol>
 *   <li>upsert the import row ({@code INSERT ... ON CONFLICT (import_id) DO UPDATE ... RETURNING id}: a known id
 *       keeps its storage key and gets fresh metadata) and delete its old listings (counted as replaced), as every
 *       backend does;</li>
 *   <li>raise the connection's page cache to the {@linkplain Builder#importCacheSize(long) import cache size}, so
 *       that index upkeep and index builds work in memory (pages are allocated only as they are used);</li>
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
 * Interrupting the importing thread stops the import at its next row: it is rolled back and the call throws a
 * {@link StoreException} saying the thread was interrupted, with the thread's interrupt flag still set.
 *
 * <p>Thread-safety: instances are thread-safe. Each operation takes a connection from a pool of at most
 * {@linkplain Builder#maxConnections(int) maxConnections} and gives it back, so no connection is used by two
 * threads at once; readers run in parallel with each other and with a writer (WAL).
 *
 * <p>Writers queue. Writes to one file take turns: in one process, on a fair lock per file shared by every store
 * instance on it (first come, first served); across processes, SQLite's write lock, which a waiting write polls
 * every few milliseconds. A write waits at most the lock wait in all (default 10 s), counted from its call; if
 * SQLite still reports BUSY, or reported it without waiting, the whole write is run again on a fresh connection
 * within that time, but only when running it again is safe: an import is retried only if its iterator has not yet
 * been asked for a listing, {@link #deleteImport(String)} at any point. Otherwise the write fails with a
 * {@link StoreException} saying the database is locked, and nothing of it is written. Reads are retried after BUSY
 * the same way. A write from inside an import's own iterator (the same thread, any store instance on the file)
 * fails at once with a {@link StoreException} saying so, as it would wait for itself. A connection that met a BUSY,
 * FULL, I/O or corruption error is discarded, not reused.
 *
 * <p>Damage: opening checks only what is cheap (header, {@code application_id}, {@code user_version}, the tables'
 * presence); an operation that meets a damaged page fails with a {@link StoreException} saying the file is
 * damaged, and {@link #verify()} checks every page.
 */
public final class SqliteListingStore extends JdbcListingStore {
    /** How long a write may wait for other writers in all, unless told otherwise: 10 s. */
    public static final Duration DEFAULT_LOCK_WAIT = Duration.ofSeconds(10);
    /** The most connections a store opens at once, unless told otherwise. */
    public static final int DEFAULT_MAX_CONNECTIONS = 8;
    /** How long an operation waits for a free connection when all are in use, unless told otherwise: 10 s. */
    public static final Duration DEFAULT_CONNECTION_WAIT = Duration.ofSeconds(10);
    /** The page cache of the connection that imports, in bytes, unless told otherwise: 256 MiB. */
    public static final long DEFAULT_IMPORT_CACHE_SIZE = 256L << 20;
    private static final Duration MAX_WAIT = Duration.ofHours(24);
    private static final int MAX_CONNECTIONS_LIMIT = 64;
    private static final long MIN_IMPORT_CACHE_SIZE = 1L << 20;
    private static final long MAX_IMPORT_CACHE_SIZE = 64L << 30;
    private static final Logger LOG = LoggerFactory.getLogger(SqliteListingStore.class);

    private final SqliteDatabase database;

    /** SQLite's {@code synchronous} setting: how often a commit waits for the disk. */
    public enum Synchronous {
        /**
         * The WAL is synced at checkpoints, not at each commit: a process crash loses nothing committed, a power
         * loss or OS crash may roll back the last commits (never half of one). The default.
         */
        NORMAL,
        /** Every commit is synced before {@code commit()} returns: a power loss loses nothing committed; slower. */
        FULL
    }

    /**
     * Opens the store in {@code dbPath}, creating the file, its parent directories and the schema if needed, with
     * every option at its default; the same as {@code builder(dbPath).build()}.
     *
     * @throws io.glyphd.store.SchemaVersionException if the file is not a glyphd-store database or is newer than
     *         this build; the file is left untouched
     * @throws StoreException if the file cannot be opened or created
     */
    public SqliteListingStore(Path dbPath) {
        this(builder(dbPath));
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

    private SqliteListingStore(Builder builder) {
        super(open(builder));
        this.database = (SqliteDatabase) database();
    }

    /**
     * Returns a builder for a store in {@code dbPath}, with every option at its default.
     *
     * @throws NullPointerException if {@code dbPath} is null
     */
    public static Builder builder(Path dbPath) {
        return new Builder(dbPath);
    }

    private static Backend open(Builder options) {
        Path file = options.path.toAbsolutePath().normalize();
        boolean readOnly = options.readOnly;
        long start = System.nanoTime();
        if (!readOnly) {
            SqliteSchema.requireOneName(file);
        }
        SqliteSchema.State state = SqliteSchema.inspect(file, !readOnly, options.lockWait);
        if (readOnly && state != SqliteSchema.State.CURRENT) {
            throw new StoreException("Cannot open " + file + " read-only: "
                    + (state == SqliteSchema.State.NEW ? "there is no glyphd-store database there"
                            : "its schema must first be migrated by opening it writable once"));
        }
        if (!readOnly) {
            createParentDirectories(file);
            enableWal(file, options.lockWait);
        }
        SQLiteDataSource dataSource = new SQLiteDataSource(config(readOnly, options.synchronous, options.lockWait));
        dataSource.setUrl("jdbc:sqlite:" + file);
        SqliteDatabase database = new SqliteDatabase(file, readOnly, dataSource, new SqliteDatabase.Limits(
                options.lockWait, options.maxConnections, options.connectionWait, options.onLockWait));
        int version = SqliteSchema.CURRENT_VERSION;
        try {
            if (state != SqliteSchema.State.CURRENT) {
                int before = database.setUp("Cannot open", c -> SqliteSchema.createOrMigrate(c, file));
                if (before == 0) {
                    LOG.info("{}: created glyphd-store schema version {}", file, version);
                } else if (before < version) {
                    LOG.info("{}: migrated glyphd-store schema from version {} to {}", file, before, version);
                }
            }
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
        LOG.info("{}: opened glyphd-store (schema version {}{}) in {} ms", file, version,
                readOnly ? ", read-only" : "", (System.nanoTime() - start) / 1_000_000);
        int cacheKib = Math.toIntExact(options.importCacheSize >> 10);
        return new Backend(database, SqliteDialect.INSTANCE,
                (c, importKey, rows) -> SqliteImporter.load(c, file, importKey, rows, cacheKib),
                c -> SqliteVerifier.verify(c, file));
    }

    /**
     * Opens an existing store for reading only: queries work, every write throws {@link StoreException}. Nothing is
     * created, migrated or written, not even the journal mode. The same as {@code builder(dbPath).readOnly(true)
     * .build()}.
     *
     * @throws StoreException if there is no current glyphd-store database at {@code dbPath}
     */
    public static SqliteListingStore openReadOnly(Path dbPath) {
        return builder(dbPath).readOnly(true).build();
    }

    /**
     * Switches the file to WAL before the pool opens connections that ask for it. The switch needs the file's
     * exclusive lock, and SQLite reports BUSY at once, without waiting, when two connections ask for it together
     * (the wait could deadlock), so two stores opening one rollback-journal file at the same moment would fail.
     * Retrying here, within the lock wait, makes them take turns; once the file is in WAL (the mode is kept in
     * the file) the pool's own request is a no-op.
     */
    private static void enableWal(Path file, Duration lockWait) {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(busyTimeoutMillis(lockWait));
        long deadline = System.nanoTime() + lockWait.toNanos();
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

    static int busyTimeoutMillis(Duration lockWait) {
        return (int) Math.min(Integer.MAX_VALUE, lockWait.toMillis());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("Interrupted while waiting for another connection's lock", e);
        }
    }

    /**
     * Returns the settings every connection gets; package-private so that tests can derive variants. The busy
     * timeout here covers only what runs before the store's own busy handler replaces it ({@code BusyWait}).
     */
    static SQLiteConfig config(boolean readOnly, Synchronous synchronous, Duration lockWait) {
        SQLiteConfig config = new SQLiteConfig();
        config.enforceForeignKeys(true);
        config.setBusyTimeout(busyTimeoutMillis(lockWait));
        if (readOnly) {
            config.setReadOnly(true);
        } else {
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.setSynchronous(synchronous == Synchronous.FULL ? SQLiteConfig.SynchronousMode.FULL
                    : SQLiteConfig.SynchronousMode.NORMAL);
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

    /**
     * Closes the store as a barrier: operations called from now on fail with {@link IllegalStateException} ("the
     * store is closed"); operations waiting for a lock stop waiting and fail; running ones get up to the
     * {@linkplain Builder#lockWait(Duration) lock wait} to finish, and any still running then are rolled back (their
     * statement interrupted, their connection closed) and fail with a {@link StoreException}. When this returns, no
     * operation of this store commits any more and the store holds the file open no more, so it may be copied or
     * moved. Closing twice does nothing.
     */
    @Override
    public void close() {
        super.close();
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

    /**
     * Options of a {@link SqliteListingStore}, each checked as it is set: a bad value is an
     * {@link IllegalArgumentException} naming the option and its limit. Not thread-safe; {@link #build()} copies it.
     *
     * <table>
     *   <caption>Options and their defaults</caption>
     *   <tr><th>option</th><th>default</th></tr>
     *   <tr><td>{@link #lockWait(Duration)}</td><td>10 s</td></tr>
     *   <tr><td>{@link #maxConnections(int)}</td><td>8</td></tr>
     *   <tr><td>{@link #connectionWait(Duration)}</td><td>10 s</td></tr>
     *   <tr><td>{@link #importCacheSize(long)}</td><td>256 MiB</td></tr>
     *   <tr><td>{@link #synchronous(Synchronous)}</td><td>{@link Synchronous#NORMAL}</td></tr>
     *   <tr><td>{@link #readOnly(boolean)}</td><td>false</td></tr>
     *   <tr><td>{@link #onLockWait(Consumer)}</td><td>none</td></tr>
     * </table>
     */
    public static final class Builder {
        private final Path path;
        private Duration lockWait = DEFAULT_LOCK_WAIT;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private Duration connectionWait = DEFAULT_CONNECTION_WAIT;
        private long importCacheSize = DEFAULT_IMPORT_CACHE_SIZE;
        private Synchronous synchronous = Synchronous.NORMAL;
        private boolean readOnly;
        private Consumer<String> onLockWait = who -> { };

        private Builder(Path path) {
            this.path = Objects.requireNonNull(path, "dbPath");
        }

        /**
         * Sets how long a write may wait for other writers, in all (default 10 s): for its turn among this file's
         * writers in this process (they queue in order, across every store instance on the file), then for
         * another process's write, across every retry. A write still blocked then fails with a
         * {@link StoreException} and writes nothing. Reads wait as long for the rare locks SQLite makes them wait
         * for, and {@link #close()} waits as long for running operations.
         *
         * @throws IllegalArgumentException if {@code value} is negative or longer than 24 hours
         */
        public Builder lockWait(Duration value) {
            this.lockWait = checkWait("lockWait", value);
            return this;
        }

        /**
         * Sets the most connections the store opens at once (default {@value #DEFAULT_MAX_CONNECTIONS}): each
         * running operation holds one, so this bounds the reads that run in parallel. An operation that finds all
         * in use waits up to {@link #connectionWait(Duration)}.
         *
         * @throws IllegalArgumentException if {@code value} is not between 1 and 64
         */
        public Builder maxConnections(int value) {
            if (value < 1 || value > MAX_CONNECTIONS_LIMIT) {
                throw new IllegalArgumentException("maxConnections must be between 1 and " + MAX_CONNECTIONS_LIMIT
                        + ", was " + value);
            }
            this.maxConnections = value;
            return this;
        }

        /**
         * Sets how long an operation waits for a connection when {@link #maxConnections(int)} are in use (default
         * 10 s); then it fails with a {@link StoreException} saying so.
         *
         * @throws IllegalArgumentException if {@code value} is negative or longer than 24 hours
         */
        public Builder connectionWait(Duration value) {
            this.connectionWait = checkWait("connectionWait", value);
            return this;
        }

        /**
         * Sets the page cache of the connection during an import, in bytes (default 256 MiB), which keeps index
         * upkeep and index builds in memory. It is native memory, allocated only as pages are used and given back
         * when the import ends.
         *
         * @throws IllegalArgumentException if {@code bytes} is not between 1 MiB and 64 GiB
         */
        public Builder importCacheSize(long bytes) {
            if (bytes < MIN_IMPORT_CACHE_SIZE || bytes > MAX_IMPORT_CACHE_SIZE) {
                throw new IllegalArgumentException("importCacheSize must be between 1 MiB (" + MIN_IMPORT_CACHE_SIZE
                        + " bytes) and 64 GiB (" + MAX_IMPORT_CACHE_SIZE + " bytes), was " + bytes);
            }
            this.importCacheSize = bytes;
            return this;
        }

        /**
         * Sets SQLite's {@code synchronous} for writes (default {@link Synchronous#NORMAL}); {@link Synchronous#FULL}
         * makes every commit survive a power loss.
         */
        public Builder synchronous(Synchronous value) {
            this.synchronous = Objects.requireNonNull(value, "synchronous");
            return this;
        }

        /**
         * Opens the store for reading only (default false): queries work, every write throws
         * {@link StoreException}, and nothing is created, migrated or written, not even the journal mode.
         */
        public Builder readOnly(boolean value) {
            this.readOnly = value;
            return this;
        }

        /**
         * Sets who hears, once per write, that the write has to wait for another writer (default: nobody); it is
         * told who holds the file ("another writer in this process", "another connection or process") and runs
         * on the waiting thread, so it should be quick. The CLI's {@code import} prints it.
         */
        public Builder onLockWait(Consumer<String> listener) {
            this.onLockWait = Objects.requireNonNull(listener, "onLockWait");
            return this;
        }

        private static Duration checkWait(String option, Duration value) {
            Objects.requireNonNull(value, option);
            if (value.isNegative() || value.compareTo(MAX_WAIT) > 0) {
                throw new IllegalArgumentException(option + " must be between 0 and 24 hours, was " + value);
            }
            return value;
        }

        /**
         * Opens the store.
         *
         * @throws io.glyphd.store.SchemaVersionException if the file is not a glyphd-store database or is newer
         *         than this build; the file is left untouched
         * @throws StoreException if the file cannot be opened or created, or (read-only) holds no current store
         */
        public SqliteListingStore build() {
            return new SqliteListingStore(this);
        }
    }
}
