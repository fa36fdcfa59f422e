package io.glyphd.store.internal;

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
import io.glyphd.store.VerifyReport;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
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

    private final Database database;
    private final SqlDialect dialect;
    private final ListingQueries queries;
    private final ListingAnalytics analytics;
    private final BulkLoader loader;
    private final JdbcWork<VerifyReport> verifier;

    /**
     * A backend's parts.
     *
     * @param database where units of work run
     * @param dialect the backend's SQL and conversions
     * @param loader writes an import's rows in bulk
     * @param verifier checks the whole storage on a read connection
     */
    public record Backend(Database database, SqlDialect dialect, BulkLoader loader, JdbcWork<VerifyReport> verifier) {
    }

    /** Creates the store over a backend's parts. */
    protected JdbcListingStore(Backend backend) {
        this.database = backend.database();
        this.dialect = backend.dialect();
        this.queries = new ListingQueries(dialect);
        this.analytics = new ListingAnalytics(queries);
        this.loader = backend.loader();
        this.verifier = backend.verifier();
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
        return database.write("Cannot import listings as " + request + " into", () -> !input.touched(),
                connection -> ImportWriter.write(connection, dialect, database.where(), input, request, loader));
    }

    @Override
    public List<Listing> queryListings(ListingQuery query) {
        Objects.requireNonNull(query, "query");
        return database.read("Cannot query listings in", c -> queries.queryListings(c, query));
    }

    @Override
    public ListingPage queryPage(ListingQuery query, String pageToken) {
        Objects.requireNonNull(query, "query");
        if (query.offset() != 0) {
            throw new IllegalArgumentException("offset must be 0 for queryPage, was " + query.offset()
                    + "; the page token says where a page starts");
        }
        PageToken after = pageToken == null ? null : PageToken.decode(pageToken, query);
        return database.read("Cannot query a page of listings in", c -> queries.queryPage(c, query, after));
    }

    @Override
    public long countListings(ListingQuery query) {
        Objects.requireNonNull(query, "query");
        return database.read("Cannot count listings in", c -> queries.countListings(c, query));
    }

    @Override
    public List<ImportMetadata> listImports() {
        return database.read("Cannot list imports in", queries::listImports);
    }

    @Override
    public Optional<ImportMetadata> findImport(String id) {
        String importId = Objects.requireNonNull(id, "importId").strip();
        return database.read("Cannot read import " + importId + " in", c -> queries.findImport(c, importId));
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
        boolean deleted = database.write("Cannot delete import " + importId + " from", () -> true, connection -> {
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
        return database.read("Cannot read the history of " + sourceUrl + " (" + model + ") in",
                c -> analytics.history(c, sourceUrl, model));
    }

    @Override
    public ImportDiff diff(String fromId, String toId, int limit) {
        String fromImportId = Objects.requireNonNull(fromId, "fromImportId").strip();
        String toImportId = Objects.requireNonNull(toId, "toImportId").strip();
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, was " + limit);
        }
        return database.read("Cannot diff import " + fromImportId + " against import " + toImportId + " in",
                c -> analytics.diff(c, database.where(), fromImportId, toImportId, limit));
    }

    @Override
    public List<ModelStats> modelStats(ListingQuery filter) {
        Objects.requireNonNull(filter, "filter");
        return database.read("Cannot compute model statistics in", c -> analytics.modelStats(c, filter));
    }

    @Override
    public VerifyReport verify() {
        return database.read("Cannot verify", verifier);
    }

    @Override
    public void close() {
        if (!database.isClosed()) {
            database.close();
            LOG.debug("{}: closed", database.where());
        }
    }
}
