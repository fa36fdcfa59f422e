package io.glyphd.store.postgres;

import io.glyphd.store.ListingQuery;
import io.glyphd.store.ListingStore;
import io.glyphd.store.ModelStats;
import io.glyphd.store.StoreException;
import io.glyphd.store.VerifyReport;
import io.glyphd.store.internal.JdbcListingStore;
import io.glyphd.store.internal.ListingAnalytics;
import io.glyphd.store.internal.ListingQueries;
import io.glyphd.store.internal.MicrometerMetrics;
import io.glyphd.store.internal.StoreMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ListingStore} in a PostgreSQL database shared by any number of store instances, processes and machines,
 * on a {@link DataSource} the caller owns (HikariCP in a service, for example) and that the store never closes.
 *
 * <p>Schema: {@code imports}, {@code listings} and {@code glyphd_store_schema} (the applied schema versions) in one
 * PostgreSQL schema, {@code public} unless {@link Builder#schema(String)} says otherwise, in native types: prices
 * {@code numeric(19,6)}, instants {@code timestamptz}, heuristics {@code jsonb}, flags {@code boolean}. Opening
 * creates the schema or migrates it under a transaction-level advisory lock, so instances starting together on an
 * empty database create it once; a schema newer than this build, or {@code imports}/{@code listings} tables that
 * belong to something else, are refused with a {@link io.glyphd.store.SchemaVersionException} and left untouched.
 *
 * <p>Import algorithm, in one READ COMMITTED transaction:
 * <ol>
 *   <li>if the request {@linkplain io.glyphd.store.ImportRequest#refuseDuplicateInput() refuses duplicate input}:
 *       take an advisory lock on its fingerprint, held until the end of the transaction, then refuse the import if
 *       imports of other ids hold it. Two instances importing one input at once take turns here;</li>
 *   <li>upsert the import row ({@code INSERT ... ON CONFLICT (import_id) DO UPDATE ... RETURNING id}). Its row lock
 *       makes a second instance importing the same id wait until the first commits (or rolls back), then replace
 *       its rows: the result is one of the two imports, whole. Imports of different ids run in parallel;</li>
 *   <li>delete the import's old listings (counted as replaced);</li>
 *   <li>stream the listings with one binary {@code COPY listings ... FROM STDIN}, in chunks as they are read;</li>
 *   <li>record the count and commit. On any failure, including a lost connection or a server restart, the
 *       transaction is rolled back by the server: nothing of the import is visible, and the next call works once
 *       the server is back.</li>
 * </ol>
 * Readers are never blocked by an import and never see part of one: every read is one REPEATABLE READ READ ONLY
 * transaction, so even a read of several statements (a page) sees one snapshot.
 *
 * <p>Settings, all transaction-local (a pooled connection is given back as it was lent): {@code search_path} to the
 * store's schema, {@code jit = off}, and {@link Builder#statementTimeout(Duration)} if set.
 *
 * <p>Errors are translated from the SQLState into {@link StoreException}s that say what happened and what it means
 * for the caller (the message never holds a password). A unit of work that is safe to run again (any read, a delete,
 * an import whose input has not been touched) is run again after a serialization failure or a deadlock, up to
 * {@link Builder#attempts(int)} times in all. Case-insensitive matching folds ASCII letters only, as the SQLite
 * backend does: the matched columns are {@code COLLATE "C"}.
 *
 * <p>Thread-safety: instances are thread-safe; each operation borrows its own connection.
 */
public final class PostgresListingStore extends JdbcListingStore {
    /** The PostgreSQL schema the store uses unless told otherwise. */
    public static final String DEFAULT_SCHEMA = "public";
    /** Attempts a unit of work makes, in all, unless told otherwise. */
    public static final int DEFAULT_ATTEMPTS = 3;
    private static final Pattern SCHEMA_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Logger LOG = LoggerFactory.getLogger(PostgresListingStore.class);

    private final PostgresDatabase database;
    private final String schema;

    /**
     * Opens the store in schema {@value #DEFAULT_SCHEMA} of {@code dataSource}'s database, creating or migrating its
     * tables if needed; see {@link #builder(DataSource)} for the options.
     *
     * @param dataSource where connections come from; the caller keeps owning it
     * @throws io.glyphd.store.SchemaVersionException if the schema is newer than this build or the tables are not
     *         glyphd-store's; nothing is changed
     * @throws StoreException if the database cannot be reached or the schema cannot be created
     */
    public PostgresListingStore(DataSource dataSource) {
        this(builder(dataSource));
    }

    private PostgresListingStore(Builder builder) {
        super(open(builder));
        this.database = (PostgresDatabase) database();
        this.schema = builder.schema;
    }

    private static Backend open(Builder builder) {
        long start = System.nanoTime();
        // First, so that a metrics name already in use is refused before anything is created.
        StoreMetrics metrics = builder.metrics.get();
        DataSource dataSource = builder.dataSource;
        String schema = builder.schema;
        String where;
        int found;
        try (Connection connection = dataSource.getConnection()) {
            where = PostgresErrors.describe(connection.getMetaData().getURL(), schema);
            // A pool may lend connections with auto-commit off; a fresh one has no transaction open to commit.
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(true);
            try {
                found = builder.readOnly ? PostgresSchema.requireCurrent(connection, schema, where)
                        : PostgresSchema.createOrMigrate(connection, schema, where);
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw PostgresErrors.translate("Cannot open", "PostgreSQL schema " + schema, e);
        }
        if (found == 0) {
            LOG.info("{}: created glyphd-store schema version {}", where, PostgresSchema.CURRENT_VERSION);
        } else if (found < PostgresSchema.CURRENT_VERSION) {
            LOG.info("{}: migrated glyphd-store schema from version {} to {}", where, found,
                    PostgresSchema.CURRENT_VERSION);
        }
        LOG.info("{}: opened glyphd-store (schema version {}{}) in {} ms", where, PostgresSchema.CURRENT_VERSION,
                builder.readOnly ? ", read-only" : "", (System.nanoTime() - start) / 1_000_000);
        PostgresDatabase database = new PostgresDatabase(dataSource, schema, where, builder.readOnly,
                builder.attempts, builder.statementTimeout, metrics);
        return new Backend(database, PostgresDialect.INSTANCE, PostgresCopyLoader::load,
                c -> PostgresVerifier.verify(c, where, schema), metrics);
    }

    /**
     * Returns a builder for a store on {@code dataSource}, which the caller keeps owning.
     *
     * @param dataSource where connections come from; the caller keeps owning it
     * @return the builder, with every option at its default
     * @throws NullPointerException if {@code dataSource} is null
     */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /** {@return the PostgreSQL schema the store's tables live in} */
    public String schema() {
        return schema;
    }

    /** {@return true if the store refuses writes} */
    public boolean isReadOnly() {
        return database.isReadOnly();
    }

    /**
     * {@inheritDoc}
     *
     * <p>The median is exact: both middle prices come from one sort per model and their mean is taken in
     * {@code numeric}.
     */
    @Override
    public List<ModelStats> modelStats(ListingQuery filter) {
        return super.modelStats(filter);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Checks that every import holds exactly the rows it recorded, numbered 1..n, that no listing lacks its
     * import, and that every index of the store's tables is valid. Damage to pages is the server's to detect (data
     * checksums, {@code amcheck}).
     */
    @Override
    public VerifyReport verify() {
        return super.verify();
    }

    /** Marks the store closed; the caller's {@link DataSource} stays open. */
    @Override
    public void close() {
        super.close();
    }

    @Override
    public String toString() {
        return "PostgresListingStore[" + database.where() + (isReadOnly() ? ", read-only" : "")
                + (database.isClosed() ? ", closed" : "") + "]";
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
     * Options of a {@link PostgresListingStore}, checked as they are set: a bad value is an
     * {@link IllegalArgumentException} naming the option and its limit. Not thread-safe; {@link #build()} copies it.
     */
    public static final class Builder {
        private final DataSource dataSource;
        private String schema = DEFAULT_SCHEMA;
        private boolean readOnly;
        private int attempts = DEFAULT_ATTEMPTS;
        private Duration statementTimeout;
        private Supplier<StoreMetrics> metrics = () -> StoreMetrics.NONE;

        private Builder(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        }

        /**
         * Sets the PostgreSQL schema the tables live in (default {@value #DEFAULT_SCHEMA}); it is created if missing.
         * Several stores can share a database in different schemas.
         *
         * @param name a lower-case unquoted identifier: a letter or underscore, then letters, digits or underscores,
         *        at most 63 characters
         * @return this builder
         * @throws IllegalArgumentException if the name is not such an identifier
         */
        public Builder schema(String name) {
            Objects.requireNonNull(name, "schema");
            if (!SCHEMA_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("schema must be a lower-case identifier of at most 63 characters"
                        + " ([a-z_][a-z0-9_]*), was '" + name + "'");
            }
            this.schema = name;
            return this;
        }

        /**
         * Opens the store for reading only (default false): nothing is created or migrated, every write throws
         * {@link StoreException}; for a hot standby, or a service that only reads. The schema must be current.
         *
         * @param value true to open the store read-only
         * @return this builder
         */
        public Builder readOnly(boolean value) {
            this.readOnly = value;
            return this;
        }

        /**
         * Sets how many attempts, in all, a unit of work that is safe to run again makes when PostgreSQL reports a
         * serialization failure or a deadlock (default {@value #DEFAULT_ATTEMPTS}).
         *
         * @param value the attempts, 1 to 10
         * @return this builder
         * @throws IllegalArgumentException if {@code value} is not between 1 and 10
         */
        public Builder attempts(int value) {
            if (value < 1 || value > 10) {
                throw new IllegalArgumentException("attempts must be between 1 and 10, was " + value);
            }
            this.attempts = value;
            return this;
        }

        /**
         * Sets the longest a single statement may run before the server cancels it (default: no limit), e.g. so a
         * request-serving query fails fast instead of waiting on a lock. An import's COPY is one statement: size the
         * limit for the largest import.
         *
         * @param value the limit, 1 ms to 24 hours
         * @return this builder
         * @throws IllegalArgumentException if {@code value} is not between 1 ms and 24 hours
         */
        public Builder statementTimeout(Duration value) {
            Objects.requireNonNull(value, "statementTimeout");
            if (value.toMillis() < 1 || value.compareTo(Duration.ofHours(24)) > 0) {
                throw new IllegalArgumentException("statementTimeout must be between 1 ms and 24 hours, was " + value);
            }
            this.statementTimeout = value;
            return this;
        }

        /**
         * Records the store's work in {@code registry} (default: no metrics), every meter tagged {@code store=name}:
         * timers of every operation by outcome, failures by kind, rows per import, lock waits, retries, and
         * connections in use and waited for. The meters are listed in the README. Needs
         * {@code io.micrometer:micrometer-core} on the class path, an optional dependency of this library.
         *
         * @param registry where the meters are registered
         * @param name tells this store's meters from other stores' in the same registry
         * @return this builder
         * @throws IllegalArgumentException if {@code name} is blank
         */
        public Builder metrics(MeterRegistry registry, String name) {
            this.metrics = MicrometerMetrics.option(registry, name);
            return this;
        }

        /**
         * Opens the store.
         *
         * @return the open store
         * @throws io.glyphd.store.SchemaVersionException if the schema is newer than this build, or the tables are
         *         not glyphd-store's; nothing is changed
         * @throws StoreException if the database cannot be reached, or (read-only) has no current schema
         * @throws IllegalArgumentException if another open store records into the same registry under the same
         *         {@linkplain #metrics(MeterRegistry, String) metrics name}
         */
        public PostgresListingStore build() {
            return new PostgresListingStore(this);
        }
    }
}
