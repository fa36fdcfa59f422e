package io.glyphd.store;

import io.glyphd.store.internal.ListingQueries;
import java.util.Iterator;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;

/**
 * The spliterator behind the default {@link ListingStore#streamListings(ListingQuery)}: one page of listings (at most
 * {@value ListingQuery#STREAM_PAGE_LIMIT}) at a time, each read with {@link ListingStore#queryPage(ListingQuery,
 * String)} when the one before it is used up, so each page is its own snapshot. Between two pages it holds the current
 * page and the next page's token, and nothing of the store: no connection, statement or transaction. Not thread-safe,
 * as a stream's spliterator need not be.
 */
final class PageSpliterator extends Spliterators.AbstractSpliterator<Listing> {
    private final ListingStore store;
    private final ListingQuery query;
    private Iterator<Listing> page;
    private String nextPageToken;
    private boolean closed;

    /** Reads the first page now, so that a closed store or a bad query fails at once. */
    PageSpliterator(ListingStore store, ListingQuery query) {
        super(Long.MAX_VALUE, Spliterator.ORDERED | Spliterator.NONNULL);
        this.store = store;
        this.query = ListingQueries.streamPageQuery(query);
        read(store.queryPage(this.query));
    }

    private void read(ListingPage next) {
        page = next.listings().iterator();
        nextPageToken = next.nextPageToken().orElse(null);
    }

    @Override
    public boolean tryAdvance(Consumer<? super Listing> action) {
        while (!closed) {
            if (page.hasNext()) {
                action.accept(page.next());
                return true;
            }
            if (nextPageToken == null) {
                return false;
            }
            read(store.queryPage(query, nextPageToken));
        }
        return false;
    }

    /** Drops the page it holds and reads no further page. */
    void close() {
        closed = true;
        page = null;
        nextPageToken = null;
    }
}
