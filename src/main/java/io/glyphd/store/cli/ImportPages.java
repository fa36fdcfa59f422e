package io.glyphd.store.cli;

import io.glyphd.store.ImportMetadata;
import io.glyphd.store.Listing;
import io.glyphd.store.ListingPage;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.ListingStore;
import io.glyphd.store.StoreException;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * Reads one import's listings from a store in import order, page by page ({@code queryPage}, so a deep page costs
 * what the first costs), holding one page at a time. After the last page it checks that the import is still the one
 * it set out to read, with as many listings as it recorded: each page is read in a snapshot of its own, and an
 * import replaced or deleted meanwhile would otherwise be read half old, half new. Not thread-safe.
 */
final class ImportPages implements Iterator<Listing> {
    /**
     * Listings per page: about 10 MB of typical listings, and few enough round trips (a PostgreSQL store opens a
     * connection per page: 1,000-listing pages made copying a million listings three times slower).
     */
    static final int PAGE_SIZE = 5_000;

    private final ListingStore store;
    private final ImportMetadata expected;
    private final String where;
    private final ListingQuery query;
    private List<Listing> page = List.of();
    private int next;
    private String token;
    private boolean started;
    private boolean finished;
    private long read;

    /**
     * Reads the import {@code expected} describes.
     *
     * @param where the store, for messages
     */
    ImportPages(ListingStore store, ImportMetadata expected, String where) {
        this(store, expected, where, PAGE_SIZE);
    }

    ImportPages(ListingStore store, ImportMetadata expected, String where, int pageSize) {
        this.store = store;
        this.expected = expected;
        this.where = where;
        this.query = ListingQuery.builder().importId(expected.importId()).orderBy(ListingQuery.Order.IMPORT_ORDER)
                .limit(pageSize).build();
    }

    /**
     * {@inheritDoc}
     *
     * @throws StoreException if the store fails, or, after the last listing, if the import changed while it was read
     */
    @Override
    public boolean hasNext() {
        while (next == page.size()) {
            if (finished) {
                return false;
            }
            if (started && token == null) {
                finished = true;
                checkUnchanged();
                return false;
            }
            ListingPage fetched = store.queryPage(query, token);
            started = true;
            page = fetched.listings();
            next = 0;
            token = fetched.nextPageToken().orElse(null);
        }
        return true;
    }

    @Override
    public Listing next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        read++;
        return page.get(next++);
    }

    private void checkUnchanged() {
        Optional<ImportMetadata> now = store.findImport(expected.importId());
        if (read != expected.recordCount() || !now.equals(Optional.of(expected))) {
            throw new StoreException("Import " + expected.importId() + " changed in " + where
                    + " while it was being read (" + expected.recordCount() + " listings at " + expected.importedAt()
                    + " before, " + now.map(i -> i.recordCount() + " listings at " + i.importedAt()).orElse("deleted")
                    + " after, " + read + " read)");
        }
    }
}
