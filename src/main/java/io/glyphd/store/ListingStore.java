package io.glyphd.store;

import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Persists scored GPU listings, one import at a time, and answers queries over them.
 *
 * <p>Every listing belongs to exactly one import. An import is written in one transaction: either all its
 * listings are stored or none are, and a reader sees the store before the import or after it, never in
 * between. Writing an import id that already exists replaces that import's listings and metadata in the same
 * transaction. Listings are numbered 1..n in input order ({@link Listing#importIndex()}). Import ids are
 * compared after stripping surrounding whitespace, as {@link ImportRequest} stores them.
 *
 * <p>Implementations are thread-safe unless they say otherwise. No method accepts null unless it says so,
 * and none returns null. Every method throws {@link IllegalStateException} once the store is closed, and
 * {@link StoreException} when the storage fails; the message says what failed, where and why.
 */
public interface ListingStore extends AutoCloseable {

    /**
     * Stores a batch of listings as one import, replacing any import with the same id.
     *
     * @param listings the listings, in order; not empty, no null elements
     * @param importId the import's id; see {@link ImportRequest} for the rule
     * @return the number of listings stored
     * @throws InvalidListingException if a listing is null or cannot be stored; nothing is written
     * @throws IllegalArgumentException if {@code listings} is empty or the import id is invalid
     */
    default int insertListings(List<Listing> listings, String importId) {
        return Math.toIntExact(insertListings(listings, ImportRequest.of(importId)).recordCount());
    }

    /**
     * Stores a batch of listings as one import, with its source and description, replacing any import with
     * the same id.
     *
     * @param listings the listings, in order; not empty, no null elements
     * @param request the import's id, source and description
     * @return the import's id, count, rows replaced and duration
     * @throws InvalidListingException if a listing is null or cannot be stored; nothing is written
     * @throws IllegalArgumentException if {@code listings} is empty
     */
    default ImportResult insertListings(List<Listing> listings, ImportRequest request) {
        if (listings.isEmpty()) {
            throw new IllegalArgumentException("Cannot import 0 listings as " + request
                    + ": an import needs at least one listing");
        }
        return importListings(listings.iterator(), request);
    }

    /**
     * Stores listings read one at a time as one import, in one transaction, without holding them in memory.
     * If the iterator throws, the import is rolled back and the exception is rethrown (a {@link StoreException}
     * as it is, anything else wrapped in an {@link InvalidListingException} naming the row).
     *
     * @param listings the listings, in order; must yield at least one listing and no nulls
     * @param request the import's id, source and description
     * @return the import's id, count, rows replaced and duration
     * @throws InvalidListingException if a listing is null, cannot be stored, or the iterator fails on it;
     *         nothing is written
     * @throws IllegalArgumentException if {@code listings} yields nothing
     */
    ImportResult importListings(Iterator<Listing> listings, ImportRequest request);

    /**
     * Stores a stream of listings as one import; see {@link #importListings(Iterator, ImportRequest)}. The stream
     * is consumed and closed.
     *
     * @param listings the listings, in order
     * @param request the import's id, source and description
     * @return the import's id, count, rows replaced and duration
     * @throws InvalidListingException if a listing is null or cannot be stored; nothing is written
     */
    default ImportResult importListings(Stream<Listing> listings, ImportRequest request) {
        try (listings) {
            return importListings(listings.iterator(), request);
        }
    }

    /**
     * Returns the listings that match a query, in its order, at most {@code query.limit()} of them.
     *
     * @param query filters, order, limit and offset
     * @return the matching listings with their provenance; empty if none match
     */
    List<Listing> queryListings(ListingQuery query);

    /**
     * Returns the first page of a query; see {@link #queryPage(ListingQuery, String)}.
     *
     * @param query filters, order and page size ({@code limit}); its offset must be 0
     * @return up to {@code query.limit()} listings in the query's order, and the token for the next page
     * @throws IllegalArgumentException if the query's offset is not 0
     */
    default ListingPage queryPage(ListingQuery query) {
        return queryPage(query, null);
    }

    /**
     * Returns the page of a query that follows the one that issued {@code pageToken}: up to {@code query.limit()}
     * listings in the query's order, and a token for the page after it (none after the last page).
     *
     * <p>Pages are read by position, not by offset: a token holds the query's fingerprint and the last listing's
     * sort key and storage id, so a deep page costs what the first one costs. Reading every page of a query gives
     * exactly what one query with no limit would give, in the same order, ties included. Each page is read in one
     * snapshot of its own, however many statements it takes. Tokens are stateless, so a walk over several pages is not
     * one snapshot: a listing imported or deleted between two pages shows up or disappears accordingly, and an import
     * re-imported between two pages may show its old version on the earlier pages and its new one on the later
     * (a listing that stays in the store is never returned twice or skipped). For one consistent export, use
     * {@link #streamListings(ListingQuery)}. Tokens are opaque text that is safe to put in a URL;
     * they carry no secret and are not signed: a forged token can only move where a page starts.
     *
     * @param query filters, order and page size ({@code limit}, which may change from page to page); offset must be 0
     * @param pageToken null for the first page, or {@link ListingPage#nextPageToken()} of the previous page
     * @return the page and the token for the next one
     * @throws IllegalArgumentException if {@code pageToken} is not a token a store issued, or was issued for a query
     *         with other filters or another order, or if the query's offset is not 0
     */
    ListingPage queryPage(ListingQuery query, String pageToken);

    /**
     * Returns every listing that matches a query, in its order, as a stream read page by page, all in one snapshot of
     * the store: what one query with no limit would give at the moment the first page is read, ties included. An
     * import committed, re-imported or deleted while the stream runs is seen entirely as it was before, never in
     * part, so an export holds all of an import's version or none of it. The query's {@code limit} is the page size
     * up to {@value ListingQuery#STREAM_PAGE_LIMIT} (a larger limit reads pages of that many), not a bound on the
     * stream: it sets how many listings are held at a time and how many round trips an export takes
     * ({@link Stream#limit} bounds the stream; an export does best with pages of
     * {@value ListingQuery#STREAM_PAGE_LIMIT}). Pages are read by keyset position, never by offset, so a deep page
     * costs what the first one costs.
     *
     * <p>The first page is read before this method returns; each next page when the stream reaches it. Memory holds
     * one page. The snapshot costs what an open read transaction costs, from the first page until the stream is
     * closed or its last page has been read (then it is let go at once): it holds one connection, and it keeps the
     * store from discarding what the snapshot may still see. On SQLite no checkpoint can move past it, so the
     * {@code -wal} file grows by every commit made while the stream is open; on PostgreSQL it is a REPEATABLE READ
     * transaction whose snapshot holds back VACUUM. Writers do not wait for it. Close the stream when done
     * (try-with-resources): a stream left open and unread holds its connection and snapshot until it is closed. A
     * read that fails, or an exception thrown by the stream's consumer, also ends the snapshot; a later page read
     * then throws {@link IllegalStateException} rather than end the stream early. {@link #close()} of the store
     * ends an open stream's snapshot without waiting for it, and its next page read throws
     * {@link IllegalStateException}. The stream is sequential and not thread-safe.
     *
     * <p>The default implementation reads each page with {@link #queryPage(ListingQuery, String)}, so each page is its
     * own snapshot (a listing that stays in the store is still never returned twice or skipped) and nothing is held
     * between pages; this library's stores override it to read one snapshot as described.
     *
     * @param query filters, order and page size ({@code limit}, at most {@value ListingQuery#STREAM_PAGE_LIMIT} used);
     *        its offset must be 0
     * @return the matching listings with their provenance, in the query's order
     * @throws IllegalArgumentException if the query's offset is not 0
     */
    default Stream<Listing> streamListings(ListingQuery query) {
        Objects.requireNonNull(query, "query");
        if (query.offset() != 0) {
            throw new IllegalArgumentException("offset must be 0 for streamListings, was " + query.offset()
                    + "; the stream reads every match");
        }
        PageSpliterator pages = new PageSpliterator(this, query);
        return StreamSupport.stream(pages, false).onClose(pages::close);
    }

    /**
     * Counts the listings that match a query's filters; its order, limit and offset are ignored.
     *
     * @param query the filters
     * @return how many listings match
     */
    long countListings(ListingQuery query);

    /** {@return every import, most recently imported first (ties by import id)} */
    List<ImportMetadata> listImports();

    /**
     * Returns one import's metadata.
     *
     * @param importId the import's id
     * @return the import, or empty if there is none with that id
     */
    Optional<ImportMetadata> findImport(String importId);

    /**
     * Returns the imports whose {@link ImportMetadata#fingerprint()} is exactly {@code fingerprint}, most recently
     * imported first (ties by import id): e.g. to notice that a file about to be imported is already in the store.
     * One index seek.
     *
     * @param fingerprint the fingerprint, as {@link ImportRequest#fingerprint()} gave it
     * @return the imports; empty if none has it
     */
    List<ImportMetadata> findImportsByFingerprint(String fingerprint);

    /**
     * Deletes an import and all its listings, in one transaction.
     *
     * @param importId the import's id
     * @return true if the import existed
     */
    boolean deleteImport(String importId);

    /**
     * Returns how one listing's price and score moved across imports: one point per import that holds it, oldest
     * first (by {@link ImportMetadata#importedAt()}, which a re-import refreshes; ties in the order the imports were
     * created).
     *
     * <p>A listing's identity across imports is its {@code sourceUrl}, matched exactly, and its
     * {@code canonicalModel}, matched ignoring ASCII case; listings without a {@code sourceUrl} have no history.
     * When an import holds several rows of the listing, its point is the first of them; see {@link PricePoint}.
     *
     * @param sourceUrl the listing's address; not empty
     * @param canonicalModel the listing's model; not blank
     * @return the points, oldest first; empty if no import holds the listing
     * @throws IllegalArgumentException if {@code sourceUrl} is empty or {@code canonicalModel} is blank
     */
    List<PricePoint> history(String sourceUrl, String canonicalModel);

    /**
     * Returns every listing added, removed and changed from one import to another, with exact counts; see
     * {@link ImportDiff} for the rules. Holds every entry in memory: for large imports, prefer
     * {@link #diff(String, String, int)}.
     *
     * @param fromImportId the earlier import's id
     * @param toImportId the later import's id; may equal {@code fromImportId}
     * @return the diff, with {@link ImportDiff#isComplete()} true
     * @throws UnknownImportException if either import does not exist; the message names every missing id
     */
    default ImportDiff diff(String fromImportId, String toImportId) {
        return diff(fromImportId, toImportId, Integer.MAX_VALUE);
    }

    /**
     * Returns the listings added, removed and changed from one import to another, at most {@code limit} of each
     * kind (the first in the order {@link ImportDiff} defines), with exact counts of all of them. Surrounding
     * whitespace is stripped from the ids, as {@link ImportRequest} does.
     *
     * @param fromImportId the earlier import's id
     * @param toImportId the later import's id; may equal {@code fromImportId}
     * @param limit the most entries to list of each kind, {@code >= 0}; 0 returns the counts only
     * @return the diff
     * @throws UnknownImportException if either import does not exist; the message names every missing id
     * @throws IllegalArgumentException if {@code limit} is negative
     */
    ImportDiff diff(String fromImportId, String toImportId, int limit);

    /**
     * Returns market statistics per canonical model over the listings a filter selects, ordered by model ignoring
     * ASCII case; see {@link ModelStats}. The filter's order, limit and offset are ignored, so every model with a
     * matching listing is reported.
     *
     * @param filter which listings to count, e.g. one import, one region, those seen after a date, or the current
     *        market one offer at a time ({@link ListingQuery#current()}, {@link ListingQuery#distinctOffers()})
     * @return one entry per model; empty if no listing matches
     */
    List<ModelStats> modelStats(ListingQuery filter);

    /**
     * Removes the imports a retention policy does not keep, each with its listings in a transaction of its own (oldest
     * first, so a prune that stops half-way has removed the oldest), or on a dry run only lists them. The policy is
     * applied to the imports as they are when the prune starts; an import re-imported while the prune runs (its
     * {@link ImportMetadata#importedAt()} changed) is kept, and one deleted meanwhile is not counted.
     *
     * <p>Disk space: the rows' space is reused by later imports, but a SQLite file does not shrink by itself; see
     * {@code SqliteListingStore.compact()}. On PostgreSQL autovacuum makes the space reusable.
     *
     * @param policy which imports to keep
     * @param dryRun true to remove nothing and return what a real run would remove now
     * @return the imports removed (or that would be), oldest first, with their listing counts
     */
    PruneResult prune(RetentionPolicy policy, boolean dryRun);

    /**
     * Checks, cheaply, that the store answers and holds the schema version this build works with: for a service's
     * liveness or readiness probe. It reads the schema version and one indexed row, never scans, so it takes a few
     * milliseconds whatever the store's size (plus any wait for a connection or a lock: at most SQLite's connection
     * wait and lock wait, the PostgreSQL pool's connection timeout). It changes nothing and works on a read-only store.
     *
     * <p>It does not throw when the storage fails: an unreachable server, a locked, missing or damaged file, or a
     * schema another build migrated, gives {@link StoreHealth#ok()} false and a message saying why. Unlike
     * {@link #verify()} it does not read the whole storage, so damage elsewhere goes unnoticed.
     *
     * @return what the check found
     * @throws IllegalStateException if the store is closed
     */
    StoreHealth health();

    /**
     * Checks the whole store for damage and reports what it finds. Unlike opening, which checks only what is cheap,
     * this reads all of the storage, so it takes time in proportion to its size; it changes nothing and works on a
     * read-only store.
     *
     * @return the findings; {@link VerifyReport#ok()} if there are none
     * @throws StoreException if the check cannot run, e.g. the storage is locked or the disk fails; damage that
     *         stops the check is reported as a finding, not thrown
     */
    VerifyReport verify();

    /** Closes the store; later calls throw {@link IllegalStateException}. Closing twice does nothing. */
    @Override
    void close();
}
