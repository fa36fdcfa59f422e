package io.glyphd.store.internal;

import io.glyphd.store.DuplicateInputException;
import io.glyphd.store.ImportDiff;
import io.glyphd.store.ImportMetadata;
import io.glyphd.store.ImportRequest;
import io.glyphd.store.ImportResult;
import io.glyphd.store.Listing;
import io.glyphd.store.ListingPage;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.ListingStore;
import io.glyphd.store.ModelStats;
import io.glyphd.store.PricePoint;
import io.glyphd.store.PruneResult;
import io.glyphd.store.RetentionPolicy;
import io.glyphd.store.StoreException;
import io.glyphd.store.StoreHealth;
import io.glyphd.store.VerifyReport;
import io.glyphd.store.InvalidListingException;
import io.glyphd.store.SchemaVersionException;
import io.glyphd.store.UnknownImportException;
import io.glyphd.store.internal.StoreMetrics.FailureKind;
import io.glyphd.store.internal.StoreMetrics.Operation;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ListingStore} contract on plain JDBC, once for every backend: argument checks, the units of work and
 * their error messages. A backend supplies its {@link Backend}: where work runs ({@link Database}), its
 * {@link SqlDialect}, how an import's rows are loaded ({@link BulkLoader}) and how the storage is checked; the public
 * backend classes extend this one. Not API: its members other than {@link ListingStore}'s may change in any release.
 * Thread-safe if the {@link Database} is.
 */
public abstract class JdbcListingStore implements ListingStore {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcListingStore.class);
    /** One seek on the imports' primary key: proves the tables answer, whatever their size. */
    private static final String HEALTH_PROBE = "SELECT max(id) FROM imports";

    private final Database database;
    private final SqlDialect dialect;
    private final ListingQueries queries;
    private final ListingAnalytics analytics;
    private final BulkLoader loader;
    private final JdbcWork<VerifyReport> verifier;
    private final StoreMetrics metrics;

    /**
     * A backend's parts.
     *
     * @param database where units of work run
     * @param dialect the backend's SQL and conversions
     * @param loader writes an import's rows in bulk
     * @param verifier checks the whole storage on a read connection
     * @param metrics where the store reports its work ({@link StoreMetrics#NONE} for nowhere)
     */
    public record Backend(Database database, SqlDialect dialect, BulkLoader loader, JdbcWork<VerifyReport> verifier,
            StoreMetrics metrics) {
        /** A backend that reports no metrics. */
        public Backend(Database database, SqlDialect dialect, BulkLoader loader, JdbcWork<VerifyReport> verifier) {
            this(database, dialect, loader, verifier, StoreMetrics.NONE);
        }
    }

    /** Creates the store over a backend's parts. */
    protected JdbcListingStore(Backend backend) {
        this.database = backend.database();
        this.dialect = backend.dialect();
        this.queries = new ListingQueries(dialect);
        this.analytics = new ListingAnalytics(queries);
        this.loader = backend.loader();
        this.verifier = backend.verifier();
        this.metrics = backend.metrics();
        metrics.connections(database::activeConnections, database::pendingConnections);
    }

    /** Returns where units of work run. */
    protected final Database database() {
        return database;
    }

    /** Returns the statements and mappers; for backends' own tests of query plans. */
    protected final ListingQueries queries() {
        return queries;
    }

    /** Returns the analytics statements; for backends' own tests of query plans. */
    protected final ListingAnalytics analytics() {
        return analytics;
    }

    @Override
    public ImportResult importListings(Iterator<Listing> listings, ImportRequest request) {
        Objects.requireNonNull(listings, "listings");
        Objects.requireNonNull(request, "request");
        TrackedIterator<Listing> input = new TrackedIterator<>(listings);
        return write(Operation.IMPORT, "Cannot import listings as " + request + " into", () -> !input.touched(),
                connection -> ImportWriter.write(connection, dialect, queries, database.where(), input, request, loader,
                        metrics),
                metrics::imported);
    }

    @Override
    public List<Listing> queryListings(ListingQuery query) {
        Objects.requireNonNull(query, "query");
        return read(Operation.QUERY, "Cannot query listings in", c -> queries.queryListings(c, query));
    }

    @Override
    public ListingPage queryPage(ListingQuery query, String pageToken) {
        Objects.requireNonNull(query, "query");
        if (query.offset() != 0) {
            throw new IllegalArgumentException("offset must be 0 for queryPage, was " + query.offset()
                    + "; the page token says where a page starts");
        }
        PageToken after = pageToken == null ? null : PageToken.decode(pageToken, query);
        return read(Operation.PAGE, "Cannot query a page of listings in", c -> queries.queryPage(c, query, after));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here the whole stream is read in one snapshot, on one connection held in one read transaction from the first
     * page until the stream is closed or its last page has been read.
     */
    @Override
    public Stream<Listing> streamListings(ListingQuery query) {
        Objects.requireNonNull(query, "query");
        if (query.offset() != 0) {
            throw new IllegalArgumentException("offset must be 0 for streamListings, was " + query.offset()
                    + "; the stream reads every match");
        }
        Database.Snapshot snapshot = database.snapshot("Cannot stream listings from");
        SnapshotPages pages = new SnapshotPages(snapshot, queries, query);
        return StreamSupport.stream(pages, false).onClose(pages::close);
    }

    @Override
    public long countListings(ListingQuery query) {
        Objects.requireNonNull(query, "query");
        return read(Operation.COUNT, "Cannot count listings in", c -> queries.countListings(c, query));
    }

    @Override
    public List<ImportMetadata> listImports() {
        return read(Operation.LIST_IMPORTS, "Cannot list imports in", queries::listImports);
    }

    @Override
    public Optional<ImportMetadata> findImport(String id) {
        String importId = Objects.requireNonNull(id, "importId").strip();
        return read(Operation.FIND_IMPORT, "Cannot read import " + importId + " in",
                c -> queries.findImport(c, importId));
    }

    @Override
    public List<ImportMetadata> findImportsByFingerprint(String fingerprint) {
        Objects.requireNonNull(fingerprint, "fingerprint");
        return database.read("Cannot find the imports of fingerprint " + fingerprint + " in",
                c -> queries.findImportsByFingerprint(c, fingerprint));
    }

    @Override
    public boolean deleteImport(String id) {
        String importId = Objects.requireNonNull(id, "importId").strip();
        boolean deleted = write(Operation.DELETE_IMPORT, "Cannot delete import " + importId + " from", () -> true,
                connection -> {
                    boolean found = queries.deleteImport(connection, importId);
                    connection.commit();
                    return found;
                });
        if (deleted) {
            LOG.info("Deleted import {} from {}", importId, database.where());
        }
        return deleted;
    }

    @Override
    public List<PricePoint> history(String sourceUrl, String canonicalModel) {
        Objects.requireNonNull(sourceUrl, "sourceUrl");
        Objects.requireNonNull(canonicalModel, "canonicalModel");
        if (sourceUrl.isEmpty() || canonicalModel.isBlank()) {
            throw new IllegalArgumentException("a listing's history needs a sourceUrl and a canonicalModel, was '"
                    + sourceUrl + "' and '" + canonicalModel + "'");
        }
        String model = canonicalModel.strip(); // as Listing stores it
        return read(Operation.HISTORY, "Cannot read the history of " + sourceUrl + " (" + model + ") in",
                c -> analytics.history(c, sourceUrl, model));
    }

    @Override
    public ImportDiff diff(String fromId, String toId, int limit) {
        String fromImportId = Objects.requireNonNull(fromId, "fromImportId").strip();
        String toImportId = Objects.requireNonNull(toId, "toImportId").strip();
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, was " + limit);
        }
        return read(Operation.DIFF, "Cannot diff import " + fromImportId + " against import " + toImportId + " in",
                c -> analytics.diff(c, database.where(), fromImportId, toImportId, limit));
    }

    @Override
    public List<ModelStats> modelStats(ListingQuery filter) {
        Objects.requireNonNull(filter, "filter");
        return read(Operation.MODEL_STATS, "Cannot compute model statistics in", c -> analytics.modelStats(c, filter));
    }

    @Override
    public PruneResult prune(RetentionPolicy policy, boolean dryRun) {
        Objects.requireNonNull(policy, "policy");
        List<ImportMetadata> unkept = Retention.unkept(database.read("Cannot list imports in", queries::listImports),
                policy, Instant.now());
        if (dryRun) {
            return new PruneResult(true, unkept, unkept.stream().mapToLong(ImportMetadata::recordCount).sum());
        }
        List<ImportMetadata> removed = new ArrayList<>();
        long listings = 0;
        for (ImportMetadata planned : unkept) {
            OptionalLong deleted = database.write("Cannot prune import " + planned.importId() + " from", () -> true,
                    connection -> {
                        OptionalLong count = Retention.delete(connection, dialect, planned);
                        connection.commit();
                        return count;
                    });
            if (deleted.isPresent()) {
                removed.add(new ImportMetadata(planned.importId(), planned.importedAt(), planned.source(),
                        deleted.getAsLong(), planned.description()));
                listings += deleted.getAsLong();
                LOG.debug("Pruned import {} ({} listings) from {}", planned.importId(), deleted.getAsLong(),
                        database.where());
            }
        }
        LOG.info("Pruned {} imports ({} listings) from {}", removed.size(), listings, database.where());
        return new PruneResult(false, removed, listings);
    }

    @Override
    public StoreHealth health() {
        int supported = dialect.schemaVersion();
        long start = System.nanoTime();
        int version;
        try {
            version = database.read("Cannot check the health of", connection -> {
                int found;
                try (PreparedStatement statement = connection.prepareStatement(dialect.schemaVersionSql());
                        ResultSet rs = statement.executeQuery()) {
                    found = rs.next() ? rs.getInt(1) : 0;
                }
                try (PreparedStatement statement = connection.prepareStatement(HEALTH_PROBE);
                        ResultSet rs = statement.executeQuery()) {
                    rs.next();
                }
                return found;
            });
        } catch (StoreException e) {
            return new StoreHealth(false, -1, supported, Duration.ofNanos(System.nanoTime() - start), e.getMessage());
        }
        Duration latency = Duration.ofNanos(System.nanoTime() - start);
        if (version != supported) {
            return new StoreHealth(false, version, supported, latency, database.where() + " has schema version "
                    + version + "; this build works with version " + supported + (version > supported
                            ? ": a newer glyphd-store migrated it; upgrade this one"
                            : ": reopen the store to migrate it"));
        }
        return new StoreHealth(true, version, supported, latency, "schema version " + version + ", answered in "
                + String.format(Locale.ROOT, "%.2f", latency.toNanos() / 1e6) + " ms");
    }

    @Override
    public VerifyReport verify() {
        return read(Operation.VERIFY, "Cannot verify", verifier);
    }

    private <T> T read(Operation kind, String action, JdbcWork<T> work) {
        long start = System.nanoTime();
        try {
            T result = database.read(action, work);
            metrics.completed(kind, System.nanoTime() - start);
            return result;
        } catch (RuntimeException | Error e) {
            metrics.failed(kind, failureKind(e), System.nanoTime() - start);
            throw e;
        }
    }

    private <T> T write(Operation kind, String action, BooleanSupplier repeatable, JdbcWork<T> work) {
        return write(kind, action, repeatable, work, result -> { });
    }

    /** Runs a write, reporting its duration and {@code committed} result, or its failure, to the metrics. */
    private <T> T write(Operation kind, String action, BooleanSupplier repeatable, JdbcWork<T> work,
            Consumer<T> committed) {
        long start = System.nanoTime();
        try {
            T result = database.write(action, repeatable, work);
            metrics.completed(kind, System.nanoTime() - start);
            committed.accept(result);
            return result;
        } catch (RuntimeException | Error e) {
            metrics.failed(kind, failureKind(e), System.nanoTime() - start);
            throw e;
        }
    }

    private FailureKind failureKind(Throwable e) {
        if (e instanceof StoreFailure failure) {
            return failure.kind();
        }
        if (e instanceof IllegalArgumentException || e instanceof InvalidListingException
                || e instanceof DuplicateInputException) {
            return FailureKind.INVALID_INPUT;
        }
        if (e instanceof UnknownImportException) {
            return FailureKind.UNKNOWN_IMPORT;
        }
        if (e instanceof SchemaVersionException) {
            return FailureKind.SCHEMA;
        }
        if (e instanceof IllegalStateException && database.isClosed()) {
            return FailureKind.CLOSED;
        }
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql) {
                return database.failureKind(sql);
            }
            if (cause instanceof InterruptedException) {
                return FailureKind.INTERRUPTED;
            }
        }
        return FailureKind.OTHER;
    }

    @Override
    public void close() {
        if (!database.isClosed()) {
            metrics.close();
            database.close();
            LOG.debug("{}: closed", database.where());
        }
    }
}
